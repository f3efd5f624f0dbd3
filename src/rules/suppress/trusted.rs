//! Which suppressions of an untrusted change were at its base (`check
//! --base`, the pre-push hook): only those may silence a finding that
//! fails the run (NP002).
//!
//! A base suppression is known by what it silenced there: its comment
//! (codes and reason), the text of the line it applies to, and the blocks
//! around that line (`job "web"` / `group "a"`, each with its rank among
//! same-named siblings). The file is the same one: the base is read at the
//! path judged, or where git says the file was renamed from. Text alone is
//! not enough: a comment moved with its `count = 6` from group "a" onto
//! group "b" would silence b's error, which nobody reviewed (R24b-3). So:
//! - a comment moved to another group, task or job, or onto a renamed one
//!   (Nomad's job diff sees a group deleted and another added), is new;
//! - a file renamed (`git diff -M`) keeps its suppressions where its blocks
//!   are unchanged: the job is the same job, in another file;
//! - a job moved to another file git does not call a rename (a delete and
//!   an add too different), or a block that gains an earlier same-named
//!   sibling (a second `constraint`), loses them: a gate that fails on a
//!   reviewed comment is the safe side, never an all-clear;
//! - a change gets only as many trusted copies of one key as the base had;
//! - a file-wide suppression (`# preflight:ignore-file`) has no block to
//!   be known by: it was reviewed for the job the file defined at the base
//!   (its namespace and ID, as the change set loads it), and is trusted
//!   only where the file still defines that job. A file rewritten (or
//!   renamed) to define another job, or one whose base gives no job, is a
//!   new comment there (R25c-1); a file that defines another job trusts
//!   none of its base's suppressions, since Nomad stops the job they were
//!   reviewed for and registers one nobody reviewed (a namespace changed
//!   under a same-named `job` block is such a job).

use std::path::{Path, PathBuf};

use crate::jobspec::hclsyntax::blocks::{self, Block};
use crate::rules::gate::Gate;
use crate::rules::Finding;

use super::{parse, Suppression};

/// What a changed file defined at the base against what it submits now
/// (`crate::changeset::Step::base_job_is`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaseJobIs {
    /// The same job (namespace and ID).
    Same,
    /// Another job: Nomad stops one and registers another.
    Other,
    /// Not known: the file is new, or its base version gives no job.
    Unknown,
}

/// A suppression as a version of the file holds it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Key {
    comment: String,
    target: String,
    /// The blocks around the target line, outermost first (empty for a
    /// file-wide suppression, or one on no line of code); `None` past
    /// [`MAX_DEPTH`] blocks deep, which no jobspec nests and nothing trusts.
    place: Option<Vec<Step>>,
}

/// Deeper than any jobspec nests its blocks (job, group, task and their
/// blocks are a handful): a place past it is trusted by nothing, and
/// walking it is not paid per suppression (rv24-3).
const MAX_DEPTH: usize = 64;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Step {
    kind: String,
    labels: Vec<String>,
    /// How many earlier siblings have the same type and labels.
    rank: usize,
}

/// The suppressions a file had at the base of a change (see the module).
pub struct Trusted<'g> {
    keys: Vec<Key>,
    /// What fails the run, with the run's final severities and threshold:
    /// the rules pass sees neither `.nomad-preflight.hcl`'s severities nor
    /// `--deny warnings`, so its own severity cannot decide (R14-40).
    gate: &'g dyn Gate,
    /// The file, as `gate` reads paths.
    path: PathBuf,
}

impl<'g> Trusted<'g> {
    /// The trusted suppressions of the base version's text (`None`: the file
    /// is new, nothing is trusted) of the file at `path`, judged by `gate`.
    /// `job` says whether the file submits the job it defined at the base.
    pub fn from_base(
        text: Option<&str>,
        job: BaseJobIs,
        gate: &'g dyn Gate,
        path: &Path,
    ) -> Trusted<'g> {
        let keys = match (text, job) {
            (None, _) | (_, BaseJobIs::Other) => Vec::new(),
            (Some(t), BaseJobIs::Same) => keys(t, &parse(t)),
            (Some(t), BaseJobIs::Unknown) => {
                // No job to key a file-wide one to: only those with a place.
                let sups: Vec<Suppression> =
                    parse(t).into_iter().filter(|s| !s.file_wide).collect();
                keys(t, &sups)
            }
        };
        Trusted {
            keys,
            gate,
            path: path.to_path_buf(),
        }
    }

    /// Does `f` fail the run (so that only a base suppression silences it)?
    pub(super) fn fails(&self, f: &Finding) -> bool {
        self.gate.fails(f, &self.path)
    }

    /// For each suppression of `text` (in file order): was it at the base?
    /// Near-linear in the file (rv24-3: untrusted text with a suppression
    /// on each of 500,000 blocks must not stall the gate): nothing is read
    /// where the base trusted nothing, each base key is counted once.
    pub(super) fn judge(&self, text: &str, sups: &[Suppression]) -> Vec<bool> {
        if self.keys.is_empty() {
            return vec![false; sups.len()];
        }
        let mut left: std::collections::HashMap<&Key, usize> = std::collections::HashMap::new();
        for k in self.keys.iter().filter(|k| k.place.is_some()) {
            *left.entry(k).or_default() += 1;
        }
        keys(text, sups)
            .into_iter()
            .map(|k| match left.get_mut(&k) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    true
                }
                _ => false,
            })
            .collect()
    }
}

fn keys(text: &str, sups: &[Suppression]) -> Vec<Key> {
    if sups.is_empty() {
        return Vec::new();
    }
    let lines: Vec<(usize, &str)> = super::line_starts(text);
    let blocks = blocks::blocks(text);
    let ranks = ranks(&blocks);
    sups.iter()
        .map(|s| {
            let comment = text.get(s.span.start..s.span.end).unwrap_or("").trim();
            let line = s.target_line.checked_sub(1).filter(|_| !s.file_wide);
            let (start, target) = line.and_then(|l| lines.get(l)).copied().unwrap_or((0, ""));
            let place = if target.trim().is_empty() {
                Some(Vec::new())
            } else {
                let at = start + (target.len() - target.trim_start().len());
                place(&blocks, &ranks, at)
            };
            Key {
                comment: comment.to_string(),
                target: target.trim().to_string(),
                place,
            }
        })
        .collect()
}

/// Each block's rank among its earlier siblings of the same type and
/// labels, in one pass.
fn ranks(all: &[Block]) -> Vec<usize> {
    let mut seen: std::collections::HashMap<(Option<usize>, &str, &[String]), usize> =
        std::collections::HashMap::new();
    all.iter()
        .map(|b| {
            let n = seen
                .entry((b.parent, b.kind.as_str(), b.labels.as_slice()))
                .or_default();
            *n += 1;
            *n - 1
        })
        .collect()
}

fn place(all: &[Block], ranks: &[usize], at: usize) -> Option<Vec<Step>> {
    let steps = blocks::around(all, at, MAX_DEPTH)?;
    Some(
        steps
            .into_iter()
            .filter_map(|i| {
                let b = all.get(i)?;
                Some(Step {
                    kind: b.kind.clone(),
                    labels: b.labels.clone(),
                    rank: ranks.get(i).copied().unwrap_or(0),
                })
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Severity;

    fn judged(base: &str, head: &str) -> Vec<bool> {
        judged_as(BaseJobIs::Same, base, head)
    }

    fn judged_as(job: BaseJobIs, base: &str, head: &str) -> Vec<bool> {
        let t = Trusted::from_base(Some(base), job, &Severity::Error, Path::new("t.nomad"));
        t.judge(head, &parse(head))
    }

    const S: &str = "# preflight:ignore NP207 accepted";

    fn job(a: (u32, &str), b: (u32, &str)) -> String {
        format!(
            "job \"web\" {{\n  group \"a\" {{\n    {}\n    count = {}\n  }}\n  group \"b\" {{\n    {}\n    count = {}\n  }}\n}}\n",
            a.1, a.0, b.1, b.0
        )
    }

    /// R24b-3: the comment and its line moved together onto another group
    /// are a new suppression; left where they were, they are the base's.
    #[test]
    fn a_comment_moved_to_another_block_is_new() {
        let base = job((6, S), (0, ""));
        assert_eq!(judged(&base, &job((0, ""), (6, S))), [false]);
        assert_eq!(judged(&base, &job((6, S), (0, ""))), [true]);
        // Edits elsewhere in the block keep it.
        let edited = base.replace(
            "  group \"b\" {\n",
            "  group \"b\" {\n    meta { x = \"1\" }\n",
        );
        assert_eq!(judged(&base, &edited), [true]);
        // A renamed group or job is another block to Nomad's diff.
        assert_eq!(judged(&base, &base.replace("\"a\"", "\"c\"")), [false]);
        assert_eq!(judged(&base, &base.replace("\"web\"", "\"api\"")), [false]);
    }

    /// Two copies at the base trust two; a second same-named block is
    /// another place (the rank), not an alias of the first.
    #[test]
    fn copies_and_same_named_blocks() {
        let base = job((6, S), (6, S));
        assert_eq!(judged(&base, &base), [true, true]);
        let twice = base.replace("group \"b\"", "group \"a\"");
        assert_eq!(judged(&base, &twice), [true, false]);
        assert_eq!(judged(&twice, &twice), [true, true]);
        // File-wide ones have no place.
        let fw = "# preflight:ignore-file NP207 ok\njob \"x\" {}\n";
        let moved = "job \"x\" {}\n# preflight:ignore-file NP207 ok\n";
        assert_eq!(judged(fw, moved), [true]);
    }

    /// R25c-1: a file-wide suppression is the base job's. A file that now
    /// submits another job trusts nothing of its base; one whose base gave
    /// no job known keeps the suppressions a block places, not the
    /// file-wide ones.
    #[test]
    fn a_file_wide_suppression_is_the_base_jobs() {
        let text = format!("# preflight:ignore-file NP201 ok\n{}", job((6, S), (0, "")));
        assert_eq!(judged_as(BaseJobIs::Same, &text, &text), [true, true]);
        assert_eq!(judged_as(BaseJobIs::Other, &text, &text), [false, false]);
        assert_eq!(judged_as(BaseJobIs::Unknown, &text, &text), [false, true]);
    }
}
