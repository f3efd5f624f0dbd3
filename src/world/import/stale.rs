//! Per-object files left from an earlier save into the same folder.
//!
//! `import --print-commands` writes `node-<id>.json`, `jobs/NS/ID.json`
//! and `volumes/NS/ID.json` for what the cluster holds now and never
//! removes older files (`mkdir -p`, `>`). A node garbage-collected since
//! (`nomad system gc`: the state store no longer has it, and
//! scheduler/util.go `readyNodesInDCs` never offers it), a purged job or
//! a deregistered CSI volume would then still be read, from its old save,
//! as a ready client, a registered job or an existing volume: a false
//! all-clear. The list files are what the cluster holds (`nodes.json`,
//! `jobs.json`, `csi-volumes.json`); a per-object file of an object its
//! list does not name is not read, and a note names it.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::diag::{Diag, Diags, Severity};
use crate::world::api_json::s;

/// The code of the note.
pub const STALE_FILE: &str = "import::stale-file";

/// The saved list of jobs (`/v1/jobs`, every namespace): which
/// `jobs/NS/ID.json` files are the cluster's now. Imports saved before
/// it was printed have none; their job files are read as they are.
pub const JOBS_LIST: &str = "jobs.json";

/// The (namespace, id) pairs a saved list names; `None` when `v` is not a
/// list (the caller reports that shape error, or has none to report).
pub(in crate::world) fn listed(v: &Value) -> Option<BTreeSet<(String, String)>> {
    let list = v.as_array()?;
    Some(
        list.iter()
            .map(|x| {
                let ns = match s(x, "Namespace") {
                    ns if ns.is_empty() => "default".to_string(),
                    ns => ns,
                };
                (ns, s(x, "ID"))
            })
            .collect(),
    )
}

/// The note for `file`, whose `what` the list file `list` does not name.
pub(in crate::world) fn note(diags: &mut Diags, dir: &Path, file: &Path, what: &str, list: &str) {
    let rel = file.strip_prefix(dir).unwrap_or(file);
    diags.push(
        Diag::warning(
            STALE_FILE,
            format!(
                "{} is not read: {what} is not in {list}, so the file is left from an earlier save into this folder",
                crate::escape::one_line(&rel.display().to_string())
            ),
        )
        .with_severity(Severity::Advice)
        .help(format!(
            "{list} lists what the cluster holds now; remove the file, or save the folder afresh (`import --print-commands`)"
        )),
    );
}
