//! How much one rehearsal may ask for. Every step of every replay is a
//! simulated Nomad command, and each replay keeps a few facts per step to
//! explain its verdicts: the caps keep a run within minutes and a few
//! hundred MB, and say which number to lower when they refuse.

use super::Rehearsal;
use crate::diag::Diag;
use crate::source::{Source, Span};

/// Most steps one rehearsal file may hold: far above a live demo's script
/// (the shipped one has 17); a longer one is several rehearsals.
pub const MAX_STEPS: usize = 1_000;

/// Most steps replayed in all (steps × (samples + 1)): the shipped demo
/// at the largest `--samples` (17 × 100,001) fits.
pub const MAX_STEP_REPLAYS: u64 = 2_000_000;

/// Refuse a file of more than [`MAX_STEPS`] steps before it is parsed (a
/// 100,000-step file took 3.6 s and 258 MB to parse only to be refused):
/// a lexical count of the top-level `step` block headers (an HCL block's
/// `{` is on its header's line), with the error [`check`] gives after the
/// parse, at the same header.
pub fn precount(source: &Source) -> Result<(), Diag> {
    let steps = crate::nesting::top_level_blocks(&source.text, "step");
    // The `step` keyword, as the parser locates a step.
    let over = steps
        .get(MAX_STEPS)
        .map(|&at| Span::new(at, at + "step".len()));
    let steps = steps.len();
    match over {
        Some(span) => Err(too_many_steps(source, steps, span)),
        None => Ok(()),
    }
}

fn too_many_steps(source: &Source, steps: usize, span: Span) -> Diag {
    Diag::error(
        "rehearse::too-many-steps",
        format!(
            "the rehearsal has {steps} steps, more than the {MAX_STEPS} one rehearsal may hold"
        ),
    )
    .at(
        source,
        span,
        format!("step {} is over the limit", MAX_STEPS + 1),
    )
    .help("split the script into several rehearsal files, each at most 1000 steps")
}

/// Refuse a rehearsal over [`MAX_STEPS`] or [`MAX_STEP_REPLAYS`] before
/// anything is replayed, pointing at the first step over the cap.
pub fn check(r: &Rehearsal, samples: u32) -> Result<(), Diag> {
    let steps = r.steps.len();
    if let Some(over) = r.steps.get(MAX_STEPS) {
        return Err(too_many_steps(&r.source, steps, over.span));
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

    fn steps_text(steps: usize) -> String {
        (0..steps)
            .map(|i| format!("step \"s{i}\" {{\n  command = \"nomad job status\"\n}}\n"))
            .collect()
    }

    fn rehearsal(steps: usize) -> Rehearsal {
        let src = crate::source::SourceFile::inline("r.hcl", &steps_text(steps));
        match super::super::parse(&src) {
            Ok(r) => r,
            Err(d) => panic!("{d:?}"),
        }
    }

    /// Refused before the parse, at the header of step 1,001 (where the
    /// parser would locate it), with the count of every step.
    #[test]
    fn a_file_over_the_step_cap_is_refused_before_the_parse() {
        let text = steps_text(MAX_STEPS + 5);
        let src = crate::source::SourceFile::inline("r.hcl", &text);
        let d = super::super::parse(&src).expect_err("over the cap");
        assert_eq!(d.len(), 1);
        let d = &d.0[0];
        assert_eq!(d.code, "rehearse::too-many-steps");
        assert!(
            d.message.starts_with("the rehearsal has 1005 steps"),
            "{}",
            d.message
        );
        let header = text.match_indices("step \"").nth(MAX_STEPS).map(|(i, _)| i);
        assert_eq!(d.primary_span(), header.map(|i| Span::new(i, i + 4)));
        // At the cap it parses, and the parsed step is where precount points.
        let r = rehearsal(MAX_STEPS);
        assert_eq!(r.steps[0].span, Span::new(0, 4));
    }

    /// Only top-level `step` blocks count: not text in heredocs, strings or
    /// comments, nor an attribute named `step`.
    #[test]
    fn the_precount_counts_blocks_not_text() {
        let inner = steps_text(MAX_STEPS + 1);
        let text = format!(
            "rehearsal \"r\" {{\n  description = <<EOT\n{inner}EOT\n}}\n# step \"x\" {{\n/* {inner} */\nstep = {{ a = 1 }}\n"
        );
        let src = crate::source::SourceFile::inline("r.hcl", &text);
        assert!(precount(&src).is_ok());
        let text = format!("{}  step\t\"indented\" {{\n}}\n", steps_text(MAX_STEPS));
        let src = crate::source::SourceFile::inline("r.hcl", &text);
        assert!(precount(&src).is_err());
    }

    #[test]
    fn a_parsed_rehearsal_over_the_cap_is_refused_at_its_step() {
        let mut r = rehearsal(MAX_STEPS);
        let extra = r.steps[MAX_STEPS - 1].clone();
        r.steps.push(extra);
        let d = check(&r, 0).expect_err("over the cap");
        assert_eq!(d.code, "rehearse::too-many-steps");
        assert_eq!(d.primary_span(), r.steps.get(MAX_STEPS).map(|s| s.span));
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
