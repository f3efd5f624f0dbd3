//! Task objects later Nomad versions diff (diff.go `idDiff`/`idSliceDiffs`,
//! `actionDiffs`, `secretsDiffs`, `scheduleDiff`, the task and group
//! `Consul` primitive object, `NUMA.Diff`), each from the version whose
//! diff.go first has it, with the fields that version's struct has.

use crate::jobspec as js;

use super::engine::{
    field_diffs, primitive_object_diff, sort_objects, string_set_diff, structured_object_diff, Flat,
};
use super::fields::{config, Dialect, F};
use super::set_order::{keyed_set_diff, Hint};
use super::ObjectDiff;

fn identity_flat(wi: &js::WorkloadIdentity, d: Dialect) -> Flat {
    F::default()
        .when(d.at(1, 7, 0), |f| {
            f.s("Name", &wi.name)
                .s("ChangeMode", &wi.change_mode)
                .s("ChangeSignal", &wi.change_signal)
                .s("ServiceName", &wi.service_name)
                .d("TTL", wi.ttl)
        })
        .b("Env", wi.env)
        .b("File", wi.file)
        .when(d.at(1, 9, 0), |f| f.s("Filepath", &wi.filepath))
        .done()
}

/// diff.go `idDiff`: fields, plus the `Audience` string set (kept even when
/// it shows no change, as Nomad appends it whenever it is not nil).
pub(super) fn identity_diff(
    old: Option<&js::WorkloadIdentity>,
    new: Option<&js::WorkloadIdentity>,
    d: Dialect,
    ctx: bool,
) -> Option<ObjectDiff> {
    if old == new {
        return None;
    }
    let empty = js::WorkloadIdentity::default();
    let (o, n) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
    let objects = if d.at(1, 7, 0) {
        string_set_diff(&o.audience, &n.audience, "Audience", ctx)
            .into_iter()
            .collect()
    } else {
        Vec::new()
    };
    structured_object_diff(
        old.map(|w| identity_flat(w, d)).as_ref(),
        new.map(|w| identity_flat(w, d)).as_ref(),
        false,
        "Identity",
        ctx,
        objects,
    )
}

/// diff.go `idSliceDiffs`: named identities matched by name (1.7+).
pub(super) fn identity_diffs(
    old: &[js::WorkloadIdentity],
    new: &[js::WorkloadIdentity],
    d: Dialect,
    ctx: bool,
) -> Vec<ObjectDiff> {
    if !d.at(1, 7, 0) {
        return Vec::new();
    }
    keyed_set_diff(
        old,
        new,
        |w| w.name.clone(),
        Hint::ListLength,
        |o, n| identity_diff(o, n, d, ctx),
        d,
    )
}

/// diff.go `actionDiffs`: actions compared by position (1.7+).
pub(super) fn action_diffs(
    old: &[js::Action],
    new: &[js::Action],
    d: Dialect,
    ctx: bool,
) -> Vec<ObjectDiff> {
    if !d.at(1, 7, 0) {
        return Vec::new();
    }
    let flat = |a: &js::Action| {
        F::default()
            .s("Name", &a.name)
            .s("Command", &a.command)
            .done()
    };
    let empty = js::Action::default();
    let mut out = Vec::new();
    for i in 0..old.len().max(new.len()) {
        let (o, n) = (old.get(i), new.get(i));
        if o == n {
            continue;
        }
        let (oa, na) = (o.unwrap_or(&empty), n.unwrap_or(&empty));
        let args = string_set_diff(&oa.args, &na.args, "Args", ctx)
            .into_iter()
            .collect();
        out.extend(structured_object_diff(
            o.map(flat).as_ref(),
            n.map(flat).as_ref(),
            false,
            "Action",
            ctx,
            args,
        ));
    }
    sort_objects(&mut out, d);
    out
}

/// diff.go `secretsDiffs`: secrets matched by name, flattened whole (not
/// only primitives: `Config[...]` and `Env[...]` too) (1.11+).
pub(super) fn secret_diffs(
    old: &[js::Secret],
    new: &[js::Secret],
    d: Dialect,
    ctx: bool,
) -> Vec<ObjectDiff> {
    if !d.at(1, 11, 0) {
        return Vec::new();
    }
    let flat = |s: &js::Secret| -> Flat {
        let mut f = F::default()
            .s("Name", &s.name)
            .s("Provider", &s.provider)
            .s("Path", &s.path)
            .map("Env", &s.env)
            .done();
        // flatmap writes a map entry as `Config[key]`, nested ones after it.
        for (k, v) in config(&s.config) {
            let (head, rest) = k.split_at(k.find('[').unwrap_or(k.len()));
            f.insert(format!("Config[{head}]{rest}"), v);
        }
        f
    };
    // A Go map per side, made without a size hint.
    let diff = |o: Option<&js::Secret>, n: Option<&js::Secret>| {
        if o == n {
            return None;
        }
        let empty = Flat::new();
        let ty = super::engine::presence_type(o, n);
        let (of, nf) = (o.map(flat), n.map(flat));
        Some(ObjectDiff {
            ty,
            name: "Secret".into(),
            fields: field_diffs(
                of.as_ref().unwrap_or(&empty),
                nf.as_ref().unwrap_or(&empty),
                ctx,
            ),
            objects: Vec::new(),
        })
    };
    keyed_set_diff(old, new, |s| s.name.clone(), Hint::None, diff, d)
}

/// diff.go `scheduleDiff`: the cron block as a primitive object (1.8+).
pub(super) fn schedule_diff(
    old: Option<&js::TaskSchedule>,
    new: Option<&js::TaskSchedule>,
    d: Dialect,
    ctx: bool,
) -> Option<ObjectDiff> {
    if !d.at(1, 8, 0) || old == new {
        return None;
    }
    let cron = |s: Option<&js::TaskSchedule>| {
        s.and_then(|s| s.cron.as_ref()).map(|c| {
            F::default()
                .s("Start", &c.start)
                .s("End", &c.end)
                .s("Timezone", &c.timezone)
                .done()
        })
    };
    primitive_object_diff(cron(old).as_ref(), cron(new).as_ref(), "Schedule", ctx)
}

/// The `Consul` primitive object of a group (1.1+) or task (1.7+), with
/// api/consul.go's default cluster (1.7+) and the partition (1.7.3+).
pub(super) fn consul_diff(
    old: Option<&js::Consul>,
    new: Option<&js::Consul>,
    d: Dialect,
    ctx: bool,
) -> Option<ObjectDiff> {
    let flat = |c: &js::Consul| {
        F::default()
            .s("Namespace", &c.namespace)
            .when(d.at(1, 7, 0), |f| f.s("Cluster", &c.cluster))
            .when(d.at(1, 7, 3), |f| f.s("Partition", &c.partition))
            .done()
    };
    primitive_object_diff(
        old.map(flat).as_ref(),
        new.map(flat).as_ref(),
        "Consul",
        ctx,
    )
}

/// `NUMA.Diff` inside Resources (1.7+): the affinity; the device list is
/// not a primitive field, but a change to it still edits the object.
pub(super) fn numa_diff(
    old: Option<&js::Numa>,
    new: Option<&js::Numa>,
    d: Dialect,
    ctx: bool,
) -> Option<ObjectDiff> {
    if !d.at(1, 7, 0) {
        return None;
    }
    let flat = |n: &js::Numa| F::default().s("Affinity", &n.affinity).done();
    structured_object_diff(
        old.map(flat).as_ref(),
        new.map(flat).as_ref(),
        old == new,
        "NUMA",
        ctx,
        Vec::new(),
    )
}

/// What a task holds in blocks this version's diff.go has no object for
/// (an `identity` before 1.5, `action` before 1.7, ...), flattened by the
/// names written in the file, so the "changed but not modelled" net names
/// the edit instead of planning it as an unexplained in-place update.
pub(super) fn unshown_task(t: &js::Task, d: Dialect) -> Flat {
    let mut out = Flat::new();
    let mut put = |key: String, v: String| {
        out.insert(key, v);
    };
    let list = |prefix: &str, l: &[String], put: &mut dyn FnMut(String, String)| {
        for (i, x) in l.iter().enumerate() {
            put(format!("{prefix}[{i}]"), x.clone());
        }
    };
    let identity = |p: &str, w: &js::WorkloadIdentity, put: &mut dyn FnMut(String, String)| {
        put(format!("{p}.name"), w.name.clone());
        list(&format!("{p}.aud"), &w.audience, put);
        put(format!("{p}.change_mode"), w.change_mode.clone());
        put(format!("{p}.change_signal"), w.change_signal.clone());
        put(format!("{p}.env"), w.env.to_string());
        put(format!("{p}.file"), w.file.to_string());
        put(format!("{p}.ttl"), w.ttl.nanos().to_string());
    };
    if !d.at(1, 5, 0) {
        if let Some(w) = &t.identity {
            identity("identity", w, &mut put);
        }
    }
    if !d.at(1, 7, 0) {
        for w in &t.identities {
            identity(&format!("identity[{}]", w.name), w, &mut put);
        }
        for a in &t.actions {
            put(format!("action[{}].command", a.name), a.command.clone());
            list(&format!("action[{}].args", a.name), &a.args, &mut put);
        }
        if let Some(c) = &t.consul {
            put("consul.namespace".into(), c.namespace.clone());
            put("consul.cluster".into(), c.cluster.clone());
        }
    }
    if !d.at(1, 8, 0) {
        if let Some(c) = t.schedule.as_ref().and_then(|s| s.cron.as_ref()) {
            put("schedule.cron.start".into(), c.start.clone());
            put("schedule.cron.end".into(), c.end.clone());
            put("schedule.cron.timezone".into(), c.timezone.clone());
        }
    }
    if !d.at(1, 11, 0) {
        for s in &t.secrets {
            let p = format!("secret[{}]", s.name);
            put(format!("{p}.provider"), s.provider.clone());
            put(format!("{p}.path"), s.path.clone());
            for (k, v) in config(&s.config) {
                put(format!("{p}.config.{k}"), v);
            }
            for (k, v) in &s.env {
                put(format!("{p}.env.{k}"), v.clone());
            }
        }
    }
    if !d.at(1, 7, 0) {
        if let Some(n) = &t.resources.numa {
            put("resources.numa.affinity".into(), n.affinity.clone());
            list("resources.numa.devices", &n.devices, &mut put);
        }
    }
    out
}

/// The group and job blocks a version's diff.go has no object for.
pub(super) fn unshown_group(g: &js::TaskGroup, d: Dialect) -> Flat {
    let mut out = Flat::new();
    if !d.at(1, 1, 0) {
        if let Some(c) = &g.consul {
            out.insert("consul.namespace".into(), c.namespace.clone());
        }
    }
    out
}

pub(super) fn unshown_job(j: &js::Job, d: Dialect) -> Flat {
    let mut out = Flat::new();
    // Set by `--nomad-version` on an import of a later release: stored,
    // but not a field of the simulated release's Job.Diff.
    if !d.at(1, 1, 0) {
        out.insert("ConsulNamespace".into(), j.consul_namespace.clone());
    }
    if !d.at(0, 12, 2) {
        out.insert("VaultNamespace".into(), j.vault_namespace.clone());
    }
    if !d.at(1, 8, 0) {
        if let Some(u) = &j.ui {
            out.insert("ui.description".into(), u.description.clone());
            for (i, l) in u.links.iter().enumerate() {
                out.insert(format!("ui.link[{i}].label"), l.label.clone());
                out.insert(format!("ui.link[{i}].url"), l.url.clone());
            }
        }
    }
    if !d.at(0, 12, 0) {
        if let Some(m) = &j.multiregion {
            out.insert(
                "multiregion.strategy.max_parallel".into(),
                m.strategy_max_parallel.to_string(),
            );
            out.insert(
                "multiregion.strategy.on_failure".into(),
                m.strategy_on_failure.clone(),
            );
            for r in &m.regions {
                let p = format!("multiregion.region[{}]", r.name);
                out.insert(format!("{p}.count"), r.count.to_string());
                for (i, dc) in r.datacenters.iter().enumerate() {
                    out.insert(format!("{p}.datacenters[{i}]"), dc.clone());
                }
                out.insert(format!("{p}.node_pool"), r.node_pool.clone());
                for (k, v) in &r.meta {
                    out.insert(format!("{p}.meta.{k}"), v.clone());
                }
            }
        }
    }
    out
}
