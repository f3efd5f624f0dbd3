//! The worker's retries of a plan the applier did not commit whole
//! (`retryMax` with its `reset` callback, scheduler/util.go v0.9.3:268-298,
//! v1.0.0:277-307, v1.4.0:391-421, v2.0.5:67-97; the same rule at every
//! release read). After a partial commit the scheduler plans again against
//! the refreshed state (generic_sched.go `process`: a `RefreshIndex` gives a
//! new state and `false`). A submission that made progress
//! (`progressMade`: the result committed an allocation, placed or updated,
//! a stop, a Deployment or a deployment update) resets the count; only
//! `max` submissions in a row without progress fail the evaluation with
//! "maximum attempts reached (max)". The generic and system schedulers
//! both pass `progressMade` as the reset (generic_sched.go v0.9.3:144-149,
//! v2.0.5:138-143; system_sched.go v0.9.3:73-74, scheduler_system.go
//! v2.0.5:98-99). The applier copies the plan's Deployment and deployment
//! updates into the result whatever it rejects, all_at_once aside
//! (evaluatePlanPlacements, nomad/plan_apply.go v0.9.3:380-381,
//! v2.0.5:570-571): a plan that creates a deployment makes progress even
//! when every node of it is rejected.

/// Submissions at most, progress or not: each progress commits something
/// of a job whose count is finite, so Nomad's loop ends; ours keeps a
/// budget so that a model error cannot spin (a plan budget, not Nomad's).
pub const PLAN_BUDGET: u32 = 64;

/// The attempt counter of one evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retries {
    max: u32,
    /// Submissions since the last one that made progress.
    without_progress: u32,
    plans: u32,
}

impl Retries {
    pub fn new(max: u32) -> Retries {
        Retries {
            max,
            without_progress: 0,
            plans: 0,
        }
    }

    /// After a submission the applier did not commit whole (`progress`:
    /// it committed something all the same): true when the worker plans
    /// again, false when the evaluation fails ("maximum attempts
    /// reached") or our budget is spent.
    pub fn plan_again(&mut self, progress: bool) -> bool {
        self.plans += 1;
        if progress {
            self.without_progress = 0;
        } else {
            self.without_progress += 1;
        }
        self.without_progress < self.max && self.plans < PLAN_BUDGET
    }

    /// A submission the applier committed whole: the loop ends.
    pub fn committed(&mut self) {
        self.plans += 1;
    }

    /// Plans submitted so far.
    pub fn plans(&self) -> u32 {
        self.plans
    }

    /// `max` (the number "maximum attempts reached (N)" names).
    pub fn max(&self) -> u32 {
        self.max
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_rejections_in_a_row_fail() {
        let mut r = Retries::new(5);
        let again: Vec<bool> = (0..5).map(|_| r.plan_again(false)).collect();
        assert_eq!(again, [true, true, true, true, false]);
        assert_eq!(r.plans(), 5);
    }

    /// retryMax's `reset`: a submission that made progress starts the
    /// count again, so 2 + 5 submissions are made before the failure.
    #[test]
    fn progress_resets_the_count() {
        let mut r = Retries::new(5);
        assert!(r.plan_again(false));
        assert!(r.plan_again(true));
        for _ in 0..4 {
            assert!(r.plan_again(false));
        }
        assert!(!r.plan_again(false));
        assert_eq!(r.plans(), 7);
        // Batch: 2.
        let mut b = Retries::new(2);
        assert!(b.plan_again(true));
        assert!(b.plan_again(false));
        assert!(!b.plan_again(false));
    }

    #[test]
    fn progress_forever_is_cut_by_the_budget() {
        let mut r = Retries::new(5);
        let mut n = 0;
        while r.plan_again(true) {
            n += 1;
        }
        assert_eq!(n + 1, PLAN_BUDGET);
    }
}
