//! Expressions as hclsyntax parses them (parser.go parseTernaryConditional
//! down to parseExpressionTerm, function calls, tuple and object
//! constructors, `for` expressions on their happy path), for their
//! diagnostics and the tokens they consume.

use super::{valid_number, Parser, MAX_DEPTH};
use crate::jobspec::hclsyntax::scan::{Tok, Token};
use crate::jobspec::hclsyntax::Era;

impl Parser<'_> {
    /// `true` when the expression reported an error.
    pub(super) fn expression(&mut self) -> bool {
        if self.unsure || self.depth >= MAX_DEPTH {
            self.unsure = true;
            return true;
        }
        self.depth += 1;
        let failed = self.conditional();
        self.depth -= 1;
        failed
    }

    fn conditional(&mut self) -> bool {
        let before = self.diags.len();
        self.binary();
        if self.recovery && self.diags.len() > before {
            return true;
        }
        if self.peek().tok != Tok::Question {
            return self.diags.len() > before;
        }
        self.read();
        let t = self.diags.len();
        self.expression();
        if self.recovery && self.diags.len() > t {
            return true;
        }
        let colon = self.peek();
        if colon.tok != Tok::Colon {
            self.err(
                "Missing false expression in conditional",
                "The conditional operator (...?...:...) requires a false expression, delimited by a colon.",
                Self::span(colon),
            );
            return true;
        }
        self.read();
        self.expression();
        self.diags.len() > before
    }

    fn binary(&mut self) {
        loop {
            let before = self.diags.len();
            self.with_traversals();
            if self.recovery && self.diags.len() > before {
                return;
            }
            let op = self.peek().tok;
            let is_op = matches!(
                op,
                Tok::Or
                    | Tok::And
                    | Tok::EqualOp
                    | Tok::NotEqual
                    | Tok::Lt
                    | Tok::Gt
                    | Tok::LtEq
                    | Tok::GtEq
                    | Tok::Plus
                    | Tok::Minus
                    | Tok::Star
                    | Tok::Slash
                    | Tok::Percent
            );
            if !is_op {
                return;
            }
            self.read();
        }
    }

    fn with_traversals(&mut self) {
        self.term();
        self.traversals();
    }

    fn number(&mut self, t: Token) {
        if !valid_number(self.bytes(t)) {
            self.err(
                "Invalid number literal",
                "Failed to recognize the value of this number literal.",
                Self::span(t),
            );
        }
    }

    fn traversals(&mut self) {
        'traversal: loop {
            match self.peek().tok {
                Tok::Dot => {
                    self.read();
                    let attr = self.peek();
                    match attr.tok {
                        Tok::Ident => {
                            self.read();
                        }
                        Tok::NumberLit => {
                            let num = self.read();
                            let s = self.bytes(num);
                            if let Some((a, b)) = s.split_once('.') {
                                let detail = format!("When using the legacy index syntax, chaining two indexes together is not permitted. Use the proper index syntax instead, like [{a}][{b}].");
                                self.err("Invalid legacy index syntax", detail, Self::span(num));
                            } else {
                                self.number(num);
                            }
                        }
                        Tok::Star => {
                            // An attribute-only splat: `.*` then `.name`s
                            // (and legacy `.0`s). The errors below point at
                            // the star (parser.go reuses its token).
                            let star = self.read();
                            while self.peek().tok == Tok::Dot {
                                self.read();
                                let next = self.peek();
                                if next.tok == Tok::NumberLit {
                                    let num = self.read();
                                    let s = self.bytes(num);
                                    if let Some((a, b)) = s.split_once('.') {
                                        let detail = format!("When using the legacy index syntax, chaining two indexes together is not permitted. Use the proper index syntax with a full splat expression [*] instead, like [{a}][{b}].");
                                        self.err(
                                            "Invalid legacy index syntax",
                                            detail,
                                            Self::span(star),
                                        );
                                    } else {
                                        self.number(num);
                                    }
                                    continue;
                                }
                                if next.tok != Tok::Ident {
                                    if !self.recovery {
                                        if next.tok == Tok::Star {
                                            self.err("Nested splat expression not allowed", "A splat expression (*) cannot be used inside another attribute-only splat expression.", Self::span(next));
                                        } else {
                                            self.err(
                                                "Invalid attribute name",
                                                "An attribute name is required after a dot.",
                                                Self::span(star),
                                            );
                                        }
                                    }
                                    self.recovery = true;
                                    continue 'traversal;
                                }
                                self.read();
                            }
                        }
                        _ => {
                            self.err(
                                "Invalid attribute name",
                                "An attribute name is required after a dot.",
                                Self::span(attr),
                            );
                            self.recovery = true;
                        }
                    }
                }
                Tok::OBrack => {
                    self.read();
                    if self.peek().tok == Tok::Star {
                        self.read();
                        let close = self.read();
                        if close.tok != Tok::CBrack && !self.recovery {
                            // The diagnostic points at `close`, which the
                            // recovery then overwrites: its subject is the
                            // token recovery stops at.
                            let close = self.recover(Tok::CBrack);
                            self.err("Missing close bracket on splat index", "The star for a full splat operator must be immediately followed by a closing bracket (\"]\").", Self::span(close));
                        }
                        continue;
                    }
                    self.newlines.push(false);
                    let before = self.diags.len();
                    self.expression();
                    if self.recovery && self.diags.len() > before {
                        self.recover(Tok::CBrack);
                    } else {
                        let close = self.read();
                        if close.tok != Tok::CBrack && !self.recovery {
                            // As for the splat above: the subject is where
                            // recovery stops (parser.go keeps &close).
                            let close = self.recover(Tok::CBrack);
                            self.err(
                                "Missing close bracket on index",
                                "The index operator must end with a closing bracket (\"]\").",
                                Self::span(close),
                            );
                        }
                    }
                    self.newlines.pop();
                }
                _ => return,
            }
        }
    }

    fn term(&mut self) {
        if self.unsure || self.depth >= MAX_DEPTH {
            self.unsure = true;
            return;
        }
        self.depth += 1;
        self.term_inner();
        self.depth -= 1;
    }

    fn term_inner(&mut self) {
        let start = self.peek();
        match start.tok {
            Tok::OParen => {
                self.read();
                self.newlines.push(false);
                let before = self.diags.len();
                self.expression();
                if self.diags.len() > before {
                    self.recover(Tok::CParen);
                    self.newlines.pop();
                    return;
                }
                let close = self.peek();
                if close.tok != Tok::CParen {
                    self.err(
                        "Unbalanced parentheses",
                        "Expected a closing parenthesis to terminate the expression.",
                        Self::span(close),
                    );
                    self.recovery = true;
                }
                self.read();
                self.newlines.pop();
            }
            Tok::NumberLit => {
                let t = self.read();
                self.number(t);
            }
            Tok::Ident => {
                let name = self.read();
                let scoped = self.peek().tok == Tok::DoubleColon && self.era == Era::Hcl2_20;
                if self.peek().tok == Tok::OParen || scoped {
                    self.call(name);
                }
            }
            Tok::OQuote | Tok::OHeredoc => {
                let open = self.read();
                let close = if open.tok == Tok::OQuote {
                    Tok::CQuote
                } else {
                    Tok::CHeredoc
                };
                self.template(close);
            }
            Tok::Minus | Tok::Bang => {
                self.read();
                self.with_traversals();
            }
            Tok::OBrack => self.tuple(),
            Tok::OBrace => self.object(),
            _ => {
                if !self.recovery {
                    if start.tok == Tok::Eof && self.era == Era::Hcl2_20 {
                        self.err(
                            "Missing expression",
                            "Expected the start of an expression, but found the end of the file.",
                            Self::span(start),
                        );
                    } else {
                        self.err(
                            "Invalid expression",
                            "Expected the start of an expression, but found an invalid expression token.",
                            Self::span(start),
                        );
                    }
                }
                self.recovery = true;
            }
        }
    }

    fn call(&mut self, name: Token) {
        let mut open = self.read();
        while open.tok == Tok::DoubleColon {
            let next = self.read();
            if next.tok != Tok::Ident {
                self.err(
                    "Missing function name",
                    "Function scope resolution symbol :: must be followed by a function name in this scope.",
                    Self::span(next),
                );
                self.recover_over(Tok::OParen);
                return;
            }
            open = self.read();
        }
        if open.tok != Tok::OParen {
            self.err(
                "Missing open parenthesis",
                "Function selector must be followed by an open parenthesis to begin the function call.",
                Self::span(open),
            );
            self.recover_over(Tok::OParen);
            return;
        }
        self.newlines.push(false);
        loop {
            if self.peek().tok == Tok::CParen {
                self.read();
                break;
            }
            if !self.item(Tok::CParen) {
                break;
            }
            let sep = self.read();
            match sep.tok {
                Tok::CParen => break,
                Tok::Ellipsis => {
                    if self.peek().tok != Tok::CParen {
                        if !self.recovery {
                            self.err(
                                "Missing closing parenthesis",
                                "An expanded function argument (with ...) must be immediately followed by closing parentheses.",
                                Self::span(sep),
                            );
                        }
                        self.recover(Tok::CParen);
                    } else {
                        self.read();
                    }
                    break;
                }
                Tok::Comma => {}
                Tok::Eof if self.era == Era::Hcl2_20 => {
                    self.err(
                        "Unterminated function call",
                        "There is no closing parenthesis for this function call before the end of the file. This may be caused by incorrect parenthesis nesting elsewhere in this file.",
                        (name.start, open.end),
                    );
                    self.recover(Tok::CParen);
                    break;
                }
                _ => {
                    self.err(
                        "Missing argument separator",
                        "A comma is required to separate each function argument from the next.",
                        Self::span(sep),
                    );
                    self.recover(Tok::CParen);
                    break;
                }
            }
            if self.peek().tok == Tok::CParen {
                self.read();
                break;
            }
        }
        self.newlines.pop();
    }

    fn tuple(&mut self) {
        let open = self.read();
        self.newlines.push(false);
        if self.is_keyword(self.peek(), "for") {
            self.for_expr(Tok::CBrack);
            self.newlines.pop();
            return;
        }
        loop {
            if self.peek().tok == Tok::CBrack {
                self.read();
                break;
            }
            if !self.item(Tok::CBrack) || !self.separator(open, &TUPLE) {
                break;
            }
        }
        self.newlines.pop();
    }

    fn object(&mut self) {
        let open = self.read();
        self.newlines.push(false);
        let is_for = self.is_keyword(self.peek(), "for");
        self.newlines.pop();
        if is_for {
            self.newlines.push(false);
            self.for_expr(Tok::CBrace);
            self.newlines.pop();
            return;
        }
        self.newlines.push(true);
        loop {
            let next = self.peek();
            if next.tok == Tok::Newline {
                self.read();
                continue;
            }
            if next.tok == Tok::CBrace {
                self.read();
                break;
            }
            if !self.item(Tok::CBrace) {
                break;
            }
            let next = self.peek();
            if next.tok != Tok::Equal && next.tok != Tok::Colon {
                if !self.recovery {
                    match next.tok {
                        Tok::Newline | Tok::Comma => self.err("Missing attribute value", "Expected an attribute value, introduced by an equals sign (\"=\").", Self::span(next)),
                        Tok::Ident => self.err("Missing key/value separator", "Expected an equals sign (\"=\") to mark the beginning of the attribute value. If you intended to given an attribute name containing periods or spaces, write the name in quotes to create a string literal.", Self::span(next)),
                        Tok::Eof if self.era == Era::Hcl2_20 => self.err(OBJECT.unterminated.0, OBJECT.unterminated.1, Self::span(open)),
                        _ => self.err("Missing key/value separator", "Expected an equals sign (\"=\") to mark the beginning of the attribute value.", Self::span(next)),
                    }
                }
                self.recover(Tok::CBrace);
                break;
            }
            self.read();
            if !self.item(Tok::CBrace) || !self.separator(open, &OBJECT) {
                break;
            }
        }
        self.newlines.pop();
    }

    /// One element, argument, key or value: false when it failed in
    /// recovery mode, after skipping to the constructor's `close`.
    fn item(&mut self, close: Tok) -> bool {
        let before = self.diags.len();
        self.expression();
        if self.recovery && self.diags.len() > before {
            self.recover(close);
            return false;
        }
        true
    }

    /// What follows an element of a tuple or an object: its close (read;
    /// false), a separator (read; true: another element), or else the
    /// constructor's error (unless already recovering) and recovery to
    /// its close (false). At the end of the file hcl 2.20 reports the
    /// constructor left open, at its opening token.
    fn separator(&mut self, open: Token, c: &Constructor) -> bool {
        let next = self.peek();
        if next.tok == c.close {
            self.read();
            return false;
        }
        if !c.separators.contains(&next.tok) {
            if !self.recovery {
                if next.tok == Tok::Eof && self.era == Era::Hcl2_20 {
                    self.err(c.unterminated.0, c.unterminated.1, Self::span(open));
                } else {
                    self.err(c.missing.0, c.missing.1, Self::span(next));
                }
            }
            self.recover(c.close);
            return false;
        }
        self.read();
        true
    }

    /// A `for` expression, on its happy path; any error inside it is one
    /// this reduction does not word.
    fn for_expr(&mut self, close: Tok) {
        let before = self.diags.len();
        self.read(); // `for`
        let ok = self.read().tok == Tok::Ident
            && (self.peek().tok != Tok::Comma || {
                self.read();
                self.read().tok == Tok::Ident
            })
            && {
                let t = self.read();
                self.is_keyword(t, "in")
            }
            && !self.expression()
            && self.read().tok == Tok::Colon
            && !self.expression()
            && (self.peek().tok != Tok::FatArrow || {
                self.read();
                !self.expression()
            });
        if !ok {
            self.unsure = true;
            return;
        }
        if self.peek().tok == Tok::Ellipsis {
            self.read();
        }
        if self.is_keyword(self.peek(), "if") {
            self.read();
            if self.expression() {
                self.unsure = true;
                return;
            }
        }
        if self.read().tok != close || self.diags.len() > before {
            self.unsure = true;
        }
    }
}

/// A tuple or object constructor's closing token, separators and the
/// (summary, detail) of its two separator errors (parser.go
/// parseTupleCons, parseObjectCons).
struct Constructor {
    close: Tok,
    separators: &'static [Tok],
    unterminated: (&'static str, &'static str),
    missing: (&'static str, &'static str),
}

const TUPLE: Constructor = Constructor {
    close: Tok::CBrack,
    separators: &[Tok::Comma],
    unterminated: ("Unterminated tuple constructor expression", "There is no corresponding closing bracket before the end of the file. This may be caused by incorrect bracket nesting elsewhere in this file."),
    missing: ("Missing item separator", "Expected a comma to mark the beginning of the next item."),
};

const OBJECT: Constructor = Constructor {
    close: Tok::CBrace,
    separators: &[Tok::Comma, Tok::Newline],
    unterminated: ("Unterminated object constructor expression", "There is no corresponding closing brace before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file."),
    missing: ("Missing attribute separator", "Expected a newline or comma to mark the beginning of the next attribute."),
};
