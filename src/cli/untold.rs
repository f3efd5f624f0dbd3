//! What a command with a machine format prints on stdout when it stops
//! before its report: a world that does not load, a job file or a flag's
//! file it cannot read, git failing, a path refused, a budget spent.
//!
//! Those exits said so on stderr and in the exit code only, and left
//! stdout empty; a CI step that parses stdout read an empty document (or a
//! missing field) as "nothing to report" (stop56-note, Left 2): the
//! confident all-clear the tool must never give. Now every such exit under
//! a machine format also prints a well-formed document of that format
//! saying it could not tell, which input and why, with the same exit code
//! and the same diagnostics on stderr as before.
//!
//! One builder per format family, used by every early exit of the family:
//! `plan`'s JSON and Markdown, one file or `--changed` ([`plan_document`]);
//! `check`'s report formats ([`check_findings`], rendered by
//! [`crate::report::render`] like any run's findings); `rehearse`'s JSON
//! ([`rehearse_document`]); `validate`'s JSON ([`validate_document`]).
//! Each says the reason the way stderr does
//! (messages escaped as [`crate::escape`] escapes them), and names a file
//! inside the project relative to its root ([`in_project`]).

use std::path::Path;

use serde_json::{json, Map, Value};

use super::plan::PlanFormat;
use crate::diag::{Diag, Diags};
use crate::rules::Finding;

/// What `plan FILE` could not tell, in its one line.
pub const PLAN: &str = "what `nomad job plan` prints";
/// What `plan --changed` could not tell, as a gate's "cannot tell" says it
/// ([`super::common::no_world_diag`]).
pub const CHANGE: &str = "what this change does to the cluster";
/// What `validate` could not tell.
pub const VALIDATE: &str = "what `nomad job validate` says";
/// What `rehearse` could not tell.
pub const REHEARSAL: &str = "whether the rehearsal goes as scripted";

/// `d` with its file named relative to the project root when the name is
/// an absolute path inside it (a world found on disk is named so). A
/// report's `file` and SARIF's `uri` are the repository's paths, and a
/// path above the project (the user's home folder, a CI runner's work
/// folder) is not the input's to show; any other name is kept as stderr
/// shows it.
pub fn in_project(d: &Diag, root: &Path) -> Diag {
    in_project_with(d, root, &mut Renamed::new())
}

/// The sources [`in_project`] renamed, by the original's address: one
/// renamed copy each, so its line index is built once however many
/// diagnostics it carries (2,000 errors in a 14 MB world file built 2,000
/// indexes, minutes of work, before this).
type Renamed = std::collections::HashMap<*const crate::source::SourceFile, crate::source::Source>;

fn in_project_with(d: &Diag, root: &Path, renamed: &mut Renamed) -> Diag {
    let mut d = d.clone();
    let Some(src) = &d.source else {
        return d;
    };
    let name = Path::new(&src.name);
    if !name.is_absolute() {
        return d;
    }
    let Ok(rel) = name.strip_prefix(root) else {
        return d;
    };
    let copy = renamed
        .entry(std::sync::Arc::as_ptr(src))
        .or_insert_with(|| {
            crate::source::SourceFile::new(
                src.origin.clone(),
                crate::project::shown(rel),
                src.text.clone(),
            )
        })
        .clone();
    d.source = Some(copy);
    d
}

/// The diagnostics of an exit, each named as [`in_project`] names it.
fn located(diags: &Diags) -> Vec<Diag> {
    let root = crate::project::current_root();
    let mut renamed = Renamed::new();
    diags
        .iter()
        .map(|d| in_project_with(d, &root, &mut renamed))
        .collect()
}

/// Where `d` is, as a prefix of its message: `FILE:LINE:COLUMN: `, or
/// `FILE: ` for a file without a span, or nothing.
fn at(d: &Diag) -> String {
    match (d.location(), &d.source) {
        (Some((file, line, col)), _) => format!("{file}:{line}:{col}: "),
        (None, Some(src)) => format!("{}: ", src.name),
        (None, None) => String::new(),
    }
}

/// The one line an exit says in a machine format: `error: cannot tell
/// WHAT: FILE:LINE:COLUMN: MESSAGE` from the first error (and how many
/// others there are), escaped as stderr's one-line errors are. A
/// diagnostic that is itself a "cannot tell" sentence (a gate with no
/// world) is said as it is.
pub fn line(what: &str, diags: &Diags) -> String {
    let shown = located(diags);
    let first = shown
        .iter()
        .find(|d| d.is_error())
        .or_else(|| shown.first());
    let Some(d) = first else {
        return format!("error: cannot tell {what}: it stopped before its answer");
    };
    if d.cannot_tell && d.message.starts_with("cannot tell") {
        return format!("error: {}", crate::escape::one_line(&d.message));
    }
    let others = shown.iter().filter(|x| x.is_error()).count().max(1) - 1;
    let more = match others {
        0 => String::new(),
        n => format!(", and {n} other error(s)"),
    };
    format!(
        "error: cannot tell {what}: {}",
        crate::escape::one_line(&format!("{}{}{more}", at(d), d.message))
    )
}

/// How a family's JSON names its keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keys {
    /// `plan`'s (Nomad's API style): `Code`, `Message`, `File`.
    Pascal,
    /// `rehearse`'s: `code`, `message`, `file`.
    Snake,
}

/// The diagnostics of an exit as JSON, in the order stderr prints them:
/// code, severity, message, help and where (null when unlocated), each
/// file named as [`in_project`] names it. The serializer escapes control
/// characters, and [`crate::escape::json_pretty`] the rest.
pub fn diagnostics_json(diags: &Diags, keys: Keys) -> Value {
    let name = |pascal: &str| match keys {
        Keys::Pascal => pascal.to_string(),
        Keys::Snake => pascal.to_ascii_lowercase(),
    };
    located(diags)
        .iter()
        .map(|d| {
            let at = d.location();
            let mut m = Map::new();
            m.insert(name("Code"), d.code.clone().into());
            m.insert(name("Severity"), d.severity.as_str().into());
            m.insert(name("Message"), d.message.clone().into());
            m.insert(name("Help"), d.help.clone().into());
            let file = at
                .as_ref()
                .map(|a| a.0.clone())
                .or_else(|| d.source.as_ref().map(|s| s.name.clone()));
            m.insert(name("File"), file.into());
            m.insert(name("Line"), at.as_ref().map(|a| a.1).into());
            m.insert(name("Column"), at.as_ref().map(|a| a.2).into());
            Value::Object(m)
        })
        .collect()
}

/// Which `plan` document an exit belongs to.
#[derive(Debug, Clone, Copy)]
pub enum PlanDoc<'a> {
    /// `plan FILE`: `{"Preflight": {...}}`, Markdown headed `plan`.
    Single,
    /// `plan --changed`: `{"Base", "Plans": [], "Preflight": {...}}`, its
    /// Markdown headed as its table is. `base` is `None` (JSON `null`)
    /// when the run stopped before it knew the revision it judges against.
    Changed { base: Option<&'a str> },
}

/// What a `plan` exit says: its one line, whether it is a "cannot tell"
/// (else Nomad's own refusal of the job file, which is known), and the
/// `Preflight` fields beside them.
pub struct PlanExit {
    pub line: String,
    pub cannot_tell: bool,
    pub fields: Map<String, Value>,
}

impl PlanExit {
    /// What an exit worded by its caller says: `line` (`error: ...`, or
    /// Nomad's text), whether it cannot tell, and the fields beside it.
    pub fn new(line: String, cannot_tell: bool, fields: Map<String, Value>) -> PlanExit {
        PlanExit {
            line,
            cannot_tell,
            fields,
        }
    }

    /// A "cannot tell" from the diagnostics an exit printed on stderr:
    /// its line ([`line`]) and `Preflight.Diagnostics`.
    pub fn from_diags(what: &str, diags: &Diags) -> PlanExit {
        let mut fields = Map::new();
        fields.insert("Diagnostics".into(), diagnostics_json(diags, Keys::Pascal));
        PlanExit {
            line: line(what, diags),
            cannot_tell: true,
            fields,
        }
    }
}

/// `plan`'s document for an exit before (or in place of) its plans, in
/// the format asked for; `None` for text, which has said it on stderr.
///
/// JSON: `Preflight.Error` (the line), `Preflight.CannotTell: true` when
/// the tool cannot tell, and the exit's own fields (`Diagnostics`,
/// `Before`, the cause's key); under `--changed` beside `"Base"` and an
/// empty `"Plans"`. Markdown: the table's heading, then the line.
pub fn plan_document(format: PlanFormat, doc: PlanDoc<'_>, exit: PlanExit) -> Option<String> {
    let PlanExit {
        line,
        cannot_tell,
        mut fields,
    } = exit;
    match format {
        PlanFormat::Text => None,
        PlanFormat::Json => {
            if cannot_tell {
                fields.insert("CannotTell".into(), true.into());
            }
            fields.insert("Error".into(), line.into());
            let v = match doc {
                PlanDoc::Single => json!({ "Preflight": fields }),
                PlanDoc::Changed { base } => {
                    json!({ "Base": base, "Plans": [], "Preflight": fields })
                }
            };
            crate::escape::json_pretty(&v).ok().map(|s| s + "\n")
        }
        PlanFormat::Markdown => {
            let heading = match doc {
                PlanDoc::Single => "plan".to_string(),
                PlanDoc::Changed { base: Some(base) } => {
                    format!("plans of changed jobs against `{base}`")
                }
                PlanDoc::Changed { base: None } => "plans of changed jobs".to_string(),
            };
            let mark = if cannot_tell {
                "cannot tell"
            } else {
                "invalid"
            };
            let text = line.strip_prefix("error: ").unwrap_or(&line);
            Some(format!(
                "### nomad-preflight: {}\n\n**{mark}**: {}\n",
                crate::escape::markdown(&heading),
                crate::escape::markdown(text)
            ))
        }
    }
}

/// `check`'s findings for an exit before its report: the diagnostics it
/// printed on stderr, each named as [`in_project`] names it, its errors
/// marked "cannot tell" (JSON `cannot_tell`, SARIF `properties.cannotTell`),
/// so every report format carries them as it carries a gate's "cannot
/// tell" ([`super::common::no_world_diag`]).
pub fn check_findings(diags: &Diags) -> Vec<Finding> {
    let mut shown = located(diags);
    let any_error = shown.iter().any(Diag::is_error);
    for d in shown.iter_mut().filter(|d| d.is_error() || !any_error) {
        d.cannot_tell = true;
    }
    shown
}

/// `validate --format json`'s document for an exit before any file is
/// judged (a world that does not load or cannot be simulated, a release
/// it cannot judge as): no `files`, `error` (the line), `cannot_tell`
/// and `diagnostics`, and a summary counting none valid.
pub fn validate_document(diags: &Diags) -> String {
    let v = json!({
        "version": 1,
        "error": line(VALIDATE, diags),
        "cannot_tell": true,
        "diagnostics": diagnostics_json(diags, Keys::Snake),
        "files": [],
        "summary": {"files": 0, "valid": 0, "invalid": 0, "cannot_tell": 0},
    });
    crate::escape::json_pretty(&v).unwrap_or_default() + "\n"
}

/// `rehearse --format json`'s document for an exit before its first step:
/// the rehearsal's `version`, no `steps`, a `summary` that is no
/// all-clear, and `error` (the line), `cannot_tell` and `diagnostics`.
pub fn rehearse_document(diags: &Diags) -> String {
    let v = json!({
        "version": 1,
        "error": line(REHEARSAL, diags),
        "cannot_tell": true,
        "diagnostics": diagnostics_json(diags, Keys::Snake),
        "steps": [],
        "summary": {
            "held": 0,
            "accepted": 0,
            "at_risk": 0,
            "failed": 0,
            "all_clear": false,
        },
    });
    crate::escape::json_pretty(&v).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Origin, SourceFile, Span};

    fn at_file(name: &str) -> Diag {
        let src = SourceFile::new(
            Origin::Disk(name.into()),
            name,
            "region = \n\u{1b}]0;x\u{7}",
        );
        Diag::error("world::syntax", "invalid HCL\u{1b}[2J").at(&src, Span::new(9, 10), "here")
    }

    #[test]
    fn a_file_inside_the_project_is_named_from_its_root() {
        let root = Path::new("/home/u/repo");
        let d = in_project(&at_file("/home/u/repo/rules/cluster.hcl"), root);
        assert_eq!(
            d.location().map(|l| l.0).as_deref(),
            Some("rules/cluster.hcl")
        );
        let d = in_project(&at_file("/elsewhere/rules/cluster.hcl"), root);
        assert_eq!(
            d.location().map(|l| l.0).as_deref(),
            Some("/elsewhere/rules/cluster.hcl")
        );
        let d = in_project(&at_file("rules/cluster.hcl"), root);
        assert_eq!(
            d.location().map(|l| l.0).as_deref(),
            Some("rules/cluster.hcl")
        );
    }

    #[test]
    fn the_line_names_the_input_escaped_and_counts_the_others() {
        let diags = Diags(vec![
            Diag::warning("world::x", "a warning first"),
            at_file("rules/cluster.hcl"),
            Diag::error("world::y", "second"),
        ]);
        assert_eq!(
            line(PLAN, &diags),
            "error: cannot tell what `nomad job plan` prints: rules/cluster.hcl:1:10: invalid HCL\\x1b[2J, and 1 other error(s)"
        );
        let gate = Diags::from(super::super::common::no_world_diag(
            "(rules/cluster.hcl) at HEAD",
        ));
        assert!(line(CHANGE, &gate).starts_with("error: cannot tell what this change does"));
        assert!(!line(CHANGE, &gate)
            .contains("cannot tell what this change does to the cluster: cannot tell"));
    }

    #[test]
    fn check_marks_the_errors_only() {
        let diags = Diags(vec![
            Diag::warning("world::x", "w"),
            Diag::error("world::y", "e"),
        ]);
        let f = check_findings(&diags);
        assert!(!f[0].cannot_tell && f[1].cannot_tell);
        let f = check_findings(&Diags(vec![Diag::warning("world::x", "w")]));
        assert!(f[0].cannot_tell, "an exit always says it cannot tell");
    }

    #[test]
    fn every_plan_document_parses_and_says_it() {
        let exit = || PlanExit::from_diags(PLAN, &Diags::from(at_file("rules/cluster.hcl")));
        let doc = plan_document(PlanFormat::Json, PlanDoc::Single, exit()).unwrap();
        let v: Value = serde_json::from_str(&doc).unwrap();
        assert_eq!(v["Preflight"]["CannotTell"], true);
        assert_eq!(
            v["Preflight"]["Diagnostics"][0]["File"],
            "rules/cluster.hcl"
        );
        assert!(!doc.contains('\u{1b}'), "{doc}");
        let doc = plan_document(
            PlanFormat::Json,
            PlanDoc::Changed { base: Some("main") },
            exit(),
        )
        .unwrap();
        let v: Value = serde_json::from_str(&doc).unwrap();
        assert_eq!(
            (v["Base"].clone(), v["Plans"].clone()),
            (json!("main"), json!([]))
        );
        let md = plan_document(PlanFormat::Markdown, PlanDoc::Single, exit()).unwrap();
        assert!(md.contains("**cannot tell**: cannot tell what "), "{md}");
        assert!(plan_document(PlanFormat::Text, PlanDoc::Single, exit()).is_none());
        let v: Value =
            serde_json::from_str(&rehearse_document(&Diags::from(at_file("r.hcl")))).unwrap();
        assert_eq!(
            (v["cannot_tell"].clone(), v["summary"]["all_clear"].clone()),
            (json!(true), json!(false))
        );
        assert_eq!(v["diagnostics"][0]["file"], "r.hcl");
    }
}
