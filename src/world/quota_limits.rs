//! The limits a quota may set that nomad-preflight does not simulate.
//!
//! A quota's `region_limit` held Nomad's whole `Resources` until 1.10
//! (api/quota.go `QuotaLimit.RegionLimit *Resources` at v1.9.0), and holds
//! `QuotaResources` since (v1.10.0: `NUMA`, `SecretsMB`, `Storage`; v1.11.2
//! adds `NodePools`, per-node-pool limits, api/quota.go `NodePoolLimit`).
//! `QuotaLimit.VariablesLimit` came with variables (1.4.0). Nomad
//! Enterprise enforces them in code that is not public; what we simulate is
//! cpu, cores, memory and memory_max (`scheduler::quota`), device limits
//! are said to be unknown (`scheduler::quota_devices`), and the 0.10–0.12
//! network limit is a guess (`world::guess`). Every other limit is kept
//! here, typed by what it limits, so the plan (`scheduler::quota_unsimulated`),
//! `check` (NP308), `status` and the loader's warnings say which limit
//! they cannot count, and no limit is dropped on the way.

use crate::world::api_json::Fields as _;
use std::collections::BTreeMap;

use serde_json::Value;

use crate::source::Span;

/// Where a limit is written in a world file; never part of the limit's
/// equality (an import and the world it wrote are the same quota).
#[derive(Debug, Clone, Copy, Default, serde::Serialize, serde::Deserialize)]
pub struct At(pub Option<Span>);

impl PartialEq for At {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for At {}

/// One limit nomad-preflight does not simulate, where it is written.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NotSimulated {
    pub limit: Unsimulated,
    pub at: At,
}

/// A quota limit nomad-preflight does not simulate, by what it limits.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Unsimulated {
    /// `node_pool "NAME" { ... }` (`RegionLimit.NodePools`, 1.11.2+): the
    /// resources of allocations placed in one node pool.
    NodePool(PoolLimit),
    /// `secrets = N` (`RegionLimit.SecretsMB`, 1.9.0+ as `Resources`): the
    /// tasks' secrets tmpfs, in MB.
    Secrets(i64),
    /// `numa { ... }` (`RegionLimit.NUMA`, 1.7.0+ as `Resources`).
    Numa(NumaLimit),
    /// `disk = N` (`RegionLimit.DiskMB` of a `Resources`, before 1.10).
    Disk(i64),
    /// `iops = N` (`RegionLimit.IOPS` of a `Resources`, before 1.10).
    Iops(i64),
    /// `storage { variables = N }` (`RegionLimit.Storage.VariablesMB`,
    /// 1.10.0+), in MB: counted when variables are written.
    Variables(i64),
    /// `variables_limit = N` (`QuotaLimit.VariablesLimit`, 1.4.0+,
    /// deprecated in 1.10), in MB: counted when variables are written.
    VariablesLimit(i64),
    /// `storage { host_volumes = N }` (`RegionLimit.Storage.HostVolumesMB`,
    /// 1.10.0+), in MB: counted at `nomad volume create`.
    HostVolumes(i64),
    /// A key of the API's `QuotaLimit` or `RegionLimit` this tool does not
    /// know (a later release's), by its path, with its JSON value.
    Unknown { key: String, value: String },
}

/// `node_pool "NAME"` of a region limit (api/quota.go `NodePoolLimit`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PoolLimit {
    pub pool: String,
    pub cpu: Option<i64>,
    pub cores: Option<i64>,
    pub memory: Option<i64>,
    pub memory_max: Option<i64>,
    pub secrets: Option<i64>,
    pub devices: BTreeMap<String, i64>,
    /// `storage { variables, host_volumes }` of the pool, in MB.
    pub variables: Option<i64>,
    pub host_volumes: Option<i64>,
}

/// `numa { affinity, devices }` (api/resources.go `NUMAResource`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NumaLimit {
    pub affinity: String,
    pub devices: Vec<String>,
}

/// The longest JSON value an unknown key keeps (a hostile import's value
/// is cut there, said with `…`).
const MAX_VALUE: usize = 200;

impl Unsimulated {
    /// Its name in the quota specification (`node_pool "gpu"`, `secrets`).
    pub fn name(&self) -> String {
        match self {
            Unsimulated::NodePool(p) => format!("node_pool {}", crate::gotext::go_quote(&p.pool)),
            Unsimulated::Secrets(_) => "secrets".into(),
            Unsimulated::Numa(_) => "numa".into(),
            Unsimulated::Disk(_) => "disk".into(),
            Unsimulated::Iops(_) => "iops".into(),
            Unsimulated::Variables(_) => "storage.variables".into(),
            Unsimulated::VariablesLimit(_) => "variables_limit".into(),
            Unsimulated::HostVolumes(_) => "storage.host_volumes".into(),
            Unsimulated::Unknown { key, .. } => crate::escape::one_line(key),
        }
    }

    /// Its field in Nomad's API (`RegionLimit.NodePools`).
    pub fn field(&self) -> String {
        match self {
            Unsimulated::NodePool(_) => "RegionLimit.NodePools".into(),
            Unsimulated::Secrets(_) => "RegionLimit.SecretsMB".into(),
            Unsimulated::Numa(_) => "RegionLimit.NUMA".into(),
            Unsimulated::Disk(_) => "RegionLimit.DiskMB".into(),
            Unsimulated::Iops(_) => "RegionLimit.IOPS".into(),
            Unsimulated::Variables(_) => "RegionLimit.Storage.VariablesMB".into(),
            Unsimulated::VariablesLimit(_) => "VariablesLimit".into(),
            Unsimulated::HostVolumes(_) => "RegionLimit.Storage.HostVolumesMB".into(),
            Unsimulated::Unknown { key, .. } => crate::escape::one_line(key),
        }
    }

    /// What it limits, as one line (`cpu 1500, memory 1000`, `100 MB`).
    pub fn value(&self) -> String {
        match self {
            Unsimulated::NodePool(p) => p.text(),
            Unsimulated::Secrets(mb)
            | Unsimulated::Disk(mb)
            | Unsimulated::Variables(mb)
            | Unsimulated::VariablesLimit(mb)
            | Unsimulated::HostVolumes(mb) => format!("{mb} MB"),
            Unsimulated::Iops(n) => n.to_string(),
            Unsimulated::Numa(n) => {
                let mut s = format!("affinity {}", crate::gotext::go_quote(&n.affinity));
                if !n.devices.is_empty() {
                    let d: Vec<String> = n
                        .devices
                        .iter()
                        .map(|d| crate::gotext::go_quote(d))
                        .collect();
                    s.push_str(&format!(", devices {}", d.join(" ")));
                }
                s
            }
            Unsimulated::Unknown { value, .. } => crate::escape::one_line(value),
        }
    }

    /// `name (field): value`, the form every message uses.
    pub fn describe(&self) -> String {
        format!("{} ({}): {}", self.name(), self.field(), self.value())
    }

    /// Whether Nomad counts it when a job is placed. Variables are counted
    /// when they are written and host volumes at `nomad volume create`
    /// (website/content/docs/other-specifications/quota.mdx, v1.11.3):
    /// never by a plan.
    pub fn counts_placements(&self) -> bool {
        !matches!(
            self,
            Unsimulated::Variables(_)
                | Unsimulated::VariablesLimit(_)
                | Unsimulated::HostVolumes(_)
        )
    }
}

impl Unsimulated {
    /// Its place in [`canonical_order`]: the order the world format writes.
    fn rank(&self) -> (u8, &str) {
        match self {
            Unsimulated::NodePool(p) => (0, p.pool.as_str()),
            Unsimulated::Secrets(_) => (1, ""),
            Unsimulated::Numa(_) => (2, ""),
            Unsimulated::Disk(_) => (3, ""),
            Unsimulated::Iops(_) => (4, ""),
            Unsimulated::Variables(_) => (5, ""),
            Unsimulated::HostVolumes(_) => (6, ""),
            Unsimulated::VariablesLimit(_) => (7, ""),
            Unsimulated::Unknown { key, .. } => (8, key.as_str()),
        }
    }
}

/// One order for a region's limits not simulated, whichever way they were
/// read (an import's keys, a world file's blocks), so an import and the
/// world it writes hold the same quota. Stable: two pools of one name stay
/// in the order written.
pub fn canonical_order(limits: &mut [NotSimulated]) {
    limits.sort_by(|a, b| a.limit.rank().cmp(&b.limit.rank()));
}

impl PoolLimit {
    /// `cpu 1500, memory 1000, device "nvidia/gpu" count 1`; `no limits`
    /// for an empty block.
    pub fn text(&self) -> String {
        let mut parts: Vec<String> = [
            ("cpu", self.cpu),
            ("cores", self.cores),
            ("memory", self.memory),
            ("memory_max", self.memory_max),
            ("secrets", self.secrets),
            ("storage.variables", self.variables),
            ("storage.host_volumes", self.host_volumes),
        ]
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| format!("{k} {v}")))
        .collect();
        for (name, count) in &self.devices {
            parts.push(format!(
                "device {} count {count}",
                crate::gotext::go_quote(name)
            ));
        }
        if parts.is_empty() {
            return "no limits".into();
        }
        parts.join(", ")
    }
}

/// A Go zero value (what an unset field of the API's structs reads as):
/// null, 0, false, "", and lists or objects of nothing but zero values.
fn is_zero(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.iter().all(is_zero),
        Value::Object(o) => o.values().all(is_zero),
    }
}

/// A set integer field (0 is unset: unlimited).
fn set_int(v: &Value, key: &str) -> Option<i64> {
    v.typed_i64(key).filter(|x| *x != 0)
}

/// The keys of `RegionLimit` that `quota_from_api` reads itself.
pub const SIMULATED_KEYS: &[&str] = &[
    "CPU",
    "Cores",
    "MemoryMB",
    "MemoryMaxMB",
    "Devices",
    "Networks",
];

/// Every limit of one API `QuotaLimit` (`limit`) and its `RegionLimit`
/// (`rl`) that is not simulated, by key in byte order (serde_json's map);
/// zero values are unset, as Nomad reads them.
pub fn from_api(limit: &Value, rl: &Value) -> Vec<Unsimulated> {
    let mut out = Vec::new();
    if let Some(obj) = rl.as_object() {
        for (key, v) in obj {
            if SIMULATED_KEYS.contains(&key.as_str()) || is_zero(v) {
                continue;
            }
            match key.as_str() {
                "SecretsMB" => out.push(int_or_unknown(
                    v,
                    "RegionLimit.SecretsMB",
                    Unsimulated::Secrets,
                )),
                "DiskMB" => out.push(int_or_unknown(v, "RegionLimit.DiskMB", Unsimulated::Disk)),
                "IOPS" => out.push(int_or_unknown(v, "RegionLimit.IOPS", Unsimulated::Iops)),
                "NUMA" => out.push(Unsimulated::Numa(NumaLimit {
                    affinity: crate::world::api_json::s(v, "Affinity"),
                    devices: crate::world::api_json::strs(v, "Devices"),
                })),
                "Storage" => {
                    if let Some(mb) = set_int(v, "VariablesMB") {
                        out.push(Unsimulated::Variables(mb));
                    }
                    if let Some(mb) = set_int(v, "HostVolumesMB") {
                        out.push(Unsimulated::HostVolumes(mb));
                    }
                    other_keys(
                        v,
                        "RegionLimit.Storage",
                        &["VariablesMB", "HostVolumesMB"],
                        &mut out,
                    );
                }
                "NodePools" => match v.as_array() {
                    Some(pools) => out.extend(
                        pools
                            .iter()
                            .filter(|p| !is_zero(p))
                            .map(|p| Unsimulated::NodePool(pool_from_api(p))),
                    ),
                    None => out.push(unknown("RegionLimit.NodePools", v)),
                },
                _ => out.push(unknown(&format!("RegionLimit.{key}"), v)),
            }
        }
    }
    if let Some(obj) = limit.as_object() {
        for (key, v) in obj {
            if matches!(key.as_str(), "Region" | "RegionLimit" | "Hash") || is_zero(v) {
                continue;
            }
            match key.as_str() {
                "VariablesLimit" => out.push(int_or_unknown(
                    v,
                    "VariablesLimit",
                    Unsimulated::VariablesLimit,
                )),
                _ => out.push(unknown(key, v)),
            }
        }
    }
    out
}

fn int_or_unknown(v: &Value, key: &str, known: fn(i64) -> Unsimulated) -> Unsimulated {
    match v.as_i64() {
        Some(n) => known(n),
        None => unknown(key, v),
    }
}

fn unknown(key: &str, v: &Value) -> Unsimulated {
    let mut value = v.to_string();
    if value.len() > MAX_VALUE {
        let mut cut = MAX_VALUE;
        while !value.is_char_boundary(cut) {
            cut -= 1;
        }
        value.truncate(cut);
        value.push('…');
    }
    Unsimulated::Unknown {
        key: key.to_string(),
        value,
    }
}

/// Keys of `v` outside `known` that are set, each as an unknown limit.
fn other_keys(v: &Value, at: &str, known: &[&str], out: &mut Vec<Unsimulated>) {
    if let Some(obj) = v.as_object() {
        for (key, x) in obj {
            if !known.contains(&key.as_str()) && !is_zero(x) {
                out.push(unknown(&format!("{at}.{key}"), x));
            }
        }
    }
}

fn pool_from_api(p: &Value) -> PoolLimit {
    let storage = p.get("Storage").unwrap_or(&Value::Null);
    PoolLimit {
        pool: crate::world::api_json::s(p, "NodePool"),
        cpu: set_int(p, "CPU"),
        cores: set_int(p, "Cores"),
        memory: set_int(p, "MemoryMB"),
        memory_max: set_int(p, "MemoryMaxMB"),
        secrets: set_int(p, "SecretsMB"),
        devices: p
            .typed_array("Devices")
            .map(|d| {
                d.iter()
                    .map(|d| {
                        (
                            crate::world::api_json::s(d, "Name"),
                            crate::world::api_json::i(d, "Count"),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default(),
        variables: set_int(storage, "VariablesMB"),
        host_volumes: set_int(storage, "HostVolumesMB"),
    }
}

/// Each quota with a limit in the world's region, that limit, and the
/// namespaces attached to the quota as the loader's warnings name them
/// (`namespace \`ml\``, `namespaces attached to it` when none is).
pub(super) fn region_quotas(
    world: &super::World,
) -> Vec<(&super::model::QuotaSpec, &super::model::QuotaLimit, String)> {
    let mut out = Vec::new();
    for q in world.quotas.values() {
        let Some(limit) = q.limit_for(&world.region) else {
            continue;
        };
        let namespaces: Vec<String> = world
            .namespaces
            .values()
            .filter(|n| n.quota.as_deref() == Some(q.name.as_str()))
            .map(|n| format!("`{}`", n.name))
            .collect();
        let whose = match namespaces.as_slice() {
            [] => "namespaces attached to it".to_string(),
            [one] => format!("namespace {one}"),
            many => format!("namespaces {}", many.join(", ")),
        };
        out.push((q, limit, whose));
    }
    out
}

/// The code of the loader's warning for a limit not simulated that a
/// placement may count: the plans it concerns are said to be unknown.
pub const QUOTA_NOT_SIMULATED: &str = "world::quota-not-simulated";
/// The code of the loader's note for a limit no placement counts
/// (variables, host volumes): no verdict changes.
pub const QUOTA_NOT_PLACEMENT: &str = "world::quota-not-placement";

/// One warning per limit not simulated that a quota sets in the world's
/// region, naming the quota, the limit (its spec name and API field) and
/// which plans it makes unknown. Located at the limit when `sources` has
/// the quota's file (a world folder); an import names `quotas.json`.
pub(super) fn unsimulated_limit_warnings(
    world: &super::World,
    sources: &BTreeMap<String, crate::source::Source>,
    fallback: Option<&crate::source::Source>,
) -> Vec<crate::diag::Diag> {
    use crate::diag::Diag;
    let mut out = Vec::new();
    for (q, limit, whose) in region_quotas(world) {
        for ns in &limit.region_limit.unsimulated {
            let what = ns.limit.describe();
            let d = if ns.limit.counts_placements() {
                let jobs = match &ns.limit {
                    Unsimulated::NodePool(p) => format!(
                        "a job in {whose} whose node pool is {} or \"all\"",
                        crate::gotext::go_quote(&p.pool)
                    ),
                    _ => format!("every job in {whose}"),
                };
                Diag::warning(
                    QUOTA_NOT_SIMULATED,
                    format!(
                        "quota `{}` sets a limit nomad-preflight does not simulate in region `{}`: {what}; Nomad Enterprise counts it in code that is not public, so a plan of {jobs} is reported as unknown, never as placed",
                        q.name, world.region
                    ),
                )
                .help("judge such jobs on the cluster (`nomad job plan`), or remove the limit from the world")
            } else {
                Diag::warning(
                    QUOTA_NOT_PLACEMENT,
                    format!(
                        "quota `{}` sets a limit nomad-preflight does not simulate in region `{}`: {what}; Nomad counts it when variables are written or host volumes created, never when a job is placed, so plans are judged without it",
                        q.name, world.region
                    ),
                )
                .help("nothing to do for plans; `nomad quota status` on the cluster shows its usage")
            };
            out.push(match (sources.get(&q.name), ns.at.0, fallback) {
                (Some(src), Some(span), _) => d.at(src, span, "not simulated"),
                (_, _, Some(src)) => d.in_source(src),
                _ => d,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_set_limit_is_kept_and_zero_values_are_unset() {
        // A 2.0 server's RegionLimit, the docs' sample fields included.
        let rl = json!({
            "CPU": 2500, "Cores": 0, "MemoryMB": 2000, "MemoryMaxMB": 0,
            "Devices": null, "DiskMB": 0, "IOPS": 0, "NUMA": null, "Networks": null,
            "SecretsMB": 64,
            "Storage": {"VariablesMB": 10, "HostVolumesMB": 0},
            "NodePools": [{"NodePool": "gpu", "CPU": 1500, "MemoryMB": 1000}],
            "FutureMB": 7,
        });
        let limit =
            json!({"Region": "global", "RegionLimit": rl, "Hash": "x", "VariablesLimit": null});
        let got = from_api(&limit, &rl);
        let names: Vec<String> = got.iter().map(Unsimulated::name).collect();
        assert_eq!(
            names,
            [
                "RegionLimit.FutureMB",
                "node_pool \"gpu\"",
                "secrets",
                "storage.variables",
            ]
        );
        assert_eq!(got[2], Unsimulated::Secrets(64));
        assert_eq!(
            got[1].describe(),
            "node_pool \"gpu\" (RegionLimit.NodePools): cpu 1500, memory 1000"
        );
        assert!(got[2].counts_placements());
        assert!(!got[3].counts_placements());
        assert_eq!(
            got[0],
            Unsimulated::Unknown {
                key: "RegionLimit.FutureMB".into(),
                value: "7".into()
            }
        );
    }

    #[test]
    fn a_limit_level_key_and_a_long_unknown_value() {
        let rl = json!({"CPU": 1});
        let long = "x".repeat(500);
        let limit = json!({"Region": "r", "VariablesLimit": 100, "Other": long});
        let got = from_api(&limit, &rl);
        assert_eq!(got[1], Unsimulated::VariablesLimit(100));
        let Unsimulated::Unknown { key, value } = &got[0] else {
            panic!("{got:?}")
        };
        assert_eq!(key, "Other");
        assert!(value.chars().count() <= MAX_VALUE + 1, "{value}");
        assert!(value.ends_with('…'));
    }
}
