//! Before 1.0, a job file HCL1 does not parse: `plan` and `validate` print
//! Nomad's own words (`Error getting job struct: Error parsing job file from
//! <path>: error parsing: At 2:5: ...`: command/helpers.go JobGetter.ApiJob,
//! jobspec/parse.go Parse, hcl v1's parser.PosError). The expected texts in
//! tests/fixtures/hcl1_syntax/expected-hcl1-*.tsv are hcl v1's own, printed
//! by the oracles tests/hcl-oracle/build.sh builds from the hcl v1 that
//! Nomad 0.10.9 (parser 6e968a3f, 0.8.0 to 0.10.9) and 0.12.12 (914dc3f8,
//! 0.11.0 to 0.12.12) vendor (see that folder's README).

use crate::common;

use std::path::Path;

use common::TempDir;
use nomad_preflight::jobspec::hcl1_syntax::{judge, Era, Verdict};

fn fixtures() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/hcl1_syntax"
    ))
}

/// (file, answer, lines `illegal` hcl v1 printed on stdout before it).
fn expected(file: &str) -> Vec<(String, String, usize)> {
    let text = std::fs::read_to_string(fixtures().join(file)).expect("expected texts");
    let mut out = Vec::new();
    let mut illegal = 0;
    for line in text.lines() {
        match line.split_once('\t') {
            Some((f, e)) => {
                out.push((f.to_string(), common::oracle_unescape(e), illegal));
                illegal = 0;
            }
            None if line == "illegal" => illegal += 1,
            None => panic!("{file}: {line}"),
        }
    }
    out
}

fn ours(name: &str, era: Era) -> (String, usize) {
    let bytes = std::fs::read(fixtures().join(name)).expect("fixture");
    match judge(&bytes, era) {
        Verdict::Accepts => ("OK".into(), 0),
        Verdict::Refuses {
            text,
            illegal_printed,
            ..
        } => (text, illegal_printed),
        Verdict::Panics(v) => (format!("PANIC {v}"), 0),
        Verdict::CannotTell | Verdict::UnknownLetter(_) => ("UNSURE".into(), 0),
    }
}

#[test]
fn every_fixture_is_judged_as_hcl_v1_judges_it_in_both_eras() {
    for (file, era) in [
        ("expected-hcl1-old.tsv", Era::Old),
        ("expected-hcl1-new.tsv", Era::New),
    ] {
        let all = expected(file);
        assert!(all.len() >= 75, "{file}");
        let wrong: Vec<String> = all
            .iter()
            .filter(|(name, want, illegal)| ours(name, era) != (want.clone(), *illegal))
            .map(|(name, want, illegal)| {
                format!(
                    "{name} ({era:?})\n  want {want} ({illegal} illegal)\n  got  {:?}",
                    ours(name, era)
                )
            })
            .collect();
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}

fn first_line(o: &std::process::Output) -> String {
    let err = String::from_utf8_lossy(&o.stderr);
    err.lines()
        .find(|l| !l.starts_with("note: "))
        .unwrap_or("")
        .to_string()
}

#[test]
fn plan_and_validate_print_hcl1s_words_before_1_0() {
    let d = TempDir::new("hcl1-syntax");
    // A key without a value: placed from 0.11 (hcl 914dc3f8 made it a
    // PosError), not before.
    d.put(
        "a.nomad",
        "job \"a\" {\n  group \"g\" {\n    count\n  }\n}\n",
    );
    for (v, want) in [
        ("0.9.3", "Error getting job struct: Error parsing job file from a.nomad: error parsing: key 'count' expected start of object ('{') or assignment ('=')"),
        ("0.12.12", "Error getting job struct: Error parsing job file from a.nomad: error parsing: At 4:3: key 'count' expected start of object ('{') or assignment ('=')"),
    ] {
        let plan = d.run(&["plan", "a.nomad", "--nomad-version", v]);
        assert_eq!(plan.status.code(), Some(255), "{v}");
        assert_eq!(first_line(&plan), want, "plan {v}");
        let validate = d.run(&["validate", "a.nomad", "--nomad-version", v]);
        assert_eq!(validate.status.code(), Some(1), "{v}");
        assert_eq!(first_line(&validate), want, "validate {v}");
    }
}

#[test]
fn an_hcl2_file_is_refused_before_1_0_and_planned_from_it() {
    // hcl-edit reads it; HCL1 has no expressions outside `${}`. Texts
    // from the HCL1 oracles (oracle-hcl1-old and -new agree).
    let d = TempDir::new("hcl1-hcl2-file");
    d.put(
        "a.nomad",
        "job \"a\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    count = 1 + 1\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"x\"\n      }\n    }\n  }\n}\n",
    );
    let old = d.run(&["validate", "a.nomad", "--nomad-version", "0.12.12"]);
    assert_eq!(
        first_line(&old),
        "Error getting job struct: Error parsing job file from a.nomad: error parsing: At 4:15: expected: IDENT | STRING | ASSIGN | LBRACE got: ADD"
    );
    let new = d.run(&["validate", "a.nomad", "--nomad-version", "1.0.0"]);
    assert_eq!(new.status.code(), Some(0), "{}", first_line(&new));
}

#[test]
fn a_multi_line_string_parses_before_0_11_only() {
    let d = TempDir::new("hcl1-multiline");
    d.put(
        "a.nomad",
        "job \"a\" {\n  datacenters = [\"dc1\"]\n  meta {\n    note = \"two\nlines\"\n  }\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"x\"\n      }\n    }\n  }\n}\n",
    );
    let new = d.run(&["validate", "a.nomad", "--nomad-version", "0.11.0"]);
    assert_eq!(
        first_line(&new),
        "Error getting job struct: Error parsing job file from a.nomad: error parsing: At 5:7: literal not terminated"
    );
    let old = d.run(&["validate", "a.nomad", "--nomad-version", "0.10.9"]);
    assert_eq!(
        old.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&old.stderr)
    );
}
