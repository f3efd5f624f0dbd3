//! Output is data, not commands: text that came from input (job names,
//! meta, file names, messages quoting them) is escaped for the medium it is
//! printed to, so a pull request cannot move the reader's cursor, retitle
//! their terminal, hide a line, or put a link, an image or an @mention into
//! a PR comment.

use std::fmt::Write;

/// For a terminal: control characters (C0 except tab and newline, DEL, C1)
/// and the Unicode bidirectional overrides become visible escapes (`\x1b`,
/// `\u{202e}`), so nothing from input is interpreted by the terminal.
pub fn terminal(s: &str) -> String {
    if !s.chars().any(needs_escape) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if needs_escape(c) {
            push_escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

/// A whole rendered text for a terminal or log: like [`terminal`], except
/// that with `keep_sgr` our own colour sequences (`ESC [ digits ; m`, which
/// only set colours) are kept. Every other escape (cursor moves, screen
/// clears, titles, hyperlinks, bells) from input is made visible.
pub fn terminal_output(s: &str, keep_sgr: bool) -> String {
    terminal_output_with(s, keep_sgr, None)
}

/// [`terminal_output`], with `esc` standing for an ESC from input: shown
/// as ESC's escape, never kept (a renderer that lays out input bytes
/// swaps input's ESC for it first, so a colour sequence from input is
/// not taken for ours).
pub fn terminal_output_with(s: &str, keep_sgr: bool, esc: Option<char>) -> String {
    if !s.chars().any(needs_escape) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c == '\x1b' && keep_sgr {
            if let Some(n) = sgr_len(rest) {
                out.push_str(&rest[..n]);
                rest = &rest[n..];
                continue;
            }
        }
        if Some(c) == esc {
            push_escape(&mut out, '\x1b');
        } else if needs_escape(c) {
            push_escape(&mut out, c);
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Length of a Select Graphic Rendition sequence at the start of `s`.
fn sgr_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if b.get(1) != Some(&b'[') {
        return None;
    }
    let mut i = 2;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b';') {
        i += 1;
    }
    (b.get(i) == Some(&b'm')).then_some(i + 1)
}

/// [`terminal`], newlines included: for one-line fields (a name, a cell).
pub fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if needs_escape(c) || c == '\n' || c == '\t' {
            push_escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    out
}

/// A file name on one line of text: [`one_line`], and its backslashes
/// doubled first, so that `jobs\web.nomad` (one file, `\` a byte of its
/// name outside Windows) shows as `jobs\\web.nomad`, distinct from an
/// escape ([`one_line`]'s `\n`) and never as `jobs/web.nomad`.
pub fn path_line(s: &str) -> String {
    one_line(&s.replace('\\', "\\\\"))
}

fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || invisible_format(c)
}

/// Characters that print nothing yet change what the reader sees: the
/// bidirectional embeddings, overrides and isolates (Trojan Source,
/// CVE-2021-42574) and the marks (LRM, RLM, ALM), the zero-width space,
/// joiners and word joiner (`web` and `we\u{200b}b` look the same), the
/// line and paragraph separators (a line break to some viewers, not to
/// others) and the BOM used as a zero-width no-break space.
fn invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{061c}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{feff}'
    )
}

/// A serialized JSON document as printed: every character [`terminal`]
/// would escape that the serializer leaves as it is (DEL, the C1 controls,
/// the invisible format characters above) becomes a `\uXXXX` escape. The
/// document parses to the same value (JSON escapes are the same string),
/// but `cat`, `less` or a CI log shows the escape instead of obeying it.
/// The serializer writes such characters only inside strings, so the
/// replacement never touches the document's structure.
pub fn json(doc: &str) -> String {
    // A folder's report is a megabyte of mostly ASCII: the text between
    // two escapes is copied whole, where a character at a time (twice,
    // with a first pass asking whether any needed it) was 3% of a corpus
    // check's instructions, on the one thread left at the end.
    let mut out = String::with_capacity(doc.len() + 16);
    let mut rest = doc;
    while let Some((at, c)) = next_json_escape(rest) {
        out.push_str(&rest[..at]);
        // The serializer escapes C0 controls itself: tab and newline are
        // raw only as the pretty-printer's own whitespace, and kept.
        let _ = write!(out, "\\u{:04x}", c as u32);
        rest = &rest[at + c.len_utf8()..];
    }
    out.push_str(rest);
    out
}

/// The first character of `s` that [`needs_escape`], and its offset. An
/// ASCII byte is judged by itself (among them only the controls but tab
/// and newline, and DEL, need it); a character of several bytes is
/// decoded and asked.
fn next_json_escape(s: &str) -> Option<(usize, char)> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b.is_ascii() {
            if (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f {
                return Some((i, char::from(b)));
            }
            i += 1;
            continue;
        }
        let c = s.get(i..).and_then(|t| t.chars().next())?;
        if needs_escape(c) {
            return Some((i, c));
        }
        i += c.len_utf8();
    }
    None
}

/// A value serialized pretty for stdout, through [`json`].
pub fn json_pretty<T: serde::Serialize + ?Sized>(v: &T) -> serde_json::Result<String> {
    serde_json::to_string_pretty(v).map(|s| json(&s))
}

fn push_escape(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        c if (c as u32) < 0x100 => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
}

/// For Markdown (PR comments, `$GITHUB_STEP_SUMMARY`): control characters
/// escaped, and the characters that start markup replaced by HTML entities
/// (which render as themselves and, unlike backslashes, read the same in
/// every Markdown dialect): `[` (so no link or image can open), `<` `>` `&`
/// (HTML), `` ` `` `*` `~` `\` (code, emphasis, strikethrough, escapes), `|`
/// (table cells). A zero-width space after `@` stops mention autolinking.
/// One line.
pub fn markdown(s: &str) -> String {
    let s = one_line(s);
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '@' => out.push_str("@\u{200b}"),
            '[' | '`' | '*' | '~' | '\\' | '|' => {
                let _ = write!(out, "&#{};", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// Input text as a Markdown code span in a table cell, shown as it is:
/// nothing inside is rendered. By CommonMark's code span rules (spec 0.31,
/// "Code spans") the fence is one backtick longer than the longest run of
/// backticks inside, so none of them ends the span, and a space pads the
/// text when it starts or ends with a backtick (which would lengthen the
/// fence) or both starts and ends with a space (one of each is stripped).
/// A backtick used to become `'`, so the path shown was not the file's
/// (redteam6 G12e). `|`, which would end the cell, is escaped as GFM
/// tables escape it inside spans too. One line.
pub fn code_span(s: &str) -> String {
    let body = one_line(s).replace('|', "\\|");
    let mut longest = 0;
    let mut run = 0;
    for c in body.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let spaced = body.starts_with(' ') && body.ends_with(' ') && body.chars().any(|c| c != ' ');
    let pad = if body.starts_with('`') || body.ends_with('`') || spaced {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{body}{pad}{fence}")
}

/// A SARIF plain text message (SARIF 2.1.0 §3.11.3, §3.11.6): the three
/// characters of the embedded-link syntax (`\\`, `[`, `]`) escaped with a
/// backslash, as that grammar escapes them, so that no `[text](https://…)`
/// from input becomes a link in a viewer that renders embedded links
/// (GitHub code scanning does): a `[` that opens a link and the `]` that
/// closes it must be unescaped, so none can. A viewer rendering the text
/// as Markdown reads the same backslash escapes. Then [`terminal`]'s
/// escapes, whose backslashes are followed by a letter, never by one of
/// the three, so they cannot undo an escape. Last, every `{` and `}` is
/// doubled (§3.11.5: `{0}` is a placeholder, and a literal brace SHALL be
/// written `{{` / `}}`), those of the escapes (`\\u{202e}`) included: a
/// viewer that fills placeholders would otherwise eat or misread the
/// braces of a message quoting HCL (`expected '{'`) or input (`{0}`).
pub fn sarif_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if matches!(c, '\\' | '[' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    let escaped = terminal(&out);
    if !escaped.contains(['{', '}']) {
        return escaped;
    }
    let mut out = String::with_capacity(escaped.len() + 8);
    for c in escaped.chars() {
        if matches!(c, '{' | '}') {
            out.push(c);
        }
        out.push(c);
    }
    out
}

/// A relative path as a URI reference (SARIF `artifactLocation.uri`, RFC
/// 3986): unreserved characters and `/` kept, every other byte of the UTF-8
/// (or raw) bytes percent-encoded.
pub fn uri_path(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Longest context line a diagnostic prints; longer ones are cut around the
/// span with a note, so a 50 MB minified line cannot flood a CI log.
pub const MAX_LINE_CHARS: usize = 400;

#[cfg(test)]
mod tests {
    use super::*;

    /// CommonMark code spans (spec 0.31, examples 328-349): the fence is
    /// longer than any backtick run inside; a space pads a backtick or a
    /// space at both ends.
    /// redteam11 R11-6: a backslash of a file name stays one, doubled.
    #[test]
    fn path_lines_double_backslashes() {
        assert_eq!(path_line("jobs\\web.nomad"), "jobs\\\\web.nomad");
        assert_eq!(path_line("a\nb"), "a\\nb");
        assert_eq!(path_line("a\\nb"), "a\\\\nb");
    }

    #[test]
    fn code_spans_show_backticks_and_spaces_as_they_are() {
        assert_eq!(code_span("jobs/a.nomad:3"), "`jobs/a.nomad:3`");
        assert_eq!(code_span("a`b.nomad:1"), "``a`b.nomad:1``");
        assert_eq!(code_span("a``b`c"), "```a``b`c```");
        assert_eq!(code_span("`a"), "`` `a ``");
        assert_eq!(code_span("a`"), "`` a` ``");
        assert_eq!(code_span(" a "), "`  a  `");
        assert_eq!(code_span(" a"), "` a`");
        assert_eq!(code_span("  "), "`  `");
        assert_eq!(code_span("a|b\nc"), "`a\\|b\\nc`");
    }

    #[test]
    fn terminal_escapes_controls_but_keeps_text() {
        assert_eq!(terminal("web"), "web");
        assert_eq!(terminal("a\x1b]0;pwn\x07b"), "a\\x1b]0;pwn\\x07b");
        assert_eq!(terminal("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(terminal("l1\nl2\tz"), "l1\nl2\tz");
        assert_eq!(terminal("a\rb\u{9b}c"), "a\\rb\\x9bc");
        assert_eq!(one_line("l1\nl2"), "l1\\nl2");
    }

    #[test]
    fn whole_outputs_keep_only_our_colours() {
        let s = "\x1b[1;31mError\x1b[0m job \x1b]0;t\x07 \x1b[2J";
        assert_eq!(
            terminal_output(s, true),
            "\x1b[1;31mError\x1b[0m job \\x1b]0;t\\x07 \\x1b[2J"
        );
        assert!(!terminal_output(s, false).contains('\x1b'));
    }

    #[test]
    fn markdown_neutralises_links_images_html_and_mentions() {
        let m = markdown("![x](http://e/i.png) [a](b) <img src=x> @org/team |");
        assert!(!m.contains('[') && !m.contains("<img") && !m.contains("@o"));
        assert!(!m.contains('|') && !m.contains('\\'));
        assert!(m.contains("!&#91;x](http:"));
        assert_eq!(markdown("jobs/my_web.nomad:3"), "jobs/my_web.nomad:3");
    }

    #[test]
    fn invisible_characters_are_escaped_everywhere() {
        assert_eq!(terminal("we\u{200b}b"), "we\\u{200b}b");
        assert_eq!(
            terminal("a\u{200f}\u{2028}\u{feff}"),
            "a\\u{200f}\\u{2028}\\u{feff}"
        );
        assert_eq!(one_line("x\u{2067}y"), "x\\u{2067}y");
        assert_eq!(terminal("café ✓"), "café ✓");
    }

    #[test]
    fn json_documents_escape_what_a_terminal_would_obey_and_stay_the_same_value() {
        let v = serde_json::json!({"name": "a\u{202e}b\u{9b}2J\u{7f}\u{200b}", "é": "é\n"});
        let s = json_pretty(&v).unwrap();
        // Its own newlines and indentation are all that is raw.
        assert!(!s.chars().any(needs_escape), "{s}");
        assert!(s.contains("a\\u202eb\\u009b2J\\u007f\\u200b"), "{s}");
        assert!(s.contains("\"é\": \"é\\n\""), "{s}");
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }

    /// Guard of the run-copying [`json`]: the same text as escaping one
    /// character at a time, for every character up to U+3000 and the BOM,
    /// alone and between ASCII and multi-byte text.
    #[test]
    fn json_escapes_as_a_character_at_a_time_would() {
        let one_at_a_time = |doc: &str| -> String {
            doc.chars()
                .map(|c| match needs_escape(c) {
                    true => format!("\\u{:04x}", c as u32),
                    false => c.to_string(),
                })
                .collect()
        };
        let chars = (0u32..0x3000)
            .chain([0xfeff, 0x1f600])
            .filter_map(char::from_u32);
        for c in chars {
            for doc in [c.to_string(), format!("ab{c}cd"), format!("é{c}\n{c}✓")] {
                assert_eq!(json(&doc), one_at_a_time(&doc), "{:x}", c as u32);
            }
        }
        assert_eq!(json(""), "");
    }

    #[test]
    fn sarif_messages_cannot_open_links() {
        assert_eq!(
            sarif_text("see [here](https://e.vil)"),
            "see \\[here\\](https://e.vil)"
        );
        // A backslash of the input's cannot unescape a bracket.
        assert_eq!(sarif_text("\\[x\\](1)"), "\\\\\\[x\\\\\\](1)");
        assert_eq!(sarif_text("a\u{1b}[2J"), "a\\x1b\\[2J");
        assert_eq!(sarif_text("job \"web\" is fine"), "job \"web\" is fine");
        // SARIF 2.1.0 §3.11.5: literal braces doubled, placeholders none.
        assert_eq!(
            sarif_text("expected '{' near \"{0}\" }"),
            "expected '{{' near \"{{0}}\" }}"
        );
        assert_eq!(sarif_text("t\u{202e}"), "t\\u{{202e}}");
    }

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri_path("jobs/web.nomad"), "jobs/web.nomad");
        assert_eq!(uri_path("jobs/a b#?%.nomad"), "jobs/a%20b%23%3F%25.nomad");
        assert_eq!(uri_path("jobs/é"), "jobs/%C3%A9");
    }
}
