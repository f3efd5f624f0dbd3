//! Go's own regexp/syntax test cases against our walk of its parser.

use super::*;

fn err(p: &str) -> Option<String> {
    compile_error(p, NomadVersion::CURRENT)
}

/// Go's regexp/syntax parse_test.go `invalidRegexps` (Perl flags) and
/// the error texts of TestParseInvalidRegexps / regexp's all_test.go
/// `badRe` table.
#[test]
fn go_refuses_what_its_parser_tests_refuse() {
    for (p, want) in [
        ("(", "missing closing ): `(`"),
        ("a(b", "missing closing ): `a(b`"),
        (")", "unexpected ): `)`"),
        ("a)", "unexpected ): `a)`"),
        ("(a))", "unexpected ): `(a))`"),
        ("[a", "missing closing ]: `[a`"),
        ("[a-", "missing closing ]: `[a-`"),
        ("[z-a]", "invalid character class range: `z-a`"),
        ("[[:bogus:]]", "invalid character class range: `[:bogus:]`"),
        ("*", "missing argument to repetition operator: `*`"),
        ("(*)", "missing argument to repetition operator: `*`"),
        ("(?i)*", "missing argument to repetition operator: `*`"),
        ("a|*", "missing argument to repetition operator: `*`"),
        ("+?", "missing argument to repetition operator: `+?`"),
        ("a**", "invalid nested repetition operator: `**`"),
        ("a*+", "invalid nested repetition operator: `*+`"),
        ("a??", ""),
        ("a{2}{3}", "invalid nested repetition operator: `{2}{3}`"),
        ("a{1001}", "invalid repeat count: `{1001}`"),
        ("a{2,1}", "invalid repeat count: `{2,1}`"),
        ("(a{100}){100}", "invalid repeat count: `{100}`"),
        ("x{1000000000}", "invalid repeat count: `{1000000000}`"),
        ("\\", "trailing backslash at end of expression: ``"),
        ("a\\q", "invalid escape sequence: `\\q`"),
        ("\\8", "invalid escape sequence: `\\8`"),
        ("\\1", "invalid escape sequence: `\\1`"),
        ("\\C", "invalid escape sequence: `\\C`"),
        ("\\x{zz}", "invalid escape sequence: `\\x{z`"),
        ("\\xg1", "invalid escape sequence: `\\xg1`"),
        ("\\x{110000}", "invalid escape sequence: `\\x{110000`"),
        ("[\\b]", "invalid escape sequence: `\\b`"),
        ("\\p{Bogus}", "invalid character class range: `\\p{Bogus}`"),
        ("\\pX", "invalid character class range: `\\pX`"),
        ("\\p{Greek", "invalid character class range: `\\p{Greek`"),
        ("(?x)", "invalid or unsupported Perl syntax: `(?x`"),
        ("(?i-)", "invalid or unsupported Perl syntax: `(?i-)`"),
        ("(?--i)", "invalid or unsupported Perl syntax: `(?--`"),
        ("(?P=name)", "invalid or unsupported Perl syntax: `(?P`"),
        ("(?P<n!>a)", "invalid named capture: `(?P<n!>`"),
        ("(?P<>a)", "invalid named capture: `(?P<>`"),
        ("(?P<name", "invalid named capture: `(?P<name`"),
    ] {
        let got = err(p);
        if want.is_empty() {
            assert_eq!(got, None, "{p}");
        } else {
            assert_eq!(
                got.as_deref(),
                Some(format!("error parsing regexp: {want}").as_str()),
                "{p}"
            );
        }
    }
}

#[test]
fn go_accepts_what_rust_refuses_and_its_perl_extensions() {
    for p in [
        "a{",
        "x{,3}",
        "{foo}",
        "a{01}",
        "^*",
        "[]a]",
        "[a-]",
        "[^]a]",
        "[a-b-c]",
        "\\Qa*b\\E+",
        "\\Q(",
        "(?i)abc",
        "(?i-s:a.)",
        "(?P<name>a)",
        "\\pL\\p{Greek}\\P{^Lu}[\\p{Han}\\d]",
        "[[:alpha:][:^digit:]]",
        "\\x{10FFFF}\\x41\\101\\0",
        "a{2}?",
        "(a{10}){100}",
        "a{0}",
        "\\_\\<\\>",
        "[[:foo]",
    ] {
        assert_eq!(err(p), None, "{p}");
    }
}

#[test]
fn angle_named_captures_arrive_with_go_1_22() {
    // Go 1.22 accepts (?<name>...); Nomad 1.8.0 and the 1.7.6, 1.6.9,
    // 1.5.16 patches were the first built with it (.go-version).
    let p = "(?<year>\\d{4})";
    for (v, ok) in [
        ("1.5.15", false),
        ("1.5.16", true),
        ("1.6.8", false),
        ("1.6.9", true),
        ("1.7.5", false),
        ("1.7.6", true),
        ("1.8.0", true),
        ("2.0.5", true),
    ] {
        let got = compile_error(p, v.parse().unwrap());
        if ok {
            assert_eq!(got, None, "{v}");
        } else {
            assert_eq!(
                got.unwrap(),
                "error parsing regexp: invalid or unsupported Perl syntax: `(?<`",
                "{v}"
            );
        }
    }
}

/// regexp/syntax parse_test.go: the parse tests (999 levels parse) and
/// `invalidRegexps` ("too deep"), under Nomad 2.0.5 (Go 1.26).
#[test]
fn go_refuses_a_tree_over_1000_levels_high() {
    let deep = |open: &str, close: &str, n: usize| format!("{}{}", open.repeat(n), close.repeat(n));
    assert_eq!(err(&deep("(", ")", 999)), None);
    assert_eq!(err(&deep("(?:", ")*", 999)), None);
    assert_eq!(
        err(&format!("({})", "|".repeat(12345))),
        None,
        "not nested at all"
    );
    for p in [deep("(", ")", 1000), deep("(?:", ")*", 1000)] {
        assert_eq!(
            err(&p),
            Some(format!(
                "error parsing regexp: expression nests too deeply: `{p}`"
            ))
        );
    }
    // How Go builds its tree decides the height (each row as Go 1.19.8's
    // regexp.Compile answers it): a non-capturing group is no node, a run
    // of characters is one (`a(?:b)c` too, and `[a]` is a character), a
    // capture and a concatenation are a level each, alternatives that are
    // all single characters or classes are one class.
    let wrapped = |inner: &str| format!("{}{inner}{}", "(".repeat(999), ")".repeat(999));
    for (p, ok) in [
        (deep("(?:", ")", 5000), true),
        (deep("(ab", ")", 500), true),
        (deep("(ab", ")", 501), false),
        (wrapped("a|b"), true),
        (wrapped(".|[x]"), true),
        (wrapped("a|bc"), false),
        (wrapped("a|"), false),
        (wrapped("abc"), true),
        (wrapped("[a]b"), true),
        (wrapped("a(?:b)c"), true),
        (wrapped("a*"), false),
        (deep("(", ")", 998).replacen(")", "a*)", 1), true),
    ] {
        assert_eq!(err(&p).is_none(), ok, "{}", &p[p.len() - 12..]);
    }
}

/// The limit came with the fix of CVE-2022-24921 (Go 1.16.15, 1.17.8,
/// 1.18.0) as a plain internal error, named from Go 1.19 (the Go of each
/// Nomad tag: crate::gorelease).
#[test]
fn the_depth_limit_follows_the_go_of_each_nomad_release() {
    let p = format!("{}{}", "(".repeat(1000), ")".repeat(1000));
    let internal = format!("error parsing regexp: regexp/syntax: internal error: `{p}`");
    let named = format!("error parsing regexp: expression nests too deeply: `{p}`");
    for (v, want) in [
        ("1.1.12", None),
        ("1.1.13", Some(&internal)),
        ("1.2.6", None),
        ("1.2.7", Some(&internal)),
        ("1.2.10", Some(&internal)),
        ("1.2.11", Some(&named)),
        ("1.3.0", Some(&internal)),
        ("1.4.0", Some(&named)),
        ("0.9.3", None),
    ] {
        assert_eq!(compile_error(&p, v.parse().unwrap()).as_ref(), want, "{v}");
    }
}

/// What Go's regexp matches (regexp/syntax doc.go: `\d` is `[0-9]`, `\s`
/// `[\t\n\f\r ]`, `\w` `[0-9A-Za-z_]`, `\b` an ASCII word boundary;
/// `\Q...\E` literal text; a `{` that starts no repetition is a literal;
/// `\<` an escaped punctuation character), matched through the rewrite.
#[test]
fn the_rewrite_matches_what_go_matches() {
    let v = NomadVersion::CURRENT;
    for (p, text, go) in [
        (r"^\d+$", "123", true),
        (r"^\d+$", "١٢٣", false),
        (r"^\w+$", "été", false),
        (r"^\s$", "\u{a0}", false),
        (r"^\S$", "\u{a0}", true),
        (r"\bfoo\b", "éfooé", true),
        (r"\Bfoo", "éfoo", false),
        (r"^a{,3}$", "a{,3}", true),
        (r"^a{,3}$", "aa", false),
        (r"^x{$", "x{", true),
        (r"^\Qa.b\E$", "axb", false),
        (r"^\Qa.b\E$", "a.b", true),
        (r"^\101\x42\x{43}$", "ABC", true),
        (r"^\<x\>$", "<x>", true),
        (r"^[a&&b]+$", "&", true),
        (r"^[a-c--b]+$", "-", true),
        (r"^[[a]+$", "[", true),
        (r"^[\d\W]+$", "7%", true),
        (r"^[^\D]+$", "7", true),
        (r"^(?P<1x>a)$", "a", true),
        (r"^\pL\P{^Greek}$", "éα", true),
        (r"(?i)^k$", "\u{212A}", true),
        (r"^[[:word:]]+$", "a_1", true),
        (r"^.$", "\n", false),
        (r"(?s)^.$", "\n", true),
    ] {
        let re = compile(p, v).unwrap_or_else(|| panic!("{p} compiles"));
        assert_eq!(re.is_match(text), go, "{p} on {text:?}");
    }
    // A flag group is no node in Go: the repetition after it repeats what
    // came before, greedy or not as the flags in force say.
    for (p, text, found) in [
        ("^a(?i)*b$", "aaB", true),
        ("^a(?i)*b$", "aAB", false),
        ("a(?U)+", "aaa", true),
        ("(?U)a+(?-U)", "aaa", true),
    ] {
        let re = compile(p, v).unwrap_or_else(|| panic!("{p} compiles"));
        assert_eq!(re.is_match(text), found, "{p} on {text:?}");
    }
    // Greediness decides the match's extent: Go's `a(?U)+` is lazy.
    let lazy = compile("a(?U)+", v).unwrap();
    assert_eq!(lazy.find("aaa").map(|m| m.as_str()), Some("a"));
    // Non-capturing groups nest as deep as one likes in Go.
    let groups = format!("^{}a{}$", "(?:".repeat(5000), ")".repeat(5000));
    assert!(compile(&groups, v).is_some_and(|re| re.is_match("a")));
    // Go refuses it: nothing to match with.
    assert!(compile("a**", v).is_none());
    // Deeper than the `regex` crate's default nesting (250), which Go takes.
    let deep = format!("^{}a{}$", "(".repeat(900), ")".repeat(900));
    assert!(compile(&deep, v).is_some_and(|re| re.is_match("a")));
}
