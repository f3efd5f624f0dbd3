//! A declared variable nothing sets, as jobspec2 says it: Variables.Values
//! (types.variables.go) gives it a diagnostic with a Context and no
//! Subject, so hcl's Error() prints `<nil>`, and a page that moved with
//! the releases. We said it in our own words, and went on to decode the
//! job, which from 1.0.6 decodeBody does not. Texts:
//! tests/hcl-oracle/jobvars.go (1.1-1.6's page), the others from
//! types.variables.go at v1.0.18:151, v1.7.0:164, v1.11.0:164, v2.0.5:163.

use crate::common;

const JOB: &str = r#"variable "d" {
  type = string
}
variable "e" {
  type    = number
  default = 1
}
job "v" {
  datacenters = ["dc1"]
  group "g" {
    task "t" {
      driver = "docker"
      bogus  = 1
      config { image = "a:${var.d}" }
    }
  }
}
"#;

/// `validate` at `version`: (exit code, what follows the fallback note).
fn validate(tag: &str, text: &str, version: &str, extra: &[(&str, &str)]) -> (i32, String) {
    let d = common::TempDir::new(tag);
    d.put("j.nomad", text);
    let mut args = vec!["validate", "j.nomad", "--nomad-version", version];
    for (name, body) in extra {
        d.put(name, body);
        args.extend_from_slice(&["-var-file", name]);
    }
    let o = d.run(&args);
    let err = String::from_utf8_lossy(&o.stderr);
    let body = err.lines().skip(1).collect::<Vec<_>>().join("\n") + "\n";
    (o.status.code().expect("exit code"), body)
}

const HEAD: &str = "Error getting job struct: Error parsing job file from j.nomad:\n";

fn unset(page: &str) -> String {
    format!("<nil>: Unset variable \"d\"; A used variable must be set or have a default value; see {page} details.\n")
}

#[test]
fn the_unset_line_names_the_release_s_page_and_nothing_of_the_job() {
    for (v, page) in [
        (
            "1.0.6",
            "https://packer.io/docs/configuration/from-1.5/syntax for",
        ),
        (
            "1.1.0",
            "https://www.nomadproject.io/docs/job-specification/hcl2/variables for",
        ),
        (
            "1.6.0",
            "https://www.nomadproject.io/docs/job-specification/hcl2/variables for",
        ),
        (
            "1.7.0",
            "https://developer.hashicorp.com/nomad/docs/job-specification/hcl2/variables for",
        ),
        (
            "1.10.5",
            "https://developer.hashicorp.com/nomad/docs/job-specification/hcl2/variables for",
        ),
        (
            "1.11.0",
            "https://developer.hashicorp.com/nomad/docs/reference/hcl2/variables  for",
        ),
        (
            "2.0.5",
            "https://developer.hashicorp.com/nomad/docs/reference/hcl2/variables  for",
        ),
    ] {
        let (code, err) = validate(&format!("unset-{v}"), JOB, v, &[]);
        assert_eq!(code, 1, "{v}: {err}");
        // decodeBody returns after the variables' stage: the task's
        // unknown `bogus` is never read.
        assert!(
            err.starts_with(&format!("{HEAD}{}", unset(page))),
            "{v}: {err}"
        );
        assert!(!err.contains("bogus"), "{v}: {err}");
    }
}

#[test]
fn after_a_refused_var_file_value_the_unset_line_follows() {
    let page = "https://www.nomadproject.io/docs/job-specification/hcl2/variables for";
    let (code, err) = validate(
        "after-file",
        JOB,
        "1.6.0",
        &[("v.hcl", "e = upper(\"x\")\n")],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with(&format!(
            "{HEAD}v.hcl:1,5-15: Function calls not allowed; Functions may not be called here.\n{}",
            unset(page)
        )),
        "{err}"
    );
}

#[test]
fn two_variables_with_something_to_say_are_all_said_with_a_map_order_note() {
    // Two unset: Nomad refuses the job either way; only the order of its
    // two lines is Go's map order. Both lines, then the note.
    let two = JOB.replacen(
        "variable \"e\" {\n  type    = number\n  default = 1\n}",
        "variable \"e\" {}",
        1,
    );
    let (code, err) = validate("two-unset", &two, "1.6.0", &[]);
    assert_eq!(code, 1, "{err}");
    let page = "https://www.nomadproject.io/docs/job-specification/hcl2/variables for";
    assert!(
        err.contains(&format!("{HEAD}{}<nil>: Unset variable \"e\"", unset(page))),
        "{err}"
    );
    assert!(
        err.contains("2 variables are unset: Nomad reports them in Go's map order"),
        "{err}"
    );
    assert!(!err.contains("cannot tell"), "{err}");
    // One unset, one value its rule refuses: the same pass over the map.
    let rule = JOB.replacen(
        "  default = 1\n}",
        "  default = 1\n  validation {\n    condition     = var.e > 5\n    error_message = \"Big.\"\n  }\n}",
        1,
    );
    let (code, err) = validate("unset-and-rule", &rule, "1.6.0", &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("<nil>: Unset variable \"d\""), "{err}");
    assert!(err.contains("Invalid value for default variable"), "{err}");
    assert!(
        err.contains("1 unset variable(s) and 1 value(s) failing their validation rules: Nomad"),
        "{err}"
    );
}
