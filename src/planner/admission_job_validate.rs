//! `jobValidate` (nomad/job_endpoint_hooks.go), the admission validator
//! that runs `Job.Validate`, judges the job as the admission mutators leave
//! it: Nomad runs every validator after every mutator
//! (`admissionControllers`). What a mutator adds is therefore validated
//! too; above all the identities `jobImplicitIdentitiesHook` (1.7+) copies
//! from the servers' agent config, which nothing else checks: a
//! `consul.service_identity` without `aud` makes every Consul service fail
//! `Service identity must provide at least one target aud value`, a
//! negative `ttl` fails `ttl must be >= 0`, a `filepath` without `file`
//! (1.9+) fails its rule. The job as written was validated when it was
//! loaded (its errors are the file's); this finds what the mutated job
//! adds to them.

use crate::jobspec::{self, Job};
use crate::source::{Origin, SourceFile};
use crate::world::World;

/// jobValidate's items for `mutated` (the written job `written` after the
/// mutators), when they differ from the written job's: the items, and
/// those of them the written job does not have (what `check` reports
/// beside the file's own errors). `None` when the mutators changed nothing
/// Job.Validate sees.
pub(super) fn after_mutation(
    world: &World,
    written: &Job,
    mutated: &Job,
) -> Option<(Vec<String>, Vec<String>)> {
    if written == mutated {
        return None;
    }
    let v = world.nomad_version;
    let edition = world.edition();
    // The texts are Nomad's; the located diagnostics are not wanted here
    // (an injected task has no place in the file), so no source is needed.
    let src = SourceFile::new(Origin::Inline("admission".into()), "", "");
    let before = jobspec::nomad_validation_errors(written, &src, v, edition);
    let after = jobspec::nomad_validation_errors(mutated, &src, v, edition);
    if before == after {
        return None;
    }
    let added = after
        .iter()
        .filter(|e| !before.contains(e))
        .cloned()
        .collect();
    Some((after, added))
}
