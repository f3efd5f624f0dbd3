//! Our own view (not Nomad's): per node, cpu, memory and disk bars, one bar
//! per device model, and the live allocations holding them (with the device
//! instances each holds).

use super::{format_list, sorted_nodes};
use std::fmt::Write as _;

use crate::cluster::{Allocation, State};

const BAR: usize = 30;

fn bar(used: i64, total: i64) -> String {
    let filled = if total > 0 {
        let share = used.clamp(0, total) as f64 / total as f64;
        (share * BAR as f64).round() as usize
    } else {
        0
    };
    let mut s = String::with_capacity(BAR * 3 + 2);
    s.push('[');
    s.extend(std::iter::repeat_n('#', filled));
    s.extend(std::iter::repeat_n('.', BAR - filled.min(BAR)));
    s.push(']');
    s
}

fn percent(used: i64, total: i64) -> i64 {
    if total > 0 {
        used * 100 / total
    } else {
        0
    }
}

/// A node's device models: healthy instances held by its live allocations
/// out of the healthy ones it offers, one bar per model.
fn device_lines(out: &mut String, n: &crate::cluster::Node, allocs: &[&Allocation]) {
    for d in &n.devices {
        let healthy: Vec<&str> = d
            .instances
            .iter()
            .filter(|i| i.healthy)
            .map(|i| i.id.as_str())
            .collect();
        let used = allocs
            .iter()
            .flat_map(|a| a.resources.devices.iter())
            .filter(|held| held.id == d.id)
            .flat_map(|held| held.instance_ids.iter())
            .filter(|id| healthy.contains(&id.as_str()))
            .count();
        let (used, total) = (
            i64::try_from(used).unwrap_or(i64::MAX),
            i64::try_from(healthy.len()).unwrap_or(i64::MAX),
        );
        let unhealthy = d.instances.len() - healthy.len();
        let _ = writeln!(
            out,
            "  device {} {:>3}%  {used} / {total} {}{}",
            bar(used, total),
            percent(used, total),
            d.id,
            if unhealthy > 0 {
                format!(" ({unhealthy} unhealthy)")
            } else {
                String::new()
            }
        );
    }
}

/// Where the release fits less cpu than `nomad node status` shows (its
/// total less reserved): how much less, and why.
fn withheld_note(n: &crate::cluster::Node) -> String {
    if n.cpu_withheld == 0 {
        return String::new();
    }
    format!(
        " ({} MHz more withheld: until 1.8.2 (Enterprise 1.7.10) Nomad takes reserved cpu off the usable compute again, #23386)",
        n.cpu_withheld
    )
}

/// The device instances an allocation holds: `vendor/type/name[id,id]`.
fn held_devices(a: &Allocation) -> String {
    a.resources
        .devices
        .iter()
        .map(|d| format!("{}[{}]", d.id, d.instance_ids.join(",")))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Our own view: per node, cpu and memory bars (allocatable = total minus
/// reserved) and the allocations holding them, biggest first: live ones
/// and, from 1.4.0, those told to stop that their client still runs, as the
/// plan counts them (`Allocation::holds_node`, scheduler `ProposedAllocs`).
pub fn utilisation(state: &State, v: crate::version::NomadVersion) -> String {
    let mut out = String::new();
    for n in sorted_nodes(state) {
        let allocs: Vec<&Allocation> = (state.allocs.iter())
            .filter(|a| a.node_id == n.id && a.holds_node(v))
            .collect();
        let cpu: i64 = allocs.iter().map(|a| a.resources.cpu).sum();
        let mem: i64 = allocs.iter().map(|a| a.resources.memory_mb).sum();
        let disk: i64 = allocs.iter().map(|a| a.resources.disk_mb).sum();
        // What the plan fits: less any cpu the release withholds.
        let cpu_total = n.usable_cpu();
        let mem_total = n.memory_mb - n.reserved_memory_mb;
        let disk_total = n.disk_mb - n.reserved_disk_mb;
        let _ = writeln!(
            out,
            "{} {} ({}, {})",
            crate::escape::one_line(&n.name),
            n.short_id(),
            crate::escape::one_line(&n.datacenter),
            n.status.as_str()
        );
        let _ = writeln!(
            out,
            "  cpu    {} {:>3}%  {cpu} / {cpu_total} MHz{}",
            bar(cpu, cpu_total),
            percent(cpu, cpu_total),
            withheld_note(n)
        );
        let _ = writeln!(
            out,
            "  memory {} {:>3}%  {mem} / {mem_total} MB",
            bar(mem, mem_total),
            percent(mem, mem_total)
        );
        let _ = writeln!(
            out,
            "  disk   {} {:>3}%  {disk} / {disk_total} MB",
            bar(disk, disk_total),
            percent(disk, disk_total)
        );
        device_lines(&mut out, n, &allocs);
        if n.max_allocs != 0 {
            let count = i64::try_from(allocs.len()).unwrap_or(i64::MAX);
            let _ = writeln!(
                out,
                "  allocs {} {:>3}%  {count} / {} (node_max_allocs)",
                bar(count, n.max_allocs),
                percent(count, n.max_allocs),
                n.max_allocs
            );
        }
        let mut sorted = allocs.clone();
        sorted.sort_by(|a, b| {
            b.resources
                .memory_mb
                .cmp(&a.resources.memory_mb)
                .then(a.name.cmp(&b.name))
        });
        let mut rows = Vec::new();
        for a in sorted {
            let mut row = format!(
                "{}|{}|{}|{} MHz|{} MB|priority {}",
                a.short_id(),
                a.namespace,
                a.name,
                a.resources.cpu,
                a.resources.memory_mb,
                crate::structs::priority_text(a.known_priority()),
            );
            let devices = held_devices(a);
            if !devices.is_empty() {
                row.push('|');
                row.push_str(&devices);
            }
            rows.push(row);
        }
        if rows.is_empty() {
            let _ = writeln!(out, "    (no allocations)");
        } else {
            let table = format_list(&rows);
            for line in table.lines() {
                let _ = writeln!(out, "    {line}");
            }
        }
        out.push('\n');
    }
    if out.is_empty() {
        out.push_str("No nodes registered\n");
    }
    out
}
