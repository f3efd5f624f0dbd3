//! Templates and string literals as hclsyntax parses them
//! (parser_template.go parseTemplateParts, parser.go
//! ParseStringLiteralToken): interpolations, their closing brace, and
//! escapes. Directives (`%{ if }`) are not followed.

use super::{Parser, Span};
use crate::jobspec::hclsyntax::scan::{Tok, Token};
use crate::jobspec::hclsyntax::Era;

impl Parser<'_> {
    pub(super) fn template(&mut self, end: Tok) {
        let start = Self::span(self.peek());
        loop {
            let next = self.read();
            if next.tok == end {
                return;
            }
            match next.tok {
                Tok::QuotedLit => self.string_lit(next, true),
                Tok::StringLit => {}
                Tok::TemplateInterp => {
                    self.newlines.push(false);
                    self.expression();
                    let close = self.peek();
                    if close.tok != Tok::TemplateSeqEnd {
                        if !self.recovery {
                            self.interp_error(close, start, end);
                        }
                        self.recover(Tok::TemplateSeqEnd);
                    } else {
                        self.read();
                    }
                    self.newlines.pop();
                }
                Tok::TemplateControl => {
                    // Directives and their nesting are not followed here.
                    self.unsure = true;
                    self.recover(Tok::TemplateSeqEnd);
                }
                _ => {
                    if !self.recovery {
                        self.err(
                            "Unterminated template string",
                            "No closing marker was found for the string.",
                            Self::span(next),
                        );
                    }
                    self.recover(end);
                    return;
                }
            }
        }
    }

    fn interp_error(&mut self, close: Token, start: Span, end: Tok) {
        const UNCLOSED: &str = "Unclosed template interpolation sequence";
        const EXTRA: &str = "Extra characters after interpolation expression";
        match close.tok {
            Tok::Eof if self.era == Era::Hcl2_20 => self.err(UNCLOSED, "There is no closing brace for this interpolation sequence before the end of the file. This might be caused by incorrect nesting inside the given expression.", start),
            Tok::Colon if self.era == Era::Hcl2_20 => self.err(EXTRA, "Template interpolation doesn't expect a colon at this location. Did you intend this to be a literal sequence to be processed as part of another language? If so, you can escape it by starting with \"$${\" instead of just \"${\".", Self::span(close)),
            Tok::CQuote | Tok::OQuote if end == Tok::CQuote && self.era == Era::Hcl2_20 => self.err(UNCLOSED, "There is no closing brace for this interpolation sequence before the end of the quoted template. This might be caused by incorrect nesting inside the given expression.", start),
            _ if self.era == Era::Hcl2_20 => self.err(EXTRA, "Expected a closing brace to end the interpolation expression, but found extra characters.\n\nThis can happen when you include interpolation syntax for another language, such as shell scripting, but forget to escape the interpolation start token. If this is an embedded sequence for another language, escape it by starting with \"$${\" instead of just \"${\".", Self::span(close)),
            _ => self.err(EXTRA, "Expected a closing brace to end the interpolation expression, but found extra characters.", Self::span(close)),
        }
    }

    /// The escapes of a quoted literal (hclsyntax ParseStringLiteralToken).
    pub(super) fn string_lit(&mut self, t: Token, quoted: bool) {
        if !quoted {
            return;
        }
        let s = self.bytes(t);
        let b = s.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] != b'\\' {
                i += s[i..].chars().next().map_or(1, char::len_utf8);
                continue;
            }
            let Some(sel) = s[i + 1..].chars().next() else {
                self.err(
                    "Invalid escape sequence",
                    "Backslash must be followed by an escape sequence selector character.",
                    (t.start + i, t.start + i + 1),
                );
                break;
            };
            let mut end = i + 1 + sel.len_utf8();
            match sel {
                'n' | 'r' | 't' | '"' | '\\' => {}
                'u' | 'U' => {
                    let want = if sel == 'u' { 4 } else { 8 };
                    let hex = b[end..]
                        .iter()
                        .take(want)
                        .take_while(|c| c.is_ascii_hexdigit())
                        .count();
                    end += hex;
                    let at = (t.start + i, t.start + end);
                    if hex != want {
                        let detail = if sel == 'u' {
                            "The \\u escape sequence must be followed by four hexadecimal digits."
                        } else {
                            "The \\U escape sequence must be followed by eight hexadecimal digits."
                        };
                        self.err("Invalid escape sequence", detail, at);
                    } else {
                        let n = u32::from_str_radix(&s[i + 2..end], 16).unwrap_or(u32::MAX);
                        if char::from_u32(n).is_none() {
                            let detail = format!("Cannot encode character U+{n:04x} in UTF-8.");
                            self.err("Invalid escape sequence", detail, at);
                        }
                    }
                }
                other => {
                    let detail = format!(
                        "The symbol {} is not a valid escape sequence selector.",
                        crate::gotext::go_quote(&other.to_string())
                    );
                    self.err(
                        "Invalid escape sequence",
                        detail,
                        (t.start + i, t.start + end),
                    );
                }
            }
            i = end;
        }
    }
}
