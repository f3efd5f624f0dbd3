//! `affinitiesUpdated` and `spreadsUpdated` of scheduler/util.go (0.10.2 to
//! 1.9.x; 1.10 dropped both): a group's placement preferences as one list,
//! not level by level. Nomad appends the job's, then the group's, then
//! each task's affinities (in the group's task order), and the job's then
//! the group's spreads, and compares the two concatenations
//! (util.go v0.10.2:457-510, v1.6.0:505-560, v1.9.7:583-640). So an
//! affinity moved from the job to the group, or between tasks, is the same
//! list: updated in place, not replaced.
//!
//! How the lists compare changed in 1.5.2: `reflect.DeepEqual` (ordered)
//! before, then affinities as a set (`Affinities.Equal`: equal lengths and
//! every affinity of one found in the other, nomad/structs/structs.go
//! v1.9.7:10251) and spreads still in order (`slices.EqualFunc`).

use crate::jobspec::{Affinity, Job, Spread, TaskGroup};
use crate::version::NomadVersion;

/// Do the group's concatenated affinities or spreads differ, for `v`?
pub fn placement_updated(
    (old_job, old): (&Job, &TaskGroup),
    (new_job, new): (&Job, &TaskGroup),
    v: NomadVersion,
) -> bool {
    let (a, b) = (affinities(old_job, old), affinities(new_job, new));
    let affinities_differ = if v.at_least(1, 5, 2) {
        !same_set(&a, &b)
    } else {
        a != b
    };
    affinities_differ || spreads(old_job, old) != spreads(new_job, new)
}

/// Job, group, then every task's affinities, in that order.
fn affinities<'a>(job: &'a Job, g: &'a TaskGroup) -> Vec<&'a Affinity> {
    job.affinities
        .iter()
        .chain(&g.affinities)
        .chain(g.tasks.iter().flat_map(|t| &t.affinities))
        .collect()
}

/// Job, then group spreads (tasks have none).
fn spreads<'a>(job: &'a Job, g: &'a TaskGroup) -> Vec<&'a Spread> {
    job.spreads.iter().chain(&g.spreads).collect()
}

/// `Affinities.Equal`: the same length and each of `a` somewhere in `b`
/// (not a multiset: [x, x, y] equals [x, y, y]).
fn same_set(a: &[&Affinity], b: &[&Affinity]) -> bool {
    a.len() == b.len() && a.iter().all(|x| b.contains(x))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobspec::Task;

    fn aff(value: &str) -> Affinity {
        Affinity {
            ltarget: "${attr.kernel.name}".into(),
            rtarget: value.into(),
            operand: "=".into(),
            weight: 50,
            ..Affinity::default()
        }
    }

    fn group(affs: Vec<Affinity>, task_affs: [Vec<Affinity>; 2]) -> TaskGroup {
        let [t1, t2] = task_affs;
        let task = |name: &str, affinities| Task {
            name: name.into(),
            affinities,
            ..Task::default()
        };
        TaskGroup {
            name: "g".into(),
            affinities: affs,
            tasks: vec![task("a", t1), task("b", t2)],
            ..TaskGroup::default()
        }
    }

    fn job(affs: Vec<Affinity>) -> Job {
        Job {
            affinities: affs,
            ..Job::default()
        }
    }

    const V: NomadVersion = NomadVersion::new(1, 6, 0);

    #[test]
    fn moving_between_levels_is_the_same_list() {
        let j = job(vec![aff("linux")]);
        let g = group(vec![], [vec![], vec![]]);
        let (j2, g2) = (job(vec![]), group(vec![aff("linux")], [vec![], vec![]]));
        let (j3, g3) = (job(vec![]), group(vec![], [vec![], vec![aff("linux")]]));
        assert!(!placement_updated((&j, &g), (&j2, &g2), V));
        assert!(!placement_updated((&j2, &g2), (&j3, &g3), V));
        // A different value still counts.
        let (j4, g4) = (job(vec![]), group(vec![aff("darwin")], [vec![], vec![]]));
        assert!(placement_updated((&j, &g), (&j4, &g4), V));
    }

    #[test]
    fn order_counts_until_1_5_2() {
        let j = job(vec![]);
        let g = group(vec![aff("a"), aff("b")], [vec![], vec![]]);
        let swapped = group(vec![aff("b"), aff("a")], [vec![], vec![]]);
        assert!(placement_updated(
            (&j, &g),
            (&j, &swapped),
            NomadVersion::new(1, 5, 1)
        ));
        assert!(!placement_updated(
            (&j, &g),
            (&j, &swapped),
            NomadVersion::new(1, 5, 2)
        ));
        // A set, not a multiset.
        let aab = group(vec![aff("a"), aff("a"), aff("b")], [vec![], vec![]]);
        let abb = group(vec![aff("a"), aff("b"), aff("b")], [vec![], vec![]]);
        assert!(!placement_updated((&j, &aab), (&j, &abb), V));
    }

    #[test]
    fn spreads_concatenate_job_then_group_in_order() {
        let s = |a: &str| Spread {
            attribute: a.into(),
            weight: 50,
            ..Spread::default()
        };
        let g = group(vec![], [vec![], vec![]]);
        let mut j = job(vec![]);
        j.spreads = vec![s("${node.datacenter}")];
        let mut g2 = g.clone();
        g2.spreads = vec![s("${node.datacenter}")];
        let j2 = job(vec![]);
        assert!(!placement_updated((&j, &g), (&j2, &g2), V));
        let mut two = g.clone();
        two.spreads = vec![s("x"), s("y")];
        let mut swapped = g.clone();
        swapped.spreads = vec![s("y"), s("x")];
        assert!(placement_updated((&j2, &two), (&j2, &swapped), V));
    }
}
