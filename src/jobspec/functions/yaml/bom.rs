//! Byte order marks (U+FEFF) in a `yamldecode` document, as go-cty-yaml's
//! libyaml port reads them (readerc.go, scannerc.go and yamlprivateh.go
//! are the same at v1.0.2, v1.0.3, v1.1.0 and v1.2.0, every release Nomad
//! 1.0 to 2.0 pins in go.mod):
//!
//! - `yaml_parser_determine_encoding` (readerc.go:45) consumes one UTF-8
//!   BOM at the very start of the stream; the column stays 0;
//! - `yaml_parser_scan_to_next_token` (scannerc.go:1432-1438, "Allow the
//!   BOM mark to start a line") skips one character at column 0 when
//!   `is_bom(parser.buffer, parser.buffer_pos)` holds, but `is_bom`
//!   (yamlprivateh.go:81) ignores the position and tests the first three
//!   bytes of the decoded buffer. That buffer starts with the document's
//!   first character after the stream's BOM until `yaml_parser_update_buffer`
//!   moves the unread tail to its front, which it does only when fewer
//!   characters are left in it than the scanner asks for (at most 8, a
//!   `\U` escape's digits) — near the end of the text, or of the first 512
//!   bytes it decodes (input_raw_buffer_size). Anywhere else a BOM is a
//!   character like any other (the reader allows U+E000-U+FFFD): a key
//!   starting a later line with it keeps it, as yaml-rust2 does.
//!
//! So the stream's BOM is dropped here; a document whose next character
//! is a BOM again, or with a BOM where the buffer may be moved (past the
//! first window's end less a margin), is "cannot tell": libyaml would skip
//! whatever character starts a line there, a reading not followed here.

/// UTF-8 bytes libyaml decodes in its first fill (input_raw_buffer_size).
const FIRST_WINDOW: usize = 512;

/// Characters before the first window's end past which the buffer may
/// have been moved: the scanner asks for at most 8 at once; twice that.
const MARGIN: usize = 16;

/// The text yaml-rust2 reads for `src` so that its events are libyaml's,
/// or why what go-cty-yaml makes of its byte order marks is not known.
pub(super) fn libyaml_text(src: &str) -> Result<&str, String> {
    let text = src.strip_prefix('\u{feff}').unwrap_or(src);
    if !text.contains('\u{feff}') {
        return Ok(text);
    }
    if text.starts_with('\u{feff}') {
        return Err("the document starts with two byte order marks: go-cty-yaml's reader drops the first, and its scanner then skips the first character of every line it starts a token on (is_bom tests the start of its buffer, not the character at hand), a reading nomad-preflight does not follow".into());
    }
    // Characters decoded in the first fill: those ending within its bytes.
    let skipped = src.len() - text.len();
    let first_fill = text
        .char_indices()
        .take_while(|(at, c)| skipped + at + c.len_utf8() <= FIRST_WINDOW)
        .count();
    let late = text
        .chars()
        .enumerate()
        .any(|(i, c)| c == '\u{feff}' && i + MARGIN >= first_fill);
    if late {
        return Err("a byte order mark stands where go-cty-yaml's scanner may find it at the start of its buffer (near the end of the text, or past its first 512 bytes), where it skips the first character of each line it starts a token on (is_bom tests the start of its buffer, not the character at hand), a reading nomad-preflight does not follow".into());
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::libyaml_text;

    #[test]
    fn the_stream_bom_is_dropped() {
        assert_eq!(libyaml_text("\u{feff}count: 40\n"), Ok("count: 40\n"));
        assert_eq!(libyaml_text("count: 40\n"), Ok("count: 40\n"));
        assert_eq!(libyaml_text("\u{feff}"), Ok(""));
    }

    #[test]
    fn a_bom_well_inside_the_first_window_is_a_character() {
        // is_bom tests the buffer's first bytes ("a"): nothing is skipped.
        let y = "\u{feff}a: 1\n\u{feff}b: 2\nc: 3\nd: 4\ne: 5\n";
        assert_eq!(libyaml_text(y), Ok(&y[3..]));
        let y = "a: x\u{feff}y\nlong: enough to pass the margin\n";
        assert_eq!(libyaml_text(y), Ok(y));
    }

    #[test]
    fn where_libyaml_may_skip_a_character_is_unknown() {
        // Two marks: the second starts the buffer.
        assert!(libyaml_text("\u{feff}\u{feff}a: 1\n").is_err());
        assert!(libyaml_text("\u{feff}a: 1\nb: 2\n").is_ok());
        // Near the end, where the buffer's tail is moved to its front.
        assert!(libyaml_text("a: 1\n\u{feff}b: 2\n").is_err());
        // Past the first 512 bytes.
        let long = format!(
            "k: {}\n\u{feff}b: 2\n{}",
            "x".repeat(600),
            "c: 3\n".repeat(10)
        );
        assert!(libyaml_text(&long).is_err());
        let early = format!("a: 1\n\u{feff}b: 2\n{}", "c: 3\n".repeat(200));
        assert!(libyaml_text(&early).is_ok());
    }

    #[test]
    fn a_bom_libyaml_keeps_stays_in_the_key() {
        // go-cty-yaml: {"a": 1, "\u{feff}b": 2, ...}; the stream's mark goes.
        let y = "\u{feff}a: 1\n\u{feff}b: 2\nc: 3\nd: 4\ne: 5\n";
        let text = libyaml_text(y).expect("read");
        let v = super::super::decode(text).expect("decodes");
        let crate::jobspec::model::Value::Map(m) = v else {
            panic!("a map: {v:?}");
        };
        let keys: Vec<&str> = m.keys().map(String::as_str).collect();
        assert_eq!(keys, ["a", "c", "d", "e", "\u{feff}b"]);
    }
}
