//! What an allocation saved without `AllocatedResources` (nor the legacy
//! `Resources`) holds.
//!
//! The list form of `/v1/allocations` carries no resources before 1.0
//! (nomad/structs/structs.go `AllocListStub` at v0.9.0 and v0.12.0 has no
//! such field; `?resources=true` arrives in 1.0.0) and none at any
//! release when the query string is lost. The servers' state does hold
//! them: `AllocsFit` (nomad/structs/funcs.go v0.12.0) sums
//! `Allocation.ComparableResources()`, which is the `AllocatedResources`
//! the scheduler wrote when it placed the allocation, from the task
//! resources and ephemeral disk of the job version it runs (structs.go
//! v0.12.0 `ComparableResources`; a pre-0.9 allocation's `Resources`,
//! which the stub does not carry either). So a live allocation holds what
//! one allocation of its group at that version asks
//! ([`crate::structs::resources::checked_task_group_resources`]), never
//! zero. When the import does not hold that version, or the ask has what
//! only the placement decided (static ports on an address, device
//! instances, reserved cores' MHz), what it holds cannot be known: the import is refused with
//! a located error naming the file to save.

use crate::world::api_json::Fields as _;
use serde_json::Value;

use super::api_json::s;
use crate::diag::{Diag, Diags};
use crate::jobspec::Job;
use crate::source::{Source, Span};
use crate::structs::AllocResources;
use crate::version::NomadVersion;

/// The code of the refusal.
pub const STUB_RESOURCES: &str = "import::alloc-resources";

/// What allocation `a` (without resources) holds: nothing when its client
/// is done with it; else its group's ask in `spec`, which is the version
/// it runs unless `stale`. `None` after pushing the refusal.
pub(super) fn stub_resources(
    src: &Source,
    a: &Value,
    spec: &Job,
    stale: bool,
    version: NomadVersion,
    diags: &mut Diags,
) -> Option<AllocResources> {
    // A terminal allocation holds nothing on its node (AllocsFit is given
    // the node's non-terminal allocations only).
    if matches!(
        s(a, "ClientStatus").as_str(),
        "complete" | "failed" | "lost"
    ) {
        return Some(AllocResources::default());
    }
    let why = match held(a, spec, stale, version) {
        Ok(r) => return Some(r),
        Err(why) => why,
    };
    let id = s(a, "ID");
    let at = src.text.find(&format!("\"{id}\"")).unwrap_or(0);
    diags.push(
        Diag::error(
            STUB_RESOURCES,
            format!(
                "allocation {} is saved without its AllocatedResources and {why}, so what it holds on its node cannot be known",
                crate::escape::one_line(&id)
            ),
        )
        .at(src, Span::new(at, (at + id.len() + 2).min(src.text.len())), "saved without resources")
        .help("save each allocation with `nomad operator api /v1/allocation/<id>` (it carries its resources at every release), or the list with `?resources=true` (1.0+)"),
    );
    None
}

fn held(
    a: &Value,
    spec: &Job,
    stale: bool,
    version: NomadVersion,
) -> Result<AllocResources, String> {
    if stale {
        return Err(format!(
            "the import does not hold version {} of its job, which decides it",
            a.typed_u64("JobVersion").unwrap_or(0)
        ));
    }
    let name = s(a, "TaskGroup");
    let Some(group) = spec.groups.iter().find(|g| g.name == name) else {
        return Err(format!(
            "its job has no group {}",
            crate::gotext::go_quote(&name)
        ));
    };
    let tasks = || group.tasks.iter();
    if tasks().any(|t| !t.resources.devices.is_empty()) {
        return Err("its group asks for devices, whose instances its placement chose".into());
    }
    if tasks().any(|t| t.resources.cores > 0) {
        return Err("its group reserves cores, whose MHz its placement chose".into());
    }
    let task_nets = tasks().flat_map(|t| &t.resources.networks);
    if task_nets
        .chain(&group.networks)
        .any(|n| !n.reserved_ports.is_empty())
    {
        return Err("its group asks for static ports, whose addresses its placement chose".into());
    }
    let mut r = crate::world::bounds::group_ask(group, version)
        .map_err(|dim| format!("its group's {dim} passes the most one allocation may hold"))?;
    // Dynamic port numbers are the placement's; a network with no port
    // left holds its bandwidth alone (on no named device: every one).
    for n in &mut r.networks {
        n.dynamic_ports.clear();
    }
    r.networks
        .retain(|n| !(n.group && n.reserved_ports.is_empty() && n.mbits == 0));
    Ok(r)
}
