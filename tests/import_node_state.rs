//! R25c-2: a node `Status` or `SchedulingEligibility` Nomad's server never
//! holds was read as ready and eligible (an unknown status fell to
//! "ready", any eligibility but exactly "ineligible" to eligible), so a
//! node Nomad's `Node.Ready()` excludes (nomad/structs/structs.go
//! v2.0.5:2168-2170: `Status == "ready"`, no drain, `SchedulingEligibility
//! == "eligible"`) took an allocation and the plan said all placed. Nomad
//! writes only its four statuses (`ValidNodeStatus`, refused otherwise by
//! node_endpoint.go) and two eligibilities (empty on a node from before
//! 0.8, which `Canonicalize` makes eligible): another value is not from
//! Nomad's API, and is refused as a field of the wrong type is
//! (`import::shape`, "cannot tell", exit 255), naming the field and the
//! value, escaped. The case is Nomad's: `"Ready"` is not `"ready"`.

use crate::import_field_types::{assert_refused, edit, import, placed, plan};

const NODE_1: &str = "node-0a1b2c3d-0000-4000-8000-000000000001.json";

/// `field` of node 1 set to `value` in nodes.json and in its own file.
fn node_1(tag: &str, field: &str, value: &str) -> crate::common::TempDir {
    let d = import(tag);
    edit(&d, "nodes.json", |v| v[0][field] = value.into());
    edit(&d, NODE_1, |v| v[field] = value.into());
    d
}

#[test]
fn a_node_status_nomad_never_holds_is_refused() {
    let d = node_1("node-status-unready", "Status", "unready");
    assert_refused(
        &d,
        "holds item 1's Status as the string \"unready\", and Nomad's API answers it as one of \"initializing\", \"ready\", \"down\", \"disconnected\"",
    );
    let d = node_1("node-status-case", "Status", "Ready");
    assert_refused(&d, "Status as the string \"Ready\"");
    // A control character is escaped, never written to the terminal.
    let d = node_1("node-status-esc", "Status", "ready\u{1b}[2J");
    let o = plan(&d);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(!o.stderr.contains('\u{1b}'), "{}", o.stderr);
    assert!(o.stderr.contains("Status as the string"), "{}", o.stderr);
}

#[test]
fn a_scheduling_eligibility_nomad_never_holds_is_refused() {
    let d = node_1("node-elig-case", "SchedulingEligibility", "Ineligible");
    assert_refused(
        &d,
        "holds item 1's SchedulingEligibility as the string \"Ineligible\", and Nomad's API answers it as one of \"eligible\", \"ineligible\", \"\"",
    );
}

/// Guard: Nomad's own values read as before; an empty eligibility (a node
/// from before 0.8) is eligible, as `Canonicalize` makes it.
#[test]
fn nomad_s_node_states_still_plan() {
    let d = node_1("node-elig-empty", "SchedulingEligibility", "");
    assert!(placed(&plan(&d)), "{:?}", plan(&d).stderr);
    let d = node_1("node-status-down", "Status", "down");
    let o = plan(&d);
    assert!(o.code == 0 || o.code == 1, "{}{}", o.stdout, o.stderr);
}

/// Stop 66's Left 7: a node saved without a key Nomad's API always
/// answers (`Status`, `SchedulingEligibility`, `Drain` or `DrainStrategy`,
/// `NodePool` from 1.6.0: nomad/structs/structs.go v1.10.5 `Node`, no
/// `omitempty`) read as Go's zero value: a ready, eligible, undrained node
/// of the `default` pool, the one node `readyNodesInDCsAndPool`
/// (scheduler/util.go v1.10.5:50-90) places on, and the plan said all
/// placed. Such a file was not saved from Nomad: refused, cannot tell.
fn node_1_without(tag: &str, keys: &[&str]) -> crate::common::TempDir {
    let d = import(tag);
    let cut = |v: &mut serde_json::Value| {
        for k in keys {
            v.as_object_mut().map(|o| o.remove(*k));
        }
    };
    edit(&d, "nodes.json", |v| cut(&mut v[0]));
    edit(&d, NODE_1, cut);
    d
}

#[test]
fn a_node_without_a_status_is_no_ready_node() {
    let d = node_1_without("node-no-status", &["Status"]);
    assert_refused(
        &d,
        "cannot tell whether the scheduler sees node \"web-1\": nodes.json item 1 has no `Status`, which Nomad's API always answers",
    );
}

#[test]
fn a_node_without_eligibility_drain_or_pool_is_refused() {
    let d = node_1_without("node-no-elig", &["SchedulingEligibility"]);
    assert_refused(&d, "has no `SchedulingEligibility`");
    let d = node_1_without("node-no-drain", &["Drain", "DrainStrategy"]);
    assert_refused(
        &d,
        "has no `Drain` (the list) or `DrainStrategy` (one node)",
    );
    // The fixture's servers run 1.7.2: every node names its pool.
    let d = node_1_without("node-no-pool", &["NodePool"]);
    assert_refused(&d, "has no `NodePool`");
    // The node's own file alone lacking it is refused too.
    let d = import("node-file-no-status");
    edit(&d, NODE_1, |v| {
        v.as_object_mut().map(|o| o.remove("Status"));
    });
    assert_refused(&d, "has no `Status`");
}

/// Guard: a full node's `DrainStrategy: null` without the stub's `Drain`
/// (what `/v1/node/<id>` answers from 1.1.0) reads as before.
#[test]
fn a_full_node_without_the_stub_s_drain_still_plans() {
    let d = import("node-drain-strategy");
    edit(&d, NODE_1, |v| {
        v.as_object_mut().map(|o| o.remove("Drain"));
        v["DrainStrategy"] = serde_json::Value::Null;
    });
    assert!(placed(&plan(&d)), "{:?}", plan(&d).stderr);
}
