//! hclsyntax's parser (hclsyntax/parser.go, parser_template.go), reduced
//! to what decides its diagnostics: which tokens it consumes, where it
//! recovers, and which errors it reports before and after its `recovery`
//! flag is set (once set, most later errors are not reported). No tree is
//! built. Malformed or unbalanced template directives (`%{ if }` without
//! its `%{ endif }`) and errors inside `for` expressions are not
//! followed: there the result is "cannot tell".

use std::collections::HashMap;

mod expr;
mod template;

use super::scan::{Tok, Token};
use super::{Era, HclDiag};

pub struct Parser<'a> {
    text: &'a str,
    path: &'a str,
    toks: Vec<Token>,
    next: usize,
    newlines: Vec<bool>,
    recovery: bool,
    pub era: Era,
    pub diags: Vec<HclDiag>,
    /// Set where this reduction does not follow hclsyntax.
    pub unsure: bool,
    /// Expression nesting: Go's stacks grow where ours would overflow, so
    /// past [`MAX_DEPTH`] the answer is "cannot tell".
    depth: usize,
}

pub(super) const MAX_DEPTH: usize = 500;

pub(super) type Span = (usize, usize);

const EOF_BLOCK: &str = "There is no closing brace for this block before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.";
const NEEDS_EQUALS: &str = "An argument or block definition is required here. To set an argument, use the equals sign \"=\" to introduce the argument value.";
const ITEM_REQUIRED: &str = "An argument or block definition is required here.";

impl<'a> Parser<'a> {
    pub fn new(text: &'a str, path: &'a str, toks: Vec<Token>, era: Era) -> Self {
        Parser {
            text,
            path,
            toks,
            next: 0,
            newlines: vec![true],
            recovery: false,
            era,
            diags: Vec::new(),
            unsure: false,
            depth: 0,
        }
    }

    fn err(&mut self, summary: impl Into<String>, detail: impl Into<String>, at: Span) {
        self.diags.push(HclDiag {
            summary: summary.into(),
            detail: detail.into(),
            start: at.0,
            end: at.1,
        });
    }

    /// The peeker: comments are skipped; newlines too unless the innermost
    /// context includes them, where a line comment stands for its newline.
    fn find(&self) -> (Token, usize) {
        let include = *self.newlines.last().unwrap_or(&true);
        let mut i = self.next;
        while i < self.toks.len() {
            let t = self.toks[i];
            match t.tok {
                Tok::Comment => {
                    if include && self.text.as_bytes().get(t.end.wrapping_sub(1)) == Some(&b'\n') {
                        let nl = Token {
                            tok: Tok::Newline,
                            ..t
                        };
                        return (nl, i + 1);
                    }
                }
                Tok::Newline if !include => {}
                _ => return (t, i + 1),
            }
            i += 1;
        }
        let last = self.toks.len() - 1;
        (self.toks[last], self.toks.len())
    }

    fn peek(&self) -> Token {
        self.find().0
    }

    fn read(&mut self) -> Token {
        let (t, n) = self.find();
        self.next = n;
        t
    }

    fn prev_span(&self) -> Span {
        if self.next == 0 {
            let t = self.peek();
            return (t.start, t.end);
        }
        let t = self.toks[self.next - 1];
        (t.start, t.end)
    }

    fn span(t: Token) -> Span {
        (t.start, t.end)
    }

    fn bytes(&self, t: Token) -> &'a str {
        &self.text[t.start..t.end]
    }

    fn is_keyword(&self, t: Token, word: &str) -> bool {
        t.tok == Tok::Ident && self.bytes(t) == word
    }

    fn opposite(t: Tok) -> Option<Tok> {
        Some(match t {
            Tok::OBrace => Tok::CBrace,
            Tok::OBrack => Tok::CBrack,
            Tok::OParen => Tok::CParen,
            Tok::OQuote => Tok::CQuote,
            Tok::OHeredoc => Tok::CHeredoc,
            Tok::CBrace => Tok::OBrace,
            Tok::CBrack => Tok::OBrack,
            Tok::CParen => Tok::OParen,
            Tok::CQuote => Tok::OQuote,
            Tok::CHeredoc => Tok::OHeredoc,
            Tok::TemplateInterp | Tok::TemplateControl => Tok::TemplateSeqEnd,
            Tok::TemplateSeqEnd => Tok::TemplateInterp,
            _ => return None,
        })
    }

    /// Skip to the token that closes the current bracket (`end`).
    fn recover(&mut self, end: Tok) -> Token {
        let start = Self::opposite(end);
        self.recovery = true;
        let mut nest = 0;
        loop {
            let t = self.read();
            let mut ty = t.tok;
            if end == Tok::TemplateSeqEnd && ty == Tok::TemplateControl {
                ty = Tok::TemplateInterp;
            }
            if Some(ty) == start {
                nest += 1;
            } else if ty == end {
                if nest < 1 {
                    return t;
                }
                nest -= 1;
            } else if ty == Tok::Eof {
                return t;
            }
        }
    }

    fn recover_over(&mut self, start: Tok) {
        loop {
            let t = self.read();
            if t.tok == start || t.tok == Tok::Eof {
                break;
            }
        }
        if let Some(end) = Self::opposite(start) {
            self.recover(end);
        }
    }

    /// Skip to the end of the current body item: its newline, outside any
    /// bracket it opened.
    fn recover_after_item(&mut self) {
        self.recovery = true;
        let mut open: Vec<Tok> = Vec::new();
        loop {
            let t = self.read();
            match t.tok {
                Tok::Newline if open.is_empty() => break,
                Tok::Eof => break,
                Tok::OBrace
                | Tok::OBrack
                | Tok::OParen
                | Tok::OQuote
                | Tok::OHeredoc
                | Tok::TemplateInterp
                | Tok::TemplateControl => open.push(t.tok),
                Tok::CBrace | Tok::CBrack | Tok::CParen | Tok::CQuote | Tok::CHeredoc => {
                    let opener = Self::opposite(t.tok);
                    while open.last().is_some_and(|o| Some(*o) != opener) {
                        open.pop();
                    }
                    open.pop();
                }
                Tok::TemplateSeqEnd => {
                    while open
                        .last()
                        .is_some_and(|o| *o != Tok::TemplateInterp && *o != Tok::TemplateControl)
                    {
                        open.pop();
                    }
                    open.pop();
                }
                _ => {}
            }
        }
    }

    fn range_text(&self, at: Span) -> String {
        super::range_string(self.text, self.path, at)
    }

    pub fn body(&mut self, end: Tok) {
        let start = self.prev_span();
        // Arguments seen in this body: name → where it was first set.
        let mut names: HashMap<&'a str, Span> = HashMap::new();
        loop {
            if self.unsure {
                return;
            }
            let next = self.peek();
            if next.tok == end {
                self.read();
                return;
            }
            match next.tok {
                Tok::Newline => {
                    self.read();
                }
                Tok::Ident => {
                    if let Some((name, at)) = self.body_item() {
                        match names.get(name) {
                            Some(first) => {
                                let detail = format!(
                                    "The argument {} was already set at {}. Each argument may be set only once.",
                                    crate::gotext::go_quote(name),
                                    self.range_text(*first)
                                );
                                self.err("Attribute redefined", detail, at);
                            }
                            None => {
                                names.insert(name, at);
                            }
                        }
                    }
                }
                _ => {
                    let bad = self.read();
                    if !self.recovery {
                        match bad.tok {
                            Tok::OQuote => self.err(
                                "Invalid argument name",
                                "Argument names must not be quoted.",
                                Self::span(bad),
                            ),
                            Tok::Eof if self.era == Era::Hcl2_7 => self.err(
                                "Argument or block definition required",
                                ITEM_REQUIRED,
                                Self::span(bad),
                            ),
                            Tok::Eof if end == Tok::CBrace => {
                                self.err("Unclosed configuration block", EOF_BLOCK, start)
                            }
                            Tok::Eof => self.err(
                                "Unclosed configuration body",
                                "Found end of file before the end of this configuration body.",
                                start,
                            ),
                            _ => self.err(
                                "Argument or block definition required",
                                ITEM_REQUIRED,
                                Self::span(bad),
                            ),
                        }
                    }
                    self.recover(end);
                    return;
                }
            }
        }
    }

    /// An argument or block; for an argument, its name and name range.
    fn body_item(&mut self) -> Option<(&'a str, Span)> {
        let ident = self.read();
        match self.peek().tok {
            Tok::Equal => {
                self.attribute(false);
                Some((self.bytes(ident), Self::span(ident)))
            }
            Tok::OQuote | Tok::OBrace | Tok::Ident => {
                self.block();
                None
            }
            _ => {
                self.recover_after_item();
                self.err(
                    "Argument or block definition required",
                    NEEDS_EQUALS,
                    Self::span(ident),
                );
                None
            }
        }
    }

    fn attribute(&mut self, single_line: bool) {
        self.read(); // `=`
        let before = self.diags.len();
        self.expression();
        let failed = self.diags.len() > before;
        if self.recovery && failed {
            self.recover_after_item();
            return;
        }
        if single_line {
            return;
        }
        let end = self.peek();
        if end.tok == Tok::Newline || end.tok == Tok::Eof {
            self.read();
            return;
        }
        if !self.recovery {
            let (summary, detail) = if end.tok == Tok::Comma {
                ("Unexpected comma after argument", "Argument definitions must be separated by newlines, not commas. An argument definition must end with a newline.")
            } else {
                (
                    "Missing newline after argument",
                    "An argument definition must end with a newline.",
                )
            };
            self.err(summary, detail, Self::span(end));
        }
        self.recover_after_item();
    }

    fn block(&mut self) {
        let o_brace;
        loop {
            let t = self.peek();
            match t.tok {
                Tok::OBrace => {
                    o_brace = self.read();
                    break;
                }
                Tok::OQuote => self.quoted_label(),
                Tok::Ident => {
                    self.read();
                }
                _ => {
                    match t.tok {
                        Tok::Equal => self.err("Invalid block definition", "The equals sign \"=\" indicates an argument definition, and must not be used when defining a block.", Self::span(t)),
                        Tok::Newline => self.err("Invalid block definition", "A block definition must have block content delimited by \"{\" and \"}\", starting on the same line as the block header.", Self::span(t)),
                        _ if !self.recovery => self.err("Invalid block definition", "Either a quoted string block label or an opening brace (\"{\") is expected here.", Self::span(t)),
                        _ => {}
                    }
                    self.recover_after_item();
                    return;
                }
            }
        }
        let mut own: Vec<HclDiag> = Vec::new();
        let body_from = self.diags.len();
        match self.peek().tok {
            Tok::Newline | Tok::Eof | Tok::CBrace => self.body(Tok::CBrace),
            _ => {
                self.single_attr_body();
                let next = self.peek();
                let body_diags: Vec<HclDiag> = self.diags.drain(body_from..).collect();
                match next.tok {
                    Tok::CBrace => {
                        self.read();
                    }
                    Tok::Comma => {
                        self.err("Invalid single-argument block definition", "Single-line block syntax can include only one argument definition. To define multiple arguments, use the multi-line block syntax with one argument definition per line.", Self::span(next));
                        self.recover(Tok::CBrace);
                    }
                    Tok::Newline => {
                        self.err("Invalid single-argument block definition", "An argument definition on the same line as its containing block creates a single-line block definition, which must also be closed on the same line. Place the block's closing brace immediately after the argument definition.", Self::span(next));
                        self.recover(Tok::CBrace);
                    }
                    _ => {
                        if !self.recovery {
                            if next.tok == Tok::Eof && self.era == Era::Hcl2_20 {
                                self.err(
                                    "Unclosed configuration block",
                                    EOF_BLOCK,
                                    Self::span(o_brace),
                                );
                            } else {
                                self.err("Invalid single-argument block definition", "A single-line block definition must end with a closing brace immediately after its single argument definition.", Self::span(next));
                            }
                        }
                        self.recover(Tok::CBrace);
                    }
                }
                // The block's own errors come before its body's.
                own.extend(self.diags.drain(body_from..));
                self.diags.extend(own);
                self.diags.extend(body_diags);
            }
        }
        let eol = self.peek();
        if eol.tok == Tok::Newline || eol.tok == Tok::Eof {
            self.read();
            return;
        }
        if !self.recovery {
            self.err(
                "Missing newline after block definition",
                "A block definition must end with a newline.",
                Self::span(eol),
            );
        }
        self.recover_after_item();
    }

    fn single_attr_body(&mut self) {
        let ident = self.read();
        if ident.tok != Tok::Ident {
            self.recover_after_item();
            self.err(
                "Argument or block definition required",
                ITEM_REQUIRED,
                Self::span(ident),
            );
            return;
        }
        let next = self.peek();
        match next.tok {
            Tok::Equal => self.attribute(true),
            Tok::OQuote | Tok::OBrace | Tok::Ident => {
                self.recover_after_item();
                let detail = format!("A single-line block definition can contain only a single argument. If you meant to define argument {}, use an equals sign to assign it a value. To define a nested block, place it on a line of its own within its parent block.", crate::gotext::go_quote(self.bytes(ident)));
                self.err(
                    "Argument definition required",
                    detail,
                    (ident.start, next.end),
                );
            }
            _ => {
                self.recover_after_item();
                self.err(
                    "Argument or block definition required",
                    NEEDS_EQUALS,
                    Self::span(ident),
                );
            }
        }
    }

    fn quoted_label(&mut self) {
        self.read(); // the opening quote
        loop {
            let t = self.read();
            match t.tok {
                Tok::CQuote => return,
                Tok::QuotedLit => self.string_lit(t, true),
                Tok::TemplateInterp | Tok::TemplateControl => {
                    let which = if t.tok == Tok::TemplateControl {
                        "%"
                    } else {
                        "$"
                    };
                    let detail = format!("Template sequences are not allowed in this string. To include a literal \"{which}\", double it (as \"{which}{which}\") to escape it.");
                    self.err("Invalid string literal", detail, Self::span(t));
                    self.recover(Tok::TemplateSeqEnd);
                }
                Tok::Eof => {
                    self.err(
                        "Unterminated string literal",
                        "Unable to find the closing quote mark before the end of the file.",
                        Self::span(t),
                    );
                    return;
                }
                _ => {
                    self.err(
                        "Invalid string literal",
                        "This item is not valid in a string literal.",
                        Self::span(t),
                    );
                    self.recover(Tok::CQuote);
                    return;
                }
            }
        }
    }
}

/// What cty.ParseNumberVal accepts of a scanned number literal.
pub(super) fn valid_number(s: &str) -> bool {
    let (mant, exp) = match s.find(['e', 'E']) {
        Some(n) => (&s[..n], Some(&s[n + 1..])),
        None => (s, None),
    };
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|c| c.is_ascii_digit());
    let mant_ok = match mant.split_once('.') {
        Some((a, b)) => digits(a) && digits(b),
        None => digits(mant),
    };
    let exp_ok = exp.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    mant_ok && exp_ok
}
