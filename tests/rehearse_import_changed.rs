//! A rehearsal's `nomad job status` of an imported job a step stopped or
//! ran again shows the rehearsal's state, as Nomad's CLI reads the live
//! job, its summary and its allocations (command/job_status.go v2.0.5
//! outputJobInfo), never the import's saved files: a stopped job shown
//! "running" is a false all-clear (rv18, stop 59 Left 4). A job no step
//! touched keeps its saved view.

use crate::common;

/// The stored-update-1.6 import (web: 2 running allocations, api, sys)
/// with `rehearsal` beside it; the rehearsal's JSON report.
fn rehearse(tag: &str, rehearsal: &str, files: &[(&str, &str)]) -> serde_json::Value {
    let d = common::TempDir::new(tag);
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import/stored-update-1.6");
    common::copy_dir(&src, &d.0.join("imp"));
    d.put("imp/saved-at.txt", "2024-12-01T12:00:00Z\n");
    d.put("r.hcl", rehearsal);
    for (path, text) in files {
        d.put(path, text);
    }
    let o = std::process::Command::new(common::bin())
        .current_dir(&d.0)
        .args(["rehearse", "--world", "imp", "--samples", "0"])
        .args(["--format", "json", "r.hcl"])
        .env("TZ", "UTC")
        .output()
        .expect("run the binary");
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

fn output(v: &serde_json::Value, step: usize) -> String {
    v["steps"][step]["output"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

/// Each allocation row's ID, version, desired and client status.
fn rows(text: &str) -> Vec<String> {
    let after = text.split("\nAllocations\n").nth(1).unwrap_or("");
    after
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split_whitespace().collect();
            [0, 3, 4, 5]
                .map(|i| c.get(i).copied().unwrap_or(""))
                .join(" ")
        })
        .collect()
}

#[test]
fn a_stopped_imported_job_is_shown_dead_with_its_allocations_stopped() {
    let v = rehearse(
        "rehearse-import-stopped",
        "step \"stop\" {\n  command = \"nomad job stop web\"\n}\n\
         step \"show\" {\n  command = \"nomad job status web\"\n}\n\
         step \"list\" {\n  command = \"nomad job status\"\n}\n",
        &[],
    );
    let show = output(&v, 1);
    assert!(
        show.contains("\nStatus        = dead (stopped)\n"),
        "{show}"
    );
    // The saved summary (2 running) moved by the two stopped allocations.
    assert!(
        show.contains("\ng           0       0         0        0       2         0     0\n"),
        "{show}"
    );
    assert_eq!(
        rows(&show),
        ["a0000001 0 stop complete", "a0000002 0 stop complete"],
        "{show}"
    );
    let list = output(&v, 2);
    let row = |id: &str| {
        list.lines()
            .find(|l| l.starts_with(&format!("{id} ")))
            .map(|l| {
                l.split_whitespace()
                    .skip(3)
                    .take(2)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
    };
    assert_eq!(row("web").as_deref(), Some("dead (stopped)"), "{list}");
    // No step touched api: its saved status stands.
    assert_eq!(
        row("api").as_deref(),
        Some("running 2024-11-30T20:53:20Z"),
        "{list}"
    );
}

const WEB3: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    count = 3\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"nginx:1.25\"\n      }\n      resources {\n        cpu    = 100\n        memory = 300\n      }\n    }\n  }\n}\n";

#[test]
fn an_imported_job_run_again_shows_the_new_version_s_allocations() {
    let v = rehearse(
        "rehearse-import-run",
        "step \"run\" {\n  command = \"nomad job run web.nomad\"\n}\n\
         step \"show\" {\n  command = \"nomad job status web\"\n}\n",
        &[("web.nomad", WEB3)],
    );
    let show = output(&v, 1);
    assert!(
        show.contains("\ng           0       0         3        0       0         0     0\n"),
        "{show}"
    );
    let rows = rows(&show);
    assert_eq!(rows.len(), 3, "{show}");
    assert!(rows.iter().all(|r| r.ends_with(" 1 run running")), "{show}");
    assert!(show.contains("\nLatest Deployment\n"), "{show}");
}

#[test]
fn a_node_view_after_a_step_lists_the_allocations_as_the_step_left_them() {
    // `nomad node status ID` lists the node's allocations as the state
    // holds them (Nodes().Allocations, command/node_status.go v2.0.5:487)
    // and sums its running ones: after web's stop, web's two are stopped
    // and no longer counted; api's and sys's stay as saved.
    let v = rehearse(
        "rehearse-import-node",
        "step \"before\" {\n  command = \"nomad node status 0c1b\"\n}\n\
         step \"stop\" {\n  command = \"nomad job stop web\"\n}\n\
         step \"after\" {\n  command = \"nomad node status 0c1b\"\n}\n",
        &[],
    );
    let before = output(&v, 0);
    let after = output(&v, 2);
    let row = |text: &str, id: &str| {
        rows(text)
            .into_iter()
            .find(|r| r.starts_with(id))
            .unwrap_or_default()
    };
    assert_eq!(
        row(&before, "a0000001"),
        "a0000001 0 run running",
        "{before}"
    );
    assert_eq!(
        row(&after, "a0000001"),
        "a0000001 0 stop complete",
        "{after}"
    );
    assert_eq!(
        row(&after, "a0000002"),
        "a0000002 0 stop complete",
        "{after}"
    );
    assert_eq!(row(&after, "a0000003"), "a0000003 0 run running", "{after}");
    // Allocated Resources: five running before, three after.
    let cpu = |text: &str| {
        let at = text.find("\nAllocated Resources\n").map(|i| &text[i..]);
        at.and_then(|t| t.lines().nth(3))
            .and_then(|l| l.split('/').next())
            .unwrap_or("")
            .to_string()
    };
    assert_ne!(cpu(&before), cpu(&after), "{before}\n{after}");
}

#[test]
fn a_rehearsal_of_an_import_dates_its_steps_on_the_import_s_clock() {
    // One clock per view: the steps' writes come after the import was
    // saved (2024-12-01T12:00:00Z), never at the simulation's 2019 epoch
    // beside the saved dates ("5y6mo ago" for an allocation just placed).
    let v = rehearse(
        "rehearse-import-clock",
        "step \"run\" {\n  command = \"nomad job run web.nomad\"\n}\n\
         step \"show\" {\n  command = \"nomad job status web\"\n}\n\
         step \"list\" {\n  command = \"nomad job status\"\n}\n",
        &[("web.nomad", WEB3)],
    );
    let show = output(&v, 1);
    assert!(
        show.contains("\nSubmit Date   = 2024-12-01T12:00:01Z\n"),
        "{show}"
    );
    let after = show.split("\nAllocations\n").nth(1).unwrap_or("");
    assert!(!after.contains('y'), "{show}");
    for line in after.lines().skip(1) {
        assert!(line.ends_with(" 1m ago"), "{show}");
    }
    let list = output(&v, 2);
    let web = list.lines().find(|l| l.starts_with("web ")).unwrap_or("");
    assert!(web.ends_with(" 2024-12-01T12:00:01Z"), "{list}");
    let note = v["steps"][1]["simulated_times"].as_str().unwrap_or("");
    assert!(note.contains("on one clock"), "{note}");
    assert!(
        note.contains("2024-12-01T12:00:00Z, saved-at.txt"),
        "{note}"
    );
}
