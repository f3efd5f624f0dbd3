//! Projects that plan an edit of one job by hand: a cluster file, the
//! running `old.nomad`, the edited `new.nomad`, and
//! `plan --running old.nomad new.nomad` at a release.

use super::{run_in, Out, TempDir};

/// Job "web" with group "g" and a docker task "t" running nginx:1 with
/// 100 MHz and 128 MB. `job_lines` open the job (its `datacenters`
/// included), `group_lines` the group, `task_lines` the task; each is
/// whole lines, "" for none.
pub fn web(job_lines: &str, group_lines: &str, task_lines: &str) -> String {
    format!("job \"web\" {{\n{job_lines}  group \"g\" {{\n{group_lines}    task \"t\" {{\n      driver = \"docker\"\n{task_lines}      config {{\n        image = \"nginx:1\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 128\n      }}\n    }}\n  }}\n}}\n")
}

/// The usual job head: `datacenters = ["dc1"]`.
pub const DC1: &str = "  datacenters = [\"dc1\"]\n";

/// A project named `tag` with `cluster` as rules/cluster.hcl, `old` as
/// old.nomad and `new` as new.nomad.
pub fn project(tag: &str, cluster: &str, old: &str, new: &str) -> TempDir {
    let dir = TempDir::new(tag);
    dir.put("rules/cluster.hcl", cluster);
    dir.put("old.nomad", old);
    dir.put("new.nomad", new);
    dir
}

/// `plan --no-cache --world rules --nomad-version VERSION --running
/// old.nomad new.nomad` in a [`project`], then `extra` arguments.
pub fn run(dir: &TempDir, version: &str, extra: &[&str]) -> Out {
    let mut args = vec![
        "plan",
        "--no-cache",
        "--world",
        "rules",
        "--nomad-version",
        version,
        "--running",
        "old.nomad",
        "new.nomad",
    ];
    args.extend(extra);
    run_in(&dir.0, &args)
}

/// [`run`] in a new [`project`].
pub fn plan(tag: &str, cluster: &str, version: &str, old: &str, new: &str) -> Out {
    run(&project(tag, cluster, old, new), version, &[])
}

/// What a plan printed before its check-index paragraph.
pub fn head(o: &Out) -> &str {
    o.stdout
        .split("Job Modify Index")
        .next()
        .unwrap_or_default()
}

/// The exit code, and [`head`] followed by stderr.
pub fn code_and_text(o: &Out) -> (i32, String) {
    (
        o.code,
        format!("{}{}", head(o), without_index_note(&o.stderr)),
    )
}

/// stderr without the note that a running job's Job Modify Index is the
/// simulation's (tests/plan_modify_index_inferred.rs holds it): these
/// tests' worlds state no index, and what they check is the plan above it.
pub fn without_index_note(stderr: &str) -> String {
    stderr
        .lines()
        .filter(|l| !l.starts_with("note: Job Modify Index "))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// The exit code and the counts line of task group `group` (`+/- Task
/// Group: "g" (2 in-place update)`; empty when the plan shows none).
pub fn group_counts(o: &Out, group: &str) -> (i32, String) {
    let key = format!("Task Group: \"{group}\"");
    let line = o
        .stdout
        .lines()
        .find(|l| l.contains(&key))
        .unwrap_or_default();
    (o.code, line.to_string())
}
