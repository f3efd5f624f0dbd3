//! `plan --samples` over a written world replays the running jobs'
//! placements too, so its shares are over the cluster's history, not given
//! the placement one run (and `status`) shows (redteam14 R14-50: the
//! demo's carts step preempts in half of the replays by the order
//! sockshop's groups were first placed in; the plan's own node shuffle
//! adds nothing). The output says so; an import's allocations are read,
//! never placed again, and get no such note.

use crate::common;

use common::TempDir;

const NOTE: &str = "   note: each replay also places the world's running jobs again (their node shuffles and Go's map orders), so the shares are over the cluster's history, not given where `status` shows its allocations; import the cluster (`nomad-preflight import`) to plan against where they run\n";

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Fails on cb9694e8: no note, no `History`.
#[test]
fn samples_over_a_written_world_say_they_replay_its_history() {
    let d = TempDir::demo("samples-history");
    let o = d.run(&["plan", "--samples", "5", "jobs/monitoring.nomad"]);
    let out = text(&o.stdout);
    assert!(
        out.contains(&format!(
            "== nomad-preflight: outcomes over 5 node shuffles (not part of Nomad's output) ==\n{NOTE}"
        )),
        "{out}"
    );
    let o = d.run(&[
        "plan",
        "--samples",
        "5",
        "--format",
        "json",
        "jobs/monitoring.nomad",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(
        v["Preflight"]["Samples"]["History"]
            .as_str()
            .map(|s| format!("   note: {s}\n")),
        Some(NOTE.to_string()),
        "{v}"
    );
}

/// A guard (passes before and after): an import's allocations stay where
/// the cluster ran them, so its samples are of this plan alone.
#[test]
fn samples_over_an_import_say_nothing_of_history() {
    let d = TempDir::new("samples-history-imp");
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/basic");
    common::copy_dir(&src, &d.0.join("imp"));
    d.put(
        "web.nomad",
        "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    count = 2\n    task \"t\" {\n      driver = \"docker\"\n      config { image = \"nginx:1\" }\n      resources {\n        cpu = 100\n        memory = 64\n      }\n    }\n  }\n}\n",
    );
    let o = d.run(&["plan", "--world", "imp", "--samples", "3", "web.nomad"]);
    let out = text(&o.stdout);
    assert!(
        out.contains("outcomes over 3 node shuffles"),
        "{out}{}",
        text(&o.stderr)
    );
    assert!(!out.contains("running jobs again"), "{out}");
}
