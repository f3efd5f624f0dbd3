//! The tables ([`super::typed`]) of quotas.json, namespaces.json and
//! scheduler.json.

use super::typed::Ty::{Bool, Int, List, Map, Str, Struct};
use super::typed::{f, n, Field, Schema};

/// A `QuotaLimit.RegionLimit` (api/quota.go v2.0.5 `*QuotaResources`, its
/// figures `*int`, `Devices []*RequestedDevice` with `Count *uint64`,
/// api/resources.go; v1.7.2 `*Resources`, the same figures `*int`, and
/// `DiskMB`, `IOPS`). The limits the simulation does not count are typed
/// too: quota_limits.rs reads a Go zero value as unset, so `"SecretsMB":
/// false` or `"NodePools": {}` read untyped would be no limit at all.
const REGION_LIMIT: &[Field] = &[
    n("CPU", Int),
    n("Cores", Int),
    n("MemoryMB", Int),
    n("MemoryMaxMB", Int),
    n("DiskMB", Int),
    n("IOPS", Int),
    n("Networks", List(&Struct(&[]))),
    n("Devices", List(&Struct(&[f("Name", Str), n("Count", Int)]))),
    n("NUMA", NUMA),
    n("SecretsMB", Int),
    n("Storage", STORAGE),
    // `[]*NodePoolLimit` (api/quota.go v2.0.5): the pool's name and the
    // same figures as `QuotaResources` but `NodePools`.
    n(
        "NodePools",
        List(&Struct(&[
            f("NodePool", Str),
            n("CPU", Int),
            n("Cores", Int),
            n("MemoryMB", Int),
            n("MemoryMaxMB", Int),
            n("Devices", List(&Struct(&[f("Name", Str), n("Count", Int)]))),
            n("NUMA", NUMA),
            n("SecretsMB", Int),
            n("Storage", STORAGE),
        ])),
    ),
];

/// `*NUMAResource` (api/resources.go v2.0.5: `Affinity string`, `Devices
/// []string`).
const NUMA: super::typed::Ty = Struct(&[f("Affinity", Str), n("Devices", STRINGS)]);

/// `*QuotaStorageResources` (api/quota.go v2.0.5: `VariablesMB`,
/// `HostVolumesMB int`).
const STORAGE: super::typed::Ty = Struct(&[f("VariablesMB", Int), f("HostVolumesMB", Int)]);

/// An item of `/v1/quotas` (api/quota.go v2.0.5 QuotaSpec, QuotaLimit).
pub(super) const QUOTA: Schema = Schema {
    file: "quotas.json",
    unknown: "what the quotas limit",
    endpoint: "/v1/quotas",
    ty: Struct(&[n(
        "Limits",
        List(&Struct(&[
            f("Region", Str),
            n("RegionLimit", Struct(REGION_LIMIT)),
            // `*int`, deprecated for `RegionLimit.Storage.VariablesMB`.
            n("VariablesLimit", Int),
        ])),
    )]),
};

/// `[]string`, nil when unset.
const STRINGS: super::typed::Ty = List(&Str);

/// An item of `/v1/namespaces` (api/namespace.go v2.0.5 Namespace:
/// `Quota string`, `Capabilities *NamespaceCapabilities` whose four
/// lists are `[]string`, `Meta map[string]string`,
/// `NodePoolConfiguration *NamespaceNodePoolConfiguration` with `Default
/// string`, `Allowed`/`Denied []string`, and the same shape for
/// `VaultConfiguration`, `ConsulConfiguration`).
pub(super) const NAMESPACE: Schema = Schema {
    file: "namespaces.json",
    unknown: "which drivers and network modes the namespaces allow, nor their quotas",
    endpoint: "/v1/namespaces",
    ty: Struct(&[
        f("Quota", Str),
        n("Meta", Map(&Str)),
        n(
            "Capabilities",
            Struct(&[
                n("EnabledTaskDrivers", STRINGS),
                n("DisabledTaskDrivers", STRINGS),
                n("EnabledNetworkModes", STRINGS),
                n("DisabledNetworkModes", STRINGS),
            ]),
        ),
        n("NodePoolConfiguration", Struct(CLUSTERS)),
        n("VaultConfiguration", Struct(CLUSTERS)),
        n("ConsulConfiguration", Struct(CLUSTERS)),
    ]),
};

/// A namespace's default and allowed/denied lists (of node pools, Vault
/// or Consul clusters).
const CLUSTERS: &[Field] = &[
    f("Default", Str),
    n("Allowed", STRINGS),
    n("Denied", STRINGS),
];

/// A `SchedulerConfig` (api/operator.go v2.0.5 SchedulerConfiguration:
/// `PreemptionConfig PreemptionConfig` by value, its four flags and
/// `MemoryOversubscriptionEnabled`, `RejectJobRegistration` plain bools).
pub(super) const SCHEDULER: Schema = Schema {
    file: "scheduler.json",
    unknown: "the scheduler configuration (algorithm, preemption)",
    endpoint: "/v1/operator/scheduler/configuration",
    ty: Struct(&[
        f("SchedulerAlgorithm", Str),
        f(
            "PreemptionConfig",
            Struct(&[
                f("SystemSchedulerEnabled", Bool),
                f("SysBatchSchedulerEnabled", Bool),
                f("BatchSchedulerEnabled", Bool),
                f("ServiceSchedulerEnabled", Bool),
            ]),
        ),
        f("MemoryOversubscriptionEnabled", Bool),
        f("RejectJobRegistration", Bool),
    ]),
};
