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
}
