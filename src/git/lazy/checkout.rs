//! What a checkout of a [`LazyGitVfs`]'s side writes for a file, and the
//! refusal of a file Nomad would read otherwise from that checkout
//! ([`LazyGitVfs::checked_line_ends`]; git's attributes: [`attributes`];
//! its conversion: [`line_ends`]).

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use gix::bstr::ByteSlice;

use super::super::attributes::{self, Found, Frame};
use super::super::line_ends;
use super::super::repo::{self, bytes_of, path_of};
use super::LazyGitVfs;

/// The kind of the refusal of a file a checkout writes otherwise than its
/// blob ([`LazyGitVfs::checked_line_ends`]): the only refusal of this kind.
pub const LINE_ENDS: io::ErrorKind = io::ErrorKind::InvalidData;

/// What a checkout reads from outside the tree, once per reader: the
/// configuration, and the attribute files below and above the tree's
/// (built-in, system, global; `info/attributes`).
pub(super) struct Outside {
    config: line_ends::Config,
    below: Vec<Frame>,
    above: Frame,
}

/// An attribute file git reads from disk (read_attr_from_file): a regular
/// file under attr.c's size cap, or nothing. Never quoted back.
fn disk_frame(path: &Path) -> Option<Frame> {
    let body = disk_attributes(path)?;
    Some(Frame::parse(b"", &body, Found::Disk, true))
}

/// The bytes of the attribute file at `path` (see [`disk_frame`]); read
/// once per path when the process reads one state
/// ([`crate::project::hold_one_state`]): each git reader of a hook (HEAD's
/// world, the staged side, the select-ahead helper's) asked for the same
/// three files, mostly absent, three `statx` each.
fn disk_attributes(path: &Path) -> Option<Arc<Vec<u8>>> {
    let read = || {
        let meta = std::fs::metadata(path).ok()?;
        if !meta.is_file() || meta.len() >= attributes::MAX_FILE as u64 {
            return None;
        }
        std::fs::read(path).ok().map(Arc::new)
    };
    if !crate::project::one_state() {
        return read();
    }
    type Known = Mutex<HashMap<PathBuf, Option<Arc<Vec<u8>>>>>;
    static KNOWN: OnceLock<Known> = OnceLock::new();
    let known = KNOWN.get_or_init(Default::default);
    if let Some(body) = known.lock().ok().and_then(|m| m.get(path).cloned()) {
        return body;
    }
    let body = read();
    if let Ok(mut m) = known.lock() {
        m.insert(path.to_path_buf(), body.clone());
    }
    body
}

/// git_attr_global_file: core.attributesFile (`configured`), else
/// `$XDG_CONFIG_HOME/git/attributes`, else `~/.config/git/attributes`.
fn global_file(configured: Option<PathBuf>) -> Option<PathBuf> {
    if let Some(p) = configured {
        return Some(p);
    }
    match std::env::var_os("XDG_CONFIG_HOME").filter(|v| !v.is_empty()) {
        Some(x) => Some(PathBuf::from(x).join("git").join("attributes")),
        None => std::env::var_os("HOME").filter(|v| !v.is_empty()).map(|h| {
            PathBuf::from(h)
                .join(".config")
                .join("git")
                .join("attributes")
        }),
    }
}

impl Outside {
    /// From the configuration read without gix when the repository has
    /// the plain layout (which has no `core.attributesFile`: a trusted
    /// path is gix's to interpolate), else from gix's snapshot.
    fn read(repo: &repo::Repo) -> io::Result<Outside> {
        if let Some(c) = repo.plain_config() {
            return Ok(Outside::from_config(c, None, repo.common_dir()));
        }
        let snapshot = repo.gix()?.config_snapshot();
        let attributes_file = snapshot.trusted_path("core.attributesFile").ok().flatten();
        Ok(Outside::from_config(
            snapshot.plumbing(),
            attributes_file,
            repo.common_dir(),
        ))
    }

    /// `c` is the resolved configuration (gix's snapshot reads the same
    /// way: the last value wins, a value that is not a boolean is none).
    fn from_config(
        c: &gix::config::File,
        attributes_file: Option<PathBuf>,
        common_dir: &Path,
    ) -> Outside {
        let boolean = |key: &str| c.boolean(key).ok().flatten();
        let autocrlf = match c.string("core.autocrlf") {
            Some(v) if v.eq_ignore_ascii_case(b"input") => line_ends::AutoCrlf::Input,
            _ if boolean("core.autocrlf").unwrap_or(false) => line_ends::AutoCrlf::True,
            _ => line_ends::AutoCrlf::False,
        };
        // convert.c read_convert_config: a driver is any filter.<name>
        // section; it writes the checkout when it has a smudge or process
        // program, and fails it when required without one.
        let drivers = c
            .sections_by_name("filter")
            .into_iter()
            .flatten()
            .filter(|s| {
                ["smudge", "process", "required"]
                    .iter()
                    .any(|k| s.contains_value_name(k))
            })
            .filter_map(|s| s.header().subsection_name().map(|n| n.to_vec()))
            .collect();
        let config = line_ends::Config {
            autocrlf,
            eol_crlf: c
                .string("core.eol")
                .is_some_and(|v| v.eq_ignore_ascii_case(b"crlf")),
            ignore_case: boolean("core.ignorecase").unwrap_or(false),
            drivers,
            other_source: c.string("attr.tree").is_some()
                || std::env::var_os("GIT_ATTR_SOURCE").is_some(),
        };
        let mut below = vec![Frame::builtin()];
        // attr.c git_attr_system_is_enabled (git_env_bool).
        let nosystem = std::env::var("GIT_ATTR_NOSYSTEM").is_ok_and(|v| {
            let v = v.trim().to_ascii_lowercase();
            ["true", "yes", "on"].contains(&v.as_str()) || v.parse::<i64>().is_ok_and(|n| n != 0)
        });
        if !nosystem {
            // Debian's and most builds' $(sysconfdir)/gitattributes.
            below.extend(disk_frame(Path::new("/etc/gitattributes")));
        }
        below.extend(global_file(attributes_file).and_then(|p| disk_frame(&p)));
        let above = disk_frame(&common_dir.join("info").join("attributes"))
            .unwrap_or_else(|| Frame::parse(b"", b"", Found::Disk, true));
        Outside {
            config,
            below,
            above,
        }
    }
}

impl LazyGitVfs {
    /// What a checkout of this side does to `key`.
    fn checkout_of(&self, key: &Path) -> io::Result<line_ends::Conversion> {
        let path = bytes_of(key);
        let mut dirs: Vec<&[u8]> = vec![b""];
        for (i, b) in path.iter().enumerate() {
            if *b == b'/' {
                dirs.push(&path[..i]);
            }
        }
        let outside = match self.outside.get() {
            Some(o) => o.clone(),
            None => {
                let o = Arc::new(self.with_state(|s| Outside::read(&s.repo))?);
                self.outside.get_or_init(|| o).clone()
            }
        };
        let mut frames: Vec<Frame> = Vec::new();
        for dir in dirs {
            let at = repo::join(dir.as_bstr(), b".gitattributes".as_bstr());
            // Any blob: a checkout reads a link's, whose text is what it
            // names (attr.c read_attr_from_index reads the index entry's
            // blob; the no-follow rule is for the file on disk only).
            if let Some((id, kind)) = self.lookup(&path_of(&at)?)? {
                if kind.is_blob() {
                    let body = self.with_state(|s| repo::blob(&s.repo, id, key))?;
                    frames.push(Frame::parse(dir, &body, Found::Blob, dir.is_empty()));
                }
            }
        }
        let mut stack: Vec<&Frame> = outside.below.iter().collect();
        stack.extend(frames.iter());
        stack.push(&outside.above);
        Ok(line_ends::checkout(path.as_bstr(), &stack, &outside.config))
    }

    /// Whether a checkout of this side, or (for a change's new side) of
    /// the base, writes `key` through a filter program or an encoding
    /// ([`crate::vfs::Vfs::checkout_rewrite`]); None when this side has
    /// no such file.
    pub(super) fn rewrite_of(&self, key: &Path) -> io::Result<Option<crate::vfs::Rewrite>> {
        use crate::vfs::Rewrite;
        if self.lookup(key)?.is_none() {
            return Ok(None);
        }
        let of = |c: line_ends::Conversion| {
            if c.encoding {
                Some(Rewrite::Encoding)
            } else if c.filter {
                Some(Rewrite::Filter)
            } else {
                None
            }
        };
        if let Some(r) = of(self.checkout_of(key)?) {
            return Ok(Some(r));
        }
        Ok(match self.base_reader()? {
            Some(base) => of(base.checkout_of(key)?),
            None => None,
        })
    }

    /// The reader of the base revision, when this side names one.
    fn base_reader(&self) -> io::Result<Option<Arc<LazyGitVfs>>> {
        let Some((rev, cell)) = &self.base else {
            return Ok(None);
        };
        if let Some(b) = cell.get() {
            return Ok(Some(b.clone()));
        }
        let opened = Arc::new(LazyGitVfs::rev(&self.root, rev)?);
        Ok(Some(cell.get_or_init(|| opened).clone()))
    }

    /// The refusal of `text` at `key` when a checkout writes it otherwise
    /// and Nomad may read the difference; or, this side's checkout being
    /// its blob, when the base's checkout would write the same text
    /// otherwise (the change rewrote the attributes: the running version
    /// came from that checkout).
    pub(super) fn line_ends_refusal(
        &self,
        key: &Path,
        text: &str,
    ) -> io::Result<Option<io::Error>> {
        if !self.line_ends {
            return Ok(None);
        }
        let (name, why, then) = match why(self.checkout_of(key)?, key, text) {
            Some(why) => (self.name.clone(), why, String::new()),
            None => match self.base_reader()? {
                Some(base) => match why(base.checkout_of(key)?, key, text) {
                    Some(why) => (
                        base.name.clone(),
                        why,
                        format!(
                            " (the running version), while one of {} writes its blob",
                            self.name
                        ),
                    ),
                    None => return Ok(None),
                },
                None => return Ok(None),
            },
        };
        Ok(Some(crate::project::refused(
            LINE_ENDS,
            format!(
                "refusing to read {}: a checkout of {name} {why}{then}: what Nomad reads from the checkout is not followed here",
                key.display(),
            ),
        )))
    }
}

/// Why a checkout making `conv` of `text` writes what Nomad reads
/// otherwise than the blob, if it does.
fn why(conv: line_ends::Conversion, key: &Path, text: &str) -> Option<&'static str> {
    let name = key.to_string_lossy();
    let hcl = [".nomad", ".hcl", ".job"].iter().any(|e| name.ends_with(e));
    // JSON reads CR as white space and holds no raw line end in a
    // string; HCL keeps one only in a heredoc.
    let reads_line_ends =
        text.contains('\n') && !name.ends_with(".json") && (!hcl || text.contains("<<"));
    let eol = reads_line_ends
        && match conv.eol {
            line_ends::Checkout::AsIs => false,
            line_ends::Checkout::Crlf { auto } => {
                line_ends::smudge(&crate::source::encode(text), auto).is_some()
            }
            line_ends::Checkout::Unsure => true,
        };
    // convert.c ident_to_worktree rewrites `$Id$` and `$Id: … $`: no
    // text without `$Id` is touched.
    let ident = conv.ident && text.contains("$Id");
    Some(if conv.filter {
        "may write it otherwise than its blob (a .gitattributes `filter` whose driver the git configuration defines: a program writes it)"
    } else if conv.encoding {
        "may write it otherwise than its blob (a .gitattributes `working-tree-encoding`: it is written in that encoding, not as its UTF-8 blob)"
    } else if ident {
        "may write it otherwise than its blob (a .gitattributes `ident`: each `$Id$` is written with the blob's object name)"
    } else if is_lfs_pointer(text.as_bytes()) {
        "may write it otherwise than its blob (a Git LFS pointer: where git-lfs is installed, a checkout writes the object it points to)"
    } else if eol {
        "may write it with CRLF line ends (.gitattributes `eol=crlf`, `text` with core.autocrlf or core.eol) where its blob has LF, and Nomad keeps a CR inside a heredoc or a file it reads whole"
    } else {
        return None;
    })
}

/// Is `blob` a Git LFS pointer (git-lfs docs/spec.md: at most 1024 bytes,
/// `version <url>` first, then `oid sha256:...` and `size`)? Read loosely
/// (any version URL, an `oid` line anywhere): taken for one, a file is
/// refused, never read as the pointer's text where a checkout with git-lfs
/// installed (GitHub's runners ship it) writes the object instead.
pub fn is_lfs_pointer(blob: &[u8]) -> bool {
    blob.len() <= 1024
        && blob.starts_with(b"version https://")
        && blob.windows(5).any(|w| w == b"\noid ")
}

/// The refusal of a file whose text is a Git LFS pointer, whatever reads
/// it (a gate took it for a name that may be a job's,
/// changeset::unread_checkout): a checkout where git-lfs is installed
/// writes the object it points to, so what Nomad reads is not known here.
/// From a working tree it was judged as the pointer's text, "not a job",
/// where CI checked out without LFS objects (actions/checkout's default)
/// (redteam6 G15).
pub fn lfs_refusal(path: &Path, text: &str) -> Option<io::Error> {
    is_lfs_pointer(text.as_bytes()).then(|| {
        crate::project::refused(
            LINE_ENDS,
            format!(
                "refusing to read {}: it is a Git LFS pointer, and a checkout where git-lfs is installed writes the object it points to: what Nomad reads from the checkout is not followed here",
                crate::project::shown(path)
            ),
        )
    })
}
