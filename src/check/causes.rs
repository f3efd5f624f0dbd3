//! How a finding names the earlier files of a change set that cause it.

use std::collections::BTreeSet;
use std::path::Path;

use super::{findings, Judge, RunShared};
use crate::changeset::{Before, Submitted};
use crate::jobspec;
use crate::rules::{self, Finding};

/// What makes two findings the same: the rule and where it points.
fn cause_key(d: &Finding) -> (String, Option<crate::source::Span>) {
    (d.code.clone(), d.primary_span())
}

/// A finding this file gets only with earlier steps of the change set
/// applied is caused by them: say which. The earlier steps that reproduce
/// it each on its own are named; when none does alone, it takes them
/// together, and all are named.
pub(super) fn name_causes(
    diags: &mut [Finding],
    parsed: &jobspec::ParsedJob,
    path: &Path,
    judge: &Judge<'_>,
    before: Before<'_>,
    trusted: Option<&rules::suppress::Trusted<'_>>,
    run: &RunShared,
) {
    let Some(base) = judge.sim else { return };
    // The replaced jobs left running run alone too: their notes are no
    // earlier file's doing.
    let kept = before.kept;
    let earlier = before.applied;
    let alone = Before { applied: &[], kept };
    let alone: BTreeSet<_> = findings(parsed, path, judge, Some(base), alone, trusted, run)
        .iter()
        .map(cause_key)
        .collect();
    let caused: Vec<usize> = (0..diags.len())
        .filter(|i| !alone.contains(&cause_key(&diags[*i])))
        .collect();
    if caused.is_empty() {
        return;
    }
    // With one earlier step it is that one; with several, replay each alone.
    let each: Vec<BTreeSet<_>> = if earlier.len() == 1 {
        Vec::new()
    } else {
        earlier
            .iter()
            .map(|e| {
                let mut sim = base.clone();
                e.replay(&mut sim);
                findings(
                    parsed,
                    path,
                    judge,
                    Some(&sim),
                    Before {
                        applied: std::slice::from_ref(e),
                        kept,
                    },
                    trusted,
                    run,
                )
                .iter()
                .map(cause_key)
                .collect()
            })
            .collect()
    };
    for i in caused {
        let key = cause_key(&diags[i]);
        let mut by: Vec<&Submitted> = earlier
            .iter()
            .zip(&each)
            .filter(|(_, keys)| keys.contains(&key))
            .map(|(e, _)| e)
            .collect();
        if by.is_empty() {
            by = earlier.iter().collect();
        }
        let names: Vec<String> = by.iter().map(|e| e.describe()).collect();
        let d = &mut diags[i];
        d.message = format!(
            "{} (caused by {} earlier in this change set: checked alone, this file does not get it)",
            d.message,
            cause_list(&names)
        );
    }
}

/// Causes named in full; more are counted. Each of n new jobs sharing a
/// quota was caused by all the earlier ones: naming them all made the
/// output quadratic (150 jobs: ~135 findings of ~149 names each, redteam6
/// G12d).
const NAMED_CAUSES: usize = 3;

/// `a and b and c`, or `a, b, c and 146 other files` past [`NAMED_CAUSES`].
pub(super) fn cause_list(names: &[String]) -> String {
    if names.len() <= NAMED_CAUSES {
        return names.join(" and ");
    }
    let more = names.len() - NAMED_CAUSES;
    format!(
        "{} and {more} other file{}",
        names[..NAMED_CAUSES].join(", "),
        if more == 1 { "" } else { "s" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_past_three_are_counted() {
        let names: Vec<String> = (1..=5).map(|i| format!("j{i}")).collect();
        assert_eq!(cause_list(&names[..1]), "j1");
        assert_eq!(cause_list(&names[..3]), "j1 and j2 and j3");
        assert_eq!(cause_list(&names[..4]), "j1, j2, j3 and 1 other file");
        assert_eq!(cause_list(&names), "j1, j2, j3 and 2 other files");
    }
}
