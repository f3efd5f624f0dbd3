//! A `regexp` constraint whose pattern may pass Go's regexp size limits
//! (regexp/syntax parse.go `checkLimits`, Go 1.18.7 and 1.19.2+): Nomad's
//! `Constraint.Validate` compiles it (`Regular expression failed to
//! compile: error parsing regexp: expression too large` when Go refuses),
//! and whether Go measures the pattern depends on its parser's
//! allocations. `plan`, `validate` and `check` say they cannot tell, with
//! exit 255 (NP215 for `check`), never Nomad's success text; a release
//! built before the limit (Nomad 1.3.6, Go 1.19.1) takes any size.

use crate::common;

use std::path::Path;

/// 1000 copies of a 1000-way alternation of 4-rune strings (goregexp
/// size.rs: a size of 1000 × 4999 before regrouping, over Go's 3,355,443
/// instructions).
fn big() -> String {
    format!("(?:{}){{1000}}", vec!["abcd"; 1000].join("|"))
}

fn world(tag: &str, version: &str, pattern: &str, valid: bool) -> common::TempDir {
    let tmp = common::TempDir::new(&format!("regexp-size-{tag}"));
    tmp.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"{version}\"\nclient \"a\" {{\n  cpu     = 4000\n  memory  = 8192\n  disk    = 10000\n  drivers = [\"exec\"]\n  meta    = {{ rack = \"abcd\" }}\n}}\n"
        ),
    );
    // An invalid job too: its error list may or may not hold the regexp's.
    let count = if valid { 1 } else { -1 };
    tmp.put(
        "job.nomad",
        &format!(
            r#"job "web" {{
  datacenters = ["dc1"]
  group "web" {{
    count = {count}
    constraint {{
      attribute = "${{meta.rack}}"
      operator  = "regexp"
      value     = "{pattern}"
    }}
    task "web" {{
      driver = "exec"
      config {{ command = "/bin/date" }}
      resources {{
        cpu    = 100
        memory = 64
      }}
    }}
  }}
}}
"#
        ),
    );
    tmp
}

fn run(w: &common::TempDir, cmd: &str, more: &[&str]) -> common::Out {
    let rules = w.0.join("rules").to_string_lossy().into_owned();
    let job = w.0.join("job.nomad").to_string_lossy().into_owned();
    let mut args = vec![cmd, "--world", rules.as_str(), job.as_str()];
    args.extend_from_slice(more);
    common::run_in(Path::new("."), &args)
}

const LINE: &str = "error: cannot tell whether Nomad accepts job \"web\": the `regexp` constraint of group \"web\"";

#[test]
fn plan_validate_and_check_cannot_tell() {
    for valid in [true, false] {
        let w = world(&format!("2.0.5-{valid}"), "2.0.5", &big(), valid);
        // An invalid job is refused whatever Go says of the pattern: the
        // line says only the words are unknown, and `validate` exits 1
        // as Nomad's does (as `check` fails on the error).
        let line = if valid {
            LINE.to_string()
        } else {
            LINE.replacen("error: ", "error: Nomad refuses this job (the errors below), but the whole of what it prints is not known: ", 1)
        };
        let plan = run(&w, "plan", &[]);
        assert_eq!(plan.code, 255, "{}", plan.stderr);
        assert!(plan.stderr.contains(&line), "{}", plan.stderr);
        assert!(
            plan.stderr.contains("expression too large"),
            "{}",
            plan.stderr
        );
        assert!(
            !plan.stdout.contains("Scheduler dry-run"),
            "{}",
            plan.stdout
        );
        assert!(
            !plan.stderr.contains("Error during plan"),
            "{}",
            plan.stderr
        );
        let json = run(&w, "plan", &["--format", "json"]);
        let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("JSON");
        assert_eq!(
            v["Preflight"]["Regexp"]["Kind"], "constraint",
            "{}",
            json.stdout
        );
        let validate = run(&w, "validate", &[]);
        assert_eq!(
            validate.code,
            if valid { 255 } else { 1 },
            "{}",
            validate.stderr
        );
        assert!(validate.stderr.contains(&line), "{}", validate.stderr);
        assert!(!validate.stdout.contains("Job validation successful"));
        let check = run(&w, "check", &[]);
        assert!(
            check.stdout.contains("NP215"),
            "{}{}",
            check.stdout,
            check.stderr
        );
        assert_ne!(check.code, 0);
    }
}

/// Go 1.19.1 (Nomad 1.3.6) had no size limit; Go 1.19.3 (1.3.8) words it
/// `regexp/syntax: internal error`.
#[test]
fn by_the_go_of_the_release() {
    let w = world("1.3.6", "1.3.6", &big(), true);
    let plan = run(&w, "plan", &[]);
    // Judged: the scheduler's verdict (no rack holds 1000 copies).
    assert!(
        plan.stdout.contains("Scheduler dry-run"),
        "{}{}",
        plan.stdout,
        plan.stderr
    );
    assert!(!plan.stderr.contains("cannot tell"), "{}", plan.stderr);
    let w = world("1.3.8", "1.3.8", &big(), true);
    let plan = run(&w, "plan", &[]);
    assert_eq!(plan.code, 255);
    assert!(
        plan.stderr.contains("regexp/syntax: internal error"),
        "{}",
        plan.stderr
    );
    // A small pattern is judged as before.
    let w = world("small", "2.0.5", "^ab[c-d]+$", true);
    assert!(run(&w, "plan", &[])
        .stdout
        .contains("All tasks successfully allocated"));
}
