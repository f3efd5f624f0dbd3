//! Text renderers that reproduce the Nomad CLI output byte for byte.
//!
//! Renderers build colorstring markup (as Nomad's Go code does) and pass it
//! through [`color::colorize`] once, so colour on/off differ only there.

pub mod color;
pub mod columns;
pub mod diff_text;
pub mod job_file_error;
pub mod map_order;
pub mod metrics;
pub mod plan;
pub mod plan_json;
pub mod plan_json_api;
/// Go's `%q`, kept at its old path for the renderers.
pub mod quote {
    pub use crate::gotext::go_quote;
}
pub mod run;
pub mod status;
pub mod template_diff;

/// A wait as Nomad's `formatTimeDifference(now, next, time.Second)` prints
/// it (command/helpers.go, the same v0.9.0-v2.0.5: both times truncated
/// to the second, then `Sub`): whole seconds of a wait counted from a
/// whole-second now, except that `Sub` saturates at the ends of
/// `time.Duration`, and a saturated wait keeps its nanoseconds.
pub fn time_difference(wait: crate::jobspec::Duration) -> crate::jobspec::Duration {
    let n = wait.nanos();
    if n == i64::MAX || n == i64::MIN {
        wait
    } else {
        crate::jobspec::Duration(n - n % 1_000_000_000)
    }
}
