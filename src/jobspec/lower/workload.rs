//! Lowering of the blocks later Nomad versions added: workload identities,
//! actions, secrets, schedules, Consul and CSI plugin settings, NUMA, the
//! job UI and multiregion. Every argument read here leaves the unmodelled
//! part; anything else a block writes stays there.

use super::*;

pub(super) fn identity(n: &Node, cx: &mut Cx<'_>) -> WorkloadIdentity {
    let mut f = F::new(
        n,
        cx,
        &[
            "name",
            "aud",
            "change_mode",
            "change_signal",
            "env",
            "file",
            "filepath",
            "service_name",
            "ttl",
            "extra_claims",
        ],
        "identity",
    );
    // Nomad's identity block has no label (its name is an argument); HCL
    // refuses one.
    if let Some((_, span)) = n.labels.first() {
        cx.error(
            "jobspec::unknown-key",
            *span,
            "Extraneous label for identity; No labels are expected for identity blocks.".into(),
            "unexpected label",
            "name the identity with the name argument: identity { name = \"...\" }",
        );
    }
    WorkloadIdentity {
        name: f.str(cx, "name").unwrap_or_default(),
        audience: f.strs(cx, "aud").unwrap_or_default(),
        change_mode: f.str(cx, "change_mode").unwrap_or_default(),
        change_signal: f.str(cx, "change_signal").unwrap_or_default(),
        env: f.bool(cx, "env").unwrap_or_default(),
        file: f.bool(cx, "file").unwrap_or_default(),
        filepath: f.str(cx, "filepath").unwrap_or_default(),
        service_name: f.str(cx, "service_name").unwrap_or_default(),
        ttl: f.dur(cx, "ttl").unwrap_or_default(),
        extra_claims: f.strs(cx, "extra_claims").unwrap_or_default(),
        spans: f.spans,
    }
}

pub(super) fn action(n: &Node, cx: &mut Cx<'_>) -> Action {
    let mut f = F::new(n, cx, &["command", "args"], "action");
    Action {
        name: f.label().unwrap_or_default().to_string(),
        command: f.str(cx, "command").unwrap_or_default(),
        args: f.strs(cx, "args").unwrap_or_default(),
        spans: f.spans,
    }
}

pub(super) fn secret(n: &Node, cx: &mut Cx<'_>) -> Secret {
    let mut f = F::new(n, cx, &["provider", "path", "config", "env"], "secret");
    let config = match f.block(cx, "config") {
        Some(c) => opaque(c),
        None => match f.value("config") {
            Some(Value::Map(m)) => m,
            _ => BTreeMap::new(),
        },
    };
    Secret {
        name: f.label().unwrap_or_default().to_string(),
        provider: f.str(cx, "provider").unwrap_or_default(),
        path: f.str(cx, "path").unwrap_or_default(),
        config,
        env: f.map(cx, "env"),
        spans: f.spans,
    }
}

pub(super) fn schedule(n: &Node, cx: &mut Cx<'_>) -> TaskSchedule {
    let mut f = F::new(n, cx, &["cron"], "schedule");
    let cron = f.block(cx, "cron").map(|c| {
        let mut cf = F::new(c, cx, &["start", "end", "timezone"], "cron");
        ScheduleCron {
            start: cf.str(cx, "start").unwrap_or_default(),
            end: cf.str(cx, "end").unwrap_or_default(),
            timezone: cf.str(cx, "timezone").unwrap_or_default(),
            spans: cf.spans,
        }
    });
    TaskSchedule {
        cron,
        spans: f.spans,
    }
}

pub(super) fn consul(n: &Node, cx: &mut Cx<'_>) -> Consul {
    let mut f = F::new(n, cx, &["namespace", "cluster", "partition"], "consul");
    Consul {
        namespace: f.str(cx, "namespace").unwrap_or_default(),
        cluster: f.str(cx, "cluster").unwrap_or_default(),
        partition: f.str(cx, "partition").unwrap_or_default(),
        spans: f.spans,
    }
}

pub(super) fn csi_plugin(n: &Node, cx: &mut Cx<'_>) -> CsiPluginConfig {
    let mut f = F::new(
        n,
        cx,
        &[
            "id",
            "type",
            "mount_dir",
            "stage_publish_base_dir",
            "health_timeout",
        ],
        "csi_plugin",
    );
    CsiPluginConfig {
        id: f.str(cx, "id").unwrap_or_default(),
        plugin_type: f.str(cx, "type").unwrap_or_default(),
        mount_dir: f.str(cx, "mount_dir").unwrap_or_default(),
        stage_publish_base_dir: f.str(cx, "stage_publish_base_dir").unwrap_or_default(),
        health_timeout: f.dur(cx, "health_timeout").unwrap_or_default(),
        spans: f.spans,
    }
}

pub(super) fn numa(n: &Node, cx: &mut Cx<'_>) -> Numa {
    let mut f = F::new(n, cx, &["affinity", "devices"], "numa");
    Numa {
        affinity: f.str(cx, "affinity").unwrap_or_default(),
        devices: f.strs(cx, "devices").unwrap_or_default(),
        spans: f.spans,
    }
}

pub(super) fn ui(n: &Node, cx: &mut Cx<'_>) -> JobUi {
    let mut f = F::new(n, cx, &["description", "link"], "ui");
    let links = f
        .blocks("link")
        .map(|l| {
            let mut lf = F::new(l, cx, &["label", "url"], "link");
            UiLink {
                label: lf.str(cx, "label").unwrap_or_default(),
                url: lf.str(cx, "url").unwrap_or_default(),
                spans: lf.spans,
            }
        })
        .collect();
    JobUi {
        description: f.str(cx, "description").unwrap_or_default(),
        links,
        spans: f.spans,
    }
}

/// `multiregion`, with api/jobs.go's canonical defaults (a region's count
/// is 1 unless written).
pub(super) fn multiregion(n: &Node, cx: &mut Cx<'_>) -> Multiregion {
    let mut f = F::new(n, cx, &["strategy", "region"], "multiregion");
    let mut m = Multiregion::default();
    if let Some(s) = f.block(cx, "strategy") {
        let mut sf = F::new(s, cx, &["max_parallel", "on_failure"], "strategy");
        m.strategy_max_parallel = sf.int(cx, "max_parallel").unwrap_or_default();
        m.strategy_on_failure = sf.str(cx, "on_failure").unwrap_or_default();
    }
    m.regions = f
        .blocks("region")
        .map(|r| {
            let mut rf = F::new(
                r,
                cx,
                &["count", "datacenters", "node_pool", "meta"],
                "region",
            );
            MultiregionRegion {
                name: rf.label().unwrap_or_default().to_string(),
                count: rf.int(cx, "count").unwrap_or(1),
                datacenters: rf.strs(cx, "datacenters").unwrap_or_default(),
                node_pool: rf.str(cx, "node_pool").unwrap_or_default(),
                meta: rf.map(cx, "meta"),
            }
        })
        .collect();
    m.spans = f.spans;
    m
}
