//! A change set judged under two worlds: the base's, which the cluster
//! holds, and the world as the change leaves it.

use super::FileResult;
use crate::diag::Diag;

/// Add to `base` the findings the same files get against another world
/// (the world as the change leaves it) that they do not get against the
/// base's, each saying which world produced it; and say of each base
/// finding the other world does not give that it goes away there. Such a
/// finding stands (the base's world is what the cluster holds until the
/// change is applied), but a change that fixes it in the same commit, a
/// namespace added beside its first job, reads as ignored without it.
pub fn merge_other_world(base: &mut [FileResult], other: Vec<FileResult>, which: &str) {
    let key = |d: &Diag| (d.code.clone(), d.message.clone(), d.primary_span());
    for (b, o) in base.iter_mut().zip(other) {
        let known: Vec<_> = b.diags.iter().map(key).collect();
        let there: Vec<_> = o.diags.iter().map(key).collect();
        if !o.crashed {
            for d in b.diags.iter_mut() {
                if !there.contains(&key(d)) {
                    d.message = format!(
                        "{} (not {which}: apply and commit that world change before this file)",
                        d.message
                    );
                }
            }
        }
        for mut d in o.diags {
            if !known.contains(&key(&d)) {
                d.message = format!("{} ({which})", d.message);
                b.diags.push(d);
            }
        }
        b.crashed |= o.crashed;
    }
}
