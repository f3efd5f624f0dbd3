//! `rules/cluster.hcl`: Nomad version and edition (edition_file.rs), region, scheduler configuration,
//! the servers' identity settings (server_file.rs), client pools and the
//! running jobs' paths.

use std::collections::BTreeMap;

/// Most clients a world may declare, over all its `client` blocks (and
/// so in one block): each is simulated, and 500,000 took 1.4 GB.
pub const MAX_CLIENTS: i64 = 100_000;

/// Largest cpu (MHz), memory or disk (MB) of one client: the world's one
/// resource bound (see [`super::bounds`]).
pub const MAX_NODE_RESOURCE: i64 = super::bounds::MAX_RESOURCE;

use hcl_edit::structure::Block;

pub use super::client_reserved::parse_port_ranges;
use super::client_reserved::read_reserved;
use super::hclread::{no_label, one_label, parse_reported, record, spans_for, BodyReader, Schema};
use super::model::*;
use crate::diag::{Diag, Diags};
use crate::source::{Source, Span};
use crate::version::NomadVersion;

const CLUSTER_SCHEMA: Schema = Schema {
    attrs: &["nomad_version", "edition", "sentinel", "region", "running"],
    blocks: &["scheduler", "server", "client", "node_pool", "running_job"],
};

/// The `running` entries, and each one's variables (`running_job`).
pub(super) type Running = (
    Vec<(String, Span)>,
    BTreeMap<String, super::running_vars::RunningVars>,
);

/// Fill the cluster part of `world`; returns the `running` entries.
pub(super) fn read_cluster(
    src: &Source,
    world: &mut World,
    world_dir: &std::path::Path,
    as_version: Option<NomadVersion>,
    diags: &mut Diags,
) -> Running {
    if let Some(d) = too_many_client_blocks(src) {
        diags.push(d);
        return Running::default();
    }
    let Some(body) = parse_reported(src, diags) else {
        return Running::default();
    };
    let r = BodyReader::new(src, &body, &CLUSTER_SCHEMA, "cluster.hcl", diags);
    if let Some(v) = r.string("nomad_version", diags) {
        match v.parse::<NomadVersion>() {
            Ok(v) => world.nomad_version = v,
            Err(e) => diags.push(
                Diag::error("world::bad-version", e.to_string())
                    .at(
                        src,
                        r.attr_span("nomad_version").unwrap_or_default(),
                        "not a version",
                    )
                    .help("write the version `nomad version` prints, e.g. \"0.9.3\" or \"2.0.5\""),
            ),
        }
    } else if r.attr_span("nomad_version").is_none() {
        diags.push(
            Diag::warning(
                "world::no-version",
                format!(
                    "cluster.hcl sets no nomad_version; simulating Nomad {}",
                    NomadVersion::default()
                ),
            )
            .in_source(src)
            .help("add `nomad_version = \"X.Y.Z\"`: output and defaults differ between releases"),
        );
    }
    if let Some(v) = as_version {
        world.nomad_version = v;
    }
    super::edition_file::read_edition(src, &r, world, diags);
    if let Some(region) = r.string("region", diags) {
        world.region = region;
    }
    if let Some(b) = r.single_block("scheduler", diags) {
        no_label(src, b, diags);
        world.scheduler = read_scheduler(src, b, world.nomad_version, diags);
    }
    if let Some(b) = r.single_block("server", diags) {
        world.server = super::server_file::read_server(src, b, world.nomad_version, diags);
    }
    let mut seen: BTreeMap<String, Span> = BTreeMap::new();
    for b in r.blocks("client") {
        let Some(pool) = read_client(src, b, world.nomad_version, diags) else {
            continue;
        };
        let here = pool.spans.label.unwrap_or_default();
        if let Some(first) = seen.get(&pool.name) {
            diags.push(
                Diag::error(
                    "world::duplicate-client",
                    format!("client `{}` is defined twice", pool.name),
                )
                .at(src, here, "defined again here")
                .label(*first, "first defined here")
                .help("client pool names must be unique: nodes are named NAME-1..NAME-N"),
            );
            continue;
        }
        seen.insert(pool.name.clone(), here);
        super::network_file::judge_host_networks(src, &pool, world.nomad_version, diags);
        // A node ID is the cluster's, not the pool's: one node each.
        let twice = pool.members.iter().find(|m| {
            !m.id.is_empty()
                && world
                    .clients
                    .iter()
                    .any(|p| p.members.iter().any(|o| o.id == m.id))
        });
        if let Some(m) = twice {
            diags.push(
                Diag::error(
                    "world::duplicate-node",
                    format!(
                        "node `{}` (ID `{}`) has the ID of a node of another pool",
                        m.name, m.id
                    ),
                )
                .at(src, here, "in this pool")
                .help("node names and IDs are unique in a cluster"),
            );
            continue;
        }
        world.clients.push(pool);
    }
    too_many_clients(src, world, diags);
    for b in r.blocks("node_pool") {
        super::node_pools::read(src, b, world, diags);
    }
    if world.clients.is_empty() && !diags.has_errors() {
        diags.push(
            Diag::error("world::no-clients", "the world has no clients")
                .in_source(src)
                .help("add a `client \"NAME\" { count = 3 cpu = 4600 memory = 3951 disk = 10240 }` block"),
        );
    }
    let running = r.strings("running", diags).unwrap_or_default();
    let specs = super::running_vars::read(src, r.blocks("running_job"), world_dir, diags);
    let vars = super::running_vars::by_listed_path(src, specs, &running, diags);
    (running, vars)
}

/// Every `client` block declares at least one client (`count` is
/// positive), so a file of more than [`MAX_CLIENTS`] blocks is over the cap
/// whatever the counts: refused from a lexical count of the block headers,
/// before the parser builds them (100,000 blocks are 16 MB of text).
fn too_many_client_blocks(src: &Source) -> Option<Diag> {
    let blocks = crate::nesting::top_level_blocks(&src.text, "client");
    let at = *blocks.get(usize::try_from(MAX_CLIENTS).ok()?)?;
    Some(
        Diag::error(
            "world::too-many-clients",
            format!(
                "cluster.hcl has {} client blocks, each of at least one client: more than the {MAX_CLIENTS} clients a world may hold",
                blocks.len()
            ),
        )
        .at(
            src,
            Span::new(at, at + "client".len()),
            format!("client block {} is over the limit", MAX_CLIENTS + 1),
        )
        .help(TOO_MANY_CLIENTS_HELP),
    )
}

const TOO_MANY_CLIENTS_HELP: &str = "every client is simulated; model a bigger cluster by the part of it the jobs can reach (its datacenters and node pools)";

/// The clients of every pool together stay within [`MAX_CLIENTS`]; the
/// pool whose count crosses it is named.
fn too_many_clients(src: &Source, world: &World, diags: &mut Diags) {
    let mut total: i64 = 0;
    for p in &world.clients {
        total += i64::from(p.count);
        if total > MAX_CLIENTS {
            diags.push(
                Diag::error(
                    "world::too-many-clients",
                    format!("the client blocks declare {total} clients up to `{}`, more than the {MAX_CLIENTS} a world may hold", p.name),
                )
                .at(
                    src,
                    p.spans.get("count").or(p.spans.label).unwrap_or_default(),
                    format!("at most {MAX_CLIENTS} clients in all"),
                )
                .help(TOO_MANY_CLIENTS_HELP),
            );
            return;
        }
    }
}

fn read_scheduler(
    src: &Source,
    b: &Block,
    version: NomadVersion,
    diags: &mut Diags,
) -> SchedulerConfig {
    const S: Schema = Schema {
        attrs: &[
            "algorithm",
            "memory_oversubscription",
            "reject_job_registration",
        ],
        blocks: &["preemption"],
    };
    let r = BodyReader::new(src, &b.body, &S, "scheduler", diags);
    let mut cfg = SchedulerConfig {
        spans: spans_for(Some(b)),
        ..SchedulerConfig::default()
    };
    record(
        &mut cfg.spans,
        &r,
        &[
            "algorithm",
            "memory_oversubscription",
            "reject_job_registration",
        ],
    );
    match r.string("algorithm", diags).as_deref() {
        None => {}
        Some("binpack") => cfg.algorithm = Algorithm::Binpack,
        // SchedulerAlgorithm and the spread fitness came in 0.11.2
        // (scheduler/rank.go:161-166@v0.11.2; nomad/structs/operator.go
        // @v0.11.1 has no such field): earlier servers only bin-pack
        // (`structs.ScoreFit`, scheduler/rank.go:433@v0.10.0).
        Some("spread") if !version.at_least(0, 11, 2) => diags.push(
            Diag::warning(
                "world::version-gate",
                format!("scheduler algorithm \"spread\" is a Nomad 0.11.2+ setting; Nomad {version} only bin-packs, so the plan bin-packs"),
            )
            .at(
                src,
                r.attr_span("algorithm").unwrap_or_default(),
                "not in this release",
            )
            .help("write \"binpack\" or raise nomad_version"),
        ),
        Some("spread") => cfg.algorithm = Algorithm::Spread,
        Some(other) => diags.push(
            Diag::error(
                "world::bad-value",
                format!("unknown scheduler algorithm `{other}`"),
            )
            .at(
                src,
                r.attr_span("algorithm").unwrap_or_default(),
                "not an algorithm",
            )
            .help("use \"binpack\" or \"spread\""),
        ),
    }
    if let Some(v) = r.bool("memory_oversubscription", diags) {
        cfg.memory_oversubscription = v;
    }
    // RejectJobRegistration came in 1.2.4 (registrationsAreAllowed,
    // nomad/job_endpoint.go@v1.2.4; absent at v1.2.3): earlier servers
    // have no such setting and register every job.
    match r.bool("reject_job_registration", diags) {
        Some(true) if !version.at_least(1, 2, 4) => diags.push(
            Diag::warning(
                "world::version-gate",
                format!("scheduler `reject_job_registration` is a Nomad 1.2.4+ setting; Nomad {version} has none and registers every job, so it is ignored"),
            )
            .at(
                src,
                r.attr_span("reject_job_registration").unwrap_or_default(),
                "not in this release",
            )
            .help("remove it or raise nomad_version"),
        ),
        Some(v) => cfg.reject_job_registration = v,
        None => {}
    }
    if let Some(p) = r.single_block("preemption", diags) {
        super::preemption_file::read(src, p, &mut cfg, diags);
    }
    cfg
}

const CLIENT_ATTRS: &[&str] = &[
    "count",
    "datacenter",
    "node_pool",
    "node_class",
    "cpu",
    "memory",
    "disk",
    "network_mbits",
    "network_interface",
    "min_dynamic_port",
    "max_dynamic_port",
    super::client_max_allocs::KEY,
    "drivers",
    "attributes",
    "meta",
    "status",
    "eligibility",
    "drain",
    "network_modes",
    "hand_written",
];

/// `status`, `eligibility` and `drain` of a pool, as `nomad node status`
/// shows them; the scheduler only considers ready, eligible, non-draining
/// nodes. `disconnected` is a 1.3+ status (`NodeStatusDisconnected`,
/// nomad/structs/structs.go v1.3.0): an older release has no such node, so
/// a world that says so before 1.3 is refused rather than simulated.
fn read_node_state(
    src: &Source,
    r: &BodyReader<'_>,
    version: NomadVersion,
    diags: &mut Diags,
) -> NodeState {
    use crate::structs::NodeStatus;
    let mut state = NodeState::default();
    let bad = |key: &str, want: &str, diags: &mut Diags| {
        diags.push(
            Diag::error("world::bad-value", format!("`{key}` must be one of {want}")).at(
                src,
                r.attr_span(key).unwrap_or_default(),
                "unknown value",
            ),
        );
    };
    if let Some(v) = r.string("status", diags) {
        state.status = match v.as_str() {
            "ready" => NodeStatus::Ready,
            "down" => NodeStatus::Down,
            "initializing" => NodeStatus::Initializing,
            "disconnected" if !version.at_least(1, 3, 0) => {
                diags.push(
                    Diag::error(
                        "world::version-gate",
                        format!("a `disconnected` client is a Nomad 1.3+ node status; the world runs Nomad {version}"),
                    )
                    .at(src, r.attr_span("status").unwrap_or_default(), "not in this release")
                    .help("write \"down\" (a client gone before 1.3 is down) or raise nomad_version"),
                );
                NodeStatus::Ready
            }
            "disconnected" => NodeStatus::Disconnected,
            _ => {
                bad(
                    "status",
                    "\"ready\", \"down\", \"initializing\", \"disconnected\"",
                    diags,
                );
                NodeStatus::Ready
            }
        };
    }
    if let Some(v) = r.string("eligibility", diags) {
        match v.as_str() {
            "eligible" => {}
            "ineligible" => state.ineligible = true,
            _ => bad("eligibility", "\"eligible\", \"ineligible\"", diags),
        }
    }
    state.drain = r.bool("drain", diags).unwrap_or(false);
    state
}

fn read_client(
    src: &Source,
    b: &Block,
    version: NomadVersion,
    diags: &mut Diags,
) -> Option<ClientPool> {
    let (name, _) = match one_label(src, b, "client \"NAME\" { ... }") {
        Ok(l) => l,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    const S: Schema = Schema {
        attrs: CLIENT_ATTRS,
        blocks: &[
            "reserved",
            "host_volume",
            "device",
            "node",
            "csi_plugin",
            "host_network",
            "interface",
        ],
    };
    let what = format!("client \"{name}\"");
    let r = BodyReader::new(src, &b.body, &S, &what, diags);
    let mut pool = ClientPool {
        name,
        count: 1,
        datacenter: "dc1".to_string(),
        node_pool: "default".to_string(),
        network_mbits: 1000,
        spans: spans_for(Some(b)),
        ..ClientPool::default()
    };
    record(&mut pool.spans, &r, CLIENT_ATTRS);
    let positive = |key: &str, v: i64, diags: &mut Diags| -> Option<i64> {
        if v > 0 {
            Some(v)
        } else {
            diags.push(
                Diag::error(
                    "world::bad-value",
                    format!("`{key}` must be greater than zero"),
                )
                .at(src, r.attr_span(key).unwrap_or_default(), "must be > 0"),
            );
            None
        }
    };
    // Bounds that keep every later sum and unit conversion inside 64 bits
    // (and a simulation of every client inside seconds), named in the error.
    let at_most = |key: &str, v: i64, max: i64, why: &str, diags: &mut Diags| {
        if v <= max {
            return Some(v);
        }
        diags.push(
            Diag::error(
                "world::too-large",
                format!("`{key}` = {v} is more than {max}"),
            )
            .at(
                src,
                r.attr_span(key).unwrap_or_default(),
                format!("at most {max}"),
            )
            .help(why.to_string()),
        );
        None
    };
    if let Some(c) = r
        .int("count", diags)
        .and_then(|c| positive("count", c, diags))
        .and_then(|c| {
            at_most(
                "count",
                c,
                MAX_CLIENTS,
                "every client is simulated; model a bigger cluster by the part of it the jobs can reach (its datacenters and node pools)",
                diags,
            )
        })
    {
        pool.count = u32::try_from(c).unwrap_or(u32::MAX);
    }
    for (key, slot) in [
        ("datacenter", &mut pool.datacenter),
        ("node_pool", &mut pool.node_pool),
        ("node_class", &mut pool.node_class),
    ] {
        if let Some(v) = r.string(key, diags) {
            *slot = v;
        }
    }
    for (key, slot) in [
        ("cpu", &mut pool.cpu),
        ("memory", &mut pool.memory),
        ("disk", &mut pool.disk),
    ] {
        match r.int(key, diags) {
            Some(v) => {
                if let Some(v) = positive(key, v, diags)
                    .and_then(|v| at_most(key, v, MAX_NODE_RESOURCE, super::bounds::WHY, diags))
                {
                    *slot = v;
                }
            }
            None if r.attr_span(key).is_none() => diags.push(
                Diag::error("world::missing-key", format!("{what} needs `{key}`"))
                    .at(
                        src,
                        pool.spans.label.unwrap_or_default(),
                        format!("`{key}` missing"),
                    )
                    .help(format!(
                        "write what the node fingerprints: `{key} = ...` ({})",
                        if key == "cpu" { "MHz" } else { "MB" }
                    )),
            ),
            None => {}
        }
    }
    if let Some(v) = r.int("network_mbits", diags) {
        pool.network_mbits = v.max(0);
    }
    super::client_dynamic_ports::read(src, &r, version, &mut pool, diags);
    pool.max_allocs = super::client_max_allocs::read_max_allocs(src, &r, version, diags);
    pool.drivers = r
        .strings("drivers", diags)
        .unwrap_or_default()
        .into_iter()
        .map(|(d, _)| d)
        .collect();
    pool.state = read_node_state(src, &r, version, diags);
    pool.attributes = r.string_map("attributes", diags).unwrap_or_default();
    pool.meta = r.string_map("meta", diags).unwrap_or_default();
    if pool.drivers.is_empty() && r.attr_span("drivers").is_none() {
        diags.push(
            Diag::warning(
                "world::no-drivers",
                format!(
                    "{what} lists no drivers: simulated with a stock client's (docker, exec, java)"
                ),
            )
            .at(src, pool.spans.label.unwrap_or_default(), "no `drivers`")
            .help("list the healthy task drivers, e.g. `drivers = [\"docker\", \"exec\"]`"),
        );
    }
    for hb in r.blocks("host_volume") {
        let Ok((name, _)) =
            one_label(src, hb, "host_volume \"NAME\" { path = ... }").map_err(|d| diags.push(d))
        else {
            continue;
        };
        const HV: Schema = Schema {
            attrs: &["path", "read_only", "dynamic"],
            blocks: &[],
        };
        let hr = BodyReader::new(src, &hb.body, &HV, "host_volume", diags);
        let vol = HostVolume {
            path: hr.string("path", diags).unwrap_or_default(),
            read_only: hr.bool("read_only", diags).unwrap_or(false),
            dynamic: hr.bool("dynamic", diags).unwrap_or(false),
        };
        pool.host_volumes.insert(name, vol);
    }
    pool.networks = super::network_file::read_networks(src, &r, diags);
    for pb in r.blocks("csi_plugin") {
        if let Some((id, plugin)) = super::csi_file::read_plugin(src, pb, diags) {
            pool.csi_plugins.insert(id, plugin);
        }
    }
    pool.devices = r
        .blocks("device")
        .filter_map(|d| super::device_file::read_device(src, d, diags))
        .collect();
    if let Some(rb) = r.single_block("reserved", diags) {
        no_label(src, rb, diags);
        pool.reserved = read_reserved(src, rb, &pool, diags);
    }
    pool.hand_written = r.bool("hand_written", diags).unwrap_or(false);
    let nodes: Vec<&Block> = r.blocks("node").collect();
    if !nodes.is_empty() {
        pool.members = super::member_file::read_members(src, &nodes, &pool, diags);
        let listed = u32::try_from(pool.members.len()).unwrap_or(u32::MAX);
        match r.attr_span("count") {
            None => pool.count = listed,
            Some(at) if pool.count != listed => diags.push(
                Diag::error(
                    "world::bad-value",
                    format!(
                        "{what} has count = {} but {listed} `node` blocks",
                        pool.count
                    ),
                )
                .at(src, at, "one client per `node` block")
                .help("drop `count` or make it the number of `node` blocks"),
            ),
            Some(_) => {}
        }
    }
    Some(pool)
}
