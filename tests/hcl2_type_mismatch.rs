//! From 1.0, a value of the wrong type and a -var-file value Nomad refuses,
//! in jobspec2's words. Every expected text comes from
//! tests/hcl-oracle/gohcl.go (build.sh): gohcl's DecodeExpression (most
//! fields), hcldec's AttrSpec (constraint and affinity), jobspec2's
//! duration decoder, and a var file's values evaluated with no context,
//! at hcl 68a97f93bb48 and v2.20.2-nomad-1 with go-cty 1.4.1 (Nomad
//! 1.0.0-1.0.5), 1.12.1 (the words of 1.8.0-1.16.2) and 1.16.3 (Nomad
//! 1.10.2 on, which names the type it got).

use crate::common;

use common::TempDir;

/// A job whose lines 3, 5 and 8 are `job_line`, `group_line`, `task_line`.
fn job(job_line: &str, group_line: &str, task_line: &str) -> String {
    format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n{job_line}\n  group \"g\" {{\n{group_line}\n    task \"t\" {{\n      driver = \"exec\"\n{task_line}\n      config {{\n        command = \"/bin/true\"\n      }}\n    }}\n  }}\n}}\n"
    )
}

fn run(d: &TempDir, args: &[&str]) -> (i32, String) {
    let o = d.run(args);
    let err = String::from_utf8_lossy(&o.stderr);
    let err: Vec<&str> = err.lines().filter(|l| !l.starts_with("note: ")).collect();
    (o.status.code().expect("exit code"), err.join("\n"))
}

fn first_two(s: &str) -> String {
    s.lines().take(2).collect::<Vec<_>>().join("\n")
}

/// `plan` (exit 255) and `validate` (exit 1) print jobspec2's error under
/// `version`: `Error getting job struct: Error parsing job file from ...`.
fn assert_refused(d: &TempDir, extra: &[&str], version: &str, want: &str) {
    let want = format!("Error getting job struct: Error parsing job file from j.nomad:\n{want}");
    for (cmd, code) in [("plan", 255), ("validate", 1)] {
        let mut args = vec![cmd, "--nomad-version", version];
        args.extend_from_slice(extra);
        args.push("j.nomad");
        let (got, err) = run(d, &args);
        assert_eq!(got, code, "{cmd} {version}: {err}");
        assert_eq!(first_two(&err), want, "{cmd} {version}");
    }
}

/// The old words (go-cty before 1.16.3) and the new.
const OLD: &[&str] = &["1.0.0", "1.6.0", "1.10.1"];
const NEW: &[&str] = &["1.10.2", "2.0.5"];

#[test]
fn gohcl_words_a_value_of_the_wrong_type_at_its_start() {
    let d = TempDir::new("hcl2-type-mismatch");
    let cases: [(String, &str, &str); 6] = [
        (
            job("  priority = true", "", ""),
            "j.nomad:3,14-18: Unsuitable value type; Unsuitable value: number required",
            "j.nomad:3,14-18: Unsuitable value type; Unsuitable value: number required, but have bool",
        ),
        (
            // A string's StartRange is its text, without the quotes.
            job("", "    count = \"x\"", ""),
            "j.nomad:5,14-15: Unsuitable value type; Unsuitable value: a number is required",
            "j.nomad:5,14-15: Unsuitable value type; Unsuitable value: a number is required",
        ),
        (
            // A tuple's is its bracket.
            job("", "    count = [1]", ""),
            "j.nomad:5,13-14: Unsuitable value type; Unsuitable value: number required",
            "j.nomad:5,13-14: Unsuitable value type; Unsuitable value: number required, but have tuple",
        ),
        (
            job("  namespace = [\"a\"]", "", ""),
            "j.nomad:3,15-16: Unsuitable value type; Unsuitable value: string required",
            "j.nomad:3,15-16: Unsuitable value type; Unsuitable value: string required, but have tuple",
        ),
        (
            job("", "", "").replace("datacenters = [\"dc1\"]", "datacenters = \"dc1\""),
            "j.nomad:2,18-21: Unsuitable value type; Unsuitable value: list of string required",
            "j.nomad:2,18-21: Unsuitable value type; Unsuitable value: list of string required, but have string",
        ),
        (
            job("", "", "      leader = 1"),
            "j.nomad:8,16-17: Unsuitable value type; Unsuitable value: bool required",
            "j.nomad:8,16-17: Unsuitable value type; Unsuitable value: bool required, but have number",
        ),
    ];
    for (text, old, new) in &cases {
        d.put("j.nomad", text);
        for v in OLD {
            assert_refused(&d, &[], v, old);
        }
        for v in NEW {
            assert_refused(&d, &[], v, new);
        }
    }
}

#[test]
fn durations_and_constraints_have_their_decoders_words() {
    let d = TempDir::new("hcl2-type-mismatch-decoders");
    // jobspec2's decodeDuration prints the cty.Type with Go's %s.
    d.put("j.nomad", &job("", "    shutdown_delay = true", ""));
    for v in OLD.iter().chain(NEW) {
        assert_refused(
            &d,
            &[],
            v,
            "j.nomad:5,22-26: Unsuitable value type; Unsuitable value: expected a string but found {{{} %!s(cty.primitiveTypeKind=66)}}",
        );
    }
    d.put(
        "j.nomad",
        &job("", "    shutdown_delay = \"5 minutes\"", ""),
    );
    for v in OLD.iter().chain(NEW) {
        assert_refused(
            &d,
            &[],
            v,
            "j.nomad:5,23-32: Unsuitable value type; Unsuitable duration value: time: unknown unit \" minutes\" in duration \"5 minutes\"",
        );
    }
    // A constraint is read by hcldec: the whole expression, its own words.
    d.put(
        "j.nomad",
        &job("", "    constraint {\n      attribute = [\"a\"]\n    }", ""),
    );
    for v in OLD {
        assert_refused(
            &d,
            &[],
            v,
            "j.nomad:6,19-24: Incorrect attribute value type; Inappropriate value for attribute \"attribute\": string required.",
        );
    }
    for v in NEW {
        assert_refused(
            &d,
            &[],
            v,
            "j.nomad:6,19-24: Incorrect attribute value type; Inappropriate value for attribute \"attribute\": string required, but have tuple.",
        );
    }
}

#[test]
fn what_go_cty_converts_is_taken() {
    let d = TempDir::new("hcl2-type-mismatch-converts");
    // "1" is a bool and "3" a number to go-cty.
    d.put(
        "j.nomad",
        &job("", "    count = \"3\"", "      leader = \"1\""),
    );
    for v in ["1.0.0", "1.6.0", "2.0.5"] {
        let (code, err) = run(&d, &["validate", "--nomad-version", v, "j.nomad"]);
        assert_eq!(code, 0, "{v}: {err}");
    }
    // But not a number with a space (big.Float's parse takes none).
    d.put("j.nomad", &job("", "    count = \" 3\"", ""));
    assert_refused(
        &d,
        &[],
        "1.6.0",
        "j.nomad:5,14-16: Unsuitable value type; Unsuitable value: a number is required",
    );
}

fn var_job() -> String {
    job("", "", "").replace(
        "job \"j\" {",
        "variable \"image\" {\n  type = string\n  default = \"a\"\n}\n\nvariable \"tag\" {\n  default = \"b\"\n}\n\njob \"j\" {",
    )
}

#[test]
fn var_file_values_may_not_call_functions_or_name_variables() {
    let d = TempDir::new("hcl2-var-file-values");
    d.put("j.nomad", &var_job());
    let cases = [
        (
            "image = upper(\"x\")\n",
            "v.hcl:1,9-19: Function calls not allowed; Functions may not be called here.",
        ),
        (
            "image = var.tag\n",
            "v.hcl:1,9-12: Variables not allowed; Variables may not be used here.",
        ),
        (
            // Several in one value, in evaluation order.
            "tag = \"${upper(\"x\")}-${local.z}\"\n",
            "v.hcl:1,10-20: Function calls not allowed; Functions may not be called here.\nv.hcl:1,24-29: Variables not allowed; Variables may not be used here.",
        ),
    ];
    for (vars, want) in cases {
        d.put("v.hcl", vars);
        // 1.0.0 passes no var file to jobspec2 (command/helpers.go); 1.0.1 does.
        for v in ["1.0.1", "1.6.0", "2.0.5"] {
            let want =
                format!("Error getting job struct: Error parsing job file from j.nomad:\n{want}");
            for (cmd, code) in [("plan", 255), ("validate", 1)] {
                let (got, err) = run(
                    &d,
                    &[cmd, "--nomad-version", v, "--var-file", "v.hcl", "j.nomad"],
                );
                assert_eq!(got, code, "{cmd} {v}: {err}");
                let lines = want.lines().count();
                let head: Vec<&str> = err.lines().take(lines).collect();
                assert_eq!(head.join("\n"), want, "{cmd} {v}");
            }
        }
    }
    // A plain value is read as before.
    d.put("v.hcl", "image = \"x\"\ntag = [\"a\", 2]\n");
    // But it meets the variable's type: `tag` has its default's, string
    // (jobvars.go oracle).
    assert_refused(
        &d,
        &["--var-file", "v.hcl"],
        "1.6.0",
        "v.hcl:2,7-15: Invalid value for variable; The value for tag is not compatible with the variable's type constraint: string required.",
    );
    d.put("v.hcl", "image = \"x\"\ntag = 2\n");
    let (code, err) = run(
        &d,
        &[
            "validate",
            "--nomad-version",
            "1.6.0",
            "--var-file",
            "v.hcl",
            "j.nomad",
        ],
    );
    assert_eq!(code, 0, "{err}");
}

#[test]
fn var_file_refusals_in_go_map_order_are_all_said_with_a_note() {
    let d = TempDir::new("hcl2-var-file-unordered");
    d.put("j.nomad", &var_job());
    // Two values of one file: Go's map order decides which comes first,
    // a fresh pick per run; both are refused either way. Both lines, in
    // the file's order, and the note.
    d.put("v.hcl", "image = upper(\"x\")\ntag = var.image\n");
    let want = "Error getting job struct: Error parsing job file from j.nomad:\nv.hcl:1,9-19: Function calls not allowed; Functions may not be called here.\nv.hcl:2,7-10: Variables not allowed; Variables may not be used here.\n";
    for (cmd, exit) in [("plan", 255), ("validate", 1)] {
        let (code, err) = run(
            &d,
            &[
                cmd,
                "--nomad-version",
                "1.6.0",
                "--var-file",
                "v.hcl",
                "j.nomad",
            ],
        );
        assert_eq!(code, exit, "{cmd}: {err}");
        assert!(err.contains(want), "{cmd}: {err}");
        assert!(err.contains("jobspec::variables-map-order"), "{cmd}: {err}");
        assert!(!err.contains("cannot tell"), "{cmd}: {err}");
    }
    // A call inside a loop: how many times it is refused is not followed.
    d.put("v.hcl", "tag = [for s in [\"a\"] : upper(s)]\n");
    let (code, err) = run(
        &d,
        &[
            "plan",
            "--nomad-version",
            "1.6.0",
            "--var-file",
            "v.hcl",
            "j.nomad",
        ],
    );
    assert_eq!(code, 255, "{err}");
    assert!(
        err.starts_with("error: cannot tell what Nomad 1.6.0 says of the variables' values"),
        "{err}"
    );
}

#[test]
fn length_counts_a_map_but_refuses_an_object() {
    // go-cty's length (hcleval.go oracle: `length({a = 1})`): an object
    // is refused, a map counted. Ours hold both as one kind of value; the
    // kind is read off the argument, and not guessed where unknown.
    let d = TempDir::new("hcl2-length-object");
    d.put("j.nomad", &job("", "    count = length({a = 1})", ""));
    for v in ["1.0.0", "1.6.0", "2.0.5"] {
        assert_refused(
            &d,
            &[],
            v,
            "j.nomad:5,13-20: Error in function call; Call to function \"length\" failed: collection must be a list, a map or a tuple.",
        );
    }
    let typed = |ty: &str| {
        job("", "    count = length(var.m)", "").replace(
            "job \"j\" {",
            &format!("variable \"m\" {{\n{ty}  default = {{a = 1}}\n}}\n\njob \"j\" {{"),
        )
    };
    // A variable typed map(...) holds a map.
    d.put("j.nomad", &typed("  type = map(number)\n"));
    let (code, err) = run(&d, &["validate", "--nomad-version", "1.6.0", "j.nomad"]);
    assert_eq!(code, 0, "{err}");
    // With no type it keeps its default's type: an object.
    d.put("j.nomad", &typed(""));
    let (code, err) = run(&d, &["validate", "--nomad-version", "1.6.0", "j.nomad"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("collection must be a list, a map or a tuple"),
        "{err}"
    );
    // An untyped local keeps its value's type: `{a = 1}` is an object.
    let local = job("", "    count = length(local.m)", "")
        .replace("job \"j\" {", "locals {\n  m = {a = 1}\n}\n\njob \"j\" {");
    d.put("j.nomad", &local);
    for (cmd, exit) in [("plan", 255), ("validate", 1)] {
        let (code, err) = run(&d, &[cmd, "--nomad-version", "1.6.0", "j.nomad"]);
        assert_eq!(code, exit, "{cmd}: {err}");
        assert!(
            err.contains(
                "Call to function \"length\" failed: collection must be a list, a map or a tuple."
            ),
            "{cmd}: {err}"
        );
    }
}

#[test]
fn var_flags_are_hcl_unless_the_type_is_string_number_or_none() {
    // jobspec2's expressionFromVariableDefinition: literal text for a
    // string, number or untyped variable (an untyped one with a default
    // has its default's type), else an HCL expression evaluated with no
    // context, in a file named `<value for var.NAME from arguments>`.
    let d = TempDir::new("hcl2-var-flags");
    let text = job("", "", "")
        .replace(
            "job \"j\" {",
            "variable \"dcs\" {\n  type = list(string)\n}\n\nvariable \"free\" {}\n\nvariable \"flag\" {\n  type = bool\n  default = false\n}\n\njob \"j\" {",
        )
        .replace("datacenters = [\"dc1\"]", "datacenters = var.dcs")
        .replace("command = \"/bin/true\"", "command = \"/bin/true\"\n        args = [var.free]");
    d.put("j.nomad", &text);
    // `dc1` parsed as HCL is a variable.
    assert_refused(
        &d,
        &["--var", "dcs=dc1", "--var", "free=x"],
        "1.6.0",
        "<value for var.dcs from arguments>:1,1-4: Variables not allowed; Variables may not be used here.",
    );
    assert_refused(
        &d,
        &["--var", "dcs=[\"dc1\"]", "--var", "free=x", "--var", "flag=yes"],
        "2.0.5",
        "<value for var.flag from arguments>:1,1-4: Variables not allowed; Variables may not be used here.",
    );
    // An untyped variable takes `[1]` as the text "[1]": one string.
    let ok = &[
        "validate",
        "--nomad-version",
        "1.6.0",
        "--var",
        "dcs=[\"dc1\"]",
        "--var",
        "free=[1]",
        "j.nomad",
    ];
    let (code, err) = run(&d, ok);
    assert_eq!(code, 0, "{err}");
    // Two refused -var values: Go's map order; both said, in the command
    // line's order, with the note.
    let (code, err) = run(
        &d,
        &[
            "plan",
            "--nomad-version",
            "1.6.0",
            "--var",
            "dcs=a",
            "--var",
            "flag=b",
            "--var",
            "free=x",
            "j.nomad",
        ],
    );
    assert_eq!(code, 255, "{err}");
    assert!(err.starts_with("Error getting job struct: Error parsing job file from j.nomad:\n<value for var.dcs from arguments>:1,1-2: Variables not allowed; Variables may not be used here.\n<value for var.flag from arguments>:1,1-2: Variables not allowed; Variables may not be used here.\n"), "{err}");
    assert!(err.contains("jobspec::variables-map-order"), "{err}");
}

#[test]
fn map_attributes_have_gohcls_words() {
    // jobspec2 reads a job's, group's and task's `meta` and a task's `env`
    // written as an argument with gohcl's DecodeExpression into
    // map[string]string (decodeAsAttribute, from 1.0.4); a `meta {}`
    // block's attributes each into a string (decodeBodyToMap). Texts from
    // gohcl.go's `map_` and `elem_` attributes.
    let d = TempDir::new("hcl2-type-mismatch-maps");
    let cases: [(String, &str, &str); 5] = [
        (
            job("  meta = 3", "", ""),
            "j.nomad:3,10-11: Unsuitable value type; Unsuitable value: map of string required",
            "j.nomad:3,10-11: Unsuitable value type; Unsuitable value: map of string required, but have number",
        ),
        (
            // A tuple for a map: no type named, in either.
            job("", "    meta = [\"a\"]", ""),
            "j.nomad:5,12-13: Unsuitable value type; Unsuitable value: map of string required",
            "j.nomad:5,12-13: Unsuitable value type; Unsuitable value: map of string required",
        ),
        (
            job("", "", "      env = {A = [1]}"),
            "j.nomad:8,13-14: Unsuitable value type; Unsuitable value: element \"A\": string required",
            "j.nomad:8,13-14: Unsuitable value type; Unsuitable value: element \"A\": string required, but have tuple",
        ),
        (
            job("", "", "      env = {A = null}"),
            "j.nomad:8,13-14: Unsuitable value type; Unsuitable value: null value is not allowed",
            "j.nomad:8,13-14: Unsuitable value type; Unsuitable value: null value is not allowed",
        ),
        (
            job("", "", "      meta {\n        b = {c = 1}\n      }"),
            "j.nomad:9,13-14: Unsuitable value type; Unsuitable value: string required",
            "j.nomad:9,13-14: Unsuitable value type; Unsuitable value: string required, but have object",
        ),
    ];
    for (text, old, new) in &cases {
        d.put("j.nomad", text);
        for v in ["1.0.4", "1.6.0", "1.10.1"] {
            assert_refused(&d, &[], v, old);
        }
        for v in NEW {
            assert_refused(&d, &[], v, new);
        }
    }
    // Before 1.0.4 `meta` is a block like any other.
    d.put("j.nomad", &job("  meta = {a = \"b\"}", "", ""));
    assert_refused(
        &d,
        &[],
        "1.0.3",
        "j.nomad:3,3-7: Unsupported argument; An argument named \"meta\" is not expected here. Did you mean to define a block of type \"meta\"?",
    );
    let (code, err) = run(&d, &["validate", "--nomad-version", "1.0.4", "j.nomad"]);
    assert_eq!(code, 0, "{err}");
}
