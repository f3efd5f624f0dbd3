//! Allocations of a job the cluster no longer registers (`nomad job stop
//! -purge`; redteam8 I11).
//!
//! Up to 1.5.12, 1.6.5 and 1.7.2 a purge deletes the job, its versions and
//! its deployments and leaves its allocations (nomad/state/state_store.go
//! `DeleteJobTxn` at v1.7.2): the state store keeps each, with its own
//! `Job`, until garbage collection, and every evaluation counts what one
//! holds on its node while its client runs it (scheduler/context.go
//! `ProposedAllocs`). An import holds them under no job
//! (scheduler/sim/replay.rs `hold_orphans`).
//!
//! From 1.5.13, 1.6.6 and 1.7.3 (#19609, "Delete job allocs" in
//! `DeleteJobTxn`; `deleteAllocsForJobTxn` from 1.8.0, #20492) a purge
//! deletes the allocations with the job. An allocations.json holding one
//! that its client runs, of a job jobs.json does not list, was then saved
//! on the other side of a change from jobs.json (the job purged between
//! the two, or registered between them when jobs.json came first): whether
//! the node holds it now is unknown, a guess for every job
//! ([`SAVED_APART`]).

use std::collections::HashSet;

use super::api_alloc_failed::AllocContext;
use super::model::Pinned;
use crate::diag::{Diag, Diags};
use crate::source::Source;
use crate::version::NomadVersion;

pub use super::guess::SAVED_APART;

/// The first release of each line whose purge deletes the job's
/// allocations (v1.5.13, v1.6.6, v1.7.3; every later line).
pub const DELETED_SINCE: &[NomadVersion] = &[
    NomadVersion::new(1, 5, 13),
    NomadVersion::new(1, 6, 6),
    NomadVersion::new(1, 7, 3),
];

/// Does a purge under `v` delete the job's allocations with it?
pub fn purge_deletes_allocs(v: NomadVersion) -> bool {
    v.has_since(DELETED_SINCE)
}

/// Warn ([`SAVED_APART`]) when, under a release whose purge deletes a
/// job's allocations, `pinned` holds one that holds its node of a job
/// neither `registered` nor listed in jobs.json. Without jobs.json a job
/// not saved under jobs/ may still be registered: its allocations are held
/// and nothing is said.
pub(super) fn warn_saved_apart(
    src: &Source,
    v: NomadVersion,
    ctx: &AllocContext,
    pinned: &Pinned,
    registered: &HashSet<(&str, &str)>,
    diags: &mut Diags,
) {
    if ctx.listed_jobs.is_none() || !purge_deletes_allocs(v) {
        return;
    }
    let apart: Vec<String> = (pinned.allocs.iter())
        .filter(|a| a.holds_node(v))
        .filter(|a| !registered.contains(&(a.namespace.as_str(), a.job_id.as_str())))
        .filter(|a| !ctx.lists(&(a.namespace.to_string(), a.job_id.to_string())))
        .map(|a| format!("{} of {}/{}", a.id, a.namespace, a.job_id))
        .collect();
    let Some(first) = apart.first() else {
        return;
    };
    let others = match apart.len() - 1 {
        0 => String::new(),
        1 => " and 1 other".to_string(),
        n => format!(" and {n} others"),
    };
    diags.push(
        Diag::warning(
            SAVED_APART,
            format!(
                "allocations.json holds allocation {first}{others} that a client runs, of a job jobs.json does not list; Nomad {v} deletes a purged job's allocations with it, so the two files were saved on either side of a change, and what the nodes hold is unknown"
            ),
        )
        .in_source(src)
        .help("save the folder afresh, allocations.json and jobs.json together (`nomad-preflight import --print-commands DIR`)"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purge_deletes_allocations_from_1_5_13_1_6_6_1_7_3() {
        let v = NomadVersion::new;
        for (at, deletes) in [
            (v(1, 4, 7), false),
            (v(1, 5, 12), false),
            (v(1, 5, 13), true),
            (v(1, 6, 5), false),
            (v(1, 6, 6), true),
            (v(1, 7, 2), false),
            (v(1, 7, 3), true),
            (v(1, 8, 0), true),
            (v(2, 0, 5), true),
        ] {
            assert_eq!(purge_deletes_allocs(at), deletes, "{at}");
        }
    }
}
