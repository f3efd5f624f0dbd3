//! `plan --running OLD NEW -var ...`: the running version is evaluated with
//! the variables the world says it was submitted with (`running_job`, else
//! none), never with the command's `-var` or `NOMAD_VAR_*`, as the git
//! route does (docs/world-format.md, "Running jobs' variables"). Nomad
//! diffs the stored job against the submitted one (nomad/structs/diff.go
//! v2.0.5 Job.Diff), so a `-var` that changes the image is an edited
//! config and a destructive update (scheduler/util.go tasksUpdated);
//! giving the command's variables to both sides planned it as "1 ignore",
//! exit 0 (R17-10).

use crate::common::{self, run_in, TempDir};

const JOB: &str = "variable \"img\" {\n  type    = string\n  default = \"nginx:1\"\n}\njob \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = var.img\n      }\n      resources {\n        cpu    = 100\n        memory = 64\n      }\n    }\n  }\n}\n";

fn project(tag: &str, running_job: &str) -> TempDir {
    let dir = TempDir::new(&format!("running-file-vars-{tag}"));
    dir.put(
        "rules/cluster.hcl",
        &format!("nomad_version = \"2.0.5\"\nclient \"c\" {{\n  count      = 2\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4000\n  disk       = 50000\n  drivers    = [\"docker\"]\n}}\nrunning = [\"web.nomad\"]\n{running_job}"),
    );
    dir.put("web.nomad", JOB);
    dir.put("old/web.nomad", JOB);
    dir
}

const EDITED: &str = "+/- Job: \"web\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  +/- Task: \"t\" (forces create/destroy update)\n    +/- Config {\n      +/- image: \"nginx:1\" => \"nginx:2\"\n        }\n";

#[test]
fn a_command_var_is_the_submitted_versions_only() {
    let dir = project("flag", "");
    let o = run_in(
        &dir.0,
        &[
            "plan",
            "--no-cache",
            "--running",
            "old/web.nomad",
            "web.nomad",
            "-var",
            "img=nginx:2",
        ],
    );
    assert!(o.stdout.starts_with(EDITED), "{}\n{}", o.stdout, o.stderr);
    assert_eq!(o.code, 1, "{}", o.stderr);
}

#[test]
fn a_nomad_var_from_the_environment_is_the_submitted_versions_only() {
    let dir = project("env", "");
    let o = std::process::Command::new(common::bin())
        .args([
            "plan",
            "--no-cache",
            "--format",
            "json",
            "--running",
            "old/web.nomad",
            "web.nomad",
        ])
        .current_dir(&dir.0)
        .env("NO_COLOR", "1")
        .env("NOMAD_VAR_img", "nginx:2")
        .output()
        .expect("run the binary");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("a JSON plan");
    assert_eq!(v["Diff"]["Type"], "Edited", "{v}");
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn the_worlds_running_job_variables_are_the_running_versions() {
    let dir = project(
        "world",
        "running_job \"web.nomad\" {\n  var = { img = \"nginx:5\" }\n}\n",
    );
    let o = run_in(
        &dir.0,
        &[
            "plan",
            "--no-cache",
            "--running",
            "web.nomad",
            "web.nomad",
            "-var",
            "img=nginx:1",
        ],
    );
    assert!(
        o.stdout.contains("+/- image: \"nginx:5\" => \"nginx:1\""),
        "{}\n{}",
        o.stdout,
        o.stderr
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
}
