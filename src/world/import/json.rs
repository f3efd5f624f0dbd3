//! Reading one saved API response: JSON errors located in the file, and
//! the resource-figure bound applied to the files that carry figures.

use std::path::Path;

use serde_json::Value;

use crate::diag::{Diag, Diags};
use crate::source::{Source, SourceFile};
use crate::vfs::Vfs;

pub(in crate::world) fn read_json(
    vfs: &dyn Vfs,
    path: &Path,
    diags: &mut Diags,
) -> Option<(Source, Value)> {
    parse(vfs.read(path).ok()?, diags)
}

fn parse(src: Source, diags: &mut Diags) -> Option<(Source, Value)> {
    // Charged before parsing: a dump's files together are bounded too.
    match super::budget::bytes(&src) {
        super::budget::Charge::Paid => {}
        super::budget::Charge::Refused(d) => {
            diags.push(d);
            return None;
        }
        // Said once already, and the import fails with it.
        super::budget::Charge::Spent => return None,
    }
    // serde_json's recursion limit would say "invalid JSON" of a valid
    // document: past our own, lower limit the file is refused in our
    // words, at the bracket that crossed it.
    if let Some(at) = crate::json_depth::too_deep(&src.text, crate::json_depth::MAX_DEPTH) {
        diags.push(
            Diag::error(
                "import::too-deep",
                format!(
                    "cannot tell what this file holds: it nests deeper than {} levels, nomad-preflight's limit for a saved API response (the JSON may be valid; it is not read)",
                    crate::json_depth::MAX_DEPTH
                ),
            )
            .at(&src, crate::source::Span::new(at, at + 1), "this bracket opens one level too many")
            .help("Nomad's API answers nest about a dozen levels: save the file again with `nomad operator api PATH > FILE`, or remove what nests this deep")
            .as_cannot_tell(),
        );
        return None;
    }
    match serde_json::from_str::<Value>(&src.text) {
        Ok(v) => Some((src, v)),
        Err(e) => {
            let offset = line_col_offset(&src, e.line(), e.column());
            diags.push(
                Diag::error("import::json", format!("invalid JSON: {e}"))
                    .at(
                        &src,
                        crate::source::Span::new(offset, (offset + 1).min(src.text.len())),
                        "here",
                    )
                    .help("save the file with `nomad operator api PATH > FILE`"),
            );
            None
        }
    }
}

/// What a community agent answers, with status 501, on an
/// Enterprise-only endpoint (`/v1/quotas` at every release, `/v1/namespaces`
/// before 1.0): command/agent/http.go `ErrEntOnly`, the same from v0.9.3 to
/// v2.0.5, written bare by `wrap` (no newline), and copied to the file by
/// `nomad operator api`, which exits 0 on any status. Only this exact text
/// reads as "not saved": any other answer that is not JSON is an error.
const ENTERPRISE_ONLY: &str = "Nomad Enterprise only endpoint";

/// One import file as saved: absent (empty: the saving call failed; or
/// the community agent's [`ENTERPRISE_ONLY`] answer), or read. A file
/// that is there but cannot be read or parsed is an error pushed to
/// `diags` (`None`): never taken as absent.
pub(in crate::world) enum Saved {
    Absent,
    Read(Source, Value),
}

pub(in crate::world) fn read_saved(
    vfs: &dyn Vfs,
    path: &Path,
    bounded: bool,
    diags: &mut Diags,
) -> Option<Saved> {
    match read_reply::<std::convert::Infallible>(vfs, path, bounded, &[], diags)? {
        Reply::Saved(saved) => Some(saved),
        Reply::Answer(never) => match never {},
    }
}

/// An import file whose endpoint may answer in plain text instead of JSON:
/// the error text an agent writes with an error status, which `nomad
/// operator api` copies to the file and exits 0 on (command/operator_api.go
/// v2.0.5:266-281, `io.Copy(os.Stdout, resp.Body)`, no status check).
pub(in crate::world) enum Reply<T> {
    Saved(Saved),
    /// The file holds one of the texts the caller knows, and this is what
    /// it means.
    Answer(T),
}

/// [`read_saved`], where a file holding exactly one of `answers`' texts
/// (a trailing newline allowed, as an editor saves it) is that answer;
/// any other text that is not JSON stays an error.
pub(in crate::world) fn read_reply<T: Copy>(
    vfs: &dyn Vfs,
    path: &Path,
    bounded: bool,
    answers: &[(&str, T)],
    diags: &mut Diags,
) -> Option<Reply<T>> {
    // A link leading outside, a FIFO or a device is listed but is no
    // regular file: present, so reading it is refused by name below.
    let listed = || {
        path.parent()
            .and_then(|d| vfs.list(d).ok())
            .is_some_and(|l| l.iter().any(|p| p == path))
    };
    if !vfs.is_file(path) && !listed() {
        return Some(Reply::Saved(Saved::Absent));
    }
    let src = match vfs.read(path) {
        Ok(src) => src,
        Err(e) => {
            let help = if crate::project::refusal(&e).is_some() {
                "save the file again as a regular file inside the folder; a refused file is not taken as absent"
            } else {
                "fix the file's permissions or save it again; an unreadable file is not taken as absent"
            };
            diags.push(
                Diag::error("import::unreadable", crate::project::read_failure(path, &e))
                    .help(help),
            );
            return None;
        }
    };
    if src.text.trim().is_empty() || &*src.text == ENTERPRISE_ONLY {
        return Some(Reply::Saved(Saved::Absent));
    }
    let text = src.text.strip_suffix('\n').unwrap_or(&src.text);
    if let Some((_, answer)) = answers.iter().find(|(known, _)| *known == text) {
        return Some(Reply::Answer(*answer));
    }
    let (src, v) = parse(src, diags)?;
    if bounded {
        let before = diags.len();
        crate::world::bounds::check_json(&src, &v, diags);
        if diags.len() != before {
            return None;
        }
    }
    Some(Reply::Saved(Saved::Read(src, v)))
}

fn line_col_offset(src: &SourceFile, line: usize, col: usize) -> usize {
    let mut offset = 0;
    for (i, l) in src.text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return (offset + col.saturating_sub(1)).min(src.text.len());
        }
        offset += l.len();
    }
    src.text.len()
}

/// The `.json` files saved under `root/<namespace>/` for each of
/// `namespaces`, in its order, each folder listed as the vfs lists it:
/// the per-namespace folders `import --print-commands` fills, one file
/// per job (`job-versions/`, `job-summaries/`). A namespace without a
/// folder has none.
pub(in crate::world) fn namespace_json_files<'a>(
    vfs: &'a dyn Vfs,
    root: &'a Path,
    namespaces: impl IntoIterator<Item = String> + 'a,
) -> impl Iterator<Item = std::path::PathBuf> + 'a {
    namespaces
        .into_iter()
        .map(move |ns| root.join(ns))
        .filter(move |d| vfs.is_dir(d))
        .flat_map(move |d| vfs.list(&d).unwrap_or_default())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
}
