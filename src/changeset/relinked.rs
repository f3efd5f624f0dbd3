//! A folder replaced by a link: git lists `D current/web.nomad` and
//! `A current` (the link to `releases/v2`), but the path is still there,
//! read through the link. Nomad's CLI opens a job file by its path
//! (command/helpers.go `JobGetter.Get`@v1.9.7; go-getter's file getter
//! links its copy to the path, get_file_unix.go `GetFile`@v1.7.8), so
//! `nomad job run current/web.nomad` after the change submits
//! releases/v2's job: nothing is stopped. Taken as git lists it, the
//! change stopped the running job and left `running` naming a deleted
//! file, a false alarm (exit 1) on every release switch made this way.
//!
//! So a deleted path below a path the change gives new content (the link
//! that replaced a folder on its way) and that the head still resolves is
//! a modification read through that link ([`Reach::Reads`], as a
//! retargeted link's is: [`super::linked`]). Only a path the head lacks
//! (not found) stays deleted: a link leading out of the project, or one
//! going round, is kept as a change whose new version is read, and that
//! read refuses it with the path fence's reason, as every other read.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::{ChangeSet, Reach};
use crate::git::Change;
use crate::vfs::Vfs;

impl ChangeSet {
    /// Turn the deletions the head still resolves through a new path on
    /// their way into modifications reading that path. Opens the head
    /// only when some deleted path lies below a path with new content.
    pub(super) fn keep_relinked(&mut self) -> std::io::Result<()> {
        let suspects = suspects(&self.changes);
        if suspects.is_empty() {
            return Ok(());
        }
        let head = self.range.head_vfs()?;
        self.relink(head.as_ref(), suspects);
        Ok(())
    }

    fn relink(&mut self, head: &dyn Vfs, suspects: Vec<(usize, PathBuf)>) {
        let mut added = Vec::new();
        for (i, link) in suspects {
            let Some(gone) = self.changes[i].removed_path().map(Path::to_path_buf) else {
                continue;
            };
            if matches!(head.read(&gone), Err(e) if is_gone(&e)) {
                continue;
            }
            // A rename's new end is still a file of its own, unless it is
            // the file the link now leads the old path to (`git mv` of a
            // folder then a link in its place, R18-E-2): one file, one step.
            if let Change::Renamed { to, .. } = &self.changes[i] {
                if super::lands_at(head, &gone) != crate::vfs::normalize(to) {
                    added.push(Change::Added(to.clone()));
                }
            }
            self.changes[i] = Change::Modified(gone.clone());
            self.readers.insert(gone, Reach::Reads(link));
        }
        self.changes.extend(added);
    }
}

/// A read that fails because the path is not there: not found, or a file
/// where the path needs a folder (`extra` made a plain file, so
/// `extra/web.nomad` meets ENOTDIR). Both leave nothing for `nomad job
/// run` to submit: the deletion stands (R19-A3: ENOTDIR was read as "still
/// resolves" and the deleted job became an `io::read` error).
fn is_gone(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
    )
}

/// The deleted (or renamed-away) paths that lie below a path the change
/// gives new content, each with the first such path (the nearest the top:
/// the link that replaced a folder), by their index in `changes`. Each
/// removed path looks up its own folders, so a change of many files costs
/// a lookup per folder level, not a comparison per pair.
fn suspects(changes: &[Change]) -> Vec<(usize, PathBuf)> {
    let fresh: HashSet<&Path> = changes.iter().filter_map(Change::new_path).collect();
    if fresh.is_empty() {
        return Vec::new();
    }
    changes
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let gone = c.removed_path()?;
            let mut above: Vec<&Path> = gone.ancestors().skip(1).collect();
            above.reverse();
            above
                .into_iter()
                .find(|a| !a.as_os_str().is_empty() && fresh.contains(a))
                .map(|a| (i, a.to_path_buf()))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_deletion_below_a_new_path_is_a_suspect() {
        let p = PathBuf::from;
        let changes = vec![
            Change::Added(p("current")),
            Change::Deleted(p("current/web.nomad")),
            Change::Deleted(p("currently/web.nomad")),
            Change::Deleted(p("old/web.nomad")),
            Change::Renamed {
                from: p("current/api.nomad"),
                to: p("releases/v2/api.nomad"),
            },
            Change::Modified(p("current/x")),
        ];
        assert_eq!(
            suspects(&changes),
            vec![(1, p("current")), (4, p("current"))]
        );
        // No new path: nothing to open the head for.
        assert!(suspects(&[Change::Deleted(p("current/web.nomad"))]).is_empty());
    }
}
