//! `check --base/--staged` and `plan --changed` share one meaning of a
//! change set (src/changeset.rs): the same files, in the same order, each
//! judged or planned with the earlier ones submitted. On a two-file change
//! set whose second file only preempts because of the first, both commands
//! must say so, and the finding must name the earlier file.
//!
//! World: the demo after monitoring moved to namespace `monitor`
//! (tests/fixtures/rules/NP403). `jobs/a-cache.nomad` takes 1900 MB in
//! `monitor`; after it, `jobs/b-web.nomad` (1000 MB in `default`) fits only
//! by preempting monitoring/foundation. Alone, it fits without.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Output;

struct Repo(PathBuf);

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules")
}

impl Repo {
    /// The NP403 world and its running jobs committed, then the two new job
    /// files staged (and left in the working tree).
    fn two_file_change(name: &str) -> Repo {
        let dir = std::env::temp_dir().join(format!("np-changeset-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        common::copy_dir(&fixtures().join("NP403/jobs"), &dir.join("jobs"));
        common::copy_dir(&fixtures().join("NP403/rules"), &dir.join("rules"));
        common::git(&dir, &["init", "-q"]);
        common::git(&dir, &["add", "."]);
        common::git(&dir, &["commit", "-qm", "base"]);
        std::fs::copy(
            fixtures().join("NP207/pass.nomad"),
            dir.join("jobs/a-cache.nomad"),
        )
        .unwrap();
        std::fs::copy(
            fixtures().join("NP305/pass.nomad"),
            dir.join("jobs/b-web.nomad"),
        )
        .unwrap();
        common::git(&dir, &["add", "jobs"]);
        Repo(dir)
    }

    fn run(&self, args: &[&str]) -> Output {
        std::process::Command::new(common::bin())
            .args(args)
            .current_dir(&self.0)
            .env("NO_COLOR", "1")
            .env_remove("GIT_DIR")
            .env_remove("GIT_INDEX_FILE")
            .output()
            .unwrap()
    }

    fn json(&self, args: &[&str]) -> serde_json::Value {
        let out = self.run(args);
        serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: {e}\n{}", common::output_text(&out)))
    }
}

/// Per file: (file, "job/group" of every allocation the plan preempts,
/// whether every allocation was placed, the steps planned before it).
fn plan_view(plan: &serde_json::Value) -> Vec<(String, Vec<String>, bool, Vec<String>)> {
    plan["Plans"]
        .as_array()
        .expect("Plans")
        .iter()
        .map(|p| {
            let victims = p["Plan"]["Annotations"]["PreemptedAllocs"]
                .as_array()
                .map(|v| {
                    v.iter()
                        .map(|a| {
                            format!(
                                "{}/{}",
                                a["JobID"].as_str().unwrap(),
                                a["TaskGroup"].as_str().unwrap()
                            )
                        })
                        .collect()
                })
                .unwrap_or_default();
            let placed = p["Plan"]["FailedTGAllocs"].is_null();
            let after = p["After"]
                .as_array()
                .expect("After")
                .iter()
                .map(|s| s.as_str().unwrap().to_string())
                .collect();
            (
                p["File"].as_str().unwrap().to_string(),
                victims,
                placed,
                after,
            )
        })
        .collect()
}

/// `check`'s findings of one code, as (file, message).
fn findings(check: &serde_json::Value, code: &str) -> Vec<(String, String)> {
    check["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == code)
        .map(|f| {
            (
                f["file"].as_str().unwrap_or("").to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn assert_agree(check: &serde_json::Value, plan: &serde_json::Value) {
    let plans = plan_view(plan);
    let files: Vec<&str> = plans.iter().map(|p| p.0.as_str()).collect();
    assert_eq!(
        files,
        ["jobs/a-cache.nomad", "jobs/b-web.nomad"],
        "{plan:#}"
    );
    // Order: b is planned after a, and a after nothing.
    assert!(plans[0].3.is_empty(), "{plans:?}");
    assert_eq!(plans[1].3, ["jobs/a-cache.nomad"], "{plans:?}");
    // Placements: every allocation placed by plan, so no placement
    // finding of the plan shown; NP207 may still say a group fails in
    // other node shuffles of the world's history (R18-C1), which the plan
    // shown cannot tell.
    assert!(plans.iter().all(|p| p.2), "{plans:?}");
    // Where none of them fails it and no bound proves it, NP207's advice
    // says how far the samples go (R22-A-2).
    assert!(
        findings(check, "NP207").iter().all(|(_, m)| (m
            .contains("is placed in this evaluation, but it fails in")
            && m.contains("node shuffles"))
            || m.contains("node shuffles sampled, so in under")),
        "{check:#}"
    );
    // Preemptions: the files plan shows preempting are the files check
    // warns about, naming the same victims.
    let np403 = findings(check, "NP403");
    let preempting: Vec<&str> = plans
        .iter()
        .filter(|p| !p.1.is_empty())
        .map(|p| p.0.as_str())
        .collect();
    let warned: Vec<&str> = np403.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(preempting, warned, "plan: {plans:?}\ncheck: {np403:?}");
    assert_eq!(plans[1].1, ["monitoring/foundation"]);
    let message = &np403[0].1;
    assert!(message.contains("monitoring/foundation"), "{message}");
    // The finding names the earlier file that causes it.
    assert!(
        message.contains("caused by jobs/a-cache.nomad (job \"cache\") earlier in this change set"),
        "{message}"
    );
}

#[test]
fn check_base_and_plan_changed_base_agree_on_a_two_file_change_set() {
    let repo = Repo::two_file_change("base");
    let check = repo.json(&["check", "--base", "HEAD", "--format", "json"]);
    let plan = repo.json(&["plan", "--changed", "--base", "HEAD", "--format", "json"]);
    assert_agree(&check, &plan);
}

#[test]
fn check_staged_and_plan_changed_staged_agree_on_the_same_change_set() {
    let repo = Repo::two_file_change("staged");
    let check = repo.json(&["check", "--staged", "--format", "json"]);
    let plan = repo.json(&["plan", "--changed", "--staged", "--format", "json"]);
    assert_agree(&check, &plan);
}

#[test]
fn alone_the_later_file_preempts_nothing_in_either_command() {
    let repo = Repo::two_file_change("alone");
    // Plain check judges each file alone: no preemption, so none to name.
    let check = repo.json(&["check", "jobs/b-web.nomad", "--format", "json"]);
    assert!(findings(&check, "NP403").is_empty(), "{check:#}");
    // The change set without the earlier file: nothing preempted either.
    common::git(&repo.0, &["rm", "-q", "--cached", "jobs/a-cache.nomad"]);
    let plan = repo.json(&["plan", "--changed", "--staged", "--format", "json"]);
    let plans = plan_view(&plan);
    assert_eq!(plans.len(), 1, "{plans:?}");
    assert!(plans[0].1.is_empty() && plans[0].3.is_empty(), "{plans:?}");
    let check = repo.json(&["check", "--staged", "--format", "json"]);
    assert!(findings(&check, "NP403").is_empty(), "{check:#}");
}

/// New jobs that fill a quota together: the one that no longer fits is
/// caused by every earlier one, but names three and counts the rest (each
/// finding named every earlier file: 150 jobs made ~20,000 names,
/// redteam6 G12d).
#[test]
fn a_finding_caused_by_many_earlier_files_names_three_and_counts_the_rest() {
    let d = common::TempDir::demo("many-causes");
    for i in 1..=8 {
        d.put(
            &format!("jobs/n{i}.nomad"),
            &format!("job \"n{i}\" {{\n  datacenters = [\"dc1\"]\n  priority    = 20\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx:1.25\"\n      }}\n      resources {{\n        cpu    = 300\n        memory = 64\n      }}\n    }}\n  }}\n}}\n"),
        );
    }
    common::git(&d.0, &["init", "-q"]);
    common::git(
        &d.0,
        &[
            "add",
            "jobs/monitoring.nomad",
            "jobs/sockshop.nomad",
            "jobs/sockshopui.nomad",
            "rules",
        ],
    );
    common::git(&d.0, &["commit", "-qm", "demo"]);
    common::git(&d.0, &["add", "."]);
    let out = d.run(&["check", "--staged", "--output-format", "concise"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let caused: Vec<&str> = text.lines().filter(|l| l.contains("caused by")).collect();
    assert!(
        caused
            .iter()
            .any(|l| l.contains("other files earlier in this change set")),
        "{text}"
    );
    for l in &caused {
        assert!(l.matches(".nomad (job").count() <= 3, "{l}");
    }
}
