//! A namespace's `node_pool_config` (Nomad Enterprise 1.6+; fix28b,
//! src/world/namespace_pools.rs): `default`, the pool of the namespace's
//! jobs that name none, and `allowed` / `denied`, the pools they may use
//! (api/namespace.go v1.6.0:77; nomad/structs/structs.go v1.10.5:5570-5594).
//! Enterprise's hooks that apply it are not public
//! (nomad/job_endpoint_hook_node_pool_ce.go is the community stub), so a
//! job whose pool or admission it decides cannot be told; one whose pool
//! it allows plans as any. The baseline refused the block as an unknown
//! key (exit 2), so each test but the guards fails there.

use crate::common::applier::out;
use crate::common::TempDir;

/// Nomad `version`, `edition` (or none), one client in pool "web",
/// namespace "apps" with `cfg` in its spec, and jobs/app.nomad in "apps"
/// with `pool` (`node_pool = "..."` or nothing).
fn project(tag: &str, version: &str, edition: &str, cfg: &str, pool: &str) -> TempDir {
    let d = TempDir::new(tag);
    let edition = if edition.is_empty() {
        String::new()
    } else {
        format!("edition = \"{edition}\"\n")
    };
    d.put(
        "rules/cluster.hcl",
        &format!("nomad_version = \"{version}\"\n{edition}sentinel = \"none\"\nregion = \"global\"\nserver {{\n  vault {{ enabled = false }}\n}}\nclient \"c\" {{\n  count = 1\n  datacenter = \"dc1\"\n  node_pool = \"web\"\n  cpu = 4000\n  memory = 4000\n  disk = 20000\n  drivers = [\"docker\"]\n}}\nclient \"d\" {{\n  count = 1\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 4000\n  disk = 20000\n  drivers = [\"docker\"]\n}}\n"),
    );
    d.put("rules/namespaces/default.hcl", "name = \"default\"\n");
    d.put(
        "rules/namespaces/apps.hcl",
        &format!("name = \"apps\"\n{cfg}"),
    );
    d.put(
        "jobs/app.nomad",
        &format!("job \"app\" {{\n  namespace = \"apps\"\n  datacenters = [\"dc1\"]\n{pool}  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"nginx\" }}\n      resources {{\n        cpu = 100\n        memory = 100\n      }}\n    }}\n  }}\n}}\n"),
    );
    d
}

fn plan(d: &TempDir) -> (Option<i32>, String, String) {
    out(&d.run(&["--no-cache", "plan", "jobs/app.nomad"]))
}

const WEB: &str = "  node_pool = \"web\"\n";

#[test]
fn a_namespace_default_pool_decides_a_job_naming_none() {
    let cfg = "node_pool_config {\n  default = \"web\"\n}\n";
    let d = project("nsp-default", "1.10.5", "enterprise", cfg, "");
    let (code, out, err) = plan(&d);
    assert_eq!(code, Some(255), "{out}{err}");
    assert!(!out.contains("All tasks successfully allocated"), "{out}");
    assert!(
        err.contains("job \"app\" names no node pool, and namespace \"apps\" gives its jobs node pool \"web\" (`node_pool_config`, Nomad Enterprise)"),
        "{err}"
    );
    let o = d.run(&["--no-cache", "plan", "--format", "json", "jobs/app.nomad"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("\"NamespaceNodePools\""));
    // The job naming its pool plans as any (the default is allowed).
    let (code, out, err) = plan(&project("nsp-named", "1.10.5", "enterprise", cfg, WEB));
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(out.contains("- All tasks successfully allocated."), "{out}");
}

#[test]
fn a_pool_the_namespace_does_not_allow_cannot_be_told() {
    let denied = "node_pool_config {\n  denied = [\"we*\"]\n}\n";
    let (code, out, err) = plan(&project("nsp-denied", "1.10.5", "enterprise", denied, WEB));
    assert_eq!(code, Some(255), "{out}{err}");
    assert!(
        err.contains("namespace \"apps\" does not allow node pool \"web\" (`node_pool_config`, Nomad Enterprise): Nomad Enterprise refuses job \"app\" with words that are not public"),
        "{err}"
    );
    // An empty `allowed` allows the default alone.
    let only = "node_pool_config {\n  allowed = []\n}\n";
    let (code, _, err) = plan(&project("nsp-only", "1.10.5", "enterprise", only, WEB));
    assert_eq!(code, Some(255), "{err}");
    // Allowed by a glob: planned (the unstated edition is Enterprise's,
    // told by the block community servers refuse).
    let allowed = "node_pool_config {\n  allowed = [\"w*\"]\n}\n";
    let (code, out, err) = plan(&project("nsp-allowed", "1.10.5", "", allowed, WEB));
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(out.contains("- All tasks successfully allocated."), "{out}");
}

#[test]
fn the_servers_and_the_release_refuse_or_drop_it() {
    let cfg = "node_pool_config {\n  default = \"web\"\n}\n";
    let (code, out, err) = plan(&project("nsp-ce", "1.10.5", "community", cfg, ""));
    assert_ne!(code, Some(1), "{out}{err}");
    assert!(
        err.contains("invalid node pool configuration: Node Pools Governance is unlicensed."),
        "{err}"
    );
    // Before 1.6.0 `nomad namespace apply` drops the block: planned.
    let (code, out, err) = plan(&project("nsp-old", "1.5.6", "enterprise", cfg, ""));
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(
        err.contains("`node_pool_config` is a Nomad 1.6.0+ namespace block"),
        "{err}"
    );
    let both = "node_pool_config {\n  allowed = [\"web\"]\n  denied = [\"gpu\"]\n}\n";
    let (code, _, err) = plan(&project("nsp-both", "1.10.5", "enterprise", both, WEB));
    assert_ne!(code, Some(1), "{err}");
    assert!(err.contains("sets both `allowed` and `denied`"), "{err}");
}
