//! `jobImplicitIdentitiesHook` (nomad/job_endpoint_hook_implicit_identities.go,
//! 1.7+) as `nomad job plan -verbose` and placement show it: the client
//! version constraint `${attr.nomad.version} semver >= 1.7.0-a` on a group
//! whose services have an identity or whose tasks have named identities,
//! and the identities the servers' agent config (`server` in cluster.hcl)
//! gives Consul services, Consul tasks and Vault tasks. Each case cites the
//! case of nomad/job_endpoint_hook_implicit_identities_test.go (v2.0.5) it
//! mirrors.

use crate::common;

use common::{run_in as run, TempDir};

/// A one-client world of `version` (with `extra` in cluster.hcl: a
/// `server` block, or client attributes) and `job` as jobs/j.nomad.
fn project(tag: &str, version: &str, server: &str, attrs: &str, job: &str) -> TempDir {
    let dir = TempDir::new(&format!("identities-{tag}"));
    dir.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"{version}\"\n{server}\nclient \"c\" {{\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4000\n  disk       = 10000\n{attrs}}}\n"
        ),
    );
    dir.put("jobs/j.nomad", job);
    dir
}

fn job(group_extra: &str, task_extra: &str) -> String {
    format!(
        r#"job "j" {{
  datacenters = ["dc1"]
  group "g" {{
    network {{
      port "http" {{}}
    }}
{group_extra}
    task "t" {{
      driver = "docker"
      config {{
        image = "busybox:1.36"
      }}
{task_extra}
      resources {{
        cpu    = 100
        memory = 64
      }}
    }}
  }}
}}
"#
    )
}

/// The constraint as the verbose diff prints it added to a group.
const CONSTRAINT: &str = "  + Constraint {\n    + LTarget: \"${attr.nomad.version}\"\n    + Operand: \"semver\"\n    + RTarget: \">= 1.7.0-a\"\n    }\n";

/// Does the verbose diff show field `name` added with `value` (aligned as
/// the diff pads field names)?
fn added(out: &str, name: &str, value: &str) -> bool {
    out.lines().any(|l| {
        l.trim_start()
            .strip_prefix(&format!("+ {name}:"))
            .is_some_and(|rest| rest.trim_start() == format!("\"{value}\""))
    })
}

fn verbose(dir: &TempDir) -> common::Out {
    run(&dir.0, &["plan", "--verbose", "--no-color", "jobs/j.nomad"])
}

/// Servers that state their settings, Vault enabled (the jobs here use
/// Vault, which servers without it refuse: tests/plan_vault.rs).
const VAULT_ON: &str = "server {\n  vault {\n    enabled = true\n  }\n}\n";

const NAMED: &str = "      identity {\n        name = \"vault_default\"\n        aud  = [\"vault.io\"]\n      }\n      vault {\n        policies = [\"p\"]\n      }\n";

/// "no mutation when task has vault identity": a task's own named identity
/// puts the constraint on its group, from 1.7 on every release.
#[test]
fn a_named_task_identity_constrains_the_group_from_1_7() {
    for version in ["1.7.0", "1.8.0", "2.0.5"] {
        let dir = project(
            &format!("named-{version}"),
            version,
            VAULT_ON,
            "",
            &job("", NAMED),
        );
        let o = verbose(&dir);
        assert_eq!(o.code, 1, "{version}: {}{}", o.stdout, o.stderr);
        assert!(o.stdout.contains(CONSTRAINT), "{version}: {}", o.stdout);
        assert!(
            added(&o.stdout, "Name", "vault_default"),
            "{version}: {}",
            o.stdout
        );
        assert!(o.stdout.contains("- All tasks successfully allocated."));
    }
}

/// "no mutation when no service identity is configured" and "no mutation
/// when no default identity is provided": a Consul service and a Vault task
/// without identities, and only the default (unnamed) identity, which
/// `Task.Canonicalize` keeps apart from `Identities`: no constraint.
#[test]
fn no_identity_no_constraint() {
    let service = "    service {\n      name = \"web\"\n      port = \"http\"\n    }\n";
    let task = "      identity {\n        env = true\n      }\n      vault {\n        policies = [\"p\"]\n      }\n";
    for version in ["1.7.0", "1.8.0", "2.0.5"] {
        let dir = project(
            &format!("none-{version}"),
            version,
            VAULT_ON,
            "",
            &job(service, task),
        );
        let o = verbose(&dir);
        assert_eq!(o.code, 1, "{version}: {}{}", o.stdout, o.stderr);
        assert!(!o.stdout.contains("1.7.0-a"), "{version}: {}", o.stdout);
        assert!(o.stdout.contains("- All tasks successfully allocated."));
    }
}

/// Before 1.7 there is no hook: an identity adds nothing (1.6's `identity`
/// block has only `env` and `file`).
#[test]
fn no_constraint_before_1_7() {
    let task = "      identity {\n        env = true\n      }\n";
    let service = "    service {\n      name = \"web\"\n      port = \"http\"\n    }\n";
    let dir = project("16", "1.6.0", "", "", &job(service, task));
    let o = verbose(&dir);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(!o.stdout.contains("1.7.0-a"), "{}", o.stdout);
    assert!(
        !o.stderr.contains("planned as if the servers"),
        "{}",
        o.stderr
    );
}

/// "mutate identity name and service name when custom identity is
/// provided": a group service's identity is named for the service
/// (`consul-service_<name>-<port>`) with its `ServiceName`, and constrains
/// the group.
#[test]
fn a_service_identity_is_named_and_constrains_the_group() {
    let service = "    service {\n      name = \"web\"\n      port = \"http\"\n      identity {\n        aud  = [\"consul.io\", \"nomad.dev\"]\n        file = true\n      }\n    }\n";
    for version in ["1.7.0", "2.0.5"] {
        let dir = project(
            &format!("svc-{version}"),
            version,
            VAULT_ON,
            "",
            &job(service, ""),
        );
        let o = verbose(&dir);
        assert_eq!(o.code, 1, "{version}: {}{}", o.stdout, o.stderr);
        assert!(o.stdout.contains(CONSTRAINT), "{version}: {}", o.stdout);
        assert!(
            added(&o.stdout, "Name", "consul-service_web-http")
                && added(&o.stdout, "ServiceName", "web"),
            "{version}: {}",
            o.stdout
        );
    }
}

const SERVICE_ID: &str =
    "server {\n  consul {\n    service_identity {\n      aud = [\"consul.io\"]\n      ttl = \"1h\"\n    }\n  }\n}\n";

/// "mutate service to inject identity": with the servers'
/// `consul.service_identity`, a Consul service without an identity gets
/// it, named for the service; a Nomad service does not ("no mutation when
/// nomad service").
#[test]
fn the_servers_service_identity_is_injected() {
    let consul = "    service {\n      name = \"web\"\n      port = \"http\"\n    }\n";
    let dir = project("svc-inject", "1.8.0", SERVICE_ID, "", &job(consul, ""));
    let o = verbose(&dir);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains(CONSTRAINT), "{}", o.stdout);
    assert!(
        added(&o.stdout, "Name", "consul-service_web-http")
            && added(&o.stdout, "TTL", "3600000000000")
            && o.stdout.contains("+ Audience {\n"),
        "{}",
        o.stdout
    );
    let nomad = consul.replace(
        "port = \"http\"\n",
        "port = \"http\"\n      provider = \"nomad\"\n",
    );
    let dir = project("svc-nomad", "1.8.0", SERVICE_ID, "", &job(&nomad, ""));
    let o = verbose(&dir);
    assert!(!o.stdout.contains("1.7.0-a"), "{}", o.stdout);
    assert!(!o.stdout.contains("consul-service_"), "{}", o.stdout);
}

/// "mutate when task does not have a vault identity": the servers'
/// `vault.default_identity` becomes the task's `vault_default` identity.
#[test]
fn the_servers_vault_identity_is_injected() {
    let server =
        "server {\n  vault {\n    enabled = true\n    default_identity {\n      aud = [\"vault.io\"]\n    }\n  }\n}\n";
    let task = "      vault {\n        policies = [\"p\"]\n      }\n";
    let dir = project("vault-inject", "2.0.5", server, "", &job("", task));
    let o = verbose(&dir);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains(CONSTRAINT), "{}", o.stdout);
    assert!(added(&o.stdout, "Name", "vault_default"), "{}", o.stdout);
    assert!(added(&o.stdout, "Audience", "vault.io"), "{}", o.stdout);
}

/// The Consul task identity per release: 1.7–1.9 give it to a task with
/// templates; 1.10 on only to a task (or group) with a `consul` block
/// (Test_jobImplicitIdentitiesHook_Mutate_consulTask "no consul block in
/// task or task group", "consul block in task without identity block",
/// "consul block in task group without identity block").
#[test]
fn the_servers_consul_task_identity_per_release() {
    let server =
        "server {\n  consul {\n    task_identity {\n      aud = [\"consul.io\"]\n    }\n  }\n}\n";
    let template = "      template {\n        data        = \"x\"\n        destination = \"local/x\"\n      }\n";
    let with_consul = format!("{template}      consul {{}}\n");
    let cases = [
        ("1.8.0", "", template.to_string(), true),
        ("2.0.5", "", template.to_string(), false),
        ("2.0.5", "", with_consul, true),
        ("2.0.5", "    consul {}\n", template.to_string(), true),
    ];
    for (n, (version, group, task, injected)) in cases.into_iter().enumerate() {
        let dir = project(
            &format!("consul-task-{n}"),
            version,
            server,
            "",
            &job(group, &task),
        );
        let o = verbose(&dir);
        assert_eq!(o.code, 1, "{version}: {}{}", o.stdout, o.stderr);
        assert_eq!(
            added(&o.stdout, "Name", "consul_default"),
            injected,
            "{version} {group:?}: {}",
            o.stdout
        );
        assert_eq!(o.stdout.contains(CONSTRAINT), injected, "{}", o.stdout);
    }
}

/// Placement filters on the constraint: a 2.0.5 world whose client runs
/// Nomad 1.6.9 cannot take a group with identities.
#[test]
fn a_client_older_than_1_7_is_filtered() {
    let attrs = "  attributes = {\n    \"nomad.version\" = \"1.6.9\"\n  }\n";
    let dir = project("old-client", "2.0.5", VAULT_ON, attrs, &job("", NAMED));
    let o = verbose(&dir);
    assert!(
        o.stdout.contains(
            "* Constraint \"${attr.nomad.version} semver >= 1.7.0-a\": 1 nodes excluded by filter"
        ),
        "{}{}",
        o.stdout,
        o.stderr
    );
    // The same job without identities places.
    let plain = job("", "      vault {\n        policies = [\"p\"]\n      }\n");
    let dir = project("old-client-plain", "2.0.5", VAULT_ON, attrs, &plain);
    let o = verbose(&dir);
    assert!(
        o.stdout.contains("- All tasks successfully allocated."),
        "{}",
        o.stdout
    );
}

/// A world without a `server` block does not say what the servers set: a
/// plan the settings would change says, in one line and in the JSON, that
/// it assumed them unset; with the block (even empty) it is stated.
#[test]
fn an_unstated_server_config_is_said() {
    let service = "    service {\n      name = \"web\"\n      port = \"http\"\n    }\n";
    let dir = project("unstated", "1.8.0", "", "", &job(service, ""));
    let o = verbose(&dir);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    let notes: Vec<&str> = o
        .stderr
        .lines()
        .filter(|l| l.contains("planned as if the servers set no"))
        .collect();
    assert_eq!(notes.len(), 1, "{}", o.stderr);
    assert!(notes[0].contains("consul.service_identity"), "{}", notes[0]);
    assert!(!notes[0].contains("vault"), "{}", notes[0]);
    let j = run(&dir.0, &["plan", "--format", "json", "jobs/j.nomad"]);
    let v: serde_json::Value =
        serde_json::from_str(&j.stdout).unwrap_or_else(|e| panic!("{e}: {}", j.stdout));
    assert_eq!(
        v["Preflight"]["ServerConfig"],
        serde_json::json!({"Declared": false, "AssumedUnset": ["consul.service_identity"]})
    );
    // Stated: no note, no JSON key.
    let dir = project("stated", "1.8.0", VAULT_ON, "", &job(service, ""));
    let o = verbose(&dir);
    assert!(
        !o.stderr.contains("planned as if the servers"),
        "{}",
        o.stderr
    );
    // Nothing the settings would change: no note either.
    let dir = project("unstated-plain", "1.8.0", "", "", &job("", ""));
    let o = verbose(&dir);
    assert!(
        !o.stderr.contains("planned as if the servers"),
        "{}",
        o.stderr
    );
}

/// The `server` block's keys are the agent's, per release.
#[test]
fn server_block_keys_per_release() {
    let filepath =
        "server {\n  vault {\n    default_identity {\n      filepath = \"x\"\n    }\n  }\n}\n";
    let dir = project("filepath-18", "1.8.0", filepath, "", &job("", ""));
    let o = verbose(&dir);
    assert!(
        o.stderr.contains("unknown attribute `filepath`"),
        "{}",
        o.stderr
    );
    let dir = project("filepath-19", "1.9.0", filepath, "", &job("", ""));
    let o = verbose(&dir);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    let dir = project("svc-16", "1.6.0", SERVICE_ID, "", &job("", ""));
    let o = verbose(&dir);
    assert!(
        o.stderr.contains("Nomad 1.7+ agent setting"),
        "{}",
        o.stderr
    );
}

/// An import states the servers' settings when its `agent-self.json` was
/// saved from a server: `config.Consuls`/`config.Vaults` (command/agent
/// config.go, JSON as Go encodes `config.WorkloadIdentityConfig`).
#[test]
fn an_import_reads_the_servers_settings_from_agent_self() {
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import-allocs/host-volumes");
    let job = "job \"j\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    service {\n      name = \"web\"\n    }\n    task \"t\" {\n      driver = \"exec\"\n      config {\n        command = \"/bin/date\"\n      }\n    }\n  }\n}\n";
    let server = r#"{"member": {"Tags": {"build": "1.8.0", "region": "global", "role": "nomad"}},
  "config": {"Consuls": [{"Name": "default", "ServiceIdentity": {"Audience": ["consul.io"], "TTL": 3600000000000}}],
             "Vaults": [{"Name": "default"}]}}"#;
    let client = r#"{"member": {"Tags": {"build": "1.8.0"}}}"#;
    for (tag, agent, stated) in [("server", server, true), ("client", client, false)] {
        let dir = TempDir::new(&format!("identities-import-{tag}"));
        for f in ["nodes.json", "allocations.json", "scheduler.json"] {
            std::fs::copy(fixture.join(f), dir.0.join(f)).unwrap();
        }
        dir.put("agent-self.json", agent);
        dir.import_rest("");
        dir.put("j.nomad", job);
        let o = run(
            &dir.0,
            &["plan", "--verbose", "--no-color", "--world", ".", "j.nomad"],
        );
        assert_eq!(o.code, 1, "{tag}: {}{}", o.stdout, o.stderr);
        assert_eq!(
            added(&o.stdout, "Name", "consul-service_web-"),
            stated,
            "{tag}: {}",
            o.stdout
        );
        assert_eq!(o.stdout.contains(CONSTRAINT), stated, "{tag}: {}", o.stdout);
        assert_eq!(
            o.stderr.contains("save agent-self.json from a server"),
            !stated,
            "{tag}: {}",
            o.stderr
        );
        // `import --write` keeps what the import states: the written world
        // plans the same.
        let w = run(&dir.0, &["import", ".", "--write", "out/rules"]);
        assert_eq!(w.code, 0, "{tag}: {}{}", w.stdout, w.stderr);
        std::fs::copy(dir.0.join("j.nomad"), dir.0.join("out/j.nomad")).unwrap();
        let o = run(
            &dir.0.join("out"),
            &["plan", "--verbose", "--no-color", "j.nomad"],
        );
        assert_eq!(
            added(&o.stdout, "Name", "consul-service_web-"),
            stated,
            "{tag} written: {}{}",
            o.stdout,
            o.stderr
        );
        assert_eq!(
            o.stderr.contains("state them in a `server` block"),
            !stated,
            "{tag} written: {}",
            o.stderr
        );
    }
}
