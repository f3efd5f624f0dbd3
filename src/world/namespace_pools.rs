//! A namespace's node pools (Nomad Enterprise 1.6+): `node_pool_config {
//! default = "prod" allowed = ["prod", "batch-*"] }` of the namespace
//! spec (api/namespace.go v1.6.0:77, v2.0.5; nomad/structs/structs.go
//! v1.10.5:5570-5594 `NamespaceNodePoolConfiguration`). `Default` is the
//! pool of the namespace's jobs that name none; `Allowed` the pools they
//! may use (`*` globs; an empty list allows the default alone), `Denied`
//! those they may not, never both. The community servers refuse the
//! block (`Node Pools Governance is unlicensed.`,
//! nomad/structs/structs_ce.go v1.10.5:20-25, wrapped `invalid node pool
//! configuration: ` by `Namespace.Validate`, structs.go v1.10.5:5605-5613);
//! before 1.6.0 `nomad namespace apply` decodes the spec without it
//! (command/namespace_apply.go v1.5.6:215-226, `mapstructure.WeakDecode`
//! drops what `api.Namespace` lacks).
//!
//! Enterprise's hooks that apply it to a job (the mutating hook that
//! gives the default pool, the validating one that refuses another) are
//! not public: nomad/job_endpoint_hook_node_pool_ce.go v1.10.5 is the
//! community stub (`job.NodePool = "default"` when empty; no check). So
//! where the configuration decides a job's pool or whether it is admitted,
//! the plan cannot be known ([`unknown`]): a job naming no pool in a
//! namespace whose default is another pool, a job whose pool the lists
//! do not allow. A job whose pool the lists allow plans as any.

use hcl_edit::structure::Block;
use serde::{Deserialize, Serialize};

use super::hclread::{span_of, BodyReader, Schema};
use super::model::World;
use crate::diag::{Diag, Diags};
use crate::goglob::go_glob;
use crate::jobspec::Job;
use crate::source::Source;
use crate::version::{Edition, NomadVersion};

/// `node_pool_config { default allowed denied }`; a list is `None` when
/// not written (an empty written `allowed` allows the default alone).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamespacePools {
    pub default: String,
    pub allowed: Option<Vec<String>>,
    pub denied: Option<Vec<String>>,
}

impl NamespacePools {
    /// The pool of a job that names none (`default` when unset).
    fn default_pool(&self) -> &str {
        match self.default.as_str() {
            "" => "default",
            d => d,
        }
    }

    /// Do the lists allow `pool` (as the spec documents them: the default
    /// always, `allowed` globs, else any but the `denied` globs)?
    fn allows(&self, pool: &str) -> bool {
        if pool == self.default_pool() {
            return true;
        }
        match (&self.allowed, &self.denied) {
            (Some(a), _) => a.iter().any(|g| go_glob(g, pool)),
            (None, Some(d)) => !d.iter().any(|g| go_glob(g, pool)),
            (None, None) => true,
        }
    }
}

/// The namespace spec's `node_pool_config` block, read (or dropped, or
/// refused) as the world's release and edition take it.
pub(super) fn read(
    src: &Source,
    b: &Block,
    version: NomadVersion,
    edition: Option<Edition>,
    diags: &mut Diags,
) -> Option<NamespacePools> {
    let span = span_of(&b.ident);
    if !version.at_least(1, 6, 0) {
        diags.push(
            Diag::warning(
                "world::version-gate",
                format!("`node_pool_config` is a Nomad 1.6.0+ namespace block; the world runs Nomad {version}, which ignores it"),
            )
            .at(src, span, "not in this release")
            .help("remove it or raise nomad_version"),
        );
        return None;
    }
    if edition == Some(Edition::Community) {
        diags.push(
            Diag::error(
                "world::node-pool",
                "invalid node pool configuration: Node Pools Governance is unlicensed.",
            )
            .at(src, span, "refused by community servers")
            .help("a community server takes no namespace `node_pool_config`: remove it, or state `edition = \"enterprise\"`"),
        );
        return None;
    }
    const S: Schema = Schema {
        attrs: &["default", "allowed", "denied"],
        blocks: &[],
    };
    let r = BodyReader::new(src, &b.body, &S, "node_pool_config", diags);
    let list = |key: &str, diags: &mut Diags| {
        r.strings(key, diags)
            .map(|v| v.into_iter().map(|(s, _)| s).collect::<Vec<_>>())
    };
    let pools = NamespacePools {
        default: r.string("default", diags).unwrap_or_default(),
        allowed: list("allowed", diags),
        denied: list("denied", diags),
    };
    if pools.allowed.is_some() && pools.denied.is_some() {
        diags.push(
            Diag::error(
                "world::bad-value",
                "`node_pool_config` sets both `allowed` and `denied`, which Nomad Enterprise refuses (\"This field cannot be used with Denied\", nomad/structs/structs.go `NamespaceNodePoolConfiguration`; its words are not public)",
            )
            .at(src, span, "both lists")
            .help("keep `allowed` or `denied`, as the namespace on the cluster has it"),
        );
        return None;
    }
    Some(pools)
}

/// Why a job's pool, or its admission, rests on its namespace's pools.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespacePoolUnknown {
    pub namespace: String,
    /// The pool the job names, else the namespace's default.
    pub pool: String,
    /// The namespace's default pool, when it decides the job's.
    pub default: Option<String>,
}

/// Where `job`'s namespace's `node_pool_config` decides its pool or its
/// admission, which Enterprise's private hooks apply (module comment).
pub fn unknown(world: &World, job: &Job) -> Option<NamespacePoolUnknown> {
    if job.stop || world.edition() == Some(Edition::Community) {
        return None;
    }
    let ns = world.namespaces.get(&job.namespace)?;
    let cfg = ns.node_pools.as_ref()?;
    // The job's defaults give a pool it names none of "default"
    // (src/jobspec/defaults.rs, the community mutating hook's value):
    // whether it named one is what it wrote.
    let names_none = job.node_pool.is_empty() || !job.spans.written("node_pool");
    let (pool, default) = if names_none {
        let d = cfg.default_pool();
        (d, (d != "default").then(|| d.to_string()))
    } else {
        (job.node_pool.as_str(), None)
    };
    if default.is_none() && cfg.allows(pool) {
        return None;
    }
    Some(NamespacePoolUnknown {
        namespace: job.namespace.clone(),
        pool: pool.to_string(),
        default,
    })
}

impl NamespacePoolUnknown {
    /// The one line (without a prefix).
    pub fn line(&self, job: &str) -> String {
        let ns = crate::gotext::go_quote(&self.namespace);
        match &self.default {
            Some(d) => format!(
                "job {job:?} names no node pool, and namespace {ns} gives its jobs node pool {} (`node_pool_config`, Nomad Enterprise), which Enterprise's admission applies in code that is not public: whether Nomad accepts the job and where it is placed cannot be known",
                crate::gotext::go_quote(d)
            ),
            None => format!(
                "namespace {ns} does not allow node pool {} (`node_pool_config`, Nomad Enterprise): Nomad Enterprise refuses job {job:?} with words that are not public, so its answer cannot be known",
                crate::gotext::go_quote(&self.pool)
            ),
        }
    }

    pub fn hint(&self) -> &'static str {
        if self.default.is_some() {
            "name the pool in the job (`node_pool = \"...\"`), or judge the job on the cluster (`nomad job plan`)"
        } else {
            "use a node pool the namespace allows, or judge the job on the cluster (`nomad job plan`)"
        }
    }

    /// Under `Preflight.WorldGuess` in JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "Kind": "NamespaceNodePools",
            "Namespace": self.namespace,
            "NodePool": self.pool,
            "Default": self.default,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(default: &str, allowed: Option<&[&str]>, denied: Option<&[&str]>) -> NamespacePools {
        let v = |l: &[&str]| l.iter().map(|s| s.to_string()).collect();
        NamespacePools {
            default: default.into(),
            allowed: allowed.map(v),
            denied: denied.map(v),
        }
    }

    #[test]
    fn the_lists_allow_as_documented() {
        let c = cfg("prod", Some(&["batch-*"]), None);
        assert!(c.allows("prod") && c.allows("batch-1"));
        assert!(!c.allows("gpu") && !c.allows("default"));
        // An empty `allowed` allows the default alone.
        let c = cfg("", Some(&[]), None);
        assert!(c.allows("default") && !c.allows("gpu"));
        let c = cfg("", None, Some(&["gpu*"]));
        assert!(!c.allows("gpu-a") && c.allows("web"));
        assert!(cfg("", None, None).allows("anything"));
    }
}
