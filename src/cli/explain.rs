//! `nomad-preflight explain CODE` and `nomad-preflight rules [--format json]`.

use crate::diag::exit;
use crate::rules;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ListFormat {
    #[default]
    Text,
    Json,
}

#[derive(clap::Args, Debug, Clone)]
pub struct ExplainArgs {
    /// Rule code (NP101) or name (image-tag-latest).
    pub code: String,
}

#[derive(clap::Args, Debug, Clone, Default)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value_t)]
    pub format: ListFormat,
}

/// The text `explain` prints: a header line, then the rule's documentation.
pub fn explain_text(code: &str) -> Option<String> {
    let Some(rule) = rules::find(code) else {
        return rules::frontend::find(code).map(rules::frontend::explain_text);
    };
    let m = rule.meta();
    let needs = match m.needs {
        rules::Needs::World => "",
        rules::Needs::Simulation => ", needs the cluster simulation",
    };
    let head = match m.lifecycle {
        rules::Lifecycle::Stable => format!("default: {}{needs}", m.default_severity.as_str()),
        rules::Lifecycle::Deprecated { since, reason } => format!(
            "default: {}{needs}; deprecated since {since}: {reason}",
            m.default_severity.as_str()
        ),
        rules::Lifecycle::Removed { since, reason } => {
            format!("removed in {since}, never runs: {reason}")
        }
    };
    // Whether a finding of it fails the run as "cannot tell" (exit 2).
    let answer = m
        .answer
        .explained()
        .map(|line| format!("{line}\n\n"))
        .unwrap_or_default();
    Some(format!(
        "{} {} ({head})\n\n{answer}{}",
        m.code,
        m.name,
        m.doc_text()
    ))
}

pub fn run_explain(args: &ExplainArgs) -> i32 {
    match explain_text(&args.code) {
        Some(t) => {
            print!("{t}");
            exit::OK
        }
        None => {
            eprintln!(
                "error: no rule {:?}; `nomad-preflight rules` lists them",
                args.code
            );
            exit::INVALID
        }
    }
}

pub fn rules_text(format: ListFormat) -> String {
    match format {
        ListFormat::Text => {
            let mut out = String::new();
            for r in rules::all() {
                let m = r.meta();
                let status = match m.lifecycle {
                    rules::Lifecycle::Stable => String::new(),
                    other => format!(" ({})", other.as_str()),
                };
                out.push_str(&format!(
                    "{}  {:<30} {:<8} {}{status}\n",
                    m.code,
                    m.name,
                    m.default_severity.as_str(),
                    m.summary
                ));
            }
            out.push_str("\nJob file diagnostics (the front end; its errors are Nomad's and cannot be suppressed):\n");
            for c in rules::frontend::CODES {
                out.push_str(&format!(
                    "{:<37} {:<8} {}\n",
                    c.code,
                    c.severity.as_str(),
                    c.summary
                ));
            }
            out
        }
        ListFormat::Json => {
            let mut list: Vec<_> = rules::all()
                .iter()
                .map(|r| {
                    let m = r.meta();
                    serde_json::json!({
                        "code": m.code,
                        "name": m.name,
                        "severity": m.default_severity,
                        "summary": m.summary,
                        "needs": m.needs,
                        "lifecycle": m.lifecycle,
                        "answer": m.answer.as_str(),
                        "doc": m.doc_text(),
                    })
                })
                .collect();
            // Job file diagnostics: `needs` is null (the front end always
            // runs), and so is `answer` (check reports their errors as
            // errors, exit 1), but for the codes that cannot tell (exit 2).
            list.extend(rules::frontend::CODES.iter().map(|c| {
                serde_json::json!({
                    "code": c.code,
                    "name": c.code,
                    "severity": c.severity,
                    "summary": c.summary,
                    "needs": null,
                    "lifecycle": {"status": "stable"},
                    "answer": c.cannot_tell.then_some("cannot-tell"),
                    "doc": c.doc,
                })
            }));
            let mut s = crate::escape::json_pretty(&list).unwrap_or_default();
            s.push('\n');
            s
        }
    }
}

pub fn run_rules(args: &RulesArgs) -> i32 {
    print!("{}", rules_text(args.format));
    exit::OK
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explain_prints_the_doc() {
        let t = explain_text("np101").unwrap();
        assert!(t.starts_with("NP101 image-tag-latest (default: warning)\n\n## What it does\n"));
        assert!(t.contains("## Use instead"));
        assert!(explain_text("NP999").is_none());
        crate::assert_snap!(
            "check_explain_np203",
            explain_text("unsatisfiable-constraint").unwrap_or_default()
        );
    }

    #[test]
    fn rules_list() {
        crate::assert_snap!("check_rules_list", rules_text(ListFormat::Text));
        let v: serde_json::Value = serde_json::from_str(&rules_text(ListFormat::Json)).unwrap();
        assert_eq!(
            v.as_array().map(Vec::len),
            Some(rules::all().len() + rules::frontend::CODES.len())
        );
        assert!(explain_text("jobspec::unknown-key")
            .is_some_and(|t| t.contains("cannot be suppressed")));
        assert_eq!(v[0]["code"], "NP001");
        let np401 = v
            .as_array()
            .and_then(|a| a.iter().find(|r| r["code"] == "NP401"))
            .expect("a removed rule stays listed: its code is reserved");
        assert_eq!(np401["lifecycle"]["status"], "removed");
        assert_eq!(v[1]["lifecycle"]["status"], "stable");
    }

    #[test]
    fn explain_says_a_rule_was_removed() {
        let t = explain_text("NP401").unwrap();
        assert!(
            t.starts_with("NP401 priority-out-of-range (removed in 0.1.0, never runs: the job front end rejects"),
            "{t}"
        );
    }
}
