//! A live allocation in a namespace the saved namespace list does not
//! hold. Nomad cannot hold one: it deletes a namespace only when its every
//! job is dead and no CSI volume or variable is left in it
//! (nomad/state/state_store.go v2.0.5:7110-7180 DeleteNamespaces). A job
//! is dead once its allocations are terminal (`getJobStatus`, v2.0.5:
//! 5585-5619), and `TerminalStatus()` counts an allocation the servers
//! told to stop or evict as terminal whatever its client says
//! (structs/alloc.go v2.0.5:358-362): only an allocation neither told to
//! stop nor finished on its client shows allocations.json and
//! namespaces.json were saved on either side of a change. Which namespaces exist (their
//! quotas, pools, drivers) and what runs cannot both be read as saved: the
//! import is "cannot tell", located at the allocation, never the
//! allocation held silently beside a list that says its namespace is gone
//! (the same reading as a job's, import/jobs.rs `in_unlisted_namespace`).

use serde_json::Value;

use super::api_json::s;
use super::model::{NamespaceList, World};
use crate::diag::Diag;
use crate::source::Source;

/// The error for allocation `a` of `namespace` when namespaces.json is the
/// cluster's whole list, does not hold `namespace`, and `a` is live on its
/// client and not told to stop (`TerminalStatus()` false: `DesiredStatus`
/// neither stop nor evict, `ClientStatus` neither complete, failed nor
/// lost; rv17 3). A token-scoped or unsaved list may lack a namespace that
/// exists (said where plans read it), and a terminal allocation (a
/// stopping one included) may outlive its namespace.
pub(super) fn unlisted(src: &Source, world: &World, a: &Value, namespace: &str) -> Option<Diag> {
    let live = !matches!(
        s(a, "ClientStatus").as_str(),
        "complete" | "failed" | "lost"
    ) && !matches!(s(a, "DesiredStatus").as_str(), "stop" | "evict");
    let unlisted =
        world.namespace_list == NamespaceList::Listed && !world.namespaces.contains_key(namespace);
    (live && unlisted).then(|| {
        Diag::error(
            "import::unknown-namespace",
            format!(
                "cannot tell what the clients run: allocations.json holds live allocation {} of job {} in namespace {}, which namespaces.json does not list, and Nomad deletes no namespace whose jobs still run",
                crate::escape::one_line(&s(a, "ID")),
                crate::escape::one_line(&crate::gotext::go_quote(&s(a, "JobID"))),
                crate::escape::one_line(&crate::gotext::go_quote(namespace))
            ),
        )
        .at(
            src,
            super::bounds::locate(src, "ID", &a["ID"]),
            "this allocation's namespace is not in namespaces.json",
        )
        .help("namespaces.json and allocations.json were saved at different times: save the folder afresh (`nomad-preflight import --print-commands DIR`)")
        .as_cannot_tell()
    })
}
