//! Where input files are read from. Job files, world files and rehearsals are
//! all read through a [`Vfs`], so the same loaders work on the disk, on the
//! demo compiled into the binary, on a git revision or the index (hooks and
//! CI gates), and on in-memory edits (rehearsals never touch user files).

use std::collections::BTreeMap;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::project::Fence;
use crate::source::{Origin, Source, SourceFile};

mod recording;
pub use recording::{Asked, Reached, Recording};
mod rewrite;
pub use rewrite::Rewrite;
mod link_walk;
use link_walk::LinkWalk;
mod entries;
pub use entries::{go_errno, Entry, EntryKind};
mod overlay;
pub use overlay::OverlayVfs;

pub trait Vfs: Send + Sync {
    /// Read a file. Relative paths are relative to [`Vfs::root`].
    fn read(&self, path: &Path) -> io::Result<Source>;
    /// The entries directly inside `dir` other than folders, sorted by
    /// name: regular files, and links or special files for [`Vfs::read`]
    /// to read or refuse by name.
    fn list(&self, dir: &Path) -> io::Result<Vec<PathBuf>>;
    fn is_dir(&self, path: &Path) -> bool;
    fn is_file(&self, path: &Path) -> bool;
    /// Regular files at any depth under `dir` (a world's folders), spelled as
    /// `dir` joined with their path below it, sorted. A folder outside the
    /// fence, or an entry under `dir` whose link leads outside, is an
    /// error, never a shorter list. Links to folders inside are followed,
    /// as Nomad's doublestar does under `**`; a link loop is an error.
    fn files_under(&self, dir: &Path) -> io::Result<Vec<PathBuf>>;
    /// The entries directly inside the folder `dir`, sorted by name, each
    /// with what a stat through it finds ([`Entry`]): `fileset()`'s glob
    /// reads one folder at a time, only where its pattern leads. NotFound
    /// when no folder is there. By default from [`Vfs::files_under`], for
    /// readers that hold files only.
    fn entries(&self, dir: &Path) -> io::Result<Vec<Entry>> {
        entries::from_files(dir, self.files_under(dir)?)
    }
    /// [`Vfs::is_file`] for a path named by input (`fileexists()`): a path
    /// this source refuses to read is an error, never `false`, so the
    /// answer does not depend on what lies outside the project.
    fn probe(&self, path: &Path) -> io::Result<bool> {
        Ok(self.is_file(path))
    }
    /// The Unix mode (`st_mode`, type and permission bits, as `stat(2)`
    /// gives it, links followed) of `path` when it exists and is not a
    /// regular file (a folder, a FIFO): `fileexists()` fails there in
    /// Nomad, naming the mode. `None` when it is a regular file, missing,
    /// or this reader does not know the mode; a path leading outside is
    /// the refusal of [`Vfs::probe`].
    fn irregular_mode(&self, _path: &Path) -> io::Result<Option<u32>> {
        Ok(None)
    }
    /// The directory relative paths start from (a checkout's root, `.` on disk).
    fn root(&self) -> &Path;
    /// Human name of this source of files, for fallback notices.
    fn describe(&self) -> String;
    /// The folder reads are fenced in (the project root), when this source
    /// has one: job-file functions apply the same boundary to the paths they
    /// are given.
    /// The first `n` bytes of `path`, read without the size cap (for a
    /// file [`Vfs::read`] refuses as too large); `None` when this reader
    /// cannot give them without reading the whole file.
    fn head(&self, _path: &Path, _n: u64) -> Option<Vec<u8>> {
        None
    }
    fn fence_root(&self) -> Option<&Path> {
        None
    }
    /// The git revision (or index) these files are, as messages name it:
    /// a checkout's files, made wherever `nomad` runs, so no absolute path
    /// (a file of that machine) is one of them (`file("/…")` cannot tell).
    fn revision(&self) -> Option<String> {
        None
    }
    /// May a job's own functions (`file()`, `fileset()`, `fileexists()`,
    /// `templatefile()`) read `path`? Every reader admits what it can
    /// read but one: the working tree judged by a gate, which admits only
    /// what git tracks ([`crate::changeset::TrackedInputs`]).
    fn admits_input(&self, _path: &Path) -> io::Result<()> {
        Ok(())
    }
    /// The paths a read of `path` goes through besides `path` itself:
    /// each symbolic link on the way and where the last one leads, each
    /// relative to [`Vfs::root`] as this source names its files; empty
    /// when no link is on the way (or the way leaves the source, which a
    /// read refuses). What a read depends on is all of them: a change to
    /// a link's target is a change to every read through the link
    /// (redteam6 G6), so [`Recording`] notes them for every reader.
    fn resolves_through(&self, _path: &Path) -> Vec<PathBuf> {
        Vec::new()
    }
    /// The origin a file this source does not hold would have at `path`
    /// ([`OverlayVfs`]'s new files): on disk, where [`Vfs::read`] would
    /// find it, so its functions read from where `nomad` runs as an edited
    /// file's do; elsewhere, text without a file.
    fn origin_of_new(&self, path: &Path) -> Origin {
        Origin::Inline(path.display().to_string())
    }
    /// Whether a checkout of this source writes `path` through what is
    /// not followed here (a filter program, an encoding), so its blob does
    /// not tell what Nomad reads from the checkout. None for a source that
    /// is the files Nomad reads (a folder on disk, the working tree).
    fn checkout_rewrite(&self, _path: &Path) -> Option<Rewrite> {
        None
    }
    /// The submodule `path` is at or below, when this source records one
    /// there as a commit (a gitlink of a revision or the index): what a
    /// checkout holds in its folder is not in this source's objects (the
    /// submodule's own `.git` file, whichever commit the deploy's clone
    /// checked out, or nothing at all when it was not initialised).
    /// `None` for a source that is the files Nomad reads (the disk).
    fn submodule_at(&self, _path: &Path) -> io::Result<Option<PathBuf>> {
        Ok(None)
    }
}

/// Most files one listing returns: a `fileset("/", "**")` over a huge tree
/// stops with an error instead of eating memory.
pub const MAX_LISTED: usize = 100_000;

pub(crate) fn too_many(dir: &Path) -> io::Error {
    io::Error::other(format!(
        "more than {MAX_LISTED} files under \"{}\"",
        dir.display()
    ))
}

/// Lexically normalise `a/./b/../c` to `a/c` without touching the disk, so
/// embedded and git paths compare equal however they were spelled.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            // Only a named folder cancels a `..`: popping an earlier `..`
            // turned `jobs/../../../etc/x` into `etc/x`, a path inside the
            // project that Nomad would never read, where it is outside.
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                // `/..` is `/`.
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The real file system, fenced: every read goes through the project's one
/// containment rule ([`crate::project::Fence`]).
#[derive(Debug, Clone)]
pub struct DiskVfs {
    root: PathBuf,
    fence: Fence,
}

impl DiskVfs {
    /// Files relative to `root`, readable inside the project holding it.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        let fence = Fence::around(&root);
        DiskVfs { root, fence }
    }

    /// Files relative to `root`, readable inside `fence`.
    pub fn fenced(root: impl Into<PathBuf>, fence: Fence) -> Self {
        DiskVfs {
            root: root.into(),
            fence,
        }
    }

    /// A path the user named on the command line (see [`Fence::admit_named`]).
    pub fn admit_named(&mut self, path: &Path) {
        let full = self.resolve(path);
        self.fence.admit_named(&full);
    }

    pub fn fence(&self) -> &Fence {
        &self.fence
    }

    fn resolve(&self, path: &Path) -> PathBuf {
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.root.join(path)
        }
    }
}

impl Vfs for DiskVfs {
    fn head(&self, path: &Path, n: u64) -> Option<Vec<u8>> {
        use std::io::Read;
        let at = self.fence.locate(&self.resolve(path)).ok()?;
        let file = std::fs::File::open(at).ok()?;
        if !file.metadata().ok()?.is_file() {
            return None;
        }
        let mut head = Vec::new();
        file.take(n).read_to_end(&mut head).ok()?;
        Some(head)
    }

    fn read(&self, path: &Path) -> io::Result<Source> {
        let full = self.resolve(path);
        // Inside the project, a regular file (a link to /dev/zero would read
        // forever, a FIFO would block), under the size cap.
        let bytes = self.fence.read(&full)?;
        let text = decode(bytes);
        Ok(SourceFile::new(
            Origin::Disk(full),
            path.display().to_string(),
            text,
        ))
    }

    fn list(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        // A folder outside the fence is not listed, whether or not it exists.
        let full = self.fence.locate(&self.resolve(dir))?;
        let mut out = Vec::new();
        for entry in std::fs::read_dir(full)? {
            let entry = entry?;
            // Every entry but a folder: a link, FIFO or device is listed so
            // that reading it is refused by name, never skipped silently (a
            // quota file dropped unsaid would make every plan fit). A link
            // to a folder inside is a folder.
            let t = entry.file_type()?;
            if t.is_dir() || t.is_symlink() && self.fence.link_entry(&entry.path()).is_none() {
                continue;
            }
            out.push(dir.join(entry.file_name()));
        }
        out.sort();
        Ok(out)
    }

    fn is_dir(&self, path: &Path) -> bool {
        self.fence
            .locate(&self.resolve(path))
            .is_ok_and(|p| p.is_dir())
    }

    fn files_under(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        let full = self.fence.locate(&self.resolve(dir))?;
        let mut out = LinkWalk::new(&self.fence, &full, dir).run()?;
        out.sort();
        Ok(out)
    }

    fn entries(&self, dir: &Path) -> io::Result<Vec<Entry>> {
        let full = self.fence.locate_folder(&self.resolve(dir))?;
        entries::on_disk(&self.fence, &full)
    }

    fn is_file(&self, path: &Path) -> bool {
        self.probe(path).unwrap_or(false)
    }

    fn probe(&self, path: &Path) -> io::Result<bool> {
        self.fence.probe(&self.resolve(path))
    }

    fn irregular_mode(&self, path: &Path) -> io::Result<Option<u32>> {
        use std::os::unix::fs::MetadataExt;
        let at = self.fence.locate(&self.resolve(path))?;
        Ok(std::fs::metadata(at)
            .ok()
            .filter(|m| !m.is_file())
            .map(|m| m.mode()))
    }

    fn root(&self) -> &Path {
        &self.root
    }

    fn describe(&self) -> String {
        format!("the directory {}", self.root.display())
    }

    fn resolves_through(&self, path: &Path) -> Vec<PathBuf> {
        let Ok((at, links)) = self.fence.locate_traced(&self.resolve(path)) else {
            return Vec::new();
        };
        if links.is_empty() {
            return Vec::new();
        }
        // Named relative to the root, as the root's own links resolve:
        // a link above the root is not one of this source's files.
        let root = self
            .fence
            .locate(&self.root)
            .unwrap_or_else(|_| self.root.clone());
        links
            .iter()
            .chain(std::iter::once(&at))
            .filter_map(|p| p.strip_prefix(&root).ok().map(Path::to_path_buf))
            .filter(|p| !p.as_os_str().is_empty())
            .collect()
    }

    fn fence_root(&self) -> Option<&Path> {
        Some(self.fence.root())
    }

    fn origin_of_new(&self, path: &Path) -> Origin {
        Origin::Disk(self.resolve(path))
    }
}

/// Decode file bytes without losing any: valid UTF-8 as is (a leading BOM
/// is left for [`SourceFile::new`] to take off and note), every other byte
/// as its [`crate::source::RAW_BYTE_BASE`] character.
pub fn decode(bytes: Vec<u8>) -> Arc<str> {
    match String::from_utf8(bytes) {
        Ok(s) => s.into(),
        Err(e) => {
            let bytes = e.into_bytes();
            let mut out = String::with_capacity(bytes.len() + 16);
            for chunk in bytes.utf8_chunks() {
                out.push_str(chunk.valid());
                for b in chunk.invalid() {
                    out.push(raw_byte(*b));
                }
            }
            out.into()
        }
    }
}

/// The character [`decode`] stands the byte `b` in for.
fn raw_byte(b: u8) -> char {
    char::from_u32(crate::source::RAW_BYTE_BASE + u32::from(b))
        .unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// Files held in memory: the embedded demo, git blobs, test fixtures.
#[derive(Debug, Clone, Default)]
pub struct MemVfs {
    root: PathBuf,
    name: String,
    files: BTreeMap<PathBuf, Arc<str>>,
    origin: MemOrigin,
}

#[derive(Debug, Clone, Default)]
enum MemOrigin {
    #[default]
    Inline,
    Embedded,
    Git(String),
}

impl MemVfs {
    pub fn new(name: impl Into<String>) -> Self {
        MemVfs {
            root: PathBuf::new(),
            name: name.into(),
            files: BTreeMap::new(),
            origin: MemOrigin::Inline,
        }
    }

    /// Files compiled into the binary.
    pub fn embedded(name: impl Into<String>) -> Self {
        MemVfs {
            origin: MemOrigin::Embedded,
            ..MemVfs::new(name)
        }
    }

    /// Blobs of one git revision (`:` or `:0` for the index).
    pub fn git(rev: impl Into<String>, root: impl Into<PathBuf>) -> Self {
        let rev = rev.into();
        MemVfs {
            root: root.into(),
            name: git_source_name(&rev),
            files: BTreeMap::new(),
            origin: MemOrigin::Git(rev),
        }
    }

    pub fn insert(&mut self, path: impl AsRef<Path>, text: impl Into<Arc<str>>) {
        self.files.insert(normalize(path.as_ref()), text.into());
    }

    pub fn remove(&mut self, path: impl AsRef<Path>) {
        self.files.remove(&normalize(path.as_ref()));
    }

    pub fn paths(&self) -> impl Iterator<Item = &PathBuf> {
        self.files.keys()
    }

    fn key(&self, path: &Path) -> PathBuf {
        let p = if path.is_absolute() {
            path.strip_prefix(&self.root).unwrap_or(path)
        } else {
            path
        };
        normalize(p)
    }
}

impl Vfs for MemVfs {
    fn read(&self, path: &Path) -> io::Result<Source> {
        let key = self.key(path);
        let text = self.files.get(&key).ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("{} not found in {}", key.display(), self.name),
            )
        })?;
        let origin = match &self.origin {
            MemOrigin::Inline => Origin::Inline(key.display().to_string()),
            MemOrigin::Embedded => Origin::Embedded(key.display().to_string()),
            MemOrigin::Git(rev) => Origin::Git {
                rev: rev.clone(),
                path: key.clone(),
            },
        };
        let name = match &self.origin {
            MemOrigin::Git(rev) if rev == ":" || rev == ":0" => {
                format!("{} (staged)", key.display())
            }
            MemOrigin::Git(rev) => format!("{rev}:{}", key.display()),
            MemOrigin::Embedded => format!("<embedded>/{}", key.display()),
            MemOrigin::Inline => key.display().to_string(),
        };
        Ok(SourceFile::new(origin, name, text.clone()))
    }

    fn list(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        let dir = self.key(dir);
        Ok(self
            .files
            .keys()
            .filter(|p| p.parent() == Some(dir.as_path()))
            .cloned()
            .collect())
    }

    fn is_dir(&self, path: &Path) -> bool {
        let dir = self.key(path);
        if dir.as_os_str().is_empty() {
            return true;
        }
        self.files.keys().any(|p| p.starts_with(&dir) && *p != dir)
    }

    fn is_file(&self, path: &Path) -> bool {
        self.files.contains_key(&self.key(path))
    }

    fn files_under(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        let key = self.key(dir);
        let out: Vec<PathBuf> = self
            .files
            .keys()
            .filter_map(|p| p.strip_prefix(&key).ok().map(|rel| dir.join(rel)))
            .collect();
        if out.len() > MAX_LISTED {
            return Err(too_many(dir));
        }
        Ok(out)
    }

    fn root(&self) -> &Path {
        &self.root
    }

    fn describe(&self) -> String {
        self.name.clone()
    }

    fn fence_root(&self) -> Option<&Path> {
        matches!(self.origin, MemOrigin::Git(_)).then_some(self.root.as_path())
    }
    fn revision(&self) -> Option<String> {
        matches!(self.origin, MemOrigin::Git(_)).then(|| self.name.clone())
    }
}

/// How a message names a git revision's files: `:` is git's name for the
/// index, which a reader should not have to decode.
pub fn git_source_name(rev: &str) -> String {
    match rev {
        ":" | ":0" => "the index".to_string(),
        rev => format!("git {rev}"),
    }
}

#[cfg(test)]
mod tests;
