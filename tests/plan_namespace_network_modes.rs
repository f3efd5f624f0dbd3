//! A namespace's group network mode capabilities (redteam4 F24, issue 13):
//! from Nomad 1.8.4 the namespace validator refuses a group network whose
//! mode (`host` when omitted) the namespace's `enabled_network_modes` /
//! `disabled_network_modes` refuse (nomad/job_endpoint_validators.go
//! `taskValidateNetworkMode`, v1.8.4 through v2.0.5; absent at v1.8.3).
//! An import reads them from namespaces.json, a hand-written namespace file
//! states them; `check` reports the refusal as NP306.

use crate::common;

use common::TempDir;

const JOB: &str = r#"job "web" {
  datacenters = ["dc1"]
  namespace   = "monitor"
  group "a" {
    network {
      port "http" {}
    }
    task "t" {
      driver = "docker"
      config {
        image = "nginx:1"
      }
      resources {
        cpu    = 100
        memory = 64
      }
    }
  }
  group "b" {
    network {
      mode = "bridge"
    }
    task "t" {
      driver = "docker"
      config {
        image = "nginx:1"
      }
      resources {
        cpu    = 100
        memory = 64
      }
    }
  }
}
"#;

fn hand_written(tag: &str, version: &str, caps: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"{version}\"\nregion = \"global\"\n\nclient \"c\" {{\n  count      = 2\n  datacenter = \"dc1\"\n  disk       = 10000\n  cpu        = 4000\n  memory     = 8192\n  drivers    = [\"docker\"]\n}}\n"
        ),
    );
    d.put(
        "rules/namespaces/monitor.hcl",
        &format!("name = \"monitor\"\n\ncapabilities {{\n{caps}}}\n"),
    );
    d.put("jobs/web.nomad", JOB);
    d
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn a_refused_group_network_mode_is_nomads_plan_error_from_1_8_4() {
    let one = "Error during plan: Unexpected response code: 500 (1 error occurred:\n\t* used group network mode \"host\" is not allowed in namespace \"monitor\")\n";
    let two = "Error during plan: Unexpected response code: 500 (1 error occurred:\n\t* used group network modes [\"host\" \"bridge\"] are not allowed in namespace \"monitor\")\n";
    for (version, caps, want) in [
        ("2.0.5", "  disabled_network_modes = [\"host\"]\n", one),
        ("1.8.4", "  disabled_network_modes = [\"host\"]\n", one),
        ("1.10.0", "  enabled_network_modes = [\"cni/mynet\"]\n", two),
    ] {
        let d = hand_written(&format!("nsnet-{version}"), version, caps);
        let o = d.run(&["plan", "jobs/web.nomad"]);
        assert_eq!(o.status.code(), Some(255), "{version}: {}", text(&o.stdout));
        assert_eq!(text(&o.stdout), "", "{version}");
        assert_eq!(text(&o.stderr), want, "{version}");
        // check names the same refusal, Nomad's words.
        let o = d.run(&["check", "--select", "NP306", "jobs/web.nomad"]);
        assert_eq!(o.status.code(), Some(1), "{version}");
        let out = text(&o.stdout);
        let message = want
            .split("\t* ")
            .nth(1)
            .and_then(|m| m.strip_suffix(")\n"))
            .expect("message");
        assert!(
            out.contains(&format!("jobs/web.nomad:5:5: NP306 [error] {message}")),
            "{version}: {out}"
        );
    }
}

#[test]
fn allowed_modes_and_releases_before_1_8_4_plan_the_job() {
    let d = hand_written(
        "nsnet-ok",
        "2.0.5",
        "  enabled_network_modes = [\"host\", \"bridge\"]\n  disabled_network_modes = [\"cni/x\"]\n",
    );
    let o = d.run(&["plan", "jobs/web.nomad"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("- All tasks successfully allocated."));
    // 1.8.3 has no such capability: its `nomad namespace apply` drops the
    // keys, so the world warns and the job is planned.
    let d = hand_written(
        "nsnet-183",
        "1.8.3",
        "  disabled_network_modes = [\"host\"]\n",
    );
    let o = d.run(&["plan", "jobs/web.nomad"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("- All tasks successfully allocated."));
    assert!(
        text(&o.stderr).contains("world::version-gate: `disabled_network_modes` is a Nomad 1.8.4+ namespace capability; the world runs Nomad 1.8.3, which ignores it"),
        "{}",
        text(&o.stderr)
    );
}

/// tests/fixtures/import/basic with the servers' build `build` and the
/// namespace `monitor` disabling host networks.
fn import(tag: &str, build: &str) -> TempDir {
    let d = TempDir::new(tag);
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/basic");
    common::copy_dir(&src, &d.0.join("imp"));
    let edit = |file: &str, from: &str, to: &str| {
        let p = d.0.join("imp").join(file);
        let t = std::fs::read_to_string(&p).expect("read");
        assert!(t.contains(from), "{file}: {from}");
        std::fs::write(&p, t.replacen(from, to, 1)).expect("write");
    };
    edit(
        "agent-self.json",
        "\"build\": \"1.7.2+ent\"",
        &format!("\"build\": \"{build}\""),
    );
    edit(
        "namespaces.json",
        "\"DisabledNetworkModes\": null",
        "\"DisabledNetworkModes\": [\"host\"]",
    );
    d.put(
        "nsnet.nomad",
        &JOB.replace("    network {\n      mode = \"bridge\"\n    }\n", ""),
    );
    d
}

#[test]
fn an_import_keeps_the_namespaces_network_modes() {
    let d = import("nsnet-imp", "1.9.0+ent");
    let o = d.run(&["plan", "--world", "imp", "nsnet.nomad"]);
    assert_eq!(o.status.code(), Some(255), "{}", text(&o.stdout));
    assert!(
        text(&o.stderr).ends_with("Error during plan: Unexpected response code: 500 (1 error occurred:\n\t* used group network mode \"host\" is not allowed in namespace \"monitor\")\n"),
        "{}",
        text(&o.stderr)
    );
    let o = d.run(&["plan", "--world", "imp", "--format", "json", "nsnet.nomad"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(
        v["Preflight"]["Admission"]["Error"],
        "1 error occurred:\n\t* used group network mode \"host\" is not allowed in namespace \"monitor\"\n\n"
    );
    // `import --write` keeps them in the namespace's file.
    let o = d.run(&["import", "imp", "--write", "out"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let ns = std::fs::read_to_string(d.0.join("out/namespaces/monitor.hcl")).expect("written");
    assert!(
        ns.contains("  enabled_network_modes  = []\n  disabled_network_modes = [\"host\"]\n"),
        "{ns}"
    );
}

#[test]
fn a_namespace_files_unknown_key_lists_meta_once() {
    let d = hand_written("nsnet-meta", "2.0.5", "");
    d.put(
        "rules/namespaces/monitor.hcl",
        "name = \"monitor\"\nbogus = 1\n",
    );
    let o = d.run(&["plan", "jobs/web.nomad"]);
    let err = text(&o.stderr);
    assert!(
        err.contains(
            "namespace specification accepts: name, description, quota, meta, capabilities,\n        node_pool_config\n"
        ),
        "{err}"
    );
}
