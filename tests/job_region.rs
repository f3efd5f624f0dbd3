//! A job's region and the world's (redteam9 R9-3, R9-4).
//!
//! - Nomad's CLI asks for the region the file writes, else `NOMAD_REGION`
//!   (command/job_plan.go@v1.7.2:213-215, api/api.go@v1.7.2:338), and the
//!   agent sends the request there (before 0.12 the query's region; from
//!   0.12 regionForJob, where "global" is the agent's own; `validate`
//!   never maps "global"). Another region's servers, or `No path to
//!   region`: a world of one region cannot tell, in plan, check, validate
//!   and the gates.
//! - From 0.9.5 the agent gives a planned or registered job whose region is
//!   absent, empty or "global" its own (command/agent/job_endpoint.go
//!   @v0.9.5:148-152, #6064): an unchanged job of a world of region "eu"
//!   plans no `Region` change whether its file writes `region = "eu"` or
//!   nothing; before, it keeps "global".

use crate::common;

use common::{flat, Out, TempDir};

fn cluster(v: &str) -> String {
    format!("nomad_version = \"{v}\"\nedition       = \"community\"\nregion        = \"eu\"\nclient \"c\" {{\n  count      = 2\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 8192\n  disk       = 20000\n  drivers    = [\"docker\"]\n}}\nrunning = [\"jobs/web.nomad\"]\n")
}

/// Job `id` with `head` at its top.
fn job(id: &str, head: &str) -> String {
    format!("job \"{id}\" {{\n{head}  datacenters = [\"dc1\"]\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis:7.2.4\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 64\n      }}\n    }}\n  }}\n}}\n")
}

/// A world of region "eu" at `v` running `jobs/web.nomad` (`running` at
/// its top), and `new.nomad` (`planned`) beside it.
fn project(tag: &str, v: &str, id: &str, running: &str, planned: &str) -> TempDir {
    let dir = TempDir::new(&format!("region-{tag}-{v}"));
    dir.put("rules/cluster.hcl", &cluster(v));
    dir.put("rules/namespaces/default.hcl", common::DEFAULT_NAMESPACE);
    dir.put("jobs/web.nomad", &job("web", running));
    dir.put("new.nomad", &job(id, planned));
    dir
}

/// The binary in `dir` with `NOMAD_REGION` set to `region` (else unset).
fn run(dir: &TempDir, args: &[&str], region: Option<&str>) -> Out {
    let mut cmd = std::process::Command::new(common::bin());
    cmd.args(args)
        .current_dir(&dir.0)
        .env("NO_COLOR", "1")
        .env_remove("NOMAD_PREFLIGHT_THREADS")
        .env_remove("NOMAD_NAMESPACE")
        .env_remove("NOMAD_REGION")
        .env_remove("VAULT_TOKEN")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE");
    if let Some(r) = region {
        cmd.env("NOMAD_REGION", r);
    }
    let o = cmd.output().expect("run the binary");
    Out {
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        code: o.status.code().expect("exit code"),
    }
}

fn all(o: &Out) -> String {
    flat(&format!("{}{}", o.stdout, o.stderr))
}

/// plan, `plan --format json`, check and validate of `new.nomad` all say
/// they cannot tell, naming `why`; none prints Nomad's verdict.
fn assert_cannot_tell(dir: &TempDir, v: &str, region: Option<&str>, why: &str, to: &str) {
    let o = run(dir, &["plan", "new.nomad"], region);
    assert_eq!(o.code, 255, "{v}: {}{}", o.stdout, o.stderr);
    let text = all(&o);
    let want = format!(
        "cannot tell what Nomad {v} plans for job \"report\": {why}, not the world's region \"eu\""
    );
    assert!(text.contains(&want), "{v}: want {want}\n{text}");
    assert!(!text.contains("successfully allocated"), "{v}: {text}");
    let o = run(dir, &["plan", "new.nomad", "--format", "json"], region);
    assert_eq!(o.code, 255, "{v}: {}{}", o.stdout, o.stderr);
    let forwarded = format!("\"ForwardedTo\": \"{to}\"");
    assert!(o.stdout.contains(&forwarded), "{v}: {}", o.stdout);
    let o = run(dir, &["check", "new.nomad"], region);
    // NP224 cannot tell: check's exit 2.
    assert_eq!(o.code, 2, "{v}: {}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("NP224"), "{v}: {}{}", o.stdout, o.stderr);
    let o = run(dir, &["validate", "new.nomad"], region);
    assert_eq!(o.code, 255, "{v}: {}{}", o.stdout, o.stderr);
    let want = format!("cannot tell what Nomad {v} says of job \"report\": {why}");
    assert!(all(&o).contains(&want), "{v}: want {want}\n{}", all(&o));
    assert!(
        !o.stdout.contains("Job validation successful"),
        "{v}: {}",
        o.stdout
    );
}

#[test]
fn a_job_for_another_region_cannot_be_told() {
    for v in ["0.9.3", "0.11.0", "1.7.2", "2.0.5"] {
        let dir = project("other", v, "report", "", "  region = \"us\"\n");
        let why = "the job file asks for region \"us\"";
        assert_cannot_tell(&dir, v, None, why, "us");
        // The file's region wins over NOMAD_REGION.
        assert_cannot_tell(&dir, v, Some("eu"), why, "us");
    }
}

#[test]
fn nomad_region_naming_another_region_cannot_be_told() {
    for v in ["0.9.3", "0.11.0", "1.7.2"] {
        let dir = project("env", v, "report", "", "");
        let why = "NOMAD_REGION asks for region \"us\"";
        assert_cannot_tell(&dir, v, Some("us"), why, "us");
    }
}

/// From 0.12 "global" is the agent's own region; before, the CLI's
/// `?region=global` sends the plan to a region of that name. Validate
/// never maps it.
#[test]
fn global_is_the_agents_region_from_0_12() {
    let dir = project("global", "0.11.0", "report", "", "  region = \"global\"\n");
    assert_cannot_tell(
        &dir,
        "0.11.0",
        None,
        "the job file asks for region \"global\"",
        "global",
    );
    for v in ["0.12.0", "1.7.2"] {
        let dir = project("global", v, "report", "", "  region = \"global\"\n");
        let o = run(&dir, &["plan", "new.nomad"], None);
        assert_eq!(o.code, 1, "{v}: {}{}", o.stdout, o.stderr);
        assert!(
            o.stdout.contains("- All tasks successfully allocated."),
            "{v}: {}",
            o.stdout
        );
        let o = run(&dir, &["validate", "new.nomad"], None);
        assert_eq!(o.code, 255, "{v}: {}{}", o.stdout, o.stderr);
        assert!(
            all(&o).contains("asks for region \"global\""),
            "{v}: {}",
            all(&o)
        );
    }
}

/// 0.9.4's agent sends a job without region to its canonical "global"
/// (job_endpoint.go@v0.9.4 jobPlan, #5664); 0.9.5 sends it to its own.
#[test]
fn at_0_9_4_a_job_without_region_is_sent_to_global() {
    let dir = project("094", "0.9.4", "report", "", "");
    let o = run(&dir, &["plan", "new.nomad"], None);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(
        all(&o).contains("this release's agent sends such a job to its default region \"global\""),
        "{}",
        all(&o)
    );
    let dir = project("095", "0.9.5", "report", "", "");
    let o = run(&dir, &["plan", "new.nomad"], None);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains("- All tasks successfully allocated."),
        "{}",
        o.stdout
    );
}

/// Guard (nothing refused too much): the world's own region, written or
/// asked for by NOMAD_REGION, plans as Nomad's servers plan it.
#[test]
fn the_worlds_own_region_plans() {
    for (planned, env) in [
        ("  region = \"eu\"\n", Some("us")),
        ("", Some("eu")),
        ("", None),
    ] {
        let dir = project("own", "1.7.2", "report", "", planned);
        let o = run(&dir, &["plan", "new.nomad"], env);
        assert_eq!(o.code, 1, "{planned} {env:?}: {}{}", o.stdout, o.stderr);
        assert!(o.stdout.starts_with("+ Job: \"report\"\n"), "{}", o.stdout);
        assert!(
            o.stdout.contains("- All tasks successfully allocated."),
            "{}",
            o.stdout
        );
        let o = run(&dir, &["check", "new.nomad"], env);
        assert_eq!(o.code, 0, "{planned} {env:?}: {}{}", o.stdout, o.stderr);
        let o = run(&dir, &["validate", "new.nomad"], env);
        assert_eq!(o.code, 0, "{planned} {env:?}: {}{}", o.stdout, o.stderr);
    }
}

#[test]
fn from_0_9_5_a_job_without_region_is_the_agents_region() {
    for v in ["0.9.5", "0.11.0", "1.7.2", "2.0.5"] {
        let mut pairs = vec![
            ("", "  region = \"eu\"\n"),
            ("  region = \"eu\"\n", ""),
            ("  region = \"\"\n", "  region = \"eu\"\n"),
        ];
        // "global" is also the CLI's `?region=global`, the agent's own
        // only from regionForJob (0.12.0).
        if v != "0.9.5" && v != "0.11.0" {
            pairs.push(("  region = \"global\"\n", "  region = \"eu\"\n"));
        }
        for (running, planned) in pairs {
            let dir = project("agent", v, "web", running, planned);
            let o = run(&dir, &["plan", "new.nomad"], None);
            let at = format!("{v} {running:?} {planned:?}");
            assert!(
                !o.stdout.contains("Region"),
                "{at}: {}{}",
                o.stdout,
                o.stderr
            );
            assert!(
                o.stdout.starts_with("Job: \"web\"\n"),
                "{at}: {}{}",
                o.stdout,
                o.stderr
            );
            assert_eq!(o.code, 0, "{at}: {}{}", o.stdout, o.stderr);
        }
    }
    // Before 0.9.5 the job keeps "global": the servers' region is a change.
    for v in ["0.9.3", "0.9.4"] {
        let dir = project("agent", v, "web", "", "  region = \"eu\"\n");
        let o = run(&dir, &["plan", "new.nomad"], None);
        assert!(
            o.stdout.contains("+/- Region: \"global\" => \"eu\""),
            "{v}: {}{}",
            o.stdout,
            o.stderr
        );
    }
}

/// The gates do not pass it: `plan --changed` counts it as cannot tell,
/// `check --staged` reports NP224.
#[test]
fn the_gates_do_not_pass_it() {
    let dir = project("gate", "1.7.2", "report", "", "  region = \"us\"\n");
    common::git(&dir.0, &["init", "-q"]);
    common::git(&dir.0, &["add", "rules", "jobs"]);
    common::git(&dir.0, &["commit", "-qm", "world"]);
    common::git(&dir.0, &["add", "new.nomad"]);
    let o = run(&dir, &["plan", "--changed", "--staged"], None);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains("1 cannot tell"),
        "{}{}",
        o.stdout,
        o.stderr
    );
    let o = run(&dir, &["check", "--staged"], None);
    assert_eq!(o.code, 2, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("NP224"), "{}{}", o.stdout, o.stderr);
    // NOMAD_REGION in the gate's environment, for a file without region.
    common::git(&dir.0, &["reset", "-q"]);
    dir.put("new.nomad", &job("report", ""));
    common::git(&dir.0, &["add", "new.nomad"]);
    let o = run(&dir, &["plan", "--changed", "--staged"], Some("us"));
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    let o = run(&dir, &["plan", "--changed", "--staged"], None);
    assert_ne!(o.code, 255, "{}{}", o.stdout, o.stderr);
}
