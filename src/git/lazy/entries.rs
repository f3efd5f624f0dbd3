//! A folder of a revision or of the index as `fileset()`'s glob reads it
//! ([`crate::vfs::Entry`]): each link judged where it leads inside the
//! tree, as a checkout's file system answers a stat, so a gate lists what
//! the working tree's reader lists (a folder behind a link included).

use std::io;
use std::path::{Path, PathBuf};

use super::super::links::{Followed, Why};
use super::super::repo::{self, bytes_of, path_of, Kind};
use super::{dir_entries, LazyGitVfs, Source};
use crate::vfs::{Entry, EntryKind};

impl LazyGitVfs {
    /// [`crate::vfs::Vfs::entries`]: NotFound where no folder is.
    pub(super) fn entries_at(&self, dir: &Path) -> io::Result<Vec<Entry>> {
        let key = self.key(dir);
        if let Some(real) = self.linked_folder(&key) {
            // Through a link: the folder it leads to (names are the same,
            // and folders are named where they are, for loop detection).
            return self.entries_at(&real);
        }
        if let Some((sub, rest)) = self.in_submodule(&key, true)? {
            let depth = key.components().count() - rest.components().count();
            let at: PathBuf = key.components().take(depth).collect();
            let mut listed = sub.entries_at(&rest)?;
            for e in &mut listed {
                if let EntryKind::Folder(p) = &mut e.kind {
                    *p = at.join(&*p);
                }
            }
            return Ok(listed);
        }
        let prefix = bytes_of(&key);
        let mut found: Vec<(Vec<u8>, Kind)> = Vec::new();
        match &self.source {
            Source::Index(index) => {
                let mut start = prefix.to_vec();
                if !start.is_empty() {
                    start.push(b'/');
                }
                for i in index.prefixed(&start) {
                    let e = index.entry(i);
                    if e.stage != 0 {
                        continue;
                    }
                    let below = &e.path[start.len()..];
                    // The index names a folder only by the files below it.
                    let (name, kind) = match below.iter().position(|b| *b == b'/') {
                        Some(cut) => (&below[..cut], Kind::Tree),
                        None => (below, e.kind),
                    };
                    if found.last().is_none_or(|(n, _)| n.as_slice() != name) {
                        found.push((name.to_vec(), kind));
                    }
                }
            }
            Source::Tree(tree) => self.with_state(|s| {
                for e in dir_entries(s, *tree, prefix.as_ref())?
                    .iter()
                    .flat_map(|es| es.iter())
                {
                    found.push((e.name.to_vec(), e.kind));
                }
                Ok(())
            })?,
        }
        if found.is_empty() && !prefix.is_empty() {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("no folder {} in {}", key.display(), self.name),
            ));
        }
        let mut out = Vec::with_capacity(found.len());
        for (name, kind) in found {
            let path = path_of(&repo::join(prefix.as_ref(), name.as_slice().into()))?;
            let kind = match kind {
                Kind::File | Kind::Executable => EntryKind::File,
                // A submodule is a folder in a checkout, read at its commit.
                Kind::Tree | Kind::Commit => EntryKind::Folder(path.clone()),
                Kind::Link => self.link_kind(&path),
            };
            let name = path.file_name().map(ToOwned::to_owned).unwrap_or_default();
            out.push(Entry::new(name, kind));
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// What a stat through the link at `key` finds in a checkout.
    fn link_kind(&self, key: &Path) -> EntryKind {
        let t = match self.trace(key) {
            Ok(t) => t,
            Err(e) => return EntryKind::Refused(e),
        };
        match t.followed {
            Followed::File(_) | Followed::NoLink => EntryKind::File,
            Followed::Refused(Why::Folder) => match t.end.as_ref().map(|e| path_of(e)) {
                Some(Ok(p)) => EntryKind::Folder(p),
                _ => EntryKind::Other,
            },
            // ENOENT, ENOTDIR, ELOOP: worded as Go words the errno, by
            // the one mapping the disk's entries use too.
            Followed::Refused(why) if why.errno().and_then(go_text).is_some() => why
                .errno()
                .and_then(go_text)
                .map_or(EntryKind::Other, EntryKind::Broken),
            Followed::Refused(why) => EntryKind::Refused(crate::project::refused(
                why.kind(),
                format!(
                    "refusing to read {}: it is a symbolic link in {}, {}",
                    key.display(),
                    self.name,
                    why.words()
                ),
            )),
        }
    }
}

/// Go's text of the errno `n` ([`crate::vfs::go_errno`]).
fn go_text(n: i32) -> Option<&'static str> {
    crate::vfs::go_errno(&io::Error::from_raw_os_error(n))
}
