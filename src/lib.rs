//! nomad-preflight: what `nomad job plan` would say, before anything is
//! submitted and without a cluster.
//!
//! Data flows one way: [`jobspec`] and [`world`] parse inputs into models
//! (nodes and allocations are [`structs`]' value types, shared with the
//! layers above), [`cluster`] holds the simulated state, [`scheduler`]
//! decides placements, [`diff`] compares job versions, [`planner`] puts a plan together,
//! [`render`] prints Nomad's text and [`report`] the lint findings of
//! [`rules`] (run by [`check`] over a [`changeset`] under a [`config`]), and
//! the commands in [`cli`] tie them together. Foundations every layer uses:
//! [`source`], [`diag`], [`escape`], [`vfs`], [`git`], [`version`], [`ids`].
//! `tests/architecture.rs` fails on an import from a layer above.

pub mod by_name;
pub mod cache_dir;
pub mod changeset;
pub mod check;
pub mod cli;
pub mod cluster;
pub mod config;
pub mod cronexpr;
pub mod diag;
pub mod diff;
pub mod embedded;
pub mod escape;
pub mod git;
pub mod gofloat;
pub mod goglob;
pub mod gojson;
pub mod gomap;
pub mod gonet;
pub mod goregexp;
pub mod gorelease;
pub mod gostrconv;
pub mod gotext;
pub mod gotime;
pub mod goversion;
pub mod hex;
pub mod huge_pages;
pub mod ids;
pub mod job_loader;
pub mod jobspec;
pub mod json_depth;
pub mod mutators;
pub mod nesting;
pub mod parse_ahead;
pub mod periodic;
pub mod planner;
pub mod project;
pub mod rehearse;
pub mod render;
pub mod report;
pub mod rules;
pub mod scheduler;
pub mod source;
pub mod structs;
pub mod suggest;
pub mod unseen;
pub mod version;
pub mod vfs;
pub mod work_dir;
pub mod world;
pub mod world_cache;

/// Environment variable that sets how many worker threads `check` and
/// sampling use. Output never depends on it (results are merged in input
/// order); it exists so tests can prove that and users can pin a CI job.
pub const THREADS_ENV: &str = "NOMAD_PREFLIGHT_THREADS";

/// Worker threads for the parallel parts (`check` over files, plan sampling):
/// `NOMAD_PREFLIGHT_THREADS` when it is a positive integer (capped at 64 so a
/// typo cannot spawn thousands), else what the machine offers
/// (`available_parallelism`, which honours cgroup CPU quotas in containers).
pub fn threads() -> usize {
    let machine = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    threads_from(std::env::var(THREADS_ENV).ok().as_deref(), machine)
}

/// How many worker threads a parallel step may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workers {
    /// What [`threads`] says, asked only when there is more than one piece
    /// of work: the machine's answer reads the cgroup's CPU quota (four
    /// files), which a one-file `check --staged` has no use for.
    Machine,
    /// This many (tests and benches that pin it).
    Fixed(usize),
}

impl Workers {
    /// Threads for `work` independent pieces: at least 1, never more than
    /// the pieces.
    pub fn for_work(self, work: usize) -> usize {
        if work <= 1 {
            return 1;
        }
        let n = match self {
            Workers::Machine => threads(),
            Workers::Fixed(n) => n,
        };
        n.min(work).max(1)
    }
}

const MAX_THREADS: usize = 64;

fn threads_from(value: Option<&str>, machine: usize) -> usize {
    value
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(machine)
        .clamp(1, MAX_THREADS)
}

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

#[cfg(test)]
mod tests {
    use super::threads_from;

    #[test]
    fn thread_count_comes_from_the_env_knob_or_the_machine() {
        assert_eq!(threads_from(None, 2), 2);
        assert_eq!(threads_from(None, 8), 8);
        assert_eq!(threads_from(None, 0), 1);
        assert_eq!(threads_from(None, 500), 64);
        assert_eq!(threads_from(Some("1"), 8), 1);
        assert_eq!(threads_from(Some(" 4 "), 2), 4);
        assert_eq!(threads_from(Some("0"), 3), 3);
        assert_eq!(threads_from(Some("-3"), 3), 3);
        assert_eq!(threads_from(Some("many"), 2), 2);
        assert_eq!(threads_from(Some("100000"), 2), 64);
    }

    #[test]
    fn workers_never_outnumber_the_work() {
        use super::Workers;
        assert_eq!(Workers::Fixed(8).for_work(0), 1);
        assert_eq!(Workers::Fixed(8).for_work(1), 1);
        assert_eq!(Workers::Fixed(8).for_work(3), 3);
        assert_eq!(Workers::Fixed(2).for_work(30), 2);
        assert_eq!(Workers::Fixed(0).for_work(30), 1);
        assert_eq!(Workers::Machine.for_work(1), 1);
        assert!((1..=4).contains(&Workers::Machine.for_work(4)));
    }
}
