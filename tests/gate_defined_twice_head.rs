//! A change adding a second file for a job that a committed file defines,
//! the world not running it (R25b-1): plain `check` of the tree said NP229,
//! while `check --staged`, `check --base/--head` and `plan --changed
//! --gate` compared the changed file only with the world's `running` files
//! and the other changed files, and said all clear. Nomad registers a job
//! by namespace and ID whichever file it comes from (Job.Register,
//! nomad/job_endpoint.go v0.9.3:108 `snap.JobByID`), so `nomad job run`
//! on either file replaces what the other registered. Every gate now looks
//! each changed job up among the head state's job files, read through that
//! state (the index, the head revision), kept by blob id in the cache.

use crate::common;

use common::{git, output_text, TempDir};

fn api(group: &str) -> String {
    format!("job \"api\" {{\n  datacenters = [\"dc1\"]\n  group \"{group}\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis:7\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 64\n      }}\n    }}\n  }}\n}}\n")
}

const WORDS: &str = "defines job default/api, which jobs/api.nomad defines too: Nomad registers a job by namespace and ID whichever file it comes from, so `nomad job run` on either file replaces what the other registered, and the two files overwrite each other";

/// The demo (its monitoring job left out) with jobs/api.nomad committed,
/// which no `running` entry names; on branch `pr`. `protect`: the
/// policy's protected jobs.
fn repo(name: &str, protect: &str) -> TempDir {
    common::demo_repo(
        name,
        common::Demo {
            without_monitoring: true,
            protect: Some(protect),
            branch: Some("pr"),
            files: &[("jobs/api.nomad", &api("web"))],
        },
    )
}

/// `check ARGS --format json`'s NP229 and `policy::defined-twice`
/// findings (file, message), and the exit code.
fn twice(d: &TempDir, args: &[&str]) -> (Vec<(String, String)>, i32) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let out = common::run_in(&d.0, &all);
    let v: serde_json::Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", out.stdout, out.stderr));
    let found = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == "NP229" || f["code"] == "policy::defined-twice")
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            (s("file"), s("message"))
        })
        .collect();
    (found, out.code)
}

#[test]
fn a_second_file_for_a_committed_job_fails_the_hook_ci_and_names_the_other_file() {
    let d = repo("head-twice", "\"sockshop\"");
    d.put("deploy/api.nomad", &api("other"));
    git(&d.0, &["add", "deploy"]);
    let want = vec![("deploy/api.nomad".to_string(), WORDS.to_string())];
    assert_eq!(twice(&d, &["--staged"]), (want.clone(), 1));
    // The plan gate: a note for a job the policy does not protect.
    let plan = d.run(&["plan", "--changed", "--staged", "--gate"]);
    let p = output_text(&plan);
    assert!(
        p.contains(&format!("note: deploy/api.nomad {WORDS}")),
        "{p}"
    );

    git(&d.0, &["commit", "-qm", "second api"]);
    assert_eq!(
        twice(&d, &["--base", "main", "--head", "pr"]),
        (want.clone(), 1)
    );
    // The working tree as the head (`--base` alone) is read as it is.
    assert_eq!(twice(&d, &["--base", "main"]), (want, 1));
    // Plain `check` of the same tree says the same of the file later in
    // path order.
    let out = d.run(&["check"]);
    assert!(output_text(&out).contains("jobs/api.nomad:1:5: NP229 [error] defines job default/api, which deploy/api.nomad defines too"), "{}", output_text(&out));
}

#[test]
fn a_protected_job_s_second_file_is_refused_by_the_plan_gate() {
    let d = repo("head-twice-protected", "\"api\"");
    d.put("deploy/api.nomad", &api("other"));
    git(&d.0, &["add", "deploy"]);
    let (found, code) = twice(&d, &["--staged"]);
    assert_eq!(code, 1, "{found:?}");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0]
            .1
            .starts_with("defines protected job default/api, which jobs/api.nomad defines too"),
        "{found:?}"
    );
    let plan = d.run(&["plan", "--changed", "--staged", "--gate"]);
    let p = output_text(&plan);
    assert!(p.contains("==> refused by policy: deploy/api.nomad defines protected job default/api, which jobs/api.nomad defines too"), "{p}");
    assert_eq!(plan.status.code(), Some(1), "{p}");
}

#[test]
fn the_head_state_is_read_through_its_own_reader_never_the_working_tree() {
    let d = repo("head-twice-index", "\"sockshop\"");
    d.put("deploy/api.nomad", &api("other"));
    git(&d.0, &["add", "deploy"]);
    // Deleted in the working tree only: the index (what the commit
    // records) still holds it.
    std::fs::remove_file(d.0.join("jobs/api.nomad")).expect("rm");
    let (found, code) = twice(&d, &["--staged"]);
    assert_eq!((found.len(), code), (1, 1), "{found:?}");
    // Staged as deleted: the job moved, one definition.
    git(&d.0, &["rm", "-q", "--cached", "jobs/api.nomad"]);
    assert_eq!(twice(&d, &["--staged"]), (Vec::new(), 0));
    // A copy only in the working tree (untracked) is no file of the index.
    d.put("jobs/api.nomad", &api("web"));
    assert_eq!(twice(&d, &["--staged"]), (Vec::new(), 0));
}

/// Guard (passes on the baseline too): a renamed file, one `exclude`
/// leaves out, and another namespace's job are no second definition.
#[test]
fn a_move_an_excluded_copy_and_another_namespace_are_one_definition() {
    let d = repo("head-twice-guard", "\"sockshop\"");
    git(&d.0, &["mv", "jobs/api.nomad", "deploy-api.nomad"]);
    assert_eq!(twice(&d, &["--staged"]), (Vec::new(), 0));
    git(&d.0, &["reset", "-q", "--hard"]);
    d.put(".nomad-preflight.hcl", "exclude = [\"fixtures/**\"]\n");
    d.put("fixtures/api.nomad", &api("web"));
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "fixture"]);
    d.put(
        "deploy/api.nomad",
        &api("other").replace("datacenters", "namespace   = \"ops\"\n  datacenters"),
    );
    git(&d.0, &["add", "deploy"]);
    assert_eq!(twice(&d, &["--staged"]), (Vec::new(), 0));
}

#[test]
fn what_each_blob_defines_is_cached_and_a_damaged_entry_is_read_again() {
    let d = repo("head-twice-cache", "\"sockshop\"");
    // A hostile name: its control character is escaped, never printed.
    let odd = "jobs/x\u{1b}[31m.nomad";
    d.put(odd, &api("odd"));
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "odd"]);
    std::fs::remove_file(d.0.join("jobs/api.nomad")).expect("rm");
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "one api"]);
    d.put("deploy/api.nomad", &api("other"));
    git(&d.0, &["add", "deploy"]);
    let cache = TempDir::new("head-twice-cache-dir");
    let run = || {
        let out = common::run_cached(&d.0, &cache.0, &["check", "--staged"]);
        (out.status.code(), output_text(&out))
    };
    let (code, first) = run();
    assert_eq!(code, Some(1), "{first}");
    assert!(
        first.contains("deploy/api.nomad:1:5: NP229 [error] defines job default/api, which jobs/x"),
        "{first}"
    );
    assert!(!first.contains('\u{1b}'), "{first:?}");
    let entries = common::cache_entries(&cache.0, "standing");
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(run(), (code, first.clone()), "from the cache");
    std::fs::write(&entries[0], b"NPSTND01 damaged").expect("write");
    assert_eq!(run(), (code, first), "a damaged entry is read again");
}

/// A committed job file named like none (`deploy/api`, found by its text
/// as plain `check` finds it) was not looked up: a second file for its
/// job passed the hook and CI while plain `check` of the tree said NP229.
/// Through the cache too: a tree remembered holds the files its text
/// takes (the cache format's v2), and a README is still no job file.
#[test]
fn a_committed_job_file_found_by_its_text_alone_is_looked_up() {
    let d = common::demo_repo(
        "head-twice-by-text",
        common::Demo {
            without_monitoring: true,
            protect: Some("\"sockshop\""),
            branch: Some("pr"),
            files: &[
                ("deploy/api", &api("web")),
                (
                    "docs/README.md",
                    "# jobs\n\njob \"api\" is deployed from deploy/api\n",
                ),
            ],
        },
    );
    d.put("jobs/api.nomad", &api("other"));
    git(&d.0, &["add", "jobs"]);
    let words = WORDS.replace("which jobs/api.nomad", "which deploy/api");
    let want = vec![("jobs/api.nomad".to_string(), words)];
    assert_eq!(twice(&d, &["--staged"]), (want.clone(), 1));
    let cache = TempDir::new("head-twice-by-text-cache");
    for _ in 0..2 {
        let out = common::run_cached(&d.0, &cache.0, &["check", "--staged"]);
        assert_eq!(out.status.code(), Some(1), "{}", output_text(&out));
        assert!(output_text(&out).contains("which deploy/api defines too"));
    }
    git(&d.0, &["commit", "-qm", "second api"]);
    assert_eq!(
        twice(&d, &["--base", "main", "--head", "pr"]),
        (want.clone(), 1)
    );
    assert_eq!(twice(&d, &["--base", "main"]), (want, 1));
    // Plain `check` of the tree finds the same pair.
    let out = d.run(&["check"]);
    assert!(
        output_text(&out).contains("NP229 [error] defines job default/api"),
        "{}",
        output_text(&out)
    );
}
