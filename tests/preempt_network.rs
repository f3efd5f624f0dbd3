//! Preemption for a network ask, as Nomad's `PreemptForNetwork` chooses
//! (scheduler/preemption.go, identical 0.9.3–1.9.x; scheduler/feasible/
//! preemption.go in 2.0.x): per network device, the last holder of each
//! asked static port, and the plan's `Preemptions:` table as
//! command/job_plan.go `addPreemptions` prints it (one `Alloc ID|Job ID|Task
//! Group` row per entry of `Annotations.PreemptedAllocs`, appended by
//! generic_sched.go `handlePreemptions` once per victim the ranker returned).
//!
//! Fixtures: tests/fixtures/import-allocs/net-* (gen.py), saved 2.0.5
//! clusters whose node-2 is full of priority-100 work.

use crate::common;

use std::path::PathBuf;

use serde_json::Value;

fn fixture(case: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import-allocs")
        .join(case)
}

fn plan(case: &str, json: bool) -> (i32, String) {
    let dir = fixture(case);
    let mut cmd = std::process::Command::new(common::bin());
    cmd.arg("plan")
        .arg("--world")
        .arg(&dir)
        .arg(dir.join("placing.nomad"));
    if json {
        cmd.args(["--format", "json"]);
    }
    let out = cmd.output().expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn plan_json(case: &str) -> Value {
    let (_, text) = plan(case, true);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{case}: not JSON ({e}): {text}"))
}

/// The `Preemptions:` block of the plan text, up to the job modify index.
fn preemptions(text: &str) -> String {
    let start = text.find("Preemptions:").expect("a Preemptions block");
    let end = text.find("Job Modify Index").unwrap_or(text.len());
    text[start..end].to_string()
}

fn alloc(n: u32) -> String {
    format!("a{n:07}-0000-4000-8000-000000000000")
}

fn victims(plan: &Value) -> Vec<String> {
    plan["Annotations"]["PreemptedAllocs"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| a["ID"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// TestPreemption "preempt only from device that has allocation with
/// unused reserved port" (v2.0.5 scheduler/feasible/preemption_test.go):
/// a priority-100 allocation holds port 88 on eth1, which keeps eth1 out
/// (`filteredReservedPorts`), but not eth0, where the low-priority
/// allocation frees the bandwidth. Counting ports node-wide we refused.
#[test]
fn a_port_kept_on_one_device_does_not_block_another() {
    let (code, text) = plan("net-two-nics", false);
    // The plan is Nomad's; how `nomad job run` of it ends after the
    // applier's rejected retries is "cannot tell" (exit 255, rv17 4).
    assert_eq!(code, 255, "{text}");
    assert!(text.contains("cannot tell how `nomad job run`"), "{text}");
    assert!(
        text.contains("- All tasks successfully allocated."),
        "{text}"
    );
    assert_eq!(
        preemptions(&text),
        format!(
            "Preemptions:\n\nAlloc ID                              Job ID  Task Group\n{}  low     web\n",
            alloc(3)
        )
    );
}

/// Two low-priority allocations hold port 88, one on each address of the
/// dual-stack node's eth0. `usedPortToAlloc` keeps the last one the
/// proposed list yields, and that list is read from a Go map
/// (scheduler/context.go `ProposedAllocs`): node-1's three allocations
/// sit in slots 0–2 by ID, iteration starts at a random one of 8 slots,
/// so a0000003 is last 7 times in 8. Exactly one is preempted; the task
/// takes the address it freed.
#[test]
fn of_two_holders_of_a_port_the_last_in_map_order_is_preempted() {
    let (code, text) = plan("net-two-holders", false);
    // The plan is Nomad's; how `nomad job run` of it ends after the
    // applier's rejected retries is "cannot tell" (exit 255, rv17 4).
    assert_eq!(code, 255, "{text}");
    assert!(text.contains("cannot tell how `nomad job run`"), "{text}");
    assert_eq!(
        preemptions(&text),
        format!(
            "Preemptions:\n\nAlloc ID                              Job ID  Task Group\n{}  low     web\n",
            alloc(3)
        )
    );
    let v = plan_json("net-two-holders");
    assert_eq!(victims(&v), vec![alloc(3)]);
    assert_eq!(
        v["Preflight"]["Nondeterminism"],
        serde_json::json!([
            "node \"node-1\": allocations a0000002 and a0000003 hold static port 88 on one device; Nomad preempts the one its proposed list (a Go map) yields last (a0000002 12.5%, a0000003 87.5%), and this plan takes a0000003"
        ])
    );
}

/// One low-priority allocation holds both asked ports: PreemptForNetwork
/// appends it once per port, and with 0 Mbits asked `filterSuperset`
/// never finds the requirement met, so both entries stay and the plan
/// lists the allocation twice.
#[test]
fn an_allocation_holding_two_asked_ports_is_listed_twice() {
    let (code, text) = plan("net-two-ports", false);
    assert_eq!(code, 1, "{text}");
    let row = format!("{}  low     web\n", alloc(2));
    assert_eq!(
        preemptions(&text),
        format!(
            "Preemptions:\n\nAlloc ID                              Job ID  Task Group\n{row}{row}"
        )
    );
    let v = plan_json("net-two-ports");
    assert_eq!(victims(&v), vec![alloc(2), alloc(2)]);
    assert!(v["Preflight"]["Nondeterminism"]
        .as_array()
        .is_some_and(Vec::is_empty));
}
