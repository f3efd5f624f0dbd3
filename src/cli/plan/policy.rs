//! The CI gate: plans the world's policy refuses (`protected { jobs
//! namespaces }` in `policy.hcl`), whatever else they change.
//!
//! Nomad shuffles the nodes on every evaluation, so the plan shown is one
//! outcome among others: what the policy refuses is judged over the node
//! shuffles `check`'s NP403 samples too (the same model and budget,
//! [`crate::rules::priority::sample_plans`]), and a refusal says how often
//! it happens (redteam6 G5).

use crate::jobspec::Job;
use crate::scheduler::sample::SampleError;
use crate::scheduler::sim::Submitted;
use crate::scheduler::{PlanResult, Simulation, Tally};
use crate::world::Protected;

use super::changed::Entry;
use super::JobPlan;

mod notice;
pub use notice::{notices, Notice};

/// What the policy refuses in one shuffle's plan.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Hit {
    /// An allocation of this protected job is preempted.
    Preempts { namespace: String, job_id: String },
    /// The planned job is protected and this group is left unplaced.
    Blocked { group: String },
}

/// How many of the sampled shuffles gave one refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shuffles {
    pub hits: u32,
    pub samples: u32,
}

impl Shuffles {
    fn of(tally: &Tally<Hit>, hit: &Hit) -> Shuffles {
        Shuffles {
            hits: tally.count(hit),
            samples: tally.samples(),
        }
    }

    fn text(self) -> String {
        crate::rules::priority::how_often(self.hits, self.samples)
    }

    fn json(self) -> serde_json::Value {
        serde_json::json!({
            "Hits": self.hits,
            "Total": self.samples,
            "Share": f64::from(self.hits) / f64::from(self.samples.max(1)),
        })
    }
}

/// One refusal, worded for the person whose change caused it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    /// The plan preempts allocations of a protected job: `count` in the
    /// plan shown, and in `shuffles` of the sampled ones (None: not sampled).
    Preempts {
        namespace: String,
        job_id: String,
        count: usize,
        shuffles: Option<Shuffles>,
    },
    /// A protected job's own plan leaves allocations unplaced.
    Blocked {
        job_id: String,
        group: String,
        count: u64,
        shuffles: Option<Shuffles>,
    },
    /// A protected job is stopped because its file now defines another job
    /// (its ID or namespace edited), not because the file was deleted:
    /// `nomad job run` on the file registers `now` and leaves the old job
    /// running (Job.Register never deregisters another ID,
    /// nomad/job_endpoint.go Register), so the stop the plan shows happens
    /// only if someone runs `nomad job stop` (redteam6 G7).
    StopsReplaced {
        namespace: String,
        job_id: String,
        /// The job the file defines now, if any.
        now: Option<(String, String)>,
    },
    /// The file defines a protected job that another file defines (the
    /// world runs it from there, or another file of the change defines
    /// it): `nomad job run` on it updates that job, which the change to
    /// the job's own file does not ask (R18-B-1).
    DefinedTwice(Box<crate::changeset::Twice>),
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Violation::Preempts {
                namespace,
                job_id,
                count,
                shuffles: None,
            } => write!(
                f,
                "preempts {count} allocation(s) of protected job {namespace}/{job_id}"
            ),
            Violation::Preempts {
                namespace,
                job_id,
                count,
                shuffles: Some(s),
            } if s.hits == 0 => write!(
                f,
                "preempts {count} allocation(s) of protected job {namespace}/{job_id} {}",
                s.text()
            ),
            Violation::Preempts {
                namespace,
                job_id,
                count,
                shuffles: Some(s),
            } => write!(
                f,
                "preempts allocations of protected job {namespace}/{job_id} {} ({} in the plan shown)",
                s.text(),
                shown(*count as u64)
            ),
            Violation::Blocked {
                job_id,
                group,
                count,
                shuffles: None,
            } => write!(
                f,
                "leaves {count} allocation(s) of protected job {job_id:?} (group {group:?}) unplaced"
            ),
            Violation::Blocked {
                job_id,
                group,
                count,
                shuffles: Some(s),
            } if s.hits == 0 => write!(
                f,
                "leaves {count} allocation(s) of protected job {job_id:?} (group {group:?}) unplaced {}",
                s.text()
            ),
            Violation::Blocked {
                job_id,
                group,
                count,
                shuffles: Some(s),
            } => write!(
                f,
                "leaves allocations of protected job {job_id:?} (group {group:?}) unplaced {} ({} in the plan shown)",
                s.text(),
                shown(*count)
            ),
            // `check`'s finding says the same (changeset::replaced).
            Violation::StopsReplaced {
                namespace,
                job_id,
                now,
            } => f.write_str(&crate::changeset::stops_replaced(
                namespace,
                job_id,
                now.as_ref().map(|(ns, id)| (ns.as_str(), id.as_str())),
            )),
            // `check`'s NP229 and `policy::defined-twice` say the same (changeset::twice).
            Violation::DefinedTwice(t) => f.write_str(&t.words(true)),
        }
    }
}

fn shown(count: u64) -> String {
    if count == 0 {
        "none".into()
    } else {
        count.to_string()
    }
}

impl Violation {
    /// `Plans[].Policy[]` of `plan --changed --format json`.
    pub fn json(&self) -> serde_json::Value {
        let shares = |s: &Option<Shuffles>| s.map_or(serde_json::Value::Null, Shuffles::json);
        match self {
            Violation::Preempts {
                namespace,
                job_id,
                count,
                shuffles,
            } => serde_json::json!({
                "Refusal": "preempts",
                "Namespace": namespace,
                "Job": job_id,
                "InPlanShown": count,
                "Shuffles": shares(shuffles),
                "Text": self.to_string(),
            }),
            Violation::Blocked {
                job_id,
                group,
                count,
                shuffles,
            } => serde_json::json!({
                "Refusal": "blocked",
                "Job": job_id,
                "Group": group,
                "InPlanShown": count,
                "Shuffles": shares(shuffles),
                "Text": self.to_string(),
            }),
            Violation::StopsReplaced {
                namespace,
                job_id,
                now,
            } => serde_json::json!({
                "Refusal": "stops-replaced",
                "Namespace": namespace,
                "Job": job_id,
                "Registers": now.as_ref().map(|(ns, id)| serde_json::json!({"Namespace": ns, "Job": id})),
                "Text": self.to_string(),
            }),
            Violation::DefinedTwice(t) => serde_json::json!({
                "Refusal": "defined-twice",
                "Namespace": t.namespace,
                "Job": t.id,
                "Other": t.first,
                "Runs": t.runs,
                "Text": self.to_string(),
            }),
        }
    }
}

/// What the policy refuses in one shuffle's `result` of planning `job`.
pub(super) fn hits(job: &Job, result: &PlanResult, protected: &Protected) -> Vec<Hit> {
    // A shuffle whose scheduling panics Nomad's server does nothing.
    if result.crashed.is_some() {
        return Vec::new();
    }
    let mut out: Vec<Hit> = result
        .preempted_allocs
        .iter()
        .filter(|a| protected.covers(&a.namespace, &a.job_id))
        .map(|a| Hit::Preempts {
            namespace: a.namespace.clone(),
            job_id: a.job_id.clone(),
        })
        .collect();
    if !job.stop && protected.covers(&job.namespace, &job.id) {
        out.extend(
            result
                .failed_tg_allocs
                .keys()
                .map(|g| Hit::Blocked { group: g.clone() }),
        );
    }
    out
}

/// Sample the plan of `job` (submitted after `earlier`, in `sim`'s
/// cluster) over other node shuffles when the policy has anything at stake
/// in it: the job is protected (a shuffle may leave it unplaced), or it may
/// preempt (as NP403 decides) a protected allocation. None: nothing at stake.
pub fn sample(
    sim: &Simulation,
    replays: Option<&crate::scheduler::replay_cache::Shared>,
    earlier: &[Submitted],
    plan: &JobPlan,
) -> Result<Option<Tally<Hit>>, SampleError> {
    if !at_stake(sim, plan) {
        return Ok(None);
    }
    let world = &*sim.world;
    let protected = &world.policy.protected;
    let job = &plan.job;
    crate::rules::priority::sample_plans(world, replays, sim.seed, earlier, job, |r| {
        hits(job, r, protected)
    })
    .map(Some)
}

/// Does the policy sample `plan` (made in `sim`) over other shuffles
/// ([`sample`])? When the job is protected or it may preempt a protected
/// allocation.
pub fn at_stake(sim: &Simulation, plan: &JobPlan) -> bool {
    let world = &*sim.world;
    let protected = &world.policy.protected;
    let job = &plan.job;
    if job.stop || (protected.jobs.is_empty() && protected.namespaces.is_empty()) {
        return false;
    }
    protected.covers(&job.namespace, &job.id)
        || !hits(job, &plan.result, protected).is_empty()
        || crate::rules::priority::preemption_possible(world, sim, job)
}

/// What the policy refuses in `plan FILE`'s one plan, made in `sim`: the
/// plan shown and, when anything is at stake, the sampled shuffles.
pub fn judged(sim: &Simulation, plan: &JobPlan) -> Result<Vec<Violation>, SampleError> {
    let sampled = if plan.admission.is_admitted() {
        sample(sim, None, &[], plan)?
    } else {
        None
    };
    Ok(violations(
        plan,
        &sim.world.policy.protected,
        sampled.as_ref(),
    ))
}

/// What the policy refuses in one changed file's plan: its preemptions and
/// unplaced groups, over the plan shown and the shuffles sampled, and the
/// stop of a protected job its file no longer defines. Stopping a protected
/// job by deleting its file is not refused: that is a decision, not a side
/// effect.
pub fn judge(entry: &Entry, protected: &Protected) -> Vec<Violation> {
    let super::changed::Outcome::Plan(plan) = &entry.outcome else {
        return Vec::new();
    };
    let mut out = violations(plan, protected, entry.sampled.as_ref());
    let job = &plan.job;
    if entry.change == crate::changeset::FileChange::JobReplaced
        && job.stop
        && protected.covers(&job.namespace, &job.id)
    {
        out.push(Violation::StopsReplaced {
            namespace: job.namespace.clone(),
            job_id: job.id.clone(),
            now: entry.replaced_by.clone(),
        });
    }
    if let Some(t) = entry.twice.as_ref() {
        if protected.covers(&t.namespace, &t.id) {
            out.push(Violation::DefinedTwice(Box::new(t.clone())));
        }
    }
    out
}

/// What the policy refuses in one plan: what the plan shown does, and with
/// `sampled`, what any sampled shuffle does (each with its share).
pub fn violations(
    plan: &JobPlan,
    protected: &Protected,
    sampled: Option<&Tally<Hit>>,
) -> Vec<Violation> {
    let mut out: Vec<Violation> = Vec::new();
    let share = |hit: &Hit| sampled.map(|t| Shuffles::of(t, hit));
    for a in &plan.result.preempted_allocs {
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
    let job = &plan.job;
    if !job.stop && protected.covers(&job.namespace, &job.id) {
        for (group, metric) in &plan.result.failed_tg_allocs {
            out.push(Violation::Blocked {
                job_id: job.id.clone(),
                group: group.clone(),
                count: crate::render::metrics::failed_count(metric).0,
                shuffles: share(&Hit::Blocked {
                    group: group.clone(),
                }),
            });
        }
    }
    // What only other shuffles do, most frequent first.
    for (hit, _, _) in sampled.map(Tally::entries).unwrap_or_default() {
        let s = sampled.map(|t| Shuffles::of(t, &hit));
        match hit {
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
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobspec::Job;
    use crate::scheduler::{AllocMetric, PlanResult, PreemptedAlloc};

    fn plan(job_id: &str, result: PlanResult) -> JobPlan {
        let job = Job {
            id: job_id.into(),
            namespace: "default".into(),
            ..Default::default()
        };
        let diff = crate::diff::job_diff(None, Some(&job), crate::version::NomadVersion::DEMO);
        JobPlan {
            job,
            diff,
            result,
            admission: crate::planner::Admission::Admitted,
            cannot_know: None,
            assumed: Vec::new(),
        }
    }

    fn victim(job: &str, ns: &str) -> PreemptedAlloc {
        PreemptedAlloc {
            id: "a".into(),
            namespace: ns.into(),
            job_id: job.into(),
            job_type: "service".into(),
            task_group: "g".into(),
            node_id: "n".into(),
            job_priority: Some(10),
            ..PreemptedAlloc::default()
        }
    }

    #[test]
    fn preempting_protected_jobs_or_namespaces_is_refused() {
        let p = Protected {
            jobs: vec!["shop".into()],
            namespaces: vec!["prod".into()],
        };
        let r = PlanResult {
            preempted_allocs: vec![
                victim("shop", "default"),
                victim("shop", "default"),
                victim("logs", "default"),
                victim("db", "prod"),
            ],
            ..Default::default()
        };
        let v = violations(&plan("carts", r), &p, None);
        assert_eq!(v.len(), 2, "{v:?}");
        assert_eq!(
            v[0].to_string(),
            "preempts 2 allocation(s) of protected job default/shop"
        );
        assert_eq!(
            v[1].to_string(),
            "preempts 1 allocation(s) of protected job prod/db"
        );
    }

    #[test]
    fn a_protected_job_left_unplaced_is_refused_unless_stopped() {
        let p = Protected {
            jobs: vec!["shop".into()],
            namespaces: vec![],
        };
        let mut r = PlanResult::default();
        r.failed_tg_allocs.insert(
            "carts".into(),
            AllocMetric {
                coalesced_failures: 1,
                ..Default::default()
            },
        );
        let blocked = plan("shop", r.clone());
        assert_eq!(
            violations(&blocked, &p, None)
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            ["leaves 2 allocation(s) of protected job \"shop\" (group \"carts\") unplaced"]
        );
        assert!(violations(&plan("other", r.clone()), &p, None).is_empty());
        let mut stopped = plan("shop", r);
        stopped.job.stop = true;
        assert!(violations(&stopped, &p, None).is_empty());
    }

    #[test]
    fn a_refusal_says_how_often_the_sampled_shuffles_give_it() {
        let p = Protected {
            jobs: vec!["shop".into()],
            namespaces: vec![],
        };
        let shop = Hit::Preempts {
            namespace: "default".into(),
            job_id: "shop".into(),
        };
        let mut t = Tally::new();
        for i in 0..10 {
            t.add_sample(if i < 3 { vec![shop.clone()] } else { vec![] });
        }
        // Not in the plan shown, in 3 of 10 others: refused all the same.
        let v = violations(&plan("carts", PlanResult::default()), &p, Some(&t));
        assert_eq!(
            v.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["preempts allocations of protected job default/shop in 30% of 10 node shuffles (none in the plan shown)"]
        );
        // In the plan shown only.
        let r = PlanResult {
            preempted_allocs: vec![victim("shop", "default")],
            ..Default::default()
        };
        let v = violations(&plan("carts", r), &p, Some(&Tally::new()));
        assert_eq!(
            v[0].to_string(),
            "preempts 1 allocation(s) of protected job default/shop with this simulation's node shuffle (in none of 0 others)"
        );
    }
}
