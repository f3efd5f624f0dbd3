//! Job features a Nomad release predates, refused as that release's CLI
//! parser refuses them (read from `jobspec/parse.go` at 0.9.3, the HCL2
//! decoder of `jobspec2` at 1.5 and each feature's CHANGELOG entry):
//!
//! - job `node_pool`: 1.6.0;
//! - group `network` and group `service` blocks (which carry Consul
//!   Connect), and `connect` in a task's service: 0.10.0;
//! - every other key a release's parser lacks (group `volume` before
//!   0.10, `scaling` before 0.11, `ui` before 1.8, ...), by the table of
//!   [`super::version_keys`], read from the parser at every tag.
//!
//! Before 1.0 the CLI parses HCL1 (`jobspec.Parse`): each level checks its
//! keys and returns at the first level with unknown ones, so the error
//! names one level's keys, prefixed with where they are
//! (`group: 'web' -> invalid key: network`), in go-multierror's list. From
//! 1.0 HCL2 reports `Unsupported argument` at the name's range.
//!
//! Checks the servers make live with the other validation
//! ([`super::validate`]: `type = "sysbatch"` before 1.2). Features whose
//! older meaning is not an error are advice: `datacenters = ["*"]` before
//! 1.5 names a datacenter called `*`, so nothing is ever placed.

use hcl_edit::structure::{Block, Body};

use super::eval::span_of;
use super::model::{Job, JobType};
use super::version_keys::{self, Kind};
use crate::diag::{Diag, Diags, Severity};
use crate::gotext::multierror;
use crate::source::{Source, Span};
use crate::version::NomadVersion;

/// Code of every diagnostic for a feature the version predates.
pub const CODE: &str = "jobspec::version-gate";

const NODE_POOL: NomadVersion = NomadVersion::new(1, 6, 0);
const GROUP_NETWORK: NomadVersion = NomadVersion::new(0, 10, 0);
const DATACENTER_GLOB: NomadVersion = NomadVersion::new(1, 5, 0);
/// `sysbatch` jobs (checked by the servers, in [`super::validate`]).
pub const SYSBATCH: NomadVersion = NomadVersion::new(1, 2, 0);

/// One use of a feature the version's parser does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Unknown {
    /// Where the HCL1 parser reports it (`job:`, `group: 'g' ->`, ...);
    /// `None` below the levels whose prefixes we know.
    hcl1_prefix: Option<String>,
    /// The key as written.
    key: &'static str,
    /// An argument or a block (HCL2 words them differently).
    kind: Kind,
    /// What it is, for our own message.
    feature: &'static str,
    since: NomadVersion,
    /// The key's span (attribute or block).
    span: Span,
    /// The HCL1 level: 0 job, then (group index, task position) so that
    /// the first level in parse order wins.
    level: (usize, usize, usize),
}

fn since(v: NomadVersion, feature: NomadVersion) -> bool {
    v >= feature
}

/// Every use of a feature the parser of `v` does not know, in source order:
/// the model's own gates, then the keys of [`version_keys`] written in the
/// job block of `body`.
fn unknown_keys(job: &Job, body: Option<&Body>, v: NomadVersion) -> Vec<Unknown> {
    let mut out = model_gates(job, v);
    if let Some(b) = body.and_then(|b| b.blocks().find(|b| b.ident.as_str() == "job")) {
        let mut path = Vec::new();
        walk(b, &mut path, &mut Pos::default(), v, &mut out);
    }
    out.sort_by_key(|u| u.span.start);
    out
}

/// Where a key sits for HCL1's prefixes and order: group and task names
/// and indexes.
#[derive(Default, Clone)]
struct Pos {
    group: Option<(usize, String)>,
    task: Option<(usize, String)>,
    groups_seen: usize,
    tasks_seen: usize,
}

fn label(b: &Block) -> String {
    b.labels
        .first()
        .map(|l| l.as_str().to_string())
        .unwrap_or_default()
}

/// Walk the syntax of `b` (at `path`, its own ident last) for gated keys.
fn walk<'a>(
    b: &'a Block,
    path: &mut Vec<&'a str>,
    pos: &mut Pos,
    v: NomadVersion,
    out: &mut Vec<Unknown>,
) {
    path.push(b.ident.as_str());
    let keys = b
        .body
        .attributes()
        .map(|a| (a.key.as_str(), span_of(&a.key), Kind::Attr))
        .chain(
            b.body
                .blocks()
                .map(|c| (c.ident.as_str(), span_of(&c.ident), Kind::Block)),
        );
    // A network port's keys are not checked before 0.12 (parsePorts):
    // `host_network` there is dropped, not refused.
    let unchecked = path.ends_with(&["network", "port"]) && !v.at_least(0, 12, 0);
    for (key, span, kind) in keys {
        let Some(k) = version_keys::lookup(path, key).filter(|_| !unchecked) else {
            continue;
        };
        // HCL1's CheckHCLKeys compares names only: `meta = {...}` is the
        // key `meta` as much as `meta {...}` is.
        if k.known(v) || (v.at_least(1, 0, 0) && k.kind != kind) {
            continue;
        }
        let (prefix, level) = hcl1_place(path, pos, v);
        out.push(Unknown {
            hcl1_prefix: prefix,
            key: k.key,
            kind,
            feature: k.feature,
            since: k.needed(v),
            span,
            level,
        });
    }
    for c in b.body.blocks() {
        let mut inner = pos.clone();
        match (path.as_slice(), c.ident.as_str()) {
            (["job"], "group") => {
                inner.group = Some((pos.groups_seen, label(c)));
                pos.groups_seen += 1;
                inner.tasks_seen = 0;
            }
            (["job", "group"], "task") => {
                inner.task = Some((pos.tasks_seen, label(c)));
                pos.tasks_seen += 1;
            }
            _ => {}
        }
        walk(c, path, &mut inner, v, out);
    }
    path.pop();
}

/// HCL1's prefix for keys of the block at `path`, and its parse order
/// (see `jobspec/parse_job.go`, `parse_group.go`, `parse_task.go` at
/// 0.12: `multierror.Prefix` at each level). A task's own keys: before
/// 0.10 parseTasks checked them and prefixed `'t' ->` (parse.go@v0.9.3);
/// from 0.10 parseTask returns CheckHCLKeys' error and parseTasks
/// prefixes `'t',`.
fn hcl1_place(
    path: &[&str],
    pos: &Pos,
    v: NomadVersion,
) -> (Option<String>, (usize, usize, usize)) {
    let g = pos.group.as_ref();
    let t = pos.task.as_ref();
    let gl = g.map_or(0, |(i, _)| 1 + i);
    let tl = t.map_or(0, |(i, _)| 1 + i);
    match (path, g, t) {
        (["job"], _, _) => (Some("job:".into()), (0, 0, 0)),
        (["job", "group"], Some((_, gn)), _) => (Some(format!("group: '{gn}' ->")), (gl, 0, 0)),
        (["job", "group", "task"], Some((_, gn)), Some((_, tn))) => {
            let sep = if v.at_least(0, 10, 0) { "," } else { " ->" };
            (
                Some(format!("group: '{gn}', task: '{tn}'{sep}")),
                (gl, tl, 0),
            )
        }
        // parseVolumeMounts returns CheckHCLKeys' error as is; parseTask
        // prefixes it.
        (["job", "group", "task", "volume_mount"], Some((_, gn)), Some((_, tn))) => (
            Some(format!("group: '{gn}', task: '{tn}', volume_mount ->")),
            (gl, tl, 1),
        ),
        _ => (None, (gl, tl, 2)),
    }
}

/// The gates read from the job model (spans of the blocks it holds).
fn model_gates(job: &Job, v: NomadVersion) -> Vec<Unknown> {
    let mut out = Vec::new();
    if !since(v, NODE_POOL) {
        if let Some(span) = job.spans.get("node_pool") {
            out.push(Unknown {
                hcl1_prefix: Some("job:".into()),
                key: "node_pool",
                kind: Kind::Attr,
                feature: "the job's node_pool",
                since: NODE_POOL,
                span,
                level: (0, 0, 0),
            });
        }
    }
    if since(v, GROUP_NETWORK) {
        return out;
    }
    for (gi, g) in job.groups.iter().enumerate() {
        let level = (1 + gi, 0, 0);
        let prefix = format!("group: '{}' ->", g.name);
        let nets = g
            .networks
            .iter()
            .map(|n| ("network", "a group network", n.spans.block));
        let services = g.services.iter().map(|s| {
            (
                "service",
                "a group service (and Consul Connect)",
                s.spans.block,
            )
        });
        for (key, feature, span) in nets.chain(services) {
            let Some(span) = span else { continue };
            out.push(Unknown {
                hcl1_prefix: Some(prefix.clone()),
                key,
                kind: Kind::Block,
                feature,
                since: GROUP_NETWORK,
                span,
                level,
            });
        }
        for (ti, t) in g.tasks.iter().enumerate() {
            for (si, s) in t.services.iter().enumerate() {
                let Some(span) = s.connect.as_ref().and(s.spans.get("connect")) else {
                    continue;
                };
                out.push(Unknown {
                    hcl1_prefix: Some(format!(
                        "group: '{}', task: '{}', service ({si}) ->",
                        g.name, t.name
                    )),
                    key: "connect",
                    kind: Kind::Block,
                    feature: "Consul Connect",
                    since: GROUP_NETWORK,
                    span,
                    level: (1 + gi, 1 + ti, 1 + si),
                });
            }
        }
    }
    out
}

/// The located errors and advice for features `v` predates; `body` is the
/// file's syntax (for keys the model does not hold). Returns where in
/// HCL1's parse order the first key `v`'s parser does not know stops it
/// (0 for the job, then 1-based group and task), if any: the other HCL1
/// parser errors (hcl1_parse.rs) give way to an earlier one. One walk
/// gives both (the walk was half of the gates' cost when done twice).
pub fn check(
    job: &Job,
    body: Option<&Body>,
    src: &Source,
    v: NomadVersion,
    diags: &mut Diags,
) -> Option<(usize, usize, usize)> {
    let unknown = unknown_keys(job, body, v);
    let first = unknown.iter().map(|u| u.level).min();
    for u in unknown {
        diags.push(
            Diag::error(
                CODE,
                format!(
                    "Nomad {v} does not know `{}`: {} arrived in Nomad {}",
                    u.key, u.feature, u.since
                ),
            )
            .at(src, u.span, format!("needs Nomad {} or later", u.since))
            .help(format!(
                "judged as Nomad {v}: remove `{}`, or judge by a newer release (`nomad_version` in rules/cluster.hcl, or --nomad-version)",
                u.key
            )),
        );
    }
    if !since(v, DATACENTER_GLOB) && job.datacenters.iter().any(|d| d == "*") {
        let span = job.spans.best("datacenters").unwrap_or_default();
        diags.push(
            Diag::error(
                CODE,
                format!(
                    "datacenters = [\"*\"] matches every datacenter only from Nomad {DATACENTER_GLOB}: Nomad {v} takes \"*\" as the name of a datacenter, so only clients in a datacenter named \"*\" can run the job"
                ),
            )
            .with_severity(Severity::Advice)
            .at(src, span, format!("a datacenter named \"*\" under Nomad {v}"))
            .help("name the datacenters (`datacenters = [\"dc1\"]`), or judge by Nomad 1.5 or later"),
        );
    }
    first
}

/// `job.job_type` is `sysbatch` and `v` predates it: the servers' error.
pub fn sysbatch_refused(job: &Job, v: NomadVersion) -> bool {
    job.job_type == JobType::Sysbatch && !since(v, SYSBATCH)
}

/// What `nomad job plan|validate` of version `v` prints after `Error parsing
/// job file from <path>` for the unknown keys of `job`, separator included,
/// or `None` when its parser knows every key we gate.
pub fn parser_error(
    job: &Job,
    body: Option<&Body>,
    src: &Source,
    path: &str,
    v: NomadVersion,
) -> Option<String> {
    let unknown = unknown_keys(job, body, v);
    if unknown.is_empty() {
        return None;
    }
    if v.at_least(1, 0, 0) {
        // HCL2: one diagnostic per unknown argument, joined by newlines.
        let lines: Vec<String> = unknown
            .iter()
            .map(|u| {
                let (line, col) = src.line_col(u.span.start);
                let end = col + u.key.chars().count();
                match u.kind {
                    Kind::Attr => format!(
                        "{path}:{line},{col}-{end}: Unsupported argument; An argument named \"{}\" is not expected here.",
                        u.key
                    ),
                    Kind::Block => format!(
                        "{path}:{line},{col}-{end}: Unsupported block type; Blocks of type \"{}\" are not expected here.",
                        u.key
                    ),
                }
            })
            .collect();
        return Some(format!(":\n{}", lines.join("\n")));
    }
    // HCL1: the first level in parse order with unknown keys, all of them.
    let first = unknown.iter().map(|u| u.level).min()?;
    // A level whose prefix we do not know: no text rather than a wrong one.
    let errors: Vec<String> = unknown
        .iter()
        .filter(|u| u.level == first)
        .map(|u| {
            u.hcl1_prefix
                .as_ref()
                .map(|p| format!("{p} invalid key: {}", u.key))
        })
        .collect::<Option<_>>()?;
    Some(format!(": error parsing 'job': {}", multierror(&errors, v)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobspec::ParsedJob;

    fn parsed(text: &str, v: NomadVersion) -> ParsedJob {
        crate::jobspec::load_text(text, v)
    }

    fn error_text(text: &str, v: NomadVersion) -> Option<String> {
        let p = parsed(text, v);
        let job = p.job.as_ref()?;
        parser_error(job, p.body.as_ref(), &p.source, "j.nomad", v)
    }

    const POOL: &str = "job \"j\" {\n  datacenters = [\"dc1\"]\n  node_pool = \"gpu\"\n  group \"g\" {\n    task \"t\" {\n      driver = \"exec\"\n    }\n  }\n}\n";

    const NET: &str = "job \"j\" {\n  datacenters = [\"dc1\"]\n  group \"web\" {\n    network {\n      port \"http\" {}\n    }\n    service {\n      name = \"web\"\n    }\n    task \"t\" {\n      driver = \"exec\"\n      service {\n        name = \"api\"\n        connect {\n          native = true\n        }\n      }\n    }\n  }\n}\n";

    #[test]
    fn node_pool_is_an_unsupported_argument_before_1_6() {
        assert_eq!(
            error_text(POOL, NomadVersion::new(1, 5, 6)).as_deref(),
            Some(":\nj.nomad:3,3-12: Unsupported argument; An argument named \"node_pool\" is not expected here.")
        );
        assert_eq!(
            error_text(POOL, NomadVersion::new(0, 12, 9)).as_deref(),
            Some(": error parsing 'job': 1 error occurred:\n\t* job: invalid key: node_pool\n\n")
        );
        assert_eq!(error_text(POOL, NomadVersion::new(1, 6, 0)), None);
        let p = parsed(POOL, NomadVersion::new(1, 5, 6));
        assert!(p.diags.iter().any(|d| d.code == CODE && d.is_error()));
    }

    #[test]
    fn group_networks_services_and_connect_are_unknown_before_0_10() {
        // The group's own keys are checked before its tasks are parsed.
        assert_eq!(
            error_text(NET, NomadVersion::DEMO).as_deref(),
            Some(": error parsing 'job': 2 error(s) occurred:\n\n* group: 'web' -> invalid key: network\n* group: 'web' -> invalid key: service")
        );
        let connect_only = NET
            .replace("    network {\n      port \"http\" {}\n    }\n", "")
            .replace("    service {\n      name = \"web\"\n    }\n", "");
        assert_eq!(
            error_text(&connect_only, NomadVersion::DEMO).as_deref(),
            Some(": error parsing 'job': 1 error(s) occurred:\n\n* group: 'web', task: 't', service (0) -> invalid key: connect")
        );
        assert_eq!(error_text(NET, NomadVersion::new(0, 10, 0)), None);
    }

    #[test]
    fn a_star_datacenter_before_1_5_is_advice_not_an_error() {
        let text = POOL
            .replace("[\"dc1\"]", "[\"*\"]")
            .replace("  node_pool = \"gpu\"\n", "");
        let p = parsed(&text, NomadVersion::new(1, 4, 0));
        let gate: Vec<_> = p.diags.iter().filter(|d| d.code == CODE).collect();
        assert_eq!(gate.len(), 1);
        assert_eq!(gate[0].severity, Severity::Advice);
        assert!(!p.diags.has_errors());
        let p = parsed(&text, NomadVersion::new(1, 5, 0));
        assert!(!p.diags.iter().any(|d| d.code == CODE));
    }

    const GROUP: &str = "job \"j\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    volume \"data\" {\n      type   = \"host\"\n      source = \"data\"\n    }\n    scaling {\n      max = 3\n    }\n    task \"t\" {\n      driver = \"exec\"\n      lifecycle {\n        hook = \"prestart\"\n      }\n      volume_mount {\n        volume           = \"data\"\n        destination      = \"/data\"\n        propagation_mode = \"private\"\n      }\n    }\n  }\n}\n";

    #[test]
    fn a_group_volume_is_an_invalid_key_before_0_10() {
        // HCL1 stops at the group's own keys: the task's are not reached.
        assert_eq!(
            error_text(GROUP, NomadVersion::new(0, 9, 7)).as_deref(),
            Some(": error parsing 'job': 2 error(s) occurred:\n\n* group: 'g' -> invalid key: volume\n* group: 'g' -> invalid key: scaling")
        );
        let p = parsed(GROUP, NomadVersion::new(0, 9, 7));
        let gate: Vec<_> = p.diags.iter().filter(|d| d.code == CODE).collect();
        // volume, scaling, lifecycle, volume_mount (its keys below it are
        // reported too: propagation_mode arrived in 0.10.2).
        assert_eq!(gate.len(), 5, "{gate:?}");
    }

    /// parse.go@v0.9.3 parseTasks: `multierror.Prefix(err, "'t' ->")` on
    /// the task's CheckHCLKeys error (from 0.10 parseTasks' `'t',`).
    #[test]
    fn a_task_key_before_0_10_is_prefixed_with_an_arrow() {
        let text = GROUP
            .replace(
                "    volume \"data\" {\n      type   = \"host\"\n      source = \"data\"\n    }\n",
                "",
            )
            .replace("    scaling {\n      max = 3\n    }\n", "");
        assert_eq!(
            error_text(&text, NomadVersion::new(0, 9, 7)).as_deref(),
            Some(": error parsing 'job': 2 error(s) occurred:\n\n* group: 'g', task: 't' -> invalid key: lifecycle\n* group: 'g', task: 't' -> invalid key: volume_mount")
        );
    }

    #[test]
    fn scaling_and_task_lifecycle_are_invalid_keys_before_0_11() {
        assert_eq!(
            error_text(GROUP, NomadVersion::new(0, 10, 9)).as_deref(),
            Some(": error parsing 'job': 1 error occurred:\n\t* group: 'g' -> invalid key: scaling\n\n")
        );
        let no_scaling = GROUP.replace("    scaling {\n      max = 3\n    }\n", "");
        assert_eq!(
            error_text(&no_scaling, NomadVersion::new(0, 10, 9)).as_deref(),
            Some(": error parsing 'job': 1 error occurred:\n\t* group: 'g', task: 't', invalid key: lifecycle\n\n")
        );
        assert_eq!(error_text(GROUP, NomadVersion::new(0, 11, 0)), None);
    }

    #[test]
    fn a_mount_propagation_mode_arrived_in_0_10_2() {
        let text = GROUP
            .replace("    scaling {\n      max = 3\n    }\n", "")
            .replace(
                "      lifecycle {\n        hook = \"prestart\"\n      }\n",
                "",
            );
        assert_eq!(
            error_text(&text, NomadVersion::new(0, 10, 1)).as_deref(),
            Some(": error parsing 'job': 1 error(s) occurred:\n\n* group: 'g', task: 't', volume_mount -> invalid key: propagation_mode")
        );
        assert_eq!(error_text(&text, NomadVersion::new(0, 10, 2)), None);
    }

    #[test]
    fn hcl2_words_unknown_blocks_and_arguments_apart() {
        let text = "job \"j\" {\n  datacenters = [\"dc1\"]\n  ui {\n    description = \"x\"\n  }\n  group \"g\" {\n    task \"t\" {\n      driver = \"exec\"\n      template {\n        data        = \"x\"\n        destination = \"local/x\"\n        uid         = 1000\n      }\n    }\n  }\n}\n";
        assert_eq!(
            error_text(text, NomadVersion::new(1, 3, 2)).as_deref(),
            Some(":\nj.nomad:3,3-5: Unsupported block type; Blocks of type \"ui\" are not expected here.\nj.nomad:12,9-12: Unsupported argument; An argument named \"uid\" is not expected here.")
        );
        assert_eq!(
            error_text(text, NomadVersion::new(1, 7, 7)).as_deref(),
            Some(":\nj.nomad:3,3-5: Unsupported block type; Blocks of type \"ui\" are not expected here.")
        );
        assert_eq!(error_text(text, NomadVersion::new(1, 8, 0)), None);
        let p = parsed(text, NomadVersion::new(1, 7, 7));
        let d = p.diags.iter().find(|d| d.code == CODE).expect("gate");
        assert!(
            d.message.contains("arrived in Nomad 1.8.0"),
            "{}",
            d.message
        );
    }

    #[test]
    fn a_backported_key_follows_its_release_line() {
        let text = "job \"j\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      csi_plugin {\n        id             = \"ebs\"\n        type           = \"node\"\n        mount_dir      = \"/csi\"\n        health_timeout = \"1m\"\n      }\n    }\n  }\n}\n";
        assert!(error_text(text, NomadVersion::new(1, 2, 8)).is_some());
        assert_eq!(error_text(text, NomadVersion::new(1, 2, 9)), None);
        assert!(error_text(text, NomadVersion::new(1, 3, 1)).is_some());
        assert_eq!(error_text(text, NomadVersion::new(1, 3, 2)), None);
        let p = parsed(text, NomadVersion::new(1, 2, 8));
        let d = p.diags.iter().find(|d| d.code == CODE).expect("gate");
        assert!(
            d.message.contains("arrived in Nomad 1.2.9"),
            "{}",
            d.message
        );
    }

    #[test]
    fn vault_token_is_gone_from_1_10() {
        let text = POOL.replace("  node_pool = \"gpu\"\n", "  vault_token = \"s.x\"\n");
        assert_eq!(error_text(&text, NomadVersion::new(1, 9, 7)), None);
        assert_eq!(
            error_text(&text, NomadVersion::new(1, 10, 0)).as_deref(),
            Some(":\nj.nomad:3,3-14: Unsupported argument; An argument named \"vault_token\" is not expected here.")
        );
    }
}
