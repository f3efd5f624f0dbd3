//! The `server` block of `rules/cluster.hcl`: the part of the servers'
//! agent configuration Nomad's admission mutators read. Its blocks mirror
//! the agent's own (website/content/docs/configuration/consul.mdx and
//! vault.mdx): `consul { name, allow_unauthenticated, service_identity { .. }
//! task_identity { .. } }` and
//! `vault { enabled, allow_unauthenticated, default_identity { .. } }` (one
//! per cluster `name` from 1.7), the identities each a
//! `config.WorkloadIdentityConfig`. The Plan RPC's Vault hook reads
//! `enabled` (see `mutators::vault`).

use hcl_edit::structure::Block;

use super::hclread::{no_label, BodyReader, Schema};
use super::model::{ConsulCluster, ServerConfig, VaultCluster};
use crate::diag::{Diag, Diags};
use crate::jobspec::WorkloadIdentity;
use crate::source::Source;
use crate::version::NomadVersion;

pub(super) fn read_server(
    src: &Source,
    b: &Block,
    v: NomadVersion,
    diags: &mut Diags,
) -> ServerConfig {
    no_label(src, b, diags);
    const S: Schema = Schema {
        attrs: JOB_KEYS,
        blocks: &["consul", "vault", "acl"],
    };
    let r = BodyReader::new(src, &b.body, &S, "server", diags);
    let mut out = ServerConfig {
        declared: true,
        ..ServerConfig::default()
    };
    read_job_settings(src, &r, v, &mut out, diags);
    // The agent's `acl { enabled }`: whether a caller without a token is
    // anonymous (ACLs on) or unrestricted (off), which decides what
    // `reject_job_registration` refuses (see `mutators::registration`).
    if let Some(a) = r.single_block("acl", diags) {
        no_label(src, a, diags);
        const A: Schema = Schema {
            attrs: &["enabled"],
            blocks: &[],
        };
        let ar = BodyReader::new(src, &a.body, &A, "acl", diags);
        out.acl_enabled = Some(ar.bool("enabled", diags).unwrap_or(false));
    }
    read_consuls(src, &r, v, &mut out, diags);
    // One `vault` block before 1.7; from 1.7 one per cluster `name`.
    let vault_blocks: Vec<&Block> = if v.at_least(1, 7, 0) {
        r.blocks("vault").collect()
    } else {
        r.single_block("vault", diags).into_iter().collect()
    };
    for c in vault_blocks {
        no_label(src, c, diags);
        let attrs: &[&str] = if v.at_least(1, 7, 0) {
            &["name", "enabled", "allow_unauthenticated"]
        } else {
            &["enabled", "allow_unauthenticated"]
        };
        let schema = Schema {
            attrs,
            blocks: &["default_identity"],
        };
        let vr = BodyReader::new(src, &c.body, &schema, "vault", diags);
        let name = vr
            .string("name", diags)
            .unwrap_or_else(|| "default".to_string());
        if out.vaults.iter().any(|k| k.name == name) {
            diags.push(
                Diag::error(
                    "world::duplicate-block",
                    format!("a second `vault` block for cluster {name:?}"),
                )
                .at(src, super::hclread::span_of(&c.ident), "defined twice")
                .help("give each Vault cluster its own `name`, as the agent's config does"),
            );
            continue;
        }
        let cluster = VaultCluster {
            enabled: vr.bool("enabled", diags).unwrap_or(false),
            allow_unauthenticated: vr.bool("allow_unauthenticated", diags).unwrap_or(true),
            name,
        };
        if cluster.name == "default" {
            out.vault_default_identity = identity(src, &vr, "default_identity", v, diags);
        } else {
            let _ = identity(src, &vr, "default_identity", v, diags);
        }
        out.vaults.push(cluster);
    }
    out
}

/// The agent's `consul` blocks: one before 1.7, one per cluster `name`
/// from 1.7 (command/agent/config.go v1.7.0 `Consuls`; keys of
/// nomad/structs/config/consul.go `ConsulConfig`). Only the default
/// cluster's identities are injected into jobs; another's are read for
/// their shape.
fn read_consuls(
    src: &Source,
    r: &BodyReader<'_>,
    v: NomadVersion,
    out: &mut ServerConfig,
    diags: &mut Diags,
) {
    let named = v.at_least(1, 7, 0);
    let blocks: Vec<&Block> = if named {
        r.blocks("consul").collect()
    } else {
        r.single_block("consul", diags).into_iter().collect()
    };
    for c in blocks {
        no_label(src, c, diags);
        let attrs: &[&str] = if named {
            &["name", "allow_unauthenticated"]
        } else {
            &["allow_unauthenticated"]
        };
        let schema = Schema {
            attrs,
            blocks: &["service_identity", "task_identity"],
        };
        let cr = BodyReader::new(src, &c.body, &schema, "consul", diags);
        let name = cr
            .string("name", diags)
            .unwrap_or_else(|| "default".to_string());
        if out.consuls.iter().any(|k| k.name == name) {
            diags.push(
                Diag::error(
                    "world::duplicate-block",
                    format!("a second `consul` block for cluster {name:?}"),
                )
                .at(src, super::hclread::span_of(&c.ident), "defined twice")
                .help("give each Consul cluster its own `name`, as the agent's config does"),
            );
            continue;
        }
        let service = identity(src, &cr, "service_identity", v, diags);
        let task = identity(src, &cr, "task_identity", v, diags);
        if name == "default" {
            out.consul_service_identity = service;
            out.consul_task_identity = task;
        }
        out.consuls.push(ConsulCluster {
            allow_unauthenticated: cr.bool("allow_unauthenticated", diags).unwrap_or(true),
            name,
        });
    }
}

/// The agent's job settings (command/agent/config.go ServerConfig).
const JOB_KEYS: &[&str] = &["job_default_priority", "job_max_priority", "job_max_count"];

/// structs.JobMaxPriority (math.MaxInt16 - 1, 1.5.0 through 2.0.5).
const JOB_MAX_PRIORITY_LIMIT: i64 = 32766;

/// `job_default_priority`, `job_max_priority` (1.5.0+) and `job_max_count`
/// (1.11.0+), refused as the agent refuses them at start
/// (command/agent/agent.go convertServerConfig, same text at v1.5.0 and
/// v2.0.5): a value the servers would not start with is no world.
fn read_job_settings(
    src: &Source,
    r: &BodyReader<'_>,
    v: NomadVersion,
    out: &mut ServerConfig,
    diags: &mut Diags,
) {
    let bad = |key: &str, text: String, diags: &mut Diags| {
        diags.push(
            Diag::error("world::bad-value", text)
                .at(
                    src,
                    r.attr_span(key).unwrap_or_default(),
                    "the agent refuses it",
                )
                .help("write what the servers' agent config sets"),
        );
    };
    for (key, since) in [
        ("job_default_priority", (1, 5, 0)),
        ("job_max_priority", (1, 5, 0)),
        ("job_max_count", (1, 11, 0)),
    ] {
        let Some(value) = r.int(key, diags) else {
            continue;
        };
        if !v.at_least(since.0, since.1, since.2) {
            diags.push(
                Diag::error(
                    "world::version-gate",
                    format!(
                        "`{key}` is a Nomad {}.{}+ agent setting; the world runs Nomad {v}",
                        since.0, since.1
                    ),
                )
                .at(
                    src,
                    r.attr_span(key).unwrap_or_default(),
                    "not in this release",
                )
                .help("remove it or raise nomad_version"),
            );
            continue;
        }
        match key {
            "job_default_priority" => out.job_default_priority = Some(value),
            "job_max_priority" => out.job_max_priority = Some(value),
            _ => out.job_max_count = Some(value),
        }
    }
    let max = out.job_max_priority.filter(|m| *m != 0);
    if let Some(m) = max.filter(|m| !(100..=JOB_MAX_PRIORITY_LIMIT).contains(m)) {
        bad(
            "job_max_priority",
            format!(
                "job_max_priority cannot be {m}. Must be between 100 and {JOB_MAX_PRIORITY_LIMIT}"
            ),
            diags,
        );
        out.job_max_priority = None;
    }
    let max = out.job_max_priority.filter(|m| *m != 0).unwrap_or(100);
    if let Some(d) = out.job_default_priority.filter(|d| *d != 0) {
        if d < 50 || d >= max {
            bad(
                "job_default_priority",
                format!("job_default_priority cannot be {d}. Must be between 50 and {max}"),
                diags,
            );
            out.job_default_priority = None;
        }
    }
    if let Some(c) = out.job_max_count.filter(|c| *c < 0) {
        bad(
            "job_max_count",
            format!("job_max_count ({c}) cannot be negative"),
            diags,
        );
        out.job_max_count = None;
    }
}

/// One `config.WorkloadIdentityConfig` block, as the servers hand it to a
/// job (nomad/config.go `workloadIdentityFromConfig`: `aud`, `env`,
/// `file`, `ttl`, and from 1.9 `filepath`; `extra_claims` (1.9+) is
/// accepted but not copied into the job's identity).
fn identity(
    src: &Source,
    r: &BodyReader<'_>,
    key: &'static str,
    v: NomadVersion,
    diags: &mut Diags,
) -> Option<WorkloadIdentity> {
    let b = r.single_block(key, diags)?;
    no_label(src, b, diags);
    // Nomad 1.7 added the blocks, 1.9 `filepath` and `extra_claims`: an
    // older agent refuses the keys its config struct lacks.
    let attrs: &[&str] = if v.at_least(1, 9, 0) {
        &["aud", "env", "file", "ttl", "filepath", "extra_claims"]
    } else {
        &["aud", "env", "file", "ttl"]
    };
    let s = Schema { attrs, blocks: &[] };
    let ir = BodyReader::new(src, &b.body, &s, key, diags);
    if !v.at_least(1, 7, 0) {
        diags.push(
            Diag::error(
                "world::version-gate",
                format!("`{key}` is a Nomad 1.7+ agent setting; the world runs Nomad {v}"),
            )
            .at(
                src,
                super::hclread::span_of(&b.ident),
                "not in this release",
            )
            .help("remove the block or raise nomad_version"),
        );
        return None;
    }
    let mut wid = WorkloadIdentity::default();
    if let Some(aud) = ir.strings("aud", diags) {
        wid.audience = aud.into_iter().map(|(s, _)| s).collect();
    }
    if let Some(e) = ir.bool("env", diags) {
        wid.env = e;
    }
    if let Some(f) = ir.bool("file", diags) {
        wid.file = f;
    }
    if let Some(p) = ir.string("filepath", diags) {
        wid.filepath = p;
    }
    if let Some(t) = ir.string("ttl", diags) {
        match crate::jobspec::duration::parse(&t) {
            Ok(d) => wid.ttl = d,
            Err(e) => diags.push(
                Diag::error("world::bad-value", e)
                    .at(
                        src,
                        ir.attr_span("ttl").unwrap_or_default(),
                        "not a duration",
                    )
                    .help("write a Go duration such as \"1h\""),
            ),
        }
    }
    // Read for its type only: the agent keeps the claims to itself.
    let _ = ir.string_map("extra_claims", diags);
    Some(wid)
}

/// The `server` block that reads back as `s` (what `import --write` puts
/// in cluster.hcl for an import that states the servers' settings); empty
/// when the world does not state them.
pub(super) fn server_hcl(s: &ServerConfig) -> String {
    use std::fmt::Write as _;
    if !s.declared {
        return String::new();
    }
    let block = |name: &str, w: &Option<WorkloadIdentity>| -> String {
        let Some(w) = w else { return String::new() };
        let mut o = format!("    {name} {{\n");
        if !w.audience.is_empty() {
            let _ = writeln!(o, "      aud      = {}", super::emit::list(&w.audience));
        }
        let _ = writeln!(o, "      env      = {}", w.env);
        let _ = writeln!(o, "      file     = {}", w.file);
        if !w.filepath.is_empty() {
            let _ = writeln!(o, "      filepath = {}", super::emit::quote(&w.filepath));
        }
        if w.ttl.0 != 0 {
            let _ = writeln!(
                o,
                "      ttl      = {}",
                super::emit::quote(&w.ttl.to_string())
            );
        }
        o.push_str("    }\n");
        o
    };
    let consul = format!(
        "{}{}",
        block("service_identity", &s.consul_service_identity),
        block("task_identity", &s.consul_task_identity)
    );
    let mut o = String::from("\nserver {\n");
    for (key, value) in [
        ("job_default_priority", s.job_default_priority),
        ("job_max_priority", s.job_max_priority),
        ("job_max_count", s.job_max_count),
    ] {
        if let Some(value) = value {
            let _ = writeln!(o, "  {key} = {value}");
        }
    }
    if let Some(enabled) = s.acl_enabled {
        let _ = writeln!(o, "  acl {{\n    enabled = {enabled}\n  }}");
    }
    // A cluster at Nomad's default (unauthenticated allowed) reads back the
    // same without its block, and admission treats the two alike.
    let stated = |c: &&ConsulCluster| {
        !c.allow_unauthenticated || (c.name == "default" && !consul.is_empty())
    };
    for c in s.consuls.iter().filter(stated) {
        let _ = writeln!(o, "  consul {{");
        if c.name != "default" {
            let _ = writeln!(o, "    name = {}", super::emit::quote(&c.name));
        }
        if !c.allow_unauthenticated {
            let _ = writeln!(o, "    allow_unauthenticated = false");
        }
        if c.name == "default" {
            o.push_str(&consul);
        }
        o.push_str("  }\n");
    }
    if !consul.is_empty() && !s.consuls.iter().filter(stated).any(|c| c.name == "default") {
        let _ = write!(o, "  consul {{\n{consul}  }}\n");
    }
    for c in &s.vaults {
        let _ = writeln!(o, "  vault {{");
        if c.name != "default" {
            let _ = writeln!(o, "    name    = {}", super::emit::quote(&c.name));
        }
        let _ = writeln!(o, "    enabled = {}", c.enabled);
        if !c.allow_unauthenticated {
            let _ = writeln!(o, "    allow_unauthenticated = false");
        }
        if c.name == "default" {
            o.push_str(&block("default_identity", &s.vault_default_identity));
        }
        o.push_str("  }\n");
    }
    if s.vaults.iter().all(|c| c.name != "default") {
        let vault = block("default_identity", &s.vault_default_identity);
        if !vault.is_empty() {
            let _ = write!(o, "  vault {{\n{vault}  }}\n");
        }
    }
    o.push_str("}\n");
    o
}
