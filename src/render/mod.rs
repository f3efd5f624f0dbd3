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
/// Go's `%q`, kept at its old path for the renderers.
pub mod quote {
    pub use crate::gotext::go_quote;
}
pub mod run;
pub mod status;
pub mod template_diff;
