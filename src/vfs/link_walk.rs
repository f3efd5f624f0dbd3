//! The walk of every file under a folder on disk (`files_under`): links
//! followed inside the fence. `fileset()` walks by [`super::Entry`]
//! instead, only where its pattern leads.

use std::io;
use std::path::{Path, PathBuf};

use super::{too_many, MAX_LISTED};
use crate::project::Fence;

/// Most folders one listing enters: links between folders can make a
/// tree of few files that takes exponentially many steps to walk.
const MAX_FOLDERS: usize = 100_000;

/// [`DiskVfs::files_under`]'s walk. doublestar (v1.1.5 at Nomad v1.9.3,
/// v1.3.4 at v2.0.5; doublestar.go doGlob) follows a link to a folder
/// under `**` (`os.Stat`), and go-cty-funcs MakeFileSetFunc `os.Stat`s
/// each match, so a file reached through a link is listed under the
/// link's name. Each link is resolved canonically and refused when it
/// leads outside the fence; a link back to a folder being walked is a
/// loop doublestar walks until the path is too long, an answer we do not
/// compute: refused too.
pub(super) struct LinkWalk<'a> {
    fence: &'a Fence,
    out: Vec<PathBuf>,
    folders: usize,
    /// Canonical folders on the way down (loop detection).
    open: Vec<PathBuf>,
    top: &'a Path,
}

impl<'a> LinkWalk<'a> {
    /// A walk of the canonical folder `full`, named `dir` as the caller spelled it.
    pub(super) fn new(fence: &'a Fence, full: &Path, dir: &'a Path) -> LinkWalk<'a> {
        LinkWalk {
            fence,
            out: Vec::new(),
            folders: 0,
            open: vec![full.to_path_buf()],
            top: dir,
        }
    }

    /// The regular files under the folder, unsorted.
    pub(super) fn run(mut self) -> io::Result<Vec<PathBuf>> {
        let (full, top) = (self.open[0].clone(), self.top);
        self.folder(&full, top)?;
        Ok(self.out)
    }

    /// Walk the canonical folder `at`, naming what it holds below `spelled`.
    fn folder(&mut self, at: &Path, spelled: &Path) -> io::Result<()> {
        self.folders += 1;
        if self.folders > MAX_FOLDERS {
            return Err(too_many(self.top));
        }
        let mut entries = std::fs::read_dir(at)?.collect::<io::Result<Vec<_>>>()?;
        entries.sort_by_key(|e| e.file_name());
        for e in entries {
            let name = e.file_name();
            let (real, named) = (at.join(&name), spelled.join(&name));
            let kind = e.file_type()?;
            let (real, kind) = if kind.is_symlink() {
                // Where it leads: outside (or a dangling link outside) is
                // the fence's refusal, never a shorter list.
                let to = self.fence.locate(&real)?;
                match std::fs::metadata(&to) {
                    Ok(m) => (to, m.file_type()),
                    // Dangling inside: no file there.
                    Err(_) => continue,
                }
            } else {
                (real, kind)
            };
            if kind.is_dir() {
                if self.open.contains(&real) {
                    return Err(crate::project::refused(
                        io::ErrorKind::InvalidInput,
                        format!(
                            "refusing to list {}: a symbolic link on the way leads back to a folder that holds it, which Nomad walks until the path is too long",
                            crate::project::shown(&named)
                        ),
                    ));
                }
                self.open.push(real.clone());
                self.folder(&real, &named)?;
                self.open.pop();
            } else if kind.is_file() {
                self.out.push(named);
                if self.out.len() > MAX_LISTED {
                    return Err(too_many(self.top));
                }
            }
        }
        Ok(())
    }
}
