//! Does a change hold anything a gate judges? With no world at the base a
//! gate cannot judge a job (redteam6 G11: "cannot tell"), but a commit
//! that changes no job file had nothing to judge: refusing it too made
//! the hook refuse every commit of a repository without a world, README
//! edits included, and a gate refusing everything is switched off.
//!
//! "No job file" is the gate's own test, on both sides: a changed or
//! deleted path a job file by name, `include` or text ([`super::holds_job`],
//! the unread-checkout rules included), a `*.hcl` whose text is a job's
//! (new or old: one that no longer is stops a job), a file a gate cannot
//! read (it might be one), a job file reaching what the change touches
//! ([`ChangeSet::add_readers`]), or anything under the world folder.

use std::path::Path;

use super::ChangeSet;
use crate::git::Change;
use crate::job_loader::JobLoader;
use crate::jobspec;
use crate::vfs::Vfs;

impl ChangeSet {
    /// Does this change hold no job file, on either side, and touch
    /// nothing under `world` (the world folder, relative to the root)?
    /// `loader` evaluates the job files that may read a touched file.
    pub fn holds_no_job(&mut self, world: &Path, loader: &JobLoader) -> std::io::Result<bool> {
        let touches_world = self
            .changes
            .iter()
            .chain(&self.outside)
            .flat_map(Change::paths)
            .any(|p| p.starts_with(world));
        if touches_world {
            return Ok(false);
        }
        let head = self.range.head_vfs()?;
        let base = self.range.base_vfs()?;
        self.find_jobs_by_text(head.as_ref(), &base);
        for change in &self.changes {
            let (new, old) = match change {
                Change::Added(p) => (Some(p), None),
                Change::Modified(p) => (Some(p), Some(p)),
                Change::Deleted(p) => (None, Some(p)),
                Change::Renamed { from, to } => (Some(to), Some(from)),
            };
            let job_at = |vfs: &dyn Vfs, p: &Path| {
                self.is_candidate(p) && (self.named_job(p) || job_file_at(vfs, p))
            };
            if new.is_some_and(|p| job_at(head.as_ref(), p))
                || old.is_some_and(|p| job_at(&base, p))
            {
                return Ok(false);
            }
        }
        // A job file whose text the change leaves alone is changed by a
        // template, a var file or an attribute it reads.
        let reached = self.add_readers(head.as_ref(), loader)?;
        Ok(reached.is_empty())
    }
}

/// Is `path` (a candidate by its name: `*.hcl`) a job file as `vfs` holds
/// it? As a gate reads it: its text is a job's; what cannot be read, an
/// LFS pointer, or a checkout a filter writes may be one.
fn job_file_at(vfs: &dyn Vfs, path: &Path) -> bool {
    if vfs.checkout_rewrite(path).is_some() {
        return true;
    }
    match vfs.read(path) {
        Ok(s) => {
            crate::git::is_lfs_pointer(s.text.as_bytes())
                || jobspec::is_job_file(&s.text)
                || jobspec::utf16::is_job(&s.text)
        }
        Err(_) => true,
    }
}
