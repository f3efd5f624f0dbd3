//! redteam22 R22-A-2: a protected job's count bump that fails in ~2% of
//! Nomad's evaluations passed `plan FILE --gate`, `plan --changed --gate`
//! and `check`'s NP207: the 100 shuffles sampled saw no failure, and
//! nothing said how far 100 samples go. Where the room bound cannot prove
//! that every shuffle places the plan and the samples see nothing, the
//! three sample again, ten times as many, and a pass says the samples'
//! size and bound (rule of three) in one line and in the JSON.
//!
//! The world: 49 clients and one of node class "web", which job "web"
//! (protected, 300 MB) is constrained to; job "batchy" (500 MB, any
//! client) runs too, and lands on the "web" client in about one history
//! in fifty (Nomad shuffles the nodes, scheduler/feasible/stack.go
//! v1.6.0 `SetNodes` -> `ShuffleNodes`). There, web's second allocation
//! does not fit (500 + 2 x 300 > 1000 MB). At the default seed, none of
//! the first 100 shuffles puts it there; 20 of the first 1,000 do.

use crate::common::{flat, git, run_in, TempDir};

/// The world above, `batchy` asking `batchy_mb`, `web` bumped 1 -> 2 and
/// staged.
fn tight(tag: &str, batchy_mb: u32) -> TempDir {
    let d = TempDir::new(tag);
    d.put(
        "rules/cluster.hcl",
        r#"nomad_version = "1.6.0"
region        = "global"

client "web" {
  count      = 1
  datacenter = "dc1"
  node_class = "web"
  cpu        = 4000
  memory     = 1000
  disk       = 10000
  drivers    = ["docker"]
}

client "pool" {
  count      = 49
  datacenter = "dc1"
  cpu        = 4000
  memory     = 1000
  disk       = 10000
  drivers    = ["docker"]
}

running = [
  "jobs/batchy.nomad",
  "jobs/web.nomad",
]
"#,
    );
    d.put(
        "rules/namespaces/default.hcl",
        crate::common::DEFAULT_NAMESPACE,
    );
    d.put(
        "rules/policy.hcl",
        "protected {\n  jobs       = [\"web\"]\n  namespaces = []\n}\n",
    );
    let job = |name: &str, count: u32, mb: u32, constraint: &str| {
        format!(
            "job \"{name}\" {{\n  datacenters = [\"dc1\"]\n  group \"{name}\" {{\n    count = {count}\n{constraint}    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx:1.25\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = {mb}\n      }}\n    }}\n  }}\n}}\n"
        )
    };
    let on_web =
        "    constraint {\n      attribute = \"${node.class}\"\n      value     = \"web\"\n    }\n";
    d.put("jobs/batchy.nomad", &job("batchy", 1, batchy_mb, ""));
    d.put("jobs/web.nomad", &job("web", 1, 300, on_web));
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "world"]);
    d.put("jobs/web.nomad", &job("web", 2, 300, on_web));
    git(&d.0, &["add", "-A"]);
    d
}

/// The share the gates and NP207 give the failure: over 1,000 shuffles.
fn over_a_thousand(s: &str) -> bool {
    flat(s).contains("% of 1000 node shuffles")
}

#[test]
fn a_rare_failure_the_first_hundred_shuffles_miss_fails_both_gates_and_check() {
    let d = tight("bound-rare", 500);
    // `plan --samples 100` at the default seed: the first 100 shuffles
    // all place it (what the gates sampled before), 1,000 do not.
    let hundred = run_in(
        &d.0,
        &["--no-color", "plan", "jobs/web.nomad", "--samples", "100"],
    );
    assert!(
        hundred
            .stdout
            .contains("every allocation is placed (100/100)"),
        "{}",
        hundred.stdout
    );
    let check = run_in(&d.0, &["--no-color", "check", "--staged"]);
    assert_eq!(check.code, 1, "{}{}", check.stdout, check.stderr);
    assert!(
        flat(&check.stdout).contains("NP207") && over_a_thousand(&check.stdout),
        "{}",
        check.stdout
    );
    let gate = run_in(
        &d.0,
        &["--no-color", "plan", "--changed", "--gate", "--staged"],
    );
    assert_eq!(gate.code, 1, "{}{}", gate.stdout, gate.stderr);
    assert!(
        gate.stdout
            .lines()
            .any(|l| l.starts_with("==> refused by policy: jobs/web.nomad") && over_a_thousand(l)),
        "{}",
        gate.stdout
    );
    let file = run_in(&d.0, &["--no-color", "plan", "jobs/web.nomad", "--gate"]);
    assert_eq!(file.code, 1, "{}{}", file.stdout, file.stderr);
    assert!(
        file.stderr
            .lines()
            .any(|l| l.starts_with("refused by policy: jobs/web.nomad") && over_a_thousand(l)),
        "{}",
        file.stderr
    );
}

/// Guard (passes on the baseline too): `batchy` at 400 MB leaves room for
/// two of web's wherever it lands, the room bound proves it, and nothing
/// is said of samples (a plan the bound proves stays quiet).
#[test]
fn a_plan_the_room_bound_proves_says_nothing_of_samples() {
    let d = tight("bound-proven", 400);
    let check = run_in(&d.0, &["--no-color", "check", "--staged"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
    assert!(!check.stdout.contains("NP207"), "{}", check.stdout);
    let gate = run_in(
        &d.0,
        &["--no-color", "plan", "--changed", "--gate", "--staged"],
    );
    assert_eq!(gate.code, 0, "{}{}", gate.stdout, gate.stderr);
    assert!(
        !gate.stdout.contains("node shuffles sampled"),
        "{}",
        gate.stdout
    );
    let file = run_in(&d.0, &["--no-color", "plan", "jobs/web.nomad", "--gate"]);
    assert_eq!(file.code, 0, "{}{}", file.stdout, file.stderr);
    assert!(
        !file.stderr.contains("node shuffles sampled"),
        "{}",
        file.stderr
    );
}
