//! Expected texts from hclsyntax itself (hcl v2.20.2-nomad-1 and the
//! 2.7-era commit Nomad 1.0.0 vendors), run on the same input by the
//! oracle in tests/hcl-oracle; each names the parser function that words it.

use super::*;
use crate::version::NomadVersion;

fn first(text: &str, era: Era) -> String {
    let d = diagnose(text, "a.nomad", era).expect("worded");
    error_text(text, "a.nomad", &d).unwrap_or_default()
}

#[test]
fn missing_newline_after_argument() {
    // parser.go finishParsingBodyAttribute
    assert_eq!(
        first("job \"a\" {\n  datacenters = [\"dc1\"] x\n}\n", Era::Hcl2_20),
        "a.nomad:2,25-26: Missing newline after argument; An argument definition must end with a newline."
    );
}

#[test]
fn eras_follow_the_vendored_hcl() {
    // go.mod at each tag: hcl/v2 2.7.1-0.20201020 at v1.0.0 ... 2.9.2-0.20220525
    // at v1.8.0, 2.20.2-0.20240517 (= v2.20.2-nomad-1) from v1.8.1.
    let v = |s: &str| s.parse::<NomadVersion>().unwrap();
    assert_eq!(Era::of(v("0.12.12")), None);
    assert_eq!(Era::of(v("1.0.0")), Some(Era::Hcl2_7));
    assert_eq!(Era::of(v("1.8.0")), Some(Era::Hcl2_7));
    assert_eq!(Era::of(v("1.8.1")), Some(Era::Hcl2_20));
    assert_eq!(Era::of(v("2.0.5")), Some(Era::Hcl2_20));
}

#[test]
fn end_of_file_wordings_are_2_20s() {
    // parser.go parseExpressionTerm: "Missing expression" from 2.20.
    let text = "job \"a\" {\n  count =";
    assert_eq!(
        first(text, Era::Hcl2_20),
        "a.nomad:2,10-10: Missing expression; Expected the start of an expression, but found the end of the file."
    );
    assert_eq!(
        first(text, Era::Hcl2_7),
        "a.nomad:2,10-10: Invalid expression; Expected the start of an expression, but found an invalid expression token."
    );
    // `::` is one token from 2.20 (scan_tokens.rl DoubleColon).
    let text = "job \"a\" {\n  name = a::b::3()\n}\n";
    assert!(first(text, Era::Hcl2_20).contains("2,16-17: Missing function name"));
    assert!(first(text, Era::Hcl2_7).contains("2,11-12: Missing newline after argument"));
}

#[test]
fn a_redefined_argument_names_the_first_place() {
    // parser.go ParseBody: "Attribute redefined" with NameRange.String().
    assert_eq!(
        first("job \"a\" {\n  count = 1\n  count = 2\n}\n", Era::Hcl2_20),
        "a.nomad:3,3-8: Attribute redefined; The argument \"count\" was already set at a.nomad:2,3-8. Each argument may be set only once."
    );
}

#[test]
fn blind_spots_of_hcl_edit_are_found_in_one_pass() {
    assert_eq!(hcl_edit_blind_spot("a = \"x\ny\"\n"), Some(6));
    assert_eq!(hcl_edit_blind_spot("a = 1.2.3\n"), Some(4));
    assert_eq!(hcl_edit_blind_spot("a = b.1.2\n"), Some(6));
    assert!(hcl_edit_blind_spot("a = b.*.*\n").is_some());
    // Heredocs, comments, escapes and interpolations are fine.
    assert_eq!(
        hcl_edit_blind_spot("a = <<EOT\nx\"\nEOT\n# \"\nb = \"\\n${c.0}\"\nd = 1.5e3\n"),
        None
    );
}

#[test]
fn deep_expressions_are_not_followed() {
    // Go's stacks grow; ours do not: past the bound, "cannot tell".
    let text = format!("a = {}1\n", "true ? 1 : ".repeat(5_000));
    assert_eq!(diagnose(&text, "a.nomad", Era::Hcl2_20), None);
}

#[test]
fn ranges_span_lines_and_count_characters() {
    assert_eq!(range_string("ab\ncd", "f", (1, 4)), "f:1,2-2,2");
    assert_eq!(range_string("é x", "f", (3, 4)), "f:1,3-4");
}
