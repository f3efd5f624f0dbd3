//! Quotas, namespaces and the scheduler configuration as Nomad's API
//! returns them.

use crate::world::api_json::Fields as _;
use serde_json::Value;

use crate::world::api_json::{b, i, s, smap, strs};
use crate::world::model::*;
use crate::world::NotSimulated;

pub fn quota_from_api(v: &Value) -> QuotaSpec {
    let limits = v
        .typed_array("Limits")
        .map(|ls| {
            ls.iter()
                .map(|l| {
                    let rl = l.get("RegionLimit").unwrap_or(&Value::Null);
                    // The API leaves unset limits at 0 (= unlimited); keep
                    // them as "not set" so a written spec stays minimal.
                    let opt = |k: &str| rl.typed_i64(k).filter(|x| *x != 0);
                    QuotaLimit {
                        region: s(l, "Region"),
                        region_limit: RegionLimit {
                            cpu: opt("CPU"),
                            cores: opt("Cores"),
                            memory: opt("MemoryMB"),
                            memory_max: opt("MemoryMaxMB"),
                            devices: rl
                                .typed_array("Devices")
                                .map(|d| d.iter().map(|d| (s(d, "Name"), i(d, "Count"))).collect())
                                .unwrap_or_default(),
                            // Nomad 0.10–0.12's bandwidth limit: not
                            // simulated (`world::guess`).
                            network: rl.typed_array("Networks").is_some_and(|n| !n.is_empty()),
                            // Every other set key, kept as a limit not
                            // simulated, never dropped.
                            unsimulated: unsimulated(l, rl),
                            device_spans: Default::default(),
                            spans: Default::default(),
                        },
                        spans: Default::default(),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    QuotaSpec {
        name: s(v, "Name"),
        description: s(v, "Description"),
        limits,
        spans: Default::default(),
    }
}

/// The limit's keys not simulated (`world::quota_limits`), in the
/// world format's order.
fn unsimulated(limit: &Value, rl: &Value) -> Vec<NotSimulated> {
    let mut out: Vec<NotSimulated> = crate::world::quota_limits::from_api(limit, rl)
        .into_iter()
        .map(|limit| NotSimulated {
            limit,
            at: Default::default(),
        })
        .collect();
    crate::world::quota_limits::canonical_order(&mut out);
    out
}

pub fn namespace_from_api(v: &Value) -> Namespace {
    let caps = v.get("Capabilities").unwrap_or(&Value::Null);
    Namespace {
        name: s(v, "Name"),
        description: s(v, "Description"),
        quota: Some(s(v, "Quota")).filter(|q| !q.is_empty()),
        meta: smap(v, "Meta"),
        enabled_task_drivers: strs(caps, "EnabledTaskDrivers"),
        disabled_task_drivers: strs(caps, "DisabledTaskDrivers"),
        // 1.8.4+ (api/namespace.go NamespaceCapabilities); absent before.
        enabled_network_modes: strs(caps, "EnabledNetworkModes"),
        disabled_network_modes: strs(caps, "DisabledNetworkModes"),
        // Enterprise 1.7+ (api/namespace.go); null before and on community.
        clusters: crate::world::namespace_clusters::NamespaceClusters::from_api(v),
        // `NodePoolConfiguration` (Enterprise 1.6+) makes every job of an
        // import a guess (`import::node-pool-config`, ent_config.rs).
        node_pools: None,
        spans: Default::default(),
    }
}

pub fn scheduler_from_api(v: &Value) -> SchedulerConfig {
    let cfg = v.get("SchedulerConfig").unwrap_or(v);
    let p = cfg.get("PreemptionConfig").unwrap_or(&Value::Null);
    let flag = |k: &str, default: bool| p.typed_bool(k).unwrap_or(default);
    let defaults = PreemptionConfig::default();
    SchedulerConfig {
        algorithm: match s(cfg, "SchedulerAlgorithm").as_str() {
            "spread" => Algorithm::Spread,
            _ => Algorithm::Binpack,
        },
        preemption: PreemptionConfig {
            system: flag("SystemSchedulerEnabled", defaults.system),
            sysbatch: flag("SysBatchSchedulerEnabled", defaults.sysbatch),
            batch: flag("BatchSchedulerEnabled", defaults.batch),
            service: flag("ServiceSchedulerEnabled", defaults.service),
        },
        memory_oversubscription: b(cfg, "MemoryOversubscriptionEnabled"),
        // 1.2.4+; absent (false) before.
        reject_job_registration: b(cfg, "RejectJobRegistration"),
        spans: Default::default(),
    }
}

/// A namespace whose quota the saved quota list does not hold. Nomad
/// cannot hold one (nomad/state/state_store.go upsertNamespaceImpl,
/// v1.7.2 and v2.0.5: "namespace %q using non-existent quota %q"), so
/// the two files were saved at different times or edited; read, the
/// namespace's jobs were judged without their quota, a false all-clear
/// (a written world refuses the same with `world::unknown-quota`).
pub(super) fn unknown_quotas(
    src: &crate::source::Source,
    world: &World,
    diags: &mut crate::diag::Diags,
) {
    for ns in world.namespaces.values() {
        let Some(q) = ns.quota.as_ref().filter(|q| !world.quotas.contains_key(*q)) else {
            continue;
        };
        diags.push(
            crate::diag::Diag::error(
                "import::unknown-quota",
                format!(
                    "cannot tell namespace {}'s quota: it uses quota {}, which quotas.json does not hold, and Nomad refuses a namespace using a quota that does not exist",
                    crate::escape::one_line(&crate::gotext::go_quote(&ns.name)),
                    crate::escape::one_line(&crate::gotext::go_quote(q))
                ),
            )
            .in_source(src)
            .help("namespaces.json and quotas.json were saved at different times: save both again (`nomad-preflight import --print-commands DIR`)")
            .as_cannot_tell(),
        );
    }
}
