//! Reserved cores (`resources { cores = N }`, Nomad 1.1+): what a world
//! does not state, so what a plan cannot know.
//!
//! Nomad places a task asking cores only on a node where that many of its
//! usable cores are not reserved by the allocations it runs (else the node
//! is exhausted on `"cores"`), picks them, and counts their share of the
//! node's cpu as the task's cpu: `SharesPerCore() × N` from 1.1 to 1.6
//! (`NodeResources.Cpu.ReservableCpuCores`, scheduler/rank.go:457-465@
//! v1.1.0, 470-499@v1.6.0), the chosen cores' own MHz from the 1.7
//! topology on (`Processors.Topology.UsableCores()`, scheduler/rank.go:
//! 475-495@v1.7.0, scheduler/feasible/rank.go:688-735@v2.0.5; cores are
//! picked at random there). `AllocsFit` then counts that cpu and refuses
//! overlapping cores (nomad/structs/funcs.go:141-178@v1.6.0).
//!
//! A world states each client's cpu MHz, not its cores, their speeds or
//! the client's `reserved { cores }`. So neither whether such a task fits
//! nor the cpu it holds is known, and a plan that depends on either says
//! "cannot tell" (exit 255; `check`: NP218), never Nomad's success text:
//! - a job asking cores (its own placements and in-place re-checks);
//! - any job placed beside allocations a hand-written world sizes from a
//!   group asking cores (the cpu they hold is unknown). An import's
//!   allocations carry the cpu Nomad stored (`Cpu.CpuShares`), which
//!   counts; only their core IDs are not kept, which a job not asking
//!   cores never reads.

use crate::jobspec::Job;
use crate::world::{World, WorldOrigin};

/// One task's `cores` ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoresAsk {
    /// The job whose group asks (the planned one, or a running one).
    pub job: String,
    pub group: String,
    pub task: String,
    pub cores: i64,
}

/// Why a plan cannot be told: the cores asks it depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoresUnknown {
    /// The planned job's own asks (empty when only running jobs ask).
    pub asks: Vec<CoresAsk>,
    /// Asks of running jobs (the planned job's running version among them)
    /// a hand-written world places or pins by their group's ask.
    pub running: Vec<CoresAsk>,
}

/// Every task of `job` asking cores, in job order. Before 1.1 the job
/// parser refuses `cores`, so nothing asks.
pub fn cores_asks(job: &Job, version: crate::version::NomadVersion) -> Vec<CoresAsk> {
    if !version.at_least(1, 1, 0) {
        return Vec::new();
    }
    job.groups
        .iter()
        .flat_map(|g| g.tasks.iter().map(move |t| (g, t)))
        .filter(|(_, t)| t.resources.cores > 0)
        .map(|(g, t)| CoresAsk {
            job: job.id.clone(),
            group: g.name.clone(),
            task: t.name.clone(),
            cores: t.resources.cores,
        })
        .collect()
}

/// What a plan of `job` cannot know about cores, if anything. A stopped
/// job places nothing.
pub fn cores_unknown(world: &World, job: &Job) -> Option<CoresUnknown> {
    if job.stop {
        return None;
    }
    let v = world.nomad_version;
    let asks = cores_asks(job, v);
    // An import's allocations hold what Nomad stored; a hand-written
    // world's running jobs hold their group's ask, whose cpu is unknown.
    let imported = matches!(world.origin, WorldOrigin::Import(_));
    let running: Vec<CoresAsk> = if imported {
        Vec::new()
    } else {
        world
            .running
            .iter()
            // The planned job's running version too: allocations of it an
            // update leaves in place keep holding their cores' cpu.
            .filter(|r| !r.job.stop)
            .flat_map(|r| cores_asks(&r.job, v))
            .collect()
    };
    if asks.is_empty() && running.is_empty() {
        return None;
    }
    Some(CoresUnknown { asks, running })
}

fn asks_text(asks: &[CoresAsk], with_job: bool) -> String {
    asks.iter()
        .map(|a| {
            let job = if with_job {
                format!("job {}, ", crate::gotext::go_quote(&a.job))
            } else {
                String::new()
            };
            format!(
                "{} {} ({}group {}, task {})",
                a.cores,
                if a.cores == 1 { "core" } else { "cores" },
                job,
                crate::gotext::go_quote(&a.group),
                crate::gotext::go_quote(&a.task)
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

impl CoresUnknown {
    /// Where the world would have to say more.
    pub const HINT: &'static str = "the world does not state its clients' cores (count, reserved, speeds): judge this job on the cluster (`nomad job plan`)";

    /// The one line every command prints for it (without a prefix).
    pub fn line(&self, job: &Job) -> String {
        let id = crate::gotext::go_quote(&job.id);
        if !self.asks.is_empty() {
            return format!(
                "cannot tell whether job {id} can be placed: it reserves cores ({}), and the world does not state its clients' cores, which Nomad checks and charges as cpu (`Dimension \"cores\" exhausted`); judge it on the cluster (`nomad job plan`)",
                asks_text(&self.asks, false)
            );
        }
        format!(
            "cannot tell whether job {id} can be placed: the world runs jobs that reserve cores ({}), whose cpu Nomad counts from their clients' cores, which the world does not state; judge it on the cluster (`nomad job plan`), or plan against an import of the cluster, whose allocations hold the cpu Nomad stored",
            asks_text(&self.running, true)
        )
    }

    /// `Preflight.Cores` in `--format json`.
    pub fn json(&self) -> serde_json::Value {
        let list = |asks: &[CoresAsk]| {
            asks.iter()
                .map(|a| {
                    serde_json::json!({
                        "Job": a.job, "TaskGroup": a.group, "Task": a.task, "Cores": a.cores,
                    })
                })
                .collect::<Vec<_>>()
        };
        serde_json::json!({
            "Known": false,
            "Asks": list(&self.asks),
            "Running": list(&self.running),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobspec::{Resources, Task, TaskGroup};
    use crate::version::NomadVersion;

    fn job(id: &str, cores: i64) -> Job {
        Job {
            id: id.into(),
            namespace: "default".into(),
            groups: vec![TaskGroup {
                name: "g".into(),
                tasks: vec![Task {
                    name: "t".into(),
                    resources: Resources {
                        cores,
                        ..Resources::default()
                    },
                    ..Task::default()
                }],
                ..TaskGroup::default()
            }],
            ..Job::default()
        }
    }

    #[test]
    fn asks_count_from_1_1_and_a_stopped_job_asks_nothing() {
        let j = job("web", 2);
        assert!(cores_asks(&j, NomadVersion::new(1, 0, 18)).is_empty());
        assert_eq!(cores_asks(&j, NomadVersion::new(1, 1, 0)).len(), 1);
        let mut world = crate::rules::testing::world();
        world.nomad_version = NomadVersion::new(1, 6, 0);
        world.running.clear();
        let u = cores_unknown(&world, &j).expect("unknown");
        assert!(u.line(&j).contains("2 cores (group \"g\", task \"t\")"));
        let mut stopped = j.clone();
        stopped.stop = true;
        assert_eq!(cores_unknown(&world, &stopped), None);
        assert_eq!(cores_unknown(&world, &job("web", 0)), None);
        // A running job's cores concern every other job of a hand-written
        // world, not of an import.
        world.running.push(crate::world::RunningJob {
            path: "jobs/db.nomad".into(),
            job: job("db", 1),
            vars: Default::default(),
        });
        let u = cores_unknown(&world, &job("web", 0)).expect("unknown");
        assert!(u.line(&job("web", 0)).contains("job \"db\", group \"g\""));
        world.origin = WorldOrigin::Import("imp".into());
        assert_eq!(cores_unknown(&world, &job("web", 0)), None);
    }
}
