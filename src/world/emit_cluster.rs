//! A world's `cluster.hcl` written back (`import --write`): the version,
//! the scheduler, the servers' agent configuration and each client pool,
//! in the form [`super::cluster_file`] reads.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::emit::{job_file_path, list, map_attr, quote};
use super::model::*;
use crate::version::Edition;

pub fn cluster_hcl(world: &World) -> String {
    let mut o = String::new();
    // The edition as the agent reports it: Enterprise's build tag keeps
    // `+ent`; a community build's says nothing, so the word is written.
    let (ent, community) = match world.stated_edition {
        Some(Edition::Enterprise) => ("+ent", false),
        Some(Edition::Community) => ("", true),
        None => ("", false),
    };
    let _ = writeln!(
        o,
        "nomad_version = {}",
        quote(&format!("{}{ent}", world.nomad_version))
    );
    if community {
        let _ = writeln!(o, "edition       = \"community\"");
    }
    let _ = writeln!(o, "region        = {}", quote(&world.region));
    let s = &world.scheduler;
    let p = &s.preemption;
    let _ = writeln!(o, "\nscheduler {{");
    let _ = writeln!(o, "  algorithm = {}", quote(s.algorithm.as_str()));
    if s.memory_oversubscription {
        let _ = writeln!(o, "  memory_oversubscription = true");
    }
    if s.reject_job_registration {
        let _ = writeln!(o, "  reject_job_registration = true");
    }
    let _ = writeln!(
        o,
        "  preemption {{\n    system   = {}\n    sysbatch = {}\n    batch    = {}\n    service  = {}\n  }}\n}}",
        p.system, p.sysbatch, p.batch, p.service
    );
    o.push_str(&super::server_file::server_hcl(&world.server));
    for c in &world.clients {
        let _ = writeln!(o, "\nclient {} {{", quote(&c.name));
        let _ = writeln!(o, "  count         = {}", c.count);
        let _ = writeln!(o, "  datacenter    = {}", quote(&c.datacenter));
        let _ = writeln!(o, "  node_pool     = {}", quote(&c.node_pool));
        if !c.node_class.is_empty() {
            let _ = writeln!(o, "  node_class    = {}", quote(&c.node_class));
        }
        let _ = writeln!(o, "  cpu           = {}", c.cpu);
        let _ = writeln!(o, "  memory        = {}", c.memory);
        let _ = writeln!(o, "  disk          = {}", c.disk);
        let _ = writeln!(o, "  network_mbits = {}", c.network_mbits);
        if c.min_dynamic_port > 0 {
            let _ = writeln!(o, "  min_dynamic_port = {}", c.min_dynamic_port);
        }
        if c.max_dynamic_port > 0 {
            let _ = writeln!(o, "  max_dynamic_port = {}", c.max_dynamic_port);
        }
        // A release before 1.10.2 has no such option (nor field).
        if c.max_allocs != 0 && world.nomad_version.at_least(1, 10, 2) {
            let _ = writeln!(o, "  node_max_allocs = {}", c.max_allocs);
        }
        let _ = writeln!(o, "  drivers       = {}", list(&c.drivers));
        if c.hand_written {
            let _ = writeln!(o, "  hand_written  = true");
        }
        map_attr(&mut o, "  ", "attributes", &c.attributes);
        map_attr(&mut o, "  ", "meta", &c.meta);
        if c.state.status != crate::structs::NodeStatus::Ready {
            let _ = writeln!(o, "  status        = {}", quote(c.state.status.as_str()));
        }
        if c.state.ineligible {
            let _ = writeln!(o, "  eligibility   = \"ineligible\"");
        }
        if c.state.drain {
            let _ = writeln!(o, "  drain         = true");
        }
        for (name, v) in &c.host_volumes {
            let _ = writeln!(o, "  host_volume {} {{", quote(name));
            let _ = writeln!(o, "    path      = {}", quote(&v.path));
            if v.dynamic {
                let _ = writeln!(o, "    dynamic   = true");
            }
            let _ = writeln!(o, "    read_only = {}\n  }}", v.read_only);
        }
        super::network_file::networks_hcl(&mut o, c, world.nomad_version);
        device_blocks(&mut o, c);
        super::emit_csi::plugin_blocks(&mut o, c);
        super::emit_allocs::member_blocks(&mut o, c);
        let r = &c.reserved;
        if *r != Reserved::default() {
            let _ = writeln!(o, "  reserved {{");
            let _ = writeln!(
                o,
                "    cpu    = {}\n    memory = {}\n    disk   = {}",
                r.cpu, r.memory, r.disk
            );
            if !r.ports.is_empty() {
                let ports: Vec<String> = r.ports.iter().map(u16::to_string).collect();
                let _ = writeln!(o, "    ports  = {}", quote(&ports.join(",")));
            }
            let _ = writeln!(o, "  }}");
        }
        let _ = writeln!(o, "}}");
    }
    if !world.running.is_empty() {
        let paths: Vec<String> = world
            .running
            .iter()
            .map(|r| job_file_path(&r.job).display().to_string())
            .collect();
        let _ = writeln!(o, "\nrunning = [");
        for p in &paths {
            let _ = writeln!(o, "  {},", quote(p));
        }
        let _ = writeln!(o, "]");
        // A job file cannot say `Stop`: the world says which are stopped.
        for (r, p) in world.running.iter().zip(&paths) {
            if r.job.stop {
                let _ = writeln!(o, "\nrunning_job {} {{\n  stopped = true\n}}", quote(p));
            }
        }
    }
    o
}

/// A pool's `device` blocks. A single imported node keeps its instance IDs
/// (allocations name them); a pool of several gets derived ones.
fn device_blocks(o: &mut String, c: &ClientPool) {
    for (k, d) in c.devices.iter().enumerate() {
        let own = match c.members.as_slice() {
            [only] => only.devices.get(k).filter(|m| m.id == d.id),
            _ => None,
        };
        let instances = own.map_or(&d.instances, |m| &m.instances);
        let healthy = instances.iter().filter(|i| i.healthy).count();
        let _ = writeln!(o, "  device {} {{", quote(&d.id.to_string()));
        let _ = writeln!(o, "    count      = {healthy}");
        let unhealthy = instances.len() - healthy;
        if unhealthy > 0 {
            let _ = writeln!(o, "    unhealthy  = {unhealthy}");
        }
        if own.is_some() {
            // Healthy instances first, as `count` and `unhealthy` split them.
            let ids: Vec<String> = instances
                .iter()
                .filter(|i| i.healthy)
                .chain(instances.iter().filter(|i| !i.healthy))
                .map(|i| i.id.clone())
                .collect();
            let _ = writeln!(o, "    instance_ids = {}", list(&ids));
        }
        // An attribute set with no value is written `null`, never "".
        let attrs: BTreeMap<&String, Option<String>> = d
            .attributes
            .iter()
            .map(|(k, v)| {
                let unset = v.value == crate::structs::attribute::AttrValue::Unset;
                (k, (!unset).then(|| v.to_string()))
            })
            .collect();
        let attrs = attrs.iter().map(|(k, v)| (*k, v.as_deref()));
        super::emit::nullable_map_attr(o, "    ", "attributes", attrs);
        let _ = writeln!(o, "  }}");
    }
}
