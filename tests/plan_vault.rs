//! A job with a `vault` block, judged as the servers judge it: the Plan
//! RPC's Vault hook (nomad/job_endpoint_hook_vault.go, `jobVaultHook.Validate`,
//! an admission validator from 1.3, listed after the Connect and
//! expose-check hooks in nomad/job_endpoint.go) and, before 1.3,
//! `Job.Register`'s own check (nomad/job_endpoint.go at v0.9.3/v1.2.0:
//! "Vault not enabled and Vault policies requested"), which the plan never
//! ran. Where the world does not state the servers' Vault setting, every
//! command says it cannot tell instead of printing Nomad's success text.

use crate::common;

use common::{run_in as run, TempDir};

fn project(tag: &str, version: &str, server: &str, task_extra: &str) -> TempDir {
    let dir = TempDir::new(&format!("vault-{tag}"));
    dir.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"{version}\"\n{server}\nclient \"c\" {{\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4000\n  disk       = 10000\n  drivers    = [\"docker\"]\n}}\n"
        ),
    );
    dir.put(
        "jobs/j.nomad",
        &format!(
            "job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"busybox:1.36\"\n      }}\n{task_extra}      resources {{\n        cpu    = 100\n        memory = 64\n      }}\n    }}\n  }}\n}}\n"
        ),
    );
    dir
}

const VAULT: &str = "      vault {\n        policies = [\"p\"]\n      }\n";
const OFF: &str = "server {\n  vault {\n    enabled = false\n  }\n}\n";
const ON: &str = "server {\n  vault {\n    enabled = true\n  }\n}\n";

fn plan(dir: &TempDir) -> common::Out {
    run(&dir.0, &["plan", "--no-color", "jobs/j.nomad"])
}

#[test]
fn servers_without_vault_refuse_the_plan_from_1_3() {
    // 1.6: one entry of the validators' multierror; the API client trims.
    let o = plan(&project("off-16", "1.6.0", OFF, VAULT));
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert_eq!(
        o.stderr,
        "Error during plan: Unexpected response code: 500 (1 error occurred:\n\t* Vault not enabled but used in the job)\n"
    );
    assert!(o.stdout.is_empty(), "{}", o.stdout);
    // 1.7 names the cluster (VaultConfigs[vaultBlock.Cluster]).
    let o = plan(&project("off-17", "1.7.0", OFF, VAULT));
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr
            .contains("* Vault \"default\" not enabled but used in the job"),
        "{}",
        o.stderr
    );
    // `nomad job validate` runs the same validators from 1.3.
    let o = run(
        &project("off-val", "1.6.0", OFF, VAULT).0,
        &["validate", "--no-color", "jobs/j.nomad"],
    );
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains(
            "Job validation errors:\n1 error occurred:\n\t* Vault not enabled but used in the job"
        ),
        "{}",
        o.stderr
    );
    // check: NP210, an error.
    let o = run(
        &project("off-chk", "1.6.0", OFF, VAULT).0,
        &["check", "--no-color", "jobs/j.nomad"],
    );
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("NP210"), "{}{}", o.stdout, o.stderr);
}

/// Does stderr speak of Vault, beyond the note that hand-written clients
/// are assumed to reach it (c31560d, tests/plan_assumptions)?
fn vault_said(stderr: &str) -> bool {
    stderr
        .lines()
        .filter(|l| !l.starts_with("note: planned as if every hand-written client"))
        .any(|l| l.contains("Vault"))
}

#[test]
fn enabled_vault_plans_as_nomad_does() {
    for version in ["1.2.0", "1.6.0", "2.0.5"] {
        let o = plan(&project(&format!("on-{version}"), version, ON, VAULT));
        assert_eq!(o.code, 1, "{version}: {}{}", o.stdout, o.stderr);
        assert!(
            o.stdout.contains("All tasks successfully allocated."),
            "{version}: {}",
            o.stdout
        );
        assert!(!vault_said(&o.stderr), "{version}: {}", o.stderr);
    }
    // No vault block: the servers' Vault setting does not matter.
    let o = plan(&project("none", "1.6.0", "", ""));
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(!vault_said(&o.stderr), "{}", o.stderr);
}

#[test]
fn an_unstated_vault_setting_is_never_an_all_clear() {
    let dir = project("unstated", "1.6.0", "", VAULT);
    let o = plan(&dir);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.is_empty(), "{}", o.stdout);
    assert!(
        o.stderr.starts_with("error: cannot tell whether Nomad 1.6.0's servers accept job \"j\": it uses Vault (task \"t\" of group \"g\")"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains("server { vault { enabled = true } }"),
        "{}",
        o.stderr
    );
    assert_eq!(o.stderr.lines().count(), 1, "{}", o.stderr);
    // The same in JSON.
    let o = run(&dir.0, &["plan", "--format", "json", "jobs/j.nomad"]);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("json");
    assert_eq!(v["Preflight"]["Vault"]["Known"], false, "{}", o.stdout);
    assert_eq!(v["Preflight"]["Vault"]["Why"]["ServersStated"], false);
    assert!(v["Preflight"]["Error"]
        .as_str()
        .is_some_and(|e| e.contains("cannot tell")));
    // validate: no success text, the same line, exit 255.
    let o = run(&dir.0, &["validate", "--no-color", "jobs/j.nomad"]);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(!o.stdout.contains("successful"), "{}", o.stdout);
    assert!(o.stderr.contains("cannot tell"), "{}", o.stderr);
    // check: NP211, cannot tell (exit 2).
    let o = run(&dir.0, &["check", "--no-color", "jobs/j.nomad"]);
    assert_eq!(o.code, 2, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("NP211"), "{}{}", o.stdout, o.stderr);
}

#[test]
fn before_1_3_the_plan_is_silent_and_the_run_is_warned() {
    // Nomad 1.2's plan never checks Vault: its text stands, and our
    // warning says `nomad job run` will fail (exit 1).
    let o = plan(&project("off-12", "1.2.0", OFF, VAULT));
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains("All tasks successfully allocated."),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout
            .contains("`nomad job run` will fail: Vault not enabled and Vault policies requested"),
        "{}",
        o.stdout
    );
    // Unstated: Nomad's plan text, and a note that the run is unknown.
    let o = plan(&project("unstated-12", "1.2.0", "", VAULT));
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr
            .contains("note: cannot tell whether Nomad 1.2.0's servers accept"),
        "{}",
        o.stderr
    );
}

#[test]
fn a_token_checked_against_vault_cannot_be_known() {
    let server = "server {\n  vault {\n    enabled               = true\n    allow_unauthenticated = false\n  }\n}\n";
    let o = plan(&project("token", "1.6.0", server, VAULT));
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains("does not allow unauthenticated use"),
        "{}",
        o.stderr
    );
    assert!(o.stdout.is_empty(), "{}", o.stdout);
}

#[test]
fn the_server_block_takes_vault_names_from_1_7() {
    let named = "server {\n  vault {\n    enabled = true\n  }\n  vault {\n    name    = \"other\"\n    enabled = false\n  }\n}\n";
    let task = "      vault {\n        cluster = \"other\"\n      }\n";
    let o = plan(&project("named", "2.0.5", named, task));
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr
            .contains("* Vault \"other\" not enabled but used in the job"),
        "{}",
        o.stderr
    );
    // Before 1.7 the agent has one `vault` block and no `name`.
    let o = plan(&project("named-16", "1.6.0", named, VAULT));
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(o.stderr.contains("name"), "{}", o.stderr);
}

/// An import states the servers' Vault setting when its `agent-self.json`
/// was saved from a server: `config.Vaults` (1.7+) or `config.Vault`
/// (before), `Enabled` a pointer (unset: not enabled). `import --write`
/// keeps it, so the written world judges the same.
#[test]
fn an_import_reads_the_servers_vault_from_agent_self() {
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import-allocs/host-volumes");
    let job = "job \"j\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"exec\"\n      config {\n        command = \"/bin/date\"\n      }\n      vault {\n        policies = [\"p\"]\n      }\n    }\n  }\n}\n";
    let server = |build: &str, config: &str| {
        format!(
            r#"{{"member": {{"Tags": {{"build": "{build}", "region": "global", "role": "nomad"}}}}, "config": {config}}}"#
        )
    };
    let cases = [
        (
            "on-18",
            server(
                "1.8.0",
                r#"{"Consuls": [{"Name": "default"}], "Vaults": [{"Name": "default", "Enabled": true}]}"#,
            ),
            "ok",
        ),
        (
            "off-18",
            server(
                "1.8.0",
                r#"{"Consuls": [{"Name": "default"}], "Vaults": [{"Name": "default", "Enabled": null}]}"#,
            ),
            "* Vault \"default\" not enabled but used in the job",
        ),
        (
            "off-16",
            server("1.6.0", r#"{"Vault": {"Enabled": false}}"#),
            "* Vault not enabled but used in the job",
        ),
        (
            "client",
            r#"{"member": {"Tags": {"build": "1.8.0"}}}"#.to_string(),
            "save agent-self.json from a server into the import",
        ),
    ];
    for (tag, agent, expect) in cases {
        let dir = TempDir::new(&format!("vault-import-{tag}"));
        for f in ["nodes.json", "allocations.json", "scheduler.json"] {
            std::fs::copy(fixture.join(f), dir.0.join(f)).unwrap();
        }
        dir.put("agent-self.json", &agent);
        dir.import_rest("");
        dir.put("j.nomad", job);
        let o = run(&dir.0, &["plan", "--no-color", "--world", ".", "j.nomad"]);
        if expect == "ok" {
            assert_eq!(o.code, 1, "{tag}: {}{}", o.stdout, o.stderr);
            assert!(
                o.stdout.contains("Scheduler dry-run"),
                "{tag}: {}",
                o.stdout
            );
        } else {
            assert_eq!(o.code, 255, "{tag}: {}{}", o.stdout, o.stderr);
            assert!(o.stderr.contains(expect), "{tag}: {}", o.stderr);
        }
        // The written world keeps the servers' setting.
        let w = run(&dir.0, &["import", ".", "--write", "out/rules"]);
        assert_eq!(w.code, 0, "{tag}: {}{}", w.stdout, w.stderr);
        std::fs::copy(dir.0.join("j.nomad"), dir.0.join("out/j.nomad")).unwrap();
        let o = run(&dir.0.join("out"), &["plan", "--no-color", "j.nomad"]);
        match expect {
            "ok" => assert_eq!(o.code, 1, "{tag} written: {}{}", o.stdout, o.stderr),
            e if e.starts_with('*') => {
                assert_eq!(o.code, 255, "{tag} written: {}{}", o.stdout, o.stderr);
                assert!(o.stderr.contains(e), "{tag} written: {}", o.stderr);
            }
            _ => {
                assert_eq!(o.code, 255, "{tag} written: {}{}", o.stdout, o.stderr);
                assert!(
                    o.stderr.contains("server { vault { enabled = true } }"),
                    "{tag} written: {}",
                    o.stderr
                );
            }
        }
    }
}

/// jobValidate's Vault identity check (nomad/job_endpoint_hooks.go
/// `validateVaultIdentity`, 1.7+), after the other validators: 1.7–1.9
/// refuse a default-cluster Vault block with neither policies nor a Vault
/// identity (the legacy token flow needs policies); the servers'
/// `default_identity` gives every Vault task one.
#[test]
fn a_vault_block_without_policies_needs_an_identity_from_1_7_to_1_9() {
    let bare = "      vault {\n        change_mode = \"restart\"\n      }\n";
    let o = plan(&project("bare-18", "1.8.0", ON, bare));
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert_eq!(
        o.stderr,
        "Error during plan: Unexpected response code: 500 (1 error occurred:\n\t* Task t has a Vault block with an empty list of policies)\n"
    );
    // `nomad job validate` runs the same validator.
    let dir = project("bare-18-val", "1.8.0", ON, bare);
    let o = run(&dir.0, &["validate", "--no-color", "jobs/j.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .contains("Task t has a Vault block with an empty list of policies")
            || o.stderr
                .contains("Task t has a Vault block with an empty list of policies"),
        "{}{}",
        o.stdout,
        o.stderr
    );
    // The servers' default identity gives the task `vault_default`.
    let with_identity = "server {\n  vault {\n    enabled = true\n    default_identity {\n      aud = [\"vault.io\"]\n      ttl = \"1h\"\n    }\n  }\n}\n";
    let o = plan(&project("wid-18", "1.8.0", with_identity, bare));
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains("- All tasks successfully allocated."),
        "{}",
        o.stdout
    );
    // 1.10 dropped the legacy flow's check.
    let o = plan(&project("bare-110", "1.10.0", ON, bare));
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains("- All tasks successfully allocated."),
        "{}",
        o.stdout
    );
}

/// Nomad runs every admission validator (nomad/job_endpoint.go
/// `admissionValidators`, 1.3+): a job that fails another one (here
/// jobValidate's priority bound, 1.5+, or the namespace validator) gets
/// one list that holds the Vault hook's entry too. With the servers'
/// Vault setting stated, that list is Nomad's; where the world does not
/// state it, the entry is unknown, so `plan` and `validate` say "cannot
/// tell" (`Preflight.Vault` in JSON) instead of a list without it: the
/// job is refused either way, so `validate` exits 1 as Nomad's does and
/// `plan` 255, and `check` reports NP211 beside the file's error (exit 1).
#[test]
fn a_refused_jobs_list_is_never_printed_without_the_vault_hooks_entry() {
    let priority = |dir: &TempDir| {
        let path = dir.0.join("jobs/j.nomad");
        let text = std::fs::read_to_string(&path).expect("job");
        let text = text.replacen("  group", "  priority    = 500\n  group", 1);
        std::fs::write(&path, text).expect("write");
    };
    // Stated off: the hook's entry first, then jobValidate's.
    let dir = project("list-off", "1.6.0", OFF, VAULT);
    priority(&dir);
    let o = plan(&dir);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr.starts_with("Error during plan: Unexpected response code: 500 (2 errors occurred:\n\t* Vault not enabled but used in the job\n\t* job priority must be between [1, 100])\n"),
        "{}",
        o.stderr
    );
    // Unstated: the one line, never the list without the entry.
    let dir = project("list-unstated", "1.6.0", "", VAULT);
    priority(&dir);
    let o = plan(&dir);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr.starts_with(
            "error: Nomad refuses this job (the errors below), but the whole of what it prints is not known: cannot tell whether Nomad 1.6.0's servers accept job \"j\": it uses Vault"
        ),
        "{}",
        o.stderr
    );
    assert!(!o.stderr.contains("Error during plan"), "{}", o.stderr);
    let o = run(&dir.0, &["plan", "--format", "json", "jobs/j.nomad"]);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("json");
    assert_eq!(v["Preflight"]["Vault"]["Known"], false, "{}", o.stdout);
    let o = run(&dir.0, &["validate", "--no-color", "jobs/j.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr.starts_with("error: Nomad refuses this job"),
        "{}",
        o.stderr
    );
    assert!(!o.stderr.contains("Job validation errors"), "{}", o.stderr);
    let o = run(&dir.0, &["check", "--no-color", "jobs/j.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("NP211"), "{}{}", o.stdout, o.stderr);
    // A job that loads but names a namespace the servers lack: refused by
    // the namespace validator, with the Vault entry unknown beside it.
    let dir = project("ns-unstated", "1.6.0", "", VAULT);
    let path = dir.0.join("jobs/j.nomad");
    let text = std::fs::read_to_string(&path).expect("job");
    std::fs::write(
        &path,
        text.replacen("  group", "  namespace   = \"nope\"\n  group", 1),
    )
    .expect("write");
    let o = plan(&dir);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(o.stderr.starts_with("error: cannot tell"), "{}", o.stderr);
    assert!(!o.stderr.contains("nonexistent namespace"), "{}", o.stderr);
    let o = run(&dir.0, &["validate", "--no-color", "jobs/j.nomad"]);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(!o.stderr.contains("Job validation errors"), "{}", o.stderr);
    // Before 1.3 the plan has no Vault hook: Nomad's own list stands.
    let dir = project("list-12", "1.2.0", "", VAULT);
    priority(&dir);
    let o = plan(&dir);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(o.stderr.starts_with("Error during plan:"), "{}", o.stderr);
}

/// The community edition's Vault hook refuses a Vault `cluster` other than
/// `default` (nomad/job_endpoint_hook_vault_ce.go
/// `validateClustersForNamespace`, 1.7.0 to 2.0.5), once every cluster the
/// job uses is enabled (the `not enabled` check comes first), before the
/// token look-up (1.7–1.9). It planned as a false all-clear. Enterprise's
/// hook is not public (its releases take the cluster); an unstated edition
/// cannot tell.
#[test]
fn the_community_edition_refuses_a_non_default_vault_cluster() {
    let two = "server {\n  vault {\n    enabled = true\n  }\n  vault {\n    name    = \"other\"\n    enabled = true\n  }\n}\n";
    let task = "      vault {\n        cluster = \"other\"\n      }\n      identity {\n        name = \"vault_other\"\n        aud  = [\"vault.io\"]\n        ttl  = \"1h\"\n      }\n";
    let with = |edition: &str| format!("edition = \"{edition}\"\n{two}");
    for v in ["1.7.0", "1.9.0", "2.0.5"] {
        let dir = project(&format!("ce-cluster-{v}"), v, &with("community"), task);
        let o = plan(&dir);
        assert_eq!(o.code, 255, "{v}: {}{}", o.stdout, o.stderr);
        assert_eq!(
            o.stderr,
            "Error during plan: Unexpected response code: 500 (1 error occurred:\n\t* non-default Vault cluster requires Nomad Enterprise)\n",
            "{v}"
        );
        let o = run(&dir.0, &["validate", "--no-color", "jobs/j.nomad"]);
        assert_eq!(o.code, 1, "{v}: {}{}", o.stdout, o.stderr);
        assert!(
            o.stderr.contains("Job validation errors:\n1 error occurred:\n\t* non-default Vault cluster requires Nomad Enterprise\n"),
            "{v}: {}",
            o.stderr
        );
        let o = run(&dir.0, &["check", "--no-color", "jobs/j.nomad"]);
        assert_eq!(o.code, 1, "{v}: {}{}", o.stdout, o.stderr);
        assert!(o.stdout.contains("NP217"), "{v}: {}", o.stdout);
    }
    // A token-checked cluster: the cluster check comes first, so known.
    let token = with("community").replace(
        "name    = \"other\"\n    enabled = true",
        "name    = \"other\"\n    enabled = true\n    allow_unauthenticated = false",
    );
    let o = plan(&project("ce-cluster-token", "1.8.0", &token, task));
    assert!(
        o.stderr
            .contains("non-default Vault cluster requires Nomad Enterprise"),
        "{}",
        o.stderr
    );
    // A disabled cluster: the hook's first check answers.
    let off = with("community").replace(
        "name    = \"other\"\n    enabled = true",
        "name    = \"other\"\n    enabled = false",
    );
    let o = plan(&project("ce-cluster-off", "2.0.5", &off, task));
    assert!(
        o.stderr
            .contains("* Vault \"other\" not enabled but used in the job)"),
        "{}",
        o.stderr
    );
    // Nomad Enterprise takes it, and constrains on the cluster's own
    // fingerprint (vaultConstraintFn, job_endpoint_hooks.go:381-393@v2.0.5),
    // which this world's client does not report; an unstated edition
    // cannot tell.
    // The client states it reaches no cluster "other" (unstated, the
    // fingerprint of a named cluster cannot be told: fix27c).
    let dir = project("ent-cluster", "2.0.5", &with("enterprise"), task);
    let cluster = std::fs::read_to_string(dir.0.join("rules/cluster.hcl")).expect("read");
    dir.put(
        "rules/cluster.hcl",
        &cluster.replace(
            "  drivers    = [\"docker\"]\n}",
            "  drivers    = [\"docker\"]\n  attributes = { \"vault.other.version\" = \"\" }\n}",
        ),
    );
    let o = plan(&dir);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains(
            "* Constraint \"${attr.vault.other.version} semver >= 1.11.0\": 1 nodes excluded by filter"
        ),
        "{}",
        o.stdout
    );
    let o = plan(&project("unstated-cluster", "2.0.5", two, task));
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(o.stderr.contains("cannot tell"), "{}", o.stderr);
    assert!(
        o.stderr.contains("non-default Vault `cluster`"),
        "{}",
        o.stderr
    );
    // Before 1.7 there is no cluster.
    let o = plan(&project(
        "ce-16",
        "1.6.0",
        &format!("edition = \"community\"\n{ON}"),
        VAULT,
    ));
    assert!(!o.stderr.contains("non-default"), "{}", o.stderr);
}

/// From 1.10 the community edition's Vault hook refuses any Vault
/// `namespace` before its cluster check (job_endpoint_hook_vault_ce.go
/// `validateNamespaces`, no longer behind a token: `multiple Vault
/// namespaces requires Nomad Enterprise, Namespaces: a`). It planned as a
/// false all-clear. Two namespaces come from a go-set (a Go map): their
/// order is chance, so every command says it cannot tell.
#[test]
fn the_community_edition_refuses_vault_namespaces_from_1_10() {
    let ce = format!("edition = \"community\"\n{ON}");
    let one = "      vault {\n        namespace = \"a\"\n        policies  = [\"p\"]\n      }\n";
    for v in ["1.10.0", "2.0.5"] {
        let dir = project(&format!("ce-ns-{v}"), v, &ce, one);
        let o = plan(&dir);
        assert_eq!(o.code, 255, "{v}: {}{}", o.stdout, o.stderr);
        assert_eq!(
            o.stderr,
            "Error during plan: Unexpected response code: 500 (1 error occurred:\n\t* multiple Vault namespaces requires Nomad Enterprise, Namespaces: a)\n",
            "{v}"
        );
        let o = run(&dir.0, &["check", "--no-color", "jobs/j.nomad"]);
        assert_eq!(o.code, 1, "{v}: {}{}", o.stdout, o.stderr);
        assert!(o.stdout.contains("NP217"), "{v}: {}", o.stdout);
    }
    // 1.9 looks the namespace up only behind a token: admitted here.
    let o = plan(&project("ce-ns-19", "1.9.0", &ce, one));
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    // Enterprise takes it; an unstated edition cannot tell.
    let ent = format!("edition = \"enterprise\"\n{ON}");
    let o = plan(&project("ent-ns", "2.0.5", &ent, one));
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    let o = plan(&project("unstated-ns", "2.0.5", ON, one));
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(o.stderr.contains("cannot tell"), "{}", o.stderr);
    // Two namespaces: refused, in an order Nomad does not fix.
    let job = "job \"j\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"busybox:1.36\"\n      }\n      vault {\n        namespace = \"a\"\n        policies  = [\"p\"]\n      }\n    }\n    task \"u\" {\n      driver = \"docker\"\n      config {\n        image = \"busybox:1.36\"\n      }\n      vault {\n        namespace = \"b\"\n        policies  = [\"p\"]\n      }\n    }\n  }\n}\n";
    let dir = project("ce-ns-two", "2.0.5", &ce, "");
    dir.put("jobs/j.nomad", job);
    let o = plan(&dir);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains("cannot tell") && o.stderr.contains("Go's random map order"),
        "{}",
        o.stderr
    );
    assert!(!o.stderr.contains("Namespaces: a, b"), "{}", o.stderr);
    // Refused for sure whatever the order (the community edition refuses
    // two namespaces): `validate` exits 1 as Nomad's does, its words not
    // known.
    let o = run(&dir.0, &["validate", "--no-color", "jobs/j.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr.starts_with("error: Nomad refuses this job (the errors below), but the whole of what it prints is not known: "),
        "{}",
        o.stderr
    );
    assert!(!o.stderr.contains("Namespaces: a, b"), "{}", o.stderr);
}
