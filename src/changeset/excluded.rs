//! `.nomad-preflight.hcl`'s `exclude` never opens a gate (R19-C-2). It is
//! a lint setting (old jobs nobody lints), but it is the project's own
//! file, which a pull request edits, and a protected job copied into an
//! excluded folder is registered by `nomad job run` all the same: Nomad
//! registers a job by namespace and ID whichever file it comes from
//! (Job.Register, nomad/job_endpoint.go v0.9.3:108 `snap.JobByID`), so
//! the copy overwrites the running job. `check` left excluded files out of
//! the change altogether, and its `policy::defined-twice`, which no
//! configuration silences, with them.
//!
//! So every gate weighs a changed excluded file for second definitions of
//! protected jobs only (an unprotected job's is rule NP229, which
//! `exclude` may leave out as any rule's finding): it is a step of the
//! second-definition pass, not of the plans or the rules. A file is
//! excluded only where the base's configuration excludes it too
//! ([`ChangeSet::lint_excludes`]), so a pull request opens nothing by
//! widening `exclude`. An excluded file the change leaves alone stays out:
//! the base's reviewed configuration put it there (this repository keeps
//! copies of the demo's protected jobs in tests/), it was the same before
//! the change, and a new copy cannot reach the base past this gate.
//! Weighing every unchanged excluded file refused every edit of a
//! protected job in a project with such fixtures, and read each of them
//! from git (0.02 -> 1.07 s CPU for this repository's hook).

use std::path::Path;

use super::{is_job_candidate, Action, ChangeSet, FileChange, Step};
use crate::job_loader::JobLoader;
use crate::jobspec::{Job, ParsedJob};
use crate::vfs::Vfs;
use crate::world::{Protected, World};

/// An excluded file that defines a protected job, as loaded.
pub struct ExcludedCopy {
    /// Its submission, for [`ChangeSet::defined_twice_with`] only.
    pub step: Step,
    /// The file, to locate a finding at its job's label.
    pub parsed: Box<ParsedJob>,
}

/// `parsed`'s job as submitted (in the request's `namespace` when it
/// names none) when it loads without errors and the policy protects it.
/// A file that does not load registers nothing with Nomad either.
pub fn protected_job(
    parsed: &ParsedJob,
    namespace: Option<&str>,
    protected: &Protected,
) -> Option<std::sync::Arc<Job>> {
    let super::NewVersion::Job(job) = super::NewVersion::of(parsed) else {
        return None;
    };
    let job = super::with_namespace(&job, namespace);
    protected.covers(&job.namespace, &job.id).then_some(job)
}

/// Does the policy protect anything? Nothing to look for otherwise.
pub fn protects_any(p: &Protected) -> bool {
    !p.jobs.is_empty() || !p.namespaces.is_empty()
}

impl ChangeSet {
    /// The changed files the configuration excludes
    /// ([`ChangeSet::lint_excludes`]) that define a protected job, where
    /// this set leaves them out (`check`; `plan --changed` plans them).
    pub fn excluded_copies(
        &self,
        world: &World,
        head: &dyn Vfs,
        loader: &JobLoader,
        namespace: Option<&str>,
    ) -> Vec<ExcludedCopy> {
        let protected = &world.policy.protected;
        let excludes = self
            .configs
            .as_ref()
            .is_some_and(|c| !c.head.exclude.is_empty());
        if self.keep_excluded || !excludes || !protects_any(protected) {
            return Vec::new();
        }
        self.changed()
            .iter()
            .filter(|p| self.lint_excludes(p))
            .filter_map(|p| {
                let parsed = self.excluded_job(head, p, loader)?;
                let job = protected_job(&parsed, namespace, protected)?;
                Some(ExcludedCopy {
                    step: Step {
                        path: p.to_path_buf(),
                        change: FileChange::Added,
                        action: Action::Submit(job),
                    },
                    parsed: Box::new(parsed),
                })
            })
            .collect()
    }

    /// `path`, excluded, loaded when it is a job file by the same test a
    /// change set applies to the files it keeps (its name, `include`, or
    /// its text); `None` for another file or one that cannot be read
    /// (Nomad cannot register a job from it either).
    fn excluded_job(&self, head: &dyn Vfs, path: &Path, loader: &JobLoader) -> Option<ParsedJob> {
        let by_name = is_job_candidate(path) || self.named_job(path);
        if !by_name && !super::holds_job(head, path) {
            return None;
        }
        let source = head.read(path).ok()?;
        Some(loader.load_source(head, source))
    }

    /// [`ChangeSet::defined_twice`] of `steps` and the excluded `copies`
    /// ([`ChangeSet::excluded_copies`]).
    pub fn defined_twice_with(
        &self,
        steps: &[Step],
        copies: &[ExcludedCopy],
        world: &World,
        head: &dyn Vfs,
    ) -> Vec<super::Twice> {
        if copies.is_empty() {
            return self.defined_twice(steps, world, head);
        }
        let mut all = steps.to_vec();
        all.extend(copies.iter().map(|c| c.step.clone()));
        self.defined_twice(&all, world, head)
    }
}
