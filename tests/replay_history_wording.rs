//! R14-50's wording beyond `plan --samples` (stop55-note item 7): NP403's
//! share and `rehearse`'s replays over a written world redraw the running
//! jobs' placements too, not only the plan's node shuffle, and say so with
//! the phrase `plan --samples` uses (`sample::history_redrawn`, one copy).

use crate::common;

use common::TempDir;
use std::process::Command;

const REDRAWN: &str = "each replay also places the world's running jobs again (their node shuffles and Go's map orders)";

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The NP403 fixture: monitoring runs in `monitor`, carts scaled to 3.
/// Fails on c3b2303d: "in N% of 100 node shuffles" and nothing more.
#[test]
fn np403_says_the_running_jobs_are_placed_again() {
    let d = TempDir::new("np403-history");
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules/NP403");
    common::copy_dir(&src, &d.0);
    let o = d.run(&[
        "check",
        "--world",
        "rules",
        "fail.nomad",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let msgs: Vec<&str> = v["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["code"] == "NP403")
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert_eq!(msgs.len(), 1, "{v}");
    assert!(msgs[0].contains("node shuffles; "), "{}", msgs[0]);
    assert!(msgs[0].ends_with(REDRAWN), "{}", msgs[0]);
}

fn rehearse(args: &[&str]) -> std::process::Output {
    Command::new(common::bin())
        .arg("rehearse")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run")
}

/// The demo's rehearsal replays the shipped world, whose running jobs are
/// placed by each replay. Fails on c3b2303d (no phrase, no `history`).
#[test]
fn rehearse_says_what_its_replays_redraw() {
    let o = rehearse(&["--samples", "2", "--no-color"]);
    let out = text(&o.stdout);
    assert!(
        out.contains(&format!(
            "Verdicts over 3 replays, the run shown and 2 with other node shuffles; {REDRAWN}; an expectation passes"
        )),
        "{out}"
    );
    let o = rehearse(&["--samples", "2", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["history"].as_str(), Some(REDRAWN), "{}", v["history"]);
}

/// Guard: with no sampled replay nothing is redrawn, and nothing is said.
#[test]
fn rehearse_without_samples_says_nothing_of_history() {
    let o = rehearse(&["--samples", "0", "--no-color"]);
    let out = text(&o.stdout);
    assert!(!out.contains("running jobs again"), "{out}");
    let o = rehearse(&["--samples", "0", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert!(v["history"].is_null(), "{}", v["history"]);
}
