//! `validate`, `check` and `plan` agree on a job in namespace "foo" when
//! the world does not list its namespaces (no rules/namespaces/ folder, or
//! an import without namespaces.json): whether "foo" exists is not known,
//! so all three say they cannot tell (one `error:` line, exit 255 from
//! `plan` and `validate`, NP216 from `check`), where Nomad would refuse
//! the job if "foo" did not exist (`job "web" is in nonexistent namespace
//! "foo"`: the state store's upsert; from 1.3.0 the namespace validator,
//! which `nomad job validate` runs too) and accept it if it did.
//!
//! Where the world does say (a rules/namespaces/ folder, even empty; a
//! community cluster before 1.0, whose state store knows `default` alone:
//! nomad/state/state_store_oss.go), all three give Nomad's answer.

use crate::common;

use common::{run_in, Out, TempDir};

const JOB: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  namespace   = \"foo\"\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"nginx:1\"\n      }\n      resources {\n        cpu    = 100\n        memory = 64\n      }\n    }\n  }\n}\n";

/// A hand-written world of one client under `head` (its release and
/// edition lines), with `rules/namespaces/` when `folder`.
fn world(tag: &str, head: &str, folder: bool, job: &str) -> TempDir {
    let d = TempDir::new(&format!("ns-list-{tag}"));
    d.put(
        "rules/cluster.hcl",
        &format!("{head}\nregion = \"global\"\n\nclient \"c\" {{\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4000\n  disk       = 10000\n  drivers    = [\"docker\"]\n}}\n"),
    );
    if folder {
        std::fs::create_dir_all(d.0.join("rules/namespaces")).expect("mkdir");
    }
    d.put("web.nomad", job);
    d
}

/// What each command said.
struct Verdicts {
    validate: Out,
    check: Out,
    plan: Out,
    plan_json: serde_json::Value,
}

fn verdicts(d: &TempDir, world: &str) -> Verdicts {
    let validate = run_in(&d.0, &["validate", "--world", world, "web.nomad"]);
    let check = run_in(&d.0, &["check", "--world", world, "web.nomad"]);
    let plan = run_in(&d.0, &["plan", "--world", world, "web.nomad"]);
    let json = run_in(
        &d.0,
        &["plan", "--world", world, "--format", "json", "web.nomad"],
    );
    let plan_json = serde_json::from_str(&json.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", json.stdout, json.stderr));
    Verdicts {
        validate,
        check,
        plan,
        plan_json,
    }
}

fn errors(o: &Out) -> Vec<&str> {
    o.stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect()
}

/// All three say they cannot tell whether namespace "foo" exists, in one
/// line each, and none prints Nomad's verdict in its place.
fn assert_cannot_tell(v: &Verdicts, why: &str) {
    let line = format!("error: cannot tell whether Nomad accepts job \"web\": {why}, so whether namespace \"foo\" exists is not known");
    assert_eq!(v.plan.code, 255, "{}{}", v.plan.stdout, v.plan.stderr);
    assert_eq!(errors(&v.plan), vec![line.as_str()], "{}", v.plan.stderr);
    assert!(
        !v.plan.stderr.contains("nonexistent namespace"),
        "{}",
        v.plan.stderr
    );
    assert_eq!(v.plan_json["Preflight"]["WorldGuess"]["Kind"], "Namespace");
    assert_eq!(v.plan_json["Preflight"]["WorldGuess"]["Namespace"], "foo");
    assert_eq!(
        v.validate.code, 255,
        "{}{}",
        v.validate.stdout, v.validate.stderr
    );
    assert_eq!(
        errors(&v.validate),
        vec![line.as_str()],
        "{}",
        v.validate.stderr
    );
    assert!(!v.validate.stderr.contains("nonexistent namespace"));
    assert_ne!(v.check.code, 0, "{}{}", v.check.stdout, v.check.stderr);
    assert!(
        v.check.stdout.contains("NP216 [error]"),
        "{}",
        v.check.stdout
    );
    assert!(
        v.check.stdout.contains(&line["error: ".len()..]),
        "{}",
        v.check.stdout
    );
    assert!(!v.check.stdout.contains("NP302"), "{}", v.check.stdout);
}

#[test]
fn without_a_namespaces_folder_all_three_cannot_tell() {
    // 1.5: the namespace validator runs in validate, plan and run.
    let d = world("nofolder", "nomad_version = \"1.5.0\"", false, JOB);
    let v = verdicts(&d, "rules");
    assert_cannot_tell(
        &v,
        "the world does not list its namespaces (no rules/namespaces/ folder)",
    );
    assert!(v.validate.stdout.is_empty(), "{}", v.validate.stdout);
}

#[test]
fn an_import_without_namespaces_json_cannot_tell_either() {
    let d = TempDir::new("ns-list-import");
    d.put(
        "import/nodes.json",
        r#"[{"ID": "0c1b2c3d-0000-4000-8000-000000000001", "Name": "n1", "Datacenter": "dc1",
  "NodePool": "default", "Status": "ready", "SchedulingEligibility": "eligible", "Drain": false,
  "Attributes": {"kernel.name": "linux", "cpu.arch": "amd64"},
  "Drivers": {"docker": {"Detected": true, "Healthy": true}},
  "NodeResources": {"Cpu": {"CpuShares": 4000}, "Memory": {"MemoryMB": 4000}, "Disk": {"DiskMB": 10000},
    "Networks": [{"Mode": "host", "Device": "eth0", "IP": "10.0.0.1", "MBits": 1000}]}}]"#,
    );
    d.put(
        "import/agent-self.json",
        r#"{"member": {"Tags": {"build": "1.5.0", "region": "global"}}}"#,
    );
    d.put("import/namespaces.json", "");
    d.import_rest("import");
    std::fs::remove_file(d.0.join("import/namespaces.json")).expect("rm");
    d.put("web.nomad", JOB);
    let v = verdicts(&d, "import");
    assert_cannot_tell(&v, "the import does not hold namespaces.json");
}

#[test]
fn before_1_3_validate_says_nomads_text_then_cannot_tell() {
    // 1.2: validate does not read the namespace; the plan (0.12.2+) does.
    let d = world("v12", "nomad_version = \"1.2.0\"", false, JOB);
    let v = verdicts(&d, "rules");
    assert_eq!(v.validate.stdout.trim_end(), "Job validation successful");
    assert_eq!(v.validate.code, 255, "{}", v.validate.stderr);
    assert_eq!(errors(&v.validate).len(), 1, "{}", v.validate.stderr);
    assert!(
        !v.validate.stdout.contains("will fail"),
        "{}",
        v.validate.stdout
    );
    assert_eq!(v.plan.code, 255, "{}{}", v.plan.stdout, v.plan.stderr);
    assert_eq!(errors(&v.plan), errors(&v.validate));
    assert!(
        v.check.stdout.contains("NP216 [error]"),
        "{}",
        v.check.stdout
    );
}

/// Guards (pass before this change too): where the world says which
/// namespaces exist, Nomad's refusal is said by all three, and a job in
/// `default` is judged as before.
#[test]
fn a_listed_world_and_the_default_namespace_stay_known() {
    // An empty folder: only `default` exists.
    let d = world("empty", "nomad_version = \"1.5.0\"", true, JOB);
    let v = verdicts(&d, "rules");
    let refusal = "job \"web\" is in nonexistent namespace \"foo\"";
    assert_eq!(v.plan.code, 255);
    assert!(v.plan.stderr.contains(refusal), "{}", v.plan.stderr);
    assert_eq!(v.validate.code, 1, "{}", v.validate.stderr);
    assert!(v.validate.stderr.contains(refusal), "{}", v.validate.stderr);
    assert!(v.check.stdout.contains("NP302"), "{}", v.check.stdout);
    // A community cluster before 1.0 has `default` alone.
    let head = "nomad_version = \"0.12.5\"\nedition = \"community\"";
    let d = world("oss012", head, false, JOB);
    let v = verdicts(&d, "rules");
    assert_eq!(v.plan.code, 255);
    assert!(v.plan.stderr.contains(refusal), "{}", v.plan.stderr);
    assert!(v.check.stdout.contains("NP302"), "{}", v.check.stdout);
    assert_eq!(v.validate.code, 1, "{}", v.validate.stdout);
    assert!(v.validate.stdout.contains(refusal), "{}", v.validate.stdout);
    // `default` always exists.
    let job = JOB.replace("  namespace   = \"foo\"\n", "");
    let d = world("default", "nomad_version = \"1.5.0\"", false, &job);
    let v = verdicts(&d, "rules");
    assert_eq!(v.validate.code, 0, "{}", v.validate.stderr);
    assert_eq!(v.plan.code, 1, "{}{}", v.plan.stdout, v.plan.stderr);
    assert!(errors(&v.plan).is_empty(), "{}", v.plan.stderr);
    assert!(!v.check.stdout.contains("NP216"), "{}", v.check.stdout);
}
