//! A value given to a variable the job file does not declare, as jobspec2
//! says it (types.variables.go collectInputVariableValues): `-var`'s is an
//! error in every release; a var file's is an error from 1.2 (-hcl2-strict,
//! true by default) and a warning before, which Nomad prints only in a
//! list with an error. Both have a Context and no Subject: hcl prints
//! `<nil>`. We said both in our words, and refused a 1.0/1.1 job Nomad
//! accepts. Texts: tests/hcl-oracle/jobvars.go (oracle-jobvars-old).

use crate::common;

const JOB: &str = r#"variable "d" {
  type = string
}
job "v" {
  datacenters = ["dc1"]
  group "g" {
    task "t" {
      driver = "docker"
      config { image = "a:${var.d}" }
    }
  }
}
"#;

/// `validate` at `version` with var file `file` (v.hcl) and `args`:
/// (exit code, what follows the fallback note).
fn validate(tag: &str, version: &str, file: &str, args: &[&str]) -> (i32, String) {
    let d = common::TempDir::new(tag);
    d.put("j.nomad", JOB);
    d.put("v.hcl", file);
    let mut all = vec![
        "validate",
        "j.nomad",
        "--nomad-version",
        version,
        "-var-file",
        "v.hcl",
    ];
    all.extend_from_slice(args);
    let o = d.run(&all);
    let err = String::from_utf8_lossy(&o.stderr);
    let body = err.lines().skip(1).collect::<Vec<_>>().join("\n") + "\n";
    (o.status.code().expect("exit code"), body)
}

const HEAD: &str = "Error getting job struct: Error parsing job file from j.nomad:\n";
const FILE_ZZ: &str = "<nil>: Undefined variable; A \"zz\" variable was set but was not found in known variables. To declare variable \"zz\", place this block in your job files\n";
const ARG_YY: &str = "<nil>: Undefined -var variable; A \"yy\" variable was passed in the command line but was not found in known variables. To declare variable \"yy\", place this block in your job file\n";

#[test]
fn undeclared_names_are_worded_as_jobspec2_words_them() {
    for v in ["1.1.0", "1.6.0", "2.0.5"] {
        let (code, err) = validate(
            &format!("both-{v}"),
            v,
            "d = \"x\"\nzz = 1\n",
            &["-var", "yy=2"],
        );
        assert_eq!(code, 1, "{v}: {err}");
        assert!(
            err.starts_with(&format!("{HEAD}{FILE_ZZ}{ARG_YY}")),
            "{v}: {err}"
        );
    }
    let (code, err) = validate("arg-only", "1.6.0", "d = \"x\"\n", &["-var", "yy=2"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.starts_with(&format!("{HEAD}{ARG_YY}")), "{err}");
}

#[test]
fn a_var_file_s_undeclared_name_is_a_warning_before_1_2() {
    let (code, err) = validate("warn-110", "1.1.0", "d = \"x\"\nzz = 1\n", &[]);
    assert_eq!(code, 0, "{err}");
    let (code, err) = validate("strict-120", "1.2.0", "d = \"x\"\nzz = 1\n", &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.starts_with(&format!("{HEAD}{FILE_ZZ}")), "{err}");
}

const FILE_ZY: &str = "<nil>: Undefined variable; A \"zy\" variable was set but was not found in known variables. To declare variable \"zy\", place this block in your job files\n";
const ARG_YX: &str = "<nil>: Undefined -var variable; A \"yx\" variable was passed in the command line but was not found in known variables. To declare variable \"yx\", place this block in your job file\n";
const NOTE: &str = "jobspec::variables-map-order";

#[test]
fn two_undeclared_names_of_one_file_are_all_said_with_a_map_order_note() {
    // collectInputVariableValues ranges over the file's JustAttributes map:
    // the two lines in an order that changes per run (zz first in 153 of
    // 200 runs: JOBVARS_MAP_ORDER=go oracle-jobvars-cty1.16.3). Refused
    // either way (an error from 1.2): both, in the file's order, and a note.
    for v in ["1.2.0", "1.6.0", "2.0.5"] {
        let (code, err) = validate(&format!("two-{v}"), v, "d = \"x\"\nzz = 1\nzy = 2\n", &[]);
        assert_eq!(code, 1, "{v}: {err}");
        assert!(
            err.contains(&format!("{HEAD}{FILE_ZZ}{FILE_ZY}")),
            "{v}: {err}"
        );
        assert!(err.contains(NOTE), "{v}: {err}");
        assert!(!err.contains("cannot tell"), "{v}: {err}");
    }
    // Two undeclared -var names: the -var map, the same way, in the
    // command line's order, after the file's.
    let (code, err) = validate(
        "two-args",
        "1.6.0",
        "d = \"x\"\n",
        &["-var", "yy=1", "-var", "yx=2"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(&format!("{HEAD}{ARG_YY}{ARG_YX}")), "{err}");
    assert!(err.contains(NOTE), "{err}");
    // Before 1.2 they are warnings: Nomad accepts the job and prints none
    // of them; the note says their order would be chance.
    let (code, err) = validate("two-110", "1.1.0", "d = \"x\"\nzz = 1\nzy = 2\n", &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(NOTE) && !err.contains("cannot tell"), "{err}");
    // A value whose words are not followed here among them: "cannot tell".
    let (code, err) = validate(
        "two-loop",
        "1.6.0",
        "d = [for s in [\"a\"] : upper(s)]\nzz = 1\n",
        &[],
    );
    assert_eq!(code, 255, "{err}");
    assert!(err.contains("cannot tell") && !err.contains(NOTE), "{err}");
}

/// Before 1.2 a var file's undeclared name is a warning, which jobspec2
/// prints beside a later error: decodeBody (parse_job.go at v1.0.0 and
/// v1.1.0) appends the variables' stage's diagnostics, then decodeJob's,
/// to one list, and parse.go decode joins every diagnostic's Error(),
/// warnings included, once one is an error. We said the decoding error
/// alone (a gap docs/validation-coverage.md stated; var_warnings.rs).
/// From 1.2 the name is an error and the decode stops before the job
/// (types.variables.go `undefSev`).
#[test]
fn a_var_file_s_warning_comes_before_a_later_decoding_error() {
    let job = JOB.replace(
        "driver = \"docker\"",
        "driver = \"docker\"\n      bogus = 1",
    );
    let bogus =
        "j.nomad:9,7-12: Unsupported argument; An argument named \"bogus\" is not expected here.\n";
    for (v, want) in [
        // 1.0.0 passes no var file to jobspec2 (command/helpers.go).
        ("1.0.1", format!("{HEAD}{FILE_ZZ}{bogus}")),
        ("1.1.0", format!("{HEAD}{FILE_ZZ}{bogus}")),
        ("1.2.0", format!("{HEAD}{FILE_ZZ}")),
    ] {
        let d = common::TempDir::new(&format!("warn-later-{v}"));
        d.put("j.nomad", &job);
        d.put("v.hcl", "d = \"x\"\nzz = 1\n");
        for (cmd, code) in [("validate", 1), ("plan", 255)] {
            let o = d.run(&[cmd, "j.nomad", "--nomad-version", v, "-var-file", "v.hcl"]);
            let err = String::from_utf8_lossy(&o.stderr);
            let body: String = err
                .lines()
                .filter(|l| !l.starts_with("note: "))
                .take(want.lines().count())
                .map(|l| format!("{l}\n"))
                .collect();
            assert_eq!(o.status.code(), Some(code), "{cmd} {v}: {err}");
            assert_eq!(body, want, "{cmd} {v}");
        }
    }
    // A local's evaluation (evaluateLocalVariables) also runs after the
    // values: the warning comes first too.
    let d = common::TempDir::new("warn-local-110");
    d.put(
        "j.nomad",
        &format!("locals {{\n  a = upper(1, 2)\n}}\n\n{JOB}"),
    );
    d.put("v.hcl", "d = \"x\"\nzz = 1\n");
    let o = d.run(&[
        "validate",
        "j.nomad",
        "--nomad-version",
        "1.1.0",
        "-var-file",
        "v.hcl",
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    let want = format!("{HEAD}{FILE_ZZ}j.nomad:2,16-17: Too many function arguments; Function \"upper\" expects only 1 argument(s).\n");
    assert!(err.contains(&want), "{err}");
}
