//! A protected job stopped by editing its own file to define another job
//! (its ID or namespace changed) is refused by the gate (redteam6 G7):
//! `nomad job run` on the file registers the new job and never stops the
//! old one (Job.Register, nomad/job_endpoint.go), so the plan of the new
//! job says it assumes the stop.

use crate::common;

use common::{git, output_text, TempDir};

/// The demo with a namespace `ops`, committed on `main`.
fn demo_repo(name: &str) -> TempDir {
    common::demo_repo(name, common::Demo::default())
}

fn edit_shop(d: &TempDir, from: &str, to: &str) {
    let path = d.0.join("jobs/sockshop.nomad");
    let text = std::fs::read_to_string(&path).expect("sockshop");
    assert!(text.contains(from), "{text}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
    git(&d.0, &["add", "-A"]);
}

#[test]
fn renaming_a_protected_jobs_id_is_refused_and_the_new_plan_says_its_assumption() {
    let d = demo_repo("gate-replaced-id");
    edit_shop(&d, "job \"sockshop\" {", "job \"sockshop-v2\" {");
    let out = d.run(&["plan", "--changed", "--staged", "--gate"]);
    let s = output_text(&out);
    assert!(
        s.contains("==> refused by policy: jobs/sockshop.nomad stops protected job default/sockshop by no longer defining it (not by deleting its file): `nomad job run` on this file registers default/sockshop-v2 and leaves default/sockshop running"),
        "{s}"
    );
    assert!(
        s.contains("note: planned with job \"sockshop\" (namespace \"default\") still running, which jobs/sockshop.nomad no longer defines"),
        "{s}"
    );
    assert_eq!(out.status.code(), Some(1), "{s}");

    let js = d.run(&[
        "plan",
        "--changed",
        "--staged",
        "--gate",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&js.stdout).expect("JSON");
    let plans = v["Plans"].as_array().expect("Plans");
    let stop = plans
        .iter()
        .find(|p| p["Stop"] == true)
        .unwrap_or_else(|| panic!("{v:#}"));
    assert_eq!(stop["Policy"][0]["Refusal"], "stops-replaced", "{v:#}");
    let new = plans
        .iter()
        .find(|p| p["Stop"] == false)
        .unwrap_or_else(|| panic!("{v:#}"));
    let assumed = new["Plan"]["Preflight"]["Assumed"]
        .as_array()
        .unwrap_or_else(|| panic!("{v:#}"));
    assert!(
        assumed
            .iter()
            .any(|a| a["Setting"] == "replaced_job_running"),
        "{v:#}"
    );
    assert_eq!(js.status.code(), Some(1));
}

#[test]
fn moving_a_protected_job_to_another_namespace_is_refused() {
    let d = demo_repo("gate-replaced-ns");
    edit_shop(
        &d,
        "job \"sockshop\" {",
        "job \"sockshop\" {\n  namespace = \"ops\"\n",
    );
    let out = d.run(&["plan", "--changed", "--staged", "--gate"]);
    let s = output_text(&out);
    assert!(
        s.contains("==> refused by policy: jobs/sockshop.nomad stops protected job default/sockshop by no longer defining it"),
        "{s}"
    );
    assert_eq!(out.status.code(), Some(1), "{s}");
}

#[test]
fn deleting_a_protected_jobs_file_stays_a_decision() {
    let d = demo_repo("gate-replaced-deleted");
    git(&d.0, &["rm", "-q", "jobs/sockshop.nomad"]);
    let cluster = std::fs::read_to_string(d.0.join("rules/cluster.hcl")).expect("cluster");
    let entry = "  \"jobs/sockshop.nomad\",\n";
    assert!(cluster.contains(entry), "{cluster}");
    d.put("rules/cluster.hcl", &cluster.replacen(entry, "", 1));
    git(&d.0, &["add", "-A"]);
    let out = d.run(&["plan", "--changed", "--staged", "--gate"]);
    let s = output_text(&out);
    assert!(s.contains("stop job \"sockshop\""), "{s}");
    assert!(!s.contains("refused by policy"), "{s}");
    assert_eq!(out.status.code(), Some(0), "{s}");
}

/// `check`'s findings of `code` in `check ARGS --format json`, and its exit code.
pub(crate) fn check_json(
    d: &TempDir,
    args: &[&str],
    code: &str,
) -> (Vec<serde_json::Value>, Option<i32>) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let out = d.run(&all);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", output_text(&out)));
    let found = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["code"] == code)
        .cloned()
        .collect();
    (found, out.status.code())
}

/// `check --staged/--base` refuses what the plan gate refuses, in its
/// words: the two gates the recommended workflow runs never disagree.
#[test]
fn check_refuses_replacing_a_protected_job_as_the_plan_gate_does() {
    let d = demo_repo("check-replaced-id");
    edit_shop(&d, "job \"sockshop\" {", "job \"sockshop-v2\" {");
    let words = "stops protected job default/sockshop by no longer defining it (not by deleting its file): `nomad job run` on this file registers default/sockshop-v2 and leaves default/sockshop running, so the plan's stop happens only by `nomad job stop`";
    let plan = output_text(&d.run(&["plan", "--changed", "--staged", "--gate"]));
    assert!(
        plan.contains(&format!("refused by policy: jobs/sockshop.nomad {words}")),
        "{plan}"
    );
    let out = d.run(&["check", "--staged"]);
    let s = output_text(&out);
    assert!(
        s.contains(&format!(
            "jobs/sockshop.nomad:2:5: policy::stops-replaced [error] {words}"
        )),
        "{s}"
    );
    assert_eq!(out.status.code(), Some(1), "{s}");
    let (found, code) = check_json(&d, &["--staged"], "policy::stops-replaced");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["message"], words);
    assert_eq!(found[0]["file"], "jobs/sockshop.nomad");
    assert_eq!(code, Some(1));
    git(&d.0, &["commit", "-qm", "v2"]);
    let (found, code) = check_json(
        &d,
        &["--base", "HEAD~1", "--head", "HEAD"],
        "policy::stops-replaced",
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(code, Some(1));
}

#[test]
fn check_refuses_moving_a_protected_job_to_another_namespace() {
    let d = demo_repo("check-replaced-ns");
    edit_shop(
        &d,
        "job \"sockshop\" {",
        "job \"sockshop\" {\n  namespace = \"ops\"\n",
    );
    let (found, code) = check_json(&d, &["--staged"], "policy::stops-replaced");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("stops protected job default/sockshop by no longer defining it (not by deleting its file): `nomad job run` on this file registers ops/sockshop and "),
        "{found:?}"
    );
    assert_eq!(code, Some(1));
}

/// Deleting the file, or replacing a job the policy does not protect,
/// is no refusal in `check` either.
#[test]
fn check_leaves_deleting_a_protected_jobs_file_and_unprotected_jobs_alone() {
    let d = demo_repo("check-replaced-deleted");
    git(&d.0, &["rm", "-q", "jobs/sockshop.nomad"]);
    let cluster = std::fs::read_to_string(d.0.join("rules/cluster.hcl")).expect("cluster");
    let entry = "  \"jobs/sockshop.nomad\",\n";
    d.put("rules/cluster.hcl", &cluster.replacen(entry, "", 1));
    git(&d.0, &["add", "-A"]);
    let (found, _) = check_json(&d, &["--staged"], "policy::stops-replaced");
    assert!(found.is_empty(), "{found:?}");
    // The same edit as the refused one, under a policy protecting only sockshopui.
    let d = demo_repo("check-replaced-unprotected");
    let policy = std::fs::read_to_string(d.0.join("rules/policy.hcl")).expect("policy");
    let protected = "jobs       = [\"sockshop\", \"sockshopui\"]";
    assert!(policy.contains(protected), "{policy}");
    d.put(
        "rules/policy.hcl",
        &policy.replacen(protected, "jobs       = [\"sockshopui\"]", 1),
    );
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "unprotect"]);
    edit_shop(&d, "job \"sockshop\" {", "job \"sockshop-v2\" {");
    let (found, _) = check_json(&d, &["--staged"], "policy::stops-replaced");
    assert!(found.is_empty(), "{found:?}");
}
