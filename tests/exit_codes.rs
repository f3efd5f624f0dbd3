//! Every exit code of README's "Exit codes" table, one case each, through
//! the binary as users run it; and Nomad's flags that we do not support are
//! refused with the command's usage code (never help and exit 0).

use crate::common;

use common::TempDir;

/// A committed demo repository (so plans have their running versions).
fn demo(name: &str) -> TempDir {
    let d = TempDir::demo(&format!("exit-{name}"));
    common::git(&d.0, &["init", "-q"]);
    common::git(&d.0, &["add", "."]);
    common::git(&d.0, &["commit", "-qm", "demo"]);
    d
}

fn write(d: &TempDir, rel: &str, text: &str) {
    std::fs::write(d.0.join(rel), text).unwrap();
}

/// Append an unclosed block to `rules/cluster.hcl`; returns the text to
/// put back.
fn break_world(d: &TempDir) -> String {
    let world = std::fs::read_to_string(d.0.join("rules/cluster.hcl")).unwrap();
    write(
        d,
        "rules/cluster.hcl",
        &format!("{world}\nclient \"x\" {{{{\n"),
    );
    world
}

fn code(d: &TempDir, args: &[&str]) -> i32 {
    let out = d.run(args);
    let code = out.status.code().unwrap_or(-1);
    eprintln!(
        "{args:?} => {code}\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    code
}

/// Priority 90 in namespace `default`, whose band ends at 70 (NP402, error).
const BAND_BREAKER: &str = "job \"batchy\" {\n  datacenters = [\"dc1\"]\n  priority    = 90\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"redis:7\"\n      }\n      resources {\n        cpu    = 100\n        memory = 64\n      }\n    }\n  }\n}\n";

#[test]
fn plan_exit_codes() {
    let d = demo("plan");
    assert_eq!(
        code(&d, &["plan", "jobs/sockshop.nomad"]),
        0,
        "no allocation changes"
    );
    assert_eq!(
        code(&d, &["plan", "jobs/monitoring.nomad"]),
        1,
        "allocations created"
    );
    // Only a destroy: the user group's count 1 -> 0.
    let text = std::fs::read_to_string(d.0.join("jobs/sockshop.nomad")).unwrap();
    let at = text.find("group \"user\"").expect("user group");
    let count = at + text[at..].find("count = 1").expect("user count");
    let mut fewer = text.clone();
    fewer.replace_range(count..count + "count = 1".len(), "count = 0");
    write(&d, "jobs/sockshop.nomad", &fewer);
    assert_eq!(
        code(&d, &["plan", "jobs/sockshop.nomad"]),
        1,
        "allocations destroyed"
    );
    write(&d, "jobs/sockshop.nomad", &text);
    // Preempted: tests/plan_by_hand.rs (the demo's carts step, exit 1).
    // Nomad's plan silent but the submission fails: tests/plan_admission.rs.
    // The Plan RPC refuses the job: tests/plan_admission.rs, plan_nomad_text.rs.
    // No earlier version known: tests/plan_by_hand.rs (untracked running file).
    write(&d, "broken.nomad", "job \"x\" {\n  priority = \"high\"\n");
    assert_eq!(code(&d, &["plan", "broken.nomad"]), 255, "invalid input");
    assert_eq!(code(&d, &["plan"]), 255, "usage");
    assert_eq!(
        code(&d, &["plan", "--bogus", "jobs/sockshop.nomad"]),
        255,
        "usage"
    );
}

#[test]
fn validate_exit_codes() {
    let d = demo("validate");
    assert_eq!(code(&d, &["validate", "jobs/sockshop.nomad"]), 0, "valid");
    write(
        &d,
        "broken.nomad",
        "job \"x\" {\n  priority = \"high\"\n}\n",
    );
    assert_eq!(code(&d, &["validate", "broken.nomad"]), 1, "invalid");
    // Nomad's validate exits 1 at `Error getting job struct` (command/job_validate.go).
    assert_eq!(code(&d, &["validate", "missing.nomad"]), 1, "not got");
    assert_eq!(
        code(&d, &["validate", "--bogus", "jobs/sockshop.nomad"]),
        255,
        "usage"
    );
}

#[test]
fn check_exit_codes() {
    let d = demo("check");
    // NP105 (a warning) only: below the default threshold.
    assert_eq!(
        code(&d, &["check", "jobs/sockshop.nomad"]),
        0,
        "no error finding"
    );
    assert_eq!(
        code(&d, &["check", "--deny", "warnings", "jobs/sockshop.nomad"]),
        1,
        "warnings denied"
    );
    write(&d, "batchy.nomad", BAND_BREAKER);
    assert_eq!(code(&d, &["check", "batchy.nomad"]), 1, "findings");
    // A job file Nomad's CLI cannot get is its refusal, as validate's (1);
    // a bad flag is the usage error.
    assert_eq!(code(&d, &["check", "missing.nomad"]), 1, "not got");
    assert_eq!(code(&d, &["check", "--bogus", "batchy.nomad"]), 2, "usage");
    assert_eq!(
        code(
            &d,
            &["check", "--var-file", "missing.vars", "jobs/sockshop.nomad"]
        ),
        2,
        "an unreadable --var-file is an I/O error, not a finding"
    );
    // A world that cannot be loaded (a syntax error in cluster.hcl); one
    // that cannot be simulated: tests/check_fail_closed.rs. A file whose
    // check crashed: cli::check's unit test (no input is known to crash it).
    let world = break_world(&d);
    assert_eq!(
        code(&d, &["check", "jobs/sockshop.nomad"]),
        2,
        "a world that cannot be loaded"
    );
    write(&d, "rules/cluster.hcl", &world);
    let outside = TempDir::new("exit-check-norepo");
    if std::process::Command::new("git")
        .arg("-C")
        .arg(&outside.0)
        .arg("rev-parse")
        .output()
        .is_ok_and(|o| !o.status.success())
    {
        assert_eq!(
            code(&outside, &["check", "--staged"]),
            2,
            "--staged outside a repository"
        );
    }
}

#[test]
fn rehearse_exit_codes() {
    let d = demo("rehearse");
    let step = |expect: &str| {
        format!(
            "step \"plan monitoring\" {{\n  command = \"nomad job plan jobs/monitoring.nomad\"\n  expect {{\n    {expect}\n  }}\n}}\n"
        )
    };
    write(&d, "held.hcl", &step("placed = false"));
    assert_eq!(
        code(&d, &["rehearse", "--samples", "2", "held.hcl"]),
        0,
        "held"
    );
    write(&d, "failed.hcl", &step("placed = true"));
    assert_eq!(
        code(&d, &["rehearse", "--samples", "2", "failed.hcl"]),
        1,
        "failed"
    );
    // At risk (the shipped demo's carts step): tests/rehearse_cli.rs, for
    // several seeds; no earlier version of a running file: the same file.
    write(&d, "invalid.hcl", "step \"x\" {\n  bogus = 1\n}\n");
    assert_eq!(
        code(&d, &["rehearse", "invalid.hcl"]),
        2,
        "invalid rehearsal"
    );
    write(
        &d,
        "broken.hcl",
        "step \"plan broken\" {\n  command = \"nomad job plan jobs/broken.nomad\"\n}\n",
    );
    write(
        &d,
        "jobs/broken.nomad",
        "job \"x\" {\n  priority = \"high\"\n",
    );
    assert_eq!(
        code(&d, &["rehearse", "--samples", "2", "broken.hcl"]),
        2,
        "invalid job file"
    );
    std::fs::remove_file(d.0.join("jobs/broken.nomad")).unwrap();
    let world = break_world(&d);
    assert_eq!(
        code(&d, &["rehearse", "--samples", "2", "held.hcl"]),
        2,
        "invalid world"
    );
    write(&d, "rules/cluster.hcl", &world);
    assert_eq!(code(&d, &["rehearse", "--bogus"]), 2, "usage");
    assert_eq!(
        code(&d, &["rehearse", "--samples", "2", "held.hcl"]),
        0,
        "held again once the world is back"
    );
}

#[test]
fn status_exit_codes() {
    let d = demo("status");
    assert_eq!(code(&d, &["status", "jobs"]), 0, "done");
    assert_eq!(code(&d, &["status", "job", "no-such-job"]), 1, "not found");
    assert_eq!(
        code(&d, &["status", "--world", "no-such-dir"]),
        2,
        "invalid input"
    );
}

#[test]
fn import_exit_codes() {
    let d = demo("import");
    assert_eq!(code(&d, &["import", "--print-commands"]), 0, "done");
    assert_eq!(code(&d, &["import", "no-such-dir"]), 2, "invalid input");
}

#[test]
fn nomad_flags_we_do_not_support_are_refused_never_read_as_help() {
    let d = demo("flags");
    for (args, want) in [
        (&["check", "-hcl1", "jobs/sockshop.nomad"][..], 2),
        (&["plan", "-hcl1", "jobs/sockshop.nomad"][..], 255),
        (&["validate", "-hcl1", "jobs/sockshop.nomad"][..], 255),
        (&["plan", "-json", "jobs/sockshop.nomad"][..], 255),
        (
            &["plan", "-policy-override", "jobs/sockshop.nomad"][..],
            255,
        ),
        (
            &[
                "plan",
                "-address=http://127.0.0.1:4646",
                "jobs/sockshop.nomad",
            ][..],
            255,
        ),
        (
            &["validate", "-hcl2-strict=false", "jobs/sockshop.nomad"][..],
            255,
        ),
        (&["check", "-hfoo", "jobs"][..], 2),
    ] {
        let out = d.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(want), "{args:?}: {stderr}");
        assert!(stderr.starts_with("error: -"), "{args:?}: {stderr}");
        assert!(
            !String::from_utf8_lossy(&out.stdout).contains("Usage:"),
            "{args:?}"
        );
    }
    // Supported as Nomad spells them.
    assert_eq!(
        code(&d, &["validate", "-hcl2-strict", "jobs/sockshop.nomad"]),
        0
    );
    assert_eq!(
        code(&d, &["plan", "-verbose=true", "jobs/sockshop.nomad"]),
        0
    );
    assert_eq!(
        code(&d, &["plan", "-diff=false", "jobs/monitoring.nomad"]),
        1
    );
}

/// An argument that is not UTF-8 (a Latin-1 file name, as a hook passes
/// it) is an error with the command's code, never a panic (101).
#[cfg(unix)]
#[test]
fn an_argument_that_is_not_utf8_is_an_error_not_a_panic() {
    use std::os::unix::ffi::OsStrExt;
    let d = TempDir::new("exit-latin1-arg");
    let name = std::ffi::OsStr::from_bytes(b"M\xfcller.nomad");
    let run = |args: &[&std::ffi::OsStr]| {
        std::process::Command::new(common::bin())
            .current_dir(&d.0)
            .arg("--no-color")
            .args(args)
            .output()
            .expect("the binary runs")
    };
    // A path: clap takes it; the file is not there.
    let o = run(&["validate".as_ref(), name]);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(255), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    // Quoted as Go's %q quotes the name's bytes, not lossily.
    assert!(
        err.contains(r#"Error opening file "M\xfcller.nomad": no such file"#),
        "{err}"
    );
    // Text (a -var value), rewritten from Nomad's single dash: clap
    // refuses it with the usage code.
    let mut var = std::ffi::OsString::from("-var=x=");
    var.push(name);
    let o = run(&["plan".as_ref(), var.as_os_str(), "j.nomad".as_ref()]);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(255), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}
