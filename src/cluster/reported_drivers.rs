//! The attributes a Linux client's built-in task drivers report beyond
//! `driver.NAME` (redteam26 R26-1): a healthy driver's fingerprint sets
//! them and the client copies every one into the node's attributes
//! (client/node_updater.go v1.10.5:266-300). A hand-written pool lists
//! its drivers but not these values, so a placement that reads one
//! cannot be told (`scheduler::client_values`), and one every healthy
//! driver reports is set without a value (`is_set` holds, as on the
//! cluster).

use super::reported::{Kind, Reported};
use crate::version::NomadVersion;

/// What driver `driver` reports on a client of release `v`, with the
/// source of each (drivers/*/ at v0.9.0 and v1.10.5 unless said).
/// `exec` and `raw_exec` report only `driver.NAME` (raw_exec's
/// `no_cgroups` only when configured, 0.9.0 to 1.7.7); a driver this
/// list does not know (a third-party plugin) adds nothing here.
pub fn reported(v: NomadVersion, driver: &str) -> Vec<Reported> {
    let r = |key, always| Reported {
        key,
        kind: Kind::Absent,
        always,
        own: false,
    };
    let mut out = Vec::new();
    match driver {
        // docker/fingerprint.go v1.10.5:131-185: the daemon's version
        // whenever it answers (a driver that cannot reach it is not
        // healthy, so not listed); `runtimes` and `os_type` only when
        // `docker info` also answers; `bridge_ip` when the bridge network
        // has a gateway; the others only as the plugin is configured
        // (`allow_privileged`, `volumes`, `pids_limit` from 1.2.4, not
        // root: `cpuset_management.disabled` from 1.8.4).
        "docker" => {
            out.push(r("driver.docker.version", true));
            for key in [
                "driver.docker.runtimes",
                "driver.docker.os_type",
                "driver.docker.bridge_ip",
                "driver.docker.privileged.enabled",
                "driver.docker.volumes.enabled",
            ] {
                out.push(r(key, false));
            }
            if v.at_least(1, 2, 4) {
                out.push(r("driver.docker.pids.limit", false));
            }
            if v.at_least(1, 8, 4) {
                out.push(r("driver.docker.cpuset_management.disabled", false));
            }
        }
        // java/driver.go v1.10.5:370-373: all three once a JVM is found.
        "java" => {
            for key in [
                "driver.java.version",
                "driver.java.runtime",
                "driver.java.vm",
            ] {
                out.push(r(key, true));
            }
        }
        // qemu/driver.go v1.10.5:265; the emulators found from 1.11.2
        // (v1.11.2:281; a client with none is not healthy).
        "qemu" => {
            out.push(r("driver.qemu.version", true));
            if v.at_least(1, 11, 2) {
                out.push(r("driver.qemu.emulators", true));
            }
        }
        "raw_exec" if !v.at_least(1, 8, 0) => {
            out.push(r("driver.raw_exec.no_cgroups", false));
        }
        // rkt/driver.go v0.10.0:343-346, built in until 0.11.0.
        "rkt" if !v.at_least(0, 11, 0) => {
            out.push(r("driver.rkt.version", true));
            out.push(r("driver.rkt.appc.version", true));
            out.push(r("driver.rkt.volumes.enabled", false));
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(v: (u32, u32, u32), d: &str) -> Vec<(&'static str, bool)> {
        reported(NomadVersion::new(v.0, v.1, v.2), d)
            .into_iter()
            .map(|r| (r.key, r.always))
            .collect()
    }

    #[test]
    fn each_driver_per_release() {
        let new = keys((1, 10, 5), "docker");
        assert!(new.contains(&("driver.docker.version", true)));
        assert!(new.contains(&("driver.docker.runtimes", false)));
        assert!(new.contains(&("driver.docker.cpuset_management.disabled", false)));
        let old = keys((1, 2, 3), "docker");
        assert!(!old.iter().any(|(k, _)| *k == "driver.docker.pids.limit"));
        assert!(keys((1, 2, 4), "docker").contains(&("driver.docker.pids.limit", false)));
        assert_eq!(keys((0, 9, 3), "java").len(), 3);
        assert_eq!(
            keys((1, 11, 1), "qemu"),
            vec![("driver.qemu.version", true)]
        );
        assert_eq!(keys((1, 11, 2), "qemu").len(), 2);
        assert!(keys((1, 10, 5), "exec").is_empty());
        assert!(keys((1, 8, 0), "raw_exec").is_empty());
        assert_eq!(keys((1, 7, 7), "raw_exec").len(), 1);
        assert_eq!(keys((0, 10, 5), "rkt").len(), 3);
        assert!(keys((0, 11, 0), "rkt").is_empty());
    }
}
