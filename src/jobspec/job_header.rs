//! Whether a line-leading `job` begins a block's header: job_text.rs's
//! bounded test for a text past the parse budget, where hcl-edit's parse
//! is not made (`text_budget`), so that prose whose lines begin with
//! `job` is not taken for a job file.

/// How far past a `job` [`may_head_block`] reads: a header is a keyword,
/// a label or two and a brace; past this, in doubt, it is taken. Each
/// candidate line reads at most this much, so a text past the budget is
/// judged in time linear in its size.
const HEADER_WINDOW: usize = 4096;

/// Does `rest` (a text from a line-leading `job` on) begin a block's
/// header as HCL2 writes one: the identifier `job` itself, then labels
/// (quoted strings or identifiers) and `{` on the same line (hclsyntax
/// refuses a header whose brace is on a later line: parser.go
/// finishParsingBodyBlock, "Invalid block definition ... starting on the
/// same line as the block header")? Wider than HCL2 in every doubt (a
/// comment, a non-ASCII character, an escape or a template in a label,
/// the window's end): taken. hcl v1's headers broken across lines are
/// job_text.rs's `hcl1_opens_job`'s and the line scan's, both linear, not this test's.
pub(super) fn may_head_block(rest: &str) -> bool {
    let b = rest.as_bytes();
    let b = &b[..b.len().min(HEADER_WINDOW)];
    let window_end = b.len() == HEADER_WINDOW;
    let mut i = 3;
    // `jobs`, `job_x`, `job-x`: another identifier.
    match b.get(i) {
        Some(c) if c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-' => return false,
        Some(c) if !c.is_ascii() => return true,
        _ => {}
    }
    while let Some(&c) = b.get(i) {
        match c {
            b' ' | b'\t' => i += 1,
            b'{' => return true,
            b'\r' | b'\n' => return false,
            b'"' => {
                i += 1;
                loop {
                    match b.get(i) {
                        Some(b'"') => break,
                        // An escape or a template: not followed here.
                        Some(b'\\' | b'$' | b'%') => return true,
                        Some(b'\r' | b'\n') => return false,
                        Some(_) => i += 1,
                        None => return window_end,
                    }
                }
                i += 1;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                match b[i + 2..].windows(2).position(|w| w == b"*/") {
                    Some(end) => i += 2 + end + 2,
                    None => return true,
                }
            }
            // A line comment, or anything not ASCII: not followed here.
            b'#' | b'/' => return true,
            _ if !c.is_ascii() => return true,
            _ if c.is_ascii_alphabetic() || c == b'_' => {
                while b
                    .get(i)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-')
                {
                    i += 1;
                }
            }
            // `=`, `:`, `.`, `,` and the rest of prose's punctuation: no header.
            _ => return false,
        }
    }
    window_end
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every header hcl-edit reads as a top-level job block, the header
    /// test takes (it never decides alone what the parse would).
    #[test]
    fn the_header_test_never_hides_a_job_the_parse_reads() {
        for text in [
            "job \"x\" {}\n",
            "job x {}",
            "job{}",
            "job \"x\"{}",
            "job \"x\" \"y\" {}",
            "job /* c */ x {}",
            "job \"\\u0078\" {}",
            "job\t\"x\" {\n}",
        ] {
            let parsed = hcl_edit::parser::parse_body(text).is_ok_and(|b| {
                b.iter().any(|s| {
                    s.as_block()
                        .is_some_and(|b| b.ident.value().as_str() == "job")
                })
            });
            assert!(parsed, "{text:?}");
            assert!(may_head_block(text), "{text:?}");
        }
    }

    /// The window may end inside a character: read as bytes, never cut.
    #[test]
    fn a_window_ending_inside_a_character_is_read_as_bytes() {
        let text = format!("job /* {} */ \"x\" {{", "é".repeat(HEADER_WINDOW));
        assert!(may_head_block(&text));
        let text = format!("job {}", "é".repeat(HEADER_WINDOW));
        assert!(may_head_block(&text));
    }
}
