//! An import folder that lacks a file never reads as "nothing there": a
//! cluster without allocations is a false all-clear for capacity, ports,
//! quotas and preemption, and a missing agent-self.json silently simulated
//! the current release. Each file is judged as Nomad would fill the gap:
//! - agent-self.json absent: the release is unknown, the same guess as an
//!   unusable build tag (`import::version`), stated by `--nomad-version`;
//! - allocations.json, scheduler.json, jobs/: always part of the state,
//!   so absent (or empty: what the saving shell leaves when the endpoint
//!   refused) makes every job unknown (`import::not-saved`);
//! - quotas.json: Enterprise-only at every release, so a community
//!   cluster's empty file is "no quotas"; on Enterprise it is a guess;
//! - namespaces.json: a guess from 1.0 (open source namespaces) or on
//!   Enterprise; a community cluster before 1.0 has `default` alone;
//! - a file that is there but cannot be read is an error, not absent.
//!
//! Every guess is one stderr line, `Preflight.WorldGuess` in the JSON,
//! exit 255 from `plan`, NP216 from `check`; `import --write` refuses to
//! write a world that would state the gap as fact.

use crate::common;

use common::{run_in, TempDir};

const NODE: &str = r#"[{"ID": "0c1b2c3d-0000-4000-8000-000000000001", "Name": "n1", "Datacenter": "dc1",
  "NodePool": "default", "Status": "ready", "SchedulingEligibility": "eligible", "Drain": false,
  "Attributes": {"kernel.name": "linux", "cpu.arch": "amd64"},
  "Drivers": {"docker": {"Detected": true, "Healthy": true}},
  "NodeResources": {"Cpu": {"CpuShares": 4000}, "Memory": {"MemoryMB": 4000}, "Disk": {"DiskMB": 10000},
    "Networks": [{"Mode": "host", "Device": "eth0", "IP": "10.0.0.1", "MBits": 1000}]}}]"#;

const JOB: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"nginx:1\"\n      }\n      resources {\n        cpu    = 100\n        memory = 64\n      }\n    }\n  }\n}\n";

/// A whole import of one node at `build`, with the job beside it.
fn import(tag: &str, build: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put("import/nodes.json", NODE);
    d.put(
        "import/agent-self.json",
        &format!(r#"{{"member": {{"Tags": {{"build": "{build}", "region": "global"}}}}}}"#),
    );
    d.import_rest("import");
    d.put("web.nomad", JOB);
    d
}

fn plan(d: &TempDir, extra: &[&str]) -> common::Out {
    let mut args = vec!["plan", "--world", "import", "web.nomad"];
    args.extend_from_slice(extra);
    run_in(&d.0, &args)
}

fn placed(o: &common::Out) -> bool {
    (o.code == 0 || o.code == 1) && o.stdout.contains("- All tasks successfully allocated.")
}

/// The guess as every command shows it: one warning line naming the file,
/// one `error:` line, no Nomad text, exit 255; the JSON and `check` agree.
fn assert_unknown(d: &TempDir, file: &str, code: &str, kind: &str) {
    let o = plan(d, &[]);
    assert_eq!(o.code, 255, "{file}: {}{}", o.stdout, o.stderr);
    assert!(o.stdout.is_empty(), "{file}: no Nomad text: {}", o.stdout);
    let warned: Vec<&str> = o
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning: world: ") && l.contains(file))
        .collect();
    assert_eq!(warned.len(), 1, "{file}: {}", o.stderr);
    assert!(warned[0].contains(code), "{}", warned[0]);
    assert!(
        warned[0].ends_with("[the jobs it concerns are reported as unknown]"),
        "{}",
        warned[0]
    );
    let errors: Vec<&str> = o
        .stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(errors.len(), 1, "{file}: {}", o.stderr);
    assert!(errors[0].contains("job \"web\""), "{}", errors[0]);
    let j = plan(d, &["--format", "json"]);
    assert_eq!(j.code, 255);
    let v: serde_json::Value = serde_json::from_str(&j.stdout).expect("json");
    assert_eq!(v["Preflight"]["WorldGuess"]["Kind"], kind, "{file}");
    let check = run_in(
        &d.0,
        &[
            "check",
            "--world",
            "import",
            "--output-format",
            "concise",
            "web.nomad",
        ],
    );
    // NP216 cannot tell: check exits 2.
    assert_eq!(check.code, 2, "{file}: {}{}", check.stdout, check.stderr);
    assert!(
        check.stdout.contains("NP216 [error]"),
        "{file}: {}",
        check.stdout
    );
    let w = run_in(&d.0, &["import", "import", "--write", "out"]);
    assert_eq!(w.code, 2, "{file}: {}{}", w.stdout, w.stderr);
    assert!(
        w.stderr.contains("import::guess-not-written"),
        "{file}: {}",
        w.stderr
    );
    assert!(!d.0.join("out").exists(), "{file}: nothing written");
}

#[test]
fn a_whole_import_plans() {
    let d = import("not-saved-whole", "1.6.0");
    let o = plan(&d, &[]);
    assert!(placed(&o), "{}{}", o.stdout, o.stderr);
    assert!(!o.stderr.contains("warning: world"), "{}", o.stderr);
}

#[test]
fn an_import_without_agent_self_states_no_release_until_the_flag_does() {
    let d = import("not-saved-agent", "1.6.0");
    std::fs::remove_file(d.0.join("import/agent-self.json")).unwrap();
    // Without the build tag the edition is unknown too: quotas.json must
    // say there are none (an empty file could be a community refusal).
    d.put("import/quotas.json", "[]");
    assert_unknown(&d, "agent-self.json", "import::version", "Version");
    let o = plan(&d, &[]);
    assert!(
        o.stderr
            .contains("agent-self.json is not saved, so the servers' release is unknown; simulating Nomad 2.0.5"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("or pass --nomad-version"), "{}", o.stderr);
    // The flag states the release: the guess is gone, the plan is Nomad's.
    let o = plan(&d, &["--nomad-version", "1.6.0"]);
    assert!(placed(&o), "{}{}", o.stdout, o.stderr);
    assert!(!o.stderr.contains("warning: world"), "{}", o.stderr);
    // An empty file is the endpoint's refusal: not saved either.
    d.put("import/agent-self.json", "");
    assert_unknown(&d, "agent-self.json", "import::version", "Version");
}

#[test]
fn allocations_scheduler_and_jobs_not_saved_make_every_job_unknown() {
    for (file, what) in [
        ("allocations.json", "the running allocations are unknown"),
        ("scheduler.json", "the scheduler configuration"),
        ("jobs", "which jobs are registered"),
    ] {
        let d = import(&format!("not-saved-{file}"), "1.6.0");
        let p = d.0.join("import").join(file);
        if p.is_dir() {
            std::fs::remove_dir_all(&p).unwrap();
        } else {
            std::fs::remove_file(&p).unwrap();
        }
        assert_unknown(&d, file, "import::not-saved", "NotSaved");
        let o = plan(&d, &["--nomad-version", "1.6.0"]);
        assert_eq!(o.code, 255, "{file}: the flag states only the release");
        assert!(o.stderr.contains(what), "{file}: {}", o.stderr);
        if !p.ends_with("jobs") {
            // Empty: the endpoint refused, so the same.
            std::fs::write(&p, "\n").unwrap();
            assert_unknown(&d, file, "import::not-saved", "NotSaved");
        }
    }
}

#[test]
fn quotas_and_namespaces_follow_the_edition_and_release() {
    // Community: no quotas at any release, so an empty quotas.json (what
    // the saving shell leaves after `/v1/quotas` refuses) is the truth.
    let d = import("not-saved-quotas-ce", "1.6.0");
    d.put("import/quotas.json", "");
    assert!(placed(&plan(&d, &[])));
    std::fs::remove_file(d.0.join("import/quotas.json")).unwrap();
    assert!(placed(&plan(&d, &[])));
    // Enterprise: the namespace's quota is unknown.
    let d = import("not-saved-quotas-ent", "1.6.0+ent");
    assert_unknown(&d, "quotas.json", "import::not-saved", "NotSaved");
    d.put("import/quotas.json", "[]");
    assert!(placed(&plan(&d, &[])));
    // Namespaces: open source from 1.0. The namespace list itself is
    // unknown (world::guess::namespace_unknown), one kind at every release
    // and edition: `Namespace`.
    let d = import("not-saved-ns-16", "1.6.0");
    std::fs::remove_file(d.0.join("import/namespaces.json")).unwrap();
    assert_unknown(&d, "namespaces.json", NS_CODE, "Namespace");
    let d = import("not-saved-ns-0912", "0.9.7");
    std::fs::remove_file(d.0.join("import/namespaces.json")).unwrap();
    let o = plan(&d, &[]);
    assert!(placed(&o), "{}{}", o.stdout, o.stderr);
    // Enterprise: `default`'s quota is unknown.
    let d = import("not-saved-ns-0912-ent", "0.9.7+ent");
    std::fs::remove_file(d.0.join("import/namespaces.json")).unwrap();
    std::fs::write(d.0.join("import/quotas.json"), "[]").unwrap();
    assert_unknown(&d, "namespaces.json", NS_CODE, "Namespace");
}

/// The warning of a missing namespaces.json: its jobs are judged by
/// `namespace_unknown`, never as every job's not-saved guess.
const NS_CODE: &str = "import::namespaces-not-saved";

/// Community 1.0 to 1.2: `default` has nothing a plan reads (no
/// capabilities before 1.3.0, no quota on community), so its jobs plan;
/// a job elsewhere cannot, as whether its namespace exists is unknown.
#[test]
fn community_before_1_3_knows_default_without_namespaces() {
    let d = import("not-saved-ns-12", "1.2.0");
    std::fs::remove_file(d.0.join("import/namespaces.json")).unwrap();
    let o = plan(&d, &[]);
    assert!(placed(&o), "{}{}", o.stdout, o.stderr);
    d.put(
        "web.nomad",
        &JOB.replace("job \"web\" {\n", "job \"web\" {\n  namespace = \"prod\"\n"),
    );
    let j = plan(&d, &["--format", "json"]);
    assert_eq!(j.code, 255, "{}{}", j.stdout, j.stderr);
    let v: serde_json::Value = serde_json::from_str(&j.stdout).expect("json");
    assert_eq!(v["Preflight"]["WorldGuess"]["Kind"], "Namespace");
    assert_eq!(v["Preflight"]["WorldGuess"]["Namespace"], "prod");
}

/// A file that is there but cannot be read (a link leading out of the
/// project here) is an error, never taken as absent or as empty.
#[test]
fn an_unreadable_file_is_an_error() {
    let outside = TempDir::new("not-saved-outside");
    outside.put("secret.json", "[]");
    for file in ["allocations.json", "agent-self.json", "scheduler.json"] {
        let d = import(&format!("not-saved-unreadable-{file}"), "1.6.0");
        let p = d.0.join("import").join(file);
        std::fs::remove_file(&p).unwrap();
        std::os::unix::fs::symlink(outside.0.join("secret.json"), &p).unwrap();
        let o = plan(&d, &[]);
        assert_eq!(o.code, 255, "{file}: {}{}", o.stdout, o.stderr);
        assert!(o.stdout.is_empty(), "{file}: {}", o.stdout);
        assert!(
            o.stderr.contains("import::unreadable"),
            "{file}: {}",
            o.stderr
        );
        assert!(
            !o.stderr.contains("not-saved-outside"),
            "nothing outside is quoted: {}",
            o.stderr
        );
    }
}

/// A live allocation of a job `other` in `status`, as `/v1/allocations`
/// lists it with its Job embedded (`canary`: of a deployment in progress).
fn alloc(status: &str, canary: bool) -> String {
    let job = r#"{"ID": "other", "Name": "other", "Namespace": "default", "Type": "service", "Priority": 50,
      "Datacenters": ["dc1"], "Version": 0, "Status": "running", "Stop": false,
      "TaskGroups": [{"Name": "web", "Count": 1, "EphemeralDisk": {"SizeMB": 0},
        "Tasks": [{"Name": "web", "Driver": "docker", "Config": {"image": "nginx:1"},
                   "Resources": {"CPU": 100, "MemoryMB": 64}}]}],
      "CreateIndex": 20, "ModifyIndex": 20, "JobModifyIndex": 20}"#;
    format!(
        r#"[{{"ID": "a0000001-0000-4000-8000-000000000000", "Namespace": "default", "Name": "other.web[0]",
  "NodeID": "0c1b2c3d-0000-4000-8000-000000000001", "JobID": "other", "Job": {job}, "TaskGroup": "web",
  "AllocatedResources": {{"Tasks": {{"web": {{"Cpu": {{"CpuShares": 100}}, "Memory": {{"MemoryMB": 64}}}}}},
    "TaskLifecycles": {{"web": null}}, "Shared": {{"DiskMB": 0}}}},
  "DeploymentStatus": {{"Healthy": null, "Canary": {canary}}},
  "DesiredStatus": "run", "ClientStatus": "{status}", "CreateIndex": 30, "ModifyIndex": 30}}]"#
    )
}

/// A job whose own allocation is `unknown` (a disconnected client) where
/// the import cannot say when its window ends (from 1.11.2, saved without
/// `AllocStates`), or a canary of a deployment in progress, cannot be
/// planned here; the other jobs still can.
#[test]
fn a_job_with_an_allocation_in_an_unsimulated_state_is_unknown() {
    for (status, canary, release, what) in [
        (
            "unknown",
            false,
            "2.0.5",
            "is `unknown` (its client disconnected), saved without `AllocStates` (the list form of /v1/allocations), so when its window ends is unknown",
        ),
        ("running", true, "1.6.0", "is a canary of a deployment in progress"),
    ] {
        let d = import(&format!("alloc-state-{status}"), release);
        d.put("import/allocations.json", &alloc(status, canary));
        d.put(
            "other.nomad",
            &JOB.replace("\"web\" {\n  datacenters", "\"other\" {\n  datacenters"),
        );
        let o = run_in(&d.0, &["plan", "--world", "import", "other.nomad"]);
        assert_eq!(o.code, 255, "{status}: {}{}", o.stdout, o.stderr);
        assert!(o.stdout.is_empty(), "{}", o.stdout);
        assert!(o.stderr.contains("import::alloc-state"), "{}", o.stderr);
        assert!(
            o.stderr.contains(&format!(
                "error: job \"other\" has an allocation in a state nomad-preflight does not simulate (allocation a0000001-0000-4000-8000-000000000000 {what}), so its plan cannot be known"
            )),
            "{}",
            o.stderr
        );
        // Another job shares nothing of it: planned.
        let o = plan(&d, &[]);
        assert!(placed(&o), "{status}: {}{}", o.stdout, o.stderr);
        let w = run_in(&d.0, &["import", "import", "--write", "out"]);
        assert_eq!(w.code, 2, "{}{}", w.stdout, w.stderr);
    }
    // A running allocation that is no canary is simulated, and so is an
    // `unknown` one up to 1.11.1 (`nomad job plan` reads it by its node,
    // never its window: world/api_alloc_generic.rs `plan_unknown`).
    for status in ["running", "unknown"] {
        let d = import(&format!("alloc-state-{status}-read"), "1.6.0");
        d.put("import/allocations.json", &alloc(status, false));
        d.put(
            "other.nomad",
            &JOB.replace("\"web\" {\n  datacenters", "\"other\" {\n  datacenters"),
        );
        let o = run_in(&d.0, &["plan", "--world", "import", "other.nomad"]);
        assert!(o.code == 0 || o.code == 1, "{}{}", o.stdout, o.stderr);
    }
}

/// Enterprise from 1.6: a node pool's own scheduler configuration and a
/// namespace's node pool configuration are not simulated, and
/// node-pools.json must be saved to say there are none; community
/// clusters have neither.
#[test]
fn node_pool_configuration_is_a_guess_on_enterprise_from_1_6() {
    let d = import("pools-ent", "1.6.0+ent");
    d.put("import/quotas.json", "[]");
    assert!(placed(&plan(&d, &[])));
    d.put(
        "import/node-pools.json",
        r#"[{"Name": "default", "SchedulerConfiguration": {"SchedulerAlgorithm": "spread"}}]"#,
    );
    assert_unknown(
        &d,
        "node pools default",
        "import::node-pool-config",
        "NotSaved",
    );
    std::fs::remove_file(d.0.join("import/node-pools.json")).unwrap();
    assert_unknown(&d, "node-pools.json", "import::not-saved", "NotSaved");
    d.put(
        "import/node-pools.json",
        r#"[{"Name": "default", "SchedulerConfiguration": null}]"#,
    );
    // A default pool of its own, or `Allowed: []` (the default pool alone).
    for config in [
        r#"{"Default": "gpu", "Allowed": null, "Denied": null}"#,
        r#"{"Default": "default", "Allowed": []}"#,
    ] {
        d.put(
            "import/namespaces.json",
            &format!(r#"[{{"Name": "default", "NodePoolConfiguration": {config}}}]"#),
        );
        assert_unknown(
            &d,
            "namespaces default",
            "import::node-pool-config",
            "NotSaved",
        );
    }
    d.put(
        "import/namespaces.json",
        r#"[{"Name": "default", "NodePoolConfiguration": {"Default": "default", "Allowed": null, "Denied": null}}]"#,
    );
    assert!(placed(&plan(&d, &[])));
    // Before 1.6, and on community clusters, pools carry no such setting.
    for build in ["1.5.0+ent", "1.6.0"] {
        let d = import(&format!("pools-{build}"), build);
        d.put("import/quotas.json", "[]");
        std::fs::remove_file(d.0.join("import/node-pools.json")).unwrap();
        let o = plan(&d, &[]);
        assert!(placed(&o), "{build}: {}{}", o.stdout, o.stderr);
    }
}
