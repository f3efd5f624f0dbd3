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
        ["preempts allocations of protected job default/shop in 30% of 10 node shuffles (none in `nomad job run` of the plan shown)"]
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
    let v = violations(&plan("shop", PlanResult::default()), &p, Some(&t));
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(v[0].is_untold());
    assert!(v[0]
        .to_string()
        .starts_with("cannot tell whether protected job \"shop\" (group \"g\") is placed: no node shuffle sampled leaves it unplaced for sure, but 4 of 10 cannot tell ("));
    assert_eq!(v[0].json()["Refusal"], "cannot-tell");
    t.add_sample(vec![blocked]);
    let v = violations(&plan("shop", PlanResult::default()), &p, Some(&t));
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(matches!(v[0], Violation::Blocked { .. }), "{v:?}");
}
