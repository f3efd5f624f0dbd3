//! A changed file `.nomad-preflight.hcl`'s `exclude` leaves out of the lint
//! is a step of the change set all the same (R21-A2, R21-A3): the deploy
//! submits it. `check` left it out of the earlier steps, so a later file
//! Nomad cannot place passed (AllocsFit, nomad/structs/funcs.go
//! v2.0.5:142: 500 + 400 + 300 MB on a 1,000 MB client), and weighed an
//! excluded copy of a protected job with the shell's `NOMAD_VAR_*` only
//! (command/helpers.go v2.0.5:566-572 reads the submitter's environment;
//! jobspec2/types.variables.go v2.0.5:450-475), so `NOMAD_VAR_ns=ops` let
//! a copy landing on default/sockshop through the hook.

use crate::common;

use common::{git, run_in_env, TempDir};

const V: [&str; 2] = ["--nomad-version", "2.0.5"];
const EXCLUDE: (&str, &str) = (".nomad-preflight.hcl", "exclude = [\"legacy/**\"]\n");

fn job(id: &str, memory: u32) -> String {
    format!(
        "job \"{id}\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx:1.25\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = {memory}\n      }}\n    }}\n  }}\n}}\n"
    )
}

#[test]
fn an_excluded_file_is_an_earlier_step_of_the_files_after_it() {
    let d = TempDir::new("excluded-step");
    d.put(
        "rules/cluster.hcl",
        "nomad_version = \"1.6.0\"\nedition = \"community\"\nclient \"c\" {\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 1000\n  disk       = 100000\n  drivers    = [\"docker\"]\n}\nrunning = [\"jobs/keep.nomad\"]\n",
    );
    d.put("jobs/keep.nomad", &job("keep", 500));
    d.put(EXCLUDE.0, EXCLUDE.1);
    git(&d.0, &["init", "-q", "-b", "main"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "base"]);
    // legacy/ sorts before svc/: submitted first. Its own lint findings
    // stay out (an `image` tag, a missing `update`...): only web's count.
    d.put("legacy/batchy.nomad", &job("batchy", 400));
    d.put("svc/web.nomad", &job("web", 300));
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "pr"]);
    let c = run_in_env(
        &d.0,
        &[],
        &[
            "check", "--base", "HEAD~1", "--head", "HEAD", "--format", "json",
        ],
    );
    let s = format!("{}{}", c.stdout, c.stderr);
    assert_eq!(c.code, 1, "{s}");
    let v: serde_json::Value =
        serde_json::from_str(&c.stdout).unwrap_or_else(|e| panic!("{e}: {s}"));
    let found = v["findings"].as_array().expect("findings");
    let np207 = found
        .iter()
        .find(|f| f["code"] == "NP207")
        .unwrap_or_else(|| panic!("{v:#}"));
    assert_eq!(np207["file"], "svc/web.nomad", "{v:#}");
    let m = np207["message"].as_str().unwrap_or_default();
    assert!(m.contains("caused by legacy/batchy.nomad"), "{m}");
    assert!(
        found.iter().all(|f| f["file"] != "legacy/batchy.nomad"),
        "an excluded file's own findings stay out: {v:#}"
    );
}

#[test]
fn an_excluded_copy_is_judged_with_and_without_the_shell_s_variables() {
    let d = common::demo_repo(
        "excluded-shellvars",
        common::Demo {
            without_monitoring: true,
            files: &[EXCLUDE],
            ..Default::default()
        },
    );
    d.put(
        "legacy/zz.nomad",
        &format!(
            "variable \"ns\" {{\n  default = \"default\"\n}}\n{}",
            job("sockshop", 32).replacen("{\n", "{\n  namespace = var.ns\n", 1)
        ),
    );
    git(&d.0, &["add", "-A"]);
    let env = [("NOMAD_VAR_ns", "ops")];
    let line = "legacy/zz.nomad:1:1: changeset::cannot-tell [error] cannot tell what legacy/zz.nomad submits: the shell's NOMAD_VAR_ns sets a variable";
    let all =
        |args: &[&str]| -> Vec<String> { args.iter().chain(&V).map(|s| s.to_string()).collect() };
    let args = all(&["check", "--staged", "--output-format", "concise"]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let c = run_in_env(&d.0, &env, &args);
    let s = format!("{}{}", c.stdout, c.stderr);
    assert_eq!(c.code, 2, "{s}");
    assert!(c.stdout.contains(line), "{s}");
    // Without the variable it is the protected job's copy, refused.
    let c = run_in_env(&d.0, &[], &args);
    assert_eq!(c.code, 1, "{}{}", c.stdout, c.stderr);
    assert!(c.stdout.contains("policy::defined-twice"), "{}", c.stdout);

    git(&d.0, &["commit", "-qm", "zz"]);
    let args = all(&["check", "--base", "HEAD~1", "--head", "HEAD"]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let c = run_in_env(&d.0, &env, &args);
    assert_eq!(c.code, 2, "{}{}", c.stdout, c.stderr);
}
