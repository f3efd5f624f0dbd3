//! Nomad's canonicalisation (API `Canonicalize` plus the server's defaults):
//! every field the file did not write gets the value Nomad would store.
//! Written-ness comes from [`Spans`], so an explicit `count = 0` stays 0.

use super::model::*;
use crate::version::NomadVersion;

pub fn apply(job: &mut Job, v: NomadVersion, servers: ServerJobSettings) {
    let w = |s: &Spans, f: &str| s.written(f);
    job.loaded.servers = servers;
    // api Job.Canonicalize: a nil Name becomes the ID (the parsers already
    // gave an unwritten Name the job's label).
    if !w(&job.spans, "name") && job.name.is_empty() {
        job.name = job.id.clone();
    }
    // An explicit empty namespace reaches the servers empty, and their
    // Job.Canonicalize (structs.go) makes it `default` before any check; the
    // Validate endpoint refuses it first (see `as_sent_to_validate`).
    job.written_empty.namespace = w(&job.spans, "namespace") && job.namespace.is_empty();
    if !w(&job.spans, "namespace") || job.namespace.is_empty() {
        job.namespace = "default".into();
    }
    // api Job.Canonicalize gives an absent region "global"; an explicit
    // empty one stays empty, for the HTTP agent to fill (from 0.9.5,
    // `agent_region`) or Job.Validate to refuse (`Missing job region`), as
    // the Validate endpoint always does.
    job.written_empty.region = w(&job.spans, "region") && job.region.is_empty();
    if !w(&job.spans, "region") {
        job.region = "global".into();
    }
    // From 1.5 the servers' jobCanonicalizer mutator turns a priority of 0
    // into their job_default_priority (nomad/job_endpoint_hooks.go:137-143
    // @v1.5.0, :241-246@v2.0.5; absent at v1.4.14), before the validators.
    // It reaches them as 0 when written so, and at 1.5.0–1.5.6 when
    // omitted: api Job.Canonicalize gave an omitted priority 0 there
    // (api/jobs.go:940-942@v1.5.0, through v1.5.6; 50 again from v1.5.7,
    // hashicorp/nomad#17352, and at v1.6.0:1015-1017).
    let omitted = !w(&job.spans, "priority");
    let api_zero = v.at_least(1, 5, 0) && !v.at_least(1, 5, 7);
    let by_servers =
        v.at_least(1, 5, 0) && ((omitted && api_zero) || (!omitted && job.priority == 0));
    job.loaded.priority_by_servers = by_servers;
    if by_servers {
        job.priority = servers.default_priority;
    } else if omitted {
        job.priority = 50;
    }
    // structs Job.Canonicalize (the jobCanonicalizer mutator, 1.5.0 on):
    // `len(j.Datacenters) == 0` becomes ["*"], an omitted list and an
    // explicit `datacenters = []` alike (nomad/structs/structs.go
    // v1.5.0:4390, v2.0.5:4686; absent at v1.4.14, whose Validate says
    // "Missing job datacenters").
    if (!w(&job.spans, "datacenters") || job.datacenters.is_empty()) && v.at_least(1, 5, 0) {
        job.datacenters = vec!["*".into()];
    }
    if !w(&job.spans, "node_pool") && v.at_least(1, 6, 0) {
        job.node_pool = "default".into();
    }
    for c in &mut job.affinities {
        affinity(c);
    }
    for s in &mut job.spreads {
        if !s.spans.written("weight") {
            s.weight = 50;
        }
    }
    let jt = job.job_type;
    // A type Nomad does not know (modelled as batch) gets a reschedule
    // policy of zeros (api NewDefaultReschedulePolicy's default case).
    let resched = match job.refused_type {
        Some(_) => Reschedule::Zeros,
        None => Reschedule::OfType(jt),
    };
    // Before 0.10.0 a job without an update stanza had none; later service
    // jobs get Nomad's default strategy, and system jobs too from 1.11.0
    // (api/jobs.go, "add DefaultUpdateStrategy to system jobs", #26777).
    let default_update = match jt {
        JobType::Service => v.at_least(0, 10, 0),
        JobType::System => v.at_least(1, 11, 0),
        _ => false,
    };
    let job_update = match &job.update {
        Some(u) => Some(u.clone()),
        None if default_update => Some(UpdateStrategy::default()),
        None => None,
    };
    // Services are named from the job's name, not its ID (api
    // Service.Canonicalize, structs Service.Canonicalize).
    let (job_name, job_resched, job_migrate) = (
        job.name.clone(),
        job.reschedule.clone(),
        job.migrate.clone(),
    );
    for g in &mut job.groups {
        group(
            g,
            jt,
            resched,
            &job_name,
            job_update.as_ref(),
            job_resched.as_ref(),
            job_migrate.as_ref(),
            v,
        );
    }
}

/// Where a group's unset reschedule fields come from.
#[derive(Clone, Copy)]
enum Reschedule {
    OfType(JobType),
    Zeros,
}

#[allow(clippy::too_many_arguments)]
fn group(
    g: &mut TaskGroup,
    jt: JobType,
    resched: Reschedule,
    job_name: &str,
    job_update: Option<&UpdateStrategy>,
    job_resched: Option<&ReschedulePolicy>,
    job_migrate: Option<&MigrateStrategy>,
    v: NomadVersion,
) {
    if !g.spans.written("count") {
        g.count = 1;
    }
    if !g.ephemeral_disk.spans.written("size") {
        g.ephemeral_disk.size_mb = 300;
    }
    restart(&mut g.restart, jt);
    // Group update = job update merged with the group's own fields
    // (api/tasks.go: a job `update` block is never empty once
    // canonicalised, so every group inherits it). Batch and sysbatch jobs
    // keep it too, for `TaskGroup.Validate` to refuse, as Nomad does.
    let merged = match (job_update, g.update.take()) {
        (None, None) => None,
        (Some(j), None) => Some(j.clone()),
        (None, Some(gu)) => Some(gu),
        (Some(j), Some(gu)) => Some(merge_update(j, gu)),
    };
    g.update = merged.map(update_defaults);
    if !jt.is_per_node() {
        // api TaskGroup.Canonicalize: the job's policy merged with the
        // group's written fields (ReschedulePolicy.Merge), then defaults.
        let r = match (job_resched, g.reschedule.take()) {
            (Some(j), Some(gr)) => Some(merge_reschedule(j, gr)),
            (None, Some(r)) => Some(r),
            (Some(j), None) => Some(j.clone()),
            (None, None) => None,
        };
        g.reschedule = match (resched, r) {
            (Reschedule::OfType(jt), r) => Some(reschedule(r.unwrap_or_default(), jt)),
            // Before 0.11 an unknown type has no default policy at all
            // (TaskGroup.Validate then says the group should have one).
            (Reschedule::Zeros, None) if !v.at_least(0, 11, 0) => None,
            (Reschedule::Zeros, r) => Some(r.unwrap_or_default()),
        };
    }
    // api TaskGroup.Canonicalize: the job's migrate merged with the
    // group's written fields, for every job type (TaskGroup.Validate then
    // refuses it outside service jobs); a service group without one gets
    // the defaults.
    let merged = match (job_migrate, g.migrate.take()) {
        (Some(j), Some(gm)) => Some(merge_migrate(j, gm)),
        (Some(j), None) => Some(j.clone()),
        (None, gm) => gm,
    };
    g.migrate = match merged {
        Some(m) => Some(migrate(m)),
        None if jt == JobType::Service => Some(migrate(MigrateStrategy::default())),
        None => None,
    };
    for c in &mut g.affinities {
        affinity(c);
    }
    for s in &mut g.spreads {
        if !s.spans.written("weight") {
            s.weight = 50;
        }
    }
    for n in &mut g.networks {
        network(n, v);
    }
    let gname = g.name.clone();
    for s in &mut g.services {
        service(s, job_name, &gname, "", v);
    }
    if let Some(d) = &mut g.disconnect {
        // api DisconnectStrategy.Canonicalize.
        if d.replace.is_none() {
            d.replace = Some(true);
        }
        if !d.spans.written("reconcile") {
            d.reconcile = "best_score".into();
        }
    }
    for t in &mut g.tasks {
        task(t, job_name, &gname, v);
        // From 0.11 every task carries the group's restart policy, merged
        // with its own `restart` block (api Task.Canonicalize).
        if v.at_least(0, 11, 0) {
            t.restart = Some(merge_restart(&g.restart, t.restart.take()));
        }
    }
}

fn merge_restart(group: &RestartPolicy, task: Option<RestartPolicy>) -> RestartPolicy {
    let mut out = group.clone();
    let Some(t) = task else {
        return out;
    };
    let ts = &t.spans;
    if ts.written("attempts") {
        out.attempts = t.attempts;
    }
    if ts.written("interval") {
        out.interval = t.interval;
    }
    if ts.written("delay") {
        out.delay = t.delay;
    }
    if ts.written("mode") {
        out.mode = t.mode.clone();
    }
    if ts.written("render_templates") {
        out.render_templates = t.render_templates;
    }
    out
}

fn merge_update(job: &UpdateStrategy, group: UpdateStrategy) -> UpdateStrategy {
    let mut out = job.clone();
    let gs = &group.spans;
    macro_rules! take {
        ($($f:ident : $k:literal),*) => {$( if gs.written($k) { out.$f = group.$f.clone(); out.spans.set($k, gs.get($k).unwrap_or_default()); } )*};
    }
    take!(stagger: "stagger", max_parallel: "max_parallel", health_check: "health_check",
        min_healthy_time: "min_healthy_time", healthy_deadline: "healthy_deadline",
        progress_deadline: "progress_deadline", auto_revert: "auto_revert",
        auto_promote: "auto_promote", canary: "canary");
    out.spans.block = group.spans.block.or(out.spans.block);
    out
}

/// api ReschedulePolicy.Merge: the group's written fields over the job's.
fn merge_reschedule(job: &ReschedulePolicy, group: ReschedulePolicy) -> ReschedulePolicy {
    let mut out = job.clone();
    let gs = &group.spans;
    macro_rules! take {
        ($($f:ident : $k:literal),*) => {$( if gs.written($k) { out.$f = group.$f.clone(); out.spans.set($k, gs.get($k).unwrap_or_default()); } )*};
    }
    take!(attempts: "attempts", interval: "interval", delay: "delay",
        delay_function: "delay_function", max_delay: "max_delay", unlimited: "unlimited");
    out.spans.block = group.spans.block.or(out.spans.block);
    out
}

/// api MigrateStrategy.Merge: the group's written fields over the job's.
fn merge_migrate(job: &MigrateStrategy, group: MigrateStrategy) -> MigrateStrategy {
    let mut out = job.clone();
    let gs = &group.spans;
    macro_rules! take {
        ($($f:ident : $k:literal),*) => {$( if gs.written($k) { out.$f = group.$f.clone(); out.spans.set($k, gs.get($k).unwrap_or_default()); } )*};
    }
    take!(max_parallel: "max_parallel", health_check: "health_check",
        min_healthy_time: "min_healthy_time", healthy_deadline: "healthy_deadline");
    out.spans.block = group.spans.block.or(out.spans.block);
    out
}

fn update_defaults(mut u: UpdateStrategy) -> UpdateStrategy {
    let s = u.spans.clone();
    if !s.written("stagger") {
        u.stagger = Duration::secs(30);
    }
    if !s.written("max_parallel") {
        u.max_parallel = 1;
    }
    if !s.written("health_check") {
        u.health_check = "checks".into();
    }
    if !s.written("min_healthy_time") {
        u.min_healthy_time = Duration::secs(10);
    }
    if !s.written("healthy_deadline") {
        u.healthy_deadline = Duration::mins(5);
    }
    if !s.written("progress_deadline") {
        u.progress_deadline = Duration::mins(10);
    }
    u
}

fn restart(r: &mut RestartPolicy, jt: JobType) {
    let s = r.spans.clone();
    let batch = jt == JobType::Batch || jt == JobType::Sysbatch;
    if !s.written("attempts") {
        r.attempts = if batch { 3 } else { 2 };
    }
    if !s.written("interval") {
        r.interval = if batch {
            Duration::hours(24)
        } else {
            Duration::mins(30)
        };
    }
    if !s.written("delay") {
        r.delay = Duration::secs(15);
    }
    if !s.written("mode") {
        r.mode = "fail".into();
    }
}

fn reschedule(mut r: ReschedulePolicy, jt: JobType) -> ReschedulePolicy {
    let s = r.spans.clone();
    let batch = jt == JobType::Batch;
    if !s.written("attempts") {
        r.attempts = if batch { 1 } else { 0 };
    }
    if !s.written("interval") {
        r.interval = if batch {
            Duration::hours(24)
        } else {
            Duration(0)
        };
    }
    if !s.written("delay") {
        r.delay = if batch {
            Duration::secs(5)
        } else {
            Duration::secs(30)
        };
    }
    if !s.written("delay_function") {
        r.delay_function = if batch { "constant" } else { "exponential" }.into();
    }
    if !s.written("max_delay") {
        r.max_delay = if batch {
            Duration(0)
        } else {
            Duration::hours(1)
        };
    }
    if !s.written("unlimited") {
        r.unlimited = !batch;
    }
    r
}

fn migrate(mut m: MigrateStrategy) -> MigrateStrategy {
    let s = m.spans.clone();
    if !s.written("max_parallel") {
        m.max_parallel = 1;
    }
    if !s.written("health_check") {
        m.health_check = "checks".into();
    }
    if !s.written("min_healthy_time") {
        m.min_healthy_time = Duration::secs(10);
    }
    if !s.written("healthy_deadline") {
        m.healthy_deadline = Duration::mins(5);
    }
    m
}

fn affinity(a: &mut Affinity) {
    if !a.spans.written("weight") {
        a.weight = 50;
    }
}

fn network(n: &mut Network, v: NomadVersion) {
    // 0.x task networks default to 10 Mbit/s; group networks (1.x) carry no bandwidth.
    if !n.spans.written("mbits") && !v.at_least(1, 0, 0) {
        n.mbits = 10;
    }
    // structs NetworkResource.Canonicalize, since host networks (0.12).
    if v.at_least(0, 12, 0) {
        for p in n
            .reserved_ports
            .iter_mut()
            .chain(n.dynamic_ports.iter_mut())
        {
            if p.host_network.is_empty() {
                p.host_network = "default".into();
            }
        }
    }
}

fn service(s: &mut Service, job: &str, group: &str, task: &str, v: NomadVersion) {
    if !s.spans.written("name") {
        s.name = if task.is_empty() {
            format!("{job}-{group}")
        } else {
            format!("{job}-{group}-{task}")
        };
    }
    // structs Service.Canonicalize: the legacy `${JOB}`, `${TASKGROUP}`,
    // `${TASK}` and `${BASE}` (a group service's task is "group").
    let task_or_group = if task.is_empty() { "group" } else { task };
    if s.name.contains("${") {
        let base = format!("{job}-{group}-{task_or_group}");
        s.name = crate::gotext::replace_env(&s.name, |k| match k {
            "JOB" => Some(job),
            "TASKGROUP" => Some(group),
            "TASK" => Some(task_or_group),
            "BASE" => Some(base.as_str()),
            _ => None,
        });
    }
    if !s.spans.written("address_mode") {
        s.address_mode = "auto".into();
    }
    if !s.spans.written("provider") {
        s.provider = "consul".into();
    }
    // `on_update` arrived in 1.1.0; checks inherit the service's value.
    if v.at_least(1, 1, 0) && !s.spans.written("on_update") {
        s.on_update = "require_healthy".into();
    }
    // structs Service.Canonicalize names the task of a task service (1.4+),
    // and its checks inherit it.
    let task_services = v.at_least(1, 4, 0) && !task.is_empty();
    if task_services && s.task_name.is_empty() {
        s.task_name = task.to_string();
    }
    // api Service.Canonicalize (1.7+): the Consul cluster.
    if v.at_least(1, 7, 0) && s.cluster.is_empty() {
        s.cluster = "default".into();
    }
    // api ServiceWeights.Canonicalize: an unset weight is 1.
    if let Some(w) = &mut s.weights {
        w.passing = w.passing.max(1);
        w.warning = w.warning.max(1);
    }
    // A Consul service's own identity is named by the servers'
    // jobImplicitIdentitiesHook (mutators/identities.rs), after the Connect
    // hook has interpolated the service's name: not here.
    let svc = s.name.clone();
    let on_update = s.on_update.clone();
    for c in &mut s.checks {
        if task_services && c.task_name.is_empty() {
            c.task_name = s.task_name.clone();
        }
        if !c.spans.written("name") {
            c.name = format!("service: \"{svc}\" check");
        }
        if v.at_least(1, 1, 0) && !c.spans.written("on_update") {
            c.on_update = on_update.clone();
        }
    }
}

/// api `Resources.Canonicalize`: cpu 100 unless cpu or cores is written,
/// memory 300.
pub(super) fn resources(r: &mut Resources) {
    if !r.spans.written("cpu") && !r.spans.written("cores") {
        r.cpu = 100;
    }
    if !r.spans.written("memory") {
        r.memory_mb = 300;
    }
}

/// api `LogConfig.Canonicalize`: 10 files of 10 MB unless written.
pub(super) fn log_config(l: &mut LogConfig) {
    if !l.spans.written("max_files") {
        l.max_files = 10;
    }
    if !l.spans.written("max_file_size") {
        l.max_file_size_mb = 10;
    }
}

fn task(t: &mut Task, job: &str, group: &str, v: NomadVersion) {
    let r = &mut t.resources;
    resources(r);
    for n in &mut r.networks {
        network(n, v);
    }
    // structs Task.Canonicalize (every release: structs.go:5435-5437
    // @v0.9.3, :8144-8146@v2.0.5) also turns an explicit zero into the 5s
    // default; api Canonicalize only fills an unset one.
    if !t.spans.written("kill_timeout") || t.kill_timeout.0 == 0 {
        t.kill_timeout = Duration::secs(5);
    }
    log_config(&mut t.log_config);
    let tname = t.name.clone();
    for s in &mut t.services {
        service(s, job, group, &tname, v);
    }
    for a in &mut t.affinities {
        affinity(a);
    }
    // api RequestedDevice.Canonicalize gives a device's affinities the
    // same default weight (0.9.3 to 2.0.5).
    for d in &mut t.resources.devices {
        d.affinities.iter_mut().for_each(affinity);
    }
    for a in &mut t.artifacts {
        if !a.spans.written("mode") {
            a.getter_mode = "any".into();
        }
        if !a.spans.written("destination") {
            a.relative_dest = "local/".into();
        }
    }
    for tp in &mut t.templates {
        let s = tp.spans.clone();
        if !s.written("change_mode") {
            tp.change_mode = "restart".into();
        }
        if !s.written("splay") {
            tp.splay = Duration::secs(5);
        }
        if !s.written("perms") {
            tp.perms = "0644".into();
        }
        if !s.written("left_delimiter") {
            tp.left_delim = "{{".into();
        }
        if !s.written("right_delimiter") {
            tp.right_delim = "}}".into();
        }
        // VaultGrace was deprecated in 0.11: its default became 0.
        if !s.written("vault_grace") && !v.at_least(0, 11, 0) {
            tp.vault_grace = Duration::secs(15);
        }
        if !s.written("change_signal") && tp.change_mode == "signal" {
            tp.change_signal = "SIGHUP".into();
        } else {
            tp.change_signal = tp.change_signal.to_uppercase();
        }
    }
    if let Some(va) = &mut t.vault {
        if !va.spans.written("change_mode") {
            va.change_mode = "restart".into();
        }
        if !va.spans.written("change_signal") {
            va.change_signal = "SIGHUP".into();
        }
    }
}

#[cfg(test)]
#[path = "defaults_tests.rs"]
mod tests;
