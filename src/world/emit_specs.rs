//! Quota specifications and namespaces written back as world files
//! (`rules/quotas/*.hcl`, `rules/namespaces/*.hcl`).

use std::fmt::Write as _;

use super::emit::{list, map_attr, quote};
use super::model::*;

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
        let _ = writeln!(o, "  }}\n}}");
    }
    o
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
