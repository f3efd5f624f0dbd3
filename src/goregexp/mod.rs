//! Whether Go's `regexp.Compile` refuses a pattern, and its error text
//! (`error parsing regexp: <code>: `<expr>``), for the `regexp` operator of
//! constraints and affinities, which `Constraint.Validate` and
//! `Affinity.Validate` compile.
//!
//! Rust's `regex` crate is not Go's dialect: it accepts `(?x)`, `a**` and
//! refuses `a{`, `x{,3}` before 1.10, all of which Go decides the other way.
//! So this walks the pattern as Go's `regexp/syntax` parser does (Perl
//! flags), keeping only what decides an error: the parse stack's shape
//! (groups, alternation bars, operands) and each operand's nested
//! repetition product (`repeatIsValid`: at most 1000 copies).
//!
//! Gaps, named: Go's size and depth limits (`expression too large`, over
//! ~3.3 MB compiled; `expression nests too deeply`, 1000 levels) are not
//! modelled; a `\p{Name}` class is judged by the `regex` crate's Unicode
//! tables, which know every name Go knows (and looser spellings Go before
//! 1.25 refuses), so only names unknown to both are refused.

use crate::version::NomadVersion;

/// Go's error text for `pattern`, or `None` when Go compiles it. `v` picks
/// the Go release Nomad `v` was built with (`(?<name>…)` from Go 1.22).
pub fn compile_error(pattern: &str, v: NomadVersion) -> Option<String> {
    let angle_names = go_1_22(v);
    Parser {
        whole: pattern,
        stack: Vec::new(),
        angle_names,
    }
    .parse()
    .err()
    .map(|(code, expr)| format!("error parsing regexp: {code}: `{expr}`"))
}

/// Nomad releases built with Go 1.22 or later (`.go-version` at each tag).
fn go_1_22(v: NomadVersion) -> bool {
    v.at_least(1, 8, 0)
        || (v.at_least(1, 7, 6) && !v.at_least(1, 8, 0))
        || (v.at_least(1, 6, 9) && !v.at_least(1, 7, 0))
        || (v.at_least(1, 5, 16) && !v.at_least(1, 6, 0))
}

type Fail<'a> = (&'static str, &'a str);

const MISSING_ARG: &str = "missing argument to repetition operator";
const REPEAT_OP: &str = "invalid nested repetition operator";
const REPEAT_SIZE: &str = "invalid repeat count";
const BAD_ESCAPE: &str = "invalid escape sequence";
const BAD_RANGE: &str = "invalid character class range";
const MAX_REPEAT: u64 = 1000;

/// One parse-stack entry: an operand with the largest product of nested
/// counted repetitions along any path inside it, or a pseudo-operator.
#[derive(Clone, Copy, PartialEq)]
enum Item {
    Operand(u64),
    LeftParen,
    Bar,
}

struct Parser<'a> {
    whole: &'a str,
    stack: Vec<Item>,
    angle_names: bool,
}

impl<'a> Parser<'a> {
    fn parse(mut self) -> Result<(), Fail<'a>> {
        let mut t = self.whole;
        let mut last_repeat: &'a str = "";
        while let Some(c) = t.chars().next() {
            let mut repeat: &'a str = "";
            match c {
                '(' if t.as_bytes().get(1) == Some(&b'?') => t = self.perl_flags(t)?,
                '(' => {
                    self.stack.push(Item::LeftParen);
                    t = &t[1..];
                }
                '|' => {
                    self.concat();
                    if !self.swap_bar() {
                        self.stack.push(Item::Bar);
                    }
                    t = &t[1..];
                }
                ')' => {
                    self.right_paren()?;
                    t = &t[1..];
                }
                '[' => t = self.class(t)?,
                '*' | '+' | '?' => {
                    let before = t;
                    t = self.repeat(None, before, &t[1..], last_repeat)?;
                    repeat = before;
                }
                '{' => match repeat_counts(t) {
                    None => {
                        self.operand(1);
                        t = &t[1..];
                    }
                    Some((min, max, after)) => {
                        let before = t;
                        let bad = min < 0
                            || min > MAX_REPEAT as i64
                            || max > MAX_REPEAT as i64
                            || (max >= 0 && min > max);
                        if bad {
                            return Err((REPEAT_SIZE, cut(before, after)));
                        }
                        // The count that bounds copies: max, or min when open.
                        let m = if max == -1 { min } else { max } as u64;
                        let counted = (min >= 2 || max >= 2).then_some(m);
                        t = self.repeat(Some((m, counted)), before, after, last_repeat)?;
                        repeat = before;
                    }
                },
                '\\' => t = self.escape_at_top(t)?,
                _ => {
                    self.operand(1);
                    t = &t[c.len_utf8()..];
                }
            }
            last_repeat = repeat;
        }
        self.concat();
        if self.swap_bar() {
            self.stack.pop();
        }
        self.alternate();
        if self.stack.len() != 1 {
            return Err(("missing closing )", self.whole));
        }
        Ok(())
    }

    fn operand(&mut self, product: u64) {
        self.stack.push(Item::Operand(product));
    }

    /// The operands above the topmost pseudo-operator become one.
    fn collapse(&mut self) -> Option<u64> {
        let mut product = None;
        while let Some(Item::Operand(p)) = self.stack.last().copied() {
            self.stack.pop();
            product = Some(product.unwrap_or(1).max(p));
        }
        product
    }

    fn concat(&mut self) {
        let p = self.collapse().unwrap_or(1);
        self.operand(p);
    }

    fn alternate(&mut self) {
        let p = self.collapse().unwrap_or(1);
        self.operand(p);
    }

    /// Go's `swapVerticalBar`: keep the bar on top of its group's operands.
    fn swap_bar(&mut self) -> bool {
        let n = self.stack.len();
        if n >= 2 && self.stack[n - 2] == Item::Bar {
            self.stack.swap(n - 2, n - 1);
            return true;
        }
        false
    }

    fn right_paren(&mut self) -> Result<(), Fail<'a>> {
        self.concat();
        if self.swap_bar() {
            self.stack.pop();
        }
        self.alternate();
        let unexpected = ("unexpected )", self.whole);
        let (Some(Item::Operand(p)), Some(Item::LeftParen)) = (self.stack.pop(), self.stack.pop())
        else {
            return Err(unexpected);
        };
        self.operand(p);
        Ok(())
    }

    /// `*`, `+`, `?` (`count` None) or `{n,m}` (the bounding count, and
    /// whether Go checks nested products: only when min or max ≥ 2).
    fn repeat(
        &mut self,
        count: Option<(u64, Option<u64>)>,
        before: &'a str,
        mut after: &'a str,
        last_repeat: &'a str,
    ) -> Result<&'a str, Fail<'a>> {
        if let Some(rest) = after.strip_prefix('?') {
            after = rest;
        }
        if !last_repeat.is_empty() {
            return Err((REPEAT_OP, cut(last_repeat, after)));
        }
        let Some(Item::Operand(sub)) = self.stack.last().copied() else {
            return Err((MISSING_ARG, cut(before, after)));
        };
        let product = match count {
            None => sub,
            // `x{0}` drops its operand from every product.
            Some((0, _)) => 1,
            Some((m, checked)) => {
                let product = m.saturating_mul(sub);
                if checked.is_some() && product > MAX_REPEAT {
                    return Err((REPEAT_SIZE, cut(before, after)));
                }
                product
            }
        };
        if let Some(top) = self.stack.last_mut() {
            *top = Item::Operand(product);
        }
        Ok(after)
    }

    /// `(?flags)`, `(?flags:`, `(?P<name>` and, from Go 1.22, `(?<name>`.
    fn perl_flags(&mut self, s: &'a str) -> Result<&'a str, Fail<'a>> {
        let b = s.as_bytes();
        let with_p = b.len() > 4 && b[2] == b'P' && b[3] == b'<';
        let with_angle = self.angle_names && b.len() > 3 && b[2] == b'<';
        if with_p || with_angle {
            let start = if with_p { 4 } else { 3 };
            let Some(end) = s.find('>') else {
                return Err(("invalid named capture", s));
            };
            let name = &s[start..end];
            let valid =
                !name.is_empty() && name.bytes().all(|c| c == b'_' || c.is_ascii_alphanumeric());
            if !valid {
                return Err(("invalid named capture", &s[..=end]));
            }
            self.stack.push(Item::LeftParen);
            return Ok(&s[end + 1..]);
        }
        let mut t = &s[2..];
        let mut negated = false;
        let mut saw_flag = false;
        while let Some(c) = t.chars().next() {
            t = &t[c.len_utf8()..];
            match c {
                'i' | 'm' | 's' | 'U' => saw_flag = true,
                '-' if !negated => {
                    negated = true;
                    saw_flag = false;
                }
                ':' | ')' if !negated || saw_flag => {
                    if c == ':' {
                        self.stack.push(Item::LeftParen);
                    }
                    return Ok(t);
                }
                _ => break,
            }
        }
        Err(("invalid or unsupported Perl syntax", cut(s, t)))
    }

    /// A backslash outside a class.
    fn escape_at_top(&mut self, t: &'a str) -> Result<&'a str, Fail<'a>> {
        match t.as_bytes().get(1) {
            Some(b'A' | b'b' | b'B' | b'z') => {
                self.operand(1);
                return Ok(&t[2..]);
            }
            Some(b'C') => return Err((BAD_ESCAPE, &t[..2])),
            Some(b'Q') => {
                let body = &t[2..];
                let (lit, rest) = match body.find("\\E") {
                    Some(i) => (&body[..i], &body[i + 2..]),
                    None => (body, ""),
                };
                for _ in lit.chars() {
                    self.operand(1);
                }
                return Ok(rest);
            }
            _ => {}
        }
        if let Some(rest) = unicode_class(t)? {
            self.operand(1);
            return Ok(rest);
        }
        if let Some(rest) = perl_class(t) {
            self.operand(1);
            return Ok(rest);
        }
        let (_, rest) = escape(t)?;
        self.operand(1);
        Ok(rest)
    }

    /// A bracketed class (`parseClass`, Perl mode: `-` anywhere).
    fn class(&mut self, s: &'a str) -> Result<&'a str, Fail<'a>> {
        let mut t = &s[1..];
        if let Some(rest) = t.strip_prefix('^') {
            t = rest;
        }
        let mut first = true;
        while t.is_empty() || !t.starts_with(']') || first {
            first = false;
            if t.len() > 2 && t.starts_with("[:") {
                if let Some(rest) = named_class(t)? {
                    t = rest;
                    continue;
                }
            }
            if let Some(rest) = unicode_class(t)? {
                t = rest;
                continue;
            }
            if let Some(rest) = perl_class(t) {
                t = rest;
                continue;
            }
            let range = t;
            let (lo, rest) = class_char(t, s)?;
            t = rest;
            if t.len() >= 2 && t.starts_with('-') && !t[1..].starts_with(']') {
                let (hi, rest) = class_char(&t[1..], s)?;
                t = rest;
                if hi < lo {
                    return Err((BAD_RANGE, cut(range, t)));
                }
            }
        }
        self.operand(1);
        Ok(&t[1..])
    }
}

/// `before` up to where `after` starts (`before[:len(before)-len(after)]`).
fn cut<'a>(before: &'a str, after: &str) -> &'a str {
    &before[..before.len() - after.len()]
}

/// `{min}`, `{min,}` (max -1) or `{min,max}`; a count past 10^8 is -1.
/// `None` when the text is not of that form (then `{` is a literal).
fn repeat_counts(s: &str) -> Option<(i64, i64, &str)> {
    let s = s.strip_prefix('{')?;
    let (min, s) = int(s)?;
    let (min, max, s) = if let Some(s) = s.strip_prefix(',') {
        if let Some(rest) = s.strip_prefix('}') {
            return Some((min, -1, rest));
        }
        let (max, s) = int(s)?;
        (if max < 0 { -1 } else { min }, max, s)
    } else {
        (min, min, s)
    };
    Some((min, max, s.strip_prefix('}')?))
}

/// A decimal without leading zeros (`parseInt`); -1 when it passes 10^8.
fn int(s: &str) -> Option<(i64, &str)> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || (digits >= 2 && s.starts_with('0')) {
        return None;
    }
    let mut n: i64 = 0;
    for b in s[..digits].bytes() {
        if n >= 100_000_000 {
            n = -1;
            break;
        }
        n = n * 10 + i64::from(b - b'0');
    }
    Some((n, &s[digits..]))
}

/// `\d`, `\D`, `\s`, `\S`, `\w`, `\W`.
fn perl_class(s: &str) -> Option<&str> {
    let b = s.as_bytes();
    (b.len() >= 2 && b[0] == b'\\' && b"dDsSwW".contains(&b[1])).then(|| &s[2..])
}

/// `[:alpha:]` and its kin (`[:^alpha:]` negated); `None` when there is no
/// closing `:]`, so the `[` is an ordinary character.
fn named_class(s: &str) -> Result<Option<&str>, Fail<'_>> {
    const NAMES: &[&str] = &[
        "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct",
        "space", "upper", "word", "xdigit",
    ];
    let Some(i) = s[2..].find(":]") else {
        return Ok(None);
    };
    let name = &s[..i + 4];
    let bare = &name[2..name.len() - 2];
    let bare = bare.strip_prefix('^').unwrap_or(bare);
    if NAMES.contains(&bare) {
        Ok(Some(&s[i + 4..]))
    } else {
        Err((BAD_RANGE, name))
    }
}

/// `\pL`, `\p{Greek}`, `\P{^Lu}`: `None` when `s` is not one.
fn unicode_class(s: &str) -> Result<Option<&str>, Fail<'_>> {
    let b = s.as_bytes();
    if b.len() < 2 || b[0] != b'\\' || (b[1] != b'p' && b[1] != b'P') {
        return Ok(None);
    }
    let t = &s[2..];
    let (seq, name, rest) = match t.chars().next() {
        Some('{') => {
            let Some(end) = s.find('}') else {
                return Err((BAD_RANGE, s));
            };
            (&s[..=end], &s[3..end], &s[end + 1..])
        }
        Some(c) => {
            let seq = &s[..2 + c.len_utf8()];
            (seq, &seq[2..], &s[seq.len()..])
        }
        None => (s, "", ""),
    };
    let name = name.strip_prefix('^').unwrap_or(name);
    if unicode_name_known(name) {
        Ok(Some(rest))
    } else {
        Err((BAD_RANGE, seq))
    }
}

/// Is `name` a Unicode category or script? The `regex` crate's tables are
/// the oracle (see the module note); control characters and braces never
/// name a table.
fn unicode_name_known(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ' '))
        && regex::Regex::new(&format!(r"\p{{{name}}}")).is_ok()
}

/// A class member: an escape or one character; running out of pattern is
/// `missing closing ]` over the whole class.
fn class_char<'a>(t: &'a str, class: &'a str) -> Result<(u32, &'a str), Fail<'a>> {
    match t.chars().next() {
        None => Err(("missing closing ]", class)),
        Some('\\') => escape(t),
        Some(c) => Ok((c as u32, &t[c.len_utf8()..])),
    }
}

/// An ordinary escape (`parseEscape`): punctuation, octal, `\x..`,
/// `\x{...}`, and the C escapes; the rune it stands for.
fn escape(s: &str) -> Result<(u32, &str), Fail<'_>> {
    let t = &s[1..];
    let Some(c) = t.chars().next() else {
        return Err(("trailing backslash at end of expression", ""));
    };
    let mut t = &t[c.len_utf8()..];
    let bad = |t: &str| (BAD_ESCAPE, cut(s, t));
    let octal = |b: Option<&u8>| matches!(b, Some(b'0'..=b'7'));
    match c {
        c if c.is_ascii() && !c.is_ascii_alphanumeric() => return Ok((c as u32, t)),
        '1'..='7' if !octal(t.as_bytes().first()) => {}
        '0'..='7' => {
            let mut r = c as u32 - '0' as u32;
            for _ in 1..3 {
                if !octal(t.as_bytes().first()) {
                    break;
                }
                r = r * 8 + u32::from(t.as_bytes()[0] - b'0');
                t = &t[1..];
            }
            return Ok((r, t));
        }
        'x' => return hex_escape(s, t),
        'a' => return Ok((7, t)),
        'f' => return Ok((12, t)),
        'n' => return Ok((10, t)),
        'r' => return Ok((13, t)),
        't' => return Ok((9, t)),
        'v' => return Ok((11, t)),
        _ => {}
    }
    Err(bad(t))
}

/// `\xHH` or `\x{H...}` (at least one digit, at most U+10FFFF).
fn hex_escape<'a>(s: &'a str, mut t: &'a str) -> Result<(u32, &'a str), Fail<'a>> {
    let bad = |t: &str| (BAD_ESCAPE, cut(s, t));
    let Some(c) = t.chars().next() else {
        return Err(bad(t));
    };
    t = &t[c.len_utf8()..];
    if c == '{' {
        let mut r: u32 = 0;
        let mut digits = 0;
        loop {
            let Some(c) = t.chars().next() else {
                return Err(bad(t));
            };
            t = &t[c.len_utf8()..];
            if c == '}' {
                break;
            }
            let Some(v) = c.to_digit(16) else {
                return Err(bad(t));
            };
            r = r * 16 + v;
            if r > 0x10FFFF {
                return Err(bad(t));
            }
            digits += 1;
        }
        return if digits == 0 { Err(bad(t)) } else { Ok((r, t)) };
    }
    let x = c.to_digit(16);
    let y = t.chars().next();
    if let Some(y) = y {
        t = &t[y.len_utf8()..];
    }
    match (x, y.and_then(|y| y.to_digit(16))) {
        (Some(x), Some(y)) => Ok((x * 16 + y, t)),
        _ => Err(bad(t)),
    }
}

#[cfg(test)]
mod tests;
