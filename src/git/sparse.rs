//! A sparse index's folders, opened into the files they hold.
//!
//! `git sparse-checkout --sparse-index` collapses each folder outside the
//! cone into one index entry (mode 040000) naming its tree: git itself
//! expands it whenever it needs the paths below (`ensure_full_index`,
//! sparse-index.c), since what is staged there is exactly that tree. Every
//! consumer here lists, looks up and reads staged files by path, so a
//! collapsed `jobs/` hid `jobs/web.nomad` from all of them: a job reading
//! a file the change touched was never judged again (R14-11). The index is
//! expanded once, when read, so no consumer meets a folder entry.

use std::io;

use gix::bstr::{BStr, ByteSlice};
use gix::index::entry::Mode;

use super::repo::{walk_files, Kind, Repo};

/// Replace every folder entry of `index` by the files of its tree, each
/// staged as its folder was (stage 0, skip-worktree).
pub(super) fn expand(repo: &Repo, index: &mut gix::index::File) -> io::Result<()> {
    let folders: Vec<_> = index
        .entries()
        .iter()
        .filter(|e| e.mode == Mode::DIR)
        .map(|e| (e.path(index).to_owned(), e.id, e.flags, e.stat))
        .collect();
    if folders.is_empty() {
        return Ok(());
    }
    for (path, id, flags, stat) in &folders {
        // The entry's path ends with `/`: the files are named below it.
        let dir = path.strip_suffix(b"/").unwrap_or(path.as_slice());
        let mut files = Vec::new();
        walk_files(repo, *id, BStr::new(dir), &mut files)?;
        for (file, oid, kind) in files {
            let mode = match kind {
                Kind::File => Mode::FILE,
                Kind::Executable => Mode::FILE_EXECUTABLE,
                Kind::Link => Mode::SYMLINK,
                Kind::Commit => Mode::COMMIT,
                // walk_files lists no folder.
                Kind::Tree => continue,
            };
            index.dangerously_push_entry(*stat, oid, *flags, mode, file.as_bstr());
        }
    }
    index.remove_entries(|_, _, e| e.mode == Mode::DIR);
    index.sort_entries();
    Ok(())
}
