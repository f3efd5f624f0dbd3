//! What a hand-written client pool does not state of its clients though
//! every real client reports it (redteam25 R25-1..3): its OS release and
//! kernel (client/fingerprint/host.go v1.10.5:42-49), its core count
//! (cpu.go:142), and the values `cluster::build` invents (its name and
//! hostname `POOL-N`, address `10.P.x.y`, the servers' `nomad.version`).
//! Nomad's `checkConstraint` (scheduler/feasible.go v1.10.5:964-983)
//! reads the real ones, so a placement whose answer depends on one
//! cannot be told (exit 255, NP225, `Preflight.ClientValues`); `is_set`
//! of an attribute every client reports is answered (set), and stating
//! the value in the pool's `attributes` makes the plan known.

use crate::common::TempDir;

/// Two hand-written clients of 1.10.5 in pool "web" (with `attributes`
/// lines inside the client block) and `job.nomad` whose group holds
/// `group_body`.
fn project(tag: &str, attributes: &str, group_body: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put(
        "rules/cluster.hcl",
        &format!("nomad_version = \"1.10.5\"\nedition = \"community\"\nregion = \"global\"\nsentinel = \"none\"\nserver {{\n}}\nclient \"web\" {{\n  count = 2\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 8000\n  disk = 20000\n  drivers = [\"docker\"]\n{attributes}}}\n"),
    );
    d.put(
        "job.nomad",
        &format!("job \"api\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    count = 2\n{group_body}    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"x:1.0\" }}\n      resources {{\n        cpu = 100\n        memory = 100\n      }}\n    }}\n  }}\n}}\n"),
    );
    d
}

fn constraint(target: &str, operator: &str, value: &str) -> String {
    format!("    constraint {{\n      attribute = \"{target}\"\n      operator = \"{operator}\"\n      value = \"{value}\"\n    }}\n")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `plan`'s exit code, stdout and stderr.
fn plan(d: &TempDir) -> (Option<i32>, String, String) {
    let o = d.run(&["plan", "job.nomad"]);
    (o.status.code(), text(&o.stdout), text(&o.stderr))
}

#[test]
fn os_version_not_equal_cannot_be_told_until_stated() {
    let c = constraint("${attr.os.version}", "!=", "20.04");
    let d = project("cv-os-version", "", &c);
    let (code, out, err) = plan(&d);
    assert_eq!(code, Some(255), "{out}{err}");
    assert!(!out.contains("All tasks successfully allocated"), "{out}");
    assert_eq!(
        err,
        "error: cannot tell how Nomad places the job: its placement reads ${attr.os.version} (a constraint `!=`; which every real client reports), and client pool \"web\" does not state it; the answer depends on each client's own value (state `\"os.version\" = \"...\"` in its `attributes`, as `nomad node status -verbose` shows it)\n",
    );
    let o = d.run(&["plan", "--format", "json", "job.nomad"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(
        v["Preflight"]["ClientValues"][0]["Target"], "${attr.os.version}",
        "{v}"
    );
    let o = d.run(&["check", "job.nomad"]);
    assert!(
        text(&o.stdout).contains("NP225 [error] cannot tell how Nomad places the job"),
        "{}",
        text(&o.stdout)
    );
    // Stated: an Ubuntu 20.04 pool fails the constraint, as on the cluster.
    let d = project(
        "cv-os-version-stated",
        "  attributes = {\n    \"os.version\" = \"20.04\"\n  }\n",
        &c,
    );
    let (code, out, err) = plan(&d);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        out.contains("- WARNING: Failed to place all allocations."),
        "{out}"
    );
    assert!(!err.contains("cannot tell"), "{err}");
}

#[test]
fn a_constraint_on_an_unstated_value_is_not_said_to_be_unsatisfiable() {
    // `=` on an os.version nobody stated: NP225 cannot tell, never also
    // NP203's "no client satisfies" (the clients' release is not known).
    // Stated, the same constraint is NP203 with no NP225.
    let c = constraint("${attr.os.version}", "=", "22.04");
    let d = project("cv-os-version-eq", "", &c);
    let o = d.run(&["check", "job.nomad"]);
    let out = text(&o.stdout);
    assert!(out.contains("NP225 [error]"), "{out}");
    assert!(!out.contains("NP203"), "{out}");
    assert_eq!(o.status.code(), Some(2), "{out}");
    let d = project(
        "cv-os-version-eq-stated",
        "  attributes = {\n    \"os.version\" = \"20.04\"\n  }\n",
        &c,
    );
    let out = text(&d.run(&["check", "job.nomad"]).stdout);
    assert!(
        out.contains("NP203 [error] no client satisfies constraint \"${attr.os.version} = 22.04\""),
        "{out}"
    );
    assert!(!out.contains("NP225"), "{out}");
    // An affinity on the same value before it (rv26-4: the reads were
    // kept once per target, the affinity's, and NP203 fired again).
    let affinity = "    affinity {\n      attribute = \"${attr.os.version}\"\n      value = \"22.04\"\n      weight = 50\n    }\n";
    let d = project("cv-os-version-eq-aff", "", &format!("{affinity}{c}"));
    let o = d.run(&["check", "job.nomad"]);
    let out = text(&o.stdout);
    assert!(out.contains("NP225 [error]"), "{out}");
    assert!(!out.contains("NP203"), "{out}");
    assert_eq!(o.status.code(), Some(2), "{out}");
}

#[test]
fn is_not_set_of_an_attribute_every_client_reports_is_answered() {
    // cpu.numcores: cpu.go v1.10.5:142/147, both branches.
    let d = project(
        "cv-numcores",
        "",
        &constraint("${attr.cpu.numcores}", "is_not_set", ""),
    );
    let (code, out, err) = plan(&d);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        out.contains("- WARNING: Failed to place all allocations."),
        "{out}"
    );
    assert!(
        out.contains(
            "* Constraint \"${attr.cpu.numcores} is_not_set \": 1 nodes excluded by filter"
        ),
        "{out}"
    );
    // is_set holds, and nothing is said of it.
    let d = project(
        "cv-kernel-set",
        "",
        &constraint("${attr.kernel.version}", "is_set", ""),
    );
    let (code, out, err) = plan(&d);
    assert_eq!(code, Some(1), "{err}");
    assert!(out.contains("- All tasks successfully allocated."), "{out}");
    assert_eq!(err, "");
}

#[test]
fn invented_names_and_addresses_cannot_be_told() {
    for (target, op, value) in [
        ("${attr.unique.network.ip-address}", "regexp", "^10[.]"),
        ("${node.unique.name}", "regexp", "^web-"),
        ("${attr.unique.hostname}", "regexp", "^web-[0-9]+$"),
        ("${node.unique.id}", "!=", "x"),
    ] {
        let d = project("cv-invented", "", &constraint(target, op, value));
        let (code, out, err) = plan(&d);
        assert_eq!(code, Some(255), "{target}: {out}{err}");
        assert!(
            err.contains(&format!(
                "reads {target} (a constraint `{op}`; a value the world makes up for its clients)"
            )),
            "{err}"
        );
    }
    let d = project(
        "cv-name-how",
        "",
        &constraint("${node.unique.name}", "regexp", "^web-"),
    );
    assert!(plan(&d)
        .2
        .contains("name its clients in `node \"NAME\" {}` blocks"));
}

/// Guard (the baseline places it too): a distinct_property on a value
/// each client has to itself and an even spread on it do not depend on
/// the value.
#[test]
fn distinct_values_per_client_are_answered() {
    let body = "    constraint {\n      operator = \"distinct_property\"\n      attribute = \"${attr.unique.hostname}\"\n    }\n    spread {\n      attribute = \"${node.unique.id}\"\n    }\n";
    let d = project("cv-distinct", "", body);
    let (code, out, err) = plan(&d);
    assert_eq!(code, Some(1), "{err}");
    assert!(out.contains("- All tasks successfully allocated."), "{out}");
}

#[test]
fn the_clients_nomad_version_cannot_be_told_until_stated() {
    let c = constraint("${attr.nomad.version}", "version", ">= 1.10.5");
    let d = project("cv-nomad-version", "", &c);
    let (code, out, err) = plan(&d);
    assert_eq!(code, Some(255), "{out}{err}");
    assert!(err.contains("reads ${attr.nomad.version} (a constraint `version`; a value the world makes up for its clients)"), "{err}");
    let d = project(
        "cv-nomad-version-stated",
        "  attributes = {\n    \"nomad.version\" = \"1.9.7\"\n  }\n",
        &c,
    );
    let (code, out, err) = plan(&d);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        out.contains("- WARNING: Failed to place all allocations."),
        "{out}"
    );
}

/// Nomad's own floor on the client's release (a Nomad service check,
/// 1.5+: `${attr.nomad.version} semver >= 1.4.0`) is planned with the
/// servers' release and said in a note.
#[test]
fn an_implied_client_version_floor_is_a_note() {
    let body = "    network {\n      port \"http\" {}\n    }\n    service {\n      name = \"api\"\n      provider = \"nomad\"\n      port = \"http\"\n      check {\n        type = \"http\"\n        path = \"/\"\n        interval = \"10s\"\n        timeout = \"2s\"\n      }\n    }\n";
    let d = project("cv-implied", "", body);
    let (code, out, err) = plan(&d);
    assert_eq!(code, Some(1), "{err}");
    assert!(out.contains("- All tasks successfully allocated."), "{out}");
    assert!(err.contains("note: planned as if every hand-written client runs Nomad 1.10.5 (the servers' release): the job's placement reads ${attr.nomad.version} (semver >= 1.4.0, a constraint Nomad adds)"), "{err}");
    let o = d.run(&["check", "job.nomad"]);
    assert!(
        text(&o.stdout)
            .contains("NP221 [advice] planned as if every hand-written client runs Nomad 1.10.5"),
        "{}",
        text(&o.stdout)
    );
    let d = project(
        "cv-implied-stated",
        "  attributes = {\n    \"nomad.version\" = \"1.10.5\"\n  }\n",
        body,
    );
    assert!(!plan(&d).2.contains("hand-written client runs Nomad"));
}
