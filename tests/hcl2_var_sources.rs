//! What jobspec2 (1.0+) says of a variable's type and of the values given
//! to it, where stop 36 left "cannot tell" or our own words: the keyword
//! `any` in a variable's type (typeexpr.Type wants an exact type), several
//! `NOMAD_VAR_` values refused at once (in os.Environ()'s order), and
//! `plan --format json` on a job file Nomad refuses. Expected texts from
//! tests/hcl-oracle/jobvars.go (build.sh) at hcl 68a97f93bb48 with go-cty
//! 1.12.1 (the words of Nomad 1.6) and hcl v2.20.2-nomad-1 with go-cty
//! 1.16.3 (cty/convert is unchanged to 1.18.1; 2.0.5 pins 1.19.0, which
//! the mirror does not hold).

use crate::common;

use common::TempDir;

const JOB: &str = "job \"j\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"exec\"\n      config {\n        command = \"/bin/true\"\n      }\n    }\n  }\n}\n";

const HEADER: &str = "Error getting job struct: Error parsing job file from j.nomad:";

fn project(tag: &str, vars: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put("j.nomad", &format!("{vars}{JOB}"));
    d
}

/// stderr without our notes (which world the file is judged against).
fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr)
        .lines()
        .filter(|l| !l.starts_with("note: "))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// typeexpr.Type (types.variables.go decodeVariableBlock, 1.0.0-2.0.5):
/// `any` is no exact type, wherever it stands, so `list(any)` never
/// unifies its elements: the job is refused, and the variable is not
/// declared (the block's decoding returns before its default), so no
/// "Unset variable" follows and a `-var` for it is undefined.
#[test]
fn any_in_a_variables_type_is_refused_and_the_variable_not_declared() {
    let d = project(
        "hcl2-var-any",
        "variable \"l\" {\n  type = list(any)\n  default = [1, \"a\"]\n}\nvariable \"o\" {\n  type = object({a = any, b = map(any)})\n}\n",
    );
    let any = "Invalid type specification; The keyword \"any\" cannot be used in this type specification: an exact type is required.";
    for v in ["1.6.0", "2.0.5"] {
        for (cmd, code) in [("plan", 255), ("validate", 1)] {
            let o = d.run(&[cmd, "--no-cache", "--nomad-version", v, "j.nomad"]);
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(code), "{cmd} {v}: {err}");
            let want = format!(
                "{HEADER}\nj.nomad:2,15-18: {any}\nj.nomad:6,22-25: {any}\nj.nomad:6,35-38: {any}"
            );
            let head: Vec<&str> = err.lines().take(4).collect();
            assert_eq!(head.join("\n"), want, "{cmd} {v}");
            assert!(!err.contains("Unset variable"), "{cmd} {v}: {err}");
        }
    }
    let o = d.run(&[
        "validate",
        "--no-cache",
        "--nomad-version",
        "2.0.5",
        "--var",
        "l=[1]",
        "j.nomad",
    ]);
    let err = stderr(&o);
    assert!(
        err.contains("<nil>: Undefined -var variable; A \"l\" variable was passed in the command line but was not found in known variables."),
        "{err}"
    );
    // `optional` is hcl 2.20's modifier (Nomad 1.8.1 on), refused in an
    // exact type at its name; hcl 2.7 knows no such constructor.
    let d = project(
        "hcl2-var-optional",
        "variable \"o\" {\n  type = object({a = optional(string)})\n}\n",
    );
    for (v, want) in [
        ("1.6.0", "j.nomad:2,22-38: Invalid type specification; Keyword \"optional\" is not a valid type constructor."),
        ("2.0.5", "j.nomad:2,22-30: Invalid type specification; Optional attribute modifier is only for type constraints, not for exact types."),
    ] {
        let o = d.run(&["validate", "--no-cache", "--nomad-version", v, "j.nomad"]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{v}: {err}");
        assert!(err.starts_with(&format!("{HEADER}\n{want}\n")), "{v}: {err}");
    }
}

/// collectInputVariableValues ranges over os.Environ(), the process's
/// environment block in its order: several refused `NOMAD_VAR_` values
/// are said in that order (here not the names' order), with an advice,
/// not "cannot tell".
#[cfg(unix)]
#[test]
fn refused_environment_values_are_said_in_the_environments_order() {
    let d = project(
        "hcl2-var-env-order",
        "variable \"n\" {\n  type = number\n}\nvariable \"m\" {\n  type = number\n}\nvariable \"l\" {\n  type = list(number)\n}\n",
    );
    let line = |name: &str, at: &str| {
        format!("{at}: Invalid value for variable; The value for {name} is not compatible with the variable's type constraint: a number is required.")
    };
    for v in ["1.6.0", "2.0.5"] {
        // `env -i` starts the binary with exactly this environment, in
        // this order (Rust's Command would sort it).
        let o = std::process::Command::new("env")
            .current_dir(&d.0)
            .args([
                "-i",
                "NOMAD_VAR_n=x",
                "NOMAD_VAR_l=[\"a\"]",
                "NOMAD_VAR_m=y",
            ])
            .arg(common::bin())
            .args([
                "--no-color",
                "validate",
                "--no-cache",
                "--nomad-version",
                v,
                "j.nomad",
            ])
            .output()
            .expect("env runs");
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{v}: {err}");
        let want = [
            HEADER.to_string(),
            line("n", ":0,0-0"),
            line("l", "<value for var.l from env>:1,1-6"),
            line("m", ":0,0-0"),
        ]
        .join("\n");
        // (validate says its advice first, then Nomad's text)
        assert!(err.contains(&format!("{want}\njobspec::")), "{v}: {err}");
        assert!(!err.contains("cannot tell"), "{v}: {err}");
        assert!(
            err.contains("jobspec::variables-map-order")
                && err.contains("several NOMAD_VAR_ values are refused: Nomad reports them"),
            "{v}: {err}"
        );
    }
}

/// `plan --format json` on a job file Nomad refuses: tools reading stdout
/// get the refusal too (Nomad's text and our diagnostics, the map-order
/// advice among them), not an empty stdout.
#[test]
fn plan_json_on_a_refused_job_file_says_why_on_stdout() {
    let d = project(
        "hcl2-var-plan-json",
        "variable \"a\" {\n  type = number\n}\nvariable \"b\" {\n  type = number\n}\n",
    );
    let o = d.run(&[
        "plan",
        "--no-cache",
        "--nomad-version",
        "1.6.0",
        "--format",
        "json",
        "j.nomad",
    ]);
    assert_eq!(o.status.code(), Some(255), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON on stdout");
    let error = v["Preflight"]["Error"].as_str().expect("Preflight.Error");
    assert!(error.starts_with(HEADER), "{error}");
    assert!(error.contains("<nil>: Unset variable \"a\""), "{error}");
    assert!(error.contains("<nil>: Unset variable \"b\""), "{error}");
    // Nomad's text on stderr is the same.
    assert!(stderr(&o).starts_with(error), "{}", stderr(&o));
    let codes: Vec<&str> = v["Preflight"]["Diagnostics"]
        .as_array()
        .expect("Preflight.Diagnostics")
        .iter()
        .filter_map(|d| d["Code"].as_str())
        .collect();
    assert!(codes.contains(&"jobspec::variables-map-order"), "{codes:?}");
}

/// A number beyond a 64-bit float in the job file itself: hclsyntax reads
/// it (go-cty holds it as a big.Float; a `meta` value becomes "1e+400")
/// and our parser does not, so what Nomad says is not known: one line,
/// exit 255, not our parser's words in Nomad's place.
#[test]
fn a_number_beyond_a_float_in_the_job_file_is_cannot_tell() {
    let d = TempDir::new("hcl2-job-1e400");
    d.put(
        "j.nomad",
        &JOB.replace(
            "  datacenters",
            "  meta {\n    x = 1e400\n  }\n  datacenters",
        ),
    );
    for v in ["1.6.0", "2.0.5"] {
        for cmd in ["plan", "validate"] {
            let o = d.run(&[cmd, "--no-cache", "--nomad-version", v, "j.nomad"]);
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(255), "{cmd} {v}: {err}");
            assert!(
                err.starts_with(&format!("error: cannot tell what Nomad {v} makes of this file: its parser (hclsyntax) reads text here")),
                "{cmd} {v}: {err}"
            );
            assert!(!err.contains("Invalid HCL syntax"), "{cmd} {v}: {err}");
        }
    }
}

/// Two elements of one map value that do not convert: go-cty names the
/// first it meets in Go's map order (oracle-jobvars-old, 40 runs of
/// `{b = [1], a = "x", c = true, d = {}}`: b 5, c 26, d 9), so the line
/// Nomad prints is chance. Said so, naming the candidates, not a generic
/// reason.
#[test]
fn two_bad_elements_of_one_map_value_name_the_candidates() {
    let d = project(
        "hcl2-var-map-chance",
        "variable \"m\" {\n  type = map(number)\n}\n",
    );
    d.put("v.hcl", "m = {a = \"x\", b = [1], c = true}\n");
    for v in ["1.6.0", "2.0.5"] {
        let o = d.run(&[
            "validate",
            "--no-cache",
            "--nomad-version",
            v,
            "--var-file",
            "v.hcl",
            "j.nomad",
        ]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(255), "{v}: {err}");
        assert!(
            err.starts_with(&format!("error: cannot tell what Nomad {v} says of the variables' values: go-cty refuses the value of m naming one of element \"b\", element \"c\", the first it meets in Go's map order")),
            "{v}: {err}"
        );
    }
}
