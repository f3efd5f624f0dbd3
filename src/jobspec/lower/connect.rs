//! Lowering of a service's `connect` block, with the argument and block
//! names of `api/consul.go`'s hcl tags (its `gateway` in `gateway.rs`).

use super::*;

pub(super) fn connect(n: &Node, cx: &mut Cx<'_>) -> ConsulConnect {
    let mut f = F::new(
        n,
        cx,
        &["native", "gateway", "sidecar_service", "sidecar_task"],
        "connect",
    );
    let mut c = ConsulConnect {
        native: f.bool(cx, "native").unwrap_or_default(),
        ..ConsulConnect::default()
    };
    c.sidecar_service = f
        .block(cx, "sidecar_service")
        .map(|b| sidecar_service(b, cx));
    c.sidecar_task = f.block(cx, "sidecar_task").map(|b| sidecar_task(b, cx));
    c.gateway = f.block(cx, "gateway").map(|g| gateway(g, cx));
    c.spans = f.spans;
    c
}

fn sidecar_service(n: &Node, cx: &mut Cx<'_>) -> SidecarService {
    let mut f = F::new(
        n,
        cx,
        &["tags", "port", "proxy", "disable_default_tcp_check", "meta"],
        "sidecar_service",
    );
    let mut s = SidecarService {
        tags: f.strs(cx, "tags").unwrap_or_default(),
        port: f.str(cx, "port").unwrap_or_default(),
        disable_default_tcp_check: f.bool(cx, "disable_default_tcp_check").unwrap_or_default(),
        ..SidecarService::default()
    };
    s.meta = f.map(cx, "meta");
    s.proxy = f.block(cx, "proxy").map(|b| proxy(b, cx));
    s.spans = f.spans;
    s
}

/// An opaque `config` block or map attribute (proxy and upstream config).
fn config(f: &mut F<'_>, cx: &mut Cx<'_>) -> BTreeMap<String, Value> {
    if let Some(c) = f.block(cx, "config") {
        opaque(c)
    } else if let Some(Value::Map(m)) = f.value("config") {
        m
    } else {
        BTreeMap::new()
    }
}

fn proxy(n: &Node, cx: &mut Cx<'_>) -> ConsulProxy {
    let mut f = F::new(
        n,
        cx,
        &[
            "local_service_address",
            "local_service_port",
            "expose",
            "upstreams",
            "transparent_proxy",
            "config",
        ],
        "proxy",
    );
    let mut p = ConsulProxy {
        local_service_address: f.str(cx, "local_service_address").unwrap_or_default(),
        local_service_port: f.int(cx, "local_service_port").unwrap_or_default(),
        ..ConsulProxy::default()
    };
    p.upstreams = f.blocks("upstreams").map(|b| upstream(b, cx)).collect();
    p.expose = f.block(cx, "expose").map(|b| {
        let ef = F::new(b, cx, &["path"], "expose");
        ExposeConfig {
            paths: ef.blocks("path").map(|p| expose_path(p, cx)).collect(),
        }
    });
    p.transparent_proxy = f
        .block(cx, "transparent_proxy")
        .map(|b| transparent_proxy(b, cx));
    p.config = config(&mut f, cx);
    p.spans = f.spans;
    p
}

fn upstream(n: &Node, cx: &mut Cx<'_>) -> ConsulUpstream {
    let mut f = F::new(
        n,
        cx,
        &[
            "destination_name",
            "destination_namespace",
            "destination_peer",
            "destination_partition",
            "destination_type",
            "local_bind_port",
            "datacenter",
            "local_bind_address",
            "local_bind_socket_path",
            "local_bind_socket_mode",
            "mesh_gateway",
            "config",
        ],
        "upstreams",
    );
    let mut u = ConsulUpstream {
        destination_name: f.str(cx, "destination_name").unwrap_or_default(),
        destination_namespace: f.str(cx, "destination_namespace").unwrap_or_default(),
        destination_peer: f.str(cx, "destination_peer").unwrap_or_default(),
        destination_partition: f.str(cx, "destination_partition").unwrap_or_default(),
        destination_type: f.str(cx, "destination_type").unwrap_or_default(),
        local_bind_port: f.int(cx, "local_bind_port").unwrap_or_default(),
        datacenter: f.str(cx, "datacenter").unwrap_or_default(),
        local_bind_address: f.str(cx, "local_bind_address").unwrap_or_default(),
        local_bind_socket_path: f.str(cx, "local_bind_socket_path").unwrap_or_default(),
        local_bind_socket_mode: f.str(cx, "local_bind_socket_mode").unwrap_or_default(),
        ..ConsulUpstream::default()
    };
    if let Some(b) = f.block(cx, "mesh_gateway") {
        let mut mf = F::new(b, cx, &["mode"], "mesh_gateway");
        u.mesh_gateway_mode = mf.str(cx, "mode").unwrap_or_default();
    }
    u.config = config(&mut f, cx);
    u.spans = f.spans;
    u
}

fn expose_path(n: &Node, cx: &mut Cx<'_>) -> ExposePath {
    let mut f = F::new(
        n,
        cx,
        &["path", "protocol", "local_path_port", "listener_port"],
        "path",
    );
    ExposePath {
        path: f.str(cx, "path").unwrap_or_default(),
        protocol: f.str(cx, "protocol").unwrap_or_default(),
        local_path_port: f.int(cx, "local_path_port").unwrap_or_default(),
        listener_port: f.str(cx, "listener_port").unwrap_or_default(),
    }
}

fn transparent_proxy(n: &Node, cx: &mut Cx<'_>) -> TransparentProxy {
    let mut f = F::new(
        n,
        cx,
        &[
            "uid",
            "outbound_port",
            "exclude_inbound_ports",
            "exclude_outbound_ports",
            "exclude_outbound_cidrs",
            "exclude_uids",
            "no_dns",
        ],
        "transparent_proxy",
    );
    let mut t = TransparentProxy {
        uid: f.str(cx, "uid").unwrap_or_default(),
        outbound_port: f.int(cx, "outbound_port").unwrap_or_default(),
        exclude_inbound_ports: f.strs(cx, "exclude_inbound_ports").unwrap_or_default(),
        exclude_outbound_cidrs: f.strs(cx, "exclude_outbound_cidrs").unwrap_or_default(),
        exclude_uids: f.strs(cx, "exclude_uids").unwrap_or_default(),
        no_dns: f.bool(cx, "no_dns").unwrap_or_default(),
        ..TransparentProxy::default()
    };
    // A list of port numbers (uint16 in Nomad).
    if let Some(ports) = f.strs(cx, "exclude_outbound_ports") {
        for p in ports {
            match p.parse::<u16>() {
                Ok(v) => t.exclude_outbound_ports.push(i64::from(v)),
                Err(_) => {
                    if let Some(a) = f.attr("exclude_outbound_ports") {
                        cx.type_error(a, "list of port numbers");
                    }
                    t.exclude_outbound_ports.clear();
                    break;
                }
            }
        }
    }
    t.spans = f.spans;
    t
}

fn sidecar_task(n: &Node, cx: &mut Cx<'_>) -> SidecarTask {
    let mut f = F::new(
        n,
        cx,
        &[
            "name",
            "driver",
            "user",
            "config",
            "env",
            "resources",
            "meta",
            "kill_timeout",
            "logs",
            "shutdown_delay",
            "kill_signal",
            "volume_mount",
            "identity",
        ],
        "sidecar_task",
    );
    let mut t = SidecarTask {
        name: f.str(cx, "name").unwrap_or_default(),
        driver: f.str(cx, "driver").unwrap_or_default(),
        user: f.str(cx, "user").unwrap_or_default(),
        kill_timeout: f.dur(cx, "kill_timeout"),
        shutdown_delay: f.dur(cx, "shutdown_delay"),
        kill_signal: f.str(cx, "kill_signal").unwrap_or_default(),
        ..SidecarTask::default()
    };
    t.config = config(&mut f, cx);
    t.env = f.map(cx, "env");
    t.meta = f.map(cx, "meta");
    t.resources = f.block(cx, "resources").map(|b| resources(b, cx));
    t.log_config = f.block(cx, "logs").map(|b| logs(b, cx));
    t.volume_mounts = f
        .blocks("volume_mount")
        .map(|b| volume_mount(b, cx))
        .collect();
    t.identities = f.blocks("identity").map(|b| identity(b, cx)).collect();
    t.spans = f.spans;
    t
}
