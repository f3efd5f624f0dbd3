//! Texts from the HCL1 oracles (tests/hcl-oracle/build.sh), built from
//! hcl v1 as Nomad 0.10.9 and 0.12.12 vendor it; the fixtures in
//! tests/fixtures/hcl1_syntax hold the rest.

use super::{judge, Era, Verdict};

fn said(text: &str, era: Era) -> String {
    match judge(text.as_bytes(), era) {
        Verdict::Accepts => "OK".into(),
        Verdict::Refuses { text, .. } => text,
        Verdict::Panics(v) => format!("PANIC {v}"),
        Verdict::CannotTell => "UNSURE".into(),
    }
}

#[test]
fn a_key_without_a_value_is_placed_only_from_0_11() {
    let f = "job \"a\" {\n  group \"g\" {\n    count\n  }\n}\n";
    assert_eq!(
        said(f, Era::New),
        "error parsing: At 4:3: key 'count' expected start of object ('{') or assignment ('=')"
    );
    assert_eq!(
        said(f, Era::Old),
        "error parsing: key 'count' expected start of object ('{') or assignment ('=')"
    );
}

#[test]
fn hcl2_expressions_are_unknown_tokens() {
    assert_eq!(
        said("job \"a\" {\n  count = var.n\n}\n", Era::New),
        "error parsing: At 2:11: Unknown token: 2:11 IDENT var.n"
    );
}

#[test]
fn the_last_scanner_error_wins_over_the_parser() {
    let f = "job \"a\" {\n  region = \"a\\qb\"\n  name = \"c\\z\"\n}\n";
    assert_eq!(
        said(f, Era::New),
        "error parsing: At 3:13: illegal char escape"
    );
    // A parser error stops the scan: the later escape is never read.
    let f = "job \"a\" {\n  region = \"a\\qb\"\n  count = var.x\n  name = \"\\z\"\n}\n";
    assert_eq!(
        said(f, Era::Old),
        "error parsing: At 2:15: illegal char escape"
    );
}

#[test]
fn the_scanner_runs_past_the_end_of_the_text() {
    assert_eq!(
        said("job \"a\" {\n  region = \"\\x41", Era::New),
        "error parsing: At 2:18: literal not terminated"
    );
    // The old scanner puts back the end of the text: Go panics.
    assert_eq!(
        said("job \"a\" {\n  region = \"\\x41", Era::Old),
        "PANIC bytes.Buffer: UnreadRune: previous operation was not a successful ReadRune"
    );
}

#[test]
fn what_each_era_accepts() {
    // A line end in quotes, lists of lists, a heredoc ended by a suffix.
    let multi = "job \"a\" {\n  region = \"glo\n}\n";
    assert_eq!(
        said(multi, Era::New),
        "error parsing: At 2:16: literal not terminated"
    );
    assert_eq!(
        said(multi, Era::Old),
        "error parsing: At 4:1: literal not terminated"
    );
    let lists = "job \"a\" {\n  meta {\n    x = [[1, 2], [3]]\n  }\n}\n";
    assert_eq!(said(lists, Era::New), "OK");
    assert_eq!(
        said(lists, Era::Old),
        "error parsing: At 3:18: expected: IDENT | STRING | ASSIGN | LBRACE got: LBRACK"
    );
    assert_eq!(said("a = 1,\nb { c = 2, d = 3 }\n", Era::New), "OK");
}

#[test]
fn json_and_non_ascii_letters_are_not_ours_to_tell() {
    assert_eq!(said("  {\"job\": {}}", Era::New), "UNSURE");
    assert_eq!(said("job \"a\" {\n  é = 1\n}\n", Era::New), "UNSURE");
    // Inside quotes a letter decides nothing.
    assert_eq!(said("job \"é\" {\n}\n", Era::New), "OK");
}
