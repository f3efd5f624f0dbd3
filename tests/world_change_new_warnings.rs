//! load27: a change to the world folder reports the world's warnings that
//! the change brings, not every warning of the world as changed. A quota
//! with no limit block warns (`world::empty-quota`) in the base world
//! already; a change that only adds a comment above it (its line moves)
//! reported it once more from the head world (at the moved line), beside
//! the base world's: compared by code and text, never by line, it is no
//! finding of the change. A second such quota added by a change is.

use crate::common::{git, run_in, TempDir};

const CLUSTER: &str = "nomad_version = \"2.0.5\"\nregion = \"global\"\nclient \"c\" {\n  count = 1\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 4000\n  disk = 10000\n  drivers = [\"docker\"]\n}\nrunning = [\"jobs/web.nomad\"]\n";
const WEB: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config { image = \"nginx:1\" }\n      resources {\n        cpu = 100\n        memory = 100\n      }\n    }\n  }\n}\n";

fn committed(tag: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put("rules/cluster.hcl", CLUSTER);
    d.put(
        "rules/namespaces/default.hcl",
        "name = \"default\"\ndescription = \"d\"\n",
    );
    d.put("rules/quotas/e.hcl", "name = \"e\"\ndescription = \"x\"\n");
    d.put("jobs/web.nomad", WEB);
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "base"]);
    d
}

fn said(out: &str, quota: &str) -> usize {
    out.matches(&format!("world::empty-quota [warning] quota `{quota}`"))
        .count()
}

/// Fails on the baseline (/work/np67): the warning twice (2:1 and 1:1).
#[test]
fn a_warning_the_base_world_has_is_not_said_again_where_its_line_moved() {
    let d = committed("world-change-same-warning");
    d.put(
        "rules/quotas/e.hcl",
        "# note\nname = \"e\"\ndescription = \"x\"\n",
    );
    git(&d.0, &["add", "-A"]);
    let o = run_in(&d.0, &["--no-color", "check", "--staged"]);
    assert_eq!(said(&o.stdout, "e"), 1, "{}{}", o.stdout, o.stderr);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
}

/// Guard: a warning the change brings is said.
#[test]
fn a_warning_the_change_brings_is_said() {
    let d = committed("world-change-new-warning");
    d.put("rules/quotas/f.hcl", "name = \"f\"\ndescription = \"y\"\n");
    git(&d.0, &["add", "-A"]);
    let o = run_in(&d.0, &["--no-color", "check", "--staged"]);
    assert!(said(&o.stdout, "f") >= 1, "{}{}", o.stdout, o.stderr);
}
