//! An imported job's `Submit Date`: `nomad job status JOB` prints
//! `formatTime(time.Unix(0, *job.SubmitTime))` (command/job_status.go,
//! command/helpers.go `formatTime`, the same 0.9.x–2.0.5): the job's own
//! SubmitTime from the API, in the local time zone of the machine running
//! the command (`Z07:00`: `Z` for UTC, else the offset). The fixture
//! `tests/fixtures/import/basic` saved job `web` with SubmitTime
//! 1700000000000000000 ns = 2023-11-14T22:13:20Z; we printed a simulated
//! date from its index instead.

use crate::common;

use std::path::{Path, PathBuf};

fn basic() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/basic")
}

/// `status --world WORLD job web` under time zone `tz`: its Submit Date line.
fn submit_date(dir: &Path, world: &Path, tz: &str) -> String {
    let out = std::process::Command::new(common::bin())
        .current_dir(dir)
        .env("TZ", tz)
        .arg("status")
        .arg("--world")
        .arg(world)
        .args(["job", "web"])
        .output()
        .expect("binary runs");
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find(|l| l.starts_with("Submit Date"))
        .unwrap_or_else(|| panic!("no Submit Date: {text}"))
        .to_string()
}

#[test]
fn an_imported_jobs_submit_date_is_its_submit_time_in_local_time() {
    let here = Path::new(".");
    let w = basic();
    assert_eq!(
        submit_date(here, &w, "UTC0"),
        "Submit Date   = 2023-11-14T22:13:20Z"
    );
    // POSIX TZ strings, so no time zone database is needed.
    assert_eq!(
        submit_date(here, &w, "IST-5:30"),
        "Submit Date   = 2023-11-15T03:43:20+05:30"
    );
    assert_eq!(
        submit_date(here, &w, "EST5"),
        "Submit Date   = 2023-11-14T17:13:20-05:00"
    );
}

/// `import --write` keeps the date (`submit_time`, Unix seconds, in
/// allocations.hcl's job block), so the written world says the same.
#[test]
fn a_written_import_keeps_the_submit_date() {
    let (tmp, rules) = common::written_import(&basic(), "submit-date", &[]);
    let text = std::fs::read_to_string(rules.join("allocations.hcl")).expect("written");
    assert!(text.contains("  submit_time      = 1700000000\n"), "{text}");
    assert_eq!(
        submit_date(&tmp.0, Path::new("rules"), "UTC0"),
        "Submit Date   = 2023-11-14T22:13:20Z"
    );
}
