//! Whether a file's resample (ten times more shuffles where the first
//! were quiet) can be skipped because nobody reads it.

use super::{root_cause, Judge, Judging};
use crate::config::SAMPLING_CODES;
use crate::jobspec;
use crate::rules;

/// Is the sampling rules' resample of `parsed` (R22-A-2: ten times more
/// shuffles where the first were all quiet) read by nobody? Where Nomad
/// refuses the file (a front-end error, [`root_cause::refuses_file`]),
/// `collapse` drops every finding of placement, quota and preemption, so
/// no share, bound or victim the more shuffles give is printed. What they
/// could still move is held fixed here:
/// - whether the refusal's help says such findings were dropped: a quiet
///   first run leaves NP207's bound (asked by the predicate that asks the
///   resample), and where the more shuffles fail instead, NP207 or NP304
///   says so: with both reported by code alone (the rules on, no selection
///   or level naming them: [`Judge::plain_sampling`]), one survives to
///   `collapse` either way;
/// - which suppression comment is used (NP001 names unused ones): only a
///   file with none;
/// - NP002, which reads a dropped finding's severity against the base's
///   configuration (`config::apply_gated`, the suppressions' `Trusted`):
///   only a plain `check` of paths, with no change set and no base.
///
/// 9 of the corpus's 13 resampled files are refused (version gates):
/// 9,000 of its 16,400 sampled plans.
pub(super) fn resample_moot(parsed: &jobspec::ParsedJob, judge: &Judge<'_>) -> bool {
    let on = |code: &str| {
        rules::find(code).is_some_and(|r| rules::level(judge.world, r.meta()).is_some())
    };
    judge.plain_sampling
        && judge.judging == Judging::EachAlone
        && judge.untrusted.is_none()
        && parsed.diags.iter().any(root_cause::refuses_file)
        && SAMPLING_CODES.iter().all(|c| on(c))
        // Any mention of the directive, even one the parser would not take:
        // the cheaper test, and never the wrong way round.
        && !parsed.source.text.contains("preflight:ignore")
}
