//! `--pre-commit`: what the pre-commit framework's hooks run
//! (`.pre-commit-hooks.yaml`). The hooks take no file names
//! (`pass_filenames: false`, `always_run: true`): pre-commit's `files:`
//! filter passed only `*.nomad`/`*.hcl`/`*.job` names, so a job in
//! `deploy/web`, a `*.nomad.json` job, or a commit that changes only a file
//! a job reads (`file()`) was never judged (redteam6 G1). The run reads
//! the change itself, in the mode pre-commit was started in:
//!
//! - `pre-commit run --from-ref A --to-ref B` (and the `pre-push` stage):
//!   pre-commit exports `PRE_COMMIT_FROM_REF` / `PRE_COMMIT_TO_REF`
//!   (pre-commit 4.x `pre_commit/commands/run.py`, `run()`: set only when
//!   both refs are given), so the run is `--base A --head B`: a pull
//!   request's new suppressions are reported (NP002) as in `check --base`.
//! - the `pre-push` stage of a ref new to the remote (or one whose commit
//!   there this clone lacks): pre-commit's range starts where the pushed
//!   history leaves what the remote's refs hold (`first_ancestor^` of
//!   `git rev-list LOCAL --not --remotes=REMOTE`, pre-commit 4.7.0
//!   `commands/hook_impl.py` `_pre_push_ns`:141-171), a merge base: what
//!   the ref adds, never what deploying it would do to the cluster (a
//!   branch off an old commit reverts what the default branch gained
//!   since). As our own pre-push hook does ([`super::pre_push`], stop 60
//!   rv19-2), the ref is then judged from both that range and the tip of
//!   `refs/remotes/REMOTE/HEAD`, refused if either refuses, each range
//!   named; "cannot tell" when that branch is not known here. pre-commit
//!   gives the remote's commit as the range's start only for an update
//!   of a ref whose commit this clone holds (`_pre_push_ns`:133-140): a
//!   start equal to the remote-tracking branch of the pushed ref
//!   (`refs/remotes/REMOTE/NAME`) is that update, judged over its one
//!   range as our hook judges it.
//! - `git commit` (the installed hook): git points every commit hook at
//!   the index being committed with `GIT_INDEX_FILE` (git's
//!   `run_commit_hook`, builtin/commit.c), and pre-commit passes its
//!   environment on to hooks untouched, so the run is `--staged`.
//! - the `pre-push` stage of a history whose root the remote lacks (a
//!   first push, an orphan branch): pre-commit finds no commit to start
//!   from and runs the hooks as `--all-files`, exporting the pushed
//!   branch's names (`PRE_COMMIT_LOCAL_BRANCH`, `PRE_COMMIT_REMOTE_NAME`,
//!   ...) but no refs (pre-commit 4.7.0 `commands/hook_impl.py`
//!   `_pre_push_ns`:141-161, `commands/run.py`:386-405). The pushed ref is
//!   not the working tree, so judging the working tree passed a pushed
//!   commit it never read (R16-41). The run is `--base REMOTE/HEAD --head
//!   LOCAL` when the remote's default branch is known here, else one
//!   "cannot tell" that fails the hook (pre-commit shows a hook's output
//!   only when it fails).
//! - otherwise (`pre-commit run --all-files`, `--files`, pre-commit.ci, a
//!   plain `pre-commit run`): pre-commit tells a hook nothing about its
//!   mode, so the run is the strictest one that needs no base: every job
//!   file of the working tree, as plain `check` finds them (by name and by
//!   content). Every suppression counts there, as in plain `check`.

use std::ffi::OsString;

mod push;
use push::PushRange;

/// The change a pre-commit hook run judges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// `--from-ref` / `--to-ref`: `--base FROM --head TO`.
    Refs { from: String, to: String },
    /// The pre-push stage with a range: `from`/`to` as pre-commit gives
    /// them, `local` the pushed ref, `remote` the remote's name or URL,
    /// `remote_ref` the ref pushed to there.
    PushRanged {
        from: String,
        to: String,
        local: String,
        remote: String,
        remote_ref: Option<String>,
    },
    /// A push judged over several ranges ([`Mode::resolved`] of a
    /// [`Mode::PushRanged`] new to the remote): `header` says why.
    Ranges {
        header: String,
        local: String,
        ranges: Vec<super::pre_push::Range>,
    },
    /// A commit being made: `--staged`.
    Staged,
    /// The pre-push stage with no range: `local` is the ref being pushed
    /// (`PRE_COMMIT_LOCAL_BRANCH`), `remote` the remote's name or URL.
    PushUnranged { local: String, remote: String },
    /// No change known: the working tree's job files.
    WorkTree,
}

impl Mode {
    /// The mode of this process, from the environment pre-commit and git
    /// gave it.
    pub fn from_env() -> Mode {
        Mode::from_vars(|k| std::env::var_os(k))
    }

    fn from_vars(get: impl Fn(&str) -> Option<OsString>) -> Mode {
        let set = |k: &str| {
            get(k)
                .filter(|v| !v.is_empty())
                .map(|v| v.to_string_lossy().into_owned())
        };
        // pre-commit exports these four only for the pre-push stage
        // (run.py:398-405), so they tell a push from `--all-files`.
        let push = set("PRE_COMMIT_LOCAL_BRANCH").zip(set("PRE_COMMIT_REMOTE_NAME"));
        if let (Some(from), Some(to)) = (set("PRE_COMMIT_FROM_REF"), set("PRE_COMMIT_TO_REF")) {
            return match push {
                Some((local, remote)) => Mode::PushRanged {
                    from,
                    to,
                    local,
                    remote,
                    remote_ref: set("PRE_COMMIT_REMOTE_BRANCH"),
                },
                None => Mode::Refs { from, to },
            };
        }
        if let Some((local, remote)) = push {
            return Mode::PushUnranged { local, remote };
        }
        if set("GIT_INDEX_FILE").is_some() {
            return Mode::Staged;
        }
        Mode::WorkTree
    }

    /// This mode with a push without a range made a range: from the
    /// remote's default branch as this repository knows it
    /// (`refs/remotes/REMOTE/HEAD`, which `git clone` and `git remote
    /// set-head` write) to the pushed ref; a "cannot tell" when it is not
    /// known, since nothing says what the push changes or what runs.
    /// pre-commit passes no range only when the remote lacks the push's
    /// root commit (pre-commit 4.7.0 `commands/hook_impl.py`
    /// `_pre_push_ns`), so with that branch known the ref shares no
    /// history with it: an orphan branch, which `--pre-push` judges from
    /// the same tip alone ([`super::pre_push::Leaves::Unrelated`]), so the
    /// two hooks give one answer.
    pub fn resolved(self) -> Result<Mode, crate::diag::Diag> {
        let known = super::pre_push::known;
        let commit = super::pre_push::commit_of;
        if let Mode::PushRanged {
            from,
            to,
            local,
            remote,
            remote_ref,
        } = self
        {
            let push = PushRange {
                from: &from,
                to: &to,
                local: &local,
                remote: &remote,
                remote_ref: remote_ref.as_deref(),
            };
            return push.resolved(known, commit);
        }
        let Mode::PushUnranged { local, remote } = self else {
            return Ok(self);
        };
        let default = format!("refs/remotes/{remote}/HEAD");
        if known(&default) && known(&local) {
            return Ok(Mode::Refs {
                from: default,
                to: local,
            });
        }
        let (local, remote) = (
            crate::escape::one_line(&local),
            crate::escape::one_line(&remote),
        );
        Err(crate::diag::Diag::error(
            "pre_commit::no-range",
            format!(
                "cannot tell: pre-commit ran this pre-push hook without a range ({remote} lacks the pushed history's first commit, so pre-commit passes no --from-ref/--to-ref), and {remote}'s default branch is not known here: {local} was not judged"
            ),
        )
        .as_cannot_tell()
        .help(format!(
            "judge the push yourself (`nomad-preflight check --base REV --head {local}`, REV the revision the cluster runs), then push with `--no-verify`; once {remote} holds a default branch, `git remote set-head {remote} --auto` lets this hook judge against it"
        )))
    }

    /// The run's `--staged`, `--base` and `--head`.
    pub fn flags(&self) -> (bool, Option<String>, Option<String>) {
        match self {
            Mode::Refs { from, to } => (false, Some(from.clone()), Some(to.clone())),
            Mode::Staged => (true, None, None),
            // Never judged as the working tree: `resolved` first (and
            // several ranges are judged one by one: [`Mode::Ranges`]).
            Mode::WorkTree
            | Mode::PushUnranged { .. }
            | Mode::PushRanged { .. }
            | Mode::Ranges { .. } => (false, None, None),
        }
    }

    /// What `check` says on stderr about a mode that is not a gate for a
    /// change it did not see.
    pub fn check_note(&self) -> Option<&'static str> {
        match self {
            Mode::WorkTree => Some(
                "note: pre-commit gave no change (--all-files, --files, pre-commit.ci): checking every job file of the working tree; every suppression in it counts. For an untrusted pull request run `pre-commit run --from-ref BASE --to-ref HEAD`, where suppressions the change adds are reported (NP002)",
            ),
            _ => None,
        }
    }
}

/// The pre-push stage's note: pre-commit runs its hooks for the first
/// pushed ref that pushes anything and gives them no stdin (pre-commit
/// 4.7.0 `commands/hook_impl.py` `_pre_push_ns`:120-170), so the other
/// refs of `git push origin a b` (or `--all`, a tag beside a branch) are
/// not judged here. pre-commit shows it when the hook fails or runs
/// verbose; README and docs/ci.md say it for every push.
pub fn push_note() -> Option<String> {
    let local = std::env::var_os("PRE_COMMIT_LOCAL_BRANCH").filter(|v| !v.is_empty())?;
    std::env::var_os("PRE_COMMIT_REMOTE_NAME").filter(|v| !v.is_empty())?;
    Some(format!(
        "note: pre-commit gives a pre-push hook one pushed ref ({}): other refs of this push are not judged here; `nomad-preflight hook install --pre-push` judges every ref git pushes",
        crate::escape::one_line(&local.to_string_lossy())
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(vars: &[(&str, &str)]) -> Mode {
        Mode::from_vars(|k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| OsString::from(v))
        })
    }

    #[test]
    fn refs_win_then_a_commit_then_the_working_tree() {
        let refs = Mode::Refs {
            from: "a".into(),
            to: "b".into(),
        };
        assert_eq!(
            mode(&[
                ("PRE_COMMIT_FROM_REF", "a"),
                ("PRE_COMMIT_TO_REF", "b"),
                ("GIT_INDEX_FILE", ".git/index")
            ]),
            refs
        );
        assert_eq!(mode(&[("GIT_INDEX_FILE", ".git/index")]), Mode::Staged);
        // One ref alone is no range (pre-commit refuses it before hooks run).
        assert_eq!(
            mode(&[("PRE_COMMIT_FROM_REF", "a"), ("GIT_INDEX_FILE", "i")]),
            Mode::Staged
        );
        assert_eq!(mode(&[("PRE_COMMIT_TO_REF", "b")]), Mode::WorkTree);
        assert_eq!(mode(&[("GIT_INDEX_FILE", "")]), Mode::WorkTree);
        assert_eq!(mode(&[]), Mode::WorkTree);
    }

    /// pre-commit 4.7.0's pre-push of a history the remote lacks the root
    /// of: the branch variables, no refs (hook_impl.py:155-161).
    #[test]
    fn a_push_without_refs_is_no_working_tree_run() {
        let push = [
            ("PRE_COMMIT_LOCAL_BRANCH", "refs/heads/feature"),
            ("PRE_COMMIT_REMOTE_BRANCH", "refs/heads/feature"),
            ("PRE_COMMIT_REMOTE_NAME", "origin"),
            ("PRE_COMMIT_REMOTE_URL", "../remote.git"),
        ];
        let unranged = Mode::PushUnranged {
            local: "refs/heads/feature".into(),
            remote: "origin".into(),
        };
        assert_eq!(mode(&push), unranged);
        assert!(unranged.check_note().is_none());
        // With refs (the usual push), the range, still a push: a ref new
        // to the remote is judged from the default branch's tip too.
        let mut ranged = push.to_vec();
        ranged.extend([("PRE_COMMIT_FROM_REF", "a"), ("PRE_COMMIT_TO_REF", "b")]);
        assert_eq!(
            mode(&ranged),
            Mode::PushRanged {
                from: "a".into(),
                to: "b".into(),
                local: "refs/heads/feature".into(),
                remote: "origin".into(),
                remote_ref: Some("refs/heads/feature".into()),
            }
        );
    }

    #[test]
    fn flags_per_mode() {
        assert_eq!(Mode::Staged.flags(), (true, None, None));
        assert_eq!(Mode::WorkTree.flags(), (false, None, None));
        assert_eq!(
            Mode::Refs {
                from: "a".into(),
                to: "b".into()
            }
            .flags(),
            (false, Some("a".into()), Some("b".into()))
        );
    }
}
