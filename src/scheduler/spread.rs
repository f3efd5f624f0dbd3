//! Spread scoring (`scheduler/spread.go`; 2.0: `scheduler/feasible/
//! spread.go`): how a node's value of each spread attribute compares with
//! the placements the job's group has so far, counted by the group's
//! property sets ([`super::property_set`]). Kept apart from rank.rs,
//! which fits the node.

use std::cell::Cell;
use std::collections::BTreeMap;

use super::engine::{Ask, Engine};
use super::property_set::{PropertySet, IMPLICIT_TARGETS_TOGETHER};
use crate::cluster::Node;
use crate::jobspec::Spread;

/// `implicitTarget`: every value the targets leave unnamed.
const IMPLICIT: &str = "*";

/// What the evaluation's SpreadIterator keeps between placements.
#[derive(Debug)]
pub(super) struct SpreadState {
    /// The groups whose spread info the iterator has computed
    /// (`computeSpreadInfo`, on a group's first `SetTaskGroup`), each
    /// with the spreads and count it was computed from: until `SetJob`
    /// forgets them ([`SET_JOB_RESETS`]) a later select of the group
    /// scores with them, a downgraded placement's too.
    groups: Vec<Computed>,
    /// `sumSpreadWeights`: every computed group's spread weights, its
    /// job-level spreads' included, added up and never reset, so a
    /// second group's spreads are weighed against the first's too
    /// (spread.go:254@v0.9.3, :290@v2.0.5).
    weight_sum: i64,
    /// `lowestSpreadBoost` (#17198): the lowest target boost scored so
    /// far, given to a node whose target asks for none.
    lowest: Cell<f64>,
    /// Did an even spread's score depend on Go's map order (see
    /// [`even_boost`])? Read, and cleared, by the select that ranked.
    pub(super) by_map_order: Cell<bool>,
    /// `jobSpreads` kept from another version: `SetJob` replaces them only
    /// `if job.Spreads != nil` (spread.go:71-73@v0.12.4, :79-81@v2.0.5),
    /// so once a downgraded placement swapped job versions, a version
    /// without job-level spreads scores with the other's for the rest of
    /// the evaluation. `None`: the asking job's own.
    job_spreads: Option<Vec<Spread>>,
    /// The job-level spreads of the planned job and of the stable one
    /// while a downgraded run places ([`Engine::spread_swap_job`]).
    pub(super) swap: Option<(Vec<Spread>, Vec<Spread>)>,
}

/// One group's spread info as computed: its property sets (the job's
/// spreads then the group's) and desired counts (the group's count).
#[derive(Debug)]
struct Computed {
    name: String,
    job_spreads: Vec<Spread>,
    tg_spreads: Vec<Spread>,
    count: i64,
}

/// Releases whose `SpreadIterator.SetJob` forgets the groups' spread info
/// (c49359ad58, #11980: 1.0.18, 1.1.12, 1.2.6, 1.3.0 on) but not
/// `sumSpreadWeights`, so each group computed again adds its weights again.
const SET_JOB_RESETS: &[crate::version::NomadVersion] = &[
    crate::version::NomadVersion::new(1, 0, 18),
    crate::version::NomadVersion::new(1, 1, 12),
    crate::version::NomadVersion::new(1, 2, 6),
    crate::version::NomadVersion::new(1, 3, 0),
];

impl Default for SpreadState {
    fn default() -> Self {
        SpreadState {
            groups: Vec::new(),
            weight_sum: 0,
            lowest: Cell::new(-1.0),
            by_map_order: Cell::new(false),
            job_spreads: None,
            swap: None,
        }
    }
}

/// `computeSpreadInfo`'s desired counts of one spread: each target's share
/// of the group's count, and the rest on `"*"` when the targets leave
/// some (and ask for any).
fn desired_counts(s: &Spread, count: i64) -> BTreeMap<&str, f64> {
    let total = count as f64;
    let mut desired = BTreeMap::new();
    let mut sum = 0.0;
    for t in &s.targets {
        let d = t.percent as f64 / 100.0 * total;
        desired.insert(t.value.as_str(), d);
        sum += d;
    }
    if sum > 0.0 && sum < total {
        desired.insert(IMPLICIT, total - sum);
    }
    desired
}

/// The group's spreads as Nomad holds them: a property set per spread,
/// the job's first (`SetTaskGroup`), each scored with the spread info
/// keyed by its attribute, built from the group's spreads then the
/// job's, the last of an attribute winning (`computeSpreadInfo`).
fn spreads_of<'j>(
    job_spreads: &'j [Spread],
    tg_spreads: &'j [Spread],
) -> Vec<(&'j Spread, &'j Spread)> {
    let info = |attribute: &str| {
        tg_spreads
            .iter()
            .chain(job_spreads)
            .rfind(|s| s.attribute == attribute)
    };
    job_spreads
        .iter()
        .chain(tg_spreads)
        .filter_map(|s| info(&s.attribute).map(|i| (s, i)))
        .collect()
}

/// `evenSpreadScoreBoost`, its min and max read from the use map in Go's
/// loop (`minCount == 0 || value < minCount`): a value left at zero by
/// the plan's stops counts as the minimum only when Go's map order reads
/// it last; otherwise the values read after it decide. Scored here in the
/// map's sorted order; the flag says whether another order scores the
/// node otherwise.
fn even_boost(used: &BTreeMap<String, u64>, value: &str) -> (f64, bool) {
    if used.is_empty() {
        return (0.0, false);
    }
    let current = used.get(value).copied().unwrap_or(0);
    let (mut min, mut max) = (0u64, 0u64);
    for &v in used.values() {
        if min == 0 || v < min {
            min = v;
        }
        if max == 0 || v > max {
            max = v;
        }
    }
    let score = even_score(current, min, max);
    // The minimum another order reads: zero, or any used value.
    let other = used.values().any(|&v| v == 0)
        && used
            .values()
            .any(|&m| even_score(current, m, max).to_bits() != score.to_bits());
    (score, other)
}

/// The boost of a value used `current` times, given the min and max read.
fn even_score(current: u64, min: u64, max: u64) -> f64 {
    // Go subtracts the uint64 counts and converts to int.
    let delta = |a: u64, b: u64| a.wrapping_sub(b) as i64 as f64;
    if current != min {
        if min == 0 {
            -1.0
        } else {
            delta(min, current) / min as f64
        }
    } else if min == max {
        -1.0
    } else if min == 0 {
        1.0
    } else {
        delta(max, min) / min as f64
    }
}

impl Engine<'_> {
    /// The stack's `SetJob` around one downgraded placement
    /// (generic_sched.go:551 `setJob(downgradedJob)`, :593 `setJob(s.job)`
    /// @v2.0.5; `GenericStack.SetJob` runs as the versions differ,
    /// stack.go:102-125): to the stable job's spreads, or back to the
    /// planned one's. Where the release resets the iterator, every group
    /// computes its spread info again on its next select and adds its
    /// weights to the sum once more (spread.go:77-88, :268-292@v2.0.5):
    /// a downgraded placement weighs its spreads by w/2w, the next by
    /// w/3w...
    pub(super) fn spread_swap_job(&mut self, to_stable: bool) {
        let Some((planned, stable)) = &self.spread.swap else {
            return;
        };
        let (from, to) = if to_stable {
            (planned, stable)
        } else {
            (stable, planned)
        };
        let kept = self
            .spread
            .job_spreads
            .take()
            .unwrap_or_else(|| from.clone());
        self.spread.job_spreads = (to.is_empty() && !kept.is_empty()).then_some(kept);
        if self.world.nomad_version.has_since(SET_JOB_RESETS) {
            self.spread.groups.clear();
        }
    }

    /// The job-level spreads the iterator holds for `ask`.
    fn job_spreads<'a>(&'a self, ask: &'a Ask<'_>) -> &'a [Spread] {
        self.spread
            .job_spreads
            .as_deref()
            .unwrap_or(&ask.job.spreads)
    }

    /// `SpreadIterator.SetTaskGroup`: the group's spread info is computed
    /// the first time the evaluation selects for it, adding its weights
    /// to the iterator's sum. Every `stack.Select` of a service or batch
    /// job calls it, an in-place fit's too.
    pub(super) fn spread_set_group(&mut self, ask: &Ask<'_>) {
        if self.spread.groups.iter().any(|g| g.name == ask.tg.name) {
            return;
        }
        let computed = Computed {
            name: ask.tg.name.clone(),
            job_spreads: self.job_spreads(ask).to_vec(),
            tg_spreads: ask.tg.spreads.clone(),
            count: ask.tg.count,
        };
        let weights: i64 = computed
            .tg_spreads
            .iter()
            .chain(&computed.job_spreads)
            .map(|s| s.weight)
            .sum();
        self.spread.groups.push(computed);
        self.spread.weight_sum = self.spread.weight_sum.saturating_add(weights);
    }

    /// Spread scoring (`SpreadIterator.Next`), job and group spreads.
    pub(super) fn spread_score(&self, ask: &Ask<'_>, n: &Node) -> Option<f64> {
        // Every select sets the group first; `None` only outside one.
        let computed = self.spread.groups.iter().find(|g| g.name == ask.tg.name);
        let (spreads, count) = match computed {
            Some(g) => (spreads_of(&g.job_spreads, &g.tg_spreads), g.count),
            None => (
                spreads_of(self.job_spreads(ask), &ask.tg.spreads),
                ask.tg.count,
            ),
        };
        if spreads.is_empty() {
            return None;
        }
        let version = self.world.nomad_version;
        let fold = version.has_since(IMPLICIT_TARGETS_TOGETHER);
        let mut total = 0.0;
        for (s, info) in spreads {
            let set = PropertySet {
                attribute: &s.attribute,
                namespace: &ask.job.namespace,
                job_id: &ask.job.id,
                group: Some(&ask.tg.name),
                targets: if fold {
                    s.targets.iter().map(|t| t.value.as_str()).collect()
                } else {
                    Vec::new()
                },
            };
            // UsedCount: a node without the attribute scores -1.
            let Some(value) = set.value_of(n, version) else {
                total -= 1.0;
                continue;
            };
            let used_map = self.combined_use(&set);
            let desired = desired_counts(info, count);
            if desired.is_empty() {
                let (boost, by_order) = even_boost(&used_map, &value);
                if by_order {
                    self.spread.by_map_order.set(true);
                }
                total += boost;
                continue;
            }
            let Some(&d) = desired
                .get(value.as_str())
                .or_else(|| desired.get(IMPLICIT))
            else {
                total -= 1.0;
                continue;
            };
            let weight = info.weight as f64 / self.spread.weight_sum as f64;
            if d == 0.0 && fold {
                // #17198 (c80c8ab43d) reached the same releases as #17195:
                // a 0% target takes the lowest boost, where before its
                // boost divided by zero (-Inf).
                total += self.spread.lowest.get();
                continue;
            }
            let used = used_map.get(&value).copied().unwrap_or(0) + 1;
            let boost = (d - used as f64) / d * weight;
            total += boost;
            if boost < self.spread.lowest.get() {
                self.spread.lowest.set(boost);
            }
        }
        (total != 0.0).then_some(total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn used(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    #[test]
    fn even_spread_boosts_as_nomad() {
        assert_eq!(even_boost(&used(&[]), "a"), (0.0, false));
        // Even: the maximum penalty everywhere.
        assert_eq!(even_boost(&used(&[("a", 1), ("b", 1)]), "a"), (-1.0, false));
        // A value not yet used, beside used ones.
        assert_eq!(even_boost(&used(&[("a", 2), ("b", 1)]), "c"), (1.0, false));
        assert_eq!(even_boost(&used(&[("a", 2), ("b", 1)]), "b"), (1.0, false));
        assert_eq!(even_boost(&used(&[("a", 3), ("b", 1)]), "a"), (-2.0, false));
    }

    /// A value whose allocations all stop stays in the map at zero: Go's
    /// loop takes it for the minimum only when it reads it last.
    #[test]
    fn a_cleared_value_makes_the_even_boost_map_ordered() {
        // {a: 0, b: 1, c: 2}: b scores -1 when a is read last (min 0),
        // +1 when b is (min 1).
        let m = used(&[("a", 0), ("b", 1), ("c", 2)]);
        assert_eq!(even_boost(&m, "b"), (1.0, true));
        // The cleared value itself scores +1 whichever min is read.
        assert_eq!(even_boost(&m, "a"), (1.0, false));
        // {a: 0, b: 1, c: 1}: every order gives b -1.
        assert_eq!(
            even_boost(&used(&[("a", 0), ("b", 1), ("c", 1)]), "b"),
            (-1.0, false)
        );
    }

    /// `SetJob` keeps `jobSpreads` where the job sets none: after a
    /// downgraded placement whose stable version spreads at job level,
    /// the planned version (none) keeps the stable one's; and the groups
    /// are forgotten only where the release resets (1.0.18 on).
    #[test]
    fn swapping_job_versions_keeps_job_spreads_and_resets_by_release() {
        let spread = Spread {
            attribute: "${node.datacenter}".into(),
            weight: 100,
            ..Default::default()
        };
        let state = crate::cluster::State::default();
        for (release, resets) in [((2, 0, 5), true), ((1, 0, 17), false), ((1, 0, 18), true)] {
            let mut world = crate::rules::testing::world();
            world.nomad_version =
                crate::version::NomadVersion::new(release.0, release.1, release.2);
            let job = crate::jobspec::Job::default();
            let mut e = Engine::new(&world, &state, &job, 1);
            e.spread.groups.push(Computed {
                name: "g".into(),
                job_spreads: Vec::new(),
                tg_spreads: Vec::new(),
                count: 1,
            });
            e.spread.swap = Some((Vec::new(), vec![spread.clone()]));
            e.spread_swap_job(true);
            assert_eq!(e.spread.job_spreads, None, "the stable job's own");
            e.spread_swap_job(false);
            assert_eq!(e.spread.job_spreads.as_deref(), Some(&[spread.clone()][..]));
            assert_eq!(e.spread.groups.is_empty(), resets, "{release:?}");
            // The stable version sets none, the planned one does: its own.
            e.spread.job_spreads = None;
            e.spread.swap = Some((vec![spread.clone()], Vec::new()));
            e.spread_swap_job(true);
            assert_eq!(e.spread.job_spreads.as_deref(), Some(&[spread.clone()][..]));
            e.spread_swap_job(false);
            assert_eq!(e.spread.job_spreads, None);
        }
    }

    /// Before the reset a group's spread info stays as first computed: a
    /// downgraded placement whose stable group spreads otherwise (here not
    /// at all) is scored with the planned group's spreads; from 1.0.18 the
    /// swap makes its select compute the stable group's.
    #[test]
    fn a_group_scores_with_the_spreads_first_computed_until_set_job_resets() {
        use crate::jobspec::{Job, SpreadTarget, TaskGroup};
        let planned = TaskGroup {
            name: "g".into(),
            count: 2,
            spreads: vec![Spread {
                attribute: "${node.datacenter}".into(),
                weight: 100,
                targets: vec![SpreadTarget {
                    value: "dc1".into(),
                    percent: 100,
                }],
                ..Default::default()
            }],
            ..Default::default()
        };
        let stable = TaskGroup {
            spreads: Vec::new(),
            ..planned.clone()
        };
        let job = Job {
            id: "j".into(),
            namespace: "default".into(),
            ..Default::default()
        };
        let node = Node {
            id: "n".into(),
            datacenter: "dc1".into(),
            ..Node::default()
        };
        let state = crate::cluster::State::default();
        for (release, scored) in [((1, 0, 17), true), ((2, 0, 5), false)] {
            let mut world = crate::rules::testing::world();
            world.nomad_version =
                crate::version::NomadVersion::new(release.0, release.1, release.2);
            let mut e = Engine::new(&world, &state, &job, 1);
            e.spread_set_group(&Ask::of_group(&job, &planned, &world));
            e.spread.swap = Some((Vec::new(), Vec::new()));
            e.spread_swap_job(true);
            let down = Ask::of_group(&job, &stable, &world);
            e.spread_set_group(&down);
            assert_eq!(
                e.spread_score(&down, &node).is_some(),
                scored,
                "{release:?}"
            );
        }
    }

    #[test]
    fn the_rest_goes_to_the_implicit_target() {
        let s = Spread {
            attribute: "${meta.rack}".into(),
            weight: 100,
            targets: vec![crate::jobspec::SpreadTarget {
                value: "r1".into(),
                percent: 50,
            }],
            ..Default::default()
        };
        let d = desired_counts(&s, 4);
        assert_eq!(d.get("r1"), Some(&2.0));
        assert_eq!(d.get("*"), Some(&2.0));
        let none = Spread {
            targets: vec![crate::jobspec::SpreadTarget {
                value: "r1".into(),
                percent: 0,
            }],
            ..s
        };
        // Targets asking for nothing leave no implicit target.
        assert_eq!(desired_counts(&none, 4).get("*"), None);
    }
}
