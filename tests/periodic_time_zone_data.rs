//! A periodic job's `time_zone` is loaded by the servers' Go
//! (`time.LoadLocation` in `PeriodicConfig.Validate` and `GetLocation`,
//! nomad/structs/structs.go), from the server's own zoneinfo files:
//! Nomad's Linux builds embed no time/tzdata (main.go; GNUmakefile adds
//! `timetzdata` to Windows builds only). We read this machine's database
//! through jiff, which honours a `TZDIR` that holds at least one zone.
//! Where ours lacks the zone (a partial database, a damaged file, none at
//! all), whether the servers accept the job and when
//! it launches is not known: `validate` and `plan` say "cannot tell"
//! (exit 255, `Preflight.TimeZone`), `check` reports NP223, never Nomad's
//! "Invalid time zone" nor a next launch. A name no zone database has is
//! refused as Go refuses it, whatever this machine holds.

use crate::common;

use std::path::Path;

const VERSION: &str = "1.8.0";

fn job(zone: &str) -> String {
    format!(
        r#"job "nightly" {{
  datacenters = ["dc1"]
  type        = "batch"

  periodic {{
    cron      = "0 3 * * *"
    time_zone = "{zone}"
  }}

  group "g" {{
    task "report" {{
      driver = "exec"
      config {{
        command = "/bin/date"
      }}
      resources {{
        cpu    = 100
        memory = 64
      }}
    }}
  }}
}}
"#
    )
}

/// A project of one client at [`VERSION`] with the job in `zone`.
fn project(tag: &str, zone: &str) -> common::TempDir {
    let d = common::TempDir::new(&format!("tz-data-{tag}"));
    d.put(
        "rules/cluster.hcl",
        &format!("nomad_version = \"{VERSION}\"\nclient \"a\" {{\n  cpu     = 4000\n  memory  = 8192\n  disk    = 10000\n  drivers = [\"exec\"]\n}}\n"),
    );
    d.put("job.nomad", &job(zone));
    d
}

/// Run with `env` set (and TZ unset, so nothing else picks a zone).
fn run(d: &common::TempDir, env: &[(&str, &Path)], args: &[&str]) -> common::Out {
    let mut cmd = std::process::Command::new(common::bin());
    cmd.current_dir(&d.0)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("TZ")
        .env_remove("TZDIR")
        .env_remove("ZONEINFO")
        .env_remove("NOMAD_NAMESPACE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = cmd.output().expect("runs");
    common::Out {
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        code: o.status.code().expect("exit code"),
    }
}

const NOW: &str = "2026-12-01T09:00:00Z";

fn assert_cannot_tell(d: &common::TempDir, env: &[(&str, &Path)], zone: &str) {
    let line = format!(
        "error: cannot tell whether Nomad accepts job \"nightly\": its periodic time_zone \"{zone}\": "
    );
    let v = run(d, env, &["validate", "job.nomad"]);
    assert_eq!(v.code, 255, "{}{}", v.stdout, v.stderr);
    assert!(v.stderr.starts_with(&line), "{}", v.stderr);
    assert!(
        !v.stdout.contains("Job validation successful"),
        "{}",
        v.stdout
    );
    let p = run(d, env, &["plan", "--now", NOW, "job.nomad"]);
    assert_eq!(p.code, 255, "{}{}", p.stdout, p.stderr);
    assert!(p.stdout.is_empty(), "no Nomad text: {}", p.stdout);
    let errors: Vec<&str> = p
        .stderr
        .lines()
        .filter(|l| l.starts_with("error: "))
        .collect();
    assert_eq!(errors.len(), 1, "{}", p.stderr);
    assert!(errors[0].starts_with(&line), "{}", errors[0]);
    assert!(!p.stderr.contains("Invalid time zone"), "{}", p.stderr);
    let j = run(
        d,
        env,
        &["plan", "--now", NOW, "--format", "json", "job.nomad"],
    );
    assert_eq!(j.code, 255);
    let v: serde_json::Value = serde_json::from_str(&j.stdout).expect("json");
    assert_eq!(v["Preflight"]["TimeZone"]["TimeZone"], zone);
    assert!(v.get("NextPeriodicLaunch").is_none(), "{}", j.stdout);
    let c = run(d, env, &["check", "job.nomad"]);
    assert_ne!(c.code, 0, "{}{}", c.stdout, c.stderr);
    assert!(c.stdout.contains("NP223 [error]"), "{}", c.stdout);
}

/// A TZDIR holding Europe/Paris alone (jiff reads a TZDIR that holds at
/// least one zone; an empty one falls back to /usr/share/zoneinfo), and
/// America/New_York as `new_york` gives it: None without a system copy
/// of Paris to put there.
fn partial_tzdir(d: &common::TempDir, new_york: Option<&str>) -> Option<std::path::PathBuf> {
    let paris = std::fs::read("/usr/share/zoneinfo/Europe/Paris").ok()?;
    let dir = d.0.join("tzdir");
    std::fs::create_dir_all(dir.join("Europe")).expect("mkdir");
    std::fs::write(dir.join("Europe/Paris"), paris).expect("write");
    if let Some(text) = new_york {
        std::fs::create_dir_all(dir.join("America")).expect("mkdir");
        std::fs::write(dir.join("America/New_York"), text).expect("write");
    }
    Some(dir)
}

#[test]
fn a_zone_this_machines_database_lacks_cannot_tell() {
    let d = project("partial", "America/New_York");
    let Some(dir) = partial_tzdir(&d, None) else {
        return;
    };
    assert_cannot_tell(&d, &[("TZDIR", &dir)], "America/New_York");
}

#[test]
fn a_damaged_zone_file_here_cannot_tell() {
    let d = project("damaged", "America/New_York");
    let Some(dir) = partial_tzdir(&d, Some("not a TZif file")) else {
        return;
    };
    assert_cannot_tell(&d, &[("TZDIR", &dir)], "America/New_York");
}

#[test]
fn a_distributions_extra_copy_cannot_tell() {
    // `posix/` copies are in some distributions' tzdata and not others.
    let d = project("posix", "posix/Europe/Berlin");
    assert_cannot_tell(&d, &[], "posix/Europe/Berlin");
}

#[test]
fn a_name_no_database_has_is_refused_as_go_refuses_it() {
    let zone = "Mars/Olympus_Mons";
    let d = project("mars", zone);
    let dir = partial_tzdir(&d, None).unwrap_or_else(|| d.0.join("none"));
    let refusal = "Invalid time zone \"Mars/Olympus_Mons\": unknown time zone Mars/Olympus_Mons";
    for env in [vec![("TZDIR", dir.as_path())], vec![]] {
        let v = run(&d, &env, &["validate", "job.nomad"]);
        assert_eq!(v.code, 1, "{}{}", v.stdout, v.stderr);
        assert!(v.stderr.contains(refusal), "{}", v.stderr);
        let p = run(&d, &env, &["plan", "job.nomad"]);
        assert_eq!(p.code, 255, "{}{}", p.stdout, p.stderr);
        assert!(p.stderr.contains(refusal), "{}", p.stderr);
    }
}

/// Guard (passes before this change too): with this machine's database,
/// an IANA zone loads and the next launch is shown; Go's `$ZONEINFO` is
/// the servers' setting, not read here.
#[test]
fn a_zone_this_machine_holds_plans_with_its_next_launch() {
    if !Path::new("/usr/share/zoneinfo/America/New_York").exists() {
        return;
    }
    let d = project("known", "America/New_York");
    let empty = d.0.join("empty-zoneinfo");
    std::fs::create_dir_all(&empty).expect("mkdir");
    for env in [vec![], vec![("ZONEINFO", empty.as_path())]] {
        let p = run(&d, &env, &["plan", "--now", NOW, "job.nomad"]);
        assert!(p.code == 0 || p.code == 1, "{}{}", p.stdout, p.stderr);
        assert!(
            p.stdout.contains(
                "- If submitted now, next periodic launch would be at 2026-12-02T03:00:00-05:00"
            ),
            "{}",
            p.stdout
        );
        let v = run(&d, &env, &["validate", "job.nomad"]);
        assert_eq!(v.code, 0, "{}", v.stderr);
    }
}
