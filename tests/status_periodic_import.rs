//! `nomad job status` of an imported periodic job. The CLI computes the
//! `Next Periodic Launch` row itself with the api package's
//! `PeriodicConfig.Next` (command/job_status.go v0.9.3:181-196,
//! v1.6.0:194-209, v2.0.5:270-285; api/jobs.go v2.0.5:930-950), which
//! reads neither `Enabled` nor, for `Specs`, the spec type: a disabled
//! job still shows its next launch, and a non-cron `Spec` Go's zero time
//! (an empty date, `formatTimeDifference` saturated). The children are
//! `PrefixList(ID + "/periodic-")`: "No instances" only when that list is
//! empty; its rows are only those whose ParentID is the job
//! (outputPeriodicInfo, v0.9.3:236-261, v2.0.5:348-373).

use crate::common;

use common::batch::{import, job_json};
use common::TempDir;
use serde_json::{json, Value};

/// The job `report` (2.0.5) with `periodic`, in an import saved at
/// 2024-06-01T12:00:31Z, with `others` saved beside it.
fn cluster(tag: &str, periodic: Value, others: &[Value]) -> TempDir {
    cluster_at(tag, "2.0.5", periodic, others)
}

/// [`cluster`] saved from a cluster of release `build`.
fn cluster_at(tag: &str, build: &str, periodic: Value, others: &[Value]) -> TempDir {
    let job = job_json(
        json!({"ID": "report", "Name": "report", "Status": "running",
        "Periodic": periodic}),
    );
    let d = import(tag, build, &job, &[]);
    for (i, o) in others.iter().enumerate() {
        d.put(
            &format!("import/jobs/default/other-{i}.json"),
            &o.to_string(),
        );
    }
    d
}

fn cron(spec_type: &str, spec: &str, specs: Value, enabled: bool) -> Value {
    json!({"Enabled": enabled, "Spec": spec, "Specs": specs, "SpecType": spec_type,
        "ProhibitOverlap": false, "TimeZone": "UTC"})
}

fn status(d: &TempDir) -> (i32, String, String) {
    status_in(d, "UTC")
}

/// `status job report` on a machine in time zone `tz`.
fn status_in(d: &TempDir, tz: &str) -> (i32, String, String) {
    let o = std::process::Command::new(common::bin())
        .current_dir(&d.0)
        .args(["--no-color", "status", "--world", "import", "job", "report"])
        .env("TZ", tz)
        .env_remove("NOMAD_NAMESPACE")
        .output()
        .expect("run the binary");
    (
        o.status.code().expect("exit code"),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// 03:00 the next day is 14h59m29s after 12:00:31.
#[test]
fn a_disabled_periodic_job_still_shows_its_next_launch() {
    let d = cluster(
        "status-periodic-disabled",
        cron("cron", "0 3 * * *", Value::Null, false),
        &[],
    );
    let (code, out, err) = status(&d);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("\nNext Periodic Launch = 2024-06-02T03:00:00Z (14h59m29s from now)\n"),
        "{out}{err}"
    );
}

/// A `test` spec type (which the servers' Validate accepts unparsed):
/// its `Spec` is never read, and `Next` is Go's zero time; its `Specs`
/// are read whatever the type (from 1.6.2).
#[test]
fn a_non_cron_periodic_job_shows_the_zero_time_or_its_specs() {
    let d = cluster(
        "status-periodic-test-spec",
        cron("test", "0 3 * * *", Value::Null, true),
        &[],
    );
    let (code, out, err) = status(&d);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("\nNext Periodic Launch = (-2562047h47m16.854775808s from now)\n"),
        "{out}{err}"
    );
    let d = cluster(
        "status-periodic-test-specs",
        cron("test", "", json!(["0 3 * * *"]), true),
        &[],
    );
    let (code, out, err) = status(&d);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("\nNext Periodic Launch = 2024-06-02T03:00:00Z (14h59m29s from now)\n"),
        "{out}{err}"
    );
}

/// A job matched by the prefix but launched by another parent: the list
/// is not empty, so Nomad prints the table, with no row but its header.
#[test]
fn a_prefix_match_of_another_parent_is_an_empty_table() {
    let stray = job_json(json!({"ID": "report/periodic-1717200000",
        "Name": "report/periodic-1717200000", "ParentID": "other", "Status": "dead"}));
    let d = cluster(
        "status-periodic-stray-child",
        cron("cron", "0 3 * * *", Value::Null, true),
        &[stray],
    );
    let (code, out, err) = status(&d);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.ends_with("\n\nPreviously Launched Jobs\nID  Status\n"),
        "{out}{err}"
    );
    assert!(!out.contains("No instances"), "{out}");
}

/// `time_zone = "Local"`: the CLI's GetLocation loads the zone of the
/// machine running `nomad` (time.LoadLocation), here Tokyo's: 12:00:31Z is
/// 21:00:31 there, and 03:00 there is 5h59m29s away.
#[test]
fn a_local_zone_is_the_zone_of_the_machine_running_nomad() {
    let mut periodic = cron("cron", "0 3 * * *", Value::Null, true);
    periodic["TimeZone"] = json!("Local");
    let d = cluster("status-periodic-local", periodic, &[]);
    let (code, out, err) = status_in(&d, "Asia/Tokyo");
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("\nNext Periodic Launch = 2024-06-02T03:00:00+09:00 (5h59m29s from now)\n"),
        "{out}{err}"
    );
}

/// A row that cannot be told (here a distribution's extra copy of a zone,
/// `posix/Europe/Berlin`, which some tzdata packages hold and others do
/// not: periodic_time_zone_data.rs) is said in its place
/// and in the exit code, as every other section of the view that cannot be
/// told: never exit 0 beside a "cannot tell".
#[test]
fn a_launch_that_cannot_be_told_is_in_the_exit_code() {
    let mut periodic = cron("cron", "0 3 * * *", Value::Null, true);
    periodic["TimeZone"] = json!("posix/Europe/Berlin");
    let d = cluster("status-periodic-untold", periodic, &[]);
    let (code, out, err) = status(&d);
    assert!(
        out.contains("\nNext Periodic Launch = cannot tell: "),
        "{out}{err}"
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("the Next Periodic Launch of job report cannot be told"),
        "{err}"
    );
}

/// Before 1.6.2 the api's `Next` parses a cron type's `Spec` even when it
/// is empty (api/jobs.go v0.11.2:650-656, v1.6.0:853-860), which a
/// disabled job may leave so (Validate skips it: structs.go
/// v1.6.0:5607-5610): "" does not parse, `Next` errs, and the CLI prints
/// no row, not the zero time.
#[test]
fn before_1_6_2_a_disabled_job_without_a_cron_shows_no_row() {
    let d = cluster_at(
        "status-periodic-no-spec-1-6-0",
        "1.6.0",
        cron("cron", "", Value::Null, false),
        &[],
    );
    let (code, out, err) = status(&d);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("\nPeriodic "), "{out}{err}");
    assert!(!out.contains("Next Periodic Launch"), "{out}{err}");
}

/// A disabled job may hold both `Spec` and `Specs` (the agent copies each,
/// command/agent/job_endpoint.go v2.0.5:1180-1186), and a cron type's
/// `Next` reads `Spec` alone when it is set (api/jobs.go v2.0.5:932-935):
/// 03:00 from `Spec`, not 13:00 from `Specs`.
#[test]
fn a_spec_beside_specs_is_the_one_read() {
    let d = cluster(
        "status-periodic-spec-and-specs",
        cron("cron", "0 3 * * *", json!(["0 13 * * *"]), false),
        &[],
    );
    let (code, out, err) = status(&d);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("\nNext Periodic Launch = 2024-06-02T03:00:00Z (14h59m29s from now)\n"),
        "{out}{err}"
    );
}

/// A zone Go refuses (a disabled job skips the validation that would
/// refuse it): GetLocation errs and the CLI prints no row
/// (command/job_status.go v2.0.5:273-275), which is Nomad's text, not a
/// "cannot tell".
#[test]
fn a_refused_zone_shows_no_row() {
    let mut periodic = cron("cron", "0 3 * * *", Value::Null, false);
    periodic["TimeZone"] = json!("../etc/passwd");
    let d = cluster("status-periodic-refused-zone", periodic, &[]);
    let (code, out, err) = status(&d);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("\nPeriodic "), "{out}{err}");
    assert!(!out.contains("Next Periodic Launch"), "{out}{err}");
}
