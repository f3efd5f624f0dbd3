//! The simulation a `check` run judges against: at hand, or being made by
//! the hook's select-ahead helper ([`crate::check::sim_cache::start`]),
//! when the run waits for it only once the staged files are loaded.
//!
//! Why: in a `check --staged` the helper is idle once its parse is done,
//! while the main thread loads the world, simulates it, and only then
//! loads the staged file; the simulation needs only the world and the
//! file's load only the world's release, so the two run side by side.
//! Taking it later moves nothing in the output: the helper's simulation
//! is one that cannot fail ([`crate::check::sim_cache::start`] posts only
//! a replay the world's entry kept, made once already), and when it
//! fails all the same the run ends as a failed simulation always did.

use super::{untold_report, CheckArgs};
use crate::check::sim_cache::Pending;
use crate::diag::{exit, Diags};
use crate::scheduler::Simulation;

/// A run's simulation ([`super::run_selected`]).
pub(super) enum Sim<'a> {
    Ready(&'a Simulation),
    Later {
        pending: Pending,
        /// The world's note, for the failure's line.
        note: &'a str,
        /// Whether stderr is coloured.
        color: bool,
        /// The helper the simulation was posted to, for the run's next
        /// piece of work ([`crate::check::post_standing`]).
        post: Option<crate::check::ahead::Post<'a>>,
    },
}

impl<'a> Sim<'a> {
    /// A change set's files loaded before the wait, when the helper makes
    /// the simulation (the load needs none), with the head's other job
    /// files posted to it to look up after it ([`crate::check::post_standing`]).
    pub(super) fn preload(
        &self,
        vfs: &std::sync::Arc<dyn crate::vfs::Vfs>,
        set: &crate::changeset::ChangeSet,
        loader: &crate::job_loader::JobLoader,
        request: &crate::job_loader::RequestNamespace,
    ) -> Option<crate::check::Preloaded> {
        let Sim::Later { post, .. } = self else {
            return None;
        };
        let standing =
            post.and_then(|post| crate::check::post_standing(post, vfs, set, loader, request));
        let threads = crate::Workers::Machine;
        Some(crate::check::preload(
            vfs.as_ref(),
            set,
            loader,
            threads,
            standing,
        ))
    }

    /// The running files of a world whose jobs the helper is decoding,
    /// for the loader ([`crate::check::sim_cache::Pending::heads`]).
    pub(super) fn heads(&self) -> Option<crate::world_cache::Heads<'_>> {
        match self {
            Sim::Later { pending, .. } => pending.heads(),
            Sim::Ready(_) => None,
        }
    }

    /// The simulation, kept in `kept` when it was waited for; a failed one
    /// said as [`failed`] says it, with its exit code.
    pub(super) fn wait<'k>(
        self,
        args: &CheckArgs,
        kept: &'k mut Option<Simulation>,
    ) -> Result<&'k Simulation, i32>
    where
        'a: 'k,
    {
        match self {
            Sim::Ready(sim) => Ok(sim),
            Sim::Later {
                pending,
                note,
                color,
                ..
            } => match pending.wait() {
                Ok(sim) => Ok(kept.insert(sim)),
                Err(d) => Err(failed(args, &d, note, color)),
            },
        }
    }
}

/// The end of a run whose world cannot be simulated: the simulation's
/// diagnostics, one line on what that leaves out, and in a machine format
/// the report of an exit that cannot tell; exit 2.
pub(super) fn failed(args: &CheckArgs, d: &Diags, note: &str, color: bool) -> i32 {
    crate::cli::common::eprint_diags(d, color);
    eprintln!(
        "error: the world ({note}) cannot be simulated, so the rules that need a simulation cannot run; fix the world first"
    );
    untold_report(args, d);
    exit::INVALID
}
