//! redteam19 R19-B-1: `check --staged` passed an in-place update whose
//! node scope changed, which the plan gate refuses. Nomad keeps an
//! allocation in place only where its own node is still in the job's
//! datacenters (1.0.9/1.1.3+) and pool (1.6+) and `stack.Select` on that
//! node finds the new group feasible; else the update is destructive
//! (`genericAllocUpdateFn`, scheduler/util.go v2.0.5:805-876), and
//! `tasksUpdated` (v2.0.5:167) never compares constraints or datacenters.
//! Which node holds the allocation depends on the cluster's history
//! (`ShuffleNodes`, feasible/stack.go v2.0.5:82), so NP207 must sample.

use crate::common::{git, run_in, TempDir};

/// One service job of 3000 MB in datacenters dc1 and dc2.
fn job(name: &str) -> String {
    format!(
        r#"job "{name}" {{
  datacenters = ["dc1", "dc2"]
  group "g" {{
    task "t" {{
      driver = "docker"
      config {{
        image = "x:1"
      }}
      resources {{
        cpu    = 100
        memory = 3000
      }}
    }}
  }}
}}
"#
    )
}

fn client(name: &str, dc: &str) -> String {
    format!(
        r#"client "{name}" {{
  count = 1
  datacenter = "{dc}"
  cpu = 4000
  memory = 4096
  disk = 10000
  drivers = ["docker"]
  attributes = {{ "kernel.name" = "linux", "role" = "{name}" }}
}}
"#
    )
}

/// Clients "web" (dc2) and "db" (dc1) of 4096 MB, `app` (protected) and
/// `other` running, committed at 2.0.5; then `app.nomad`'s `from`
/// replaced by `to`, staged.
fn staged_app_edit(tag: &str, from: &str, to: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"2.0.5\"\nregion = \"global\"\n{}{}running = [\"jobs/app.nomad\", \"jobs/other.nomad\"]\n",
            client("web", "dc2"),
            client("db", "dc1")
        ),
    );
    d.put(
        "rules/policy.hcl",
        "protected {\n  jobs = [\"app\"]\n  namespaces = []\n}\n",
    );
    d.put("jobs/app.nomad", &job("app"));
    d.put("jobs/other.nomad", &job("other"));
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "running"]);
    let text = job("app");
    assert!(text.contains(from), "{from}");
    d.put("jobs/app.nomad", &text.replacen(from, to, 1));
    git(&d.0, &["add", "jobs/app.nomad"]);
    d
}

/// `check --staged` refuses with NP207 on `group` (as the gate does).
fn refused(d: &TempDir, group: &str) {
    let out = run_in(&d.0, &["--no-color", "check", "--staged"]);
    let flat = crate::common::flat(&out.stdout);
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        flat.contains(&format!(
            "NP207 [error] group \"{group}\" is placed in this evaluation, but it fails in"
        )) && flat.contains("% of 100 node shuffles"),
        "{}",
        out.stdout
    );
}

#[test]
fn check_refuses_an_in_place_update_that_leaves_out_a_datacenter() {
    let d = staged_app_edit(
        "in-place-dc",
        r#"datacenters = ["dc1", "dc2"]"#,
        r#"datacenters = ["dc1"]"#,
    );
    refused(&d, "g");
}

#[test]
fn check_refuses_an_in_place_update_that_adds_a_constraint() {
    let d = staged_app_edit(
        "in-place-constraint",
        "  group \"g\" {\n",
        "  group \"g\" {\n    constraint {\n      attribute = \"${attr.role}\"\n      value     = \"db\"\n    }\n",
    );
    refused(&d, "g");
}

/// The demo's backoffice pinned to one client by name: the demo's world
/// makes its clients' names up (`aws-1`...), and the real cluster's are
/// its hosts' (redteam25 R25-2), so which client the pin keeps cannot be
/// told (NP225). The in-place scope itself is covered above.
#[test]
fn check_cannot_tell_pinning_the_demo_backoffice_to_a_made_up_name() {
    let d = TempDir::demo("in-place-pin");
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "demo"]);
    let p = d.0.join("jobs/sockshop.nomad");
    let text = std::fs::read_to_string(&p).unwrap();
    let from = "  group \"backoffice\" {\n";
    assert!(text.contains(from));
    let pin = "  group \"backoffice\" {\n    constraint {\n      attribute = \"${node.unique.name}\"\n      value     = \"aws-1\"\n    }\n";
    std::fs::write(&p, text.replacen(from, pin, 1)).unwrap();
    git(&d.0, &["add", "jobs/sockshop.nomad"]);
    let out = run_in(&d.0, &["--no-color", "check", "--staged"]);
    let flat = crate::common::flat(&out.stdout);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        flat.contains("NP225 [error] cannot tell how Nomad places the job: its placement reads ${node.unique.name}"),
        "{}",
        out.stdout
    );
}

/// Guard (passes on the baseline too): an affinity only scores, so the
/// update stays in place on whichever node holds `app`; nothing fails.
#[test]
fn check_passes_an_in_place_update_that_only_scores() {
    let d = staged_app_edit(
        "in-place-affinity",
        "  group \"g\" {\n",
        "  group \"g\" {\n    affinity {\n      attribute = \"${attr.role}\"\n      value     = \"web\"\n    }\n",
    );
    let out = run_in(&d.0, &["--no-color", "check", "--staged"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(!out.stdout.contains("NP207"), "{}", out.stdout);
}
