//! hclsyntax's parser (hclsyntax/parser.go, parser_template.go), reduced
//! to what decides its diagnostics: which tokens it consumes, where it
//! recovers, and which errors it reports before and after its `recovery`
//! flag is set (once set, most later errors are not reported). No tree is
//! built. Template directives (`%{ if }`) and errors inside `for`
//! expressions are not followed: there the result is "cannot tell".

use std::collections::HashMap;

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

const MAX_DEPTH: usize = 500;

type Span = (usize, usize);

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
                                    super::go_quote(name),
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
                let detail = format!("A single-line block definition can contain only a single argument. If you meant to define argument {}, use an equals sign to assign it a value. To define a nested block, place it on a line of its own within its parent block.", super::go_quote(self.bytes(ident)));
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

    /// `true` when the expression reported an error.
    pub fn expression(&mut self) -> bool {
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
            let before = self.diags.len();
            self.expression();
            if self.recovery && self.diags.len() > before {
                self.recover(Tok::CParen);
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
            let next = self.peek();
            if next.tok == Tok::CBrack {
                self.read();
                break;
            }
            let before = self.diags.len();
            self.expression();
            if self.recovery && self.diags.len() > before {
                self.recover(Tok::CBrack);
                break;
            }
            let next = self.peek();
            if next.tok == Tok::CBrack {
                self.read();
                break;
            }
            if next.tok != Tok::Comma {
                if !self.recovery {
                    if next.tok == Tok::Eof && self.era == Era::Hcl2_20 {
                        self.err("Unterminated tuple constructor expression", "There is no corresponding closing bracket before the end of the file. This may be caused by incorrect bracket nesting elsewhere in this file.", Self::span(open));
                    } else {
                        self.err(
                            "Missing item separator",
                            "Expected a comma to mark the beginning of the next item.",
                            Self::span(next),
                        );
                    }
                }
                self.recover(Tok::CBrack);
                break;
            }
            self.read();
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
        const UNTERMINATED: &str = "There is no corresponding closing brace before the end of the file. This may be caused by incorrect brace nesting elsewhere in this file.";
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
            let before = self.diags.len();
            self.expression();
            if self.recovery && self.diags.len() > before {
                self.recover(Tok::CBrace);
                break;
            }
            let next = self.peek();
            if next.tok != Tok::Equal && next.tok != Tok::Colon {
                if !self.recovery {
                    match next.tok {
                        Tok::Newline | Tok::Comma => self.err("Missing attribute value", "Expected an attribute value, introduced by an equals sign (\"=\").", Self::span(next)),
                        Tok::Ident => self.err("Missing key/value separator", "Expected an equals sign (\"=\") to mark the beginning of the attribute value. If you intended to given an attribute name containing periods or spaces, write the name in quotes to create a string literal.", Self::span(next)),
                        Tok::Eof if self.era == Era::Hcl2_20 => self.err("Unterminated object constructor expression", UNTERMINATED, Self::span(open)),
                        _ => self.err("Missing key/value separator", "Expected an equals sign (\"=\") to mark the beginning of the attribute value.", Self::span(next)),
                    }
                }
                self.recover(Tok::CBrace);
                break;
            }
            self.read();
            let before = self.diags.len();
            self.expression();
            if self.recovery && self.diags.len() > before {
                self.recover(Tok::CBrace);
                break;
            }
            let next = self.peek();
            if next.tok == Tok::CBrace {
                self.read();
                break;
            }
            if next.tok != Tok::Comma && next.tok != Tok::Newline {
                if !self.recovery {
                    if next.tok == Tok::Eof && self.era == Era::Hcl2_20 {
                        self.err(
                            "Unterminated object constructor expression",
                            UNTERMINATED,
                            Self::span(open),
                        );
                    } else {
                        self.err(
                            "Missing attribute separator",
                            "Expected a newline or comma to mark the beginning of the next attribute.",
                            Self::span(next),
                        );
                    }
                }
                self.recover(Tok::CBrace);
                break;
            }
            self.read();
        }
        self.newlines.pop();
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

    fn template(&mut self, end: Tok) {
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
    fn string_lit(&mut self, t: Token, quoted: bool) {
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
                        super::go_quote(&other.to_string())
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
