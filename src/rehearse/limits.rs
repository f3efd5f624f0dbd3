//! How much one rehearsal may ask for. Every step of every replay is a
//! simulated Nomad command, and each replay keeps a few facts per step to
//! explain its verdicts: the caps keep a run within minutes and a few
//! hundred MB, and say which number to lower when they refuse.

use super::Rehearsal;
use crate::diag::Diag;

/// Most steps one rehearsal file may hold: far above a live demo's script
/// (the shipped one has 17); a longer one is several rehearsals.
pub const MAX_STEPS: usize = 1_000;

/// Most steps replayed in all (steps × (samples + 1)): the shipped demo
/// at the largest `--samples` (17 × 100,001) fits.
pub const MAX_STEP_REPLAYS: u64 = 2_000_000;

/// Refuse a rehearsal over [`MAX_STEPS`] or [`MAX_STEP_REPLAYS`] before
/// anything is replayed, pointing at the first step over the cap.
pub fn check(r: &Rehearsal, samples: u32) -> Result<(), Diag> {
    let steps = r.steps.len();
    if let Some(over) = r.steps.get(MAX_STEPS) {
        return Err(Diag::error(
            "rehearse::too-many-steps",
            format!(
                "the rehearsal has {steps} steps, more than the {MAX_STEPS} one rehearsal may hold"
            ),
        )
        .at(
            &r.source,
            over.span,
            format!("step {} is over the limit", MAX_STEPS + 1),
        )
        .help("split the script into several rehearsal files, each at most 1000 steps"));
    }
    let replays = u64::from(samples) + 1;
    let total = (steps as u64).saturating_mul(replays);
    if total > MAX_STEP_REPLAYS {
        let most = (MAX_STEP_REPLAYS / steps.max(1) as u64).saturating_sub(1);
        let span = r.steps.first().map(|s| s.span).unwrap_or_default();
        return Err(Diag::error(
            "rehearse::too-many-replays",
            format!(
                "{steps} steps × {replays} replays is {total} step replays, more than the {MAX_STEP_REPLAYS} one run may make"
            ),
        )
        .at(&r.source, span, format!("{steps} steps from here"))
        .help(format!(
            "pass --samples {most} or fewer for this rehearsal (shares from 1,000 replays are within ±3%), or split it"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rehearsal(steps: usize) -> Rehearsal {
        let text: String = (0..steps)
            .map(|i| format!("step \"s{i}\" {{\n  command = \"nomad job status\"\n}}\n"))
            .collect();
        let src = crate::source::SourceFile::inline("r.hcl", &text);
        match super::super::parse(&src) {
            Ok(r) => r,
            Err(d) => panic!("{d:?}"),
        }
    }

    #[test]
    fn a_step_over_the_cap_is_located_at_its_header() {
        let r = rehearsal(MAX_STEPS + 1);
        let d = check(&r, 0).expect_err("over the cap");
        assert_eq!(d.code, "rehearse::too-many-steps");
        let label = d.labels.first().map(|l| l.span);
        assert_eq!(label, r.steps.get(MAX_STEPS).map(|s| s.span));
        assert!(check(&rehearsal(MAX_STEPS), 0).is_ok());
    }

    #[test]
    fn steps_times_replays_is_capped_with_the_samples_that_fit() {
        let r = rehearsal(400);
        // 400 × 5,000 = 2,000,000: at the cap; one more replay is over it.
        assert!(check(&r, 4_999).is_ok());
        let d = check(&r, 5_000).expect_err("over the cap");
        assert_eq!(d.code, "rehearse::too-many-replays");
        assert!(d
            .help
            .as_deref()
            .unwrap_or("")
            .contains("--samples 4999 or fewer"));
    }
}
