//! A `running` file whose working-tree text does not load (redteam12
//! R12-9). README's "demo, by hand" has the user edit jobs/sockshop.nomad,
//! a running job, and plan it; an edit Nomad refuses (a syntax error,
//! `count = -1`) is refused by `nomad job plan` with its own text and exit
//! 255 while the cluster keeps running the old version: `nomad job run`
//! refuses such a file too (command/job_run.go parses it the same way, and
//! Job.Register validates as Job.Plan does), so it was never submitted.
//! Failing the whole world load for it blamed the world and hid Nomad's
//! answer. Instead the world runs the version it can know, the file at git
//! `HEAD`, and says so ([`World::stand_ins`]); the planned file's own
//! refusal stays the plan's. With no git, no commit or no loadable `HEAD`
//! version the world error stands: nothing else can be known of what runs.

use std::path::PathBuf;

use super::before::{absolute, committed};
use super::{RunningVars, World};
use crate::jobspec::Job;

/// A `running` file the world runs as git `HEAD` has it, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StandIn {
    /// The entry as `running` lists it.
    pub path: PathBuf,
    pub why: Why,
}

/// Why the working tree's text of a `running` file is not what runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Why {
    /// It does not load: `nomad job run` refuses it, never submitted.
    DoesNotLoad,
    /// `rules/allocations.hcl` pins allocations of a version it is not
    /// (a group or job it no longer has), which `HEAD`'s is
    /// ([`super::pinned_run`]).
    Pinned,
}

/// The job `rel` (a `running` entry, relative to the project root)
/// defines at git `HEAD`, loaded with the world's variables for it
/// (`vars`): `None` when there is no such version that loads.
pub(super) fn from_head(world: &World, rel: &str, vars: &RunningVars) -> Option<Job> {
    committed(&world.project_root.join(rel), &vars.loader(world)).ok()
}

/// The note a command prints for each stand-in that is not the planned (or
/// checked) file itself, without its `note: ` prefix: a plan of another
/// file, `status` and a rehearsal rest on it. For the planned file the
/// before is `HEAD`'s by the ordinary rule (`before::apply`) and its
/// refusal is the whole answer.
/// `path` is the entry as the commands show paths (`rules::config::path_text`).
pub fn line(path: &str, why: Why) -> String {
    match why {
        Why::DoesNotLoad => format!(
            "the cluster is taken to run {path} as git HEAD has it: the working tree's {path}, listed in `running`, does not load, so it cannot have been submitted (`nomad job run` refuses it as `nomad job plan` does); plan it to see Nomad's refusal"
        ),
        Why::Pinned => format!(
            "the cluster is taken to run {path} as git HEAD has it: the world's allocations.hcl pins allocations of a group or job the working tree's {path}, listed in `running`, no longer has, so it is not the version they run; plan it to see what its edit does"
        ),
    }
}

/// The stand-ins of `world` other than the files at `skip`.
pub fn others(world: &World, skip: &[PathBuf]) -> Vec<StandIn> {
    let skip: Vec<_> = skip.iter().map(|p| absolute(p)).collect();
    world
        .stand_ins
        .iter()
        .filter(|s| !skip.contains(&absolute(&world.project_root.join(&s.path))))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_names_the_file_and_the_version_taken() {
        let l = line("jobs/sockshop.nomad", Why::DoesNotLoad);
        assert!(
            l.starts_with("the cluster is taken to run jobs/sockshop.nomad as git HEAD has it"),
            "{l}"
        );
        assert!(!l.contains('\n'));
    }

    #[test]
    fn the_planned_file_is_not_its_own_stand_in_note() {
        let mut w = World::empty(
            super::super::WorldOrigin::Dir("/p/rules".into()),
            "/p".into(),
        );
        let stand_in = |p: &str| StandIn {
            path: p.into(),
            why: Why::DoesNotLoad,
        };
        w.stand_ins = vec![stand_in("jobs/a.nomad"), stand_in("jobs/b.nomad")];
        let left = others(&w, &["/p/jobs/a.nomad".into()]);
        assert_eq!(left, vec![stand_in("jobs/b.nomad")]);
    }
}
