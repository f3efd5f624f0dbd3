//! What distinguishes the replays where an expectation failed from those
//! where it held: facts about the placement each replay had reached before
//! a step. Each replay keeps its facts as numbers into one shared table, so
//! a rehearsal's memory grows by a few bytes per step replayed, not by the
//! sentences (about 10 KB per step of the demo before).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, PoisonError};

use crate::cluster::State;

/// Every distinct fact seen in any replay, numbered in order of first sight.
#[derive(Default)]
pub struct FeatureTable(Mutex<Interned>);

#[derive(Default)]
struct Interned {
    ids: HashMap<String, u32>,
    names: Vec<String>,
}

impl FeatureTable {
    /// The facts of one replay at one step, as numbers into the table.
    pub fn intern(&self, facts: Vec<String>) -> Box<[u32]> {
        // A panicking replay fails the rehearsal elsewhere; the table itself
        // is never left half-updated by a panic, so a poisoned lock is usable.
        let mut t = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        facts
            .into_iter()
            .map(|f| match t.ids.get(&f) {
                Some(id) => *id,
                None => {
                    let id = u32::try_from(t.names.len()).unwrap_or(u32::MAX);
                    t.names.push(f.clone());
                    t.ids.insert(f, id);
                    id
                }
            })
            .collect()
    }
}

/// Facts about the placement a replay had reached, in words: which clients
/// each job's allocations occupied, which groups shared a client, and how
/// many clients still had room for an allocation of each size that runs.
pub fn cluster_features(state: &State) -> Vec<String> {
    let mut by_node: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut nodes_of_job: BTreeMap<&str, std::collections::BTreeSet<&str>> = BTreeMap::new();
    let mut used: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    let mut sizes: std::collections::BTreeSet<(i64, i64)> = std::collections::BTreeSet::new();
    for a in state.allocs.iter().filter(|a| a.is_live()) {
        by_node
            .entry(a.node_id.as_str())
            .or_default()
            .push(format!("{}/{}", a.job_id, a.task_group));
        nodes_of_job
            .entry(a.job_id.as_str())
            .or_default()
            .insert(a.node_id.as_str());
        let u = used.entry(a.node_id.as_str()).or_default();
        u.0 += a.resources.cpu;
        u.1 += a.resources.memory_mb;
        sizes.insert((a.resources.cpu, a.resources.memory_mb));
    }
    let ready = state.nodes.len();
    let mut out = Vec::new();
    for (job, nodes) in &nodes_of_job {
        out.push(format!(
            "{job}'s allocations were on {} of the {ready} clients",
            nodes.len()
        ));
    }
    for groups in by_node.values() {
        let mut gs = groups.clone();
        gs.sort();
        gs.dedup();
        for g in &gs {
            let others: Vec<&str> = gs.iter().filter(|o| *o != g).map(String::as_str).collect();
            if others.is_empty() {
                out.push(format!("{g} had a client to itself"));
            } else {
                out.push(format!("{g} shared a client with {}", others.join(", ")));
            }
        }
    }
    // Room left, measured in the sizes of allocations that exist: "2 clients
    // had room for another 1152 MB" is what decides where the next one goes.
    let free: Vec<(i64, i64)> = state
        .nodes
        .iter()
        .map(|n| {
            let (c, m) = used.get(n.id.as_str()).copied().unwrap_or_default();
            (n.usable_cpu() - c, n.memory_mb - n.reserved_memory_mb - m)
        })
        .collect();
    let mems: std::collections::BTreeSet<i64> = sizes.iter().map(|s| s.1).collect();
    for m in mems.into_iter().filter(|m| *m > 0) {
        let k = free.iter().filter(|f| f.1 >= m).count();
        out.push(format!(
            "{k} of the {ready} clients had at least {m} MB of memory free"
        ));
        // How many more allocations of this size fit, one client at a time:
        // the question a scale-up asks.
        let fit: i64 = free.iter().map(|f| (f.1 / m).max(0)).sum();
        for j in 1..=fit.min(8) {
            out.push(format!(
                "the clients had room for at least {j} more allocation{} of {m} MB",
                if j == 1 { "" } else { "s" }
            ));
        }
    }
    let cpus: std::collections::BTreeSet<i64> = sizes.iter().map(|s| s.0).collect();
    for c in cpus {
        let k = free.iter().filter(|f| f.0 >= c).count();
        out.push(format!(
            "{k} of the {ready} clients had at least {c} MHz of cpu free"
        ));
    }
    out.sort();
    out.dedup();
    out
}

/// The feature that best separates the replays where an expectation
/// failed from those where it held (`runs`: held or not, and the facts
/// before the step, in any order); only features that hold in every failing
/// replay and in few passing ones are named.
pub fn explain(table: &FeatureTable, runs: &[(bool, &[u32])]) -> Option<String> {
    let failing = runs.iter().filter(|(held, _)| !held).count();
    let passing = runs.len() - failing;
    if failing == 0 || passing == 0 {
        return None;
    }
    let t = table.0.lock().unwrap_or_else(PoisonError::into_inner);
    let name = |id: &u32| t.names.get(*id as usize).map(String::as_str);
    // Counted by sentence, in the sentences' order, so ties go to the same
    // feature whatever order the replays were numbered in.
    let mut counts: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (_, facts) in runs.iter().filter(|(held, _)| !held) {
        for f in facts.iter().filter_map(name) {
            counts.entry(f).or_default().0 += 1;
        }
    }
    for (_, facts) in runs.iter().filter(|(held, _)| *held) {
        for f in facts.iter().filter_map(name) {
            if let Some(c) = counts.get_mut(f) {
                c.1 += 1;
            }
        }
    }
    let best = counts
        .iter()
        .filter(|(_, (in_fail, _))| *in_fail == failing)
        .min_by_key(|(f, (_, in_pass))| (*in_pass, f.len()))?;
    let (feature, (_, in_pass)) = best;
    // A feature also common among passing replays explains nothing.
    if *in_pass * 2 > passing {
        return None;
    }
    Some(format!(
        "it failed in every replay where, just before this step, {feature} ({failing} of {} replays; the same was true in {in_pass} of the {passing} where it held)",
        runs.len(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fact_true_in_every_failing_replay_and_rare_otherwise_is_named() {
        let t = FeatureTable::default();
        let a = t.intern(vec!["a shared a client".into(), "x".into()]);
        let b = t.intern(vec!["x".into()]);
        // Interning again hands out the same numbers.
        assert_eq!(t.intern(vec!["x".into()]).as_ref(), &[a[1]]);
        let runs = [
            (false, &a[..]),
            (true, &b[..]),
            (true, &b[..]),
            (false, &a[..]),
        ];
        let why = explain(&t, &runs).unwrap_or_default();
        assert!(why.contains("just before this step, a shared a client (2 of 4 replays; the same was true in 0 of the 2"), "{why}");
        // Nothing separates them: no cause is named.
        assert_eq!(explain(&t, &[(false, &b[..]), (true, &b[..])]), None);
        assert_eq!(explain(&t, &[(true, &a[..])]), None);
    }
}
