//! Lower the evaluated block tree into the typed [`Job`]: one function per
//! jobspec block, each naming the arguments and blocks Nomad accepts there.
//! Values are as written; Nomad's defaults are applied afterwards
//! (defaults.rs) for every field whose span says it was not written.

mod connect;
mod gateway;
mod narrow;
pub(super) use narrow::{go_amd64_int64, not_whole};
mod placement;
pub(super) use placement::AFFINITY_APPLIED;
mod service;
mod strategy;
mod task;
mod task_parts;
mod workload;

use connect::*;
use gateway::*;
use placement::*;
use service::*;
use strategy::*;
use task::*;
use task_parts::*;
use workload::*;

use super::fields::{opaque, Cx, F};
use super::model::*;
use super::tree::Node;
use std::collections::BTreeMap;

pub fn job(n: &Node, cx: &mut Cx<'_>) -> Job {
    // Not `vault_namespace`, `consul_namespace` nor a `consul` block: api.Job
    // gives the first two no `hcl` tag (set by the servers; api/jobs.go
    // @v1.0.0–v2.0.5) and has no Consul at all, and jobspec2 lifts only
    // `vault`, `secret` and `task` from the job body, so gohcl refuses them
    // as any unknown key (HCL1's valid list before 1.0 lacks them too).
    let mut f = F::new(
        n,
        cx,
        &[
            "region",
            "namespace",
            "id",
            "name",
            "type",
            "priority",
            "all_at_once",
            "datacenters",
            "node_pool",
            "constraint",
            "affinity",
            "spread",
            "group",
            "update",
            "periodic",
            "parameterized",
            "multiregion",
            "migrate",
            "reschedule",
            "meta",
            "vault_token",
            "consul_token",
            "vault",
            "ui",
            "task",
            "secret",
        ],
        "job",
    );
    let mut j = Job::default();
    // The label is both the ID and the Name; `id` replaces only the ID
    // (jobspec/parse.go@v0.9.3 parseJob sets both from the label before
    // WeakDecode; jobspec2/parse_job.go@v1.0.0–v2.0.5 normalizeJob gives a
    // nil Name the label), so `job "a" { id = "b" }` is ID "b", Name "a".
    let label = f.label().unwrap_or_default().to_string();
    j.id = f.str(cx, "id").unwrap_or_else(|| label.clone());
    j.name = f.str(cx, "name").unwrap_or(label);
    if let Some(t) = f.attr("type") {
        let text = crate::jobspec::eval::to_string(&t.value).unwrap_or_default();
        match JobType::parse(&text) {
            Some(jt) => {
                j.job_type = jt;
                f.spans.set("type", t.span);
            }
            // The servers refuse it (validate_job.rs); meanwhile it is
            // judged in the model as a batch job, whose defaults api's
            // TaskGroup.Canonicalize gives an unknown type
            // (validate_job::type_name keeps the written name).
            None => {
                j.job_type = JobType::Batch;
                j.refused_type = Some(text);
                f.spans.set("type", t.span);
            }
        }
    }
    j.priority = f.int(cx, "priority").unwrap_or_default();
    j.region = f.str(cx, "region").unwrap_or_default();
    j.namespace = f.str(cx, "namespace").unwrap_or_default();
    j.datacenters = f.strs_weak(cx, "datacenters").unwrap_or_default();
    j.node_pool = f.str(cx, "node_pool").unwrap_or_default();
    j.all_at_once = f.bool(cx, "all_at_once").unwrap_or_default();
    j.vault_token = f.str(cx, "vault_token").unwrap_or_default();
    j.consul_token = f.str(cx, "consul_token").unwrap_or_default();
    j.meta = f.map(cx, "meta");
    j.constraints = f.blocks("constraint").map(|b| constraint(b, cx)).collect();
    j.affinities = f.blocks("affinity").map(|b| affinity(b, cx)).collect();
    j.spreads = f.blocks("spread").map(|b| spread(b, cx)).collect();
    j.update = f.block(cx, "update").map(|b| update(b, cx));
    j.migrate = f.block(cx, "migrate").map(|b| migrate(b, cx));
    j.reschedule = f.block(cx, "reschedule").map(|b| reschedule(b, cx));
    j.periodic = f.block(cx, "periodic").map(|b| periodic(b, cx));
    j.parameterized = f.block(cx, "parameterized").map(|b| parameterized(b, cx));
    j.multiregion = f.block(cx, "multiregion").map(|b| multiregion(b, cx));
    j.ui = f.block(cx, "ui").map(|b| ui(b, cx));
    let job_vault = super::undecoded::job_vault(&mut f, cx).map(|b| vault(b, cx));
    let job_secrets: Vec<Secret> = f.blocks("secret").map(|b| secret(b, cx)).collect();
    j.groups = f.blocks("group").map(|b| group(b, cx)).collect();
    // HCL1 allowed a task directly in a job: Nomad wrapped it in a group of
    // the same name.
    for t in f.blocks("task") {
        let task = task(t, cx);
        j.groups.push(TaskGroup {
            name: task.name.clone(),
            spans: Spans::new(Some(t.span)),
            tasks: vec![task],
            ..TaskGroup::default()
        });
    }
    // jobspec2's normalizeJob (and jobspec v1's parse.go before it): a job
    // `vault` block is the vault of every task that has none.
    if let Some(v) = job_vault {
        inherit_vault(j.groups.iter_mut().flat_map(|g| g.tasks.iter_mut()), &v);
    }
    // jobspec2 normalizeJob (1.11+): the job's `secret` blocks follow every
    // task's own.
    for t in j.groups.iter_mut().flat_map(|g| g.tasks.iter_mut()) {
        t.secrets.extend(job_secrets.iter().cloned());
    }
    j.spans = f.spans;
    // Before 0.11 api's Canonicalize panics on such a job's reschedule
    // block (validate_job.rs).
    if let Some(span) = super::validate_job::canonicalize_panics(&j, cx.version) {
        cx.error(
            super::hcl1_syntax::CRASH,
            span,
            super::validate_job::panic_text(&j, cx.version),
            "read over no defaults",
            "write every field of the reschedule block (attempts, interval, delay, delay_function, max_delay, unlimited), or use a job type Nomad knows",
        );
    }
    j
}

fn inherit_vault<'a>(tasks: impl Iterator<Item = &'a mut Task>, v: &Vault) {
    for t in tasks.filter(|t| t.vault.is_none()) {
        t.vault = Some(v.clone());
    }
}

fn group(n: &Node, cx: &mut Cx<'_>) -> TaskGroup {
    let mut f = F::new(
        n,
        cx,
        &[
            "count",
            "constraint",
            "affinity",
            "spread",
            "network",
            "ephemeral_disk",
            "restart",
            "reschedule",
            "update",
            "migrate",
            "scaling",
            "volume",
            "service",
            "meta",
            "task",
            "shutdown_delay",
            "stop_after_client_disconnect",
            "max_client_disconnect",
            "prevent_reschedule_on_lost",
            "disconnect",
            "consul",
            "vault",
            "max_run_duration",
            "secret",
        ],
        "group",
    );
    let mut g = TaskGroup {
        name: f.label().unwrap_or_default().to_string(),
        ..TaskGroup::default()
    };
    g.count = f.int(cx, "count").unwrap_or_default();
    g.constraints = f.blocks("constraint").map(|b| constraint(b, cx)).collect();
    g.affinities = f.blocks("affinity").map(|b| affinity(b, cx)).collect();
    g.spreads = f.blocks("spread").map(|b| spread(b, cx)).collect();
    g.networks = f.blocks("network").map(|b| network(b, cx)).collect();
    if let Some(b) = f.block(cx, "ephemeral_disk") {
        g.ephemeral_disk = ephemeral_disk(b, cx);
    }
    if let Some(b) = f.block(cx, "restart") {
        g.restart = restart(b, cx);
    }
    g.reschedule = f.block(cx, "reschedule").map(|b| reschedule(b, cx));
    g.update = f.block(cx, "update").map(|b| update(b, cx));
    g.migrate = f.block(cx, "migrate").map(|b| migrate(b, cx));
    g.scaling = f.block(cx, "scaling").map(|b| scaling(b, cx));
    g.disconnect = f.block(cx, "disconnect").map(|b| disconnect(b, cx));
    g.consul = f.block(cx, "consul").map(|b| consul(b, cx));
    let group_vault = super::undecoded::group_vault(&mut f, cx).map(|b| vault(b, cx));
    // decodeTaskGroup drops the errors of the group's secrets as of its
    // vaults (undecoded.rs).
    let secret_blocks: Vec<&Node> = f.blocks("secret").collect();
    super::undecoded::mark(cx, &secret_blocks);
    let group_secrets: Vec<Secret> = secret_blocks.iter().map(|b| secret(b, cx)).collect();
    g.volumes = f.blocks("volume").map(|b| volume(b, cx)).collect();
    g.services = f.blocks("service").map(|b| service(b, cx)).collect();
    g.meta = f.map(cx, "meta");
    g.tasks = f.blocks("task").map(|b| task(b, cx)).collect();
    // A group `vault` is the vault of every task of the group that has none
    // (jobspec2 hcl_conversions.go decodeTaskGroup; HCL1 parse_group.go).
    if let Some(v) = group_vault {
        inherit_vault(g.tasks.iter_mut(), &v);
    }
    // jobspec2 decodeTaskGroup (1.11+): a task without secrets takes the
    // group's; a task with its own gets them twice instead (Nomad appends
    // the task's secrets to themselves), which Task.Validate then refuses
    // as duplicates.
    if !group_secrets.is_empty() {
        for t in &mut g.tasks {
            if t.secrets.is_empty() {
                t.secrets = group_secrets.clone();
            } else {
                let own = t.secrets.clone();
                t.secrets.extend(own);
            }
        }
    }
    g.max_run_duration = f.dur(cx, "max_run_duration");
    g.shutdown_delay = f.dur(cx, "shutdown_delay");
    g.stop_after_client_disconnect = f.dur(cx, "stop_after_client_disconnect");
    g.max_client_disconnect = f.dur(cx, "max_client_disconnect");
    g.prevent_reschedule_on_lost = f.bool(cx, "prevent_reschedule_on_lost").unwrap_or_default();
    g.spans = f.spans;
    g
}
