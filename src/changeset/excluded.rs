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
//! So every gate weighs excluded files for second definitions of
//! protected jobs only (an unprotected job's is rule NP229, which
//! `exclude` may leave out as any rule's finding):
//! - a changed excluded file that defines a protected job is a step of
//!   the second-definition pass, not of the plans or the rules;
//! - when the change submits a protected job, an unchanged excluded file
//!   that defines it too is a second definition, said at the changed file
//!   (the one the change is about) naming the copy.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::{is_job_candidate, key, Action, ChangeSet, FileChange, Step};
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
    /// The change touches the file (else it is an unchanged copy).
    pub changed: bool,
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
    /// The excluded files ([`ChangeSet::lint_excludes`]) that define a
    /// protected job: the changed ones when this set leaves them out
    /// (`check`; `plan --changed` plans them), and, when the change
    /// submits a protected job, the unchanged ones at `head` defining
    /// it. Err: the head's files could not be listed, so whether a copy
    /// exists is not known (a "cannot tell", never a pass).
    pub fn excluded_copies(
        &self,
        steps: &[Step],
        world: &World,
        head: &dyn Vfs,
        loader: &JobLoader,
        namespace: Option<&str>,
    ) -> std::io::Result<Vec<ExcludedCopy>> {
        let protected = &world.policy.protected;
        let excludes = self
            .configs
            .as_ref()
            .is_some_and(|c| !c.head.exclude.is_empty());
        if !excludes || !protects_any(protected) {
            return Ok(Vec::new());
        }
        let load = |p: &Path, changed: bool| {
            let parsed = self.excluded_job(head, p, loader)?;
            let job = protected_job(&parsed, namespace, protected)?;
            Some(ExcludedCopy {
                step: Step {
                    path: p.to_path_buf(),
                    change: FileChange::Added,
                    action: Action::Submit(job),
                },
                parsed: Box::new(parsed),
                changed,
            })
        };
        let changed = self.changed();
        let mut out: Vec<ExcludedCopy> = Vec::new();
        if !self.keep_excluded {
            out.extend(
                changed
                    .iter()
                    .filter(|p| self.lint_excludes(p))
                    .filter_map(|p| load(p, true)),
            );
        }
        let submitted: BTreeSet<super::Key> = steps
            .iter()
            .chain(out.iter().map(|c| &c.step))
            .filter_map(|s| match &s.action {
                Action::Submit(j) if protected.covers(&j.namespace, &j.id) => Some(key(j)),
                _ => None,
            })
            .collect();
        if submitted.is_empty() {
            return Ok(out);
        }
        let touched: BTreeSet<PathBuf> = changed.into_iter().chain(self.deleted()).collect();
        let unchanged = self
            .range
            .head_paths()?
            .into_iter()
            .filter(|p| !touched.contains(p) && self.lint_excludes(p));
        for p in unchanged {
            if let Some(c) = load(&p, false) {
                if let Action::Submit(j) = &c.step.action {
                    if submitted.contains(&key(j)) {
                        out.push(c);
                    }
                }
            }
        }
        Ok(out)
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
    /// ([`ChangeSet::excluded_copies`]). An unchanged copy's second
    /// definition is said at the changed file it duplicates, naming the
    /// copy (the change is what makes the two files disagree); one
    /// against a file the change leaves alone was there before it.
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
        let unchanged: BTreeSet<&Path> = copies
            .iter()
            .filter(|c| !c.changed)
            .map(|c| c.step.path.as_path())
            .collect();
        let stepped: BTreeSet<&Path> = steps.iter().map(|s| s.path.as_path()).collect();
        let mut out: Vec<super::Twice> = self
            .defined_twice(&all, world, head)
            .into_iter()
            .filter_map(|t| {
                if !unchanged.contains(t.path.as_path()) {
                    return Some(t);
                }
                stepped.contains(t.first.as_path()).then(|| super::Twice {
                    path: t.first.clone(),
                    first: t.path.clone(),
                    runs: false,
                    ..t
                })
            })
            .collect();
        out.sort_by(|a, b| (&a.path, &a.first).cmp(&(&b.path, &b.first)));
        out.dedup();
        out
    }
}
