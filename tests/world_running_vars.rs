//! A running job is registered with the variables it was submitted with:
//! `running_job "FILE" { var = {...} var_file = [...] }` in cluster.hcl
//! gives it the `-var` and `-var-file` flags `nomad job run` had (jobspec2
//! reads var files first, then `-var`). Before, running jobs loaded with
//! no variables, so a job declaring one without a default could not run in
//! a world at all.

use crate::common;

use common::{git, run_cached, run_in, TempDir, RUNNING_VARS_API as API};

fn cluster(running_job: &str) -> String {
    format!(
        "nomad_version = \"1.6.0\"\nclient \"c\" {{\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4000\n  disk       = 10000\n  drivers    = [\"docker\"]\n}}\nrunning = [\"jobs/api.nomad\"]\n{running_job}"
    )
}

fn project(tag: &str, running_job: &str, instances: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put("rules/cluster.hcl", &cluster(running_job));
    d.put("rules/vars/api.hcl", &format!("instances = {instances}\n"));
    d.put("jobs/api.nomad", API);
    d
}

const GIVEN: &str =
    "running_job \"jobs/api.nomad\" {\n  var      = { image = \"api:1.2\" }\n  var_file = [\"vars/api.hcl\"]\n}\n";

#[test]
fn a_running_job_takes_its_var_and_var_file() {
    let d = project("running-vars", GIVEN, "3");
    let o = run_in(&d.0, &["status"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    // `instances = 3` from the var file: three allocations.
    for i in 0..3 {
        assert!(o.stdout.contains(&format!("api.g[{i}]")), "{}", o.stdout);
    }
    assert!(!o.stdout.contains("api.g[3]"), "{}", o.stdout);
    // Without them the world cannot run the job: `image` has no default.
    refused(
        "running-vars-none",
        "",
        &[
            "running job `jobs/api.nomad` does not load",
            "Unset variable \"image\"",
            "add `running_job \"jobs/api.nomad\" { var = { image = \"...\" } }` to",
        ],
    );
}

/// `status` refuses the world with `running_job` blocks `blocks`, saying
/// each of `want`.
fn refused(tag: &str, blocks: &str, want: &[&str]) {
    let d = project(tag, blocks, "3");
    let o = run_in(&d.0, &["status"]);
    assert_ne!(o.code, 0);
    // miette wraps help lines at the terminal width.
    let flat = o.stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    for w in want {
        assert!(flat.contains(w), "{w}: {}", o.stderr);
    }
}

#[test]
fn var_files_stay_in_the_world_folder_and_blocks_name_listed_files() {
    let outside = "running_job \"jobs/api.nomad\" {\n  var      = { image = \"x\" }\n  var_file = [\"../jobs/api.nomad\"]\n}\n";
    refused(
        "running-vars-outside",
        outside,
        &["a running job's var_file must be a relative path inside the world folder"],
    );
    let unlisted =
        format!("{GIVEN}running_job \"jobs/other.nomad\" {{\n  var = {{ a = \"b\" }}\n}}\n");
    refused(
        "running-vars-unlisted",
        &unlisted,
        &["`running_job \"jobs/other.nomad\"` names a file `running` does not list"],
    );
}

/// The hook loads the world at HEAD (cached between commits): a commit
/// that changes only a running job's var file changes what runs, and the
/// next run says what a run without the cache says.
#[test]
fn a_var_file_edit_is_seen_by_the_hook() {
    let d = project("running-vars-hook", GIVEN, "3");
    // A job to plan beside api: 1000 MHz, which fits beside 3 api
    // allocations (300 MHz) and not beside 35 (3500 MHz of 4000).
    let web = API[API.find("job \"api\"").expect("job block")..]
        .replace("\"api\"", "\"web\"")
        .replace("cpu    = 100", "cpu    = 1000")
        .replace("count = var.instances", "count = 1")
        .replace("image = var.image", "image = \"web:1\"");
    d.put("jobs/web.nomad", &web);
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "world"]);
    let cache = TempDir::new("running-vars-hook-cache");
    let staged = |d: &TempDir, marker: &str| {
        d.put("jobs/web.nomad", &format!("{web}# {marker}\n"));
        git(&d.0, &["add", "jobs/web.nomad"]);
    };
    let args = ["check", "--staged", "--format", "json"];
    staged(&d, "one");
    let before = run_cached(&d.0, &cache.0, &args);
    d.put("rules/vars/api.hcl", "instances = 35\n");
    git(&d.0, &["add", "rules/vars/api.hcl"]);
    git(
        &d.0,
        &["commit", "-qm", "more api", "--", "rules/vars/api.hcl"],
    );
    staged(&d, "two");
    let after = run_cached(&d.0, &cache.0, &args);
    let fresh = run_cached(&d.0, &cache.0, &[&["--no-cache"], &args[..]].concat());
    let text = |o: &std::process::Output| String::from_utf8_lossy(&o.stdout).into_owned();
    assert_eq!(text(&after), text(&fresh));
    assert_eq!(after.status.code(), fresh.status.code());
    assert!(!text(&before).contains("exhausted"), "{}", text(&before));
    assert!(text(&after).contains("exhausted"), "{}", text(&after));
}

/// A planned file that is running is compared with the version the world
/// runs, evaluated with the world's variables for it (none without a
/// `running_job` block), never with the command's: `-var` on the command
/// line changes the planned version only. Taking the command's flags for
/// both hid the change: `plan -var instances=2` against a job running its
/// default 1 printed no diff.
#[test]
fn a_command_var_changes_the_planned_version_only() {
    let d = TempDir::new("running-vars-command");
    d.put("rules/cluster.hcl", &cluster(""));
    d.put(
        "jobs/api.nomad",
        &API.replacen(
            "type = string",
            "type    = string\n  default = \"api:1.0\"",
            1,
        ),
    );
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "init"]);
    let o = run_in(&d.0, &["plan", "--var", "instances=2", "jobs/api.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains("+/- Count: \"1\" => \"2\""),
        "{}",
        o.stdout
    );
    let o = run_in(&d.0, &["plan", "--var", "image=api:2.0", "jobs/api.nomad"]);
    assert!(
        o.stdout.contains("+/- image: \"api:1.0\" => \"api:2.0\""),
        "{}",
        o.stdout
    );
    // The same flags with the same values the world runs: no change.
    let o = run_in(&d.0, &["plan", "--var", "instances=1", "jobs/api.nomad"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
}
