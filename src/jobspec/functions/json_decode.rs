//! `jsondecode(str)` as go-cty reads a document: cty/json's ImpliedType
//! walks encoding/json's Decoder token by token (Token, and Decode for
//! each scalar), so a syntax error is the Decoder's own text:
//! - a character no token may start where it stands: `invalid character
//!   'x'` and the Decoder's state (`looking for beginning of value`,
//!   `after array element`, `after object key`, `after object key:value
//!   pair`, `looking for beginning of object key string`; nothing after an
//!   object's `{`);
//! - inside a scalar, the scanner's (`in string literal`, `in numeric
//!   literal`, `in literal true (expecting 'r')`...);
//! - the text ends before a token starts: `EOF`; inside one: `unexpected
//!   EOF`.
//!
//! After the first value, anything but space, `]` or `}` is `extraneous
//! data after JSON object` (Decoder.More). From go-cty 1.16.2 a property
//! repeated with a value of another type is refused; before, the last one
//! wins where cty/json's Unmarshal converts the earlier ones to its type.
//! SyntaxError.Error() carries no offset. Checked against Go 1.19 to 1.23
//! (tests/hcl-oracle, `fn_jsondecode_*`): encoding/json's stream.go and
//! scanner.go have the same texts in every Go Nomad 1.0 to 2.0 was built
//! with.

use std::collections::BTreeMap;

use crate::jobspec::model::Value;
use crate::version::NomadVersion;

/// The decoder's place in the token stream (encoding/json stream.go).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum State {
    TopValue,
    ArrayStart,
    ArrayValue,
    ArrayComma,
    ObjectStart,
    ObjectKey,
    ObjectColon,
    ObjectValue,
    ObjectComma,
}

enum Tok {
    Open(u8),
    Close(u8),
    Key(String),
    Str(String),
    Num(String),
    Bool(bool),
    Null,
}

/// A value's cty type as ImpliedType gives it (null: DynamicPseudoType).
#[derive(Clone, PartialEq, Debug)]
enum Ty {
    Bool,
    Number,
    String,
    Dynamic,
    Object(BTreeMap<String, Ty>),
    Tuple(Vec<Ty>),
}

impl Ty {
    fn primitive(&self) -> bool {
        matches!(self, Ty::Bool | Ty::Number | Ty::String)
    }
}

/// The document's value under go-cty release `cty`, or go-cty's error
/// text. A number beyond 64-bit floats (cty's are arbitrary precision) is
/// not told.
pub fn decode(src: &str, cty: NomadVersion) -> Result<Value, String> {
    let mut d = Decoder {
        b: src.as_bytes(),
        p: 0,
        state: State::TopValue,
        stack: Vec::new(),
        refuse_retyped: cty.at_least(1, 16, 2),
    };
    let tok = d.token()?;
    let (v, _) = d.value(tok)?;
    if d.more() {
        return Err("extraneous data after JSON object".into());
    }
    Ok(v)
}

struct Decoder<'a> {
    b: &'a [u8],
    p: usize,
    state: State,
    stack: Vec<State>,
    refuse_retyped: bool,
}

impl Decoder<'_> {
    /// The next non-space byte, not consumed; `EOF` at the end.
    fn peek(&mut self) -> Result<u8, String> {
        while let Some(&c) = self.b.get(self.p) {
            if !matches!(c, b' ' | b'\t' | b'\r' | b'\n') {
                return Ok(c);
            }
            self.p += 1;
        }
        Err("EOF".into())
    }

    /// Decoder.More: another element follows in the current array or
    /// object (at the top: any byte but `]` and `}`).
    fn more(&mut self) -> bool {
        self.peek().is_ok_and(|c| c != b']' && c != b'}')
    }

    fn value_allowed(&self) -> bool {
        matches!(
            self.state,
            State::TopValue | State::ArrayStart | State::ArrayValue | State::ObjectValue
        )
    }

    fn value_end(&mut self) {
        self.state = match self.state {
            State::ArrayStart | State::ArrayValue => State::ArrayComma,
            State::ObjectValue => State::ObjectComma,
            s => s,
        };
    }

    /// Decoder.tokenError: the byte and the state it came in.
    fn token_error(&self, c: u8) -> String {
        let context = match self.state {
            State::TopValue | State::ArrayStart | State::ArrayValue | State::ObjectValue => {
                " looking for beginning of value"
            }
            State::ArrayComma => " after array element",
            State::ObjectKey => " looking for beginning of object key string",
            State::ObjectColon => " after object key",
            State::ObjectComma => " after object key:value pair",
            State::ObjectStart => "",
        };
        format!("invalid character {}{context}", quote_char(c))
    }

    /// Decoder.Token.
    fn token(&mut self) -> Result<Tok, String> {
        loop {
            let c = self.peek()?;
            match c {
                b'[' | b'{' => {
                    if !self.value_allowed() {
                        return Err(self.token_error(c));
                    }
                    self.p += 1;
                    self.stack.push(self.state);
                    // encoding/json's Token keeps no depth limit and Go's
                    // stack grows to 1 GB, so Nomad reads what we refuse
                    // here (a budget refusal: "cannot tell"); the walks of
                    // a value past it would overflow ours.
                    crate::jobspec::budget::refuse_depth(self.stack.len())?;
                    self.state = if c == b'[' {
                        State::ArrayStart
                    } else {
                        State::ObjectStart
                    };
                    return Ok(Tok::Open(c));
                }
                b']' | b'}' => {
                    let (start, comma) = if c == b']' {
                        (State::ArrayStart, State::ArrayComma)
                    } else {
                        (State::ObjectStart, State::ObjectComma)
                    };
                    if self.state != start && self.state != comma {
                        return Err(self.token_error(c));
                    }
                    self.p += 1;
                    self.state = self.stack.pop().unwrap_or(State::TopValue);
                    self.value_end();
                    return Ok(Tok::Close(c));
                }
                b':' => {
                    if self.state != State::ObjectColon {
                        return Err(self.token_error(c));
                    }
                    self.p += 1;
                    self.state = State::ObjectValue;
                }
                b',' => {
                    self.state = match self.state {
                        State::ArrayComma => State::ArrayValue,
                        State::ObjectComma => State::ObjectKey,
                        _ => return Err(self.token_error(c)),
                    };
                    self.p += 1;
                }
                b'"' if matches!(self.state, State::ObjectStart | State::ObjectKey) => {
                    let Tok::Str(key) = self.scalar()? else {
                        return Err(self.token_error(c));
                    };
                    self.state = State::ObjectColon;
                    return Ok(Tok::Key(key));
                }
                _ => {
                    if !self.value_allowed() {
                        return Err(self.token_error(c));
                    }
                    let t = self.scalar()?;
                    self.value_end();
                    return Ok(t);
                }
            }
        }
    }

    /// ImpliedType and Unmarshal together: the value a token starts.
    fn value(&mut self, tok: Tok) -> Result<(Value, Ty), String> {
        Ok(match tok {
            Tok::Null => (Value::Null, Ty::Dynamic),
            Tok::Bool(b) => (Value::Bool(b), Ty::Bool),
            Tok::Str(s) => (Value::String(s), Ty::String),
            Tok::Num(text) => {
                let x: f64 = text.parse().unwrap_or(f64::INFINITY);
                // go-cty's ParseNumberVal, 512 bits (cty_number.rs).
                if !crate::jobspec::cty_number::is_faithful(&text, x) {
                    let what = format!(
                        "the JSON number {}",
                        crate::jobspec::cty_number::shown(&text)
                    );
                    return Err(crate::jobspec::cty_number::reason_unversioned(&what));
                }
                (Value::Number(x), Ty::Number)
            }
            Tok::Open(b'[') => {
                let (mut vals, mut tys) = (Vec::new(), Vec::new());
                loop {
                    match self.token()? {
                        Tok::Close(b']') => break,
                        t => {
                            let (v, ty) = self.value(t)?;
                            vals.push(v);
                            tys.push(ty);
                        }
                    }
                }
                (Value::List(vals), Ty::Tuple(tys))
            }
            Tok::Open(_) => {
                let (mut vals, mut tys) = (BTreeMap::new(), BTreeMap::new());
                // After `{` or `,` the Decoder gives a key or `}`.
                while let Tok::Key(key) = self.token()? {
                    let t = self.token()?;
                    let (v, ty) = self.value(t)?;
                    if let Some(old) = tys.get(&key) {
                        self.retyped(&key, old, &ty)?;
                    }
                    vals.insert(key.clone(), v);
                    tys.insert(key, ty);
                }
                (Value::Map(vals), Ty::Object(tys))
            }
            // The Decoder never gives a closing delimiter or a key where a
            // value starts.
            Tok::Close(c) => return Err(format!("unexpected token {:?}", char::from(c))),
            Tok::Key(k) => return Err(format!("unexpected key {k:?}")),
        })
    }

    /// A property given again with a value of another type.
    fn retyped(&self, key: &str, old: &Ty, new: &Ty) -> Result<(), String> {
        if old == new {
            return Ok(());
        }
        if self.refuse_retyped {
            return Err(format!(
                "duplicate {} property in JSON object",
                crate::gotext::go_quote(key)
            ));
        }
        // The last type wins and Unmarshal converts the earlier value to
        // it: a null or a primitive to a string always converts; other
        // conversions are not modelled.
        if *old == Ty::Dynamic || (*new == Ty::String && old.primitive()) {
            return Ok(());
        }
        Err(format!("cannot tell: go-cty before 1.16.2 converts the earlier {key:?} of this JSON object to the last one's type, which nomad-preflight does not model"))
    }

    /// Decoder.Decode of one scalar (readValue's scanner), from `self.p`.
    fn scalar(&mut self) -> Result<Tok, String> {
        let start = self.p;
        let c = self.b[start];
        let eof = || "unexpected EOF".to_string();
        let bad = |c: u8, context: &str| format!("invalid character {} {context}", quote_char(c));
        match c {
            b'"' => {
                let mut i = start + 1;
                loop {
                    let Some(&c) = self.b.get(i) else {
                        return Err(eof());
                    };
                    match c {
                        b'"' => break,
                        b'\\' => {
                            let Some(&e) = self.b.get(i + 1) else {
                                return Err(eof());
                            };
                            match e {
                                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => i += 2,
                                b'u' => {
                                    for k in 0..4 {
                                        let Some(&h) = self.b.get(i + 2 + k) else {
                                            return Err(eof());
                                        };
                                        if !h.is_ascii_hexdigit() {
                                            return Err(bad(
                                                h,
                                                "in \\u hexadecimal character escape",
                                            ));
                                        }
                                    }
                                    i += 6;
                                }
                                _ => return Err(bad(e, "in string escape code")),
                            }
                        }
                        c if c < 0x20 => return Err(bad(c, "in string literal")),
                        _ => i += 1,
                    }
                }
                self.p = i + 1;
                Ok(Tok::Str(unquote(&self.b[start + 1..i])))
            }
            b't' | b'f' | b'n' => {
                let (word, tok): (&[u8], Tok) = match c {
                    b't' => (b"true", Tok::Bool(true)),
                    b'f' => (b"false", Tok::Bool(false)),
                    _ => (b"null", Tok::Null),
                };
                for (k, &want) in word.iter().enumerate().skip(1) {
                    let Some(&got) = self.b.get(start + k) else {
                        return Err(eof());
                    };
                    if got != want {
                        let name = std::str::from_utf8(word).unwrap_or("");
                        return Err(bad(
                            got,
                            &format!("in literal {name} (expecting {})", quote_char(want)),
                        ));
                    }
                }
                self.p = start + word.len();
                Ok(tok)
            }
            b'-' | b'0'..=b'9' => {
                let end = number_end(self.b, start).map_err(|(at, context)| match at {
                    Some(c) => bad(c, context),
                    None => eof(),
                })?;
                self.p = end;
                Ok(Tok::Num(
                    String::from_utf8_lossy(&self.b[start..end]).into_owned(),
                ))
            }
            _ => Err(bad(c, "looking for beginning of value")),
        }
    }
}

/// Where the number starting at `start` ends (the scanner's number
/// states), or the byte it cannot take (None: the text ended) and why.
fn number_end(b: &[u8], start: usize) -> Result<usize, (Option<u8>, &'static str)> {
    let at = |i: usize| b.get(i).copied();
    let digits = |mut i: usize| {
        while at(i).is_some_and(|c| c.is_ascii_digit()) {
            i += 1;
        }
        i
    };
    let mut i = start;
    if at(i) == Some(b'-') {
        i += 1;
    }
    match at(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => i = digits(i + 1),
        other => return Err((other, "in numeric literal")),
    }
    if at(i) == Some(b'.') {
        match at(i + 1) {
            Some(c) if c.is_ascii_digit() => i = digits(i + 1),
            other => return Err((other, "after decimal point in numeric literal")),
        }
    }
    if matches!(at(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(at(i), Some(b'+' | b'-')) {
            i += 1;
        }
        match at(i) {
            Some(c) if c.is_ascii_digit() => i = digits(i),
            other => return Err((other, "in exponent of numeric literal")),
        }
    }
    Ok(i)
}

/// encoding/json's unquote of a scanned string's bytes: escapes read, a
/// lone or broken UTF-16 surrogate is U+FFFD.
fn unquote(s: &[u8]) -> String {
    let text = String::from_utf8_lossy(s);
    let mut out = String::with_capacity(text.len());
    let mut it = text.chars().peekable();
    let hex4 = |it: &mut std::iter::Peekable<std::str::Chars<'_>>| -> u32 {
        (0..4).fold(0, |acc, _| {
            acc * 16 + it.next().and_then(|c| c.to_digit(16)).unwrap_or(0)
        })
    };
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let hi = hex4(&mut it);
                if !(0xD800..0xE000).contains(&hi) {
                    out.push(char::from_u32(hi).unwrap_or('\u{FFFD}'));
                    continue;
                }
                // A pair only where a low surrogate's escape follows.
                let rest: String = it.clone().take(6).collect();
                let lo = rest
                    .strip_prefix("\\u")
                    .filter(|h| h.len() == 4)
                    .and_then(|h| u32::from_str_radix(h, 16).ok());
                match lo {
                    Some(lo)
                        if (0xD800..0xDC00).contains(&hi) && (0xDC00..0xE000).contains(&lo) =>
                    {
                        let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                        out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
                        for _ in 0..6 {
                            it.next();
                        }
                    }
                    _ => out.push('\u{FFFD}'),
                }
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

/// encoding/json's quoteChar: `'\''`, `'"'`, else the byte as a rune in
/// strconv.Quote's escapes between single quotes.
fn quote_char(c: u8) -> String {
    match c {
        b'\'' => "'\\''".to_string(),
        b'"' => "'\"'".to_string(),
        _ => {
            let q = crate::gotext::go_quote(&char::from(c).to_string());
            format!("'{}'", &q[1..q.len() - 1])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // go-cty releases (Nomad 2.0.1 and 1.6.0 pin these).
    const NEW: NomadVersion = NomadVersion::new(1, 18, 1);
    const OLD: NomadVersion = NomadVersion::new(1, 12, 1);

    #[test]
    fn values_as_cty_reads_them() {
        assert_eq!(decode(" 1] ", NEW), Ok(Value::Number(1.0)));
        assert_eq!(
            decode(r#"{"a":[true,null,"\u00e9\ud83d\ude00\ud800x"]}"#, NEW),
            Ok(Value::Map(BTreeMap::from([(
                "a".to_string(),
                Value::List(vec![
                    Value::Bool(true),
                    Value::Null,
                    Value::String("é😀\u{FFFD}x".into())
                ])
            )])))
        );
    }

    #[test]
    fn syntax_errors_in_the_decoders_words() {
        let e = |s: &str| decode(s, NEW).unwrap_err();
        assert_eq!(e("{1:2}"), "invalid character '1'");
        assert_eq!(e("[1 2]"), "invalid character '2' after array element");
        assert_eq!(
            e("é"),
            "invalid character 'Ã' looking for beginning of value"
        );
        // Guard: encoding/json skips no byte order mark; its first byte
        // (0xEF) is quoted as the rune of that value (scanner.go quoteChar).
        assert_eq!(
            e("\u{feff}{}"),
            "invalid character 'ï' looking for beginning of value"
        );
        assert_eq!(
            e("\u{1}"),
            "invalid character '\\x01' looking for beginning of value"
        );
        assert_eq!(e("-"), "unexpected EOF");
        assert_eq!(e("[1,2"), "EOF");
        assert_eq!(
            e("1.e"),
            "invalid character 'e' after decimal point in numeric literal"
        );
        assert_eq!(e("01"), "extraneous data after JSON object");
        assert!(e("1e400").starts_with("cannot tell"));
    }

    #[test]
    fn a_document_past_the_depth_limit_is_refused_as_it_opens() {
        use crate::jobspec::budget;
        let _e = budget::enter();
        let at = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(decode(&at(budget::MAX_DEPTH), NEW).is_ok());
        // 100,000 levels: refused at the first one past the limit, before
        // anything deeper is built (no recursion, no overflow).
        let e = decode(&at(100_000), NEW).unwrap_err();
        assert!(budget::is_depth(&e), "{e}");
        let objects = "{\"a\":".repeat(100_000);
        assert!(budget::is_depth(&decode(&objects, NEW).unwrap_err()));
    }

    #[test]
    fn a_retyped_property_is_refused_from_go_cty_1_16_2() {
        let doc = r#"{"a":1,"a":"x"}"#;
        assert_eq!(
            decode(doc, NomadVersion::new(1, 16, 2)),
            Err("duplicate \"a\" property in JSON object".into())
        );
        assert_eq!(
            decode(doc, OLD),
            Ok(Value::Map(BTreeMap::from([(
                "a".to_string(),
                Value::String("x".into())
            )])))
        );
        assert!(decode(r#"{"a":"x","a":1}"#, OLD)
            .unwrap_err()
            .starts_with("cannot tell"));
    }
}
