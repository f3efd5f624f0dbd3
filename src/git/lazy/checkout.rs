//! The line ends a checkout of a [`LazyGitVfs`]'s side writes, and the
//! refusal of a file Nomad would read otherwise from that checkout
//! ([`LazyGitVfs::checked_line_ends`]; git's conversion: [`line_ends`]).

use std::io;
use std::path::Path;

use gix::bstr::{BStr, ByteSlice};

use super::super::line_ends;
use super::super::repo::{self, bytes_of, path_of, Kind};
use super::LazyGitVfs;

/// The kind of the refusal of a file a checkout writes with other line
/// ends ([`LazyGitVfs::checked_line_ends`]): the only refusal of this kind.
pub const LINE_ENDS: io::ErrorKind = io::ErrorKind::InvalidData;

impl LazyGitVfs {
    /// How a checkout of this side writes `key`'s line ends.
    fn checkout_of(&self, key: &Path) -> io::Result<line_ends::Checkout> {
        let path = bytes_of(key);
        let mut dirs: Vec<&[u8]> = vec![b""];
        for (i, b) in path.iter().enumerate() {
            if *b == b'/' {
                dirs.push(&path[..i]);
            }
        }
        let mut files: Vec<(gix::bstr::BString, Vec<u8>)> = Vec::new();
        for dir in dirs {
            let at = repo::join(dir.as_bstr(), b".gitattributes".as_bstr());
            if let Some((id, Kind::File | Kind::Executable)) = self.lookup(&path_of(&at)?)? {
                let body = self.with_state(|s| repo::blob(&s.repo, id, key))?;
                files.push((dir.into(), body));
            }
        }
        let config = self.with_state(|s| {
            let info = s.repo.common_dir().join("info").join("attributes");
            if let Ok(body) = std::fs::read(info) {
                files.push((gix::bstr::BString::from(""), body));
            }
            let c = s.repo.config_snapshot();
            Ok(line_ends::Config {
                autocrlf: c.boolean("core.autocrlf").unwrap_or(false),
                eol_crlf: c
                    .string("core.eol")
                    .is_some_and(|v| v.eq_ignore_ascii_case(b"crlf")),
            })
        })?;
        let listed: Vec<(&BStr, &[u8])> = files
            .iter()
            .map(|(d, b)| (d.as_bstr(), b.as_slice()))
            .collect();
        Ok(line_ends::checkout(path.as_bstr(), &listed, config))
    }

    /// The refusal of `text` at `key` when a checkout writes it otherwise
    /// and Nomad may read the difference.
    pub(super) fn line_ends_refusal(
        &self,
        key: &Path,
        text: &str,
    ) -> io::Result<Option<io::Error>> {
        if !self.line_ends || !text.contains('\n') {
            return Ok(None);
        }
        let name = key.to_string_lossy();
        let hcl = [".nomad", ".hcl", ".job"].iter().any(|e| name.ends_with(e));
        // JSON reads CR as white space and holds no raw line end in a
        // string; HCL keeps one only in a heredoc.
        if name.ends_with(".json") || (hcl && !text.contains("<<")) {
            return Ok(None);
        }
        let changed = match self.checkout_of(key)? {
            line_ends::Checkout::AsIs => false,
            line_ends::Checkout::Crlf { auto } => {
                line_ends::smudge(&crate::source::encode(text), auto).is_some()
            }
            line_ends::Checkout::Unsure => true,
        };
        Ok(changed.then(|| {
            crate::project::refused(
                LINE_ENDS,
                format!(
                    "refusing to read {}: a checkout of {} may write it with CRLF line ends (.gitattributes `eol=crlf`, `text` with core.autocrlf or core.eol) where its blob has LF, and Nomad keeps a CR inside a heredoc or a file it reads whole: what Nomad reads from the checkout is not followed here",
                    key.display(),
                    self.name
                ),
            )
        }))
    }
}
