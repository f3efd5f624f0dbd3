//! The lint rules and `plan` read one model of the cluster: for the cases
//! where the rules' own copy used to disagree with the scheduler, `check`
//! and `plan` on the same file and world give the same verdict, under each
//! Nomad release whose rule differs. Both commands run as users run them,
//! on a temporary project with its own `rules/`.

use crate::common;

use std::path::PathBuf;
use std::process::Command;

/// A temporary project (`rules/` world and one job file), removed on drop.
struct Project(PathBuf);

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Two docker clients and one java client in dc1 (1000 MHz / 1000 MB each),
/// namespace `default` without a quota, under `version`.
fn project(name: &str, version: &str, job: &str) -> Project {
    let dir = std::env::temp_dir().join(format!("np-agree-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("rules/namespaces")).unwrap();
    let client = |name: &str, count: u32, driver: &str| {
        format!(
            "client \"{name}\" {{\n  count = {count}\n  datacenter = \"dc1\"\n  cpu = 1000\n  memory = 1000\n  disk = 10000\n  network_mbits = 1000\n  drivers = [\"{driver}\"]\n}}\n"
        )
    };
    let cluster = format!(
        "nomad_version = \"{version}\"\nregion = \"global\"\n{}{}",
        client("web", 2, "docker"),
        client("jvm", 1, "java")
    );
    std::fs::write(dir.join("rules/cluster.hcl"), cluster).unwrap();
    std::fs::write(
        dir.join("rules/namespaces/default.hcl"),
        "name = \"default\"\n",
    )
    .unwrap();
    std::fs::write(dir.join("job.nomad"), job).unwrap();
    Project(dir)
}

/// One task; `lifecycle` is the body of a lifecycle block, if any.
fn task(name: &str, driver: &str, memory: u32, lifecycle: Option<&str>) -> String {
    let lifecycle = lifecycle.map_or(String::new(), |l| {
        format!("      lifecycle {{\n{l}\n      }}\n")
    });
    format!(
        "    task \"{name}\" {{\n      driver = \"{driver}\"\n{lifecycle}      config {{\n        image = \"busybox:1.36\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = {memory}\n      }}\n    }}\n"
    )
}

fn job(datacenters: &str, tasks: &[String]) -> String {
    format!(
        "job \"app\" {{\n  datacenters = [{datacenters}]\n  group \"app\" {{\n{}  }}\n}}\n",
        tasks.concat()
    )
}

/// What `check` and `plan` say about the project's job.
struct Verdicts {
    /// Rule codes `check --format json` reports.
    codes: Vec<String>,
    /// `plan`'s stdout.
    plan: String,
    plan_exit: i32,
}

impl Project {
    fn run(&self, args: &[&str]) -> std::process::Output {
        Command::new(common::bin())
            .args(args)
            .current_dir(&self.0)
            .env("NO_COLOR", "1")
            .env_remove("GIT_DIR")
            .output()
            .unwrap()
    }

    fn verdicts(&self) -> Verdicts {
        let check = self.run(&["check", "--format", "json", "job.nomad"]);
        let doc: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap_or_else(|e| {
            panic!(
                "check JSON: {e}\n{}{}",
                String::from_utf8_lossy(&check.stdout),
                String::from_utf8_lossy(&check.stderr)
            )
        });
        let codes = doc["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter_map(|f| f["code"].as_str().map(str::to_string))
            .collect();
        let plan = self.run(&["plan", "job.nomad"]);
        Verdicts {
            codes,
            plan: String::from_utf8_lossy(&plan.stdout).into_owned(),
            plan_exit: plan.status.code().unwrap_or(-1),
        }
    }
}

impl Verdicts {
    fn has(&self, code: &str) -> bool {
        self.codes.iter().any(|c| c == code)
    }
    fn placed(&self) -> bool {
        !self.plan.contains("Failed to place all allocations")
    }
}

/// A main task and a poststart task of 600 MB each on 1000 MB clients: from
/// 1.9.2 Nomad adds poststart tasks to the main phase (1200 MB, exhausted
/// everywhere); 1.0.0 to 1.9.1 leave them out of the sum (600 MB fits).
#[test]
fn a_poststart_task_is_sized_as_the_release_sizes_it() {
    let text = job(
        "\"dc1\"",
        &[
            task("main", "docker", 600, None),
            task("warm", "docker", 600, Some("hook = \"poststart\"")),
        ],
    );
    for (version, fits) in [("2.0.5", false), ("1.9.2", false), ("1.9.1", true)] {
        let p = project(&format!("poststart-{version}"), version, &text);
        let v = p.verdicts();
        assert_eq!(v.placed(), fits, "{version}: plan\n{}", v.plan);
        assert_eq!(
            v.has("NP201"),
            !fits,
            "{version}: {:?}\n{}",
            v.codes,
            v.plan
        );
        if !fits {
            assert!(
                v.plan.contains("Dimension \"memory\" exhausted on 2 nodes"),
                "{version}: {}",
                v.plan
            );
        }
    }
}

/// Prestart tasks that are not sidecars run before the main tasks: only the
/// larger phase counts, under every release that has lifecycle hooks.
#[test]
fn an_ephemeral_prestart_task_does_not_add_to_the_main_phase() {
    let text = job(
        "\"dc1\"",
        &[
            task("main", "docker", 600, None),
            task("init", "docker", 600, Some("hook = \"prestart\"")),
        ],
    );
    for version in ["2.0.5", "1.6.0"] {
        let p = project(&format!("prestart-{version}"), version, &text);
        let v = p.verdicts();
        assert!(v.placed(), "{version}: {}", v.plan);
        assert!(!v.has("NP201"), "{version}: {:?}", v.codes);
    }
    // As a sidecar it runs alongside the main task: 1200 MB.
    let text = job(
        "\"dc1\"",
        &[
            task("main", "docker", 600, None),
            task(
                "proxy",
                "docker",
                600,
                Some("hook = \"prestart\"\nsidecar = true"),
            ),
        ],
    );
    let p = project("sidecar", "2.0.5", &text);
    let v = p.verdicts();
    assert!(!v.placed(), "{}", v.plan);
    assert!(v.has("NP201"), "{:?}", v.codes);
}

/// `datacenters = ["dc*"]` is a glob from 1.5.0 and a literal name before:
/// under 0.9.3 nothing places, and NP206 says so.
#[test]
fn a_datacenter_glob_matches_only_where_the_release_globs() {
    let text = job("\"dc*\"", &[task("web", "docker", 100, None)]);
    let p = project("glob-0.9.3", "0.9.3", &text);
    let v = p.verdicts();
    assert!(!v.placed(), "{}", v.plan);
    assert!(
        v.plan.contains("No nodes were eligible for evaluation"),
        "{}",
        v.plan
    );
    assert_eq!(v.plan_exit, 1);
    assert!(v.has("NP206"), "{:?}", v.codes);

    let p = project("glob-1.5.0", "1.5.0", &text);
    let v = p.verdicts();
    assert!(v.placed(), "{}", v.plan);
    assert!(!v.has("NP206") && !v.has("NP207"), "{:?}", v.codes);
}

/// A docker task and a java task in one group, on a cluster where docker
/// and java run on different clients: every driver exists, but no client
/// can run the allocation.
#[test]
fn drivers_from_different_pools_do_not_make_a_placeable_group() {
    let text = job(
        "\"dc1\"",
        &[
            task("web", "docker", 100, None),
            task("worker", "java", 100, None),
        ],
    );
    let p = project("split-drivers", "2.0.5", &text);
    let v = p.verdicts();
    assert!(!v.placed(), "{}", v.plan);
    assert!(
        v.plan.contains("Constraint \"missing drivers\""),
        "{}",
        v.plan
    );
    assert!(v.has("NP202"), "{:?}", v.codes);

    // Each in its own group, both place and NP202 is silent.
    let text = "job \"app\" {\n  datacenters = [\"dc1\"]\n  group \"web\" {\n".to_string()
        + &task("web", "docker", 100, None)
        + "  }\n  group \"worker\" {\n"
        + &task("worker", "java", 100, None)
        + "  }\n}\n";
    let p = project("split-groups", "2.0.5", &text);
    let v = p.verdicts();
    assert!(v.placed(), "{}", v.plan);
    assert!(!v.has("NP202"), "{:?}", v.codes);
}
