//! The order the generic reconciler walks a job's task groups, which is
//! the order their placements are made in (redteam5 R13). Nomad fills a Go
//! map, `newAllocMatrix`, with the groups of the job's allocations (in
//! `AllocsByJob` order: by allocation ID, memdb's index) and then the
//! spec's groups in declaration order, and ranges over it (`for group, as
//! := range m`): scheduler/reconcile_util.go v0.9.3:87-106,
//! v1.6.0:114-133 with reconcile.go v1.6.0:232-238; scheduler/reconciler/
//! allocs.go v2.0.5:120-139 with reconcile_cluster.go v2.0.5:365. A map
//! of at most 8 groups yields them as a rotation of that insertion order
//! from a random slot of 8 ([`crate::gomap`]): the first inserted group
//! comes first 7 times in 8 of two, 6 in 8 of three. Where groups compete
//! for the same room, the order decides which fails.

use super::engine::Engine;
use crate::cluster::{Allocation, State};
use crate::ids::SplitMix64;
use crate::jobspec::Job;

/// The groups in the map's insertion order, and the order one evaluation
/// drew.
pub(super) struct GroupOrder<'j> {
    inserted: Vec<&'j str>,
    pub(super) drawn: Vec<&'j str>,
}

impl<'j> GroupOrder<'j> {
    /// Draw from `rng` (the evaluation's stream, as the uniform shuffle
    /// this replaced did) the order the reconciler walks `job`'s groups.
    /// Every allocation of the job in `state`, terminal ones too, takes
    /// its group's place in the map (`AllocsByJob` returns them all);
    /// `reconciled`: those the reconciler acts on. The walk
    /// keeps the spec's groups and those of `reconciled`: a group left
    /// with terminal allocations only has nothing to place or stop.
    pub(super) fn draw(
        job: &'j Job,
        state: &'j State,
        reconciled: &[&'j Allocation],
        rng: &mut SplitMix64,
    ) -> Self {
        let mut by_id: Vec<&Allocation> = state.every_job_alloc(&job.namespace, &job.id).collect();
        by_id.sort_by(|a, b| a.id.cmp(&b.id));
        let mut inserted: Vec<&'j str> = Vec::new();
        let named = by_id.iter().map(|a| a.task_group.as_str());
        for g in named.chain(job.groups.iter().map(|g| g.name.as_str())) {
            if !inserted.contains(&g) {
                inserted.push(g);
            }
        }
        let walked = |g: &&str| {
            job.group(g).is_some() || reconciled.iter().any(|a| a.task_group.as_str() == *g)
        };
        let drawn = crate::gomap::draw(inserted.len(), rng)
            .into_iter()
            .filter_map(|i| inserted.get(i).copied())
            .filter(walked)
            .collect();
        GroupOrder { inserted, drawn }
    }

    /// The note of a plan whose groups' order may have decided a failure
    /// or a preemption:
    /// each order's chance, and the one drawn.
    pub(super) fn note(&self) -> String {
        format!(
            "task groups are placed in the order Nomad's reconciler ranges over them, a Go map holding {} in that order, so the order is random ({}); where groups compete for the same room it decides which fails or what is preempted, and this plan drew {}",
            list(&self.inserted),
            odds(&self.inserted),
            list(&self.drawn)
        )
    }
}

/// The order a system or sysbatch evaluation tries a job's `len` groups
/// on one node (redteam5 R12): `diffSystemAllocsForNode` ranges over
/// `required`, a Go map of the job's allocation names filled in group
/// order (`materializeSystemTaskGroups`), once per node, so each node
/// draws its own rotation (scheduler/util.go v0.9.3:149, system_util.go
/// v1.6.0:21-31 and 235, reconciler/reconcile_node.go v2.0.5:328 and 549);
/// `computePlacements` places in that order. Drawn from the evaluation's
/// map-order stream; one group draws nothing.
pub(super) fn per_node(engine: &Engine<'_>, len: usize) -> Vec<usize> {
    if len < 2 {
        return (0..len).collect();
    }
    engine.draw_map_order(len)
}

/// The note of a system plan where a group failed on a node after another
/// group of the job was placed there. `entries` is how many names the
/// per-node map holds: more than `groups` lists when a sysbatch group asks
/// several and they are too many to list, and then the odds of `groups`'
/// orders are not those of the map's (its names, not its groups, are
/// shuffled).
pub(super) fn per_node_note(groups: &[&str], entries: usize) -> String {
    let odds = if entries > groups.len() {
        format!("odds not established: {entries} names spread over Go's hashed buckets")
    } else {
        odds(groups)
    };
    format!(
        "on each node the job's groups are placed in the order Nomad ranges over them there, a Go map holding {} in that order, drawn afresh per node ({odds}); where they cannot share a node it decides which of them fails there, so this plan is one of its outcomes (--samples gives their shares)",
        list(groups),
    )
}

fn list(v: &[&str]) -> String {
    v.iter()
        .map(|g| format!("{g:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Each order's chance, for a map holding `inserted` in that order.
fn odds(inserted: &[&str]) -> String {
    match crate::gomap::outcomes(inserted.len(), |o| o.collect::<Vec<usize>>()) {
        Some(orders) => orders
            .iter()
            .map(|(o, p)| {
                let names: Vec<&str> = o.iter().filter_map(|i| inserted.get(*i).copied()).collect();
                format!("{} {}", list(&names), crate::gomap::percent(*p))
            })
            .collect::<Vec<_>>()
            .join("; "),
        None => {
            "odds not established: more than 8 groups spread over Go's hashed buckets".to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::per_node_note;

    /// Two groups asking nine names between them (sysbatch counts 5 and
    /// 4): the map shuffles the names, so the two groups' orders do not
    /// have a two-entry map's odds and none are given (rv-a: they were).
    #[test]
    fn odds_are_the_maps_not_the_groups() {
        let listed = per_node_note(&["a", "b"], 2);
        assert!(listed.contains("\"a\", \"b\" 87.5%"), "{listed}");
        let many = per_node_note(&["a", "b"], 9);
        assert!(many.contains("odds not established: 9 names"), "{many}");
        assert!(!many.contains('%'), "{many}");
    }
}
