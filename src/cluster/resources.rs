//! What an allocation of a task group holds ("comparable resources").

use super::{AllocNetwork, AllocResources};
use crate::jobspec::{Network, Task, TaskGroup};

/// Lifecycle-aware totals (Nomad's `AllocatedResources.Comparable`): main
/// tasks plus sidecar prestart and poststart tasks run together; all prestart
/// tasks run together before them; poststop tasks after. The usage is the
/// per-dimension maximum of the three phases. Disk is the group's ephemeral
/// disk; networks are the first network of each task plus group networks.
pub fn task_group_resources(tg: &TaskGroup) -> AllocResources {
    let mut main = (0i64, 0i64, 0i64);
    let mut pre = (0i64, 0i64, 0i64);
    let mut post = (0i64, 0i64, 0i64);
    let mut cores = 0;
    let add = |acc: &mut (i64, i64, i64), t: &Task| {
        acc.0 += t.resources.cpu;
        acc.1 += t.resources.memory_mb;
        acc.2 += if t.resources.memory_max_mb > 0 {
            t.resources.memory_max_mb
        } else {
            t.resources.memory_mb
        };
    };
    let mut networks = Vec::new();
    let mut devices = Vec::new();
    for t in &tg.tasks {
        cores += t.resources.cores;
        match t.lifecycle.as_ref().map(|l| (l.hook.as_str(), l.sidecar)) {
            None | Some(("poststart", _)) => add(&mut main, t),
            Some(("prestart", true)) => {
                add(&mut main, t);
                add(&mut pre, t);
            }
            Some(("prestart", false)) => add(&mut pre, t),
            Some(("poststop", _)) => add(&mut post, t),
            Some(_) => add(&mut main, t),
        }
        if let Some(n) = t.resources.networks.first() {
            networks.push(ask_network(n, n.mbits));
        }
        for d in &t.resources.devices {
            devices.push((d.name.clone(), d.count));
        }
    }
    // Group networks hold ports only: Nomad does not account their bandwidth.
    for n in &tg.networks {
        networks.push(ask_network(n, 0));
    }
    AllocResources {
        cpu: main.0.max(pre.0).max(post.0),
        cores,
        memory_mb: main.1.max(pre.1).max(post.1),
        memory_max_mb: main.2.max(pre.2).max(post.2),
        disk_mb: tg.ephemeral_disk.size_mb,
        networks,
        devices,
    }
}

/// A network ask before placement: device and IP are filled by the node
/// chosen, dynamic ports get numbers then (0 until placed).
fn ask_network(n: &Network, mbits: i64) -> AllocNetwork {
    AllocNetwork {
        device: String::new(),
        ip: String::new(),
        mbits,
        reserved_ports: n
            .reserved_ports
            .iter()
            .map(|p| (p.label.clone(), u16::try_from(p.value).unwrap_or(0)))
            .collect(),
        dynamic_ports: n
            .dynamic_ports
            .iter()
            .map(|p| (p.label.clone(), 0))
            .collect(),
    }
}
