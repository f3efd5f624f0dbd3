//! Loading a world directory (`rules/`): cluster.hcl, quotas/*.hcl,
//! namespaces/*.hcl and policy.hcl, each validated with located diagnostics,
//! then the running jobs it names. A folder of saved API JSON (an import) is
//! accepted in the same place.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use hcl_edit::structure::Block;

use super::hclread::{no_label, one_label, parse, span_of, BodyReader, Schema};
use super::model::*;
use crate::diag::{Diag, Diags, Severity};
use crate::jobspec::{LoadOptions, Spans};
use crate::source::{Source, Span};
use crate::version::NomadVersion;
use crate::vfs::Vfs;

pub const CLUSTER_FILE: &str = "cluster.hcl";
pub const POLICY_FILE: &str = "policy.hcl";
pub const QUOTAS_DIR: &str = "quotas";
pub const NAMESPACES_DIR: &str = "namespaces";

/// Walk up from `start` to the first `rules/` directory holding a cluster.hcl.
pub fn find_world(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join("rules"))
        .find(|rules| rules.join(CLUSTER_FILE).is_file())
}

/// Load and validate a world. `Ok` carries warnings; `Err` carries every
/// problem found (errors and warnings), so one run shows them all.
pub fn load(vfs: &dyn Vfs, world_dir: &Path) -> Result<(World, Diags), Diags> {
    if super::import::is_import_dir(vfs, world_dir) {
        return super::import::load_import(vfs, world_dir);
    }
    let mut diags = Diags::new();
    let cluster_path = world_dir.join(CLUSTER_FILE);
    if !vfs.is_file(&cluster_path) {
        return Err(Diag::error(
            "world::missing-cluster",
            format!(
                "no {} in world directory {}",
                CLUSTER_FILE,
                world_dir.display()
            ),
        )
        .help("create rules/cluster.hcl (see the shipped demo world) or pass --world DIR")
        .into());
    }
    let project_root = world_dir
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let mut world = World {
        origin: WorldOrigin::Dir(world_dir.to_path_buf()),
        project_root,
        nomad_version: NomadVersion::default(),
        region: "global".to_string(),
        scheduler: SchedulerConfig::default(),
        clients: Vec::new(),
        quotas: BTreeMap::new(),
        namespaces: BTreeMap::new(),
        policy: Policy::default(),
        running: Vec::new(),
    };

    let mut running = Vec::new();
    if let Some(src) = read(vfs, &cluster_path, &mut diags) {
        running = read_cluster(&src, &mut world, &mut diags);
    }
    let mut quota_refs = Vec::new();
    let mut quota_sources: BTreeMap<String, Source> = BTreeMap::new();
    for src in read_dir_hcl(vfs, &world_dir.join(QUOTAS_DIR), &mut diags) {
        if let Some(q) = read_quota(&src, &mut diags) {
            quota_sources
                .entry(q.name.clone())
                .or_insert_with(|| src.clone());
            insert_unique(
                &mut world.quotas,
                q.name.clone(),
                q,
                &src,
                "quota",
                &mut diags,
                |q| q.spans.best("name"),
            );
        }
    }
    for src in read_dir_hcl(vfs, &world_dir.join(NAMESPACES_DIR), &mut diags) {
        if let Some(ns) = read_namespace(&src, &mut diags) {
            if let (Some(q), Some(span)) = (&ns.quota, ns.spans.get("quota")) {
                quota_refs.push((src.clone(), q.clone(), span));
            }
            insert_unique(
                &mut world.namespaces,
                ns.name.clone(),
                ns,
                &src,
                "namespace",
                &mut diags,
                |n| n.spans.best("name"),
            );
        }
    }
    world
        .namespaces
        .entry("default".to_string())
        .or_insert_with(default_namespace);
    for (src, q, span) in quota_refs {
        if !world.quotas.contains_key(&q) {
            let known: Vec<&str> = world.quotas.keys().map(String::as_str).collect();
            let mut d = Diag::error(
                "world::unknown-quota",
                format!("quota `{q}` does not exist"),
            )
            .at(&src, span, "no such quota");
            d = match super::hclread::did_you_mean(&q, &known) {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None => d.help("define it in rules/quotas/<name>.hcl"),
            };
            diags.push(d);
        }
    }
    for q in world.quotas.values() {
        if !q.limits.is_empty() && q.limit_for(&world.region).is_none() {
            let mut d = Diag::warning(
                "world::quota-other-region",
                format!(
                    "quota `{}` has no limit for region `{}`: it limits nothing in this cluster",
                    q.name, world.region
                ),
            )
            .help(format!(
                "add a `limit {{ region = \"{}\" ... }}` block",
                world.region
            ));
            if let (Some(src), Some(span)) = (quota_sources.get(&q.name), q.spans.best("name")) {
                d = d.at(src, span, "limits other regions only");
            }
            diags.push(d);
        }
    }
    let policy_path = world_dir.join(POLICY_FILE);
    if vfs.is_file(&policy_path) {
        if let Some(src) = read(vfs, &policy_path, &mut diags) {
            world.policy = read_policy(&src, &world, &mut diags);
        }
    }
    load_running(vfs, &mut world, running, &mut diags);
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok((world, diags))
    }
}

/// Nomad's built-in namespace, present even when no file describes it.
pub fn default_namespace() -> Namespace {
    Namespace {
        name: "default".to_string(),
        description: "Default shared namespace".to_string(),
        ..Namespace::default()
    }
}

fn read(vfs: &dyn Vfs, path: &Path, diags: &mut Diags) -> Option<Source> {
    match vfs.read(path) {
        Ok(s) => Some(s),
        Err(e) => {
            diags.push(
                Diag::error("io::read", format!("cannot read {}: {e}", path.display()))
                    .help("check the path and that the file is readable"),
            );
            None
        }
    }
}

fn read_dir_hcl(vfs: &dyn Vfs, dir: &Path, diags: &mut Diags) -> Vec<Source> {
    if !vfs.is_dir(dir) {
        return Vec::new();
    }
    let files = match vfs.list(dir) {
        Ok(f) => f,
        Err(e) => {
            diags.push(Diag::error(
                "io::read",
                format!("cannot list {}: {e}", dir.display()),
            ));
            return Vec::new();
        }
    };
    files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "hcl"))
        .filter_map(|p| read(vfs, p, diags))
        .collect()
}

fn insert_unique<T>(
    map: &mut BTreeMap<String, T>,
    key: String,
    value: T,
    src: &Source,
    what: &str,
    diags: &mut Diags,
    span: impl Fn(&T) -> Option<Span>,
) {
    use std::collections::btree_map::Entry;
    match map.entry(key) {
        Entry::Vacant(slot) => {
            slot.insert(value);
        }
        Entry::Occupied(existing) => {
            let key = existing.key();
            let mut d = Diag::error(
                format!("world::duplicate-{what}"),
                format!("{what} `{key}` is defined twice"),
            )
            .help(format!(
                "every {what} name must be unique across the world files"
            ));
            if let Some(s) = span(&value) {
                d = d.at(src, s, "defined again here");
            }
            diags.push(d);
        }
    }
}

fn spans_for(block: Option<&Block>) -> Spans {
    let mut s = Spans::new(block.map(|b| span_of(b)));
    if let Some(l) = block.and_then(|b| b.labels.first()) {
        s.label = Some(span_of(l));
    }
    s
}

fn record(spans: &mut Spans, r: &BodyReader<'_>, fields: &[&'static str]) {
    for f in fields {
        if let Some(s) = r.attr_span(f) {
            spans.set(f, s);
        }
    }
}

const CLUSTER_SCHEMA: Schema = Schema {
    attrs: &["nomad_version", "region", "running"],
    blocks: &["scheduler", "client"],
};

/// Fill the cluster part of `world`; returns the `running` entries.
fn read_cluster(src: &Source, world: &mut World, diags: &mut Diags) -> Vec<(String, Span)> {
    let body = match parse(src) {
        Ok(b) => b,
        Err(d) => {
            diags.push(d);
            return Vec::new();
        }
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
    if let Some(region) = r.string("region", diags) {
        world.region = region;
    }
    if let Some(b) = r.single_block("scheduler", diags) {
        no_label(src, b, diags);
        world.scheduler = read_scheduler(src, b, diags);
    }
    let mut seen: BTreeMap<String, Span> = BTreeMap::new();
    for b in r.blocks("client") {
        let Some(pool) = read_client(src, b, diags) else {
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
        world.clients.push(pool);
    }
    if world.clients.is_empty() && !diags.has_errors() {
        diags.push(
            Diag::error("world::no-clients", "the world has no clients")
                .in_source(src)
                .help("add a `client \"NAME\" { count = 3 cpu = 4600 memory = 3951 disk = 10240 }` block"),
        );
    }
    r.strings("running", diags).unwrap_or_default()
}

fn read_scheduler(src: &Source, b: &Block, diags: &mut Diags) -> SchedulerConfig {
    const S: Schema = Schema {
        attrs: &["algorithm", "memory_oversubscription"],
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
        &["algorithm", "memory_oversubscription"],
    );
    match r.string("algorithm", diags).as_deref() {
        None => {}
        Some("binpack") => cfg.algorithm = Algorithm::Binpack,
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
    if let Some(p) = r.single_block("preemption", diags) {
        no_label(src, p, diags);
        const P: Schema = Schema {
            attrs: &["system", "sysbatch", "batch", "service"],
            blocks: &[],
        };
        let pr = BodyReader::new(src, &p.body, &P, "preemption", diags);
        let d = &mut cfg.preemption;
        for (key, slot) in [
            ("system", &mut d.system),
            ("sysbatch", &mut d.sysbatch),
            ("batch", &mut d.batch),
            ("service", &mut d.service),
        ] {
            if let Some(v) = pr.bool(key, diags) {
                *slot = v;
            }
        }
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
    "drivers",
    "attributes",
    "meta",
];

fn read_client(src: &Source, b: &Block, diags: &mut Diags) -> Option<ClientPool> {
    let (name, _) = match one_label(src, b, "client \"NAME\" { ... }") {
        Ok(l) => l,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    const S: Schema = Schema {
        attrs: CLIENT_ATTRS,
        blocks: &["reserved"],
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
    if let Some(c) = r
        .int("count", diags)
        .and_then(|c| positive("count", c, diags))
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
                if let Some(v) = positive(key, v, diags) {
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
    pool.drivers = r
        .strings("drivers", diags)
        .unwrap_or_default()
        .into_iter()
        .map(|(d, _)| d)
        .collect();
    pool.attributes = r.string_map("attributes", diags).unwrap_or_default();
    pool.meta = r.string_map("meta", diags).unwrap_or_default();
    if pool.drivers.is_empty() && r.attr_span("drivers").is_none() {
        diags.push(
            Diag::warning(
                "world::no-drivers",
                format!("{what} lists no drivers: no task can run on it"),
            )
            .at(src, pool.spans.label.unwrap_or_default(), "no `drivers`")
            .help("list the healthy task drivers, e.g. `drivers = [\"docker\", \"exec\"]`"),
        );
    }
    if let Some(rb) = r.single_block("reserved", diags) {
        no_label(src, rb, diags);
        pool.reserved = read_reserved(src, rb, &pool, diags);
    }
    Some(pool)
}

fn read_reserved(src: &Source, b: &Block, pool: &ClientPool, diags: &mut Diags) -> Reserved {
    const S: Schema = Schema {
        attrs: &["cpu", "memory", "disk", "ports"],
        blocks: &[],
    };
    let r = BodyReader::new(src, &b.body, &S, "reserved", diags);
    let mut out = Reserved::default();
    for (key, slot, total) in [
        ("cpu", &mut out.cpu, pool.cpu),
        ("memory", &mut out.memory, pool.memory),
        ("disk", &mut out.disk, pool.disk),
    ] {
        if let Some(v) = r.int(key, diags) {
            if v < 0 || (total > 0 && v >= total) {
                diags.push(
                    Diag::error(
                        "world::bad-value",
                        format!(
                            "reserved {key} must be between 0 and the client's {key} ({total})"
                        ),
                    )
                    .at(
                        src,
                        r.attr_span(key).unwrap_or_default(),
                        "out of range",
                    ),
                );
            } else {
                *slot = v;
            }
        }
    }
    if let Some(ports) = r.string("ports", diags) {
        match parse_port_ranges(&ports) {
            Ok(p) => out.ports = p,
            Err(msg) => diags.push(
                Diag::error("world::bad-value", format!("reserved ports: {msg}"))
                    .at(
                        src,
                        r.attr_span("ports").unwrap_or_default(),
                        "not a port list",
                    )
                    .help("write ports like Nomad's client config: \"22,80,8000-8010\""),
            ),
        }
    }
    out
}

/// Nomad's reserved port syntax: comma separated ports and inclusive ranges.
pub fn parse_port_ranges(s: &str) -> Result<Vec<u16>, String> {
    let mut out = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let port = |p: &str| {
            p.trim()
                .parse::<u16>()
                .map_err(|_| format!("`{p}` is not a port"))
        };
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (port(a)?, port(b)?);
                if a > b {
                    return Err(format!("range `{part}` is backwards"));
                }
                out.extend(a..=b);
            }
            None => out.push(port(part)?),
        }
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

fn read_quota(src: &Source, diags: &mut Diags) -> Option<QuotaSpec> {
    let body = match parse(src) {
        Ok(b) => b,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    const S: Schema = Schema {
        attrs: &["name", "description"],
        blocks: &["limit"],
    };
    let r = BodyReader::new(src, &body, &S, "quota specification", diags);
    let mut q = QuotaSpec {
        spans: spans_for(None),
        ..QuotaSpec::default()
    };
    record(&mut q.spans, &r, &["name", "description"]);
    match r.string("name", diags) {
        Some(n) if !n.is_empty() => q.name = n,
        _ => {
            diags.push(
                Diag::error("world::missing-key", "quota specification needs a `name`")
                    .in_source(src)
                    .help("add `name = \"...\"` (what `nomad quota init` writes)"),
            );
            return None;
        }
    }
    q.description = r.string("description", diags).unwrap_or_default();
    let mut regions: BTreeMap<String, Span> = BTreeMap::new();
    for b in r.blocks("limit") {
        no_label(src, b, diags);
        let Some(limit) = read_limit(src, b, diags) else {
            continue;
        };
        let span = limit.spans.best("region").unwrap_or_default();
        if let Some(first) = regions.insert(limit.region.clone(), span) {
            diags.push(
                Diag::error(
                    "world::duplicate-limit",
                    format!("quota `{}` limits region `{}` twice", q.name, limit.region),
                )
                .at(src, span, "second limit")
                .label(first, "first limit"),
            );
            continue;
        }
        q.limits.push(limit);
    }
    if q.limits.is_empty() {
        diags.push(
            Diag::warning(
                "world::empty-quota",
                format!("quota `{}` has no limit block: it limits nothing", q.name),
            )
            .at(src, q.spans.best("name").unwrap_or_default(), "no limits"),
        );
    }
    Some(q)
}

fn read_limit(src: &Source, b: &Block, diags: &mut Diags) -> Option<QuotaLimit> {
    const S: Schema = Schema {
        attrs: &["region"],
        blocks: &["region_limit"],
    };
    let r = BodyReader::new(src, &b.body, &S, "limit", diags);
    let mut limit = QuotaLimit {
        spans: spans_for(Some(b)),
        ..QuotaLimit::default()
    };
    record(&mut limit.spans, &r, &["region"]);
    match r.string("region", diags) {
        Some(reg) => limit.region = reg,
        None => {
            diags.push(
                Diag::error("world::missing-key", "quota `limit` needs a `region`")
                    .at(src, span_of(&b.ident), "no region")
                    .help("add `region = \"global\"`"),
            );
            return None;
        }
    }
    if let Some(rl) = r.single_block("region_limit", diags) {
        no_label(src, rl, diags);
        const RL: Schema = Schema {
            attrs: &["cpu", "cores", "memory", "memory_max"],
            blocks: &["device", "network"],
        };
        let rr = BodyReader::new(src, &rl.body, &RL, "region_limit", diags);
        let l = &mut limit.region_limit;
        l.spans = spans_for(Some(rl));
        record(&mut l.spans, &rr, &["cpu", "cores", "memory", "memory_max"]);
        l.cpu = rr.int("cpu", diags);
        l.cores = rr.int("cores", diags);
        l.memory = rr.int("memory", diags);
        l.memory_max = rr.int("memory_max", diags);
        for d in rr.blocks("device") {
            let Ok((name, _)) =
                one_label(src, d, "device \"nvidia/gpu\" { count = 1 }").map_err(|e| diags.push(e))
            else {
                continue;
            };
            const D: Schema = Schema {
                attrs: &["count"],
                blocks: &[],
            };
            let dr = BodyReader::new(src, &d.body, &D, "device", diags);
            l.devices.insert(name, dr.int("count", diags).unwrap_or(0));
        }
        if let Some(n) = rr.single_block("network", diags) {
            diags.push(
                Diag::warning(
                    "world::not-simulated",
                    "network quota limits (Nomad 0.10-0.12) are not simulated",
                )
                .at(src, span_of(&n.ident), "ignored")
                .help("Nomad removed network quotas in 1.0; remove the block to silence this"),
            );
        }
    }
    Some(limit)
}

fn read_namespace(src: &Source, diags: &mut Diags) -> Option<Namespace> {
    let body = match parse(src) {
        Ok(b) => b,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    const S: Schema = Schema {
        attrs: &["name", "description", "quota", "meta"],
        blocks: &["capabilities", "meta"],
    };
    let r = BodyReader::new(src, &body, &S, "namespace specification", diags);
    let mut ns = Namespace {
        spans: spans_for(None),
        ..Namespace::default()
    };
    record(&mut ns.spans, &r, &["name", "description", "quota", "meta"]);
    match r.string("name", diags) {
        Some(n) if !n.is_empty() => ns.name = n,
        _ => {
            diags.push(
                Diag::error(
                    "world::missing-key",
                    "namespace specification needs a `name`",
                )
                .in_source(src)
                .help("add `name = \"...\"`"),
            );
            return None;
        }
    }
    ns.description = r.string("description", diags).unwrap_or_default();
    ns.quota = r.string("quota", diags).filter(|q| !q.is_empty());
    ns.meta = r.string_map("meta", diags).unwrap_or_default();
    // Nomad's namespace spec writes meta as a block; accept both spellings.
    if let Some(m) = r.single_block("meta", diags) {
        for a in m.body.attributes() {
            if let Ok(super::hclread::Lit::Str(v)) = super::hclread::literal(src, &a.value) {
                ns.meta.insert(a.key.value().to_string(), v);
            }
        }
    }
    if let Some(c) = r.single_block("capabilities", diags) {
        no_label(src, c, diags);
        const C: Schema = Schema {
            attrs: &["enabled_task_drivers", "disabled_task_drivers"],
            blocks: &[],
        };
        let cr = BodyReader::new(src, &c.body, &C, "capabilities", diags);
        let names = |v: Option<Vec<(String, Span)>>| -> Vec<String> {
            v.unwrap_or_default().into_iter().map(|(s, _)| s).collect()
        };
        ns.enabled_task_drivers = names(cr.strings("enabled_task_drivers", diags));
        ns.disabled_task_drivers = names(cr.strings("disabled_task_drivers", diags));
    }
    Some(ns)
}

const POLICY_ATTRS: &[&str] = &["preemption_gap", "quota_near_threshold", "require_quota"];

fn read_policy(src: &Source, world: &World, diags: &mut Diags) -> Policy {
    let mut policy = Policy::default();
    let body = match parse(src) {
        Ok(b) => b,
        Err(d) => {
            diags.push(d);
            return policy;
        }
    };
    const S: Schema = Schema {
        attrs: POLICY_ATTRS,
        blocks: &["namespace", "rule", "ignore", "protected"],
    };
    let r = BodyReader::new(src, &body, &S, "policy.hcl", diags);
    record(&mut policy.spans, &r, POLICY_ATTRS);
    if let Some(g) = r.int("preemption_gap", diags) {
        if (0..=100).contains(&g) {
            policy.preemption_gap = g;
        } else {
            diags.push(
                Diag::error(
                    "world::bad-value",
                    "`preemption_gap` must be between 0 and 100",
                )
                .at(
                    src,
                    r.attr_span("preemption_gap").unwrap_or_default(),
                    "out of range",
                )
                .help("Nomad preempts only allocations at least 10 priority points lower"),
            );
        }
    }
    if let Some(t) = r.float("quota_near_threshold", diags) {
        if t > 0.0 && t <= 1.0 {
            policy.quota_near_threshold = t;
        } else {
            diags.push(
                Diag::error(
                    "world::bad-value",
                    "`quota_near_threshold` must be a share in (0, 1]",
                )
                .at(
                    src,
                    r.attr_span("quota_near_threshold").unwrap_or_default(),
                    "out of range",
                )
                .help("e.g. 0.9 reports quotas more than 90% used"),
            );
        }
    }
    if let Some(b) = r.bool("require_quota", diags) {
        policy.require_quota = b;
    }
    for b in r.blocks("namespace") {
        if let Some(band) = read_band(src, b, world, diags) {
            policy.bands.push(band);
        }
    }
    for b in r.blocks("rule") {
        let Ok((code, code_span)) =
            one_label(src, b, "rule \"NP301\" { severity = \"off\" }").map_err(|e| diags.push(e))
        else {
            continue;
        };
        const R: Schema = Schema {
            attrs: &["severity"],
            blocks: &[],
        };
        let rr = BodyReader::new(src, &b.body, &R, "rule", diags);
        let level = match rr.string("severity", diags).as_deref() {
            Some("off") => RuleLevel::Off,
            Some("advice") => RuleLevel::On(Severity::Advice),
            Some("warning") => RuleLevel::On(Severity::Warning),
            Some("error") => RuleLevel::On(Severity::Error),
            Some(other) => {
                diags.push(
                    Diag::error("world::bad-value", format!("unknown severity `{other}`"))
                        .at(
                            src,
                            rr.attr_span("severity").unwrap_or_default(),
                            "not a severity",
                        )
                        .help("use \"off\", \"advice\", \"warning\" or \"error\""),
                );
                continue;
            }
            None => {
                diags.push(
                    Diag::error(
                        "world::missing-key",
                        format!("rule `{code}` needs a `severity`"),
                    )
                    .at(src, code_span, "no severity"),
                );
                continue;
            }
        };
        if policy.rules.insert(code.clone(), level).is_some() {
            diags.push(
                Diag::error(
                    "world::duplicate-rule",
                    format!("rule `{code}` is configured twice"),
                )
                .at(src, code_span, "configured again here"),
            );
        }
    }
    for b in r.blocks("ignore") {
        let Ok((glob, glob_span)) = one_label(
            src,
            b,
            "ignore \"jobs/legacy/*.nomad\" { rules = [\"NP101\"] }",
        )
        .map_err(|e| diags.push(e)) else {
            continue;
        };
        const I: Schema = Schema {
            attrs: &["rules"],
            blocks: &[],
        };
        let ir = BodyReader::new(src, &b.body, &I, "ignore", diags);
        let mut spans = spans_for(Some(b));
        spans.label = Some(glob_span);
        policy.ignores.push(PathIgnore {
            glob,
            codes: ir
                .strings("rules", diags)
                .unwrap_or_default()
                .into_iter()
                .map(|(c, _)| c)
                .collect(),
            spans,
        });
    }
    if let Some(p) = r.single_block("protected", diags) {
        no_label(src, p, diags);
        const P: Schema = Schema {
            attrs: &["jobs", "namespaces"],
            blocks: &[],
        };
        let pr = BodyReader::new(src, &p.body, &P, "protected", diags);
        for (ns, span) in pr.strings("namespaces", diags).unwrap_or_default() {
            if !world.namespaces.contains_key(&ns) {
                diags.push(unknown_namespace(src, &ns, span, world));
            }
            policy.protected.namespaces.push(ns);
        }
        policy.protected.jobs = pr
            .strings("jobs", diags)
            .unwrap_or_default()
            .into_iter()
            .map(|(j, _)| j)
            .collect();
    }
    policy
}

fn unknown_namespace(src: &Source, ns: &str, span: Span, world: &World) -> Diag {
    let known: Vec<&str> = world.namespaces.keys().map(String::as_str).collect();
    let d = Diag::error(
        "world::unknown-namespace",
        format!("namespace `{ns}` does not exist"),
    )
    .at(src, span, "no such namespace");
    match super::hclread::did_you_mean(ns, &known) {
        Some(s) => d.help(format!("did you mean `{s}`?")),
        None => d.help("define it in rules/namespaces/<name>.hcl"),
    }
}

fn read_band(src: &Source, b: &Block, world: &World, diags: &mut Diags) -> Option<PriorityBand> {
    let (ns, ns_span) = one_label(
        src,
        b,
        "namespace \"default\" { priority { min = 1 max = 70 } }",
    )
    .map_err(|e| diags.push(e))
    .ok()?;
    if !world.namespaces.contains_key(&ns) {
        diags.push(unknown_namespace(src, &ns, ns_span, world));
    }
    const N: Schema = Schema {
        attrs: &[],
        blocks: &["priority"],
    };
    let r = BodyReader::new(src, &b.body, &N, &format!("namespace \"{ns}\""), diags);
    let p = r.single_block("priority", diags)?;
    no_label(src, p, diags);
    const P: Schema = Schema {
        attrs: &["min", "max"],
        blocks: &[],
    };
    let pr = BodyReader::new(src, &p.body, &P, "priority", diags);
    let mut spans = spans_for(Some(b));
    spans.label = Some(ns_span);
    record(&mut spans, &pr, &["min", "max"]);
    let min = pr.int("min", diags).unwrap_or(1);
    let max = pr.int("max", diags).unwrap_or(100);
    // Nomad accepts job priorities 1..=100 (1.x adds a configurable maximum).
    if !(1..=100).contains(&min) || !(1..=100).contains(&max) || min > max {
        diags.push(
            Diag::error(
                "world::bad-value",
                format!("priority band {min}..{max} is not within 1..100 with min <= max"),
            )
            .at(src, span_of(p), "invalid band")
            .help("Nomad job priorities run from 1 to 100"),
        );
        return None;
    }
    Some(PriorityBand {
        namespace: ns,
        min,
        max,
        spans,
    })
}

fn load_running(vfs: &dyn Vfs, world: &mut World, running: Vec<(String, Span)>, diags: &mut Diags) {
    let Some(cluster_src) = (match &world.origin {
        WorldOrigin::Dir(d) => vfs.read(&d.join(CLUSTER_FILE)).ok(),
        _ => None,
    }) else {
        return;
    };
    let opts = LoadOptions {
        version: world.nomad_version,
        repo_root: Some(world.project_root.clone()),
        ..LoadOptions::default()
    };
    let mut seen: Vec<(PathBuf, Span)> = Vec::new();
    let mut ids: Vec<((String, String), Span)> = Vec::new();
    for (rel, span) in running {
        let path = world.project_root.join(&rel);
        let key = crate::vfs::normalize(&path);
        if let Some((_, first)) = seen.iter().find(|(p, _)| *p == key) {
            diags.push(
                Diag::error(
                    "world::duplicate-running",
                    format!("`{rel}` is listed twice in `running`"),
                )
                .at(&cluster_src, span, "listed again here")
                .label(*first, "first listed here")
                .help("each job file is registered once, in list order"),
            );
            continue;
        }
        seen.push((key, span));
        if !vfs.is_file(&path) {
            diags.push(
                Diag::error("world::missing-job-file", format!("running job file `{rel}` does not exist"))
                    .at(&cluster_src, span, "no such file")
                    .help("paths in `running` are relative to the project root (the folder holding rules/)"),
            );
            continue;
        }
        let parsed = crate::jobspec::load(vfs, &path, &opts);
        let failed = parsed.diags.has_errors();
        diags.extend(parsed.diags);
        match parsed.job {
            Some(job) if !failed => {
                let id = (job.namespace.clone(), job.id.clone());
                if let Some((_, first)) = ids.iter().find(|(k, _)| *k == id) {
                    diags.push(
                        Diag::error(
                            "world::duplicate-running-job",
                            format!("job `{}` (namespace `{}`) is registered by two files", id.1, id.0),
                        )
                        .at(&cluster_src, span, "second registration")
                        .label(*first, "first registration")
                        .help("a running job is defined once; the second file would silently update it"),
                    );
                    continue;
                }
                ids.push((id, span));
                world.running.push(RunningJob {
                    path: PathBuf::from(rel),
                    job,
                });
            }
            _ => diags.push(
                Diag::error(
                    "world::bad-running-job",
                    format!("running job `{rel}` does not load"),
                )
                .at(&cluster_src, span, "this job has errors")
                .help("fix the job file: the world replays it before any plan"),
            ),
        }
    }
}
