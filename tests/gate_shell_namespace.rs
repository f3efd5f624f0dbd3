//! A change-set gate run in a shell with `NOMAD_NAMESPACE` set (R21-A1).
//! Nomad's CLI sends it from its own process's environment (api/api.go
//! v2.0.5:348-350), the agent puts a job that names no namespace in the
//! request's namespace, else "default" (command/agent/job_endpoint.go
//! v2.0.5:1109), and Job.Register looks the job up by namespace and ID
//! (nomad/job_endpoint.go v2.0.5:219). The gate judged such a file in the
//! shell's namespace only: a copy of protected default/sockshop (whose own
//! file writes `namespace = "default"`, so no running record lands
//! elsewhere) passed both gates as a new job ops/sockshop, which a deploy
//! whose environment sets none registers over the protected job. Both
//! namespaces are judged now; `--namespace` still names the deploy's.

use crate::common;
use crate::gate_defined_twice::{WORDS, ZZ};

use common::{git, run_in_env, TempDir};

const V: [&str; 2] = ["--nomad-version", "2.0.5"];
const OPS: [(&str, &str); 1] = [("NOMAD_NAMESPACE", "ops")];
const IN_DEFAULT: &str = "in namespace \"default\", where a deploy whose environment sets no NOMAD_NAMESPACE puts a job file that names none:";

/// The demo (namespace `ops` added), its protected sockshop writing its
/// namespace, with a copy of it naming none staged as jobs/zz.nomad.
fn staged_copy(name: &str) -> TempDir {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let own = std::fs::read_to_string(manifest.join("jobs/sockshop.nomad")).expect("demo job");
    let head = "job \"sockshop\" {\n";
    assert!(own.contains(head), "{own}");
    let own = own.replacen(head, "job \"sockshop\" {\n  namespace = \"default\"\n", 1);
    let d = common::demo_repo(
        name,
        common::Demo {
            without_monitoring: true,
            files: &[("jobs/sockshop.nomad", &own)],
            ..Default::default()
        },
    );
    d.put("jobs/zz.nomad", ZZ);
    git(&d.0, &["add", "-A"]);
    d
}

fn run(d: &TempDir, env: &[(&str, &str)], args: &[&str]) -> common::Out {
    let all: Vec<&str> = args.iter().chain(&V).copied().collect();
    run_in_env(&d.0, env, &all)
}

#[test]
fn a_copy_naming_no_namespace_is_refused_where_a_plain_deploy_puts_it() {
    let d = staged_copy("shellns-copy");
    let c = run(
        &d,
        &OPS,
        &["check", "--staged", "--output-format", "concise"],
    );
    let s = format!("{}{}", c.stdout, c.stderr);
    assert_eq!(c.code, 1, "{s}");
    assert!(
        c.stdout.contains(&format!(
            "jobs/zz.nomad:1:5: policy::defined-twice [error] {IN_DEFAULT} {WORDS}"
        )),
        "{s}"
    );
    assert!(c.stderr.contains("and in \"default\""), "{s}");

    let p = run(&d, &OPS, &["plan", "--changed", "--staged", "--gate"]);
    let s = format!("{}{}", p.stdout, p.stderr);
    assert_eq!(p.code, 1, "{s}");
    assert!(
        p.stdout.contains(&format!(
            "==> refused by policy: {IN_DEFAULT} jobs/zz.nomad {WORDS}"
        )),
        "{s}"
    );
    // The plan shown is the shell's, as `nomad job plan` there makes it.
    assert!(p.stdout.contains("+ Job: \"sockshop\""), "{s}");
    // JSON says why too, not only stderr and the exit code.
    let j = run(
        &d,
        &OPS,
        &[
            "plan",
            "--changed",
            "--staged",
            "--gate",
            "--format",
            "json",
        ],
    );
    assert_eq!(j.code, 1, "{}{}", j.stdout, j.stderr);
    let doc: serde_json::Value = serde_json::from_str(&j.stdout).expect("one JSON document");
    assert_eq!(
        doc["InDefaultNamespace"]["Refused"][0],
        format!("{IN_DEFAULT} jobs/zz.nomad {WORDS}").as_str(),
        "{}",
        j.stdout
    );

    // The committed range, as CI's `check --base` judges it.
    git(&d.0, &["commit", "-qm", "zz"]);
    let c = run(&d, &OPS, &["check", "--base", "HEAD~1", "--head", "HEAD"]);
    assert_eq!(c.code, 1, "{}{}", c.stdout, c.stderr);

    // Guard: a `--namespace` the gate is given names the deploy's
    // namespace, judged alone (a new job ops/sockshop).
    let c = run(
        &d,
        &[],
        &[
            "check",
            "--base",
            "HEAD~1",
            "--head",
            "HEAD",
            "--namespace",
            "ops",
        ],
    );
    assert_eq!(c.code, 0, "{}{}", c.stdout, c.stderr);
}

#[test]
fn a_new_job_naming_no_namespace_is_judged_in_default_too() {
    // A job the demo's quota of "default" cannot hold (NP304: 4000 MHz
    // needed > 3000), which namespace ops (no quota) takes: refused in one
    // namespace is refused.
    let d = staged_copy("shellns-quota");
    let hog = ZZ
        .replacen("job \"sockshop\"", "job \"hog\"", 1)
        .replace("cpu    = 100", "cpu    = 2500");
    assert_ne!(hog, ZZ);
    d.put("jobs/zz.nomad", &hog);
    git(&d.0, &["add", "-A"]);
    let plain = run(&d, &[], &["check", "--staged", "--format", "json"]);
    assert_eq!(plain.code, 1, "{}{}", plain.stdout, plain.stderr);
    let c = run(&d, &OPS, &["check", "--staged", "--format", "json"]);
    let s = format!("{}{}", c.stdout, c.stderr);
    assert_eq!(c.code, 1, "{s}");
    let v: serde_json::Value =
        serde_json::from_str(&c.stdout).unwrap_or_else(|e| panic!("{e}: {s}"));
    let found = v["findings"].as_array().expect("findings");
    assert!(
        found.iter().any(|f| f["code"] == "NP304"
            && f["severity"] == "error"
            && f["message"]
                .as_str()
                .is_some_and(|m| m.starts_with(IN_DEFAULT))),
        "{v:#}"
    );
}

/// Guard (passes on 6d0f0674 too): a change to `rules/` is judged in
/// both namespaces as well. `check` judges the changed job files against
/// the world as the change leaves it through the same change-set check
/// (cli/check/world_change.rs calls `check::check_change_set`, which
/// plans them in the shell's namespace and in "default"), and the world
/// gate itself reads only the world's running jobs, whose namespaces no
/// shell variable moves. Here the change lowers default's quota (3000 →
/// 1800 MHz, 1500 used) and adds a job naming no namespace (500 MHz):
/// it fits the old quota, and namespace ops has none; a deploy with no
/// NOMAD_NAMESPACE puts it in "default" under the new quota.
#[test]
fn a_rules_change_is_judged_in_default_too() {
    let d = staged_copy("shellns-rules");
    let quota = std::fs::read_to_string(d.0.join("rules/quotas/default.hcl")).expect("quota");
    assert!(quota.contains("cpu    = 3000"), "{quota}");
    d.put(
        "rules/quotas/default.hcl",
        &quota.replace("cpu    = 3000", "cpu    = 1800"),
    );
    let small = ZZ
        .replacen("job \"sockshop\"", "job \"small\"", 1)
        .replace("cpu    = 100", "cpu    = 500");
    d.put("jobs/zz.nomad", &small);
    git(&d.0, &["add", "-A"]);
    let c = run(
        &d,
        &OPS,
        &["check", "--staged", "--output-format", "concise"],
    );
    let s = format!("{}{}", c.stdout, c.stderr);
    assert_eq!(c.code, 1, "{s}");
    assert!(
        c.stdout.lines().any(|l| l.starts_with(&format!(
            "jobs/zz.nomad:1:5: NP304 [error] {IN_DEFAULT} Quota limit hit \"default\""
        )) && l.ends_with("(under the world as this change leaves it)")),
        "{s}"
    );
}
