//! `--template-diff`: changed embedded templates as unified line diffs. This
//! is our own section, printed after Nomad's text and never inside it.

use similar::{ChangeTag, TextDiff};

use crate::diff::TemplateChange;

/// The marker line that opens our section, so nobody mistakes it for Nomad output.
pub const HEADER: &str = "--- nomad-preflight: template changes (not part of Nomad's output) ---";

/// One block per changed template; empty string when nothing changed.
pub fn render_template_diffs(changes: &[TemplateChange<'_>]) -> String {
    if changes.is_empty() {
        return String::new();
    }
    let mut out = String::new();
    out.push_str(HEADER);
    out.push('\n');
    for c in changes {
        out.push_str(&format!("\n{}:\n", c.location));
        let diff = TextDiff::from_lines(c.old, c.new);
        for group in diff.grouped_ops(3) {
            for op in group {
                for change in diff.iter_changes(&op) {
                    let sign = match change.tag() {
                        ChangeTag::Delete => '-',
                        ChangeTag::Insert => '+',
                        ChangeTag::Equal => ' ',
                    };
                    out.push(sign);
                    out.push_str(change.value().trim_end_matches('\n'));
                    out.push('\n');
                    if change.missing_newline() {
                        out.push_str("\\ No newline at end of template\n");
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_changed_lines_with_context() {
        let c = TemplateChange {
            location: "group \"g\" task \"t\"".into(),
            old: "a\nb\nc\n",
            new: "a\nB\nc\n",
        };
        let out = render_template_diffs(&[c]);
        assert!(out.starts_with(HEADER));
        assert!(out.contains("\n a\n-b\n+B\n c\n"), "{out}");
        assert_eq!(render_template_diffs(&[]), "");
    }
}
