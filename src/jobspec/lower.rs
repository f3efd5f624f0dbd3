//! Lower the evaluated block tree into the typed [`Job`]: one function per
//! jobspec block, each naming the arguments and blocks Nomad accepts there.
//! Values are as written; Nomad's defaults are applied afterwards
//! (defaults.rs) for every field whose span says it was not written.

use super::fields::{opaque, Cx, F};
use super::model::*;
use super::tree::Node;

const CONSTRAINT_SUGAR: &[&str] = &[
    "distinct_hosts",
    "distinct_property",
    "regexp",
    "version",
    "semver",
    "set_contains",
    "set_contains_any",
    "set_contains_all",
];

pub fn job(n: &Node, cx: &mut Cx<'_>) -> Job {
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
            "consul",
            "ui",
            "vault_namespace",
            "consul_namespace",
            "task",
        ],
        "job",
    );
    let mut j = Job::default();
    let id = f.label().unwrap_or_default().to_string();
    j.id = f.str(cx, "id").unwrap_or(id);
    j.name = f.str(cx, "name").unwrap_or_default();
    if let Some(t) = f.attr("type") {
        let text = super::eval::to_string(&t.value).unwrap_or_default();
        match JobType::parse(&text) {
            Some(jt) => {
                j.job_type = jt;
                f.spans.set("type", t.span);
            }
            None => cx.error(
                "jobspec::value",
                t.value_span,
                format!("Invalid job type: \"{text}\""),
                "unknown job type",
                "use one of service, batch, system, sysbatch",
            ),
        }
    }
    j.priority = f.int(cx, "priority").unwrap_or_default();
    j.region = f.str(cx, "region").unwrap_or_default();
    j.namespace = f.str(cx, "namespace").unwrap_or_default();
    j.datacenters = f.strs(cx, "datacenters").unwrap_or_default();
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
    for name in ["multiregion", "vault", "consul", "ui"] {
        f.unmodelled_block(cx, name);
    }
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
    j.spans = f.spans;
    j
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
    f.unmodelled_block(cx, "consul");
    f.unmodelled_block(cx, "vault");
    g.volumes = f.blocks("volume").map(|b| volume(b, cx)).collect();
    g.services = f.blocks("service").map(|b| service(b, cx)).collect();
    g.meta = f.map(cx, "meta");
    g.tasks = f.blocks("task").map(|b| task(b, cx)).collect();
    g.shutdown_delay = f.dur(cx, "shutdown_delay");
    g.stop_after_client_disconnect = f.dur(cx, "stop_after_client_disconnect");
    g.max_client_disconnect = f.dur(cx, "max_client_disconnect");
    g.prevent_reschedule_on_lost = f.bool(cx, "prevent_reschedule_on_lost").unwrap_or_default();
    g.spans = f.spans;
    g
}

fn task(n: &Node, cx: &mut Cx<'_>) -> Task {
    let mut f = F::new(
        n,
        cx,
        &[
            "driver",
            "user",
            "config",
            "env",
            "meta",
            "resources",
            "constraint",
            "affinity",
            "service",
            "template",
            "artifact",
            "vault",
            "lifecycle",
            "logs",
            "volume_mount",
            "kill_timeout",
            "kill_signal",
            "shutdown_delay",
            "leader",
            "kind",
            "dispatch_payload",
            "restart",
            "scaling",
            "csi_plugin",
            "identity",
            "consul",
            "action",
            "schedule",
            "secret",
            "max_run_duration",
        ],
        "task",
    );
    let mut t = Task {
        name: f.label().unwrap_or_default().to_string(),
        ..Task::default()
    };
    t.driver = f.str(cx, "driver").unwrap_or_default();
    t.user = f.str(cx, "user").unwrap_or_default();
    if let Some(c) = f.block(cx, "config") {
        t.config = opaque(c);
    } else if let Some(Value::Map(m)) = f.value("config") {
        t.config = m;
    }
    t.env = f.map(cx, "env");
    t.meta = f.map(cx, "meta");
    if let Some(b) = f.block(cx, "resources") {
        t.resources = resources(b, cx);
    }
    t.constraints = f.blocks("constraint").map(|b| constraint(b, cx)).collect();
    t.affinities = f.blocks("affinity").map(|b| affinity(b, cx)).collect();
    t.services = f.blocks("service").map(|b| service(b, cx)).collect();
    t.templates = f.blocks("template").map(|b| template(b, cx)).collect();
    t.artifacts = f.blocks("artifact").map(|b| artifact(b, cx)).collect();
    t.vault = f.block(cx, "vault").map(|b| vault(b, cx));
    t.lifecycle = f.block(cx, "lifecycle").map(|b| {
        let mut f = F::new(b, cx, &["hook", "sidecar"], "lifecycle");
        Lifecycle {
            hook: f.str(cx, "hook").unwrap_or_default(),
            sidecar: f.bool(cx, "sidecar").unwrap_or_default(),
            spans: f.spans,
        }
    });
    if let Some(b) = f.block(cx, "logs") {
        let mut lf = F::new(
            b,
            cx,
            &["max_files", "max_file_size", "disabled", "enabled"],
            "logs",
        );
        t.log_config = LogConfig {
            max_files: lf.int(cx, "max_files").unwrap_or_default(),
            max_file_size_mb: lf.int(cx, "max_file_size").unwrap_or_default(),
            disabled: lf.bool(cx, "disabled").unwrap_or_default(),
            spans: lf.spans,
        };
    }
    t.volume_mounts = f
        .blocks("volume_mount")
        .map(|b| {
            let mut f = F::new(
                b,
                cx,
                &[
                    "volume",
                    "destination",
                    "read_only",
                    "propagation_mode",
                    "selinux_label",
                ],
                "volume_mount",
            );
            VolumeMount {
                volume: f.str(cx, "volume").unwrap_or_default(),
                destination: f.str(cx, "destination").unwrap_or_default(),
                read_only: f.bool(cx, "read_only").unwrap_or_default(),
                propagation_mode: f.str(cx, "propagation_mode").unwrap_or_default(),
                selinux_label: f.str(cx, "selinux_label").unwrap_or_default(),
            }
        })
        .collect();
    t.kill_timeout = f.dur(cx, "kill_timeout").unwrap_or_default();
    t.kill_signal = f.str(cx, "kill_signal").unwrap_or_default();
    t.shutdown_delay = f.dur(cx, "shutdown_delay").unwrap_or_default();
    t.leader = f.bool(cx, "leader").unwrap_or_default();
    t.kind = f.str(cx, "kind").unwrap_or_default();
    if let Some(b) = f.block(cx, "dispatch_payload") {
        let mut df = F::new(b, cx, &["file"], "dispatch_payload");
        t.dispatch_payload_file = df.str(cx, "file");
    }
    task_scaling(&f, cx);
    // Tasks may carry several labelled `scaling "cpu"`/`identity "x"` blocks.
    t.restart = f.block(cx, "restart").map(|b| restart(b, cx));
    for name in ["csi_plugin", "consul", "schedule"] {
        f.unmodelled_block(cx, name);
    }
    t.spans = f.spans;
    t
}

fn resources(n: &Node, cx: &mut Cx<'_>) -> Resources {
    let mut f = F::new(
        n,
        cx,
        &[
            "cpu",
            "cores",
            "memory",
            "memory_max",
            "disk",
            "iops",
            "network",
            "device",
            "numa",
            "secrets",
        ],
        "resources",
    );
    let mut r = Resources {
        cpu: f.int(cx, "cpu").unwrap_or_default(),
        cores: f.int(cx, "cores").unwrap_or_default(),
        memory_mb: f.int(cx, "memory").unwrap_or_default(),
        memory_max_mb: f.int(cx, "memory_max").unwrap_or_default(),
        disk_mb: f.int(cx, "disk").unwrap_or_default(),
        iops: f.int(cx, "iops").unwrap_or_default(),
        secrets_mb: f.int(cx, "secrets").unwrap_or_default(),
        ..Resources::default()
    };
    r.networks = f.blocks("network").map(|b| network(b, cx)).collect();
    r.devices = f
        .blocks("device")
        .map(|b| {
            let mut df = F::new(b, cx, &["count", "constraint", "affinity"], "device");
            RequestedDevice {
                name: df.label().unwrap_or_default().to_string(),
                count: df.int(cx, "count").unwrap_or(1),
                constraints: df.blocks("constraint").map(|c| constraint(c, cx)).collect(),
                affinities: df.blocks("affinity").map(|c| affinity(c, cx)).collect(),
                spans: df.spans,
            }
        })
        .collect();
    f.unmodelled_block(cx, "numa");
    r.spans = f.spans;
    r
}

fn network(n: &Node, cx: &mut Cx<'_>) -> Network {
    let mut f = F::new(
        n,
        cx,
        &["mode", "mbits", "hostname", "port", "dns", "cni"],
        "network",
    );
    let mut net = Network {
        mode: f.str(cx, "mode").unwrap_or_default(),
        mbits: f.int(cx, "mbits").unwrap_or_default(),
        hostname: f.str(cx, "hostname").unwrap_or_default(),
        ..Network::default()
    };
    for p in f.blocks("port") {
        let mut pf = F::new(
            p,
            cx,
            &["static", "to", "host_network", "ignore_collision"],
            "port",
        );
        let port = Port {
            label: pf.label().unwrap_or_default().to_string(),
            value: pf.int(cx, "static").unwrap_or_default(),
            to: pf.int(cx, "to").unwrap_or_default(),
            host_network: pf.str(cx, "host_network").unwrap_or_default(),
            ignore_collision: pf.bool(cx, "ignore_collision").unwrap_or_default(),
            spans: pf.spans,
        };
        if port.spans.written("static") {
            net.reserved_ports.push(port);
        } else {
            net.dynamic_ports.push(port);
        }
    }
    if let Some(d) = f.block(cx, "dns") {
        let mut df = F::new(d, cx, &["servers", "searches", "options"], "dns");
        net.dns = Some(DnsConfig {
            servers: df.strs(cx, "servers").unwrap_or_default(),
            searches: df.strs(cx, "searches").unwrap_or_default(),
            options: df.strs(cx, "options").unwrap_or_default(),
        });
    }
    if let Some(c) = f.block(cx, "cni") {
        let mut cf = F::new(c, cx, &["args"], "cni");
        net.cni = Some(cf.map(cx, "args"));
    }
    net.spans = f.spans;
    net
}

fn constraint_like(f: &mut F<'_>, cx: &mut Cx<'_>) -> (String, String, String) {
    let mut l = f.str(cx, "attribute").unwrap_or_default();
    let mut op = f.str(cx, "operator").unwrap_or_default();
    let mut r = f.str(cx, "value").unwrap_or_default();
    // Nomad's shorthand keys (`distinct_hosts = true`, `regexp = "..."`) set
    // the operator and take the value from the key.
    for sugar in CONSTRAINT_SUGAR {
        if let Some(a) = f.attr(sugar) {
            f.spans.set(sugar, a.span);
            op = sugar.to_string();
            let v = super::eval::to_string(&a.value).unwrap_or_default();
            if *sugar == "distinct_hosts" {
                r = String::new();
                if v != "true" {
                    op.clear();
                }
            } else if *sugar == "distinct_property" {
                l = v;
            } else {
                r = v;
            }
        }
    }
    if op.is_empty() && (f.spans.written("attribute") || f.spans.written("value")) {
        op = "=".into();
    }
    (l, op, r)
}

fn constraint(n: &Node, cx: &mut Cx<'_>) -> Constraint {
    let mut known = vec!["attribute", "operator", "value"];
    known.extend_from_slice(CONSTRAINT_SUGAR);
    let mut f = F::new(n, cx, &known, "constraint");
    let (ltarget, operand, rtarget) = constraint_like(&mut f, cx);
    Constraint {
        ltarget,
        rtarget,
        operand,
        spans: f.spans,
    }
}

fn affinity(n: &Node, cx: &mut Cx<'_>) -> Affinity {
    let mut known = vec!["attribute", "operator", "value", "weight"];
    known.extend_from_slice(CONSTRAINT_SUGAR);
    let mut f = F::new(n, cx, &known, "affinity");
    let (ltarget, operand, rtarget) = constraint_like(&mut f, cx);
    let weight = f.int(cx, "weight").unwrap_or_default();
    Affinity {
        ltarget,
        rtarget,
        operand,
        weight,
        spans: f.spans,
    }
}

fn spread(n: &Node, cx: &mut Cx<'_>) -> Spread {
    let mut f = F::new(n, cx, &["attribute", "weight", "target"], "spread");
    let mut s = Spread {
        attribute: f.str(cx, "attribute").unwrap_or_default(),
        weight: f.int(cx, "weight").unwrap_or_default(),
        ..Spread::default()
    };
    s.targets = f
        .blocks("target")
        .map(|t| {
            let mut tf = F::new(t, cx, &["value", "percent"], "target");
            SpreadTarget {
                value: tf
                    .str(cx, "value")
                    .or_else(|| tf.label().map(str::to_string))
                    .unwrap_or_default(),
                percent: tf.int(cx, "percent").unwrap_or_default(),
            }
        })
        .collect();
    s.spans = f.spans;
    s
}

fn update(n: &Node, cx: &mut Cx<'_>) -> UpdateStrategy {
    let mut f = F::new(
        n,
        cx,
        &[
            "stagger",
            "max_parallel",
            "health_check",
            "min_healthy_time",
            "healthy_deadline",
            "progress_deadline",
            "auto_revert",
            "auto_promote",
            "canary",
        ],
        "update",
    );
    UpdateStrategy {
        stagger: f.dur(cx, "stagger").unwrap_or_default(),
        max_parallel: f.int(cx, "max_parallel").unwrap_or_default(),
        health_check: f.str(cx, "health_check").unwrap_or_default(),
        min_healthy_time: f.dur(cx, "min_healthy_time").unwrap_or_default(),
        healthy_deadline: f.dur(cx, "healthy_deadline").unwrap_or_default(),
        progress_deadline: f.dur(cx, "progress_deadline").unwrap_or_default(),
        auto_revert: f.bool(cx, "auto_revert").unwrap_or_default(),
        auto_promote: f.bool(cx, "auto_promote").unwrap_or_default(),
        canary: f.int(cx, "canary").unwrap_or_default(),
        spans: f.spans,
    }
}

fn migrate(n: &Node, cx: &mut Cx<'_>) -> MigrateStrategy {
    let mut f = F::new(
        n,
        cx,
        &[
            "max_parallel",
            "health_check",
            "min_healthy_time",
            "healthy_deadline",
        ],
        "migrate",
    );
    MigrateStrategy {
        max_parallel: f.int(cx, "max_parallel").unwrap_or_default(),
        health_check: f.str(cx, "health_check").unwrap_or_default(),
        min_healthy_time: f.dur(cx, "min_healthy_time").unwrap_or_default(),
        healthy_deadline: f.dur(cx, "healthy_deadline").unwrap_or_default(),
        spans: f.spans,
    }
}

fn reschedule(n: &Node, cx: &mut Cx<'_>) -> ReschedulePolicy {
    let mut f = F::new(
        n,
        cx,
        &[
            "attempts",
            "interval",
            "delay",
            "delay_function",
            "max_delay",
            "unlimited",
        ],
        "reschedule",
    );
    ReschedulePolicy {
        attempts: f.int(cx, "attempts").unwrap_or_default(),
        interval: f.dur(cx, "interval").unwrap_or_default(),
        delay: f.dur(cx, "delay").unwrap_or_default(),
        delay_function: f.str(cx, "delay_function").unwrap_or_default(),
        max_delay: f.dur(cx, "max_delay").unwrap_or_default(),
        unlimited: f.bool(cx, "unlimited").unwrap_or_default(),
        spans: f.spans,
    }
}

fn restart(n: &Node, cx: &mut Cx<'_>) -> RestartPolicy {
    let mut f = F::new(
        n,
        cx,
        &["attempts", "interval", "delay", "mode", "render_templates"],
        "restart",
    );
    RestartPolicy {
        attempts: f.int(cx, "attempts").unwrap_or_default(),
        interval: f.dur(cx, "interval").unwrap_or_default(),
        delay: f.dur(cx, "delay").unwrap_or_default(),
        mode: f.str(cx, "mode").unwrap_or_default(),
        render_templates: f.bool(cx, "render_templates").unwrap_or_default(),
        spans: f.spans,
    }
}

fn ephemeral_disk(n: &Node, cx: &mut Cx<'_>) -> EphemeralDisk {
    let mut f = F::new(n, cx, &["sticky", "migrate", "size"], "ephemeral_disk");
    EphemeralDisk {
        sticky: f.bool(cx, "sticky").unwrap_or_default(),
        migrate: f.bool(cx, "migrate").unwrap_or_default(),
        size_mb: f.int(cx, "size").unwrap_or_default(),
        spans: f.spans,
    }
}

fn periodic(n: &Node, cx: &mut Cx<'_>) -> Periodic {
    let mut f = F::new(
        n,
        cx,
        &["cron", "crons", "prohibit_overlap", "time_zone", "enabled"],
        "periodic",
    );
    let mut specs = f.strs(cx, "crons").unwrap_or_default();
    if let Some(c) = f.str(cx, "cron") {
        specs.insert(0, c);
    }
    Periodic {
        specs,
        spec_type: "cron".into(),
        prohibit_overlap: f.bool(cx, "prohibit_overlap").unwrap_or_default(),
        time_zone: f.str(cx, "time_zone").unwrap_or_default(),
        enabled: f.bool(cx, "enabled").unwrap_or(true),
        spans: f.spans,
    }
}

fn parameterized(n: &Node, cx: &mut Cx<'_>) -> Parameterized {
    let mut f = F::new(
        n,
        cx,
        &["payload", "meta_required", "meta_optional"],
        "parameterized",
    );
    Parameterized {
        payload: f.str(cx, "payload").unwrap_or_default(),
        meta_required: f.strs(cx, "meta_required").unwrap_or_default(),
        meta_optional: f.strs(cx, "meta_optional").unwrap_or_default(),
        spans: f.spans,
    }
}

/// Task `scaling "cpu"` / `scaling "mem"` blocks (vertical autoscaling).
fn task_scaling(f: &F<'_>, cx: &mut Cx<'_>) {
    let mut seen: Vec<&str> = Vec::new();
    for b in f.blocks("scaling") {
        let mut sf = F::new(
            b,
            cx,
            &["min", "max", "enabled", "policy", "type"],
            "scaling",
        );
        let header = b.header_span();
        match b.labels.as_slice() {
            [] => cx.error(
                "jobspec::scaling",
                header,
                "task scaling policy missing name".into(),
                "no name",
                "write `scaling \"cpu\" { ... }` or `scaling \"mem\" { ... }`",
            ),
            [(name, span)] => {
                if name != "cpu" && name != "mem" {
                    cx.error(
                        "jobspec::scaling",
                        *span,
                        format!("scaling policy name must be \"cpu\" or \"mem\", not \"{name}\""),
                        "unknown resource",
                        "task scaling policies scale \"cpu\" or \"mem\"",
                    );
                } else if seen.contains(&name.as_str()) {
                    cx.error("jobspec::duplicate", *span, format!("Duplicate scaling \"{name}\" block: a scaling policy cannot be defined more than once"), "defined again here", "merge the two scaling blocks");
                } else {
                    seen.push(name);
                    if let Some(t) = sf.str(cx, "type") {
                        let want = format!("vertical_{name}");
                        if t != want {
                            let span = sf.spans.best("type").unwrap_or(header);
                            cx.error("jobspec::scaling", span, format!("Invalid scaling policy type: policy had invalid 'type': \"{t}\""), "wrong type", &format!("a `scaling \"{name}\"` policy has type \"{want}\" (or leave type out)"));
                        }
                    }
                }
            }
            [_, (_, extra), ..] => cx.error(
                "jobspec::scaling",
                *extra,
                "task scaling policy should only have one name".into(),
                "extra label",
                "keep one label: \"cpu\" or \"mem\"",
            ),
        }
        sf.block(cx, "policy");
    }
}

fn scaling(n: &Node, cx: &mut Cx<'_>) -> Scaling {
    let mut f = F::new(
        n,
        cx,
        &["min", "max", "enabled", "policy", "type"],
        "scaling",
    );
    if let Some((_, span)) = n.labels.first() {
        cx.error(
            "jobspec::scaling",
            *span,
            "task group scaling policy should not have a name".into(),
            "unexpected label",
            "write `scaling { ... }` in a group",
        );
    }
    if let Some(t) = f.str(cx, "type") {
        if t != "horizontal" {
            let span = f.spans.best("type").unwrap_or(n.span);
            cx.error(
                "jobspec::scaling",
                span,
                format!("task group scaling policy had invalid type: \"{t}\""),
                "invalid type",
                "group scaling policies are \"horizontal\" (or leave type out)",
            );
        }
    }
    if f.attr("max").is_none() {
        cx.error(
            "jobspec::missing",
            n.ident_span,
            "Missing required argument: the argument \"max\" is required".into(),
            "no max",
            "add `max = <count>`",
        );
    }
    let policy = f.block(cx, "policy").map(|p| Value::Map(opaque(p)));
    Scaling {
        min: f.int(cx, "min"),
        max: f.int(cx, "max").unwrap_or_default(),
        enabled: f.bool(cx, "enabled").unwrap_or(true),
        policy,
        spans: f.spans,
    }
}

fn disconnect(n: &Node, cx: &mut Cx<'_>) -> Disconnect {
    let mut f = F::new(
        n,
        cx,
        &["lost_after", "replace", "reconcile", "stop_on_client_after"],
        "disconnect",
    );
    Disconnect {
        lost_after: f.dur(cx, "lost_after"),
        stop_on_client_after: f.dur(cx, "stop_on_client_after"),
        replace: f.bool(cx, "replace"),
        reconcile: f.str(cx, "reconcile").unwrap_or_default(),
        spans: f.spans,
    }
}

fn volume(n: &Node, cx: &mut Cx<'_>) -> Volume {
    let mut f = F::new(
        n,
        cx,
        &[
            "type",
            "source",
            "read_only",
            "access_mode",
            "attachment_mode",
            "per_alloc",
            "mount_options",
            "sticky",
        ],
        "volume",
    );
    let mount_options = f.block(cx, "mount_options").map(|m| {
        let mut mf = F::new(m, cx, &["fs_type", "mount_flags"], "mount_options");
        CsiMountOptions {
            fs_type: mf.str(cx, "fs_type").unwrap_or_default(),
            mount_flags: mf.strs(cx, "mount_flags").unwrap_or_default(),
        }
    });
    Volume {
        sticky: f.bool(cx, "sticky").unwrap_or_default(),
        mount_options,
        name: f.label().unwrap_or_default().to_string(),
        volume_type: f.str(cx, "type").unwrap_or_default(),
        source: f.str(cx, "source").unwrap_or_default(),
        read_only: f.bool(cx, "read_only").unwrap_or_default(),
        access_mode: f.str(cx, "access_mode").unwrap_or_default(),
        attachment_mode: f.str(cx, "attachment_mode").unwrap_or_default(),
        per_alloc: f.bool(cx, "per_alloc").unwrap_or_default(),
        spans: f.spans,
    }
}

fn service(n: &Node, cx: &mut Cx<'_>) -> Service {
    let mut f = F::new(
        n,
        cx,
        &[
            "name",
            "port",
            "address_mode",
            "address",
            "provider",
            "tags",
            "canary_tags",
            "enable_tag_override",
            "check",
            "meta",
            "canary_meta",
            "task",
            "on_update",
            "connect",
            "tagged_addresses",
            "identity",
            "cluster",
            "weights",
            "kind",
            "check_restart",
        ],
        "service",
    );
    let mut s = Service {
        name: f.str(cx, "name").unwrap_or_default(),
        port_label: f.str(cx, "port").unwrap_or_default(),
        address_mode: f.str(cx, "address_mode").unwrap_or_default(),
        provider: f.str(cx, "provider").unwrap_or_default(),
        tags: f.strs(cx, "tags").unwrap_or_default(),
        canary_tags: f.strs(cx, "canary_tags").unwrap_or_default(),
        enable_tag_override: f.bool(cx, "enable_tag_override").unwrap_or_default(),
        task_name: f.str(cx, "task").unwrap_or_default(),
        on_update: f.str(cx, "on_update").unwrap_or_default(),
        ..Service::default()
    };
    s.meta = f.map(cx, "meta");
    s.canary_meta = f.map(cx, "canary_meta");
    // Kept opaque for the admission checks; diffed as unmodelled.
    s.connect = f
        .unmodelled_block(cx, "connect")
        .map(|c| Value::Map(opaque(c)));
    f.unmodelled_block(cx, "identity");
    s.checks = f.blocks("check").map(|c| check(c, cx)).collect();
    s.spans = f.spans;
    s
}

fn check(n: &Node, cx: &mut Cx<'_>) -> ServiceCheck {
    let mut f = F::new(
        n,
        cx,
        &[
            "name",
            "type",
            "command",
            "args",
            "path",
            "protocol",
            "port",
            "expose",
            "address_mode",
            "interval",
            "timeout",
            "initial_status",
            "tls_skip_verify",
            "tls_server_name",
            "method",
            "header",
            "body",
            "grpc_service",
            "grpc_use_tls",
            "task",
            "on_update",
            "success_before_passing",
            "failures_before_critical",
            "failures_before_warning",
            "check_restart",
            "notes",
        ],
        "check",
    );
    let mut c = ServiceCheck {
        name: f.str(cx, "name").unwrap_or_default(),
        check_type: f.str(cx, "type").unwrap_or_default(),
        command: f.str(cx, "command").unwrap_or_default(),
        args: f.strs(cx, "args").unwrap_or_default(),
        path: f.str(cx, "path").unwrap_or_default(),
        protocol: f.str(cx, "protocol").unwrap_or_default(),
        port_label: f.str(cx, "port").unwrap_or_default(),
        expose: f.bool(cx, "expose").unwrap_or_default(),
        address_mode: f.str(cx, "address_mode").unwrap_or_default(),
        interval: f.dur(cx, "interval").unwrap_or_default(),
        timeout: f.dur(cx, "timeout").unwrap_or_default(),
        initial_status: f.str(cx, "initial_status").unwrap_or_default(),
        tls_skip_verify: f.bool(cx, "tls_skip_verify").unwrap_or_default(),
        method: f.str(cx, "method").unwrap_or_default(),
        body: f.str(cx, "body").unwrap_or_default(),
        grpc_service: f.str(cx, "grpc_service").unwrap_or_default(),
        grpc_use_tls: f.bool(cx, "grpc_use_tls").unwrap_or_default(),
        task_name: f.str(cx, "task").unwrap_or_default(),
        on_update: f.str(cx, "on_update").unwrap_or_default(),
        success_before_passing: f.int(cx, "success_before_passing").unwrap_or_default(),
        failures_before_critical: f.int(cx, "failures_before_critical").unwrap_or_default(),
        ..ServiceCheck::default()
    };
    let header_block = f.block(cx, "header");
    if let Some(h) = header_block {
        for a in &h.attrs {
            let vals = match &a.value {
                Value::List(l) => l.iter().filter_map(super::eval::to_string).collect(),
                other => super::eval::to_string(other).into_iter().collect(),
            };
            c.header.insert(a.name.clone(), vals);
        }
    }
    if let Some(r) = f.block(cx, "check_restart") {
        let mut rf = F::new(
            r,
            cx,
            &["limit", "grace", "ignore_warnings"],
            "check_restart",
        );
        c.check_restart = Some(CheckRestart {
            limit: rf.int(cx, "limit").unwrap_or_default(),
            grace: rf.dur(cx, "grace").unwrap_or_default(),
            ignore_warnings: rf.bool(cx, "ignore_warnings").unwrap_or_default(),
        });
    }
    c.spans = f.spans;
    c
}

fn template(n: &Node, cx: &mut Cx<'_>) -> Template {
    let mut f = F::new(
        n,
        cx,
        &[
            "source",
            "destination",
            "data",
            "change_mode",
            "change_signal",
            "change_script",
            "splay",
            "perms",
            "uid",
            "gid",
            "left_delimiter",
            "right_delimiter",
            "env",
            "vault_grace",
            "wait",
            "error_on_missing_key",
            "once",
        ],
        "template",
    );
    let wait = f.block(cx, "wait").map(|w| {
        let mut wf = F::new(w, cx, &["min", "max"], "wait");
        WaitConfig {
            min: wf.dur(cx, "min"),
            max: wf.dur(cx, "max"),
        }
    });
    let change_script = f.block(cx, "change_script").map(|c| {
        let mut cf = F::new(
            c,
            cx,
            &[
                "command",
                "args",
                "timeout",
                "fail_on_error",
                "run_on_first_render",
            ],
            "change_script",
        );
        ChangeScript {
            command: cf.str(cx, "command").unwrap_or_default(),
            args: cf.strs(cx, "args").unwrap_or_default(),
            timeout: cf.dur(cx, "timeout").unwrap_or(Duration::secs(5)),
            fail_on_error: cf.bool(cx, "fail_on_error").unwrap_or_default(),
            run_on_first_render: cf.bool(cx, "run_on_first_render").unwrap_or_default(),
        }
    });
    Template {
        uid: f.int(cx, "uid"),
        gid: f.int(cx, "gid"),
        err_missing_key: f.bool(cx, "error_on_missing_key").unwrap_or_default(),
        once: f.bool(cx, "once").unwrap_or_default(),
        wait,
        change_script,
        source_path: f.str(cx, "source").unwrap_or_default(),
        dest_path: f.str(cx, "destination").unwrap_or_default(),
        embedded_tmpl: f.str(cx, "data").unwrap_or_default(),
        change_mode: f.str(cx, "change_mode").unwrap_or_default(),
        change_signal: f.str(cx, "change_signal").unwrap_or_default(),
        splay: f.dur(cx, "splay").unwrap_or_default(),
        perms: f.str(cx, "perms").unwrap_or_default(),
        left_delim: f.str(cx, "left_delimiter").unwrap_or_default(),
        right_delim: f.str(cx, "right_delimiter").unwrap_or_default(),
        envvars: f.bool(cx, "env").unwrap_or_default(),
        vault_grace: f.dur(cx, "vault_grace").unwrap_or_default(),
        spans: f.spans,
    }
}

fn artifact(n: &Node, cx: &mut Cx<'_>) -> Artifact {
    let mut f = F::new(
        n,
        cx,
        &[
            "source",
            "destination",
            "mode",
            "options",
            "headers",
            "chown",
            "insecure",
        ],
        "artifact",
    );
    Artifact {
        insecure: f.bool(cx, "insecure").unwrap_or_default(),
        chown: f.bool(cx, "chown").unwrap_or_default(),
        getter_source: f.str(cx, "source").unwrap_or_default(),
        relative_dest: f.str(cx, "destination").unwrap_or_default(),
        getter_mode: f.str(cx, "mode").unwrap_or_default(),
        getter_options: f.map(cx, "options"),
        getter_headers: f.map(cx, "headers"),
        spans: f.spans,
    }
}

fn vault(n: &Node, cx: &mut Cx<'_>) -> Vault {
    let mut f = F::new(
        n,
        cx,
        &[
            "policies",
            "namespace",
            "env",
            "disable_file",
            "change_mode",
            "change_signal",
            "role",
            "cluster",
            "allow_token_expiration",
        ],
        "vault",
    );
    Vault {
        policies: f.strs(cx, "policies").unwrap_or_default(),
        namespace: f.str(cx, "namespace").unwrap_or_default(),
        env: f.bool(cx, "env").unwrap_or(true),
        change_mode: f.str(cx, "change_mode").unwrap_or_default(),
        change_signal: f.str(cx, "change_signal").unwrap_or_default(),
        role: f.str(cx, "role").unwrap_or_default(),
        cluster: f.str(cx, "cluster").unwrap_or_default(),
        disable_file: f.bool(cx, "disable_file").unwrap_or_default(),
        allow_token_expiration: f.bool(cx, "allow_token_expiration").unwrap_or_default(),
        spans: f.spans,
    }
}
