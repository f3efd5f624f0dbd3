//! A job file whose expressions fail to evaluate: `validate` and `plan`
//! print Nomad's words (jobspec2's decode joins every hcl.Diagnostic's
//! Error() one a line after `Error parsing job file from <path>:`), with
//! hclsyntax's summary, detail and range for function calls (unknown
//! name, argument count, argument types, the function's own error), `for`
//! expressions, template directives and interpolations, conditionals,
//! operators and object keys, per hclsyntax and go-cty release. The
//! expected texts in tests/fixtures/hcl_eval/expected-*.tsv are
//! hclsyntax's own (see that folder's README).

use crate::common;

use std::path::Path;

use common::TempDir;

fn fixtures() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/hcl_eval"
    ))
}

fn expected(file: &str) -> Vec<(String, String)> {
    common::oracle_expected(&fixtures().join(file))
}

/// The evaluation errors `validate` prints for `name` under `version`:
/// the lines after the parser's header, up to our own diagnostics (their
/// code line, `jobspec::...`), without the blank lines before them (a
/// `try` text has blank lines of its own); `OK` when the file is not
/// refused at evaluation.
fn ours(dir: &TempDir, name: &str, version: &str) -> String {
    let o = dir.run(&["validate", "--no-cache", "--nomad-version", version, name]);
    let stderr = String::from_utf8_lossy(&o.stderr).to_string();
    let header = format!("Error getting job struct: Error parsing job file from {name}:");
    let Some(rest) = stderr.split_once(&header).map(|(_, r)| r) else {
        // Where Nomad's answer is not known here: the one line saying so
        // (exit 255), never taken for a pass.
        if let Some(line) = stderr.lines().find(|l| l.starts_with("error: cannot tell")) {
            assert_eq!(o.status.code(), Some(255), "{name}: {stderr}");
            return line.to_string();
        }
        return "OK".to_string();
    };
    let lines: Vec<&str> = rest
        .lines()
        .skip(1)
        .take_while(|l| !l.contains("::"))
        .collect();
    lines.join("\n").trim_end().to_string()
}

/// Where the hcl 2.7 / go-cty 1.4.1 oracle is not Nomad 1.0.0: it is built
/// with Go 1.22 (Nomad 1.0.0 with Go 1.15.5) and holds the newest function
/// table. [`as_1_0_0_where_the_oracle_is_not`] checks these.
const NOT_AS_1_0_0: &[(&str, &str)] = &[
    // Go 1.17 changed encoding/csv's column count: ours says it cannot tell.
    (
        "fn_csvdecode_bare_quote.nomad",
        "cannot tell the column Go 1.15.5",
    ),
    (
        "fn_csvdecode_quote.nomad",
        "cannot tell the column Go 1.15.5",
    ),
    // Go 1.17's time.Parse took `,` before fractional seconds.
    (
        "fn_timestamp_forms.nomad",
        "cannot use \",5Z\" as UTC offset",
    ),
    // filebase64 arrived in Nomad 1.3.2 (jobspec2/functions.go).
    (
        "fn_filebase64_missing.nomad",
        "There is no function named \"filebase64\"",
    ),
];

#[test]
fn as_1_0_0_where_the_oracle_is_not() {
    let dir = TempDir::new("hcl-eval-1.0.0");
    for (name, want) in NOT_AS_1_0_0 {
        let text = std::fs::read_to_string(fixtures().join(name)).expect("fixture");
        dir.put(name, &text);
        let got = ours(&dir, name, "1.0.0");
        assert!(got.contains(want), "{name}: {got}");
    }
}

#[test]
fn every_fixture_is_worded_as_hclsyntax_words_it_per_release() {
    let dir = TempDir::new("hcl-eval");
    for entry in std::fs::read_dir(fixtures()).expect("fixtures") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "nomad") {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            dir.put(name, &std::fs::read_to_string(&path).expect("fixture"));
        }
    }
    for (file, version) in [
        ("expected-hcl2.7-cty1.4.1.tsv", "1.0.0"),
        ("expected-hcl2.9-cty1.12.1.tsv", "1.6.0"),
        ("expected-hcl2.20-cty1.13.0.tsv", "1.9.0"),
        ("expected-hcl2.20-cty1.16.3.tsv", "1.10.2"),
        ("expected-hcl2.20-cty1.17.0.tsv", "1.11.0"),
        ("expected-hcl2.20-cty1.18.1.tsv", "2.0.1"),
    ] {
        let all = expected(file);
        assert!(all.len() >= 60, "{file}");
        let wrong: Vec<String> = all
            .iter()
            .filter(|(name, _)| version != "1.0.0" || !NOT_AS_1_0_0.iter().any(|(n, _)| n == name))
            .filter_map(|(name, want)| {
                let got = ours(&dir, name, version);
                (got != *want).then(|| format!("{name} ({version})\n  want {want}\n  got  {got}"))
            })
            .collect();
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}

/// `plan` refuses the same way (exit 255) and `validate` exits 1; from
/// go-cty 1.16.3 (Nomad 1.10.2, and 2.0.5) the conversion names the type
/// it got.
#[test]
fn plan_and_validate_print_the_evaluation_errors_first() {
    let d = TempDir::new("hcl-eval-plan");
    d.put(
        "a.nomad",
        "job \"a\" {\n  datacenters = [\"dc1\"]\n  meta {\n    x = upper([\"a\"])\n    y = [for v in 5 : v]\n  }\n  group \"g\" {\n    task \"t\" {\n      driver = \"exec\"\n    }\n  }\n}\n",
    );
    let old = "Error getting job struct: Error parsing job file from a.nomad:\na.nomad:4,15-16: Invalid function argument; Invalid value for \"str\" parameter: string required.\na.nomad:5,19-20: Iteration over non-iterable value; A value of type number cannot be used as the collection in a 'for' expression.";
    let new = old.replace("string required.", "string required, but have tuple.");
    for (v, want) in [("1.6.0", old.to_string()), ("2.0.5", new)] {
        let plan = d.run(&["plan", "--no-cache", "a.nomad", "--nomad-version", v]);
        assert_eq!(plan.status.code(), Some(255), "{v}");
        assert_eq!(common::stderr_first_lines(&plan, 3), want, "plan {v}");
        let validate = d.run(&["validate", "--no-cache", "a.nomad", "--nomad-version", v]);
        assert_eq!(validate.status.code(), Some(1), "{v}");
        assert_eq!(
            common::stderr_first_lines(&validate, 3),
            want,
            "validate {v}"
        );
    }
}

/// Before go-cty 1.12 (Nomad 1.4.0 to 1.4.4 among others) `values` names
/// its parameter `values`, later `mapping` (the oracle at go-cty 1.12.1
/// says `mapping`; go-cty 1.11's collection.go, `values`); `lookup` takes
/// three arguments in every release Nomad ships.
#[test]
fn parameter_names_follow_the_releases_go_cty() {
    let d = TempDir::new("hcl-eval-params");
    d.put(
        "a.nomad",
        "job \"a\" {\n  datacenters = [\"dc1\"]\n  meta {\n    x = join(\",\", values(null))\n    y = lookup({}, \"k\")\n  }\n  group \"g\" {\n    task \"t\" {\n      driver = \"exec\"\n    }\n  }\n}\n",
    );
    let lookup = "a.nomad:5,23-24: Not enough function arguments; Function \"lookup\" expects 3 argument(s). Missing value for \"default\".";
    for (v, name) in [
        ("1.4.4", "values"),
        ("1.4.5", "mapping"),
        ("1.3.9", "values"),
        ("1.3.10", "mapping"),
    ] {
        let o = d.run(&["validate", "--no-cache", "a.nomad", "--nomad-version", v]);
        let want = format!("Error getting job struct: Error parsing job file from a.nomad:\na.nomad:4,26-30: Invalid function argument; Invalid value for \"{name}\" parameter: argument must not be null.\n{lookup}");
        assert_eq!(common::stderr_first_lines(&o, 3), want, "{v}");
    }
}

/// `can` and `try` turn an argument's error into their answer; a read we
/// refuse is no error Nomad would have had (Nomad reads the file), so
/// it is no answer: the refusal stands, never `false` or the fallback.
#[test]
fn can_and_try_are_not_decided_by_our_own_refusals() {
    let d = TempDir::new("hcl-eval-can-refused");
    d.put(
        "a.nomad",
        "job \"a\" {\n  datacenters = [\"dc1\"]\n  meta {\n    x = can(file(\"/etc/hostname\"))\n    y = try(file(\"/etc/hostname\"), \"d\")\n  }\n  group \"g\" {\n    task \"t\" {\n      driver = \"exec\"\n    }\n  }\n}\n",
    );
    let o = d.run(&[
        "validate",
        "--no-cache",
        "--nomad-version",
        "2.0.1",
        "a.nomad",
    ]);
    // What Nomad says is not known (it reads the file): exit 255, not
    // Nomad's "invalid".
    assert_eq!(o.status.code(), Some(255));
    let got = String::from_utf8_lossy(&o.stderr);
    let refused = "error: cannot tell what Nomad says of this job file: Error in function call `file`: refusing to read \"/etc/hostname\"";
    assert!(got.lines().any(|l| l.starts_with(refused)), "{got}");
    // Both calls stay refused, each a located diagnostic.
    assert_eq!(got.matches("jobspec::file-access").count(), 2, "{got}");
}

/// Our refusals are known by their type, not their words: a missing file
/// whose name reads like one is Nomad's own error (go-cty-funcs
/// readFileBytes, `no file exists at`), exit 1, never "cannot tell".
#[test]
fn a_missing_file_is_nomads_error_whatever_its_name_says() {
    let d = TempDir::new("hcl-eval-refusal-lookalike");
    d.put(
        "a.nomad",
        "job \"a\" {\n  datacenters = [\"dc1\"]\n  meta {\n    x = file(\"refusing to read\")\n  }\n  group \"g\" {\n    task \"t\" {\n      driver = \"exec\"\n    }\n  }\n}\n",
    );
    let o = d.run(&[
        "validate",
        "--no-cache",
        "--nomad-version",
        "2.0.1",
        "a.nomad",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        ours(&d, "a.nomad", "2.0.1"),
        "a.nomad:4,9-14: Error in function call; Call to function \"file\" failed: no file exists at refusing to read."
    );
}
