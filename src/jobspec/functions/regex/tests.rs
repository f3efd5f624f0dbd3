//! Expected values: go-cty's TestRegexReplace and
//! TestRegexReplaceInvalidRegex (cty/function/stdlib/string_replace_test.go
//! at v1.4.1), and `regexp.ReplaceAllString` / `regexp.Compile` run on
//! Go 1.19.8 (Nomad 1.3.12–1.5.x's Go line) for the rest.

use super::*;
use crate::version::NomadVersion;

fn rr(text: &str, pattern: &str, with: &str) -> Result<String, String> {
    let env = FnEnv {
        version: NomadVersion::new(1, 4, 3),
        ..FnEnv::default()
    };
    regex_replace(&env, text, pattern, with)
}

#[test]
fn go_cty_examples() {
    assert_eq!(rr("-ab-axxb-", "a(x*)b", "T"), Ok("-T-T-".into()));
    assert_eq!(rr("-ab-axxb-", "a(x*)b", "${1}W"), Ok("-W-xxW-".into()));
    assert!(rr("", "(", "").is_err());
}

#[test]
fn replacement_and_matching_are_go_s() {
    let ok =
        |t: &str, p: &str, w: &str, want: &str| assert_eq!(rr(t, p, w), Ok(want.into()), "{p} {w}");
    // `$1W` names group "1W", which does not exist.
    ok("-ab-axxb-", "a(x*)b", "$1W", "---");
    ok("baaac", "a*", "x", "xbxcx");
    ok("abc", "", "-", "-a-b-c-");
    // `\w` is ASCII in Go.
    ok("héllo wörld", r"\w+", "<$0>", "<h>é<llo> <w>ö<rld>");
    ok("x٣y", r"(\d)", "[$1]", "x٣y");
    ok(
        "2024-01-02",
        r"(?P<y>\d+)-(?P<m>\d+)-(?P<d>\d+)",
        "$d/$m/${y}",
        "02/01/2024",
    );
    // A leading zero makes a name, a bad brace is text, `$$` is `$`.
    ok(
        "a1b2",
        r"(\d)",
        "$01|${a-b}|$$|$",
        "a|${a-b}|$|$b|${a-b}|$|$",
    );
    ok(
        "name=Ünïcode",
        r"(?P<k>\w+)=(?P<v>.*)",
        "${v}:${k}:$v2",
        "Ünïcode:name:",
    );
    ok("aaa", "a{2}", "b", "ba");
    ok("ab", "(a)|(b)", "[$1|$2]", "[a|][|b]");
}

#[test]
fn refusals_are_go_s_texts() {
    let err = |p: &str, want: &str| assert_eq!(rr("x", p, ""), Err(want.into()), "{p}");
    err("(", "error parsing regexp: missing closing ): `(`");
    err(
        "a**",
        "error parsing regexp: invalid nested repetition operator: `**`",
    );
    err(
        "x{1001}",
        "error parsing regexp: invalid repeat count: `{1001}`",
    );
    err(
        r"\8",
        r"error parsing regexp: invalid escape sequence: `\8`",
    );
    err(
        "[z-a]",
        "error parsing regexp: invalid character class range: `z-a`",
    );
    // Go takes a capture name starting with a digit; `regex` does not.
    assert_eq!(rr("a", "(?P<1>a)", "[$1]"), Ok("[a]".into()));
}

#[test]
fn the_nesting_limit_follows_the_tags_go() {
    let deep = format!("{}a{}", "(".repeat(1001), ")".repeat(1001));
    let at = |v: NomadVersion| {
        let env = FnEnv {
            version: v,
            ..FnEnv::default()
        };
        regex_replace(&env, "a", &deep, "b")
    };
    assert_eq!(
        at(NomadVersion::new(2, 0, 5)),
        Err(format!(
            "error parsing regexp: expression nests too deeply: `{deep}`"
        ))
    );
    // Go 1.17.3 (Nomad 1.2.0) had no limit: Go takes it, and we say we
    // cannot tell rather than guess.
    assert!(at(NomadVersion::new(1, 2, 0))
        .unwrap_err()
        .starts_with("cannot tell"));
}
