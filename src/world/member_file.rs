//! `node "NAME" { id = "...", device "V/T/N" { instance_ids = [...] } }`
//! inside a `client` block: the real nodes of a pool, by name and ID, with
//! their own device instance IDs (what `import --write` writes, so pinned
//! allocations keep naming the nodes and instances they hold), and their
//! own task networks, `network { device, cidr, ip, mbits }` in the order
//! the node reported them (`NodeResources.Networks` with a device), and
//! `address_ips = { "10.0.0.1" = "203.0.113.10" }`: the real address
//! behind each stand-in address of the pool's `interface` blocks, and
//! `attributes = { ... }`: its own `unique.*` attributes. A
//! pool without them has clients `NAME-1..NAME-N` with derived IDs and a
//! stand-in address each. Blocks without `id` name a hand-written pool's
//! clients instead (`node "web-a" { attributes = {...} }`): the pool
//! stays hand-written (`ClientPool::reported`), stand-ins and all. A
//! pool that says `hand_written = true` is hand-written with or without
//! `id`: there `id` is the client's own node ID, in the form a Nomad
//! client makes it (a lowercase UUID: client/client.go v1.10.5:1468-1482
//! `ensureNodeID`, `helper.HashUUID` or `uuid.Generate`), which
//! `${node.unique.id}` constraints and pinned allocations read.

use std::collections::HashSet;

use hcl_edit::structure::Block;

use super::hclread::{one_label, BodyReader, Schema};
use super::model::{ClientPool, NodeIdentity};
use crate::diag::{Diag, Diags};
use crate::source::Source;
use crate::structs::device::DeviceId;

impl ClientPool {
    /// Whether the pool is a real cluster's nodes as they reported
    /// themselves (imported, or written back by `import --write`, whose
    /// `node` blocks always carry the cluster's `id`): its attributes and
    /// drivers are the nodes' own, with no stand-in beside them. A pool
    /// written by hand, its clients named in `node "NAME" {}` blocks or
    /// not, gets the stand-ins (`cluster::build`) and the "cannot tell"
    /// of what it does not state (`scheduler::client_values`).
    pub fn reported(&self) -> bool {
        !self.hand_written && self.members.iter().any(|m| !m.id.is_empty())
    }
}

/// Salt for node IDs: nodes are named by the world, never by the sample
/// seed, so `NAME-1` has the same ID in every sample.
const NODE_ID_SALT: u64 = 0x6E6F_6D61_642D_6E6F;

impl ClientPool {
    /// The imported node behind client `index` (1-based), if any.
    pub fn member(&self, index: u32) -> Option<&NodeIdentity> {
        usize::try_from(index)
            .ok()
            .and_then(|i| self.members.get(i.checked_sub(1)?))
    }

    /// The ID and name of client `index` (1-based): an imported node keeps
    /// the ID its allocations name, a `hand_written` pool's block its
    /// stated one; a written pool's clients are named `NAME-k` with an ID
    /// derived from the region and that name. Pinned
    /// allocations resolve their `node` with this before any node is built.
    pub fn node_identity(&self, region: &str, index: u32) -> (String, String) {
        let derived = || crate::ids::uuid(NODE_ID_SALT, &[region, &self.name, &index.to_string()]);
        match self.member(index) {
            Some(m) if !m.id.is_empty() => (m.id.clone(), m.name.clone()),
            Some(m) => (derived(), m.name.clone()), // named by hand
            None => (derived(), format!("{}-{}", self.name, index)),
        }
    }
}

pub(super) fn read_members(
    src: &Source,
    blocks: &[&Block],
    pool: &ClientPool,
    diags: &mut Diags,
) -> Vec<NodeIdentity> {
    let mut names = HashSet::new();
    let mut ids = HashSet::new();
    // Whether the blocks give `id` (the first block decides).
    let mut kind: Option<bool> = None;
    let mut out = Vec::new();
    for b in blocks {
        let Ok((name, label)) =
            one_label(src, b, "node \"NAME\" { id = \"...\" }").map_err(|d| diags.push(d))
        else {
            continue;
        };
        const S: Schema = Schema {
            attrs: &["id", "address_ips", "attributes"],
            blocks: &["device", "network"],
        };
        let r = BodyReader::new(src, &b.body, &S, "node", diags);
        // Without `id` the block names a hand-written client (its ID
        // derived, the pool's stand-ins kept); with it, a real node as
        // `import --write` writes it. One pool is one or the other.
        let id = r.string("id", diags).unwrap_or_default();
        // In a `hand_written` pool an `id` is the client's own, on any
        // block: no block is a real cluster's node.
        let real = !id.is_empty() && !pool.hand_written;
        if pool.hand_written && !id.is_empty() && !node_id_form(&id) {
            diags.push(
                Diag::error(
                    "world::bad-value",
                    format!("node `{name}`: `id` {id:?} is not a node ID"),
                )
                .at(src, r.attr_span("id").unwrap_or(label), "not a lowercase UUID")
                .help("a Nomad client's node ID is a lowercase UUID, as `nomad node status -verbose` shows it: \"8d6f8a49-7c8e-4f3d-9c1b-2a5e6f7a8b9c\""),
            );
            continue;
        }
        match kind {
            None => kind = Some(real),
            Some(k) if k != real => {
                diags.push(
                    Diag::error(
                        "world::bad-value",
                        format!("node `{name}`: a pool's `node` blocks all give `id` or none does"),
                    )
                    .at(src, label, "unlike the pool's first `node` block")
                    .help("with `id` the blocks are a real cluster's nodes, as `import --write` writes them (no stand-in attributes); without it they name hand-written clients"),
                );
                continue;
            }
            Some(_) => {}
        }
        if !real && r.attr_span("address_ips").is_some() {
            let why = if pool.hand_written {
                "and a `hand_written` pool has none"
            } else {
                "and needs `id`"
            };
            diags.push(
                Diag::error(
                    "world::bad-value",
                    format!("node `{name}`: `address_ips` maps an imported node's addresses {why}"),
                )
                .at(
                    src,
                    r.attr_span("address_ips").unwrap_or(label),
                    "no imported node here",
                )
                .help("a hand-written client has the addresses of the pool's `interface` blocks"),
            );
            continue;
        }
        if !names.insert(name.clone()) || (!id.is_empty() && !ids.insert(id.clone())) {
            diags.push(
                Diag::error(
                    "world::duplicate-node",
                    format!("node `{name}` (ID `{id}`) is declared twice"),
                )
                .at(src, label, "declared again here")
                .help("node names and IDs are unique in a cluster"),
            );
            continue;
        }
        let mut devices = pool.devices.clone();
        for d in r.blocks("device") {
            let Ok((model, at)) = one_label(
                src,
                d,
                "device \"VENDOR/TYPE/NAME\" { instance_ids = [...] }",
            )
            .map_err(|e| diags.push(e)) else {
                continue;
            };
            const D: Schema = Schema {
                attrs: &["instance_ids"],
                blocks: &[],
            };
            let dr = BodyReader::new(src, &d.body, &D, "device", diags);
            let wanted = DeviceId::from_request(&model);
            let Some(dev) = devices.iter_mut().find(|x| x.id == wanted) else {
                diags.push(
                    Diag::error(
                        "world::bad-value",
                        format!("node `{name}`: the pool has no device `{model}`"),
                    )
                    .at(src, at, "not one of the pool's devices")
                    .help("declare the model in the client block's `device` blocks first"),
                );
                continue;
            };
            let listed: Vec<String> = dr
                .strings("instance_ids", diags)
                .unwrap_or_default()
                .into_iter()
                .map(|(s, _)| s)
                .collect();
            if listed.len() != dev.instances.len() {
                diags.push(
                    Diag::error(
                        "world::bad-value",
                        format!(
                            "node `{name}`: `{model}` lists {} instance_ids for the pool's {} instances",
                            listed.len(),
                            dev.instances.len()
                        ),
                    )
                    .at(src, dr.attr_span("instance_ids").unwrap_or(at), "one ID per instance, healthy ones first")
                    .help("list every instance the device block counts (count + unhealthy)"),
                );
                continue;
            }
            for (inst, id) in dev.instances.iter_mut().zip(listed) {
                inst.id = id;
            }
        }
        let task_networks = r
            .blocks("network")
            .filter_map(|n| task_network(src, n, &name, diags))
            .collect();
        let address_ips = address_ips(src, &r, &name, label, diags);
        let attributes = r.string_map("attributes", diags).unwrap_or_default();
        out.push(NodeIdentity {
            id,
            name,
            devices,
            task_networks,
            address_ips,
            attributes,
        });
    }
    out
}

/// Whether `id` has the form a Nomad client gives its node ID: a UUID
/// (`helper.IsUUID`, helper/funcs.go v1.10.5:27, :49-56) in lowercase, as
/// `uuid.Generate` and `helper.HashUUID` write it (`%x`).
fn node_id_form(id: &str) -> bool {
    let groups: Vec<&str> = id.split('-').collect();
    let lens = [8, 4, 4, 4, 12];
    groups.len() == lens.len()
        && groups.iter().zip(lens).all(|(g, n)| {
            g.len() == n
                && g.bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
}

/// `address_ips = { STAND_IN = REAL }`: both IP addresses (an entry
/// that is not is an error, never a guessed key).
fn address_ips(
    src: &Source,
    r: &BodyReader,
    node: &str,
    label: crate::source::Span,
    diags: &mut Diags,
) -> std::collections::BTreeMap<String, String> {
    let map = r.string_map("address_ips", diags).unwrap_or_default();
    // What the import reads as an address (host_aliases.rs).
    let ip = super::host_aliases::valid_address;
    if let Some((k, v)) = map.iter().find(|(k, v)| !ip(k) || !ip(v)) {
        let at = r.attr_span("address_ips").unwrap_or(label);
        diags.push(
            Diag::error(
                "world::bad-value",
                format!("node `{node}`: `address_ips` maps {k:?} to {v:?}; both must be IP addresses"),
            )
            .at(src, at, "not an IP address")
            .help("map each stand-in address of the pool's `interface` blocks to the node's real one: { \"10.0.0.1\" = \"203.0.113.10\" }"),
        );
        return Default::default();
    }
    map
}

/// `network { device = "eth0", cidr = "10.0.0.5/32", ip = "10.0.0.5",
/// mbits = 1000 }`: one of the node's `NodeResources.Networks` entries
/// (`cidr` defaults to the address alone, as the fingerprint writes it).
fn task_network(
    src: &Source,
    b: &Block,
    node: &str,
    diags: &mut Diags,
) -> Option<crate::structs::NodeNetwork> {
    const N: Schema = Schema {
        attrs: &["device", "cidr", "ip", "mbits"],
        blocks: &[],
    };
    let r = BodyReader::new(src, &b.body, &N, "network", diags);
    let device = r.string("device", diags).unwrap_or_default();
    let ip = r.string("ip", diags).unwrap_or_default();
    let cidr = r
        .string("cidr", diags)
        .unwrap_or_else(|| crate::structs::network_offers::host_cidr(&ip));
    let mbits = r.int("mbits", diags).unwrap_or(0);
    let parses = crate::structs::network_offers::first_ip(&cidr).is_some();
    if device.is_empty() || ip.parse::<std::net::IpAddr>().is_err() || !parses || mbits < 0 {
        diags.push(
            Diag::error(
                "world::bad-value",
                format!("node `{node}`: a `network` needs a `device`, an `ip`, its `cidr` and non-negative `mbits`"),
            )
            .at(src, super::hclread::span_of(b), "incomplete network")
            .help("copy the node's NodeResources.Networks entry: device = \"eth0\", cidr = \"10.0.0.5/32\", ip = \"10.0.0.5\", mbits = 1000"),
        );
        return None;
    }
    Some(crate::structs::NodeNetwork {
        device,
        cidr,
        ip,
        mbits,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_node_id_is_a_lowercase_uuid() {
        assert!(super::node_id_form("8d6f8a49-7c8e-4f3d-9c1b-2a5e6f7a8b9c"));
        assert!(!super::node_id_form("8D6F8A49-7C8E-4F3D-9C1B-2A5E6F7A8B9C"));
        assert!(!super::node_id_form("8d6f8a49-7c8e-4f3d-9c1b-2a5e6f7a8b9"));
        assert!(!super::node_id_form("8d6f8a497c8e-4f3d-9c1b-2a5e-6f7a8b9c"));
        assert!(!super::node_id_form("web-1"));
        assert!(!super::node_id_form("8d6f8a49-7c8e-4f3d-9c1b-2a5e6f7a8b9g"));
    }
}
