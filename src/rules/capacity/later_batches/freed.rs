//! Room the rollout's later batches may find later (roll26): an end state
//! that does not fit now is no proof that the deployment cannot finish.
//!
//! A later batch whose placements fail leaves a blocked evaluation
//! (scheduler/generic_sched.go v2.0.5:256-265, v1.10.5 the same rule),
//! and a client reporting an allocation `complete` or `failed` unblocks
//! every blocked evaluation of its node's class (nomad/fsm.go
//! v2.0.5:1053-1076 `applyAllocClientUpdate`): the evaluation runs again,
//! places what now fits and the deployment goes on, unless its
//! `progress_deadline` passed first. Some allocations free their room
//! without anyone's action: a batch or sysbatch job's, which run to
//! completion, and one told to stop that its client still runs (held from
//! 1.4.0, `Allocation::holds_node`), which the client stops. When, is
//! nothing a job file or a world says. So where the end state fits once
//! they are gone, "the deployment cannot finish" would be a wrong
//! refusal: the group cannot be told. Where it still does not fit, the
//! refusal stands: nothing else frees room on its own (a service or
//! system allocation runs until something stops it).

use super::{of_plan, Judged, LaterBatch};
use crate::jobspec::{Job, JobType};
use crate::scheduler::Simulation;
use crate::structs::{Allocation, ClientStatus};

/// Does `a` free its room without anyone's action (see the module)?
fn finishes_alone(a: &Allocation, job: &Job, v: crate::version::NomadVersion) -> bool {
    let own = a.namespace == job.namespace && a.job_id == job.id;
    let runs_to_completion =
        a.is_live() && matches!(a.job_type, JobType::Batch | JobType::Sysbatch) && !own;
    let stopping = !a.is_live() && a.holds_node(v);
    runs_to_completion || stopping
}

/// How many allocations of `sim` free their room on their own.
fn freeing(sim: &Simulation, end: &Job) -> usize {
    let v = sim.world.nomad_version;
    let alone = |a: &&Allocation| finishes_alone(a, end, v);
    sim.state.allocs.iter().filter(alone).count()
}

/// The groups the end state `end` leaves unplaced in `sim` once every
/// allocation that frees its room on its own has finished. A group that
/// cannot be told there (an unstated scheduler setting's other value
/// places it, or the run's end is unknown) is no proof that the room it
/// meets stays short: not among them, so its refusal is "cannot tell".
/// The allocations finish in the unstated settings' other histories too
/// ([`Simulation::changed_alike`], review rv27-1): a spread cluster's
/// history with its batch jobs still running answers another question.
fn left_once_freed(sim: &Simulation, end: &Job) -> Vec<String> {
    left_and_untold_once_freed(sim, end).0
}

/// [`left_once_freed`], with the groups that cannot be told once the room
/// frees and why.
fn left_and_untold_once_freed(sim: &Simulation, end: &Job) -> (Vec<String>, Vec<(String, String)>) {
    let v = sim.world.nomad_version;
    let job = end.clone();
    let later = sim.changed_alike(std::sync::Arc::new(move |state| {
        for a in &mut state.allocs {
            if finishes_alone(a, &job, v) {
                a.client_status = ClientStatus::Complete;
            }
        }
    }));
    let (still, untold): (Vec<LaterBatch>, Vec<LaterBatch>) = of_plan(&later.plan(end), end)
        .into_iter()
        .partition(|b| b.untold.is_none());
    (
        still.into_iter().map(|b| b.group).collect(),
        untold
            .into_iter()
            .map(|b| (b.group, b.untold.unwrap_or_default()))
            .collect(),
    )
}

/// `refused`, the end state's refusals of `end` planned in `at.sim`, with
/// each group the end state places once every allocation that finishes on
/// its own has finished made "cannot tell", saying why. A refusal counted
/// over node shuffles (`shuffles`) is judged so in each shuffle that
/// leaves it unplaced, not in the one drawn here (which may place it, or
/// fail where the others do not): cannot tell only where freed room
/// places it in every one of them, as the drawn refusal is judged in its
/// one (load27).
pub(super) fn judged(at: &Judged<'_>, end: &Job, refused: Vec<LaterBatch>) -> Vec<LaterBatch> {
    let freeing = freeing(at.sim, end);
    if freeing == 0 || refused.iter().all(|b| b.untold.is_some()) {
        return refused;
    }
    let sampled = refused
        .iter()
        .any(|b| b.untold.is_none() && b.shuffles.is_some());
    let drawn = refused
        .iter()
        .any(|b| b.untold.is_none() && b.shuffles.is_none());
    let (still, untold) = if drawn {
        left_and_untold_once_freed(at.sim, end)
    } else {
        Default::default()
    };
    let runs = if sampled {
        let n = refused
            .iter()
            .filter_map(|b| b.shuffles)
            .map(|(_, n)| n)
            .max();
        Some(shuffles_once_freed(at, end, n.unwrap_or(0)).map_err(|e| {
            format!(
                "{freeing} allocation(s) free their room on their own, and the shuffles the refusal was counted over could not be planned again without them ({e}): whether the room they leave places it is unknown"
            )
        }))
    } else {
        None
    };
    refused
        .into_iter()
        .map(|mut b| {
            if b.untold.is_some() {
                return b;
            }
            let rescued = match (&b.shuffles, &runs) {
                (None, _) if still.contains(&b.group) => None,
                (None, _) => Some(match untold.iter().find(|(g, _)| *g == b.group) {
                    Some((_, reason)) => format!(
                        "{freeing} allocation(s) free their room on their own (a batch or sysbatch job's, or one told to stop that its client still runs), and once they have finished whether the same job with every destructive update placed at once fits cannot be told: {reason}"
                    ),
                    None => why(freeing),
                }),
                (Some(_), None) => None,
                // Not planned again (past the sampling budget): the freed
                // room's answer is unknown, so the refusal is too (rv27-8).
                (Some(_), Some(Err(why))) => Some(why.clone()),
                (Some(_), Some(Ok(runs))) => rescued_in_every(runs, &b.group),
            };
            b.untold = rescued;
            b
        })
        .collect()
}

/// One sampled shuffle of the end state: the groups it leaves unplaced
/// now, and those it still leaves once room frees on its own (in a
/// shuffle that leaves none now, not planned again).
type FreedRun = (Vec<String>, Vec<String>);

/// The end state `end` over the first `n` sampled shuffles (the seeds the
/// refusal was counted over: [`crate::rules::priority::sample_runs_n`]),
/// each planned now and, where it leaves something unplaced, once room
/// frees.
fn shuffles_once_freed(
    at: &Judged<'_>,
    end: &Job,
    n: u32,
) -> Result<Vec<FreedRun>, crate::scheduler::sample::SampleError> {
    let world = &*at.sim.world;
    let one = |sim: &Simulation| {
        let now: Vec<String> = of_plan(&sim.plan(end), end)
            .into_iter()
            .filter(|b| b.untold.is_none())
            .map(|b| b.group)
            .collect();
        let still = if now.is_empty() || freeing(sim, end) == 0 {
            now.clone()
        } else {
            left_once_freed(sim, end)
        };
        (now, still)
    };
    let own;
    let shared = match at.replays {
        Some(s) => s,
        None => {
            own = crate::scheduler::replay_cache::Shared::new(world);
            &own
        }
    };
    let seed = at.sim.seed;
    if at.earlier.is_empty() {
        crate::scheduler::sample::sample_read(shared, 0..n, seed, one)
    } else {
        crate::scheduler::sample::sample_after(shared, 0..n, seed, at.earlier, |sim| one(sim))
    }
}

/// Why `group` cannot be told: every sampled shuffle that leaves it
/// unplaced places it once room frees on its own; None where one does not
/// (the refusal stands) or none leaves it unplaced here.
fn rescued_in_every(runs: &[FreedRun], group: &str) -> Option<String> {
    let failing: Vec<&FreedRun> = runs
        .iter()
        .filter(|(now, _)| now.iter().any(|g| g == group))
        .collect();
    let rescued = failing
        .iter()
        .all(|(_, still)| !still.iter().any(|g| g == group));
    (!failing.is_empty() && rescued).then(|| {
        format!(
            "the same job with every destructive update placed at once leaves some unplaced in {} of {} node shuffles sampled, but none once the allocations that free their room on their own (a batch or sysbatch job's, or one told to stop that its client still runs) have finished; a batch that finds no room leaves a blocked evaluation that runs again when a client reports an allocation finished (nomad/fsm.go v2.0.5:1053-1076), so whether the deployment finishes depends on when they do, before its progress_deadline or not",
            failing.len(),
            runs.len()
        )
    })
}

fn why(freeing: usize) -> String {
    format!(
        "the same job with every destructive update placed at once does not fit now, but does once {freeing} allocation(s) that free their room on their own (a batch or sysbatch job's, or one told to stop that its client still runs) have finished; a batch that finds no room leaves a blocked evaluation that runs again when a client reports an allocation finished (nomad/fsm.go v2.0.5:1053-1076), so whether the deployment finishes depends on when they do, before its progress_deadline or not"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::structs::DesiredStatus;

    fn alloc(job_id: &str, t: JobType) -> Allocation {
        Allocation {
            job_id: job_id.into(),
            job_type: t,
            desired_status: DesiredStatus::Run,
            client_status: ClientStatus::Running,
            ..Allocation::default()
        }
    }

    #[test]
    fn a_sampled_refusal_is_untold_only_where_freed_room_places_it_in_every_failing_shuffle() {
        let run = |now: &[&str], still: &[&str]| -> FreedRun {
            let v = |x: &[&str]| x.iter().map(|s| s.to_string()).collect();
            (v(now), v(still))
        };
        let rescued = [run(&["g"], &[]), run(&[], &[]), run(&["g"], &[])];
        let why = rescued_in_every(&rescued, "g").expect("untold");
        assert!(why.contains("in 2 of 3 node shuffles"), "{why}");
        let one_stays = [run(&["g"], &[]), run(&["g"], &["g"])];
        assert_eq!(rescued_in_every(&one_stays, "g"), None);
        // A group no shuffle fails here: the refusal is left as counted.
        assert_eq!(rescued_in_every(&[run(&[], &[])], "g"), None);
    }

    #[test]
    fn only_what_runs_to_completion_or_is_stopping_frees_room_alone() {
        let web = Job {
            id: "web".into(),
            ..Job::default()
        };
        let v = crate::version::NomadVersion::new(1, 10, 5);
        assert!(finishes_alone(&alloc("etl", JobType::Batch), &web, v));
        assert!(finishes_alone(&alloc("once", JobType::Sysbatch), &web, v));
        assert!(!finishes_alone(&alloc("api", JobType::Service), &web, v));
        assert!(!finishes_alone(&alloc("agent", JobType::System), &web, v));
        let mut stopping = alloc("api", JobType::Service);
        stopping.desired_status = DesiredStatus::Stop;
        assert!(finishes_alone(&stopping, &web, v));
        // Before 1.4.0 a stopped allocation holds nothing: nothing to free.
        assert!(!finishes_alone(
            &stopping,
            &web,
            crate::version::NomadVersion::new(1, 3, 0)
        ));
        let mut done = alloc("etl", JobType::Batch);
        done.client_status = ClientStatus::Complete;
        assert!(!finishes_alone(&done, &web, v));
    }
}
