//! The printed capture commands (`import --print-commands`) run as users
//! run them, piped into a shell, against a fake `nomad` that behaves as
//! the real `nomad operator api` (tests/common/fake_nomad.rs): no call
//! sends a POST, a namespace whose lists are refused leaves those files
//! empty (never a shorter list: redteam16 R16-21), and a community
//! cluster's answer on `/v1/quotas` imports as "no quotas" (R16-23).

use crate::common;

use common::batch::{job_json, nodes, NODE_ID};
use common::fake_nomad;
use common::{run_in, TempDir};
use serde_json::{json, Value};

/// A job asking 1500 MHz of the 4000 MHz node: it fits only if team's
/// 3000 MHz allocation is not counted.
pub(crate) const WEB: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"nginx:1\"\n      }\n      resources {\n        cpu    = 1500\n        memory = 64\n      }\n    }\n  }\n}\n";

fn hog() -> Value {
    job_json(json!({"ID": "hog", "Name": "hog", "Namespace": "team"}))
}

fn hog_alloc() -> Value {
    let mut a = common::batch::alloc(
        1,
        0,
        &hog(),
        json!({"JobID": "hog", "Namespace": "team", "Name": "hog.g[0]", "ClientStatus": "running",
            "TaskStates": {"t": {"State": "running", "Failed": false}},
            "AllocatedResources": {"Tasks": {"t": {"Cpu": {"CpuShares": 3000}, "Memory": {"MemoryMB": 300}}},
                "TaskLifecycles": {"t": null}, "Shared": {"DiskMB": 300}}}),
    );
    if let Some(o) = a.as_object_mut() {
        o.remove("Job");
    }
    a
}

/// A community 2.0.5 cluster of one node, namespaces `default` (empty) and
/// `team` (the running `hog`), as its API answers; `team_lists`: whether
/// the token may list team's allocations, jobs, deployments and volumes.
pub(crate) fn answers(team_lists: bool) -> Vec<(String, String)> {
    let node: Value = serde_json::from_str::<Value>(&nodes()).expect("nodes")[0].clone();
    let mut a: Vec<(String, String)> = vec![
        ("/v1/agent/self".into(), r#"{"member": {"Tags": {"build": "2.0.5", "region": "global"}}}"#.into()),
        ("/v1/nodes?resources=true".into(), nodes()),
        ("/v1/namespaces".into(), r#"[{"Name": "default"}, {"Name": "team"}]"#.into()),
        // command/agent/http_ce.go v2.0.5:19-30: 501, written bare.
        ("/v1/quotas".into(), "Nomad Enterprise only endpoint".into()),
        ("/v1/operator/scheduler/configuration".into(),
            r#"{"SchedulerConfig": {"SchedulerAlgorithm": "binpack", "PreemptionConfig": {"SystemSchedulerEnabled": true}}}"#.into()),
        ("/v1/node/pools".into(), r#"[{"Name": "default", "SchedulerConfiguration": null}]"#.into()),
        (format!("/v1/node/{NODE_ID}"), node.to_string()),
        ("/v1/plugins?type=csi".into(), "[]".into()),
        // The token that saved it: a management token sees every namespace.
        ("/v1/acl/token/self".into(), r#"{"AccessorID": "a", "Type": "management"}"#.into()),
        ("/v1/job/hog?namespace=team".into(), hog().to_string()),
        ("/v1/job/hog/versions?namespace=team".into(), json!({"Versions": [hog()], "Diffs": null}).to_string()),
        ("/v1/job/hog/summary?namespace=team".into(), json!({"JobID": "hog", "Namespace": "team",
            "Summary": {"g": {"Queued": 0, "Starting": 0, "Running": 1, "Failed": 0, "Complete": 4, "Lost": 0, "Unknown": 0}}}).to_string()),
    ];
    for list in [
        "allocations?resources=true&",
        "jobs?",
        "deployments?",
        "volumes?type=csi&",
    ] {
        a.push((format!("/v1/{list}namespace=default"), "[]".into()));
    }
    if team_lists {
        a.push((
            "/v1/allocations?resources=true&namespace=team".into(),
            json!([hog_alloc()]).to_string(),
        ));
        a.push((
            "/v1/jobs?namespace=team".into(),
            json!([{"ID": "hog", "Namespace": "team", "Type": "batch", "Status": "running"}])
                .to_string(),
        ));
        a.push(("/v1/deployments?namespace=team".into(), "[]".into()));
        a.push(("/v1/volumes?type=csi&namespace=team".into(), "[]".into()));
    }
    a
}

/// Save the cluster with the printed commands piped into bash.
fn capture(tag: &str, team_lists: bool) -> TempDir {
    let d = TempDir::new(tag);
    let env = fake_nomad::install(&d, &answers(team_lists));
    d.put("fake/node-ids", &format!("{NODE_ID}\n"));
    let printed = run_in(&d.0, &["import", "--print-commands", "import"]);
    assert_eq!(printed.code, 0, "{}", printed.stderr);
    let o = fake_nomad::run_piped(&d, &env, &printed.stdout);
    assert!(o.status.success(), "{}", common::output_text(&o));
    d.put("web.nomad", WEB);
    d
}

fn plan(d: &TempDir) -> common::Out {
    run_in(&d.0, &["plan", "--world", "import", "web.nomad"])
}

/// R16-22: every call reads no body, so none is a POST (`/v1/job/:id` would
/// be Job.Register) and a loop's later lines are not eaten: the whole
/// cluster is saved and team's allocation is counted. R16-23: the
/// community agent's answer on `/v1/quotas` is "no quotas".
#[test]
fn printed_commands_piped_into_a_shell_save_the_cluster() {
    let d = capture("capture-full", true);
    assert_eq!(fake_nomad::posts(&d), "", "no call may POST");
    assert!(d.0.join("import/jobs/team/hog.json").is_file());
    let o = plan(&d);
    assert!(
        o.code == 1 && o.stdout.contains("Failed to place all allocations"),
        "{}{}",
        o.stdout,
        o.stderr
    );
    assert!(!o.stderr.contains("quotas.json"), "{}", o.stderr);
    // R16-24: `status job` shows the saved summary (4 complete allocations
    // long collected), not a count of what is listed.
    let s = run_in(
        &d.0,
        &["status", "--world", "import", "job", "hog", "-n", "team"],
    );
    assert!(
        s.stdout
            .contains("\ng           0       0         1        0       4         0     0\n"),
        "{}{}",
        s.stdout,
        s.stderr
    );
}

/// R16-21: `nomad operator api` answers a refused list with its error
/// text and exit 0. That namespace's lists leave the files empty (not
/// saved), never a list without it: the plan cannot tell, it never says
/// all clear with team's allocation missing.
#[test]
fn a_namespace_whose_lists_are_refused_is_no_shorter_list() {
    let d = capture("capture-denied", false);
    let allocs = std::fs::read_to_string(d.0.join("import/allocations.json")).unwrap_or_default();
    assert_eq!(allocs.trim(), "", "a shorter list was saved: {allocs}");
    let o = plan(&d);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(
        !o.stdout.contains("All tasks successfully allocated"),
        "{}",
        o.stdout
    );
    assert!(o.stderr.contains("allocations.json"), "{}", o.stderr);
}

/// R16-23's bound: only Nomad's exact Enterprise-only answer reads as
/// "not saved"; another text in quotas.json is still an error.
#[test]
fn another_text_in_quotas_json_is_no_answer() {
    let d = capture("capture-quota-text", true);
    d.put(
        "import/quotas.json",
        "Nomad Enterprise only endpoint, or so",
    );
    let o = plan(&d);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(o.stderr.contains("import::json"), "{}", o.stderr);
}
