//! A running job's own variables (`running_job "FILE" { var, var_file }` in
//! cluster.hcl) evaluate both versions of its file wherever a command reads
//! them, the command's flags on top for the new version: the change set's
//! base and head (`plan --changed`, `check --staged`), `plan FILE`, a
//! rehearsal, and the reader scan, which plans the job when only its var
//! file changes. Before, the new version was evaluated with the command's
//! flags alone (none in a hook): a job whose variable has no default
//! failed with `Unset variable`, and a var file edit passed as "no job
//! file changed".

use crate::common;

use common::{git, run_in, TempDir, RUNNING_VARS_API as API};

const CLUSTER: &str = r#"nomad_version = "1.6.0"
client "c" {
  count      = 1
  datacenter = "dc1"
  cpu        = 4000
  memory     = 4000
  disk       = 10000
  drivers    = ["docker"]
}
running = ["jobs/api.nomad"]
running_job "jobs/api.nomad" {
  var      = { image = "api:1.2" }
  var_file = ["vars/api.hcl"]
}
"#;

/// The project committed: api runs with image api:1.2 and 2 instances.
fn committed(tag: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put("rules/cluster.hcl", CLUSTER);
    d.put("rules/vars/api.hcl", "instances = 2\n");
    d.put("jobs/api.nomad", API);
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "world"]);
    d
}

#[test]
fn an_edit_of_a_running_job_is_diffed_with_its_own_variables_on_both_sides() {
    let d = committed("running-vars-edit");
    d.put(
        "jobs/api.nomad",
        &API.replace("cpu    = 100", "cpu    = 200"),
    );
    git(&d.0, &["add", "jobs/api.nomad"]);
    let diff = "+/- CPU:         \"100\" => \"200\"";
    let plan = run_in(&d.0, &["plan", "--changed", "--staged"]);
    assert_eq!(plan.code, 1, "{}{}", plan.stdout, plan.stderr);
    assert!(plan.stdout.contains(diff), "{}", plan.stdout);
    // Only the edit: the count and image are the running job's own.
    assert!(!plan.stdout.contains("Count"), "{}", plan.stdout);
    assert!(!plan.stdout.contains("image"), "{}", plan.stdout);
    assert!(!plan.stderr.contains("Unset variable"), "{}", plan.stderr);

    let check = run_in(&d.0, &["check", "--staged"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);

    // `plan FILE` from the working tree: the same diff.
    let plan = run_in(&d.0, &["plan", "jobs/api.nomad"]);
    assert_eq!(plan.code, 1, "{}{}", plan.stdout, plan.stderr);
    assert!(plan.stdout.contains(diff), "{}", plan.stdout);
    assert!(!plan.stdout.contains("Count"), "{}", plan.stdout);
    // A flag is the new version's, on top of the running job's own.
    let plan = run_in(&d.0, &["plan", "jobs/api.nomad", "-var", "image=other"]);
    assert_eq!(plan.code, 1, "{}{}", plan.stdout, plan.stderr);
    assert!(
        plan.stdout.contains("\"api:1.2\" => \"other\""),
        "{}",
        plan.stdout
    );
    assert!(!plan.stdout.contains("Count"), "{}", plan.stdout);
}

#[test]
fn an_edit_of_a_running_jobs_var_file_plans_the_job() {
    let d = committed("running-vars-file");
    d.put("rules/vars/api.hcl", "instances = 3\n");
    git(&d.0, &["add", "rules/vars/api.hcl"]);
    let plan = run_in(&d.0, &["plan", "--changed", "--staged"]);
    assert_eq!(plan.code, 1, "{}{}", plan.stdout, plan.stderr);
    assert!(
        plan.stdout
            .contains("==> jobs/api.nomad (reads rules/vars/api.hcl, which changed)"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("+/- Count: \"2\" => \"3\""),
        "{}",
        plan.stdout
    );
    assert!(
        !plan.stdout.contains("no job file changed"),
        "{}",
        plan.stdout
    );
    let check = run_in(&d.0, &["check", "--staged"]);
    assert!(
        check
            .stderr
            .contains("note: jobs/api.nomad reads rules/vars/api.hcl, which this change touches"),
        "{}",
        check.stderr
    );
}

/// A rehearsal's step passes no flags: the running job's file plans with
/// its own variables, from its committed version, as the world runs it.
#[test]
fn a_rehearsal_plans_a_running_job_with_its_own_variables() {
    let d = committed("running-vars-rehearse");
    d.put(
        "rehearsals/r.hcl",
        "rehearsal \"r\" {\n  description = \"plan api\"\n}\n\nstep \"plan api\" {\n  command = \"nomad job plan jobs/api.nomad\"\n  expect {\n    exit_code = 0\n  }\n}\n",
    );
    let o = run_in(&d.0, &["rehearse", "rehearsals/r.hcl", "--samples", "0"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(!o.stderr.contains("Unset variable"), "{}", o.stderr);
    assert!(!o.stderr.contains("does not load"), "{}", o.stderr);
}
