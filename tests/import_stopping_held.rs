//! An allocation its own job's plan cannot read still holds its node while
//! its client runs it (redteam8 I11): a service allocation of a
//! disconnect-aware group told to stop (DesiredStatus stop, ClientStatus
//! running) is ignored by its job's reconciler at 1.9.5, but the scheduler's
//! `ProposedAllocs` (scheduler/context.go: the node's allocations not
//! terminal on their client) counts its 2000 MB for every other job.
//! Fixture: tests/fixtures/import-allocs/stop-disconnect (Nomad 1.9.5; n1
//! has 4000 MB, 1200 MB held by live allocations, 2000 MB by web's stopping
//! one); big.nomad asks for 1500 MB.

use std::path::PathBuf;

use crate::common;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import-allocs/stop-disconnect")
}

#[test]
fn a_stopping_allocation_ignored_by_its_job_still_fills_its_node() {
    let d = dir();
    let world = d.to_string_lossy().into_owned();
    let job = d.join("big.nomad").to_string_lossy().into_owned();
    let o = common::run_in(&d, &["plan", "--no-color", "--world", &world, &job]);
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
    // Its own job is still flagged, and only it.
    assert!(o.stderr.contains("default/web"), "{}", o.stderr);
    // status counts it as the plan does: 1200 + 2000 MB.
    let o = common::run_in(&d, &["status", "--world", &world]);
    assert!(
        o.stdout.contains("3200 / 4000 MB"),
        "{}{}",
        o.stdout,
        o.stderr
    );
}
