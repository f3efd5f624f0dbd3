//! The values a real client reports that a hand-written pool does not
//! state, per release (redteam25 R25-1..3): `build` sets the ones every
//! client reports without a value, and `scheduler::client_values` says
//! "cannot tell" where a placement depends on one.

use crate::version::NomadVersion;

/// How a value the world does not state reaches a hand-written client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `cluster::build` invents it.
    Invented,
    /// No hand-written client has it; every real one does (or may).
    Absent,
}

/// One value a real client reports that a hand-written pool does not state.
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
/// `cpu.totalcompute` and `memory.totalbytes` are the pool's stated
/// `cpu` and `memory`, so they are not here.
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
    out
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
