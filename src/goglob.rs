//! The `*` glob Nomad matches a job's `datacenters` with from 1.5.0
//! (`Node.IsInDC`/`IsInAnyDC`: nomad/structs/structs.go v1.5.0:2314,
//! v1.9.3:2334, v2.0.5:2270), which is `ryanuber/go-glob` v1.0.0's `Glob`
//! (go.mod pins v1.0.0 at every tag from 1.5.0 to 2.0.5, no replace).
//!
//! What v1.0.0 answers (glob.go:11-56@v1.0.0): only `*` is special (`?`,
//! `[` are literals); with no `*` the pattern must equal the subject (so
//! "" matches only ""); else the pattern is split at every `*`, the first
//! part must be a prefix of the subject and is consumed, each middle part
//! is found at its first occurrence in what is left (`strings.Index`) and
//! consumed through its end, and the last part must be a suffix of what
//! is then left (a trailing `*` makes it "", which every string ends
//! with). Because the prefix and the middle parts are consumed, the last
//! part never overlaps them: "dc*1" does not match "dc", "ab*b" not "ab".
//! (go-glob before 32263d4, never in Nomad's go.mod, did not consume the
//! prefix and matched both.) Taking each middle part's first occurrence
//! loses no match: it leaves the longest rest for the parts after it.
//!
//! Go compares bytes; a match of valid UTF-8 inside valid UTF-8 starts and
//! ends at character boundaries, so `str` search gives the same answers.
//! Each part is searched once, in time linear in the subject: a hostile
//! pattern costs no more than its length times the datacenter name's.

/// Does `pattern` match `subject` as go-glob v1.0.0 `Glob` says?
pub fn go_glob(pattern: &str, subject: &str) -> bool {
    let Some((first, tail)) = pattern.split_once('*') else {
        return pattern == subject;
    };
    let Some(mut rest) = subject.strip_prefix(first) else {
        return false;
    };
    // `tail` holds the middle parts and, after its last `*`, the last part;
    // without a `*` in it there is no middle part ("" is found at once).
    let (middle, last) = tail.rsplit_once('*').unwrap_or(("", tail));
    for part in middle.split('*') {
        let Some(at) = rest.find(part) else {
            return false;
        };
        rest = &rest[at + part.len()..];
    }
    rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::go_glob;

    /// go-glob v1.0.0's own answers (glob_test.go@v1.0.0): every pattern
    /// of TestEmptyPattern, TestEmptySubject, TestPatternWithoutGlobs and
    /// TestGlob against its subject, and what the test expects (its
    /// million-`*` patterns shortened to 10,000).
    #[test]
    fn upstream_table() {
        let long_stars = "*".repeat(10_000);
        let mut cases: Vec<(String, &str, bool)> = vec![
            ("".into(), "", true),
            ("".into(), "test", false),
            ("test".into(), "test", true),
        ];
        for p in ["", "*", "**", "***", "****************", &long_stars] {
            cases.push((p.to_string(), "", true));
        }
        for p in [
            "test".to_string(),
            "*test*".into(),
            "*x".into(),
            "*****************x".into(),
            format!("{long_stars}x"),
            "x*".into(),
            "x*****************".into(),
            format!("x{long_stars}"),
            "x*x".into(),
            "x****************x".into(),
            format!("x{long_stars}x"),
        ] {
            cases.push((p, "", false));
        }
        let s = "this is a ϗѾ test";
        for p in [
            "*test",
            "this*",
            "this*test",
            "*is *",
            "*is*a*",
            "**test**",
            "**is**a***test*",
            "* *",
            "*",
            "**********",
            "*Ѿ*",
            "*is a ϗѾ *",
        ] {
            cases.push((p.into(), s, true));
        }
        let s = "this is a test";
        for p in [
            "test*",
            "*is",
            "*no*",
            " ",
            "* ",
            " *",
            "*ʤ*",
            "this*this is a test",
        ] {
            cases.push((p.into(), s, false));
        }
        for (p, subject, want) in cases {
            let shown: String = p.chars().take(40).collect();
            assert_eq!(go_glob(&p, subject), want, "{shown:?} vs {subject:?}");
        }
    }

    /// Datacenter-shaped cases, each worked through glob.go@v1.0.0 by hand:
    /// the prefix and middle parts are consumed before the suffix test.
    #[test]
    fn consumed_parts_never_serve_the_suffix() {
        for (pattern, subject, want) in [
            // redteam R23-1: "dc" is consumed, "" does not end with "1".
            ("dc*1", "dc", false),
            ("dc*1", "dc1", true),
            ("dc*1", "dc11", true),
            ("dc*1", "dc-eu-1", true),
            ("ab*b", "ab", false),
            ("ab*b", "abb", true),
            ("a*a", "a", false),
            ("a*a", "aa", true),
            ("*c*c", "c", false),
            ("*c*c", "cc", true),
            ("*dc*", "dc", true),
            ("d*c*1", "dc1", true),
            ("d*c*1", "dc", false),
            ("eu-*-a", "eu-west-a", true),
            ("eu-*-a", "eu-a", false),
            ("eu-*-a", "eu--a", true),
            ("eu-*", "us-1", false),
            ("*-1", "us-1", true),
            ("*-1", "us-2", false),
            ("d?1", "dc1", false),
            ("d?1", "d?1", true),
            ("dc[12]", "dc1", false),
            ("*", "anything", true),
            ("*", "", true),
            ("dc", "dc1", false),
            ("dc1", "dc1", true),
            // Middle parts in order, each after the one before.
            ("*b*a*", "ab", false),
            ("*a*b*", "ab", true),
            ("a**b", "ab", true),
            ("a**b", "a", false),
        ] {
            assert_eq!(
                go_glob(pattern, subject),
                want,
                "{pattern:?} vs {subject:?}"
            );
        }
    }
}
