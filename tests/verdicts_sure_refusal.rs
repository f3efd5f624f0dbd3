//! Issue 13, "the three commands never disagree", for a job Nomad refuses
//! for sure beside an entry of the servers' list the world does not give
//! (`planner::entry_unknown`): the Vault hook's (servers' Vault not
//! stated), Enterprise's namespace clusters, the community edition's (the
//! edition not stated), a `regexp` value Go's size limits may refuse, a
//! time zone the servers' zone files decide, and the namespace validator's
//! (namespaces not listed). An unknown entry adds to the list, never
//! removes from it, so the sure entry (a node pool that does not exist,
//! Job.Validate's priority bound) refuses the job whatever it says:
//!
//! - `validate` exits 1 as Nomad's does (`jr.Error != ""`), with one line
//!   that says the job is refused and only the words are unknown, then the
//!   known entries (it said 255, "cannot tell", for a job that loads);
//! - `plan` exits 255 with the same line (for the edition it printed
//!   Nomad's list without the community edition's entry);
//! - `check` exits 1 on the sure finding, beside the "cannot tell" one (on
//!   a file that does not load it dropped the time zone's NP223 and the
//!   namespace's NP216).
//!
//! `NOMAD_PREFLIGHT_BIN` runs the same cases against another build.

use crate::common;

use common::TempDir;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(d: &TempDir, args: &[&str], env: &[(&str, &std::path::Path)]) -> Run {
    let bin = std::env::var_os("NOMAD_PREFLIGHT_BIN")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(common::bin);
    let o = std::process::Command::new(bin)
        .current_dir(&d.0)
        .arg("--no-color")
        .args(args)
        .envs(env.iter().copied())
        .env_remove("NOMAD_NAMESPACE")
        .env_remove("NOMAD_REGION")
        .env_remove("VAULT_TOKEN")
        .env_remove("TZ")
        .env_remove("NOMAD_PREFLIGHT_THREADS")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("the binary runs");
    Run {
        code: o.status.code().expect("exit code"),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

const REFUSED: &str = "error: Nomad refuses this job (the errors below), but the whole of what it prints is not known: ";
const POOL: &str = "  * job \"j\" is in nonexistent node pool \"nope\"";

fn cluster(version: &str) -> String {
    format!("nomad_version = \"{version}\"\nregion = \"global\"\n\nclient \"web\" {{\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 8000\n  disk       = 20000\n  drivers    = [\"docker\"]\n  meta       = {{ rack = \"abcd\" }}\n}}\n")
}

/// Job `j` with `top` in its job block and `task`, `resources` in its task.
fn job(top: &str, task: &str, resources: &str) -> String {
    format!("job \"j\" {{\n  datacenters = [\"dc1\"]\n{top}  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx:1.25.3\"\n      }}\n{task}      resources {{\n        cpu    = 100\n        memory = 64\n{resources}      }}\n    }}\n  }}\n}}\n")
}

/// A project under `version` whose namespaces are listed (`listed`) or not.
fn project(tag: &str, version: &str, listed: bool, j: &str) -> TempDir {
    let d = TempDir::new(&format!("sure-refusal-{tag}"));
    d.put("rules/cluster.hcl", &cluster(version));
    if listed {
        d.put("rules/namespaces/default.hcl", common::DEFAULT_NAMESPACE);
    }
    d.put("j.nomad", j);
    d
}

const VAULT: &str = "      vault {\n        policies = [\"x\"]\n      }\n";
const NUMA: &str = "        numa {\n          affinity = \"require\"\n        }\n";
const MISSING_POOL: &str = "  node_pool = \"nope\"\n";
const PRIORITY: &str = "  priority = 200\n";

fn periodic(zone: &str) -> String {
    format!("  type = \"batch\"\n  periodic {{\n    cron      = \"0 3 * * *\"\n    time_zone = \"{zone}\"\n  }}\n")
}

fn regexp() -> String {
    let big = format!("(?:{}){{1000}}", vec!["abcd"; 1000].join("|"));
    format!("  constraint {{\n    attribute = \"${{meta.rack}}\"\n    operator  = \"regexp\"\n    value     = \"{big}\"\n  }}\n")
}

/// A TZDIR holding Europe/Paris alone: America/Chicago is then a zone the
/// servers' files decide. None without a system copy of Paris.
fn partial_tzdir(d: &TempDir) -> Option<std::path::PathBuf> {
    let paris = std::fs::read("/usr/share/zoneinfo/Europe/Paris").ok()?;
    let dir = d.0.join("tzdir");
    std::fs::create_dir_all(dir.join("Europe")).expect("mkdir");
    std::fs::write(dir.join("Europe/Paris"), paris).expect("write");
    Some(dir)
}

/// The three verdicts on `j.nomad` in `d`: validate 1 and plan 255, both
/// with the line that says the job is refused (naming `unknown`), then
/// `entries` (the known ones, for a job that loads); check 1 with `sure`
/// a definite finding and `untold` a "cannot tell" one.
fn assert_sure(
    d: &TempDir,
    env: &[(&str, &std::path::Path)],
    unknown: &str,
    entries: Option<&str>,
    (sure, untold): (&str, &str),
) {
    for (cmd, code) in [("validate", 1), ("plan", 255)] {
        let o = run(d, &[cmd, "j.nomad"], env);
        assert_eq!(o.code, code, "{cmd}\n{}{}", o.stdout, o.stderr);
        let first = o.stderr.lines().find(|l| !l.starts_with("note: "));
        let first = first.unwrap_or_default();
        assert!(
            first.starts_with(REFUSED) && first.contains(unknown),
            "{cmd}\n{}",
            o.stderr
        );
        if let Some(entries) = entries {
            assert!(
                o.stderr.contains(&format!("\n{entries}\n")),
                "{cmd}\n{}",
                o.stderr
            );
        }
        assert!(
            !o.stdout.contains("Job validation successful"),
            "{cmd}\n{}",
            o.stdout
        );
    }
    let c = run(d, &["check", "--format", "json", "j.nomad"], env);
    assert_eq!(c.code, 1, "check\n{}{}", c.stdout, c.stderr);
    let doc: serde_json::Value = serde_json::from_str(&c.stdout).expect("check JSON");
    let findings = doc["findings"].as_array().expect("findings");
    let has = |code: &str, cannot_tell: bool| {
        findings
            .iter()
            .any(|f| f["code"] == code && (f["cannot_tell"] == true) == cannot_tell)
    };
    assert!(has(sure, false), "{sure}: {findings:?}");
    assert!(has(untold, true), "{untold}: {findings:?}");
}

/// A job that loads, refused for sure by the node pool validator (1.6+),
/// beside each entry the world does not give. Fails on the baseline:
/// `validate` exited 255 in every case; `plan` printed Nomad's list
/// without the community edition's entry for the `numa` block.
#[test]
fn a_missing_node_pool_beside_an_unknown_entry_is_a_refusal_in_all_three() {
    let vault = project("vault", "1.10.5", true, &job(MISSING_POOL, VAULT, ""));
    assert_sure(&vault, &[], "it uses Vault", Some(POOL), ("NP208", "NP211"));
    let numa = project("numa", "1.10.5", true, &job(MISSING_POOL, "", NUMA));
    let edition = "the world does not say which edition the servers run";
    assert_sure(&numa, &[], edition, Some(POOL), ("NP208", "NP217"));
    let top = format!("{MISSING_POOL}{}", regexp());
    let re = project("regexp", "2.0.5", true, &job(&top, "", ""));
    assert_sure(
        &re,
        &[],
        "the `regexp` constraint",
        Some(POOL),
        ("NP208", "NP215"),
    );
    let top = format!("{MISSING_POOL}  namespace = \"other\"\n");
    let ns = project("namespace", "1.10.5", false, &job(&top, "", ""));
    let unlisted = "the world does not list its namespaces";
    assert_sure(&ns, &[], unlisted, Some(POOL), ("NP208", "NP216"));
    let top = format!("{MISSING_POOL}{}", periodic("America/Chicago"));
    let tz = project("zone", "1.10.5", true, &job(&top, "", ""));
    if let Some(dir) = partial_tzdir(&tz) {
        let env = [("TZDIR", dir.as_path())];
        let zone = "its periodic time_zone \"America/Chicago\"";
        assert_sure(&tz, &env, zone, Some(POOL), ("NP208", "NP223"));
    }
}

/// A file Job.Validate refuses (priority 200) beside the time zone and
/// the namespace entries: `check` reports the cannot-tell finding beside
/// the error, as `plan` and `validate` say its line. Fails on the
/// baseline: `check` dropped NP223 and NP216 as findings that judge the
/// scheduling of a file that does not load.
#[test]
fn a_refused_file_keeps_the_unknown_entry_beside_its_errors() {
    let top = format!("{PRIORITY}  namespace = \"other\"\n");
    let ns = project("file-namespace", "1.10.5", false, &job(&top, "", ""));
    let unlisted = "the world does not list its namespaces";
    assert_sure(&ns, &[], unlisted, None, ("jobspec::range", "NP216"));
    let top = format!("{PRIORITY}{}", periodic("America/Chicago"));
    let tz = project("file-zone", "1.8.0", true, &job(&top, "", ""));
    if let Some(dir) = partial_tzdir(&tz) {
        let env = [("TZDIR", dir.as_path())];
        let zone = "its periodic time_zone \"America/Chicago\"";
        assert_sure(&tz, &env, zone, None, ("jobspec::range", "NP223"));
    }
    // Guard (both ways): the release not stated is not an entry of the
    // list but which servers judge the job: NP216 for it still gives way
    // to the file's errors.
    let d = TempDir::new("sure-refusal-release");
    d.put(
        "rules/cluster.hcl",
        &cluster("1.10.5").replace("nomad_version = \"1.10.5\"\n", ""),
    );
    d.put("rules/namespaces/default.hcl", common::DEFAULT_NAMESPACE);
    d.put("j.nomad", &job(PRIORITY, "", ""));
    let c = run(&d, &["check", "--format", "json", "j.nomad"], &[]);
    let doc: serde_json::Value = serde_json::from_str(&c.stdout).expect("check JSON");
    let findings = doc["findings"].as_array().expect("findings");
    assert!(
        !findings.iter().any(|f| f["code"] == "NP216"),
        "{findings:?}"
    );
}

const NODE: &str = r#"[{"ID": "0c1b2c3d-0000-4000-8000-000000000001", "Name": "n1", "Datacenter": "dc1",
  "NodePool": "default", "Status": "ready", "SchedulingEligibility": "eligible", "Drain": false,
  "Attributes": {"kernel.name": "linux", "cpu.arch": "amd64", "nomad.version": "1.7.2",
    "vault.version": "1.15.0", "vault.accessible": "true", "consul.version": "1.17.0"},
  "Drivers": {"docker": {"Detected": true, "Healthy": true}},
  "NodeResources": {"Cpu": {"CpuShares": 4000}, "Memory": {"MemoryMB": 4000}, "Disk": {"DiskMB": 10000},
    "Networks": [{"Mode": "host", "Device": "eth0", "IP": "10.0.0.1", "MBits": 1000}]}}]"#;

/// Enterprise's namespace clusters (a 1.7.2+ent import whose `default`
/// namespace denies Vault `default`, whose `prod` allows only its default
/// Consul cluster) beside a missing node pool. Fails
/// on the baseline: `validate` exited 255.
#[test]
fn a_missing_node_pool_beside_namespace_clusters_is_a_refusal_in_all_three() {
    let d = TempDir::new("sure-refusal-clusters");
    d.put("rules/import/nodes.json", NODE);
    d.put(
        "rules/import/agent-self.json",
        r#"{"member": {"Tags": {"build": "1.7.2+ent", "region": "global", "role": "nomad"}}, "config": {"Server": {}, "Vaults": [{"Name": "default", "Enabled": true}], "Consuls": [{"Name": "default"}], "ACL": {"Enabled": false}}}"#,
    );
    d.put(
        "rules/import/namespaces.json",
        r#"[{"Name": "default", "Description": "", "Quota": "", "Capabilities": null, "NodePoolConfiguration": null,
   "VaultConfiguration": {"Default": "", "Allowed": null, "Denied": ["default"]},
   "ConsulConfiguration": null, "Meta": null},
  {"Name": "prod", "Description": "", "Quota": "", "Capabilities": null, "NodePoolConfiguration": null,
   "VaultConfiguration": null,
   "ConsulConfiguration": {"Default": "default", "Allowed": [], "Denied": null}, "Meta": null}]"#,
    );
    d.put("rules/import/quotas.json", "[]");
    d.put("rules/import/jobs.json", "[]");
    d.put("rules/import/deployments.json", "[]");
    d.put("rules/import/namespaces-listed.txt", "default\nprod\n");
    d.import_rest("rules/import");
    // Vault in `default`, which denies Vault `default`; Consul (a
    // service) in `prod`, which allows only its default Consul cluster.
    d.put("j.nomad", &job(MISSING_POOL, VAULT, ""));
    let service = "      service {\n        name = \"web\"\n      }\n";
    let top = format!("{MISSING_POOL}  namespace = \"prod\"\n");
    d.put("c.nomad", &job(&top, service, ""));
    for (file, what) in [
        ("j.nomad", "namespace \"default\" sets which Vault clusters"),
        ("c.nomad", "namespace \"prod\" sets which Consul clusters"),
    ] {
        assert_clusters(&d, file, what);
    }
}

fn assert_clusters(d: &TempDir, file: &str, what: &str) {
    let args = |cmd: &'static str| [cmd, "--world", "rules/import", file];
    for (cmd, code) in [("validate", 1), ("plan", 255)] {
        let o = run(d, &args(cmd), &[]);
        assert_eq!(o.code, code, "{cmd} {file}\n{}{}", o.stdout, o.stderr);
        let first = o.stderr.lines().find(|l| l.starts_with("error: "));
        assert!(
            first.is_some_and(|l| l.starts_with(REFUSED) && l.contains(what)),
            "{cmd} {file}\n{}",
            o.stderr
        );
        assert!(
            o.stderr.contains("is in nonexistent node pool \"nope\"\n"),
            "{cmd} {file}\n{}",
            o.stderr
        );
    }
    let json = ["check", "--world", "rules/import", "--format", "json", file];
    let c = run(d, &json, &[]);
    assert_eq!(c.code, 1, "check {file}\n{}{}", c.stdout, c.stderr);
    let doc: serde_json::Value = serde_json::from_str(&c.stdout).expect("check JSON");
    let findings = doc["findings"].as_array().expect("findings");
    let has = |code: &str, cannot_tell: bool| {
        findings
            .iter()
            .any(|f| f["code"] == code && (f["cannot_tell"] == true) == cannot_tell)
    };
    assert!(
        has("NP208", false) && has("NP216", true),
        "{file}: {findings:?}"
    );
}

/// A rehearsal's `nomad job plan` step says the same line as `plan` for a
/// sure refusal beside an unknown entry. Fails on the baseline (the
/// plain "cannot tell" line, as if the refusal were not sure).
#[test]
fn a_rehearsal_plan_step_says_the_sure_refusal_as_plan_does() {
    let d = project("rehearse", "1.10.5", true, &job(MISSING_POOL, VAULT, ""));
    d.put(
        "rehearsals/r.hcl",
        "rehearsal \"r\" {\n  description = \"sure refusal\"\n}\nstep \"plan\" {\n  command = \"nomad job plan j.nomad\"\n  expect {\n    exit_code = 255\n  }\n}\n",
    );
    let o = run(&d, &["rehearse", "--samples", "0", "rehearsals/r.hcl"], &[]);
    assert!(
        o.stdout.contains(&format!(
            "{REFUSED}cannot tell whether Nomad 1.10.5's servers accept job \"j\": it uses Vault"
        )),
        "{}{}",
        o.stdout,
        o.stderr
    );
}
