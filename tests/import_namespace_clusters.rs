//! A namespace's `VaultConfiguration` / `ConsulConfiguration` (Nomad
//! Enterprise 1.7+, api/namespace.go@v1.7.2): the default cluster of its
//! jobs and the clusters they may use. The Enterprise hooks that read it
//! are not public, so a job in such a namespace that uses Vault or Consul
//! cannot be judged: `plan` exits 255 with one line and
//! `Preflight.WorldGuess` kind `NamespaceClusters`, `validate` and `check`
//! agree, and `import --write` refuses to write a world that would lose
//! it. Jobs that use neither, and namespaces whose configuration changes
//! nothing (`null`, or `Default` "default" without lists), plan as before
//! (redteam9 R9-8).

use crate::common;

use common::{run_in, TempDir};

const NODE: &str = r#"[{"ID": "0c1b2c3d-0000-4000-8000-000000000001", "Name": "n1", "Datacenter": "dc1",
  "NodePool": "default", "Status": "ready", "SchedulingEligibility": "eligible", "Drain": false,
  "Attributes": {"kernel.name": "linux", "cpu.arch": "amd64", "nomad.version": "1.7.2",
    "vault.version": "1.15.0", "vault.accessible": "true", "consul.version": "1.17.0"},
  "Drivers": {"docker": {"Detected": true, "Healthy": true}},
  "NodeResources": {"Cpu": {"CpuShares": 4000}, "Memory": {"MemoryMB": 4000}, "Disk": {"DiskMB": 10000},
    "Networks": [{"Mode": "host", "Device": "eth0", "IP": "10.0.0.1", "MBits": 1000}]}}]"#;

/// A job `id` in `ns` whose task holds `task` (a `vault` block, a
/// `service`, a `template`...).
fn job(id: &str, ns: &str, task: &str) -> String {
    format!(
        "job \"{id}\" {{\n  namespace = \"{ns}\"\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis:7\"\n      }}\n{task}      resources {{\n        cpu    = 100\n        memory = 64\n      }}\n    }}\n  }}\n}}\n"
    )
}

const VAULT: &str = "      vault {\n        policies = [\"app\"]\n      }\n";
const SERVICE: &str = "      service {\n        name = \"web\"\n      }\n";
const TEMPLATE: &str =
    "      template {\n        data        = \"x\"\n        destination = \"local/x\"\n      }\n";

/// A 1.7.2+ent import whose servers enable Vault and Consul `default`,
/// with the namespaces `namespaces` (namespaces.json's entries) and the
/// jobs written beside it.
fn import(tag: &str, namespaces: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put("import/nodes.json", NODE);
    d.put(
        "import/agent-self.json",
        r#"{"member": {"Tags": {"build": "1.7.2+ent", "region": "global", "role": "nomad"}}, "config": {"Server": {}, "Vaults": [{"Name": "default", "Enabled": true}], "Consuls": [{"Name": "default"}], "ACL": {"Enabled": false}}}"#,
    );
    d.put("import/namespaces.json", namespaces);
    d.put("import/quotas.json", "[]");
    d.put("import/jobs.json", "[]");
    d.put("import/deployments.json", "[]");
    d.put("import/namespaces-listed.txt", "default\nprod\n");
    d.import_rest("import");
    d.put("vaulted.nomad", &job("vaulted", "default", VAULT));
    d.put("served.nomad", &job("served", "default", SERVICE));
    d.put("templated.nomad", &job("templated", "default", TEMPLATE));
    d.put("plain.nomad", &job("plain", "default", ""));
    d.put("prod-vaulted.nomad", &job("pv", "prod", VAULT));
    d.put("prod-served.nomad", &job("ps", "prod", SERVICE));
    d
}

/// R9-8's namespaces: `default` denies Vault `default`, `prod` allows
/// only its default Consul cluster (an empty `Allowed`).
const RESTRICTED: &str = r#"[
  {"Name": "default", "Description": "", "Quota": "", "Capabilities": null, "NodePoolConfiguration": null,
   "VaultConfiguration": {"Default": "", "Allowed": null, "Denied": ["default"]},
   "ConsulConfiguration": null, "Meta": null},
  {"Name": "prod", "Description": "", "Quota": "", "Capabilities": null, "NodePoolConfiguration": null,
   "VaultConfiguration": null,
   "ConsulConfiguration": {"Default": "default", "Allowed": [], "Denied": null}, "Meta": null}
]"#;

fn plan(d: &TempDir, file: &str, json: bool) -> common::Out {
    let mut args = vec!["plan", "--world", "import", file];
    if json {
        args.extend(["--format", "json"]);
    }
    run_in(&d.0, &args)
}

fn placed(o: &common::Out) -> bool {
    (o.code == 0 || o.code == 1) && o.stdout.contains("- All tasks successfully allocated.")
}

/// One `error:` line naming the namespace and the service, no Nomad
/// text, exit 255; the JSON's kind; `validate` and `check` agree.
fn assert_unknown(d: &TempDir, file: &str, ns: &str, service: &str) {
    let o = plan(d, file, false);
    assert_eq!(o.code, 255, "{file}: {}{}", o.stdout, o.stderr);
    assert!(o.stdout.is_empty(), "{file}: no Nomad text: {}", o.stdout);
    let errors: Vec<&str> = o
        .stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(errors.len(), 1, "{file}: {}", o.stderr);
    assert!(
        errors[0].contains(&format!("namespace \"{ns}\" sets which {service} clusters"))
            && errors[0].contains(&format!("uses {service}")),
        "{file}: {}",
        errors[0]
    );
    let j = plan(d, file, true);
    assert_eq!(j.code, 255, "{file}");
    let v: serde_json::Value = serde_json::from_str(&j.stdout).expect("json");
    let g = &v["Preflight"]["WorldGuess"];
    assert_eq!(g["Kind"], "NamespaceClusters", "{file}: {g}");
    assert_eq!(g["Namespace"], ns, "{file}: {g}");
    assert_eq!(g["Service"], service, "{file}: {g}");
    let val = run_in(&d.0, &["validate", "--world", "import", file]);
    assert_eq!(val.code, 255, "{file}: {}{}", val.stdout, val.stderr);
    assert!(
        !val.stdout.contains("Job validation successful"),
        "{file}: {}",
        val.stdout
    );
    let check = run_in(
        &d.0,
        &[
            "check",
            "--world",
            "import",
            "--output-format",
            "concise",
            file,
        ],
    );
    // NP216 cannot tell: check exits 2.
    assert_eq!(check.code, 2, "{file}: {}{}", check.stdout, check.stderr);
    assert!(
        check.stdout.contains("NP216 [error]"),
        "{file}: {}",
        check.stdout
    );
}

#[test]
fn jobs_using_a_restricted_service_cannot_be_told() {
    let d = import("ns-clusters", RESTRICTED);
    // The load says it once, as a guess.
    let o = plan(&d, "plain.nomad", false);
    let warned: Vec<&str> = o
        .stderr
        .lines()
        .filter(|l| l.contains("import::namespace-clusters"))
        .collect();
    assert_eq!(warned.len(), 1, "{}", o.stderr);
    assert!(
        warned[0].contains("\"default\" (VaultConfiguration)")
            && warned[0].contains("\"prod\" (ConsulConfiguration)"),
        "{}",
        warned[0]
    );
    assert_unknown(&d, "vaulted.nomad", "default", "Vault");
    assert_unknown(&d, "prod-served.nomad", "prod", "Consul");
}

/// Templates: the implicit identities hook asks the task's Consul
/// cluster for a task with templates (1.7.0–1.9.x); a Consul-provider
/// service is what the Consul hook reads.
#[test]
fn templates_and_services_are_consul_uses() {
    let ns = r#"[{"Name": "default", "ConsulConfiguration": {"Default": "other", "Allowed": null, "Denied": null}}]"#;
    let d = import("ns-clusters-consul", ns);
    assert_unknown(&d, "served.nomad", "default", "Consul");
    assert_unknown(&d, "templated.nomad", "default", "Consul");
    // Vault is not restricted there.
    assert!(placed(&plan(&d, "vaulted.nomad", false)));
}

/// Guards (they pass before the fix too): nothing is refused too much.
#[test]
fn jobs_using_neither_and_unrestricted_namespaces_plan_as_before() {
    let d = import("ns-clusters-guard", RESTRICTED);
    // In the restricted namespaces, a job that uses neither service, or
    // only the one not restricted.
    for file in [
        "plain.nomad",
        "served.nomad",
        "templated.nomad",
        "prod-vaulted.nomad",
    ] {
        let o = plan(&d, file, false);
        assert!(placed(&o), "{file}: {}{}", o.stdout, o.stderr);
    }
    // Set but changing nothing: Nomad's default cluster, no lists.
    let ns = r#"[{"Name": "default",
      "VaultConfiguration": {"Default": "default", "Allowed": null, "Denied": null},
      "ConsulConfiguration": {"Default": "", "Allowed": null, "Denied": null}}]"#;
    let d = import("ns-clusters-trivial", ns);
    for file in ["vaulted.nomad", "served.nomad", "templated.nomad"] {
        let o = plan(&d, file, false);
        assert!(placed(&o), "{file}: {}{}", o.stdout, o.stderr);
        assert!(!o.stderr.contains("namespace-clusters"), "{}", o.stderr);
    }
}

/// The world format has no namespace `vault` or `consul` block: written,
/// the world would lose the restriction, so it is refused.
#[test]
fn import_write_refuses_to_lose_it() {
    let d = import("ns-clusters-write", RESTRICTED);
    let w = run_in(&d.0, &["import", "import", "--write", "out/rules"]);
    assert_eq!(w.code, 2, "{}{}", w.stdout, w.stderr);
    assert!(
        w.stderr.contains("import::guess-not-written") && w.stderr.contains("VaultConfiguration"),
        "{}",
        w.stderr
    );
    assert!(!d.0.join("out").exists(), "nothing written");
}
