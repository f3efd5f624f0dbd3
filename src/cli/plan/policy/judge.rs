//! What the policy refuses in one plan, before the samples' bound
//! (`super::violations` adds it): the plan shown's preemptions and
//! unplaced groups, the rollout's later batches, and what only other
//! shuffles do, one finding per group.

use super::{commits, hits, Hit, JobPlan, Shuffles, Violation};
use crate::scheduler::Tally;
use crate::world::Protected;

/// [`super::violations`] but the bound's.
pub(super) fn refusals(
    plan: &JobPlan,
    protected: &Protected,
    sampled: Option<&Tally<Hit>>,
) -> Vec<Violation> {
    // A run refused before it is registered commits nothing, here or in
    // any shuffle ([`super::commits`]).
    if !commits(plan) {
        return Vec::new();
    }
    let mut out: Vec<Violation> = Vec::new();
    let share = |hit: &Hit| sampled.map(|t| Shuffles::of(t, hit));
    let job = &plan.job;
    // What `nomad job run` of the plan shown preempts, counted one by one
    // (each shuffle's hits name each job once).
    for a in plan.result.committed_preemptions() {
        if !protected.covers(&a.namespace, &a.job_id) {
            continue;
        }
        let existing = out.iter_mut().find(|v| {
            matches!(v, Violation::Preempts { namespace, job_id, .. }
                if *namespace == a.namespace && *job_id == a.job_id)
        });
        match existing {
            Some(Violation::Preempts { count, .. }) => *count += 1,
            _ => out.push(Violation::Preempts {
                namespace: a.namespace.clone(),
                job_id: a.job_id.clone(),
                count: 1,
                shuffles: share(&Hit::Preempts {
                    namespace: a.namespace.clone(),
                    job_id: a.job_id.clone(),
                }),
            }),
        }
    }
    // The groups it leaves unplaced, read as each shuffle's are ([`super::hits`]):
    // the scheduler's failures (quota's included) and what the applier
    // drops, by name. A group whose run's end cannot be told is the plan's
    // own "cannot tell" (`PlanResult::retries_untold`, said by both gates).
    let mut blocked: Vec<String> = hits(job, &plan.result, protected)
        .into_iter()
        .filter_map(|h| match h {
            Hit::Blocked { group } => Some(group),
            _ => None,
        })
        .collect();
    blocked.sort();
    blocked.dedup();
    for group in blocked {
        out.push(Violation::Blocked {
            job_id: job.id.clone(),
            count: plan.result.unplaced_in_run(&group),
            shuffles: share(&Hit::Blocked {
                group: group.clone(),
            }),
            group,
        });
    }
    // What the rollout's later batches leave unplaced, where nothing of
    // the group is refused already.
    for b in &plan.later_batches {
        let refused = out
            .iter()
            .any(|v| matches!(v, Violation::Blocked { group: g, .. } if *g == b.group));
        if !refused {
            out.push(Violation::LaterBatches {
                job_id: job.id.clone(),
                batch: b.clone(),
                first: None,
            });
        }
    }
    // What only other shuffles do, most frequent first.
    let mut untold = Vec::new();
    // After the refusals too: a protected job some shuffle preempts for
    // sure is refused whatever others cannot tell.
    let mut preempts_untold: Vec<Violation> = Vec::new();
    for (hit, _, _) in sampled.map(Tally::entries).unwrap_or_default() {
        let s = sampled.map(|t| Shuffles::of(t, &hit));
        match hit {
            // After the refusals: a group some shuffle leaves unplaced is
            // refused whatever others cannot tell.
            Hit::Untold { group } => untold.extend(s.map(|s| (group, s))),
            Hit::PreemptsUntold { namespace, job_id } => {
                if let Some(shuffles) = s {
                    preempts_untold.push(Violation::PreemptsUntold {
                        namespace,
                        job_id,
                        shuffles,
                    });
                }
            }
            Hit::Preempts { namespace, job_id } => {
                let seen = out.iter().any(|v| {
                    matches!(v, Violation::Preempts { namespace: n, job_id: j, .. }
                        if *n == namespace && *j == job_id)
                });
                if !seen {
                    out.push(Violation::Preempts {
                        namespace,
                        job_id,
                        count: 0,
                        shuffles: s,
                    });
                }
            }
            Hit::Blocked { group } => {
                let seen = out
                    .iter()
                    .any(|v| matches!(v, Violation::Blocked { group: g, .. } if *g == group));
                // One refusal per group: the later batches' says this too.
                if let (false, Some(s)) = (seen, s) {
                    if let Some(first) = later_of(&mut out, &group) {
                        *first = Some((s, false));
                        continue;
                    }
                }
                if !seen {
                    out.push(Violation::Blocked {
                        job_id: job.id.clone(),
                        group,
                        count: 0,
                        shuffles: s,
                    });
                }
            }
        }
    }
    for v in preempts_untold {
        let refused = out.iter().any(|r| match (r, &v) {
            (
                Violation::Preempts {
                    namespace: n,
                    job_id: j,
                    ..
                },
                Violation::PreemptsUntold {
                    namespace, job_id, ..
                },
            ) => n == namespace && j == job_id,
            _ => false,
        });
        if !refused {
            out.push(v);
        }
    }
    for (group, shuffles) in untold {
        let refused = out
            .iter()
            .any(|v| matches!(v, Violation::Blocked { group: g, .. } if *g == group));
        // A group the later batches refuse is refused, whatever other
        // shuffles cannot tell: their share joins the refusal only where
        // no sampled refusal did already (rv25-5).
        if let Some(first) = later_of(&mut out, &group) {
            if first.is_none() {
                *first = Some((shuffles, true));
            }
            continue;
        }
        if !refused {
            out.push(Violation::Untold {
                job_id: job.id.clone(),
                group,
                shuffles,
            });
        }
    }
    out
}

/// The plan-shown shuffles slot of the later batches' refusal of
/// `group` in `out`, if there is one.
fn later_of<'v>(out: &'v mut [Violation], group: &str) -> Option<&'v mut Option<(Shuffles, bool)>> {
    out.iter_mut().find_map(|v| match v {
        Violation::LaterBatches { batch, first, .. } if batch.group == group => Some(first),
        _ => None,
    })
}
