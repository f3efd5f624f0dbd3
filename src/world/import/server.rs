//! The servers' identity settings from `agent-self.json` (`/v1/agent/self`
//! answered by a server): its `config.Consuls` and `config.Vaults` (1.7+,
//! command/agent/config.go; `config.Consul` and `config.Vault` before),
//! each cluster's `AllowUnauthenticated`, the default cluster's `ServiceIdentity`,
//! `TaskIdentity` and `DefaultIdentity` (`config.WorkloadIdentityConfig`
//! as Go's JSON encodes it: `Audience`, `Env`, `File`, `Filepath`, `TTL` in
//! nanoseconds); the release, edition and region it states; and whether
//! the token the import was saved with saw every namespace.

use crate::world::api_json::Fields as _;
use serde_json::Value;

use std::path::Path;

use super::json::{read_reply, Reply, Saved};
use crate::diag::{Diag, Diags};
use crate::jobspec::{Duration, WorkloadIdentity};
use crate::version::NomadVersion;
use crate::vfs::Vfs;
use crate::world::api_json::{b, i, obj, path_b, path_i, path_s, s, strs};
use crate::world::model::World;
use crate::world::{ConsulCluster, ServerConfig, VaultCluster};

/// What `agent-self.json` states of the servers, if it was saved from a
/// server (its serf member has `role = nomad`; a client's member is empty
/// and its config is not the servers') whose config lists the clusters.
pub(super) fn server_from_agent_self(v: &Value) -> Option<ServerConfig> {
    let role = path_s(v, &["member", "Tags", "role"]);
    if role != Some("nomad") {
        return None;
    }
    let jobs = job_settings(v);
    // Before 1.7 the agent has one `Vault` and no identities to inject.
    let config = obj(v, "config").unwrap_or(&Value::Null);
    if let Some(one) = obj(config, "Vault") {
        let consuls = obj(config, "Consul").map(consul_cluster);
        return Some(ServerConfig {
            declared: true,
            vaults: vec![vault_cluster(one)],
            consuls: consuls.into_iter().collect(),
            ..jobs
        });
    }
    // Without the clusters the job settings and the ACL switch still
    // hold (they were dropped with them).
    let (Some(consuls), Some(vaults)) =
        (config.typed_array("Consuls"), config.typed_array("Vaults"))
    else {
        return Some(jobs);
    };
    let default = |list: &'_ [Value]| -> Option<Value> {
        list.iter().find(|c| s(c, "Name") == "default").cloned()
    };
    let consul = default(consuls);
    let vault = default(vaults);
    let wid = |block: &Option<Value>, key: &str| {
        block.as_ref().and_then(|b| b.get(key)).and_then(identity)
    };
    Some(ServerConfig {
        declared: true,
        consul_service_identity: wid(&consul, "ServiceIdentity"),
        consul_task_identity: wid(&consul, "TaskIdentity"),
        vault_default_identity: wid(&vault, "DefaultIdentity"),
        vaults: vaults.iter().map(vault_cluster).collect(),
        consuls: consuls.iter().map(consul_cluster).collect(),
        ..jobs
    })
}

/// `config.Server`'s job settings (command/agent/config.go ServerConfig:
/// `JobDefaultPriority`, `JobMaxPriority` from 1.5.0, `JobMaxCount` from
/// 1.11.0; pointers, `null` when the agent's config leaves them unset,
/// absent before their release: Nomad's defaults either way).
fn job_settings(v: &Value) -> ServerConfig {
    let int = |key: &str| path_i(v, &["config", "Server", key]);
    ServerConfig {
        job_default_priority: int("JobDefaultPriority"),
        job_max_priority: int("JobMaxPriority"),
        job_max_count: int("JobMaxCount"),
        acl_enabled: path_b(v, &["config", "ACL", "Enabled"]),
        ..ServerConfig::default()
    }
}

/// A `config.VaultConfig` as the agent's JSON encodes it: `Enabled` and
/// `AllowUnauthenticated` are pointers (`null` when unset: not enabled,
/// unauthenticated allowed, Nomad's defaults).
fn vault_cluster(c: &Value) -> VaultCluster {
    let flag = |key: &str, unset: bool| c.typed_bool(key).unwrap_or(unset);
    let name = s(c, "Name");
    VaultCluster {
        name: if name.is_empty() {
            "default".to_string()
        } else {
            name
        },
        enabled: flag("Enabled", false),
        allow_unauthenticated: flag("AllowUnauthenticated", true),
    }
}

/// A `config.ConsulConfig` as the agent's JSON encodes it (`Name` from
/// 1.7; `AllowUnauthenticated` a pointer, `null` when unset: allowed,
/// nomad/structs/config/consul.go v1.7.0).
fn consul_cluster(c: &Value) -> ConsulCluster {
    let name = s(c, "Name");
    ConsulCluster {
        name: if name.is_empty() {
            "default".to_string()
        } else {
            name
        },
        allow_unauthenticated: c.typed_bool("AllowUnauthenticated").unwrap_or(true),
    }
}

/// nomad/config.go `workloadIdentityFromConfig`: the fields it copies.
fn identity(v: &Value) -> Option<WorkloadIdentity> {
    if !v.is_object() {
        return None;
    }
    Some(WorkloadIdentity {
        audience: strs(v, "Audience"),
        env: b(v, "Env"),
        file: b(v, "File"),
        filepath: s(v, "Filepath"),
        ttl: Duration(i(v, "TTL")),
        ..WorkloadIdentity::default()
    })
}

/// The token the import was saved with (`/v1/acl/token/self`; empty when
/// ACLs are off, which refuses it): whether namespaces.json is the whole
/// list ([`token_scoped`]).
pub(super) const ACL_TOKEN_SELF: &str = "acl-token-self.json";

/// The servers' release, edition, region and identity settings from
/// agent-self.json.
pub(super) fn read_agent_self(
    src: &crate::source::Source,
    v: &Value,
    world: &mut World,
    diags: &mut Diags,
) {
    let tags = obj(v, "member")
        .and_then(|m| obj(m, "Tags"))
        .unwrap_or(&Value::Null);
    let build = s(tags, "build");
    match build.parse::<NomadVersion>() {
        Ok(ver) => {
            world.nomad_version = ver;
            // Enterprise builds tag themselves `+ent`; a build tag
            // without it is a community build.
            world.stated_edition = Some(
                crate::version::Edition::of_version_text(&build)
                    .unwrap_or(crate::version::Edition::Community),
            );
        }
        Err(_) => diags.push(
            Diag::warning("import::version", format!("agent-self.json has no usable version (member.Tags.build = {build:?}); simulating Nomad {}", world.nomad_version))
                .in_source(src),
        ),
    }
    if !s(tags, "region").is_empty() {
        world.region = s(tags, "region");
    }
    if let Some(server) = server_from_agent_self(v) {
        world.server = server;
    }
}

/// What `/v1/acl/token/self` answers in place of a token: plain text
/// with an error status, which the saving call copies to the file
/// ([`super::json::Reply`]). Nomad's exact texts, the same at every
/// release that answers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokenAnswer {
    /// "ACL token not found": no token behind the request. With ACLs on,
    /// a secret that is no token's (command/agent/acl_endpoint.go
    /// v1.10.0:238-240 `ACL.ResolveToken`'s nil token; v2.0.5:288-290
    /// `ACL.WhoAmI`'s identity without one); from 1.10.1 also every request
    /// with ACLs off (nomad/acl_endpoint.go v2.0.5:2223-2235 WhoAmI sets
    /// no token). Not a management token, so the list may be partial.
    NoToken,
    /// "ACL support disabled": the servers run without ACLs
    /// (nomad/acl_endpoint.go `aclDisabled`, v1.0.0-v1.10.0 ResolveToken
    /// v1.10.0:1063-1064; command/agent/http.go errCodeFromHandler writes
    /// the coded RPC error's message alone). Every namespace is listed.
    AclDisabled,
}

const TOKEN_ANSWERS: [(&str, TokenAnswer); 2] = [
    ("ACL token not found", TokenAnswer::NoToken),
    ("ACL support disabled", TokenAnswer::AclDisabled),
];

/// Whether namespaces.json may leave namespaces out: Nomad lists to a
/// token only the namespaces it may use (nomad/namespace_endpoint.go
/// v2.0.5:441-475, v1.6.0:240-271 ListNamespaces: `AllowNamespace`), all
/// of them when ACLs are off (agent-self.json's `config.ACL.Enabled`
/// false, or acl-token-self.json's "ACL support disabled") or to a
/// management token (acl-token-self.json's `Type`,
/// nomad/structs/structs.go v2.0.5 ACLManagementToken; acl/acl.go
/// ManagementACL allows every namespace). Anything else (ACLs on or
/// not stated, the token not saved, not found, or a client one) may be a
/// shorter list.
pub(super) fn token_scoped(vfs: &dyn Vfs, dir: &Path, world: &World, diags: &mut Diags) -> bool {
    if world.server.acl_enabled == Some(false) {
        return false;
    }
    let file = dir.join(ACL_TOKEN_SELF);
    match read_reply(vfs, &file, false, &TOKEN_ANSWERS, diags) {
        Some(Reply::Saved(Saved::Read(_, v))) => s(&v, "Type") != "management",
        Some(Reply::Answer(TokenAnswer::AclDisabled)) => false,
        Some(Reply::Answer(TokenAnswer::NoToken) | Reply::Saved(Saved::Absent)) | None => true,
    }
}
