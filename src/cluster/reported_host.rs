//! What a Linux client's host fingerprints beyond the values
//! [`super::reported::reported`] lists (redteam27 R27-5, R27-4): the
//! cloud it runs in, the kernel's Landlock ABI, the bridge's hairpin
//! mode, a hybrid CPU's two core kinds, NUMA nodes' cores, extra CNI and
//! host volume plugins, the named Consul and Vault clusters, and the
//! values Nomad derives from the host where the pool states only a
//! rounded figure (`memory.totalbytes`, `cpu.totalcompute` before 1.1.0).
//!
//! The survey of client/fingerprint/*.go at v1.10.5 (each `AddAttribute`)
//! against what the world states or [`super::reported`] already lists:
//!
//! | attribute | source (v1.10.5 unless said) | here |
//! |---|---|---|
//! | `platform.aws.*`, `unique.platform.aws.*` | env_aws.go:93-137,144-176 (every release) | [`family`], only on AWS |
//! | `platform.gce.*`, `unique.platform.gce.*` (tags, attrs, networks) | env_gce.go:154-265 (every release) | [`family`], only on GCE |
//! | `platform.azure.*`, `unique.platform.azure.*` (tags) | env_azure.go:138-200 (1.0.0+) | [`family`], only on Azure |
//! | `platform.digitalocean.*`, `unique.platform.digitalocean.*` | env_digitalocean.go:115-145 (1.3.0+) | [`family`], only on DigitalOcean |
//! | `kernel.landlock` | landlock.go:36-42 (1.5.0+), when the kernel has Landlock | [`reported`] |
//! | `nomad.bridge.hairpin_mode` | bridge_linux.go:44 (1.5.0+), with the bridge module: the agent's `bridge_network_hairpin_mode`, "false" unless set | [`reported`], [`stand_in`] |
//! | `cpu.numcores.efficiency`, `cpu.frequency.efficiency` and `.power` (1.5.4–1.6.x) / `.performance` (1.7.0+) | cpu.go:113-141 (v1.5.4 `power`, renamed at v1.7.0), hybrid CPUs only | [`reported`] |
//! | `numa.nodeN.cores` | cpu.go:176-188 (1.7.0+), when the host supports NUMA | [`family`] |
//! | `plugins.cni.version.NAME` | plugins_cni.go:66 (1.8.0+), each plugin in the CNI folder (the stand-in's five: `build::fingerprint_defaults`) | [`family`] |
//! | `plugins.host_volume.mkdir.version`, `plugins.host_volume.NAME.version` | dynamic_host_volumes.go:38,67 (1.10.0+): `mkdir` always ("0.0.1", client/hostvolumemanager/host_volume_plugin.go:73), others from the plugin folder | [`stand_in`], [`family`] |
//! | `consul.NAME.*`, `unique.consul.NAME.dns.addr`, `vault.NAME.*` | consul.go:207-220, vault.go:138-142 (1.7.0+), a named (non-default) cluster | [`family`] |
//! | `memory.totalbytes` | memory.go:30-55: the host's bytes, `memory` MiB rounded down | [`derived`] |
//! | `cpu.totalcompute` | cpu.go:171 (= the node's CPU, 1.1.0+); before 1.1.0 not reported when `cpu_total_compute` is set (cpu.go v1.0.0:42-45) | [`derived`] |
//! | `os.build` | host.go:36-37, Windows only | — (Linux clients) |
//!
//! The rest (host.go, nomad.go, network.go, cgroup.go, storage.go, the
//! other cpu.go values, consul.go, vault.go) are in [`super::reported`]
//! or stated by the world (arch.go, signal.go, the platform stand-ins).

use super::reported::{Kind, Reported};
use crate::version::NomadVersion;
use crate::world::ClientPool;

/// Host values with a fixed name a client of release `v` in `pool` may
/// report. None is reported by every host but the hairpin mode, which
/// every client with the bridge module reports, with the agent's setting
/// (so its value is "cannot tell", `is_set` holds).
pub fn reported(v: NomadVersion, pool: &ClientPool) -> Vec<Reported> {
    let r = |key, kind, always| Reported {
        key,
        kind,
        always,
        own: false,
    };
    let mut out = Vec::new();
    if v.at_least(1, 5, 0) {
        out.push(r("kernel.landlock", Kind::Absent, false));
        if bridge(v, pool) {
            out.push(r("nomad.bridge.hairpin_mode", Kind::Invented, true));
        }
    }
    if v.at_least(1, 5, 4) {
        let big = if v.at_least(1, 7, 0) {
            "performance"
        } else {
            "power"
        };
        for key in [
            "cpu.numcores.efficiency",
            "cpu.frequency.efficiency",
            if big == "power" {
                "cpu.numcores.power"
            } else {
                "cpu.numcores.performance"
            },
            if big == "power" {
                "cpu.frequency.power"
            } else {
                "cpu.frequency.performance"
            },
        ] {
            out.push(r(key, Kind::Absent, false));
        }
    }
    out
}

/// Does a client of `pool` fingerprint the bridge (its network modes,
/// the stock ones from 0.12)?
fn bridge(v: NomadVersion, pool: &ClientPool) -> bool {
    pool.networks.modes(v).iter().any(|m| m == "bridge")
}

/// The values the stand-in client reports as a default-configured agent
/// does: the hairpin mode's default "false" (client/config/config.go
/// `BridgeNetworkHairpinMode`, unset) and the built-in `mkdir` host
/// volume plugin's version. The first stays "cannot tell" when read
/// ([`reported`]): the agent may set it.
pub fn stand_in(v: NomadVersion, pool: &ClientPool) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    if v.at_least(1, 5, 0) && bridge(v, pool) {
        out.push(("nomad.bridge.hairpin_mode", "false"));
    }
    if v.at_least(1, 10, 0) {
        out.push(("plugins.host_volume.mkdir.version", "0.0.1"));
    }
    out
}

/// Families of names a client may report, each only where its host (its
/// cloud, NUMA, plugin folders, named clusters) has it: the entry for
/// `key` if it belongs to one at release `v`. The cloud families take
/// every name under the provider's prefix: the GCE and Azure tags and
/// GCE's custom attributes and networks make them open, and a name the
/// release never reports is told "cannot tell", the safe side.
pub fn family(v: NomadVersion, key: &str) -> Option<Reported> {
    let r = |key| Reported {
        key,
        kind: Kind::Absent,
        always: false,
        own: false,
    };
    let bare = key.strip_prefix("unique.").unwrap_or(key);
    for (prefix, since) in [
        ("platform.aws.", (0, 0, 0)),
        ("platform.gce.", (0, 0, 0)),
        ("platform.azure.", (1, 0, 0)),
        ("platform.digitalocean.", (1, 3, 0)),
    ] {
        if bare.starts_with(prefix) && v.at_least(since.0, since.1, since.2) {
            return Some(r(prefix));
        }
    }
    if v.at_least(1, 7, 0) {
        let numa = key
            .strip_prefix("numa.node")
            .and_then(|k| k.strip_suffix(".cores"))
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        if numa {
            return Some(r("numa.nodeN.cores"));
        }
        if named_cluster(bare, "consul.", &CONSUL_NAMED) {
            return Some(r("consul.NAME."));
        }
        if named_cluster(key, "vault.", &VAULT_NAMED) {
            return Some(r("vault.NAME."));
        }
    }
    if v.at_least(1, 8, 0) {
        if let Some(name) = key.strip_prefix("plugins.cni.version.") {
            if !name.is_empty() && !STAND_IN_CNI.contains(&name) {
                return Some(r("plugins.cni.version."));
            }
        }
    }
    if v.at_least(1, 10, 0) {
        let plugin = key
            .strip_prefix("plugins.host_volume.")
            .and_then(|k| k.strip_suffix(".version"));
        if plugin.is_some_and(|p| !p.is_empty() && p != "mkdir") {
            return Some(r("plugins.host_volume."));
        }
    }
    None
}

/// The CNI plugins the stand-in reports (`build::fingerprint_defaults`).
const STAND_IN_CNI: [&str; 5] = ["bridge", "firewall", "host-local", "loopback", "portmap"];

/// What a named Consul cluster's fingerprint reports, after
/// `consul.NAME.` (consul.go v1.10.5:207-220; its DNS address is
/// `unique.consul.NAME.dns.addr`).
const CONSUL_NAMED: [&str; 12] = [
    "server",
    "version",
    "sku",
    "revision",
    "datacenter",
    "segment",
    "connect",
    "grpc",
    "ft.namespaces",
    "partition",
    "dns.port",
    "dns.addr",
];

/// What a named Vault cluster's fingerprint reports, after `vault.NAME.`
/// (vault.go v1.10.5:138-142).
const VAULT_NAMED: [&str; 4] = ["accessible", "version", "cluster_id", "cluster_name"];

/// Is `key` `PREFIX NAME . SUFFIX` for a cluster name (no dot) and one of
/// `suffixes`?
fn named_cluster(key: &str, prefix: &str, suffixes: &[&str]) -> bool {
    let Some(rest) = key.strip_prefix(prefix) else {
        return false;
    };
    let Some((name, suffix)) = rest.split_once('.') else {
        return false;
    };
    !name.is_empty() && suffixes.contains(&suffix)
}

/// Where a value Nomad derives from the host lies, given what the pool
/// states: every integer in `lo..=hi`, and none at all when `or_absent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub lo: i64,
    pub hi: i64,
    pub or_absent: bool,
}

/// The window of `key` on a client of hand-written `pool` that does not
/// state it (the build gives `lo`), when it is wider than one value:
/// - `memory.totalbytes`: the host's bytes, whose MiB (rounded down) is
///   the node's memory (memory.go v0.9.3:44-53, v1.10.5:47-53), so
///   `memory` × 2^20 up to one byte short of the next MiB; exactly
///   `memory` × 2^20 when the agent sets `memory_total_mb`, which is in it;
/// - `cpu.totalcompute` before 1.1.0: the node's CPU when detected, but
///   not reported at all when the agent sets `cpu_total_compute`
///   (cpu.go v1.0.0:42-45 returns before it; from v1.1.0 both are set
///   to the same figure, cpu.go v1.6.0:134-146, v1.10.5:164-172 with
///   nomad/structs/cpucompat_linux.go:37).
pub fn derived(v: NomadVersion, pool: &ClientPool, key: &str) -> Option<Window> {
    match key {
        "memory.totalbytes" => {
            let lo = pool.memory.max(0).saturating_mul(1 << 20);
            Some(Window {
                lo,
                hi: lo.saturating_add((1 << 20) - 1),
                or_absent: false,
            })
        }
        "cpu.totalcompute" if !v.at_least(1, 1, 0) => Some(Window {
            lo: pool.cpu,
            hi: pool.cpu,
            or_absent: true,
        }),
        _ => None,
    }
}

/// Why a derived value is not known, for the one line.
pub fn derived_why(key: &str) -> &'static str {
    match key {
        "memory.totalbytes" => "a real client reports its host's bytes, anywhere within the MiB the pool's `memory` rounds them down to",
        _ => "a client of this release whose agent sets `cpu_total_compute` does not report it",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(a: u32, b: u32, c: u32) -> NomadVersion {
        NomadVersion::new(a, b, c)
    }

    fn keys(ver: NomadVersion, pool: &ClientPool) -> Vec<(&'static str, bool)> {
        reported(ver, pool)
            .into_iter()
            .map(|r| (r.key, r.always))
            .collect()
    }

    #[test]
    fn fixed_names_per_release() {
        let stock = ClientPool::default();
        assert!(keys(v(1, 4, 14), &stock).is_empty());
        let at = keys(v(1, 5, 0), &stock);
        assert!(at.contains(&("kernel.landlock", false)));
        assert!(at.contains(&("nomad.bridge.hairpin_mode", true)));
        assert!(!at.iter().any(|(k, _)| k.starts_with("cpu.")));
        assert!(keys(v(1, 5, 4), &stock).contains(&("cpu.numcores.power", false)));
        assert!(keys(v(1, 6, 5), &stock).contains(&("cpu.frequency.power", false)));
        let new = keys(v(1, 10, 5), &stock);
        assert!(new.contains(&("cpu.numcores.performance", false)));
        assert!(new.contains(&("cpu.numcores.efficiency", false)));
        assert!(!new.iter().any(|(k, _)| k.ends_with(".power")));
        // No bridge module, no hairpin mode.
        let host_only = ClientPool {
            networks: crate::world::PoolNetworks {
                modes: Some(vec!["host".into()]),
                ..Default::default()
            },
            ..ClientPool::default()
        };
        assert!(!keys(v(1, 10, 5), &host_only)
            .iter()
            .any(|(k, _)| *k == "nomad.bridge.hairpin_mode"));
        assert!(stand_in(v(1, 10, 5), &host_only)
            .iter()
            .all(|(k, _)| *k != "nomad.bridge.hairpin_mode"));
        assert!(stand_in(v(1, 10, 5), &stock).contains(&("nomad.bridge.hairpin_mode", "false")));
        assert!(stand_in(v(1, 4, 14), &stock).is_empty());
    }

    #[test]
    fn families_per_release() {
        let f = |ver, key| family(ver, key).map(|r| r.key);
        let new = v(1, 10, 5);
        assert_eq!(
            f(new, "platform.aws.placement.availability-zone"),
            Some("platform.aws.")
        );
        assert_eq!(
            f(new, "unique.platform.aws.instance-id"),
            Some("platform.aws.")
        );
        assert_eq!(f(new, "platform.gce.tag.web"), Some("platform.gce."));
        assert_eq!(f(v(0, 12, 12), "platform.azure.zone"), None);
        assert_eq!(
            f(v(1, 0, 0), "platform.azure.zone"),
            Some("platform.azure.")
        );
        assert_eq!(f(v(1, 2, 16), "platform.digitalocean.region"), None);
        assert_eq!(f(new, "numa.node1.cores"), Some("numa.nodeN.cores"));
        assert_eq!(f(v(1, 6, 0), "numa.node1.cores"), None);
        assert_eq!(f(new, "numa.nodeX.cores"), None);
        assert_eq!(
            f(new, "plugins.cni.version.macvlan"),
            Some("plugins.cni.version.")
        );
        assert_eq!(f(new, "plugins.cni.version.bridge"), None);
        assert_eq!(f(new, "plugins.host_volume.mkdir.version"), None);
        assert_eq!(
            f(new, "plugins.host_volume.lvm.version"),
            Some("plugins.host_volume.")
        );
        assert_eq!(f(v(1, 9, 0), "plugins.host_volume.lvm.version"), None);
        assert_eq!(f(new, "consul.east.version"), Some("consul.NAME."));
        assert_eq!(f(new, "unique.consul.east.dns.addr"), Some("consul.NAME."));
        assert_eq!(f(new, "vault.east.cluster_id"), Some("vault.NAME."));
        assert_eq!(f(v(1, 6, 0), "vault.east.cluster_id"), None);
        assert_eq!(f(new, "kernel.version"), None);
    }

    #[test]
    fn derived_windows() {
        let pool = ClientPool {
            memory: 8192,
            cpu: 4000,
            ..ClientPool::default()
        };
        let w = derived(v(1, 10, 5), &pool, "memory.totalbytes").map(|w| (w.lo, w.hi));
        assert_eq!(w, Some((8_589_934_592, 8_590_983_167)));
        assert_eq!(derived(v(1, 10, 5), &pool, "cpu.totalcompute"), None);
        let old = derived(v(1, 0, 18), &pool, "cpu.totalcompute");
        assert_eq!(
            old.map(|w| (w.lo, w.hi, w.or_absent)),
            Some((4000, 4000, true))
        );
    }
}
