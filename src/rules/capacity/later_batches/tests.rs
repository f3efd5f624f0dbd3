//! The end state's count and samples (R22-A-3 follow-ups, roll24).

use super::*;
use crate::scheduler::applier::{Reason, Rejection};
use crate::scheduler::{Retried, RetryEnd};

fn job() -> Job {
    Job {
        id: "web".into(),
        ..Job::default()
    }
}

fn rejected(group: &str) -> Rejection {
    Rejection {
        node: "c-1".into(),
        node_id: "n1".into(),
        reason: Reason::NotReady,
        groups: vec![group.into()],
    }
}

/// A group the end state places but Nomad's plan applier drops (its
/// retries leaving a blocked evaluation) is unplaced, as the plan shown's
/// would be: the end state counted `failed_tg_allocs` alone.
#[test]
fn the_applier_s_rejection_of_the_end_state_is_counted() {
    let after = PlanResult {
        rejected: vec![rejected("g")],
        retried: Some(Retried {
            plans: 2,
            end: RetryEnd::Blocked(vec!["g".into()]),
            first: Vec::new(),
            preempted: Vec::new(),
        }),
        ..PlanResult::default()
    };
    let got = of_plan(&after, &job());
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].group, "g");
    assert!(got[0].untold.is_none(), "{got:?}");
}

/// Where the retries' end cannot be told, the group is a "cannot tell",
/// never a pass.
#[test]
fn an_end_state_whose_run_cannot_be_told_is_said_so() {
    let after = PlanResult {
        rejected: vec![rejected("g")],
        ..PlanResult::default()
    };
    let got = of_plan(&after, &job());
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].untold.is_some(), "{got:?}");
    assert!(words("web", &got[0]).starts_with(
        "cannot tell whether the rollout's later batches place every allocation of job \"web\" (group \"g\"): "
    ));
}

#[test]
fn samples_refuse_a_group_any_shuffle_leaves_unplaced_with_its_share() {
    let g = || vec!["g".to_string()];
    let mut runs = vec![(Vec::new(), Vec::new()); 7];
    runs.extend([(g(), Vec::new()), (g(), Vec::new()), (Vec::new(), g())]);
    runs.push((Vec::new(), vec!["h".to_string()]));
    let got = tally(&runs);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(
        (got[0].group.as_str(), got[0].shuffles),
        ("g", Some((2, 11)))
    );
    assert!(got[0].untold.is_none());
    assert_eq!(
        words("web", &got[0]),
        "the rollout's later batches leave allocations of job \"web\" (group \"g\") unplaced in 18% of 11 node shuffles (none in the end state planned here): the plan shows only the first `max_parallel` batch (or the canaries), and the same job with every destructive update placed at once does not fit, so the deployment cannot finish"
    );
    assert_eq!(
        (got[1].group.as_str(), got[1].shuffles),
        ("h", Some((1, 11)))
    );
    assert!(got[1]
        .untold
        .as_deref()
        .is_some_and(|w| w.starts_with("1 of 11 node shuffles sampled cannot tell")));
    assert!(tally(&[(Vec::new(), Vec::new())]).is_empty());
}
