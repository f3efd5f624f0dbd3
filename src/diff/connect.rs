//! A service's Consul Connect block, as diff.go's `connectDiffs` and the
//! functions under it diff it per version: the sidecar service and its
//! proxy (upstreams, expose paths, transparent proxy, config) and the
//! sidecar task, and the gateway (`gateway.rs`).

use crate::jobspec as js;

use super::engine::{
    field_diffs, presence_type, primitive_object_diff, primitive_object_set_diff, string_set_diff,
    structured_object_diff, Flat,
};
use super::fields::{self as fl, Dialect, F};
use super::gateway::gateway_diff;
use super::network::resources_diff;
use super::set_order::{keyed_set_diff, Hint};
use super::task::{config_diff, volume_mount_diffs};
use super::workload::identity_diffs;
use super::{DiffType, ObjectDiff};

/// `connectDiffs`.
pub(super) fn connect_diff(
    old: Option<&js::ConsulConnect>,
    new: Option<&js::ConsulConnect>,
    d: Dialect,
    ctx: bool,
) -> Option<ObjectDiff> {
    if old == new {
        return None;
    }
    let flat = |c: &js::ConsulConnect| F::default().b("Native", c.native).done();
    let mut objects = Vec::new();
    objects.extend(sidecar_service_diff(
        old.and_then(|c| c.sidecar_service.as_ref()),
        new.and_then(|c| c.sidecar_service.as_ref()),
        d,
        ctx,
    ));
    objects.extend(sidecar_task_diff(
        old.and_then(|c| c.sidecar_task.as_ref()),
        new.and_then(|c| c.sidecar_task.as_ref()),
        d,
        ctx,
    ));
    objects.extend(gateway_diff(
        old.and_then(|c| c.gateway.as_ref()),
        new.and_then(|c| c.gateway.as_ref()),
        d,
        ctx,
    ));
    structured_object_diff(
        old.map(flat).as_ref(),
        new.map(flat).as_ref(),
        false,
        "ConsulConnect",
        ctx,
        objects,
    )
}

/// `connectSidecarServiceDiff`: tags are compared but never listed.
fn sidecar_service_diff(
    old: Option<&js::SidecarService>,
    new: Option<&js::SidecarService>,
    d: Dialect,
    ctx: bool,
) -> Option<ObjectDiff> {
    if old == new {
        return None;
    }
    let flat = |s: &js::SidecarService| {
        F::default()
            .s("Port", &s.port)
            .when(d.at(1, 1, 0), |f| {
                f.b("DisableDefaultTCPCheck", s.disable_default_tcp_check)
            })
            .when(d.at(1, 5, 4), |f| f.map("Meta", &s.meta))
            .done()
    };
    let objects = proxy_diff(
        old.and_then(|s| s.proxy.as_ref()),
        new.and_then(|s| s.proxy.as_ref()),
        d,
        ctx,
    );
    structured_object_diff(
        old.map(flat).as_ref(),
        new.map(flat).as_ref(),
        false,
        "SidecarService",
        ctx,
        objects.into_iter().collect(),
    )
}

/// `sidecarTaskDiff`: its own fields are never contextual; the pointer
/// fields (kill timeout, shutdown delay) are not flattened at all.
fn sidecar_task_diff(
    old: Option<&js::SidecarTask>,
    new: Option<&js::SidecarTask>,
    d: Dialect,
    ctx: bool,
) -> Option<ObjectDiff> {
    if old == new {
        return None;
    }
    let flat = |t: &js::SidecarTask| {
        F::default()
            .s("Name", &t.name)
            .s("Driver", &t.driver)
            .s("User", &t.user)
            .map("Env", &t.env)
            .map("Meta", &t.meta)
            .s("KillSignal", &t.kill_signal)
            .done()
    };
    let empty = js::SidecarTask::default();
    let (o, n) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
    let mut objects = Vec::new();
    objects.extend(config_diff(&o.config, &n.config, ctx));
    objects.extend(resources_diff(
        o.resources.as_ref(),
        n.resources.as_ref(),
        d,
        ctx,
    ));
    // diff.go's sidecarTaskDiff: identities from 1.11.1, volume mounts
    // from 1.10.2 (Enterprise 1.8.14, 1.9.10).
    if d.at(1, 11, 1) {
        objects.extend(identity_diffs(&o.identities, &n.identities, d, ctx));
    }
    objects.extend(primitive_object_diff(
        o.log_config.as_ref().map(|l| fl::log_config(l, d)).as_ref(),
        n.log_config.as_ref().map(|l| fl::log_config(l, d)).as_ref(),
        "LogConfig",
        ctx,
    ));
    if d.version.has(crate::version::Fix::SidecarVolumeMountsDiff) {
        objects.extend(volume_mount_diffs(
            &o.volume_mounts,
            &n.volume_mounts,
            d,
            ctx,
        ));
    }
    let mut diff = structured_object_diff(
        old.map(flat).as_ref(),
        new.map(flat).as_ref(),
        false,
        "SidecarTask",
        false,
        objects,
    )?;
    diff.fields.retain(|f| f.ty != DiffType::None);
    Some(diff)
}

/// `consulProxyDiff`.
fn proxy_diff(
    old: Option<&js::ConsulProxy>,
    new: Option<&js::ConsulProxy>,
    d: Dialect,
    ctx: bool,
) -> Option<ObjectDiff> {
    if old == new {
        return None;
    }
    let flat = |p: &js::ConsulProxy| {
        F::default()
            .s("LocalServiceAddress", &p.local_service_address)
            .i("LocalServicePort", p.local_service_port)
            .done()
    };
    let empty = js::ConsulProxy::default();
    let (o, n) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
    let mut objects = upstream_diffs(&o.upstreams, &n.upstreams, d, ctx);
    // diff.go's consulProxyExposeDiff: 1.5.16, 1.6.9 and 1.7.6 on.
    if d.since(&[(1, 5, 16), (1, 6, 9), (1, 7, 6)]) {
        objects.extend(expose_diff(o.expose.as_ref(), n.expose.as_ref(), d, ctx));
    }
    if d.at(1, 8, 0) {
        objects.push(transparent_proxy_diff(
            o.transparent_proxy.as_ref(),
            n.transparent_proxy.as_ref(),
            ctx,
        ));
    }
    objects.extend(config_diff(&o.config, &n.config, ctx));
    structured_object_diff(
        old.map(flat).as_ref(),
        new.map(flat).as_ref(),
        false,
        "ConsulProxy",
        ctx,
        objects,
    )
}

/// An upstream's primitive fields, as each version's struct has them.
fn upstream_flat(u: &js::ConsulUpstream, d: Dialect) -> Flat {
    F::default()
        .s("DestinationName", &u.destination_name)
        .i("LocalBindPort", u.local_bind_port)
        .when(d.at(1, 0, 0), |f| f.s("Datacenter", &u.datacenter))
        .when(d.at(1, 1, 0), |f| {
            f.s("LocalBindAddress", &u.local_bind_address)
        })
        // Backported to 1.2.9, dropped by 1.3.0 and back in 1.3.2.
        .when(d.since(&[(1, 2, 9), (1, 3, 2)]), |f| {
            f.s("DestinationNamespace", &u.destination_namespace)
        })
        .when(d.at(1, 6, 2), |f| {
            f.s("DestinationPeer", &u.destination_peer)
                .s("DestinationType", &u.destination_type)
                .s("LocalBindSocketPath", &u.local_bind_socket_path)
                .s("LocalBindSocketMode", &u.local_bind_socket_mode)
        })
        .when(d.at(1, 7, 7), |f| {
            f.s("DestinationPartition", &u.destination_partition)
        })
        .done()
}

/// Upstreams: a content set before 1.1.1 (an edit is a Deleted and an
/// Added object); from 1.1.1 matched by `datacenter/destination_name`.
fn upstream_diffs(
    old: &[js::ConsulUpstream],
    new: &[js::ConsulUpstream],
    d: Dialect,
    ctx: bool,
) -> Vec<ObjectDiff> {
    if !d.at(1, 1, 1) {
        let flats = |us: &[js::ConsulUpstream]| -> Vec<Flat> {
            us.iter().map(|u| upstream_flat(u, d)).collect()
        };
        return primitive_object_set_diff(&flats(old), &flats(new), "ConsulUpstreams", ctx, d);
    }
    // consulProxyUpstreamsDiff: a Go map per side keyed by
    // `datacenter/destination_name`, a missing side the zero upstream.
    let zero = js::ConsulUpstream::default();
    keyed_set_diff(
        old,
        new,
        |u| format!("{}/{}", u.datacenter, u.destination_name),
        Hint::ListLength,
        |o, n| upstream_diff(o.unwrap_or(&zero), n.unwrap_or(&zero), &zero, d, ctx),
        d,
    )
}

/// `consulProxyUpstreamDiff`: an all-zero upstream is an absent one.
fn upstream_diff(
    old: &js::ConsulUpstream,
    new: &js::ConsulUpstream,
    zero: &js::ConsulUpstream,
    d: Dialect,
    ctx: bool,
) -> Option<ObjectDiff> {
    if old == new {
        return None;
    }
    let (ty, of, nf) = if old == zero {
        (DiffType::Added, Flat::new(), upstream_flat(new, d))
    } else if new == zero {
        (DiffType::Deleted, upstream_flat(old, d), Flat::new())
    } else {
        (
            DiffType::Edited,
            upstream_flat(old, d),
            upstream_flat(new, d),
        )
    };
    let mode = |u: &js::ConsulUpstream| F::default().s("Mode", &u.mesh_gateway_mode).done();
    Some(ObjectDiff {
        ty,
        name: "ConsulUpstreams".into(),
        fields: field_diffs(&of, &nf, ctx),
        objects: primitive_object_diff(Some(&mode(old)), Some(&mode(new)), "MeshGateway", ctx)
            .into_iter()
            .collect(),
    })
}

/// `consulProxyExposeDiff`: paths as a content set.
fn expose_diff(
    old: Option<&js::ExposeConfig>,
    new: Option<&js::ExposeConfig>,
    d: Dialect,
    ctx: bool,
) -> Option<ObjectDiff> {
    if old == new {
        return None;
    }
    let empty = js::ExposeConfig::default();
    let ty = if old.is_none_or(|e| *e == empty) {
        DiffType::Added
    } else if new.is_none_or(|e| *e == empty) {
        DiffType::Deleted
    } else {
        DiffType::Edited
    };
    let flats = |e: Option<&js::ExposeConfig>| -> Vec<Flat> {
        e.map(|e| e.paths.as_slice())
            .unwrap_or_default()
            .iter()
            .map(|p| {
                F::default()
                    .s("Path", &p.path)
                    .s("Protocol", &p.protocol)
                    .i("LocalPathPort", p.local_path_port)
                    .s("ListenerPort", &p.listener_port)
                    .done()
            })
            .collect()
    };
    Some(ObjectDiff {
        ty,
        name: "Expose".into(),
        fields: Vec::new(),
        objects: primitive_object_set_diff(&flats(old), &flats(new), "Paths", ctx, d),
    })
}

/// `consulTProxyDiff` (1.8+): an unchanged block is still listed, as an
/// object of type None (Nomad returns it rather than nil).
fn transparent_proxy_diff(
    old: Option<&js::TransparentProxy>,
    new: Option<&js::TransparentProxy>,
    ctx: bool,
) -> ObjectDiff {
    let mut diff = ObjectDiff {
        ty: DiffType::None,
        name: "TransparentProxy".into(),
        fields: Vec::new(),
        objects: Vec::new(),
    };
    if old == new {
        return diff;
    }
    diff.ty = presence_type(old, new);
    let flat = |t: &js::TransparentProxy| {
        F::default()
            .s("UID", &t.uid)
            .i("OutboundPort", t.outbound_port)
            .b("NoDNS", t.no_dns)
            .done()
    };
    let (of, nf) = (
        old.map(flat).unwrap_or_default(),
        new.map(flat).unwrap_or_default(),
    );
    diff.fields = field_diffs(&of, &nf, ctx);
    let empty = js::TransparentProxy::default();
    let (o, n) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
    let ports = |t: &js::TransparentProxy| -> Vec<String> {
        t.exclude_outbound_ports
            .iter()
            .map(i64::to_string)
            .collect()
    };
    let sets = [
        (
            o.exclude_inbound_ports.clone(),
            n.exclude_inbound_ports.clone(),
            "ExcludeInboundPorts",
        ),
        (ports(o), ports(n), "ExcludeOutboundPorts"),
        (
            o.exclude_outbound_cidrs.clone(),
            n.exclude_outbound_cidrs.clone(),
            "ExcludeOutboundCIDRs",
        ),
        (
            o.exclude_uids.clone(),
            n.exclude_uids.clone(),
            "ExcludeUIDs",
        ),
    ];
    for (a, b, name) in sets {
        diff.objects
            .extend(string_set_diff(&a, &b, name, ctx).filter(|s| s.ty != DiffType::None));
    }
    diff
}
