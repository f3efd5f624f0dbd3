//! A variable's `validation` blocks as jobspec2 decodes and runs them
//! (types.variables.go decodeVariableValidationBlock / validateValue,
//! 1.0.0-2.0.5): the value's source and range, the rule's block, the
//! references a condition may make, and the error message's rules per
//! release. Each was accepted or worded by us before: a job file Nomad
//! refuses planned as an all-clear.

use crate::common;

const JOB: &str = r#"variable "n" {
  type    = number
  default = 5
  validation {
    condition     = COND
    error_message = MESSAGE
  }
}
job "v" {
  datacenters = ["dc1"]
  group "g" {
    count = var.n
    task "t" {
      driver = "docker"
      config { image = "a:1" }
    }
  }
}
"#;

fn job(cond: &str, message: &str) -> String {
    JOB.replace("COND", cond).replace("MESSAGE", message)
}

/// `validate` at `version`: (exit code, what follows the fallback note).
fn validate(tag: &str, text: &str, version: &str, extra: &[&str]) -> (i32, String) {
    let mut args = vec!["validate", "j.nomad", "--nomad-version", version];
    args.extend_from_slice(extra);
    let (code, _, err) = common::run_job(tag, text, &args);
    let body = err.lines().skip(1).collect::<Vec<_>>().join("\n");
    (code, body)
}

const HEAD: &str = "Error getting job struct: Error parsing job file from j.nomad:\n";

#[test]
fn a_value_its_rule_refuses_names_its_source_and_the_rule() {
    let text = job("var.n < 3", "\"The n must be small.\"");
    let (code, err) = validate("valid-default", &text, "1.6.0", &[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with(&format!("{HEAD}j.nomad:3,13-14: Invalid value for default variable; The n must be small.\n\nThis was checked by the validation rule at j.nomad:4,3-13.\n")),
        "{err}"
    );
    // A number variable's -var text is a literal: no source range.
    let (code, err) = validate("valid-cmd", &text, "2.0.5", &["-var", "n=7"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with(&format!(
            "{HEAD}:0,0-0: Invalid value for cmd variable; The n must be small.\n"
        )),
        "{err}"
    );
    let (code, err) = validate("valid-ok", &text, "2.0.5", &["-var", "n=2"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn the_error_message_must_be_sentences_until_2_0_5() {
    let text = job("var.n < 9", "\"n too big\"");
    let refusal = format!("{HEAD}j.nomad:6,21-32: Invalid validation error message; Validation error message must be at least one full sentence starting with an uppercase letter ( if the alphabet permits it ) and ending with a period or question mark.\n");
    for v in ["1.0.0", "1.6.0", "2.0.4"] {
        let (code, err) = validate(&format!("sentences-{v}"), &text, v, &[]);
        assert_eq!(code, 1, "{v}: {err}");
        assert!(err.starts_with(&refusal), "{v}: {err}");
    }
    // 2.0.5 accepts any message that is not blank.
    let (code, err) = validate("sentences-205", &text, "2.0.5", &[]);
    assert_eq!(code, 0, "{err}");
    let (code, err) = validate("blank-205", &job("var.n < 9", "\"  \""), "2.0.5", &[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with(&format!("{HEAD}j.nomad:6,21-25: Invalid validation error message; An empty or blank string is not a valid nor useful error message.\n")),
        "{err}"
    );
}

#[test]
fn a_condition_may_refer_to_its_own_variable_only() {
    let text = job("var.n < var.m", "\"Too big.\"");
    let (code, err) = validate("refs", &text, "1.6.0", &[]);
    assert_eq!(code, 1, "{err}");
    // The decoding's refusal, then the evaluation's (`var` holds `n` alone).
    assert!(
        err.starts_with(&format!("{HEAD}j.nomad:5,29-34: Invalid reference in variable validation; The condition for variable \"n\" can only refer to the variable itself, using var.n.\nj.nomad:5,32-34: Unsupported attribute; This object does not have an attribute named \"m\".\n")),
        "{err}"
    );
    let (code, err) = validate("no-refs", &job("true", "\"Never.\""), "1.6.0", &[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with(&format!("{HEAD}j.nomad:5,21-25: Invalid variable validation condition; The condition for variable \"n\" must refer to var.n in order to test incoming values.\n")),
        "{err}"
    );
}

#[test]
fn a_condition_must_be_a_bool() {
    let text = job("var.n > 3 ? null : true", "\"Too big.\"");
    let (code, err) = validate("null", &text, "1.6.0", &[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with(&format!("{HEAD}j.nomad:5,21-44: Invalid variable validation result; Validation condition expression must return either true or false, not null.\n")),
        "{err}"
    );
    // go-cty converts "true" to a bool.
    let (code, err) = validate(
        "string",
        &job("var.n > 3 ? \"true\" : \"false\"", "\"Too big.\""),
        "1.6.0",
        &[],
    );
    assert_eq!(code, 0, "{err}");
}

#[test]
fn what_is_not_followed_is_said_in_one_line() {
    // hclsyntax words an unexpected argument with suggestions, in Go's map
    // order: not Nomad's text here, so one line and exit 255 from plan.
    let text = job("var.n < 9", "\"Too big.\"\n    extra = 1");
    let (code, out, err) = common::run_job(
        "cannot-tell",
        &text,
        &["plan", "j.nomad", "--nomad-version", "1.6.0"],
    );
    assert_eq!(code, 255, "{err}");
    assert_eq!(out, "");
    assert_eq!(
        err.lines().nth(1),
        Some("error: cannot tell what Nomad says of this job file: a `validation` block holds something other than `condition` and `error_message`"),
        "{err}"
    );
}

#[test]
fn a_filesystem_function_in_a_condition_is_refused_as_guard_fs_refuses_it() {
    // validateValue evaluates conditions with Functions("", false)
    // (jobspec2/types.variables.go@v1.0.0..v2.0.5): guardFS's stand-in
    // refuses every filesystem function, after the arguments' checks
    // (jobspec2/functions.go guardFS), and hclsyntax words it at the
    // call's start. `&&` evaluates both sides (hclsyntax BinaryOpExpr).
    let text = job(
        "var.n > 0 && fileexists(\"j.nomad\")",
        "\"The n must be positive.\"",
    );
    for v in ["1.0.0", "2.0.5"] {
        let (code, err) = validate("valid-fs", &text, v, &[]);
        assert_eq!(code, 1, "{v}: {err}");
        assert!(
            err.starts_with(&format!("{HEAD}j.nomad:5,34-45: Error in function call; Call to function \"fileexists\" failed: filesystem function disabled.\n")),
            "{v}: {err}"
        );
    }
    // can() catches the error: the condition is false, the rule refuses.
    let text = job(
        "can(file(\"j.nomad\")) && var.n > 0",
        "\"The n must be positive.\"",
    );
    let (code, err) = validate("valid-fs-can", &text, "2.0.5", &[]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.starts_with(&format!(
            "{HEAD}j.nomad:3,13-14: Invalid value for default variable; The n must be positive.\n"
        )),
        "{err}"
    );
}
