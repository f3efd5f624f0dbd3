//! What an Enterprise cluster configures that the import reads but does
//! not simulate: a namespace's node pools, a node pool's own scheduler
//! configuration (`import::node-pool-config`), a namespace's Vault and
//! Consul clusters (`import::namespace-clusters`). Each is a guess, never
//! dropped silently.

use std::path::Path;

use serde_json::Value;

use super::json::{read_saved, Saved};
use super::{not_saved, NODE_POOLS};
use crate::diag::{Diag, Diags};
use crate::vfs::Vfs;
use crate::world::api_json::{obj, s, Fields as _};

/// A namespace's `NodePoolConfiguration` (Enterprise 1.6+): a default
/// pool for its jobs and the pools they may use, which is not simulated
/// (an empty `Allowed` list allows the default alone, so a non-null list
/// counts).
pub(super) fn namespace_pools(src: &crate::source::Source, v: &Value, diags: &mut Diags) {
    let set: Vec<String> = v
        .as_array()
        .into_iter()
        .flatten()
        .filter(|ns| {
            let Some(c) = obj(ns, "NodePoolConfiguration") else {
                return false;
            };
            let listed = |k: &str| c.typed_array(k).is_some();
            !matches!(s(c, "Default").as_str(), "" | "default")
                || listed("Allowed")
                || listed("Denied")
        })
        .map(|ns| s(ns, "Name"))
        .collect();
    pool_config_guess(diags, src, "namespaces", &set, "their jobs' node pools");
}

/// A namespace's `VaultConfiguration` / `ConsulConfiguration`
/// (Enterprise 1.7+, [`crate::world::namespace_clusters`]): one warning
/// naming each namespace that restricts a service; the plans of its jobs
/// that use the service say they cannot be known.
pub(super) fn namespace_clusters(src: &crate::source::Source, v: &Value, diags: &mut Diags) {
    let set: Vec<String> = v
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|ns| {
            let services =
                crate::world::namespace_clusters::NamespaceClusters::from_api(ns).restricting();
            let names: Vec<&str> = services.iter().map(|s| s.api_key()).collect();
            (!names.is_empty()).then(|| {
                let name = crate::gotext::go_quote(&s(ns, "Name"));
                format!("{name} ({})", names.join(", "))
            })
        })
        .collect();
    if set.is_empty() {
        return;
    }
    diags.push(
        Diag::warning(
            crate::world::guess::NAMESPACE_CLUSTERS,
            format!(
                "namespaces {} set the Vault or Consul clusters their jobs may use, which nomad-preflight does not simulate: plans of their jobs that use Vault or Consul cannot be known",
                set.join(", ")
            ),
        )
        .in_source(src)
        .help("judge those jobs on the cluster (`nomad job plan`)"),
    );
}

/// The `import::node-pool-config` guess: `names` (of `kind`) set `what`.
fn pool_config_guess(
    diags: &mut Diags,
    src: &crate::source::Source,
    kind: &str,
    names: &[String],
    what: &str,
) {
    if names.is_empty() {
        return;
    }
    diags.push(
        Diag::warning(
            crate::world::guess::NODE_POOL_CONFIG,
            format!(
                "{kind} {} set {what}, which nomad-preflight does not simulate",
                names.join(", ")
            ),
        )
        .in_source(src)
        .help("judge the jobs on the cluster (`nomad job plan`)"),
    );
}

/// On Enterprise from 1.6 a node pool may set its own scheduler algorithm
/// and memory oversubscription, which is not simulated: a guess when one
/// does, or when the pools were not saved.
pub(super) fn pools_scheduler(vfs: &dyn Vfs, dir: &Path, diags: &mut Diags) {
    let file = dir.join(NODE_POOLS);
    match read_saved(vfs, &file, false, diags) {
        Some(Saved::Read(src, v)) => {
            let list = super::shape::named_list(&src, &v, &super::shape::NODE_POOLS, diags)
                .filter(|l| super::typed::items(&src, &super::typed_node::NODE_POOL, l, diags));
            let own: Vec<String> = list
                .into_iter()
                .flatten()
                .filter(|p| obj(p, "SchedulerConfiguration").is_some())
                .map(|p| s(p, "Name"))
                .collect();
            pool_config_guess(
                diags,
                &src,
                "node pools",
                &own,
                "their own scheduler configuration",
            );
        }
        Some(Saved::Absent) => not_saved(
            diags,
            dir,
            &file,
            "whether a node pool sets its own scheduler configuration is unknown",
        ),
        None => {}
    }
}
