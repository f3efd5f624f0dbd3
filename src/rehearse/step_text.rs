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

/// The note under a status view that prints times. Nomad prints the
/// dates and ages of the day it runs (`time.Now()` in command/
/// job_status.go and node_status.go; `prettyTimeDiff`, `formatTime`,
/// command/helpers.go), which a rehearsal cannot know: the running
/// jobs' submissions happened before it, at no date the world holds. So
/// the text's times are said to be the simulation's, never passed off as
/// the demo's. One clock per view: a hand-written world's simulated one,
/// or an import's, which the steps' writes continue.
fn simulated_times_note(world: &crate::world::World, state: &crate::cluster::State) -> String {
    use crate::render::status::{import_clock, simulated_clock};
    let clock = match import_clock(world, state) {
        Some(words) => format!("on one clock: {words}"),
        None => format!("the rehearsal's simulated clock ({})", simulated_clock()),
    };
    format!(
        "the times above are {clock}, not the dates and ages `nomad` prints on the day of the demo"
    )
}

/// `obs`, with the note on its times when its text `shows_times`.
pub(super) fn dated(
    mut obs: Observation,
    shows_times: bool,
    sim: &crate::scheduler::Simulation,
) -> Observation {
    if shows_times {
        obs.simulated_times = Some(simulated_times_note(&sim.world, &sim.state));
    }
    obs
}

/// Does the view of job `id` (none: the list, when `list`) hold a part
/// that cannot be told? Decided as `status` decides
/// (render::status::job_untold, from the "now" the step's view is
/// rendered with; a list's Status cells, untold_statuses).
pub(super) fn job_view_untold(
    world: &crate::world::World,
    state: &crate::cluster::State,
    ns: &str,
    id: Option<&str>,
    list: bool,
    zone: &crate::render::status::TimeZone,
) -> bool {
    use crate::render::status::{default_now, job_untold, untold_statuses};
    if list {
        return !untold_statuses(world, state, Some(ns)).is_empty();
    }
    let record = id.and_then(|id| state.job(ns, id));
    record.is_some_and(|r| !job_untold(world, state, r, default_now(state), zone).is_empty())
}

/// Does the full view of node `id` (none: the list) hold a part that
/// cannot be told (render::status::node_untold, as `status` decides)?
pub(super) fn node_view_untold(
    world: &crate::world::World,
    state: &crate::cluster::State,
    id: Option<&str>,
) -> bool {
    use crate::render::status::{find_node, node_untold};
    let node = id.and_then(|id| find_node(state, id).ok());
    node.is_some_and(|n| !node_untold(world, state, n, false).is_empty())
}

/// `obs` with the exit code `status` gives a view with a `cannot tell`
/// part: 1, so an `exit_code = 0` expectation never reads "as expected"
/// beside it (the QuotaStatus step refuses likewise).
pub(super) fn untold_exit(mut obs: Observation, untold: bool) -> Observation {
    if untold {
        obs.exit_code = crate::diag::exit::FINDINGS;
    }
    obs
}
