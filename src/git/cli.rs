//! The git command line, only where the in-process reader does not go:
//! - comparing with the working tree (`check --base` without `--head` or
//!   `--staged`), which needs git's line-ending conversions
//!   (`core.autocrlf`, `.gitattributes` `text`/`eol`) to hash a file as git
//!   would (filter drivers are turned off: [`filters_off`]);
//! - pairing renames whose content changed, which is git's own similarity
//!   heuristic (`-M`);
//! - listing untracked files with `.gitignore` applied (`check DIR`, and
//!   the new files of a change set compared with the working tree);
//! - the merge base of a ref new to a remote with its default branch
//!   (`--pre-push`), where the clone may hold a commit graph, replaced
//!   objects or grafts that git's own walk reads.
//!
//! gix has all three behind its `status`, `blob-diff` and `dirwalk`
//! features, which bring attributes, filters and a directory walker into
//! every build for paths a hook does not take.
//!
//! No program runs for these commands: the configuration may name some,
//! the change never (it cannot set configuration). What git would run
//! here: filter drivers on work-tree files ([`filters_off`]), the
//! fsmonitor hook ([`git`]); external diff drivers are off
//! (`--no-ext-diff`), `--name-status` runs no textconv, and no command
//! here runs hooks, a pager (stdout is a pipe) or a transport.

use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::repo::path_of;
use super::Change;

fn git(root: &Path) -> Command {
    let mut c = Command::new("git");
    c.arg("-C").arg(root);
    // Paths must come back verbatim, not C-quoted.
    c.args(["-c", "core.quotePath=false"]);
    // Git runs `core.fsmonitor`'s program on every index it reads
    // (read-cache.c tweak_fsmonitor; a user's or a runner's configuration
    // sets it): reading a change runs none. It only saves stat calls, so
    // every listing is the same without it. `-c` reaches the git commands
    // a diff starts in submodules too (GIT_CONFIG_PARAMETERS).
    c.args(["-c", "core.fsmonitor=false"]);
    c
}

fn run(mut cmd: Command) -> io::Result<Vec<u8>> {
    let out = cmd.stderr(Stdio::piped()).output()?;
    if !out.status.success() {
        return Err(io::Error::other(format!(
            "git failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(out.stdout)
}

/// Records of `-z` output, as bytes: dropping a record that does not decode
/// would misalign the ones after it (and let a file name hide a change).
fn split_z(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    bytes.split(|b| *b == 0).filter(|s| !s.is_empty())
}

/// `git diff --name-status -M` from `base` (a revision or a tree id) to
/// `head`, the index (`staged`) or the working tree.
pub(super) fn name_status(
    root: &Path,
    base: &str,
    head: Option<&str>,
    staged: bool,
) -> io::Result<Vec<Change>> {
    let mut c = git(root);
    if head.is_none() && !staged {
        c.args(filters_off(root)?);
    }
    // `--ignore-submodules=none`: git's diff honours `submodule.NAME.ignore`
    // from `.gitmodules`, the pull request's own file, and a runner's
    // `diff.ignoreSubmodules`; either would drop a submodule's new commit
    // from the change (redteam6 G3: `ignore = all` hid a bump from the
    // working-tree gate), so a byte sequence would open the gate.
    c.args([
        "diff",
        "--name-status",
        "-M",
        "-z",
        "--no-ext-diff",
        "--ignore-submodules=none",
    ]);
    if staged && head.is_none() {
        c.arg("--cached");
    }
    c.arg(base);
    if let Some(h) = head {
        c.arg(h);
    }
    c.arg("--");
    parse_name_status(&run(c)?)
}

/// `git merge-base A B`: the best common ancestor of two commits (`--pre-push`
/// judges a ref new to the remote from where it left the remote's
/// default branch), `None` when they share no history.
pub fn merge_base(root: &Path, a: &str, b: &str) -> io::Result<Option<String>> {
    let (a, b) = (super::repo::plain_rev(a)?, super::repo::plain_rev(b)?);
    let mut c = git(root);
    c.args(["merge-base", a, b]);
    let out = c.stderr(Stdio::piped()).output()?;
    let found = String::from_utf8_lossy(&out.stdout).trim().to_string();
    match out.status.code() {
        Some(0) if !found.is_empty() => Ok(Some(found)),
        // 1 with nothing printed: no common ancestor.
        Some(1) if found.is_empty() && out.stderr.is_empty() => Ok(None),
        _ => Err(io::Error::other(format!(
            "git merge-base failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))),
    }
}

/// `-c` settings that leave every filter driver the configuration defines
/// without a command, for a diff with the working tree. A pull request's
/// `.gitattributes` names drivers (`*.nomad filter=lfs`, any name a
/// developer's or a runner's configuration defines), and git runs a
/// driver's `clean` (or `process`) on each stat-dirty file it hashes:
/// reading a change set must never run a program the input chose. Empty
/// commands are no filter to git (convert.c runs a driver's command only
/// when it is non-empty), `required=false` keeps git from refusing a file
/// for want of one. Without the filter a file whose blob was cleaned
/// differs from it and is judged: Nomad reads the work tree's bytes too.
fn filters_off(root: &Path) -> io::Result<Vec<String>> {
    let mut c = git(root);
    c.args(["config", "-z", "--name-only", "--get-regexp", r"^filter\."]);
    let out = c.stderr(Stdio::piped()).output()?;
    // 1: no key matched (no filter driver is defined).
    if !out.status.success() && out.status.code() != Some(1) {
        return Err(io::Error::other(format!(
            "git failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    let mut names: Vec<String> = Vec::new();
    for key in split_z(&out.stdout) {
        let key = String::from_utf8_lossy(key);
        let Some((name, _)) = key.strip_prefix("filter.").and_then(|k| k.rsplit_once('.')) else {
            continue;
        };
        // `-c` splits at the first `=`: a name holding one cannot be
        // turned off so, and its driver must not run.
        if name.contains('=') || name.contains('\n') {
            return Err(io::Error::other(format!(
                "git configuration defines a filter driver whose name `-c` cannot set: {}",
                crate::escape::one_line(name)
            )));
        }
        if !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    }
    let mut args = Vec::new();
    for name in names {
        for setting in ["clean=", "smudge=", "process=", "required=false"] {
            args.push("-c".to_string());
            args.push(format!("filter.{name}.{setting}"));
        }
    }
    Ok(args)
}

/// `git diff --name-status -z`: a status field, then one path (two for
/// renames and copies). Paths are kept as bytes; a record that does not
/// parse fails the whole listing, so a gate never judges a partial one.
pub fn parse_name_status(out: &[u8]) -> io::Result<Vec<Change>> {
    let mut fields = split_z(out);
    let mut changes = Vec::new();
    let cut = || io::Error::other("git diff printed a change without its path");
    while let Some(status) = fields.next() {
        let mut path = || fields.next().ok_or_else(cut).and_then(path_of);
        let change = match status.first() {
            Some(b'A') => Change::Added(path()?),
            Some(b'C') => {
                let _from = path()?;
                Change::Added(path()?)
            }
            Some(b'D') => Change::Deleted(path()?),
            Some(b'R') => {
                let from = path()?;
                Change::Renamed { from, to: path()? }
            }
            // M, T, U (unmerged), X: content the gate must look at.
            _ => Change::Modified(path()?),
        };
        changes.push(change);
    }
    Ok(changes)
}

/// Files under `dir` that git would track: committed, staged or new but not
/// ignored (`.gitignore` respected). Paths are relative to `dir`.
pub fn ls_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut c = git(dir);
    c.args([
        "ls-files",
        "-z",
        "--cached",
        "--others",
        "--exclude-standard",
        "--deduplicate",
    ]);
    let out = run(c)?;
    let mut files = split_z(&out)
        .map(path_of)
        .collect::<io::Result<Vec<PathBuf>>>()?;
    files.sort();
    files.dedup();
    Ok(files)
}

/// Untracked files of the work tree at `root`, relative to it: those
/// `.gitignore` does not hide, or with `ignored` only those it hides. A
/// new job file is untracked until `git add`: `git diff BASE` does not list
/// it, and a change set compared with the working tree must.
pub fn untracked(root: &Path, ignored: bool) -> io::Result<Vec<PathBuf>> {
    let mut c = git(root);
    c.args(["ls-files", "-z", "--others", "--exclude-standard"]);
    if ignored {
        c.arg("--ignored");
    }
    let out = run(c)?;
    let mut files = split_z(&out)
        .map(path_of)
        .collect::<io::Result<Vec<PathBuf>>>()?;
    files.sort();
    Ok(files)
}

/// The top of every work tree of the repository at `root` (`git worktree
/// list`: the main one first, then the linked ones; a bare repository's
/// entry is none).
pub fn worktrees(root: &Path) -> io::Result<Vec<PathBuf>> {
    let mut c = git(root);
    c.args(["worktree", "list", "--porcelain", "-z"]);
    let out = run(c)?;
    let mut tops = Vec::new();
    // Records of `key value` fields; a `bare` field follows its worktree.
    for field in split_z(&out) {
        if let Some(top) = field.strip_prefix(b"worktree ") {
            tops.push(path_of(top)?);
        } else if field == b"bare" {
            tops.pop();
        }
    }
    Ok(tops)
}
