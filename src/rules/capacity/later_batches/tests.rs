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

/// The count said is the batches' bound, beside the all-at-once end
/// state's (roll25): a batch whose every placement fails stalls the
/// deployment with the rest on the old version, so the end state's count
/// is no count of what the batches leave.
#[test]
fn the_count_is_the_batches_bound_beside_the_all_at_once_one() {
    let b = LaterBatch {
        group: "g".into(),
        unplaced: 4,
        up_to: 5,
        shuffles: None,
        untold: None,
        behind: Vec::new(),
    };
    assert_eq!(
        words("web", &b),
        "the rollout's later batches leave up to 5 allocation(s) of job \"web\" (group \"g\") unplaced: the plan shows only the first `max_parallel` batch (or the canaries), and the same job with every destructive update placed at once leaves 4 unplaced, so the deployment cannot finish (how many its batches leave depends on the room each meets: one that places none stalls it with the rest on the old version)"
    );
    // Never a bound below what the end state leaves.
    let past = LaterBatch {
        up_to: 2,
        ..b.clone()
    };
    assert!(words("web", &past).contains(" leave up to 4 allocation(s) "));
    // An unbatched group the end state fails: the batched groups whose
    // later batches meet that shortage are named (rv25-2).
    let beside = LaterBatch {
        group: "a".into(),
        unplaced: 1,
        behind: vec!["g".into()],
        ..b
    };
    assert!(
        words("web", &beside).starts_with("the rollout's later batches of job \"web\" (group \"g\") do not fit beside 1 allocation(s) of job \"web\" (group \"a\"): "),
        "{}",
        words("web", &beside)
    );
}

/// A group other shuffles of the plan shown only cannot tell, whose later
/// batches are refused: one finding, a refusal, saying both (roll25).
#[test]
fn the_later_batches_join_the_group_s_finding_and_a_refusal_wins() {
    let mut f = crate::rules::Finding::error("NP207", "group \"g\" is placed in this evaluation and fails in none of 100 node shuffles, but 3 of 100 cannot tell").as_cannot_tell();
    let b = LaterBatch {
        group: "g".into(),
        unplaced: 0,
        up_to: 2,
        shuffles: Some((5, 100)),
        untold: None,
        behind: Vec::new(),
    };
    add_to(&mut f, "web", &b);
    assert!(!f.cannot_tell, "{f:?}");
    assert!(
        f.message.starts_with("group \"g\" is placed in this evaluation and fails in none of 100 node shuffles, but 3 of 100 cannot tell; and the rollout's later batches leave allocations of job \"web\" (group \"g\") unplaced in 5% of 100 node shuffles"),
        "{}",
        f.message
    );
    // Both cannot tell: it stays "cannot tell".
    let mut g = crate::rules::Finding::error("NP207", "x").as_cannot_tell();
    let untold = LaterBatch {
        untold: Some("why".into()),
        ..b
    };
    add_to(&mut g, "web", &untold);
    assert!(
        g.cannot_tell && g.message.starts_with("x; and cannot tell whether"),
        "{g:?}"
    );
}

/// roll26: an end state that fails in the group order this evaluation
/// drew, where other sampled orders and shuffles place everything, may
/// still finish: its share is said, never "cannot finish"; one failing in
/// every sample is said as before. And the JSON's `StalledGroups`: the
/// group itself, or the batched groups an unbatched one is behind.
#[test]
fn a_failure_of_one_drawn_group_order_is_said_with_its_share() {
    let b = LaterBatch {
        group: "g".into(),
        unplaced: 1,
        up_to: 2,
        shuffles: Some((57, 100)),
        untold: None,
        behind: Vec::new(),
    };
    let w = words("web", &b);
    assert!(
        w.contains("leaves 1 unplaced here, and leaves some unplaced in 57% of 100 node shuffles (Nomad's group order and node shuffle are random), so the deployment may not finish"),
        "{w}"
    );
    assert!(!w.contains("cannot finish"), "{w}");
    let every = LaterBatch {
        shuffles: Some((100, 100)),
        ..b.clone()
    };
    assert!(words("web", &every).contains("leaves 1 unplaced, so the deployment cannot finish"));
    assert_eq!(b.stalled(), vec!["g".to_string()]);
    let beside = LaterBatch {
        group: "a".into(),
        behind: vec!["g".into(), "h".into()],
        ..b
    };
    assert_eq!(beside.stalled(), vec!["g".to_string(), "h".to_string()]);
}
