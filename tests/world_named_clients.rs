//! Stop 66's Left 3: naming a hand-written pool's clients took a
//! `node "NAME" { id = "..." }` block, which made the pool a real
//! cluster's shape (`import --write`'s): the Consul, Vault, CNI and
//! signal stand-ins were dropped (a job using Vault was no longer placed)
//! and no attribute was a stand-in any more. A `node "NAME" {}` block
//! without `id` now names a hand-written client and keeps the stand-ins;
//! its `attributes` state that client's own values, and a value every
//! client states is no "cannot tell" (NP225). With `id` the blocks stay a
//! real cluster's nodes, as before.

use crate::common::TempDir;

fn world(tag: &str, nodes: &str, group_body: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put(
        "rules/cluster.hcl",
        &format!("nomad_version = \"1.10.5\"\nedition = \"community\"\nregion = \"global\"\nsentinel = \"none\"\nserver {{\n}}\nclient \"web\" {{\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 8000\n  disk = 20000\n  drivers = [\"docker\"]\n{nodes}}}\n"),
    );
    d.put(
        "job.nomad",
        &format!("job \"api\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    count = 2\n{group_body}    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"x:1.0\" }}\n      resources {{\n        cpu = 100\n        memory = 100\n      }}\n    }}\n  }}\n}}\n"),
    );
    d
}

fn plan(d: &TempDir) -> (Option<i32>, String, String) {
    let o = d.run(&["plan", "job.nomad"]);
    let t = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (o.status.code(), t(&o.stdout), t(&o.stderr))
}

const NAMED: &str = "  node \"web-a\" {\n    attributes = { \"os.version\" = \"22.04\" }\n  }\n  node \"web-b\" {\n    attributes = { \"os.version\" = \"20.04\" }\n  }\n";

/// `target operator value`, each allocation on a client of its own.
fn constraint(target: &str, operator: &str, value: &str) -> String {
    format!("    constraint {{\n      operator = \"distinct_hosts\"\n      value = \"true\"\n    }}\n    constraint {{\n      attribute = \"{target}\"\n      operator = \"{operator}\"\n      value = \"{value}\"\n    }}\n")
}

/// Named clients and their own values decide: one of two placed, told.
#[test]
fn named_clients_state_their_names_and_values() {
    let d = world(
        "named-name",
        NAMED,
        &constraint("${node.unique.name}", "=", "web-a"),
    );
    let (code, out, err) = plan(&d);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(out.contains("(failed to place 1 allocation)"), "{out}");
    let d = world(
        "named-os",
        NAMED,
        &constraint("${attr.os.version}", "!=", "20.04"),
    );
    let (code, out, err) = plan(&d);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(out.contains("(failed to place 1 allocation)"), "{out}");
}

/// The stand-ins stay: `${attr.consul.version}` is the Consul stand-in
/// on named clients as on unnamed ones; the same blocks with `id` are a
/// real cluster's nodes, which report no Consul here.
#[test]
fn named_clients_keep_the_stand_ins() {
    let c = constraint("${attr.consul.version}", "semver", ">= 1.8.0");
    let d = world("named-consul", NAMED, &c);
    let (code, out, err) = plan(&d);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(out.contains("All tasks successfully allocated"), "{out}");
    let real = NAMED
        .replace(
            "\"web-a\" {\n",
            "\"web-a\" {\n    id = \"0a1b2c3d-0000-4000-8000-000000000001\"\n",
        )
        .replace(
            "\"web-b\" {\n",
            "\"web-b\" {\n    id = \"0a1b2c3d-0000-4000-8000-000000000002\"\n",
        );
    let d = world("real-consul", &real, &c);
    let (code, out, err) = plan(&d);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(out.contains("(failed to place 2 allocations)"), "{out}");
}

/// Named clients are hand-written clients: they set the Connect meta
/// every client sets by default (client/client.go v1.10.5:1621-1638), so
/// `is_not_set` on it fails them as it fails unnamed ones (rv26-2: named
/// clients had none, and the job was placed).
#[test]
fn named_clients_set_the_connect_meta_defaults() {
    let c = constraint("${meta.connect.log_level}", "is_not_set", "");
    let d = world("named-connect-meta", NAMED, &c);
    let (code, out, err) = plan(&d);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(out.contains("(failed to place 2 allocations)"), "{out}");
}

/// A value one named client does not state is still "cannot tell".
#[test]
fn a_value_one_named_client_leaves_out_cannot_be_told() {
    let nodes = "  node \"web-a\" {\n    attributes = { \"os.version\" = \"22.04\" }\n  }\n  node \"web-b\" {}\n";
    let d = world(
        "named-half",
        nodes,
        &constraint("${attr.os.version}", "!=", "20.04"),
    );
    let (code, out, err) = plan(&d);
    assert_eq!(code, Some(255), "{out}{err}");
    assert!(
        err.contains("client pool \"web\" does not state it"),
        "{err}"
    );
}

/// One pool's `node` blocks give `id` or none does; `address_ips` (an
/// imported node's real addresses) needs `id`.
#[test]
fn named_and_real_nodes_do_not_mix() {
    let nodes = "  node \"web-a\" {}\n  node \"web-b\" {\n    id = \"0a1b2c3d-0000-4000-8000-000000000002\"\n  }\n";
    let d = world("named-mixed", nodes, "");
    let (code, _, err) = plan(&d);
    assert_eq!(code, Some(255), "{err}");
    assert!(err.contains("all give `id` or none does"), "{err}");
    let nodes = "  node \"web-a\" {\n    address_ips = { \"10.0.0.1\" = \"203.0.113.1\" }\n  }\n";
    let d = world("named-ips", nodes, "");
    let (code, _, err) = plan(&d);
    assert_eq!(code, Some(255), "{err}");
    assert!(
        err.contains("`address_ips` maps an imported node's addresses and needs `id`"),
        "{err}"
    );
}
