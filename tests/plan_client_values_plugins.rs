//! What a hand-written client reports beyond the host (redteam26
//! R26-1..3): its drivers' own attributes (docker/fingerprint.go
//! v1.10.5:131-132 `driver.docker.version` whenever the daemon answers,
//! java/driver.go:370-373), what it reads from Consul and Vault under the
//! stand-in's assumption that it reaches them (client/fingerprint/
//! consul.go v1.10.5:193-205, vault.go:134-137), and the Connect node
//! meta every client sets by default (client/client.go v1.10.5:1621-1638).
//! A placement whose answer depends on one cannot be told (exit 255,
//! NP225); `is_set` of one every such client reports holds; stating it
//! (in `attributes`, or `meta`) makes it known. Each fails on the
//! baseline, which read them as absent facts: `!=` placed all (exit 0),
//! `is_set` failed.

use crate::common::TempDir;

/// Two hand-written 1.10.5 clients in pool "web" with `drivers` and the
/// extra `lines`, and `job.nomad` whose group holds `group_body`.
fn project(tag: &str, drivers: &str, lines: &str, group_body: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put(
        "rules/cluster.hcl",
        &format!("nomad_version = \"1.10.5\"\nedition = \"community\"\nregion = \"global\"\nsentinel = \"none\"\nserver {{\n}}\nclient \"web\" {{\n  count = 2\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 8000\n  disk = 20000\n  drivers = [{drivers}]\n{lines}}}\n"),
    );
    d.put(
        "job.nomad",
        &format!("job \"api\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    count = 2\n{group_body}    task \"t\" {{\n      driver = \"exec\"\n      config {{ command = \"/bin/true\" }}\n      resources {{\n        cpu = 100\n        memory = 100\n      }}\n    }}\n  }}\n}}\n"),
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

fn filtered(d: &TempDir) {
    let (code, out, err) = plan(d);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(
        out.contains("- WARNING: Failed to place all allocations."),
        "{out}"
    );
}

fn untold(d: &TempDir, read: &str) {
    let (code, out, err) = plan(d);
    assert_eq!(code, Some(255), "{out}{err}");
    assert!(!out.contains("All tasks successfully allocated"), "{out}");
    assert!(err.contains(read), "{err}");
}

#[test]
fn a_drivers_version_is_untold_on_its_pools_only() {
    let ne = constraint("${attr.driver.docker.version}", "!=", "24.0.5");
    let d = project("cvp-docker-ne", "\"docker\", \"exec\"", "", &ne);
    untold(&d, "error: cannot tell how Nomad places the job: its placement reads ${attr.driver.docker.version} (a constraint `!=`; which every real client reports), and client pool \"web\" does not state it; the answer depends on each client's own value (state `\"driver.docker.version\" = \"...\"` in its `attributes`, as `nomad node status -verbose` shows it)\n");
    let o = d.run(&["check", "job.nomad"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stdout).contains("NP225 [error]"));
    // Every healthy Docker driver reports its version: is_set holds.
    let set = constraint("${attr.driver.docker.version}", "is_set", "");
    placed(&project("cvp-docker-set", "\"docker\", \"exec\"", "", &set));
    // A pool without Docker has none: a fact, as on the cluster.
    placed(&project("cvp-no-docker", "\"exec\"", "", &ne));
    // Stated: the pool runs the release the job avoids.
    let stated = "  attributes = {\n    \"driver.docker.version\" = \"24.0.5\"\n  }\n";
    filtered(&project(
        "cvp-docker-stated",
        "\"docker\", \"exec\"",
        stated,
        &ne,
    ));
    // Java's three, and Docker's runtimes only when `docker info` answers.
    let vm = constraint("${attr.driver.java.vm}", "regexp", "OpenJDK");
    untold(
        &project("cvp-java", "\"java\", \"exec\"", "", &vm),
        "${attr.driver.java.vm}",
    );
    let rt = constraint("${attr.driver.docker.runtimes}", "is_set", "");
    untold(
        &project("cvp-runtimes", "\"docker\", \"exec\"", "", &rt),
        "which a real client reports when its host has it",
    );
}

#[test]
fn consul_and_vault_values_beside_the_stand_in_are_untold() {
    for target in [
        "${attr.consul.datacenter}",
        "${attr.consul.server}",
        "${attr.unique.consul.name}",
        "${attr.consul.dns.port}",
        "${attr.vault.cluster_name}",
    ] {
        let d = project(
            "cvp-consul",
            "\"exec\"",
            "",
            &constraint(target, "!=", "dc-old"),
        );
        untold(
            &d,
            &format!("reads {target} (a constraint `!=`; which every real client reports)"),
        );
    }
    // A client reaching Consul always has its datacenter.
    let unset = constraint("${attr.consul.datacenter}", "is_not_set", "");
    filtered(&project("cvp-consul-unset", "\"exec\"", "", &unset));
    let set = constraint("${attr.consul.datacenter}", "is_set", "");
    placed(&project("cvp-consul-set", "\"exec\"", "", &set));
    let stated = "  attributes = {\n    \"consul.datacenter\" = \"dc-old\"\n  }\n";
    let ne = constraint("${attr.consul.datacenter}", "!=", "dc-old");
    filtered(&project("cvp-consul-stated", "\"exec\"", stated, &ne));
}

#[test]
fn connect_meta_defaults_are_untold_unless_stated() {
    for op in ["!=", "="] {
        let c = constraint("${meta.connect.log_level}", op, "info");
        let d = project("cvp-meta", "\"exec\"", "", &c);
        untold(&d, &format!("reads ${{meta.connect.log_level}} (a constraint `{op}`; which every client sets unless its agent's `meta` does), and client pool \"web\" does not state it; the answer depends on each client's own value (state `\"connect.log_level\" = \"...\"` in its `meta`"));
    }
    let set = constraint("${meta.connect.proxy_concurrency}", "is_set", "");
    placed(&project("cvp-meta-set", "\"exec\"", "", &set));
    let stated = "  meta = {\n    \"connect.log_level\" = \"debug\"\n  }\n";
    let c = constraint("${meta.connect.log_level}", "!=", "info");
    placed(&project("cvp-meta-stated", "\"exec\"", stated, &c));
    let c = constraint("${meta.connect.log_level}", "=", "info");
    filtered(&project("cvp-meta-stated-eq", "\"exec\"", stated, &c));
}
