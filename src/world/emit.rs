//! Writing a world back out as `rules/` files, and jobs as HCL job files:
//! what `import --write` produces. The output is what `load` reads, so a
//! written world loads back to the same model.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use super::model::*;
use crate::jobspec::{Affinity, Constraint, Job, Network, Resources, Spread, Value};
use crate::version::Edition;

/// HCL string literal: quotes, escapes, and template sequences neutralised
/// so an imported value is never evaluated as an interpolation. A character
/// Go's `unicode.IsPrint` refuses (an ESC, a BEL, a bidi override from a
/// hostile cluster's JSON) is written `\uNNNN` / `\UNNNNNNNN`, as hclwrite's
/// escapeQuotedStringLit does, so the written world file holds no raw
/// control bytes for an editor or `cat` to act on; reading it back gives
/// the same string.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if !crate::gotext::is_print(c, crate::gotext::Unicode::U17) => {
                let _ = if u32::from(c) < 0x1_0000 {
                    write!(out, "\\u{:04x}", u32::from(c))
                } else {
                    write!(out, "\\U{:08x}", u32::from(c))
                };
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub(super) fn key(k: &str) -> String {
    let ident = k
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ident {
        k.to_string()
    } else {
        quote(k)
    }
}

pub(super) fn list(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|s| quote(s)).collect();
    format!("[{}]", inner.join(", "))
}

pub(super) fn map_attr(out: &mut String, pad: &str, name: &str, m: &BTreeMap<String, String>) {
    if m.is_empty() {
        return;
    }
    let _ = writeln!(out, "{pad}{name} = {{");
    for (k, v) in m {
        let _ = writeln!(out, "{pad}  {} = {}", key(k), quote(v));
    }
    let _ = writeln!(out, "{pad}}}");
}

/// Job `env`/`meta` the way Nomad's docs write them (`env { KEY = "v" }`);
/// keys that are not identifiers only fit the map-attribute form.
fn map_block(out: &mut String, pad: &str, name: &str, m: &BTreeMap<String, String>) {
    if m.keys().any(|k| key(k).starts_with('"')) {
        map_attr(out, pad, name, m);
        return;
    }
    if m.is_empty() {
        return;
    }
    let _ = writeln!(out, "{pad}{name} {{");
    for (k, v) in m {
        let _ = writeln!(out, "{pad}  {k} = {}", quote(v));
    }
    let _ = writeln!(out, "{pad}}}");
}

/// Every file of a world directory: (path relative to the world dir, text).
/// Running jobs are returned separately by [`running_job_files`].
pub fn world_files(world: &World) -> Vec<(PathBuf, String)> {
    let mut files = vec![(PathBuf::from("cluster.hcl"), cluster_hcl(world))];
    for q in world.quotas.values() {
        files.push((
            PathBuf::from(format!("quotas/{}.hcl", q.name)),
            quota_hcl(q),
        ));
    }
    for ns in world.namespaces.values() {
        files.push((
            PathBuf::from(format!("namespaces/{}.hcl", ns.name)),
            namespace_hcl(ns),
        ));
    }
    if let Some(text) = super::emit_csi::volumes_hcl(world) {
        files.push((PathBuf::from(super::csi_file::VOLUMES_FILE), text));
    }
    if let Some(p) = &world.pinned {
        let nodes = super::emit_allocs::member_ids(world);
        files.push((
            PathBuf::from(super::PINNED_FILE),
            super::emit_allocs::allocations_hcl(p, &nodes),
        ));
    }
    files
}

/// Where a running job is written, relative to the project root.
pub fn job_file_path(job: &Job) -> PathBuf {
    if job.namespace.is_empty() || job.namespace == "default" {
        PathBuf::from(format!("jobs/{}.nomad", job.id))
    } else {
        PathBuf::from(format!("jobs/{}/{}.nomad", job.namespace, job.id))
    }
}

/// The running jobs as HCL job files, relative to the project root.
pub fn running_job_files(world: &World) -> Vec<(PathBuf, String)> {
    world
        .running
        .iter()
        .map(|r| (job_file_path(&r.job), job_hcl(&r.job)))
        .collect()
}

pub fn cluster_hcl(world: &World) -> String {
    let mut o = String::new();
    // The edition as the agent reports it: Enterprise's build tag keeps
    // `+ent`; a community build's says nothing, so the word is written.
    let (ent, community) = match world.stated_edition {
        Some(Edition::Enterprise) => ("+ent", false),
        Some(Edition::Community) => ("", true),
        None => ("", false),
    };
    let _ = writeln!(
        o,
        "nomad_version = {}",
        quote(&format!("{}{ent}", world.nomad_version))
    );
    if community {
        let _ = writeln!(o, "edition       = \"community\"");
    }
    let _ = writeln!(o, "region        = {}", quote(&world.region));
    let s = &world.scheduler;
    let p = &s.preemption;
    let _ = writeln!(o, "\nscheduler {{");
    let _ = writeln!(o, "  algorithm = {}", quote(s.algorithm.as_str()));
    if s.memory_oversubscription {
        let _ = writeln!(o, "  memory_oversubscription = true");
    }
    if s.reject_job_registration {
        let _ = writeln!(o, "  reject_job_registration = true");
    }
    let _ = writeln!(
        o,
        "  preemption {{\n    system   = {}\n    sysbatch = {}\n    batch    = {}\n    service  = {}\n  }}\n}}",
        p.system, p.sysbatch, p.batch, p.service
    );
    o.push_str(&super::server_file::server_hcl(&world.server));
    for c in &world.clients {
        let _ = writeln!(o, "\nclient {} {{", quote(&c.name));
        let _ = writeln!(o, "  count         = {}", c.count);
        let _ = writeln!(o, "  datacenter    = {}", quote(&c.datacenter));
        let _ = writeln!(o, "  node_pool     = {}", quote(&c.node_pool));
        if !c.node_class.is_empty() {
            let _ = writeln!(o, "  node_class    = {}", quote(&c.node_class));
        }
        let _ = writeln!(o, "  cpu           = {}", c.cpu);
        let _ = writeln!(o, "  memory        = {}", c.memory);
        let _ = writeln!(o, "  disk          = {}", c.disk);
        let _ = writeln!(o, "  network_mbits = {}", c.network_mbits);
        if c.min_dynamic_port > 0 {
            let _ = writeln!(o, "  min_dynamic_port = {}", c.min_dynamic_port);
        }
        if c.max_dynamic_port > 0 {
            let _ = writeln!(o, "  max_dynamic_port = {}", c.max_dynamic_port);
        }
        let _ = writeln!(o, "  drivers       = {}", list(&c.drivers));
        map_attr(&mut o, "  ", "attributes", &c.attributes);
        map_attr(&mut o, "  ", "meta", &c.meta);
        if c.state.status != crate::structs::NodeStatus::Ready {
            let _ = writeln!(o, "  status        = {}", quote(c.state.status.as_str()));
        }
        if c.state.ineligible {
            let _ = writeln!(o, "  eligibility   = \"ineligible\"");
        }
        if c.state.drain {
            let _ = writeln!(o, "  drain         = true");
        }
        for (name, v) in &c.host_volumes {
            let _ = writeln!(o, "  host_volume {} {{", quote(name));
            let _ = writeln!(o, "    path      = {}", quote(&v.path));
            if v.dynamic {
                let _ = writeln!(o, "    dynamic   = true");
            }
            let _ = writeln!(o, "    read_only = {}\n  }}", v.read_only);
        }
        super::network_file::networks_hcl(&mut o, c, world.nomad_version);
        device_blocks(&mut o, c);
        super::emit_csi::plugin_blocks(&mut o, c);
        super::emit_allocs::member_blocks(&mut o, c);
        let r = &c.reserved;
        if *r != Reserved::default() {
            let _ = writeln!(o, "  reserved {{");
            let _ = writeln!(
                o,
                "    cpu    = {}\n    memory = {}\n    disk   = {}",
                r.cpu, r.memory, r.disk
            );
            if !r.ports.is_empty() {
                let ports: Vec<String> = r.ports.iter().map(u16::to_string).collect();
                let _ = writeln!(o, "    ports  = {}", quote(&ports.join(",")));
            }
            let _ = writeln!(o, "  }}");
        }
        let _ = writeln!(o, "}}");
    }
    if !world.running.is_empty() {
        let paths: Vec<String> = world
            .running
            .iter()
            .map(|r| job_file_path(&r.job).display().to_string())
            .collect();
        let _ = writeln!(o, "\nrunning = [");
        for p in &paths {
            let _ = writeln!(o, "  {},", quote(p));
        }
        let _ = writeln!(o, "]");
        // A job file cannot say `Stop`: the world says which are stopped.
        for (r, p) in world.running.iter().zip(&paths) {
            if r.job.stop {
                let _ = writeln!(o, "\nrunning_job {} {{\n  stopped = true\n}}", quote(p));
            }
        }
    }
    o
}

/// A pool's `device` blocks. A single imported node keeps its instance IDs
/// (allocations name them); a pool of several gets derived ones.
fn device_blocks(o: &mut String, c: &ClientPool) {
    for (k, d) in c.devices.iter().enumerate() {
        let own = match c.members.as_slice() {
            [only] => only.devices.get(k).filter(|m| m.id == d.id),
            _ => None,
        };
        let instances = own.map_or(&d.instances, |m| &m.instances);
        let healthy = instances.iter().filter(|i| i.healthy).count();
        let _ = writeln!(o, "  device {} {{", quote(&d.id.to_string()));
        let _ = writeln!(o, "    count      = {healthy}");
        let unhealthy = instances.len() - healthy;
        if unhealthy > 0 {
            let _ = writeln!(o, "    unhealthy  = {unhealthy}");
        }
        if own.is_some() {
            // Healthy instances first, as `count` and `unhealthy` split them.
            let ids: Vec<String> = instances
                .iter()
                .filter(|i| i.healthy)
                .chain(instances.iter().filter(|i| !i.healthy))
                .map(|i| i.id.clone())
                .collect();
            let _ = writeln!(o, "    instance_ids = {}", list(&ids));
        }
        let attrs: BTreeMap<String, String> = d
            .attributes
            .iter()
            .map(|(k, v)| (k.clone(), v.to_string()))
            .collect();
        map_attr(o, "    ", "attributes", &attrs);
        let _ = writeln!(o, "  }}");
    }
}

pub fn quota_hcl(q: &QuotaSpec) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "name        = {}", quote(&q.name));
    let _ = writeln!(o, "description = {}", quote(&q.description));
    for l in &q.limits {
        let _ = writeln!(
            o,
            "\nlimit {{\n  region = {}\n  region_limit {{",
            quote(&l.region)
        );
        let rl = &l.region_limit;
        for (k, v) in [
            ("cpu", rl.cpu),
            ("cores", rl.cores),
            ("memory", rl.memory),
            ("memory_max", rl.memory_max),
        ] {
            if let Some(v) = v {
                let _ = writeln!(o, "    {k} = {v}");
            }
        }
        for (name, count) in &rl.devices {
            let _ = writeln!(
                o,
                "    device {} {{\n      count = {count}\n    }}",
                quote(name)
            );
        }
        let _ = writeln!(o, "  }}\n}}");
    }
    o
}

pub fn namespace_hcl(ns: &Namespace) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "name        = {}", quote(&ns.name));
    let _ = writeln!(o, "description = {}", quote(&ns.description));
    if let Some(q) = &ns.quota {
        let _ = writeln!(o, "quota       = {}", quote(q));
    }
    map_attr(&mut o, "", "meta", &ns.meta);
    let drivers = !ns.enabled_task_drivers.is_empty() || !ns.disabled_task_drivers.is_empty();
    // The 1.8.4+ network-mode capabilities, written only when stated.
    let modes = !ns.enabled_network_modes.is_empty() || !ns.disabled_network_modes.is_empty();
    if drivers || modes {
        let _ = writeln!(o, "\ncapabilities {{");
        if drivers {
            let _ = writeln!(
                o,
                "  enabled_task_drivers  = {}",
                list(&ns.enabled_task_drivers)
            );
            let _ = writeln!(
                o,
                "  disabled_task_drivers = {}",
                list(&ns.disabled_task_drivers)
            );
        }
        if modes {
            let _ = writeln!(
                o,
                "  enabled_network_modes  = {}",
                list(&ns.enabled_network_modes)
            );
            let _ = writeln!(
                o,
                "  disabled_network_modes = {}",
                list(&ns.disabled_network_modes)
            );
        }
        let _ = writeln!(o, "}}");
    }
    o
}

fn value(v: &Value, pad: &str) -> String {
    match v {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
        Value::Number(n) => n.to_string(),
        Value::Int(n) => n.to_string(),
        Value::String(s) => quote(s),
        Value::List(items) => {
            let inner: Vec<String> = items.iter().map(|i| value(i, pad)).collect();
            format!("[{}]", inner.join(", "))
        }
        Value::Map(m) => {
            let inner = format!("{pad}  ");
            let mut s = String::from("{\n");
            for (k, v) in m {
                let _ = writeln!(s, "{inner}{} = {}", key(k), value(v, &inner));
            }
            s.push_str(pad);
            s.push('}');
            s
        }
    }
}

fn constraints(o: &mut String, pad: &str, cs: &[Constraint]) {
    for c in cs {
        let _ = writeln!(o, "{pad}constraint {{");
        if !c.ltarget.is_empty() {
            let _ = writeln!(o, "{pad}  attribute = {}", quote(&c.ltarget));
        }
        if !c.operand.is_empty() && c.operand != "=" {
            let _ = writeln!(o, "{pad}  operator  = {}", quote(&c.operand));
        }
        if !c.rtarget.is_empty() {
            let _ = writeln!(o, "{pad}  value     = {}", quote(&c.rtarget));
        }
        let _ = writeln!(o, "{pad}}}");
    }
}

fn affinities(o: &mut String, pad: &str, xs: &[Affinity]) {
    for a in xs {
        let _ = writeln!(o, "{pad}affinity {{");
        let _ = writeln!(o, "{pad}  attribute = {}", quote(&a.ltarget));
        if !a.operand.is_empty() && a.operand != "=" {
            let _ = writeln!(o, "{pad}  operator  = {}", quote(&a.operand));
        }
        let _ = writeln!(o, "{pad}  value     = {}", quote(&a.rtarget));
        let _ = writeln!(o, "{pad}  weight    = {}", a.weight);
        let _ = writeln!(o, "{pad}}}");
    }
}

fn spreads(o: &mut String, pad: &str, xs: &[Spread]) {
    for s in xs {
        let _ = writeln!(o, "{pad}spread {{");
        let _ = writeln!(o, "{pad}  attribute = {}", quote(&s.attribute));
        let _ = writeln!(o, "{pad}  weight    = {}", s.weight);
        for t in &s.targets {
            let _ = writeln!(
                o,
                "{pad}  target {} {{\n{pad}    percent = {}\n{pad}  }}",
                quote(&t.value),
                t.percent
            );
        }
        let _ = writeln!(o, "{pad}}}");
    }
}

fn network(o: &mut String, pad: &str, n: &Network) {
    let _ = writeln!(o, "{pad}network {{");
    if !n.mode.is_empty() {
        let _ = writeln!(o, "{pad}  mode  = {}", quote(&n.mode));
    }
    if n.mbits > 0 {
        let _ = writeln!(o, "{pad}  mbits = {}", n.mbits);
    }
    for p in &n.reserved_ports {
        let _ = write!(o, "{pad}  port {} {{ static = {}", quote(&p.label), p.value);
        if p.to != 0 {
            let _ = write!(o, " to = {}", p.to);
        }
        let _ = writeln!(o, " }}");
    }
    for p in &n.dynamic_ports {
        let _ = write!(o, "{pad}  port {} {{", quote(&p.label));
        if p.to != 0 {
            let _ = write!(o, " to = {} ", p.to);
        }
        let _ = writeln!(o, "}}");
    }
    let _ = writeln!(o, "{pad}}}");
}

fn resources(o: &mut String, pad: &str, r: &Resources) {
    let _ = writeln!(o, "{pad}resources {{");
    for (k, v) in [
        ("cpu", r.cpu),
        ("cores", r.cores),
        ("memory", r.memory_mb),
        ("memory_max", r.memory_max_mb),
    ] {
        if v != 0 {
            let _ = writeln!(o, "{pad}  {k} = {v}");
        }
    }
    for n in &r.networks {
        network(o, &format!("{pad}  "), n);
    }
    for d in &r.devices {
        let _ = writeln!(
            o,
            "{pad}  device {} {{\n{pad}    count = {}",
            quote(&d.name),
            d.count
        );
        constraints(o, &format!("{pad}    "), &d.constraints);
        affinities(o, &format!("{pad}    "), &d.affinities);
        let _ = writeln!(o, "{pad}  }}");
    }
    let _ = writeln!(o, "{pad}}}");
}

/// A job file in HCL2 jobspec syntax holding the placement-relevant fields
/// that [`super::import::job_from_api_json`] carries over.
pub fn job_hcl(job: &Job) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "job {} {{", quote(&job.id));
    if job.name != job.id && !job.name.is_empty() {
        let _ = writeln!(o, "  name        = {}", quote(&job.name));
    }
    if !job.namespace.is_empty() && job.namespace != "default" {
        let _ = writeln!(o, "  namespace   = {}", quote(&job.namespace));
    }
    if !job.region.is_empty() {
        let _ = writeln!(o, "  region      = {}", quote(&job.region));
    }
    let _ = writeln!(o, "  type        = {}", quote(job.job_type.as_str()));
    let _ = writeln!(o, "  priority    = {}", job.priority);
    let _ = writeln!(o, "  datacenters = {}", list(&job.datacenters));
    if !job.node_pool.is_empty() {
        let _ = writeln!(o, "  node_pool   = {}", quote(&job.node_pool));
    }
    if job.all_at_once {
        let _ = writeln!(o, "  all_at_once = true");
    }
    map_block(&mut o, "  ", "meta", &job.meta);
    constraints(&mut o, "  ", &job.constraints);
    affinities(&mut o, "  ", &job.affinities);
    spreads(&mut o, "  ", &job.spreads);
    if let Some(p) = &job.periodic {
        let _ = writeln!(o, "  periodic {{");
        // One spec is written as `cron`, which every jobspec version reads.
        match p.specs.as_slice() {
            [one] => {
                let _ = writeln!(o, "    cron             = {}", quote(one));
            }
            many => {
                let _ = writeln!(o, "    crons            = {}", list(many));
            }
        }
        let _ = writeln!(o, "    prohibit_overlap = {}", p.prohibit_overlap);
        if !p.time_zone.is_empty() {
            let _ = writeln!(o, "    time_zone        = {}", quote(&p.time_zone));
        }
        if !p.enabled {
            let _ = writeln!(o, "    enabled          = false");
        }
        let _ = writeln!(o, "  }}");
    }
    if let Some(p) = &job.parameterized {
        let _ = writeln!(o, "  parameterized {{");
        if !p.payload.is_empty() {
            let _ = writeln!(o, "    payload       = {}", quote(&p.payload));
        }
        let _ = writeln!(o, "    meta_required = {}", list(&p.meta_required));
        let _ = writeln!(o, "    meta_optional = {}", list(&p.meta_optional));
        let _ = writeln!(o, "  }}");
    }
    for g in &job.groups {
        let _ = writeln!(o, "\n  group {} {{", quote(&g.name));
        let _ = writeln!(o, "    count = {}", g.count);
        map_block(&mut o, "    ", "meta", &g.meta);
        constraints(&mut o, "    ", &g.constraints);
        affinities(&mut o, "    ", &g.affinities);
        spreads(&mut o, "    ", &g.spreads);
        for n in &g.networks {
            network(&mut o, "    ", n);
        }
        let d = &g.ephemeral_disk;
        if d.size_mb != 0 || d.sticky || d.migrate {
            let _ = writeln!(
                o,
                "    ephemeral_disk {{\n      size    = {}\n      sticky  = {}\n      migrate = {}\n    }}",
                d.size_mb, d.sticky, d.migrate
            );
        }
        for t in &g.tasks {
            let _ = writeln!(o, "\n    task {} {{", quote(&t.name));
            let _ = writeln!(o, "      driver = {}", quote(&t.driver));
            if !t.user.is_empty() {
                let _ = writeln!(o, "      user   = {}", quote(&t.user));
            }
            if t.leader {
                let _ = writeln!(o, "      leader = true");
            }
            if !t.kill_signal.is_empty() {
                let _ = writeln!(o, "      kill_signal = {}", quote(&t.kill_signal));
            }
            if !t.config.is_empty() {
                let _ = writeln!(o, "      config {{");
                for (k, v) in &t.config {
                    let _ = writeln!(o, "        {} = {}", key(k), value(v, "        "));
                }
                let _ = writeln!(o, "      }}");
            }
            map_block(&mut o, "      ", "env", &t.env);
            map_block(&mut o, "      ", "meta", &t.meta);
            constraints(&mut o, "      ", &t.constraints);
            affinities(&mut o, "      ", &t.affinities);
            resources(&mut o, "      ", &t.resources);
            let _ = writeln!(o, "    }}");
        }
        let _ = writeln!(o, "  }}");
    }
    let _ = writeln!(o, "}}");
    o
}

#[cfg(test)]
#[path = "emit_tests.rs"]
mod tests;
