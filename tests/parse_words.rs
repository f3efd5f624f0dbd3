//! Nomad's words for a job file or a var file jobspec2 cannot read or
//! parse, per release (jobspec2/parse.go decode and parseFile at v1.0.0,
//! v1.0.1, v1.0.2, v1.0.6, v1.2.5, v1.2.6, v2.0.5; command/helpers.go
//! JobGetter.ApiJobWithArgs), and for its variable declarations
//! (types.variables.go). Two-file fixtures: the job file, a var file
//! (missing, a folder, refused by hclsyntax), `plan` (exit 255) and
//! `validate` (exit 1) printing the same error.

use crate::common;

use common::var_files::{args, run};
use common::TempDir;

/// A job file HCL1's jobspec.Parse refuses at its top level (`variable`
/// is no key it accepts): the HCL1 attempt of 1.0.0 to 1.8.x's CLI after
/// jobspec2's refusal (command/helpers.go) fails too, and the words stay
/// `Error parsing job file from <path>:`.
const JOB: &str = "variable \"n\" {\n  default = 1\n}\n\njob \"j\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"exec\"\n      config {\n        command = \"/bin/true\"\n      }\n    }\n  }\n}\n";

/// The same job without variables: HCL1 reads it.
fn plain() -> String {
    JOB.replace("variable \"n\" {\n  default = 1\n}\n\n", "")
}

/// A syntax error hcl v1 refuses too (its parser stops at the second `=`).
const SYNTAX: &str = "job \"j\" {\n  a = = 1\n}\n";

/// `plan` and `validate` at `version` with `var_files` print `want`
/// (Nomad's whole error, after `Error getting job struct: `) first.
fn says(d: &TempDir, var_files: &[&str], version: &str, want: &str) {
    let want = format!("Error getting job struct: {want}");
    for (cmd, code) in [("plan", 255), ("validate", 1)] {
        let (got, err) = run(d, &args(cmd, version, "--var-file", var_files));
        assert_eq!(got, code, "{cmd} {version} {var_files:?}: {err}");
        // A warning of ours (1.0.0's ignored var file) may come first.
        let from = err
            .lines()
            .position(|l| l.starts_with("Error getting job struct"));
        let head: Vec<&str> = err
            .lines()
            .skip(from.unwrap_or(0))
            .take(want.lines().count())
            .collect();
        assert_eq!(head.join("\n"), want, "{cmd} {version} {var_files:?}");
    }
}

/// Both commands say one "cannot tell" line holding `part`.
fn cannot_tell(d: &TempDir, var_files: &[&str], version: &str, part: &str) {
    for cmd in ["plan", "validate"] {
        let (code, err) = run(d, &args(cmd, version, "--var-file", var_files));
        assert_ne!(code, 0, "{cmd} {version}: {err}");
        let first = err.lines().next().unwrap_or("");
        assert!(
            first.starts_with("error: cannot tell what Nomad") && first.contains(part),
            "{cmd} {version} {var_files:?}: {err}"
        );
        assert!(
            !err.contains("Error getting job struct"),
            "{cmd} {version}: {err}"
        );
    }
}

/// parse.go parseFile (1.0.1 on): a var file os.ReadFile fails on is a
/// diagnostic without a subject (`<nil>: Failed to read file; failed to
/// read "<path>": <Go's *PathError>`); from 1.0.6 decode returns it at
/// once after `unable to parse var file: `.
#[test]
fn a_var_file_that_cannot_be_read_in_nomads_words() {
    let d = TempDir::new("parse-words-unreadable");
    d.put("j.nomad", JOB);
    std::fs::create_dir_all(d.0.join("vars.d")).expect("a folder");
    for v in ["1.0.6", "1.2.5", "1.6.0", "2.0.5"] {
        says(
            &d,
            &["missing.hcl"],
            v,
            "Error parsing job file from j.nomad:\nunable to parse var file: <nil>: Failed to read file; failed to read \"missing.hcl\": open missing.hcl: no such file or directory",
        );
        says(
            &d,
            &["vars.d"],
            v,
            "Error parsing job file from j.nomad:\nunable to parse var file: <nil>: Failed to read file; failed to read \"vars.d\": read vars.d: is a directory",
        );
    }
    // It wins over the job file's own syntax errors, as a parse refusal does.
    d.put("j.nomad", &format!("variable \"n\" {{}}\n{SYNTAX}"));
    says(
        &d,
        &["missing.hcl"],
        "1.6.0",
        "Error parsing job file from j.nomad:\nunable to parse var file: <nil>: Failed to read file; failed to read \"missing.hcl\": open missing.hcl: no such file or directory",
    );
}

/// 1.0.1's decode lists every var file's diagnostics (read failures and
/// syntax errors, in file order) after the job file's and returns the
/// list: hcl.Diagnostics.Error(), the first and a count of the others.
/// 1.0.0 never hands `-var-file` to jobspec2.
#[test]
fn before_1_0_6_the_var_files_diagnostics_join_one_list() {
    let d = TempDir::new("parse-words-one-list");
    d.put("j.nomad", JOB);
    d.put("bad.hcl", "n = = 2\n");
    says(
        &d,
        &["missing.hcl", "bad.hcl"],
        "1.0.1",
        "Error parsing job file from j.nomad:\n<nil>: Failed to read file; failed to read \"missing.hcl\": open missing.hcl: no such file or directory, and 1 other diagnostic(s)",
    );
    // The job file's syntax error first, the var file's counted.
    d.put("j.nomad", SYNTAX);
    says(
        &d,
        &["bad.hcl"],
        "1.0.1",
        "Error parsing job file from j.nomad:\nj.nomad:2,7-8: Invalid expression; Expected the start of an expression, but found an invalid expression token., and 1 other diagnostic(s)",
    );
    says(
        &d,
        &["bad.hcl"],
        "1.0.0",
        "Error parsing job file from j.nomad:\nj.nomad:2,7-8: Invalid expression; Expected the start of an expression, but found an invalid expression token.",
    );
    // 1.0.0 ignores the var file: the job loads, a warning says why.
    d.put("j.nomad", JOB);
    let (code, err) = run(
        &d,
        &[
            "validate",
            "--nomad-version",
            "1.0.0",
            "--var-file",
            "missing.hcl",
            "j.nomad",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("Nomad 1.0.0 ignores -var-file"), "{err}");
}

/// From 1.0.2 (#9613) until 1.2.6 (1.0.18, 1.1.12: #12038's early
/// return) decode goes on to decodeBody with the part of the job file
/// hclsyntax read, and prints its diagnostics after the syntax errors,
/// one a line: not followed here, so "cannot tell" (we printed the first
/// and a count). 1.0.2 to 1.0.5 also decode with a var file read in part,
/// or crash on one not read at all.
#[test]
fn releases_that_decode_a_partial_file_are_cannot_tell() {
    let d = TempDir::new("parse-words-partial");
    d.put("j.nomad", SYNTAX);
    for v in ["1.0.2", "1.0.17", "1.1.11", "1.2.5"] {
        cannot_tell(&d, &[], v, "still decodes the part it read");
    }
    for v in ["1.0.18", "1.1.12", "1.2.6", "2.0.5"] {
        says(
            &d,
            &[],
            v,
            "Error parsing job file from j.nomad:\nj.nomad:2,7-8: Invalid expression; Expected the start of an expression, but found an invalid expression token.",
        );
    }
    d.put("j.nomad", JOB);
    cannot_tell(&d, &["missing.hcl"], "1.0.5", "1.0.2 to 1.0.5");
}

/// command/helpers.go (1.0.0 to 1.8.x): after jobspec2's refusal the CLI
/// parses the file with HCL1, and if that accepts it prints `Failed to
/// parse using HCL 2. ...` as the first line instead: for a plain job file
/// HCL1 may read, a note says so beside jobspec2's text; none where HCL1
/// surely refuses the file (a top-level `variable`), nor from 1.9.0.
#[test]
fn the_hcl1_attempt_of_1_x_is_a_note() {
    let d = TempDir::new("parse-words-hcl1");
    let text = "Error parsing job file from j.nomad:\nunable to parse var file: <nil>: Failed to read file; failed to read \"missing.hcl\": open missing.hcl: no such file or directory";
    let noted = |v: &str| {
        let o = std::process::Command::new(common::bin())
            .current_dir(&d.0)
            .args([
                "--no-color",
                "validate",
                "--nomad-version",
                v,
                "--var-file",
                "missing.hcl",
                "j.nomad",
            ])
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE")
            .output()
            .expect("the binary runs");
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        err.contains("jobspec::hcl1-fallback") && err.contains("Failed to parse using HCL 2")
    };
    d.put("j.nomad", &plain());
    for v in ["1.0.6", "1.8.4", "1.9.0"] {
        says(&d, &["missing.hcl"], v, text);
    }
    assert!(noted("1.0.6") && noted("1.8.4"));
    assert!(!noted("1.9.0"));
    // HCL1 refuses a top-level `variable`: nothing to add.
    d.put("j.nomad", JOB);
    assert!(!noted("1.6.0"));
}

/// The job above, its variables replaced by `vars`.
fn with_vars(vars: &str) -> String {
    JOB.replace("variable \"n\" {\n  default = 1\n}\n", vars)
}

/// jobspec2 types.variables.go decodeVariableBlock / decodeVariable
/// (1.0.0-2.0.5): a name that is no identifier (at its label), a name
/// declared twice (a block's without a subject: `<nil>`; a `variables`
/// attribute's at its name). The variables' stage then fails and the job
/// is not decoded.
#[test]
fn variable_names_in_jobspec2s_words() {
    let d = TempDir::new("parse-words-variable-names");
    d.put(
        "j.nomad",
        &with_vars("variable \"1x\" {\n  default = 1\n}\n"),
    );
    for v in ["1.0.6", "1.6.0", "2.0.5"] {
        says(&d, &[], v, "Error parsing job file from j.nomad:\nj.nomad:1,10-14: Invalid variable name; A name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes.");
    }
    d.put(
        "j.nomad",
        &with_vars("variable \"n\" {\n  default = 1\n}\nvariable \"n\" {\n  default = 2\n}\n"),
    );
    says(&d, &[], "1.6.0", "Error parsing job file from j.nomad:\n<nil>: Duplicate variable; Duplicate n variable definition found.");
    d.put(
        "j.nomad",
        &with_vars("variable \"n\" {\n  default = 1\n}\nvariables {\n  n = 2\n}\n"),
    );
    says(&d, &[], "2.0.5", "Error parsing job file from j.nomad:\nj.nomad:5,3-4: Duplicate variable; Duplicate n variable definition found.");
}

/// A `validation` block without `condition`: the decode's `Missing
/// required argument`, then validateValue's own refusal at the block's
/// name (#16018: 1.3.10, 1.4.5, 1.5.0 on); before, it calls the nil
/// condition and the CLI panics.
#[test]
fn a_validation_without_a_condition() {
    let d = TempDir::new("parse-words-validation");
    d.put(
        "j.nomad",
        &with_vars("variable \"n\" {\n  default = 1\n  validation {\n    error_message = \"Bad.\"\n  }\n}\n"),
    );
    let want = "Error parsing job file from j.nomad:\nj.nomad:3,14-14: Missing required argument; The argument \"condition\" is required, but no definition was found.\nj.nomad:3,3-13: Invalid variable validation specification; validation requires a condition.";
    for v in ["1.3.10", "1.4.5", "1.5.0", "2.0.5"] {
        says(&d, &[], v, want);
    }
    for v in ["1.3.9", "1.4.4", "1.2.0"] {
        cannot_tell(&d, &[], v, "#16018");
    }
}
