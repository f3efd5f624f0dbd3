//! Scheduler settings a written world leaves to Nomad's default, which an
//! operator changes on a live cluster (redteam27 R27-1): the scheduler
//! algorithm (`nomad operator scheduler set-config -scheduler-algorithm=`,
//! command/operator_scheduler_set_config.go v1.10.5:67; binpack only when
//! the configuration leaves it empty, nomad/structs/operator.go
//! v1.10.5:250-252) and the planned job type's preemption
//! (`-preempt-TYPE-scheduler=`; only system jobs preempt by default).
//!
//! One mechanism for both: every plan of a job (the plan shown and each
//! sampled shuffle) is evaluated again under the other value of each such
//! setting, against the same cluster state and node shuffle, and the two
//! are compared. Where the verdict differs (which groups are left
//! unplaced, which jobs lose allocations to preemption, whether the
//! evaluation fails) the answer rests on the unstated setting: the plan
//! cannot tell ([`crate::planner::CannotKnow::Unstated`]), a sampled
//! shuffle neither passes nor fails. Where only the text differs (the
//! failure's metrics, which allocations are preempted) the plan says a
//! note (`planner::assumed`); where nothing differs, nothing.
//!
//! The running jobs stay where the world's settings placed them: a cluster
//! switched with `set-config` keeps its allocations and plans the next
//! evaluation with the new setting (rank.go v1.10.5:199-201 reads it per
//! evaluation). The plan applier's retries run under the world's settings.
//! An import reads scheduler.json: nothing is unstated there.

use std::sync::Arc;

use crate::jobspec::JobType;
use crate::world::{Algorithm, World, WorldOrigin};

use super::PlanResult;

/// A scheduler setting the world does not state, with the value the plan
/// used (Nomad's default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnstatedSetting {
    /// `scheduler { algorithm }`, planned as `planned`.
    Algorithm { planned: Algorithm },
    /// `scheduler { preemption { TYPE } }` for the planned job's type.
    Preemption { job_type: JobType, planned: bool },
    /// Both left unstated, flipped together: planned only where neither
    /// flip alone changes the verdict (see [`alternatives`]).
    Both {
        algorithm: Algorithm,
        job_type: JobType,
        preemption: bool,
    },
}

impl UnstatedSetting {
    /// The other value, as the world's `scheduler` block states it.
    pub fn other_text(&self) -> String {
        match self {
            UnstatedSetting::Algorithm { planned } => format!("{:?}", other(*planned).as_str()),
            UnstatedSetting::Preemption { planned, .. } => (!planned).to_string(),
            UnstatedSetting::Both {
                algorithm,
                preemption,
                ..
            } => format!("{:?}, {}", other(*algorithm).as_str(), !preemption),
        }
    }

    /// The value planned, as the block states it.
    pub fn planned_text(&self) -> String {
        match self {
            UnstatedSetting::Algorithm { planned } => format!("{:?}", planned.as_str()),
            UnstatedSetting::Preemption { planned, .. } => planned.to_string(),
            UnstatedSetting::Both {
                algorithm,
                preemption,
                ..
            } => format!("{:?}, {}", algorithm.as_str(), preemption),
        }
    }

    /// The `scheduler` block that states the value planned.
    pub fn planned_block(&self) -> String {
        self.block(false)
    }

    /// The `scheduler` block that states the other value.
    pub fn other_block(&self) -> String {
        self.block(true)
    }

    fn block(&self, flipped: bool) -> String {
        let algorithm = |a: Algorithm| if flipped { other(a) } else { a };
        match *self {
            UnstatedSetting::Algorithm { planned } => {
                format!(
                    "scheduler {{ algorithm = {:?} }}",
                    algorithm(planned).as_str()
                )
            }
            UnstatedSetting::Preemption { job_type, planned } => format!(
                "scheduler {{ preemption {{ {} = {} }} }}",
                job_type.as_str(),
                planned != flipped
            ),
            UnstatedSetting::Both {
                algorithm: a,
                job_type,
                preemption,
            } => format!(
                "scheduler {{ algorithm = {:?} preemption {{ {} = {} }} }}",
                algorithm(a).as_str(),
                job_type.as_str(),
                preemption != flipped
            ),
        }
    }

    /// The `set-config` flag that gives the other value.
    pub fn flag(&self) -> String {
        match self {
            UnstatedSetting::Algorithm { planned } => {
                format!("-scheduler-algorithm={}", other(*planned).as_str())
            }
            UnstatedSetting::Preemption { job_type, planned } => {
                format!("-preempt-{}-scheduler={}", job_type.as_str(), !planned)
            }
            UnstatedSetting::Both {
                algorithm,
                job_type,
                preemption,
            } => format!(
                "-scheduler-algorithm={} -preempt-{}-scheduler={}",
                other(*algorithm).as_str(),
                job_type.as_str(),
                !preemption
            ),
        }
    }

    /// Its name in JSON.
    pub fn key(&self) -> &'static str {
        match self {
            UnstatedSetting::Algorithm { .. } => "scheduler_algorithm",
            UnstatedSetting::Preemption { .. } => "scheduler_preemption",
            UnstatedSetting::Both { .. } => "scheduler_algorithm_and_preemption",
        }
    }
}

fn other(a: Algorithm) -> Algorithm {
    match a {
        Algorithm::Binpack => Algorithm::Spread,
        Algorithm::Spread => Algorithm::Binpack,
    }
}

/// What a plan decides, as a gate or a user reads it: the groups it
/// leaves unplaced, the jobs it preempts, whether its evaluation fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub unplaced: Vec<String>,
    pub preempted: Vec<(String, String)>,
    pub fails: bool,
}

impl Verdict {
    pub fn of(r: &PlanResult) -> Verdict {
        let mut unplaced = r.unplaced_groups();
        unplaced.sort();
        let mut preempted: Vec<(String, String)> = r
            .committed_preemptions()
            .into_iter()
            .map(|a| (a.namespace.clone(), a.job_id.clone()))
            .collect();
        preempted.sort();
        preempted.dedup();
        Verdict {
            unplaced,
            preempted,
            fails: r.crashed.is_some() || r.error.is_some() || r.run_end_untold(),
        }
    }
}

/// How the plan under the other value differs from the plan made.
#[derive(Debug, Clone)]
pub enum Differs {
    /// The verdict: the plan cannot tell. The other plan, whole.
    Verdict(Box<PlanResult>),
    /// Only Nomad's text (the failure's metrics, the allocations
    /// preempted): a note.
    Text,
}

/// One unstated setting whose other value changes the plan.
#[derive(Debug, Clone)]
pub struct Unstated {
    pub setting: UnstatedSetting,
    pub differs: Differs,
}

impl Unstated {
    /// The other value's plan, where its verdict differs.
    pub fn other_plan(&self) -> Option<&PlanResult> {
        match &self.differs {
            Differs::Verdict(p) => Some(p),
            Differs::Text => None,
        }
    }
}

/// The worlds to plan `job_type` again in: `world` with one unstated
/// setting given its other value. None for an import (scheduler.json), a
/// release without the setting, a setting the world states, and the
/// algorithm of a system or sysbatch job (one allocation on every
/// feasible node: the score picks no node).
pub fn alternatives(world: &World, job_type: JobType) -> Vec<(UnstatedSetting, Arc<World>)> {
    if matches!(world.origin, WorldOrigin::Import(_)) {
        return Vec::new();
    }
    let v = world.nomad_version;
    let mut out = Vec::new();
    // SchedulerAlgorithm came in 0.11.2 (see `world::cluster_file`).
    if v.at_least(0, 11, 2)
        && !job_type.is_per_node()
        && !world.scheduler.spans.written("algorithm")
    {
        let planned = world.scheduler.algorithm;
        let mut w = world.clone();
        w.scheduler.algorithm = other(planned);
        out.push((UnstatedSetting::Algorithm { planned }, Arc::new(w)));
    }
    let community = world.edition() == Some(crate::version::Edition::Community);
    let flag = job_type.as_str();
    if super::preempt::preemption_released(v, job_type)
        && !(community && super::preempt::community_lacks_preemption(v, job_type))
        && !world.scheduler.spans.written(&format!("preemption.{flag}"))
    {
        let planned = world.preemption_enabled(job_type);
        let mut w = world.clone();
        let p = &mut w.scheduler.preemption;
        match job_type {
            JobType::Service => p.service = !planned,
            JobType::Batch => p.batch = !planned,
            JobType::System => p.system = !planned,
            JobType::Sysbatch => p.sysbatch = !planned,
        }
        out.push((
            UnstatedSetting::Preemption { job_type, planned },
            Arc::new(w),
        ));
    }
    // Both unstated: the two flipped together too. Neither alone need
    // change the verdict where together they do: the other algorithm's
    // history puts lower-priority allocations on other nodes, where only
    // preemption turned on can evict them (a job failing in both single
    // flips can preempt under both). Planned last, and only where neither
    // single flip changed the verdict (`Simulation::plan_admitted`).
    if let [(UnstatedSetting::Algorithm { planned: algorithm }, a), (
        UnstatedSetting::Preemption {
            planned: preemption,
            ..
        },
        p,
    )] = &out[..]
    {
        let mut w = (**a).clone();
        w.scheduler.preemption = p.scheduler.preemption;
        let both = UnstatedSetting::Both {
            algorithm: *algorithm,
            job_type,
            preemption: *preemption,
        };
        out.push((both, Arc::new(w)));
    }
    out
}

/// Compare `made` with `other`, the same plan under `setting`'s other value.
pub fn compare(setting: UnstatedSetting, made: &PlanResult, other: PlanResult) -> Option<Unstated> {
    if Verdict::of(made) != Verdict::of(&other) {
        return Some(Unstated {
            setting,
            differs: Differs::Verdict(Box::new(other)),
        });
    }
    // The two flipped together note nothing the single flips do not: a
    // text they leave alike is each one's own default's.
    if matches!(setting, UnstatedSetting::Both { .. }) {
        return None;
    }
    let ids = |r: &PlanResult| -> Vec<String> {
        let mut v: Vec<String> = r.preempted_allocs.iter().map(|a| a.id.clone()).collect();
        v.sort();
        v
    };
    let text = made.failed_tg_allocs != other.failed_tg_allocs || ids(made) != ids(&other);
    text.then_some(Unstated {
        setting,
        differs: Differs::Text,
    })
}

/// [`compare`] of `made` with the plan under the other value against the
/// same state (`same`: a cluster switched by `set-config` after placing)
/// and against the other value's own history (`history`: a cluster that
/// has always run it; see `sim::alternative`). A verdict differing in
/// either is the plan's; a text difference counts against the same state
/// only (under another history the allocations and the failure's metrics
/// differ whatever the verdict).
pub fn compare_both(
    setting: UnstatedSetting,
    made: &PlanResult,
    same: PlanResult,
    history: Option<PlanResult>,
) -> Option<Unstated> {
    let first = compare(setting, made, same);
    if first.as_ref().is_some_and(|u| u.other_plan().is_some()) {
        return first;
    }
    match history {
        Some(h) if Verdict::of(made) != Verdict::of(&h) => Some(Unstated {
            setting,
            differs: Differs::Verdict(Box::new(h)),
        }),
        _ => first,
    }
}

/// The groups whose placement differs between `made` and the other plan
/// of `u` (left unplaced in one, placed in the other), sorted.
pub fn groups_differing(made: &PlanResult, u: &Unstated) -> Vec<String> {
    let Some(other) = u.other_plan() else {
        return Vec::new();
    };
    let (a, b) = (made.unplaced_groups(), other.unplaced_groups());
    let mut out: Vec<String> = a
        .iter()
        .filter(|g| !b.contains(g))
        .chain(b.iter().filter(|g| !a.contains(g)))
        .cloned()
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world(scheduler: &str) -> World {
        let mut vfs = crate::vfs::MemVfs::new("unstated");
        vfs.insert("rules/cluster.hcl", format!("nomad_version = \"1.10.5\"\nedition = \"community\"\nregion = \"global\"\n{scheduler}client \"c\" {{\n  count = 1\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 4000\n  disk = 10000\n  drivers = [\"docker\"]\n}}\n"));
        match crate::world::load(&vfs, std::path::Path::new("rules")) {
            Ok((w, _)) => w,
            Err(d) => panic!("world: {d:?}"),
        }
    }

    #[test]
    fn both_settings_unstated_are_flipped_together_too() {
        let w = world("");
        let alts = alternatives(&w, JobType::Service);
        let settings: Vec<&str> = alts.iter().map(|(s, _)| s.key()).collect();
        assert_eq!(
            settings,
            [
                "scheduler_algorithm",
                "scheduler_preemption",
                "scheduler_algorithm_and_preemption"
            ]
        );
        let (both, flipped) = &alts[2];
        assert_eq!(flipped.scheduler.algorithm, Algorithm::Spread);
        assert!(flipped.scheduler.preemption.service);
        assert_eq!(
            both.planned_block(),
            "scheduler { algorithm = \"binpack\" preemption { service = false } }"
        );
        assert_eq!(
            both.other_block(),
            "scheduler { algorithm = \"spread\" preemption { service = true } }"
        );
        assert_eq!(
            both.flag(),
            "-scheduler-algorithm=spread -preempt-service-scheduler=true"
        );
        // One stated: the other alone, nothing together.
        let w = world("scheduler {\n  algorithm = \"binpack\"\n}\n");
        let alts = alternatives(&w, JobType::Service);
        assert_eq!(alts.len(), 1);
        assert_eq!(alts[0].0.key(), "scheduler_preemption");
        // A system job's algorithm is not planned again: its preemption alone.
        let w = world("");
        assert_eq!(alternatives(&w, JobType::System).len(), 1);
    }
}
