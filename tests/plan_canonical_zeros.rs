//! Values the servers canonicalise before they diff, constrain and
//! validate, so that writing them differently is no change:
//!
//! - `vault { change_signal }` is upper-cased by structs `Vault.Canonicalize`
//!   (every release: nomad/structs/structs.go:6982-6986@v0.9.3,
//!   :9808-9811@v1.6.0, :10499-10501@v2.0.5), before the implied
//!   `${attr.os.signals}` constraint;
//! - `kill_timeout = "0s"` becomes the 5s default in structs
//!   `Task.Canonicalize` (structs.go:5435-5437@v0.9.3, :8144-8146@v2.0.5);
//! - `priority = 0` becomes the servers' `job_default_priority` (50 unless
//!   set) in the jobCanonicalizer mutator from 1.5.0
//!   (nomad/job_endpoint_hooks.go:137-143@v1.5.0, :241-246@v2.0.5; absent
//!   at v1.4.14, where Job.Validate refuses it: "Job priority must be
//!   between [1, 100]").
//!
//! Each pair is planned with the first file running: Nomad shows no
//! change, `Task Group: "g" (1 ignore)`, exit 0.

use crate::common;

use common::{run_in, TempDir};

fn project(tag: &str, version: &str, old: &str, new: &str) -> TempDir {
    let dir = TempDir::new(&format!("canon-{tag}"));
    dir.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"{version}\"\nedition = \"community\"\nregion = \"global\"\nserver {{\n  vault {{\n    enabled = true\n  }}\n}}\n\nclient \"c\" {{\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4000\n  disk       = 10000\n  drivers    = [\"docker\"]\n  attributes = {{ \"kernel.name\" = \"linux\" }}\n}}\n"
        ),
    );
    dir.put("jobs/old.nomad", old);
    dir.put("jobs/new.nomad", new);
    dir
}

fn job(job_extra: &str, task_extra: &str) -> String {
    format!(
        "job \"web\" {{\n  datacenters = [\"dc1\"]\n{job_extra}  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx:1\"\n      }}\n{task_extra}      resources {{\n        cpu    = 100\n        memory = 128\n      }}\n    }}\n  }}\n}}\n"
    )
}

fn plan_edit(dir: &TempDir) -> common::Out {
    run_in(
        &dir.0,
        &[
            "plan",
            "--no-color",
            "--running",
            "jobs/old.nomad",
            "jobs/new.nomad",
        ],
    )
}

const UNCHANGED: &str = "Job: \"web\"\nTask Group: \"g\" (1 ignore)\n  Task: \"t\"\n";

fn vault(signal: &str) -> String {
    format!("      vault {{\n        policies      = [\"p\"]\n        change_mode   = \"signal\"\n        change_signal = \"{signal}\"\n      }}\n")
}

#[test]
fn a_vault_change_signal_is_upper_cased() {
    for v in ["0.9.3", "1.6.0", "2.0.5"] {
        let dir = project(
            &format!("vsig-{v}"),
            v,
            &job("", &vault("SIGHUP")),
            &job("", &vault("sighup")),
        );
        let o = plan_edit(&dir);
        assert_eq!(o.code, 0, "{v}: {}{}", o.stdout, o.stderr);
        assert!(o.stdout.starts_with(UNCHANGED), "{v}: {}", o.stdout);
        // A new job asks the clients for SIGHUP, which they have.
        let o = run_in(
            &dir.0,
            &["plan", "--no-color", "--verbose", "jobs/new.nomad"],
        );
        assert!(
            o.stdout.contains("+ RTarget: \"SIGHUP\""),
            "{v}: {}",
            o.stdout
        );
        assert!(
            o.stdout.contains("- All tasks successfully allocated."),
            "{v}: {}",
            o.stdout
        );
    }
}

#[test]
fn a_zero_kill_timeout_is_the_default() {
    for v in ["0.9.3", "2.0.5"] {
        let dir = project(
            &format!("kt-{v}"),
            v,
            &job("", ""),
            &job("", "      kill_timeout = \"0s\"\n"),
        );
        let o = plan_edit(&dir);
        assert_eq!(o.code, 0, "{v}: {}{}", o.stdout, o.stderr);
        assert!(o.stdout.starts_with(UNCHANGED), "{v}: {}", o.stdout);
    }
}

#[test]
fn a_zero_priority_is_the_default_from_1_5() {
    let zero = job("  priority = 0\n", "");
    for v in ["1.5.0", "2.0.5"] {
        let dir = project(&format!("pr-{v}"), v, &job("", ""), &zero);
        let o = plan_edit(&dir);
        assert_eq!(o.code, 0, "{v}: {}{}", o.stdout, o.stderr);
        assert!(o.stdout.starts_with(UNCHANGED), "{v}: {}", o.stdout);
        let o = run_in(&dir.0, &["validate", "--world", "rules", "jobs/new.nomad"]);
        assert_eq!(o.code, 0, "{v}: {}{}", o.stdout, o.stderr);
    }
    // 1.4 refuses it (Job.Validate, before any hook sets it).
    let dir = project("pr-1.4", "1.4.0", &job("", ""), &zero);
    let o = plan_edit(&dir);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains("Error during plan: Unexpected response code: 500 (1 error occurred:\n\t* Job priority must be between [1, 100]\n"),
        "{}",
        o.stderr
    );
}
