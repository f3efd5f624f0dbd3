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

/// Whether a record of `namespace` the import read (a job that is not
/// dead, a live allocation, a deployment in progress, a CSI volume) shows
/// namespaces.json was saved apart from it: the list was read and lacks
/// the namespace. The one rule for every record kind (jobs:
/// import/jobs.rs `in_unlisted_namespace`), for a whole list and a
/// token-scoped one alike. Reading any of these records needs a
/// capability in its namespace (read-job, list-jobs, csi-list-volume), and
/// `/v1/namespaces` lists every namespace in which the token holds any
/// capability (ListNamespaces' `aclObj.AllowNamespace`, nomad/
/// namespace_endpoint.go v2.0.5:441-475; acl/acl.go v2.0.5:403-430), so a
/// token that saw the record sees its namespace while it exists. What a
/// token-scoped list cannot prove is the converse: that a namespace it
/// lacks does not exist (a job file planned into one is "cannot tell",
/// world/guess.rs, never Nomad's refusal). An unsaved or refused list
/// proves nothing.
pub(in crate::world) fn listed_without(world: &World, namespace: &str) -> bool {
    matches!(
        world.namespace_list,
        NamespaceList::Listed | NamespaceList::TokenScoped
    ) && !world.namespaces.contains_key(namespace)
}

/// The help of an `import::unknown-namespace` error: a token-scoped list
/// may also have been saved with another token than `what`'s.
pub(in crate::world) fn saved_apart(world: &World, what: &str) -> String {
    let token = if world.namespace_list == NamespaceList::TokenScoped {
        " (or with another token: a token that may read a namespace's records sees the namespace in the list)"
    } else {
        ""
    };
    format!("namespaces.json and {what} were saved at different times{token}: save the folder afresh with one token (`nomad-preflight import --print-commands DIR`)")
}

/// The error for allocation `a` of `namespace` when [`listed_without`]
/// and `a` is live on its client and not told to stop (`TerminalStatus()`
/// false: `DesiredStatus` neither stop nor evict, `ClientStatus` neither
/// complete, failed nor lost; rv17 3). A terminal allocation (a stopping
/// one included) may outlive its namespace.
pub(super) fn unlisted(src: &Source, world: &World, a: &Value, namespace: &str) -> Option<Diag> {
    let live = !matches!(
        s(a, "ClientStatus").as_str(),
        "complete" | "failed" | "lost"
    ) && !matches!(s(a, "DesiredStatus").as_str(), "stop" | "evict");
    (live && listed_without(world, namespace)).then(|| {
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
        .help(saved_apart(world, "allocations.json"))
        .as_cannot_tell()
    })
}

/// The error for deployment `d` of `namespace` when [`listed_without`] and `d` is
/// not terminal (`Deployment.IsTerminal`: cancelled, failed, successful;
/// nomad/structs/deployment.go v2.0.5:251-255). From 2.0.1 a job with a
/// non-terminal deployment is `running` (`getJobStatus`,
/// nomad/state/state_store.go v2.0.5:5596-5606), so its namespace cannot
/// be deleted; before, the evaluation that stops or purges the job
/// cancels its active deployment in the plan that stops its allocations
/// (`cancelUnneededServiceDeployments`, scheduler/reconciler/
/// reconcile_cluster.go v2.0.5:575-590; the same rule from 0.9), and a job
/// with an evaluation still pending is not dead either (`getJobStatus`).
/// Either way an active deployment beside a list without its namespace
/// says the files were saved at different times: what runs, and so every
/// plan's capacity, cannot be told. A finished deployment may outlive its
/// job and namespace, and is read as it is.
pub(super) fn deployment(src: &Source, world: &World, d: &Value, namespace: &str) -> Option<Diag> {
    let terminal = matches!(
        s(d, "Status").as_str(),
        "cancelled" | "failed" | "successful"
    );
    (!terminal && listed_without(world, namespace)).then(|| {
        Diag::error(
            "import::unknown-namespace",
            format!(
                "cannot tell what the clients run: deployments.json holds deployment {} (status {}) of job {} in namespace {}, which namespaces.json does not list, and Nomad deletes no namespace whose jobs are not dead",
                crate::escape::one_line(&s(d, "ID")),
                crate::escape::one_line(&crate::gotext::go_quote(&s(d, "Status"))),
                crate::escape::one_line(&crate::gotext::go_quote(&s(d, "JobID"))),
                crate::escape::one_line(&crate::gotext::go_quote(namespace))
            ),
        )
        .at(
            src,
            super::bounds::locate(src, "ID", &d["ID"]),
            "this deployment's namespace is not in namespaces.json",
        )
        .help(saved_apart(world, "deployments.json"))
        .as_cannot_tell()
    })
}

/// The error for CSI volume `v` of `namespace` when [`listed_without`], at a release
/// that deletes no namespace holding a CSI volume ("contains at least one
/// CSI volume", nomad/state/state_store.go v2.0.5:7146-7155 DeleteNamespaces;
/// from 1.1.16, 1.2.10 and 1.3.3, the backport #13887). An earlier release
/// deleted such a namespace and left its volumes, so there one is read as
/// it is: no job can reach it until the namespace is made again.
pub(super) fn volume(src: &Source, world: &World, v: &Value, namespace: &str) -> Option<Diag> {
    use crate::version::NomadVersion as V;
    let kept =
        world
            .nomad_version
            .has_since(&[V::new(1, 1, 16), V::new(1, 2, 10), V::new(1, 3, 3)]);
    (kept && listed_without(world, namespace)).then(|| {
        Diag::error(
            "import::unknown-namespace",
            format!(
                "cannot tell which CSI volumes exist: the import holds CSI volume {} in namespace {}, which namespaces.json does not list, and Nomad {} deletes no namespace that holds a CSI volume",
                crate::escape::one_line(&crate::gotext::go_quote(&s(v, "ID"))),
                crate::escape::one_line(&crate::gotext::go_quote(namespace)),
                world.nomad_version
            ),
        )
        .at(
            src,
            super::bounds::locate(src, "ID", &v["ID"]),
            "this volume's namespace is not in namespaces.json",
        )
        .help(saved_apart(world, "the CSI volume files"))
        .as_cannot_tell()
    })
}
