//! The one decision "no sample failed and no bound proves the plan: sample
//! ten times more, and say the bound" (R22-A-2), which `check`
//! (`RuleContext::sampled`), both plan gates (`cli::plan::policy::sample`)
//! and `plan --samples` (`cli::plan::samples::sampled_and_judged`) each
//! wrote with its own predicate, so that a plan one of them bounded
//! another sampled a hundred times and passed bare.

use crate::jobspec::Job;
use crate::scheduler::sample::SampleError;
use crate::unseen::Unseen;
use crate::world::World;

/// The weakest bound a pass over samples only may rest on: 5% of Nomad's
/// evaluations, which the rule of three reaches at 60 shuffles sampled
/// ([`PASSING_SAMPLES`]). The resample takes 1,000 where the budget
/// allows ([`super::unseen_samples_of`]: "under 0.3%"); a budget cut by
/// many earlier changes (10,000 replays shared by each change's
/// submissions) or by a large job leaves as few as 10 ("under 30%"), and
/// a gate that passed a change that fails one deploy in four would be the
/// confident all-clear a preflight must never give. 5% is the share of
/// failures an operator gating every deploy would still call rare (one
/// deploy in twenty), and the 95% confidence the bound is given at.
/// Below it, every reader says it cannot tell ([`too_weak`]).
pub const WEAKEST_BOUND: f64 = 0.05;

/// The fewest shuffles whose bound [`WEAKEST_BOUND`] passes (3/60).
pub const PASSING_SAMPLES: u32 = 60;

/// Is `u`'s bound too weak to pass on ([`WEAKEST_BOUND`])? The one test
/// `check`'s NP207 advice and both plan gates ask of a sample that saw no
/// failure: where it holds, the change is neither passed nor refused but
/// "cannot tell" (`plan` exits 255, `check` 2), in every format.
pub fn too_weak(u: Unseen) -> bool {
    u.bound() > WEAKEST_BOUND
}

/// What every reader says of `u` where it is [`too_weak`]: "cannot tell
/// whether `what` ...", the bound, and why so few (NP207's advice, the
/// gates' `WeakBound`).
pub fn weak_line(u: Unseen, what: &str) -> String {
    format!(
        "cannot tell whether {what}: in none of {} node shuffles sampled (the sampling budget's cut: earlier changes or the job's size), so in under {} of them at 95% confidence (rule of three), more than the {} a pass over samples may leave; {PASSING_SAMPLES} shuffles at least are needed",
        u.samples,
        crate::unseen::percent_up(u.bound()),
        crate::unseen::percent(WEAKEST_BOUND),
    )
}

/// A job's samples, taken again and more where [`resample`] asks it.
#[derive(Debug, Clone)]
pub struct Resampled<T> {
    /// What each shuffle gave, in seed order.
    pub runs: Vec<T>,
    /// Where none of `runs` failed and the bound is asked, how far they
    /// go: the line every reader says ([`Unseen::line`]).
    pub unseen: Option<Unseen>,
}

/// Where none of the `first` samples of `job` (after `earlier` planned
/// changes, in `world`) `failed` and `bound_asked` (the consumer's
/// [`crate::rules::capacity::unplaceable_group::bound_asked`], asked only
/// then: the room bound is costly), sample again: as many as
/// [`super::unseen_samples_of`] gives (ten times the first, at least
/// `asked`, within the job's budget): `first` and, through `run`, the
/// shuffles after them (`run(first.len()..m)`, the same seeds). Sampling
/// is deterministic by seed, so the first ones are not planned again: 13
/// files of the 658-file corpus are sampled again, and each planned its
/// first 100 shuffles twice (1,300 of 17,600 sampled plans, BENCHMARKS.md
/// stop 66). Where none of those fails
/// either, their bound ([`Resampled::unseen`]). Otherwise `first`, no
/// bound: a failure seen is said with its share by the consumer.
pub fn resample<T>(
    (world, earlier, job): (&World, usize, &Job),
    asked: u32,
    first: Vec<T>,
    failed: impl Fn(&T) -> bool,
    bound_asked: impl FnOnce() -> bool,
    run: impl FnOnce(std::ops::Range<u32>) -> Result<Vec<T>, SampleError>,
) -> Result<Resampled<T>, SampleError> {
    let count = |runs: &[T]| u32::try_from(runs.len()).unwrap_or(u32::MAX);
    if first.is_empty() || first.iter().any(&failed) || !bound_asked() {
        return Ok(Resampled {
            runs: first,
            unseen: None,
        });
    }
    let n = count(&first);
    let more = super::unseen_samples_of(world, earlier, job, n, asked);
    let runs = if more > n {
        let mut all = first;
        all.extend(run(n..more)?);
        all
    } else {
        first
    };
    let unseen = (!runs.is_empty() && !runs.iter().any(&failed)).then(|| Unseen {
        samples: count(&runs),
    });
    Ok(Resampled { runs, unseen })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::{filler, load, small_world};

    fn job() -> (World, Job) {
        let w = small_world(true);
        let parsed = load("j.nomad", &filler("j", 2, 100));
        (w, parsed.job.expect("job"))
    }

    /// Asked only where none of the first samples failed; sampled again
    /// only where it holds; bounded only where none of the second failed.
    #[test]
    fn sampled_more_and_bounded_only_where_nothing_failed_and_nothing_proves() {
        let (w, job) = job();
        let asked = std::cell::Cell::new(0);
        let ask = |v: bool| {
            asked.set(asked.get() + 1);
            v
        };
        let first = || vec![false; 100];
        // A failure seen: the predicate is not asked, nothing is run again.
        let mut seen = first();
        seen[7] = true;
        let r = resample(
            (&w, 0, &job),
            0,
            seen,
            |f| *f,
            || ask(true),
            |_| panic!("run"),
        )
        .expect("first");
        assert_eq!((r.runs.len(), r.unseen, asked.get()), (100, None, 0));
        // Refused, cannot tell or proven by the room bound: the predicate
        // says no, and no bound is said over the first samples either.
        let r = resample(
            (&w, 0, &job),
            0,
            first(),
            |f| *f,
            || ask(false),
            |_| panic!("run"),
        )
        .expect("first");
        assert_eq!((r.runs.len(), r.unseen, asked.get()), (100, None, 1));
        // Nothing failed, nothing proves: ten times as many, bounded.
        let r = resample(
            (&w, 0, &job),
            0,
            first(),
            |f| *f,
            || ask(true),
            |r| Ok(vec![false; r.len()]),
        )
        .expect("more");
        assert_eq!(r.unseen, Some(Unseen { samples: 1000 }));
        // A failure among the more: no bound, the share is the consumer's.
        let r = resample(
            (&w, 0, &job),
            0,
            first(),
            |f| *f,
            || ask(true),
            |r| {
                // Only the shuffles after the first hundred are asked:
                // the first are `first`, not planned again.
                assert_eq!(r, 100..1000);
                let mut v = vec![false; r.len()];
                v[400] = true;
                Ok(v)
            },
        )
        .expect("more");
        assert_eq!((r.runs.len(), r.unseen), (1000, None));
        // `--samples 5000` buys the gate a tighter bound.
        let r = resample(
            (&w, 0, &job),
            5000,
            first(),
            |f| *f,
            || true,
            |r| Ok(vec![false; r.len()]),
        )
        .expect("asked");
        assert_eq!(r.unseen, Some(Unseen { samples: 5000 }));
    }

    /// 60 shuffles are the fewest whose bound passes; 59 and the budget's
    /// floor of 10 ("under 30%") cannot tell.
    #[test]
    fn a_bound_over_five_percent_is_too_weak() {
        assert!(!too_weak(Unseen {
            samples: PASSING_SAMPLES
        }));
        assert!(too_weak(Unseen {
            samples: PASSING_SAMPLES - 1
        }));
        assert!(too_weak(Unseen {
            samples: super::super::MIN_SAMPLES
        }));
        assert!(!too_weak(Unseen { samples: 1000 }));
        assert!(
            (3.0 / f64::from(PASSING_SAMPLES) - WEAKEST_BOUND).abs() < 1e-12,
            "the two constants say one threshold"
        );
        let weak = weak_line(Unseen { samples: 10 }, "group \"web\" is left unplaced");
        assert!(
            weak.starts_with("cannot tell whether group \"web\" is left unplaced: in none of 10 node shuffles sampled"),
            "{weak}"
        );
        assert!(
            weak.contains("under 30% of them") && weak.contains("the 5% a pass"),
            "{weak}"
        );
    }
}
