//! `--format github`: workflow commands that GitHub Actions turns into
//! annotations on the pull request's diff.

use super::location;
use crate::diag::Severity;
use crate::rules::Finding;

/// Escaping of the message part (`%`, LF), as the runner expects, after
/// the terminal's: the runner decodes its escapes and prints the rest into
/// the log as it is, so an ESC, a BEL, a CR or a bidirectional override
/// from input must already be a visible escape.
fn escape_data(s: &str) -> String {
    crate::escape::terminal(s)
        .replace('%', "%25")
        .replace('\n', "%0A")
}

/// Properties additionally escape `:` and `,`, which delimit them (as
/// actions/toolkit's escapeProperty does), and a TAB, which the terminal's
/// escaping keeps for a message's layout but which a property holds only
/// from input (a file name): shown as `%09`, the spelling of the
/// escapes around it, unambiguous since a `%` from input is `%25`. The
/// runner decodes only `%25`, `%0D`, `%0A`, `%3A` and `%2C`, so such a
/// file's annotation is not placed on its line: a file name from a pull
/// request does not write raw control bytes into the log.
fn escape_property(s: &str) -> String {
    escape_data(s)
        .replace(':', "%3A")
        .replace(',', "%2C")
        .replace('\t', "%09")
}

pub fn render(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let cmd = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Advice => "notice",
        };
        let mut props = Vec::new();
        if let Some(l) = location(f) {
            props.push(format!("file={}", escape_property(&l.file)));
            props.push(format!("line={}", l.line));
            props.push(format!("col={}", l.column));
            props.push(format!("endLine={}", l.end_line));
            props.push(format!("endColumn={}", l.end_column));
        }
        // A "cannot tell" says so in the annotation's title, as JSON's
        // `cannot_tell` and SARIF's `cannotTell` do: an error annotation
        // alone reads as a definite finding.
        let title = if f.cannot_tell {
            format!("{} (cannot tell)", f.code)
        } else {
            f.code.clone()
        };
        props.push(format!("title={}", escape_property(&title)));
        let mut msg = f.message.clone();
        if let Some(h) = &f.help {
            msg.push_str("\nhelp: ");
            msg.push_str(h);
        }
        out.push_str(&format!(
            "::{cmd} {}::{}\n",
            props.join(","),
            escape_data(&msg)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_locates() {
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        assert_eq!(escape_property("a\tb%09"), "a%09b%2509");
        assert_eq!(escape_data("a:b,c%\r\n"), "a:b,c%25\\r%0A");
        assert_eq!(
            escape_data("a\x1b]0;t\x07\u{202e}"),
            "a\\x1b]0;t\\x07\\u{202e}"
        );
        let out = render(&crate::report::testing::findings());
        crate::assert_snap!("report_github", out);
    }

    #[test]
    fn a_cannot_tell_says_so_in_its_title() {
        let f = crate::diag::Diag::error("world::syntax", "m").as_cannot_tell();
        assert_eq!(
            render(&[f]),
            "::error title=world%3A%3Asyntax (cannot tell)::m\n"
        );
    }
}
