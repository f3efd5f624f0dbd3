//! Nodes from the world's client pools.

use super::{Node, NodeNetwork};
use crate::structs::node_nets::NodeNets;
use crate::world::{ClientPool, World};

/// Drivers a client fingerprints when the world does not list any: what a
/// stock Linux client with Docker and a JRE (the demo's AMI) reports.
pub const DEFAULT_DRIVERS: [&str; 3] = ["docker", "exec", "java"];

/// The platform a hand-written client reports when the world does not
/// say (client/fingerprint/host.go `kernel.name` = runtime.GOOS, `os.name`
/// the host's platform; arch.go `cpu.arch` = runtime.GOARCH): a Linux amd64
/// Ubuntu host, as the demo's. A plan that reads one of them, or the Linux
/// `os.signals` list, says it assumed it (`planner::assumed`).
pub const PLATFORM_STAND_INS: [(&str, &str); 3] = [
    ("kernel.name", "linux"),
    ("os.name", "ubuntu"),
    ("cpu.arch", "amd64"),
];

/// Client `index` (1-based) of a pool. `pool_pos` is the pool's position in
/// the world; it only feeds the node's IP so pools do not share addresses.
pub fn build_node(
    world: &World,
    pool: &ClientPool,
    pool_pos: usize,
    index: u32,
    create_index: u64,
) -> Node {
    let (id, name) = pool.node_identity(&world.region, index);
    let devices = pool
        .member(index)
        .map_or_else(|| pool.devices.clone(), |m| m.devices.clone());
    let ip = format!(
        "10.{}.{}.{}",
        (pool_pos % 200) + 1,
        index / 250,
        (index % 250) + 1
    );
    // An imported node's list is what the cluster reported, even empty.
    let drivers = super::reported::drivers_of(pool);
    let mut attributes = std::collections::BTreeMap::new();
    for (k, v) in PLATFORM_STAND_INS {
        attributes.insert(k.to_string(), v.to_string());
    }
    attributes.insert("cpu.totalcompute".to_string(), pool.cpu.to_string());
    attributes.insert(
        "memory.totalbytes".to_string(),
        // Bounded at load (MAX_NODE_RESOURCE); saturating all the same.
        pool.memory.max(0).saturating_mul(1024 * 1024).to_string(),
    );
    attributes.insert("nomad.version".to_string(), world.nomad_version.to_string());
    attributes.insert("unique.hostname".to_string(), name.clone());
    // The fingerprint's first network's IP (client/fingerprint/network.go,
    // 0.9-2.0.5): an imported node's own, else the stand-in.
    let own_ip = pool
        .member(index)
        .and_then(|m| m.task_networks.first())
        .map_or_else(|| ip.clone(), |n| n.ip.clone());
    let advertise = format!("{own_ip}:4646");
    attributes.insert("unique.network.ip-address".to_string(), own_ip);
    for d in &drivers {
        attributes.insert(format!("driver.{d}"), "1".to_string());
    }
    // What a Linux client running beside Consul and Vault fingerprints (the
    // demo's jobs use both), so the constraints Nomad's admission mutators
    // imply (Vault, Consul, Connect, CNI, signals, Nomad services) hold on a
    // hand-written world as on the demo's cluster; the world's attributes
    // override them. The versions are not otherwise used: any release the
    // implied constraints accept would do. An imported node has what it
    // reported: a cluster without Vault has no `vault.version`, and a job
    // asking Vault is not placed there.
    if !pool.reported() {
        let host = super::reported_host::stand_in(world.nomad_version, pool);
        for (k, v) in fingerprint_defaults(world.nomad_version)
            .into_iter()
            .chain(host)
        {
            attributes.insert(k.to_string(), v.to_string());
        }
        // What every real client of the release (and of its drivers)
        // reports and the world has no field for (os.version,
        // driver.docker.version...): set, so `is_set` holds as on the
        // cluster, with no value; a placement that reads the value cannot
        // be told (scheduler::client_values).
        for k in super::reported::set_absent_on(world.nomad_version, pool) {
            attributes.insert(k.to_string(), String::new());
        }
    }
    // The world's own attributes win over the fingerprint defaults, and an
    // imported node's own `unique.*` ones over the stand-ins above.
    let own = pool.member(index).map(|m| &m.attributes);
    for (k, v) in pool.attributes.iter().chain(own.into_iter().flatten()) {
        attributes.insert(k.clone(), v.clone());
    }
    // The client's HTTP advertise address (client/fingerprint/nomad.go,
    // every release 0.9.0-2.0.5 reports it): its own IP and the default
    // HTTP port, unless the node reported (or the world states) one. Until
    // #24942 (1.9.7, 1.10.0) its key is hashed into the computed class, so
    // no two real clients share a class there (structs::node_class).
    let key = crate::structs::node_class::advertise_address_key(world.nomad_version);
    if !attributes.contains_key("nomad.advertise.address")
        && !attributes.contains_key("unique.advertise.address")
    {
        attributes.insert(key.to_string(), advertise);
    }
    let drivers_by_attribute = if pool.reported() {
        Vec::new()
    } else {
        drivers_by_attribute(&attributes, &drivers)
    };
    let Node {
        datacenter,
        node_pool,
        status,
        eligible,
        drain,
        ..
    } = scope_node(pool);
    Node {
        id,
        name,
        datacenter,
        node_class: pool.node_class.clone(),
        node_pool,
        cpu: pool.cpu,
        memory_mb: pool.memory,
        disk_mb: pool.disk,
        // An imported node's own task networks; else one stand-in.
        networks: match pool.member(index) {
            Some(m) if !m.task_networks.is_empty() => m.task_networks.clone(),
            _ => vec![NodeNetwork {
                device: "eth0".to_string(),
                cidr: format!("{ip}/32"),
                ip,
                mbits: pool.network_mbits,
            }],
        },
        nets: node_nets(world, pool, index),
        reserved_cpu: pool.reserved.cpu,
        reserved_memory_mb: pool.reserved.memory,
        reserved_disk_mb: pool.reserved.disk,
        reserved_ports: pool.reserved.ports.clone(),
        cpu_withheld: super::cpu_withheld(pool, world.nomad_version),
        // `Node.NodeMaxAllocs` exists from 1.10.2: older servers drop it.
        max_allocs: if world.nomad_version.at_least(1, 10, 2) {
            pool.max_allocs
        } else {
            0
        },
        min_dynamic_port: pool.min_dynamic_port,
        max_dynamic_port: pool.max_dynamic_port,
        attributes,
        meta: node_meta(world, pool),
        drivers_by_attribute,
        drivers,
        host_volumes: pool.host_volumes.clone(),
        devices,
        csi_plugins: pool.csi_plugins.clone(),
        status,
        eligible,
        drain,
        create_index,
    }
}

/// Any client of `pool` as far as the scheduler's choice of nodes reads
/// it (`feasibility::schedulable`: status, eligibility, drain;
/// `feasibility::in_job_scope`: datacenter and node pool), the rest left
/// empty: every client of a pool shares these, and [`build_node`] takes
/// them from here. The rules that only ask which pools a job reaches
/// (`scheduler::client_values`, `scheduler::nil_attribute`) built a whole
/// client for it, attributes and all, once per file and question: 5.5% of
/// a corpus check's instructions (BENCHMARKS.md stop 68).
pub fn scope_node(pool: &ClientPool) -> Node {
    let or = |s: &str, default: &str| {
        if s.is_empty() {
            default.to_string()
        } else {
            s.to_string()
        }
    };
    Node {
        datacenter: or(&pool.datacenter, "dc1"),
        node_pool: or(&pool.node_pool, "default"),
        status: pool.state.status,
        eligible: !pool.state.ineligible,
        drain: pool.state.drain,
        ..Node::default()
    }
}

/// The networks a pool's clients fingerprint: what the world names, or a
/// stock Linux client of the world's release (a host network; the bridge
/// from 0.12, when its fingerprint was added and `bridge` mode became
/// something the scheduler checks; no CNI configuration; the `default`
/// alias only). Which aliases the addresses carry: world/host_aliases.rs.
fn node_nets(world: &World, pool: &ClientPool, index: u32) -> NodeNets {
    let modes = pool.networks.modes(world.nomad_version);
    let mut nets = NodeNets {
        host: modes.iter().any(|m| m == "host"),
        bridge: modes.iter().any(|m| m == "bridge"),
        cni: modes
            .iter()
            .filter_map(|m| m.strip_prefix("cni/"))
            .map(str::to_string)
            .collect(),
        ..NodeNets::default()
    };
    if pool.networks.host_networks.is_empty() && pool.networks.interfaces.is_empty() {
        return nets;
    }
    let aliases = pool.networks.aliases(world.nomad_version);
    nets.default_alias = aliases.carried.contains("default");
    let assumed = aliases.by_chance.iter().filter(|c| c.assumed);
    nets.host_networks = aliases
        .carried
        .iter()
        .filter(|a| *a != "default")
        .chain(assumed.map(|c| &c.alias))
        .cloned()
        .collect();
    nets.host_networks.sort();
    nets.host_networks.dedup();
    nets.by_chance = aliases
        .by_chance
        .iter()
        .map(|c| crate::structs::node_nets::AliasChance {
            alias: c.alias.clone(),
            ppm: c.odds.map(|p| (p * 1e6).round() as u32),
            assumed: c.assumed,
        })
        .collect();
    // Which aliases share an address decides which ports an ask meets
    // there (scheduler/alloc_ports.rs), reserved or not.
    (nets.address_ips, nets.addresses) = pool
        .networks
        .address_entries(world.nomad_version)
        .into_iter()
        .unzip();
    // An imported pool's addresses are stand-ins (world/import/nodes.rs),
    // while its allocations name the real ones: each node keys its ports
    // by its own real addresses, or (a world written without them) by none.
    if pool.reported() {
        let real = pool.member(index).map(|m| &m.address_ips);
        let mapped: Option<Vec<String>> = nets
            .address_ips
            .iter()
            .map(|stand_in| real?.get(stand_in).cloned())
            .collect();
        nets.address_ips = mapped.unwrap_or_default();
    }
    nets
}

/// The node's meta: the pool's, over the Connect defaults every client
/// sets when its agent leaves them unset (`reported_meta`), set without
/// a value on a hand-written client as the agent's own may differ.
fn node_meta(world: &World, pool: &ClientPool) -> std::collections::BTreeMap<String, String> {
    let mut meta = pool.meta.clone();
    // Named hand-written clients are hand-written too: only a real
    // cluster's nodes (`id`s) carry what they reported.
    if !pool.reported() {
        for k in super::reported_meta::set_by_default(world.nomad_version) {
            meta.entry(k.to_string()).or_default();
        }
    }
    meta
}

/// The signals a Linux client of release `v` reports as `os.signals`: every
/// name in consul-template's `signals.SignalLookup` (client/fingerprint/
/// signal.go), from its signals_unix.go at the version Nomad vendors or
/// pins. SIGCHLD and SIGURG left it in consul-template 696ce99e (v0.27.0;
/// Nomad 1.3.0 pins v0.29.0), SIGNULL came in ca152534 (Nomad 1.3.3 pins
/// 583050a, its descendant; every later pin through 2.0.5's v0.42.1 has
/// it). Every Nomad before 1.3.0 (vendored, v0.24.1, v0.25.x) has the 29
/// below with SIGCHLD and SIGURG. No release reports SIGVTALRM.
fn linux_signals(v: crate::version::NomadVersion) -> &'static str {
    if v.at_least(1, 3, 3) {
        "SIGNULL,SIGABRT,SIGALRM,SIGBUS,SIGCONT,SIGFPE,SIGHUP,SIGILL,SIGINT,SIGIO,SIGIOT,SIGKILL,SIGPIPE,SIGPROF,SIGQUIT,SIGSEGV,SIGSTOP,SIGSYS,SIGTERM,SIGTRAP,SIGTSTP,SIGTTIN,SIGTTOU,SIGUSR1,SIGUSR2,SIGWINCH,SIGXCPU,SIGXFSZ"
    } else if v.at_least(1, 3, 0) {
        "SIGABRT,SIGALRM,SIGBUS,SIGCONT,SIGFPE,SIGHUP,SIGILL,SIGINT,SIGIO,SIGIOT,SIGKILL,SIGPIPE,SIGPROF,SIGQUIT,SIGSEGV,SIGSTOP,SIGSYS,SIGTERM,SIGTRAP,SIGTSTP,SIGTTIN,SIGTTOU,SIGUSR1,SIGUSR2,SIGWINCH,SIGXCPU,SIGXFSZ"
    } else {
        "SIGABRT,SIGALRM,SIGBUS,SIGCHLD,SIGCONT,SIGFPE,SIGHUP,SIGILL,SIGINT,SIGIO,SIGIOT,SIGKILL,SIGPIPE,SIGPROF,SIGQUIT,SIGSEGV,SIGSTOP,SIGSYS,SIGTERM,SIGTRAP,SIGTSTP,SIGTTIN,SIGTTOU,SIGURG,SIGUSR1,SIGUSR2,SIGWINCH,SIGXCPU,SIGXFSZ"
    }
}

/// Fingerprinted attributes of a simulated client (see `build_node`).
fn fingerprint_defaults(v: crate::version::NomadVersion) -> Vec<(&'static str, &'static str)> {
    let mut out = vec![
        ("consul.version", "1.20.1"),
        ("consul.grpc", "8502"),
        ("consul.connect", "true"),
        ("vault.version", "1.1.3"),
        ("vault.accessible", "true"),
        ("os.signals", linux_signals(v)),
    ];
    // What a community Consul reports as its SKU (consul.go v1.10.5:
    // 264-266, from 1.1.1: "oss" unless the version says `+ent`).
    if v.at_least(1, 1, 1) {
        out.push(("consul.sku", "oss"));
    }
    if v.at_least(1, 3, 0) {
        out.push(("nomad.service_discovery", "true"));
    }
    if v.at_least(1, 8, 0) {
        for plugin in [
            "plugins.cni.version.bridge",
            "plugins.cni.version.firewall",
            "plugins.cni.version.host-local",
            "plugins.cni.version.loopback",
            "plugins.cni.version.portmap",
        ] {
            out.push((plugin, "1.6.2"));
        }
    }
    // client/fingerprint/secrets.go (1.11+): the built-in providers.
    if v.at_least(1, 11, 0) {
        out.push(("plugins.secrets.nomad.version", "1.0.0"));
        out.push(("plugins.secrets.vault.version", "1.0.0"));
    }
    out
}

/// A hand-written client's drivers that pass Nomad's driver check by
/// their `driver.NAME` attribute alone: the world's `drivers` are the
/// node's `Drivers` entries, so any other driver whose flag (the pool's
/// `attributes`, or its own `node` block's) parses as a true Go bool
/// (`strconv.ParseBool`) is found by `hasDrivers`' fallback
/// ([`Node::drivers_by_attribute`]). `driver.docker.version` and the like
/// are a driver's own attributes, not its flag.
fn drivers_by_attribute(
    attributes: &std::collections::BTreeMap<String, String>,
    drivers: &[String],
) -> Vec<String> {
    attributes
        .iter()
        .filter_map(|(k, v)| {
            let name = k.strip_prefix("driver.")?;
            let flag = !name.is_empty() && !name.contains('.');
            let on = crate::gostrconv::parse_bool(v) == Some(true);
            (flag && on && !drivers.iter().any(|d| d == name)).then(|| name.to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::linux_signals;
    use crate::version::NomadVersion;

    fn has(v: (u32, u32, u32), sig: &str) -> bool {
        linux_signals(NomadVersion::new(v.0, v.1, v.2))
            .split(',')
            .any(|s| s == sig)
    }

    /// The three eras of consul-template's Linux list, at their edges.
    #[test]
    fn signals_per_release() {
        for v in [(0, 9, 3), (1, 2, 16)] {
            assert!(has(v, "SIGCHLD") && has(v, "SIGURG") && !has(v, "SIGNULL"));
        }
        for v in [(1, 3, 0), (1, 3, 2)] {
            assert!(!has(v, "SIGCHLD") && !has(v, "SIGURG") && !has(v, "SIGNULL"));
        }
        for v in [(1, 3, 3), (2, 0, 5)] {
            assert!(!has(v, "SIGURG") && has(v, "SIGNULL"));
        }
        for v in [(0, 9, 3), (1, 3, 0), (2, 0, 5)] {
            assert!(!has(v, "SIGVTALRM") && has(v, "SIGHUP"));
        }
        let count = |v: (u32, u32, u32)| {
            linux_signals(NomadVersion::new(v.0, v.1, v.2))
                .split(',')
                .count()
        };
        assert_eq!(
            (count((1, 2, 16)), count((1, 3, 0)), count((1, 3, 3))),
            (29, 27, 28)
        );
    }
}
