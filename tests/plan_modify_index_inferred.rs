//! A running job's `Job Modify Index` the world does not state is the
//! simulation's own numbering of its registration: said as inferred, on
//! stderr and in `Preflight.Inferred`, as the quota wording is (redteam12
//! R12-6). Nomad's plan prints the cluster's own index and its
//! `nomad job run -check-index N` is refused unless N matches
//! (nomad/job_endpoint.go Register@v0.9.3, "job exists with conflicting
//! job modify index"). stdout stays Nomad's text.

use crate::common;

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn inferred(o: &std::process::Output) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    v["Preflight"]["Inferred"]
        .as_array()
        .expect("Preflight.Inferred")
        .iter()
        .filter_map(|x| x.as_str().map(String::from))
        .collect()
}

const NOTE: &str = "Job Modify Index 4 is inferred: the world does not state job \"sockshop\"'s job_modify_index, so it is the index the simulation gave the job's registration; Nomad prints the cluster's own (`nomad job inspect` shows it as JobModifyIndex) and refuses `nomad job run -check-index 4` unless it matches";

fn edited_demo(tag: &str) -> common::TempDir {
    let d = common::committed_demo(tag);
    let p = d.0.join("jobs/sockshop.nomad");
    let s = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, s.replacen("count = 1", "count = 2", 1)).unwrap();
    d
}

/// Fails on 2606c50: nothing on stderr, `Preflight.Inferred` empty.
#[test]
fn the_demo_s_running_job_index_is_said_to_be_inferred() {
    let d = edited_demo("jmi-demo");
    let o = d.run(&["plan", "jobs/sockshop.nomad"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("\nJob Modify Index: 4\n"), "{out}");
    assert!(
        out.contains("\nnomad job run -check-index 4 jobs/sockshop.nomad\n"),
        "{out}"
    );
    assert!(
        text(&o.stderr).contains(&format!("note: {NOTE}\n")),
        "{}",
        text(&o.stderr)
    );
    let o = d.run(&["plan", "--format", "json", "jobs/sockshop.nomad"]);
    assert_eq!(inferred(&o), [NOTE]);
}

/// Fails on 2606c50: `plan --changed`'s section says nothing.
#[test]
fn a_changed_file_s_section_says_it_too() {
    let d = edited_demo("jmi-changed");
    common::git(&d.0, &["add", "-A"]);
    let o = d.run(&["plan", "--changed", "--staged"]);
    let out = text(&o.stdout);
    assert!(out.contains(&format!("note: {NOTE}\n")), "{out}");
}

/// Guard (passes before and after): a new job's 0 and an index the world
/// states are Nomad's own.
#[test]
fn a_new_job_and_a_stated_index_are_not_inferred() {
    let d = edited_demo("jmi-stated");
    d.put(
        "rules/allocations.hcl",
        "job \"sockshop\" {\n  version          = 3\n  job_modify_index = 18\n}\n",
    );
    let o = d.run(&["plan", "--format", "json", "jobs/sockshop.nomad"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["JobModifyIndex"], 18, "{}", text(&o.stderr));
    assert_eq!(inferred(&o), Vec::<String>::new());
    assert!(!text(&o.stderr).contains("is inferred"));
    let d = common::committed_demo("jmi-new");
    d.put(
        "new.nomad",
        "job \"new\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config { image = \"redis:3\" }\n      resources {\n        cpu = 20\n        memory = 10\n      }\n    }\n  }\n}\n",
    );
    let o = d.run(&["plan", "new.nomad"]);
    assert!(text(&o.stdout).contains("\nJob Modify Index: 0\n"));
    assert!(
        !text(&o.stderr).contains("is inferred"),
        "{}",
        text(&o.stderr)
    );
}

/// Fails on 2606c50 (`Preflight.Inferred` empty). A deleted file's stop is
/// submitted with `nomad job stop`, which takes no index: its note does
/// not name `-check-index`, in JSON as in the text's section.
#[test]
fn a_stop_s_index_note_names_no_check_index() {
    let d = common::committed_demo("jmi-stop");
    common::git(&d.0, &["rm", "-q", "jobs/sockshopui.nomad"]);
    let o = d.run(&["plan", "--changed", "--staged", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let text = v.to_string();
    assert!(
        text.contains("Job Modify Index 6 is inferred: the world does not state job \\\"sockshopui\\\"'s job_modify_index, so it is the index the simulation gave the job's registration; Nomad prints the cluster's own (`nomad job inspect` shows it as JobModifyIndex)\""),
        "{text}"
    );
}
