//! The gate's verdicts on hand-built plans (cli/plan/policy.rs).

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
        later_batches: Vec::new(),
        later_unseen: None,
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
    let v = violations(&plan("carts", r), &p, None, None);
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
        violations(&blocked, &p, None, None)
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["leaves 2 allocation(s) of protected job \"shop\" (group \"carts\") unplaced"]
    );
    assert!(violations(&plan("other", r.clone()), &p, None, None).is_empty());
    let mut stopped = plan("shop", r);
    stopped.job.stop = true;
    assert!(violations(&stopped, &p, None, None).is_empty());
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
    let v = violations(&plan("carts", PlanResult::default()), &p, Some(&t), None);
    assert_eq!(
        v.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["preempts allocations of protected job default/shop in 30% of 10 node shuffles (none in `nomad job run` of the plan shown)"]
    );
    // In the plan shown only.
    let r = PlanResult {
        preempted_allocs: vec![victim("shop", "default")],
        ..Default::default()
    };
    let v = violations(&plan("carts", r), &p, Some(&Tally::new()), None);
    assert_eq!(
        v[0].to_string(),
        "preempts 1 allocation(s) of protected job default/shop with this simulation's node shuffle (in none of 0 others)"
    );
}

/// A protected group some shuffles cannot tell is "cannot tell", not a
/// refusal; one some shuffle leaves unplaced is refused whatever others
/// cannot tell.
#[test]
fn untold_shuffles_are_no_refusal_unless_another_refuses() {
    let p = Protected {
        jobs: vec!["shop".into()],
        namespaces: vec![],
    };
    let untold = Hit::Untold { group: "g".into() };
    let blocked = Hit::Blocked { group: "g".into() };
    let mut t = Tally::new();
    for i in 0..10 {
        t.add_sample(if i < 4 { vec![untold.clone()] } else { vec![] });
    }
    let v = violations(&plan("shop", PlanResult::default()), &p, Some(&t), None);
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(v[0].is_untold());
    assert!(v[0]
        .to_string()
        .starts_with("cannot tell whether protected job \"shop\" (group \"g\") is placed: no node shuffle sampled leaves it unplaced for sure, but 4 of 10 cannot tell ("));
    assert_eq!(v[0].json()["Refusal"], "cannot-tell");
    t.add_sample(vec![blocked]);
    let v = violations(&plan("shop", PlanResult::default()), &p, Some(&t), None);
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(matches!(v[0], Violation::Blocked { .. }), "{v:?}");
}

/// The plan shown is read as every shuffle is (`hits`): a protected
/// group whose placement Nomad's plan applier drops, and whose retries
/// end with it blocked, is left unplaced by `nomad job run` of the plan
/// shown, though the scheduler placed it (no `failed_tg_allocs`). The
/// gate read only the scheduler's failures there and refused nothing.
#[test]
fn a_group_the_applier_drops_from_the_plan_shown_is_refused_with_its_count() {
    use crate::scheduler::applier::{Reason, Rejection};
    use crate::scheduler::{Placement, Retried, RetryEnd};
    let p = Protected {
        jobs: vec!["shop".into()],
        namespaces: vec![],
    };
    let placed = |node: &str| Placement {
        alloc: crate::structs::Allocation {
            task_group: "carts".into(),
            node_id: node.into(),
            ..Default::default()
        },
        preempts: Vec::new(),
        in_place: false,
    };
    let r = PlanResult {
        placements: vec![placed("n1"), placed("n1"), placed("n2")],
        rejected: vec![Rejection {
            node: "c-1".into(),
            node_id: "n1".into(),
            reason: Reason::NotReady,
            groups: vec!["carts".into()],
        }],
        retried: Some(Retried {
            plans: 2,
            end: RetryEnd::Blocked(vec!["carts".into()]),
            first: Vec::new(),
            preempted: Vec::new(),
        }),
        ..Default::default()
    };
    let v = violations(&plan("shop", r), &p, Some(&Tally::new()), None);
    assert_eq!(
        v.iter().map(ToString::to_string).collect::<Vec<_>>(),
        ["leaves 2 allocation(s) of protected job \"shop\" (group \"carts\") unplaced with this simulation's node shuffle (in none of 0 others)"]
    );
    assert_eq!(v[0].json()["InPlanShown"], 2);
}

/// A submission the servers refuse before registering it commits
/// nothing (nomad/job_endpoint.go v2.0.5:232 returns before :358's
/// raftApply): no preemption or unplaced group of the plan shown is the
/// policy's, whatever the shuffles would say; the gate refuses the
/// submission itself ("submission will fail").
#[test]
fn a_submission_refused_before_registration_commits_nothing() {
    let p = Protected {
        jobs: vec!["shop".into()],
        namespaces: vec![],
    };
    let mut r = PlanResult {
        preempted_allocs: vec![victim("shop", "default")],
        ..Default::default()
    };
    r.failed_tg_allocs
        .insert("carts".into(), AllocMetric::default());
    let mut refused = plan("shop", r);
    assert_eq!(violations(&refused, &p, None, None).len(), 2);
    refused.admission = crate::planner::Admission::WillFail {
        reason: "cannot update job from type \"batch\" to \"service\"".into(),
        scheduled: true,
    };
    let mut t = Tally::new();
    t.add_sample(vec![Hit::Blocked {
        group: "carts".into(),
    }]);
    assert!(violations(&refused, &p, Some(&t), None).is_empty());
}

/// Nothing refused over samples whose bound is over 5% (a budget's cut to
/// 10 shuffles, "under 30%"): the gate cannot tell, never a pass; at 60
/// shuffles or more, nothing is said here (the pass says its bound).
#[test]
fn a_weak_bound_is_the_gates_cannot_tell() {
    let p = Protected {
        jobs: vec!["shop".into()],
        namespaces: vec![],
    };
    let shop = plan("shop", PlanResult::default());
    let weak = crate::unseen::Unseen { samples: 10 };
    let v = violations(&shop, &p, Some(&Tally::new()), Some(weak));
    assert_eq!(v.len(), 1);
    assert!(v[0].is_untold(), "{v:?}");
    assert_eq!(v[0].json()["Refusal"], "cannot-tell");
    let line = v[0].to_string();
    assert!(
        line.starts_with(
            "cannot tell whether the policy passes: protected job \"shop\" is left unplaced"
        ) && line.contains("in none of 10 node shuffles sampled")
            && line.contains("under 30%"),
        "{line}"
    );
    let tight = crate::unseen::Unseen { samples: 60 };
    assert!(violations(&shop, &p, Some(&Tally::new()), Some(tight)).is_empty());
    // A refusal is said whatever the bound of the rest.
    let mut t = Tally::new();
    t.add_sample(vec![Hit::Blocked {
        group: "shop".into(),
    }]);
    let v = violations(&shop, &p, Some(&t), Some(weak));
    assert!(v.iter().all(|v| !v.is_untold()) && !v.is_empty(), "{v:?}");
}

/// A group the rollout's later batches refuse, which some shuffles of the
/// plan shown leave unplaced and others cannot tell: one refusal, the
/// sampled share joined into it, and no "cannot tell" beside it (rv25-5:
/// a refused plan is never marked CannotTell).
#[test]
fn a_later_batches_refusal_is_no_cannot_tell_for_its_untold_shuffles() {
    let p = Protected {
        jobs: vec!["shop".into()],
        namespaces: vec![],
    };
    let mut shop = plan("shop", PlanResult::default());
    shop.later_batches = vec![crate::rules::capacity::later_batches::LaterBatch {
        group: "g".into(),
        unplaced: 1,
        up_to: 1,
        shuffles: None,
        untold: None,
        behind: Vec::new(),
    }];
    let mut t = Tally::new();
    for i in 0..10 {
        t.add_sample(match i {
            0..=2 => vec![Hit::Blocked { group: "g".into() }],
            3..=5 => vec![Hit::Untold { group: "g".into() }],
            _ => vec![],
        });
    }
    let v = violations(&shop, &p, Some(&t), None);
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(!v[0].is_untold(), "{v:?}");
    assert!(
        matches!(
            &v[0],
            Violation::LaterBatches {
                first: Some((_, false)),
                ..
            }
        ),
        "{v:?}"
    );
}
