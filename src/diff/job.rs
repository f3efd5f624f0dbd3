//! Job, group and task diffs: which objects Nomad compares, in which order,
//! matched how (by name, by label, by content), per Nomad version.

use crate::jobspec::{self as js, Spans};
use crate::version::NomadVersion;

use super::engine::{
    field_diffs, primitive_object_diff, primitive_object_set_diff, sort_objects, string_set_diff,
    structured_object_diff, Flat,
};
use super::fields::{self as fl, Dialect};
use super::{DiffType, JobDiff, ObjectDiff, TaskDiff, TaskGroupDiff};

/// Nomad's `oldJob.Diff(newJob, contextual=true)` as the Plan RPC computes it.
/// `old = None` is a new job, `new = None` a removed one. The version decides
/// which struct fields exist.
pub fn job_diff(old: Option<&js::Job>, new: Option<&js::Job>, version: NomadVersion) -> JobDiff {
    let d = Dialect::new(version);
    let contextual = true;
    let (ty, id) = match (old, new) {
        (None, Some(n)) => (DiffType::Added, n.id.clone()),
        (Some(o), None) => (DiffType::Deleted, o.id.clone()),
        (Some(_), Some(n)) => (DiffType::None, n.id.clone()),
        (None, None) => (DiffType::None, String::new()),
    };
    let empty = js::Job::default();
    let o = old.unwrap_or(&empty);
    let n = new.unwrap_or(&empty);
    let oflat = old.map(|j| fl::job(j, d)).unwrap_or_default();
    let nflat = new.map(|j| fl::job(j, d)).unwrap_or_default();
    let fields = field_diffs(&oflat, &nflat, false);

    let mut objects = Vec::new();
    if let Some(s) = string_set_diff(&o.datacenters, &n.datacenters, "Datacenters", contextual) {
        if s.ty != DiffType::None {
            objects.push(s);
        }
    }
    objects.extend(constraints(&o.constraints, &n.constraints, contextual));
    objects.extend(affinities(&o.affinities, &n.affinities, contextual));
    let ns: Ns = (o.namespace.as_str(), n.namespace.as_str());
    let task_groups = group_diffs(ns, &o.groups, &n.groups, d, contextual);
    objects.extend(periodic_diff(
        o.periodic.as_ref(),
        n.periodic.as_ref(),
        d,
        contextual,
    ));
    objects.extend(parameterized_diff(
        o.parameterized.as_ref(),
        n.parameterized.as_ref(),
        contextual,
    ));

    let mut diff = JobDiff {
        ty,
        id,
        fields,
        objects,
        task_groups,
        version,
    };
    if diff.ty == DiffType::None
        && (diff.fields.iter().any(|f| f.ty != DiffType::None)
            || diff.objects.iter().any(|o| o.ty != DiffType::None)
            || diff.task_groups.iter().any(|g| g.ty != DiffType::None))
    {
        diff.ty = DiffType::Edited;
    }
    diff
}

/// The old and new job's namespaces (services inherit them from 1.1).
type Ns<'a> = (&'a str, &'a str);

fn constraints(old: &[js::Constraint], new: &[js::Constraint], ctx: bool) -> Vec<ObjectDiff> {
    let o: Vec<Flat> = old.iter().map(fl::constraint).collect();
    let n: Vec<Flat> = new.iter().map(fl::constraint).collect();
    primitive_object_set_diff(&o, &n, "Constraint", ctx)
}

fn affinities(old: &[js::Affinity], new: &[js::Affinity], ctx: bool) -> Vec<ObjectDiff> {
    let o: Vec<Flat> = old.iter().map(fl::affinity).collect();
    let n: Vec<Flat> = new.iter().map(fl::affinity).collect();
    primitive_object_set_diff(&o, &n, "Affinity", ctx)
}

/// Periodic: a primitive object until 1.8, then also a `Specs` string set
/// (jobs with several `crons`). A single cron stays in `Spec`.
fn periodic_diff(
    old: Option<&js::Periodic>,
    new: Option<&js::Periodic>,
    d: Dialect,
    ctx: bool,
) -> Option<ObjectDiff> {
    if !d.at(1, 8, 0) {
        return primitive_object_diff(
            old.map(fl::periodic).as_ref(),
            new.map(fl::periodic).as_ref(),
            "Periodic",
            ctx,
        );
    }
    if strip(old.cloned()) == strip(new.cloned()) {
        return None;
    }
    let multi = |p: Option<&js::Periodic>| -> Vec<String> {
        p.filter(|p| p.specs.len() > 1)
            .map(|p| p.specs.clone())
            .unwrap_or_default()
    };
    let objects: Vec<ObjectDiff> = string_set_diff(&multi(old), &multi(new), "Specs", ctx)
        .into_iter()
        .filter(|o| o.ty != DiffType::None)
        .collect();
    structured_object_diff(
        old.map(fl::periodic).as_ref(),
        new.map(fl::periodic).as_ref(),
        false,
        "Periodic",
        ctx,
        objects,
    )
}

fn parameterized_diff(
    old: Option<&js::Parameterized>,
    new: Option<&js::Parameterized>,
    ctx: bool,
) -> Option<ObjectDiff> {
    if strip(old.cloned()) == strip(new.cloned()) {
        return None;
    }
    let empty = js::Parameterized::default();
    let mut objects = Vec::new();
    let (o, n) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
    objects.extend(string_set_diff(
        &o.meta_optional,
        &n.meta_optional,
        "MetaOptional",
        ctx,
    ));
    objects.extend(string_set_diff(
        &o.meta_required,
        &n.meta_required,
        "MetaRequired",
        ctx,
    ));
    structured_object_diff(
        old.map(fl::parameterized).as_ref(),
        new.map(fl::parameterized).as_ref(),
        false,
        "ParameterizedJob",
        ctx,
        objects,
    )
}

/// Pair old and new items by name (the old ones in order, then the new
/// ones), diff each pair, and sort the results by name as Nomad does.
fn diffs_by_name<T, R>(
    old: &[T],
    new: &[T],
    name: impl Fn(&T) -> &str,
    diff: impl Fn(Option<&T>, Option<&T>) -> R,
    result_name: impl Fn(&R) -> &str,
) -> Vec<R> {
    let mut out: Vec<R> = old
        .iter()
        .map(|o| diff(Some(o), new.iter().find(|n| name(n) == name(o))))
        .collect();
    out.extend(
        new.iter()
            .filter(|n| !old.iter().any(|o| name(o) == name(n)))
            .map(|n| diff(None, Some(n))),
    );
    out.sort_by(|a, b| result_name(a).as_bytes().cmp(result_name(b).as_bytes()));
    out
}

/// Groups matched by name; result sorted by name.
fn group_diffs(
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
        |o, n| group_diff(ns, o, n, d, ctx),
        |r| &r.name,
    )
}

fn group_diff(
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
            // show (group shutdown_delay, spreads...) still marks it Edited.
            let edited = strip(Some(o.clone())) != strip(Some(n.clone()));
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
    // Group shutdown_delay joined the diff in 0.11 (only when both sides exist).
    if d.at(0, 11, 0) && old.is_some() && new.is_some() {
        let fmt = |v: Option<js::Duration>| v.map(|d| d.nanos().to_string()).unwrap_or_default();
        oflat.insert("ShutdownDelay".into(), fmt(o.shutdown_delay));
        nflat.insert("ShutdownDelay".into(), fmt(n.shutdown_delay));
    }
    let fields = field_diffs(&oflat, &nflat, false);

    let mut objects = Vec::new();
    objects.extend(constraints(&o.constraints, &n.constraints, ctx));
    objects.extend(affinities(&o.affinities, &n.affinities, ctx));
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
    objects.extend(primitive_object_diff(
        opt_flat(old, &|g| g.update.as_ref().map(fl::update)).as_ref(),
        opt_flat(new, &|g| g.update.as_ref().map(fl::update)).as_ref(),
        "Update",
        ctx,
    ));
    if d.v010() {
        objects.extend(network_diffs(&o.networks, &n.networks, d, ctx));
    }
    if d.at(1, 8, 0) {
        objects.extend(scaling_diff(o.scaling.as_ref(), n.scaling.as_ref(), ctx));
    }
    if d.v010() {
        objects.extend(service_diffs(ns, &o.services, &n.services, d, ctx));
    }
    if d.at(1, 2, 0) {
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

fn task_diffs(
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
        |o, n| task_diff(ns, o, n, d, ctx),
        |r| &r.name,
    )
}

fn task_diff(
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
            if strip(Some(o.clone())) != strip(Some(n.clone())) {
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
    objects.extend(constraints(&o.constraints, &n.constraints, ctx));
    objects.extend(affinities(&o.affinities, &n.affinities, ctx));
    if o.config != n.config {
        let ty = if o.config.is_empty() {
            DiffType::Added
        } else if n.config.is_empty() {
            DiffType::Deleted
        } else {
            DiffType::Edited
        };
        objects.push(ObjectDiff {
            ty,
            name: "Config".into(),
            fields: field_diffs(&fl::config(&o.config), &fl::config(&n.config), ctx),
            objects: Vec::new(),
        });
    }
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
        d.at(1, 2, 0),
        "Artifact",
        ctx,
    ));
    objects.extend(service_diffs(ns, &o.services, &n.services, d, ctx));
    if strip(o.vault.clone()) != strip(n.vault.clone()) {
        let ev = js::Vault::default();
        let (ov, nv) = (
            o.vault.as_ref().unwrap_or(&ev),
            n.vault.as_ref().unwrap_or(&ev),
        );
        let sub: Vec<ObjectDiff> = string_set_diff(&ov.policies, &nv.policies, "Policies", ctx)
            .into_iter()
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
    objects.extend(keyed_set_diff(
        &o.templates,
        &n.templates,
        |t| fl::template(t, d),
        |t| t.dest_path.clone(),
        d.at(1, 2, 0),
        "Template",
        ctx,
    ));
    if d.at(1, 8, 0) {
        objects.extend(volume_mount_diffs(
            &o.volume_mounts,
            &n.volume_mounts,
            d,
            ctx,
        ));
    }
    TaskDiff {
        ty,
        name,
        fields,
        objects,
        annotations: Vec::new(),
    }
}

/// Group volumes, matched by name. Nomad does not sort these (they come
/// from a Go map); ours are in name order.
fn volume_diffs(old: &[js::Volume], new: &[js::Volume], d: Dialect, ctx: bool) -> Vec<ObjectDiff> {
    let mut names: Vec<&str> = old.iter().chain(new).map(|v| v.name.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .filter_map(|name| {
            let o = old.iter().find(|v| v.name == name);
            let n = new.iter().find(|v| v.name == name);
            if strip(o.cloned()) == strip(n.cloned()) {
                return None;
            }
            structured_object_diff(
                o.map(|v| fl::volume(v, d)).as_ref(),
                n.map(|v| fl::volume(v, d)).as_ref(),
                false,
                "Volume",
                ctx,
                Vec::new(),
            )
        })
        .collect()
}

/// Volume mounts are compared by position.
fn volume_mount_diffs(
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
    sort_objects(&mut out);
    out
}

/// Scaling: its own fields are non-contextual; the policy document is a
/// fully flattened map.
fn scaling_diff(
    old: Option<&js::Scaling>,
    new: Option<&js::Scaling>,
    ctx: bool,
) -> Option<ObjectDiff> {
    let _ = ctx;
    if strip(old.cloned()) == strip(new.cloned()) {
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
    let ty = match (old, new) {
        (None, _) => DiffType::Added,
        (_, None) => DiffType::Deleted,
        _ => DiffType::Edited,
    };
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

/// Templates and artifacts: a content set before 1.2; from 1.2 keyed by
/// their `DiffID` (destination), so an edited template shows as Edited.
fn keyed_set_diff<T>(
    old: &[T],
    new: &[T],
    flat: impl Fn(&T) -> Flat,
    key: impl Fn(&T) -> String,
    keyed: bool,
    name: &str,
    ctx: bool,
) -> Vec<ObjectDiff> {
    let o: Vec<Flat> = old.iter().map(&flat).collect();
    let n: Vec<Flat> = new.iter().map(&flat).collect();
    if !keyed {
        return primitive_object_set_diff(&o, &n, name, ctx);
    }
    let okeys: Vec<String> = old.iter().map(&key).collect();
    let nkeys: Vec<String> = new.iter().map(&key).collect();
    let mut out = Vec::new();
    for (i, of) in o.iter().enumerate() {
        let nf = nkeys
            .iter()
            .position(|k| *k == okeys[i])
            .and_then(|j| n.get(j));
        out.extend(primitive_object_diff(Some(of), nf, name, ctx));
    }
    for (j, nf) in n.iter().enumerate() {
        if !okeys.contains(&nkeys[j]) {
            out.extend(primitive_object_diff(None, Some(nf), name, ctx));
        }
    }
    sort_objects(&mut out);
    out
}

fn resources_diff(
    old: Option<&js::Resources>,
    new: Option<&js::Resources>,
    d: Dialect,
    ctx: bool,
) -> Option<ObjectDiff> {
    if strip(old.cloned()) == strip(new.cloned()) {
        return None;
    }
    let empty = js::Resources::default();
    let (o, n) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
    let mut objects = network_diffs(&o.networks, &n.networks, d, ctx);
    objects.extend(device_diffs(&o.devices, &n.devices, ctx));
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
fn network_diffs(
    old: &[js::Network],
    new: &[js::Network],
    d: Dialect,
    ctx: bool,
) -> Vec<ObjectDiff> {
    let so: Vec<_> = old.iter().map(|n| strip(Some(n.clone()))).collect();
    let sn: Vec<_> = new.iter().map(|n| strip(Some(n.clone()))).collect();
    let mut out = Vec::new();
    for (i, o) in old.iter().enumerate() {
        if !sn.contains(&so[i]) {
            out.extend(network_diff(Some(o), None, d, ctx));
        }
    }
    for (i, n) in new.iter().enumerate() {
        if !so.contains(&sn[i]) {
            out.extend(network_diff(None, Some(n), d, ctx));
        }
    }
    sort_objects(&mut out);
    out
}

fn network_diff(
    old: Option<&js::Network>,
    new: Option<&js::Network>,
    d: Dialect,
    ctx: bool,
) -> Option<ObjectDiff> {
    let empty = js::Network::default();
    let (o, n) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
    let mut objects = port_diffs(&o.reserved_ports, &n.reserved_ports, false, d, ctx);
    objects.extend(port_diffs(&o.dynamic_ports, &n.dynamic_ports, true, d, ctx));
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
fn port_diffs(
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

fn device_diffs(
    old: &[js::RequestedDevice],
    new: &[js::RequestedDevice],
    ctx: bool,
) -> Vec<ObjectDiff> {
    let mut out = Vec::new();
    for o in old {
        let n = new.iter().find(|n| n.name == o.name);
        if strip(Some(o.clone())) != strip(n.cloned()) {
            out.extend(structured_object_diff(
                Some(&fl::device(o)),
                n.map(fl::device).as_ref(),
                false,
                "Device",
                ctx,
                Vec::new(),
            ));
        }
    }
    for n in new {
        if !old.iter().any(|o| o.name == n.name) {
            out.extend(structured_object_diff(
                None,
                Some(&fl::device(n)),
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

/// Services are matched by name.
fn service_diffs(
    ns: Ns<'_>,
    old: &[js::Service],
    new: &[js::Service],
    d: Dialect,
    ctx: bool,
) -> Vec<ObjectDiff> {
    let mut out = Vec::new();
    for o in old {
        out.extend(service_diff(
            ns,
            Some(o),
            new.iter().find(|n| n.name == o.name),
            d,
            ctx,
        ));
    }
    for n in new {
        if !old.iter().any(|o| o.name == n.name) {
            out.extend(service_diff(ns, None, Some(n), d, ctx));
        }
    }
    sort_objects(&mut out);
    out
}

fn service_diff(
    ns: Ns<'_>,
    old: Option<&js::Service>,
    new: Option<&js::Service>,
    d: Dialect,
    ctx: bool,
) -> Option<ObjectDiff> {
    if strip(old.cloned()) == strip(new.cloned()) {
        return None;
    }
    let empty = js::Service::default();
    let (o, n) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
    let mut objects = Vec::new();
    objects.extend(string_set_diff(
        &o.canary_tags,
        &n.canary_tags,
        "CanaryTags",
        ctx,
    ));
    objects.extend(string_set_diff(&o.tags, &n.tags, "Tags", ctx));
    objects.extend(check_diffs(&o.checks, &n.checks, d, ctx));
    structured_object_diff(
        old.map(|s| fl::service(s, ns.0, d)).as_ref(),
        new.map(|s| fl::service(s, ns.1, d)).as_ref(),
        false,
        "Service",
        ctx,
        objects,
    )
}

/// Checks are matched by name.
fn check_diffs(
    old: &[js::ServiceCheck],
    new: &[js::ServiceCheck],
    d: Dialect,
    ctx: bool,
) -> Vec<ObjectDiff> {
    let mut out = Vec::new();
    for o in old {
        out.extend(check_diff(
            Some(o),
            new.iter().find(|n| n.name == o.name),
            d,
            ctx,
        ));
    }
    for n in new {
        if !old.iter().any(|o| o.name == n.name) {
            out.extend(check_diff(None, Some(n), d, ctx));
        }
    }
    sort_objects(&mut out);
    out
}

fn check_diff(
    old: Option<&js::ServiceCheck>,
    new: Option<&js::ServiceCheck>,
    d: Dialect,
    ctx: bool,
) -> Option<ObjectDiff> {
    if strip(old.cloned()) == strip(new.cloned()) {
        return None;
    }
    let empty = js::ServiceCheck::default();
    let (o, n) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
    let mut objects = Vec::new();
    if o.header != n.header {
        let flat = |h: &std::collections::BTreeMap<String, Vec<String>>| -> Flat {
            let mut f = Flat::new();
            for (k, vs) in h {
                for (i, v) in vs.iter().enumerate() {
                    f.insert(format!("{k}[{i}]"), v.clone());
                }
            }
            f
        };
        let ty = if o.header.is_empty() {
            DiffType::Added
        } else if n.header.is_empty() {
            DiffType::Deleted
        } else {
            DiffType::Edited
        };
        objects.push(ObjectDiff {
            ty,
            name: "Header".into(),
            fields: field_diffs(&flat(&o.header), &flat(&n.header), ctx),
            objects: Vec::new(),
        });
    }
    objects.extend(primitive_object_diff(
        o.check_restart.as_ref().map(fl::check_restart).as_ref(),
        n.check_restart.as_ref().map(fl::check_restart).as_ref(),
        "CheckRestart",
        ctx,
    ));
    structured_object_diff(
        old.map(|c| fl::check(c, d)).as_ref(),
        new.map(|c| fl::check(c, d)).as_ref(),
        false,
        "Check",
        ctx,
        objects,
    )
}

/// Deep equality as Nomad sees it: our model also records source spans,
/// which are not part of the job, so compare span-free copies.
fn strip<T: StripSpans>(v: Option<T>) -> Option<T> {
    v.map(|mut x| {
        x.strip_spans();
        x
    })
}

trait StripSpans {
    fn strip_spans(&mut self);
}

macro_rules! strip_impl {
    ($t:ty $(, $field:ident)* $(; $list:ident)* $(| $opt:ident)*) => {
        impl StripSpans for $t {
            fn strip_spans(&mut self) {
                self.spans = Spans::default();
                $( self.$field.strip_spans(); )*
                $( for x in self.$list.iter_mut() { x.strip_spans(); } )*
                $( if let Some(x) = self.$opt.as_mut() { x.strip_spans(); } )*
            }
        }
    };
}

strip_impl!(js::Constraint);
strip_impl!(js::Affinity);
strip_impl!(js::Spread);
strip_impl!(js::UpdateStrategy);
strip_impl!(js::MigrateStrategy);
strip_impl!(js::ReschedulePolicy);
strip_impl!(js::RestartPolicy);
strip_impl!(js::EphemeralDisk);
strip_impl!(js::Port);
strip_impl!(js::Network; reserved_ports; dynamic_ports);
strip_impl!(js::RequestedDevice; constraints; affinities);
strip_impl!(js::Resources; networks; devices);
strip_impl!(js::ServiceCheck);
strip_impl!(js::Service; checks);
strip_impl!(js::Template);
strip_impl!(js::Artifact);
strip_impl!(js::Vault);
strip_impl!(js::LogConfig);
strip_impl!(js::Lifecycle);
strip_impl!(js::Volume);
strip_impl!(js::Scaling);
strip_impl!(js::Disconnect);
strip_impl!(js::Parameterized);
strip_impl!(js::Periodic);
strip_impl!(js::Task, resources, log_config; constraints; affinities; services; templates; artifacts | vault | lifecycle);
strip_impl!(js::TaskGroup, ephemeral_disk, restart; constraints; affinities; spreads; networks; volumes; services; tasks | reschedule | update | migrate | scaling | disconnect);
