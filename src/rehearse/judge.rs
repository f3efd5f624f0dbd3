//! What one rehearsal step observed, and whether each expectation held on
//! it: the verdict vocabulary of [`ExpectKind`] judged on scheduler facts.

use std::collections::BTreeMap;

use super::ExpectKind;
use crate::cluster::JobStatus;
use crate::scheduler::{PlanResult, RunOutcome};

/// What one step observed: Nomad's output, its exit code, and the scheduler
/// facts the expectations are judged on.
#[derive(Debug, Clone, Default)]
pub struct Observation {
    pub output: String,
    pub exit_code: i32,
    /// The plan of a `job plan`, the applied plan of a `job run`, or the
    /// evaluations a cluster change re-ran.
    pub plans: Vec<PlanResult>,
    pub run: Option<RunOutcome>,
    /// What the step's plan assumed that the world does not state
    /// (`planner::Plan::assumed`), said under Nomad's text.
    pub assumed: Vec<crate::planner::assumed::Assumption>,
    /// The fields the step's plan shows masked (`diff::secrets`).
    pub masked: Vec<&'static str>,
    /// What is random in the step's output: a plan's diff lists whose
    /// order Nomad draws (`diff::set_order`), then the lines Nomad prints
    /// in Go's map order (`render::map_order`: a plan's preemption summary,
    /// the metric lines of a plan, a run's monitor or a job's Placement
    /// Failure), said under it as `plan` says them.
    pub map_order: Vec<String>,
    /// Said under a status view that prints times (Submit Date,
    /// Created/Modified, node events, the next periodic launch): they
    /// are the rehearsal's simulated clock, not the demo's.
    pub simulated_times: Option<String>,
    /// Job statuses after the step, by (namespace, job).
    pub statuses: BTreeMap<(String, String), JobStatus>,
}

/// Whether one expectation held, and what was seen instead when it did not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub held: bool,
    pub seen: String,
}

/// Judge one expectation against what a step observed.
pub fn judge(kind: &ExpectKind, obs: &Observation) -> Verdict {
    let failed_groups = || -> Vec<String> {
        obs.plans
            .iter()
            .flat_map(|p| p.failed_tg_allocs.keys().cloned())
            .collect()
    };
    match kind {
        ExpectKind::Placed(want) => {
            // A plan the applier rejects places nothing on the rejected
            // nodes, whatever the scheduler planned there.
            let mut failed: Vec<String> = Vec::new();
            for g in obs.plans.iter().flat_map(PlanResult::unplaced_groups) {
                if !failed.contains(&g) {
                    failed.push(g);
                }
            }
            let rejected = obs.plans.iter().any(|p| !p.rejected.is_empty());
            let placed = failed.is_empty();
            // Where how the run ends cannot be told (the applier's
            // rejection at every retry in the model), neither answer holds.
            let untold = obs.plans.iter().any(PlanResult::run_end_untold);
            Verdict {
                held: !untold && placed == *want && (!obs.plans.is_empty() || obs.run.is_some()),
                seen: if untold {
                    format!("cannot tell whether task group(s) {} are placed: Nomad's plan applier rejects the plan on a node that cannot hold it, and how the worker's retries end depends on what nomad-preflight does not model", failed.join(", "))
                } else if obs.plans.is_empty() {
                    "nothing was scheduled in this step".into()
                } else if placed {
                    "every allocation was placed".into()
                } else if rejected {
                    format!("task group(s) {} not placed: Nomad's plan applier rejects the plan on a node that cannot hold it", failed.join(", "))
                } else {
                    format!("task group(s) {} could not be placed", failed.join(", "))
                },
            }
        }
        ExpectKind::QuotaHit(dim) => {
            let hits: Vec<&String> = obs
                .plans
                .iter()
                .flat_map(|p| p.failed_tg_allocs.values())
                .flat_map(|m| m.quota_exhausted.iter())
                .collect();
            let held = hits
                .iter()
                .any(|h| dim == "any" || h.starts_with(&format!("{dim} ")));
            Verdict {
                held,
                seen: if hits.is_empty() {
                    let failed = failed_groups();
                    if failed.is_empty() {
                        "no quota limit was hit: everything was placed".into()
                    } else {
                        format!("{} failed to place, but not on a quota", failed.join(", "))
                    }
                } else {
                    format!(
                        "quota limit hit: {}",
                        hits.iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join("; ")
                    )
                },
            }
        }
        ExpectKind::Preempts(want) => {
            let mut seen: Vec<(String, String)> = obs
                .plans
                .iter()
                .flat_map(|p| p.preempted_allocs.iter())
                .map(|a| (a.job_id.clone(), a.task_group.clone()))
                .collect();
            seen.sort();
            seen.dedup();
            let mut want_sorted = want.clone();
            want_sorted.sort();
            want_sorted.dedup();
            Verdict {
                held: seen == want_sorted,
                seen: if seen.is_empty() {
                    "nothing was preempted".into()
                } else {
                    format!(
                        "preempted: {}",
                        seen.iter()
                            .map(|(j, g)| format!("{j}/{g}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                },
            }
        }
        ExpectKind::JobStatus {
            namespace,
            job,
            status,
        } => {
            let got = obs.statuses.get(&(namespace.clone(), job.clone()));
            Verdict {
                held: got == Some(status),
                seen: match got {
                    Some(s) => format!("job {job} in namespace {namespace} is {}", s.as_str()),
                    None => format!("job {job} does not exist in namespace {namespace}"),
                },
            }
        }
        ExpectKind::ExitCode(c) => Verdict {
            held: obs.exit_code == *c,
            seen: format!("the command exited {}", obs.exit_code),
        },
        ExpectKind::OutputContains(t) => Verdict {
            held: obs.output.contains(t.as_str()),
            seen: "the output does not contain it".into(),
        },
    }
}
