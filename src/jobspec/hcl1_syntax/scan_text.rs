//! The scanner's text tokens: heredocs, quoted strings with their escapes
//! and `${}` nesting, and comments (hcl/scanner/scanner.go scanHeredoc,
//! scanString, scanEscape, scanDigits and scanComment), each with the
//! error it reports and where its position is left.

use super::scan::{Scanner, EOF};
use super::Era;

impl Scanner<'_> {
    pub(super) fn heredoc(&mut self) {
        if self.next() != u32::from('<') {
            self.err("heredoc expected second '<', didn't see it");
            return;
        }
        let anchor_start = self.pos.offset;
        let mut ch = self.next();
        if ch == u32::from('-') {
            ch = self.next();
        }
        while self.letter(ch) || self.digit(ch) {
            ch = self.next();
        }
        if ch == EOF {
            self.err("heredoc not terminated");
            return;
        }
        if ch == u32::from('\r') && self.peek() == u32::from('\n') {
            ch = self.next();
        }
        if ch != u32::from('\n') {
            self.err("invalid characters in heredoc anchor");
            return;
        }
        let src = self.src;
        let ident = src
            .get(anchor_start..self.pos.offset.saturating_sub(self.last_char_len))
            .unwrap_or(&[]);
        if ident.is_empty() || (self.era == Era::New && ident == b"-") {
            self.err("zero-length heredoc anchor");
            return;
        }
        let anchor = ident.strip_prefix(b"-").unwrap_or(ident);
        let mut line_start = self.pos.offset;
        loop {
            self.skip(|_| true);
            let ch = self.next();
            if ch == u32::from('\n') {
                let end = self.pos.offset.saturating_sub(self.last_char_len);
                let line = src.get(line_start..end).unwrap_or(&[]);
                if line.len() >= ident.len() && self.ends_heredoc(line, anchor) {
                    return;
                }
                line_start = self.pos.offset;
            }
            if ch == EOF {
                self.err("heredoc not terminated");
                return;
            }
        }
    }

    /// The anchor's regexp: `^[[:space:]]*A\r*\z` from 0.11 (hcl 914dc3f),
    /// before it `[[:space:]]*A\z`, unanchored: any line ending in it.
    fn ends_heredoc(&self, line: &[u8], anchor: &[u8]) -> bool {
        match self.era {
            Era::Old => line.ends_with(anchor),
            Era::New => {
                let mut body = line;
                while let [rest @ .., b'\r'] = body {
                    body = rest;
                }
                body.strip_suffix(anchor).is_some_and(|lead| {
                    lead.iter()
                        .all(|b| matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r'))
                })
            }
        }
    }

    pub(super) fn string(&mut self) {
        let mut braces = 0usize;
        loop {
            // What the checks below pass over without a change.
            self.skip(|b| !matches!(b, b'"' | b'$' | b'{' | b'}' | b'\\'));
            let ch = self.next();
            let newline_ends = self.era == Era::New && ch == u32::from('\n') && braces == 0;
            if newline_ends || ch == EOF {
                self.err("literal not terminated");
                return;
            }
            if ch == u32::from('"') && braces == 0 {
                return;
            }
            if braces == 0 && ch == u32::from('$') && self.peek() == u32::from('{') {
                braces += 1;
                self.next();
            } else if braces > 0 && ch == u32::from('{') {
                braces += 1;
            }
            if braces > 0 && ch == u32::from('}') {
                braces -= 1;
            }
            if ch == u32::from('\\') {
                self.escape();
            }
        }
    }

    fn escape(&mut self) {
        let ch = self.next();
        match char::from_u32(ch).unwrap_or('\u{fffd}') {
            'a' | 'b' | 'f' | 'n' | 'r' | 't' | 'v' | '\\' | '"' => {}
            '0'..='7' => self.digits(ch, 8, 3),
            'x' => {
                let ch = self.next();
                self.digits(ch, 16, 2)
            }
            'u' => {
                let ch = self.next();
                self.digits(ch, 16, 4)
            }
            'U' => {
                let ch = self.next();
                self.digits(ch, 16, 8)
            }
            _ => self.err("illegal char escape"),
        }
    }

    fn digits(&mut self, mut ch: u32, base: u32, mut n: usize) {
        let start = n;
        while n > 0
            && char::from_u32(ch)
                .and_then(|c| c.to_digit(16))
                .is_some_and(|d| d < base)
        {
            ch = self.next();
            if ch == EOF {
                break;
            }
            n -= 1;
        }
        if n > 0 {
            self.err("illegal char escape");
        }
        // The old scanner puts back even the end of the text (a panic).
        if n != start && (ch != EOF || self.era == Era::Old) {
            self.unread();
        }
    }

    pub(super) fn comment(&mut self, ch: u32) {
        let slash = u32::from('/');
        if ch == u32::from('#') || (ch == slash && self.peek() != u32::from('*')) {
            if ch == slash && self.peek() != slash {
                self.err("expected '/' for comment");
                return;
            }
            let mut ch = self.next();
            while ch != u32::from('\n') && ch != EOF {
                self.skip(|_| true);
                ch = self.next();
            }
            if ch != EOF {
                self.unread();
            }
            return;
        }
        let mut ch = ch;
        if ch == slash {
            self.next();
            ch = self.next();
        }
        loop {
            if ch == EOF {
                self.err("comment not terminated");
                return;
            }
            let before = ch;
            ch = self.next();
            if before == u32::from('*') && ch == slash {
                return;
            }
        }
    }
}
