//! hcl-edit parses by recursive descent, so absurdly nested input (100,000
//! `[` in a row) overflows the stack and kills the process instead of
//! producing a diagnostic. Every HCL parse of user input first runs this
//! cheap linear pre-scan, which rejects nesting far beyond anything a real
//! file needs with a located error.
//!
//! The scan follows HCL's lexical structure just enough to count what the
//! parser will recurse on: brackets, quoted strings and heredocs, template
//! interpolations inside them, and runs of unary operators. Comments and
//! literal text are skipped, so braces inside a heredoc'd script or JSON
//! document do not count.

use crate::diag::Diag;
use crate::source::{Source, Span};

/// Deepest nesting accepted. Real job files nest about ten levels; this
/// leaves ample room while keeping the parser, the evaluator and the drop of
/// the syntax tree well inside a 2 MiB thread stack in a debug build.
pub const MAX_DEPTH: usize = 64;

/// Deepest nesting of parentheses and square brackets (together) accepted.
/// hcl-edit backtracks on some unclosed `(` and `[` in time exponential in
/// their depth (the eval fuzzer found a 250-byte operator chain that took
/// 49 s, and 36 unclosed `[` that took 5 s in a release build); real
/// expressions nest a handful of calls and lists, so 24 keeps that bounded
/// to milliseconds without refusing anything a person writes.
pub const MAX_PARENS: usize = 24;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    /// Inside `{`, `[` or `(`; holds the closing byte.
    Bracket(u8),
    /// Inside a quoted string.
    Str,
    /// Inside `${` or `%{` in a string or heredoc.
    Interp,
    /// Inside a heredoc body; the marker is `text[start..end]`.
    Heredoc { start: usize, end: usize },
}

/// Byte offset at which nesting first goes deeper than `limit`, if it does.
pub fn too_deep(text: &str, limit: usize) -> Option<usize> {
    scan(text, limit, MAX_PARENS, |_| {})
}

/// What [`scan`] reports as it lexes.
enum Lexed {
    /// The `{` of a top-level block or object, at this offset.
    TopOpen(usize),
    /// Bytes no parser reads as code: a comment or a heredoc's body
    /// (`fill` a space), a quoted string's contents, interpolations
    /// included (`fill` a letter: a label stays a label).
    Hidden { start: usize, end: usize, fill: u8 },
}

/// `text` as code only: every comment and heredoc body blanked, and every
/// quoted string's contents (escapes and interpolations included) made
/// letters, line ends kept, so each byte stays where it was. A line
/// scan of it meets a block's header wherever comments put it (`/* c */
/// job "web" {`, `*/ job "web" {` closing a comment of several lines),
/// and no quote, brace or `<<` inside a string or comment. HCL2's lexing
/// (the one [`too_deep`] counts by), at any depth: it never stops early.
pub fn code_view(text: &str) -> String {
    let mut code = text.as_bytes().to_vec();
    scan(text, usize::MAX, usize::MAX, |e| {
        if let Lexed::Hidden { start, end, fill } = e {
            for b in code.get_mut(start..end).unwrap_or_default() {
                if *b != b'\n' {
                    *b = fill;
                }
            }
        }
    });
    // Only whole characters are replaced (every span starts and ends at an
    // ASCII delimiter or the end), so this is still UTF-8.
    String::from_utf8(code).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Offsets of the `{` of every top-level block or object, in order: the
/// same lexing as [`too_deep`] (strings, heredocs and comments hold no
/// braces), so a file can be sized up before the parser builds it.
pub fn top_level_braces(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    scan(text, usize::MAX, MAX_PARENS, |e| {
        if let Lexed::TopOpen(at) = e {
            out.push(at)
        }
    });
    out
}

/// Offsets of the `keyword` of every top-level block so named
/// (`keyword "label" {` or `keyword {`), in order, found without parsing:
/// an HCL block's `{` is on its header's line. Lets a file holding more
/// blocks than a cap allows be refused before the parser builds them all.
pub fn top_level_blocks(text: &str, keyword: &str) -> Vec<usize> {
    let mut out = Vec::new();
    // Start of the line holding the previous brace, found by looking back
    // only over the text since that brace: many braces on one long line
    // stay linear.
    let (mut seen, mut line_start) = (0usize, 0usize);
    for brace in top_level_braces(text) {
        if let Some(n) = text.get(seen..brace).and_then(|t| t.rfind('\n')) {
            line_start = seen + n + 1;
        }
        seen = brace;
        let head = text.get(line_start..brace).unwrap_or("");
        let indent = head.len() - head.trim_start().len();
        let is_block = head.trim_start().strip_prefix(keyword).is_some_and(|rest| {
            (rest.is_empty() || rest.starts_with([' ', '\t', '"'])) && !rest.contains('=')
        });
        if is_block {
            out.push(line_start + indent);
        }
    }
    out
}

/// In a string or heredoc, the byte at `i`: `$${` and `%%{` are escapes
/// (text: skipped whole), `${` and `%{` open an interpolation (pushed); the
/// offset of the mark's last byte, or `i` for anything else.
fn template_mark(b: &[u8], i: usize, stack: &mut Vec<Ctx>) -> usize {
    let c = b[i];
    if c != b'$' && c != b'%' {
        return i;
    }
    if b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&b'{') {
        i + 2
    } else if b.get(i + 1) == Some(&b'{') {
        stack.push(Ctx::Interp);
        i + 1
    } else {
        i
    }
}

/// The lexer of [`too_deep`]; `on` hears of each `{` opened at the top
/// level and of the text that is no code ([`Lexed`]). Past `parens`
/// parentheses and square brackets open together it stops there.
fn scan(text: &str, limit: usize, parens: usize, mut on: impl FnMut(Lexed)) -> Option<usize> {
    let b = text.as_bytes();
    let mut stack: Vec<Ctx> = Vec::new();
    // The outermost string or heredoc being read: where its text starts,
    // and the stack's height under it (back there, it has ended).
    let mut opaque: Option<(usize, usize)> = None;
    // Unary operators recurse in the parser too (`!!!!x`), but do not nest
    // text: count the current run on top of the bracket depth.
    let mut unary_run = 0usize;
    let mut i = 0usize;
    while i < b.len() {
        let c = b[i];
        let top = stack.last().copied();
        match top {
            Some(Ctx::Str) if !special_in_string(c) => {
                // A run of plain text changes nothing: stepped over whole
                // (the scan is on every parse; byte by byte it was ~5% of
                // a `check --staged`).
                i += b[i..]
                    .iter()
                    .position(|&x| special_in_string(x))
                    .unwrap_or(b.len() - i);
            }
            Some(Ctx::Str) => {
                match c {
                    b'\\' => i += 1,
                    // HCL strings cannot span lines; the parser will
                    // report it. Stop treating the rest as a string so
                    // one stray quote does not hide the real nesting.
                    b'"' | b'\n' => {
                        stack.pop();
                        if let Some((start, height)) = opaque {
                            if stack.len() == height {
                                on(Lexed::Hidden {
                                    start,
                                    end: i,
                                    fill: b'x',
                                });
                                opaque = None;
                            }
                        }
                    }
                    _ => i = template_mark(b, i, &mut stack),
                }
                i += 1;
            }
            Some(Ctx::Heredoc { start, end }) => {
                // At a line start: is this the closing marker line?
                if i == 0 || b[i - 1] == b'\n' {
                    let line_end = b[i..]
                        .iter()
                        .position(|&x| x == b'\n')
                        .map_or(b.len(), |p| i + p);
                    let line = text
                        .get(i..line_end)
                        .unwrap_or("")
                        .trim_matches([' ', '\t', '\r']);
                    if Some(line) == text.get(start..end) {
                        stack.pop();
                        if let Some((from, height)) = opaque {
                            if stack.len() == height {
                                on(Lexed::Hidden {
                                    start: from,
                                    end: line_end,
                                    fill: b' ',
                                });
                                opaque = None;
                            }
                        }
                        i = line_end;
                        continue;
                    }
                }
                i = template_mark(b, i, &mut stack) + 1;
            }
            None | Some(Ctx::Bracket(_)) | Some(Ctx::Interp) if !special_in_code(c) => {
                // As above; only whether the run holds anything but
                // whitespace matters (it ends a run of unary operators).
                let run = b[i..]
                    .iter()
                    .position(|&x| special_in_code(x))
                    .unwrap_or(b.len() - i);
                if b[i..i + run].iter().any(|x| !x.is_ascii_whitespace()) {
                    unary_run = 0;
                }
                i += run;
            }
            None | Some(Ctx::Bracket(_)) | Some(Ctx::Interp) => {
                let is_unary = matches!(c, b'!' | b'-') && b.get(i + 1) != Some(&b'=');
                match c {
                    b'#' | b'/' if c == b'#' || b.get(i + 1) == Some(&b'/') => {
                        let end = skip_line(b, i);
                        on(Lexed::Hidden {
                            start: i,
                            end,
                            fill: b' ',
                        });
                        i = end;
                        continue;
                    }
                    b'/' if b.get(i + 1) == Some(&b'*') => {
                        let end = b[i + 2..]
                            .windows(2)
                            .position(|w| w == b"*/")
                            .map_or(b.len(), |p| i + 2 + p + 2);
                        on(Lexed::Hidden {
                            start: i,
                            end,
                            fill: b' ',
                        });
                        i = end;
                        continue;
                    }
                    b'"' => {
                        if opaque.is_none() {
                            opaque = Some((i + 1, stack.len()));
                        }
                        stack.push(Ctx::Str)
                    }
                    b'{' => {
                        if stack.is_empty() {
                            on(Lexed::TopOpen(i));
                        }
                        stack.push(Ctx::Bracket(b'}'))
                    }
                    b'(' | b'[' => {
                        let open = stack
                            .iter()
                            .filter(|c| matches!(c, Ctx::Bracket(b')') | Ctx::Bracket(b']')))
                            .count();
                        if open >= parens {
                            return Some(i);
                        }
                        stack.push(Ctx::Bracket(if c == b'(' { b')' } else { b']' }))
                    }
                    b'}' | b']' | b')'
                        if top == Some(Ctx::Bracket(c))
                            || (c == b'}' && top == Some(Ctx::Interp)) =>
                    {
                        stack.pop();
                    }
                    b'<' if b.get(i + 1) == Some(&b'<') => {
                        if let Some((marker, body)) = heredoc_start(b, i + 2) {
                            if opaque.is_none() {
                                opaque = Some((body, stack.len()));
                            }
                            stack.push(Ctx::Heredoc {
                                start: marker.0,
                                end: marker.1,
                            });
                            i = body;
                            continue;
                        }
                    }
                    _ => {}
                }
                if is_unary {
                    unary_run += 1;
                } else if !c.is_ascii_whitespace() {
                    unary_run = 0;
                }
                i += 1;
            }
        }
        if stack.len().saturating_add(unary_run) > limit {
            let mut at = i.saturating_sub(1).min(text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            return Some(at);
        }
    }
    None
}

/// Bytes [`scan`] acts on inside a quoted string.
fn special_in_string(c: u8) -> bool {
    matches!(c, b'\\' | b'"' | b'\n' | b'$' | b'%')
}

/// Bytes [`scan`] acts on in code: comments, strings, brackets, heredocs
/// and the unary operators.
fn special_in_code(c: u8) -> bool {
    matches!(
        c,
        b'#' | b'/' | b'"' | b'{' | b'}' | b'(' | b')' | b'[' | b']' | b'<' | b'!' | b'-'
    )
}

fn skip_line(b: &[u8], i: usize) -> usize {
    b[i..]
        .iter()
        .position(|&x| x == b'\n')
        .map_or(b.len(), |p| i + p)
}

/// After `<<`: an optional `-`, an identifier, then the end of the line.
/// Returns the marker's byte range and where the body starts.
fn heredoc_start(b: &[u8], mut i: usize) -> Option<((usize, usize), usize)> {
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    let start = i;
    while b
        .get(i)
        .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'-')
    {
        i += 1;
    }
    if i == start {
        return None;
    }
    let end = i;
    while b
        .get(i)
        .is_some_and(|c| *c == b' ' || *c == b'\t' || *c == b'\r')
    {
        i += 1;
    }
    match b.get(i) {
        Some(b'\n') => Some(((start, end), i + 1)),
        _ => None,
    }
}

/// Reject input nested deeper than [`MAX_DEPTH`] with a located error, before
/// it reaches the recursive parser. `code` is the caller's diagnostic family
/// (`hcl::syntax`, `world::syntax`, ...), so the error reads like any other
/// syntax error of that file kind.
pub fn check(source: &Source, code: &'static str) -> Result<(), Diag> {
    let Some(at) = too_deep(&source.text, MAX_DEPTH) else {
        return Ok(());
    };
    let end = (at + 1).min(source.text.len()).max(at);
    Err(Diag::error(
        code,
        format!("Nesting too deep: more than {MAX_DEPTH} levels of brackets, strings or operators, or {MAX_PARENS} of parentheses and square brackets"),
    )
    .at(source, Span::new(at, end), "nesting passes the limit here")
    .help("no Nomad file nests this deep; flatten the expression (use locals for intermediate values)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_parentheses_are_refused_before_the_parser_backtracks() {
        // Found by the eval fuzzer: hcl-edit took 49 s (debug, ASan) on it.
        let slow = "le/leleF*(e*((F/leeF*F/1*(e/leleF*(e*((F/leF*(dF*(e*((F/leeF*F/1*(e/leleF*(e*((F/leleF*(e*((F/leF*(dF*(e*((F/leeF*F/1*(e/leleF*(e*((F/leF*(dc1*(e*FF*((F/leleFF*(dc1*(e*FF*((F/leleF*F/1*(e*ec1*(e*FF*((F/leleF*F/1*(e*e*(e &";
        assert!(too_deep(slow, MAX_DEPTH).is_some());
        let calls = format!("x = {}1{}", "f(".repeat(MAX_PARENS), ")".repeat(MAX_PARENS));
        assert_eq!(too_deep(&calls, MAX_DEPTH), None);
        let deeper = format!(
            "x = {}1{}",
            "f(".repeat(MAX_PARENS + 1),
            ")".repeat(MAX_PARENS + 1)
        );
        assert!(too_deep(&deeper, MAX_DEPTH).is_some());
    }

    #[test]
    fn ordinary_files_pass() {
        let text =
            "job \"a\" {\n  meta = { k = \"${upper(\"x\")}\" }\n  group \"g\" { count = -1 }\n}\n";
        assert_eq!(too_deep(text, 8), None);
    }

    #[test]
    fn brackets_past_the_limit_are_located() {
        let text = format!("x = {}1", "[".repeat(10));
        // Depth 5 is first passed at the sixth `[`.
        assert_eq!(too_deep(&text, 5), Some(4 + 5));
        assert_eq!(too_deep(&text, 10), None);
    }

    #[test]
    fn braces_in_comments_strings_and_heredocs_do_not_count() {
        let deep = "{".repeat(50);
        let text = format!(
            "# {deep}\n/* {deep} */\na = \"{deep}\"\nb = <<EOF\n{deep}\nEOF\nc = <<-JSON\n  {deep}\n  JSON\nd = 1\n"
        );
        assert_eq!(too_deep(&text, 4), None);
    }

    #[test]
    fn interpolations_nest_inside_strings_and_heredocs() {
        let text = "a = \"${\"${\"${1}\"}\"}\"\n";
        // string, interp, string, interp, string, interp: 6 levels.
        assert_eq!(too_deep(text, 6), None);
        assert!(too_deep(text, 5).is_some());
        let heredoc = "a = <<EOT\n${[[[1]]]}\nEOT\n";
        assert_eq!(too_deep(heredoc, 5), None);
        assert!(too_deep(heredoc, 4).is_some());
    }

    #[test]
    fn escaped_interpolations_are_text() {
        assert_eq!(too_deep("a = \"$${{{{{{\"\n", 1), None);
        assert_eq!(too_deep("a = \"%%{{{{{{\"\n", 1), None);
        assert_eq!(too_deep("a = <<EOT\n$${{{{{{ %%{{{{\nEOT\n", 1), None);
        // Unescaped, `%{` opens a template directive as `${` does.
        assert!(too_deep("a = \"%{[[[1]]]}\"\n", 4).is_some());
        assert!(too_deep("a = <<EOT\n%{[[[1]]]}\nEOT\n", 4).is_some());
    }

    #[test]
    fn runs_of_unary_operators_count() {
        let text = format!("a = {}true\nb = 1 - -1\n", "!".repeat(20));
        assert!(too_deep(&text, 10).is_some());
        assert_eq!(too_deep(&text, 30), None);
        assert_eq!(too_deep("a = 1 != 2\nb = !x\nc = -1\n", 1), None);
    }

    /// Whitespace between unary operators keeps the run; any other text
    /// ends it (plain text is stepped over in runs, not byte by byte).
    #[test]
    fn only_text_other_than_whitespace_ends_a_unary_run() {
        assert!(too_deep("a = ! !\t! \n ! ! true\n", 4).is_some());
        assert_eq!(too_deep("a = !x !y !z !w ! true\n", 2), None);
        assert!(too_deep("a = [\"s\", \"t\", ! ! ! x]\n", 3).is_some());
        assert_eq!(too_deep("a = [\"! ! ! ! !\"]\n", 2), None);
    }

    #[test]
    fn a_stray_quote_does_not_swallow_the_rest_of_the_file() {
        let text = format!("a = \"unterminated\nb = {}\n", "[".repeat(10));
        assert!(too_deep(&text, 5).is_some());
    }

    #[test]
    fn multibyte_text_yields_a_char_boundary() {
        let text = format!("a = \"é\"\nb = {}é", "(".repeat(3));
        let at = too_deep(&text, 2).unwrap_or(usize::MAX);
        assert!(text.is_char_boundary(at));
    }

    /// Comments, heredoc bodies and string contents leave the code view;
    /// every byte keeps its place.
    #[test]
    fn the_code_view_blanks_what_is_no_code() {
        let text = concat!(
            "/* ci */ job \"a\\\"b\" {\n",
            "  x = \"<<EOF {\" # c {\n",
            "  y = <<EOT\n}\nEOT\n",
            "  z = \"${\"}\"}\" // {\n",
            "/* a\nb */ job \"c\" {\n",
            "}\n"
        );
        let code = code_view(text);
        assert_eq!(code.len(), text.len());
        assert_eq!(
            code,
            concat!(
                "         job \"xxxx\" {\n",
                "  x = \"xxxxxxx\"      \n",
                "  y = <<EOT\n \n   \n",
                "  z = \"xxxxxx\"     \n",
                "    \n     job \"x\" {\n",
                "}\n"
            )
        );
        // No parenthesis limit: the view goes on past any depth.
        let deep = format!("a = {}1{}\n# {{\n", "[".repeat(40), "]".repeat(40));
        assert!(code_view(&deep).ends_with("\n   \n"));
        // Multibyte text inside a string is replaced whole.
        assert_eq!(code_view("a = \"é\"\n"), "a = \"xx\"\n");
    }

    #[test]
    fn top_level_blocks_are_counted_by_their_headers_only() {
        let text = concat!(
            "client \"a\" {\n  client \"nested\" {\n  }\n}\n",
            "client = { x = 1 }\n",
            "clients \"b\" {\n}\n",
            "s = \"client \\\"c\\\" {\"\n",
            "t = <<EOT\nclient \"d\" {\nEOT\n",
            "# client \"e\" {\n",
            "  client {\n}\n",
            "x {} client \"f\" {\n}\n",
        );
        let found = top_level_blocks(text, "client");
        let at = |needle: &str| text.find(needle).unwrap_or(usize::MAX);
        // `client "a"`, the unlabelled one (at its keyword, past the
        // indent); not the nested block, the attribute, `clients`, the
        // string, the heredoc, the comment, nor a header after another
        // block on the same line.
        assert_eq!(found, vec![0, at("  client {") + 2]);
    }
}
