//! hcl v1's scanner (hcl/scanner/scanner.go as Nomad vendors it), reduced
//! to what decides the parser's first error and its position: token kinds,
//! their text, and the scanner's own errors.
//!
//! Positions are the scanner's, quirks included, because Nomad prints
//! them: `next()` at the end of the text still advances the column (so a
//! string left open at the end is reported past the last character), an
//! `unread()` restores the position saved before the last read (stale after
//! a bad byte in the old era), and a NUL byte is the scanner's end-of-file
//! marker (rune 0) wherever it is read. `unread()` after a failed read is
//! Go's bytes.Buffer error, which the scanner turns into a panic.

use super::Era;

/// hcl's `eof` marker: rune 0, which a NUL byte also reads as.
pub(super) const EOF: u32 = 0;
const RUNE_ERROR: u32 = 0xFFFD;

/// token.Pos: byte offset, 1-based line, column in runes.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
pub struct Pos {
    pub offset: usize,
    pub line: usize,
    pub column: usize,
}

impl std::fmt::Display for Pos {
    /// token.Pos.String() without a file name: `line:column`, or `-`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}", self.line, self.column)
        } else {
            f.write_str("-")
        }
    }
}

/// token.Type, with its String() name.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Illegal,
    Eof,
    Comment,
    Ident,
    Number,
    Float,
    Bool,
    Str,
    Heredoc,
    LBrack,
    LBrace,
    Comma,
    Period,
    RBrack,
    RBrace,
    Assign,
    Add,
    Sub,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Illegal => "ILLEGAL",
            Kind::Eof => "EOF",
            Kind::Comment => "COMMENT",
            Kind::Ident => "IDENT",
            Kind::Number => "NUMBER",
            Kind::Float => "FLOAT",
            Kind::Bool => "BOOL",
            Kind::Str => "STRING",
            Kind::Heredoc => "HEREDOC",
            Kind::LBrack => "LBRACK",
            Kind::LBrace => "LBRACE",
            Kind::Comma => "COMMA",
            Kind::Period => "PERIOD",
            Kind::RBrack => "RBRACK",
            Kind::RBrace => "RBRACE",
            Kind::Assign => "ASSIGN",
            Kind::Add => "ADD",
            Kind::Sub => "SUB",
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Token {
    pub kind: Kind,
    pub pos: Pos,
    /// The token's bytes, `src[start..end]`.
    pub start: usize,
    pub end: usize,
}

pub struct Scanner<'a> {
    pub(super) src: &'a [u8],
    pub(super) era: Era,
    /// bytes.Buffer's read offset, and the size of its last successful
    /// ReadRune (0: none, so an UnreadRune fails).
    pub(super) off: usize,
    pub(super) last_read: usize,
    pub(super) pos: Pos,
    pub(super) prev: Pos,
    pub(super) last_char_len: usize,
    pub(super) last_line_len: usize,
    /// The last error reported (Parse keeps only the last).
    pub error: Option<(Pos, &'static str)>,
    /// Go's `panic(err)` in unread(): the CLI crashes.
    pub panicked: bool,
    /// A non-ASCII letter or digit decided a token: Go's unicode tables
    /// are not ours, so the answer is "cannot tell".
    pub unsure: bool,
    /// The byte offset (in `src`) of the first such character.
    pub unsure_at: Option<usize>,
}

impl<'a> Scanner<'a> {
    pub fn new(src: &'a [u8], era: Era) -> Self {
        Scanner {
            src,
            era,
            off: 0,
            last_read: 0,
            pos: Pos {
                line: 1,
                ..Pos::default()
            },
            prev: Pos::default(),
            last_char_len: 0,
            last_line_len: 0,
            error: None,
            panicked: false,
            unsure: false,
            unsure_at: None,
        }
    }

    /// bytes.Buffer.ReadRune: None at the end (which also forgets the
    /// last read); a byte that starts no UTF-8 sequence is U+FFFD, size 1.
    fn read_rune(&mut self) -> Option<(u32, usize)> {
        if self.off >= self.src.len() || self.panicked {
            self.last_read = 0;
            return None;
        }
        let rest = &self.src[self.off..];
        let (ch, size) = if rest[0] < 0x80 {
            (u32::from(rest[0]), 1)
        } else {
            let window = &rest[..rest.len().min(4)];
            let valid = match std::str::from_utf8(window) {
                Ok(s) => s,
                Err(e) => std::str::from_utf8(&window[..e.valid_up_to()]).unwrap_or(""),
            };
            match valid.chars().next() {
                Some(c) => (u32::from(c), c.len_utf8()),
                None => (RUNE_ERROR, 1),
            }
        };
        self.off += size;
        self.last_read = size;
        Some((ch, size))
    }

    /// An ASCII byte other than NUL (most of a job file) is read here,
    /// inline, as the general case below reads it: one byte, no error, a
    /// new line at `\n`. A call to that case and to bytes.Buffer's
    /// ReadRune for each such byte was ~0.15 M instructions of a
    /// `check --staged` judged as 0.9.3.
    #[inline]
    pub(super) fn next(&mut self) -> u32 {
        match self.src.get(self.off) {
            Some(&b) if b.is_ascii() && b != 0 && !self.panicked => {
                self.off += 1;
                self.last_read = 1;
                self.prev = self.pos;
                self.pos.column += 1;
                self.last_char_len = 1;
                self.pos.offset += 1;
                if b == b'\n' {
                    self.pos.line += 1;
                    self.last_line_len = self.pos.column;
                    self.pos.column = 0;
                }
                u32::from(b)
            }
            _ => self.next_rune(),
        }
    }

    /// [`Scanner::next`] of anything else: a rune of more than one byte,
    /// a byte that is not UTF-8, NUL, or the end of the text.
    #[inline(never)]
    fn next_rune(&mut self) -> u32 {
        let Some((ch, size)) = self.read_rune() else {
            // "advance for error reporting"
            self.pos.column += 1;
            self.last_char_len = 0;
            return EOF;
        };
        if self.era == Era::Old && ch == RUNE_ERROR && size == 1 {
            // The old scanner reports before saving the previous position.
            self.pos.column += 1;
            self.pos.offset += size;
            self.last_char_len = size;
            self.err("illegal UTF-8 encoding");
            return ch;
        }
        self.prev = self.pos;
        self.pos.column += 1;
        self.last_char_len = size;
        self.pos.offset += size;
        if ch == RUNE_ERROR && size == 1 {
            self.err("illegal UTF-8 encoding");
            return ch;
        }
        if ch == u32::from('\n') {
            self.pos.line += 1;
            self.last_line_len = self.pos.column;
            self.pos.column = 0;
        }
        if self.era == Era::New {
            if ch == 0 {
                self.err("unexpected null character (0x00)");
                return EOF;
            }
            if ch == 0xE123 {
                self.err("unicode code point U+E123 reserved for internal use");
                return RUNE_ERROR;
            }
        }
        ch
    }

    /// Reads on over the bytes `plain` accepts, as that many [`next`]
    /// calls would, in one step: only ASCII other than a line end and NUL
    /// (which [`next`] reads with no error, no new line and a one-byte
    /// size), so the position, the previous position and the last read
    /// come out the same. Comments, quoted text and indentation are most
    /// of a job file; one call per byte was 7% of a `check --staged`
    /// judged as 0.9.3.
    ///
    /// [`next`]: Scanner::next
    pub(super) fn skip(&mut self, plain: impl Fn(u8) -> bool) {
        if self.panicked {
            return;
        }
        let rest = self.src.get(self.off..).unwrap_or(&[]);
        let n = rest
            .iter()
            .position(|&b| !(b.is_ascii() && b != b'\n' && b != 0 && plain(b)))
            .unwrap_or(rest.len());
        if n == 0 {
            return;
        }
        self.off += n;
        self.last_read = 1;
        self.last_char_len = 1;
        self.pos.offset += n;
        self.pos.column += n;
        self.prev = Pos {
            offset: self.pos.offset - 1,
            line: self.pos.line,
            column: self.pos.column - 1,
        };
    }

    pub(super) fn unread(&mut self) {
        if self.last_read == 0 {
            self.panicked = true;
            return;
        }
        self.off -= self.last_read;
        self.last_read = 0;
        self.pos = self.prev;
    }

    pub(super) fn peek(&mut self) -> u32 {
        match self.read_rune() {
            None => EOF,
            Some((ch, size)) => {
                self.off -= size;
                self.last_read = 0;
                ch
            }
        }
    }

    /// recentPosition: where the last character read is.
    fn recent(&self) -> Pos {
        let offset = self.pos.offset.saturating_sub(self.last_char_len);
        let (line, column) = if self.pos.column > 0 {
            (self.pos.line, self.pos.column)
        } else if self.last_line_len > 0 {
            (self.pos.line.saturating_sub(1), self.last_line_len)
        } else {
            (1, 1)
        };
        Pos {
            offset,
            line,
            column,
        }
    }

    pub(super) fn err(&mut self, msg: &'static str) {
        self.error = Some((self.recent(), msg));
    }

    /// isLetter; ASCII answered inline (every token start asks).
    #[inline]
    pub(super) fn letter(&mut self, ch: u32) -> bool {
        match u8::try_from(ch) {
            Ok(b) if b.is_ascii() => b.is_ascii_alphabetic() || b == b'_',
            _ => self.wide_letter(ch),
        }
    }

    #[inline(never)]
    fn wide_letter(&mut self, ch: u32) -> bool {
        match char::from_u32(ch) {
            Some(c) if super::go_letters::surely_letter(c) => true,
            Some(c) => self.wide(c.is_alphabetic()),
            None => false,
        }
    }

    /// isDigit; ASCII answered inline.
    #[inline]
    pub(super) fn digit(&mut self, ch: u32) -> bool {
        match u8::try_from(ch) {
            Ok(b) if b.is_ascii() => b.is_ascii_digit(),
            _ => self.wide_digit(ch),
        }
    }

    #[inline(never)]
    fn wide_digit(&mut self, ch: u32) -> bool {
        match char::from_u32(ch) {
            Some(c) if super::go_letters::surely_digit(c) => true,
            Some(c) => self.wide(c.is_numeric()),
            None => false,
        }
    }

    /// Go's unicode.IsLetter / IsDigit of a non-ASCII character that is
    /// not surely one ([`super::go_letters`]): false where Rust's wider
    /// classes say no; otherwise not ours to tell. Every caller asks of
    /// the character it has just read.
    fn wide(&mut self, maybe: bool) -> bool {
        if maybe {
            self.unsure = true;
            if self.unsure_at.is_none() {
                self.unsure_at = Some(self.off.saturating_sub(self.last_read));
            }
        }
        false
    }

    pub fn scan(&mut self) -> Token {
        let mut ch = self.next();
        while matches!(ch, 0x20 | 0x09 | 0x0A | 0x0D) {
            self.skip(|b| matches!(b, b' ' | b'\t'));
            ch = self.next();
        }
        let start = self.pos.offset.saturating_sub(self.last_char_len);
        let pos = Pos {
            offset: start,
            line: if self.pos.column > 0 {
                self.pos.line
            } else {
                self.pos.line.saturating_sub(1)
            },
            column: if self.pos.column > 0 {
                self.pos.column
            } else {
                self.last_line_len
            },
        };
        let kind = if self.letter(ch) {
            let lit = self.identifier();
            // A slice pattern: no call to memcmp for each identifier.
            if matches!(lit, b"true" | b"false") {
                Kind::Bool
            } else {
                Kind::Ident
            }
        } else if is_decimal(ch) {
            self.number(ch)
        } else {
            match char::from_u32(ch).unwrap_or('\u{fffd}') {
                '\0' => Kind::Eof,
                '"' => {
                    self.string();
                    Kind::Str
                }
                '#' | '/' => {
                    self.comment(ch);
                    Kind::Comment
                }
                '.' => {
                    let next = self.peek();
                    if is_decimal(next) {
                        let ch = self.mantissa(next);
                        self.exponent(ch);
                        Kind::Float
                    } else {
                        Kind::Period
                    }
                }
                '<' => {
                    self.heredoc();
                    Kind::Heredoc
                }
                '[' => Kind::LBrack,
                ']' => Kind::RBrack,
                '{' => Kind::LBrace,
                '}' => Kind::RBrace,
                ',' => Kind::Comma,
                '=' => Kind::Assign,
                '+' => Kind::Add,
                '-' if is_decimal(self.peek()) => {
                    let ch = self.next();
                    self.number(ch)
                }
                '-' => Kind::Sub,
                _ => {
                    self.err("illegal char");
                    Kind::Illegal
                }
            }
        };
        Token {
            kind,
            pos,
            start,
            end: self.pos.offset,
        }
    }

    pub fn text(&self, t: &Token) -> &'a [u8] {
        self.src.get(t.start..t.end).unwrap_or(&[])
    }

    fn identifier(&mut self) -> &'a [u8] {
        let start = self.pos.offset.saturating_sub(self.last_char_len);
        let ch = loop {
            // The ASCII run of the identifier in one step (letters, digits,
            // `_`, `-`, `.`: each one the test below passes, with no
            // question of Go's tables), as many `next` calls would read
            // it; a call a character was ~45 K instructions of a
            // `check --staged` judged as 0.9.3.
            self.skip(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
            let ch = self.next();
            if !(self.letter(ch) || self.digit(ch) || ch == u32::from('-') || ch == u32::from('.'))
            {
                break ch;
            }
        };
        if ch != EOF {
            self.unread();
        }
        self.src.get(start..self.pos.offset).unwrap_or(&[])
    }

    fn number(&mut self, ch: u32) -> Kind {
        let is = |ch: u32, c: char| ch == u32::from(c);
        let mut ch = ch;
        if is(ch, '0') {
            ch = self.next();
            if is(ch, 'x') || is(ch, 'X') {
                ch = self.next();
                let mut found = false;
                while char::from_u32(ch).is_some_and(|c| c.is_ascii_hexdigit()) {
                    ch = self.next();
                    found = true;
                }
                if !found {
                    self.err("illegal hexadecimal number");
                }
                if ch != EOF {
                    self.unread();
                }
                return Kind::Number;
            }
            let mut illegal_octal = false;
            while is_decimal(ch) {
                ch = self.next();
                if is(ch, '8') || is(ch, '9') {
                    illegal_octal = true;
                }
            }
            if is(ch, 'e') || is(ch, 'E') {
                self.exponent(ch);
                return Kind::Float;
            }
            if is(ch, '.') {
                return self.fraction_and_exponent();
            }
            if illegal_octal {
                self.err("illegal octal number");
            }
            if ch != EOF {
                self.unread();
            }
            return Kind::Number;
        }
        self.mantissa(ch);
        ch = self.next();
        if is(ch, 'e') || is(ch, 'E') {
            self.exponent(ch);
            return Kind::Float;
        }
        if is(ch, '.') {
            return self.fraction_and_exponent();
        }
        if ch != EOF {
            self.unread();
        }
        Kind::Number
    }

    /// After a number's `.`: scanFraction, then an exponent.
    fn fraction_and_exponent(&mut self) -> Kind {
        let after = self.peek();
        let ch = self.mantissa(after);
        if ch == u32::from('e') || ch == u32::from('E') {
            let ch = self.next();
            self.exponent(ch);
        }
        Kind::Float
    }

    fn mantissa(&mut self, mut ch: u32) -> u32 {
        let mut scanned = false;
        while is_decimal(ch) {
            ch = self.next();
            scanned = true;
        }
        if scanned && ch != EOF {
            self.unread();
        }
        ch
    }

    fn exponent(&mut self, mut ch: u32) -> u32 {
        if ch == u32::from('e') || ch == u32::from('E') {
            ch = self.next();
            if ch == u32::from('-') || ch == u32::from('+') {
                ch = self.next();
            }
            ch = self.mantissa(ch);
        }
        ch
    }
}

fn is_decimal(ch: u32) -> bool {
    (u32::from('0')..=u32::from('9')).contains(&ch)
}
