//! `--format markdown`: a summary table for a PR comment or `$GITHUB_STEP_SUMMARY`.

use super::{location, Summary};
use crate::diag::Severity;
use crate::rules::Finding;

/// Input text in a table cell: Markdown, HTML, links, images and mentions
/// escaped (a PR's file name or message must not render as markup).
fn cell(s: &str) -> String {
    crate::escape::markdown(s)
}

pub fn render(findings: &[Finding], files: super::Files) -> String {
    let s = Summary::of(findings, files);
    let mut out = String::from("## nomad-preflight check\n\n");
    out.push_str(&format!(
        "{} error(s), {} warning(s), {} advice in {} file(s)\n",
        s.errors, s.warnings, s.advice, s.files
    ));
    if s.skipped > 0 {
        out.push_str(&format!(
            "\n{} file(s) skipped: not job files.\n",
            s.skipped
        ));
    }
    if findings.is_empty() {
        out.push_str("\nNo findings.\n");
        return out;
    }
    out.push_str("\n| | Code | Location | Message |\n|---|---|---|---|\n");
    for f in findings {
        let icon = match f.severity {
            Severity::Error => "❌",
            Severity::Warning => "⚠️",
            Severity::Advice => "ℹ️",
        };
        let code = match crate::rules::find(&f.code) {
            Some(r) => format!("`{}` {}", f.code, r.meta().name),
            None => format!("`{}`", f.code),
        };
        let loc = location(f).map_or(String::new(), |l| {
            crate::escape::code_span(&format!("{}:{}", l.file, l.line))
        });
        // A "cannot tell" is marked as `plan --changed`'s table marks one.
        let mark = if f.cannot_tell {
            "**cannot tell**: "
        } else {
            ""
        };
        out.push_str(&format!(
            "| {icon} | {code} | {loc} | {mark}{} |\n",
            cell(&f.message)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn markdown_table() {
        let out = super::render(&crate::report::testing::findings(), 1.into());
        crate::assert_snap!("report_markdown", out);
    }

    #[test]
    fn a_cannot_tell_is_marked() {
        let f = crate::diag::Diag::error("world::syntax", "m").as_cannot_tell();
        let out = super::render(&[f], 0.into());
        assert!(
            out.ends_with("| ❌ | `world::syntax` |  | **cannot tell**: m |\n"),
            "{out}"
        );
    }
}
