//! Task group diffs (`TaskGroup.Diff`): the group's fields and policies
//! (restart, reschedule, migrate, update, ephemeral disk), scaling, group
//! volumes, and the group-level networks and services.

use crate::jobspec as js;

use super::engine::{
    field_diffs, primitive_object_diff, string_set_diff, structured_object_diff, Flat,
};
use super::fields::{self as fl, Dialect};
use super::job::{affinities, constraints, diffs_by_name, Ns};
use super::network::network_diffs;
use super::service::service_diffs;
use super::task::task_diffs;
use super::{DiffType, ObjectDiff, TaskGroupDiff};

/// Groups matched by name; result sorted by name.
pub(super) fn group_diffs(
    ns: Ns<'_>,
    old: &[js::TaskGroup],
    new: &[js::TaskGroup],
    d: Dialect,
    ctx: bool,
) -> Vec<TaskGroupDiff> {
    diffs_by_name(
        old,
        new,
        |g| &g.name,
        |o, n| {
            let name = n.or(o).map(|g| g.name.as_str()).unwrap_or_default();
            super::set_order::scoped(
                || format!("group {name:?}"),
                || group_diff(ns, o, n, d, ctx),
            )
        },
        |r| &r.name,
    )
}

pub(super) fn group_diff(
    ns: Ns<'_>,
    old: Option<&js::TaskGroup>,
    new: Option<&js::TaskGroup>,
    d: Dialect,
    ctx: bool,
) -> TaskGroupDiff {
    let (ty, name) = match (old, new) {
        (None, Some(n)) => (DiffType::Added, n.name.clone()),
        (Some(o), None) => (DiffType::Deleted, o.name.clone()),
        (Some(o), Some(n)) => {
            // Nomad uses deep equality here, so a change the diff does not
            // show (group shutdown_delay, spreads...) still marks it Edited;
            // of the two groups as the servers store them (an imported
            // group holds the `consul` block 1.1-1.9 give every group).
            let edited = !crate::structs::spec_changed::same_group(o, n, d.version);
            (
                if edited {
                    DiffType::Edited
                } else {
                    DiffType::None
                },
                n.name.clone(),
            )
        }
        (None, None) => (DiffType::None, String::new()),
    };
    let empty = js::TaskGroup::default();
    let o = old.unwrap_or(&empty);
    let n = new.unwrap_or(&empty);
    let oflat = old.map(|g| fl::group(g, d));
    let nflat = new.map(|g| fl::group(g, d));
    let (mut oflat, mut nflat) = (oflat.unwrap_or_default(), nflat.unwrap_or_default());
    // Pointer fields TaskGroup.Diff adds by hand, only when both sides
    // exist: shutdown_delay from 0.11, stop_after_client_disconnect from
    // 0.11.2 and max_client_disconnect from 1.3, the last two until 1.10
    // (which moved them into the `disconnect` block).
    if old.is_some() && new.is_some() {
        let fmt = |v: Option<js::Duration>| v.map(|d| d.nanos().to_string()).unwrap_or_default();
        let mut put = |name: &str, of: fn(&js::TaskGroup) -> Option<js::Duration>| {
            oflat.insert(name.into(), fmt(of(o)));
            nflat.insert(name.into(), fmt(of(n)));
        };
        if d.at(0, 11, 0) {
            put("ShutdownDelay", |g| g.shutdown_delay);
        }
        if d.at(0, 11, 2) && !d.at(1, 10, 0) {
            put("StopAfterClientDisconnect", |g| {
                g.stop_after_client_disconnect
            });
        }
        if d.at(1, 3, 0) && !d.at(1, 10, 0) {
            put("MaxClientDisconnect", |g| g.max_client_disconnect);
        }
    }
    let fields = field_diffs(&oflat, &nflat, false);

    let mut objects = Vec::new();
    objects.extend(constraints(&o.constraints, &n.constraints, d, ctx));
    objects.extend(affinities(&o.affinities, &n.affinities, d, ctx));
    let opt_flat =
        |g: Option<&js::TaskGroup>, f: &dyn Fn(&js::TaskGroup) -> Option<Flat>| g.and_then(f);
    objects.extend(primitive_object_diff(
        opt_flat(old, &|g| Some(fl::restart(&g.restart, d))).as_ref(),
        opt_flat(new, &|g| Some(fl::restart(&g.restart, d))).as_ref(),
        "RestartPolicy",
        ctx,
    ));
    if d.at(1, 10, 0) {
        objects.extend(primitive_object_diff(
            opt_flat(old, &|g| g.migrate.as_ref().map(fl::migrate)).as_ref(),
            opt_flat(new, &|g| g.migrate.as_ref().map(fl::migrate)).as_ref(),
            "Migrate",
            ctx,
        ));
    }
    objects.extend(primitive_object_diff(
        opt_flat(old, &|g| g.reschedule.as_ref().map(fl::reschedule)).as_ref(),
        opt_flat(new, &|g| g.reschedule.as_ref().map(fl::reschedule)).as_ref(),
        "ReschedulePolicy",
        ctx,
    ));
    objects.extend(primitive_object_diff(
        opt_flat(old, &|g| Some(fl::ephemeral_disk(&g.ephemeral_disk))).as_ref(),
        opt_flat(new, &|g| Some(fl::ephemeral_disk(&g.ephemeral_disk))).as_ref(),
        "EphemeralDisk",
        ctx,
    ));
    if d.at(1, 1, 0) {
        // Each side's `consul` as stored: 1.1-1.9 give every group one
        // (api TaskGroup.Canonicalize), so a group that writes none diffs
        // as the default block, not as no block (redteam13 R13-2); a group
        // added or removed has none on its missing side (diff.go compares
        // an empty TaskGroup there).
        let stored = |g: Option<&js::TaskGroup>| {
            g.and_then(|g| {
                crate::structs::spec_changed::stored_group_consul(g.consul.as_ref(), d.version)
            })
        };
        let (oc, nc) = (stored(old), stored(new));
        objects.extend(super::workload::consul_diff(
            oc.as_ref(),
            nc.as_ref(),
            d,
            ctx,
        ));
    }
    objects.extend(primitive_object_diff(
        opt_flat(old, &|g| g.update.as_ref().map(|u| fl::update(u, d))).as_ref(),
        opt_flat(new, &|g| g.update.as_ref().map(|u| fl::update(u, d))).as_ref(),
        "Update",
        ctx,
    ));
    let (od, nd) = (
        old.and_then(|g| g.disconnect.as_ref()),
        new.and_then(|g| g.disconnect.as_ref()),
    );
    if d.at(1, 8, 0) && od != nd {
        objects.extend(structured_object_diff(
            od.map(fl::disconnect).as_ref(),
            nd.map(fl::disconnect).as_ref(),
            false,
            "Disconnect",
            ctx,
            Vec::new(),
        ));
    }
    if d.v010() {
        objects.extend(network_diffs(&o.networks, &n.networks, d, ctx));
    }
    // diff.go's scalingDiff: 1.4.13, 1.5.9 and 1.6.2 on.
    if d.since(&[(1, 4, 13), (1, 5, 9), (1, 6, 2)]) {
        objects.extend(scaling_diff(o.scaling.as_ref(), n.scaling.as_ref(), ctx));
    }
    if d.v010() {
        objects.extend(service_diffs(ns, &o.services, &n.services, d, ctx));
    }
    // diff.go's volumeDiffs: 1.0.4 on.
    if d.at(1, 0, 4) {
        objects.extend(volume_diffs(&o.volumes, &n.volumes, d, ctx));
    }

    TaskGroupDiff {
        ty,
        name,
        fields,
        objects,
        tasks: task_diffs(ns, &o.tasks, &n.tasks, d, ctx),
        updates: Default::default(),
    }
}

/// Group volumes, matched by name. Nomad does not sort these (they come
/// from a Go map); ours are in name order.
pub(super) fn volume_diffs(
    old: &[js::Volume],
    new: &[js::Volume],
    d: Dialect,
    ctx: bool,
) -> Vec<ObjectDiff> {
    let mut names: Vec<&str> = old.iter().chain(new).map(|v| v.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .filter_map(|name| {
            let o = old.iter().find(|v| v.name == name);
            let n = new.iter().find(|v| v.name == name);
            if o == n {
                return None;
            }
            let (om, nm) = (
                o.and_then(|v| v.mount_options.as_ref()),
                n.and_then(|v| v.mount_options.as_ref()),
            );
            let mut objects = Vec::new();
            if om != nm {
                let empty = js::CsiMountOptions::default();
                let flags = string_set_diff(
                    &om.unwrap_or(&empty).mount_flags,
                    &nm.unwrap_or(&empty).mount_flags,
                    "MountFlags",
                    ctx,
                );
                objects.extend(structured_object_diff(
                    Some(&fl::csi_mount_options(om.unwrap_or(&empty))).filter(|_| om.is_some()),
                    Some(&fl::csi_mount_options(nm.unwrap_or(&empty))).filter(|_| nm.is_some()),
                    false,
                    "MountOptions",
                    ctx,
                    flags.into_iter().collect(),
                ));
            }
            structured_object_diff(
                o.map(|v| fl::volume(v, d)).as_ref(),
                n.map(|v| fl::volume(v, d)).as_ref(),
                false,
                "Volume",
                ctx,
                objects,
            )
        })
        .collect()
}

/// Scaling: its own fields are non-contextual; the policy document is a
/// fully flattened map.
pub(super) fn scaling_diff(
    old: Option<&js::Scaling>,
    new: Option<&js::Scaling>,
    ctx: bool,
) -> Option<ObjectDiff> {
    let _ = ctx;
    if old == new {
        return None;
    }
    let policy = |s: Option<&js::Scaling>| -> Flat {
        match s.and_then(|s| s.policy.as_ref()) {
            Some(js::Value::Map(m)) => fl::config(m),
            _ => Flat::new(),
        }
    };
    let (op, np) = (policy(old), policy(new));
    let mut objects = Vec::new();
    if op != np {
        let ty = if op.is_empty() {
            DiffType::Added
        } else if np.is_empty() {
            DiffType::Deleted
        } else {
            DiffType::Edited
        };
        objects.push(ObjectDiff {
            ty,
            name: "Policy".into(),
            fields: field_diffs(&op, &np, false),
            objects: Vec::new(),
        });
    }
    let empty = Flat::new();
    let (of, nf) = (old.map(fl::scaling), new.map(fl::scaling));
    let ty = super::engine::presence_type(old, new);
    Some(ObjectDiff {
        ty,
        name: "Scaling".into(),
        fields: field_diffs(
            of.as_ref().unwrap_or(&empty),
            nf.as_ref().unwrap_or(&empty),
            false,
        ),
        objects,
    })
}
