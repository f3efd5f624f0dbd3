//! A folder's entries as doublestar's Glob sees them (`fileset()`): each
//! name with what `stat(2)` finds through it, links followed. The glob
//! walks only where its pattern leads, so a reader answers one folder at
//! a time instead of listing everything below the pattern's start.

use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};

/// One entry of a folder.
#[derive(Debug)]
pub struct Entry {
    pub name: OsString,
    pub kind: EntryKind,
}

/// What `os.Stat` of an entry finds (doublestar stats a link under `**`,
/// go-cty-funcs MakeFileSetFunc stats every match).
#[derive(Debug)]
pub enum EntryKind {
    File,
    /// A folder, or a link to one: where it leads, as this reader names
    /// folders (canonical on disk), so a walk meeting a folder again
    /// through a link knows it is going round.
    Folder(PathBuf),
    /// Neither (a FIFO, a device, a socket): fileset skips it.
    Other,
    /// A link `stat(2)` fails through (leading nowhere, or round more
    /// than the kernel follows): Go's text of the errno, as `os.Stat`'s
    /// error ends with it.
    Broken(&'static str),
    /// A link this reader will not follow (out of the project, into a
    /// submodule): what a stat would find there is not known here.
    Refused(io::Error),
}

impl Entry {
    pub fn new(name: impl Into<OsString>, kind: EntryKind) -> Entry {
        Entry {
            name: name.into(),
            kind,
        }
    }
}

/// Go's `syscall.Errno.Error()` text (zerrors_linux_*.go) of the errors a
/// stat through a link gives; `None` for one we do not word.
pub fn go_errno(e: &io::Error) -> Option<&'static str> {
    Some(match e.raw_os_error()? {
        2 => "no such file or directory",
        13 => "permission denied",
        20 => "not a directory",
        36 => "file name too long",
        40 => "too many levels of symbolic links",
        _ => return None,
    })
}

/// The entries of `dir` for a reader holding files only (no links, no
/// empty folders): its regular files at any depth, `files`, spelled below
/// `dir`, give the names directly inside it. NotFound when none.
pub fn from_files(dir: &Path, files: Vec<PathBuf>) -> io::Result<Vec<Entry>> {
    let mut out: Vec<Entry> = Vec::new();
    for f in files {
        let Ok(rel) = f.strip_prefix(dir) else {
            continue;
        };
        let mut parts = rel.components();
        let Some(first) = parts.next() else {
            continue;
        };
        let name = first.as_os_str();
        if out.iter().any(|e| e.name == name) {
            continue;
        }
        let kind = if parts.next().is_some() {
            EntryKind::Folder(dir.join(name))
        } else {
            EntryKind::File
        };
        out.push(Entry::new(name, kind));
    }
    if out.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("no folder {}", crate::project::shown(dir)),
        ));
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// A folder's entries with in-memory edits on top (files, spelled below
/// `dir`, which may make new folders): an edit is a file.
pub fn overlaid(
    base: io::Result<Vec<Entry>>,
    dir: &Path,
    edited: Vec<PathBuf>,
) -> io::Result<Vec<Entry>> {
    let mut out = match base {
        Ok(v) => v,
        Err(e) if e.kind() == io::ErrorKind::NotFound && !edited.is_empty() => Vec::new(),
        Err(e) => return Err(e),
    };
    for e in from_files(dir, edited).unwrap_or_default() {
        match out.iter_mut().find(|o| o.name == e.name) {
            Some(o) if matches!(e.kind, EntryKind::File) => o.kind = EntryKind::File,
            Some(_) => {}
            None => out.push(e),
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// [`crate::vfs::Vfs::entries`] on disk: each entry of the canonical
/// folder `full`, a link judged where it leads inside `fence`.
pub fn on_disk(fence: &crate::project::Fence, full: &Path) -> io::Result<Vec<Entry>> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(full)? {
        let e = e?;
        let (name, t) = (e.file_name(), e.file_type()?);
        let real = full.join(&name);
        let kind = if t.is_symlink() {
            linked(fence, &real)
        } else if t.is_dir() {
            EntryKind::Folder(real)
        } else if t.is_file() {
            EntryKind::File
        } else {
            EntryKind::Other
        };
        out.push(Entry::new(name, kind));
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// What the link `at` leads to: refused when that is outside (a dangling
/// link outside too, so nothing outside is told), else what a stat finds.
fn linked(fence: &crate::project::Fence, at: &Path) -> EntryKind {
    let to = match fence.locate(at) {
        Ok(to) => to,
        // Round more than 40 times (which the fence refuses with its
        // walk): ELOOP whatever the targets, telling nothing of them.
        Err(e) => {
            return match std::fs::metadata(at) {
                Err(m) if m.raw_os_error() == Some(40) => {
                    EntryKind::Broken("too many levels of symbolic links")
                }
                _ => EntryKind::Refused(e),
            }
        }
    };
    match std::fs::metadata(&to) {
        Ok(m) if m.is_dir() => EntryKind::Folder(to),
        Ok(m) if m.is_file() => EntryKind::File,
        Ok(_) => EntryKind::Other,
        Err(e) => match go_errno(&e) {
            Some(text) => EntryKind::Broken(text),
            None => EntryKind::Refused(e),
        },
    }
}
