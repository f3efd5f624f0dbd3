//! The pre-commit framework's pre-push stage with a range (stop 60's
//! "Left" 2): pre-commit 4.7.0 `commands/hook_impl.py` `_pre_push_ns`
//! gives the remote's commit as `--from-ref` for an update of a ref whose
//! commit this clone holds (:133-140), and otherwise, for a ref new to the
//! remote, the parent of the first pushed commit no ref of the remote
//! holds (`git rev-list LOCAL --topo-order --reverse --not
//! --remotes=REMOTE`, then `FIRST^`, :141-171): where the ref leaves the
//! remote's history, a merge base. Judged from there alone, a branch off
//! an old commit passed although deploying it reverts what the default
//! branch gained since, which our own pre-push hook refuses by judging a
//! new ref from the default branch's tip too ([`super::super::pre_push`]).

use super::Mode;
use crate::diag::Diag;

/// What pre-commit's pre-push stage says of one pushed ref.
pub(super) struct PushRange<'a> {
    pub from: &'a str,
    pub to: &'a str,
    /// The pushed ref (`PRE_COMMIT_LOCAL_BRANCH`).
    pub local: &'a str,
    /// The remote's name, or its URL when the push named one.
    pub remote: &'a str,
    /// The ref pushed to (`PRE_COMMIT_REMOTE_BRANCH`).
    pub remote_ref: Option<&'a str>,
}

impl PushRange<'_> {
    /// The ranges to judge: pre-commit's alone for an update (its start is
    /// the remote-tracking branch of the pushed ref: the remote's commit)
    /// from the default branch's tip; for an update from elsewhere,
    /// pre-commit's and the one from that tip, as our hook judges it; else pre-commit's and the one from
    /// the remote's default branch's tip, or that one alone when both
    /// start at one commit. `known` says whether this clone holds a
    /// revision, `commit` gives the commit a revision names.
    pub(super) fn resolved(
        &self,
        known: impl Fn(&str) -> bool,
        commit: impl Fn(&str) -> Option<String>,
    ) -> Result<Mode, Diag> {
        let (from, to) = (self.from.to_string(), self.to.to_string());
        let start = commit(self.from);
        let tracking = self
            .remote_ref
            .and_then(|r| r.strip_prefix("refs/heads/"))
            .map(|b| format!("refs/remotes/{}/{b}", self.remote));
        let update = tracking
            .filter(|t| known(t))
            .and_then(|t| commit(&t))
            .is_some_and(|at| start.as_ref() == Some(&at));
        let shown = |s: &str| crate::escape::one_line(s);
        let (local, remote) = (shown(self.local), shown(self.remote));
        let default = format!("refs/remotes/{}/HEAD", self.remote);
        let status = if update {
            format!(
                "{local} on {remote} moves from {}",
                shown(super::super::pre_push::short(self.from))
            )
        } else {
            format!("{local} is new to {remote} (or {remote}'s commit of it is not in this clone)")
        };
        if !known(&default) {
            return Err(Diag::error(
                "pre_commit::no-range",
                format!(
                    "cannot tell: {status}, and {remote}'s default branch (the revision the cluster runs) is not known here: {local} was judged neither from there nor at all"
                ),
            )
            .as_cannot_tell()
            .help(format!(
                "`git remote set-head {remote} --auto` lets this hook judge a new ref against {remote}'s default branch; or judge it yourself (`nomad-preflight check --base REV --head {local}`) and push with `--no-verify`"
            )));
        }
        let tip = super::super::pre_push::tip_range(&default, self.to);
        let shown_default = shown(&default);
        let at_tip = start.is_some() && start == commit(&default);
        // An update from the default branch's tip: its one range is the
        // tip range. From anywhere else (a tag's old value, a branch
        // behind or beside that branch) the old value is not what the
        // cluster runs: judged from the tip too, as our hook judges it.
        if update && at_tip {
            return Ok(Mode::Refs { from, to });
        }
        let (how, ranges) = if update {
            let given = super::super::pre_push::Range {
                base: from,
                head: to,
                what: format!(
                    "pre-commit's range from its old value {} there (what the push changes)",
                    shown(super::super::pre_push::short(self.from))
                ),
            };
            (
                "moved from its old value, not that tip: judged from both (what the push changes there, and what deploying the ref would change), refused if either range refuses".to_string(),
                vec![given, tip],
            )
        } else if at_tip {
            (
                "judged from its tip, where pre-commit's range starts (what the ref adds and what deploying it would change)".to_string(),
                vec![tip],
            )
        } else {
            let short = super::super::pre_push::short(self.from);
            let given = super::super::pre_push::Range {
                base: from,
                head: to,
                what: format!(
                    "pre-commit's range from {}, where the ref leaves {remote}'s history (what it adds)",
                    shown(short)
                ),
            };
            (
                "judged from both pre-commit's range (what the ref adds) and its tip (what deploying the ref would change), refused if either range refuses".to_string(),
                vec![given, tip],
            )
        };
        Ok(Mode::Ranges {
            header: format!(
                "==> pre-commit's pre-push of {local} to {remote}{}: against {remote}'s default branch ({shown_default}, what the cluster runs), {how}",
                if update { "" } else { " (new there)" }
            ),
            local: self.local.to_string(),
            ranges,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "1111111111111111111111111111111111111111";
    const B: &str = "2222222222222222222222222222222222222222";
    const C: &str = "3333333333333333333333333333333333333333";

    fn push(from: &str) -> PushRange<'_> {
        PushRange {
            from,
            to: A,
            local: "refs/heads/x",
            remote: "origin",
            remote_ref: Some("refs/heads/x"),
        }
    }

    /// `refs` names revisions and their commits; anything else is unknown.
    fn at<'r>(
        refs: &'r [(&'r str, &'r str)],
    ) -> (
        impl Fn(&str) -> bool + 'r,
        impl Fn(&str) -> Option<String> + 'r,
    ) {
        let find = move |r: &str| {
            refs.iter()
                .find(|(n, _)| *n == r)
                .map(|(_, c)| c.to_string())
        };
        let known = move |r: &str| refs.iter().any(|(n, _)| *n == r);
        (known, find)
    }

    fn bases(m: &Mode) -> Vec<String> {
        match m {
            Mode::Refs { from, .. } => vec![from.clone()],
            Mode::Ranges { ranges, .. } => ranges.iter().map(|r| r.base.clone()).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn an_update_keeps_pre_commits_one_range() {
        let refs = [
            ("refs/remotes/origin/x", B),
            (B, B),
            ("refs/remotes/origin/HEAD", C),
        ];
        let (known, commit) = at(&refs);
        // From elsewhere than the default branch's tip: from the tip too.
        assert_eq!(
            bases(&push(B).resolved(known, commit).unwrap()),
            [B, "refs/remotes/origin/HEAD"]
        );
        let refs = [
            ("refs/remotes/origin/x", B),
            (B, B),
            ("refs/remotes/origin/HEAD", B),
        ];
        let (known, commit) = at(&refs);
        assert_eq!(bases(&push(B).resolved(known, commit).unwrap()), [B]);
        // No default branch known: cannot tell, as for a new ref.
        let refs = [("refs/remotes/origin/x", B), (B, B)];
        let (known, commit) = at(&refs);
        assert!(push(B).resolved(known, commit).unwrap_err().cannot_tell);
    }

    #[test]
    fn a_new_ref_is_judged_from_the_default_branch_tip_too() {
        // No remote-tracking branch: new there.
        let refs = [(B, B), ("refs/remotes/origin/HEAD", C)];
        let (known, commit) = at(&refs);
        let m = push(B).resolved(known, commit).unwrap();
        assert_eq!(bases(&m), [B, "refs/remotes/origin/HEAD"]);
        // A tracking branch elsewhere (the remote's commit is not in this
        // clone): judged as new too.
        let refs = [
            (B, B),
            ("refs/remotes/origin/x", C),
            ("refs/remotes/origin/HEAD", C),
        ];
        let (known, commit) = at(&refs);
        let m = push(B).resolved(known, commit).unwrap();
        assert_eq!(bases(&m), [B, "refs/remotes/origin/HEAD"]);
        // pre-commit's range starts at the tip: one range.
        let refs = [(B, B), ("refs/remotes/origin/HEAD", B)];
        let (known, commit) = at(&refs);
        let m = push(B).resolved(known, commit).unwrap();
        assert_eq!(bases(&m), ["refs/remotes/origin/HEAD"]);
        // A tag has no remote-tracking branch.
        let refs = [(B, B), ("refs/remotes/origin/HEAD", C)];
        let (known, commit) = at(&refs);
        let tag = PushRange {
            remote_ref: Some("refs/tags/v1"),
            ..push(B)
        };
        assert_eq!(bases(&tag.resolved(known, commit).unwrap()).len(), 2);
    }

    #[test]
    fn a_new_ref_without_the_default_branch_cannot_tell() {
        let refs = [(B, B)];
        let (known, commit) = at(&refs);
        let e = push(B).resolved(known, commit).unwrap_err();
        assert!(e.cannot_tell, "{e:?}");
        assert!(e.message.contains("default branch"), "{e:?}");
    }
}
