//! [`OverlayVfs`]: in-memory edits over another reader (a rehearsal's steps).

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{entries, normalize, Entry, Vfs};
use crate::source::{Origin, Source, SourceFile};

/// In-memory edits on top of another Vfs: what a rehearsal step changes.
pub struct OverlayVfs<'a> {
    base: &'a dyn Vfs,
    edits: BTreeMap<PathBuf, Arc<str>>,
}

impl<'a> OverlayVfs<'a> {
    pub fn new(base: &'a dyn Vfs) -> Self {
        OverlayVfs {
            base,
            edits: BTreeMap::new(),
        }
    }

    pub fn set(&mut self, path: impl AsRef<Path>, text: impl Into<Arc<str>>) {
        self.edits.insert(normalize(path.as_ref()), text.into());
    }
}

impl Vfs for OverlayVfs<'_> {
    fn read(&self, path: &Path) -> io::Result<Source> {
        match self.edits.get(&normalize(path)) {
            Some(text) => {
                let base = self.base.read(path).ok();
                let (origin, name) = match base {
                    Some(b) => (b.origin.clone(), b.name.clone()),
                    None => (self.base.origin_of_new(path), path.display().to_string()),
                };
                Ok(SourceFile::new(origin, name, text.clone()))
            }
            None => self.base.read(path),
        }
    }
    fn list(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        let mut out = self.base.list(dir).unwrap_or_default();
        let d = normalize(dir);
        for p in self.edits.keys() {
            if p.parent() == Some(d.as_path()) && !out.contains(p) {
                out.push(p.clone());
            }
        }
        out.sort();
        Ok(out)
    }
    fn is_dir(&self, path: &Path) -> bool {
        self.base.is_dir(path)
    }
    fn is_file(&self, path: &Path) -> bool {
        self.edits.contains_key(&normalize(path)) || self.base.is_file(path)
    }
    fn admits_input(&self, path: &Path) -> io::Result<()> {
        if self.edits.contains_key(&normalize(path)) {
            return Ok(());
        }
        self.base.admits_input(path)
    }
    fn files_under(&self, dir: &Path) -> io::Result<Vec<PathBuf>> {
        let mut out = match self.base.files_under(dir) {
            Ok(v) => v,
            Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(e),
        };
        let d = normalize(dir);
        for p in self.edits.keys() {
            if let Ok(rel) = p.strip_prefix(&d) {
                let spelled = dir.join(rel);
                if !out.contains(&spelled) {
                    out.push(spelled);
                }
            }
        }
        out.sort();
        Ok(out)
    }
    fn entries(&self, dir: &Path) -> io::Result<Vec<Entry>> {
        let d = normalize(dir);
        let edited = (self.edits.keys())
            .filter_map(|p| p.strip_prefix(&d).ok().map(|rel| dir.join(rel)))
            .collect();
        entries::overlaid(self.base.entries(dir), dir, edited)
    }
    fn root(&self) -> &Path {
        self.base.root()
    }
    fn describe(&self) -> String {
        format!("{} (with in-memory edits)", self.base.describe())
    }
    fn resolves_through(&self, path: &Path) -> Vec<PathBuf> {
        if self.edits.contains_key(&normalize(path)) {
            return Vec::new();
        }
        self.base.resolves_through(path)
    }
    fn fence_root(&self) -> Option<&Path> {
        self.base.fence_root()
    }
    fn revision(&self) -> Option<String> {
        self.base.revision()
    }
    fn origin_of_new(&self, path: &Path) -> Origin {
        self.base.origin_of_new(path)
    }
    fn submodule_at(&self, path: &Path) -> io::Result<Option<PathBuf>> {
        self.base.submodule_at(path)
    }
}
