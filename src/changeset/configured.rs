//! Which changed paths are job files under `.nomad-preflight.hcl`'s
//! `include` and `exclude` (kept apart from the change set's other jobs).

use std::path::{Path, PathBuf};

use super::{is_job_candidate, ChangeSet};
use crate::config::Configs;

impl ChangeSet {
    /// Apply `.nomad-preflight.hcl`'s `include` and `exclude` to which
    /// changed paths are job files: included paths are, excluded ones are
    /// not (they stay in the set for the world gate, which no
    /// configuration turns off). With the base's configuration (`--base`)
    /// a path is excluded only when the base's file excludes it too: a
    /// change cannot take its own files out of its gate.
    pub fn configure(&mut self, configs: &Configs) {
        self.configs = Some(configs.clone());
        let excluded: Vec<PathBuf> = self
            .ignored
            .iter()
            .filter(|p| self.excluded(p))
            .cloned()
            .collect();
        self.ignored.retain(|p| !excluded.contains(p));
    }

    /// [`ChangeSet::configure`] for the policy gate (`plan --changed`):
    /// `include` holds, but `exclude`, which leaves files out of the lint
    /// (ruff's meaning: old jobs nobody lints), does not take a changed job
    /// file out of the plans the policy judges. A new job in an excluded
    /// folder preempting a protected job passed as "no job file changed"
    /// (redteam6 G10). [`ChangeSet::lint_excludes`] names them.
    pub fn configure_for_policy(&mut self, configs: &Configs) {
        self.keep_excluded = true;
        self.configure(configs);
    }

    /// Does the configuration's `exclude` leave `path` out of `check`
    /// (whether or not this set keeps it, [`Self::configure_for_policy`])?
    pub fn lint_excludes(&self, path: &Path) -> bool {
        self.excluded_by_config(path)
    }

    pub(super) fn excluded(&self, p: &Path) -> bool {
        !self.keep_excluded && self.excluded_by_config(p)
    }

    /// The configuration the head is judged under (whose `exclude` a hint
    /// names), if one was found.
    pub fn config_in_force(&self) -> Option<&crate::config::Config> {
        self.configs.as_ref().map(|c| &c.head)
    }

    /// Does `exclude` leave out every file below the folder `dir` (a
    /// submodule not checked out: nothing in it would be selected), under
    /// both sides' configurations as [`Self::excluded`] asks?
    pub(super) fn excludes_all_below(&self, dir: &Path) -> bool {
        !self.keep_excluded && self.config_excludes_all_below(dir)
    }

    /// [`Self::excludes_all_below`] whether or not this set keeps
    /// excluded files: both sides' `exclude`, never the head's alone (a
    /// change adding an `exclude` is the change's own word about itself).
    pub(super) fn config_excludes_all_below(&self, dir: &Path) -> bool {
        self.configs.as_ref().is_some_and(|c| {
            c.head.excludes_all_below(dir)
                && c.base.as_ref().is_none_or(|b| b.excludes_all_below(dir))
        })
    }

    fn excluded_by_config(&self, p: &Path) -> bool {
        self.configs
            .as_ref()
            .is_some_and(|c| c.head.excludes(p) && c.base.as_ref().is_none_or(|b| b.excludes(p)))
    }

    /// Is `path` a job-file candidate: by its name or an `include` glob,
    /// and not excluded?
    pub(super) fn is_candidate(&self, path: &Path) -> bool {
        (is_job_candidate(path) || self.included(path) || self.by_text.contains(path))
            && !self.excluded(path)
    }

    /// Is `path` a job file whatever its text: named as one (`*.nomad`,
    /// `*.job`; not any `*.hcl`), included, or taken by its text?
    pub(super) fn named_job(&self, path: &Path) -> bool {
        crate::job_loader::named_as_job_file(path)
            || self.included(path)
            || self.by_text.contains(path)
    }

    fn included(&self, path: &Path) -> bool {
        self.configs.as_ref().is_some_and(|c| {
            c.head.includes(path) || c.base.as_ref().is_some_and(|b| b.includes(path))
        })
    }
}
