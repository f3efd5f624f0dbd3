//! `fileset()`'s glob language: bmatcuk/doublestar v1 (v1.1.5 at Nomad
//! v1.9.3's go.mod, v1.3.4 at v2.0.5's), which go-cty-funcs
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

const DIVERGENT: &str = "a brace holding a brace, a class or an escape, which doublestar v1.1.5 (Nomad 1.x) and v1.3.4 (Nomad 2.x) read differently";

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
/// it, then `low` or `low-high`, `\` escaping one character, and a `-`
/// where a `low` or `high` belongs is malformed (`[a-]`, `[-a]`).
fn class_syntax(body: &[(usize, char)]) -> Result<(), ()> {
    let r: Vec<char> = body.iter().map(|c| c.1).collect();
    if r.is_empty() {
        return Err(());
    }
    let mut k = usize::from(r[0] == '^');
    let one = |k: &mut usize| -> Result<char, ()> {
        let c = *r.get(*k).ok_or(())?;
        *k += 1;
        if c == '\\' {
            let e = *r.get(*k).ok_or(())?;
            *k += 1;
            return Ok(e);
        }
        Ok(c)
    };
    while k < r.len() {
        if r[k] == '-' {
            return Err(());
        }
        let low = one(&mut k)?;
        if r.get(k) == Some(&'-') {
            k += 1;
            if r.get(k).is_none_or(|c| *c == '-') {
                return Err(());
            }
            let _high = one(&mut k)?;
        }
        let _ = low;
    }
    Ok(())
}

/// doublestar v1.1.5 doMatching: pattern components against a path's,
/// `**` standing for any number of folders. Call only on a pattern
/// [`syntax`] found [`Syntax::Valid`].
pub(super) fn matches(pattern: &[&str], name: &[&str]) -> bool {
    match (pattern.first(), name.first()) {
        (None, None) => true,
        (None, _) | (_, None) => false,
        (Some(&"**"), _) => {
            let rest = &pattern[1..];
            rest.is_empty() || (0..name.len()).any(|k| matches(rest, &name[k..]))
        }
        (Some(p), Some(n)) => component(p, n) && matches(&pattern[1..], &name[1..]),
    }
}

/// doublestar v1.1.5 matchComponent on a valid component.
fn component(pattern: &str, name: &str) -> bool {
    if pattern.is_empty() {
        return name.is_empty();
    }
    if name.is_empty() && pattern != "*" {
        return false;
    }
    let (mut p, mut n) = (pattern, name);
    while let (Some(pc), Some(nc)) = (p.chars().next(), n.chars().next()) {
        let rest_n = &n[nc.len_utf8()..];
        match pc {
            '\\' => {
                let after = &p[1..];
                match after.chars().next() {
                    Some(e) if e == nc => {
                        p = &after[e.len_utf8()..];
                        n = rest_n;
                    }
                    _ => return false,
                }
            }
            '*' => {
                let rest = &p[1..];
                if rest.is_empty() {
                    return true;
                }
                return n.char_indices().any(|(k, _)| component(rest, &n[k..]));
            }
            '[' => {
                let body = &p[1..];
                let chars: Vec<(usize, char)> = body.char_indices().collect();
                let Some(end) = class_end(&chars, 0) else {
                    return false;
                };
                let end_byte = chars[end].0;
                if !class_has(&body[..end_byte], nc) {
                    return false;
                }
                p = &body[end_byte + 1..];
                n = rest_n;
            }
            '{' => {
                let body = &p[1..];
                let Some(end) = body.find('}') else {
                    return false;
                };
                let rest = &body[end + 1..];
                return body[..end]
                    .split(',')
                    .any(|o| component(&format!("{o}{rest}"), n));
            }
            c if c == '?' || c == nc => {
                p = &p[c.len_utf8()..];
                n = rest_n;
            }
            _ => return false,
        }
    }
    (p.is_empty() && n.is_empty()) || (n.is_empty() && p == "*") || p == "**"
}

/// Does the valid class body hold `c`? `^` first negates; `!` is literal.
fn class_has(body: &str, c: char) -> bool {
    let r: Vec<char> = body.chars().collect();
    let negate = r.first() == Some(&'^');
    let mut k = usize::from(negate);
    let one = |k: &mut usize| {
        let mut ch = r[*k];
        *k += 1;
        if ch == '\\' && *k < r.len() {
            ch = r[*k];
            *k += 1;
        }
        ch
    };
    let mut hit = false;
    while k < r.len() {
        let low = one(&mut k);
        let mut high = low;
        if k + 1 < r.len() && r[k] == '-' {
            k += 1;
            high = one(&mut k);
        }
        hit |= low <= c && c <= high;
    }
    hit != negate
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, n: &str) -> bool {
        let pc: Vec<&str> = p.split('/').collect();
        let nc: Vec<&str> = n.split('/').collect();
        assert_eq!(syntax(&pc), Syntax::Valid, "{p}");
        matches(&pc, &nc)
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
