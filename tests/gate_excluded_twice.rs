//! `.nomad-preflight.hcl`'s `exclude` hid `policy::defined-twice` from
//! `check` (R19-C-2): a protected job copied into an excluded folder
//! passed `check --staged/--base`, the pre-commit and pre-push hooks, while `nomad job run` on the copy updates the running job
//! (Job.Register looks the job up by namespace and ID whichever file it
//! comes from, nomad/job_endpoint.go v0.9.3:108 `snap.JobByID`). The
//! exclude is the project's own file, which a pull request edits: it
//! never opens a gate. An excluded copy that was there before is
//! reported when the change edits the protected job it duplicates.

use std::io::Write;
use std::process::{Command, Stdio};

use crate::common;
use crate::gate_defined_twice::{twice_in as twice, ZZ};

use common::{git, output_text, TempDir};

const EXCLUDE: (&str, &str) = (".nomad-preflight.hcl", "exclude = [\"legacy/**\"]\n");

/// The demo on branch `pr` off `main`, `legacy/**` excluded; `protect`:
/// policy.hcl's jobs; `files`: more files at the base.
fn repo(name: &str, protect: &str, files: &[(&str, &str)]) -> TempDir {
    let mut all = vec![EXCLUDE];
    all.extend_from_slice(files);
    common::demo_repo(
        name,
        common::Demo {
            without_monitoring: true,
            protect: Some(protect),
            files: &all,
            branch: Some("pr"),
        },
    )
}

const PROTECTED: &str = "\"sockshop\", \"sockshopui\"";

/// Exactly one `policy::defined-twice`, on `file`, naming `other`.
fn refused(found: &[serde_json::Value], file: &str, other: &str, text: &str) {
    assert_eq!(found.len(), 1, "{text}");
    assert_eq!(found[0]["code"], "policy::defined-twice", "{text}");
    assert_eq!(found[0]["severity"], "error", "{text}");
    assert_eq!(found[0]["file"], file, "{text}");
    let m = found[0]["message"].as_str().unwrap_or("");
    assert!(m.contains(other), "{text}");
}

/// `check --pre-push origin` fed git's one line for `pr` updated on the
/// remote from `main` (a commit this clone holds): judged from main, the
/// tip of origin's default branch (an update from elsewhere is judged
/// from that tip too, and without it cannot tell).
fn pre_push(d: &TempDir) -> (i32, String) {
    git(&d.0, &["update-ref", "refs/remotes/origin/main", "main"]);
    git(
        &d.0,
        &[
            "symbolic-ref",
            "refs/remotes/origin/HEAD",
            "refs/remotes/origin/main",
        ],
    );
    let rev = |r: &str| {
        let o = common::git_command(&d.0)
            .args(["rev-parse", r])
            .output()
            .expect("git");
        String::from_utf8_lossy(&o.stdout).trim().to_string()
    };
    let line = format!(
        "refs/heads/pr {} refs/heads/pr {}\n",
        rev("HEAD"),
        rev("main")
    );
    let mut child = Command::new(common::bin())
        .args(["--no-color", "check", "--pre-push", "origin"])
        .current_dir(&d.0)
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("NOMAD_NAMESPACE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(line.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    (out.status.code().expect("exit code"), output_text(&out))
}

#[test]
fn a_protected_job_copied_into_an_excluded_folder_is_refused_by_every_gate() {
    let d = repo("excl-twice-added", PROTECTED, &[]);
    d.put("legacy/zz.nomad", ZZ);
    git(&d.0, &["add", "-A"]);
    let runs = "which the world runs from jobs/sockshop.nomad";
    let (found, code, text) = twice(&d, &[], &["--staged"]);
    refused(&found, "legacy/zz.nomad", runs, &text);
    assert_eq!(code, 1, "{text}");
    // The pre-commit framework at commit time (git sets GIT_INDEX_FILE).
    let index = [("GIT_INDEX_FILE", ".git/index")];
    let (found, code, text) = twice(&d, &index, &["--pre-commit"]);
    refused(&found, "legacy/zz.nomad", runs, &text);
    assert_eq!(code, 1, "{text}");
    let plan = d.run(&["plan", "--changed", "--staged", "--gate"]);
    let p = output_text(&plan);
    assert!(
        p.contains("==> refused by policy: legacy/zz.nomad defines protected job default/sockshop"),
        "{p}"
    );
    assert_eq!(plan.status.code(), Some(1), "{p}");

    git(&d.0, &["commit", "-qm", "zz"]);
    let (found, code, text) = twice(&d, &[], &["--base", "main"]);
    refused(&found, "legacy/zz.nomad", runs, &text);
    assert_eq!(code, 1, "{text}");
    let refs = [
        ("PRE_COMMIT_FROM_REF", "main"),
        ("PRE_COMMIT_TO_REF", "HEAD"),
    ];
    let (found, code, text) = twice(&d, &refs, &["--pre-commit"]);
    refused(&found, "legacy/zz.nomad", runs, &text);
    assert_eq!(code, 1, "{text}");
    let (code, text) = pre_push(&d);
    assert!(
        text.contains("legacy/zz.nomad") && text.contains("policy::defined-twice"),
        "{text}"
    );
    assert_eq!(code, 1, "{text}");
}

/// A pull request that adds the exclude together with the copy: the base
/// does not exclude the path, so the copy is checked as any file (the
/// refusal said once).
#[test]
fn an_exclude_the_change_adds_opens_nothing() {
    let d = common::demo_repo(
        "excl-twice-new-config",
        common::Demo {
            without_monitoring: true,
            branch: Some("pr"),
            ..Default::default()
        },
    );
    d.put(EXCLUDE.0, EXCLUDE.1);
    d.put("legacy/zz.nomad", ZZ);
    git(&d.0, &["add", "-A"]);
    // At commit time the staged configuration is the run's.
    let (found, code, text) = twice(&d, &[], &["--staged"]);
    refused(&found, "legacy/zz.nomad", "jobs/sockshop.nomad", &text);
    assert_eq!(code, 1, "{text}");
    git(&d.0, &["commit", "-qm", "zz"]);
    let (found, code, text) = twice(&d, &[], &["--base", "main"]);
    refused(&found, "legacy/zz.nomad", "jobs/sockshop.nomad", &text);
    assert_eq!(code, 1, "{text}");
}

/// Guard: an excluded copy already at the base stays out when the
/// protected job it duplicates changes, in `check` and the plan gate alike
/// (the base's reviewed `exclude` put it there, as this repository keeps
/// the demo's protected jobs in tests/); once the change edits the copy it
/// is weighed again.
#[test]
fn an_excluded_unchanged_copy_stays_out_until_the_change_touches_it() {
    let d = repo(
        "excl-twice-unchanged",
        PROTECTED,
        &[("legacy/zz.nomad", ZZ)],
    );
    let shop = d.0.join("jobs/sockshop.nomad");
    let text = std::fs::read_to_string(&shop).expect("sockshop");
    std::fs::write(&shop, text.replacen("count = 1", "count = 2", 1)).expect("write");
    git(&d.0, &["add", "-A"]);
    let (found, code, text) = twice(&d, &[], &["--staged"]);
    assert!(found.is_empty(), "{text}");
    assert_eq!(code, 0, "{text}");
    let plan = d.run(&["plan", "--changed", "--staged", "--gate"]);
    let p = output_text(&plan);
    assert!(!p.contains("refused by policy"), "{p}");
    assert_eq!(plan.status.code(), Some(0), "{p}");

    // The change touches the copy: refused at it, naming the world's file.
    let copy = d.0.join("legacy/zz.nomad");
    std::fs::write(&copy, format!("{ZZ}\n# edited\n")).expect("write");
    git(&d.0, &["add", "-A"]);
    let (found, code, text) = twice(&d, &[], &["--staged"]);
    refused(
        &found,
        "legacy/zz.nomad",
        "which the world runs from jobs/sockshop.nomad",
        &text,
    );
    assert_eq!(code, 1, "{text}");
}

/// Guard: for a job the policy does not protect the second definition is
/// rule NP229, which `exclude` leaves out as it leaves out any rule's
/// finding (the lint setting it is).
#[test]
fn an_unprotected_copy_in_an_excluded_folder_stays_excluded() {
    let d = repo("excl-twice-unprotected", "\"sockshopui\"", &[]);
    d.put("legacy/zz.nomad", ZZ);
    git(&d.0, &["add", "-A"]);
    let (found, code, text) = twice(&d, &[], &["--staged"]);
    assert!(found.is_empty(), "{text}");
    assert_eq!(code, 0, "{text}");
}
