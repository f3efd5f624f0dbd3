//! A running job's own inputs (`running_job "FILE" { var, var_file }`)
//! and the command's, and the running job's files read from the working
//! tree (red team rt17d, R17-41, R17-43, R17-44). Each was a false all
//! clear: a plan of no change, or of a placement that fits, exit 0.
//!
//! - R17-41: the command's `-var-file` and `NOMAD_VAR_*` are on top of
//!   the running job's `var` for the planned version (README: "the
//!   command's for the planned one"; docs/world-format.md: "on top"),
//!   within Nomad's own order, environment, files, then `-var`
//!   (jobspec2/types.variables.go collectInputVariableValues, v1.9.7).
//!   The job's `var` was given as a `-var`, beating the command's files.
//! - R17-43: `check --base REF` and `plan --changed --base REF` without
//!   `--head` (the shipped CI gate) read the head from the working tree,
//!   and loaded a changed running job without its own variables (a world
//!   read from git matched no file on disk).
//! - R17-44: `plan FILE` runs the other running jobs as the working tree
//!   has them and says so when one differs from HEAD; a `file()` input
//!   edited alone was taken, unsaid.

use crate::common::{git, run_in, run_in_env, Out, TempDir};

/// One client of 4000 MB; `web` protected (rules/policy.hcl).
const CLUSTER: &str = "nomad_version = \"1.9.7\"\nclient \"c\" {\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4000\n  disk       = 10000\n  drivers    = [\"docker\"]\n}\n";

/// Job `name` of one group `g`, `count` instances of `memory` MB each,
/// `extra` in the group.
fn job(name: &str, count: &str, memory: u32, extra: &str) -> String {
    format!("job \"{name}\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    count = {count}\n{extra}    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"nginx:1.27\" }}\n      resources {{\n        cpu    = 100\n        memory = {memory}\n      }}\n    }}\n  }}\n}}\n")
}

/// A repository with `files` committed on `main`, `protected` jobs.
fn committed(tag: &str, protected: &str, files: &[(&str, String)]) -> TempDir {
    let d = TempDir::new(tag);
    d.put(
        "rules/policy.hcl",
        &format!("protected {{\n  jobs       = [{protected}]\n  namespaces = []\n}}\n"),
    );
    for (path, text) in files {
        d.put(path, text);
    }
    git(&d.0, &["init", "-q", "-b", "main"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "world"]);
    d
}

/// `o` printed `text` and exited with `code`.
fn assert_says(o: &Out, text: &str, code: i32) {
    assert!(o.stdout.contains(text), "{}\n{}", o.stdout, o.stderr);
    assert_eq!(o.code, code, "{}\n{}", o.stdout, o.stderr);
}

/// web runs with `-var n=1`; deploy/prod.hcl says `n = 1` on main and
/// `n = 8` on branch `scale` (checked out): eight of 1000 MB on 4000 MB.
fn scaled(tag: &str) -> TempDir {
    let web = format!(
        "variable \"n\" {{\n  type = number\n}}\n{}",
        job("web", "var.n", 1000, "")
    );
    let cluster = format!("{CLUSTER}running = [\"jobs/web.nomad\"]\nrunning_job \"jobs/web.nomad\" {{\n  var = {{ n = \"1\" }}\n}}\n");
    let d = committed(
        tag,
        "\"web\"",
        &[
            ("rules/cluster.hcl", cluster),
            ("jobs/web.nomad", web),
            ("deploy/prod.hcl", "n = 1\n".into()),
        ],
    );
    git(&d.0, &["checkout", "-qb", "scale"]);
    d.put("deploy/prod.hcl", "n = 8\n");
    git(&d.0, &["commit", "-qam", "scale web to 8"]);
    d
}

const EIGHT: &str = "+/- Count: \"1\" => \"8\"";

#[test]
fn the_commands_var_file_is_on_top_of_the_running_jobs_var() {
    let d = scaled("inputs-var-file");
    let file = ["-var-file", "deploy/prod.hcl"];
    let runs: [&[&str]; 4] = [
        &["plan", "jobs/web.nomad"],
        &[
            "plan",
            "--changed",
            "--base",
            "main",
            "--head",
            "scale",
            "--gate",
        ],
        // Eight of 1000 MB do not fit: check finds it, as the plan does.
        &["check", "--base", "main", "--head", "scale"],
        &["check", "--base", "main"],
    ];
    for run in runs {
        let args: Vec<&str> = run
            .iter()
            .chain(&["--no-cache"])
            .chain(&file)
            .copied()
            .collect();
        let says = if run[0] == "plan" { EIGHT } else { "NP207" };
        assert_says(&run_in(&d.0, &args), says, 1);
    }
    // At commit time: main with the var file's edit staged.
    git(&d.0, &["checkout", "-q", "main"]);
    d.put("deploy/prod.hcl", "n = 8\n");
    git(&d.0, &["add", "deploy/prod.hcl"]);
    let args = ["check", "--no-cache", "--staged", file[0], file[1]];
    assert_says(&run_in(&d.0, &args), "NP207", 1);
}

#[test]
fn the_commands_environment_is_on_top_of_the_running_jobs_var() {
    let d = scaled("inputs-env");
    let env = [("NOMAD_VAR_n", "8")];
    let o = run_in_env(&d.0, &env, &["plan", "--no-cache", "jobs/web.nomad"]);
    assert_says(&o, EIGHT, 1);
    // A `-var` is still on top of the environment (Nomad's order).
    let args = ["plan", "--no-cache", "jobs/web.nomad", "-var", "n=1"];
    let o = run_in_env(&d.0, &env, &args);
    assert!(!o.stdout.contains("Count"), "{}\n{}", o.stdout, o.stderr);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
}

/// web runs three instances (its `running_job` var) of 1000 MB; branch
/// `pr` (checked out) raises the memory to 1400: three do not fit.
fn memory_raised(tag: &str) -> TempDir {
    let web = format!(
        "variable \"n\" {{\n  type    = number\n  default = 1\n}}\n{}",
        job(
            "web",
            "var.n",
            1000,
            "    update {\n      max_parallel = 3\n    }\n"
        )
    );
    let cluster = format!("{CLUSTER}running = [\"jobs/web.nomad\"]\nrunning_job \"jobs/web.nomad\" {{\n  var = {{ n = \"3\" }}\n}}\n");
    let d = committed(
        tag,
        "\"web\"",
        &[
            ("rules/cluster.hcl", cluster),
            ("jobs/web.nomad", web.clone()),
        ],
    );
    git(&d.0, &["checkout", "-qb", "pr"]);
    d.put(
        "jobs/web.nomad",
        &web.replace("memory = 1000", "memory = 1400"),
    );
    git(&d.0, &["commit", "-qam", "memory 1400"]);
    d
}

#[test]
fn a_working_tree_head_loads_a_running_job_with_its_own_variables() {
    let d = memory_raised("inputs-work-tree-head");
    let check = run_in(&d.0, &["check", "--no-cache", "--base", "main"]);
    assert_says(&check, "NP207", 1);
    let args = [
        "plan",
        "--no-cache",
        "--changed",
        "--base",
        "main",
        "--gate",
    ];
    let plan = run_in(&d.0, &args);
    assert_says(&plan, "refused by policy", 1);
    assert!(!plan.stdout.contains("Count"), "{}", plan.stdout);
}

#[test]
fn another_running_jobs_edited_input_is_said_like_an_edit_of_its_file() {
    // web reads its count from conf/web-count: 3 of 1000 MB, and api's
    // one fill the 4000 MB. The working tree says 1, uncommitted.
    let web = job("web", "jsondecode(file(\"conf/web-count\"))", 1000, "");
    let d = committed(
        "inputs-edited-input",
        "\"web\", \"api\"",
        &[
            (
                "rules/cluster.hcl",
                format!("{CLUSTER}running = [\"jobs/web.nomad\", \"jobs/api.nomad\"]\n"),
            ),
            ("jobs/web.nomad", web),
            ("jobs/api.nomad", job("api", "1", 1000, "")),
            ("conf/web-count", "3\n".into()),
        ],
    );
    d.put("jobs/api.nomad", &job("api", "2", 1000, ""));
    d.put("conf/web-count", "1\n");
    let o = run_in(&d.0, &["plan", "--no-cache", "jobs/api.nomad", "--gate"]);
    assert!(
        o.stderr.contains(
            "planned as if the working tree's jobs/web.nomad, listed in `running`, were submitted"
        ),
        "{}\n{}",
        o.stdout,
        o.stderr
    );
    // Unchanged inputs say nothing.
    git(&d.0, &["checkout", "-q", "conf"]);
    let o = run_in(&d.0, &["plan", "--no-cache", "jobs/api.nomad", "--gate"]);
    assert!(
        !o.stderr.contains("planned as if the working tree's"),
        "{}",
        o.stderr
    );
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
}
