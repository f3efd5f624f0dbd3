//! What `import --write` adds for a cluster as it is: each pool's real
//! nodes (`node` blocks with their IDs, device instance IDs and task
//! networks) and
//! `allocations.hcl` with every live allocation where it runs, so the
//! written world plans exactly as the import does.

use std::fmt::Write as _;

use super::emit::{key, list, quote};
use super::model::{ClientPool, Pinned, World};
use crate::structs::{AllocNetwork, Allocation};

/// `node "NAME" { id = ..., device ... }` for each imported node of a pool.
pub(super) fn member_blocks(o: &mut String, c: &ClientPool) {
    for m in &c.members {
        let _ = writeln!(o, "  node {} {{", quote(&m.name));
        let _ = writeln!(o, "    id = {}", quote(&m.id));
        for d in &m.devices {
            // Healthy instances first: the order the pool's `device` block
            // counts them in.
            let ids: Vec<String> = d
                .instances
                .iter()
                .filter(|i| i.healthy)
                .chain(d.instances.iter().filter(|i| !i.healthy))
                .map(|i| i.id.clone())
                .collect();
            let _ = writeln!(
                o,
                "    device {} {{ instance_ids = {} }}",
                quote(&d.id.to_string()),
                list(&ids)
            );
        }
        super::emit::map_attr(o, "    ", "attributes", &m.attributes);
        if !m.address_ips.is_empty() {
            let pairs: Vec<String> = m
                .address_ips
                .iter()
                .map(|(k, v)| format!("{} = {}", quote(k), quote(v)))
                .collect();
            let _ = writeln!(o, "    address_ips = {{ {} }}", pairs.join(", "));
        }
        for t in &m.task_networks {
            let _ = writeln!(o, "    network {{");
            let _ = writeln!(o, "      device = {}", quote(&t.device));
            let _ = writeln!(o, "      cidr   = {}", quote(&t.cidr));
            let _ = writeln!(o, "      ip     = {}", quote(&t.ip));
            let _ = writeln!(o, "      mbits  = {}", t.mbits);
            let _ = writeln!(o, "    }}");
        }
        let _ = writeln!(o, "  }}");
    }
}

/// The IDs of the world's imported nodes (what written allocations name).
pub fn member_ids(world: &World) -> std::collections::HashSet<&str> {
    world
        .clients
        .iter()
        .flat_map(|c| c.members.iter().map(|m| m.id.as_str()))
        .collect()
}

fn ports(o: &mut String, name: &str, ports: &[(crate::ids::Id, u16)]) {
    if ports.is_empty() {
        return;
    }
    let inner: Vec<String> = ports
        .iter()
        .map(|(l, p)| format!("{} = {}", key(l), quote(&p.to_string())))
        .collect();
    let _ = writeln!(o, "    {name} = {{ {} }}", inner.join(", "));
}

fn network(o: &mut String, n: &AllocNetwork) {
    let _ = writeln!(o, "  network {{");
    if n.group {
        let _ = writeln!(o, "    group  = true");
    }
    if !n.device.is_empty() {
        let _ = writeln!(o, "    device = {}", quote(&n.device));
    }
    if !n.ip.is_empty() {
        let _ = writeln!(o, "    ip     = {}", quote(&n.ip));
    }
    let _ = writeln!(o, "    mbits  = {}", n.mbits);
    ports(o, "reserved_ports", &n.reserved_ports);
    ports(o, "dynamic_ports", &n.dynamic_ports);
    // Where the group's port mappings sit and which ignore collisions:
    // the network index keys them so (scheduler/alloc_ports.rs).
    if !n.port_ips.is_empty() {
        let inner: Vec<String> = n
            .port_ips
            .iter()
            .map(|(l, ip)| format!("{} = {}", key(l), quote(ip)))
            .collect();
        let _ = writeln!(o, "    port_ips = {{ {} }}", inner.join(", "));
    }
    if !n.ignore_collision.is_empty() {
        let labels: Vec<String> = n.ignore_collision.iter().map(|l| l.to_string()).collect();
        let _ = writeln!(o, "    ignore_collision = {}", list(&labels));
    }
    let _ = writeln!(o, "  }}");
}

fn allocation(o: &mut String, a: &Allocation) {
    let r = &a.resources;
    let _ = writeln!(o, "\nallocation {} {{", quote(&a.id));
    let _ = writeln!(o, "  job         = {}", quote(&a.job_id));
    if a.namespace != "default" {
        let _ = writeln!(o, "  namespace   = {}", quote(&a.namespace));
    }
    let _ = writeln!(o, "  group       = {}", quote(&a.task_group));
    let _ = writeln!(o, "  index       = {}", a.name_index().unwrap_or(0));
    let _ = writeln!(o, "  node        = {}", quote(&a.node_id));
    let _ = writeln!(o, "  job_version = {}", a.job_version);
    let _ = writeln!(o, "  status      = {}", quote(a.client_status.as_str()));
    if a.desired_status != crate::structs::DesiredStatus::Run {
        let _ = writeln!(o, "  desired     = {}", quote(a.desired_status.as_str()));
    }
    if a.migrate {
        let _ = writeln!(o, "  migrate     = true");
    }
    if !a.reschedule_nodes.is_empty() {
        let _ = writeln!(o, "  reschedule_nodes = {}", list(&a.reschedule_nodes));
    }
    // The indexes keep the state's index, and so the node shuffles, as
    // the import has them.
    let _ = writeln!(o, "  create_index = {}", a.create_index);
    let _ = writeln!(o, "  modify_index = {}", a.modify_index);
    // Written in full, so none of it defaults to the group's ask.
    let _ = writeln!(o, "  cpu         = {}", r.cpu);
    if r.cores > 0 {
        let _ = writeln!(o, "  cores       = {}", r.cores);
    }
    let _ = writeln!(o, "  memory      = {}", r.memory_mb);
    if r.memory_max_mb != r.memory_mb {
        let _ = writeln!(o, "  memory_max  = {}", r.memory_max_mb);
    }
    let _ = writeln!(o, "  disk        = {}", r.disk_mb);
    for n in &r.networks {
        network(o, n);
    }
    for d in &r.devices {
        let _ = writeln!(
            o,
            "  device {} {{ instance_ids = {} }}",
            quote(&d.id.to_string()),
            list(&d.instance_ids)
        );
    }
    let _ = writeln!(o, "}}");
}

/// `allocations.hcl`: each registered job's version and indexes, then the
/// live allocations in the order the import read them. Allocations on nodes
/// the world does not hold are left out (`import --write` says how many):
/// a written allocation names a node the world declares.
pub fn allocations_hcl(p: &Pinned, nodes: &std::collections::HashSet<&str>) -> String {
    let mut o = String::from(
        "# Allocations as the cluster ran them (nomad-preflight import): pinned\n# where they are, never re-scheduled.\n",
    );
    for ((ns, id), ix) in &p.versions {
        let _ = writeln!(o, "\njob {} {{", quote(id));
        if ns != "default" {
            let _ = writeln!(o, "  namespace        = {}", quote(ns));
        }
        let _ = writeln!(o, "  version          = {}", ix.version);
        let _ = writeln!(o, "  create_index     = {}", ix.create_index);
        let _ = writeln!(o, "  modify_index     = {}", ix.modify_index);
        let _ = writeln!(o, "  job_modify_index = {}", ix.job_modify_index);
        // In whole seconds, what Nomad prints: nanoseconds are past the
        // 2^53 an HCL number holds exactly.
        if let Some(t) = ix.submit_time {
            let _ = writeln!(o, "  submit_time      = {}", t.div_euclid(1_000_000_000));
        }
        let _ = writeln!(o, "}}");
    }
    for a in p
        .allocs
        .iter()
        // Those told to stop that still run are written too: what the
        // import kept of them is what the release's scheduler counts.
        .filter(|a| {
            (a.is_live() || (a.batch_terminal.is_none() && !a.client_status.is_terminal()))
                && nodes.contains(a.node_id.as_str())
        })
    {
        allocation(&mut o, a);
    }
    o
}
