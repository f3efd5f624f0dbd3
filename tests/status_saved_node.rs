//! An imported cluster's `status node ID` and `status job` read what the
//! cluster saved, never the simulation.
//! - `nomad node status ID` lists every allocation of the node
//!   (`Nodes().Allocations`, command/node_status.go v2.0.5:487, :629-631),
//!   newest first (api/nodes.go AllocationSort), with its saved statuses,
//!   and sums only the `running` ones into Allocated Resources (formatNode's
//!   runningAllocs, :493-498).
//! - The job view's Status row is the saved job's `Status`
//!   (`getStatusString(*job.Status, job.Stop)`, command/job_status.go
//!   v2.0.5:261), whether or not allocations.json was saved.
//! - The job view replays no running job (it prints none of the replay's
//!   findings).

use crate::common;
use crate::status_saved_job::{five_states, status};

use common::batch::{alloc, import, job_json};
use serde_json::json;

/// The allocation rows of a status view: ID, node, group, version,
/// desired and client status.
fn alloc_rows(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter(|l| l.starts_with("a00000"))
        .map(|l| l.split_whitespace().take(6).collect::<Vec<_>>().join(" "))
        .collect()
}

#[test]
fn a_nodes_saved_allocations_are_listed_with_their_saved_statuses() {
    let d = five_states("status-node-saved-listed");
    let o = status(&d, &["node", "0c1b2c3d"]);
    assert_eq!(
        alloc_rows(&o.stdout),
        [
            "a0000005 0c1b2c3d g 0 run running",
            "a0000004 0c1b2c3d g 0 evict complete",
            "a0000003 0c1b2c3d g 0 stop lost",
            "a0000002 0c1b2c3d g 0 run running",
            "a0000001 0c1b2c3d g 0 run failed",
        ],
        "{}{}",
        o.stdout,
        o.stderr
    );
    // Two running allocations of 100 MHz and 300 MB each.
    assert!(
        o.stdout
            .contains("\nCPU           Memory           Disk             Alloc Count\n200/4000 MHz  600 MiB/3.9 GiB  600 MiB/9.8 GiB  2\n"),
        "{}",
        o.stdout
    );
}

/// An `unknown` allocation (a disconnected client's) is listed as it is
/// and is not among the running ones Allocated Resources counts.
#[test]
fn an_unknown_allocation_is_listed_and_not_counted_running() {
    let job = job_json(json!({"Type": "service", "Status": "running"}));
    let mut a = alloc(1, 0, &job, json!({"ClientStatus": "unknown"}));
    a["JobType"] = json!("service");
    let d = import("status-node-saved-unknown", "2.0.5", &job, &[a]);
    let o = status(&d, &["node", "0c1b2c3d"]);
    assert_eq!(
        alloc_rows(&o.stdout),
        ["a0000001 0c1b2c3d g 0 run unknown"],
        "{}{}",
        o.stdout,
        o.stderr
    );
    assert!(
        o.stdout
            .contains("\n0/4000 MHz  0 B/3.9 GiB  0 B/9.8 GiB  0\n"),
        "{}",
        o.stdout
    );
}

/// Without allocations.json the node's allocations cannot be told: one
/// line in the table's place (and in Allocated Resources'), a note, exit
/// 1, never "No allocations placed".
#[test]
fn a_nodes_allocations_not_saved_cannot_be_told() {
    let d = five_states("status-node-saved-none");
    d.put("import/allocations.json", "");
    for args in [&["node", "0c1b2c3d"][..], &["node", "--short", "0c1b2c3d"]] {
        let o = status(&d, args);
        assert_eq!(o.code, 1, "{args:?}: {}{}", o.stdout, o.stderr);
        assert!(!o.stdout.contains("No allocations placed"), "{}", o.stdout);
        assert!(
            o.stdout.contains(
                "\nAllocations\ncannot tell: allocations.json is not saved, so the node's allocations are unknown"
            ),
            "{}",
            o.stdout
        );
        assert!(
            o.stderr
                .contains("note: the Allocations of node n1 cannot be told"),
            "{}",
            o.stderr
        );
    }
    let o = status(&d, &["node", "0c1b2c3d"]);
    assert!(
        o.stdout
            .contains("\nAllocated Resources\ncannot tell: allocations.json is not saved"),
        "{}",
        o.stdout
    );
}

/// The Status row is the saved job's: a job saved `dead` whose
/// allocations.json is not saved is not the simulation's re-placement of
/// it (`running`).
#[test]
fn the_status_row_is_the_saved_jobs() {
    let job = job_json(json!({"Type": "service", "Status": "dead"}));
    let d = import("status-saved-status-row", "2.0.5", &job, &[]);
    d.put("import/allocations.json", "");
    let o = status(&d, &["job", "web"]);
    assert!(
        o.stdout.contains("\nStatus        = dead\n"),
        "{}{}",
        o.stdout,
        o.stderr
    );
}

/// A saved job without a `Status` cannot tell its Status row: said in
/// the row's place, a note, exit 1.
#[test]
fn a_saved_job_without_a_status_cannot_tell_its_status_row() {
    let mut job = job_json(json!({"Type": "service"}));
    job.as_object_mut().map(|o| o.remove("Status"));
    let d = import("status-saved-status-none", "2.0.5", &job, &[]);
    d.put("import/allocations.json", "");
    let o = status(&d, &["job", "web"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains(
            "\nStatus        = cannot tell: the saved job \"web\" holds no Status (pending, running or dead)\n"
        ),
        "{}",
        o.stdout
    );
    assert!(
        o.stderr
            .contains("note: the Status row of job web cannot be told"),
        "{}",
        o.stderr
    );
}

/// The job view of an import replays no running job: a job that would
/// not fit when scheduled anew (allocations.json not saved) gives none of
/// the replay's findings, as the view prints nothing of the replay.
#[test]
fn the_job_view_of_an_import_replays_nothing() {
    let job = job_json(json!({"Type": "service", "Status": "running"}));
    let mut big = job.clone();
    big["TaskGroups"][0]["Count"] = json!(40);
    let d = import("status-saved-no-replay", "2.0.5", &big, &[]);
    d.put("import/allocations.json", "");
    let o = status(&d, &["job", "web"]);
    assert!(
        o.stdout.starts_with("ID            = web\n"),
        "{}{}",
        o.stdout,
        o.stderr
    );
    assert!(!o.stderr.contains("running-unplaced"), "{}", o.stderr);
    // The node view still reads the simulation, and says so.
    let o = status(&d, &["node", "0c1b2c3d"]);
    assert!(o.stderr.contains("running-unplaced"), "{}", o.stderr);
}

/// A live allocation in a namespace a complete namespaces.json does not
/// list is "cannot tell", located at the allocation: Nomad deletes no
/// namespace whose jobs still run (nomad/state/state_store.go v2.0.5
/// DeleteNamespaces), so the files were saved apart. It was held as a
/// purged job's and the plan said all clear. A terminal one may outlive
/// its namespace and is read.
#[test]
fn a_live_allocation_in_an_unlisted_namespace_cannot_be_told() {
    let job = job_json(json!({"Type": "service", "Status": "running"}));
    let mut ghost = job.clone();
    ghost["ID"] = json!("ghost");
    ghost["Namespace"] = json!("other");
    let mut a = alloc(
        2,
        0,
        &ghost,
        json!({"ClientStatus": "running", "JobID": "ghost", "Namespace": "other"}),
    );
    a["JobType"] = json!("service");
    let mine = alloc(1, 0, &job, json!({"ClientStatus": "running"}));
    let d = import(
        "import-alloc-unlisted-ns",
        "2.0.5",
        &job,
        &[mine.clone(), a.clone()],
    );
    // A management token's list is the cluster's whole list.
    d.put(
        "import/acl-token-self.json",
        r#"{"AccessorID": "x", "Type": "management"}"#,
    );
    let o = common::batch::plan(&d, "web2.nomad");
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.is_empty(), "{}", o.stdout);
    assert!(
        o.stderr.contains("import::unknown-namespace")
            && o.stderr.contains("holds live allocation a0000002")
            && o.stderr
                .contains("in namespace \"other\", which namespaces.json does not list"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains("import/allocations.json:"),
        "located: {}",
        o.stderr
    );
    a["ClientStatus"] = json!("complete");
    d.put(
        "import/allocations.json",
        &serde_json::Value::Array(vec![mine, a.clone()]).to_string(),
    );
    let o = common::batch::plan(&d, "web2.nomad");
    assert!(
        !o.stderr.contains("import::unknown-namespace"),
        "{}",
        o.stderr
    );
    // Told to stop, still running on its client: `TerminalStatus()` counts
    // the desired status (structs/alloc.go v2.0.5:358-362), so its job can
    // be dead and its namespace deleted (rv17 3).
    a["ClientStatus"] = json!("running");
    a["DesiredStatus"] = json!("stop");
    d.put(
        "import/allocations.json",
        &serde_json::Value::Array(vec![a]).to_string(),
    );
    let o = common::batch::plan(&d, "web2.nomad");
    assert!(
        !o.stderr.contains("import::unknown-namespace"),
        "{}",
        o.stderr
    );
}
