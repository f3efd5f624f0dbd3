//! `check`'s error for a file defining a job another file defines
//! (R18-B-1, [`crate::changeset::defined_twice`]): plain `check` of a tree
//! and `check --staged/--base` of a change, protected job or not (two
//! registrations of one job overwrite each other whatever the policy). The
//! plan gate refuses the same for a protected job, in the same words.
//!
//! Two codes, by what may silence them. A job the policy does not protect
//! gets rule NP229 (`defined-twice`), handed to the rules pass of its file
//! ([`Found::cross`]) so that `--ignore`, `.nomad-preflight.hcl`, the
//! policy's levels and path ignores and suppression comments apply to it
//! as to any rule's (a change's own configuration or comment still cannot
//! silence it under `--base`: NP002). A protected job gets
//! [`PROTECTED_DEFINED_TWICE`], the plan gate's refusal: no rule's code, so
//! nothing in the change, and no `--ignore`, silences it; only the base's
//! `protected` list decides.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{FileResult, Judge, Loaded};
use crate::changeset::{Action, ChangeSet, Step, Twice, PROTECTED_DEFINED_TWICE};
use crate::diag::Diag;
use crate::rules::capacity::defined_twice::DefinedTwice;
use crate::rules::Finding;
use crate::vfs::Vfs;
use crate::world::World;

/// NP229's findings, by file, for the rules pass to report.
pub(super) type Cross = BTreeMap<PathBuf, Vec<Finding>>;

/// What [`findings`] makes of a run's second definitions.
#[derive(Default)]
pub(super) struct Found {
    /// Jobs the policy does not protect: rule NP229's, by file.
    pub cross: Cross,
    /// Protected jobs: the gate's refusal, one result per file; and the
    /// lookup's "cannot tell" ([`crate::changeset::Unlisted`]), once.
    pub refused: Vec<FileResult>,
}

/// `check`'s finding for each file of `twice`
/// ([`crate::changeset::defined_twice`]),
/// located at the job's label.
pub(super) fn findings<'a>(
    loaded: impl IntoIterator<Item = (&'a PathBuf, &'a Loaded)>,
    twice: Vec<Twice>,
    world: &World,
) -> Found {
    let mut found = Found::default();
    if twice.is_empty() {
        return found;
    }
    let loaded: BTreeMap<&PathBuf, &Loaded> = loaded.into_iter().collect();
    for t in twice {
        let protected = world.policy.protected.covers(&t.namespace, &t.id);
        let code = if protected {
            PROTECTED_DEFINED_TWICE
        } else {
            DefinedTwice::META.code
        };
        let mut d = Diag::error(code, t.words(protected)).help(t.help());
        if let Some(Loaded::Job(parsed)) = loaded.get(&t.path) {
            if let Some(span) = parsed.job.as_ref().and_then(|j| j.spans.label) {
                d = d.at(&parsed.source, span, "defined in another file too");
            }
        }
        if protected {
            found.refused.push(FileResult {
                path: t.path,
                diags: vec![d],
                crashed: false,
            });
        } else {
            found.cross.entry(t.path).or_default().push(d);
        }
    }
    found
}

/// [`ChangeSet::standing`]'s answer.
type Standings = Result<Vec<crate::changeset::Standing>, crate::changeset::Unlisted>;

/// `results` with each of `found` told with its file's other findings.
pub(super) fn merge(mut results: Vec<FileResult>, found: Vec<FileResult>) -> Vec<FileResult> {
    for f in found {
        match results.iter_mut().find(|r| r.path == f.path) {
            Some(r) => r.diags.extend(f.diags),
            None => results.push(f),
        }
    }
    results
}

/// A change set's second definitions ([`ChangeSet::defined_twice`]):
/// `loaded` are the change's job files, those `.nomad-preflight.hcl`
/// excludes among them (R21-A3: an excluded file is a step like any other,
/// and a copy of a protected job in one is refused, R19-C-2), `head` its
/// new version, read with `loader` for its other job files (`standing`:
/// those looked up already, [`super::preload::StandingAhead`]). Where those
/// cannot all be read, the first submitted file `reports` takes says so
/// once: which of the change's jobs another file defines is not known.
pub(super) fn of_change(
    set: &ChangeSet,
    steps: &[Step],
    loaded: &[(PathBuf, Loaded)],
    judge: &Judge<'_>,
    (head, loader, standing): (&dyn Vfs, &crate::job_loader::JobLoader, Option<Standings>),
    reports: &dyn Fn(&Path) -> bool,
) -> Found {
    // The head's other job files too (R25b-1): the set's new version is
    // a tree, and plain `check` of it compares every file with every other.
    let standing = standing.unwrap_or_else(|| set.standing(head, loader, judge.namespace));
    let (standing, untold) = match standing {
        Ok(s) => (s, None),
        Err(u) => (Vec::new(), Some(u)),
    };
    let twice = set.defined_twice(steps, judge.world, head, &standing);
    let mut found = findings(loaded.iter().map(|(p, l)| (p, l)), twice, judge.world);
    // Only a submitted job can be defined twice: a change that submits
    // none needs no lookup.
    let submits = |s: &&Step| matches!(s.action, Action::Submit(_)) && reports(&s.path);
    if let Some((u, at)) = untold.zip(steps.iter().find(submits)) {
        let place = set.range.place(&at.path, true);
        found.refused.push(FileResult {
            path: at.path.clone(),
            diags: vec![u.diag(&set.range.head, &place, set.config_in_force())],
            crashed: false,
        });
    }
    found
}
