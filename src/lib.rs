//! nomad-preflight: what `nomad job plan` would say, before anything is
//! submitted and without a cluster.
//!
//! Data flows one way: [`jobspec`] and [`world`] parse inputs into models,
//! [`cluster`] holds the simulated state, [`scheduler`] decides placements,
//! [`diff`] compares job versions, [`render`] prints Nomad's text, and the
//! commands in [`cli`] tie them together.

pub mod cli;
pub mod cluster;
pub mod diag;
pub mod diff;
pub mod embedded;
pub mod git;
pub mod jobspec;
pub mod planner;
pub mod rehearse;
pub mod render;
pub mod report;
pub mod rules;
pub mod scheduler;
pub mod source;
pub mod version;
pub mod vfs;
pub mod world;

/// Snapshot assertion that stores snapshots in the top-level `snapshots/`
/// folder (the design card's layout) instead of next to the source file.
#[cfg(test)]
#[macro_export]
macro_rules! assert_snap {
    ($name:expr, $value:expr) => {{
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"));
        settings.set_prepend_module_to_snapshot(false);
        settings.bind(|| insta::assert_snapshot!($name, $value));
    }};
}
