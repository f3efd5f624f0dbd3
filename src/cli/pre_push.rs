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
//!   LOCAL_SHA` from the tip of the remote's default branch (below); from
//!   elsewhere (a tag's old release, a branch behind or beside it) from
//!   that tip too, refused if either refuses: the old value is not what
//!   the cluster runs (rt20a: `git tag -f v1` onto an old commit passed);
//!   cannot tell when that branch is not known, as for a new ref;
//! - an update from a commit this clone lacks (someone else pushed since
//!   the last fetch): cannot tell what the push replaces;
//! - a ref new to the remote: judged twice, both against the remote's
//!   default branch as this clone knows it (`refs/remotes/REMOTE/HEAD`,
//!   what the cluster runs), and refused when either range refuses:
//!   from its merge base with that branch (what the ref adds), and from
//!   that branch's tip (what deploying the ref would do to the cluster,
//!   where a tag push deploys: an old tag really does revert what the
//!   branch gained since, so main's refusal of one was a true alarm, and
//!   only the merge-base range let it through). The tip range alone is
//!   judged when the ref shares no history with the branch (an orphan
//!   branch), as the pre-commit hook judges pre-commit's push without a
//!   range; cannot tell when that branch is not known, or git cannot say
//!   where the ref leaves it.

mod input;
mod ranges;

use input::is_zero;
pub use input::{parse, read_stdin, Pushed};
pub(super) use ranges::tip_range;
pub use ranges::{combined, judge_ranges, Range};

use crate::diag::Diag;

/// What one pushed ref asks of the gate.
#[derive(Debug, Clone)]
pub enum Judge {
    /// Judge the change from `base` to `head`.
    Range { base: String, head: String },
    /// A ref new to the remote: judged against `default` (the remote's
    /// default branch, what the cluster runs) from its tip, and from
    /// where the ref leaves it.
    New {
        leaves: Leaves,
        head: String,
        default: String,
    },
    /// An update from `old`, the remote's commit, which is not the tip
    /// of `default`: judged from `old` (what the push changes there) and
    /// from that tip (what deploying it would change).
    Moved {
        old: String,
        head: String,
        default: String,
    },
    /// The ref is deleted: nothing is pushed.
    Deleted,
    /// Nothing says what the push changes: its one line.
    CannotTell(Box<Diag>),
}

/// Where a ref new to the remote leaves the default branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Leaves {
    /// At this merge base, below the branch's tip: two ranges to judge.
    Below(String),
    /// At the tip itself (the ref is ahead of it): the ranges are one.
    AtTip,
    /// Nowhere: no shared history (an orphan branch); the tip range alone.
    Unrelated,
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

/// The merge base of two revisions of this clone; `Ok(None)` when they
/// share no history, `Err` (git's words) when git cannot say: a failure
/// is a "cannot tell", never read as "no shared history".
fn merge_base(a: &str, b: &str) -> Result<Option<String>, String> {
    let root = here().ok_or("the current folder is not in a git repository")?;
    crate::git::merge_base(&root, a, b).map_err(|e| e.to_string())
}

impl Pushed {
    /// What the gate judges for this ref, pushed to `remote`; `known`
    /// says whether this clone holds a revision, `merge_base` gives two
    /// revisions' merge base.
    pub fn judge(
        &self,
        remote: &str,
        known: impl Fn(&str) -> bool,
        merge_base: impl Fn(&str, &str) -> Result<Option<String>, String>,
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
        let default = format!("refs/remotes/{remote}/HEAD");
        if !is_zero(&self.remote) {
            if known(&self.remote) {
                if !known(&default) {
                    return no_default(
                        &format!(
                            "{remote_ref} on {remote_name} moves from {}",
                            short(&self.remote)
                        ),
                        remote,
                        &self.local_ref,
                    );
                }
                // Commits, not names: an annotated tag's old value is its
                // tag object, which `git merge-base X X` peels.
                let moved = merge_base(&self.remote, &self.remote)
                    .and_then(|old| Ok(old.is_none() || old != merge_base(&default, &default)?));
                return match moved {
                    Ok(false) => Judge::Range {
                        base: self.remote.clone(),
                        head: self.local.clone(),
                    },
                    Ok(true) => Judge::Moved {
                        old: self.remote.clone(),
                        head: self.local.clone(),
                        default,
                    },
                    Err(why) => untold_tip(
                        &format!(
                            "{remote_ref} on {remote_name} moves from {}",
                            short(&self.remote)
                        ),
                        remote,
                        &self.local_ref,
                        &why,
                    ),
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
        let new = format!("{remote_ref} is new to {remote_name}");
        if known(&default) {
            // `git merge-base D D` is D's commit: a merge base equal to it
            // means the ref is ahead of the tip, and the two ranges are one.
            let found = merge_base(&default, &self.local).and_then(|base| {
                let tip = merge_base(&default, &default)?;
                Ok(match base {
                    None => Leaves::Unrelated,
                    Some(b) if Some(&b) == tip.as_ref() => Leaves::AtTip,
                    Some(b) => Leaves::Below(b),
                })
            });
            return match found {
                Ok(leaves) => Judge::New {
                    leaves,
                    head: self.local.clone(),
                    default,
                },
                Err(why) => untold_tip(&new, remote, &self.local_ref, &why),
            };
        }
        no_default(&new, remote, &self.local_ref)
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
            Judge::New {
                leaves, default, ..
            } => {
                let default = crate::escape::one_line(default);
                let how = match leaves {
                    Leaves::Below(_) => "judged from both its merge base with it (what the ref adds) and its tip (what deploying the ref would change), refused if either range refuses",
                    Leaves::AtTip => "judged from its tip, where the ref leaves it (what the ref adds and what deploying it would change)",
                    Leaves::Unrelated => "judged from its tip (what deploying the ref would change) only: the ref shares no history with it",
                };
                format!(
                    "==> pushing {local_ref} to {remote} {remote_ref} (new there): against {remote}'s default branch ({default}, what the cluster runs), {how}"
                )
            }
            Judge::Moved { old, default, .. } => format!(
                "==> pushing {local_ref} to {remote} {remote_ref}: moved from {}, not the tip of {remote}'s default branch ({}, what the cluster runs): judged from both its old value (what the push changes there) and that tip (what deploying the ref would change), refused if either range refuses",
                short(old),
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

/// "Cannot tell" for a pushed ref (`what`: "X is new to R", "X on R moves
/// from S") where `remote`'s default branch, the revision the cluster
/// runs and every judging but a fast-forward of it starts from, is not
/// known here.
fn no_default(what: &str, remote: &str, local_ref: &str) -> Judge {
    let (remote, local_ref) = (
        crate::escape::one_line(remote),
        crate::escape::one_line(local_ref),
    );
    Judge::CannotTell(Box::new(
        Diag::error(
            "pre_push::no-range",
            format!(
                "cannot tell: {what}, and {remote}'s default branch (the revision the cluster runs) is not known here: {local_ref} was not judged"
            ),
        )
        .as_cannot_tell()
        .help(format!(
            "`git remote set-head {remote} --auto` lets this hook judge a pushed ref against {remote}'s default branch; or judge it yourself (`nomad-preflight check --base REV --head {local_ref}`) and push with `--no-verify`"
        )),
    ))
}

/// "Cannot tell" for a pushed ref (`what` as [`no_default`]) where git
/// could not say how it stands to the default branch (`why`, git's words).
fn untold_tip(what: &str, remote: &str, local_ref: &str, why: &str) -> Judge {
    let (remote, local_ref, why) = (
        crate::escape::one_line(remote),
        crate::escape::one_line(local_ref),
        crate::escape::one_line(why),
    );
    Judge::CannotTell(Box::new(
        Diag::error(
            "pre_push::no-range",
            format!(
                "cannot tell: {what}, and git could not tell how it stands to {remote}'s default branch (the revision the cluster runs): {why}: {local_ref} was not judged"
            ),
        )
        .as_cannot_tell()
        .help(format!(
            "judge it yourself (`nomad-preflight check --base REV --head {local_ref}`) and push with `--no-verify`"
        )),
    ))
}

/// The commit `rev` names in this clone, if git can say.
pub(super) fn commit_of(rev: &str) -> Option<String> {
    merge_base(rev, rev).ok().flatten()
}

pub(super) fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
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
        if let Judge::CannotTell(d) = &judge {
            codes.push(untold(d));
            continue;
        }
        codes.push(judge_ranges(&p.local_ref, &judge.ranges(), &run));
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
    fn each_ref_is_judged_by_what_the_remote_has() {
        let all = |_: &str| true;
        let none = |_: &str| false;
        // The merge base of the default branch with A is C; the tip is B.
        const C: &str = "3333333333333333333333333333333333333333";
        let tip_b = |a: &str, b: &str| Ok(Some(if a == b { B } else { C }.to_string()));
        let ahead = |_: &str, _: &str| Ok(Some(B.to_string()));
        let unrelated = |a: &str, b: &str| Ok((a == b).then(|| B.to_string()));
        let failing = |_: &str, _: &str| Err("fatal: bad object".to_string());
        let bases = |j: &Judge| j.ranges().into_iter().map(|r| r.base).collect::<Vec<_>>();
        assert!(matches!(
            line(Z, A).judge("origin", all, tip_b),
            Judge::Deleted
        ));
        assert_eq!(bases(&line(A, B).judge("origin", all, tip_b)), [B]);
        // An update from elsewhere than the tip: from the tip too.
        let commits = |a: &str, b: &str| {
            let own = a == b && !a.contains("HEAD");
            Ok(Some(if own { a } else { B }.to_string()))
        };
        let moved = line(A, C).judge("origin", all, commits);
        assert_eq!(bases(&moved), [C, "refs/remotes/origin/HEAD"]);
        let no_head = |r: &str| !r.contains("HEAD");
        assert!(matches!(
            line(A, B).judge("origin", no_head, tip_b),
            Judge::CannotTell(_)
        ));
        assert!(matches!(
            line(A, B).judge("origin", none, tip_b),
            Judge::CannotTell(_)
        ));
        // New: from the merge base, then from the default branch's tip.
        let new = line(A, Z).judge("origin", all, tip_b);
        assert_eq!(bases(&new), [C, "refs/remotes/origin/HEAD"], "{new:?}");
        assert!(new.ranges().iter().all(|r| r.head == A));
        // Ahead of the tip: the two ranges are one.
        assert_eq!(
            bases(&line(A, Z).judge("origin", all, ahead)),
            ["refs/remotes/origin/HEAD"]
        );
        assert!(matches!(
            line(A, Z).judge("origin", all, ahead),
            Judge::New {
                leaves: Leaves::AtTip,
                ..
            }
        ));
        assert!(matches!(
            line(A, Z).judge("origin", all, unrelated),
            Judge::New {
                leaves: Leaves::Unrelated,
                ..
            }
        ));
        // No shared history: the tip range alone, as the pre-commit hook.
        assert_eq!(
            bases(&line(A, Z).judge("origin", all, unrelated)),
            ["refs/remotes/origin/HEAD"]
        );
        assert!(matches!(
            line(A, Z).judge("origin", none, tip_b),
            Judge::CannotTell(_)
        ));
        // git failing is a "cannot tell", not "no shared history".
        let Judge::CannotTell(d) = line(A, Z).judge("origin", all, failing) else {
            panic!("judged although git could not tell");
        };
        assert!(d.message.contains("git could not tell"), "{d:?}");
    }
}
