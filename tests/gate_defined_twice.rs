//! A file other than a running job's own defining that job (R18-B-1):
//! Nomad registers a job by namespace and ID whichever file it comes from
//! (Job.Register, nomad/job_endpoint.go v0.9.3:108 `snap.JobByID`), so the
//! new file updates the running job and stops every group it lacks
//! (scheduler/reconcile.go v0.9.3:310-320). Both gates said all clear.

use crate::common;

use common::{git, output_text, TempDir};

pub(crate) const ZZ: &str = r#"job "sockshop" {
  datacenters = ["dc1"]
  group "g" {
    task "t" {
      driver = "docker"
      config { image = "x:1" }
      resources {
        cpu    = 100
        memory = 100
      }
    }
  }
}
"#;

pub(crate) const WORDS: &str = "defines protected job default/sockshop, which the world runs from jobs/sockshop.nomad: Nomad registers a job by namespace and ID whichever file it comes from, so `nomad job run` on this file updates the running job to this definition (stopping its groups this file lacks), and the two files overwrite each other";

/// The demo's running jobs in a repository on branch `pr` off `main` (the
/// monitoring job, which no world entry runs and whose quota hit is a
/// `check` error of its own, left out). `protect`: policy.hcl's jobs.
pub(crate) fn repo(name: &str, protect: &str) -> TempDir {
    common::demo_repo(
        name,
        common::Demo {
            without_monitoring: true,
            protect: Some(protect),
            branch: Some("pr"),
            ..Default::default()
        },
    )
}

pub(crate) fn protected_repo(name: &str) -> TempDir {
    repo(name, "\"sockshop\", \"sockshopui\"")
}

/// `check ARGS --format json`'s second definitions (NP229, or
/// `policy::defined-twice` for a protected job), and its exit code.
fn twice(d: &TempDir, args: &[&str]) -> (Vec<serde_json::Value>, Option<i32>) {
    let (found, code, _) = twice_in(d, &[], args);
    (found, Some(code))
}

/// [`twice`] with the environment variables `env` set (a hook's), and all
/// the run printed.
pub(crate) fn twice_in(
    d: &TempDir,
    env: &[(&str, &str)],
    args: &[&str],
) -> (Vec<serde_json::Value>, i32, String) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let out = common::run_in_env(&d.0, env, &all);
    let text = format!("{}{}", out.stdout, out.stderr);
    let v: serde_json::Value =
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {text}"));
    let found = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == "NP229" || f["code"] == "policy::defined-twice")
        .cloned()
        .collect();
    (found, out.code, text)
}

#[test]
fn a_new_file_redefining_a_protected_running_job_fails_both_gates_staged_and_on_a_branch() {
    let d = protected_repo("twice-added");
    d.put("jobs/zz.nomad", ZZ);
    git(&d.0, &["add", "-A"]);
    let out = d.run(&["check", "--staged", "--output-format", "concise"]);
    let s = output_text(&out);
    assert!(
        s.contains(&format!(
            "jobs/zz.nomad:1:5: policy::defined-twice [error] {WORDS}"
        )),
        "{s}"
    );
    assert_eq!(out.status.code(), Some(1), "{s}");
    let (found, _) = twice(&d, &["--staged"]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["file"], "jobs/zz.nomad");
    assert!(
        found[0]["help"]
            .as_str()
            .is_some_and(|h| h.contains("delete or rename jobs/sockshop.nomad")),
        "{found:?}"
    );
    let plan = d.run(&["plan", "--changed", "--staged", "--gate"]);
    let p = output_text(&plan);
    assert!(
        p.contains(&format!("==> refused by policy: jobs/zz.nomad {WORDS}")),
        "{p}"
    );
    // No longer excused as "the job's own plan".
    assert!(!p.contains("not refused: it is the job's own plan"), "{p}");
    assert_eq!(plan.status.code(), Some(1), "{p}");

    git(&d.0, &["commit", "-qm", "zz"]);
    let out = d.run(&["check", "--base", "main"]);
    assert_eq!(out.status.code(), Some(1), "{}", output_text(&out));
    let (found, _) = twice(&d, &["--base", "main"]);
    assert_eq!(found.len(), 1, "{found:?}");
    let js = d.run(&[
        "plan",
        "--changed",
        "--base",
        "main",
        "--gate",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&js.stdout).expect("JSON");
    let refusal = &v["Plans"][0]["Policy"][0];
    assert_eq!(refusal["Refusal"], "defined-twice", "{v:#}");
    assert_eq!(refusal["Other"], "jobs/sockshop.nomad", "{v:#}");
    assert_eq!(refusal["Text"], WORDS, "{v:#}");
    assert_eq!(js.status.code(), Some(1), "{v:#}");
    let md = d.run(&[
        "plan",
        "--changed",
        "--base",
        "main",
        "--gate",
        "--format",
        "markdown",
    ]);
    let m = output_text(&md);
    assert!(m.contains("defines protected job default/sockshop"), "{m}");
    assert_eq!(md.status.code(), Some(1), "{m}");
    for format in ["github", "sarif"] {
        let out = d.run(&["check", "--base", "main", "--format", format]);
        let s = output_text(&out);
        // GitHub's annotation title escapes the colons (`policy%3A%3Adefined-twice`).
        assert!(s.contains("defined-twice"), "{format}: {s}");
        assert!(
            s.contains("which the world runs from jobs/sockshop.nomad"),
            "{format}: {s}"
        );
        assert_eq!(out.status.code(), Some(1), "{format}: {s}");
    }
}

/// The variant: a new file defining the protected system job with another
/// group, task and image planned "create/destroy update" with no note.
#[test]
fn a_new_file_redefining_the_protected_system_job_is_refused() {
    let d = protected_repo("twice-system");
    d.put(
        "jobs/aa.nomad",
        &ZZ.replacen("\"sockshop\"", "\"sockshopui\"", 1),
    );
    git(&d.0, &["add", "-A"]);
    let plan = d.run(&["plan", "--changed", "--staged", "--gate"]);
    let p = output_text(&plan);
    assert!(
        p.contains("==> refused by policy: jobs/aa.nomad defines protected job default/sockshopui, which the world runs from jobs/sockshopui.nomad"),
        "{p}"
    );
    assert_eq!(plan.status.code(), Some(1), "{p}");
    let (found, code) = twice(&d, &["--staged"]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(code, Some(1));
}

/// Unprotected, the plan gate notes it; `check` fails all the same: two
/// registrations of one job overwrite each other.
#[test]
fn an_unprotected_running_job_redefined_is_a_check_error_and_a_gate_note() {
    let d = repo("twice-unprotected", "\"sockshopui\"");
    d.put("jobs/zz.nomad", ZZ);
    git(&d.0, &["add", "-A"]);
    let (found, code) = twice(&d, &["--staged"]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0]["message"].as_str().is_some_and(|m| m.starts_with(
            "defines job default/sockshop, which the world runs from jobs/sockshop.nomad: "
        )),
        "{found:?}"
    );
    assert_eq!(code, Some(1));
    let plan = d.run(&["plan", "--changed", "--staged", "--gate"]);
    let p = output_text(&plan);
    assert!(
        p.contains("==> note: jobs/zz.nomad defines job default/sockshop, which the world runs from jobs/sockshop.nomad"),
        "{p}"
    );
    assert!(!p.contains("refused by policy"), "{p}");
    assert_eq!(plan.status.code(), Some(0), "{p}");
}

/// A file renamed into place, or another job's file edited to take the
/// running job's ID, is a second definition as an added one is.
#[test]
fn a_file_renamed_or_edited_into_a_running_jobs_id_is_refused() {
    let other = ZZ.replacen("\"sockshop\"", "\"other\"", 1);
    let d = protected_repo("twice-edited");
    d.put("jobs/other.nomad", &other);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "other"]);
    d.put("jobs/other.nomad", ZZ);
    git(&d.0, &["add", "-A"]);
    let (found, code) = twice(&d, &["--staged"]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["file"], "jobs/other.nomad");
    assert_eq!(code, Some(1));

    let d = protected_repo("twice-renamed");
    d.put("jobs/other.nomad", &other);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "other"]);
    git(&d.0, &["mv", "jobs/other.nomad", "jobs/zz.nomad"]);
    d.put("jobs/zz.nomad", ZZ);
    git(&d.0, &["add", "-A"]);
    let plan = d.run(&["plan", "--changed", "--staged", "--gate"]);
    let p = output_text(&plan);
    assert!(p.contains("renamed from jobs/other.nomad"), "{p}");
    assert!(
        p.contains(&format!("==> refused by policy: jobs/zz.nomad {WORDS}")),
        "{p}"
    );
    assert_eq!(plan.status.code(), Some(1), "{p}");
}

/// Guard: the running job's own file moved (renamed, or deleted and the
/// job written anew elsewhere) is the same job, defined once.
#[test]
fn moving_a_running_jobs_file_is_no_second_definition() {
    let d = protected_repo("twice-moved");
    git(&d.0, &["mv", "jobs/sockshop.nomad", "jobs/shop.nomad"]);
    let cluster = std::fs::read_to_string(d.0.join("rules/cluster.hcl")).expect("cluster");
    d.put(
        "rules/cluster.hcl",
        &cluster.replacen("\"jobs/sockshop.nomad\"", "\"jobs/shop.nomad\"", 1),
    );
    git(&d.0, &["add", "-A"]);
    let (found, _) = twice(&d, &["--staged"]);
    assert!(found.is_empty(), "{found:?}");
    let p = output_text(&d.run(&["plan", "--changed", "--staged", "--gate"]));
    assert!(!p.contains("defines protected job"), "{p}");

    let d = protected_repo("twice-rewritten");
    git(&d.0, &["rm", "-q", "jobs/sockshop.nomad"]);
    d.put("jobs/zz.nomad", ZZ);
    git(&d.0, &["add", "-A"]);
    let (found, _) = twice(&d, &["--staged"]);
    assert!(found.is_empty(), "{found:?}");
}

/// Plain `check` of a tree: two files defining one namespace/ID is an
/// error of the second, named from any folder; another namespace is
/// another job.
#[test]
fn plain_check_of_a_tree_with_two_files_defining_one_job_fails() {
    let d = protected_repo("twice-tree");
    d.put("jobs/zz.nomad", ZZ);
    let out = d.run(&["check", "--output-format", "concise"]);
    let s = output_text(&out);
    assert!(
        s.contains(&format!(
            "jobs/zz.nomad:1:5: policy::defined-twice [error] {WORDS}"
        )),
        "{s}"
    );
    assert!(
        !s.contains("jobs/sockshop.nomad:1:5: policy::defined-twice"),
        "{s}"
    );
    assert_eq!(out.status.code(), Some(1), "{s}");
    // Named alone, from its folder: the world's file is still there.
    let out = d.run_at("jobs", &["check", "zz.nomad", "--output-format", "concise"]);
    let s = output_text(&out);
    assert!(
        s.contains("zz.nomad:1:5: policy::defined-twice [error]"),
        "{s}"
    );
    assert_eq!(out.status.code(), Some(1), "{s}");

    let d = protected_repo("twice-tree-new");
    let x = ZZ.replacen("\"sockshop\"", "\"x\"", 1);
    d.put("jobs/a.nomad", &x);
    d.put("jobs/b.nomad", &x);
    d.put(
        "jobs/c.nomad",
        &x.replacen("job \"x\" {", "job \"x\" {\n  namespace = \"ops\"", 1),
    );
    let (found, code) = twice(&d, &[]);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["file"], "jobs/b.nomad");
    assert!(
        found[0]["message"].as_str().is_some_and(
            |m| m.starts_with("defines job default/x, which jobs/a.nomad defines too: ")
        ),
        "{found:?}"
    );
    assert_eq!(code, Some(1));
}
