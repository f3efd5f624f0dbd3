//! The values a real client reports that a hand-written pool does not
//! state, per release (redteam25 R25-1..3): `build` sets the ones every
//! client reports without a value, and `scheduler::client_values` says
//! "cannot tell" where a placement depends on one.

use crate::version::NomadVersion;
use crate::world::ClientPool;

/// How a value the world does not state reaches a hand-written client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `cluster::build` invents it.
    Invented,
    /// No hand-written client has it; every real one does (or may).
    Absent,
    /// A task driver plugin's own attribute, which a client running the
    /// plugin may report as its configuration and host say
    /// ([`super::reported_drivers::plugins`]).
    Plugin,
}

/// One value a real client reports that a hand-written pool does not state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reported {
    /// The target's key: an attribute name, or `node.unique.name` /
    /// `node.unique.id`.
    pub key: &'static str,
    pub kind: Kind,
    /// Reported by every Linux client of the release (else only when the
    /// host lets the fingerprint find it).
    pub always: bool,
    /// Each client has its own value (so none is shared).
    pub own: bool,
}

/// The values a Linux client of release `v` reports, with the source of
/// each (client/fingerprint/*.go at 0.9.3 and 1.10.5 unless said):
/// host.go v0.9.3:30-35, v1.10.5:42-49 (`os.version`, `kernel.version`,
/// `unique.hostname`; `kernel.arch` from 1.4.0); nomad.go v0.9.3:20-22,
/// v1.10.5:25-27 (advertise address, `nomad.version`, `nomad.revision`);
/// network.go v1.10.5:118-120 (`unique.network.ip-address`, when an
/// interface has an address); cpu.go v0.9.3:47-58 and v1.10.5:103-181
/// (`cpu.modelname`, `cpu.frequency` when detected; `cpu.numcores`, only
/// when detected before 1.6.0 and in both branches from 1.6.0, cpu.go
/// v1.6.0:103-108; `cpu.reservablecores` from 1.4.0; `cpu.usablecompute`,
/// `numa.node.count` from 1.7.0); cgroup.go v1.7.0+ (`os.cgroups.version`,
/// when cgroups are mounted); storage.go v0.9.3:44-46, v1.10.5:58-60
/// (`unique.storage.*`; `bytesfree` gone at 2.0.0, storage.go v2.0.0:51-52).
/// `cpu.totalcompute` and `memory.totalbytes` follow the pool's stated
/// `cpu` and `memory` ([`super::reported_host::derived`]); the host's
/// other values (clouds, Landlock, hybrid CPUs...) are
/// [`super::reported_host`]'s. With them what the Consul
/// and Vault fingerprints report besides the stand-in's values
/// ([`consul_vault`]). A driver's own attributes depend on the pool's
/// drivers ([`on_pool`]).
pub fn reported(v: NomadVersion) -> Vec<Reported> {
    use Kind::{Absent, Invented};
    let r = |key, kind, always, own| Reported {
        key,
        kind,
        always,
        own,
    };
    let mut out = vec![
        r("node.unique.name", Invented, true, true),
        r("node.unique.id", Invented, true, true),
        r("unique.hostname", Invented, true, true),
        r("unique.network.ip-address", Invented, false, true),
        r("nomad.version", Invented, true, false),
        r(
            crate::structs::node_class::advertise_address_key(v),
            Invented,
            true,
            true,
        ),
        r("nomad.revision", Absent, true, false),
        r("os.version", Absent, true, false),
        r("kernel.version", Absent, true, false),
        r("cpu.modelname", Absent, false, false),
        r("cpu.frequency", Absent, false, false),
        r("cpu.numcores", Absent, v.at_least(1, 6, 0), false),
        r("unique.storage.volume", Absent, true, false),
        r("unique.storage.bytestotal", Absent, true, false),
    ];
    if !v.at_least(2, 0, 0) {
        out.push(r("unique.storage.bytesfree", Absent, true, false));
    }
    if v.at_least(1, 4, 0) {
        out.push(r("kernel.arch", Absent, true, false));
        out.push(r("cpu.reservablecores", Absent, true, false));
    }
    if v.at_least(1, 7, 0) {
        out.push(r("cpu.usablecompute", Absent, true, false));
        out.push(r("numa.node.count", Absent, true, false));
        out.push(r("os.cgroups.version", Absent, false, false));
    }
    out.extend(consul_vault(v));
    out
}

/// What a client reaching Consul and Vault reports besides the values
/// `cluster::build` stands in (`consul.version`, `consul.grpc`,
/// `consul.connect`, `vault.version`, `vault.accessible`): the stand-in
/// assumes both are reachable (the demo's jobs use them), so these exist
/// on every such client with values the world does not give (redteam26
/// R26-2). Consul: client/fingerprint/consul.go v0.9.0:59-82 (`server`,
/// `revision`, `unique.consul.name`, `datacenter`, every release);
/// v1.10.5:193-205, each added only when not empty (:150-153):
/// `ft.namespaces` from 1.1.1 (always, :420-422), `dns.port` from 1.7.6
/// (always, -1 when off), the DNS address from 1.7.6 (`consul.dns.addr`,
/// renamed `unique.consul.dns.addr` at 1.9.7; empty, so absent, when the
/// agent's DNS listens on loopback, its default). The stand-in's Consul
/// is a community one (`consul.version` 1.20.1, so `consul.sku` "oss",
/// which `cluster::build` states): `segment` (1.0.0+) and `partition`
/// (1.7.3+, :424-433) are Enterprise's, absent there as on the stand-in.
/// Vault: client/fingerprint/vault.go v0.9.0, v1.10.5:134-137
/// (`cluster_id`, `cluster_name`).
fn consul_vault(v: NomadVersion) -> Vec<Reported> {
    let r = |key, always, own| Reported {
        key,
        kind: Kind::Absent,
        always,
        own,
    };
    let mut out = vec![
        r("consul.server", true, false),
        r("consul.revision", true, false),
        // The Consul agent's node name: each client its own.
        r("unique.consul.name", true, true),
        r("consul.datacenter", true, false),
        r("vault.cluster_id", true, false),
        r("vault.cluster_name", true, false),
    ];
    if v.at_least(1, 1, 1) {
        out.push(r("consul.ft.namespaces", true, false));
    }
    if v.at_least(1, 7, 6) {
        out.push(r("consul.dns.port", true, false));
        let addr = if v.at_least(1, 9, 7) {
            "unique.consul.dns.addr"
        } else {
            "consul.dns.addr"
        };
        // Not `own`: a client may lack it, which no spread answers.
        out.push(r(addr, false, false));
    }
    out
}

/// The drivers a client of `pool` fingerprints (as `cluster::build`
/// gives them): the pool's list, or the stock ones when it has none.
pub fn drivers_of(pool: &ClientPool) -> Vec<String> {
    if pool.drivers.is_empty() && !pool.reported() {
        super::build::DEFAULT_DRIVERS
            .iter()
            .map(|d| d.to_string())
            .collect()
    } else {
        pool.drivers.clone()
    }
}

/// The attributes a client of hand-written `pool` reports: the release's
/// and its drivers' ([`super::reported_drivers`]).
pub fn on_pool(v: NomadVersion, pool: &ClientPool) -> Vec<Reported> {
    let mut out = reported(v);
    out.extend(super::reported_host::reported(v, pool));
    for d in drivers_of(pool) {
        out.extend(super::reported_drivers::reported(v, &d));
    }
    out
}

/// The entry for `key` on a client of `pool`: a node meta key when
/// `meta` ([`super::reported_meta`]), else an attribute (or
/// `node.unique.*`).
pub fn lookup(v: NomadVersion, pool: &ClientPool, key: &str, meta: bool) -> Option<Reported> {
    let list = if meta {
        super::reported_meta::reported(v)
    } else {
        on_pool(v, pool)
    };
    list.into_iter()
        .find(|r| r.key == key)
        .or_else(|| {
            let plugins = super::reported_drivers::plugins(v, pool);
            (!meta && super::reported_drivers::plugin_may_report(v, &plugins, key)).then_some(
                Reported {
                    key: "driver.*",
                    kind: Kind::Plugin,
                    always: false,
                    own: false,
                },
            )
        })
        .or_else(|| (!meta).then(|| super::reported_host::family(v, key))?)
}

/// The attributes a client of hand-written `pool` gets as "set" without
/// a value ([`always_set_absent`] and its drivers' own).
pub fn set_absent_on(v: NomadVersion, pool: &ClientPool) -> Vec<&'static str> {
    on_pool(v, pool)
        .into_iter()
        .filter(|r| r.kind == Kind::Absent && r.always)
        .map(|r| r.key)
        .collect()
}

/// The attributes a hand-written client gets as "set" without a value
/// (`cluster::build`): every release's client reports them, so
/// `is_set` holds and `is_not_set` does not, as on the cluster. Any read
/// of their value is "cannot tell" (`scheduler::client_values`).
pub fn always_set_absent(v: NomadVersion) -> Vec<&'static str> {
    reported(v)
        .into_iter()
        .filter(|r| r.kind == Kind::Absent && r.always)
        .map(|r| r.key)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pools_drivers_and_the_stand_in_add_their_values() {
        let v = NomadVersion::new(1, 10, 5);
        let docker = ClientPool {
            drivers: vec!["docker".into()],
            ..ClientPool::default()
        };
        let exec = ClientPool {
            drivers: vec!["exec".into()],
            ..ClientPool::default()
        };
        assert!(lookup(v, &docker, "driver.docker.version", false).is_some());
        assert!(lookup(v, &exec, "driver.docker.version", false).is_none());
        // The stock drivers (docker, exec, java) when the pool lists none.
        let stock = ClientPool::default();
        assert!(set_absent_on(v, &stock).contains(&"driver.java.vm"));
        assert!(set_absent_on(v, &exec).contains(&"consul.datacenter"));
        assert!(lookup(v, &exec, "consul.partition", false).is_none());
        assert!(!set_absent_on(v, &exec).contains(&"unique.consul.dns.addr"));
        let old = NomadVersion::new(1, 9, 6);
        assert!(lookup(old, &exec, "consul.dns.addr", false).is_some());
        assert!(lookup(v, &exec, "unique.consul.dns.addr", false).is_some());
        // Node meta is its own namespace.
        assert!(lookup(v, &exec, "connect.log_level", true).is_some());
        assert!(lookup(v, &exec, "connect.log_level", false).is_none());
        assert!(lookup(v, &exec, "os.version", true).is_none());
        // A plugin's own: untold on its pools, absent elsewhere.
        let podman = ClientPool {
            drivers: vec!["podman".into()],
            ..ClientPool::default()
        };
        let r = lookup(v, &podman, "driver.podman.rootless", false);
        assert_eq!(r.map(|r| (r.kind, r.always)), Some((Kind::Plugin, false)));
        assert!(lookup(v, &docker, "driver.podman.rootless", false).is_none());
    }
}
