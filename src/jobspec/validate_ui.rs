//! The job `ui` block's check in `Job.Validate` (structs.go, 1.8.0+,
//! after the spreads): a description over 1000 bytes (Go's `len`, so a
//! multi-byte character counts each byte) is refused, with its length.

use super::model::*;
use super::validate::{err, Out};
use crate::version::NomadVersion;

const MAX_DESCRIPTION: usize = 1000;

pub(super) fn description(job: &Job, v: NomadVersion, out: &mut Out<'_>) {
    let Some(ui) = job.ui.as_ref().filter(|_| v.at_least(1, 8, 0)) else {
        return;
    };
    let len = ui.description.len();
    if len <= MAX_DESCRIPTION {
        return;
    }
    let text = format!("UI description must be under 1000 characters, currently {len}");
    let help = "shorten the description to 1000 bytes (a multi-byte character counts each byte)";
    let span = ui.spans.best("description");
    err(out, "jobspec::range", span, text, "too long", help);
}
