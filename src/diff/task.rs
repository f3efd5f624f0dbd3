//! Task diffs (`Task.Diff`): fields, driver config, log config, dispatch
//! payload, artifacts and templates, vault and volume mounts.

use crate::jobspec as js;

use super::engine::{
    field_diffs, map_presence_type, primitive_object_diff, sort_objects, string_set_diff,
    structured_object_diff, Flat,
};
use super::fields::{self as fl, Dialect};
use super::job::{affinities, constraints, diffs_by_name, Ns};
use super::network::resources_diff;
use super::service::service_diffs;
use super::set_order::{self, Hint};
use super::workload;
use super::{DiffType, ObjectDiff, TaskDiff};

pub(super) fn task_diffs(
    ns: Ns<'_>,
    old: &[js::Task],
    new: &[js::Task],
    d: Dialect,
    ctx: bool,
) -> Vec<TaskDiff> {
    diffs_by_name(
        old,
        new,
        |t| &t.name,
        |o, n| {
            let name = n.or(o).map(|t| t.name.as_str()).unwrap_or_default();
            set_order::scoped(|| format!("task {name:?}"), || task_diff(ns, o, n, d, ctx))
        },
        |r| &r.name,
    )
}

pub(super) fn task_diff(
    ns: Ns<'_>,
    old: Option<&js::Task>,
    new: Option<&js::Task>,
    d: Dialect,
    ctx: bool,
) -> TaskDiff {
    let (ty, name) = match (old, new) {
        (None, Some(n)) => (DiffType::Added, n.name.clone()),
        (Some(o), None) => (DiffType::Deleted, o.name.clone()),
        (Some(o), Some(n)) => (
            if o != n {
                DiffType::Edited
            } else {
                DiffType::None
            },
            n.name.clone(),
        ),
        (None, None) => (DiffType::None, String::new()),
    };
    let empty = js::Task::default();
    let o = old.unwrap_or(&empty);
    let n = new.unwrap_or(&empty);
    let fields = field_diffs(
        &old.map(|t| fl::task(t, d)).unwrap_or_default(),
        &new.map(|t| fl::task(t, d)).unwrap_or_default(),
        false,
    );
    let mut objects = Vec::new();
    objects.extend(constraints(&o.constraints, &n.constraints, d, ctx));
    objects.extend(affinities(&o.affinities, &n.affinities, d, ctx));
    objects.extend(config_diff(&o.config, &n.config, ctx));
    objects.extend(resources_diff(
        old.map(|t| &t.resources),
        new.map(|t| &t.resources),
        d,
        ctx,
    ));
    objects.extend(primitive_object_diff(
        old.map(|t| fl::log_config(&t.log_config, d)).as_ref(),
        new.map(|t| fl::log_config(&t.log_config, d)).as_ref(),
        "LogConfig",
        ctx,
    ));
    let payload = |t: &js::Task| {
        t.dispatch_payload_file
            .as_ref()
            .map(|f| fl::F::default().s("File", f).done())
    };
    objects.extend(primitive_object_diff(
        old.and_then(payload).as_ref(),
        new.and_then(payload).as_ref(),
        "DispatchPayload",
        ctx,
    ));
    objects.extend(keyed_set_diff(
        &o.artifacts,
        &n.artifacts,
        |a| fl::artifact(a, d),
        |a| a.relative_dest.clone(),
        "Artifact",
        d,
        ctx,
    ));
    objects.extend(service_diffs(ns, &o.services, &n.services, d, ctx));
    if o.vault != n.vault {
        let ev = js::Vault::default();
        let (ov, nv) = (
            o.vault.as_ref().unwrap_or(&ev),
            n.vault.as_ref().unwrap_or(&ev),
        );
        // 1.10 dropped the policies from the Vault block.
        let sub: Vec<ObjectDiff> = string_set_diff(&ov.policies, &nv.policies, "Policies", ctx)
            .into_iter()
            .filter(|_| !d.at(1, 10, 0))
            .collect();
        objects.extend(structured_object_diff(
            o.vault.as_ref().map(|v| fl::vault(v, d)).as_ref(),
            n.vault.as_ref().map(|v| fl::vault(v, d)).as_ref(),
            false,
            "Vault",
            ctx,
            sub,
        ));
    }
    objects.extend(workload::secret_diffs(&o.secrets, &n.secrets, d, ctx));
    if d.at(1, 7, 0) {
        objects.extend(workload::consul_diff(
            o.consul.as_ref(),
            n.consul.as_ref(),
            d,
            ctx,
        ));
    }
    if d.at(1, 2, 4) {
        objects.extend(template_diffs(&o.templates, &n.templates, d, ctx));
    } else {
        objects.extend(keyed_set_diff(
            &o.templates,
            &n.templates,
            |t| fl::template(t, d),
            |t| t.dest_path.clone(),
            "Template",
            d,
            ctx,
        ));
    }
    if d.at(1, 5, 0) {
        objects.extend(workload::identity_diff(
            o.identity.as_ref(),
            n.identity.as_ref(),
            d,
            ctx,
        ));
    }
    objects.extend(workload::identity_diffs(
        &o.identities,
        &n.identities,
        d,
        ctx,
    ));
    objects.extend(workload::action_diffs(&o.actions, &n.actions, d, ctx));
    if d.at(1, 8, 0) {
        objects.extend(volume_mount_diffs(
            &o.volume_mounts,
            &n.volume_mounts,
            d,
            ctx,
        ));
    }
    objects.extend(workload::schedule_diff(
        o.schedule.as_ref(),
        n.schedule.as_ref(),
        d,
        ctx,
    ));
    TaskDiff {
        ty,
        name,
        fields,
        objects,
        annotations: Vec::new(),
    }
}

/// `configDiff`: an opaque driver (or proxy) config, flattened in full.
pub(super) fn config_diff(
    old: &std::collections::BTreeMap<String, js::Value>,
    new: &std::collections::BTreeMap<String, js::Value>,
    ctx: bool,
) -> Option<ObjectDiff> {
    if old == new {
        return None;
    }
    Some(ObjectDiff {
        ty: map_presence_type(old, new),
        name: "Config".into(),
        fields: field_diffs(&fl::config(old), &fl::config(new), ctx),
        objects: Vec::new(),
    })
}

/// Volume mounts are compared by position.
pub(super) fn volume_mount_diffs(
    old: &[js::VolumeMount],
    new: &[js::VolumeMount],
    d: Dialect,
    ctx: bool,
) -> Vec<ObjectDiff> {
    let mut out = Vec::new();
    for i in 0..old.len().max(new.len()) {
        let (o, n) = (old.get(i), new.get(i));
        if o == n {
            continue;
        }
        out.extend(structured_object_diff(
            o.map(|m| fl::volume_mount(m, d)).as_ref(),
            n.map(|m| fl::volume_mount(m, d)).as_ref(),
            false,
            "VolumeMount",
            ctx,
            Vec::new(),
        ));
    }
    sort_objects(&mut out, d);
    out
}

/// Templates from 1.2.4 (`templateDiffs`): one template on each side is the
/// same template; otherwise matched by `DiffID` (the destination).
fn template_diffs(
    old: &[js::Template],
    new: &[js::Template],
    d: Dialect,
    ctx: bool,
) -> Vec<ObjectDiff> {
    if let ([o], [n]) = (old, new) {
        return template_diff(Some(o), Some(n), d, ctx)
            .into_iter()
            .collect();
    }
    let mut taken = vec![false; new.len()];
    let mut out = Vec::new();
    for o in old {
        let m = (0..new.len()).find(|&i| !taken[i] && new[i].dest_path == o.dest_path);
        if let Some(i) = m {
            taken[i] = true;
        }
        out.extend(template_diff(Some(o), m.map(|i| &new[i]), d, ctx));
    }
    for (i, n) in new.iter().enumerate() {
        if !taken[i] {
            out.extend(template_diff(None, Some(n), d, ctx));
        }
    }
    sort_objects(&mut out, d);
    out
}

/// `templateDiff`: Edited by deep equality, with the `wait` block (which
/// Nomad names "Template" too) and the change script as sub-objects.
fn template_diff(
    old: Option<&js::Template>,
    new: Option<&js::Template>,
    d: Dialect,
    ctx: bool,
) -> Option<ObjectDiff> {
    if old == new {
        return None;
    }
    let mut objects = Vec::new();
    let (ow, nw) = (
        old.and_then(|t| t.wait.as_ref()),
        new.and_then(|t| t.wait.as_ref()),
    );
    if ow != nw {
        objects.extend(structured_object_diff(
            ow.map(fl::wait_config).as_ref(),
            nw.map(fl::wait_config).as_ref(),
            false,
            "Template",
            ctx,
            Vec::new(),
        ));
    }
    let (os, ns) = (
        old.and_then(|t| t.change_script.as_ref()),
        new.and_then(|t| t.change_script.as_ref()),
    );
    if d.at(1, 3, 4) && os != ns {
        let empty = js::ChangeScript::default();
        let args = string_set_diff(
            &os.unwrap_or(&empty).args,
            &ns.unwrap_or(&empty).args,
            "Args",
            ctx,
        );
        objects.extend(structured_object_diff(
            os.map(|c| fl::change_script(c, d)).as_ref(),
            ns.map(|c| fl::change_script(c, d)).as_ref(),
            false,
            "ChangeScript",
            ctx,
            args.into_iter().collect(),
        ));
    }
    structured_object_diff(
        old.map(|t| fl::template(t, d)).as_ref(),
        new.map(|t| fl::template(t, d)).as_ref(),
        false,
        "Template",
        ctx,
        objects,
    )
}

/// Artifacts (and templates before 1.2.4): Nomad's `primitiveObjectSetDiff`
/// (nomad/structs/diff.go@v2.0.5) puts each side in a Go map keyed by the
/// object's `DiffID` (the destination, from 1.2.0) or, when that is empty or
/// before 1.2.0, by a hash of its content; the last object of a key wins
/// (redteam7 D1: two artifacts into the default `local/`). The order is the
/// maps' and the sort's ([`set_order`]).
pub(super) fn keyed_set_diff<T>(
    old: &[T],
    new: &[T],
    flat: impl Fn(&T) -> Flat,
    key: impl Fn(&T) -> String,
    name: &str,
    d: Dialect,
    ctx: bool,
) -> Vec<ObjectDiff> {
    let keyed = d.at(1, 2, 0);
    let map_key = |x: &T| {
        let k = key(x);
        if keyed && !k.is_empty() {
            (k, Flat::new())
        } else {
            (String::new(), flat(x))
        }
    };
    set_order::keyed_set_diff(
        old,
        new,
        map_key,
        Hint::ListLength,
        |o, n| primitive_object_diff(o.map(&flat).as_ref(), n.map(&flat).as_ref(), name, ctx),
        d,
    )
}
