//! A task driver plugin's own attributes on a hand-written pool (node27,
//! stop 67's Left 5). A pool whose clients run a plugin (podman,
//! containerd-driver, exec2, lxc...: listed in `drivers`, or enabled by a
//! stated `driver.NAME` attribute) cannot say what it reports: the
//! plugin names its attributes as its configuration and host say
//! (nomad-driver-podman driver.go v0.6.5:341-425 `buildFingerprint`,
//! `driver.podman.SOCKET.` for a named socket; nomad-driver-containerd
//! containerd/driver.go v0.9.4:408-409 `driver.containerd.*` for the
//! driver `containerd-driver`), and the client copies each into the
//! node's attributes (client/pluginmanager/drivermanager/instance.go
//! v1.10.5:360-370). So a placement reading one cannot be told (255,
//! NP225), `is_set` too; a pool without the plugin has none (a fact, as
//! on the cluster, and a task asking the driver is filtered by
//! `DriverChecker`, scheduler/feasible.go v1.10.5:630-668). Each
//! `untold` below fails on the baseline, which planned all placed.

use crate::common::TempDir;

/// Two hand-written 1.10.5 clients with `drivers` and the extra `lines`,
/// and `job.nomad` whose task runs `driver`, its group holding `body`.
fn project(tag: &str, drivers: &str, lines: &str, driver: &str, body: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put(
        "rules/cluster.hcl",
        &format!("nomad_version = \"1.10.5\"\nedition = \"community\"\nregion = \"global\"\nsentinel = \"none\"\nserver {{\n}}\nclient \"web\" {{\n  count = 2\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 8000\n  disk = 20000\n  drivers = [{drivers}]\n{lines}}}\n"),
    );
    d.put(
        "job.nomad",
        &format!("job \"api\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    count = 2\n{body}    task \"t\" {{\n      driver = \"{driver}\"\n      config {{ image = \"x:1\" }}\n      resources {{\n        cpu = 100\n        memory = 100\n      }}\n    }}\n  }}\n}}\n"),
    );
    d
}

fn constraint(target: &str, operator: &str, value: &str) -> String {
    format!("    constraint {{\n      attribute = \"{target}\"\n      operator = \"{operator}\"\n      value = \"{value}\"\n    }}\n")
}

/// `plan`'s exit code, stdout and stderr.
fn plan(d: &TempDir) -> (Option<i32>, String, String) {
    let o = d.run(&["plan", "job.nomad"]);
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn placed(d: &TempDir) {
    let (code, out, err) = plan(d);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(out.contains("- All tasks successfully allocated."), "{out}");
    assert!(!err.contains("cannot tell"), "{err}");
}

fn filtered(d: &TempDir, why: &str) {
    let (code, out, err) = plan(d);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(
        out.contains("- WARNING: Failed to place all allocations."),
        "{out}"
    );
    assert!(out.contains(why), "{out}");
}

fn untold(d: &TempDir, read: &str) {
    let (code, out, err) = plan(d);
    assert_eq!(code, Some(255), "{out}{err}");
    assert!(!out.contains("All tasks successfully allocated"), "{out}");
    assert!(err.contains(read), "{err}");
}

#[test]
fn a_podman_pools_own_attributes_cannot_be_told() {
    let rootless = constraint("${attr.driver.podman.rootless}", "!=", "true");
    let d = project("cvdp-podman", "\"podman\"", "", "podman", &rootless);
    untold(&d, "error: cannot tell how Nomad places the job: its placement reads ${attr.driver.podman.rootless} (a constraint `!=`; which a task driver plugin the pool runs may report, as its configuration and host say), and client pool \"web\" does not state it; the answer depends on each client's own value (state `\"driver.podman.rootless\" = \"...\"` in its `attributes`, as `nomad node status -verbose` shows it)\n");
    let o = d.run(&["check", "job.nomad"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stdout).contains("NP225 [error]"));
    // Whether it is there at all depends on the plugin's sockets.
    let set = constraint("${attr.driver.podman.version}", "is_set", "");
    untold(
        &project("cvdp-podman-set", "\"podman\"", "", "podman", &set),
        "${attr.driver.podman.version}",
    );
    // Stated: known either way.
    let stated = "  attributes = {\n    \"driver.podman.rootless\" = \"true\"\n  }\n";
    filtered(
        &project("cvdp-stated", "\"podman\"", stated, "podman", &rootless),
        "Constraint \"${attr.driver.podman.rootless} != true\": 1 nodes excluded by filter",
    );
}

#[test]
fn a_plugin_enabled_by_its_flag_or_under_another_name_cannot_be_told() {
    // `driver.podman = "1"` stated: the clients run podman beside exec.
    let flag = "  attributes = {\n    \"driver.podman\" = \"1\"\n  }\n";
    let cg = constraint("${attr.driver.podman.cgroupVersion}", "=", "v2");
    untold(
        &project("cvdp-flag", "\"exec\"", flag, "exec", &cg),
        "${attr.driver.podman.cgroupVersion} (a constraint `=`",
    );
    // containerd-driver reports `driver.containerd.*`.
    let v = constraint(
        "${attr.driver.containerd.containerd_version}",
        "!=",
        "1.7.0",
    );
    untold(
        &project(
            "cvdp-ctrd",
            "\"containerd-driver\"",
            "",
            "containerd-driver",
            &v,
        ),
        "${attr.driver.containerd.containerd_version}",
    );
}

/// Guard (passes on the baseline too): a pool without the plugin has
/// none of its attributes, and a task asking the driver is filtered.
#[test]
fn a_pool_without_the_plugin_has_none_of_its_attributes() {
    let rootless = constraint("${attr.driver.podman.rootless}", "!=", "true");
    placed(&project(
        "cvdp-none",
        "\"docker\", \"exec\"",
        "",
        "exec",
        &rootless,
    ));
    let flag = "  attributes = {\n    \"driver.podman\" = \"false\"\n  }\n";
    placed(&project("cvdp-off", "\"exec\"", flag, "exec", &rootless));
    filtered(
        &project("cvdp-missing", "\"docker\", \"exec\"", "", "podman", ""),
        "Constraint \"missing drivers\": 1 nodes excluded by filter",
    );
}
