//! The budget of one import as a whole. Each saved file is capped
//! (`project::max_file_bytes`, 16 MiB), but a dump holds any number of
//! files, and what the reader builds from a job's JSON is far larger than
//! the JSON: every task group becomes a full group with Nomad's defaults
//! filled in (rt21a, stop 62: one 16 MiB job of 40,000 small groups took
//! ~1.06 GB for `plan`, three such files 1.6 GB, and nothing bounded the
//! total). So the import is charged twice while it reads:
//! - every byte of every saved file it parses ([`MAX_BYTES`]);
//! - every task group of every job it decodes ([`MAX_GROUPS`]): under
//!   `jobs/`, `job-versions/`, and the `Job` embedded in an allocation.
//!
//! One job past [`crate::world::MAX_JOB_GROUPS`] is refused
//! before its groups are decoded: nomad-preflight simulates no job that
//! large, so the world it would sit in cannot be told either.
//!
//! Past either budget the import is "cannot tell" (one located line, the
//! command's exit code for a world it cannot read), and nothing more is
//! read. Nomad bounds none of these: the budgets are ours.

use std::cell::{Cell, RefCell};

use crate::diag::Diag;
use crate::source::Source;

/// Task groups one import decodes, across every job it reads: five jobs
/// at the per-job bound, or ~7,000 groups of running jobs with the six
/// versions Nomad tracks of each (`JobTrackedVersions`, job-versions/).
/// A decoded group holds ~18 KB (measured: 54,000 small groups in six
/// 3.6 MB files planned in 0.98 GB), so about 0.9 GB at the bound.
pub const MAX_GROUPS: usize = 5 * crate::world::MAX_JOB_GROUPS;

/// Bytes of saved JSON one import parses, as multiples of the per-file
/// cap: 64 files at the cap, or 100,000 clients' node files (the most a
/// world holds) at ~10 KB each.
pub const FILES_AT_THE_CAP: u64 = 64;

/// [`FILES_AT_THE_CAP`] times the per-file cap (1 GiB unless the cap is
/// raised).
pub fn max_bytes() -> u64 {
    crate::project::max_file_bytes().saturating_mul(FILES_AT_THE_CAP)
}

/// What is left of the running import's budget (`None`: no import is
/// being read, nothing is charged).
#[derive(Clone, Copy)]
struct Left {
    bytes: u64,
    groups: usize,
    /// A refusal was said: every later read stops without a word.
    over: bool,
}

thread_local! {
    static LEFT: Cell<Option<Left>> = const { Cell::new(None) };
    /// The file parsed last: a job is decoded from the file just parsed,
    /// so a refusal of its groups is located there.
    static LAST: RefCell<Option<Source>> = const { RefCell::new(None) };
}

/// One import's budget, from [`Budget::begin`] until dropped; sessions
/// nest (the outer one resumes as it was).
pub(in crate::world) struct Budget {
    outer: Option<Left>,
}

impl Budget {
    pub fn begin() -> Self {
        let left = Left {
            bytes: max_bytes(),
            groups: MAX_GROUPS,
            over: false,
        };
        Budget {
            outer: LEFT.with(|l| l.replace(Some(left))),
        }
    }
}

impl Drop for Budget {
    fn drop(&mut self) {
        LEFT.with(|l| l.set(self.outer));
        LAST.with(|l| l.replace(None));
    }
}

/// What a charge answers.
pub(in crate::world) enum Charge {
    Paid,
    /// This charge crossed the budget: the one refusal to say.
    Refused(Diag),
    /// An earlier charge crossed it (and said so): read nothing more.
    Spent,
}

/// Has the running import's budget been crossed?
pub(in crate::world) fn spent() -> bool {
    LEFT.with(|l| l.get().is_some_and(|l| l.over))
}

fn charge(take: impl FnOnce(&mut Left) -> Result<(), Diag>) -> Charge {
    LEFT.with(|cell| {
        let Some(mut left) = cell.get() else {
            return Charge::Paid;
        };
        if left.over {
            return Charge::Spent;
        }
        let out = match take(&mut left) {
            Ok(()) => Charge::Paid,
            Err(d) => {
                left.over = true;
                Charge::Refused(d)
            }
        };
        cell.set(Some(left));
        out
    })
}

/// Charge one saved file's bytes, before it is parsed.
pub(in crate::world) fn bytes(src: &Source) -> Charge {
    let len = u64::try_from(src.text.len()).unwrap_or(u64::MAX);
    charge(|left| {
        match left.bytes.checked_sub(len) {
        Some(rest) => {
            left.bytes = rest;
            LAST.with(|l| l.replace(Some(src.clone())));
            Ok(())
        }
        None => Err(Diag::error(
            "import::too-large",
            format!(
                "cannot tell what the cluster holds: the import's files together pass the {} bytes nomad-preflight reads of one import ({FILES_AT_THE_CAP} files at the {}-byte cap); this file crosses it, and nothing after it is read",
                max_bytes(),
                crate::project::max_file_bytes()
            ),
        )
        .in_source(src)
        .help("import the part of the cluster the planned jobs can reach (the namespaces they share clients with, their datacenters' nodes), or raise the per-file cap with NOMAD_PREFLIGHT_MAX_FILE_BYTES")
        .as_cannot_tell()),
    }
    })
}

/// Charge a job's task groups (`groups` of job `id`), before they are
/// decoded: refused past the per-job bound, or past the import's.
pub(in crate::world) fn groups(id: &str, groups: usize) -> Charge {
    match charge_groups(id, groups) {
        Charge::Refused(d) => Charge::Refused(located(d, id)),
        other => other,
    }
}

/// `d` located at the `"TaskGroups"` key of job `id` in the file parsed
/// last: the first after the job's `"ID"`, else the file's only one; a
/// file where neither tells (allocations embedding many jobs) is named.
fn located(d: Diag, id: &str) -> Diag {
    LAST.with(|l| {
        let Some(src) = l.borrow().clone() else {
            return d;
        };
        let text = &*src.text;
        let key = "\"TaskGroups\"";
        let own = serde_json::to_string(id)
            .ok()
            .and_then(|q| {
                text.find(&format!("\"ID\": {q}"))
                    .or_else(|| text.find(&format!("\"ID\":{q}")))
            })
            .and_then(|at| text[at..].find(key).map(|k| at + k));
        let only = text.find(key).filter(|&at| !text[at + 1..].contains(key));
        match own.or(only) {
            Some(at) => d.at(
                &src,
                crate::source::Span::new(at, at + key.len()),
                "these groups are past the bound",
            ),
            None => d.in_source(&src),
        }
    })
}

fn charge_groups(id: &str, groups: usize) -> Charge {
    let per_job = crate::world::MAX_JOB_GROUPS;
    let id = crate::escape::one_line(&crate::gotext::go_quote(id));
    charge(|left| {
        if groups > per_job {
            return Err(Diag::error(
                "import::too-many-groups",
                format!(
                    "cannot tell what the cluster runs: job {id} has {groups} task groups, and nomad-preflight simulates at most {per_job} groups per job; Nomad takes any number of groups"
                ),
            )
            .help("import the namespaces the planned jobs share clients with, leaving this job out, or judge plans on the cluster")
            .as_cannot_tell());
        }
        match left.groups.checked_sub(groups) {
            Some(rest) => {
                left.groups = rest;
                Ok(())
            }
            None => Err(Diag::error(
                "import::too-many-groups",
                format!(
                    "cannot tell what the cluster runs: the jobs of this import (their registered and tracked versions, and those allocations embed) hold more than {MAX_GROUPS} task groups together, nomad-preflight's bound for one import; job {id} crosses it, and nothing after it is read"
                ),
            )
            .help("import the namespaces the planned jobs share clients with, or save fewer tracked versions (job-versions/ is needed only for allocations that run an older version)")
            .as_cannot_tell()),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_charged_outside_an_import() {
        assert!(matches!(groups("j", usize::MAX), Charge::Paid));
        assert!(!spent());
    }

    #[test]
    fn the_groups_of_one_import_add_up_and_the_first_refusal_is_said_once() {
        let b = Budget::begin();
        let per_job = crate::world::MAX_JOB_GROUPS;
        for _ in 0..MAX_GROUPS / per_job {
            assert!(matches!(groups("j", per_job), Charge::Paid));
        }
        match groups("last", 1) {
            Charge::Refused(d) => {
                assert!(d.message.contains("\"last\" crosses it"), "{}", d.message)
            }
            _ => panic!("past the import's budget"),
        }
        assert!(spent());
        assert!(matches!(groups("more", 1), Charge::Spent));
        drop(b);
        assert!(!spent());
    }

    #[test]
    fn one_job_past_the_per_job_bound_is_refused_before_its_groups_count() {
        let _b = Budget::begin();
        let per_job = crate::world::MAX_JOB_GROUPS;
        match groups("big", per_job + 1) {
            Charge::Refused(d) => {
                assert!(d.message.contains("has 10001 task groups"), "{}", d.message)
            }
            _ => panic!("past the per-job bound"),
        }
    }
}
