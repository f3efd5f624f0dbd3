//! Red team rt14a's six wrong answers (R14-1 to R14-6), each planned or
//! validated as Nomad does at the release named, with a guard at a release
//! where the answer was already right.
//!
//! - formatdate drops a quoted literal ending the format before go-cty
//!   1.7.0 (stdlib/datetime.go splitDateFormat, commit 4cc7873); Nomad
//!   1.0.0-1.0.5 pin go-cty v1.4.1 (go.mod).
//! - floor/ceil at or past 2^63 go through Go's int64 before go-cty 1.9.0
//!   (stdlib/number.go, commit 924d9fc), machine-dependent: Nomad
//!   1.0.0-1.3.9 pin v1.4.1 and v1.8.0.
//! - a task's resources `disk` and a network's `device` are never copied
//!   by command/agent/job_endpoint.go (ApiResourcesToStructs,
//!   ApiNetworkResourceToStructs, v0.10.0 to v2.0.5), nor a service's `id`
//!   (ApiServicesToStructs, v1.0.0 to v1.2.9): Nomad's plan shows nothing.
//! - merge(null, null) is null before go-cty 1.7.1 (commit 36dc714), which
//!   jsonencode refuses at v1.4.1.

use crate::common;

use common::TempDir;

const WORLD: &str = r#"nomad_version = "1.7.7"
client "c" {
  count      = 1
  datacenter = "dc1"
  cpu        = 4000
  memory     = 8192
  disk       = 20000
  drivers    = ["docker"]
}
server {}
"#;

/// A docker job whose task holds `task` and whose group holds `group`.
fn job(group: &str, task: &str) -> String {
    format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n{group}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"redis\" }}\n{task}\n    }}\n  }}\n}}\n"
    )
}

/// `plan --nomad-version v --running old new`: (exit code, stdout, stderr).
fn plan(tag: &str, v: &str, old: &str, new: &str) -> (i32, String, String) {
    let d = TempDir::new(&format!("rt14a-{tag}"));
    d.put("rules/cluster.hcl", WORLD);
    d.put("old.nomad", old);
    d.put("new.nomad", new);
    let o = d.run(&[
        "plan",
        "--world",
        "rules",
        "--nomad-version",
        v,
        "--running",
        "old.nomad",
        "new.nomad",
    ]);
    (
        o.status.code().expect("exit code"),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Nomad's plan of an edit it does not see.
const NO_CHANGE: &str = "Job: \"j\"\nTask Group: \"g\" (1 ignore)\n  Task: \"t\"\n\nScheduler dry-run:\n- All tasks successfully allocated.\n";

fn env(k: &str, v: &str) -> String {
    format!("      env {{\n        {k} = {v}\n      }}")
}

#[test]
fn formatdate_drops_a_closing_literal_at_1_0_5() {
    let old = job("", &env("BUILD", "\"2018x\""));
    let new = job(
        "",
        &env("BUILD", "formatdate(\"YYYY'x'\", \"2018-01-02T15:04:05Z\")"),
    );
    let (code, out, err) = plan("fd-old", "1.0.5", &old, &new);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("+/- Env[BUILD]: \"2018x\" => \"2018\""),
        "{out}"
    );
    // Guard: 1.0.6's go-cty 1.8.0 keeps the literal.
    let (code, out, err) = plan("fd-new", "1.0.6", &old, &new);
    assert_eq!((code, out.starts_with(NO_CHANGE)), (0, true), "{out}{err}");
}

#[test]
fn floor_past_int64_cannot_tell_before_1_3_10() {
    let old = job("", &env("LIMIT", "\"10000000000000000000\""));
    for (tag, expr) in [("floor", "floor(1e19)"), ("ceil", "ceil(-1e19)")] {
        let new = job("", &env("LIMIT", expr));
        let (code, out, err) = plan(tag, "1.2.0", &old, &new);
        assert_eq!(code, 255, "{out}{err}");
        assert!(!out.contains("Scheduler dry-run"), "{out}");
        assert!(
            err.contains("jobspec::number-cannot-tell")
                && err.contains(&format!(
                    "cannot tell what Nomad 1.2.0 makes of this {tag}()"
                )),
            "{err}"
        );
    }
    // Guard: go-cty 1.12.1 (Nomad 1.3.10) floors the big.Float itself.
    let new = job("", &env("LIMIT", "floor(1e19)"));
    let (code, out, err) = plan("floor-new", "1.3.10", &old, &new);
    assert_eq!((code, out.starts_with(NO_CHANGE)), (0, true), "{out}{err}");
    // Guard: in range, the same answer at 1.2.0.
    let old = job("", &env("LIMIT", "\"1000000000000000000\""));
    let new = job("", &env("LIMIT", "floor(1e18)"));
    let (code, out, err) = plan("floor-in", "1.2.0", &old, &new);
    assert_eq!((code, out.starts_with(NO_CHANGE)), (0, true), "{out}{err}");
}

#[test]
fn a_task_s_disk_is_dropped_by_nomad() {
    let res = |extra: &str| format!("      resources {{\n        cpu = 100\n{extra}      }}");
    let old = job("", &res(""));
    let new = job("", &res("        disk = 500\n"));
    for v in ["1.7.7", "2.0.5", "0.12.12"] {
        let (code, out, err) = plan(&format!("disk-{v}"), v, &old, &new);
        assert_eq!(
            (code, out.starts_with(NO_CHANGE)),
            (0, true),
            "{v}: {out}{err}"
        );
    }
    // Guard: the block's other fields still diff.
    let more = job("", &res("        memory = 400\n"));
    let (code, out, err) = plan("disk-mem", "1.7.7", &old, &more);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("+/- MemoryMB:    \"300\" => \"400\""), "{out}");
}

#[test]
fn a_network_s_device_is_dropped_by_nomad() {
    let net = |extra: &str| format!("    network {{\n{extra}      port \"http\" {{}}\n    }}");
    let old = job(&net(""), "");
    let new = job(&net("      device = \"eth0\"\n"), "");
    for v in ["1.7.7", "2.0.5", "1.0.0"] {
        let (code, out, err) = plan(&format!("dev-{v}"), v, &old, &new);
        assert_eq!(
            (code, out.starts_with(NO_CHANGE)),
            (0, true),
            "{v}: {out}{err}"
        );
    }
    // A task network (jobspec2 still decodes one): a device there forced
    // create/destroy. HCL1 (before 1.0, and 1.0's -hcl1) refuses the key.
    let tnet = |extra: &str| {
        format!("      resources {{\n        network {{\n{extra}          port \"http\" {{}}\n        }}\n      }}")
    };
    let (old, new) = (
        job("", &tnet("")),
        job("", &tnet("          device = \"eth0\"\n")),
    );
    let (code, out, err) = plan("dev-task", "1.0.0", &old, &new);
    assert_eq!((code, out.starts_with(NO_CHANGE)), (0, true), "{out}{err}");
    // Guard: the network's mbits still diffs.
    let mb = job(&net("      mbits = 20\n"), "");
    let (code, out, err) = plan("dev-mbits", "1.7.7", &old_group_net(), &mb);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("+ MBits:    \"20\""), "{out}");
}

fn old_group_net() -> String {
    job("    network {\n      port \"http\" {}\n    }", "")
}

#[test]
fn a_service_s_id_is_dropped_by_nomad_at_1_2() {
    let svc = |extra: &str| format!("      service {{\n        name = \"web\"\n{extra}      }}");
    let old = job("", &svc(""));
    let new = job("", &svc("        id   = \"web-1\"\n"));
    for v in ["1.0.0", "1.2.9"] {
        let (code, out, err) = plan(&format!("id-{v}"), v, &old, &new);
        assert_eq!(
            (code, out.starts_with(NO_CHANGE)),
            (0, true),
            "{v}: {out}{err}"
        );
        assert!(!err.contains("not modelled"), "{err}");
    }
    // A check's `id` likewise.
    let chk = |extra: &str| {
        svc(&format!("        check {{\n          type     = \"tcp\"\n          port     = \"http\"\n          interval = \"10s\"\n          timeout  = \"2s\"\n{extra}        }}\n"))
    };
    let net = "    network {\n      port \"http\" {}\n    }";
    let (old, new) = (
        job(net, &chk("")),
        job(net, &chk("          id = \"c1\"\n")),
    );
    let (code, out, err) = plan("id-check", "1.2.9", &old, &new);
    assert_eq!((code, out.starts_with(NO_CHANGE)), (0, true), "{out}{err}");
    // Guard: 1.3.0's jobspec2 has no `id` argument.
    let new = job("", &svc("        id   = \"web-1\"\n"));
    let (code, _, err) = plan("id-1.3", "1.3.0", &job("", &svc("")), &new);
    assert_ne!(code, 0);
    assert!(
        err.contains("An argument named \"id\" is not expected here."),
        "{err}"
    );
}

#[test]
fn jsonencode_of_merge_of_nulls_is_refused_at_1_0_5() {
    let text = job("", &env("EXTRA", "jsonencode(merge(null, null))"));
    let d = TempDir::new("rt14a-merge");
    d.put("rules/cluster.hcl", WORLD);
    d.put("new.nomad", &text);
    let run = |v: &str| {
        let o = d.run(&[
            "validate",
            "--world",
            "rules",
            "--nomad-version",
            v,
            "new.nomad",
        ]);
        (o.status.code().expect("exit code"), common::output_text(&o))
    };
    let (code, out) = run("1.0.5");
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("Invalid value for \"val\" parameter: argument must not be null."),
        "{out}"
    );
    // Guard: go-cty 1.8.0 (Nomad 1.0.6) merges to {}.
    let (code, out) = run("1.0.6");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Job validation successful"), "{out}");
}
