//! Texts from the HCL1 oracles (tests/hcl-oracle/build.sh), built from
//! hcl v1 as Nomad 0.10.9 and 0.12.12 vendor it; the fixtures in
//! tests/fixtures/hcl1_syntax hold the rest.

use super::{judge, Era, Verdict};

fn said(text: &str, era: Era) -> String {
    match judge(text.as_bytes(), era) {
        Verdict::Accepts => "OK".into(),
        Verdict::Refuses { text, .. } => text,
        Verdict::Panics(v) => format!("PANIC {v}"),
        Verdict::CannotTell | Verdict::UnknownLetter(_) => "UNSURE".into(),
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
    // A letter Unicode 9 had is one to every pre-1.0 Go; U+A7C0 (Unicode
    // 14) may not be.
    assert_eq!(said("job \"a\" {\n  é = 1\n}\n", Era::New), "OK");
    assert_eq!(
        said("job \"a\" {\n  a\u{A7C0} = 1\n}\n", Era::New),
        "UNSURE"
    );
    // Inside quotes a letter decides nothing.
    assert_eq!(said("job \"é\" {\n}\n", Era::New), "OK");
}

/// The literals read during the parse ([`super::check`]) are the ones
/// [`super::literal::unreadable`] finds in a scan of its own, in both
/// eras: readable files, each kind of unreadable literal, and the first of
/// several; where the bytes parsed are not the text, nothing is read.
#[test]
fn literals_read_in_the_parse_are_the_scans() {
    use super::{check, literal, Literals};
    use crate::source::SourceFile;
    use crate::version::NomadVersion;
    let texts = [
        include_str!("../../../jobs/sockshop.nomad"),
        include_str!("../../../jobs/monitoring.nomad"),
        "a = 1\nb = \"\\xff\"\n",
        "a = 010\nb = \"%{x}\"\n",
        "a = 99999999999999999999\n",
        "a = [1e400, \"x\"]\n",
        "# \"\\xff\" in a comment\na = \"ok\" // 1e400\n",
        "a = <<EOF\nplain ${x}\nEOF\nb = \"\\U00110000\"\n",
        "a = \"${lookup(a, \\\"b\\\")}\"\nb = -0x1f\nc = .5\nd = \"\\U0010ffff\\u00e9\"\n",
        "a = \"x\"\nb = 99999999999999999999\nc = \"\\xff\"\n",
        "job \"j\" {\n  meta {\n    k = \"\\101\"\n  }\n}\n",
    ];
    let mut unreadable = 0;
    for (version, era) in [((0, 9, 3), Era::Old), ((0, 12, 12), Era::New)] {
        let v = NomadVersion::new(version.0, version.1, version.2);
        for text in texts {
            let src = SourceFile::inline("j.nomad", text);
            let Some(Ok(literals)) = check(&src, v) else {
                panic!("hcl v1 refused {text:?}");
            };
            assert_eq!(
                literals,
                Literals::Read(literal::unreadable(text, era)),
                "{text:?} {era:?}"
            );
            unreadable += usize::from(literals != Literals::Read(None));
        }
    }
    // Five texts hold a literal hcl v1 cannot read, in each era.
    assert_eq!(unreadable, 10);
    let crlf = SourceFile::inline("j.nomad", "a = \"x\"\r\nb = \"\\xff\"\r\n");
    let v = NomadVersion::new(0, 12, 12);
    assert_eq!(
        check(&crlf, v).and_then(Result::ok),
        Some(Literals::NotRead)
    );
}

/// The ASCII shortcut of `read_as_json` answers as the chunked reading
/// of the whole text does (guard: the answers were the same before it).
#[test]
fn json_is_told_by_the_first_character_past_white_space() {
    fn chunked(bytes: &[u8]) -> bool {
        for chunk in bytes.utf8_chunks() {
            if let Some(c) = chunk.valid().trim_start().chars().next() {
                return c == '{';
            }
            if !chunk.invalid().is_empty() {
                return false;
            }
        }
        false
    }
    let cases: [&[u8]; 11] = [
        b"",
        b" \t\r\n\x0b\x0c",
        b"{}",
        b" \n {\"job\": 1}",
        b"job \"a\" {}",
        b"\xff{",
        b"  \xef\xbb\xbf{",
        b"\xc2\x85{",
        b"\xe3\x80\x80{",
        b"\n\x00{",
        b"  #{",
    ];
    for bytes in cases {
        assert_eq!(super::read_as_json(bytes), chunked(bytes), "{bytes:?}");
    }
}
