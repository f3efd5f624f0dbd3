//! A protected job stopped by editing its own file to define another job
//! (its ID or namespace changed) is refused by the gate (redteam6 G7):
//! `nomad job run` on the file registers the new job and never stops the
//! old one (Job.Register, nomad/job_endpoint.go), so the plan of the new
//! job says it assumes the stop.

use crate::common;

use common::{git, output_text, TempDir};

fn demo_repo(name: &str) -> TempDir {
    let d = TempDir::demo(name);
    d.put(
        "rules/namespaces/ops.hcl",
        "name = \"ops\"\ndescription = \"ops\"\n",
    );
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "demo"]);
    d
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
        s.contains("note: planned after the stop of job \"sockshop\" (namespace \"default\"), which jobs/sockshop.nomad no longer defines"),
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
            .any(|a| a["Setting"] == "replaced_job_stopped"),
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
