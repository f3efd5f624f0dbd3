//! `api.Job` JSON (what `nomad job inspect` and `/v1/job/:id` return,
//! api/jobs.go and api/tasks.go) to the job model the jobspec lowers to,
//! so that an imported running job diffs against its own job file exactly.
//!
//! Every field the model has is read, under Nomad's JSON names. What the
//! JSON holds that the model has no field for is never dropped: it is kept
//! as the job's, group's or task's unmodelled part (by JSON path), so the
//! diff reports it as "changed but not modelled" rather than comparing
//! equal. Fields the servers set (indexes, status, submit time) are no part
//! of what a job file says and are skipped.

use serde_json::Value;

use super::api_json;
use super::api_read::{value, Obj, Sink};
use super::api_service::services;
use super::api_task::{affinities, constraints, consul, each, networks, restart, task};
use crate::diag::Diag;
use crate::jobspec::{
    CsiMountOptions, Disconnect, EphemeralDisk, Job, JobType, JobUi, MigrateStrategy, Multiregion,
    MultiregionRegion, Parameterized, Periodic, ReschedulePolicy, Scaling, Spans, Spread,
    SpreadTarget, TaskGroup, UiLink, Unmodelled, UpdateStrategy, Volume,
};
use crate::source::Span;

/// Job fields the servers set: no part of what a job file says.
const SERVER_SET: &[&str] = &[
    "Status",
    "StatusDescription",
    "Stable",
    "Version",
    "SubmitTime",
    "CreateIndex",
    "ModifyIndex",
    "JobModifyIndex",
    "NomadTokenID",
    "VersionTag",
    "Payload",
    "DispatchIdempotencyToken",
];

/// The job-level `Update` as stored: api `TaskGroup.Canonicalize` merged
/// the job's strategy into every group (read there), and the servers keep
/// only its legacy `Stagger` and `MaxParallel` (command/agent
/// `ApiJobToStructJob`); all zero is no strategy at all. The pair is kept
/// as stored, also the default's (30s, 1): whether it is the same spec as
/// a file without `update` depends on the release and the job type (api
/// `Job.Canonicalize` gives service jobs `DefaultUpdateStrategy` from 0.10
/// and system jobs from 1.11; before, and for a system job before 1.11,
/// (30s, 1) is an `update` block the file writes), which
/// `structs::spec_changed::same_spec` judges for the plan's release (an
/// import's release can be overridden by `--nomad-version`, so the import
/// cannot decide it). A stored job has no job-level `Reschedule` or
/// `Migrate` (they live in the groups): any the JSON holds is kept as
/// unmodelled.
fn job_update(j: &Obj<'_>) -> Option<UpdateStrategy> {
    let u = Obj::new(j.obj("Update")?);
    let (stagger, max_parallel) = (u.dur("Stagger"), u.i("MaxParallel"));
    if stagger.nanos() == 0 && max_parallel == 0 {
        return None;
    }
    let mut spans = Spans::default();
    // Values as stored, not defaults to fill in.
    spans.set("stagger", Span::default());
    spans.set("max_parallel", Span::default());
    Some(UpdateStrategy {
        stagger,
        max_parallel,
        spans,
        ..UpdateStrategy::default()
    })
}

fn spreads(o: &Obj<'_>, prefix: &str, sink: &mut Sink<'_>) -> Vec<Spread> {
    o.nested_each("Spreads", prefix, sink, |sp, p, sink| {
        let targets = each(sp, "SpreadTarget")
            .map(|(i, t)| {
                let out = SpreadTarget {
                    value: t.s("Value"),
                    percent: t.i("Percent"),
                };
                sink.keep(&t, &format!("{p}SpreadTarget[{i}]."));
                out
            })
            .collect();
        Spread {
            attribute: sp.s("Attribute"),
            weight: sp.i("Weight"),
            targets,
            spans: Default::default(),
        }
    })
}

fn update(u: &Obj<'_>) -> UpdateStrategy {
    UpdateStrategy {
        stagger: u.dur("Stagger"),
        max_parallel: u.i("MaxParallel"),
        health_check: u.s("HealthCheck"),
        min_healthy_time: u.dur("MinHealthyTime"),
        healthy_deadline: u.dur("HealthyDeadline"),
        progress_deadline: u.dur("ProgressDeadline"),
        auto_revert: u.b("AutoRevert"),
        auto_promote: u.b("AutoPromote"),
        canary: u.i("Canary"),
        spans: Default::default(),
    }
}

fn migrate(m: &Obj<'_>) -> MigrateStrategy {
    MigrateStrategy {
        max_parallel: m.i("MaxParallel"),
        health_check: m.s("HealthCheck"),
        min_healthy_time: m.dur("MinHealthyTime"),
        healthy_deadline: m.dur("HealthyDeadline"),
        spans: Default::default(),
    }
}

fn reschedule(r: &Obj<'_>) -> ReschedulePolicy {
    ReschedulePolicy {
        attempts: r.i("Attempts"),
        interval: r.dur("Interval"),
        delay: r.dur("Delay"),
        delay_function: r.s("DelayFunction"),
        max_delay: r.dur("MaxDelay"),
        unlimited: r.b("Unlimited"),
        spans: Default::default(),
    }
}

fn periodic(p: &Obj<'_>) -> Periodic {
    let mut specs = p.strs("Specs");
    let spec = p.s("Spec");
    // `Spec` is the job file's `cron`: marked written (at no place, as an
    // import has no source), since the CLI's Next reads it and `Specs`
    // differently (periodic::status). A disabled job may hold both (the
    // agent copies each, command/agent/job_endpoint.go v2.0.5:1180-1186)
    // and Next reads `Spec` first (api/jobs.go v2.0.5:932-935): it leads.
    let mut spans = Spans::default();
    if !spec.is_empty() {
        // The same expression in both (a saved file may repeat it; Nomad's
        // Validate refuses both set on an enabled job, structs.go
        // v1.7.2:5633) is one spec, not a second `crons` entry to diff.
        specs.retain(|s| *s != spec);
        specs.insert(0, spec);
        spans.set("cron", Span::default());
    }
    Periodic {
        specs,
        spec_type: p.s("SpecType"),
        prohibit_overlap: p.b("ProhibitOverlap"),
        time_zone: p.s("TimeZone"),
        enabled: p.opt_b("Enabled").unwrap_or(true),
        spans,
    }
}

fn parameterized(p: &Obj<'_>) -> Parameterized {
    Parameterized {
        payload: p.s("Payload"),
        meta_required: p.strs("MetaRequired"),
        meta_optional: p.strs("MetaOptional"),
        spans: Default::default(),
    }
}

fn multiregion(m: &Obj<'_>, p: &str, sink: &mut Sink<'_>) -> Multiregion {
    let mut out = Multiregion::default();
    if let Some((max_parallel, on_failure)) = m.nested("Strategy", p, sink, |s, _, _| {
        (s.i("MaxParallel"), s.s("OnFailure"))
    }) {
        out.strategy_max_parallel = max_parallel;
        out.strategy_on_failure = on_failure;
    }
    out.regions = m.nested_each("Regions", p, sink, |r, _, _| MultiregionRegion {
        name: r.s("Name"),
        count: r.i("Count"),
        datacenters: r.strs("Datacenters"),
        node_pool: r.s("NodePool"),
        meta: r.smap("Meta"),
    });
    out
}

fn ui(u: &Obj<'_>, p: &str, sink: &mut Sink<'_>) -> JobUi {
    let links = u.nested_each("Links", p, sink, |l, _, _| UiLink {
        label: l.s("Label"),
        url: l.s("URL"),
        spans: Default::default(),
    });
    JobUi {
        description: u.s("Description"),
        links,
        spans: Default::default(),
    }
}

fn scaling(s: &Obj<'_>) -> Scaling {
    // Set by the servers from the group (api ScalingPolicy, structs
    // ScalingPolicy): its ID, target and indexes.
    s.skip(&["ID", "Namespace", "Target", "CreateIndex", "ModifyIndex"]);
    s.skip_if("Type", &Value::String("horizontal".into()));
    Scaling {
        min: s.opt_i("Min"),
        max: s.i("Max"),
        enabled: s.opt_b("Enabled").unwrap_or(true),
        policy: s.obj("Policy").map(value),
        spans: Default::default(),
    }
}

/// `Volumes` is a map by name: its JSON keys come sorted.
fn volumes(o: &Obj<'_>, sink: &mut Sink<'_>) -> Vec<Volume> {
    o.object_map("Volumes")
        .into_iter()
        .map(|(key, v)| {
            let vo = Obj::new(v);
            let p = format!("Volumes[{key}].");
            let mount_options = vo.nested("MountOptions", &p, sink, |m, _, _| CsiMountOptions {
                fs_type: m.s("FSType"),
                mount_flags: m.strs("MountFlags"),
            });
            let name = match vo.s("Name") {
                n if n.is_empty() => key.clone(),
                n => n,
            };
            let out = Volume {
                name,
                volume_type: vo.s("Type"),
                source: vo.s("Source"),
                read_only: vo.b("ReadOnly"),
                access_mode: vo.s("AccessMode"),
                attachment_mode: vo.s("AttachmentMode"),
                per_alloc: vo.b("PerAlloc"),
                sticky: vo.b("Sticky"),
                mount_options,
                spans: Default::default(),
            };
            sink.keep(&vo, &p);
            out
        })
        .collect()
}

fn disconnect(d: &Obj<'_>) -> Disconnect {
    Disconnect {
        lost_after: d.opt_dur("LostAfter"),
        stop_on_client_after: d.opt_dur("StopOnClientAfter"),
        replace: d.opt_b("Replace"),
        reconcile: d.s("Reconcile"),
        spans: Default::default(),
    }
}

fn group(v: &Value, job_ns: &str) -> TaskGroup {
    let g = Obj::new(v);
    let mut unmodelled = Unmodelled::default();
    let sink = &mut Sink {
        out: &mut unmodelled,
    };
    let ephemeral_disk = g
        .nested("EphemeralDisk", "", sink, |d, _, _| EphemeralDisk {
            sticky: d.b("Sticky"),
            migrate: d.b("Migrate"),
            size_mb: d.i("SizeMB"),
            spans: Default::default(),
        })
        .unwrap_or_default();
    let out = TaskGroup {
        name: g.s("Name"),
        count: g.i("Count"),
        constraints: constraints(&g, "", sink),
        affinities: affinities(&g, "", sink),
        spreads: spreads(&g, "", sink),
        networks: networks(&g, "", sink),
        ephemeral_disk,
        restart: g
            .nested("RestartPolicy", "", sink, |r, _, _| restart(r))
            .unwrap_or_default(),
        reschedule: g.nested("ReschedulePolicy", "", sink, |r, _, _| reschedule(r)),
        update: g.nested("Update", "", sink, |u, _, _| update(u)),
        migrate: g.nested("Migrate", "", sink, |m, _, _| migrate(m)),
        scaling: g.nested("Scaling", "", sink, |s, _, _| scaling(s)),
        volumes: volumes(&g, sink),
        services: services(&g, "", sink, job_ns),
        meta: g.smap("Meta"),
        tasks: g
            .objects("Tasks")
            .into_iter()
            .map(|t| task(t, job_ns))
            .collect(),
        max_run_duration: g.opt_dur("MaxRunDuration"),
        shutdown_delay: g.opt_dur("ShutdownDelay"),
        stop_after_client_disconnect: g.opt_dur("StopAfterClientDisconnect"),
        max_client_disconnect: g.opt_dur("MaxClientDisconnect"),
        prevent_reschedule_on_lost: g.b("PreventRescheduleOnLost"),
        disconnect: g.nested("Disconnect", "", sink, |d, _, _| disconnect(d)),
        consul: g.nested("Consul", "", sink, |c, _, _| consul(c)),
        unmodelled: Unmodelled::default(),
        spans: Default::default(),
    };
    sink.keep(&g, "");
    TaskGroup { unmodelled, ..out }
}

/// Convert an `api.Job` (what `/v1/job/:id` returns) to our job model.
pub fn job_from_api_json(v: &Value) -> Result<Job, Diag> {
    // A field of a type Nomad's api.Job cannot hold is not read as zero
    // (api_json): the job is "cannot tell", never a job with Count 0.
    let strict = api_json::Strict::begin();
    let job = read_job(v);
    match strict.end().first() {
        None => job,
        Some(m) => {
            let id = crate::escape::one_line(&api_json::s(v, "ID"));
            Err(api_json::refusal(m, &format!("what job `{id}` runs")))
        }
    }
}

fn read_job(v: &Value) -> Result<Job, Diag> {
    let j = Obj::new(v);
    let id = j.s("ID");
    if id.is_empty() {
        return Err(Diag::error("import::job", "job JSON has no \"ID\"")
            .help("save the job with `nomad operator api /v1/job/<id>`; a list entry from /v1/jobs is not enough"));
    }
    let type_str = j.s("Type");
    let job_type = match type_str.as_str() {
        "" => JobType::Service,
        t => JobType::parse(t).ok_or_else(|| {
            Diag::error("import::job", format!("job `{id}` has unknown type `{t}`"))
                .help("known types: service, batch, system, sysbatch")
        })?,
    };
    let groups = j.get("TaskGroups").as_array().ok_or_else(|| {
        Diag::error("import::job", format!("job `{id}` has no \"TaskGroups\""))
            .help("save the full job with `nomad operator api /v1/job/<id>`")
    })?;
    // Charged before any group is decoded: a decoded group holds many
    // times its JSON (import/budget.rs).
    match super::import::budget::groups(&id, groups.len()) {
        super::import::budget::Charge::Paid => {}
        super::import::budget::Charge::Refused(d) => return Err(d),
        // The readers stop once it is spent; one that does not is told so.
        super::import::budget::Charge::Spent => {
            return Err(Diag::error(
                "import::too-many-groups",
                format!("job `{id}` is not read: the import's budget of task groups is spent"),
            )
            .as_cannot_tell())
        }
    }
    j.skip(SERVER_SET);
    let mut unmodelled = Unmodelled::default();
    let sink = &mut Sink {
        out: &mut unmodelled,
    };
    let namespace = match j.s("Namespace") {
        n if n.is_empty() => "default".to_string(),
        n => n,
    };
    let job = Job {
        name: match j.s("Name") {
            n if n.is_empty() => id.clone(),
            n => n,
        },
        id,
        job_type,
        priority: j.opt_i("Priority").unwrap_or(50),
        region: j.s("Region"),
        namespace: namespace.clone(),
        datacenters: j.strs("Datacenters"),
        node_pool: j.s("NodePool"),
        all_at_once: j.b("AllAtOnce"),
        constraints: constraints(&j, "", sink),
        affinities: affinities(&j, "", sink),
        spreads: spreads(&j, "", sink),
        periodic: j.nested("Periodic", "", sink, |p, _, _| periodic(p)),
        parameterized: j.nested("ParameterizedJob", "", sink, |p, _, _| parameterized(p)),
        multiregion: j.nested("Multiregion", "", sink, multiregion),
        ui: j.nested("UI", "", sink, ui),
        meta: j.smap("Meta"),
        update: job_update(&j),
        groups: api_json::objects(groups, "TaskGroups")
            .into_iter()
            .map(|g| group(g, &namespace))
            .collect(),
        vault_token: j.s("VaultToken"),
        consul_token: j.s("ConsulToken"),
        consul_namespace: j.s("ConsulNamespace"),
        vault_namespace: j.s("VaultNamespace"),
        stop: j.b("Stop"),
        dispatched: j.b("Dispatched"),
        parent_id: j.s("ParentID"),
        ..Job::default()
    };
    sink.keep(&j, "");
    Ok(Job { unmodelled, ..job })
}
