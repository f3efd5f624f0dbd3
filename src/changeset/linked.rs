//! Job files a change reaches through a symbolic link on their path
//! (R17-45). Nomad's CLI gets a job file by its path with go-getter
//! (command/helpers.go `JobGetter.Get`@v1.9.7), whose file getter makes
//! its copy a link to the path (go-getter get_file_unix.go `GetFile`@v1.7.8,
//! `Copy` unset: `DisableSymlinks` guards copies only), so the job read is
//! the one every link on the path leads to, and Job.Plan diffs it against
//! the stored job (nomad/job_endpoint.go `Plan`@v1.9.7). With `running =
//! ["current/web.nomad"]` and `current -> releases/v1`, a commit that only
//! runs `ln -sfn releases/v2 current` submits releases/v2's job; but git
//! lists the link (`current`), never a path read through it, and every
//! gate said "no job file changed".
//!
//! So the job files a link may be on are traced on both sides of the
//! change ([`Vfs::resolves_through`]: each link met, and where the last
//! leads): the world's `running` files (a file below a linked folder is
//! tracked under another path, or not at all) and the tracked files that
//! are links (a link to a link). One whose trace meets a touched path
//! (the path, or a folder holding it: a folder link replaced by a folder)
//! joins the change as a modified file that reads that path.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::{ChangeSet, Reach};
use crate::job_loader::JobLoader;
use crate::vfs::Vfs;

impl ChangeSet {
    /// The job files `touched` (every path the change touches) reaches
    /// through a link on their path, at `head` (the new version) or at
    /// the base, each with the first touched path met, in path order;
    /// the touched ones themselves and those out of scope left out.
    pub(super) fn linked(
        &self,
        head: &dyn Vfs,
        loader: &JobLoader,
        touched: &BTreeSet<&PathBuf>,
    ) -> std::io::Result<Vec<(PathBuf, Reach)>> {
        let mut named: BTreeSet<PathBuf> = loader.running_in_repo().into_iter().collect();
        named.extend(self.range.head_links()?);
        named.retain(|p| !touched.contains(p) && self.in_scope(p));
        if named.is_empty() || touched.is_empty() {
            return Ok(Vec::new());
        }
        let base = self.range.base_vfs()?;
        let mut out = Vec::new();
        for path in named {
            let through = head
                .resolves_through(&path)
                .into_iter()
                .chain(base.resolves_through(&path));
            if let Some(hit) = first_touched(through, touched) {
                out.push((path, Reach::Reads(hit)));
            }
        }
        Ok(out)
    }

    /// Is `p` inside the folders the set was restricted to (all when none)?
    pub(super) fn in_scope(&self, p: &Path) -> bool {
        self.scope.is_empty() || self.scope.iter().any(|w| p.starts_with(w))
    }
}

/// The first of `touched` that one of `through` (paths a read went
/// through) is, or lies below.
fn first_touched(
    through: impl IntoIterator<Item = PathBuf>,
    touched: &BTreeSet<&PathBuf>,
) -> Option<PathBuf> {
    through.into_iter().find_map(|p| {
        touched
            .iter()
            .find(|t| p.starts_with(t))
            .map(|t| (*t).clone())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_is_touched_by_its_link_where_it_leads_and_a_folder_above() {
        let (link, v2, releases) = (
            PathBuf::from("current"),
            PathBuf::from("releases/v2/web.nomad"),
            PathBuf::from("releases"),
        );
        let through = || vec![link.clone(), v2.clone()];
        fn one(t: &PathBuf) -> BTreeSet<&PathBuf> {
            BTreeSet::from([t])
        }
        assert_eq!(first_touched(through(), &one(&link)), Some(link.clone()));
        assert_eq!(first_touched(through(), &one(&v2)), Some(v2.clone()));
        assert_eq!(
            first_touched(through(), &one(&releases)),
            Some(releases.clone())
        );
        // A sibling, or a path below where the read leads, is not it.
        let other = PathBuf::from("releases/v2/web.nomad.bak");
        assert_eq!(first_touched(through(), &one(&other)), None);
        assert_eq!(first_touched(Vec::new(), &one(&link)), None);
    }
}
