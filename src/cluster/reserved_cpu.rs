//! The reserved cpu Nomad 1.7.0-1.8.1 subtracts twice (#23386).
//!
//! From 1.7 a client builds a processor topology (client/lib/numalib) and
//! its `reserved { cpu }` becomes the topology's `OverrideWitholdCompute`
//! (client/fingerprint/cpu.go `initialize`, numalib/detect.go
//! `ConfigScanner.ScanSystem`, v1.7.0). `Topology.UsableCompute()` is the
//! enabled cores' MHz less that figure, unless the agent sets
//! `cpu_total_compute`, when it is the override whole
//! (numalib/topology.go:199-217@v1.7.0); the client reports it as the
//! `cpu.usablecompute` attribute. The node's `NodeResources.Cpu.CpuShares`
//! (what the API shows and an import reads as `cpu`) is the total
//! (`Compatibility`, nomad/structs/cpucompat_linux.go@v1.7.0).
//!
//! From 1.7.0 `NodeResources.Comparable()` gave the usable compute as the
//! node's cpu (nomad/structs/structs.go:3185@v1.7.0, the same line at every
//! tag to v1.8.1), and `AllocsFit` then subtracts `ReservedResources` again
//! (nomad/structs/funcs.go:174-175), as do `computeFreePercentage` (the
//! bin-packing score) and the preemptor (scheduler/preemption.go:139-142).
//! 8f80bd505f (#23386, "a bug where we subtract reserved node resources
//! twice") made it `TotalCompute()`: first in v1.8.2 and Enterprise 1.7.10
//! (CHANGELOG.md at ent-changelog-1.7.10: the community 1.7 line ended at
//! 1.7.7; Enterprise 1.7.8 and 1.7.9 still subtract twice). Before 1.7 the
//! node's cpu was `Cpu.CpuShares`, the total (structs.go@v1.6.10), so the
//! 1.6.13 Enterprise changelog's line for #23386 changes nothing a plan
//! sees.
//!
//! So at those releases a client fits `usable - reserved` MHz where
//! `nomad node status` shows `total - reserved`: [`cpu_withheld`] is the
//! difference, `total - usable`.

use crate::version::NomadVersion;
use crate::world::ClientPool;

/// Does this release take a client's reserved cpu off twice? From 1.7.0
/// until #23386 (community 1.8.2, Enterprise 1.7.10: the backports table;
/// its Enterprise 1.6.13 row changes nothing here, 1.6 used the total).
pub fn reserved_cpu_twice(v: NomadVersion) -> bool {
    v.at_least(1, 7, 0) && !v.has(crate::version::Fix::ReservedCpuOnce)
}

/// MHz of a pool's client cpu that the release's fit withholds on top of
/// the reserved cpu: the total less the client's usable compute at
/// 1.7.0-1.8.1 (Enterprise 1.7.8-1.7.9), else 0.
///
/// The usable compute is what the client reported (`cpu.usablecompute`,
/// stated in the world or imported), which counts a `cpu_total_compute`
/// override (nothing withheld) and cores the client disables. Without it:
/// an imported node is a client from before 1.7, whose topology the
/// servers build from its legacy resources with the total as the override
/// (`topologyFromLegacy`, cpucompat_linux.go@v1.7.0), so nothing is
/// withheld; a written pool is a client of the world's release that
/// fingerprints its cpu, whose usable compute is the total less its
/// reserved cpu.
pub fn cpu_withheld(pool: &ClientPool, v: NomadVersion) -> i64 {
    if !reserved_cpu_twice(v) {
        return 0;
    }
    let reported = pool
        .attributes
        .get("cpu.usablecompute")
        .and_then(|u| u.trim().parse::<i64>().ok());
    let usable = match reported {
        Some(u) => u,
        None if pool.reported() => pool.cpu,
        None => pool.cpu - pool.reserved.cpu,
    };
    (pool.cpu - usable).clamp(0, pool.cpu.max(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::{NodeIdentity, Reserved};

    fn pool(cpu: i64, reserved: i64) -> ClientPool {
        ClientPool {
            cpu,
            reserved: Reserved {
                cpu: reserved,
                ..Reserved::default()
            },
            ..ClientPool::default()
        }
    }

    #[test]
    fn only_1_7_0_to_1_8_1_and_enterprise_1_7_9_withhold() {
        let p = pool(4000, 500);
        for (v, want) in [
            ("1.6.10", 0),
            ("1.7.0", 500),
            ("1.7.7", 500),
            ("1.7.9", 500),
            ("1.7.10", 0),
            ("1.7.19", 0),
            ("1.8.0", 500),
            ("1.8.1", 500),
            ("1.8.2", 0),
            ("1.9.0", 0),
            ("2.0.5", 0),
        ] {
            let v: NomadVersion = v.parse().unwrap();
            assert_eq!(cpu_withheld(&p, v), want, "{v}");
        }
    }

    #[test]
    fn the_reported_usable_compute_decides() {
        let v = NomadVersion::new(1, 8, 1);
        // `cpu_total_compute` set: the client's usable compute is the total.
        let mut p = pool(4000, 500);
        p.attributes
            .insert("cpu.usablecompute".into(), "4000".into());
        assert_eq!(cpu_withheld(&p, v), 0);
        // Two disabled 1000 MHz cores and 500 MHz reserved.
        p.attributes
            .insert("cpu.usablecompute".into(), "1500".into());
        assert_eq!(cpu_withheld(&p, v), 2500);
        // An imported client from before 1.7 reports none: nothing.
        let mut old = pool(4000, 500);
        old.members.push(NodeIdentity {
            id: "0a1b".into(),
            ..NodeIdentity::default()
        });
        assert_eq!(cpu_withheld(&old, v), 0);
        // Nonsense never makes a node bigger or negative.
        p.attributes
            .insert("cpu.usablecompute".into(), "9000".into());
        assert_eq!(cpu_withheld(&p, v), 0);
    }
}
