//! A [`Vfs`] that answers as another does and notes every path asked
//! about: what an evaluation depended on. The world cache keys its entries
//! by what loading the world read; a change set finds the job files a
//! changed template or variables file reaches, and the world a change
//! reaches. A path asked about through symbolic links depends on each
//! link and on where they lead ([`Vfs::resolves_through`]): every reader
//! matches a change against all of them ([`Recording::reached`]).

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::Vfs;
use crate::source::Source;

/// What was asked about one path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Asked {
    /// Asked as a folder (listed, or whether it is one): the answer changes
    /// when anything below it does.
    pub folder: bool,
    /// The text read, when it was read.
    pub text: Option<Arc<str>>,
}

/// `inner`, noting every path asked about, spelled as asked.
pub struct Recording<'a> {
    inner: &'a dyn Vfs,
    asked: Mutex<BTreeMap<PathBuf, Asked>>,
}

impl<'a> Recording<'a> {
    pub fn new(inner: &'a dyn Vfs) -> Recording<'a> {
        Recording {
            inner,
            asked: Mutex::default(),
        }
    }

    fn note(&self, path: &Path, folder: bool, text: Option<&Source>) {
        // A poisoned lock only means another reader panicked; keep noting.
        let mut asked = self.asked.lock().unwrap_or_else(|e| e.into_inner());
        let slot = asked.entry(path.to_path_buf()).or_default();
        slot.folder |= folder;
        if let Some(s) = text {
            slot.text = Some(s.text.clone());
        }
    }

    /// Every path asked about so far, in path order.
    pub fn asked(&self) -> BTreeMap<PathBuf, Asked> {
        self.asked.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Every path the answers so far depend on, each with whether it was
    /// asked as a folder (anything below it matters too), relative to the
    /// root and normalised: each path asked about, and the paths reading
    /// it went through (the links on its way, and where they lead, asked
    /// as it was). Only the paths `keep` accepts (as asked) are looked at.
    pub fn reached(&self, keep: impl Fn(&Path) -> bool) -> Vec<Reached> {
        let root = self.inner.root();
        let rel = |p: &Path| super::normalize(p.strip_prefix(root).unwrap_or(p));
        let mut out = Vec::new();
        for (path, asked) in self.asked() {
            if !keep(&rel(&path)) {
                continue;
            }
            out.push(Reached {
                path: rel(&path),
                folder: asked.folder,
                via: None,
            });
            let through = self.inner.resolves_through(&path);
            let last = through.len().saturating_sub(1);
            for (i, p) in through.into_iter().enumerate() {
                out.push(Reached {
                    path: rel(&p),
                    // The links on the way are files; where they lead is
                    // what was asked about.
                    folder: i == last && asked.folder,
                    via: Some(rel(&path)),
                });
            }
        }
        out
    }
}

/// A path an evaluation depended on ([`Recording::reached`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reached {
    pub path: PathBuf,
    /// Asked as a folder: a change anywhere below it reaches it.
    pub folder: bool,
    /// The path asked about, when this one is a link on its way or where
    /// it leads.
    pub via: Option<PathBuf>,
}

impl Reached {
    /// Does a change of `changed` reach this path?
    pub fn by(&self, changed: &Path) -> bool {
        self.path == changed || (self.folder && changed.starts_with(&self.path))
    }
}

impl Vfs for Recording<'_> {
    fn read(&self, path: &Path) -> io::Result<Source> {
        let read = self.inner.read(path);
        self.note(path, false, read.as_ref().ok());
        read
    }
    fn list(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        self.note(dir, true, None);
        self.inner.list(dir)
    }
    fn is_dir(&self, path: &Path) -> bool {
        self.note(path, true, None);
        self.inner.is_dir(path)
    }
    fn is_file(&self, path: &Path) -> bool {
        self.note(path, false, None);
        self.inner.is_file(path)
    }
    fn files_under(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        self.note(dir, true, None);
        self.inner.files_under(dir)
    }
    fn entries(&self, dir: &Path) -> io::Result<Vec<crate::vfs::Entry>> {
        self.note(dir, true, None);
        self.inner.entries(dir)
    }
    fn probe(&self, path: &Path) -> io::Result<bool> {
        self.note(path, false, None);
        self.inner.probe(path)
    }
    fn irregular_mode(&self, path: &Path) -> io::Result<Option<u32>> {
        self.note(path, false, None);
        self.inner.irregular_mode(path)
    }
    fn root(&self) -> &Path {
        self.inner.root()
    }
    fn describe(&self) -> String {
        self.inner.describe()
    }
    fn fence_root(&self) -> Option<&Path> {
        self.inner.fence_root()
    }
    fn revision(&self) -> Option<String> {
        self.inner.revision()
    }
    fn admits_input(&self, path: &Path) -> io::Result<()> {
        self.inner.admits_input(path)
    }
    fn resolves_through(&self, path: &Path) -> Vec<PathBuf> {
        self.inner.resolves_through(path)
    }
    fn origin_of_new(&self, path: &Path) -> crate::source::Origin {
        self.inner.origin_of_new(path)
    }
    // The opening of a file and whether a checkout rewrites it are the
    // inner reader's: left at the trait's `None`, a recorded git revision
    // read every file whole (`head`) and took a filtered or re-encoded
    // blob for what Nomad reads from the checkout (`checkout_rewrite`).
    // Both depend on the file, so it is noted as read.
    fn head(&self, path: &Path, n: u64) -> Option<Vec<u8>> {
        self.note(path, false, None);
        self.inner.head(path, n)
    }
    fn checkout_rewrite(&self, path: &Path) -> Option<super::Rewrite> {
        self.note(path, false, None);
        self.inner.checkout_rewrite(path)
    }
    // Forwarded, or a recorded git revision walked into a submodule's
    // folder as if its blobs were the checkout's files.
    fn submodule_at(&self, path: &Path) -> io::Result<Option<PathBuf>> {
        self.note(path, false, None);
        self.inner.submodule_at(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vfs::{MemVfs, Rewrite};

    /// A revision whose checkout re-encodes `enc.hcl`, and which gives a
    /// file's opening without reading it whole.
    struct Checkout(MemVfs);

    impl Vfs for Checkout {
        fn read(&self, path: &Path) -> io::Result<Source> {
            self.0.read(path)
        }
        fn list(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
            self.0.list(dir)
        }
        fn is_dir(&self, path: &Path) -> bool {
            self.0.is_dir(path)
        }
        fn is_file(&self, path: &Path) -> bool {
            self.0.is_file(path)
        }
        fn files_under(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
            self.0.files_under(dir)
        }
        fn root(&self) -> &Path {
            self.0.root()
        }
        fn describe(&self) -> String {
            self.0.describe()
        }
        fn head(&self, path: &Path, n: u64) -> Option<Vec<u8>> {
            let text = self.0.read(path).ok()?;
            let n = usize::try_from(n).ok()?.min(text.text.len());
            Some(text.text.as_bytes()[..n].to_vec())
        }
        fn checkout_rewrite(&self, path: &Path) -> Option<Rewrite> {
            (path == Path::new("enc.hcl")).then_some(Rewrite::Encoding)
        }
    }

    #[test]
    fn the_opening_and_the_checkouts_rewrite_are_the_inner_readers() {
        let mut mem = MemVfs::git("HEAD", "/repo");
        mem.insert("job.nomad", "job \"a\" {}");
        mem.insert("enc.hcl", "x = 1");
        let inner = Checkout(mem);
        let recording = Recording::new(&inner);
        assert_eq!(
            recording.head(Path::new("job.nomad"), 3),
            Some(b"job".to_vec())
        );
        assert_eq!(
            recording.checkout_rewrite(Path::new("enc.hcl")),
            Some(Rewrite::Encoding)
        );
        assert_eq!(recording.checkout_rewrite(Path::new("job.nomad")), None);
        // What they answered depends on those files.
        let asked = recording.asked();
        assert!(asked.contains_key(Path::new("job.nomad")));
        assert!(asked.contains_key(Path::new("enc.hcl")));
    }
}
