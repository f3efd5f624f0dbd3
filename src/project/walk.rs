//! The fence's walk of a path, link by link, as the kernel resolves it
//! ([`Fence::locate`] and the reads built on it).

use std::io;
use std::path::{Component, Path, PathBuf};

use super::{canonical_cwd, Fence};

/// What [`Fence::locate_walk`] found.
pub(super) struct Located {
    /// Where the path leads.
    pub(super) out: PathBuf,
    /// The links met on the way ([`Fence::locate_traced`]).
    pub(super) met: Vec<PathBuf>,
    /// The kernel opens the path as walked (see [`Fence::locate_walk`]).
    pub(super) opens: bool,
    /// `out`'s metadata, when the walk's last step read it.
    pub(super) last: Option<std::fs::Metadata>,
}

/// Does `path` end in `/` or `/.` (the kernel then opens only a folder)?
fn asks_folder(path: &Path) -> bool {
    let b = path.as_os_str().as_encoded_bytes();
    b.ends_with(b"/") || b.ends_with(b"/.") || b == b"."
}

impl Fence {
    /// The walk of [`Fence::locate`]; also whether the kernel opens the
    /// path as walked: every name with more after it was there and a
    /// folder (a link to one is followed). `x.nomad/../y.nomad` and
    /// `gone/../y.nomad` are walked to `y.nomad`, where `open(2)` and
    /// `realpath(3)` fail (ENOTDIR, ENOENT).
    pub(super) fn locate_walk(&self, path: &Path) -> io::Result<Located> {
        let start = if path.is_absolute() {
            path.to_path_buf()
        } else {
            canonical_cwd().join(path)
        };
        let mut pending: std::collections::VecDeque<std::ffi::OsString> = start
            .components()
            .map(|c| c.as_os_str().to_os_string())
            .collect();
        let mut out = PathBuf::new();
        let mut links = 0;
        let mut met = Vec::new();
        // A trailing `/` or `/.` asks for a folder, which the walk's
        // components do not keep: such a path goes the old way.
        let mut opens = !asks_folder(path);
        // The `lstat` of `out` when the walk's last step was a name that is
        // no link: then it is `out`'s `stat` too.
        let mut last = None;
        while let Some(c) = pending.pop_front() {
            let comp = Path::new(&c);
            if comp.has_root() {
                out = comp.to_path_buf();
                last = None;
                continue;
            }
            match comp.components().next() {
                Some(Component::CurDir) | None => continue,
                Some(Component::ParentDir) => {
                    out.pop();
                    last = None;
                    continue;
                }
                _ => {}
            }
            let next = out.join(comp);
            let meta = std::fs::symlink_metadata(&next);
            let link = meta
                .as_ref()
                .is_ok_and(|m| m.file_type().is_symlink())
                .then(|| std::fs::read_link(&next).ok())
                .flatten();
            if link.is_none() && !pending.is_empty() && !meta.as_ref().is_ok_and(|m| m.is_dir()) {
                opens = false;
            }
            last = meta.ok().filter(|m| !m.file_type().is_symlink());
            match link {
                Some(target) => {
                    links += 1;
                    // The kernel gives up after 40 links (ELOOP); so do we,
                    // with the same answer wherever the loop is.
                    if links > 40 {
                        return Err(self.looping(path, &met));
                    }
                    opens &= !asks_folder(&target);
                    met.push(next);
                    for t in target.components().rev() {
                        pending.push_front(t.as_os_str().to_os_string());
                    }
                }
                None => out = next,
            }
        }
        if !self.inside(&out) {
            return Err(self.outside(path));
        }
        Ok(Located {
            out,
            met,
            opens,
            last,
        })
    }
}
