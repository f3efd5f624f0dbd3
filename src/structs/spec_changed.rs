//! Nomad's `Job.SpecChanged` (nomad/structs/structs.go) over our job model:
//! does a submitted job differ from the registered one in what the
//! servers store? Only then does the plan (or `job run`) make a new
//! version, and only then are the job's allocations updated (in place or
//! not) instead of ignored (`genericAllocUpdateFn`: same JobModifyIndex).
//!
//! Our job holds the job-level `update`, `reschedule` and `migrate` blocks
//! as written (validation and the diff read them), where the stored job
//! has none of the two last (structs.Job has no such fields: api
//! `TaskGroup.Canonicalize` merges them into every group, compared there)
//! and of `update` only its legacy `Stagger` and `MaxParallel`
//! (command/agent `ApiJobToStructJob`, job_endpoint.go v0.9.3:614-625,
//! v1.6.0:981, v2.0.5:1151-1163). So a job-level block restating the
//! defaults is the same job: Nomad plans "N ignore" where comparing the
//! blocks as written planned "N in-place update".
//!
//! Likewise 1.1 to 1.9 store every group with a `Consul` block (api
//! `TaskGroup.Canonicalize`), which an imported job holds and its file,
//! loaded, does not: the same spec.

use crate::jobspec::{Duration, Job, JobType, TaskGroup};
use crate::version::NomadVersion;

/// The job-level `Update` the servers store: (Stagger, MaxParallel), zero
/// for none. api `Job.Canonicalize` first gives an `update` block its
/// defaults (30s, 1: `UpdateStrategy.Canonicalize`) and, from 0.10, a
/// service job without one `DefaultUpdateStrategy()` (api/jobs.go
/// v0.10.0:754, v1.6.0:1074), a system job too from 1.11 (v1.11.0:1232);
/// 0.9 keeps the pair of any block (`if job.Update != nil`), 0.10 on only
/// one whose MaxParallel is positive.
pub fn stored_update(job: &Job, v: NomadVersion) -> (Duration, i64) {
    let canonical = match &job.update {
        Some(u) => {
            let stagger = if u.spans.written("stagger") || u.stagger.nanos() != 0 {
                u.stagger
            } else {
                Duration::secs(30)
            };
            let max_parallel = if u.spans.written("max_parallel") || u.max_parallel != 0 {
                u.max_parallel
            } else {
                1
            };
            Some((stagger, max_parallel))
        }
        None => {
            let default = match job.job_type {
                JobType::Service => v.at_least(0, 10, 0),
                JobType::System => v.at_least(1, 11, 0),
                _ => false,
            };
            default.then(|| (Duration::secs(30), 1))
        }
    };
    match canonical {
        Some((stagger, mp)) if mp > 0 || !v.at_least(0, 10, 0) => (stagger, mp),
        _ => (Duration::default(), 0),
    }
}

/// Is `new` the same spec as the registered `old` to Nomad `v`'s
/// `SpecChanged`?
pub fn same_spec(old: &Job, new: &Job, v: NomadVersion) -> bool {
    if old == new {
        return true;
    }
    if stored_update(old, v) != stored_update(new, v) {
        return false;
    }
    // A group that differs in more than its `consul` still differs once
    // both are stored below (only `consul` is canonicalised, and the job's
    // equality is its fields'): the usual edit (a count, an image) is a
    // new spec without the copy of the job that comparison makes (~110 K
    // instructions of a `check --staged`'s plan, callgrind).
    if old.groups.len() != new.groups.len()
        || old
            .groups
            .iter()
            .zip(&new.groups)
            .any(|(a, b)| a.consul == b.consul && a != b)
    {
        return false;
    }
    // Rare (the jobs differ as held): compare what the servers store.
    let mut rest = new.clone();
    rest.update.clone_from(&old.update);
    rest.reschedule.clone_from(&old.reschedule);
    rest.migrate.clone_from(&old.migrate);
    if !group_consul_defaulted(v) {
        return *old == rest;
    }
    let mut old = old.clone();
    for g in old.groups.iter_mut().chain(rest.groups.iter_mut()) {
        canonical_group_consul(&mut g.consul);
    }
    old == rest
}

/// Are two versions of a group the same as `v`'s servers store them (for
/// telling whether the diff left a change unshown)?
pub fn same_group(a: &TaskGroup, b: &TaskGroup, v: NomadVersion) -> bool {
    if a == b || !group_consul_defaulted(v) {
        return a == b;
    }
    let (mut a, mut b) = (a.clone(), b.clone());
    canonical_group_consul(&mut a.consul);
    canonical_group_consul(&mut b.consul);
    a == b
}

/// `job`'s groups with the `consul` block `v`'s servers store.
pub fn store_groups_consul(job: &mut Job, v: NomadVersion) {
    if group_consul_defaulted(v) {
        for g in &mut job.groups {
            canonical_group_consul(&mut g.consul);
        }
    }
}

/// A group's `consul` as `v`'s servers store it: what diff.go's
/// `TaskGroup.Diff` compares (1.1 to 1.9 give every group one, with
/// cluster "default" from 1.7), for a group that exists on that side.
pub fn stored_group_consul(
    c: Option<&crate::jobspec::Consul>,
    v: NomadVersion,
) -> Option<crate::jobspec::Consul> {
    let mut c = c.cloned();
    if group_consul_defaulted(v) {
        canonical_group_consul(&mut c);
    }
    c
}

/// Does `v`'s api `TaskGroup.Canonicalize` give every group a `Consul`
/// (`if g.Consul == nil { g.Consul = new(Consul) }`, api/tasks.go
/// v1.1.0-v1.9.7; 1.10.0 only canonicalises one the job writes)?
fn group_consul_defaulted(v: NomadVersion) -> bool {
    v.at_least(1, 1, 0) && !v.at_least(1, 10, 0)
}

/// A group's `consul` as those releases store it: none is the empty
/// block, and an empty cluster is "default" (api `Consul.Canonicalize`,
/// 1.7+; always "" before). An imported job holds the stored block where
/// its file loads none.
fn canonical_group_consul(c: &mut Option<crate::jobspec::Consul>) {
    let c = c.get_or_insert_with(Default::default);
    if c.cluster.is_empty() {
        c.cluster = "default".to_string();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobspec::{MigrateStrategy, ReschedulePolicy, UpdateStrategy};

    fn service() -> Job {
        Job {
            id: "web".into(),
            job_type: JobType::Service,
            ..Job::default()
        }
    }

    #[test]
    fn a_job_level_block_restating_the_defaults_is_no_change() {
        let v = NomadVersion::new(2, 0, 5);
        let old = service();
        let mut new = service();
        new.update = Some(UpdateStrategy {
            auto_promote: false,
            ..UpdateStrategy::default()
        });
        new.reschedule = Some(ReschedulePolicy::default());
        new.migrate = Some(MigrateStrategy::default());
        assert!(same_spec(&old, &new, v));
        // 0.9 had no default strategy: the block's pair is stored.
        let mut only_update = service();
        only_update.update = new.update.clone();
        assert!(!same_spec(&old, &only_update, NomadVersion::new(0, 9, 3)));
        assert!(same_spec(&old, &only_update, NomadVersion::new(0, 10, 0)));
        // A stagger of its own is stored.
        let mut slow = only_update.clone();
        if let Some(u) = slow.update.as_mut() {
            u.stagger = Duration::secs(60);
        }
        assert!(!same_spec(&old, &slow, v));
        // A batch job has no default: its block's pair is a change.
        let batch = |u: Option<UpdateStrategy>| Job {
            job_type: JobType::Batch,
            update: u,
            ..service()
        };
        assert!(!same_spec(
            &batch(None),
            &batch(only_update.update.clone()),
            v
        ));
        // Anything else still counts.
        let mut other = new.clone();
        other.priority = 70;
        assert!(!same_spec(&old, &other, v));
    }

    #[test]
    fn a_stored_empty_group_consul_is_no_consul_from_1_1_to_1_9() {
        use crate::jobspec::Consul;
        let with = |consul: Option<Consul>| Job {
            groups: vec![TaskGroup {
                name: "g".into(),
                consul,
                ..TaskGroup::default()
            }],
            ..service()
        };
        let stored = |cluster: &str| {
            with(Some(Consul {
                cluster: cluster.into(),
                ..Consul::default()
            }))
        };
        let file = with(None);
        for (v, same) in [
            (NomadVersion::new(1, 0, 18), false),
            (NomadVersion::new(1, 1, 0), true),
            (NomadVersion::new(1, 6, 0), true),
            (NomadVersion::new(1, 9, 7), true),
            (NomadVersion::new(1, 10, 0), false),
        ] {
            assert_eq!(same_spec(&stored(""), &file, v), same, "{v}");
            assert_eq!(same_spec(&stored("default"), &file, v), same, "{v}");
        }
        // A namespace of its own still counts.
        let ns = with(Some(Consul {
            namespace: "x".into(),
            ..Consul::default()
        }));
        assert!(!same_spec(&ns, &file, NomadVersion::new(1, 6, 0)));
    }

    /// Guard of the shortcut for groups that differ beyond `consul`: the
    /// answer is the stored jobs' comparison's, with and without a
    /// `consul` difference the servers' canonical form removes.
    #[test]
    fn a_group_changed_beyond_its_consul_is_a_new_spec() {
        use crate::jobspec::Consul;
        let job = |consul: Option<Consul>, count: i64, groups: usize| Job {
            groups: (0..groups)
                .map(|i| TaskGroup {
                    name: format!("g{i}"),
                    count,
                    consul: consul.clone(),
                    ..TaskGroup::default()
                })
                .collect(),
            ..service()
        };
        let stored = Some(Consul {
            cluster: "default".into(),
            ..Consul::default()
        });
        for v in [NomadVersion::new(1, 0, 18), NomadVersion::new(1, 6, 0)] {
            let old = job(stored.clone(), 1, 2);
            assert!(!same_spec(&old, &job(stored.clone(), 2, 2), v), "{v}");
            assert!(!same_spec(&old, &job(None, 2, 2), v), "{v}");
            assert!(!same_spec(&old, &job(stored.clone(), 1, 3), v), "{v}");
            assert!(same_spec(&old, &job(stored.clone(), 1, 2), v), "{v}");
        }
        let old = job(stored.clone(), 1, 2);
        assert!(same_spec(
            &old,
            &job(None, 1, 2),
            NomadVersion::new(1, 6, 0)
        ));
        assert!(!same_spec(
            &old,
            &job(None, 1, 2),
            NomadVersion::new(1, 0, 18)
        ));
    }
}
