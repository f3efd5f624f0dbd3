//! Running jobs written back as HCL2 job files (`import --write`): the
//! placement-relevant fields an import carries over.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::emit::{key, list, map_attr, quote};
use crate::jobspec::{
    Affinity, Constraint, Duration, Job, LogConfig, MigrateStrategy, Network, ReschedulePolicy,
    Resources, RestartPolicy, Spread, UpdateStrategy, Value,
};

/// Job `env`/`meta` the way Nomad's docs write them (`env { KEY = "v" }`);
/// keys that are not identifiers only fit the map-attribute form.
pub(super) fn map_block(out: &mut String, pad: &str, name: &str, m: &BTreeMap<String, String>) {
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

/// A Go duration as the jobspec reads it back exactly: whole seconds as
/// `Ns`, anything finer in nanoseconds.
pub(super) fn dur(d: Duration) -> String {
    if d.0 % 1_000_000_000 == 0 {
        format!("\"{}s\"", d.0 / 1_000_000_000)
    } else {
        format!("\"{}ns\"", d.0)
    }
}

/// One block of `key = value` lines; empty strings are left out (the
/// file's default stands for them), `false` too (the keys a release may
/// not know are the later booleans: `render_templates`, `disabled`).
pub(super) fn block(o: &mut String, pad: &str, name: &str, lines: &[(&str, String)]) {
    let _ = writeln!(o, "{pad}{name} {{");
    for (k, v) in lines {
        if v.is_empty() || v == "\"\"" || v == "false" {
            continue;
        }
        let _ = writeln!(o, "{pad}  {k} = {v}");
    }
    let _ = writeln!(o, "{pad}}}");
}

/// The policies Nomad stores in full (Canonicalize fills every field), so
/// each is written with every value it holds: a stored `attempts = 0` is
/// the job's, not a default. An all-zero restart policy is none stored.
fn restart(o: &mut String, pad: &str, r: &RestartPolicy) {
    if *r == RestartPolicy::default() {
        return;
    }
    block(
        o,
        pad,
        "restart",
        &[
            ("attempts", r.attempts.to_string()),
            ("interval", dur(r.interval)),
            ("delay", dur(r.delay)),
            ("mode", quote(&r.mode)),
            ("render_templates", r.render_templates.to_string()),
        ],
    );
}

fn reschedule(o: &mut String, pad: &str, r: &ReschedulePolicy) {
    block(
        o,
        pad,
        "reschedule",
        &[
            ("attempts", r.attempts.to_string()),
            ("interval", dur(r.interval)),
            ("delay", dur(r.delay)),
            ("delay_function", quote(&r.delay_function)),
            ("max_delay", dur(r.max_delay)),
            ("unlimited", r.unlimited.to_string()),
        ],
    );
}

fn update(o: &mut String, pad: &str, u: &UpdateStrategy) {
    block(
        o,
        pad,
        "update",
        &[
            ("stagger", dur(u.stagger)),
            ("max_parallel", u.max_parallel.to_string()),
            ("health_check", quote(&u.health_check)),
            ("min_healthy_time", dur(u.min_healthy_time)),
            ("healthy_deadline", dur(u.healthy_deadline)),
            ("progress_deadline", dur(u.progress_deadline)),
            ("auto_revert", u.auto_revert.to_string()),
            ("auto_promote", u.auto_promote.to_string()),
            ("canary", u.canary.to_string()),
        ],
    );
}

fn migrate(o: &mut String, pad: &str, m: &MigrateStrategy) {
    block(
        o,
        pad,
        "migrate",
        &[
            ("max_parallel", m.max_parallel.to_string()),
            ("health_check", quote(&m.health_check)),
            ("min_healthy_time", dur(m.min_healthy_time)),
            ("healthy_deadline", dur(m.healthy_deadline)),
        ],
    );
}

fn logs(o: &mut String, pad: &str, l: &LogConfig) {
    if *l == LogConfig::default() {
        return;
    }
    block(
        o,
        pad,
        "logs",
        &[
            ("max_files", l.max_files.to_string()),
            ("max_file_size", l.max_file_size_mb.to_string()),
            ("disabled", l.disabled.to_string()),
        ],
    );
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
    // The job-level update Nomad stores keeps its stagger and max_parallel
    // alone (each group holds the whole merged strategy, written below).
    if let Some(u) = &job.update {
        block(
            &mut o,
            "  ",
            "update",
            &[
                ("stagger", dur(u.stagger)),
                ("max_parallel", u.max_parallel.to_string()),
            ],
        );
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
        restart(&mut o, "    ", &g.restart);
        if let Some(r) = &g.reschedule {
            reschedule(&mut o, "    ", r);
        }
        if let Some(u) = &g.update {
            update(&mut o, "    ", u);
        }
        if let Some(m) = &g.migrate {
            migrate(&mut o, "    ", m);
        }
        super::emit_task_parts::services(&mut o, "    ", &g.services);
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
            // Nomad never stores 0 (structs Task.Canonicalize makes it 5s).
            if t.kill_timeout.0 != 0 {
                let _ = writeln!(o, "      kill_timeout = {}", dur(t.kill_timeout));
            }
            if let Some(r) = &t.restart {
                restart(&mut o, "      ", r);
            }
            logs(&mut o, "      ", &t.log_config);
            super::emit_task_parts::services(&mut o, "      ", &t.services);
            super::emit_task_parts::templates(&mut o, "      ", &t.templates);
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
