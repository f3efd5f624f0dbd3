//! Quota specifications and namespaces written back as world files
//! (`rules/quotas/*.hcl`, `rules/namespaces/*.hcl`).

use std::fmt::Write as _;

use super::emit::{list, map_attr, quote};
use super::model::*;
use super::quota_limits::{PoolLimit, Unsimulated};

pub fn quota_hcl(q: &QuotaSpec) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "name        = {}", quote(&q.name));
    let _ = writeln!(o, "description = {}", quote(&q.description));
    for l in &q.limits {
        let _ = writeln!(
            o,
            "\nlimit {{\n  region = {}\n  region_limit {{",
            quote(&l.region)
        );
        let rl = &l.region_limit;
        for (k, v) in [
            ("cpu", rl.cpu),
            ("cores", rl.cores),
            ("memory", rl.memory),
            ("memory_max", rl.memory_max),
        ] {
            if let Some(v) = v {
                let _ = writeln!(o, "    {k} = {v}");
            }
        }
        for (name, count) in &rl.devices {
            let _ = writeln!(
                o,
                "    device {} {{\n      count = {count}\n    }}",
                quote(name)
            );
        }
        // The 0.10–0.12 bandwidth limit: its figure is not modelled, its
        // presence is (`world::guess`).
        if rl.network {
            let _ = writeln!(o, "    network {{}}");
        }
        let mut variables_limit = None;
        let (mut variables, mut host_volumes) = (None, None);
        for n in &rl.unsimulated {
            match &n.limit {
                Unsimulated::NodePool(p) => node_pool(&mut o, p),
                Unsimulated::Secrets(mb) => {
                    let _ = writeln!(o, "    secrets = {mb}");
                }
                Unsimulated::Disk(mb) => {
                    let _ = writeln!(o, "    disk = {mb}");
                }
                Unsimulated::Iops(n) => {
                    let _ = writeln!(o, "    iops = {n}");
                }
                Unsimulated::Numa(n) => {
                    let _ = writeln!(
                        o,
                        "    numa {{\n      affinity = {}\n      devices  = {}\n    }}",
                        quote(&n.affinity),
                        list(&n.devices)
                    );
                }
                Unsimulated::Variables(mb) => variables = Some(*mb),
                Unsimulated::HostVolumes(mb) => host_volumes = Some(*mb),
                Unsimulated::VariablesLimit(mb) => variables_limit = Some(*mb),
                // `import --write` refuses a world holding one
                // (cli/import.rs): the world format has no key for it.
                Unsimulated::Unknown { .. } => {}
            }
        }
        storage(&mut o, "    ", variables, host_volumes);
        let _ = writeln!(o, "  }}");
        if let Some(mb) = variables_limit {
            let _ = writeln!(o, "  variables_limit = {mb}");
        }
        let _ = writeln!(o, "}}");
    }
    o
}

/// `storage { variables = N, host_volumes = N }`, when either is set.
fn storage(o: &mut String, pad: &str, variables: Option<i64>, host_volumes: Option<i64>) {
    if variables.is_none() && host_volumes.is_none() {
        return;
    }
    let _ = writeln!(o, "{pad}storage {{");
    for (k, v) in [("variables", variables), ("host_volumes", host_volumes)] {
        if let Some(v) = v {
            let _ = writeln!(o, "{pad}  {k} = {v}");
        }
    }
    let _ = writeln!(o, "{pad}}}");
}

/// `node_pool "NAME" { ... }` of a region limit.
fn node_pool(o: &mut String, p: &PoolLimit) {
    let _ = writeln!(o, "    node_pool {} {{", quote(&p.pool));
    for (k, v) in [
        ("cpu", p.cpu),
        ("cores", p.cores),
        ("memory", p.memory),
        ("memory_max", p.memory_max),
        ("secrets", p.secrets),
    ] {
        if let Some(v) = v {
            let _ = writeln!(o, "      {k} = {v}");
        }
    }
    for (name, count) in &p.devices {
        let _ = writeln!(
            o,
            "      device {} {{\n        count = {count}\n      }}",
            quote(name)
        );
    }
    storage(o, "      ", p.variables, p.host_volumes);
    let _ = writeln!(o, "    }}");
}

pub fn namespace_hcl(ns: &Namespace) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "name        = {}", quote(&ns.name));
    let _ = writeln!(o, "description = {}", quote(&ns.description));
    if let Some(q) = &ns.quota {
        let _ = writeln!(o, "quota       = {}", quote(q));
    }
    map_attr(&mut o, "", "meta", &ns.meta);
    let drivers = !ns.enabled_task_drivers.is_empty() || !ns.disabled_task_drivers.is_empty();
    // The 1.8.4+ network-mode capabilities, written only when stated.
    let modes = !ns.enabled_network_modes.is_empty() || !ns.disabled_network_modes.is_empty();
    if drivers || modes {
        let _ = writeln!(o, "\ncapabilities {{");
        if drivers {
            let _ = writeln!(
                o,
                "  enabled_task_drivers  = {}",
                list(&ns.enabled_task_drivers)
            );
            let _ = writeln!(
                o,
                "  disabled_task_drivers = {}",
                list(&ns.disabled_task_drivers)
            );
        }
        if modes {
            let _ = writeln!(
                o,
                "  enabled_network_modes  = {}",
                list(&ns.enabled_network_modes)
            );
            let _ = writeln!(
                o,
                "  disabled_network_modes = {}",
                list(&ns.disabled_network_modes)
            );
        }
        let _ = writeln!(o, "}}");
    }
    o
}
