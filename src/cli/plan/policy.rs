//! The CI gate: plans the world's policy refuses (`protected { jobs
//! namespaces }` in `policy.hcl`), whatever else they change.

use crate::world::Protected;

use super::JobPlan;

/// One refusal, worded for the person whose change caused it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Violation {
    /// The plan preempts allocations of a protected job.
    Preempts {
        namespace: String,
        job_id: String,
        count: usize,
    },
    /// A protected job's own plan leaves allocations unplaced.
    Blocked {
        job_id: String,
        group: String,
        count: u64,
    },
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Violation::Preempts {
                namespace,
                job_id,
                count,
            } => write!(
                f,
                "preempts {count} allocation(s) of protected job {namespace}/{job_id}"
            ),
            Violation::Blocked {
                job_id,
                group,
                count,
            } => write!(
                f,
                "leaves {count} allocation(s) of protected job {job_id:?} (group {group:?}) unplaced"
            ),
        }
    }
}

/// What the policy refuses in one plan. Stopping a protected job (deleting
/// its file) is not refused: that is a decision, not a side effect.
pub fn violations(plan: &JobPlan, protected: &Protected) -> Vec<Violation> {
    let mut out: Vec<Violation> = Vec::new();
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
            });
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
            job_priority: 10,
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
        let v = violations(&plan("carts", r), &p);
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
            violations(&blocked, &p)
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            ["leaves 2 allocation(s) of protected job \"shop\" (group \"carts\") unplaced"]
        );
        assert!(violations(&plan("other", r.clone()), &p).is_empty());
        let mut stopped = plan("shop", r);
        stopped.job.stop = true;
        assert!(violations(&stopped, &p).is_empty());
    }
}
