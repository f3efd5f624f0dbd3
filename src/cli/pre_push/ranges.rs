//! The ranges a pushed ref is judged over, and how their verdicts combine:
//! a ref passes only when every one of its ranges does.

use super::{short, Judge, Leaves};

/// One range a pushed ref is judged over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Range {
    pub base: String,
    pub head: String,
    /// Which range, for the stderr lines: "from X to Y".
    pub what: String,
}

impl Judge {
    /// The ranges this ref is judged over; it passes only when every one
    /// does. A ref new to the remote: from where it leaves the default
    /// branch, then from the branch's tip.
    pub fn ranges(&self) -> Vec<Range> {
        match self {
            Judge::Range { base, head } => vec![Range {
                base: base.clone(),
                head: head.clone(),
                what: format!("the range from {} to {}", short(base), short(head)),
            }],
            Judge::New {
                leaves,
                head,
                default,
            } => {
                let shown = crate::escape::one_line(default);
                let below = match leaves {
                    Leaves::Below(b) => Some(b),
                    Leaves::AtTip | Leaves::Unrelated => None,
                };
                let from_base = below.into_iter().map(|b| Range {
                    base: b.clone(),
                    head: head.clone(),
                    what: format!(
                        "the range from its merge base {} with {shown} (what it adds)",
                        short(b)
                    ),
                });
                from_base
                    .chain(std::iter::once(tip_range(default, head)))
                    .collect()
            }
            Judge::Moved { old, head, default } => vec![
                Range {
                    base: old.clone(),
                    head: head.clone(),
                    what: format!(
                        "the range from its old value {} there (what the push changes)",
                        short(old)
                    ),
                },
                tip_range(default, head),
            ],
            Judge::Deleted | Judge::CannotTell(_) => Vec::new(),
        }
    }
}

/// The range from the remote's default branch's tip `default` to `head`:
/// what deploying a ref new to the remote would change.
pub(in crate::cli) fn tip_range(default: &str, head: &str) -> Range {
    let shown = crate::escape::one_line(default);
    Range {
        base: default.to_string(),
        head: head.to_string(),
        what: format!("the range from the tip of {shown} (what deploying it would change)"),
    }
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

/// Judge one pushed ref (`local_ref`) over each of `ranges` with `run`
/// (`--base`, `--head` → exit code), each range named when there are
/// several, and the one that refuses named: it passes only when every
/// one does. Our pre-push hook and the pre-commit framework's pre-push
/// stage ([`super::pre_commit`]) both judge so.
pub fn judge_ranges(local_ref: &str, ranges: &[Range], run: impl Fn(&str, &str) -> i32) -> i32 {
    let shown = crate::escape::one_line(local_ref);
    let mut codes = Vec::new();
    for r in ranges {
        if ranges.len() > 1 {
            eprintln!("==> {shown}: {}", r.what);
        }
        let code = run(&r.base, &r.head);
        if code != 0 {
            let verdict = if code == 1 {
                "refused"
            } else {
                "not judged clear"
            };
            eprintln!("==> {shown} {verdict} by {} (exit {code})", r.what);
        }
        codes.push(code);
    }
    combined(&codes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_wins_over_a_cannot_tell_and_success() {
        assert_eq!(combined(&[0, 2, 1, 0]), 1);
        assert_eq!(combined(&[0, 255]), 255);
        assert_eq!(combined(&[0, 0]), 0);
        assert_eq!(combined(&[]), 0);
    }
}
