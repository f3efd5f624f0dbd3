//! hcl v1's parser (hcl/parser/parser.go as Nomad vendors it), reduced to
//! its control flow: which token it reads next, where it gives up and with
//! which words. No tree is built; comments are skipped as the parser's
//! scan() skips them.
//!
//! Its quirks are Nomad's behaviour, so they are kept: a value missing at
//! the end of the file ends the file without an error (errEofToken), an
//! object whose item failed on a `}` is closed by the next token when that
//! is another `}`, and a key followed by `}` is reported as a key without
//! a value.

use super::scan::{Kind, Pos, Scanner, Token};
use super::Era;

/// Go's stacks grow; ours do not: deeper nesting is "cannot tell".
const MAX_DEPTH: usize = 500;

/// The errors parser.go returns.
pub enum Error {
    /// errEofToken: the caller takes it as the end of the list.
    Eof,
    /// PosError: `At line:col: msg`.
    At(Pos, String),
    /// A plain fmt.Errorf (the old parser's objectItem and objectType).
    Plain(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Eof => f.write_str("EOF token found"),
            Error::At(pos, msg) => write!(f, "At {pos}: {msg}"),
            Error::Plain(msg) => f.write_str(msg),
        }
    }
}

pub struct Parser<'a> {
    pub sc: Scanner<'a>,
    era: Era,
    tok: Token,
    /// A token put back (unscan).
    buffered: bool,
    depth: usize,
    /// Times the old parser printed `illegal` on stdout (objectKey).
    pub printed_illegal: usize,
    /// Past MAX_DEPTH.
    pub too_deep: bool,
    /// A quoted token was not UTF-8: Go prints its bytes, we cannot.
    pub lossy: bool,
    /// The file's text when the bytes parsed are exactly it: each literal
    /// the parser reads is then also read for its value here (see
    /// [`Parser::watch_literals`]).
    literals_of: Option<&'a str>,
    /// The first literal hcl v1 cannot read, by offset.
    unreadable: Option<usize>,
    /// The current item's keys, kept as tokens: their text is wanted only
    /// for an error's words, and a String per key (allocated, copied,
    /// dropped) was most of what the parser itself spent. One buffer for
    /// the file: an item's keys are used before its value is parsed.
    keys: Vec<Token>,
}

impl<'a> Parser<'a> {
    pub fn new(src: &'a [u8], era: Era) -> Self {
        Parser {
            sc: Scanner::new(src, era),
            era,
            tok: Token {
                kind: Kind::Illegal,
                pos: Pos::default(),
                start: 0,
                end: 0,
            },
            buffered: false,
            depth: 0,
            printed_illegal: 0,
            too_deep: false,
            lossy: false,
            literals_of: None,
            unreadable: None,
            keys: Vec::new(),
        }
    }

    /// Read every literal token's value as the parser meets it (what
    /// [`super::literal::unreadable`] does in a scan of its own), when
    /// `text` is the very bytes being parsed. Every token of a file hcl v1
    /// accepts passes through [`Parser::scan`] once, in order, so the
    /// first literal found unreadable is the one that scan would find.
    pub fn watch_literals(&mut self, text: &'a str) {
        if text.as_bytes() == self.sc.src {
            self.literals_of = Some(text);
        }
    }

    /// The first literal hcl v1 cannot read (None: every one reads), when
    /// [`Parser::watch_literals`] took the text.
    pub fn literals(&self) -> Option<Option<usize>> {
        self.literals_of.map(|_| self.unreadable)
    }

    /// Where the parser stopped: the last token it read.
    pub fn stopped_at(&self) -> Pos {
        self.tok.pos
    }

    fn scan(&mut self) -> Token {
        if self.buffered {
            self.buffered = false;
            return self.tok;
        }
        self.tok = self.sc.scan();
        while self.tok.kind == Kind::Comment {
            self.tok = self.sc.scan();
        }
        if let (Some(text), None) = (self.literals_of, self.unreadable) {
            let t = self.tok;
            if !super::literal::readable(t.kind, text.get(t.start..t.end), self.era) {
                self.unreadable = Some(t.start);
            }
        }
        self.tok
    }

    fn unscan(&mut self) {
        self.buffered = true;
    }

    fn text(&mut self, t: &Token) -> String {
        self.text_ref(t).to_string()
    }

    /// A token's text, or "" (and `lossy`) when it is not UTF-8.
    fn text_ref(&mut self, t: &Token) -> &'a str {
        match std::str::from_utf8(self.sc.text(t)) {
            Ok(s) => s,
            Err(_) => {
                self.lossy = true;
                ""
            }
        }
    }

    /// objectList: items until `}` (inside an object) or the end.
    pub fn object_list(&mut self, in_object: bool) -> Result<(), Error> {
        loop {
            if self.sc.panicked || self.too_deep {
                return Ok(());
            }
            if in_object {
                let t = self.scan();
                self.unscan();
                if t.kind == Kind::RBrace {
                    return Ok(());
                }
            }
            match self.object_item() {
                Err(Error::Eof) => return Ok(()),
                Err(e) => return Err(e),
                Ok(()) => {}
            }
            // Items may be separated by commas.
            if self.scan().kind != Kind::Comma {
                self.unscan();
            }
        }
    }

    fn object_item(&mut self) -> Result<(), Error> {
        let (keys, mut err) = self.object_key();
        if keys > 0 && matches!(err, Some(Error::Eof)) {
            err = None;
        }
        if keys > 0 && err.is_some() && self.tok.kind == Kind::RBrace {
            // Keys without a value before a `}`: reported as such below.
            err = None;
            self.tok.kind = Kind::Eof;
        }
        if let Some(e) = err {
            return Err(e);
        }
        match self.tok.kind {
            Kind::Assign => self.object()?,
            Kind::LBrace => self.object_type()?,
            _ => {
                let words: Vec<&str> = (self.keys.get(..keys).unwrap_or_default().iter())
                    .map(|t| std::str::from_utf8(self.sc.text(t)).unwrap_or(""))
                    .collect();
                let msg = format!(
                    "key '{}' expected start of object ('{{') or assignment ('=')",
                    words.join(" ")
                );
                return Err(match self.era {
                    Era::New => Error::At(self.tok.pos, msg),
                    Era::Old => Error::Plain(msg),
                });
            }
        }
        // The look-ahead for a line comment reads the next token.
        self.scan();
        self.unscan();
        Ok(())
    }

    /// The item's keys into `self.keys`; how many count (0 after a
    /// misplaced `=`, whatever was read).
    fn object_key(&mut self) -> (usize, Option<Error>) {
        self.keys.clear();
        loop {
            let keys = self.keys.len();
            let t = self.scan();
            match t.kind {
                Kind::Eof => return (keys, Some(Error::Eof)),
                Kind::Assign => {
                    let msg = match keys {
                        0 => "no object keys found!".to_string(),
                        1 => return (keys, None),
                        _ => "nested object expected: LBRACE got: ASSIGN".to_string(),
                    };
                    return (0, Some(Error::At(t.pos, msg)));
                }
                Kind::LBrace => {
                    let err = (keys == 0)
                        .then(|| Error::At(t.pos, "expected: IDENT | STRING got: LBRACE".into()));
                    return (keys, err);
                }
                Kind::Ident | Kind::Str => {
                    // Read now for `lossy`, as each key always was (ASCII,
                    // most keys, is UTF-8: no call to find that out).
                    if !self.sc.text(&t).is_ascii() {
                        self.text_ref(&t);
                    }
                    self.keys.push(t);
                }
                Kind::Illegal if self.era == Era::Old => {
                    self.printed_illegal += 1;
                    if self.sc.panicked {
                        return (keys, Some(Error::Eof));
                    }
                }
                Kind::Illegal => {
                    return (keys, Some(Error::At(t.pos, "illegal character".into())));
                }
                other => {
                    let msg = format!(
                        "expected: IDENT | STRING | ASSIGN | LBRACE got: {}",
                        other.name()
                    );
                    return (keys, Some(Error::At(t.pos, msg)));
                }
            }
        }
    }

    /// A value after `=`.
    fn object(&mut self) -> Result<(), Error> {
        let t = self.scan();
        match t.kind {
            Kind::Number | Kind::Float | Kind::Bool | Kind::Str | Kind::Heredoc => Ok(()),
            Kind::LBrace => self.object_type(),
            Kind::LBrack => self.list_type(),
            Kind::Eof => Err(Error::Eof),
            other => {
                // `%+v` of a token.Token is its String(): `pos TYPE text`.
                let text = self.text(&t);
                let msg = format!("Unknown token: {} {} {text}", t.pos, other.name());
                Err(Error::At(t.pos, msg))
            }
        }
    }

    fn object_type(&mut self) -> Result<(), Error> {
        if !self.enter() {
            return Ok(());
        }
        let r = self.object_list(true);
        self.depth -= 1;
        // An error on a `}` is dropped: that `}` or the next closes it.
        if let Err(e) = r {
            if self.tok.kind != Kind::RBrace {
                return Err(e);
            }
        }
        let t = self.scan();
        if t.kind != Kind::RBrace {
            let msg = format!("object expected closing RBRACE got: {}", t.kind.name());
            return Err(match self.era {
                Era::New => Error::At(t.pos, msg),
                Era::Old => Error::Plain(msg),
            });
        }
        Ok(())
    }

    fn list_type(&mut self) -> Result<(), Error> {
        if !self.enter() {
            return Ok(());
        }
        let r = self.list_items();
        self.depth -= 1;
        r
    }

    fn list_items(&mut self) -> Result<(), Error> {
        let mut need_comma = false;
        loop {
            if self.sc.panicked || self.too_deep {
                return Ok(());
            }
            let t = self.scan();
            if need_comma && !matches!(t.kind, Kind::Comma | Kind::RBrack) {
                let msg = format!(
                    "error parsing list, expected comma or list end, got: {}",
                    t.kind.name()
                );
                return Err(Error::At(t.pos, msg));
            }
            match t.kind {
                // The old parser skips booleans in a list, and `[`.
                Kind::Bool | Kind::LBrack if self.era == Era::Old => {}
                Kind::Bool | Kind::Number | Kind::Float | Kind::Str | Kind::Heredoc => {
                    need_comma = true
                }
                Kind::Comma => {
                    self.scan();
                    self.unscan();
                    need_comma = false;
                }
                Kind::LBrace => {
                    self.object_type().map_err(|e| {
                        Error::At(
                            t.pos,
                            format!("error while trying to parse object within list: {e}"),
                        )
                    })?;
                    need_comma = true;
                }
                Kind::LBrack => {
                    self.list_type().map_err(|e| {
                        Error::At(
                            t.pos,
                            format!("error while trying to parse list within list: {e}"),
                        )
                    })?;
                }
                Kind::RBrack => return Ok(()),
                other => {
                    let msg = format!("unexpected token while parsing list: {}", other.name());
                    return Err(Error::At(t.pos, msg));
                }
            }
        }
    }

    fn enter(&mut self) -> bool {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            self.too_deep = true;
            self.depth -= 1;
            return false;
        }
        true
    }
}
