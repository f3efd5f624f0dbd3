//! R24b-4: a commit that adds `rules/` to a `HEAD` that has none is judged
//! at commit time (`--staged`) against the world it stages: deliberate
//! (the committer is trusted; CI's `--base` refuses a base without a
//! world), but it was silent while the docs said `--staged` reads the world
//! from `HEAD`. It is said now: `world::staged`, an advice finding of
//! `check` (text and JSON) that fails nothing, `World` in `plan`'s JSON and
//! a line on its stderr.

use crate::common;

use common::{git, TempDir};

const WORLD: &str = "nomad_version = \"1.9.3\"\nregion = \"global\"\nclient \"c\" {\n  count = 2\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 4000\n  disk = 10000\n  drivers = [\"docker\"]\n  attributes = { \"kernel.name\" = \"linux\" }\n}\n";

const JOB: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config { image = \"nginx:1\" }\n      resources {\n        cpu    = 500\n        memory = 256\n      }\n    }\n  }\n}\n";

/// A repository whose one commit has no world, with `rules/` and a job
/// staged on top.
fn adding_the_world(name: &str) -> TempDir {
    let d = TempDir::new(&format!("staged-world-{name}"));
    d.put("README.md", "# deploy jobs\n");
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "."]);
    git(&d.0, &["commit", "-qm", "base"]);
    d.put("rules/cluster.hcl", WORLD);
    d.put("jobs/web.nomad", JOB);
    git(&d.0, &["add", "."]);
    d
}

fn staged_finding(stdout: &[u8]) -> Option<serde_json::Value> {
    let doc: serde_json::Value = serde_json::from_slice(stdout).expect("json");
    doc["findings"]
        .as_array()?
        .iter()
        .find(|f| f["code"] == "world::staged")
        .cloned()
}

#[test]
fn check_staged_says_the_world_is_the_one_the_commit_adds() {
    let d = adding_the_world("check");
    let out = d.run(&["check", "--staged", "--format", "json"]);
    let f = staged_finding(&out.stdout).expect("a world::staged finding");
    assert_eq!(f["severity"], "advice", "{f}");
    let msg = f["message"].as_str().unwrap_or("");
    assert!(
        msg.contains("as this commit stages it, not HEAD's"),
        "{msg}"
    );
    // It fails nothing: the committer is trusted, as before.
    assert_eq!(out.status.code(), Some(0));
    let out = d.run(&["check", "--staged", "--deny", "warnings"]);
    assert_eq!(out.status.code(), Some(0), "{}", common::output_text(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    let said: Vec<_> = text
        .lines()
        .filter(|l| l.contains("world::staged"))
        .collect();
    assert_eq!(said.len(), 1, "one line: {text}");
}

#[test]
fn plan_changed_staged_says_it_on_stderr_and_in_json() {
    let d = adding_the_world("plan");
    let out = d.run(&["plan", "--changed", "--staged", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let world = doc["World"].as_array().cloned().unwrap_or_default();
    assert!(world.iter().any(|w| w["Code"] == "world::staged"), "{doc}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("world::staged"), "{err}");
}

/// Guard: a world already at `HEAD` is `HEAD`'s, and nothing is said; CI's
/// `--base` still refuses a base without a world.
#[test]
fn a_world_at_head_is_not_said_and_base_still_refuses() {
    let d = adding_the_world("guard");
    git(&d.0, &["commit", "-qm", "world and job"]);
    d.put("jobs/web.nomad", &JOB.replace("nginx:1", "nginx:2"));
    git(&d.0, &["add", "."]);
    let out = d.run(&["check", "--staged", "--format", "json"]);
    assert!(staged_finding(&out.stdout).is_none());
    assert_eq!(out.status.code(), Some(0));
    let out = d.run(&["check", "--base", "HEAD~1", "--head", "HEAD"]);
    assert_eq!(out.status.code(), Some(2), "{}", common::output_text(&out));
    assert!(common::output_text(&out).contains("git::no-world"));
}

/// rv24-6: judged as another release (`--nomad-version`), the world is
/// read again from the same staged files: the note that they are the
/// commit's, not HEAD's, stays.
#[test]
fn the_note_stays_when_judged_as_another_release() {
    let d = adding_the_world("as-release");
    let out = d.run(&[
        "check",
        "--staged",
        "--nomad-version",
        "1.8.4",
        "--format",
        "json",
    ]);
    assert!(
        staged_finding(&out.stdout).is_some(),
        "{}",
        common::output_text(&out)
    );
}

/// Guard (passes on the baseline too): run at the top of the work tree,
/// `--staged` loads the world before it reads the index (the index's read
/// left the main thread's path before its wait: BENCHMARKS.md, "hook round
/// 16"), yet an index that cannot be read is still refused first, as
/// `git::read`, whether `HEAD` has the world or the commit adds it.
#[test]
fn an_unreadable_index_is_refused_before_the_world() {
    for world_at_head in [true, false] {
        let d = adding_the_world(&format!("bad-index-{world_at_head}"));
        if world_at_head {
            git(&d.0, &["commit", "-qm", "world and job"]);
            d.put("jobs/web.nomad", &JOB.replace("nginx:1", "nginx:2"));
            git(&d.0, &["add", "."]);
        }
        let index = d.0.join(".git/index");
        let bytes = std::fs::read(&index).expect("index");
        std::fs::write(&index, &bytes[..100]).expect("truncate the index");
        let out = d.run(&["check", "--staged", "--format", "json"]);
        assert_eq!(out.status.code(), Some(2), "{}", common::output_text(&out));
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let codes: Vec<_> = doc["findings"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| f["code"].as_str().unwrap_or("").to_string())
            .collect();
        assert_eq!(codes, ["git::read"], "{doc}");
        let out = d.run(&["plan", "--changed", "--staged"]);
        assert_eq!(
            out.status.code(),
            Some(255),
            "{}",
            common::output_text(&out)
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("cannot read files from git"), "{err}");
    }
}
