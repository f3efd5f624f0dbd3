//! `fileset()`'s glob language: bmatcuk/doublestar v1 (v1.1.5 up to Nomad
//! 1.11.1, v1.3.4 from 1.11.2: [`Release`]), which go-cty-funcs
//! MakeFileSetFunc calls. Not globset's: in a class only `^` negates and
//! `!` is a literal (doublestar.go matchComponent), and a malformed class
//! or brace is `ErrBadPattern` only when a name is compared against it.

/// What a pattern is, before any name is compared against it.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Syntax {
    /// Every part of it is read the same by each doublestar release.
    Valid,
    /// doublestar's `ErrBadPattern` ("syntax error in pattern"), met at
    /// the first character of the component where `leading` is true: any
    /// name compared against that component meets it.
    Bad { component: usize, leading: bool },
    /// Syntax the releases read differently (nested braces: v1.1.5 cuts
    /// at the first `}`, v1.3.4 splits alternatives; a class or escape
    /// inside braces, whose end v1.1.5 finds before the class's).
    Divergent(&'static str),
}

/// Check each `/`-separated component of `pattern` as matchComponent
/// would parse it.
pub(super) fn syntax(components: &[&str]) -> Syntax {
    for (i, c) in components.iter().enumerate() {
        match component_syntax(c) {
            Ok(()) => {}
            Err(Some(at)) => {
                return Syntax::Bad {
                    component: i,
                    leading: at == 0,
                }
            }
            Err(None) => return Syntax::Divergent(DIVERGENT),
        }
    }
    Syntax::Valid
}

const DIVERGENT: &str = "a brace holding a brace, a class or an escape, which doublestar v1.1.5 (Nomad before 1.11.2) and v1.3.4 (1.11.2 on) read differently";

/// Ok for a component doublestar parses the same way whatever name it
/// meets; `Err(Some(at))` for `ErrBadPattern` at byte `at`; `Err(None)`
/// for syntax the releases read differently.
fn component_syntax(c: &str) -> Result<(), Option<usize>> {
    let chars: Vec<(usize, char)> = c.char_indices().collect();
    let mut i = 0;
    while let Some(&(at, ch)) = chars.get(i) {
        match ch {
            '\\' => {
                if i + 1 >= chars.len() {
                    return Err(Some(at));
                }
                i += 2;
            }
            '[' => {
                let end = class_end(&chars, i + 1).ok_or(Some(at))?;
                class_syntax(&chars[i + 1..end]).map_err(|()| Some(at))?;
                i = end + 1;
            }
            '{' => {
                let mut j = i + 1;
                loop {
                    match chars.get(j).map(|c| c.1) {
                        None => return Err(Some(at)),
                        Some('}') => break,
                        Some('{' | '[' | '\\') => return Err(None),
                        _ => j += 1,
                    }
                }
                i = j + 1;
            }
            _ => i += 1,
        }
    }
    Ok(())
}

/// indexRuneWithEscaping(']'): the first `]` not right after a `\`.
fn class_end(chars: &[(usize, char)], from: usize) -> Option<usize> {
    (from..chars.len()).find(|&k| chars[k].1 == ']' && (k == 0 || chars[k - 1].1 != '\\'))
}

/// The class body as matchComponent walks it: not empty, a `^` may open
/// it (and negates; `!` is a literal), then `low` or `low-high`, `\`
/// escaping one character, and a `-` where a `low` or `high` belongs is
/// malformed (`[a-]`, `[-a]`). `Err` for `ErrBadPattern`, else whether
/// `c` is in the class (`false` with no `c`: a syntax check). The one
/// walk both the syntax check and the match use.
fn class(body: &[char], c: Option<char>) -> Result<bool, ()> {
    if body.is_empty() {
        return Err(());
    }
    let negate = body[0] == '^';
    let mut k = usize::from(negate);
    let one = |k: &mut usize| -> Result<char, ()> {
        let ch = *body.get(*k).ok_or(())?;
        *k += 1;
        if ch == '\\' {
            let e = *body.get(*k).ok_or(())?;
            *k += 1;
            return Ok(e);
        }
        Ok(ch)
    };
    let mut hit = false;
    while k < body.len() {
        if body[k] == '-' {
            return Err(());
        }
        let low = one(&mut k)?;
        let mut high = low;
        if body.get(k) == Some(&'-') {
            k += 1;
            if body.get(k).is_none_or(|h| *h == '-') {
                return Err(());
            }
            high = one(&mut k)?;
        }
        hit |= c.is_some_and(|c| low <= c && c <= high);
    }
    Ok(c.is_some() && hit != negate)
}

/// The class body's syntax, [`class`] with no character to match.
fn class_syntax(body: &[(usize, char)]) -> Result<(), ()> {
    let chars: Vec<char> = body.iter().map(|c| c.1).collect();
    class(&chars, None).map(|_| ())
}

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

/// doublestar matchComponent on one valid component, rune by rune as Go
/// decodes them. The releases differ at a `*`: v1.1.5 steps through the
/// rest of the name by the byte width of the character it met the star
/// at (`nameAdj`, never decoded again: after `é`, two bytes at a time,
/// so `*.txt` misses `éa.txt`), v1.3.4 by each character's own width.
pub(super) fn component(pattern: &[u8], name: &[u8], r: Release) -> bool {
    if pattern.is_empty() {
        return name.is_empty();
    }
    if name.is_empty() && pattern != b"*" {
        return r == Release::V1_3_4 && zero_length(pattern);
    }
    let (mut p, mut n) = (pattern, name);
    while !p.is_empty() && !n.is_empty() {
        let (pc, pw) = decode(p);
        let (nc, nw) = decode(n);
        match pc {
            '\\' => {
                let (e, ew) = decode(&p[1..]);
                if ew == 0 || e != nc {
                    return false;
                }
                p = &p[1 + ew..];
                n = &n[nw..];
            }
            '*' => {
                let rest = &p[1..];
                if rest.is_empty() {
                    return true;
                }
                let mut at = 0;
                while at < n.len() {
                    if component(rest, &n[at..], r) {
                        return true;
                    }
                    at += match r {
                        Release::V1_1_5 => nw,
                        Release::V1_3_4 => decode(&n[at..]).1,
                    };
                }
                return false;
            }
            '[' => {
                let body = String::from_utf8_lossy(&p[1..]);
                let chars: Vec<(usize, char)> = body.char_indices().collect();
                let Some(end) = class_end(&chars, 0) else {
                    return false;
                };
                let inside: Vec<char> = chars[..end].iter().map(|c| c.1).collect();
                if class(&inside, Some(nc)) != Ok(true) {
                    return false;
                }
                p = &p[1 + chars[end].0 + 1..];
                n = &n[nw..];
            }
            '{' => {
                let body = &p[1..];
                let Some(end) = body.iter().position(|b| *b == b'}') else {
                    return false;
                };
                let rest = &body[end + 1..];
                return body[..end].split(|b| *b == b',').any(|o| {
                    let alt = [o, rest].concat();
                    component(&alt, n, r)
                });
            }
            c if c == '?' || c == nc => {
                p = &p[pw..];
                n = &n[nw..];
            }
            _ => return false,
        }
    }
    // A name left over: the pattern ran out first (v1.1.5's `== "**"`
    // is only reached with the pattern spent).
    n.is_empty()
        && match r {
            Release::V1_1_5 => p.is_empty() || p == b"*" || p == b"**",
            Release::V1_3_4 => zero_length(p),
        }
}

/// v1.3.4's isZeroLengthPattern on a valid component (no nested
/// braces): nothing, `*`, `**`, or alternatives one of which is empty
/// followed by such a rest.
fn zero_length(p: &[u8]) -> bool {
    if p.is_empty() || p == b"*" || p == b"**" {
        return true;
    }
    let Some(body) = p.strip_prefix(b"{") else {
        return false;
    };
    let Some(end) = body.iter().position(|b| *b == b'}') else {
        return false;
    };
    zero_length(&body[end + 1..]) && body[..end].split(|b| *b == b',').any(zero_length)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A whole path against a pattern, `**` standing for any number of
    /// folders (the walk, glob_walk.rs, does this one folder at a time).
    fn matches(pattern: &[&str], name: &[&[u8]], r: Release) -> bool {
        match (pattern.first(), name.first()) {
            (None, None) => true,
            (None, _) | (_, None) => false,
            (Some(&"**"), _) => {
                let rest = &pattern[1..];
                rest.is_empty() || (0..name.len()).any(|k| matches(rest, &name[k..], r))
            }
            (Some(p), Some(n)) => {
                component(p.as_bytes(), n, r) && matches(&pattern[1..], &name[1..], r)
            }
        }
    }

    fn m(p: &str, n: &str) -> bool {
        let pc: Vec<&str> = p.split('/').collect();
        let nc: Vec<&[u8]> = n.split('/').map(str::as_bytes).collect();
        assert_eq!(syntax(&pc), Syntax::Valid, "{p}");
        let old = matches(&pc, &nc, Release::V1_1_5);
        assert_eq!(old, matches(&pc, &nc, Release::V1_3_4), "{p} {n}");
        old
    }

    /// doublestar_test.go (v1.1.5) cases, and `!` as a literal.
    #[test]
    fn matches_as_doublestar_v1() {
        assert!(m("[!x]", "!"));
        assert!(m("[!x]", "x"));
        assert!(!m("[!x]", "a"));
        assert!(m("[^x]", "a"));
        assert!(!m("[^x]", "x"));
        assert!(m("a/**/b", "a/b"));
        assert!(m("a/**/b", "a/x/y/b"));
        assert!(m("**", "a/b/c"));
        assert!(m("*.txt", ".hidden.txt"));
        assert!(!m("*.txt", "d/a.txt"));
        assert!(m("{a,b}*.json", "bx.json"));
        assert!(m("[a-c]?", "bz"));
        assert!(m("a\\*", "a*"));
        assert!(!m("a\\*", "ab"));
    }

    /// v1.1.5's star steps by the width of the character it starts at;
    /// v1.3.4's by each character's (doublestar.go matchComponent at each
    /// tag). Bytes that are no UTF-8 are one U+FFFD each, as Go decodes.
    #[test]
    fn the_star_steps_as_each_release_does() {
        let c = |p: &str, n: &[u8], r| component(p.as_bytes(), n, r);
        let (old, new) = (Release::V1_1_5, Release::V1_3_4);
        assert!(!c("*.txt", "éa.txt".as_bytes(), old));
        assert!(c("*.txt", "éa.txt".as_bytes(), new));
        assert!(c("*.txt", "é.txt".as_bytes(), old));
        assert!(c("*.txt", "éab.txt".as_bytes(), old));
        assert!(c("a*x", "a€bx".as_bytes(), new));
        assert!(!c("a*x", "a€bx".as_bytes(), old));
        assert!(c("?.txt", b"\xff.txt", old));
        assert!(c("[^a].txt", b"\xff.txt", new));
        assert!(c("x{,y}", b"x", new));
        assert!(!c("x{,y}", b"x", old));
    }

    /// go.mod: doublestar v1.1.5 through v1.11.1, v1.3.4 from v1.11.2.
    #[test]
    fn the_release_changes_at_nomad_1_11_2() {
        use crate::version::NomadVersion as V;
        assert_eq!(Release::of(V::new(1, 0, 0)), Release::V1_1_5);
        assert_eq!(Release::of(V::new(1, 11, 1)), Release::V1_1_5);
        assert_eq!(Release::of(V::new(1, 11, 2)), Release::V1_3_4);
        assert_eq!(Release::of(V::new(2, 0, 5)), Release::V1_3_4);
    }

    #[test]
    fn malformed_and_divergent_syntax() {
        let s = |p: &str| syntax(&p.split('/').collect::<Vec<_>>());
        for bad in ["[a-]", "[]a]", "[-a]", "[]", "[a", "{a,b", "\\"] {
            assert!(matches!(s(bad), Syntax::Bad { leading: true, .. }), "{bad}");
        }
        assert_eq!(
            s("x/a[b-]"),
            Syntax::Bad {
                component: 1,
                leading: false
            }
        );
        assert!(matches!(s("{a,{b}}"), Syntax::Divergent(_)));
        assert!(matches!(s("{a,[b]}"), Syntax::Divergent(_)));
        assert_eq!(s("[!x]/[a\\-]"), Syntax::Valid);
    }
}
