//! Lowering of services and their checks.

use super::*;

pub(super) fn service(n: &Node, cx: &mut Cx<'_>) -> Service {
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
            // 1.0.0 to 1.2.x only (version_keys gates it): read below and
            // dropped, as Nomad drops it.
            "id",
        ],
        "service",
    );
    // api.Service's `id` ("FIXME Id is unused", api/services.go v1.0.0 to
    // v1.2.9; gone from 1.3.0, version_keys refuses it) is decoded but
    // ApiServicesToStructs (command/agent/job_endpoint.go, same tags)
    // copies no Id: Nomad's plan never sees it.
    let _ = f.str(cx, "id");
    let mut s = Service {
        name: f.str(cx, "name").unwrap_or_default(),
        port_label: f.str(cx, "port").unwrap_or_default(),
        address_mode: f.str(cx, "address_mode").unwrap_or_default(),
        address: f.str(cx, "address").unwrap_or_default(),
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
    s.connect = f.block(cx, "connect").map(|c| connect(c, cx));
    s.tagged_addresses = f.map(cx, "tagged_addresses");
    s.cluster = f.str(cx, "cluster").unwrap_or_default();
    s.kind = f.str(cx, "kind").unwrap_or_default();
    s.weights = f.block(cx, "weights").map(|w| {
        let mut wf = F::new(w, cx, &["passing", "warning"], "weights");
        ServiceWeights {
            passing: wf.int(cx, "passing").unwrap_or_default(),
            warning: wf.int(cx, "warning").unwrap_or_default(),
            spans: wf.spans,
        }
    });
    s.identity = f.block(cx, "identity").map(|b| identity(b, cx));
    let shared = f.block(cx, "check_restart").map(|r| check_restart(r, cx));
    s.checks = f
        .blocks("check")
        .map(|c| {
            let (mut check, own) = check(c, cx);
            check.check_restart = merge_check_restart(shared.as_ref(), own);
            check
        })
        .collect();
    s.spans = f.spans;
    s
}

/// A `check_restart` block as written: whether `grace` was written matters
/// when a service's block is merged into its checks'.
pub(super) struct WrittenCheckRestart {
    limit: i64,
    grace: Option<Duration>,
    ignore_warnings: bool,
}

fn check_restart(r: &Node, cx: &mut Cx<'_>) -> WrittenCheckRestart {
    let mut rf = F::new(
        r,
        cx,
        &["limit", "grace", "ignore_warnings"],
        "check_restart",
    );
    WrittenCheckRestart {
        limit: rf.int(cx, "limit").unwrap_or_default(),
        grace: rf.dur(cx, "grace"),
        ignore_warnings: rf.bool(cx, "ignore_warnings").unwrap_or_default(),
    }
}

/// api/services.go `Service.Canonicalize`: a service's `check_restart` is
/// merged into each check's (`CheckRestart.Merge`: the check's own
/// `limit` > 0, `grace` and `ignore_warnings = true` win), then
/// `CheckRestart.Canonicalize` gives an unwritten `grace` 1s.
fn merge_check_restart(
    service: Option<&WrittenCheckRestart>,
    own: Option<WrittenCheckRestart>,
) -> Option<CheckRestart> {
    let merged = match (service, own) {
        (None, None) => return None,
        (None, Some(c)) => c,
        (Some(s), None) => WrittenCheckRestart { ..*s },
        (Some(s), Some(c)) => WrittenCheckRestart {
            limit: if c.limit > 0 { c.limit } else { s.limit },
            grace: c.grace.or(s.grace),
            ignore_warnings: c.ignore_warnings || s.ignore_warnings,
        },
    };
    Some(CheckRestart {
        limit: merged.limit,
        grace: merged.grace.unwrap_or(Duration::secs(1)),
        ignore_warnings: merged.ignore_warnings,
    })
}

/// A check, and its own `check_restart` as written (merged with the
/// service's by the caller).
pub(super) fn check(n: &Node, cx: &mut Cx<'_>) -> (ServiceCheck, Option<WrittenCheckRestart>) {
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
            "advertise",
            // 1.0.0 to 1.2.x only, as a service's `id`.
            "id",
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
        failures_before_warning: f.int(cx, "failures_before_warning").unwrap_or_default(),
        tls_server_name: f.str(cx, "tls_server_name").unwrap_or_default(),
        notes: f.str(cx, "notes").unwrap_or_default(),
        ..ServiceCheck::default()
    };
    // api ServiceCheck's `advertise` is decoded but never reaches the
    // servers (command/agent/job_endpoint.go ApiServicesToStructs copies no
    // Advertise): read, and dropped as Nomad drops it.
    let _ = f.str(cx, "advertise");
    // api.ServiceCheck's `id` (1.0.0 to 1.2.x), likewise never copied.
    let _ = f.str(cx, "id");
    let header_block = f.block(cx, "header");
    if let Some(h) = header_block {
        for a in &h.attrs {
            let vals = match &a.value {
                Value::List(l) => l
                    .iter()
                    .filter_map(crate::jobspec::eval::to_string)
                    .collect(),
                other => crate::jobspec::eval::to_string(other).into_iter().collect(),
            };
            c.header.insert(a.name.clone(), vals);
        }
    }
    let own = f.block(cx, "check_restart").map(|r| check_restart(r, cx));
    c.spans = f.spans;
    (c, own)
}
