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

/// Whether release `v` builds driver `name` in, so that [`reported`]
/// lists every attribute it reports: docker, exec, raw_exec, java and
/// qemu in every release from 0.9.0 (helper/pluginutils/catalog/
/// register.go v0.9.0:15-19, v1.10.5:18-22; exec in register_cgo.go
/// from 1.11.0, the Linux builds), rkt on Linux until 0.11.0
/// (register_linux.go v0.9.0, gone at v0.11.0). Any other name is a
/// plugin installed beside the agent (podman, containerd-driver, exec2,
/// lxc...).
pub fn built_in(v: NomadVersion, name: &str) -> bool {
    matches!(name, "docker" | "exec" | "raw_exec" | "java" | "qemu")
        || (name == "rkt" && !v.at_least(0, 11, 0))
}

/// The task driver plugins (not [`built_in`]) a client of a hand-written
/// pool runs: the pool's `drivers` (or the stock ones) and any driver
/// its stated attributes enable (`"driver.podman" = "1"`, a true Go bool:
/// `DriverChecker.hasDrivers` reads it where `Drivers` does not list the
/// driver, scheduler/feasible.go v1.10.5:651-664).
///
/// A plugin's attributes are its own to name and depend on its
/// configuration and host, so none can be listed: podman reports
/// `driver.podman.version`, `.rootless`, `.cgroupVersion`, `.appArmor`...
/// under `driver.podman` for its default socket but
/// `driver.podman.SOCKET.` for each named one, `.ociRuntime` only when
/// the host says (nomad-driver-podman driver.go v0.6.5:341-425,
/// `buildFingerprint`); containerd-driver reports
/// `driver.containerd.containerd_version` (nomad-driver-containerd
/// containerd/driver.go v0.9.4:47, :408-409), not under its own name;
/// exec2 `driver.exec2.unveil.tasks` from its configuration
/// (nomad-driver-exec2 plugin/driver.go v0.1.2:175-176); lxc
/// `driver.lxc.version` (nomad-driver-lxc lxc/driver.go v0.3.0:256-264).
/// The client copies each into the node's attributes
/// (client/pluginmanager/drivermanager/instance.go v1.10.5:360-370,
/// client/node_updater.go:260-300).
pub fn plugins(v: NomadVersion, pool: &crate::world::ClientPool) -> Vec<String> {
    let stated = pool
        .attributes
        .iter()
        .chain(pool.members.iter().flat_map(|m| m.attributes.iter()))
        .filter_map(|(k, val)| {
            let name = k.strip_prefix("driver.")?;
            let on = crate::gostrconv::parse_bool(val) == Some(true);
            (on && !name.is_empty() && !name.contains('.')).then(|| name.to_string())
        });
    let mut out: Vec<String> = super::reported::drivers_of(pool)
        .into_iter()
        .chain(stated)
        .filter(|d| !built_in(v, d))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Whether attribute `key` may be a plugin's own on a client running
/// `plugins`: a key under `driver.` past a driver's flag (`driver.NAME`
/// is the client's, set for each detected driver, node_updater.go
/// v1.10.5:307-312) whose second part names no built-in driver, whose
/// own attributes [`reported`] lists.
pub fn plugin_may_report(v: NomadVersion, plugins: &[String], key: &str) -> bool {
    let Some((name, rest)) = key.strip_prefix("driver.").and_then(|k| k.split_once('.')) else {
        return false;
    };
    !plugins.is_empty() && !rest.is_empty() && !built_in(v, name)
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

    #[test]
    fn a_plugins_attributes_are_its_own() {
        let v = NomadVersion::new(1, 10, 5);
        let pool = |drivers: &[&str], attrs: &[(&str, &str)]| crate::world::ClientPool {
            drivers: drivers.iter().map(|d| d.to_string()).collect(),
            attributes: attrs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..crate::world::ClientPool::default()
        };
        assert!(plugins(v, &pool(&["docker", "exec"], &[])).is_empty());
        assert_eq!(plugins(v, &pool(&["docker", "podman"], &[])), ["podman"]);
        // Stated enabled, or not: Go's ParseBool.
        let on = pool(&["exec"], &[("driver.podman", "1"), ("driver.lxc", "F")]);
        assert_eq!(plugins(v, &on), ["podman"]);
        // rkt was built in until 0.11.0.
        assert!(plugins(NomadVersion::new(0, 10, 5), &pool(&["rkt"], &[])).is_empty());
        assert_eq!(plugins(v, &pool(&["rkt"], &[])), ["rkt"]);
        let p = vec!["containerd-driver".to_string()];
        assert!(plugin_may_report(
            v,
            &p,
            "driver.containerd.containerd_version"
        ));
        assert!(plugin_may_report(v, &p, "driver.podman.rootless"));
        assert!(!plugin_may_report(v, &p, "driver.podman"));
        assert!(!plugin_may_report(v, &p, "driver.docker.version"));
        assert!(!plugin_may_report(v, &p, "os.version"));
        assert!(!plugin_may_report(v, &[], "driver.podman.version"));
    }
}
