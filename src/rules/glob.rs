//! The globs of `.nomad-preflight.hcl` (`include`, `exclude`,
//! `per_file_ignores`) and of `policy.hcl`'s `ignore` blocks: `*` and `?`
//! stay inside one path segment, `**/` spans any number of whole segments
//! (none too), a `**` ending the glob takes everything below, and every
//! other byte is itself (docs/ci.md "Globs"; no classes, no escapes).
//!
//! Matched in one pass over the path, keeping the set of glob positions
//! still alive (a Thompson NFA), never by retrying splits: the recursive
//! matcher this replaces tried every split for every `*`, so
//! `*a*a*a*a*a*b` against a name of 120 `a`s ran for minutes and
//! `check --base` on a pull request that only edited the configuration
//! hung (rt23 R03). Here each path byte visits each live position once.
//! Runs of stars are folded first (below), so after `i` path bytes at
//! most `3i + 3` positions can be alive: the cost is at most
//! `n × min(m, 3n + 3)` visits for a path of `n` bytes and a glob of `m`
//! tokens, whatever the glob, and a glob of a million stars costs what
//! one star does.

/// One step of a glob.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Byte(u8),
    /// `?`: one byte that is not `/`.
    One,
    /// `*`: any run of bytes without a `/`.
    Star,
    /// `**/`: nothing, or any run of bytes ending in a `/`.
    Segments,
    /// Any run of bytes: a `**` ending the glob, or a run of stars that
    /// amounts to one (see [`fold`]).
    Any,
}

impl Token {
    /// Can it match nothing (a free step to the next position)?
    fn skippable(self) -> bool {
        matches!(self, Token::Star | Token::Segments | Token::Any)
    }
}

/// The glob's tokens, read left to right as the recursive matcher
/// dispatched: `**/` first, then a `**` that ends the glob, then `*`
/// (so `***/` is `*` then `**/`, and a `**` elsewhere is two `*`).
fn tokens(glob: &[u8]) -> Vec<Token> {
    let mut out = Vec::new();
    let mut run = Vec::new();
    let mut rest = glob;
    loop {
        let (t, len) = match rest {
            [] => break,
            [b'*', b'*', b'/', ..] => (Token::Segments, 3),
            [b'*', b'*'] => (Token::Any, 2),
            [b'*', ..] => (Token::Star, 1),
            [b'?', ..] => (Token::One, 1),
            [c, ..] => (Token::Byte(*c), 1),
        };
        rest = rest.get(len..).unwrap_or_default();
        if t.skippable() {
            run.push(t);
        } else {
            fold(&mut run, &mut out);
            out.push(t);
        }
    }
    fold(&mut run, &mut out);
    out
}

/// Replace a run of skippable tokens by the shortest run with the same
/// language, at most two tokens: repeats are one (`[^/]*[^/]*` is
/// `[^/]*`, `(.*/)?(.*/)?` is `(.*/)?`); a run holding `Any`, or `*`,
/// `**/` and `*` again (`[^/]*(.*/)?[^/]*`: split at the last `/`) or
/// `**/`, `*`, `**/` (the same), is any run of bytes. That bounds the
/// free steps between two bytes of the path to two.
fn fold(run: &mut Vec<Token>, out: &mut Vec<Token>) {
    if run.is_empty() {
        return;
    }
    let mut kinds: Vec<Token> = Vec::with_capacity(3);
    for &t in run.iter() {
        if kinds.last() != Some(&t) {
            kinds.push(t);
        }
    }
    if kinds.contains(&Token::Any) || kinds.len() >= 3 {
        out.push(Token::Any);
    } else {
        out.extend(kinds);
    }
    run.clear();
}

/// Match a path against a glob (see the module doc).
pub fn glob_match(glob: &str, path: &str) -> bool {
    run(&tokens(glob.as_bytes()), path.as_bytes()).0
}

/// The live positions: `at[k]` is before token `k` (`k == len` is the
/// end, a match), `inside[k]` is within a `**/` at `k` that has taken
/// bytes but not yet its closing `/`.
struct Live {
    at: Vec<bool>,
    inside: Vec<bool>,
    /// No position above this is alive.
    hi: usize,
}

impl Live {
    fn new(len: usize) -> Self {
        Live {
            at: vec![false; len + 1],
            inside: vec![false; len + 1],
            hi: 0,
        }
    }

    fn clear(&mut self) {
        let top = self.hi.min(self.at.len() - 1);
        for k in 0..=top {
            self.at[k] = false;
            self.inside[k] = false;
        }
        self.hi = 0;
    }

    fn set_at(&mut self, k: usize) {
        if let Some(s) = self.at.get_mut(k) {
            *s = true;
            self.hi = self.hi.max(k);
        }
    }

    /// Take the free steps: a skippable token may match nothing.
    fn close(&mut self, glob: &[Token]) {
        let mut k = 0;
        while k <= self.hi && k < glob.len() {
            if self.at[k] && glob[k].skippable() {
                self.set_at(k + 1);
            }
            k += 1;
        }
    }
}

/// Whether `glob` matches every path below the folder `dir` (`dir/`
/// followed by anything): a folder an `exclude` takes whole, whose files
/// need not be listed to know none is selected. Exact for a glob whose
/// live position after `dir/` is a final `**` (`dir/**`, `**/dir/**`,
/// `**`); other globs that happen to take everything (`dir/**/*`) say
/// false, the cautious answer.
pub fn glob_takes_all_below(glob: &str, dir: &str) -> bool {
    let tokens = tokens(glob.as_bytes());
    let mut path = dir.as_bytes().to_vec();
    path.push(b'/');
    match advance(&tokens, &path).0 {
        Some(live) => {
            let last = tokens.len().wrapping_sub(1);
            tokens.last() == Some(&Token::Any) && live.at.get(last) == Some(&true)
        }
        None => false,
    }
}

/// Whether `glob` matches the whole of `path`, and the positions visited
/// (for the tests that bound them).
fn run(glob: &[Token], path: &[u8]) -> (bool, usize) {
    let (live, visits) = advance(glob, path);
    (live.is_some_and(|l| l.at[glob.len()]), visits)
}

/// The live positions after `path` (`None`: none is), and the positions
/// visited.
fn advance(glob: &[Token], path: &[u8]) -> (Option<Live>, usize) {
    let mut now = Live::new(glob.len());
    let mut next = Live::new(glob.len());
    now.set_at(0);
    now.close(glob);
    let mut visits = 0;
    for &c in path {
        next.clear();
        let mut alive = false;
        let top = now.hi.min(glob.len().saturating_sub(1));
        for k in 0..=top {
            let (at, inside) = (now.at[k], now.inside[k]);
            if (!at && !inside) || k >= glob.len() {
                continue;
            }
            visits += 1;
            match glob[k] {
                Token::Byte(b) if at && c == b => next.set_at(k + 1),
                Token::One if at && c != b'/' => next.set_at(k + 1),
                Token::Star if at && c != b'/' => next.set_at(k),
                Token::Any if at => next.set_at(k),
                Token::Segments => {
                    next.inside[k] = true;
                    next.hi = next.hi.max(k);
                    if c == b'/' {
                        next.set_at(k + 1);
                    }
                }
                _ => continue,
            }
            alive = true;
        }
        if !alive {
            return (None, visits);
        }
        next.close(glob);
        std::mem::swap(&mut now, &mut next);
    }
    (Some(now), visits)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The recursive matcher this module replaced (exponential in the
    /// stars), kept as the specification the new one must agree with.
    fn reference(g: &[u8], p: &[u8]) -> bool {
        match g {
            [] => p.is_empty(),
            [b'*', b'*', b'/', rest @ ..] => {
                reference(rest, p)
                    || p.iter()
                        .enumerate()
                        .any(|(i, c)| *c == b'/' && reference(rest, &p[i + 1..]))
            }
            [b'*', b'*'] => true,
            [b'*', rest @ ..] => {
                let mut i = 0;
                loop {
                    if reference(rest, &p[i..]) {
                        return true;
                    }
                    match p.get(i) {
                        Some(b'/') | None => return false,
                        Some(_) => i += 1,
                    }
                }
            }
            [b'?', rest @ ..] => {
                matches!(p.first(), Some(c) if *c != b'/') && reference(rest, &p[1..])
            }
            [c, rest @ ..] => p.first() == Some(c) && reference(rest, &p[1..]),
        }
    }

    #[test]
    fn a_folder_is_taken_whole_only_by_a_final_double_star() {
        for (glob, dir, all) in [
            ("vendor/**", "vendor", true),
            ("**/vendor/**", "a/vendor", true),
            ("**", "vendor", true),
            ("vendor/*", "vendor", false),
            ("vendor/*.nomad", "vendor", false),
            ("vendor/**/*.nomad", "vendor", false),
            ("vendor", "vendor", false),
            ("vendorx/**", "vendor", false),
            ("other/**", "vendor", false),
        ] {
            assert_eq!(glob_takes_all_below(glob, dir), all, "{glob} {dir}");
        }
    }

    #[test]
    fn documented_semantics() {
        let cases: &[(&str, &str, bool)] = &[
            ("jobs/*.nomad", "jobs/a.nomad", true),
            ("jobs/*.nomad", "jobs/x/a.nomad", false),
            ("jobs/*.nomad", "jobs/a.nomad.hcl", false),
            ("jobs/*.nomad", "jobs/.nomad", true),
            ("jobs/**/*.nomad", "jobs/a.nomad", true),
            ("jobs/**/*.nomad", "jobs/x/y/a.nomad", true),
            ("jobs/**/*.nomad", "jobsx/a.nomad", false),
            ("**/legacy/**", "a/legacy/b.hcl", true),
            ("**/legacy/**", "legacy/b/c.hcl", true),
            ("**/legacy/**", "alegacy/b.hcl", false),
            ("legacy/**", "legacy/", true),
            ("legacy/**", "legacy", false),
            ("**", "", true),
            ("**", "a/b/c", true),
            ("*", "", true),
            ("*", "a/b", false),
            ("?.hcl", "a.hcl", true),
            ("?.hcl", "ab.hcl", false),
            ("?.hcl", "/.hcl", false),
            ("?", "", false),
            // `**` not ending the glob nor before `/` is two `*`.
            ("a**b", "axxb", true),
            ("a**b", "ax/xb", false),
            ("**.nomad", "a/b.nomad", false),
            // `***/` is `*` then `**/`.
            ("***/x", "ab/c/x", true),
            ("***/x", "x", true),
            // Other bytes are themselves: no classes, no escapes.
            ("[ab].nomad", "a.nomad", false),
            ("[ab].nomad", "[ab].nomad", true),
            ("\\*.nomad", "\\x.nomad", true),
            ("{a,b}", "a", false),
            ("", "", true),
            ("", "a", false),
        ];
        for &(g, p, want) in cases {
            assert_eq!(glob_match(g, p), want, "{g:?} ~ {p:?}");
            assert_eq!(reference(g.as_bytes(), p.as_bytes()), want, "{g:?} ~ {p:?}");
        }
    }

    /// Every glob over `a b / * ?` up to 5 bytes against every path over
    /// `a b /` up to 5 bytes: the same answer as the recursive matcher.
    #[test]
    fn agrees_with_the_recursive_matcher_on_every_small_case() {
        fn all(alphabet: &[u8], max: usize) -> Vec<Vec<u8>> {
            let mut out = vec![Vec::new()];
            let mut last = vec![Vec::new()];
            for _ in 0..max {
                let mut grown = Vec::new();
                for s in &last {
                    for &c in alphabet {
                        let mut t = s.clone();
                        t.push(c);
                        grown.push(t);
                    }
                }
                out.extend(grown.iter().cloned());
                last = grown;
            }
            out
        }
        let globs = all(b"ab/*?", 5);
        let paths = all(b"ab/", 5);
        for g in &globs {
            let t = tokens(g);
            for p in &paths {
                assert_eq!(
                    run(&t, p).0,
                    reference(g, p),
                    "{:?} ~ {:?}",
                    String::from_utf8_lossy(g),
                    String::from_utf8_lossy(p)
                );
            }
        }
    }

    /// Folded runs longer than the exhaustive test reaches, against the
    /// recursive matcher on paths that end, or not, at a segment.
    #[test]
    fn folded_runs_agree_with_the_recursive_matcher() {
        let globs = [
            "**/***/x",
            "***/***/x",
            "**/**/*x",
            "a***/**/*b",
            "***/*/**",
            "*/**/***/*",
        ];
        let paths = [
            "", "x", "ax", "a/x", "a/b/x", "a/bx", "a/b/", "ab", "a//x", "b/a/b", "a/b/c/b",
        ];
        for g in globs {
            for p in paths {
                assert_eq!(
                    glob_match(g, p),
                    reference(g.as_bytes(), p.as_bytes()),
                    "{g:?} ~ {p:?}"
                );
            }
        }
    }

    #[test]
    fn runs_of_stars_fold_to_at_most_two_tokens() {
        use Token::*;
        assert_eq!(tokens(b"*****a"), [Star, Byte(b'a')]);
        // Ending the glob, the last two are a `**`: everything.
        assert_eq!(tokens(b"*****"), [Any]);
        assert_eq!(tokens(b"**/**/**/"), [Segments]);
        assert_eq!(tokens(b"***/"), [Star, Segments]);
        assert_eq!(tokens(b"**/*"), [Segments, Star]);
        assert_eq!(tokens(b"***/*"), [Any]);
        assert_eq!(tokens(b"**/***/"), [Any]);
        assert_eq!(tokens(b"a/***"), [Byte(b'a'), Byte(b'/'), Any]);
        assert_eq!(tokens(b"?*"), [One, Star]);
    }

    /// rt23 R03: the globs that took the recursive matcher seconds to
    /// hours cost at most `n × min(m, 3n + 3)` visits here (counted, not
    /// timed), and answer as they should.
    #[test]
    fn adversarial_globs_cost_at_most_n_times_m() {
        let name = format!("{}.nomad", "a".repeat(120));
        let n = name.len();
        for stars in [5, 6, 9, 20, 60] {
            let glob = format!("{}*b", "*a".repeat(stars));
            let t = tokens(glob.as_bytes());
            let (hit, visits) = run(&t, name.as_bytes());
            assert!(!hit, "{glob}");
            assert!(visits <= n * t.len().min(3 * n + 3), "{glob}: {visits}");
            let glob = format!("{}*.nomad", "*a".repeat(stars));
            assert!(glob_match(&glob, &name), "{glob}");
        }
        // A million stars and `**/` runs are one token each.
        let glob = format!("{}x", "***/".repeat(250_000));
        let t = tokens(glob.as_bytes());
        assert_eq!(t, [Token::Any, Token::Byte(b'x')]);
        let deep = format!("{}x", "d/".repeat(2000));
        let (hit, visits) = run(&t, deep.as_bytes());
        assert!(hit && visits <= 2 * deep.len(), "{visits}");
        // Literal tails: `?` and bytes stay linear in the path.
        let glob = "?".repeat(100_000);
        let (hit, visits) = run(&tokens(glob.as_bytes()), name.as_bytes());
        assert!(!hit && visits <= n, "{visits}");
    }
}
