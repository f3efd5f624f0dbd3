//! `--pre-push REMOTE`: git's own pre-push hook (`hook install --pre-push`
//! writes it). git runs the hook once per push, with the remote's name
//! (or URL) as `$1` and one line per pushed ref on stdin: `<local ref>
//! <local sha> <remote ref> <remote sha>`, a sha of zeros where the ref is
//! deleted (local) or new to the remote (githooks(5), "pre-push").
//!
//! The pre-commit framework reads those lines itself and runs its hooks
//! once, for the first ref that pushes anything (pre-commit 4.7.0
//! `commands/hook_impl.py` `_pre_push_ns`:120-170 returns on the first
//! such line), and gives a hook no stdin: `git push origin a b`, `--all`
//! or a tag beside a branch was judged by its first ref only, a false
//! all-clear when a later one breaks the cluster (pre-commit #1908,
//! #1940: "multiple branches isn't really solvable" there). This mode
//! judges every ref, each as its own range:
//!
//! - a deleted ref pushes nothing to judge;
//! - an update from a commit this clone holds: `--base REMOTE_SHA --head
//!   LOCAL_SHA`;
//! - an update from a commit this clone lacks (someone else pushed since
//!   the last fetch): cannot tell what the push replaces;
//! - a ref new to the remote: from its merge base with the remote's
//!   default branch as this clone knows it (`refs/remotes/REMOTE/HEAD`,
//!   what the cluster runs), so the ref is judged for what it adds, not
//!   for what the branch gained since (an old tag judged against the
//!   branch's tip "reverted" every later change: a false alarm); cannot
//!   tell when that branch is not known or shares no history with it.

use std::io::Read;

use crate::diag::Diag;

/// One line of git's pre-push input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pushed {
    pub local_ref: String,
    pub local: String,
    pub remote_ref: String,
    pub remote: String,
}

/// What one pushed ref asks of the gate.
#[derive(Debug, Clone)]
pub enum Judge {
    /// Judge the change from `base` to `head`.
    Range { base: String, head: String },
    /// A ref new to the remote: judged from `base`, its merge base with
    /// `default` (the remote's default branch, what the cluster runs).
    New {
        base: String,
        head: String,
        default: String,
    },
    /// The ref is deleted: nothing is pushed.
    Deleted,
    /// Nothing says what the push changes: its one line.
    CannotTell(Box<Diag>),
}

/// An object name of zeros: git's "no object" on either side.
fn is_zero(sha: &str) -> bool {
    sha.bytes().all(|b| b == b'0')
}

fn is_sha(s: &str) -> bool {
    matches!(s.len(), 40 | 64) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Parse git's pre-push lines. The local ref is what was named on the
/// command line and is split off from the right, as pre-commit does;
/// anything else is refused rather than half read.
pub fn parse(input: &str) -> Result<Vec<Pushed>, Diag> {
    let mut out = Vec::new();
    for line in input.lines().filter(|l| !l.trim().is_empty()) {
        let mut parts = line.rsplitn(4, ' ');
        let (Some(remote), Some(remote_ref), Some(local), Some(local_ref)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad_line(line));
        };
        if !is_sha(local) || !is_sha(remote) || local_ref.is_empty() || remote_ref.is_empty() {
            return Err(bad_line(line));
        }
        out.push(Pushed {
            local_ref: local_ref.to_string(),
            local: local.to_ascii_lowercase(),
            remote_ref: remote_ref.to_string(),
            remote: remote.to_ascii_lowercase(),
        });
    }
    Ok(out)
}

fn bad_line(line: &str) -> Diag {
    Diag::error(
        "pre_push::input",
        format!(
            "cannot tell what this push holds: git's pre-push line {:?} is not `<local ref> <sha> <remote ref> <sha>`",
            crate::escape::one_line(line)
        ),
    )
    .as_cannot_tell()
    .help("--pre-push reads what git gives a pre-push hook on stdin (githooks(5)); run it from the hook `nomad-preflight hook install --pre-push` writes")
}

/// Most bytes of git's pre-push lines read: ~100,000 refs. More is
/// refused, never cut short (a ref left unread would pass unjudged).
const MAX_INPUT: u64 = 16 * 1024 * 1024;

/// The pushed refs, from this process's stdin.
pub fn read_stdin() -> Result<Vec<Pushed>, Diag> {
    let untold = |why: String| {
        Diag::error(
            "pre_push::input",
            format!("cannot tell what this push holds: {why}"),
        )
        .as_cannot_tell()
    };
    let mut input = String::new();
    std::io::stdin()
        .take(MAX_INPUT + 1)
        .read_to_string(&mut input)
        .map_err(|e| untold(format!("reading git's pre-push lines: {e}")))?;
    if input.len() as u64 > MAX_INPUT {
        return Err(untold(format!(
            "git's pre-push lines are over {MAX_INPUT} bytes"
        )));
    }
    parse(&input)
}

/// The repository of the current folder.
fn here() -> Option<std::path::PathBuf> {
    std::env::current_dir()
        .ok()
        .and_then(|d| crate::git::repo_root(&d))
}

/// Does `rev` name a tree this clone holds?
pub(super) fn known(rev: &str) -> bool {
    here().is_some_and(|r| crate::git::LazyGitVfs::rev(&r, rev).is_ok())
}

/// The merge base of two revisions of this clone; `None` when they share
/// no history or git cannot say.
fn merge_base(a: &str, b: &str) -> Option<String> {
    here().and_then(|r| crate::git::merge_base(&r, a, b).ok().flatten())
}

impl Pushed {
    /// What the gate judges for this ref, pushed to `remote`; `known`
    /// says whether this clone holds a revision, `merge_base` gives two
    /// revisions' merge base.
    pub fn judge(
        &self,
        remote: &str,
        known: impl Fn(&str) -> bool,
        merge_base: impl Fn(&str, &str) -> Option<String>,
    ) -> Judge {
        if is_zero(&self.local) {
            return Judge::Deleted;
        }
        let shown = |s: &str| crate::escape::one_line(s);
        let (local_ref, remote_ref, remote_name) = (
            shown(&self.local_ref),
            shown(&self.remote_ref),
            shown(remote),
        );
        if !is_zero(&self.remote) {
            if known(&self.remote) {
                return Judge::Range {
                    base: self.remote.clone(),
                    head: self.local.clone(),
                };
            }
            return Judge::CannotTell(Box::new(
                Diag::error(
                    "pre_push::unknown-remote-commit",
                    format!(
                        "cannot tell: {remote_name}'s {remote_ref} is at {}, a commit this clone lacks, so what pushing {local_ref} replaces is not known: {local_ref} was not judged",
                        short(&self.remote)
                    ),
                )
                .as_cannot_tell()
                .help(format!("`git fetch {remote_name}`, then push again")),
            ));
        }
        let default = format!("refs/remotes/{remote}/HEAD");
        if known(&default) {
            if let Some(base) = merge_base(&default, &self.local) {
                return Judge::New {
                    base,
                    head: self.local.clone(),
                    default,
                };
            }
            return Judge::CannotTell(Box::new(
                Diag::error(
                    "pre_push::no-range",
                    format!(
                        "cannot tell: {remote_ref} is new to {remote_name} and shares no history with {remote_name}'s default branch (the revision the cluster runs), so what it changes is not known: {local_ref} was not judged"
                    ),
                )
                .as_cannot_tell()
                .help(format!(
                    "judge it yourself (`nomad-preflight check --base REV --head {local_ref}`) and push with `--no-verify`"
                )),
            ));
        }
        Judge::CannotTell(Box::new(
            Diag::error(
                "pre_push::no-range",
                format!(
                    "cannot tell: {remote_ref} is new to {remote_name}, and {remote_name}'s default branch (the revision the cluster runs) is not known here: {local_ref} was not judged"
                ),
            )
            .as_cannot_tell()
            .help(format!(
                "`git remote set-head {remote_name} --auto` lets this hook judge a new ref against {remote_name}'s default branch; or judge it yourself (`nomad-preflight check --base REV --head {local_ref}`) and push with `--no-verify`"
            )),
        ))
    }

    /// The stderr line that heads this ref's report.
    pub fn header(&self, remote: &str, judge: &Judge) -> String {
        let (local_ref, remote_ref, remote) = (
            crate::escape::one_line(&self.local_ref),
            crate::escape::one_line(&self.remote_ref),
            crate::escape::one_line(remote),
        );
        match judge {
            Judge::Deleted => {
                format!("==> deleting {remote_ref} on {remote}: nothing pushed to judge")
            }
            Judge::New { base, default, .. } => format!(
                "==> pushing {local_ref} to {remote} {remote_ref} (new there): judged from {}, where it leaves {remote}'s default branch ({}: the cluster runs the default branch, not this ref)",
                short(base),
                crate::escape::one_line(default)
            ),
            Judge::Range { .. } => format!(
                "==> pushing {local_ref} to {remote} {remote_ref}: judged from {} to {}",
                short(&self.remote),
                short(&self.local)
            ),
            Judge::CannotTell(_) => format!("==> pushing {local_ref} to {remote} {remote_ref}"),
        }
    }
}

fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

/// The exit code of several judged refs: a definite failure (1) wins, as
/// one run's finding beside a "cannot tell" does (README, exit codes);
/// then any other failure; else success.
pub fn combined(codes: &[i32]) -> i32 {
    if codes.contains(&1) {
        return 1;
    }
    codes.iter().copied().find(|c| *c != 0).unwrap_or(0)
}

/// Judge every ref git pushes to `remote` (read from stdin): `run` judges
/// one range (`--base`, `--head`) and gives its exit code, `untold` says
/// a diagnostic that stops the judging of one ref (or of the whole push:
/// unreadable input) and gives its exit code.
pub fn each(remote: &str, run: impl Fn(&str, &str) -> i32, untold: impl Fn(&Diag) -> i32) -> i32 {
    let pushed = match read_stdin() {
        Ok(p) => p,
        Err(d) => return untold(&d),
    };
    let mut codes = Vec::new();
    for p in &pushed {
        let judge = p.judge(remote, known, merge_base);
        eprintln!("{}", p.header(remote, &judge));
        codes.push(match &judge {
            Judge::Range { base, head } | Judge::New { base, head, .. } => run(base, head),
            Judge::Deleted => 0,
            Judge::CannotTell(d) => untold(d),
        });
    }
    combined(&codes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "1111111111111111111111111111111111111111";
    const B: &str = "2222222222222222222222222222222222222222";
    const Z: &str = "0000000000000000000000000000000000000000";

    fn line(local: &str, remote: &str) -> Pushed {
        parse(&format!("refs/heads/x {local} refs/heads/x {remote}\n")).unwrap()[0].clone()
    }

    #[test]
    fn every_line_is_read_and_a_bad_one_refused() {
        let input =
            format!("refs/heads/a {A} refs/heads/a {B}\nrefs/tags/v1 {B} refs/tags/v1 {Z}\n\n");
        let p = parse(&input).unwrap();
        assert_eq!(p.len(), 2);
        assert_eq!(p[1].local_ref, "refs/tags/v1");
        assert_eq!(p[1].remote, Z);
        assert!(parse("").unwrap().is_empty());
        assert!(parse(&format!("refs/heads/a {A} refs/heads/a\n")).is_err());
        assert!(parse(&format!("refs/heads/a nothex refs/heads/a {A}\n")).is_err());
    }

    #[test]
    fn each_ref_is_judged_by_what_the_remote_has() {
        let all = |_: &str| true;
        let none = |_: &str| false;
        // The merge base of the default branch with A is C.
        const C: &str = "3333333333333333333333333333333333333333";
        let base = |_: &str, _: &str| Some(C.to_string());
        let unrelated = |_: &str, _: &str| None;
        let range = |j: Judge| match j {
            Judge::Range { base, head } => Some((base, head)),
            Judge::New { base, head, .. } => Some((base, head)),
            _ => None,
        };
        assert!(matches!(
            line(Z, A).judge("origin", all, base),
            Judge::Deleted
        ));
        assert_eq!(
            range(line(A, B).judge("origin", all, base)),
            Some((B.into(), A.into()))
        );
        assert!(matches!(
            line(A, B).judge("origin", none, base),
            Judge::CannotTell(_)
        ));
        let new = line(A, Z).judge("origin", all, base);
        assert!(
            matches!(&new, Judge::New { default, .. } if default == "refs/remotes/origin/HEAD"),
            "{new:?}"
        );
        assert_eq!(range(new), Some((C.into(), A.into())));
        assert!(matches!(
            line(A, Z).judge("origin", none, base),
            Judge::CannotTell(_)
        ));
        assert!(matches!(
            line(A, Z).judge("origin", all, unrelated),
            Judge::CannotTell(_)
        ));
    }

    #[test]
    fn a_failure_wins_over_a_cannot_tell_and_success() {
        assert_eq!(combined(&[0, 2, 1, 0]), 1);
        assert_eq!(combined(&[0, 255]), 255);
        assert_eq!(combined(&[0, 0]), 0);
        assert_eq!(combined(&[]), 0);
    }
}
