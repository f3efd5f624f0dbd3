//! `.nomad-preflight.hcl`'s `exclude` never takes a changed file out of the
//! change (R19-C-2, R21-A3). It is a lint setting (old jobs nobody lints),
//! but the deploy submits an excluded file all the same: Nomad registers a
//! job by namespace and ID whichever file it comes from (Job.Register,
//! nomad/job_endpoint.go v2.0.5:219 `snap.JobByID`), so a protected job's
//! copy in an excluded folder overwrites the running job, and any excluded
//! job takes room the later files of the change then lack.
//!
//! So every gate keeps an excluded changed file as a step of the change
//! set: `plan --changed` plans it ([`ChangeSet::configure_for_policy`]);
//! `check` judges the later files after it and reports of it only what it
//! does to the cluster (`crate::check`'s `excluded`). Being a step, its new
//! version is loaded with and without the shell's `NOMAD_VAR_*` like any
//! other ([`super::shell_vars`], R21-A2: a separate pass over excluded
//! files took the shell's values as the deploy's). A file is excluded only
//! where the base's configuration excludes it too
//! ([`ChangeSet::lint_excludes`]), so a pull request hides nothing from the
//! lint by widening `exclude`. An excluded file the change leaves alone is
//! no step: the base's reviewed configuration put it there (this repository
//! keeps copies of the demo's protected jobs in tests/).

use super::ChangeSet;

impl ChangeSet {
    /// This set with the files `exclude` leaves out of the lint kept as
    /// job files: the steps `check` judges the change's files after.
    pub fn keeping_excluded(mut self) -> ChangeSet {
        self.keep_excluded = true;
        self
    }
}
