use super::*;
use crate::cluster::{AllocResources, ClientStatus, DesiredStatus, NodeNetwork};

fn node() -> Node {
    Node {
        id: "n1".into(),
        cpu: 1000,
        memory_mb: 1000,
        disk_mb: 1000,
        eligible: true,
        networks: vec![NodeNetwork {
            device: "eth0".into(),
            mbits: 100,
            ..NodeNetwork::default()
        }],
        ..Node::default()
    }
}

fn alloc(id: &str, cpu: i64) -> Allocation {
    Allocation {
        id: id.into(),
        node_id: "n1".into(),
        desired_status: DesiredStatus::Run,
        client_status: ClientStatus::Running,
        resources: AllocResources {
            cpu,
            memory_mb: 10,
            ..AllocResources::default()
        },
        ..Allocation::default()
    }
}

#[test]
fn rejects_a_node_that_no_longer_fits_and_keeps_one_that_does() {
    let state = State {
        nodes: vec![node()].into(),
        allocs: vec![alloc("old", 600), alloc("victim", 100)],
        ..State::default()
    };
    // Too few victims picked: 600 + 500 > 1000 even after evicting 100.
    let mut plan = Plan::default();
    plan.placed.push(0, alloc("new", 500));
    plan.preempted.push((alloc("victim", 100), "new".into()));
    let by_node = super::super::node_allocs::live_by_node(&state);
    let rejected = rejections(&state, &plan, &by_node, NomadVersion::CURRENT);
    assert_eq!(rejected.len(), 1);
    let reason = Reason::Exhausted {
        dimension: "cpu",
        used: 1100,
        usable: 1000,
    };
    assert_eq!(rejected[0].1.reason, reason);
    assert_eq!(rejected[0].1.groups, vec![String::new()]);
    drop_rejected(&mut plan, &rejected, false);
    assert!(plan.placed.is_empty() && plan.preempted.is_empty());

    let mut ok = Plan::default();
    ok.placed.push(0, alloc("new", 300));
    ok.stops.push(alloc("victim", 100));
    assert!(rejections(&state, &ok, &by_node, NomadVersion::CURRENT).is_empty());
    assert_eq!(ok.placed.node_count(), 1);
}

/// An in-place update alone on an ineligible node: the applier refused
/// it until #12264 (1.1.13, 1.2.7, 1.3.0) passed such a node plan
/// (`AllocSubset`) before the eligibility check; a new placement there
/// is refused at every release.
#[test]
fn an_in_place_update_on_an_ineligible_node_passes_from_the_fix() {
    let state = State {
        nodes: vec![Node {
            eligible: false,
            ..node()
        }]
        .into(),
        allocs: vec![alloc("old", 600)],
        ..State::default()
    };
    let by_node = super::super::node_allocs::live_by_node(&state);
    let mut in_place = Plan::default();
    in_place.placed.push(0, alloc("old", 600));
    let v = NomadVersion::new;
    for (version, refused) in [
        (v(1, 0, 18), true),
        (v(1, 1, 12), true),
        (v(1, 1, 13), false),
        (v(1, 2, 6), true),
        (v(1, 2, 7), false),
        (v(2, 0, 5), false),
    ] {
        let r = rejections(&state, &in_place, &by_node, version);
        assert_eq!(!r.is_empty(), refused, "{version}");
        if refused {
            assert_eq!(r[0].1.reason, Reason::NotEligible, "{version}");
        }
    }
    let mut new = Plan::default();
    new.placed.push(0, alloc("new", 100));
    let r = rejections(&state, &new, &by_node, NomadVersion::CURRENT);
    assert_eq!(r.first().map(|r| &r.1.reason), Some(&Reason::NotEligible));
}

/// With `all_at_once`, one rejected node loses the whole plan: the
/// placement on a node that fits goes too
/// (plan_apply.go v2.0.5:626-635); without it only the node's part.
#[test]
fn all_at_once_drops_the_whole_plan() {
    let n2 = Node {
        id: "n2".into(),
        ..node()
    };
    let state = State {
        nodes: vec![node(), n2].into(),
        allocs: vec![alloc("old", 600)],
        ..State::default()
    };
    let by_node = super::super::node_allocs::live_by_node(&state);
    let plan = || {
        let mut p = Plan::default();
        p.placed.push(0, alloc("big", 500));
        let mut fits = alloc("small", 100);
        fits.node_id = "n2".into();
        fits.task_group = "h".into();
        p.placed.push(1, fits);
        p
    };
    let mut whole = plan();
    let rejected = rejections(&state, &whole, &by_node, NomadVersion::CURRENT);
    assert_eq!(rejected.len(), 1);
    assert_eq!(
        whole_plan_groups(&whole, &rejected, true),
        vec![String::new(), "h".to_string()]
    );
    assert!(whole_plan_groups(&whole, &rejected, false).is_empty());
    drop_rejected(&mut whole, &rejected, true);
    assert!(whole.placed.is_empty() && whole.placements().is_empty());
    let mut part = plan();
    drop_rejected(&mut part, &rejected, false);
    assert_eq!(part.placed.node_count(), 1);
}

/// Only a node over its resources blames preemption; an ineligible
/// node's help says how to make it eligible.
#[test]
fn help_follows_the_reason() {
    let r = |reason| Rejection {
        node: "c-1".into(),
        node_id: "n1".into(),
        reason,
        groups: vec![],
    };
    let exhausted = r(Reason::Exhausted {
        dimension: "memory",
        used: 2,
        usable: 1,
    });
    assert!(exhausted.help().contains("preemption"));
    for other in [
        Reason::NotEligible,
        Reason::Draining,
        Reason::PortCollision { port: 80 },
        Reason::MaxAllocs { count: 3, max: 2 },
    ] {
        let h = r(other).help();
        assert!(!h.contains("preemption"), "{h}");
    }
    assert!(r(Reason::NotEligible)
        .help()
        .contains("eligibility -enable"));
}

/// Up to 1.0 a draining node is refused (`node is draining`,
/// plan_apply.go v1.0.18); from 1.1.0 the check is gone.
#[test]
fn a_draining_node_is_refused_up_to_1_0() {
    let state = State {
        nodes: vec![Node {
            drain: true,
            ..node()
        }]
        .into(),
        ..State::default()
    };
    let by_node = super::super::node_allocs::live_by_node(&state);
    let mut plan = Plan::default();
    plan.placed.push(0, alloc("new", 100));
    let r = rejections(&state, &plan, &by_node, NomadVersion::new(1, 0, 18));
    assert_eq!(r.first().map(|r| &r.1.reason), Some(&Reason::Draining));
    assert!(rejections(&state, &plan, &by_node, NomadVersion::new(1, 1, 0)).is_empty());
}

/// The preempted allocations are subtracted at every release
/// (`NodePreemptions`, plan_apply.go v0.9.3:608).
#[test]
fn preemptions_are_subtracted_at_0_9_3() {
    let state = State {
        nodes: vec![node()].into(),
        allocs: vec![alloc("old", 600), alloc("victim", 400)],
        ..State::default()
    };
    let by_node = super::super::node_allocs::live_by_node(&state);
    let mut plan = Plan::default();
    plan.placed.push(0, alloc("new", 400));
    plan.preempted.push((alloc("victim", 400), "new".into()));
    assert!(rejections(&state, &plan, &by_node, NomadVersion::new(0, 9, 3)).is_empty());
    let mut kept = Plan::default();
    kept.placed.push(0, alloc("new", 400));
    let r = rejections(&state, &kept, &by_node, NomadVersion::new(0, 9, 3));
    let reason = Reason::Exhausted {
        dimension: "cpu",
        used: 1400,
        usable: 1000,
    };
    assert_eq!(r.first().map(|r| &r.1.reason), Some(&reason));
}

/// The worker's limit per scheduler (`retryMax`'s limit):
/// `maxServiceScheduleAttempts` 5 and `maxBatchScheduleAttempts` 2
/// (scheduler/generic_sched.go v0.9.0:17-21, v2.0.5:27-31),
/// `maxSystemScheduleAttempts` 5 (system_sched.go v0.9.0:16,
/// scheduler_system.go v2.0.5:26), `maxSysBatchScheduleAttempts` 2
/// (scheduler_system.go v1.2.0:20, scheduler_sysbatch.go v2.0.5:22); the
/// same figures at every release read in between. Only a batch or
/// service (generic) evaluation that runs out leaves a blocked one.
#[test]
fn the_attempts_are_each_schedulers_own() {
    use crate::jobspec::JobType::*;
    let got = [Service, Batch, System, Sysbatch].map(|t| (max_attempts(t), blocks(t)));
    assert_eq!(got, [(5, true), (2, true), (5, false), (2, false)]);
}

/// How the retries end decides whether the run's outcome is told: a
/// blocked evaluation (or every allocation placed) is; the worker's limit,
/// our own budget, or no replay is not (rv17 4), and the line says which.
#[test]
fn the_end_of_the_retries_is_told_only_where_the_model_stands_by_it() {
    use crate::jobspec::JobType;
    use crate::scheduler::{PlanResult, Retried, RetryEnd};
    let rejected = vec![Rejection {
        node: "n1".into(),
        node_id: "n1".into(),
        reason: Reason::NotReady,
        groups: vec!["g".into()],
    }];
    let with = |end: Option<(u32, RetryEnd)>| PlanResult {
        rejected: rejected.clone(),
        retried: end.map(|(plans, end)| Retried {
            plans,
            end,
            first: Vec::new(),
            preempted: Vec::new(),
        }),
        ..PlanResult::default()
    };
    assert_eq!(PlanResult::default().retries_untold(JobType::Service), None);
    let blocked = with(Some((3, RetryEnd::Blocked(vec!["g".into()]))));
    assert_eq!(blocked.retries_untold(JobType::Service), None);
    let limit = with(Some((2, RetryEnd::Exhausted)));
    let line = limit.retries_untold(JobType::Batch).unwrap_or_default();
    assert!(line.starts_with("cannot tell how `nomad job run` of this plan ends: in the model the retries end after 2 plans, the last 2 rejected in a row without progress, where Nomad's worker fails the evaluation (\"maximum attempts reached (2)\") and leaves a blocked evaluation, but"), "{line}");
    let line = limit.retries_untold(JobType::Sysbatch).unwrap_or_default();
    assert!(
        line.contains("(\"maximum attempts reached (2)\"), but"),
        "{line}"
    );
    let cut = with(Some((PLAN_BUDGET, RetryEnd::Exhausted)));
    let line = cut.retries_untold(JobType::Service).unwrap_or_default();
    assert!(line.contains("cut at its own budget of 64 plans"), "{line}");
    let line = with(None)
        .retries_untold(JobType::System)
        .unwrap_or_default();
    assert!(
        line.contains(
            "does not replay the worker's retries of it (Nomad's worker gives up after 5 plans"
        ),
        "{line}"
    );
    // The applier's line carries it, not Nomad's words as the outcome.
    let rejected_line = limit.rejected_line(JobType::Batch).unwrap_or_default();
    assert!(rejected_line.ends_with(&limit.retries_untold(JobType::Batch).unwrap_or_default()));
}
