//! Resources and networks (`Resources.Diff`, `NetworkResource.Diff`,
//! ports and devices).

use crate::jobspec as js;

use super::engine::{last_wins_pairs, primitive_object_diff, sort_objects, structured_object_diff};
use super::fields::{self as fl, Dialect};
use super::ObjectDiff;

pub(super) fn resources_diff(
    old: Option<&js::Resources>,
    new: Option<&js::Resources>,
    d: Dialect,
    ctx: bool,
) -> Option<ObjectDiff> {
    if old == new {
        return None;
    }
    let empty = js::Resources::default();
    let (o, n) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
    let mut objects = network_diffs(&o.networks, &n.networks, d, ctx);
    objects.extend(device_diffs(&o.devices, &n.devices, ctx));
    objects.extend(super::workload::numa_diff(
        o.numa.as_ref(),
        n.numa.as_ref(),
        d,
        ctx,
    ));
    structured_object_diff(
        old.map(|r| fl::resources(r, d)).as_ref(),
        new.map(|r| fl::resources(r, d)).as_ref(),
        false,
        "Resources",
        ctx,
        objects,
    )
}

/// Networks are matched by content: a changed network is Deleted + Added.
pub(super) fn network_diffs(
    old: &[js::Network],
    new: &[js::Network],
    d: Dialect,
    ctx: bool,
) -> Vec<ObjectDiff> {
    let mut out = Vec::new();
    for o in old {
        if !new.contains(o) {
            out.extend(network_diff(Some(o), None, d, ctx));
        }
    }
    for n in new {
        if !old.contains(n) {
            out.extend(network_diff(None, Some(n), d, ctx));
        }
    }
    sort_objects(&mut out);
    out
}

pub(super) fn network_diff(
    old: Option<&js::Network>,
    new: Option<&js::Network>,
    d: Dialect,
    ctx: bool,
) -> Option<ObjectDiff> {
    let empty = js::Network::default();
    let (o, n) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
    let mut objects = port_diffs(&o.reserved_ports, &n.reserved_ports, false, d, ctx);
    objects.extend(port_diffs(&o.dynamic_ports, &n.dynamic_ports, true, d, ctx));
    if d.at(0, 12, 0) && o.dns != n.dns {
        objects.extend(structured_object_diff(
            o.dns.as_ref().map(fl::dns).as_ref(),
            n.dns.as_ref().map(fl::dns).as_ref(),
            false,
            "DNS",
            ctx,
            Vec::new(),
        ));
    }
    // CNIConfig: its args map, flattened at the top level.
    if d.at(1, 8, 2) && o.cni.clone().unwrap_or_default() != n.cni.clone().unwrap_or_default() {
        objects.extend(primitive_object_diff(
            o.cni.as_ref(),
            n.cni.as_ref(),
            "CNIConfig",
            ctx,
        ));
    }
    structured_object_diff(
        old.map(|x| fl::network(x, d)).as_ref(),
        new.map(|x| fl::network(x, d)).as_ref(),
        false,
        "Network",
        ctx,
        objects,
    )
}

/// Ports are matched by label.
pub(super) fn port_diffs(
    old: &[js::Port],
    new: &[js::Port],
    dynamic: bool,
    d: Dialect,
    ctx: bool,
) -> Vec<ObjectDiff> {
    let name = if dynamic {
        "Dynamic Port"
    } else {
        "Static Port"
    };
    let mut out = Vec::new();
    for o in old {
        let n = new.iter().find(|n| n.label == o.label);
        out.extend(primitive_object_diff(
            Some(&fl::port(o, dynamic, d)),
            n.map(|n| fl::port(n, dynamic, d)).as_ref(),
            name,
            ctx,
        ));
    }
    for n in new {
        if !old.iter().any(|o| o.label == n.label) {
            out.extend(primitive_object_diff(
                None,
                Some(&fl::port(n, dynamic, d)),
                name,
                ctx,
            ));
        }
    }
    sort_objects(&mut out);
    out
}

/// Nomad's `requestedDevicesDiffs` (diff.go@v2.0.5): each side a Go map
/// keyed by the device name, the last request of a name winning.
pub(super) fn device_diffs(
    old: &[js::RequestedDevice],
    new: &[js::RequestedDevice],
    ctx: bool,
) -> Vec<ObjectDiff> {
    let mut out = Vec::new();
    for (o, n) in last_wins_pairs(old, new, |x| x.name.clone()) {
        if o != n {
            out.extend(structured_object_diff(
                o.map(fl::device).as_ref(),
                n.map(fl::device).as_ref(),
                false,
                "Device",
                ctx,
                Vec::new(),
            ));
        }
    }
    sort_objects(&mut out);
    out
}
