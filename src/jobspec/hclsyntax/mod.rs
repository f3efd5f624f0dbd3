//! Nomad's own words for a job file that does not parse, from 1.0 on:
//! jobspec2 parses with hclsyntax.ParseConfig and, when that fails,
//! returns the hcl.Diagnostics themselves, whose Error() is the first
//! diagnostic (`path:2,25-26: Summary; Detail`) and `, and N other
//! diagnostic(s)` (hcl's diagnostic.go). The CLI prints it after
//! `Error parsing job file from <path>:\n` (command/helpers.go JobGetter).
//!
//! hcl-edit stays our parser; this reduction of hclsyntax's scanner and
//! parser runs only on a file hcl-edit refused, so a valid file costs
//! nothing more. Where it does not follow hclsyntax (unbalanced or
//! malformed template directives, errors inside `for` expressions) it
//! says "cannot tell", and
//! the caller keeps its own words rather than print a text that looks like
//! Nomad's and is not.
//!
//! Two releases of hclsyntax word these errors differently: Nomad 1.0.0 to
//! 1.8.0 vendor hcl 2.7/2.9-based commits, 1.8.1 on 2.20 (go.mod at each
//! tag), which added the end-of-file wordings (`Unclosed configuration
//! block`, `Missing expression`, `Unterminated ...`), `::` function
//! scopes, and longer interpolation texts.

pub mod blocks;
mod parse;
pub mod parts;
mod scan;
mod unicode9;

use crate::version::NomadVersion;

/// Which hclsyntax a release parses with.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Era {
    /// hcl 2.7.1-0.20201020 .. 2.9.2-0.20220525 (Nomad 1.0.0 to 1.8.0;
    /// parentheses are a node of their own from 1.0.6: [`paren_node`]).
    Hcl2_7,
    /// hcl 2.20.2 (Nomad 1.8.1 on).
    Hcl2_20,
}

impl Era {
    /// None before 1.0: those releases parse job files with HCL1.
    pub fn of(v: NomadVersion) -> Option<Era> {
        if !v.at_least(1, 0, 0) {
            None
        } else if v.at_least(1, 8, 1) {
            Some(Era::Hcl2_20)
        } else {
            Some(Era::Hcl2_7)
        }
    }
}

/// Does `(x)` have a range of its own, parentheses included? hclsyntax's
/// ParenthesesExpr arrived in hcl eb14f8319bdc, which Nomad 1.0.6 pins
/// (1.0.0 to 1.0.5 pin 68a97f93bb48 and 3000d85e32a9, where `(x)` is `x`).
pub fn paren_node(v: NomadVersion) -> bool {
    v.at_least(1, 0, 6)
}

/// One hcl.Diagnostic: its summary, detail and subject (byte offsets).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HclDiag {
    pub summary: String,
    pub detail: String,
    pub start: usize,
    pub end: usize,
}

impl HclDiag {
    /// `Summary; Detail`, as Diagnostic.Error() prints it after the range.
    pub fn text(&self) -> String {
        format!("{}; {}", self.summary, self.detail)
    }
}

/// The byte ranges of `text`'s line comments (`#`, `//`, to the end of
/// their line) as hclsyntax's scanner cuts them: the text of a quoted
/// string or a heredoc is never a comment, whatever it holds. HCL1 (Nomad
/// before 1.0) scans comments, strings and heredocs alike. For suppression
/// comments ([`crate::rules::suppress`]), which must also be found in a
/// file that does not parse: the scanner takes any text.
pub fn line_comments(text: &str) -> Vec<(usize, usize)> {
    scan::scan(text, true)
        .into_iter()
        .filter(|t| t.tok == scan::Tok::Comment && !text[t.start..].starts_with("/*"))
        .map(|t| (t.start, t.end))
        .collect()
}

/// Where a file hcl-edit accepted may hold what hclsyntax refuses (a
/// quoted string past its line end, `1.2.3`, `a.1.2`, `a.*.*`): then
/// [`diagnose`] decides. One pass over the text, nothing kept.
pub fn hcl_edit_blind_spot(text: &str) -> Option<usize> {
    scan::hcl_edit_blind_spot(text)
}

/// Is `at` a quoted literal with an escape hclsyntax refuses, one of
/// [`hcl_edit_blind_spot`]'s?
pub fn bad_escape_at(text: &str, at: usize) -> bool {
    text.is_char_boundary(at) && scan::bad_escape_at(text, at)
}

/// Every error hclsyntax reports for `text` (lexer errors first, then the
/// parser's, in its order), or None where this reduction cannot tell.
/// `path` is only quoted in texts that name a second place.
pub fn diagnose(text: &str, path: &str, era: Era) -> Option<Vec<HclDiag>> {
    let toks = scan::scan(text, era == Era::Hcl2_20);
    let mut diags = invalid_tokens(text, &toks);
    let mut p = parse::Parser::new(text, path, toks, era);
    p.body(scan::Tok::Eof);
    if p.unsure {
        return None;
    }
    diags.append(&mut p.diags);
    Some(diags)
}

/// hclsyntax checkInvalidTokens (token.go): characters and operators the
/// language does not have, each kind reported a bounded number of times.
fn invalid_tokens(text: &str, toks: &[scan::Token]) -> Vec<HclDiag> {
    use scan::Tok;
    let mut out = Vec::new();
    let (mut bitwise, mut backtick, mut apostrophe, mut semicolon, mut bad) = (0, 0, 0, 0, 0);
    const INVALID: &str = "Invalid character";
    for t in toks {
        let mut push = |summary: &str, detail: &str| {
            out.push(HclDiag {
                summary: summary.to_string(),
                detail: detail.to_string(),
                start: t.start,
                end: t.end,
            })
        };
        match t.tok {
            Tok::BitwiseAnd | Tok::BitwiseOr | Tok::BitwiseXor | Tok::BitwiseNot
                if bitwise < 4 =>
            {
                let suggestion = match t.tok {
                    Tok::BitwiseAnd => " Did you mean boolean AND (\"&&\")?",
                    Tok::BitwiseOr => " Did you mean boolean OR (\"||\")?",
                    Tok::BitwiseNot => " Did you mean boolean NOT (\"!\")?",
                    _ => "",
                };
                push(
                    "Unsupported operator",
                    &format!("Bitwise operators are not supported.{suggestion}"),
                );
                bitwise += 1;
            }
            // Opening and closing marks come in pairs: one report a pair.
            Tok::Backtick => {
                if backtick % 2 == 0 {
                    push(INVALID, "The \"`\" character is not valid. To create a multi-line string, use the \"heredoc\" syntax, like \"<<EOT\".");
                }
                if backtick <= 2 {
                    backtick += 1;
                }
            }
            Tok::Apostrophe => {
                if apostrophe % 2 == 0 {
                    push(
                        INVALID,
                        "Single quotes are not valid. Use double quotes (\") to enclose strings.",
                    );
                }
                if apostrophe <= 2 {
                    apostrophe += 1;
                }
            }
            Tok::Semicolon if semicolon < 1 => {
                push(INVALID, "The \";\" character is not valid. Use newlines to separate arguments and blocks, and commas to separate items in collection values.");
                semicolon += 1;
            }
            Tok::BadUtf8 if bad < 1 => {
                push("Invalid character encoding", "All input files must be UTF-8 encoded. Ensure that UTF-8 encoding is selected in your editor.");
                bad += 1;
            }
            Tok::QuotedNewline => push("Invalid multi-line string", "Quoted strings may not be split over multiple lines. To produce a multi-line string, either use the \\n escape to represent a newline character or use the \"heredoc\" multi-line template syntax."),
            Tok::Invalid => match &text[t.start..t.end] {
                "\u{201c}" | "\u{201d}" => push(INVALID, "\"Curly quotes\" are not valid here. These can sometimes be inadvertently introduced when sharing code via documents or discussion forums. It might help to replace the character with a \"straight quote\"."),
                _ => push(INVALID, "This character is not used within the language."),
            },
            _ => {}
        }
    }
    out
}

/// hcl.Pos of a byte offset: 1-based line, and column in characters
/// (hcl counts grapheme clusters; a combining sequence counts once there).
fn pos(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// hcl.Range.String(): `path:L,C-C2`, or `path:L,C-L2,C2` across lines.
pub fn range_string(text: &str, path: &str, (start, end): (usize, usize)) -> String {
    let (l1, c1) = pos(text, start);
    let (l2, c2) = pos(text, end);
    if l1 == l2 {
        format!("{path}:{l1},{c1}-{c2}")
    } else {
        format!("{path}:{l1},{c1}-{l2},{c2}")
    }
}

/// hclsyntax.ValidIdentifier: the whole of `s` scans as one identifier.
pub fn valid_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(scan::ident_start) && chars.all(scan::ident_continue)
}

/// Whether `d` carries hclsyntax's own words (made by jobspec::parse from
/// [`diagnose`]), as opposed to our stand-in for a text we cannot word.
pub fn is_worded(d: &crate::diag::Diag) -> bool {
    d.code == VAR_FILE_LISTED
        || matches!(d.code.as_str(), "hcl::syntax" | "jobspec::hcl1")
            && d.message
                .split_once("; ")
                .is_some_and(|(summary, _)| SUMMARIES.contains(&summary))
}

/// Code of a var file's diagnostic that 1.0.1's jobspec2 lists after a
/// job file's syntax errors: counted in the list's `and N other
/// diagnostic(s)`, never its first.
pub const VAR_FILE_LISTED: &str = "hcl::var-file-listed";

/// The summaries [`diagnose`] words (parser.go, parser_template.go and
/// token.go's checkInvalidTokens).
const SUMMARIES: &[&str] = &[
    "Argument definition required",
    "Argument or block definition required",
    "Attribute redefined",
    "Extra characters after interpolation expression",
    "Invalid argument name",
    "Invalid attribute name",
    "Invalid block definition",
    "Invalid character",
    "Invalid character encoding",
    "Invalid escape sequence",
    "Invalid expression",
    "Invalid legacy index syntax",
    "Invalid multi-line string",
    "Invalid number literal",
    "Invalid single-argument block definition",
    "Invalid string literal",
    "Missing argument separator",
    "Missing attribute separator",
    "Missing attribute value",
    "Missing close bracket on index",
    "Missing close bracket on splat index",
    "Missing closing parenthesis",
    "Missing expression",
    "Missing false expression in conditional",
    "Missing function name",
    "Missing item separator",
    "Missing key/value separator",
    "Missing newline after argument",
    "Missing newline after block definition",
    "Missing open parenthesis",
    "Nested splat expression not allowed",
    "Unbalanced parentheses",
    "Unclosed configuration block",
    "Unclosed configuration body",
    "Unclosed template interpolation sequence",
    "Unexpected comma after argument",
    "Unsupported operator",
    "Unterminated function call",
    "Unterminated object constructor expression",
    "Unterminated string literal",
    "Unterminated template string",
    "Unterminated tuple constructor expression",
];

/// hcl.Diagnostics.Error() of a non-empty list.
pub fn error_text(text: &str, path: &str, diags: &[HclDiag]) -> Option<String> {
    let first = diags.first()?;
    let mut s = format!(
        "{}: {}",
        range_string(text, path, (first.start, first.end)),
        first.text()
    );
    if diags.len() > 1 {
        s.push_str(&format!(", and {} other diagnostic(s)", diags.len() - 1));
    }
    Some(s)
}

#[cfg(test)]
mod tests;
