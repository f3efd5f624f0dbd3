//! A change set's check grows with its files, not their square (issue 17
//! point 3). Each file is sampled under other node shuffles after the
//! change set's earlier files; every sample of every file used to submit
//! all the earlier files again, so 100 new files took over 300 s in a
//! debug build (50 took 32 s; main's budgeted sampling still spends 63 s of
//! CPU on 100). Kept per-seed replays submit each file once per seed: 100
//! files take about 5 s.

use crate::common;

/// One group, one small docker task: room for hundreds in the raised quota.
fn small_job(k: usize) -> String {
    format!(
        "job \"j{k}\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"busybox:1\"\n      }}\n      resources {{\n        cpu    = 20\n        memory = 10\n      }}\n    }}\n  }}\n}}\n"
    )
}

#[test]
fn a_hundred_new_files_are_checked_in_linear_time() {
    let d = common::TempDir::demo("changeset-linear");
    let quota = d.0.join("rules/quotas/default.hcl");
    let text = std::fs::read_to_string(&quota).unwrap();
    let raised = text
        .replace("cpu    = 3000", "cpu    = 100000")
        .replace("memory = 9500", "memory = 100000");
    assert_ne!(
        raised, text,
        "the demo quota's limits moved: update this test"
    );
    std::fs::write(&quota, raised).unwrap();
    common::git(&d.0, &["init", "-q"]);
    common::git(&d.0, &["add", "-A"]);
    common::git(&d.0, &["commit", "-qm", "world"]);
    for k in 1..=100 {
        d.put(&format!("jobs/many/j{k}.nomad"), &small_job(k));
    }
    // About 5 s of CPU now in a debug build; main's sampling spent 63 s
    // on these 100 files (and minutes past them).
    let out = common::run_cpu_limited(30, &d.0, &["--no-color", "check", "--base", "HEAD"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "over 30 s of CPU for 100 files, or not clean: {stdout}"
    );
    assert!(
        stdout.contains("0 errors, 0 warnings, 0 advices in 100 files"),
        "{stdout}"
    );
}
