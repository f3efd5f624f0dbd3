//! `--format json`: a stable, versioned document.
//!
//! ```json
//! {"version": 1,
//!  "findings": [{"code", "name", "severity", "message", "file", "line", "column",
//!                "end_line", "end_column", "help"[, "cannot_tell": true][, "sampled": {..}]}],
//!  "summary": {"errors", "warnings", "advice", "files", "skipped"},
//!  "statistics": [{"code", "name", "count"}]}
//! ```
//! `statistics` counts findings per code, most frequent first (ties by code).
//! `name` is the rule's kebab name (null for non-rule diagnostics such as
//! parse errors); location fields are null when the finding has no file.
//! `cannot_tell` is there (true) only on a finding that says Nomad's
//! answer depends on what nomad-preflight cannot know (a rule whose
//! answer is [`crate::rules::Answer::CannotTell`], a gate's "cannot tell").
//! `sampled` is there only on a finding that sampled node shuffles and saw
//! no failure (NP207's bound): `{"Samples", "Failures", "Bound",
//! "Confidence", "Method"}`.

use serde::Serialize;

use super::{location, Summary};
use crate::rules::Finding;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Doc<'a> {
    version: u32,
    findings: Vec<Item<'a>>,
    summary: Summary,
    statistics: Vec<super::Stat>,
}

#[derive(Serialize)]
struct Item<'a> {
    code: &'a str,
    name: Option<&'static str>,
    severity: &'static str,
    message: &'a str,
    file: Option<String>,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    help: Option<&'a str>,
    /// Present (true) on a finding that says "cannot tell": Nomad's
    /// answer depends on what nomad-preflight cannot know (`check` exits
    /// 2 for it unless a definite finding fails the run first).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    cannot_tell: bool,
    /// Present on a finding that sampled node shuffles and saw no
    /// failure: the samples and the share they bound
    /// ([`crate::unseen::Unseen::json`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    sampled: Option<serde_json::Value>,
}

pub fn render(findings: &[Finding], files: super::Files) -> String {
    let doc = Doc {
        version: SCHEMA_VERSION,
        findings: findings
            .iter()
            .map(|f| {
                let loc = location(f);
                Item {
                    code: &f.code,
                    name: crate::rules::find(&f.code).map(|r| r.meta().name),
                    severity: f.severity.as_str(),
                    message: &f.message,
                    file: loc.as_ref().map(|l| l.file.clone()),
                    line: loc.as_ref().map(|l| l.line),
                    column: loc.as_ref().map(|l| l.column),
                    end_line: loc.as_ref().map(|l| l.end_line),
                    end_column: loc.as_ref().map(|l| l.end_column),
                    help: f.help.as_deref(),
                    cannot_tell: f.cannot_tell,
                    sampled: f
                        .unseen
                        .map(|n| crate::unseen::Unseen { samples: n.get() }.json()),
                }
            })
            .collect(),
        summary: Summary::of(findings, files),
        statistics: super::statistics(findings),
    };
    let mut s = crate::escape::json_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn json_document() {
        let out = super::render(&crate::report::testing::findings(), 1.into());
        crate::assert_snap!("report_json", out);
    }
}
