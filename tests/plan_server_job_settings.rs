//! The servers' job settings (redteam4 F25, issue 13): `job_default_priority`
//! and `job_max_priority` (1.5.0+), `job_max_count` (1.11.0+), from a
//! `server` block or an import's agent-self.json (`config.Server`), applied
//! as nomad/job_endpoint_hooks.go's jobCanonicalizer and jobValidate do
//! (v1.5.0:137-143, 300-301; v2.0.5:241-246, 518-519, 549-552). At
//! 1.5.0–1.5.6 api Job.Canonicalize gives an omitted priority 0
//! (api/jobs.go:940-942@v1.5.0), so the servers' default applies; from
//! 1.5.7 it is 50 again. Unstated, Nomad's defaults are assumed, and said.

use crate::common;

use common::TempDir;

fn world(tag: &str, version: &str, server: &str, job_lines: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"{version}\"\nregion = \"global\"\n{server}\nclient \"c\" {{\n  count      = 1\n  datacenter = \"dc1\"\n  disk       = 10000\n  cpu        = 1000\n  memory     = 1024\n  drivers    = [\"docker\"]\n}}\n"
        ),
    );
    d.put(
        "jobs/web.nomad",
        &format!("job \"web\" {{\n  datacenters = [\"dc1\"]\n{job_lines}  group \"a\" {{\n    count = 3\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx:1\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 64\n      }}\n    }}\n  }}\n}}\n"),
    );
    d
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn priority_line(d: &TempDir) -> String {
    let o = d.run(&["plan", "-verbose", "jobs/web.nomad"]);
    text(&o.stdout)
        .lines()
        .find(|l| l.contains("Priority:"))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn the_servers_default_priority_is_what_a_priority_of_0_gets() {
    let server = "server {\n  job_default_priority = 70\n}\n";
    // 1.5.0–1.5.6: an omitted priority reaches the servers as 0.
    let d = world("sjs-150", "1.5.0", server, "");
    assert_eq!(priority_line(&d), "+ Priority:   \"70\"");
    // 1.5.7+: the api gives it 50 before the servers see it.
    let d = world("sjs-157", "1.5.7", server, "");
    assert_eq!(priority_line(&d), "+ Priority:   \"50\"");
    // Written 0, from 1.5.0: the servers' default.
    let d = world("sjs-205", "2.0.5", server, "  priority = 0\n");
    assert_eq!(priority_line(&d), "+ Priority:   \"70\"");
}

#[test]
fn the_servers_priority_and_count_bounds_refuse_as_nomad_does() {
    // job_max_priority 200: priority 150 is accepted (Nomad's default bound
    // of 100 refuses it).
    let d = world(
        "sjs-max",
        "1.6.0",
        "server {\n  job_max_priority = 200\n}\n",
        "  priority = 150\n",
    );
    let o = d.run(&["plan", "jobs/web.nomad"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("- All tasks successfully allocated."));
    let d = world(
        "sjs-max2",
        "1.6.0",
        "server {\n  job_max_priority = 200\n}\n",
        "  priority = 201\n",
    );
    let o = d.run(&["plan", "jobs/web.nomad"]);
    assert_eq!(o.status.code(), Some(255));
    assert!(
        text(&o.stderr).starts_with("Error during plan: Unexpected response code: 500 (1 error occurred:\n\t* job priority must be between [1, 200])\n"),
        "{}",
        text(&o.stderr)
    );
    // job_max_count 2 (1.11+): three allocations are too many.
    let d = world(
        "sjs-count",
        "1.11.0",
        "server {\n  job_max_count = 2\n}\n",
        "",
    );
    let o = d.run(&["plan", "jobs/web.nomad"]);
    assert_eq!(o.status.code(), Some(255));
    assert!(
        text(&o.stderr).starts_with("Error during plan: Unexpected response code: 500 (1 error occurred:\n\t* total count was greater than configured job_max_count: 3 > 2)\n"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn settings_the_agent_refuses_or_its_release_lacks_are_world_errors() {
    for (version, setting, error) in [
        (
            "2.0.5",
            "job_default_priority = 20",
            "job_default_priority cannot be 20. Must be between 50 and 100",
        ),
        (
            "2.0.5",
            "job_max_priority = 99",
            "job_max_priority cannot be 99. Must be between 100 and 32766",
        ),
        (
            "1.10.0",
            "job_max_count = 2",
            "`job_max_count` is a Nomad 1.11+ agent setting; the world runs Nomad 1.10.0",
        ),
        (
            "1.4.0",
            "job_max_priority = 200",
            "`job_max_priority` is a Nomad 1.5+ agent setting; the world runs Nomad 1.4.0",
        ),
    ] {
        let d = world(
            "sjs-bad",
            version,
            &format!("server {{\n  {setting}\n}}\n"),
            "",
        );
        let o = d.run(&["plan", "jobs/web.nomad"]);
        assert_ne!(o.status.code(), Some(0));
        assert!(text(&o.stderr).contains(error), "{}", text(&o.stderr));
    }
}

const NOTE_150: &str = "note: planned as if the servers set no job_default_priority: Nomad 1.5.0 gives a job submitted without a priority their default (50 unless set), which decides what it may preempt (state it in a `server` block of rules/cluster.hcl)\n";

#[test]
fn an_unstated_default_priority_is_said_where_it_decides() {
    let d = world("sjs-note", "1.5.0", "", "");
    let o = d.run(&["plan", "jobs/web.nomad"]);
    assert!(text(&o.stderr).ends_with(NOTE_150), "{}", text(&o.stderr));
    let o = d.run(&["plan", "--format", "json", "jobs/web.nomad"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(
        v["Preflight"]["Assumed"][0]["Setting"],
        "job_default_priority"
    );
    // Stated (even as an empty `server` block: Nomad's defaults), or a
    // release whose api gives the priority 50: no note.
    for (version, server) in [("1.5.0", "server {\n}\n"), ("1.6.0", "")] {
        let d = world("sjs-nonote", version, server, "");
        let o = d.run(&["plan", "jobs/web.nomad"]);
        assert!(
            !text(&o.stderr).contains("job_default_priority"),
            "{version}: {}",
            text(&o.stderr)
        );
    }
}

#[test]
fn an_import_reads_the_settings_from_agent_self() {
    let d = TempDir::new("sjs-import");
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/basic");
    common::copy_dir(&src, &d.0.join("imp"));
    std::fs::write(
        d.0.join("imp/agent-self.json"),
        r#"{
  "config": {"Region": "global", "Datacenter": "dc1", "Consuls": [], "Vaults": [],
             "Server": {"JobDefaultPriority": null, "JobMaxPriority": null, "JobMaxCount": 2}},
  "member": {"Name": "server-1.global", "Addr": "10.0.0.10", "Port": 4648,
             "Tags": {"build": "1.11.0+ent", "region": "global", "dc": "dc1", "role": "nomad"},
             "Status": "alive"},
  "stats": {}
}"#,
    )
    .expect("write");
    d.put(
        "web.nomad",
        "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"a\" {\n    count = 3\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"nginx:1\"\n      }\n      resources {\n        cpu    = 100\n        memory = 64\n      }\n    }\n  }\n}\n",
    );
    let o = d.run(&["plan", "--world", "imp", "web.nomad"]);
    assert_eq!(o.status.code(), Some(255), "{}", text(&o.stdout));
    assert!(
        text(&o.stderr).contains("Error during plan: Unexpected response code: 500 (1 error occurred:\n\t* total count was greater than configured job_max_count: 3 > 2)\n"),
        "{}",
        text(&o.stderr)
    );
    // import --write keeps it.
    let o = d.run(&["import", "imp", "--write", "out"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let cluster = std::fs::read_to_string(d.0.join("out/cluster.hcl")).expect("written");
    assert!(
        cluster.contains("server {\n  job_max_count = 2\n"),
        "{cluster}"
    );
}
