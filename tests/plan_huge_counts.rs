//! Group counts past 32 bits and int fields past int64. Nomad's
//! `TaskGroup.Count` is a Go int (64 bits) at every release and
//! `Job.Validate` bounds it only below; from 1.11.0 the servers'
//! `job_max_count` (50000) refuses a larger total at admission. Past
//! 200,000 allocations of one group (count_bound::MAX_ALLOCATIONS) the
//! simulation says "cannot tell" (one line, JSON, exit 255) instead of a
//! clamped number or hours of planning. An int past int64: jobspec2 (1.0+) refuses it in gohcl's words
//! (go-cty cty/gocty/out.go fromCtyNumberInt); before 1.0 hcl v1 reads a
//! NUMBER with strconv.ParseInt into a Go int (any int64 kept) and
//! mapstructure stores `int64(f)` of a FLOAT (amd64: MinInt64 past int64).

use crate::common;

use common::{run_in as run, TempDir};

const WORLD: &str = "client \"c\" {\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4000\n  disk       = 10000\n  drivers    = [\"docker\"]\n}\n";

fn project(tag: &str, version: &str, count: &str, cpu: &str) -> TempDir {
    let dir = TempDir::new(&format!("huge-{tag}"));
    dir.put(
        "rules/cluster.hcl",
        &format!("nomad_version = \"{version}\"\n{WORLD}"),
    );
    dir.put(
        "jobs/j.nomad",
        &format!("job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    count = {count}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"busybox:1.36\"\n      }}\n      resources {{\n        cpu    = {cpu}\n        memory = 64\n      }}\n    }}\n  }}\n}}\n"),
    );
    dir
}

fn plan(tag: &str, version: &str, count: &str, cpu: &str, json: bool) -> common::Out {
    let d = project(tag, version, count, cpu);
    let mut args = vec!["plan", "--no-color", "jobs/j.nomad"];
    if json {
        args.extend(["--format", "json"]);
    }
    run(&d.0, &args)
}

#[test]
fn a_count_past_32_bits_is_cannot_tell_before_1_11_and_refused_from_it() {
    for v in ["0.9.3", "0.12.12", "1.0.0", "1.6.0", "1.10.5"] {
        let o = plan(&format!("c-{v}"), v, "5000000000", "100", false);
        assert_eq!(o.code, 255, "{v}: {}{}", o.stdout, o.stderr);
        assert_eq!(o.stdout, "", "{v}: never a clamped count");
        assert_eq!(
            o.stderr,
            format!("error: cannot tell what Nomad {v} plans for job \"j\": group \"g\" asks count = 5000000000, and nomad-preflight simulates at most 200000 allocations per group; Nomad takes any 64-bit count and schedules every allocation\n"),
            "{v}"
        );
    }
    let o = plan("c-json", "1.6.0", "5000000000", "100", true);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("json");
    assert_eq!(
        v["Preflight"]["Count"],
        serde_json::json!({"Known": false, "Group": "g", "Count": 5000000000_i64, "MaxSimulated": 200000_i64})
    );
    // 1.11: the servers' job_max_count refuses it first.
    let o = plan("c-111", "1.11.0", "5000000000", "100", false);
    assert_eq!(o.code, 255);
    assert!(
        o.stderr.starts_with("Error during plan: Unexpected response code: 500 (1 error occurred:\n\t* total count was greater than configured job_max_count: 5000000000 > 50000)\n"),
        "{}",
        o.stderr
    );
    // An HCL1 literal within int64 but past 2^53 is still a Go int.
    let o = plan("c-hcl1", "0.12.12", "10000000000000000", "100", false);
    assert_eq!(o.code, 255);
    assert!(
        o.stderr.contains("asks count = 10000000000000000,"),
        "{}",
        o.stderr
    );
}

#[test]
fn jobspec2_refuses_an_int_past_int64_in_gohcls_words() {
    for v in ["1.0.0", "1.6.0", "2.0.5"] {
        let o = plan(
            &format!("i-{v}"),
            v,
            "5000000000 * 5000000000",
            "100",
            false,
        );
        assert_eq!(o.code, 255, "{v}");
        assert!(
            o.stderr.starts_with("Error getting job struct: Error parsing job file from jobs/j.nomad:\njobs/j.nomad:4,13-23: Unsuitable value type; Unsuitable value: value must be a whole number, between -9223372036854775808 and 9223372036854775807\n"),
            "{v}: {}",
            o.stderr
        );
    }
}

#[test]
fn hcl1_keeps_every_int64_and_wraps_a_float_as_amd64_does() {
    // A NUMBER past 2^53 is Nomad's value: cpu 9e18 exhausts the client.
    let o = plan("h-cpu", "0.12.12", "3", "9000000000000000000", false);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains("  Task Group \"g\" (failed to place 3 allocations):\n    * Resources exhausted on 1 nodes\n    * Dimension \"cpu\" exhausted on 1 nodes\n"),
        "{}",
        o.stdout
    );
    // `count = 1e19`: int64(1e19) is MinInt64 on amd64, a negative count.
    let o = plan("h-float", "0.12.12", "1e19", "100", false);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr.starts_with("Error during plan: Unexpected response code: 500 (1 error occurred:\n\t* Task group g validation failed: 1 error occurred:\n\t* Task group count can't be negative\n"),
        "{}",
        o.stderr
    );
}

/// R19-A1: a service group whose allocations all fit asked one select per
/// allocation, and a count of 1,000,000 on 50 roomy clients ran for hours
/// (Nomad 1.6.0 takes it: `Job.Validate` refuses only a negative count,
/// nomad/structs/structs.go v1.6.0:6749). Past the allocations one group is
/// simulated for, plan and check say they cannot tell, at once. Run under
/// `timeout` so a baseline that hangs fails rather than hanging the suite.
#[test]
fn a_million_allocations_that_fit_are_cannot_tell_not_hours() {
    let d = TempDir::new("huge-fit");
    d.put(
        "rules/cluster.hcl",
        "nomad_version = \"1.6.0\"\nclient \"c\" {\n  count      = 50\n  datacenter = \"dc1\"\n  cpu        = 100000000\n  memory     = 100000000\n  disk       = 100000000\n  drivers    = [\"docker\"]\n}\n",
    );
    d.put(
        "jobs/big.nomad",
        "job \"big\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    count = 1000000\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"redis:7\"\n      }\n      resources {\n        cpu    = 20\n        memory = 10\n      }\n    }\n  }\n}\n",
    );
    let run = |args: &[&str]| timed(&d, args);
    let line = "cannot tell what Nomad 1.6.0 plans for job \"big\": group \"g\" asks count = 1000000, and nomad-preflight simulates at most 200000 allocations per group";
    let (code, out, err) = run(&["plan", "--no-color", "jobs/big.nomad"]);
    assert_eq!(code, 255, "{out}{err}");
    assert_eq!(out, "", "never a partial plan");
    assert!(err.starts_with(&format!("error: {line}")), "{err}");
    let (code, out, err) = run(&["check", "--no-color", "jobs/big.nomad"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(flat_has(&out, line), "{out}{err}");
}

fn flat_has(text: &str, line: &str) -> bool {
    common::flat(text).contains(&common::flat(line))
}

/// rv19-5: the replay of a world's `running` job past the bound left its
/// group unplaced (the reconciler leaves such a group alone), so the
/// clients it fills looked free and a plan of another job passed: a false
/// all-clear. The world itself cannot be told: plan 255 and check 2, with
/// a diagnostic at the running job's count. Every binary answers this
/// world fast (its clients fill at ~100 allocations), but each run is under
/// `timeout` all the same.
#[test]
fn a_running_job_past_the_bound_makes_the_world_cannot_tell() {
    for (tag, kind, count, line) in [
        (
            "svc",
            "",
            "300000",
            "cannot tell what Nomad 1.6.0 plans against this world: in running job \"big\" (jobs/big.nomad), group \"g\" asks count = 300000, and nomad-preflight simulates at most 200000 allocations per group",
        ),
        // A sysbatch group places its count on every client (3 here).
        (
            "sysbatch",
            "  type = \"sysbatch\"\n",
            "100000",
            "cannot tell what Nomad 1.6.0 plans against this world: in running job \"big\" (jobs/big.nomad), group \"g\" asks count = 100000 on each of up to 3 clients, and nomad-preflight simulates at most 200000 allocations of a system or sysbatch group",
        ),
    ] {
        let d = TempDir::new(&format!("huge-running-{tag}"));
        d.put(
            "rules/cluster.hcl",
            &format!(
                "nomad_version = \"1.6.0\"\n{}running = [\"jobs/big.nomad\"]\n",
                WORLD.replace("count      = 1", "count      = 3")
            ),
        );
        d.put("jobs/big.nomad", &job_text("big", kind, count, "100"));
        d.put("jobs/web.nomad", &job_text("web", "", "3", "3000"));
        let (code, out, err) = timed(&d, &["plan", "--no-color", "jobs/web.nomad"]);
        assert_eq!(code, 255, "{tag}: {out}{err}");
        assert!(!out.contains("successfully allocated"), "{tag}: {out}");
        assert!(flat_has(&err, line), "{tag}: {err}");
        let (code, out, err) = timed(&d, &["plan", "jobs/web.nomad", "--format", "json"]);
        assert_eq!(code, 255, "{tag}: {out}{err}");
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        assert_eq!(v["Preflight"]["CannotTell"], true, "{tag}: {v}");
        let diag = &v["Preflight"]["Diagnostics"][0];
        assert_eq!(diag["Code"], "world::running-count", "{tag}: {v}");
        assert_eq!(diag["File"], "jobs/big.nomad", "{tag}: {v}");
        assert_eq!(
            diag["Line"],
            if kind.is_empty() { 4 } else { 5 },
            "{tag}: at the count: {v}"
        );
        let (code, out, err) = timed(&d, &["check", "--no-color", "jobs/web.nomad"]);
        assert_eq!(code, 2, "{tag}: {out}{err}");
        assert!(flat_has(&err, line), "{tag}: {err}");
        let (code, out, err) = timed(&d, &["check", "jobs/web.nomad", "--format", "json"]);
        assert_eq!(code, 2, "{tag}: {out}{err}");
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        let f = &v["findings"][0];
        assert_eq!(f["code"], "world::running-count", "{tag}: {v}");
        assert_eq!(f["cannot_tell"], true, "{tag}: {v}");
    }
}

/// The bound is over the clients: a sysbatch count within it is replayed,
/// its allocations holding the client (a guard).
#[test]
fn a_running_job_within_the_bound_is_replayed() {
    let d = TempDir::new("huge-running-within");
    d.put(
        "rules/cluster.hcl",
        &format!("nomad_version = \"1.6.0\"\n{WORLD}running = [\"jobs/big.nomad\"]\n"),
    );
    // 1 client: 200,000 names are within the bound; the client holds 40.
    d.put(
        "jobs/big.nomad",
        &job_text("big", "  type = \"sysbatch\"\n", "200000", "100"),
    );
    d.put("jobs/web.nomad", &job_text("web", "", "1", "3000"));
    let (code, out, err) = timed(&d, &["plan", "--no-color", "jobs/web.nomad"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("Dimension \"cpu\" exhausted on 1 nodes"),
        "the running job's allocations hold the client: {out}{err}"
    );
}

/// An import's allocations are inserted as read, never scheduled: a job
/// registered with a count past the bound still holds what it runs (here
/// the allocation the planned job preempts). A guard: the import path was
/// never affected.
#[test]
fn an_imported_job_past_the_bound_keeps_its_allocations_as_read() {
    let d = TempDir::new("huge-running-import");
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import-allocs/list-form");
    common::copy_dir(&fixture, &d.0.join("w"));
    let low = d.0.join("w/jobs/default/low.json");
    let mut job: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&low).expect("fixture")).expect("json");
    job["TaskGroups"][0]["Count"] = serde_json::json!(300000);
    d.put("w/jobs/default/low.json", &job.to_string());
    let (code, out, err) = timed(
        &d,
        &["plan", "--no-color", "--world", "w", "w/placing.nomad"],
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("Preemptions:\n\nAlloc ID                              Job ID  Task Group\na0000002-0000-4000-8000-000000000000  low     web\n"),
        "{out}{err}"
    );
}

fn job_text(id: &str, head: &str, count: &str, cpu: &str) -> String {
    format!("job \"{id}\" {{\n{head}  datacenters = [\"dc1\"]\n  group \"g\" {{\n    count = {count}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis:7\"\n      }}\n      resources {{\n        cpu    = {cpu}\n        memory = 10\n      }}\n    }}\n  }}\n}}\n")
}

/// The binary under `timeout 300` in `d`: a baseline that schedules every
/// allocation fails rather than hanging the suite.
fn timed(d: &TempDir, args: &[&str]) -> (i32, String, String) {
    let o = std::process::Command::new("timeout")
        .arg("300")
        .arg(common::bin())
        .args(args)
        .current_dir(&d.0)
        .env("NO_COLOR", "1")
        .output()
        .expect("run the binary under timeout");
    let code = o.status.code().expect("exit code");
    assert_ne!(code, 124, "{args:?} did not return within 300 s");
    (
        code,
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}
