//! The scheduler configuration's `RejectJobRegistration` (1.2.4+): Job.Plan
//! never reads it, so Nomad's plan text stands, but `Job.Register` refuses
//! (`registrationsAreAllowed`, nomad/job_endpoint.go v1.2.4-v2.0.5, 403
//! from command/agent/http.go). Up to 1.6.x ACLs off refuse everyone (a nil
//! ACL is not management); from 1.7.0 ACLs off make every caller
//! management (acl/acl.go `IsManagement`, `a.aclsDisabled`). The plan says
//! so in one stderr line and in JSON, and exits 1.

use crate::common;

use common::{run_in as run, TempDir};

const JOB: &str = "job \"j\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"busybox:1.36\"\n      }\n      resources {\n        cpu    = 100\n        memory = 64\n      }\n    }\n  }\n}\n";

fn project(tag: &str, version: &str, scheduler: &str, server: &str) -> TempDir {
    let dir = TempDir::new(&format!("reject-{tag}"));
    dir.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"{version}\"\nscheduler {{\n{scheduler}}}\n{server}\nclient \"c\" {{\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4000\n  disk       = 10000\n  drivers    = [\"docker\"]\n}}\n"
        ),
    );
    dir.put("jobs/j.nomad", JOB);
    dir
}

const REJECT: &str = "  reject_job_registration = true\n";
const ACL_OFF: &str = "server {\n  acl {\n    enabled = false\n  }\n}\n";
const ACL_ON: &str = "server {\n  acl {\n    enabled = true\n  }\n}\n";

const PLAN_OK: &str = "- All tasks successfully allocated.";

fn line(version: &str, unless: &str) -> String {
    format!("warning: `nomad job run` will be refused: the scheduler configuration sets reject_job_registration, which Nomad {version}'s plan does not check but Job.Register does{unless}: Error submitting job: Unexpected response code: 403 (Job registration, dispatch, and scale are disabled by the scheduler configuration)\n")
}

#[test]
fn acls_off_before_1_7_refuse_every_run_while_the_plan_stays_nomads() {
    let o = run(
        &project("16-off", "1.6.0", REJECT, ACL_OFF).0,
        &["plan", "--no-color", "jobs/j.nomad"],
    );
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains(PLAN_OK), "{}", o.stdout);
    assert!(!o.stdout.contains("reject"), "{}", o.stdout);
    assert_eq!(
        o.stderr,
        line("1.6.0", " (ACLs are off, so no caller is management)")
    );
    // --gate: a change that cannot be submitted fails the gate.
    let o = run(
        &project("16-gate", "1.6.0", REJECT, ACL_OFF).0,
        &["plan", "--no-color", "--gate", "jobs/j.nomad"],
    );
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    // JSON: Preflight.Registration.
    let o = run(
        &project("16-json", "1.6.0", REJECT, ACL_OFF).0,
        &["plan", "--format", "json", "jobs/j.nomad"],
    );
    let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("json");
    assert_eq!(
        v["Preflight"]["Registration"],
        serde_json::json!({
            "RunRefused": true,
            "Error": "Unexpected response code: 403 (Job registration, dispatch, and scale are disabled by the scheduler configuration)",
            "Unless": null,
            "AclEnabled": false,
        })
    );
}

#[test]
fn from_1_7_acls_off_register_and_acls_on_need_a_management_token() {
    let o = run(
        &project("17-off", "1.7.0", REJECT, ACL_OFF).0,
        &["plan", "--no-color", "jobs/j.nomad"],
    );
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert_eq!(o.stderr, "", "ACLs off: every caller is management");
    let o = run(
        &project("17-on", "1.7.0", REJECT, ACL_ON).0,
        &["plan", "--no-color", "--gate", "jobs/j.nomad"],
    );
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert_eq!(o.stderr, line("1.7.0", ", unless a management ACL token"));
    // A world that does not say whether ACLs are on.
    let o = run(
        &project("20-unknown", "2.0.5", REJECT, "").0,
        &["plan", "--no-color", "jobs/j.nomad"],
    );
    assert_eq!(
        o.stderr,
        line(
            "2.0.5",
            ", unless ACLs are off or the token is a management one"
        )
    );
}

#[test]
fn before_1_2_4_there_is_no_such_setting() {
    let o = run(
        &project("123", "1.2.3", REJECT, ACL_OFF).0,
        &["plan", "--no-color", "--gate", "jobs/j.nomad"],
    );
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(!o.stderr.contains("will be refused"), "{}", o.stderr);
    assert!(
        o.stderr
            .contains("scheduler `reject_job_registration` is a Nomad 1.2.4+ setting"),
        "{}",
        o.stderr
    );
    let o = run(
        &project("124", "1.2.4", REJECT, "").0,
        &["plan", "--no-color", "jobs/j.nomad"],
    );
    assert_eq!(
        o.stderr,
        line(
            "1.2.4",
            ", unless ACLs are on and the token is a management one"
        )
    );
}

#[test]
fn an_import_reads_reject_job_registration_and_acls_from_the_servers() {
    let d = TempDir::new("reject-import");
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/basic");
    common::copy_dir(&src, &d.0.join("imp"));
    let sched = std::fs::read_to_string(d.0.join("imp/scheduler.json")).expect("read");
    let sched = sched.replace(
        "\"RejectJobRegistration\": false",
        "\"RejectJobRegistration\": true",
    );
    d.put("imp/scheduler.json", &sched);
    d.put("new.nomad", JOB);
    let o = run(&d.0, &["plan", "--no-color", "--world", "imp", "new.nomad"]);
    assert!(o.stdout.contains(PLAN_OK), "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains(&line(
            "1.7.2",
            ", unless ACLs are off or the token is a management one"
        )),
        "{}",
        o.stderr
    );
    assert_eq!(o.code, 1);
    // The servers' agent-self says ACLs are on; import --write keeps both.
    d.put(
        "imp/agent-self.json",
        r#"{
  "config": {"Region": "global", "Datacenter": "dc1", "Consuls": [], "Vaults": [],
             "ACL": {"Enabled": true}},
  "member": {"Name": "server-1.global", "Addr": "10.0.0.10", "Port": 4648,
             "Tags": {"build": "1.7.2+ent", "region": "global", "dc": "dc1", "role": "nomad"},
             "Status": "alive"},
  "stats": {}
}"#,
    );
    let o = run(&d.0, &["plan", "--no-color", "--world", "imp", "new.nomad"]);
    assert!(
        o.stderr
            .contains(&line("1.7.2", ", unless a management ACL token")),
        "{}",
        o.stderr
    );
    let w = run(&d.0, &["import", "imp", "--write", "written"]);
    assert_eq!(w.code, 0, "{}{}", w.stdout, w.stderr);
    let cluster = std::fs::read_to_string(d.0.join("written/cluster.hcl")).expect("cluster.hcl");
    assert!(
        cluster.contains("  reject_job_registration = true\n"),
        "{cluster}"
    );
    assert!(
        cluster.contains("  acl {\n    enabled = true\n  }\n"),
        "{cluster}"
    );
}

#[test]
fn check_reports_it_as_a_finding() {
    let o = run(
        &project("check", "1.6.0", REJECT, ACL_OFF).0,
        &["check", "--no-color", "jobs/j.nomad"],
    );
    assert_ne!(o.code, 0, "{}{}", o.stdout, o.stderr);
    let all = format!("{}{}", o.stdout, o.stderr);
    assert!(all.contains("NP219"), "{all}");
}
