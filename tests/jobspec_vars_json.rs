//! A var file jobspec2 reads as JSON (its first byte other than a space
//! is `{`, parse.go parseHCLOrJSON) and hcl's JSON parser refuses:
//! `validate` and `plan` print Nomad's error, `unable to parse var file: `
//! (parse.go decode, 1.0.6 on; before, the diagnostics alone) and
//! hcl.Diagnostics.Error(), the first diagnostic and how many others hcl's
//! recovering parser found. The texts are hcl's (json/parser.go
//! parseValue, parseObject, parseArray, parseNumber, parseString,
//! parseKeyword; json/public.go Parse's "Root value must be object";
//! json/scanner.go's columns), the same at every hcl Nomad vendors
//! (68a97f93bb48 for 1.0.0, v2.20.2-nomad-1 from 1.8.1: json/ differs
//! only in go-textseg's Unicode tables). Every expected line is what
//! tests/hcl-oracle/hcljson.go prints, built at both commits
//! (oracle-json-old, oracle-json-new: the same output for all cases).

use crate::common;

use common::var_files::{args, run};
use common::TempDir;

const JOB: &str = r#"variable "n" {
  type = number
}

variable "s" {
  default = "x"
}

variable "l" {
  default = [1]
}

variable "o" {
  default = {a = 1}
}

job "j" {
  datacenters = ["dc1"]
  group "g" {
    task "t" {
      driver = "exec"
      config {
        command = "/bin/true"
      }
    }
  }
}
"#;

/// `cmd` under `version` with `-var-file` for each of `files`: its exit
/// code and the head of stderr as long as `want`.
fn said(d: &TempDir, cmd: &str, version: &str, files: &[&str], lines: usize) -> (i32, String) {
    let (code, err) = run(d, &args(cmd, version, "-var-file", files));
    let head: Vec<&str> = err.lines().take(lines).collect();
    (code, head.join("\n"))
}

/// `validate` (exit 1) and `plan` (exit 255) print jobspec2's error.
fn refused(d: &TempDir, version: &str, files: &[&str], want: &str) {
    let want = format!("Error getting job struct: Error parsing job file from j.nomad:\n{want}");
    for (cmd, code) in [("validate", 1), ("plan", 255)] {
        let (got, head) = said(d, cmd, version, files, want.lines().count());
        assert_eq!(
            (got, head.as_str()),
            (code, want.as_str()),
            "{cmd} {version} {files:?}"
        );
    }
}

/// hcl.Diagnostics.Error().
fn error(first: &str, others: usize) -> String {
    match others {
        0 => first.to_string(),
        n => format!("{first}, and {n} other diagnostic(s)"),
    }
}

/// One file per diagnostic hcl's JSON parser makes, and the ways it
/// recovers: (file, first diagnostic, how many others).
const CASES: &[(&str, &str, usize)] = &[
    ("{\"n\": tru, \"s\": fals}", "v.json:1,7-10: Invalid JSON keyword; \"tru\" is not a valid JSON keyword. Did you mean \"true\"?", 1),
    ("{\"n\": NaN}", "v.json:1,7-10: Invalid JSON keyword; The JavaScript identifier \"NaN\" cannot be used in JSON.", 0),
    ("{\"n\" 1}", "v.json:1,6-7: Missing property value colon; A colon must appear between an object property's name and its value.", 1),
    ("{\"n\" = 1}", "v.json:1,6-7: Missing property value colon; JSON uses a colon as its name/value delimiter, not an equals sign.", 1),
    ("{\"n\", \"s\": \"x\"}", "v.json:1,5-6: Missing object value; A JSON object attribute must have a value, introduced by a colon.", 1),
    ("{\"n\": 1,}\n", "v.json:1,8-9: Trailing comma in object; JSON does not permit a trailing comma after the final property in an object.", 1),
    ("{\"l\": [1,]}", "v.json:1,9-10: Trailing comma in array; JSON does not permit a trailing comma after the final value in an array.", 2),
    ("{\"o\": {\"a\": 1], \"n\": 2}", "v.json:1,15-16: Mismatched braces; A JSON object must be closed with a brace, not a bracket.", 0),
    ("{\"l\": [1}, \"n\": 2}", "v.json:1,19-19: Mismatched brackets; A JSON array must be closed with a bracket, not a brace.", 2),
    ("{\"l\": [1: 2], \"n\": 2}", "v.json:1,13-14: Invalid array value; A colon is not used to introduce values in a JSON array.", 0),
    ("{\"n\": 1", "v.json:1,1-2: Unclosed object; No closing brace was found for this JSON object.", 1),
    ("{\"l\": [1, 2", "v.json:1,7-8: Unclosed object; No closing bracket was found for this JSON array.", 2),
    ("{\"n\": 1 \"s\": \"x\"}", "v.json:1,18-18: Missing attribute seperator comma; A comma must appear between each property definition in an object.", 1),
    ("{\"l\": [1 2], \"n\": 2}", "v.json:1,12-13: Missing attribute seperator comma; A comma must appear between each value in an array.", 0),
    ("{\"n\": 01}", "v.json:1,7-9: Invalid JSON number; There is a syntax error in the given JSON number.", 0),
    ("{\"s\": \"a\\qb\"}", "v.json:1,11-12: Invalid JSON string; There is a syntax error in the given JSON string.", 0),
    ("{\"n\": @}", "v.json:1,7-8: Invalid start of value; A JSON value must start with a brace, a bracket, a number, a string, or a keyword.", 2),
    ("{\"n\": }", "v.json:1,7-8: Missing JSON value; A JSON value must start with a brace, a bracket, a number, a string, or a keyword.", 0),
    ("{\"n\": ]}", "v.json:1,7-8: Missing array element value; A JSON value must start with a brace, a bracket, a number, a string, or a keyword.", 2),
    ("{\"n\":", "v.json:1,6-6: Missing value; The JSON data ends prematurely.", 2),
    ("{1: 2}", "v.json:1,2-3: Invalid object property name; A JSON object property name must be a string", 1),
    ("{\"n\": 1} {\"s\": \"x\"}", "v.json:1,10-11: Extraneous data after value; Extra characters appear after the JSON value.", 0),
    ("{\"s\": \"a\\u12G4\", \"n\": +1}", "v.json:1,14-15: Invalid JSON string; There is a syntax error in the given JSON string.", 1),
    ("{\n\t\"s\": \"\\u00e9\\x\"}", "v.json:2,17-18: Invalid JSON string; There is a syntax error in the given JSON string.", 0),
];

#[test]
fn each_json_syntax_error_is_worded_as_hcl_words_it() {
    let d = TempDir::new("jobspec-vars-json-syntax");
    d.put("j.nomad", JOB);
    for (text, first, others) in CASES {
        d.put("v.json", text);
        let want = format!("unable to parse var file: {}", error(first, *others));
        let want =
            format!("Error getting job struct: Error parsing job file from j.nomad:\n{want}");
        let (code, head) = said(&d, "validate", "1.6.0", &["v.json"], 2);
        assert_eq!((code, head.as_str()), (1, want.as_str()), "{text:?}");
    }
}

/// Recovery: a refused value leaves an invalid node and the object goes
/// on (two keywords); a refused object leaves its parent to find its
/// close (`Mismatched braces` named at the token after the bracket), and
/// a root that is not an object is refused again. Before 1.0.6 jobspec2
/// returned the diagnostics without the prefix (parse.go decode at
/// v1.0.0: the job file's, then every var file's, as one list).
#[test]
fn recovered_diagnostics_are_counted_per_release() {
    let d = TempDir::new("jobspec-vars-json-recovery");
    d.put("j.nomad", JOB);
    d.put("v.json", CASES[0].0);
    d.put("w.json", CASES[6].0);
    let two = error(CASES[0].1, 1);
    let three = error(CASES[6].1.replace("v.json", "w.json").as_str(), 2);
    for v in ["1.6.0", "2.0.5"] {
        refused(
            &d,
            v,
            &["v.json"],
            &format!("unable to parse var file: {two}"),
        );
        // The first file refused ends the decode.
        refused(
            &d,
            v,
            &["w.json", "v.json"],
            &format!("unable to parse var file: {three}"),
        );
    }
    refused(&d, "1.0.1", &["v.json"], &two);
    // 1.0.1: every file's diagnostics in one list (1.0.0 passes no var
    // file to jobspec2; 1.0.2 to 1.0.5 decode on with them, not followed).
    let all = error(CASES[6].1.replace("v.json", "w.json").as_str(), 4);
    refused(&d, "1.0.1", &["w.json", "v.json"], &all);
    let (code, err) = said(&d, "validate", "1.0.5", &["w.json", "v.json"], 1);
    assert_eq!(code, 255, "{err}");
    assert!(err.contains("1.0.2 to 1.0.5"), "{err}");
}

/// A JSON var file's columns are hcl's JSON scanner's: a tab is two
/// columns (json/scanner.go skipWhitespace), so the value refused below
/// is at 2,9-12 (oracle-json-old/-new print `n = t.json:2,9-12` for the
/// same text), where hclsyntax's count would say 2,7-10.
#[test]
fn a_tab_indented_json_value_is_named_at_hcl_s_json_columns() {
    let d = TempDir::new("jobspec-vars-json-tabs");
    d.put("j.nomad", JOB);
    d.put("v.json", "{\n\t\"n\":\t\"x\"\n}\n");
    refused(
        &d,
        "1.6.0",
        &["v.json"],
        "v.json:2,9-12: Invalid value for variable; The value for n is not compatible with the variable's type constraint: a number is required.",
    );
}

/// A column after a character that may join a grapheme cluster (hcl
/// counts clusters with go-textseg, Unicode 12 or 15 by release) is not
/// counted here: "cannot tell" (exit 255), never a guessed position.
#[test]
fn a_column_after_a_combining_mark_is_not_guessed() {
    let d = TempDir::new("jobspec-vars-json-graphemes");
    d.put("j.nomad", JOB);
    d.put("v.json", "{\"s\": \"e\u{301}\", \"n\": tru}");
    let (code, err) = said(&d, "validate", "1.6.0", &["v.json"], 1);
    assert_eq!(code, 255, "{err}");
    assert!(
        err.starts_with("error: cannot tell what Nomad 1.6.0 says of the variables' values: it reads var file v.json (JSON, by its first byte `{`) in ways this tool does not follow"),
        "{err}"
    );
    // On the next line the count starts again: Nomad's words.
    d.put("v.json", "{\"s\": \"e\u{301}\",\n \"n\": tru}");
    refused(
        &d,
        "1.6.0",
        &["v.json"],
        "unable to parse var file: v.json:2,7-10: Invalid JSON keyword; \"tru\" is not a valid JSON keyword. Did you mean \"true\"?",
    );
}

/// A file hcl's JSON parser reads is read as before: its values meet the
/// variables' types, and one the job file does not use is accepted.
#[test]
fn a_valid_json_var_file_still_reads() {
    let d = TempDir::new("jobspec-vars-json-valid");
    d.put("j.nomad", JOB);
    d.put(
        "v.json",
        "{\"n\": 2, \"s\": \"\\u00e9\\ud83d\\ude00\", \"l\": [3], \"o\": {\"a\": 3}}",
    );
    let (code, err) = run(
        &d,
        &[
            "validate",
            "--nomad-version",
            "1.6.0",
            "-var-file",
            "v.json",
            "j.nomad",
        ],
    );
    assert_eq!(code, 0, "{err}");
}

/// A job file beginning with `{` is JSON to jobspec2 too (parse.go
/// decode: parseHCLOrJSON on the job file, then `return diags`): hcl's
/// JSON parser's refusal is Nomad's error (oracle-json-old/-new:
/// `j.json:1,38-39: Trailing comma in object; ...`, nothing else, the
/// inner object's failure leaving the outer ones to close). A file it
/// reads is decoded from hcl's JSON body as its native twin is. We
/// refused both with hclsyntax's `Argument or block
/// definition required`, which Nomad never says of them.
#[test]
fn a_json_job_file_is_read_by_hcl_s_json_parser() {
    let d = TempDir::new("jobspec-vars-json-job");
    d.put(
        "j.json",
        "{\"job\": {\"j\": {\"datacenters\": [\"dc1\"],}}}\n",
    );
    let want = "Error getting job struct: Error parsing job file from j.json:\nj.json:1,38-39: Trailing comma in object; JSON does not permit a trailing comma after the final property in an object.";
    for (cmd, code) in [("validate", 1), ("plan", 255)] {
        for v in ["1.0.0", "1.6.0", "2.0.5"] {
            let (got, err) = run(&d, &[cmd, "--nomad-version", v, "j.json"]);
            let head: Vec<&str> = err.lines().take(2).collect();
            assert_eq!((got, head.join("\n").as_str()), (code, want), "{cmd} {v}");
        }
    }
    // 1.0.6 until 1aa3b56108's early return (1.0.18, 1.1.12, 1.2.6),
    // decode went on to decodeBody with the part hcl read, and printed
    // every diagnostic one a line: not followed here.
    for v in ["1.0.6", "1.1.11", "1.2.5"] {
        let (got, err) = run(&d, &["validate", "--nomad-version", v, "j.json"]);
        assert_eq!(got, 255, "{v}: {err}");
        assert!(err.contains("still decodes the part it read"), "{v}: {err}");
    }
    for v in ["1.0.18", "1.1.12", "1.2.6"] {
        let (got, err) = run(&d, &["validate", "--nomad-version", v, "j.json"]);
        let head: Vec<&str> = err.lines().take(2).collect();
        assert_eq!((got, head.join("\n").as_str()), (1, want), "{v}");
    }
    // A file it reads is decoded from its JSON body as jobspec2 decodes
    // it (json_body.rs): the same verdict as its native twin's.
    d.put(
        "j.json",
        "{\"job\": {\"j\": {\"datacenters\": [\"dc1\"]}}}\n",
    );
    d.put("j.nomad", "job \"j\" {\n  datacenters = [\"dc1\"]\n}\n");
    let (got, err) = run(&d, &["validate", "--nomad-version", "1.6.0", "j.json"]);
    let twin = run(&d, &["validate", "--nomad-version", "1.6.0", "j.nomad"]);
    // Nomad's text and the exit code; our excerpt shows each file's own.
    let nomad = |e: &str| e.split("\n\n\n").next().unwrap_or("").to_string();
    assert_eq!((got, nomad(&err)), (twin.0, nomad(&twin.1)));
    assert!(err.contains("Job validation errors:"), "{err}");
    assert!(
        !err.contains("Argument or block definition required"),
        "{err}"
    );
}

/// Before 1.0 hcl v1's Parse reads a file whose first character other
/// than white space is `{` as JSON too (hcl lex.go lexMode), newlines and
/// tabs skipped. We refused it with our HCL1 scanner's `Invalid HCL
/// syntax: unexpected token`, which Nomad 0.x never says of a JSON job:
/// its JSON parser is not followed here, so "cannot tell".
#[test]
fn a_json_job_file_before_1_0_is_not_called_a_syntax_error() {
    let d = TempDir::new("jobspec-vars-json-job-0x");
    d.put(
        "j.json",
        "\n\t{\"job\": {\"j\": {\"datacenters\": [\"dc1\"], \"priority\": 500}}}\n",
    );
    for (cmd, code) in [("validate", 255), ("plan", 255)] {
        for v in ["0.9.3", "0.12.0"] {
            let (got, err) = run(&d, &[cmd, "--nomad-version", v, "j.json"]);
            assert_eq!(got, code, "{cmd} {v}: {err}");
            assert!(
                err.contains(&format!(
                    "cannot tell what Nomad {v} makes of this file: it is JSON to Nomad"
                )),
                "{cmd} {v}: {err}"
            );
            assert!(!err.contains("Invalid HCL syntax"), "{cmd} {v}: {err}");
        }
    }
}

/// Brackets nested past our parser's depth (hcl reads any depth: Go's
/// stacks grow): "cannot tell", never a crash.
#[test]
fn a_deeply_nested_json_var_file_is_not_a_crash() {
    let d = TempDir::new("jobspec-vars-json-deep");
    d.put("j.nomad", JOB);
    d.put("v.json", &format!("{{\"l\": {}", "[".repeat(100_000)));
    let (code, err) = said(&d, "validate", "1.6.0", &["v.json"], 1);
    assert_eq!(code, 255, "{err}");
    assert!(err.contains("nest deeper than"), "{err}");
}
