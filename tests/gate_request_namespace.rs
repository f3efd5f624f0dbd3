//! A change-set gate run in a shell with `NOMAD_NAMESPACE` set (rv19-1).
//! Nomad plans a job that names no namespace in the request's namespace
//! (command/job_plan.go v2.0.5:208-210 forces only a namespace the job
//! writes), so `check --staged` and `plan --changed --gate` in such a shell
//! judged the world's running default/sockshop file, and a copy of it, as a
//! new job ops/sockshop: no stop, no `defined-twice`, exit 0 where the
//! deploy (which the world records in "default") is refused. Which
//! namespace the deploy uses is not the gate's to guess: "cannot tell",
//! naming both namespaces and where the request's came from. Under the
//! shell's `NOMAD_NAMESPACE` the change is judged in "default" too
//! (R21-A1, tests/gate_shell_namespace.rs), where the copy is refused:
//! `check` exits 1 for it (a definite finding beside the "cannot tell").

use crate::common;
use crate::gate_defined_twice::{protected_repo, ZZ};

use common::{git, run_in_env, Out, TempDir};

/// The demo's world (0.9.3, where the servers ignore the request's
/// namespace for such a job) judged as 2.0.5, where they apply it.
const V: [&str; 2] = ["--nomad-version", "2.0.5"];
const OPS: [(&str, &str); 1] = [("NOMAD_NAMESPACE", "ops")];

fn run(d: &TempDir, env: &[(&str, &str)], args: &[&str]) -> Out {
    let all: Vec<&str> = args.iter().chain(&V).copied().collect();
    run_in_env(&d.0, env, &all)
}

fn json(o: &Out) -> serde_json::Value {
    serde_json::from_str(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}{}", o.stdout, o.stderr))
}

/// Both gates on the staged change under `env` (and `flag`): "cannot tell"
/// at `file`, in the line, the JSON and the exit code, naming `by`;
/// `check` exits `code` (1 where the run in "default" refuses too).
fn both_cannot_tell(
    d: &TempDir,
    env: &[(&str, &str)],
    flag: &[&str],
    (file, by): (&str, &str),
    code: i32,
) {
    let words = format!(
        "cannot tell which namespace the job \"sockshop\" in {file} is deployed to: it names no namespace, {by} puts it in \"ops\", but the world runs \"sockshop\" from jobs/sockshop.nomad in \"default\""
    );
    let mut args = vec!["check", "--staged", "--output-format", "concise"];
    args.extend_from_slice(flag);
    let c = run(d, env, &args);
    let s = format!("{}{}", c.stdout, c.stderr);
    assert_eq!(c.code, code, "{s}");
    assert!(
        c.stdout.contains(&format!(
            "{file}:1:1: changeset::cannot-tell [error] {words}"
        )),
        "{s}"
    );
    assert!(
        c.stderr.contains(&format!(
            "note: job files that name no namespace are judged in namespace \"ops\" (from {by}"
        )),
        "{s}"
    );
    let mut args = vec!["check", "--staged", "--format", "json"];
    args.extend_from_slice(flag);
    let v = json(&run(d, env, &args));
    let f = &v["findings"][0];
    assert_eq!(f["code"], "changeset::cannot-tell", "{v:#}");
    assert_eq!(f["cannot_tell"], true, "{v:#}");
    assert_eq!(f["file"], file, "{v:#}");

    let mut args = vec!["plan", "--changed", "--staged", "--gate"];
    args.extend_from_slice(flag);
    let p = run(d, env, &args);
    let s = format!("{}{}", p.stdout, p.stderr);
    assert_eq!(p.code, 255, "{s}");
    // The text wraps the line: its words are checked in the JSON's.
    assert!(s.contains("changeset::cannot-tell"), "{s}");
    assert!(s.contains("1 cannot tell"), "{s}");
    args.extend_from_slice(&["--format", "json"]);
    let v = json(&run(d, env, &args));
    let e = &v["Plans"][0];
    assert_eq!(e["File"], file, "{v:#}");
    assert_eq!(e["CannotTell"], true, "{v:#}");
    assert!(e["Plan"].is_null(), "{v:#}");
    let said = e["Errors"][0].as_str().unwrap_or_default();
    assert!(said.starts_with(&words), "{v:#}");
}

#[test]
fn a_hook_under_nomad_namespace_cannot_tell_where_a_running_file_goes() {
    let d = protected_repo("ns-gate-edit");
    d.put("jobs/sockshop.nomad", ZZ);
    git(&d.0, &["add", "-A"]);
    let at = "jobs/sockshop.nomad";
    both_cannot_tell(&d, &OPS, &[], (at, "NOMAD_NAMESPACE"), 2);
    // The flag is named as the source when it asks; judged in it alone.
    both_cannot_tell(&d, &[], &["--namespace", "ops"], (at, "-namespace"), 2);
}

#[test]
fn a_copy_of_a_protected_job_under_nomad_namespace_is_no_new_job() {
    let d = protected_repo("ns-gate-copy");
    d.put("jobs/zz.nomad", ZZ);
    git(&d.0, &["add", "-A"]);
    both_cannot_tell(&d, &OPS, &[], ("jobs/zz.nomad", "NOMAD_NAMESPACE"), 1);
    // CI on the branch (and the pre-push hook, which runs it) alike.
    git(&d.0, &["commit", "-qm", "zz"]);
    let c = run(&d, &OPS, &["check", "--base", "main", "--format", "json"]);
    assert_eq!(c.code, 1, "{}{}", c.stdout, c.stderr);
    assert_eq!(json(&c)["findings"][0]["code"], "changeset::cannot-tell");
}

/// Guard: `--namespace default` (the namespace the world runs the job in)
/// wins over the shell's `NOMAD_NAMESPACE`, and the copy is refused as
/// `defined-twice` by both gates, with no note.
#[test]
fn the_running_namespace_asked_explicitly_judges_normally() {
    let d = protected_repo("ns-gate-guard");
    d.put("jobs/zz.nomad", ZZ);
    git(&d.0, &["add", "-A"]);
    let flag = ["--namespace", "default"];
    let c = run(
        &d,
        &OPS,
        &[
            "check",
            "--staged",
            "--output-format",
            "concise",
            flag[0],
            flag[1],
        ],
    );
    let s = format!("{}{}", c.stdout, c.stderr);
    assert_eq!(c.code, 1, "{s}");
    assert!(
        c.stdout.contains(&format!(
            "jobs/zz.nomad:1:5: policy::defined-twice [error] {}",
            crate::gate_defined_twice::WORDS
        )),
        "{s}"
    );
    assert!(
        !s.contains("cannot-tell") && !s.contains("note: job files"),
        "{s}"
    );
    let p = run(
        &d,
        &OPS,
        &["plan", "--changed", "--staged", "--gate", flag[0], flag[1]],
    );
    let s = format!("{}{}", p.stdout, p.stderr);
    assert_eq!(p.code, 1, "{s}");
    assert!(s.contains("==> refused by policy: jobs/zz.nomad"), "{s}");
}
