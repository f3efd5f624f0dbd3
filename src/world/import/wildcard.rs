//! An empty list saved with `namespace=*` from servers that do not read
//! the sentinel. nomad/alloc_endpoint.go `List` at v0.11.8 looks the
//! namespace up exactly (`state.AllocsByNamespace(ws, "*")`) and answers
//! `[]` (HTTP 200); the sentinel is read from v0.12.0 (alloc and job
//! endpoints) and v1.2.4 (deployment_endpoint.go). So on those releases
//! an empty list is evidence of nothing unless it was saved namespace by
//! namespace, which `namespaces-listed.txt` (written by the printed
//! commands, [`super::commands`]) says.

use std::path::Path;

use serde_json::Value;

use super::NAMESPACES_LISTED;
use crate::version::NomadVersion;
use crate::vfs::Vfs;

/// Is `v`, read from a list file, an empty list that `version`'s servers
/// would also give for `namespace=*` whatever they hold (`since`: the
/// release that reads the sentinel), with no sign it was saved per
/// namespace?
pub(in crate::world) fn untrusted_empty(
    vfs: &dyn Vfs,
    dir: &Path,
    v: &Value,
    version: NomadVersion,
    since: (u32, u32, u32),
) -> bool {
    v.as_array().is_some_and(|l| l.is_empty())
        && !version.at_least(since.0, since.1, since.2)
        && !vfs.is_file(&dir.join(NAMESPACES_LISTED))
}
