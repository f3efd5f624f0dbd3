//! What a pinned allocation of `rules/allocations.hcl` holds (see
//! [`super::alloc_file`]): its group's ask, or exactly the `cpu`, `memory`,
//! ... and `network` blocks it lists, and the device instances it names,
//! each checked against its node.

use std::collections::{BTreeMap, HashSet};

use hcl_edit::structure::Block;

use super::alloc_file::{count, NodeRef};
use super::hclread::{one_label, BodyReader, Schema};
use crate::diag::{Diag, Diags};
use crate::jobspec::TaskGroup;
use crate::source::{Source, Span};
use crate::structs::device::{AllocDevice, DeviceId};
use crate::structs::{AllocNetwork, AllocResources};
use crate::version::NomadVersion;

/// The resource attributes of an allocation: listing any of them (or a
/// `network` block) means it holds exactly what it lists.
const RESOURCE_KEYS: &[&str] = &["cpu", "cores", "memory", "memory_max", "disk"];

/// The allocation block being read: its ID (labelled at `label`), job,
/// group and node, all resolved.
pub(super) struct Pin<'a> {
    pub id: &'a str,
    pub job_id: &'a str,
    pub tg: &'a TaskGroup,
    pub node: &'a NodeRef,
    pub label: Span,
}

/// Whether the allocation block lists any resource (then it holds exactly
/// what it lists, else its group's ask).
pub(super) fn lists_resources(r: &BodyReader<'_>) -> bool {
    RESOURCE_KEYS.iter().any(|k| r.attr_span(k).is_some()) || r.blocks("network").next().is_some()
}

/// What an allocation that lists no resources holds: its group's ask, the
/// group networks with their `mbits`, no device (those are the block's).
/// `Err` names the dimension that sums past the world's bound.
pub(super) fn group_held(
    tg: &TaskGroup,
    version: NomadVersion,
) -> Result<AllocResources, &'static str> {
    let mut resources = super::bounds::group_ask(tg, version)?;
    // A placed group network records its job's `mbits` (the ask's copy,
    // rank.go), which the group's comparable resources leave out.
    let first_group = resources.networks.len().saturating_sub(tg.networks.len());
    for (n, g) in resources.networks[first_group..]
        .iter_mut()
        .zip(&tg.networks)
    {
        n.mbits = g.mbits;
    }
    // Dynamic ports get their numbers on the node: an allocation holds only
    // the ones the file numbers.
    for n in &mut resources.networks {
        n.dynamic_ports.retain(|(_, p)| *p != 0);
    }
    Ok(resources)
}

/// The resources the allocation `pin` holds on its node. `None` when its
/// group's ask passes the world's bound; other errors are pushed and a
/// value returned, so every error of the block is reported.
pub(super) fn holds(
    src: &Source,
    r: &BodyReader<'_>,
    version: NomadVersion,
    pin: &Pin<'_>,
    diags: &mut Diags,
) -> Option<AllocResources> {
    let &Pin {
        id,
        job_id,
        tg,
        node,
        label,
    } = pin;
    // Resources are the group's ask unless the allocation lists them; then
    // it holds exactly what it lists (what an import writes).
    let listed = lists_resources(r);
    let mut resources = if listed {
        crate::structs::AllocResources::default()
    } else {
        match group_held(tg, version) {
            Ok(r) => r,
            Err(dim) => {
                diags.push(
                    Diag::error(
                        "world::resource-bound",
                        format!(
                            "allocation {id} holds the ask of group `{}` of `{job_id}`, whose {dim} sums past {}, the most one allocation may hold: {}",
                            tg.name,
                            super::bounds::MAX_RESOURCE,
                            super::bounds::WHY
                        ),
                    )
                    .at(src, label, "its tasks' figures sum past the bound"),
                );
                return None;
            }
        }
    };
    for (key, slot) in [
        ("cpu", &mut resources.cpu),
        ("cores", &mut resources.cores),
        ("memory", &mut resources.memory_mb),
        ("memory_max", &mut resources.memory_max_mb),
        ("disk", &mut resources.disk_mb),
    ] {
        if let Some(v) = count(src, r, key, diags) {
            // The world's one resource bound (super::bounds), not a
            // saturated figure: every later sum stays exact.
            match i64::try_from(v)
                .ok()
                .filter(|v| *v <= super::bounds::MAX_RESOURCE)
            {
                Some(v) => *slot = v,
                None => diags.push(
                    Diag::error(
                        "world::bad-value",
                        format!(
                            "`{key}` {v} is over {}, the most one allocation may hold: {}",
                            super::bounds::MAX_RESOURCE,
                            super::bounds::WHY
                        ),
                    )
                    .at(src, r.attr_span(key).unwrap_or_default(), "too large"),
                ),
            }
        }
    }
    if r.attr_span("memory").is_some() && r.attr_span("memory_max").is_none() {
        resources.memory_max_mb = resources.memory_mb;
    }
    if listed {
        resources.networks = r
            .blocks("network")
            .map(|n| read_network(src, n, diags))
            .collect();
    }
    resources.devices = r
        .blocks("device")
        .filter_map(|d| read_device(src, d, node, diags))
        .collect();
    let asks_devices = tg.tasks.iter().any(|t| !t.resources.devices.is_empty());
    if asks_devices && resources.devices.is_empty() {
        diags.push(
            Diag::error(
                "world::alloc-devices",
                format!("allocation {id} of group `{}` holds no device instances, but the group asks for devices", tg.name),
            )
            .at(src, label, "no `device` block")
            .help("name the instances it holds: `device \"VENDOR/TYPE/NAME\" { instance_ids = [\"...\"] }`"),
        );
    }
    Some(resources)
}

fn read_network(src: &Source, b: &Block, diags: &mut Diags) -> AllocNetwork {
    const S: Schema = Schema {
        attrs: &[
            "device",
            "ip",
            "mbits",
            "reserved_ports",
            "dynamic_ports",
            "group",
            "port_ips",
            "ignore_collision",
        ],
        blocks: &[],
    };
    let r = BodyReader::new(src, &b.body, &S, "network", diags);
    let ports = |k: &str, diags: &mut Diags| -> Vec<(crate::ids::Id, u16)> {
        let map: BTreeMap<String, String> = r.string_map(k, diags).unwrap_or_default();
        let mut out = Vec::new();
        for (label, p) in map {
            match p.trim().parse::<u16>() {
                Ok(port) if port > 0 => out.push((label.into(), port)),
                _ => diags.push(
                    Diag::error(
                        "world::bad-value",
                        format!("port `{label}` = {p:?} is not a port number"),
                    )
                    .at(src, r.attr_span(k).unwrap_or_default(), "1 to 65535"),
                ),
            }
        }
        out
    };
    AllocNetwork {
        device: r.string("device", diags).unwrap_or_default().into(),
        ip: r.string("ip", diags).unwrap_or_default().into(),
        mbits: count(src, &r, "mbits", diags).map_or(0, |m| i64::try_from(m).unwrap_or(i64::MAX)),
        reserved_ports: ports("reserved_ports", diags),
        dynamic_ports: ports("dynamic_ports", diags),
        // The group's `network` (AllocatedResources.Shared), which Nomad
        // indexes and records apart from the tasks' from 0.12.
        group: r.bool("group", diags).unwrap_or(false),
        port_ips: r
            .string_map("port_ips", diags)
            .unwrap_or_default()
            .into_iter()
            .map(|(l, ip)| (l.into(), ip.into()))
            .collect(),
        ignore_collision: r
            .strings("ignore_collision", diags)
            .unwrap_or_default()
            .into_iter()
            .map(|(l, _)| l.into())
            .collect(),
    }
}

/// The instances of one device model an allocation holds: each must be an
/// instance of that model on the allocation's node, or it would hold
/// nothing and a plan would see a free device that is taken.
fn read_device(src: &Source, b: &Block, node: &NodeRef, diags: &mut Diags) -> Option<AllocDevice> {
    let example = "device \"nvidia/gpu/1080ti\" { instance_ids = [\"GPU-1\"] }";
    let (name, span) = one_label(src, b, example).map_err(|d| diags.push(d)).ok()?;
    const S: Schema = Schema {
        attrs: &["instance_ids"],
        blocks: &[],
    };
    let r = BodyReader::new(src, &b.body, &S, "device", diags);
    let id = DeviceId::from_request(&name);
    let Some(model) = node.devices.iter().find(|d| d.id == id) else {
        diags.push(
            Diag::error(
                "world::alloc-device",
                format!("the allocation's node has no device `{name}`"),
            )
            .at(src, span, "not on this node")
            .help("name the model VENDOR/TYPE/NAME as the node's `device` block does"),
        );
        return None;
    };
    let on_node: HashSet<&str> = model.instances.iter().map(|i| i.id.as_str()).collect();
    let ids = r.strings("instance_ids", diags).unwrap_or_default();
    let mut out = Vec::new();
    for (i, at) in ids {
        if !on_node.contains(i.as_str()) {
            let known: Vec<&str> = model.instances.iter().map(|i| i.id.as_str()).collect();
            diags.push(
                Diag::error(
                    "world::alloc-device",
                    format!("`{name}` on the allocation's node has no instance `{i}`"),
                )
                .at(src, at, "no such instance")
                .help(format!("its instances: {}", known.join(", "))),
            );
            continue;
        }
        out.push(i);
    }
    if out.is_empty() {
        return None;
    }
    Some(AllocDevice {
        id,
        instance_ids: out,
    })
}
