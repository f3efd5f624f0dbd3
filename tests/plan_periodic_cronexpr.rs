//! The next-launch line per release's cronexpr (redteam12 R12-4, R12-7).
//!
//! Nomad 0.9.0–0.11.1 vendor `github.com/gorhill/cronexpr`, whose `Next`
//! steps field by field with `time.Date` (a time a DST change skips takes
//! Go's offset and is not checked again); 0.11.2 on vendor
//! `github.com/hashicorp/cronexpr` v1.1.0 (vendor/vendor.json@v0.11.2),
//! which walks a DST day on the instant and reads `1-7` as Monday to
//! Saturday. The expected lines are what the vendored Go sources print,
//! built with go1.19 (gorhill's from v0.9.3, hashicorp's from v0.11.2:
//! `e.Next(now.In(loc))`, and `next.Sub(now)` as `formatTimeDifference`
//! does), for the instant `--now` gives.

use crate::common;

const JOB: &str = r#"job "cron" {
  datacenters = ["dc1"]
  type        = "batch"
  periodic {
    cron      = "CRON"
    time_zone = "ZONE"
  }
  group "g" {
    task "t" {
      driver = "exec"
      config { command = "/bin/true" }
      resources {
        cpu    = 20
        memory = 10
      }
    }
  }
}
"#;

/// (release, cron, time zone, --now, the line's "at (wait" or None).
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
);

const ROWS: &[Row] = &[
    // gorhill: the 02:30 New York skips is 01:30 EST, an hour before the
    // gap (hashicorp's: the next day's 02:30).
    (
        "0.9.3",
        "30 2 * * *",
        "America/New_York",
        "2027-03-13T12:00:00Z",
        Some("2027-03-14T01:30:00-05:00 (18h30m0s"),
    ),
    (
        "0.11.1",
        "30 2 * * *",
        "America/New_York",
        "2027-03-13T12:00:00Z",
        Some("2027-03-14T01:30:00-05:00 (18h30m0s"),
    ),
    (
        "0.11.2",
        "30 2 * * *",
        "America/New_York",
        "2027-03-13T12:00:00Z",
        Some("2027-03-15T02:30:00-04:00 (42h30m0s"),
    ),
    // gorhill: the repeated 01:00 hour is not revisited.
    (
        "0.9.3",
        "0 * * * *",
        "America/New_York",
        "2027-11-07T05:30:00Z",
        Some("2027-11-07T02:00:00-05:00 (1h30m0s"),
    ),
    (
        "0.9.3",
        "15 2 * * *",
        "Europe/Berlin",
        "2027-03-27T12:00:00Z",
        Some("2027-03-28T03:15:00+02:00 (13h15m0s"),
    ),
    // gorhill: the gap's time lands before "now".
    (
        "0.9.3",
        "*/30 * * * *",
        "America/New_York",
        "2027-03-14T06:45:00Z",
        Some("2027-03-14T01:00:00-05:00 (-45m0s"),
    ),
    // A midnight São Paulo skipped: gorhill gives 23:00 the day before.
    (
        "0.9.3",
        "0 0 * * *",
        "America/Sao_Paulo",
        "2018-11-03T12:00:00Z",
        Some("2018-11-03T23:00:00-03:00 (14h0m0s"),
    ),
    (
        "0.11.2",
        "0 0 * * *",
        "America/Sao_Paulo",
        "2018-11-03T12:00:00Z",
        Some("2018-11-05T00:00:00-02:00 (38h0m0s"),
    ),
    // `1-7` selects nothing in gorhill's, Monday..Saturday from 0.11.2.
    ("0.11.1", "0 0 * * 1-7", "UTC", "2026-12-05T10:00:00Z", None),
    (
        "0.11.2",
        "0 0 * * 1-7",
        "UTC",
        "2026-12-05T10:00:00Z",
        Some("2026-12-07T00:00:00Z (38h0m0s"),
    ),
    // R12-7: a wait past time.Duration's range saturates (Time.Sub).
    (
        "0.9.3",
        "0 0 * * *",
        "America/Sao_Paulo",
        "1677-09-21T00:00:00Z",
        Some("1970-01-01T00:00:00-03:00 (2562047h47m16.854775807s"),
    ),
    (
        "2.0.5",
        "0 0 * * *",
        "UTC",
        "0001-01-01T00:00:01Z",
        Some("1970-01-01T00:00:00Z (2562047h47m16.854775807s"),
    ),
    // Go's zero time as "now": Next returns it, the CLI prints no line.
    ("0.9.3", "0 0 * * *", "UTC", "0001-01-01T00:00:00Z", None),
];

fn launch_line(dir: &common::TempDir, row: &Row) -> (Option<String>, common::Out) {
    let (version, cron, zone, now, _) = *row;
    dir.put(
        "cron.nomad",
        &JOB.replace("CRON", cron).replace("ZONE", zone),
    );
    let now = format!("--now={now}");
    let out = common::run_in(
        &dir.0,
        &["plan", "cron.nomad", "--nomad-version", version, &now],
    );
    let prefix = "- If submitted now, next periodic launch would be at ";
    let line = out
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix(prefix))
        .map(|l| l.trim_end_matches(" from now).").to_string());
    (line, out)
}

#[test]
fn each_release_computes_the_next_launch_with_its_own_cronexpr() {
    let dir = common::TempDir::new("periodic-cronexpr-rows");
    dir.put(
        "rules/cluster.hcl",
        "client \"node\" {\n  cpu     = 4000\n  memory  = 8192\n  disk    = 10000\n  drivers = [\"exec\"]\n}\n",
    );
    let mut wrong = Vec::new();
    for row in ROWS {
        let (got, out) = launch_line(&dir, row);
        if out.code != 1 || got.as_deref() != row.4 {
            wrong.push(format!(
                "{row:?}: got {got:?} (exit {})\n{}",
                out.code, out.stderr
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A month written with a leading zero (redteam12 R12-8). gorhill's and
/// hashicorp v1.1.0's month tables have no `01`..`09`, and Go's read of a
/// missing key gives 0, which `time.Date` reads as the December before:
/// gorhill answers that December, even in the past; v1.1.0's `Next`
/// answers a later month of the same year as without it and never returns
/// once it steps into a later year. v1.1.1 (go.mod@v0.12.4, its commit
/// 8cee125) reads them as months. Expected lines from the vendored sources
/// built with go1.19. Where v1.1.0 never returns, Nomad's Plan RPC never
/// answers: no plan, one "cannot tell" line, exit 255 (it was a plan with
/// a note and exit 1 before: changed deliberately, as Nomad prints no
/// plan there).
#[test]
fn zero_padded_months_as_each_release_reads_them() {
    let dir = common::TempDir::new("periodic-cronexpr-padded");
    dir.put(
        "rules/cluster.hcl",
        "client \"node\" {\n  cpu     = 4000\n  memory  = 8192\n  disk    = 10000\n  drivers = [\"exec\"]\n}\n",
    );
    let rows: &[Row] = &[
        (
            "0.9.3",
            "0 0 1 01 *",
            "UTC",
            "2026-12-05T10:00:00Z",
            Some("2026-12-01T00:00:00Z (-106h0m0s"),
        ),
        (
            "0.11.1",
            "0 0 1 01,05 *",
            "UTC",
            "2026-03-05T10:00:00Z",
            Some("2026-12-01T00:00:00Z (6494h0m0s"),
        ),
        (
            "0.11.1",
            "0 0 1 01,5 *",
            "UTC",
            "2026-03-05T10:00:00Z",
            Some("2026-05-01T00:00:00Z (1358h0m0s"),
        ),
        ("0.11.2", "0 0 1 01 *", "UTC", "2026-12-05T10:00:00Z", None),
        (
            "0.12.3",
            "0 0 1 01,5 *",
            "UTC",
            "2026-03-05T10:00:00Z",
            Some("2026-05-01T00:00:00Z (1358h0m0s"),
        ),
        (
            "0.12.3",
            "0 0 * 09 *",
            "America/New_York",
            "2026-03-05T10:00:00Z",
            None,
        ),
        (
            "0.12.4",
            "0 0 1 01 *",
            "UTC",
            "2026-12-05T10:00:00Z",
            Some("2027-01-01T00:00:00Z (638h0m0s"),
        ),
        (
            "2.0.5",
            "0 0 * 09 *",
            "America/New_York",
            "2026-03-05T10:00:00Z",
            Some("2026-09-01T00:00:00-04:00 (4314h0m0s"),
        ),
    ];
    let mut wrong = Vec::new();
    for row in rows {
        let (got, out) = launch_line(&dir, row);
        let (code, untold) = match row.4 {
            Some(_) => (1, false),
            None => (255, true),
        };
        let said = out.stderr.lines().any(|l| {
            l.starts_with("error: cannot tell what `nomad job plan` prints for job \"cron\": Nomad's plan never answers")
        });
        let plan_shown = out.stdout.contains("Scheduler dry-run:");
        if out.code != code || got.as_deref() != row.4 || said != untold || plan_shown == untold {
            wrong.push(format!(
                "{row:?}: got {got:?} (exit {})\n{}",
                out.code, out.stderr
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
