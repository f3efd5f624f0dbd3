//! Templates and string literals as hclsyntax parses them
//! (parser_template.go parseTemplateParts, parser.go
//! ParseStringLiteralToken): interpolations, their closing brace, and
//! escapes. Directives (`%{ if }`, `%{ for }`) are followed where they
//! are well formed and balance; elsewhere the answer is "cannot tell".

use super::{Parser, Span};
use crate::jobspec::hclsyntax::scan::{Tok, Token};
use crate::jobspec::hclsyntax::Era;

impl Parser<'_> {
    pub(super) fn template(&mut self, end: Tok) {
        let start = Self::span(self.peek());
        // The directives still open, innermost last: `for` or `if`/`else`.
        let mut open: Vec<&'static str> = Vec::new();
        loop {
            let next = self.read();
            if next.tok == end {
                // templateParser's balance errors are not followed here.
                if !open.is_empty() {
                    self.unsure = true;
                }
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
                    self.newlines.push(false);
                    if !self.directive(&mut open) {
                        // Its error texts are not followed here.
                        self.unsure = true;
                        self.recover(Tok::TemplateSeqEnd);
                    }
                    self.newlines.pop();
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

    /// A well-formed `%{ ... }` directive, read to its closing brace, as
    /// parseTemplateParts reads it (its expressions' errors reported), its
    /// nesting kept in `open`: false, with nothing reported, where it is
    /// malformed or does not balance (templateParser's words).
    fn directive(&mut self, open: &mut Vec<&'static str>) -> bool {
        let kw = self.peek();
        if kw.tok != Tok::Ident {
            return false;
        }
        let word = self.bytes(kw);
        self.read();
        match word {
            "if" => {
                self.expression();
                open.push("if");
            }
            "for" => {
                if self.read().tok != Tok::Ident {
                    return false;
                }
                if self.peek().tok == Tok::Comma {
                    self.read();
                    if self.read().tok != Tok::Ident {
                        return false;
                    }
                }
                let kw_in = self.read();
                if !self.is_keyword(kw_in, "in") {
                    return false;
                }
                self.expression();
                open.push("for");
            }
            "else" if open.last() == Some(&"if") => {
                open.pop();
                open.push("else");
            }
            "endif" if matches!(open.last(), Some(&"if") | Some(&"else")) => {
                open.pop();
            }
            "endfor" if open.last() == Some(&"for") => {
                open.pop();
            }
            _ => return false,
        }
        if self.peek().tok != Tok::TemplateSeqEnd {
            return false;
        }
        self.read();
        true
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

    /// The escapes of a quoted literal (hclsyntax ParseStringLiteralToken,
    /// one reading of them: parts.rs).
    pub(super) fn string_lit(&mut self, t: Token, quoted: bool) {
        if !quoted {
            return;
        }
        let (_, errors) = crate::jobspec::hclsyntax::parts::string_literal(self.bytes(t), true);
        for e in errors {
            self.err(
                crate::jobspec::hclsyntax::parts::INVALID_ESCAPE,
                e.detail,
                (t.start + e.start, t.start + e.end),
            );
        }
    }
}
