//! Nomad's driver check falls back to a node's `driver.NAME` attribute
//! for a driver its `Drivers` does not list (`DriverChecker.hasDrivers`:
//! scheduler/feasible.go v0.7.1:129-150, the whole check before 0.8;
//! v0.8.0:129-163, v1.10.5:630-668; scheduler/feasible/feasible.go
//! v2.0.5:802-840). A hand-written pool's `drivers` are its clients'
//! `Drivers`: one stating `"driver.podman" = "1"` without podman in the
//! list runs a podman task. The baseline filtered it "missing drivers"
//! (node27 Left; fix28b).

use crate::common::applier::out;
use crate::common::TempDir;

fn project(tag: &str, version: &str, flag: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put(
        "rules/cluster.hcl",
        &format!("nomad_version = \"{version}\"\nedition = \"community\"\nregion = \"global\"\nclient \"c\" {{\n  count = 1\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 4000\n  disk = 20000\n  drivers = [\"docker\"]\n  attributes = {{\n    \"driver.podman\" = \"{flag}\"\n  }}\n}}\n"),
    );
    d.put(
        "job.nomad",
        "job \"app\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"podman\"\n      config { image = \"nginx\" }\n      resources {\n        cpu = 100\n        memory = 100\n      }\n    }\n    task \"u\" {\n      driver = \"docker\"\n      config { image = \"nginx\" }\n      resources {\n        cpu = 100\n        memory = 100\n      }\n    }\n  }\n}\n",
    );
    d
}

#[test]
fn an_unlisted_driver_enabled_by_its_attribute_is_found() {
    for v in ["1.10.5", "2.0.5", "0.9.3"] {
        let (code, out, err) =
            out(&project(&format!("drv-attr-{v}"), v, "true").run(&["plan", "job.nomad"]));
        assert_eq!(code, Some(1), "{v}: {out}{err}");
        assert!(
            out.contains("- All tasks successfully allocated."),
            "{v}: {out}{err}"
        );
        assert!(!out.contains("missing drivers"), "{v}: {out}");
    }
}

/// Guard: a flag that does not parse as a true Go bool finds nothing.
#[test]
fn a_false_flag_is_missing_drivers() {
    for flag in ["0", "yes"] {
        let (code, out, err) =
            out(&project(&format!("drv-off-{flag}"), "1.10.5", flag).run(&["plan", "job.nomad"]));
        assert_eq!(code, Some(1), "{out}{err}");
        assert!(out.contains("missing drivers"), "{flag}: {out}");
    }
}
