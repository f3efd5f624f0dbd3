//! The headers of `plan --changed` name more paths than the planned file's
//! own: the file a rename came from, the input a job reads, the files
//! planned before it. Each comes from the pull request, and a newline in
//! one started a line of the author's choosing in the CI log the shipped
//! workflow shows: a forged `::error::` or `::add-mask::` (redteam R18-B-2).

use crate::common;

use common::TempDir as Dir;

const FORGED: &str = "::error title=nomad-preflight::all clear";

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn job(name: &str, extra: &str) -> String {
    format!(
        "job \"{name}\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"x:1\"\n{extra}      }}\n      resources {{\n        cpu    = 100\n        memory = 64\n      }}\n    }}\n  }}\n}}\n"
    )
}

fn repo(name: &str) -> Dir {
    let d = Dir::demo(name);
    common::git(&d.0, &["init", "-q", "-b", "main"]);
    common::git(&d.0, &["add", "-A"]);
    common::git(&d.0, &["commit", "-qm", "demo"]);
    d
}

/// No line of the plan starts with a workflow command, and the name is
/// shown escaped on its header line.
fn no_forged_line(d: &Dir, shown: &str) {
    let out = d.run(&["plan", "--changed", "--base", "main"]);
    let stdout = text(&out.stdout);
    assert!(
        !stdout.lines().any(|l| l.starts_with("::")),
        "a line from a path:\n{stdout}{}",
        text(&out.stderr)
    );
    assert!(stdout.contains(shown), "{stdout}{}", text(&out.stderr));
}

#[test]
fn the_files_planned_before_are_named_on_one_line() {
    let d = repo("path-newline-after");
    common::git(&d.0, &["checkout", "-qb", "pr"]);
    d.put(&format!("jobs/\n{FORGED}"), &job("a", ""));
    d.put("jobs/b.nomad", &job("b", ""));
    common::git(&d.0, &["add", "-A"]);
    common::git(&d.0, &["commit", "-qm", "two jobs"]);
    no_forged_line(&d, &format!("after jobs/\\n{FORGED})"));
}

#[test]
fn the_file_a_rename_came_from_is_named_on_one_line() {
    let d = repo("path-newline-renamed");
    d.put(&format!("jobs/\n{FORGED}"), &job("a", ""));
    common::git(&d.0, &["add", "-A"]);
    common::git(&d.0, &["commit", "-qm", "a job"]);
    common::git(&d.0, &["checkout", "-qb", "pr"]);
    common::git(&d.0, &["mv", &format!("jobs/\n{FORGED}"), "jobs/a.nomad"]);
    common::git(&d.0, &["commit", "-qm", "renamed"]);
    no_forged_line(&d, &format!("renamed from jobs/\\n{FORGED}"));
}
