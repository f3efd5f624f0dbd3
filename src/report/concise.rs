//! The concise format: one line per finding,
//! `file:line:col: CODE [severity] message`, then the summary line. What a
//! hook or a CI log shows by default (stdout not a terminal): a reader sees
//! every finding without scrolling through source excerpts, and editors and
//! terminals turn `file:line:col` into links.

use super::{location, summary_line};
use crate::diag::Severity;
use crate::escape;
use crate::rules::Finding;

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Advice => "advice",
    }
}

/// One line for one finding (no trailing newline). Input text is escaped:
/// a finding never spans two lines.
pub fn line(f: &Finding) -> String {
    let place = match location(f) {
        Some(l) => format!("{}:{}:{}: ", escape::path_line(&l.file), l.line, l.column),
        None => String::new(),
    };
    format!(
        "{place}{} [{}] {}",
        escape::one_line(&f.code),
        severity(f.severity),
        escape::one_line(&f.message)
    )
}

pub fn render(findings: &[Finding], files: impl Into<super::Files>) -> String {
    let mut out = String::new();
    for f in findings {
        out.push_str(&line(f));
        out.push('\n');
    }
    out.push_str(&summary_line(findings, files));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_per_finding_then_the_summary() {
        let fs = super::super::testing::findings();
        let out = render(&fs, 1);
        assert_eq!(out.lines().count(), fs.len() + 1, "{out}");
        for (l, f) in out.lines().zip(&fs) {
            assert!(l.contains(&format!("{} [", f.code)), "{l}");
        }
        assert!(out.ends_with("in 1 file\n"), "{out}");
    }

    #[test]
    fn a_message_with_newlines_and_escapes_stays_on_one_line() {
        let f = crate::diag::Diag::error("NP101", "a\nb\u{1b}[2J");
        let l = line(&f);
        assert!(!l.contains('\n') && !l.contains('\u{1b}'), "{l:?}");
        assert!(l.starts_with("NP101 [error] a"), "{l}");
    }
}
