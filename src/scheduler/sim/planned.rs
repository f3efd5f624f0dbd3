//! One job planned against many replays of one world (`plan --samples`,
//! NP403): admitted once, and compared once with each registered spec it
//! meets. Replays of a world register the same shared specs, so the
//! comparison that decides the planned version (`next_version`) was the
//! same deep comparison in every sample, a fiftieth of `plan --samples`.

use std::sync::{Arc, Mutex};

use crate::jobspec::Job;

/// Most registered specs remembered: replays share a handful; a caller
/// that registers a fresh copy per sample gains nothing from more.
const REMEMBERED: usize = 16;

pub struct Planned {
    /// The job as the admission mutators leave it.
    pub job: Job,
    /// The world's release, whose `SpecChanged` [`Planned::same_as`] asks.
    nomad: crate::version::NomadVersion,
    /// (registered spec, equal to `job`), by identity: each `Arc` is held
    /// here, so its address cannot be reused by another spec meanwhile.
    seen: Mutex<Vec<(Arc<Job>, bool)>>,
    /// (registered spec, group, release) → is moving that group's
    /// allocations to the planned group destructive: the same verdict in
    /// every replay, and the deepest comparison the plan makes.
    destructive: Mutex<Vec<Verdict>>,
}

struct Verdict {
    old: Arc<Job>,
    group: String,
    version: crate::version::NomadVersion,
    destructive: bool,
}

impl Planned {
    /// `job` through the admission mutators of the world's release and
    /// servers (no replay changes either).
    pub fn new(job: &Job, world: &crate::world::World) -> Planned {
        let job = crate::mutators::applied(job, world.nomad_version, &world.server);
        Planned {
            job,
            nomad: world.nomad_version,
            seen: Mutex::new(Vec::new()),
            destructive: Mutex::new(Vec::new()),
        }
    }

    /// `judge()`, the destructive-change verdict of moving `old`'s group
    /// `group` to the planned job's, from memory when `old` was judged.
    pub(in crate::scheduler) fn destructive(
        &self,
        old: &Arc<Job>,
        group: &str,
        version: crate::version::NomadVersion,
        judge: impl FnOnce() -> bool,
    ) -> bool {
        let known = self.destructive.lock().ok().and_then(|v| {
            v.iter()
                .find(|x| Arc::ptr_eq(&x.old, old) && x.group == group && x.version == version)
                .map(|x| x.destructive)
        });
        if let Some(d) = known {
            return d;
        }
        let d = judge();
        if let Ok(mut v) = self.destructive.lock() {
            if v.len() < REMEMBERED * 16 {
                v.push(Verdict {
                    old: old.clone(),
                    group: group.to_string(),
                    version,
                    destructive: d,
                });
            }
        }
        d
    }

    /// Is `registered` the same spec as the planned job?
    pub(super) fn same_as(&self, registered: &Arc<Job>) -> bool {
        let known = self.seen.lock().ok().and_then(|seen| {
            seen.iter()
                .find(|(r, _)| Arc::ptr_eq(r, registered))
                .map(|(_, eq)| *eq)
        });
        if let Some(eq) = known {
            return eq;
        }
        let eq = crate::structs::spec_changed::same_spec(registered, &self.job, self.nomad);
        if let Ok(mut seen) = self.seen.lock() {
            if seen.len() < REMEMBERED {
                seen.push((registered.clone(), eq));
            }
        }
        eq
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remembered_verdict_belongs_to_its_spec_alone() {
        let vfs = crate::embedded::demo();
        let world = match crate::world::load(&vfs, std::path::Path::new(crate::embedded::WORLD_DIR))
        {
            Ok((w, _)) => w,
            Err(d) => panic!("demo world: {d:?}"),
        };
        let Some(r) = world.running.first() else {
            panic!("the test world runs a job");
        };
        let planned = Planned::new(&r.job, &world);
        let same = Arc::new(planned.job.clone());
        let mut edited = planned.job.clone();
        edited.priority += 1;
        let other = Arc::new(edited);
        for _ in 0..2 {
            assert!(planned.same_as(&same));
            assert!(!planned.same_as(&other));
        }
        // An equal spec at another address is compared, not assumed.
        assert!(planned.same_as(&Arc::new(planned.job.clone())));
    }
}
