//! The text a rehearsal step shows beside Nomad's own: the edit as a line
//! diff, a command's output as an observation, and what a blocked
//! evaluation did when capacity appeared.

use super::judge::Observation;
use crate::scheduler::PlanResult;

pub(super) fn edit_span(e: &super::Edit) -> crate::source::Span {
    match e {
        super::Edit::Uncomment { span, .. } | super::Edit::Set { span, .. } => *span,
    }
}

pub(super) fn text_result(res: Result<String, String>) -> Observation {
    match res {
        Ok(mut s) => {
            if !s.ends_with('\n') {
                s.push('\n');
            }
            Observation {
                output: s,
                exit_code: 0,
                ..Observation::default()
            }
        }
        Err(e) => Observation {
            output: format!("{e}\n"),
            exit_code: 1,
            ..Observation::default()
        },
    }
}

/// Not a Nomad command's output: what a blocked evaluation did when capacity
/// appeared, as the UI would show it.
pub(super) fn unblocked_line(ns: &str, id: &str, plan: &PlanResult) -> String {
    let placed = plan.placements.len();
    if plan.failed_tg_allocs.is_empty() {
        format!("Blocked evaluation of job {id:?} (namespace {ns:?}) ran again: {placed} allocation(s) placed\n")
    } else {
        format!("Blocked evaluation of job {id:?} (namespace {ns:?}) ran again: {placed} placed, still blocked\n")
    }
}

/// The edit as a unified line diff, so the presenter sees what changed.
pub(super) fn line_diff(before: &str, after: &str, name: &str) -> String {
    let diff = similar::TextDiff::from_lines(before, after);
    diff.unified_diff()
        .context_radius(1)
        .header(name, name)
        .to_string()
}
