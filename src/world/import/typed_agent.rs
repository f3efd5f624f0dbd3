//! The table ([`super::typed`]) of agent-self.json: the parts of
//! `/v1/agent/self` the import reads (command/agent/agent_endpoint.go
//! v2.0.5 Self: `member` with `Tags map[string]string`, `config` the
//! agent's command/agent/config.go Config).

use super::typed::Ty::{self, Bool, Int, List, Map, Str, Struct};
use super::typed::{f, n, Field, Schema};

/// A `WorkloadIdentityConfig` (nomad/structs/config/workload_id.go
/// v2.0.5: `Audience []string`, `Env`, `File *bool`, `Filepath string`,
/// `TTL *time.Duration`).
const IDENTITY: Ty = Struct(&[
    n("Audience", List(&Str)),
    n("Env", Bool),
    n("File", Bool),
    f("Filepath", Str),
    n("TTL", Int),
]);

/// A `ConsulConfig` or `VaultConfig` (nomad/structs/config/consul.go,
/// vault.go v2.0.5: `Name string`, `Enabled`, `AllowUnauthenticated
/// *bool`, identities by pointer).
const CLUSTER: &[Field] = &[
    f("Name", Str),
    n("Enabled", Bool),
    n("AllowUnauthenticated", Bool),
    n("ServiceIdentity", IDENTITY),
    n("TaskIdentity", IDENTITY),
    n("DefaultIdentity", IDENTITY),
];

pub(super) const AGENT_SELF: Schema = Schema {
    file: "agent-self.json",
    unknown: "the servers' release and settings",
    endpoint: "/v1/agent/self",
    ty: Struct(&[
        n("member", Struct(&[n("Tags", Map(&Str))])),
        n(
            "config",
            Struct(&[
                // command/agent/config.go v2.0.5 ServerConfig: `*int`
                // (1.5.0+, JobMaxCount 1.11.0+); ACLConfig `Enabled bool`.
                n(
                    "Server",
                    Struct(&[
                        n("JobDefaultPriority", Int),
                        n("JobMaxPriority", Int),
                        n("JobMaxCount", Int),
                    ]),
                ),
                n("ACL", Struct(&[f("Enabled", Bool)])),
                // Before 1.7: one `Vault`, one `Consul`; from 1.7 the
                // lists `Vaults`, `Consuls` (`[]*VaultConfig`).
                n("Vault", Struct(CLUSTER)),
                n("Consul", Struct(CLUSTER)),
                n("Vaults", List(&Struct(CLUSTER))),
                n("Consuls", List(&Struct(CLUSTER))),
            ]),
        ),
    ]),
};
