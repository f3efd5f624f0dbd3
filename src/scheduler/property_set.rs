//! Nomad's `propertySet` (scheduler/propertyset.go; 2.0:
//! scheduler/feasible/propertyset.go): how many of a job's allocations use
//! each value of a node attribute, counted the one way both
//! `distinct_property` and `spread` count it.
//!
//! The count is `GetCombinedUseMap` after `PopulateProposed`: the stored
//! allocations of the job that are not terminal (`AllocsByJob` in the
//! job's namespace, at every release), plus the plan's placements (an
//! in-place update is both, so it counts twice), less the plan's stops (a
//! terminal one too), whose count drops by one where it is above one and
//! the value is placed on, never below zero (v0.9.3:170-208,
//! v1.6.0:190-285). A node without the attribute counts nowhere.
//!
//! A spread with explicit targets counts every other value as one, `"*"`
//! (`targetedPropertyValue`, #17195: v1.3.15, v1.4.10, v1.5.6, v1.6.0 and
//! every later release; propertyset.go:370-375@v1.6.0); before, per value.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use super::constraint::resolve;
use super::engine::Engine;
use crate::cluster::{Allocation, Node};
use crate::version::NomadVersion;

/// Releases whose spread property sets fold the values no target names
/// into `"*"` (#17195, feb34c738d and its backports).
pub(super) const IMPLICIT_TARGETS_TOGETHER: &[NomadVersion] = &[
    NomadVersion::new(1, 3, 15),
    NomadVersion::new(1, 4, 10),
    NomadVersion::new(1, 5, 6),
    NomadVersion::new(1, 6, 0),
];

/// One property set: an attribute, the allocations it counts, and (for a
/// spread with targets, where the release folds them) the named values.
pub(super) struct PropertySet<'a> {
    pub attribute: &'a str,
    pub namespace: &'a str,
    pub job_id: &'a str,
    /// A group's set counts that group's allocations; a job-level
    /// `distinct_property` counts all of them (`taskGroup == ""`).
    pub group: Option<&'a str>,
    /// `SetTargetValues`: empty keeps every value apart.
    pub targets: Vec<&'a str>,
}

impl PropertySet<'_> {
    /// `filterAllocs` on the job's allocations (the plan holds the job's
    /// own only, so its placements and stops pass the job test anyway).
    fn counts(&self, a: &Allocation) -> bool {
        a.namespace == self.namespace
            && a.job_id == self.job_id
            && self.group.is_none_or(|g| a.task_group == g)
    }

    /// `targetedPropertyValue`: a value no target names is `"*"`.
    pub fn targeted(&self, value: String) -> String {
        if self.targets.is_empty() || self.targets.contains(&value.as_str()) {
            value
        } else {
            "*".to_string()
        }
    }

    /// The node's value as the set names it (`getProperty`, then
    /// `targetedPropertyValue`); `None`: the node lacks the attribute.
    pub fn value_of(&self, n: &Node, version: NomadVersion) -> Option<String> {
        resolve(self.attribute, n, version).map(|v| self.targeted(v))
    }
}

/// What names a property set's counts: its attribute, namespace, job,
/// group and folded targets.
type UseKey = (String, String, String, Option<String>, Vec<String>);

/// Each value's use, shared by every node a select scores.
type UseCounts = Rc<BTreeMap<String, u64>>;

/// The use counts of each property set asked for since the plan last
/// changed. Nomad fills a set's counts once per select
/// (`SpreadIterator.Reset` → `PopulateProposed`, spread.go:68-75@v2.0.5;
/// the distinct_property iterator's likewise) and each node reads them;
/// counting them again for every node scored made a spread group's
/// placements cubic in its size (R23-7). Emptied by every change of the
/// plan ([`Engine::stop`], [`Engine::unstop`], [`Engine::place`]): the
/// counts read only the plan and the stored allocations.
#[derive(Debug, Default)]
pub(super) struct UseMemo(RefCell<Vec<(UseKey, UseCounts)>>);

impl UseMemo {
    pub(super) fn clear(&mut self) {
        self.0.get_mut().clear();
    }
}

impl PropertySet<'_> {
    fn key(&self) -> UseKey {
        (
            self.attribute.to_string(),
            self.namespace.to_string(),
            self.job_id.to_string(),
            self.group.map(str::to_string),
            self.targets.iter().map(|t| t.to_string()).collect(),
        )
    }

    fn is(&self, k: &UseKey) -> bool {
        k.0 == self.attribute
            && k.1 == self.namespace
            && k.2 == self.job_id
            && k.3.as_deref() == self.group
            && k.4.len() == self.targets.len()
            && k.4.iter().zip(&self.targets).all(|(a, b)| a == b)
    }
}

impl Engine<'_> {
    /// `GetCombinedUseMap`: each value's use by the plan so far, counted
    /// once per state of the plan ([`UseMemo`]).
    pub(super) fn combined_use(&self, set: &PropertySet<'_>) -> UseCounts {
        if let Some((_, m)) = self
            .plan
            .use_memo
            .0
            .borrow()
            .iter()
            .find(|(k, _)| set.is(k))
        {
            return Rc::clone(m);
        }
        let m = Rc::new(self.count_use(set));
        self.plan
            .use_memo
            .0
            .borrow_mut()
            .push((set.key(), Rc::clone(&m)));
        m
    }

    /// The counts themselves. A value whose every use a stop clears stays
    /// in the map at zero, as in Go.
    fn count_use(&self, set: &PropertySet<'_>) -> BTreeMap<String, u64> {
        #[cfg(test)]
        tests::COUNTED.with(|c| c.set(c.get() + 1));
        let v = self.world.nomad_version;
        let mut existing: BTreeMap<String, u64> = BTreeMap::new();
        let mut proposed: BTreeMap<String, u64> = BTreeMap::new();
        for (p, node) in self.state.nodes.iter().enumerate() {
            let stored = self
                .by_node
                .get(p)
                .into_iter()
                .flatten()
                .filter_map(|&i| self.state.allocs.get(i))
                .filter(|a| a.is_live() && set.counts(a))
                .count() as u64;
            let placed = self
                .plan
                .placed
                .on_node(p)
                .filter(|a| set.counts(a))
                .count() as u64;
            if stored + placed == 0 {
                continue;
            }
            let Some(value) = set.value_of(node, v) else {
                continue;
            };
            if stored > 0 {
                *existing.entry(value.clone()).or_insert(0) += stored;
            }
            if placed > 0 {
                *proposed.entry(value).or_insert(0) += placed;
            }
        }
        let mut cleared: BTreeMap<String, u64> = BTreeMap::new();
        for a in self.plan.stops.iter().filter(|a| set.counts(a)) {
            let node = self
                .node_position(&a.node_id)
                .and_then(|p| self.state.nodes.get(p));
            if let Some(value) = node.and_then(|n| set.value_of(n, v)) {
                *cleared.entry(value).or_insert(0) += 1;
            }
        }
        // "Remove any cleared value that is now being used by the
        // proposed allocs": only a count above one drops.
        for value in proposed.keys() {
            if let Some(c) = cleared.get_mut(value) {
                if *c > 1 {
                    *c -= 1;
                }
            }
        }
        let mut combined = existing;
        for (value, n) in proposed {
            *combined.entry(value).or_insert(0) += n;
        }
        for (value, c) in cleared {
            if let Some(used) = combined.get_mut(&value) {
                *used = used.saturating_sub(c);
            }
        }
        combined
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::{ClientStatus, DesiredStatus, State};
    use crate::ids::SplitMix64;
    use crate::jobspec::{Job, Spread, TaskGroup};

    thread_local! {
        /// How many times the counts were walked ([`Engine::count_use`]).
        pub(super) static COUNTED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    }

    fn node(i: usize) -> Node {
        Node {
            id: format!("n{i}"),
            datacenter: format!("dc{}", i % 3),
            cpu: 5000,
            memory_mb: 5000,
            disk_mb: 5000,
            eligible: true,
            ..Node::default()
        }
    }

    fn alloc(id: String, node: usize, group: &str) -> Allocation {
        Allocation {
            id: id.into(),
            job_id: "j".into(),
            namespace: "default".into(),
            task_group: group.into(),
            node_id: format!("n{node}").into(),
            desired_status: DesiredStatus::Run,
            client_status: ClientStatus::Running,
            ..Allocation::default()
        }
    }

    fn sets() -> Vec<PropertySet<'static>> {
        let set = |group, targets| PropertySet {
            attribute: "${node.datacenter}",
            namespace: "default",
            job_id: "j",
            group,
            targets,
        };
        vec![
            set(Some("g"), Vec::new()),
            set(Some("g"), vec!["dc1"]),
            set(None, Vec::new()),
        ]
    }

    /// The remembered counts always equal counts walked afresh, after
    /// every step of random sequences of placements, in-place updates,
    /// stops and stops put back.
    #[test]
    fn remembered_counts_follow_every_change_of_the_plan() {
        let world = crate::rules::testing::world();
        for seed in 0..20u64 {
            let mut rng = SplitMix64::new(seed);
            let mut draw = |m: u64| usize::try_from(rng.next_u64() % m).unwrap_or(0);
            let stored: Vec<Allocation> = (0..18)
                .map(|i| {
                    let mut a = alloc(format!("s{i}"), draw(7), ["g", "h"][i % 2]);
                    if i % 5 == 4 {
                        a.client_status = ClientStatus::Complete;
                    }
                    a
                })
                .collect();
            let state = State {
                nodes: (0..6).map(node).collect::<Vec<_>>().into(),
                allocs: stored.clone(),
                ..State::default()
            };
            let job = Job::default();
            let mut e = Engine::new(&world, &state, &job, seed);
            for step in 0..80 {
                for set in sets() {
                    let fresh = e.count_use(&set);
                    assert_eq!(*e.combined_use(&set), fresh, "seed {seed} step {step}");
                }
                let pos = draw(6);
                let old = stored.get(draw(18)).cloned().unwrap_or_default();
                match draw(5) {
                    0 | 1 => {
                        let group = ["g", "h"][draw(2)];
                        e.place(pos, alloc(format!("p{step}"), pos, group), &[], false);
                    }
                    2 => {
                        let at = e.node_position(&old.node_id).unwrap_or(pos);
                        let a = alloc(old.id.to_string(), at, &old.task_group);
                        e.place(at, a, &[], true);
                    }
                    3 => e.stop(&old),
                    _ => e.unstop(&old),
                }
            }
        }
    }

    /// R23-7: scoring every node of a 60-node world for each of 30
    /// placements of a spread group walks the counts once per placement
    /// (Nomad's `PopulateProposed` per select), where it walked them for
    /// every node scored: 1,800 walks, each over every node.
    #[test]
    fn spread_scoring_counts_once_per_placement() {
        let world = crate::rules::testing::world();
        let state = State {
            nodes: (0..60).map(node).collect::<Vec<_>>().into(),
            ..State::default()
        };
        let tg = TaskGroup {
            name: "g".into(),
            count: 30,
            spreads: vec![Spread {
                attribute: "${node.datacenter}".into(),
                weight: 50,
                ..Default::default()
            }],
            ..Default::default()
        };
        let job = Job {
            id: "j".into(),
            namespace: "default".into(),
            groups: vec![tg.clone()],
            ..Default::default()
        };
        let mut e = Engine::new(&world, &state, &job, 1);
        let ask = super::super::engine::Ask::of_group(&job, &tg, &world);
        COUNTED.with(|c| c.set(0));
        for i in 0..30 {
            e.spread_set_group(&ask);
            for n in state.nodes.iter() {
                let _ = e.spread_score(&ask, n);
            }
            e.place(i % 60, alloc(format!("p{i}"), i % 60, "g"), &[], false);
        }
        assert_eq!(COUNTED.with(|c| c.get()), 30);
    }

    #[test]
    fn implicit_targets_fold_into_star() {
        let set = PropertySet {
            attribute: "${meta.rack}",
            namespace: "default",
            job_id: "j",
            group: Some("g"),
            targets: vec!["r1"],
        };
        assert_eq!(set.targeted("r1".into()), "r1");
        assert_eq!(set.targeted("r2".into()), "*");
        let even = PropertySet {
            targets: Vec::new(),
            ..set
        };
        assert_eq!(even.targeted("r2".into()), "r2");
    }

    #[test]
    fn folding_starts_with_the_backports_of_17195() {
        let v = |a, b, c| NomadVersion::new(a, b, c);
        let has = |x: NomadVersion| x.has_since(IMPLICIT_TARGETS_TOGETHER);
        assert!(!has(v(1, 3, 14)));
        assert!(has(v(1, 3, 15)));
        assert!(!has(v(1, 4, 9)));
        assert!(has(v(1, 4, 10)));
        assert!(!has(v(1, 5, 5)));
        assert!(has(v(1, 5, 6)));
        assert!(has(v(1, 6, 0)));
        assert!(has(v(2, 0, 5)));
        assert!(!has(v(0, 9, 3)));
    }
}
