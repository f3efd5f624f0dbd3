//! Reading a rehearsal file: HCL blocks `rehearsal` and `step`, with located
//! diagnostics for anything the runner could not act on.

use std::path::PathBuf;

use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::structure::{Attribute, Block, Body, Structure};

use super::command::parse_command;
use super::{Action, Edit, ExpectKind, Expectation, Rehearsal, Step};
use crate::cluster::JobStatus;
use crate::diag::{Diag, Diags};
use crate::source::{Source, Span};

const STEP_KEYS: &[&str] = &["command", "edit", "scale_clients", "expect"];
const EXPECT_KEYS: &[&str] = &[
    "placed",
    "quota_hit",
    "preempts",
    "job_status",
    "exit_code",
    "output_contains",
];

/// Parse a rehearsal file; every problem is reported, not only the first.
pub fn parse(source: &Source) -> Result<Rehearsal, Diags> {
    crate::nesting::check(source, "hcl::syntax")?;
    super::limits::precount(source)?;
    let body = match hcl_edit::parser::parse_body(&source.text) {
        Ok(b) => b,
        Err(e) => {
            let off = e.location().offset();
            return Err(Diag::error("hcl::syntax", e.message().to_string())
                .at(source, Span::new(off, off + 1), "here")
                .help("a rehearsal file is HCL: `rehearsal \"name\" { }` then `step \"title\" { ... }` blocks")
                .into());
        }
    };
    let mut p = Parser {
        source,
        diags: Diags::new(),
    };
    let r = p.rehearsal(&body);
    if p.diags.has_errors() {
        Err(p.diags)
    } else {
        Ok(r)
    }
}

struct Parser<'a> {
    source: &'a Source,
    diags: Diags,
}

fn span_of(x: &impl hcl_edit::Span) -> Span {
    x.span().map(Span::from_range).unwrap_or_default()
}

impl Parser<'_> {
    fn err(&mut self, code: &str, msg: impl Into<String>, span: Span, label: &str, help: &str) {
        self.diags.push(
            Diag::error(code, msg)
                .at(self.source, span, label)
                .help(help),
        );
    }

    fn rehearsal(&mut self, body: &Body) -> Rehearsal {
        let mut name = String::new();
        let mut description = String::new();
        let mut steps = Vec::new();
        for s in body.iter() {
            match s {
                Structure::Block(b) if b.ident.as_str() == "rehearsal" => {
                    name = b
                        .labels
                        .first()
                        .map(|l| l.as_str().to_string())
                        .unwrap_or_default();
                    for st in b.body.iter() {
                        match st {
                            Structure::Attribute(a) if a.key.as_str() == "description" => {
                                if let Some(d) = self.string(a) {
                                    description = d;
                                }
                            }
                            other => self.unknown(other, &["description"]),
                        }
                    }
                }
                Structure::Block(b) if b.ident.as_str() == "step" => {
                    if let Some(step) = self.step(b) {
                        steps.push(step);
                    }
                }
                other => self.unknown(other, &["rehearsal", "step"]),
            }
        }
        if steps.is_empty() && !self.diags.has_errors() {
            self.err(
                "rehearse::empty",
                "the rehearsal has no steps",
                Span::new(0, self.source.text.len().min(1)),
                "no `step` block in this file",
                "add `step \"title\" { command = \"nomad job status\" }` blocks in the order of the script",
            );
        }
        Rehearsal {
            name,
            description,
            steps,
            source: self.source.clone(),
        }
    }

    fn unknown(&mut self, s: &Structure, expected: &[&str]) {
        let (name, span) = match s {
            Structure::Attribute(a) => (a.key.as_str().to_string(), span_of(&a.key)),
            Structure::Block(b) => (b.ident.as_str().to_string(), span_of(&b.ident)),
        };
        let hint = crate::suggest::closest_in(&name, expected)
            .map(|m| format!("did you mean `{m}`?"))
            .unwrap_or_else(|| format!("expected one of: {}", expected.join(", ")));
        self.err(
            "rehearse::unknown-key",
            format!("unknown key `{name}` here"),
            span,
            "not part of the rehearsal format",
            &hint,
        );
    }

    fn step(&mut self, b: &Block) -> Option<Step> {
        let header = span_of(&b.ident);
        let title = match b.labels.first() {
            Some(l) => l.as_str().to_string(),
            None => {
                self.err(
                    "rehearse::step-title",
                    "a step needs a title",
                    header,
                    "this step has no label",
                    "write `step \"Plan the monitoring job\" { ... }`",
                );
                return None;
            }
        };
        let mut actions: Vec<(Action, Span)> = Vec::new();
        let mut expect = Vec::new();
        // An action that was written but is itself wrong is reported once,
        // not again as "the step does nothing".
        let mut attempted = false;
        for s in b.body.iter() {
            if let Structure::Attribute(a) = s {
                attempted |= matches!(a.key.as_str(), "command" | "scale_clients");
            }
            if let Structure::Block(eb) = s {
                attempted |= eb.ident.as_str() == "edit";
            }
            match s {
                Structure::Attribute(a) if a.key.as_str() == "command" => {
                    if let Some(line) = self.string(a) {
                        let span = span_of(&a.value);
                        match parse_command(&line) {
                            Ok(command) => actions.push((Action::Command { line, command }, span)),
                            Err(msg) => self.err(
                                "rehearse::command",
                                msg,
                                span,
                                "cannot replay this command",
                                "supported: nomad job plan|run|status|stop, nomad node status, nomad quota status, nomad namespace apply",
                            ),
                        }
                    }
                }
                Structure::Attribute(a) if a.key.as_str() == "scale_clients" => {
                    if let Some(pools) = self.scale_clients(a) {
                        actions.push((Action::ScaleClients(pools), span_of(a)));
                    }
                }
                Structure::Block(eb) if eb.ident.as_str() == "edit" => {
                    if let Some(edit) = self.edit(eb) {
                        actions.push((edit, span_of(eb)));
                    }
                }
                Structure::Block(eb) if eb.ident.as_str() == "expect" => {
                    self.expect(eb, &mut expect);
                }
                other => self.unknown(other, STEP_KEYS),
            }
        }
        if actions.len() > 1 {
            let span = actions[1].1;
            self.err(
                "rehearse::one-action",
                format!(
                    "step {title:?} has {} actions; a step does one thing",
                    actions.len()
                ),
                span,
                "second action",
                "split it into two steps, in the order the presenter does them",
            );
            return None;
        }
        let Some((action, _)) = actions.pop() else {
            if attempted {
                return None;
            }
            self.err(
                "rehearse::no-action",
                format!("step {title:?} does nothing"),
                header,
                "no `command`, `edit` or `scale_clients`",
                "give the step a `command = \"nomad ...\"`, an `edit \"FILE\" { ... }` block or `scale_clients = { pool = N }`",
            );
            return None;
        };
        Some(Step {
            title,
            action,
            expect,
            span: header,
        })
    }

    fn edit(&mut self, b: &Block) -> Option<Action> {
        let Some(path) = b.labels.first().map(|l| l.as_str().to_string()) else {
            self.err(
                "rehearse::edit",
                "an edit needs the file it changes",
                span_of(&b.ident),
                "no file label",
                "write `edit \"jobs/monitoring.nomad\" { uncomment = \"namespace\" }`",
            );
            return None;
        };
        let mut edits = Vec::new();
        for s in b.body.iter() {
            match s {
                Structure::Attribute(a) if a.key.as_str() == "uncomment" => {
                    if let Some(key) = self.string(a) {
                        edits.push(Edit::Uncomment {
                            key,
                            span: span_of(&a.value),
                        });
                    }
                }
                Structure::Attribute(a) if a.key.as_str() == "set" => match &a.value {
                    Expression::Object(obj) => {
                        for (k, v) in obj.iter() {
                            let key = match k {
                                ObjectKey::Ident(i) => i.as_str().to_string(),
                                ObjectKey::Expression(Expression::String(s)) => {
                                    s.as_str().to_string()
                                }
                                ObjectKey::Expression(e) => {
                                    self.err(
                                        "rehearse::edit",
                                        "a `set` key must be an attribute path string",
                                        span_of(e),
                                        "not a string",
                                        "write `set = { \"group.carts.count\" = 3 }`",
                                    );
                                    continue;
                                }
                            };
                            let value_expr = v.expr();
                            let vspan = span_of(value_expr);
                            let text = self.source.slice(vspan).trim().to_string();
                            if !is_literal(value_expr) {
                                self.err(
                                    "rehearse::edit",
                                    "a `set` value must be a literal",
                                    vspan,
                                    "not a literal",
                                    "use a number, string, bool or list of literals",
                                );
                                continue;
                            }
                            edits.push(Edit::Set {
                                path: key,
                                value: text,
                                span: vspan,
                            });
                        }
                    }
                    other => self.err(
                        "rehearse::edit",
                        "`set` takes an object of attribute paths and values",
                        span_of(other),
                        "not an object",
                        "write `set = { \"group.carts.count\" = 3 }`",
                    ),
                },
                other => self.unknown(other, &["uncomment", "set"]),
            }
        }
        Some(Action::Edit {
            path: PathBuf::from(path),
            edits,
        })
    }

    fn scale_clients(&mut self, a: &Attribute) -> Option<Vec<(String, u32, Span)>> {
        let Expression::Object(obj) = &a.value else {
            self.err(
                "rehearse::scale-clients",
                "`scale_clients` takes an object of pool names and client counts",
                span_of(&a.value),
                "not an object",
                "write `scale_clients = { aws = 4 }`",
            );
            return None;
        };
        let mut out = Vec::new();
        for (k, v) in obj.iter() {
            let name = match k {
                ObjectKey::Ident(i) => i.as_str().to_string(),
                ObjectKey::Expression(Expression::String(s)) => s.as_str().to_string(),
                ObjectKey::Expression(e) => {
                    self.err(
                        "rehearse::scale-clients",
                        "pool names are identifiers or strings",
                        span_of(e),
                        "here",
                        "write `scale_clients = { aws = 4 }`",
                    );
                    continue;
                }
            };
            let vspan = span_of(v.expr());
            match v.expr() {
                Expression::Number(n) => match n.as_u64().and_then(|n| u32::try_from(n).ok()) {
                    Some(c) => out.push((name, c, vspan)),
                    None => self.err(
                        "rehearse::scale-clients",
                        "a client count is a whole number from 0 to 4294967295",
                        vspan,
                        "not a valid count",
                        "write a whole number such as 4",
                    ),
                },
                _ => self.err(
                    "rehearse::scale-clients",
                    "a client count is a whole number",
                    vspan,
                    "not a number",
                    "write a whole number such as 4",
                ),
            }
        }
        Some(out)
    }

    fn expect(&mut self, b: &Block, out: &mut Vec<Expectation>) {
        for s in b.body.iter() {
            let Structure::Attribute(a) = s else {
                self.unknown(s, EXPECT_KEYS);
                continue;
            };
            let span = span_of(a);
            let vspan = span_of(&a.value);
            let kind = match a.key.as_str() {
                "placed" => match &a.value {
                    Expression::Bool(v) => Some(ExpectKind::Placed(*v.value())),
                    _ => self.type_err(vspan, "`placed` is true or false"),
                },
                "quota_hit" => self.string(a).map(ExpectKind::QuotaHit),
                "exit_code" => match &a.value {
                    Expression::Number(n) => n
                        .as_i64()
                        .and_then(|n| i32::try_from(n).ok())
                        .map(ExpectKind::ExitCode)
                        .or_else(|| self.type_err(vspan, "an exit code is a small whole number")),
                    _ => self.type_err(vspan, "an exit code is a number"),
                },
                "output_contains" => self.string(a).map(ExpectKind::OutputContains),
                "preempts" => match &a.value {
                    Expression::Array(arr) => {
                        let mut v = Vec::new();
                        for e in arr.iter() {
                            match e {
                                Expression::String(s) => match s.as_str().split_once('/') {
                                    Some((j, g)) if !j.is_empty() && !g.is_empty() => {
                                        v.push((j.to_string(), g.to_string()))
                                    }
                                    _ => {
                                        self.type_err::<()>(
                                            span_of(e),
                                            "write each preempted allocation as \"job/group\"",
                                        );
                                    }
                                },
                                other => {
                                    self.type_err::<()>(
                                        span_of(other),
                                        "write each preempted allocation as \"job/group\"",
                                    );
                                }
                            }
                        }
                        Some(ExpectKind::Preempts(v))
                    }
                    _ => self.type_err(vspan, "`preempts` is a list of \"job/group\" strings"),
                },
                "job_status" => {
                    match &a.value {
                        Expression::Object(obj) => {
                            for (k, v) in obj.iter() {
                                let key = match k {
                                    ObjectKey::Ident(i) => i.as_str().to_string(),
                                    ObjectKey::Expression(Expression::String(s)) => {
                                        s.as_str().to_string()
                                    }
                                    ObjectKey::Expression(e) => {
                                        self.type_err::<()>(
                                            span_of(e),
                                            "job keys are \"job\" or \"namespace/job\"",
                                        );
                                        continue;
                                    }
                                };
                                let (namespace, job) = match key.split_once('/') {
                                    Some((n, j)) => (n.to_string(), j.to_string()),
                                    None => ("default".to_string(), key.clone()),
                                };
                                let sv = span_of(v.expr());
                                let status = match v.expr() {
                                    Expression::String(s) => match s.as_str() {
                                        "running" => Some(JobStatus::Running),
                                        "pending" => Some(JobStatus::Pending),
                                        "dead" => Some(JobStatus::Dead),
                                        _ => None,
                                    },
                                    _ => None,
                                };
                                match status {
                                    Some(status) => out.push(Expectation {
                                        kind: ExpectKind::JobStatus {
                                            namespace,
                                            job,
                                            status,
                                        },
                                        span: sv,
                                    }),
                                    None => self.err(
                                        "rehearse::value",
                                        "unknown job status",
                                        sv,
                                        "not a job status",
                                        "a job status is \"running\", \"pending\" or \"dead\"",
                                    ),
                                }
                            }
                        }
                        _ => {
                            self.type_err::<()>(vspan, "`job_status` is an object: { \"monitor/monitoring\" = \"pending\" }");
                        }
                    }
                    None
                }
                _ => {
                    self.unknown(s, EXPECT_KEYS);
                    None
                }
            };
            if let Some(kind) = kind {
                out.push(Expectation { kind, span });
            }
        }
    }

    fn type_err<T>(&mut self, span: Span, help: &str) -> Option<T> {
        self.err(
            "rehearse::type",
            "this value has the wrong type",
            span,
            "wrong type",
            help,
        );
        None
    }

    fn string(&mut self, a: &Attribute) -> Option<String> {
        match &a.value {
            Expression::String(s) => Some(s.as_str().to_string()),
            other => self.type_err(
                span_of(other),
                &format!("`{}` is a plain string", a.key.as_str()),
            ),
        }
    }
}

fn is_literal(e: &Expression) -> bool {
    match e {
        Expression::Null(_)
        | Expression::Bool(_)
        | Expression::Number(_)
        | Expression::String(_) => true,
        Expression::Array(a) => a.iter().all(is_literal),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    #[test]
    fn parses_steps_and_expectations() {
        let src = SourceFile::inline(
            "r.hcl",
            r#"
rehearsal "demo" { description = "d" }
step "plan" {
  command = "nomad job plan jobs/monitoring.nomad"
  expect {
    quota_hit = "cpu"
    preempts  = ["monitoring/foundation"]
    job_status = { "monitor/monitoring" = "pending", sockshop = "running" }
  }
}
step "edit" {
  edit "jobs/sockshop.nomad" { set = { "group.carts.count" = 3 } }
}
step "grow" { scale_clients = { aws = 4 } }
"#,
        );
        let r = parse(&src).unwrap();
        assert_eq!(r.name, "demo");
        assert_eq!(r.steps.len(), 3);
        assert_eq!(r.steps[0].expect.len(), 4);
        assert!(matches!(&r.steps[1].action, Action::Edit { edits, .. } if edits.len() == 1));
        assert!(matches!(&r.steps[2].action, Action::ScaleClients(p) if p[0].1 == 4));
    }

    #[test]
    fn reports_every_problem_with_a_location() {
        let src = SourceFile::inline(
            "r.hcl",
            r#"
step "a" { comand = "nomad job status" }
step "b" { command = "nomad job plan" }
step "c" {
  command = "nomad job status"
  expect { placed = "yes" }
}
"#,
        );
        let diags = parse(&src).unwrap_err();
        let codes: Vec<&str> = diags.iter().map(|d| d.code.as_str()).collect();
        assert!(codes.contains(&"rehearse::unknown-key"), "{codes:?}");
        assert!(codes.contains(&"rehearse::command"), "{codes:?}");
        assert!(codes.contains(&"rehearse::type"), "{codes:?}");
        let unknown = diags
            .iter()
            .find(|d| d.code == "rehearse::unknown-key")
            .unwrap();
        assert_eq!(unknown.help.as_deref(), Some("did you mean `command`?"));
        assert!(diags.iter().all(|d| d.primary_span().is_some()));
    }
}
