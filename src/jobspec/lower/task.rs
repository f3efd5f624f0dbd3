//! Lowering of a task and its resources and networks.

use super::*;

pub(super) fn task(n: &Node, cx: &mut Cx<'_>) -> Task {
    // No `max_run_duration`: only api.TaskGroup has it (api/tasks.go
    // @v2.0.3–v2.0.5); api.Task has no such tag and decodeTask lifts only
    // `scaling`, so a task's is an unknown key at every release.
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
        ],
        "task",
    );
    let mut t = Task {
        name: f.label().unwrap_or_default().to_string(),
        ..Task::default()
    };
    t.driver = f.str(cx, "driver").unwrap_or_default();
    t.user = f.str(cx, "user").unwrap_or_default();
    if !cx.hcl2() {
        // HCL1 (jobspec/parse.go@v0.9.3, parse_task.go@v0.12.12) decodes
        // every `config` block into the task's one map in order, and
        // mapstructure's WeakDecode into a map that exists replaces its
        // keys: repeated blocks merge, later keys winning (redteam10 R10-9).
        let mut blocks = f.blocks("config");
        if let Some(first) = blocks.next() {
            let mut merged = opaque(first);
            for b in blocks {
                merged.extend(opaque(b));
            }
            f.spans.set("config", first.span);
            t.config = merged;
        } else if let Some(Value::Map(m)) = f.value("config") {
            t.config = m;
        }
    } else if let Some(c) = f.block(cx, "config") {
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
        t.log_config = logs(b, cx);
    }
    t.volume_mounts = f
        .blocks("volume_mount")
        .map(|b| volume_mount(b, cx))
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
    t.scaling = task_scaling(&f, cx);
    // Tasks may carry several labelled `scaling "cpu"`/`identity "x"` blocks.
    t.restart = f.block(cx, "restart").map(|b| restart(b, cx));
    t.csi_plugin = f.block(cx, "csi_plugin").map(|b| csi_plugin(b, cx));
    t.consul = f.block(cx, "consul").map(|b| consul(b, cx));
    t.schedule = f.block(cx, "schedule").map(|b| schedule(b, cx));
    // jobspec2 moves the first identity without a name (or named
    // "default") apart from the named ones; any other default one stays
    // among them for the server's canonicalisation (canonical.rs).
    for b in f.blocks("identity") {
        let id = identity(b, cx);
        if t.identity.is_none() && (id.name.is_empty() || id.name == "default") {
            t.identity = Some(id);
        } else {
            t.identities.push(id);
        }
    }
    t.actions = f.blocks("action").map(|b| action(b, cx)).collect();
    t.secrets = f.blocks("secret").map(|b| secret(b, cx)).collect();
    t.spans = f.spans;
    t
}

pub(super) fn resources(n: &Node, cx: &mut Cx<'_>) -> Resources {
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
        iops: f.int(cx, "iops").unwrap_or_default(),
        secrets_mb: f.int(cx, "secrets").unwrap_or_default(),
        ..Resources::default()
    };
    // api.Resources' `disk` is decoded (and its type errors said), but
    // ApiResourcesToStructs (command/agent/job_endpoint.go, v0.9.0 to
    // v2.0.5; ApiTaskToStructsTask inline before) never copies DiskMB: the
    // task's DiskMB Nomad plans and diffs is always 0.
    let _ = f.int(cx, "disk");
    r.networks = f.blocks("network").map(|b| network(b, cx)).collect();
    r.devices = f
        .blocks("device")
        .map(|b| {
            // `name` only before 1.0 (version_keys.rs gates it), where
            // HCL1's WeakDecode set it over the label.
            let mut df = F::new(
                b,
                cx,
                &["count", "constraint", "affinity", "name"],
                "device",
            );
            let label = df.label().unwrap_or_default().to_string();
            RequestedDevice {
                name: df.str(cx, "name").unwrap_or(label),
                count: df.int(cx, "count").unwrap_or(1),
                constraints: df.blocks("constraint").map(|c| constraint(c, cx)).collect(),
                affinities: df.blocks("affinity").map(|c| affinity(c, cx)).collect(),
                spans: df.spans,
            }
        })
        .collect();
    r.numa = f.block(cx, "numa").map(|b| numa(b, cx));
    r.spans = f.spans;
    r
}

pub(super) fn network(n: &Node, cx: &mut Cx<'_>) -> Network {
    let mut f = F::new(
        n,
        cx,
        &[
            "mode",
            "device",
            "cidr",
            "ip",
            "mbits",
            "hostname",
            "port",
            "reserved_ports",
            "dns",
            "cni",
        ],
        "network",
    );
    let mut net = Network {
        mode: f.str(cx, "mode").unwrap_or_default(),
        cidr: f.str(cx, "cidr").unwrap_or_default(),
        ip: f.str(cx, "ip").unwrap_or_default(),
        mbits: f.int(cx, "mbits").unwrap_or_default(),
        hostname: f.str(cx, "hostname").unwrap_or_default(),
        ..Network::default()
    };
    // api.NetworkResource's `device` is decoded but never copied:
    // ApiNetworkResourceToStructs (command/agent/job_endpoint.go, v0.10.0
    // to v2.0.5; ApiTaskToStructsTask inline at 0.9.x) copies Mode, CIDR,
    // IP, Hostname, MBits, DNS, CNI and the ports only. A job's network
    // device is only ever the one the scheduler picks.
    let _ = f.str(cx, "device");
    // api NetworkResource's `reserved_ports` blocks are reserved as
    // written, unless the network has a `port` block: jobspec2's
    // normalizeNetworkPorts then sets ReservedPorts to the `port` blocks
    // with `static > 0` alone (parse_job.go@v1.0.0:69-95, @v2.0.5:99-125,
    // unchanged between), so the `reserved_ports` blocks, decoded (and
    // their errors said) first, are dropped.
    let has_port_blocks = f.blocks("port").next().is_some();
    for p in f.blocks("reserved_ports") {
        let port = port(p, cx, "reserved_ports");
        if !has_port_blocks {
            net.reserved_ports.push(port);
        }
    }
    for p in f.blocks("port") {
        let port = port(p, cx, "port");
        // Nomad's parsers (jobspec parsePorts, jobspec2
        // normalizeNetworkPorts) reserve a port only for `static > 0`; a
        // `static = 0` port is dynamic.
        if port.value > 0 {
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

fn port(p: &Node, cx: &mut Cx<'_>, what: &str) -> Port {
    let v = cx.version;
    // Before 0.12 parsePorts checks no key of a port (parse.go at 0.9.3,
    // parse_network.go at 0.10.0 to 0.11.8) and mapstructure fills only
    // api.Port's fields (`to` from 0.10, no `host_network` before 0.12):
    // every other key is accepted and dropped, as Nomad drops it.
    let unchecked = what == "port" && !v.at_least(0, 12, 0);
    let all: Vec<&str>;
    let known: &[&str] = if unchecked {
        all = p
            .attrs
            .iter()
            .map(|a| a.name.as_str())
            .chain(p.blocks.iter().map(|b| b.ident.as_str()))
            .collect();
        &all
    } else {
        &["static", "to", "host_network", "ignore_collision"]
    };
    let mut pf = F::new(p, cx, known, what);
    let has = |since: (u32, u32)| !unchecked || v.at_least(0, since.0, since.1);
    Port {
        label: pf.label().unwrap_or_default().to_string(),
        value: pf.int(cx, "static").unwrap_or_default(),
        to: has((10, 0))
            .then(|| pf.int(cx, "to"))
            .flatten()
            .unwrap_or_default(),
        host_network: has((12, 0))
            .then(|| pf.str(cx, "host_network"))
            .flatten()
            .unwrap_or_default(),
        ignore_collision: has((12, 0))
            .then(|| pf.bool(cx, "ignore_collision"))
            .flatten()
            .unwrap_or_default(),
        spans: pf.spans,
    }
}

/// A task's (or a sidecar task's) `logs` block.
pub(super) fn logs(n: &Node, cx: &mut Cx<'_>) -> LogConfig {
    let mut lf = F::new(
        n,
        cx,
        &["max_files", "max_file_size", "disabled", "enabled"],
        "logs",
    );
    // Nomad 1.5.4 alone has `enabled` (api LogConfig.Enabled, default
    // true, copied to structs.LogConfig.Enabled by apiLogConfigToStructs);
    // 1.5.5 swapped it for `disabled`, and from then on `enabled` is
    // decoded but never reaches the servers (apiLogConfigToStructs copies
    // Disabled only): dropped as Nomad drops it.
    let enabled = lf.bool(cx, "enabled");
    let only_enabled = cx.version.at_least(1, 5, 4) && !cx.version.at_least(1, 5, 5);
    let disabled = if only_enabled {
        !enabled.unwrap_or(true)
    } else {
        lf.bool(cx, "disabled").unwrap_or_default()
    };
    LogConfig {
        max_files: lf.int(cx, "max_files").unwrap_or_default(),
        max_file_size_mb: lf.int(cx, "max_file_size").unwrap_or_default(),
        disabled,
        spans: lf.spans,
    }
}

/// A task's (or a sidecar task's) `volume_mount` block.
pub(super) fn volume_mount(n: &Node, cx: &mut Cx<'_>) -> VolumeMount {
    let mut f = F::new(
        n,
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
}
