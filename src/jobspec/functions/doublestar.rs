//! `fileset()`'s glob language: bmatcuk/doublestar v1 (v1.1.5 up to Nomad
//! 1.11.1, v1.3.4 from 1.11.2: [`Release`]), which go-cty-funcs
//! MakeFileSetFunc calls. Not globset's: in a class only `^` negates and
//! `!` is a literal (doublestar.go matchComponent), and a malformed class
//! or brace is `ErrBadPattern` only when a name is compared against it.
//!
//! The releases read braces differently (doublestar.go at each tag):
//! v1.1.5 splits the pattern into folders first and closes a brace at its
//! first `}` (`{a,{b,c}}` is the alternatives `a`, `{b`, `c` each followed
//! by `}`); v1.3.4 matches the whole pattern against one name at a time,
//! counts nested braces (splitAlternatives) and lets an alternative span
//! folders (`{a/b,c}`), answering with what is left for the next folder.

/// Why a comparison stopped without an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Stop {
    /// doublestar's `ErrBadPattern` ("syntax error in pattern").
    Bad,
    /// Our budget of comparisons ran out: braces can make a comparison
    /// take exponentially many steps (`{,}{,}{,}…`), Nomad's too.
    Spent,
}

/// The comparisons one `fileset()` may make ([`Stop::Spent`] beyond).
pub(super) struct Budget(pub(super) usize);

impl Budget {
    fn take(&mut self) -> Result<(), Stop> {
        self.0 = self.0.checked_sub(1).ok_or(Stop::Spent)?;
        Ok(())
    }
}

/// What a name leaves of a pattern, as v1.3.4's matchComponent answers:
/// `None` for no match, an empty list for a match that ends the pattern,
/// else the rest of the pattern for each way it matched.
pub(super) type Rests = Option<Vec<Vec<u8>>>;

/// The doublestar release a Nomad release globs with (go.mod: v1.1.5 from
/// v1.2.0, and in v1.0.x-v1.1.x's go.sum and vendor/modules.txt; v1.3.4
/// from v1.11.2, with go-cty-funcs v0.1.0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Release {
    V1_1_5,
    V1_3_4,
}

impl Release {
    pub(super) fn of(v: crate::version::NomadVersion) -> Release {
        match super::params::cty_funcs_release(v) {
            super::params::CtyFuncs::V0_1_0 => Release::V1_3_4,
            super::params::CtyFuncs::Rev2721b1e => Release::V1_1_5,
        }
    }

    /// Does it sort a folder's entries (v1.3.4's doGlob `sort.Slice`)?
    /// v1.1.5 takes them in the order `Readdir` gives, the file system's.
    pub(super) fn sorts(self) -> bool {
        self == Release::V1_3_4
    }

    /// One folder's name against `pattern` (the pattern from this folder
    /// on, `/`-separated): what is left for the next folder ([`Rests`]).
    /// v1.1.5 compares only the first folder's part (split with escapes
    /// respected, splitPathOnSeparator) and leaves the rest as it is.
    pub(super) fn step(self, pattern: &[u8], name: &[u8], b: &mut Budget) -> Result<Rests, Stop> {
        match self {
            Release::V1_1_5 => {
                let (head, rest) = split_head(pattern);
                Ok(match_v115(head, name, b)?
                    .then(|| rest.map(<[u8]>::to_vec).into_iter().collect()))
            }
            Release::V1_3_4 => match_v134(pattern, name, b),
        }
    }

    /// The folders doGlob steps into without listing, and the pattern
    /// after them: v1.1.5 takes whole folders until one holds a glob
    /// character; v1.3.4 takes the text before the last `/` ahead of the
    /// first glob character (indexAnyWithEscaping, lastIndexRuneWithEscaping),
    /// or before the last `/` when it has none.
    pub(super) fn literal(self, pattern: &[u8]) -> (Vec<&[u8]>, &[u8]) {
        let cut = match self {
            Release::V1_1_5 => {
                let mut at = 0;
                let mut rest = pattern;
                loop {
                    let (head, tail) = split_head(rest);
                    match tail {
                        Some(t) if !is_glob(head) => {
                            at += head.len() + 1;
                            rest = t;
                        }
                        // The last part, literal: the whole is a path.
                        None if !is_glob(head) => break Some(pattern.len()),
                        _ => break at.checked_sub(1),
                    }
                }
            }
            Release::V1_3_4 => match index_any_escaping(pattern, b"*?[{\\") {
                Some(0) => None,
                Some(g) => last_index_escaping(&pattern[..g], b'/'),
                None => last_index_escaping(pattern, b'/'),
            },
        };
        match cut {
            Some(c) if c > 0 => {
                let rest = pattern.get(c + 1..).unwrap_or_default();
                (pattern[..c].split(|b| *b == b'/').collect(), rest)
            }
            _ => (Vec::new(), pattern),
        }
    }
}

/// doGlob's test for a `**` folder: the text before the first unescaped
/// `/` is exactly `**` (both releases; v1.1.5 on its split components).
pub(super) fn double_star(pattern: &[u8]) -> Option<Option<&[u8]>> {
    let (head, rest) = split_head(pattern);
    (head == b"**").then_some(rest)
}

/// A glob component: doublestar's `strings.IndexAny(c, "*?[{\\")`.
pub(super) fn is_glob(c: &[u8]) -> bool {
    c.iter().any(|b| b"*?[{\\".contains(b))
}

/// The text before the first unescaped `/` and what follows it.
fn split_head(p: &[u8]) -> (&[u8], Option<&[u8]>) {
    match index_escaping(p, b'/') {
        Some(i) => (&p[..i], Some(&p[i + 1..])),
        None => (p, None),
    }
}

/// indexRuneWithEscaping for an ASCII `r`: the first `r` not right after
/// a `\` (only the byte before is looked at, so `\\}` is escaped too).
fn index_escaping(s: &[u8], r: u8) -> Option<usize> {
    let end = s.iter().position(|b| *b == r)?;
    if end > 0 && s[end - 1] == b'\\' {
        return index_escaping(&s[end + 1..], r).map(|i| i + end + 1);
    }
    Some(end)
}

/// lastIndexRuneWithEscaping (v1.3.4).
fn last_index_escaping(s: &[u8], r: u8) -> Option<usize> {
    let end = s.iter().rposition(|b| *b == r)?;
    if end > 0 && s[end - 1] == b'\\' {
        return last_index_escaping(&s[..end - 1], r);
    }
    Some(end)
}

/// indexAnyWithEscaping (v1.3.4) for ASCII `chars`.
fn index_any_escaping(s: &[u8], chars: &[u8]) -> Option<usize> {
    let end = s.iter().position(|b| chars.contains(b))?;
    if end > 0 && s[end - 1] == b'\\' {
        let start = end + 1;
        return index_any_escaping(&s[start..], chars).map(|i| i + start);
    }
    Some(end)
}

/// v1.1.5's splitPathOnSeparator(s, ','): the alternatives of a brace,
/// split at each unescaped comma (a trailing one leaves an empty last).
fn split_commas(s: &[u8]) -> Vec<&[u8]> {
    if !s.contains(&b',') {
        return vec![s];
    }
    let mut out = Vec::new();
    let mut start = 0;
    let mut empty_end = false;
    while start < s.len() {
        match index_escaping(&s[start..], b',') {
            Some(e) => {
                out.push(&s[start..start + e]);
                start += e + 1;
                empty_end = true;
            }
            None => {
                out.push(&s[start..]);
                start = s.len();
                empty_end = false;
            }
        }
    }
    if empty_end {
        out.push(&[]);
    }
    out
}

/// v1.3.4's splitAlternatives on the text after a `{`: the alternatives
/// at the outer level (nested braces counted, a `\` escaping the next
/// character, both kept in the text) and the length through the closing
/// `}`; `None` when it never closes.
fn split_alternatives(s: &[u8]) -> Option<(Vec<&[u8]>, usize)> {
    let mut out = Vec::new();
    let (mut depth, mut esc, mut start, mut i) = (1usize, false, 0, 0);
    while depth > 0 {
        let b = *s.get(i)?;
        match b {
            _ if esc => esc = false,
            b'\\' => esc = true,
            b'{' => depth += 1,
            b'}' => depth -= 1,
            b',' if depth == 1 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        // Go steps by whole characters; every byte tested is ASCII, and
        // no UTF-8 continuation byte is one, so bytes step the same.
        i += 1;
    }
    out.push(&s[start..i - 1]);
    Some((out, i))
}

/// Go's `utf8.DecodeRune`: the character at the start of `b` and its
/// width; a byte that opens no valid UTF-8 sequence is U+FFFD, 1 byte.
fn decode(b: &[u8]) -> (char, usize) {
    let w = match b.first() {
        None => return (char::REPLACEMENT_CHARACTER, 0),
        Some(0..=0x7f) => 1,
        Some(0xc2..=0xdf) => 2,
        Some(0xe0..=0xef) => 3,
        Some(0xf0..=0xf4) => 4,
        Some(_) => 0,
    };
    b.get(..w)
        .and_then(|s| std::str::from_utf8(s).ok())
        .and_then(|s| s.chars().next())
        .map_or((char::REPLACEMENT_CHARACTER, 1), |c| (c, w))
}

/// What one step of matchComponent does with the pattern's next piece,
/// the same in both releases but for braces and stars.
enum Piece {
    /// The piece matched one character of the name; the pattern goes on
    /// after `width` bytes.
    One { width: usize },
    /// It did not match.
    Miss,
}

/// An escape, a class or a single character at the start of `p` against
/// the name's character `nc`: matchComponent's `\`, `[` and `?`/literal
/// branches, which neither release changed but for what they return.
fn piece(p: &[u8], nc: char) -> Result<Piece, Stop> {
    let (pc, pw) = decode(p);
    Ok(match pc {
        '\\' => {
            let (e, ew) = decode(&p[pw..]);
            if e == char::REPLACEMENT_CHARACTER {
                return Err(Stop::Bad);
            }
            if e == nc {
                Piece::One { width: pw + ew }
            } else {
                Piece::Miss
            }
        }
        '[' => {
            let body = &p[pw..];
            let end = index_escaping(body, b']').ok_or(Stop::Bad)?;
            // Go's `[]rune(...)`: each invalid byte one U+FFFD.
            let runes: Vec<char> = String::from_utf8_lossy(&body[..end]).chars().collect();
            if class(&runes, nc)? {
                Piece::One {
                    width: pw + end + 1,
                }
            } else {
                Piece::Miss
            }
        }
        c if c == '?' || c == nc => Piece::One { width: pw },
        _ => Piece::Miss,
    })
}

/// A class body as matchComponent walks it: not empty, a `^` may open it
/// (and negates; `!` is a literal), then `low` or `low-high`, `\`
/// escaping one character; a `-` where a `low` or `high` belongs is
/// malformed (`[a-]`, `[-a]`). The whole body is read whatever `c` is.
fn class(body: &[char], c: char) -> Result<bool, Stop> {
    let first = *body.first().ok_or(Stop::Bad)?;
    let negate = first == '^';
    let mut k = usize::from(negate);
    let one = |k: &mut usize| -> Result<char, Stop> {
        let ch = *body.get(*k).ok_or(Stop::Bad)?;
        *k += 1;
        if ch == '\\' {
            let e = *body.get(*k).ok_or(Stop::Bad)?;
            *k += 1;
            return Ok(e);
        }
        Ok(ch)
    };
    let mut hit = false;
    while k < body.len() {
        if body[k] == '-' {
            return Err(Stop::Bad);
        }
        let low = one(&mut k)?;
        let mut high = low;
        if body.get(k) == Some(&'-') {
            k += 1;
            if body.get(k).is_none_or(|h| *h == '-') {
                return Err(Stop::Bad);
            }
            high = one(&mut k)?;
        }
        hit |= low <= c && c <= high;
    }
    Ok(hit != negate)
}

/// v1.1.5's matchComponent: one folder's part of the pattern against one
/// name. A star steps through the name by the width of the character it
/// met (`nameAdj`, never decoded again: after `é` two bytes at a time)
/// and ignores a malformed rest; a brace closes at its first unescaped
/// `}`, its alternatives split at unescaped commas, each tried with the
/// rest of the part appended, a malformed one failing the comparison.
pub(super) fn match_v115(p: &[u8], n: &[u8], b: &mut Budget) -> Result<bool, Stop> {
    b.take()?;
    if p.is_empty() || n.is_empty() {
        return Ok(p.is_empty() && n.is_empty() || n.is_empty() && p == b"*");
    }
    let (mut pi, mut ni) = (0, 0);
    while pi < p.len() && ni < n.len() {
        let (nc, nw) = decode(&n[ni..]);
        match p[pi] {
            b'*' => {
                pi += 1;
                if pi >= p.len() {
                    return Ok(true);
                }
                while ni < n.len() {
                    match match_v115(&p[pi..], &n[ni..], b) {
                        Ok(true) => return Ok(true),
                        Err(Stop::Spent) => return Err(Stop::Spent),
                        Ok(false) | Err(Stop::Bad) => {}
                    }
                    ni += nw;
                }
                return Ok(false);
            }
            b'{' => {
                let body = &p[pi + 1..];
                let end = index_escaping(body, b'}').ok_or(Stop::Bad)?;
                let rest = &body[end + 1..];
                for o in split_commas(&body[..end]) {
                    if match_v115(&[o, rest].concat(), &n[ni..], b)? {
                        return Ok(true);
                    }
                }
                return Ok(false);
            }
            _ => match piece(&p[pi..], nc)? {
                Piece::One { width } => {
                    pi += width;
                    ni += nw;
                }
                Piece::Miss => return Ok(false),
            },
        }
    }
    // Go's `nameIdx >= nameLen && rest == "*" || rest == "**"`: with a
    // name left the pattern is spent, so `**` needs the name spent too.
    let rest = &p[pi..];
    Ok(ni >= n.len() && (rest.is_empty() || rest == b"*" || rest == b"**"))
}

/// v1.3.4's matchComponent: the whole rest of the pattern against one
/// name, answering what is left for the next folder ([`Rests`]). A `/`
/// ends the name's part; a star before a `/` matches any name; a star
/// steps by each character's own width and stops at the first split
/// that answers (a match or an error); a brace tries each alternative
/// (splitAlternatives: nested braces counted) with the rest appended and
/// answers every way it matched; a name spent early matches when the
/// pattern's part left is zero length (isZeroLengthPattern: `{,x}`).
pub(super) fn match_v134(p: &[u8], n: &[u8], b: &mut Budget) -> Result<Rests, Stop> {
    b.take()?;
    let (mut pi, mut ni) = (0, 0);
    while pi < p.len() && ni < n.len() {
        let (nc, nw) = decode(&n[ni..]);
        match p[pi] {
            // A name left when its part of the pattern ends: no match.
            b'/' => return Ok(None),
            b'*' => {
                pi += 1;
                if pi >= p.len() {
                    return Ok(Some(Vec::new()));
                }
                if p[pi] == b'/' {
                    return Ok(Some(vec![p[pi + 1..].to_vec()]));
                }
                while ni < n.len() {
                    let r = match_v134(&p[pi..], &n[ni..], b)?;
                    if r.is_some() {
                        return Ok(r);
                    }
                    ni += decode(&n[ni..]).1;
                }
                return Ok(None);
            }
            b'{' => {
                pi += 1;
                let (options, end) = split_alternatives(&p[pi..]).ok_or(Stop::Bad)?;
                let rest = &p[pi + end..];
                let mut out: Rests = None;
                for o in options {
                    if let Some(m) = match_v134(&[o, rest].concat(), &n[ni..], b)? {
                        out.get_or_insert_with(Vec::new).extend(m);
                    }
                }
                return Ok(out);
            }
            _ => match piece(&p[pi..], nc)? {
                Piece::One { width } => {
                    pi += width;
                    ni += nw;
                }
                Piece::Miss => return Ok(None),
            },
        }
    }
    if ni < n.len() {
        return Ok(None);
    }
    let rest = &p[pi..];
    if rest.is_empty() {
        return Ok(Some(Vec::new()));
    }
    let (part, after) = split_head(rest);
    Ok(zero_length(part, b)?.then(|| after.map(<[u8]>::to_vec).into_iter().collect()))
}

/// v1.3.4's isZeroLengthPattern: nothing, `*`, `**`, or a brace one of
/// whose alternatives is zero length followed by a zero-length rest.
fn zero_length(p: &[u8], b: &mut Budget) -> Result<bool, Stop> {
    b.take()?;
    if p.is_empty() || p == b"*" || p == b"**" {
        return Ok(true);
    }
    let Some(body) = p.strip_prefix(b"{") else {
        return Ok(false);
    };
    let (options, end) = split_alternatives(body).ok_or(Stop::Bad)?;
    if !zero_length(&body[end..], b)? {
        return Ok(false);
    }
    for o in options {
        if zero_length(o, b)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Most patterns a leading brace may make ([`top_alternatives`]).
const MAX_TOP: usize = 256;

/// v1.3.4's GlobOS on a pattern that opens with a brace: each alternative
/// with the rest appended is globbed as a pattern of its own, again split
/// when it opens with a brace. `Err(Bad)` for one that never closes,
/// `Err(Spent)` past [`MAX_TOP`] patterns; empty patterns list nothing.
pub(super) fn top_alternatives(p: &[u8]) -> Result<Vec<Vec<u8>>, Stop> {
    let mut out = Vec::new();
    let mut todo = vec![p.to_vec()];
    while let Some(p) = todo.pop() {
        let Some(body) = p.strip_prefix(b"{") else {
            if !p.is_empty() {
                out.push(p);
            }
            continue;
        };
        let (options, end) = split_alternatives(body).ok_or(Stop::Bad)?;
        // Pushed last first: taken in Go's order.
        for o in options.iter().rev() {
            todo.push([o, &body[end..]].concat());
        }
        if out.len() + todo.len() > MAX_TOP {
            return Err(Stop::Spent);
        }
    }
    Ok(out)
}
