//! `fileset(path, pattern)`: go-cty-funcs MakeFileSetFunc (filesystem.go
//! at v0.1.0 and 2721b1e) joins the path and the pattern, globs the
//! result with doublestar ([`super::doublestar`], [`GlobWalk`]), stats
//! each match and lists the regular files relative to the path.

use std::path::{Path, PathBuf};

use super::doublestar::{is_glob, Release, Stop};
use super::filesystem::{git_folder, not_in_submodule, relative, start_kind, unread};

/// What a walk that reaches a submodule does not know.
pub(super) const WHAT: &str = "Nomad lists for fileset()";
use super::glob_walk::{GlobWalk, GoErr, Listing, Stat};
use super::{FnEnv, Miss, Try, Value};
use crate::vfs::EntryKind;

/// `fileset(path, pattern)` (go-cty-funcs `MakeFileSetFunc`, doublestar v1
/// globbing, [`super::doublestar`]: `*` and `?` stay within one folder,
/// `**` spans folders, `{a,b}` and `[...]` with only `^` negating):
/// regular files only, as paths relative to `path` with `/`, sorted and
/// unique like a cty set of strings. The walk ([`GlobWalk`]) starts at
/// the pattern's literal prefix, fenced like every read, and goes only
/// where the pattern leads, links followed inside the project; nothing
/// outside the project is listed.
pub(super) fn fileset(env: &FnEnv<'_>, path: &str, pattern: &str) -> Try {
    let base = env.resolve("fileset", path)?;
    let full = crate::vfs::normalize(&base.join(pattern));
    let full_text = full.to_string_lossy().into_owned();
    // The pattern as Nomad joined it (relative as typed).
    let shown = env.vfs.map_or_else(
        || full_text.clone(),
        |v| env.shown(&[path, pattern], &full, v.root()),
    );
    let release = Release::of(env.version);
    let bad = || format!("failed to glob pattern ({shown}): syntax error in pattern");
    // v1.3.4's GlobOS globs each alternative of a brace that opens the
    // joined pattern as a pattern of its own (one may be absolute).
    let wholes = match (release, shown.starts_with('{')) {
        (Release::V1_3_4, true) => {
            let alts = match super::doublestar::top_alternatives(shown.as_bytes()) {
                Ok(alts) => alts,
                Err(Stop::Bad) => return Err(bad().into()),
                Err(Stop::Spent) => {
                    return Err(Miss::CannotTell(
                        "cannot tell what Nomad lists for fileset(): the pattern's leading braces make too many patterns".into(),
                    ))
                }
            };
            let mut out = Vec::new();
            for alt in alts {
                out.push(top_alternative(env, &alt)?);
            }
            out
        }
        _ => vec![full],
    };
    let mut matched = Vec::new();
    for whole in wholes {
        let listing = glob_one(env, path, &whole, release)?;
        match listing.err {
            GoErr::Nil => matched.extend(listing.matched),
            GoErr::Bad => return Err(bad().into()),
            GoErr::Either => {
                return Err(Miss::CannotTell(format!(
                    "cannot tell whether Nomad fails with \"{}\": doublestar v1.1.5 (Nomad {}) keeps a malformed part's error only when the folder it was met in is the last the file system lists",
                    bad(),
                    env.version.named()
                )))
            }
        }
    }
    let vfs = env.vfs.ok_or("filesystem functions are disabled here")?;
    // go-cty-funcs stats each match in turn and fails at the first that
    // fails, which v1.1.5 meets in the order the file system lists. A
    // match is the joined pattern with its globs filled in, so Nomad names
    // it from where it runs (BaseDir "."), as every other message does.
    // Each such link must be one the reader gives a job (the gate: one
    // git tracks): an untracked link is no checkout's, and quoting its
    // stat failure would fail a job Nomad plans.
    let mut broken = Vec::new();
    for (p, stat) in &matched {
        if let Stat::Broken(errno) = stat {
            env.admitted(p)?;
            let below = relative(p, &base);
            broken.push((env.shown(&[path, &below], p, vfs.root()), *errno));
        }
    }
    if let Some((at, errno)) = broken.first() {
        if broken.len() > 1 && !release.sorts() {
            return Err(Miss::CannotTell(format!(
                "cannot tell which error Nomad gives: {} of the files fileset() matches are symbolic links a stat fails through ({at} and others), and Nomad {} fails at the first the file system lists (\"failed to stat (…)\")",
                broken.len(),
                env.version.named()
            )));
        }
        return Err(format!("failed to stat ({at}): stat {at}: {errno}").into());
    }
    // Each file listed must be one the reader gives a job (the gate: one
    // git tracks).
    let mut found = Vec::new();
    for (c, stat) in &matched {
        if *stat == Stat::File {
            env.admitted(c)?;
            found.push(relative(c, &base));
        }
    }
    found.sort();
    found.dedup();
    Ok(Value::List(found.into_iter().map(Value::String).collect()))
}

/// One whole pattern (absolute, cleaned) globbed as doGlob does from
/// its literal folders on, fenced like every read.
fn glob_one(env: &FnEnv<'_>, path: &str, whole: &Path, release: Release) -> Result<Listing, Miss> {
    let parts: Vec<String> = whole
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let first_glob = parts.iter().position(|c| is_glob(c.as_bytes()));
    let literal: PathBuf = whole
        .components()
        .take(first_glob.unwrap_or(parts.len()))
        .collect();
    let walk = env.fence(literal, path)?;
    let vfs = env.vfs.ok_or("filesystem functions are disabled here")?;
    // A walk that starts inside a repository's metadata lists what no
    // checkout holds: refused by every reader, never the empty set a
    // reader without that folder (git's) or one that hides it gives.
    if git_folder(&walk).is_some() {
        return Err(unread(crate::project::git_metadata(&walk)));
    }
    // A walk that starts in a submodule lists what its checkout holds.
    not_in_submodule(vfs, &walk, WHAT)?;
    // A start that leads outside the project is refused, never empty.
    // A stat failing at the start (ELOOP, ENOTDIR) is no file there:
    // what an Lstat finds ([`start_kind`]) decides below.
    let start_is_file = match vfs.probe(&walk) {
        Err(e) if crate::project::refusal(&e).is_none() && crate::vfs::go_errno(&e).is_some() => {
            false
        }
        found => found.map_err(unread)?,
    };
    let rest = parts[first_glob.unwrap_or(parts.len())..].join("/");
    let kind = if start_is_file {
        EntryKind::File
    } else if vfs.is_dir(&walk) {
        EntryKind::Folder(walk.clone())
    } else if rest.is_empty() {
        // The whole pattern is a path: doublestar matches whatever an
        // Lstat finds there, a link leading nowhere included.
        start_kind(vfs, &walk)?
    } else {
        EntryKind::Other
    };
    // A folder in a repository's metadata is never walked: what it holds
    // differs between the machine that runs `nomad` and this one (a CI
    // clone's refs, hooks, packs), and no checkout holds it. Refused only
    // where the pattern leads the walk into it (`*` matches `.git`: no
    // dotfile rule), by every reader, as a walk that starts there is.
    if vfs.revision().is_some() && walk == vfs.root() {
        if let Some(name) = leads_into_git(release, rest.as_bytes()) {
            return Err(unread(crate::project::git_metadata(&walk.join(name))));
        }
    }
    let enter = |dir: &Path| match git_folder(dir) {
        Some(_) => Err(unread(crate::project::git_metadata(dir))),
        None => Ok(()),
    };
    GlobWalk::new(vfs, release, &enter).run(walk, kind, rest.as_bytes())
}

/// A git revision holds no `.git` folder, so its walk never meets the one
/// the disk reader refuses to enter, and would list nothing where the
/// checkout Nomad reads has it (reviewer rv23-3): the spelling of `.git`
/// (any case, as [`git_folder`] tells it) that `pattern`, walked from the
/// repository's root, would enter (`**`, or a first part that matches it
/// with more pattern after). A pattern the matcher cannot answer is left
/// to the walk, which meets the same error.
fn leads_into_git(release: Release, pattern: &[u8]) -> Option<String> {
    let spellings = (0..8u8).map(|m| {
        let up = |bit: u8, c: char| {
            if m & bit != 0 {
                c.to_ascii_uppercase()
            } else {
                c
            }
        };
        format!(".{}{}{}", up(1, 'g'), up(2, 'i'), up(4, 't'))
    });
    let all_folders = super::doublestar::double_star(pattern).is_some();
    let mut budget = super::doublestar::Budget(10_000);
    spellings.into_iter().find(|name| {
        all_folders
            || matches!(release.step(pattern, name.as_bytes(), &mut budget),
                Ok(Some(rests)) if rests.iter().any(|r| !r.is_empty()))
    })
}

/// One of the patterns a leading brace makes (v1.3.4 GlobOS), as the
/// whole pattern it is: Go does not clean it again, so a `.`, `..` or
/// empty folder after its first glob is not answered (doGlob cleans only
/// the literal folders it joins).
fn top_alternative(env: &FnEnv<'_>, alt: &[u8]) -> Result<PathBuf, Miss> {
    let text = String::from_utf8_lossy(alt);
    let parts: Vec<&str> = text.split('/').collect();
    let first_glob = parts.iter().position(|c| is_glob(c.as_bytes()));
    if let Some(g) = first_glob {
        if parts[g..].iter().any(|c| matches!(*c, "" | "." | "..")) {
            return Err(Miss::CannotTell(
                "cannot tell what Nomad lists for fileset(): an alternative of the pattern's leading brace names an empty, `.` or `..` folder after a glob, which doublestar v1.3.4 globs uncleaned".into(),
            ));
        }
    }
    env.resolve("fileset", &text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_leads_into_git_where_it_can_enter_it_in_any_case() {
        for release in [Release::V1_1_5, Release::V1_3_4] {
            let into = |p: &str| leads_into_git(release, p.as_bytes());
            assert_eq!(into("**").as_deref(), Some(".git"));
            assert_eq!(into(".[gG]it/*").as_deref(), Some(".git"));
            assert_eq!(into("{.git,conf}/*").as_deref(), Some(".git"));
            assert_eq!(into(".GIT/*").as_deref(), Some(".GIT"));
            assert_eq!(into("*/config").as_deref(), Some(".git"));
            // Matching `.git` itself lists no file: nothing is entered.
            assert_eq!(into("*"), None);
            assert_eq!(into(".git"), None);
            assert_eq!(into("conf/*"), None);
        }
    }
}
