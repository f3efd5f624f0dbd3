//! Test helpers: a small world and hand-built parsed jobs whose spans point
//! into real text, so rule tests render real miette output before the job
//! front end exists.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::diag::Diags;
use crate::jobspec::{Job, ParsedJob, Resources, Spans, Task, TaskGroup};
use crate::source::{SourceFile, Span};
use crate::world::{
    ClientPool, Namespace, Policy, QuotaLimit, QuotaSpec, RegionLimit, Reserved, SchedulerConfig,
    World, WorldOrigin,
};

/// Two client pools in dc1 shaped like the demo's t2.medium clients, plus a
/// `default` namespace with a 3000 MHz / 9500 MB quota.
pub fn world() -> World {
    let pool = |name: &str, cpu, memory| ClientPool {
        name: name.into(),
        count: 3,
        datacenter: "dc1".into(),
        node_pool: "default".into(),
        cpu,
        memory,
        disk: 20_000,
        network_mbits: 300,
        drivers: vec!["docker".into(), "exec".into(), "java".into()],
        attributes: BTreeMap::from([
            ("kernel.name".to_string(), "linux".to_string()),
            ("cpu.arch".to_string(), "amd64".to_string()),
        ]),
        reserved: Reserved {
            cpu: 100,
            memory: 256,
            disk: 0,
            ports: vec![22],
        },
        ..ClientPool::default()
    };
    let mut namespaces = BTreeMap::new();
    namespaces.insert(
        "default".to_string(),
        Namespace {
            name: "default".into(),
            quota: Some("default".into()),
            ..Namespace::default()
        },
    );
    let quota = QuotaSpec {
        name: "default".into(),
        limits: vec![QuotaLimit {
            region: "global".into(),
            region_limit: RegionLimit {
                cpu: Some(3000),
                memory: Some(9500),
                ..RegionLimit::default()
            },
            spans: Spans::default(),
        }],
        ..QuotaSpec::default()
    };
    World {
        origin: WorldOrigin::Dir(PathBuf::from("rules")),
        project_root: PathBuf::from("."),
        nomad_version: crate::version::NomadVersion::CURRENT,
        region: "global".into(),
        scheduler: SchedulerConfig::default(),
        clients: vec![pool("small", 4600, 3900), pool("large", 8000, 15_000)],
        quotas: BTreeMap::from([("default".to_string(), quota)]),
        namespaces,
        policy: Policy::default(),
        running: Vec::new(),
        pinned: None,
    }
}

/// Byte span of the `nth` (0-based) occurrence of `needle` in `text`.
pub fn span_of(text: &str, needle: &str, nth: usize) -> Span {
    let mut from = 0;
    for _ in 0..nth {
        from += text[from..].find(needle).expect("needle") + needle.len();
    }
    let start = from + text[from..].find(needle).expect("needle");
    Span::new(start, start + needle.len())
}

/// Span from the start of the `nth` `needle` to the end of the block it opens.
pub fn block_of(text: &str, needle: &str, nth: usize) -> Span {
    block_at(text, span_of(text, needle, nth).start)
}

/// Span from `start` to the brace closing the first block opened after it.
pub fn block_at(text: &str, start: usize) -> Span {
    let mut depth = 0;
    for (i, c) in text[start..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Span::new(start, start + i + 1);
                }
            }
            _ => {}
        }
    }
    panic!("unclosed block at {start}");
}

/// The first `needle` inside `within`, as an absolute span.
pub fn find_in(text: &str, within: Span, needle: &str) -> Option<Span> {
    let i = text[within.start..within.end].find(needle)?;
    Some(Span::new(within.start + i, within.start + i + needle.len()))
}

pub fn spans(block: Span) -> Spans {
    Spans::new(Some(block))
}

/// Wrap a hand-built job and its text as the front end would.
pub fn parsed(name: &str, text: &str, job: Option<Job>) -> ParsedJob {
    ParsedJob {
        source: SourceFile::inline(name, text),
        body: hcl_edit::parser::parse_body(text).ok(),
        job,
        diags: Diags::new(),
    }
}

/// A job with one group of `count` holding the given tasks, spans on the
/// job and group blocks.
pub fn job(text: &str, count: i64, tasks: Vec<Task>) -> Job {
    let mut job_spans = spans(block_of(text, "job ", 0));
    job_spans.label = Some(span_of(text, "\"web\"", 0));
    let mut g_spans = spans(block_of(text, "group ", 0));
    g_spans.label = Some(span_of(text, "\"g\"", 0));
    if let Some(i) = text.find("count") {
        g_spans.set(
            "count",
            Span::new(i, text[i..].find('\n').map_or(text.len(), |e| i + e)),
        );
    }
    Job {
        id: "web".into(),
        name: "web".into(),
        priority: 50,
        region: "global".into(),
        namespace: "default".into(),
        datacenters: vec!["dc1".into()],
        node_pool: "default".into(),
        groups: vec![TaskGroup {
            name: "g".into(),
            count,
            tasks,
            ephemeral_disk: crate::jobspec::EphemeralDisk {
                size_mb: 300,
                ..Default::default()
            },
            spans: g_spans,
            ..TaskGroup::default()
        }],
        spans: job_spans,
        ..Job::default()
    }
}

/// A task from its `nth` `task "` block: driver, resources as given, spans
/// for the label, `resources` (and its `cpu`/`memory` if written) and `config`.
pub fn task(text: &str, nth: usize, driver: &str, cpu: i64, memory: i64) -> Task {
    let block = block_of(text, "task ", nth);
    let mut t_spans = spans(block);
    let label_start = find_in(text, block, "\"").map_or(block.start, |s| s.start);
    let label_end = text[label_start + 1..]
        .find('"')
        .map_or(label_start, |e| label_start + e + 2);
    t_spans.label = Some(Span::new(label_start, label_end));
    let name = text[label_start + 1..label_end.saturating_sub(1)].to_string();
    let mut r_spans = Spans::default();
    if let Some(r) = find_in(text, block, "resources") {
        let r = block_at(text, r.start);
        r_spans = spans(r);
        for key in ["cpu", "memory"] {
            if let Some(k) = find_in(text, r, &format!("{key} ")) {
                r_spans.set(key, Span::new(k.start, k.start + key.len()));
            }
        }
        t_spans.set("resources", r);
    }
    let mut config = BTreeMap::new();
    if let Some(c) = find_in(text, block, "config") {
        let c = block_at(text, c.start);
        t_spans.set("config", c);
        if let Some(img) = find_in(text, c, "image") {
            let rest = &text[img.end..c.end];
            let value = rest.split('"').nth(1).unwrap_or_default();
            config.insert(
                "image".to_string(),
                crate::jobspec::Value::String(value.to_string()),
            );
        }
    }
    Task {
        name,
        driver: driver.into(),
        config,
        resources: Resources {
            cpu,
            memory_mb: memory,
            spans: r_spans,
            ..Resources::default()
        },
        spans: t_spans,
        ..Task::default()
    }
}
