//! A job file that does not parse: `plan` and `validate` print Nomad's own
//! words first (`Error getting job struct: Error parsing job file from
//! <path>:` then hclsyntax's Diagnostics.Error(), command/helpers.go
//! JobGetter and jobspec2/parse.go), per release: Nomad 1.0.0 to 1.8.0
//! vendor an hcl 2.7-era hclsyntax, 1.8.1 on hcl 2.20.2, whose texts
//! differ. The expected texts in tests/fixtures/hcl_syntax/expected-*.tsv
//! are hclsyntax's own (see that folder's README).

use crate::common;

use std::path::Path;

use common::TempDir;
use nomad_preflight::jobspec::hclsyntax::{self, Era};

fn fixtures() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/hcl_syntax"
    ))
}

fn expected(file: &str) -> Vec<(String, String)> {
    common::oracle_expected(&fixtures().join(file))
}

/// What we print where hcl-edit refuses a file or may miss what
/// hclsyntax refuses (the same decision jobspec::parse makes).
fn ours(name: &str, era: Era) -> String {
    let text = std::fs::read_to_string(fixtures().join(name)).expect("fixture");
    let accepted = hcl_edit::parser::parse_body(&text).is_ok();
    if accepted && hclsyntax::hcl_edit_blind_spot(&text).is_none() {
        return "OK".to_string();
    }
    let d = hclsyntax::diagnose(&text, name, era).expect("worded");
    hclsyntax::error_text(&text, name, &d).unwrap_or_else(|| "OK".to_string())
}

#[test]
fn every_fixture_is_worded_as_hclsyntax_words_it_in_both_eras() {
    for (file, era) in [
        ("expected-hcl2.20.tsv", Era::Hcl2_20),
        ("expected-hcl2.7.tsv", Era::Hcl2_7),
    ] {
        let all = expected(file);
        assert!(all.len() >= 60, "{file}");
        let wrong: Vec<String> = all
            .iter()
            .filter(|(name, want)| ours(name, era) != *want)
            .map(|(name, want)| {
                format!(
                    "{name} ({era:?})\n  want {want}\n  got  {}",
                    ours(name, era)
                )
            })
            .collect();
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}

#[test]
fn plan_and_validate_print_nomads_text_first_per_release() {
    let d = TempDir::new("hcl-syntax");
    d.put("a.nomad", "job \"a\" {\n  datacenters = [\"dc1\"] x\n}\n");
    // parser.go finishParsingBodyAttribute, the same in both eras.
    let want = "Error getting job struct: Error parsing job file from a.nomad:\na.nomad:2,25-26: Missing newline after argument; An argument definition must end with a newline.";
    for v in ["1.0.0", "1.8.0", "2.0.5"] {
        let plan = d.run(&["plan", "a.nomad", "--nomad-version", v]);
        assert_eq!(plan.status.code(), Some(255), "{v}");
        assert_eq!(common::stderr_first_lines(&plan, 2), want, "plan {v}");
        let validate = d.run(&["validate", "a.nomad", "--nomad-version", v]);
        assert_eq!(validate.status.code(), Some(1), "{v}");
        assert_eq!(
            common::stderr_first_lines(&validate, 2),
            want,
            "validate {v}"
        );
        // Our located diagnostic follows, with its hint.
        let err = String::from_utf8_lossy(&plan.stderr);
        assert!(err.contains("help: Nomad"), "{err}");
    }
    // An interpolation left open at the end of the file: 2.20 says so
    // (parser_template.go parseTemplateParts); the 2.7 era reports
    // extra characters at the end of the file.
    d.put("b.nomad", "job \"b\" {\n  name = \"${a");
    let new = d.run(&["plan", "b.nomad", "--nomad-version", "1.8.1"]);
    assert_eq!(common::stderr_first_lines(&new, 2), "Error getting job struct: Error parsing job file from b.nomad:\nb.nomad:2,11-13: Unclosed template interpolation sequence; There is no closing brace for this interpolation sequence before the end of the file. This might be caused by incorrect nesting inside the given expression.");
    let old = d.run(&["plan", "b.nomad", "--nomad-version", "1.8.0"]);
    assert_eq!(common::stderr_first_lines(&old, 2), "Error getting job struct: Error parsing job file from b.nomad:\nb.nomad:2,14-14: Extra characters after interpolation expression; Expected a closing brace to end the interpolation expression, but found extra characters.");
}

#[test]
fn several_errors_are_the_first_and_a_count() {
    // hcl's Diagnostics.Error(): the first, then ", and N other
    // diagnostic(s)"; here a missing newline, a missing `=` and a bad
    // escape (parser.go ParseBodyItem, ParseStringLiteralToken).
    let d = TempDir::new("hcl-syntax-many");
    std::fs::copy(fixtures().join("many.hcl"), d.0.join("many.nomad")).unwrap();
    let o = d.run(&["validate", "many.nomad", "--nomad-version", "2.0.5"]);
    assert_eq!(common::stderr_first_lines(&o, 2), "Error getting job struct: Error parsing job file from many.nomad:\nmany.nomad:2,13-14: Missing newline after argument; An argument definition must end with a newline., and 2 other diagnostic(s)");
}

#[test]
fn a_string_past_its_line_end_is_refused_not_planned() {
    // hcl-edit takes a raw line end inside quotes; hclsyntax does not
    // (token.go checkInvalidTokens, then the rest of the file reads as
    // the string). This used to plan as valid.
    let d = TempDir::new("hcl-syntax-multiline");
    d.put("m.nomad", "job \"m\" {\n  datacenters = [\"dc\n1\"]\n}\n");
    let o = d.run(&["plan", "m.nomad", "--nomad-version", "2.0.5"]);
    assert_eq!(o.status.code(), Some(255));
    assert_eq!(common::stderr_first_lines(&o, 2), "Error getting job struct: Error parsing job file from m.nomad:\nm.nomad:2,21-3,1: Invalid multi-line string; Quoted strings may not be split over multiple lines. To produce a multi-line string, either use the \\n escape to represent a newline character or use the \"heredoc\" multi-line template syntax., and 1 other diagnostic(s)");
    // From 0.11 HCL1 refuses it too, in its scanner's words (the HCL1
    // oracle's text: scanString's `literal not terminated` at the line end).
    let o = d.run(&["validate", "m.nomad", "--nomad-version", "0.12.0"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        common::stderr_first_lines(&o, 1),
        "Error getting job struct: Error parsing job file from m.nomad: error parsing: At 2:21: literal not terminated"
    );
    // `check` refuses it as well.
    let o = d.run(&["check", "m.nomad", "--nomad-version", "2.0.5"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("Invalid multi-line string"));
}
