//! Job features a Nomad release predates, refused as that release's CLI
//! parser refuses them (read from `jobspec/parse.go` at 0.9.3, the HCL2
//! decoder of `jobspec2` at 1.5 and each feature's CHANGELOG entry):
//!
//! - job `node_pool`: 1.6.0;
//! - group `network` and group `service` blocks (which carry Consul
//!   Connect), and `connect` in a task's service: 0.10.0.
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

use super::model::{Job, JobType};
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
    /// Where the HCL1 parser reports it (`job:`, `group: 'g' ->`, ...).
    hcl1_prefix: String,
    /// The key as written.
    key: &'static str,
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

/// Every use of a feature the parser of `v` does not know, in source order.
fn unknown_keys(job: &Job, v: NomadVersion) -> Vec<Unknown> {
    let mut out = Vec::new();
    if !since(v, NODE_POOL) {
        if let Some(span) = job.spans.get("node_pool") {
            out.push(Unknown {
                hcl1_prefix: "job:".into(),
                key: "node_pool",
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
                hcl1_prefix: prefix.clone(),
                key,
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
                    hcl1_prefix: format!(
                        "group: '{}', task: '{}', service ({si}) ->",
                        g.name, t.name
                    ),
                    key: "connect",
                    feature: "Consul Connect",
                    since: GROUP_NETWORK,
                    span,
                    level: (1 + gi, 1 + ti, 1 + si),
                });
            }
        }
    }
    out.sort_by_key(|u| u.span.start);
    out
}

/// The located errors and advice for features `v` predates.
pub fn check(job: &Job, src: &Source, v: NomadVersion, diags: &mut Diags) {
    for u in unknown_keys(job, v) {
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
}

/// `job.job_type` is `sysbatch` and `v` predates it: the servers' error.
pub fn sysbatch_refused(job: &Job, v: NomadVersion) -> bool {
    job.job_type == JobType::Sysbatch && !since(v, SYSBATCH)
}

/// What `nomad job plan|validate` of version `v` prints after `Error parsing
/// job file from <path>` for the unknown keys of `job`, separator included,
/// or `None` when its parser knows every key we gate.
pub fn parser_error(job: &Job, src: &Source, path: &str, v: NomadVersion) -> Option<String> {
    let unknown = unknown_keys(job, v);
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
                format!(
                    "{path}:{line},{col}-{end}: Unsupported argument; An argument named \"{}\" is not expected here.",
                    u.key
                )
            })
            .collect();
        return Some(format!(":\n{}", lines.join("\n")));
    }
    // HCL1: the first level in parse order with unknown keys, all of them.
    let first = unknown.iter().map(|u| u.level).min()?;
    let errors: Vec<String> = unknown
        .iter()
        .filter(|u| u.level == first)
        .map(|u| format!("{} invalid key: {}", u.hcl1_prefix, u.key))
        .collect();
    Some(format!(": error parsing 'job': {}", multierror(&errors, v)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobspec::{load, LoadOptions, ParsedJob};
    use std::path::Path;

    fn parsed(text: &str, v: NomadVersion) -> ParsedJob {
        let mut mem = crate::vfs::MemVfs::new("test");
        mem.insert("j.nomad", text);
        let opts = LoadOptions {
            version: v,
            ..LoadOptions::default()
        };
        load(&mem, Path::new("j.nomad"), &opts)
    }

    fn error_text(text: &str, v: NomadVersion) -> Option<String> {
        let p = parsed(text, v);
        let job = p.job.as_ref()?;
        parser_error(job, &p.source, "j.nomad", v)
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
}
