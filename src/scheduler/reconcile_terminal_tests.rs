//! [`super::reconcile_group::reconcile_group`] on terminal allocations: a batch
//! job's as Nomad's reconciler reads them (`filterOldTerminalAllocs`,
//! `shouldFilter`), and a stopped job's, which `handleStop` filters out.

use super::reconcile_group::{reconcile_group, Taint, Update, Versions};
use crate::ids::SplitMix64;
use crate::jobspec::{Job, TaskGroup};
use crate::structs::{Allocation, BatchTerminal, ClientStatus, DesiredStatus};

fn job(stop: bool) -> (Job, TaskGroup) {
    let tg = TaskGroup {
        name: "g".into(),
        count: 2,
        ..Default::default()
    };
    let job = Job {
        id: "j".into(),
        stop,
        groups: vec![tg.clone()],
        ..Default::default()
    };
    (job, tg)
}

fn alloc(n: u32, idx: u32, kind: Option<BatchTerminal>, client: ClientStatus) -> Allocation {
    Allocation {
        id: format!("a{n}").into(),
        name: format!("j.g[{idx}]").into(),
        task_group: "g".into(),
        job_version: 1,
        client_status: client,
        batch_terminal: kind,
        ..Default::default()
    }
}

/// Job version `job` planned at 2.0.5.
fn at(job: u64) -> Versions {
    Versions {
        job,
        nomad: crate::version::NomadVersion::new(2, 0, 5),
    }
}

/// Every allocation updated the same way, on an untainted node, no stop
/// delayed.
struct Fixed(Update);

impl super::reconcile_group::Judge for Fixed {
    fn update(&mut self, _: &Allocation, _: &TaskGroup) -> Update {
        self.0
    }

    fn taint(&self, _: &Allocation) -> Taint {
        Taint::Untainted
    }

    fn delayed(&self, _: &Allocation) -> bool {
        false
    }
}

/// (ignore, names placed, stopped) of the group at `version`.
fn reconcile(
    job: &Job,
    tg: Option<&TaskGroup>,
    allocs: &[Allocation],
    version: u64,
) -> (u64, usize, usize) {
    let p = reconcile_group(
        job,
        tg,
        allocs.iter().collect(),
        at(version),
        &mut Fixed(Update::Destructive),
        &mut SplitMix64::new(0),
    );
    (
        p.ignore,
        p.replace.len() + p.place.len(),
        p.stop.len() + p.lost.len() + p.rescheduled.len(),
    )
}

#[test]
fn a_batch_jobs_terminal_allocations_count_only_at_their_version() {
    use BatchTerminal::*;
    let (job, tg) = job(false);
    let allocs = [
        alloc(1, 0, Some(Finished), ClientStatus::Complete),
        alloc(2, 1, Some(Dropped), ClientStatus::Failed),
        alloc(3, 1, Some(Superseded), ClientStatus::Complete),
    ];
    // Same version: the finished one keeps [0]; the dropped and the
    // superseded ones hold no name; only the superseded one is ignored.
    assert_eq!(reconcile(&job, Some(&tg), &allocs, 1), (2, 1, 0));
    // Another version: all three ignored, both names placed.
    assert_eq!(reconcile(&job, Some(&tg), &allocs, 2), (3, 2, 0));
    // A held failed one keeps its name; one due now is stopped, replaced.
    let mut failed = alloc(4, 1, Some(Failed), ClientStatus::Failed);
    let both = [allocs[0].clone(), failed.clone()];
    assert_eq!(reconcile(&job, Some(&tg), &both, 1), (2, 0, 0));
    failed.reschedule_now = true;
    let both = [allocs[0].clone(), failed];
    assert_eq!(reconcile(&job, Some(&tg), &both, 1), (1, 1, 1));
    // A removed group stops every allocation it has (filterAndStopAll).
    assert_eq!(reconcile(&job, None, &allocs, 2), (0, 0, 3));
}

#[test]
fn a_stopped_job_stops_its_live_allocations_only() {
    let (job, tg) = job(true);
    let mut failed = alloc(2, 1, None, ClientStatus::Failed);
    failed.desired_status = DesiredStatus::Run;
    let allocs = [
        alloc(1, 0, None, ClientStatus::Running),
        failed,
        alloc(3, 1, Some(BatchTerminal::Finished), ClientStatus::Complete),
    ];
    assert_eq!(reconcile(&job, Some(&tg), &allocs, 1), (0, 0, 1));
}

#[test]
fn a_reschedule_due_now_is_stopped_from_0_9_4() {
    use super::reconcile_group::stops_rescheduled;
    use crate::version::NomadVersion as V;
    // v0.9.3 scheduler/reconcile.go computeGroup places rescheduleNow
    // without markStop; v0.9.4 adds it.
    assert!(!stops_rescheduled(V::new(0, 9, 0)));
    assert!(!stops_rescheduled(V::new(0, 9, 3)));
    assert!(stops_rescheduled(V::new(0, 9, 4)));
    assert!(stops_rescheduled(V::new(2, 0, 5)));
}

#[test]
fn a_failed_allocation_due_now_is_rescheduled_and_a_removed_groups_stopped() {
    let (job, tg) = job(false);
    let mut failed = alloc(1, 1, None, ClientStatus::Failed);
    failed.reschedule_now = true;
    let allocs = [alloc(2, 0, None, ClientStatus::Running), failed];
    let plan = |tg| {
        reconcile_group(
            &job,
            tg,
            allocs.iter().collect(),
            at(1),
            &mut Fixed(Update::InPlace),
            &mut SplitMix64::new(0),
        )
    };
    let p = plan(Some(&tg));
    assert_eq!(
        (p.rescheduled.len(), p.lost.len(), p.replace.len()),
        (1, 0, 1)
    );
    let p = plan(None);
    assert_eq!((p.rescheduled.len(), p.lost.len(), p.stop.len()), (0, 1, 1));
}

/// computeStop (scheduler/reconcile.go, reconciler/reconcile_cluster.go):
/// 3 → 1 with `[2]` due: Highest(1) names the due one's index, so which
/// running one stops is Go's map order (a draw, its odds kept); with `[0]`
/// due the highest running one, `[2]`, stops and nothing is drawn.
#[test]
fn a_shrinking_group_stops_by_the_name_index_then_by_map_order() {
    let (mut job, mut tg) = job(false);
    tg.count = 1;
    job.groups = vec![tg.clone()];
    let running = |n, idx| {
        let mut a = alloc(n, idx, None, ClientStatus::Running);
        a.job_version = 0;
        a
    };
    let mut due = alloc(3, 2, None, ClientStatus::Failed);
    due.reschedule_now = true;
    let plan = |allocs: &[Allocation]| {
        let p = reconcile_group(
            &job,
            Some(&tg),
            allocs.iter().collect(),
            at(1),
            &mut Fixed(Update::InPlace),
            &mut SplitMix64::new(7),
        );
        let stopped: Vec<String> = p.stop.iter().map(|a| a.name.to_string()).collect();
        (stopped, p.replace.len(), p.inplace.len(), p.stop_chance)
    };
    let (stopped, replaced, inplace, chance) = plan(&[running(1, 0), running(2, 1), due.clone()]);
    assert_eq!(
        (stopped.len(), replaced, inplace, chance),
        (1, 1, 1, Some((2, 1)))
    );
    due.name = "j.g[0]".into();
    let (stopped, replaced, inplace, chance) = plan(&[due, running(1, 1), running(2, 2)]);
    assert_eq!(stopped, ["j.g[2]"]);
    assert_eq!((replaced, inplace, chance), (1, 1, None));
}
