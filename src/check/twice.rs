//! `check`'s error for a file defining a job another file defines
//! (R18-B-1, [`crate::changeset::defined_twice`]): plain `check` of a tree
//! and `check --staged/--base` of a change, protected job or not (two
//! registrations of one job overwrite each other whatever the policy). The
//! plan gate refuses the same for a protected job, in the same words.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::{FileResult, Loaded};
use crate::changeset::{Twice, DEFINED_TWICE};
use crate::diag::Diag;
use crate::world::World;

/// `check`'s finding for each file of `twice`
/// ([`crate::changeset::defined_twice`]),
/// located at the job's label.
pub(super) fn findings<'a>(
    loaded: impl IntoIterator<Item = (&'a PathBuf, &'a Loaded)>,
    twice: Vec<Twice>,
    world: &World,
) -> Vec<FileResult> {
    if twice.is_empty() {
        return Vec::new();
    }
    let loaded: BTreeMap<&PathBuf, &Loaded> = loaded.into_iter().collect();
    twice
        .into_iter()
        .map(|t| {
            let protected = world.policy.protected.covers(&t.namespace, &t.id);
            let mut d = Diag::error(DEFINED_TWICE, t.words(protected)).help(t.help());
            if let Some(Loaded::Job(parsed)) = loaded.get(&t.path) {
                if let Some(span) = parsed.job.as_ref().and_then(|j| j.spans.label) {
                    d = d.at(&parsed.source, span, "defined in another file too");
                }
            }
            FileResult {
                path: t.path,
                diags: vec![d],
                crashed: false,
            }
        })
        .collect()
}

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
