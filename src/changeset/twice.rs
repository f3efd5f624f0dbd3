//! One job defined by two files (R18-B-1). Nomad registers a job by its
//! namespace and ID, whichever file it comes from (Job.Register looks it
//! up with `snap.JobByID`, nomad/job_endpoint.go v0.9.3:108), so a new
//! file defining a job the world runs from another file is an update of
//! that job: its groups the new file lacks are stopped (the reconciler
//! stops every allocation of a group the new version has not,
//! scheduler/reconcile.go v0.9.3:310-320), and the two files then
//! overwrite each other's registration, whichever is run last winning.
//! The change to the running job's own file is not what asks for that, so
//! the policy's "it is the job's own plan" does not excuse it.
//!
//! A file moved (renamed, or deleted and added) from the running path is
//! the same job, not a second definition; so is a job moved from a file
//! edited to define another. Used by `check` (plain and change sets, an
//! error [`DEFINED_TWICE`]) and by `plan --changed --gate` (a refusal when
//! the job is protected, a note when not), in the same words.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{Action, Step};
use crate::world::RunningJob;

/// The code of `check`'s finding.
pub const DEFINED_TWICE: &str = "job::defined-twice";

/// A file defining a job that another file defines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Twice {
    /// The file defining the job a second time.
    pub path: PathBuf,
    pub namespace: String,
    pub id: String,
    /// The other file: the one the world runs the job from, else the first
    /// in path order.
    pub first: PathBuf,
    /// `first` is the world's `running` file of the job.
    pub runs: bool,
}

impl Twice {
    /// The finding's words, after the file's name. `protected`: the
    /// policy protects the job.
    pub fn words(&self, protected: bool) -> String {
        let what = if protected { "protected job" } else { "job" };
        let (ns, id) = (
            crate::escape::one_line(&self.namespace),
            crate::escape::one_line(&self.id),
        );
        let first = crate::escape::one_line(&self.first.to_string_lossy());
        let (other, replaces) = if self.runs {
            (
                format!("which the world runs from {first}"),
                "`nomad job run` on this file updates the running job to this definition (stopping its groups this file lacks)",
            )
        } else {
            (
                format!("which {first} defines too"),
                "`nomad job run` on either file replaces what the other registered",
            )
        };
        format!(
            "defines {what} {ns}/{id}, {other}: Nomad registers a job by namespace and ID whichever file it comes from, so {replaces}, and the two files overwrite each other"
        )
    }

    /// What to do about it.
    pub fn help(&self) -> String {
        let first = crate::escape::one_line(&self.first.to_string_lossy());
        let moved = if self.runs {
            " and its entry in rules/cluster.hcl's `running`"
        } else {
            ""
        };
        format!("give this job its own ID (or namespace); to move the job into this file, delete or rename {first} in the same change{moved}")
    }
}

/// The files among `steps` that define a job another file defines: the
/// world's running file of the job (`running`, by the namespace and ID it
/// was registered with) or another submitted step. A running file that no
/// step touches still defines its job when `still_there` says it is there
/// (a change: not deleted or renamed away; a tree: on disk); a step at its
/// path says what it defines now. `at(step path, running path)`: are they
/// one file (a change's paths and the world's are both the project's; a
/// plain run's are as named). One finding per file past the first.
pub fn defined_twice(
    steps: &[Step],
    running: &[RunningJob],
    at: impl Fn(&Path, &Path) -> bool,
    still_there: impl Fn(&Path) -> bool,
) -> Vec<Twice> {
    let norm = |p: &Path| crate::vfs::normalize(p);
    let mut by_key: BTreeMap<(&str, &str), Vec<&Path>> = BTreeMap::new();
    for s in steps {
        if let Action::Submit(job) = &s.action {
            let paths = by_key.entry((&job.namespace, &job.id)).or_default();
            if !paths.iter().any(|p| norm(p) == norm(&s.path)) {
                paths.push(&s.path);
            }
        }
    }
    let mut out = Vec::new();
    for ((namespace, id), paths) in by_key {
        let running = running
            .iter()
            .find(|r| r.job.namespace == namespace && r.job.id == id)
            .map(|r| r.path.as_path());
        // The running file, when it still defines the job: as a step of
        // this run, or untouched by any step and still there.
        let runs_from = running.and_then(|r| {
            let own = paths.iter().copied().find(|p| at(p, r));
            let untouched = !steps.iter().any(|s| at(&s.path, r));
            match own {
                Some(p) => Some((p, r)),
                None if untouched && still_there(r) => Some((r, r)),
                None => None,
            }
        });
        // `first` as this run names it; `shown` as the world does.
        let (first, shown, runs) = match (runs_from, paths.first()) {
            (Some((p, r)), _) => (p, r, true),
            (None, Some(p)) => (*p, *p, false),
            (None, None) => continue,
        };
        for p in paths.iter().filter(|p| norm(p) != norm(first)) {
            out.push(Twice {
                path: p.to_path_buf(),
                namespace: namespace.to_string(),
                id: id.to_string(),
                first: shown.to_path_buf(),
                runs,
            });
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

impl super::ChangeSet {
    /// [`defined_twice`] of this change's `steps`: a running file the
    /// change neither deletes nor renames away still defines its job (the
    /// change's paths and the world's are both the project's).
    pub fn defined_twice(&self, steps: &[Step], running: &[RunningJob]) -> Vec<Twice> {
        let gone = self.deleted();
        let norm = crate::vfs::normalize;
        let kept = |r: &Path| !gone.iter().any(|g| norm(g) == norm(r));
        defined_twice(steps, running, |p, r| norm(p) == norm(r), kept)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changeset::FileChange;
    use crate::jobspec::Job;
    use std::sync::Arc;

    fn job(ns: &str, id: &str) -> Job {
        Job {
            id: id.into(),
            namespace: ns.into(),
            ..Default::default()
        }
    }

    fn submit(path: &str, ns: &str, id: &str) -> Step {
        Step {
            path: path.into(),
            change: FileChange::Added,
            action: Action::Submit(Arc::new(job(ns, id))),
        }
    }

    fn same(a: &Path, b: &Path) -> bool {
        a == b
    }

    fn runs(path: &str, ns: &str, id: &str) -> RunningJob {
        RunningJob {
            path: path.into(),
            job: job(ns, id),
            vars: Default::default(),
        }
    }

    #[test]
    fn a_new_file_defining_a_running_job_is_a_second_definition() {
        let running = [runs("jobs/shop.nomad", "default", "shop")];
        let steps = [submit("jobs/zz.nomad", "default", "shop")];
        let got = defined_twice(&steps, &running, same, |_| true);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].path, Path::new("jobs/zz.nomad"));
        assert_eq!(got[0].first, Path::new("jobs/shop.nomad"));
        assert!(got[0].runs);
        // The running file is gone (a move): one definition.
        assert!(defined_twice(&steps, &running, same, |_| false).is_empty());
        // Another namespace is another job.
        let other = [submit("jobs/zz.nomad", "ops", "shop")];
        assert!(defined_twice(&other, &running, same, |_| true).is_empty());
    }

    #[test]
    fn a_step_at_the_running_path_says_what_it_defines_now() {
        let running = [runs("jobs/shop.nomad", "default", "shop")];
        // The running file now defines another job: the job moved.
        let moved = [
            submit("jobs/shop.nomad", "default", "other"),
            submit("jobs/zz.nomad", "default", "shop"),
        ];
        assert!(defined_twice(&moved, &running, same, |_| true).is_empty());
        // Both still define it: the new file is the second, whatever the order.
        let both = [
            submit("jobs/a.nomad", "default", "shop"),
            submit("jobs/shop.nomad", "default", "shop"),
        ];
        let got = defined_twice(&both, &running, same, |_| true);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].path, Path::new("jobs/a.nomad"));
    }

    #[test]
    fn two_new_files_defining_one_job_name_the_first() {
        let steps = [
            submit("jobs/a.nomad", "default", "x"),
            submit("jobs/b.nomad", "default", "x"),
            submit("jobs/c.nomad", "default", "y"),
        ];
        let got = defined_twice(&steps, &[], same, |_| true);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].path, Path::new("jobs/b.nomad"));
        assert_eq!(got[0].first, Path::new("jobs/a.nomad"));
        assert!(!got[0].runs);
        assert!(got[0].words(false).starts_with(
            "defines job default/x, which jobs/a.nomad defines too: Nomad registers a job by namespace and ID"
        ));
    }
}
