//! Planning one edit of a job file at a chosen Nomad release, for the
//! per-release diff and update tests (tests/diff_dialect*.rs).

use super::{git, run_in, TempDir};
use serde_json::Value;

pub fn world(version: &str) -> String {
    format!(
        "nomad_version = \"{version}\"\nedition = \"enterprise\"\nclient \"c\" {{\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 8192\n  disk       = 20000\n  drivers    = [\"docker\"]\n}}\nserver {{\n  vault {{\n    enabled = true\n  }}\n}}\nrunning = [\"jobs/j.nomad\"]\n"
    )
}

/// A job with `group` inside its group block and `task` inside its task.
pub fn job(group: &str, task: &str) -> String {
    format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n{group}    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis\"\n      }}\n{task}    }}\n  }}\n}}\n"
    )
}

/// `plan` of `new` at `version`, with `old` committed and running.
pub fn plan(name: &str, version: &str, old: &str, new: &str, json: bool) -> super::Out {
    let dir = TempDir::new(&format!("dialect-{name}-{version}-{json}"));
    dir.put("rules/cluster.hcl", &world(version));
    dir.put("jobs/j.nomad", old);
    git(&dir.0, &["init", "-q"]);
    git(&dir.0, &["add", "."]);
    git(&dir.0, &["commit", "-qm", "running"]);
    dir.put("jobs/j.nomad", new);
    let mut args = vec!["plan", "jobs/j.nomad", "--base", "HEAD"];
    if json {
        args.extend(["--format", "json"]);
    }
    run_in(&dir.0, &args)
}

/// The diff part of the plan's text (before the scheduler's dry run).
pub fn diff_text(name: &str, version: &str, old: &str, new: &str) -> String {
    let out = plan(name, version, old, new, false);
    match out.stdout.split_once("\nScheduler dry-run:") {
        Some((diff, _)) => diff.to_string(),
        None => panic!("{version}: no plan\n{}{}", out.stdout, out.stderr),
    }
}

/// The plan's JSON `Diff`.
pub fn diff_json(name: &str, version: &str, old: &str, new: &str) -> Value {
    let out = plan(name, version, old, new, true);
    let v: Value = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("{version}: {e}\n{}{}", out.stdout, out.stderr));
    v["Diff"].clone()
}

/// Plan `pair` (old committed and running, new in the working tree) at
/// `version`: the diff text exactly, and the JSON at `at` (`job`: the
/// job's fields; `gfields`/`gobjects`: the group's; `tobjects`: the task's
/// objects) exactly.
pub fn expect(
    name: &str,
    version: &str,
    pair: &(String, String),
    text: &str,
    at: &str,
    json: &str,
) {
    let (old, new) = pair;
    assert_eq!(
        diff_text(name, version, old, new),
        text,
        "{name} at {version}"
    );
    let d = diff_json(name, version, old, new);
    let got = match at {
        "job" => &d["Fields"],
        "gfields" => &d["TaskGroups"][0]["Fields"],
        "gobjects" => &d["TaskGroups"][0]["Objects"],
        "tobjects" => &d["TaskGroups"][0]["Tasks"][0]["Objects"],
        other => panic!("no such place {other}"),
    };
    let want: Value = serde_json::from_str(json).expect("expected JSON");
    assert_eq!(got, &want, "{name} at {version}: {got}");
}

/// A group-level edit: `old` and `new` inside the group block.
pub fn in_group(old: &str, new: &str) -> (String, String) {
    (job(old, ""), job(new, ""))
}

/// A task-level edit: `old` and `new` inside the task block.
pub fn in_task(old: &str, new: &str) -> (String, String) {
    (job("", old), job("", new))
}

/// A group-level edit of one value: `@` in `block` written `a`, then `b`.
pub fn group_edit(block: &str, a: &str, b: &str) -> (String, String) {
    in_group(&block.replace('@', a), &block.replace('@', b))
}

/// A task-level edit of one value: `@` in `block` written `a`, then `b`.
pub fn task_edit(block: &str, a: &str, b: &str) -> (String, String) {
    in_task(&block.replace('@', a), &block.replace('@', b))
}
