//! A purged job's allocations still hold their node while their clients
//! run them (redteam8 I11, the purged case). `nomad job stop -purge`
//! deletes the job, not its allocations: the state store keeps each with
//! its own `Job` until it is collected (nomad/state/state_store.go
//! `upsertAllocsImpl`), and the scheduler counts what it holds on its node
//! (scheduler/context.go `ProposedAllocs`: the node's allocations not
//! terminal on their client, v1.4.0+) and may preempt it by that `Job`'s
//! priority (scheduler/preemption.go `filterAndGroupPreemptibleAllocs`).
//! Fixture: tests/fixtures/import-allocs/purged (Nomad 1.9.5; n1 has
//! 4000 MB, 900 MB held by api's and sys's live allocations, 2000 MB by the
//! allocation of `old`, priority 30, which jobs.json does not list, told to
//! stop and still running); big.nomad asks for 1500 MB.

use std::path::PathBuf;

use serde_json::{Map, Value};

use crate::common::{self, Out, TempDir};

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import-allocs/purged")
}

/// The fixture copied, its purged job's allocation (the last) edited by
/// `edit`.
fn variant(tag: &str, edit: impl FnOnce(&mut Map<String, Value>)) -> TempDir {
    let d = TempDir::new(tag);
    common::copy_dir(&fixture(), &d.0);
    let text = std::fs::read_to_string(d.0.join("allocations.json")).expect("fixture");
    let mut allocs: Value = serde_json::from_str(&text).expect("json");
    if let Some(old) = allocs
        .as_array_mut()
        .and_then(|l| l.last_mut())
        .and_then(Value::as_object_mut)
    {
        edit(old);
    }
    d.put("allocations.json", &allocs.to_string());
    d
}

fn plan(d: &std::path::Path, job: &str) -> Out {
    let world = d.to_string_lossy().into_owned();
    common::run_in(d, &["plan", "--no-color", "--world", &world, job])
}

fn status(d: &std::path::Path) -> Out {
    let world = d.to_string_lossy().into_owned();
    common::run_in(d, &["status", "--world", &world])
}

/// `old`'s own file: what its allocation runs.
const OLD: &str = r#"job "old" {
  datacenters = ["dc1"]
  priority    = 30
  group "g" {
    task "t" {
      driver = "docker"
      config {
        image = "nginx:1.25"
      }
      resources {
        cpu    = 100
        memory = 2000
      }
    }
  }
}
"#;

#[test]
fn a_purged_jobs_stopping_allocation_still_fills_its_node() {
    let d = fixture();
    let o = plan(&d, &d.join("big.nomad").to_string_lossy());
    assert!(
        o.stdout
            .contains("Dimension \"memory\" exhausted on 1 nodes"),
        "{}{}",
        o.stdout,
        o.stderr
    );
    assert!(
        !o.stdout.contains("All tasks successfully allocated"),
        "{}",
        o.stdout
    );
    // status counts it as the plan does (900 + 2000 MB), under no job.
    let o = status(&d);
    assert!(
        o.stdout.contains("2900 / 4000 MB"),
        "{}{}",
        o.stdout,
        o.stderr
    );
    assert!(o.stdout.contains("a0000005"), "{}", o.stdout);
}

#[test]
fn a_purged_jobs_allocation_is_preempted_by_its_own_jobs_priority() {
    let d = variant("purged-preempt", |_| {});
    d.put(
        "scheduler.json",
        r#"{"SchedulerConfig": {"SchedulerAlgorithm": "binpack", "PreemptionConfig": {"SystemSchedulerEnabled": true, "ServiceSchedulerEnabled": true}}}"#,
    );
    let big = std::fs::read_to_string(d.0.join("big.nomad")).expect("fixture");
    d.put(
        "big70.nomad",
        &big.replace(
            "datacenters = [\"dc1\"]",
            "datacenters = [\"dc1\"]\n  priority    = 70",
        ),
    );
    let o = plan(&d.0, "big70.nomad");
    // Its embedded Job's priority, 30, is the lowest on the node: it alone
    // is preempted (2000 MB frees the 400 MB the placement lacks).
    assert!(
        o.stdout.contains("Preemptions:"),
        "{}{}",
        o.stdout,
        o.stderr
    );
    let listed: Vec<&str> = o
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("Preemptions:"))
        .filter(|l| l.starts_with("a0000"))
        .collect();
    assert_eq!(listed.len(), 1, "{}", o.stdout);
    assert!(
        listed[0].starts_with("a0000005") && listed[0].contains("old"),
        "{}",
        o.stdout
    );
}

/// Guard (passes before this change too): an allocation its client has
/// stopped holds nothing, purged job or not.
#[test]
fn a_purged_jobs_terminal_allocation_holds_nothing() {
    let d = variant("purged-terminal", |a| {
        a.insert("ClientStatus".into(), "complete".into());
    });
    let o = plan(&d.0, "big.nomad");
    assert!(
        o.stdout.contains("All tasks successfully allocated"),
        "{}{}",
        o.stdout,
        o.stderr
    );
    let o = status(&d.0);
    assert!(
        o.stdout.contains("900 / 4000 MB"),
        "{}{}",
        o.stdout,
        o.stderr
    );
}

/// Live (its deregistration not evaluated yet) and not in jobs.json: it
/// holds its node, but the cluster registers no `old`, so no job `old` is
/// shown, and a plan of `old`'s file cannot be told (a new registration
/// of the ID would read the allocation, `AllocsByJob`).
#[test]
fn a_live_allocation_of_a_job_jobs_json_does_not_list_is_held_under_no_job() {
    let d = variant("purged-live", |a| {
        a.insert("DesiredStatus".into(), "run".into());
        a.remove("DesiredDescription");
    });
    d.put("old.nomad", OLD);
    let o = plan(&d.0, "big.nomad");
    assert!(
        o.stdout
            .contains("Dimension \"memory\" exhausted on 1 nodes"),
        "{}{}",
        o.stdout,
        o.stderr
    );
    let o = plan(&d.0, "old.nomad");
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(o.stderr.contains("purged"), "{}", o.stderr);
    let o = status(&d.0);
    assert!(
        o.stdout.contains("2900 / 4000 MB"),
        "{}{}",
        o.stdout,
        o.stderr
    );
    assert!(
        !o.stdout.lines().any(|l| l.starts_with("old ")),
        "{}",
        o.stdout
    );
}

/// The list form (`/v1/allocations`, no embedded Job): a purged job's
/// allocation its client has stopped holds nothing and its priority is
/// never read, so the import takes it (it was refused).
#[test]
fn a_purged_jobs_stopped_allocation_in_the_list_form_is_no_error() {
    let d = variant("purged-list-done", |a| {
        a.remove("Job");
        a.insert("ClientStatus".into(), "complete".into());
    });
    let o = plan(&d.0, "big.nomad");
    assert!(
        o.stdout.contains("All tasks successfully allocated"),
        "{}{}",
        o.stdout,
        o.stderr
    );
}

/// Guard (passes before this change too): one its client still runs holds
/// its node at a priority nothing saved says, so the import is refused,
/// never read as an empty node.
#[test]
fn a_purged_jobs_running_allocation_in_the_list_form_is_still_refused() {
    let d = variant("purged-list-running", |a| {
        a.remove("Job");
    });
    let o = plan(&d.0, "big.nomad");
    assert!(
        !o.stdout.contains("All tasks successfully allocated"),
        "{}",
        o.stdout
    );
    assert!(
        common::flat(&o.stderr).contains("priority is unknown"),
        "{}",
        o.stderr
    );
}

/// `import --write` cannot state an allocation under no job (a written
/// allocation names a running job): it refuses, rather than write a world
/// that drops what the allocation holds or does not load.
#[test]
fn import_write_refuses_a_purged_jobs_held_allocation() {
    let d = variant("purged-write", |_| {});
    let out = d.0.join("written");
    let o = common::run_in(
        &d.0,
        &[
            "import",
            &d.0.to_string_lossy(),
            "--write",
            &out.to_string_lossy(),
        ],
    );
    assert_ne!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(
        common::flat(&o.stderr).contains("belong to no registered job"),
        "{}",
        o.stderr
    );
    assert!(!out.join("rules").exists() && !out.exists(), "{}", o.stdout);
}

/// From 1.7.3 a purge deletes the job's allocations with it
/// (nomad/state/state_store.go `DeleteJobTxn`, #19609): one that its
/// client runs, of a job jobs.json does not list, says the two files were
/// saved on either side of a change. What the node holds is unknown: every
/// plan cannot tell, never Nomad's success text.
#[test]
fn from_1_7_3_a_running_allocation_of_an_unlisted_job_cannot_be_told() {
    let d = variant("purged-apart", |_| {});
    d.put(
        "agent-self.json",
        r#"{"member": {"Tags": {"build": "1.7.3", "region": "global"}}}"#,
    );
    let o = plan(&d.0, "big.nomad");
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(
        !o.stdout.contains("All tasks successfully allocated"),
        "{}",
        o.stdout
    );
    assert!(o.stderr.contains("import::saved-apart"), "{}", o.stderr);
    // Up to 1.7.2 the same import is a purged job's allocation the state
    // store keeps: held (the first test).
}
