//! `rules/allocations.hcl`: allocations pinned where they run, for an exact
//! cluster without an API (and what `import --write` writes). Running jobs
//! with pinned allocations are registered as they are and never
//! re-scheduled; the other `running` jobs are scheduled as before, in list
//! order. The allocations are the same [`Allocation`] values an import's
//! `allocations.json` gives.
//!
//! ```hcl
//! job "web" {                  # optional: the registered version and indexes
//!   namespace        = "default"
//!   version          = 2
//!   job_modify_index = 42
//! }
//!
//! allocation "a0000001-0000-4000-8000-000000000000" {
//!   job         = "web"
//!   group       = "web"        # default: the job's only group
//!   index       = 0            # the name web.web[0]
//!   node        = "client-1"   # node name or ID
//!   job_version = 2            # default: the registered version
//!   status      = "running"    # client status
//!   desired     = "run"        # "stop": told to stop, held until its
//!                              # client stops it (counted from 1.4.0)
//!   migrate     = false        # DesiredTransition.Migrate (set by a drain)
//!   create_index = 30          # default: the job's registration index
//!   # What it holds: the group's ask, unless any of these is listed
//!   # (then exactly what is listed; unlisted ones are 0).
//!   cpu         = 500
//!   memory      = 256
//!   disk        = 300
//!   network {                  # device: default the node's first
//!     ip             = "10.0.0.5"  # default: the node's first address
//!     mbits          = 10
//!     reserved_ports = { db = 6379 }
//!     dynamic_ports  = { http = 23456 }
//!     group          = true    # the group's network, not a task's
//!     port_ips       = { db = "10.0.1.5" }  # a group port elsewhere
//!     # (without ip or port_ips, a group port on another host network is
//!     # held at its alias's address where the pool's interfaces give it)
//!     ignore_collision = ["db"]             # 1.9+ mappings
//!   }
//!   device "nvidia/gpu/1080ti" { instance_ids = ["GPU-1"] }
//! }
//! ```

use std::collections::HashMap;

use hcl_edit::structure::Block;

use super::hclread::{one_label, parse_reported, BodyReader, Schema};
use super::model::{JobIndexes, Pinned, World};
use crate::diag::{Diag, Diags};
use crate::jobspec::Job;
use crate::source::{Source, Span};
use crate::structs::device::NodeDevice;
use crate::structs::{Allocation, ClientStatus};

pub const ALLOCATIONS_FILE: &str = "allocations.hcl";

/// Most allocations one file may pin: each is checked against its node
/// and held in every simulation.
pub const MAX_PINNED: usize = 200_000;

const FILE: Schema = Schema {
    attrs: &[],
    blocks: &["job", "allocation"],
};

const ALLOC_ATTRS: &[&str] = &[
    "job",
    "namespace",
    "group",
    "index",
    "node",
    "job_version",
    "status",
    "desired",
    "migrate",
    "reschedule_nodes",
    "create_index",
    "modify_index",
    "cpu",
    "cores",
    "memory",
    "memory_max",
    "disk",
];

/// A node an allocation may name: its ID, name and devices.
pub(super) struct NodeRef {
    pub(super) id: String,
    pub(super) devices: Vec<NodeDevice>,
}

/// Every node of the world by name and by ID (names first: an ID is the
/// fallback, as `nomad node status` accepts either).
fn node_index(world: &World) -> HashMap<String, std::rc::Rc<NodeRef>> {
    let mut by: HashMap<String, std::rc::Rc<NodeRef>> = HashMap::new();
    for pool in &world.clients {
        for k in 1..=pool.count {
            let (id, name) = pool.node_identity(&world.region, k);
            let devices = pool
                .member(k)
                .map_or_else(|| pool.devices.clone(), |m| m.devices.clone());
            let node = std::rc::Rc::new(NodeRef {
                id: id.clone(),
                devices,
            });
            by.entry(id).or_insert_with(|| node.clone());
            by.insert(name, node);
        }
    }
    by
}

/// A running job as allocations.hcl names it: (namespace, ID).
pub(super) type JobKey = (String, String);

/// Read the file into the world's pinned allocations; the clients and
/// running jobs must already be loaded (allocations name them). Gives the
/// jobs whose blocks had errors (a `job` block or an allocation naming
/// them), which a working tree's world asks again of the version the
/// cluster runs ([`super::pinned_run`]).
pub(super) fn read_allocations(src: &Source, world: &mut World, diags: &mut Diags) -> Vec<JobKey> {
    let mut blamed: Vec<JobKey> = Vec::new();
    let Some(body) = parse_reported(src, diags) else {
        return blamed;
    };
    let r = BodyReader::new(src, &body, &FILE, ALLOCATIONS_FILE, diags);
    let mut pinned = Pinned {
        schedule_unpinned: true,
        ..Pinned::default()
    };
    for b in r.blocks("job") {
        if let Some((key, ix, span)) = read_job(src, b, diags) {
            if !world
                .running
                .iter()
                .any(|j| j.job.namespace == key.0 && j.job.id == key.1)
            {
                diags.push(not_running(src, span, &key.0, &key.1));
                blamed.push(key);
                continue;
            }
            pinned.versions.insert(key, ix);
        }
    }
    let nodes = node_index(world);
    let mut seen: HashMap<String, Span> = HashMap::new();
    for (k, b) in r.blocks("allocation").enumerate() {
        if k == MAX_PINNED {
            diags.push(
                Diag::error(
                    "world::too-many-allocations",
                    format!("{ALLOCATIONS_FILE} pins more than {MAX_PINNED} allocations"),
                )
                .at(src, super::hclread::span_of(&b.ident), "over the limit")
                .help("pin the allocations on the clients the planned jobs can reach"),
            );
            break;
        }
        let errors = diags.iter().filter(|d| d.is_error()).count();
        let mut named = None;
        let read = read_alloc(src, b, (world, &pinned, &nodes), &mut named, diags);
        if diags.iter().filter(|d| d.is_error()).count() > errors {
            blamed.extend(named);
        }
        let Some((a, span, group_ask)) = read else {
            continue;
        };
        if let Some(first) = seen.get(a.id.as_str()) {
            diags.push(
                Diag::error(
                    "world::duplicate-allocation",
                    format!("allocation `{}` is pinned twice", a.id),
                )
                .at(src, span, "pinned again here")
                .label(*first, "first pinned here")
                .help("allocation IDs are unique in a cluster"),
            );
            continue;
        }
        seen.insert(a.id.to_string(), span);
        if group_ask {
            pinned.group_asks.insert(a.id.to_string());
        }
        pinned.allocs.push(a);
    }
    // The registered version of a job without a `job` block is the newest
    // its allocations run (0 when none says).
    for r in &world.running {
        let key = (r.job.namespace.clone(), r.job.id.clone());
        if pinned.versions.contains_key(&key) {
            continue;
        }
        let newest = pinned
            .allocs
            .iter()
            .filter(|a| a.namespace == key.0 && a.job_id == key.1)
            .map(|a| a.job_version)
            .max();
        if let Some(version) = newest {
            let ix = JobIndexes {
                version,
                ..JobIndexes::default()
            };
            pinned.versions.insert(key, ix);
        }
    }
    world.pinned = Some(pinned);
    // What each allocation takes from the job version it runs, and what
    // that version makes of it: one place, which a plan's before asks
    // again when it replaces a job's text (alloc_running.rs).
    super::alloc_running::derive(world, super::alloc_running::Scope::All, src, diags);
    blamed
}

fn not_running(src: &Source, span: Span, ns: &str, id: &str) -> Diag {
    Diag::error(
        "world::alloc-job",
        format!("`{id}` (namespace `{ns}`) is not a running job"),
    )
    .at(src, span, "no such running job")
    .help("list the job's file in cluster.hcl's `running`")
}

fn read_job(
    src: &Source,
    b: &Block,
    diags: &mut Diags,
) -> Option<((String, String), JobIndexes, Span)> {
    let (id, span) = one_label(src, b, "job \"ID\" { version = 1 }")
        .map_err(|d| diags.push(d))
        .ok()?;
    const S: Schema = Schema {
        attrs: &[
            "namespace",
            "version",
            "create_index",
            "modify_index",
            "job_modify_index",
            "submit_time",
        ],
        blocks: &[],
    };
    let r = BodyReader::new(src, &b.body, &S, "job", diags);
    let ix = JobIndexes {
        version: count(src, &r, "version", diags).unwrap_or(0),
        create_index: count(src, &r, "create_index", diags).unwrap_or(0),
        modify_index: count(src, &r, "modify_index", diags).unwrap_or(0),
        job_modify_index: count(src, &r, "job_modify_index", diags).unwrap_or(0),
        // A declared cluster has no evaluations in flight.
        unfinished_eval: false,
        // Unix seconds in the file.
        submit_time: count(src, &r, "submit_time", diags)
            .and_then(|n| i64::try_from(n).ok())
            .and_then(|s| s.checked_mul(1_000_000_000)),
    };
    let ns = r
        .string("namespace", diags)
        .unwrap_or_else(|| "default".into());
    Some(((ns, id), ix, span))
}

/// A non-negative integer attribute.
pub(super) fn count(src: &Source, r: &BodyReader<'_>, key: &str, diags: &mut Diags) -> Option<u64> {
    let v = r.int(key, diags)?;
    match u64::try_from(v) {
        Ok(v) => Some(v),
        Err(_) => {
            diags.push(
                Diag::error("world::bad-value", format!("`{key}` must not be negative")).at(
                    src,
                    r.attr_span(key).unwrap_or_default(),
                    "negative",
                ),
            );
            None
        }
    }
}

fn client_status(s: &str) -> Option<ClientStatus> {
    Some(match s {
        "pending" => ClientStatus::Pending,
        "running" => ClientStatus::Running,
        "complete" => ClientStatus::Complete,
        "failed" => ClientStatus::Failed,
        "lost" => ClientStatus::Lost,
        _ => return None,
    })
}

/// `desired`: what the servers want of it (`DesiredStatus`), `run` unless
/// written. One told to stop (`stop`, or `evict` by a preemption) that its
/// client still runs is held on its node by the scheduler of 1.4.0+ and
/// read by no reconciler (Allocation::holds_node).
fn desired(
    src: &Source,
    r: &BodyReader<'_>,
    label: Span,
    diags: &mut Diags,
) -> Option<crate::structs::DesiredStatus> {
    use crate::structs::DesiredStatus;
    let Some(text) = r.string("desired", diags) else {
        return Some(DesiredStatus::Run);
    };
    match text.as_str() {
        "run" => Some(DesiredStatus::Run),
        "stop" => Some(DesiredStatus::Stop),
        "evict" => Some(DesiredStatus::Evict),
        _ => {
            diags.push(
                Diag::error(
                    "world::bad-value",
                    format!("unknown desired status `{text}`"),
                )
                .at(
                    src,
                    r.attr_span("desired").unwrap_or(label),
                    "not a desired status",
                )
                .help("one of \"run\", \"stop\", \"evict\""),
            );
            None
        }
    }
}

/// Allocation IDs are printed in plans and JSON: plain, non-empty tokens.
fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 128 && id.chars().all(|c| c.is_ascii_graphic())
}

/// One allocation block, where it is written, and whether it holds its
/// group's ask (lists no resources); `named` gets the job it names.
fn read_alloc(
    src: &Source,
    b: &Block,
    (world, pinned, nodes): (&World, &Pinned, &HashMap<String, std::rc::Rc<NodeRef>>),
    named: &mut Option<JobKey>,
    diags: &mut Diags,
) -> Option<(Allocation, Span, bool)> {
    let (id, label) = one_label(
        src,
        b,
        "allocation \"ID\" { job = \"web\" node = \"client-1\" }",
    )
    .map_err(|d| diags.push(d))
    .ok()?;
    if !valid_id(&id) {
        diags.push(
            Diag::error(
                "world::bad-value",
                "an allocation ID is 1 to 128 printable characters without spaces",
            )
            .at(src, label, "not an allocation ID"),
        );
        return None;
    }
    const S: Schema = Schema {
        attrs: ALLOC_ATTRS,
        blocks: &["network", "device"],
    };
    let r = BodyReader::new(src, &b.body, &S, "allocation", diags);
    let errors_before = diags.iter().filter(|d| d.is_error()).count();
    let namespace = r
        .string("namespace", diags)
        .unwrap_or_else(|| "default".into());
    let job_id = required(src, &r, "job", label, diags)?;
    *named = Some((namespace.clone(), job_id.clone()));
    let Some(job) = world
        .running
        .iter()
        .map(|j| &j.job)
        .find(|j| j.namespace == namespace && j.id == job_id)
    else {
        let span = r.attr_span("job").unwrap_or(label);
        diags.push(not_running(src, span, &namespace, &job_id));
        return None;
    };
    let tg = group(src, &r, job, label, diags)?;
    let node_name = required(src, &r, "node", label, diags)?;
    let Some(node) = nodes.get(&node_name) else {
        let mut names: Vec<&str> = nodes.keys().map(String::as_str).collect();
        names.sort_unstable();
        let mut d = Diag::error(
            "world::alloc-node",
            format!("allocation {id} names node `{node_name}`, which no client block declares"),
        )
        .at(src, r.attr_span("node").unwrap_or(label), "no such node");
        d = match crate::suggest::closest_in(&node_name, &names) {
            Some(s) => d.help(format!("did you mean `{s}`?")),
            None => d.help("name a client `NAME-k` of cluster.hcl, or its node ID"),
        };
        diags.push(d);
        return None;
    };
    let index = count(src, &r, "index", diags).unwrap_or(0);
    let status = r
        .string("status", diags)
        .unwrap_or_else(|| "running".into());
    let Some(client_status) = client_status(&status) else {
        diags.push(
            Diag::error(
                "world::bad-value",
                format!("unknown allocation status `{status}`"),
            )
            .at(
                src,
                r.attr_span("status").unwrap_or(label),
                "not a client status",
            )
            .help("one of \"pending\", \"running\", \"complete\", \"failed\", \"lost\""),
        );
        return None;
    };
    let desired_status = desired(src, &r, label, diags)?;
    let registered = pinned.versions.get(&(namespace.clone(), job_id.clone()));
    let job_version = count(src, &r, "job_version", diags)
        .or(registered.map(|ix| ix.version))
        .unwrap_or(0);
    if let Some(ix) = registered.filter(|ix| job_version > ix.version) {
        diags.push(
            Diag::error(
                "world::bad-value",
                format!(
                    "allocation {id} runs version {job_version} of `{job_id}`, newer than its registered version {}",
                    ix.version
                ),
            )
            .at(src, r.attr_span("job_version").unwrap_or(label), "newer than the job"),
        );
    }
    let pin = super::alloc_holds::Pin {
        id: &id,
        job_id: &job_id,
        tg,
        node,
        label,
    };
    let resources = super::alloc_holds::holds(src, &r, world.nomad_version, &pin, diags)?;
    if diags.iter().filter(|d| d.is_error()).count() > errors_before {
        return None;
    }
    // Its name's prefix, priority and type are the job version's it runs,
    // which `alloc_running::derive` gives every allocation once the file
    // is read (and again when a plan's before replaces the job's text).
    let alloc = Allocation {
        name: format!("{job_id}.{}[{index}]", tg.name).into(),
        job_version,
        task_group: tg.name.as_str().into(),
        node_id: node.id.as_str().into(),
        resources,
        client_status,
        desired_status,
        migrate: r.bool("migrate", diags).unwrap_or(false),
        // A failed allocation written here stays in its group's count
        // where its group does not reschedule; otherwise its job cannot
        // tell (alloc_failed_written.rs).
        reschedule_now: false,
        reschedule_later: false,
        // The nodes its earlier reschedules left, by name or ID (a node
        // since gone keeps its ID: it matches none).
        reschedule_nodes: r
            .strings("reschedule_nodes", diags)
            .unwrap_or_default()
            .into_iter()
            .map(|(n, _)| nodes.get(&n).map_or(n, |r| r.id.clone()))
            .collect(),
        batch_terminal: None,
        disconnect: None,
        create_index: count(src, &r, "create_index", diags).unwrap_or(0),
        modify_index: count(src, &r, "modify_index", diags).unwrap_or(0),
        id: id.into(),
        namespace: namespace.into(),
        job_id: job_id.into(),
        ..Allocation::default()
    };
    Some((alloc, label, !super::alloc_holds::lists_resources(&r)))
}

fn required(
    src: &Source,
    r: &BodyReader<'_>,
    key: &str,
    label: Span,
    diags: &mut Diags,
) -> Option<String> {
    let v = r.string(key, diags);
    if v.is_none() && r.attr_span(key).is_none() {
        diags.push(
            Diag::error("world::missing-key", format!("an allocation needs `{key}`")).at(
                src,
                label,
                format!("`{key}` missing"),
            ),
        );
    }
    v
}

fn group<'j>(
    src: &Source,
    r: &BodyReader<'_>,
    job: &'j Job,
    label: Span,
    diags: &mut Diags,
) -> Option<&'j crate::jobspec::TaskGroup> {
    let names: Vec<&str> = job.groups.iter().map(|g| g.name.as_str()).collect();
    match r.string("group", diags) {
        Some(g) => {
            let found = job.groups.iter().find(|tg| tg.name == g);
            if found.is_none() {
                let mut d = Diag::error(
                    "world::alloc-group",
                    format!("job `{}` has no group `{g}`", job.id),
                )
                .at(src, r.attr_span("group").unwrap_or(label), "no such group");
                d = match crate::suggest::closest_in(&g, &names) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help(format!("its groups: {}", names.join(", "))),
                };
                diags.push(d);
            }
            found
        }
        None => match job.groups.as_slice() {
            [only] => Some(only),
            _ => {
                diags.push(
                    Diag::error(
                        "world::missing-key",
                        format!(
                            "job `{}` has {} groups: the allocation needs `group`",
                            job.id,
                            names.len()
                        ),
                    )
                    .at(src, label, "`group` missing")
                    .help(format!("its groups: {}", names.join(", "))),
                );
                None
            }
        },
    }
}
