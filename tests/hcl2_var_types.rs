//! From 1.0, every value given to a variable (`-var`, `NOMAD_VAR_`, a var
//! file, HCL or JSON) meets the variable's type as jobspec2 fixes it: an
//! untyped variable, and each attribute of a `variables {}` block, has
//! its default's own type (a tuple for `[...]`, an object for `{...}`).
//! Every expected text comes from tests/hcl-oracle/jobvars.go (build.sh),
//! jobspec2's variable handling at hcl 68a97f93bb48 with go-cty 1.12.1
//! (the words of Nomad 1.0.6 to 1.10.1) and hcl v2.20.2-nomad-1 with
//! go-cty 1.16.3 (Nomad 1.10.2 on).

use crate::common;

use common::TempDir;

const VARS: &str = r#"variable "l" {
  default = [1, "a"]
}

variable "o" {
  default = {a = 1, b = "x"}
}

variable "n" {
  default = 3
}

variables {
  vb = false
}
"#;

fn job() -> String {
    format!(
        "{VARS}\njob \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"exec\"\n      config {{\n        command = \"/bin/true\"\n      }}\n    }}\n  }}\n}}\n"
    )
}

/// Exit code and stderr (without notes) of the binary in `d`, with
/// `env` set.
fn run(d: &TempDir, args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let o = std::process::Command::new(common::bin())
        .current_dir(&d.0)
        .arg("--no-color")
        .args(args)
        .envs(env.iter().copied())
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .expect("the binary runs");
    let err = String::from_utf8_lossy(&o.stderr);
    let err: Vec<&str> = err.lines().filter(|l| !l.starts_with("note: ")).collect();
    (o.status.code().expect("exit code"), err.join("\n"))
}

/// `plan` (exit 255) and `validate` (exit 1) print jobspec2's error.
fn refused(d: &TempDir, extra: &[&str], env: &[(&str, &str)], version: &str, want: &str) {
    let want = format!("Error getting job struct: Error parsing job file from j.nomad:\n{want}");
    for (cmd, code) in [("plan", 255), ("validate", 1)] {
        let mut args = vec![cmd, "--nomad-version", version];
        args.extend_from_slice(extra);
        args.push("j.nomad");
        let (got, err) = run(d, &args, env);
        assert_eq!(got, code, "{cmd} {version} {extra:?}: {err}");
        let head: Vec<&str> = err.lines().take(want.lines().count()).collect();
        assert_eq!(head.join("\n"), want, "{cmd} {version} {extra:?}");
    }
}

fn accepted(d: &TempDir, extra: &[&str], version: &str) {
    let mut args = vec!["validate", "--nomad-version", version];
    args.extend_from_slice(extra);
    args.push("j.nomad");
    let (code, err) = run(d, &args, &[]);
    assert_eq!(code, 0, "{version} {extra:?}: {err}");
}

const ARG: &str = "Invalid argument value for -var variable; The received arg value for";

#[test]
fn an_untyped_variable_keeps_its_defaults_type() {
    let d = TempDir::new("hcl2-var-types-untyped");
    d.put("j.nomad", &job());
    for v in ["1.0.6", "1.6.0", "2.0.5"] {
        // A longer list, or elements of another type: a tuple's length and
        // element types are fixed.
        refused(
            &d,
            &["--var", "l=[1,2,3]"],
            &[],
            v,
            &format!("<value for var.l from arguments>:1,1-8: {ARG} l is not compatible with the variable's type constraint: tuple required."),
        );
        refused(
            &d,
            &["--var", "l=[\"x\",\"a\"]"],
            &[],
            v,
            &format!("<value for var.l from arguments>:1,1-10: {ARG} l is not compatible with the variable's type constraint: a number is required."),
        );
        // A number is taken as literal text, then converted: no range.
        refused(
            &d,
            &["--var", "n=abc"],
            &[],
            v,
            &format!(":0,0-0: {ARG} n is not compatible with the variable's type constraint: a number is required."),
        );
        refused(
            &d,
            &[],
            &[("NOMAD_VAR_n", "0x10")],
            v,
            ":0,0-0: Invalid value for variable; The value for n is not compatible with the variable's type constraint: a number is required.",
        );
        refused(
            &d,
            &["--var", "o={b=1}"],
            &[],
            v,
            &format!("<value for var.o from arguments>:1,1-6: {ARG} o is not compatible with the variable's type constraint: attribute \"a\" is required."),
        );
        // What converts is taken; an object's other attributes are dropped.
        accepted(
            &d,
            &["--var", "l=[\"3\", 4]", "--var", "o={a=2,b=3,c=4}"],
            v,
        );
    }
    // go-cty 1.16.3 names the type it got.
    refused(
        &d,
        &["--var", "o={a=true,b=\"y\"}"],
        &[],
        "1.10.1",
        &format!("<value for var.o from arguments>:1,1-15: {ARG} o is not compatible with the variable's type constraint: attribute \"a\": number required."),
    );
    refused(
        &d,
        &["--var", "o={a=true,b=\"y\"}"],
        &[],
        "1.10.2",
        &format!("<value for var.o from arguments>:1,1-15: {ARG} o is not compatible with the variable's type constraint: attribute \"a\": number required, but have bool."),
    );
    refused(
        &d,
        &["--var", "l=\"s\""],
        &[],
        "2.0.5",
        &format!("<value for var.l from arguments>:1,1-4: {ARG} l is not compatible with the variable's type constraint: tuple required, but have string."),
    );
}

#[test]
fn a_variables_block_declares_untyped_variables() {
    let d = TempDir::new("hcl2-var-types-block");
    d.put("j.nomad", &job());
    // `vb = false` is a bool: its -var text is HCL, and 1 is no bool.
    refused(
        &d,
        &["--var", "vb=1"],
        &[],
        "1.6.0",
        &format!("<value for var.vb from arguments>:1,1-2: {ARG} vb is not compatible with the variable's type constraint: bool required."),
    );
    refused(
        &d,
        &["--var", "vb=1"],
        &[],
        "2.0.5",
        &format!("<value for var.vb from arguments>:1,1-2: {ARG} vb is not compatible with the variable's type constraint: bool required, but have number."),
    );
    refused(
        &d,
        &["--var", "vb=yes"],
        &[],
        "1.6.0",
        "<value for var.vb from arguments>:1,1-4: Variables not allowed; Variables may not be used here.",
    );
    accepted(&d, &["--var", "vb=\"true\""], "1.6.0");
}

#[test]
fn var_files_values_meet_the_type_hcl_or_json() {
    let d = TempDir::new("hcl2-var-types-files");
    d.put("j.nomad", &job());
    let file = |name: &str, body: &str| d.put(name, body);
    file("v.hcl", "n = \"x\"\n");
    refused(
        &d,
        &["--var-file", "v.hcl"],
        &[],
        "1.6.0",
        "v.hcl:1,5-8: Invalid value for variable; The value for n is not compatible with the variable's type constraint: a number is required.",
    );
    // JSON: a string is its text, `${...}` and all (no context, so no
    // function is called or refused); it still meets the type.
    file("v.json", "{\"l\": [2, \"${upper(1)}\"], \"n\": \"${1}\"}");
    refused(
        &d,
        &["--var-file", "v.json"],
        &[],
        "1.6.0",
        "v.json:1,32-38: Invalid value for variable; The value for n is not compatible with the variable's type constraint: a number is required.",
    );
    file(
        "v.json",
        "{\"l\": [2, \"${upper(1)}\"], \"//\": \"a comment\"}",
    );
    accepted(&d, &["--var-file", "v.json"], "1.6.0");
    // JSON is told by the first byte other than a space, not the name.
    file("v.hcl", "  {\"n\": 1, \"n\": 2}");
    refused(
        &d,
        &["--var-file", "v.hcl"],
        &[],
        "2.0.5",
        "v.hcl:1,12-15: Duplicate attribute definition; The argument \"n\" was already set at v.hcl:1,4-10.",
    );
    file("v.json", "\n{\"n\": 1}");
    let (code, err) = run(
        &d,
        &[
            "validate",
            "--nomad-version",
            "1.6.0",
            "--var-file",
            "v.json",
            "j.nomad",
        ],
        &[],
    );
    assert_eq!(
        code, 1,
        "a newline first makes it HCL, which refuses it: {err}"
    );
    // A declaration in a var file, HCL or JSON.
    file("v.json", "{\"n\": 1, \"variable\": {\"x\": {}}}");
    refused(
        &d,
        &["--var-file", "v.json"],
        &[],
        "1.6.0",
        "v.json:1,10-20: Variable declaration in a .var file; A .var file is used to assign values to variables that have already been declared in job files, not to declare new variables. To declare variable \"x\", place this block in one of your job files\n\nTo set a value for this variable in v.json, use the definition syntax instead:\n    x = <value>",
    );
    file("v.hcl", "variable \"x\" {}\nn = 2\n");
    refused(
        &d,
        &["--var-file", "v.hcl"],
        &[],
        "2.0.5",
        "v.hcl:1,1-9: Variable declaration in a .var file; A .var file is used to assign values to variables that have already been declared in job files, not to declare new variables. To declare variable \"x\", place this block in one of your job files",
    );
    // A refused environment value ends the reading before any var file.
    file("v.hcl", "l = 1\n");
    refused(
        &d,
        &["--var-file", "v.hcl", "--var", "o=1"],
        &[("NOMAD_VAR_n", "x")],
        "1.6.0",
        ":0,0-0: Invalid value for variable; The value for n is not compatible with the variable's type constraint: a number is required.\njobspec::var-file-value",
    );
}

#[test]
fn a_var_file_hclsyntax_refuses_ends_the_decode() {
    // jobspec2 parses every var file before anything else; from 1.0.6 it
    // returns the first refused file's diagnostics (hcl.Diagnostics'
    // Error(): the first, and how many others).
    let d = TempDir::new("hcl2-var-types-parse");
    d.put("j.nomad", &job());
    d.put("p1.hcl", "n = \n");
    d.put("p2.hcl", "n = \"x\n");
    // A newline before `{` makes a JSON file HCL, which refuses it.
    d.put("p3.json", "\n{\"n\": 1}");
    for v in ["1.0.6", "1.6.0", "2.0.5"] {
        refused(
            &d,
            &["--var-file", "p1.hcl", "--var-file", "p2.hcl"],
            &[("NOMAD_VAR_n", "x")],
            v,
            "unable to parse var file: p1.hcl:1,5-2,1: Invalid expression; Expected the start of an expression, but found an invalid expression token.",
        );
        refused(
            &d,
            &["--var-file", "p2.hcl"],
            &[],
            v,
            "unable to parse var file: p2.hcl:1,7-2,1: Invalid multi-line string; Quoted strings may not be split over multiple lines. To produce a multi-line string, either use the \\n escape to represent a newline character or use the \"heredoc\" multi-line template syntax., and 1 other diagnostic(s)",
        );
        refused(
            &d,
            &["--var-file", "p3.json"],
            &[],
            v,
            "unable to parse var file: p3.json:2,1-2: Argument or block definition required; An argument or block definition is required here.",
        );
    }
}

/// jobspec2's decode (parse.go, from 1.0.6, #10569) parses the job file,
/// then each var file, and returns a var file's refusal at once: before
/// the job file's own syntax errors are said, and before decodeBody, where
/// a top-level key it does not know is refused. We said the job file's.
#[test]
fn a_var_files_refusal_comes_before_the_job_files_errors() {
    let d = TempDir::new("hcl2-var-types-var-file-first");
    d.put("p1.hcl", "n = = 2\n");
    let refusal = "unable to parse var file: p1.hcl:1,5-6: Invalid expression; Expected the start of an expression, but found an invalid expression token.";
    let syntax = "job \"j\" {\n  a = = 1\n}\n";
    let top_level = format!("bogus = 1\n{}", job());
    for (what, text) in [("syntax", syntax.to_string()), ("top level", top_level)] {
        d.put("j.nomad", &text);
        for v in ["1.0.6", "1.6.0", "2.0.5"] {
            refused(&d, &["--var-file", "p1.hcl"], &[], v, refusal);
        }
        // Without the var file, the job file's own error.
        let (code, err) = run(
            &d,
            &["validate", "--nomad-version", "1.6.0", "j.nomad"],
            &[],
        );
        assert_eq!(code, 1, "{what}: {err}");
        assert!(!err.contains("var file"), "{what}: {err}");
    }
    // Before 1.0.6 the job file's syntax errors come first (decode joins
    // the var files' diagnostics after them): 1.0.1 returns the list
    // (the first and a count), 1.0.2 to 1.0.5 decode on (not followed).
    d.put("j.nomad", syntax);
    let (_, err) = run(
        &d,
        &[
            "validate",
            "--nomad-version",
            "1.0.1",
            "--var-file",
            "p1.hcl",
            "j.nomad",
        ],
        &[],
    );
    assert!(
        err.contains("j.nomad:2,7-8: Invalid expression; Expected the start of an expression, but found an invalid expression token., and 1 other diagnostic(s)"),
        "1.0.1: {err}"
    );
    let (_, err) = run(
        &d,
        &[
            "validate",
            "--nomad-version",
            "1.0.5",
            "--var-file",
            "p1.hcl",
            "j.nomad",
        ],
        &[],
    );
    assert!(
        err.starts_with("error: cannot tell what Nomad 1.0.5")
            && err.contains("still decodes the part it read"),
        "1.0.5: {err}"
    );
}

/// A declared collection or structural type: go-cty's convert words a
/// value that does not fit (mismatch_msg.go), element by element. We said
/// `Invalid value for variable "l" from -var-file v.hcl: list(string)
/// required, got string`, our words. Texts: oracle-jobvars-cty1.4.1, -old
/// (go-cty 1.12.1) and -cty1.16.3, 27 var-file values and 5 -var texts,
/// all the same lines (the one exception: two elements of a map that do
/// not convert, Go's map order picks which is named: "cannot tell").
#[test]
fn a_collection_type_words_its_refusals_as_go_cty() {
    let d = TempDir::new("hcl2-var-types-collections");
    let vars = "variable \"l\" {\n  type = list(string)\n}\nvariable \"m\" {\n  type = map(number)\n}\nvariable \"o\" {\n  type = object({ a = number, b = string })\n}\nvariable \"ll\" {\n  type = list(list(number))\n}\n";
    d.put(
        "j.nomad",
        &job().replace(VARS, vars).replace(
            "command = \"/bin/true\"",
            "command = \"/bin/true\"\n        args = [var.l[0], var.m.a, var.o.b, var.ll[0][0]]",
        ),
    );
    let good = "l = [1, true]\nm = { a = \"2\" }\no = { a = 1, b = \"x\", c = 3 }\nll = [[1]]\n";
    for (line, at, name, old, new) in [
        (
            "l = \"x\"",
            "1,5-8",
            "l",
            "list of string required",
            "list of string required, but have string",
        ),
        (
            "l = { a = 1 }",
            "1,5-14",
            "l",
            "list of string required",
            "list of string required",
        ),
        (
            "l = [[1]]",
            "1,5-10",
            "l",
            "element 0: string required",
            "element 0: string required, but have tuple",
        ),
        (
            "m = { a = true }",
            "1,5-17",
            "m",
            "element \"a\": number required",
            "element \"a\": number required, but have bool",
        ),
        (
            "m = { a = \"x\" }",
            "1,5-16",
            "m",
            "a number is required",
            "a number is required",
        ),
        (
            "m = [1]",
            "1,5-8",
            "m",
            "map of number required",
            "map of number required",
        ),
        (
            "o = { a = 1 }",
            "1,5-14",
            "o",
            "attribute \"b\" is required",
            "attribute \"b\" is required",
        ),
        (
            "o = { a = [1], b = \"x\" }",
            "1,5-25",
            "o",
            "attribute \"a\": number required",
            "attribute \"a\": number required, but have tuple",
        ),
        (
            "ll = [1]",
            "1,6-9",
            "ll",
            "element 0: list of number required",
            "element 0: list of number required, but have number",
        ),
    ] {
        let others: String = good
            .lines()
            .filter(|l| !l.starts_with(&format!("{name} = ")))
            .map(|l| format!("{l}\n"))
            .collect();
        d.put("v.hcl", &format!("{line}\n{others}"));
        for (v, why) in [("1.6.0", old), ("2.0.5", new)] {
            let want = format!("v.hcl:{at}: Invalid value for variable; The value for {name} is not compatible with the variable's type constraint: {why}.");
            refused(&d, &["-var-file", "v.hcl"], &[], v, &want);
        }
    }
    d.put("v.hcl", good);
    accepted(&d, &["-var-file", "v.hcl"], "1.6.0");
    // A -var text is parsed as HCL for these types.
    refused(
        &d,
        &["-var-file", "v.hcl", "-var", "ll=[[\"a\"]]"],
        &[],
        "2.0.5",
        &format!("<value for var.ll from arguments>:1,1-8: {ARG} ll is not compatible with the variable's type constraint: a number is required."),
    );
    // Two elements of a map that do not convert: Go's map order names one.
    d.put(
        "v.hcl",
        &good.replace("m = { a = \"2\" }", "m = { a = true, b = [1] }"),
    );
    let (code, err) = run(
        &d,
        &[
            "validate",
            "--nomad-version",
            "1.6.0",
            "-var-file",
            "v.hcl",
            "j.nomad",
        ],
        &[],
    );
    assert_eq!(code, 255, "{err}");
    assert!(err.contains("cannot tell"), "{err}");
}

/// A var file's number beyond a 64-bit float (`1e400`): hclsyntax reads
/// it and go-cty holds it exactly (a big.Float), so Nomad takes it
/// (oracle-jobvars-cty1.16.3: `VALUE x: number = 1000…0`). Our parser
/// does not read it: we refused the file in our own words; now "cannot
/// tell", never a refusal Nomad does not make.
#[test]
fn a_var_files_number_beyond_a_float_is_not_refused() {
    let d = TempDir::new("hcl2-var-types-big-number");
    d.put("j.nomad", &job());
    d.put("v.hcl", "n = 1e400\n");
    let (code, err) = run(
        &d,
        &[
            "validate",
            "--nomad-version",
            "1.6.0",
            "-var-file",
            "v.hcl",
            "j.nomad",
        ],
        &[],
    );
    assert_eq!(code, 255, "{err}");
    assert!(err.starts_with("error: cannot tell what Nomad 1.6.0 says of the variables' values: a var file holds text its parser reads"), "{err}");
    assert!(!err.contains("Error reading -var-file"), "{err}");
    // Within range it is read.
    d.put("v.hcl", "n = 1e308\n");
    accepted(&d, &["-var-file", "v.hcl"], "1.6.0");
}

/// A var file that begins with `{` is JSON to jobspec2 whatever its name
/// (parse.go parseHCLOrJSON); one hcl's JSON parser refuses stops the
/// decode (`unable to parse var file: ...`, oracle-jobvars-old:
/// `v.json:1,8-9: Trailing comma in object; ..., and 1 other
/// diagnostic(s)`, the other json/public.go's "Root value must be
/// object"). We printed serde's words in Nomad's place, then "cannot
/// tell"; now hcl's (var_file_json_parse.rs, tests/jobspec_vars_json.rs
/// for every diagnostic). An earlier var file hclsyntax refuses is still
/// the one named.
#[test]
fn a_json_var_file_hcl_refuses_is_worded_as_hcl_words_it() {
    let d = TempDir::new("hcl2-var-types-bad-json");
    d.put("j.nomad", &job());
    d.put("v.json", "{\"n\": 1,}\n");
    refused(
        &d,
        &["-var-file", "v.json"],
        &[],
        "1.6.0",
        "unable to parse var file: v.json:1,8-9: Trailing comma in object; JSON does not permit a trailing comma after the final property in an object., and 1 other diagnostic(s)",
    );
    d.put("bad.hcl", "n = = 1\n");
    refused(
        &d,
        &["-var-file", "bad.hcl", "-var-file", "v.json"],
        &[],
        "1.6.0",
        "unable to parse var file: bad.hcl:1,5-6: Invalid expression; Expected the start of an expression, but found an invalid expression token.",
    );
}

/// A default its declared type does not take: decodeVariableBlock's
/// `Invalid default value for variable; This default value is not
/// compatible with the variable's type constraint: WHY.` at the default,
/// go-cty's WHY, and cty.DynamicVal in its place, so the variable is not
/// unset; decodeBody stops after the variables (the task's unknown field
/// is never reached). We said our own words, then "Unset variable".
/// Texts: oracle-jobvars-old and -cty1.16.3, 11 types and defaults, all
/// the same lines.
#[test]
fn a_default_its_type_refuses_is_go_cty_s_words_and_not_unset() {
    let d = TempDir::new("hcl2-var-types-default");
    let vars = "variable \"x\" {\n  type    = list(number)\n  default = [\"a\"]\n}\nvariable \"z\" {}\nvariable \"m\" {\n  type    = map(number)\n  default = [1]\n}\n";
    d.put(
        "j.nomad",
        &job()
            .replace(VARS, vars)
            .replace("driver = \"exec\"", "driver = \"exec\"\n      bogus = 1"),
    );
    let unset = "<nil>: Unset variable \"z\"; A used variable must be set or have a default value; see https://www.nomadproject.io/docs/job-specification/hcl2/variables for details.";
    for (v, map) in [
        ("1.1.0", "map of number required"),
        ("1.6.0", "map of number required"),
    ] {
        refused(
            &d,
            &[],
            &[],
            v,
            &format!("j.nomad:3,13-18: Invalid default value for variable; This default value is not compatible with the variable's type constraint: a number is required.\nj.nomad:8,13-16: Invalid default value for variable; This default value is not compatible with the variable's type constraint: {map}.\n{unset}"),
        );
    }
    let (_, err) = run(
        &d,
        &["validate", "--nomad-version", "1.6.0", "j.nomad"],
        &[],
    );
    assert!(
        !err.contains("bogus") && !err.contains("Unset variable \"x\""),
        "{err}"
    );
}
