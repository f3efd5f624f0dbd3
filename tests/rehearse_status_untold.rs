//! A rehearsal's `nomad job status` / `nomad node status` step decides its
//! exit code as `nomad-preflight status` does (render::status::job_untold,
//! node_untold): a view with a `cannot tell` row (here the node's events
//! and the job's latest deployment, which the import does not hold) exits
//! 1, so an `exit_code = 0` expectation never reads "as expected" beside
//! it. Nomad itself prints these rows from the live cluster (command/
//! node_status.go v1.6.0 formatNodeEvents, command/job_status.go v1.6.0
//! outputJobInfo's latest deployment), which an import cannot stand in for.

use crate::common;

const REHEARSAL: &str = "step \"node\" {\n  command = \"nomad node status n1\"\n  expect {\n    exit_code = 0\n  }\n}\n\
step \"job\" {\n  command = \"nomad job status web\"\n  expect {\n    exit_code = 0\n  }\n}\n";

#[test]
fn a_status_step_that_cannot_tell_does_not_pass_as_exit_0() {
    let d = common::TempDir::new("rehearse-status-untold");
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import/stored-update-1.6");
    common::copy_dir(&src, &d.0.join("imp"));
    // Neither node-ID.json (the node's Events) nor deployments.json.
    std::fs::remove_file(d.0.join("imp/deployments.json")).expect("rm");
    d.put("imp/saved-at.txt", "2024-12-01T12:00:00Z\n");
    d.put("r.hcl", REHEARSAL);
    let o = std::process::Command::new(common::bin())
        .current_dir(&d.0)
        .args(["rehearse", "--world", "imp", "--samples", "0"])
        .args(["--format", "json", "r.hcl"])
        .env("TZ", "UTC")
        .output()
        .expect("run the binary");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let seen: Vec<(i64, String)> = (0..2)
        .map(|i| {
            let step = &v["steps"][i];
            let verdict = step["expectations"][0]["verdict"].as_str().unwrap_or("");
            (
                step["exit_code"].as_i64().unwrap_or(-1),
                verdict.to_string(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [(1, "fails".to_string()), (1, "fails".to_string())],
        "{v:#}"
    );
    assert_eq!(v["summary"]["all_clear"], false, "{v:#}");
    assert_ne!(o.status.code(), Some(0));
}
