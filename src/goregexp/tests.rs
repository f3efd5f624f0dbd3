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
