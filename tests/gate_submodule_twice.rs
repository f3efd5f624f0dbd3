//! A changed job defined again in a submodule's file (gate27, Left 2 of
//! stop 67). Plain `check` of a checkout walks into its checked-out
//! submodules and says NP229 (Nomad registers a job by namespace and ID
//! whichever file it comes from: Job.Register's `snap.JobByID`,
//! nomad/job_endpoint.go v0.9.3:108), but the gates' lookup of the judged
//! state's other job files (R25b-1) left submodules out: `check --staged`,
//! `check --base/--head` and `plan --changed --gate` passed. Now the
//! lookup reads each submodule at the commit the state records, from the
//! submodule's own repository (its checkout, or `.git/modules`, kept
//! inside the project). Where it cannot (not initialised in this clone,
//! its `.git` pointing outside the project) a change that submits a job
//! is "cannot tell", naming the submodule and the `exclude` that quiets
//! it; an `exclude` of the whole submodule is plain `check`'s selection
//! too, and quiet.

use crate::common;

use common::{git, output_text, TempDir};

fn api(group: &str) -> String {
    format!("job \"api\" {{\n  datacenters = [\"dc1\"]\n  group \"{group}\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis:7\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 64\n      }}\n    }}\n  }}\n}}\n")
}

/// The demo (its monitoring job left out) with the submodule `vendor`
/// (another repository beside it, holding jobs/api.nomad, added with `git
/// submodule add` over a local path) committed on `main`; then branch
/// `pr`. Returns the project and the submodule's upstream.
fn project(name: &str, protect: &str) -> (TempDir, TempDir) {
    let upstream = TempDir::new(&format!("{name}-upstream"));
    upstream.put("jobs/api.nomad", &api("web"));
    git(&upstream.0, &["init", "-q", "-b", "main"]);
    git(&upstream.0, &["add", "-A"]);
    git(&upstream.0, &["commit", "-qm", "shared jobs"]);
    let d = common::demo_repo(
        name,
        common::Demo {
            without_monitoring: true,
            protect: Some(protect),
            branch: None,
            files: &[],
        },
    );
    let url = upstream.0.to_string_lossy().into_owned();
    git(
        &d.0,
        &[
            "-c",
            "protocol.file.allow=always",
            "submodule",
            "add",
            "-q",
            &url,
            "vendor",
        ],
    );
    git(&d.0, &["commit", "-qm", "vendor", "--no-verify"]);
    git(&d.0, &["checkout", "-qb", "pr"]);
    (d, upstream)
}

/// `check ARGS --format json`: the findings of `code` (file, message,
/// help) and the exit code.
fn found(d: &TempDir, code: &str, args: &[&str]) -> (Vec<(String, String, String)>, i32) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let out = common::run_in(&d.0, &all);
    let v: serde_json::Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", out.stdout, out.stderr));
    let found = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == code)
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            (s("file"), s("message"), s("help"))
        })
        .collect();
    (found, out.code)
}

const WORDS: &str = "defines job default/api, which vendor/jobs/api.nomad defines too";

#[test]
fn a_second_file_for_a_job_a_submodule_defines_fails_every_gate() {
    let (d, _up) = project("sub-twice", "\"sockshop\"");
    d.put("deploy/api.nomad", &api("other"));
    git(&d.0, &["add", "deploy"]);
    // Plain `check` of the checkout says it (the specification).
    let (plain, code) = found(&d, "NP229", &[]);
    assert_eq!(code, 1, "{plain:?}");
    assert!(
        plain
            .iter()
            .any(|f| format!("{}{}", f.0, f.1).contains("vendor/jobs/api.nomad")),
        "{plain:?}"
    );
    let (staged, code) = found(&d, "NP229", &["--staged"]);
    assert_eq!(code, 1, "{staged:?}");
    assert_eq!(staged.len(), 1, "{staged:?}");
    assert_eq!(staged[0].0, "deploy/api.nomad");
    assert!(staged[0].1.starts_with(WORDS), "{staged:?}");

    git(&d.0, &["commit", "-qm", "second api", "--no-verify"]);
    let (ci, code) = found(&d, "NP229", &["--base", "main", "--head", "pr"]);
    assert_eq!(code, 1, "{ci:?}");
    assert!(ci[0].1.starts_with(WORDS), "{ci:?}");
}

#[test]
fn the_plan_gate_refuses_a_protected_job_a_submodule_defines() {
    let (d, _up) = project("sub-twice-plan", "\"api\"");
    d.put("deploy/api.nomad", &api("other"));
    git(&d.0, &["add", "deploy"]);
    let out = d.run(&["plan", "--changed", "--staged", "--gate"]);
    let text = output_text(&out);
    assert_ne!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("defines protected job default/api, which vendor/jobs/api.nomad defines too"),
        "{text}"
    );
}

/// A clone of `d`'s `pr` in which the submodule is not initialised, with
/// deploy/api.nomad staged.
fn uninitialised(d: &TempDir, name: &str) -> TempDir {
    let c = TempDir::new(name);
    let src = d.0.to_string_lossy().into_owned();
    git(&c.0, &["clone", "-q", "-b", "pr", &src, "."]);
    c.put("deploy/api.nomad", &api("other"));
    git(&c.0, &["add", "deploy"]);
    c
}

const UNINIT: &str = "cannot tell whether another job file of the index defines a job this change submits: vendor is a submodule and its repository is not in this clone";

#[test]
fn a_submodule_the_clone_lacks_is_cannot_tell_and_its_exclude_quiets_it() {
    let (d, _up) = project("sub-uninit", "\"api\"");
    let c = uninitialised(&d, "sub-uninit-clone");
    let (untold, code) = found(&c, "changeset::cannot-tell", &["--staged"]);
    assert_eq!(code, 2, "{untold:?}");
    assert_eq!(untold.len(), 1, "{untold:?}");
    assert_eq!(untold[0].0, "deploy/api.nomad");
    assert_eq!(untold[0].1, UNINIT);
    assert!(
        untold[0].2.contains("`git submodule update --init vendor`")
            && untold[0]
                .2
                .contains("`exclude = [\"vendor/**\"]` in .nomad-preflight.hcl"),
        "{untold:?}"
    );
    // The plan gate, for the protected job: cannot tell, the path in JSON.
    let json = common::run_in(
        &c.0,
        &[
            "plan",
            "--changed",
            "--staged",
            "--gate",
            "--format",
            "json",
        ],
    );
    assert_eq!(json.code, 255, "{}{}", json.stdout, json.stderr);
    assert!(
        json.stdout.contains("\"File\": \"vendor\""),
        "{}",
        json.stdout
    );
    assert!(json.stdout.contains(UNINIT), "{}", json.stdout);

    // Excluded whole: plain `check` selects nothing there, nor does the gate.
    // (Committed first: a change of a file that is not a job file lists
    // every file of the state for the job files reading it, which refuses
    // an unreadable submodule as it did.)
    git(&c.0, &["reset", "-q"]);
    c.put(".nomad-preflight.hcl", "exclude = [\"vendor/**\"]\n");
    git(&c.0, &["add", ".nomad-preflight.hcl"]);
    git(&c.0, &["commit", "-qm", "exclude vendor", "--no-verify"]);
    git(&c.0, &["add", "deploy"]);
    let out = c.run(&["check", "--staged"]);
    assert_eq!(out.status.code(), Some(0), "{}", output_text(&out));
}

#[test]
fn a_submodule_whose_git_file_points_outside_the_project_is_not_read() {
    // The upstream outside the project holds the commit the project
    // records: a reader following the `.git` file would find the job.
    let (d, up) = project("sub-outside", "\"sockshop\"");
    let c = uninitialised(&d, "sub-outside-clone");
    let outside = up.0.join(".git");
    c.put("vendor/.git", &format!("gitdir: {}\n", outside.display()));
    let (untold, code) = found(&c, "changeset::cannot-tell", &["--staged"]);
    assert_eq!(code, 2, "{untold:?}");
    assert_eq!(untold[0].1, UNINIT);
    let shown = format!("{untold:?}");
    assert!(!shown.contains(&*up.0.to_string_lossy()), "{shown}");
}

/// gate28: a submodule `exclude` leaves out whole is never read, by the
/// lookup or by the search for job files reading a changed file. A change
/// that touches a file that is not a job file lists every file of the
/// state (`add_readers`), and that listing ignored `exclude`: an excluded,
/// uninitialised submodule made every such change "cannot list the new
/// version's files" (exit 2), whatever the job files held.
#[test]
fn an_excluded_submodule_is_not_read_when_a_change_touches_other_files() {
    let (d, _up) = project("sub-excl-readers", "\"api\"");
    let c = uninitialised(&d, "sub-excl-readers-clone");
    git(&c.0, &["reset", "-q"]);
    c.put(".nomad-preflight.hcl", "exclude = [\"vendor/**\"]\n");
    git(&c.0, &["add", ".nomad-preflight.hcl"]);
    git(&c.0, &["commit", "-qm", "exclude vendor", "--no-verify"]);
    // A job and a file that is not one, staged together.
    c.put("notes.txt", "release notes\n");
    git(&c.0, &["add", "deploy", "notes.txt"]);
    let out = c.run(&["check", "--staged"]);
    assert_eq!(out.status.code(), Some(0), "{}", output_text(&out));
    // Guard: the plan gate's policy takes no file out by `exclude` (a
    // protected job in the submodule may read the changed file: redteam6
    // G10), so it still cannot tell, naming the submodule.
    let out = c.run(&["plan", "--changed", "--staged", "--gate"]);
    let text = output_text(&out);
    assert_eq!(out.status.code(), Some(255), "{text}");
    assert!(
        text.contains("git submodule update --init vendor"),
        "{text}"
    );
    // The working tree as the head (`--base` alone), committed: the same.
    git(&c.0, &["commit", "-qm", "api", "--no-verify"]);
    c.put("notes.txt", "release notes, again\n");
    let out = c.run(&["check", "--base", "HEAD~1"]);
    assert_eq!(out.status.code(), Some(0), "{}", output_text(&out));
}

/// gate28: with the working tree as the head, the lookup said "its files
/// cannot be listed (...)" for an uninitialised submodule: now it names
/// the submodule as the index's lookup does, and its `exclude` quiets it.
#[test]
fn the_working_trees_lookup_names_the_submodule_it_cannot_read() {
    let (d, _up) = project("sub-uninit-wt", "\"api\"");
    let c = uninitialised(&d, "sub-uninit-wt-clone");
    git(&c.0, &["commit", "-qm", "api", "--no-verify"]);
    let (untold, code) = found(&c, "changeset::cannot-tell", &["--base", "HEAD~1"]);
    assert_eq!(code, 2, "{untold:?}");
    assert_eq!(
        untold[0].1,
        "cannot tell whether another job file of the working tree defines a job this change submits: vendor is a submodule and its repository is not in this clone",
        "{untold:?}"
    );
    assert!(
        untold[0]
            .2
            .contains("`exclude = [\"vendor/**\"]` in .nomad-preflight.hcl"),
        "{untold:?}"
    );
    // Excluded on both sides (the base's word too: a pull request's own
    // `exclude` alone opens nothing), the lookup leaves it out.
    git(&c.0, &["reset", "-q", "--hard", "HEAD~1"]);
    c.put(".nomad-preflight.hcl", "exclude = [\"vendor/**\"]\n");
    git(&c.0, &["add", ".nomad-preflight.hcl"]);
    git(&c.0, &["commit", "-qm", "exclude vendor", "--no-verify"]);
    c.put("deploy/api.nomad", &api("other"));
    git(&c.0, &["add", "deploy"]);
    git(&c.0, &["commit", "-qm", "api", "--no-verify"]);
    let out = c.run(&["check", "--base", "HEAD~1"]);
    assert_eq!(out.status.code(), Some(0), "{}", output_text(&out));
}

/// gate28: the `exclude` hint names the configuration in force and writes
/// its glob relative to that file's folder (`ops/.nomad-preflight.hcl`
/// when the gate runs in `ops/`), not a root file the run never reads.
#[test]
fn the_exclude_hint_names_the_configuration_in_force() {
    let (d, _up) = project("sub-hint-cfg", "\"api\"");
    let c = uninitialised(&d, "sub-hint-cfg-clone");
    git(&c.0, &["reset", "-q"]);
    c.put("ops/.nomad-preflight.hcl", "exclude = [\"nothing/**\"]\n");
    git(&c.0, &["add", "ops"]);
    git(&c.0, &["commit", "-qm", "ops", "--no-verify"]);
    c.put("ops/api.nomad", &api("other"));
    git(&c.0, &["add", "ops"]);
    let out = common::run_in(&c.0.join("ops"), &["check", "--staged", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", out.stdout, out.stderr));
    let help: Vec<String> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == "changeset::cannot-tell")
        .map(|f| f["help"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert_eq!(help.len(), 1, "{help:?}");
    // vendor is outside ops/: no exclude there names it, and none is hinted
    // in a root file this run would not read.
    assert!(
        help[0].contains("git submodule update --init vendor"),
        "{help:?}"
    );
    assert!(!help[0].contains("exclude = ["), "{help:?}");
}
