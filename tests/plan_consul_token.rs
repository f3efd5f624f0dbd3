//! The community edition's Consul hook warning of 1.7.0–1.9.x
//! (nomad/job_endpoint_hook_consul_ce.go `jobConsulHook.Validate`, v1.7.0,
//! v1.8.0, v1.9.7; gone at v1.10.0): a Consul service without an identity
//! on a cluster whose servers set `allow_unauthenticated = false` gets the
//! Job Warning below, under `Job Warnings:` (command/job_plan.go) and in
//! the plan response's `Warnings`. Where the world does not state the
//! servers, the plan says in one note that it assumed Nomad's default.

use crate::common;

use common::{run_in as run, TempDir};

const WARNING: &str = "Setting a Consul token when submitting a job is deprecated and will be removed in Nomad 1.9. Migrate your Consul configuration to use workload identity";

const STRICT: &str = "server {\n  consul {\n    allow_unauthenticated = false\n  }\n}\n";

fn project(tag: &str, version: &str, server: &str, service_extra: &str) -> TempDir {
    let dir = TempDir::new(&format!("consul-token-{tag}"));
    dir.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"{version}\"\n{server}\nclient \"c\" {{\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4000\n  disk       = 10000\n  drivers    = [\"docker\"]\n  attributes = {{\n    \"consul.version\" = \"1.17.0\"\n  }}\n}}\n"
        ),
    );
    dir.put("jobs/j.nomad", &job(service_extra));
    dir
}

fn job(service_extra: &str) -> String {
    format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    service {{\n      name = \"web\"\n{service_extra}    }}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"busybox:1.36\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 64\n      }}\n    }}\n  }}\n}}\n"
    )
}

fn plan(dir: &TempDir) -> common::Out {
    run(&dir.0, &["plan", "--no-color", "jobs/j.nomad"])
}

fn warned(out: &str) -> bool {
    out.contains(&format!(
        "Job Warnings:\n1 warning(s):\n\n* {WARNING}\n\nJob Modify Index: 0\n"
    ))
}

#[test]
fn a_strict_consul_cluster_warns_from_1_7_to_1_9() {
    for (version, want) in [
        ("1.6.0", false),
        ("1.7.0", true),
        ("1.8.0", true),
        ("1.9.7", true),
        ("1.10.0", false),
    ] {
        let o = plan(&project(&format!("strict-{version}"), version, STRICT, ""));
        assert_eq!(o.code, 1, "{version}: {}{}", o.stdout, o.stderr);
        assert_eq!(warned(&o.stdout), want, "{version}: {}", o.stdout);
        assert!(!o.stderr.contains("allow_unauthenticated"), "{}", o.stderr);
    }
    // The plan response's Warnings, as the API returns them.
    let dir = project("json", "1.8.0", STRICT, "");
    let o = run(&dir.0, &["plan", "--format", "json", "jobs/j.nomad"]);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("json");
    assert_eq!(
        v["Warnings"].as_str(),
        Some(format!("1 warning(s):\n\n* {WARNING}").as_str()),
        "{}",
        o.stdout
    );
    // `nomad job validate` runs the same validators.
    let o = run(&dir.0, &["validate", "--no-color", "jobs/j.nomad"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .contains(&format!("Job Warnings:\n1 warning(s):\n\n* {WARNING}\n")),
        "{}",
        o.stdout
    );
}

#[test]
fn an_identity_spares_the_warning() {
    // The service's own identity, or the servers' service_identity the
    // implicit identities hook gives it (1.7+), is no legacy token use.
    let own = "      identity {\n        aud = [\"consul.io\"]\n      }\n";
    let o = plan(&project("own", "1.8.0", STRICT, own));
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(!o.stdout.contains("Consul token"), "{}", o.stdout);
    let servers = "server {\n  consul {\n    allow_unauthenticated = false\n    service_identity {\n      aud = [\"consul.io\"]\n    }\n  }\n}\n";
    let o = plan(&project("servers", "1.8.0", servers, ""));
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(!o.stdout.contains("Consul token"), "{}", o.stdout);
    // A `nomad` service is no Consul use.
    let o = plan(&project(
        "nomad",
        "1.8.0",
        STRICT,
        "      provider = \"nomad\"\n",
    ));
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(!o.stdout.contains("Consul token"), "{}", o.stdout);
}

#[test]
fn named_clusters_are_judged_by_their_own_block() {
    // 1.7+: one block per `name`; only the cluster the job uses counts.
    let other =
        "server {\n  consul {\n    name = \"other\"\n    allow_unauthenticated = false\n  }\n}\n";
    let o = plan(&project("other", "1.8.0", other, ""));
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(!o.stdout.contains("Consul token"), "{}", o.stdout);
    // Two blocks for one cluster are no agent config.
    let twice = "server {\n  consul {\n    allow_unauthenticated = false\n  }\n  consul {\n    name = \"default\"\n  }\n}\n";
    let o = plan(&project("twice", "1.8.0", twice, ""));
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr
            .contains("a second `consul` block for cluster \"default\""),
        "{}",
        o.stderr
    );
    // Before 1.7 the agent has one `consul` block and no `name`.
    let o = plan(&project("named-16", "1.6.0", other, ""));
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(o.stderr.contains("name"), "{}", o.stderr);
}

#[test]
fn unstated_servers_are_one_note_only_where_they_matter() {
    let o = plan(&project("unstated", "1.8.0", "", ""));
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(!o.stdout.contains("Consul token"), "{}", o.stdout);
    let notes: Vec<&str> = o
        .stderr
        .lines()
        .filter(|l| l.contains("allow_unauthenticated"))
        .collect();
    assert_eq!(notes.len(), 1, "{}", o.stderr);
    assert!(
        notes[0].starts_with("note: planned as if the servers' Consul config keeps allow_unauthenticated = true (Nomad's default) for cluster \"default\""),
        "{}",
        notes[0]
    );
    let dir = project("unstated-json", "1.8.0", "", "");
    let o = run(&dir.0, &["plan", "--format", "json", "jobs/j.nomad"]);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("json");
    let assumed = v["Preflight"]["Assumed"].as_array().expect("Assumed");
    assert!(
        assumed
            .iter()
            .any(|a| a["Setting"] == "consul_allow_unauthenticated"),
        "{}",
        o.stdout
    );
    // check: the same note, as advice.
    let o = run(&dir.0, &["check", "--no-color", "jobs/j.nomad"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains(
            "NP221 [advice] planned as if the servers' Consul config keeps allow_unauthenticated"
        ),
        "{}",
        o.stdout
    );
    // No note where the setting cannot matter: 1.10, or an identity.
    for (tag, version, extra) in [
        ("unstated-110", "1.10.0", ""),
        (
            "unstated-own",
            "1.8.0",
            "      identity {\n        aud = [\"consul.io\"]\n      }\n",
        ),
    ] {
        let o = plan(&project(tag, version, "", extra));
        assert_eq!(o.code, 1, "{tag}: {}{}", o.stdout, o.stderr);
        assert!(
            !o.stderr.contains("allow_unauthenticated"),
            "{tag}: {}",
            o.stderr
        );
    }
}

/// An import reads `config.Consuls[].AllowUnauthenticated` from a server's
/// agent-self.json (1.7+; a pointer, `null` when unset: allowed), and
/// `import --write` keeps it.
#[test]
fn an_import_reads_the_servers_consul_from_agent_self() {
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import-allocs/host-volumes");
    let job = "job \"j\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    service {\n      name = \"web\"\n    }\n    task \"t\" {\n      driver = \"exec\"\n      config {\n        command = \"/bin/date\"\n      }\n    }\n  }\n}\n";
    for (tag, allow, want) in [("strict", "false", true), ("unset", "null", false)] {
        let dir = TempDir::new(&format!("consul-token-import-{tag}"));
        for f in ["nodes.json", "allocations.json", "scheduler.json"] {
            std::fs::copy(fixture.join(f), dir.0.join(f)).unwrap();
        }
        dir.put(
            "agent-self.json",
            &format!(
                r#"{{"member": {{"Tags": {{"build": "1.8.0", "region": "global", "role": "nomad"}}}}, "config": {{"Consuls": [{{"Name": "default", "AllowUnauthenticated": {allow}}}], "Vaults": [{{"Name": "default"}}]}}}}"#
            ),
        );
        dir.import_rest("");
        dir.put("j.nomad", job);
        let o = run(&dir.0, &["plan", "--no-color", "--world", ".", "j.nomad"]);
        assert!(
            o.code == 0 || o.code == 1,
            "{tag}: {}{}",
            o.stdout,
            o.stderr
        );
        assert_eq!(
            o.stdout.contains(WARNING),
            want,
            "{tag}: {}{}",
            o.stdout,
            o.stderr
        );
        let w = run(&dir.0, &["import", ".", "--write", "out/rules"]);
        assert_eq!(w.code, 0, "{tag}: {}{}", w.stdout, w.stderr);
        std::fs::copy(dir.0.join("j.nomad"), dir.0.join("out/j.nomad")).unwrap();
        let o = run(&dir.0.join("out"), &["plan", "--no-color", "j.nomad"]);
        assert!(
            o.code == 0 || o.code == 1,
            "{tag}: {}{}",
            o.stdout,
            o.stderr
        );
        assert_eq!(
            o.stdout.contains(WARNING),
            want,
            "{tag} written: {}{}",
            o.stdout,
            o.stderr
        );
    }
}

/// `check` reports the same warning under `jobspec::admission` (R17-53's
/// path: src/rules/admission.rs), located at the job's label, only where
/// `plan` prints it: 1.7.0–1.9.x on a strict Consul cluster, for a
/// service without an identity. A warning: `check` still exits 0.
#[test]
fn check_reports_the_consul_token_warning_where_plan_prints_it() {
    let check = |dir: &TempDir| {
        run(
            &dir.0,
            &[
                "check",
                "--no-color",
                "--output-format",
                "concise",
                "jobs/j.nomad",
            ],
        )
    };
    let line = format!("jobs/j.nomad:1:5: jobspec::admission [warning] {WARNING}");
    for (version, want) in [
        ("1.6.0", false),
        ("1.7.0", true),
        ("1.9.7", true),
        ("1.10.0", false),
    ] {
        let o = check(&project(&format!("check-{version}"), version, STRICT, ""));
        assert_eq!(o.code, 0, "{version}: {}{}", o.stdout, o.stderr);
        assert_eq!(o.stdout.contains(&line), want, "{version}: {}", o.stdout);
        assert_eq!(
            o.stdout.contains("0 errors, 1 warning"),
            want,
            "{version}: {}",
            o.stdout
        );
    }
    // A service with its own identity uses no token: no warning.
    let with_identity = "      identity {\n        aud = [\"consul.io\"]\n      }\n";
    let o = check(&project("check-identity", "1.8.0", STRICT, with_identity));
    assert!(!o.stdout.contains("jobspec::admission"), "{}", o.stdout);
    // The JSON finding carries the help that says what to do.
    let dir = project("check-json", "1.8.0", STRICT, "");
    let o = run(&dir.0, &["check", "--format", "json", "jobs/j.nomad"]);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("json");
    let f = &v["findings"][0];
    assert_eq!(f["code"], "jobspec::admission", "{}", o.stdout);
    assert_eq!(f["severity"], "warning", "{}", o.stdout);
    assert_eq!(f["message"].as_str(), Some(WARNING), "{}", o.stdout);
    assert_eq!(
        f["help"].as_str(),
        Some("give the job's Consul services and tasks workload identities"),
        "{}",
        o.stdout
    );
}
