//! `nomad job status`'s Status column in a simulated world, as Nomad's
//! state store derives it (nomad/state/state_store.go `getJobStatus`, the
//! same rule from 0.9 to 2.0.5 for these cases): periodic, parameterized
//! and system jobs are `running` until stopped whatever their allocations;
//! another job with no live allocation and no unfinished (blocked)
//! evaluation is `dead`, its evaluation being complete. Before, every job
//! without a live allocation showed `pending`.

use crate::common;

use common::{run_in, TempDir};

const PERIODIC: &str = r#"job "report" {
  datacenters = ["dc1"]
  type        = "batch"
  periodic {
    cron = "@daily"
  }
  group "report" {
    task "report" {
      driver = "exec"
      config { command = "/bin/date" }
      resources {
        cpu    = 100
        memory = 64
      }
    }
  }
}
"#;

/// A system job no client may run (its constraint holds nowhere).
const SYSTEM: &str = r#"job "agent" {
  datacenters = ["dc1"]
  type        = "system"
  constraint {
    attribute = "${attr.kernel.name}"
    value     = "windows"
  }
  group "agent" {
    task "agent" {
      driver = "exec"
      config { command = "/bin/date" }
      resources {
        cpu    = 100
        memory = 64
      }
    }
  }
}
"#;

/// A service job scaled to nothing: its evaluation completes, nothing runs.
const EMPTY: &str = r#"job "idle" {
  datacenters = ["dc1"]
  group "idle" {
    count = 0
    task "idle" {
      driver = "exec"
      config { command = "/bin/date" }
      resources {
        cpu    = 100
        memory = 64
      }
    }
  }
}
"#;

fn world(version: &str) -> TempDir {
    let d = TempDir::new(&format!("job-status-{version}"));
    d.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"{version}\"\nregion = \"global\"\nrunning = [\"jobs/report.nomad\", \"jobs/agent.nomad\", \"jobs/idle.nomad\"]\n\nclient \"c\" {{\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4096\n  disk       = 10000\n  drivers    = [\"exec\"]\n}}\n"
        ),
    );
    d.put("jobs/report.nomad", PERIODIC);
    d.put("jobs/agent.nomad", SYSTEM);
    d.put("jobs/idle.nomad", EMPTY);
    d
}

/// `status jobs`: each job's (type, status).
fn statuses(d: &TempDir) -> Vec<(String, String, String)> {
    let o = run_in(&d.0, &["status", "jobs"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    o.stdout
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split_whitespace().collect();
            (c[0].to_string(), c[1].to_string(), c[3].to_string())
        })
        .collect()
}

#[test]
fn periodic_and_system_jobs_run_and_a_finished_one_is_dead() {
    for version in ["0.9.3", "1.6.0", "2.0.5"] {
        let d = world(version);
        let got = statuses(&d);
        let want = [
            ("agent", "system", "running"),
            ("idle", "service", "dead"),
            ("report", "batch/periodic", "running"),
        ];
        let got: Vec<(&str, &str, &str)> = got
            .iter()
            .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
            .collect();
        assert_eq!(got, want, "{version}");
    }
}
