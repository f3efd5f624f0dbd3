//! Resources and networks (`Resources.Diff`, `NetworkResource.Diff`,
//! ports and devices).

use crate::jobspec as js;

use super::engine::{primitive_object_diff, structured_object_diff};
use super::fields::{self as fl, Dialect};
use super::set_order::{keyed_set_diff, Hint};
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
    objects.extend(device_diffs(&o.devices, &n.devices, d, ctx));
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

/// Networks are matched by content (`networkResourceDiffs` keys each
/// side's Go map by a hash): a changed network is Deleted + Added.
pub(super) fn network_diffs(
    old: &[js::Network],
    new: &[js::Network],
    d: Dialect,
    ctx: bool,
) -> Vec<ObjectDiff> {
    keyed_set_diff(
        old,
        new,
        |x| x.clone(),
        Hint::ListLength,
        |o, n| match (o, n) {
            (Some(_), Some(_)) => None,
            _ => network_diff(o, n, d, ctx),
        },
        d,
    )
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
    if d.version.has(crate::version::Fix::CniArgs)
        && o.cni.clone().unwrap_or_default() != n.cni.clone().unwrap_or_default()
    {
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

/// Ports are matched by label (`portDiffs`: a Go map per side, the last
/// port of a label winning).
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
    let flat = |p: Option<&js::Port>| p.map(|p| fl::port(p, dynamic, d));
    keyed_set_diff(
        old,
        new,
        |p| p.label.clone(),
        Hint::ListLength,
        |o, n| primitive_object_diff(flat(o).as_ref(), flat(n).as_ref(), name, ctx),
        d,
    )
}

/// Nomad's `requestedDevicesDiffs` (diff.go@v2.0.5): each side a Go map
/// keyed by the device name, the last request of a name winning.
pub(super) fn device_diffs(
    old: &[js::RequestedDevice],
    new: &[js::RequestedDevice],
    d: Dialect,
    ctx: bool,
) -> Vec<ObjectDiff> {
    keyed_set_diff(
        old,
        new,
        |x| x.name.clone(),
        Hint::ListLength,
        |o, n| {
            (o != n).then(|| {
                structured_object_diff(
                    o.map(fl::device).as_ref(),
                    n.map(fl::device).as_ref(),
                    false,
                    "Device",
                    ctx,
                    Vec::new(),
                )
            })?
        },
        d,
    )
}
