//! Issue 13, continued from tests/diff_dialect.rs and
//! tests/diff_dialect_updates.rs: the per-release gates of stop 35 that had
//! no test. Each plans (or, where no plan can show it, diffs) one edit at
//! the releases either side of the change, read from Nomad's source at
//! those tags, and compares the text and the JSON exactly. Each fails with
//! its gate moved back to where it was before stop 35.

use crate::common;

use common::dialect::{expect, in_group, in_task, job, world};
use common::{git, run_in, TempDir};
use nomad_preflight::render::diff_text::render_diff;
use nomad_preflight::version::NomadVersion;
use serde_json::Value;

/// `plan` of `new` at `version` in a world whose client block gains
/// `client_extra`, with `old` committed and running: (diff text, JSON
/// `Diff`).
fn plan_with(
    name: &str,
    version: &str,
    client_extra: &str,
    old: &str,
    new: &str,
) -> (String, Value) {
    let dir = TempDir::new(&format!("gates-{name}-{version}"));
    let world = world(version).replace(
        "  drivers    = [\"docker\"]\n",
        &format!("  drivers    = [\"docker\"]\n{client_extra}"),
    );
    dir.put("rules/cluster.hcl", &world);
    dir.put("jobs/j.nomad", old);
    git(&dir.0, &["init", "-q"]);
    git(&dir.0, &["add", "."]);
    git(&dir.0, &["commit", "-qm", "running"]);
    dir.put("jobs/j.nomad", new);
    let text = run_in(&dir.0, &["plan", "jobs/j.nomad", "--base", "HEAD"]);
    let diff = match text.stdout.split_once("\nScheduler dry-run:") {
        Some((diff, _)) => diff.to_string(),
        None => panic!("{version}: no plan\n{}{}", text.stdout, text.stderr),
    };
    let json = run_in(
        &dir.0,
        &["plan", "jobs/j.nomad", "--base", "HEAD", "--format", "json"],
    );
    let v: Value = serde_json::from_str(&json.stdout)
        .unwrap_or_else(|e| panic!("{version}: {e}\n{}{}", json.stdout, json.stderr));
    (diff, v["Diff"].clone())
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("expected JSON")
}

/// A batch job with `periodic` inside.
fn periodic(crons: &str) -> String {
    format!("job \"j\" {{\n  datacenters = [\"dc1\"]\n  type        = \"batch\"\n  periodic {{\n    crons = [{crons}]\n  }}\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis\"\n      }}\n    }}\n  }}\n}}\n")
}

/// periodicDiff (nomad/structs/diff.go) diffs `Specs` as a string set from
/// v1.6.2, the release that added `crons` (v1.6.1's diff.go has no
/// `Specs`; its parser refuses `crons`). We had 1.8.0. The running parent
/// of a periodic job has no allocations (Job.Register creates no
/// evaluation for it), so Job.Plan's scheduler run counts its group as a
/// create (nomad/job_endpoint.go Plan@v1.6.2).
#[test]
fn periodic_specs_are_a_set_from_1_6_2() {
    let pair = (
        periodic("\"0 1 * * *\", \"0 2 * * *\""),
        periodic("\"0 1 * * *\", \"0 3 * * *\""),
    );
    for v in ["1.6.2", "1.7.7"] {
        let (text, diff) = plan_with("periodic", v, "", &pair.0, &pair.1);
        assert_eq!(text, "+/- Job: \"j\"\n+/- Periodic {\n      Enabled:         \"true\"\n      ProhibitOverlap: \"false\"\n      Spec:            \"\"\n      SpecType:        \"cron\"\n      TimeZone:        \"UTC\"\n  +/- Specs {\n    + Specs: \"0 3 * * *\"\n      Specs: \"0 1 * * *\"\n    - Specs: \"0 2 * * *\"\n      }\n    }\n    Task Group: \"g\" (1 create)\n      Task: \"t\"\n", "{v}");
        assert_eq!(
            diff["Objects"],
            json(
                r#"[{"Fields":[{"Annotations":null,"Name":"Enabled","New":"true","Old":"true","Type":"None"},{"Annotations":null,"Name":"ProhibitOverlap","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"Spec","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"SpecType","New":"cron","Old":"cron","Type":"None"},{"Annotations":null,"Name":"TimeZone","New":"UTC","Old":"UTC","Type":"None"}],"Name":"Periodic","Objects":[{"Fields":[{"Annotations":null,"Name":"Specs","New":"0 3 * * *","Old":"","Type":"Added"},{"Annotations":null,"Name":"Specs","New":"0 1 * * *","Old":"0 1 * * *","Type":"None"},{"Annotations":null,"Name":"Specs","New":"","Old":"0 2 * * *","Type":"Deleted"}],"Name":"Specs","Objects":null,"Type":"Edited"}],"Type":"Edited"}]"#
            ),
            "{v}"
        );
    }
}

fn template_dest() -> (String, String) {
    let t = |dest: &str| {
        format!("      template {{\n        data        = \"x\"\n        destination = \"local/{dest}\"\n      }}\n")
    };
    in_task(&t("a"), &t("b"))
}

/// Task.Diff: v1.2.3 diffs templates as a set keyed by DiffID (the
/// destination: objectSetDiff), so a moved template is one deleted and one
/// added; v1.2.4's templateDiffs pairs the one template on each side and
/// edits it. We had 1.3.0.
#[test]
fn templates_are_paired_from_1_2_4() {
    expect("tdest", "1.2.3", &template_dest(), "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  +/- Task: \"t\" (forces create/destroy update)\n    + Template {\n      + ChangeMode:   \"restart\"\n        ChangeSignal: \"\"\n      + DestPath:     \"local/b\"\n      + EmbeddedTmpl: \"x\"\n      + Envvars:      \"false\"\n      + LeftDelim:    \"{{\"\n      + Perms:        \"0644\"\n      + RightDelim:   \"}}\"\n        SourcePath:   \"\"\n      + Splay:        \"5000000000\"\n      + VaultGrace:   \"0\"\n      }\n    - Template {\n      - ChangeMode:   \"restart\"\n        ChangeSignal: \"\"\n      - DestPath:     \"local/a\"\n      - EmbeddedTmpl: \"x\"\n      - Envvars:      \"false\"\n      - LeftDelim:    \"{{\"\n      - Perms:        \"0644\"\n      - RightDelim:   \"}}\"\n        SourcePath:   \"\"\n      - Splay:        \"5000000000\"\n      - VaultGrace:   \"0\"\n      }\n", "tobjects", r#"[{"Fields":[{"Annotations":null,"Name":"ChangeMode","New":"restart","Old":"","Type":"Added"},{"Annotations":null,"Name":"ChangeSignal","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"DestPath","New":"local/b","Old":"","Type":"Added"},{"Annotations":null,"Name":"EmbeddedTmpl","New":"x","Old":"","Type":"Added"},{"Annotations":null,"Name":"Envvars","New":"false","Old":"","Type":"Added"},{"Annotations":null,"Name":"LeftDelim","New":"{{","Old":"","Type":"Added"},{"Annotations":null,"Name":"Perms","New":"0644","Old":"","Type":"Added"},{"Annotations":null,"Name":"RightDelim","New":"}}","Old":"","Type":"Added"},{"Annotations":null,"Name":"SourcePath","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Splay","New":"5000000000","Old":"","Type":"Added"},{"Annotations":null,"Name":"VaultGrace","New":"0","Old":"","Type":"Added"}],"Name":"Template","Objects":null,"Type":"Added"},{"Fields":[{"Annotations":null,"Name":"ChangeMode","New":"","Old":"restart","Type":"Deleted"},{"Annotations":null,"Name":"ChangeSignal","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"DestPath","New":"","Old":"local/a","Type":"Deleted"},{"Annotations":null,"Name":"EmbeddedTmpl","New":"","Old":"x","Type":"Deleted"},{"Annotations":null,"Name":"Envvars","New":"","Old":"false","Type":"Deleted"},{"Annotations":null,"Name":"LeftDelim","New":"","Old":"{{","Type":"Deleted"},{"Annotations":null,"Name":"Perms","New":"","Old":"0644","Type":"Deleted"},{"Annotations":null,"Name":"RightDelim","New":"","Old":"}}","Type":"Deleted"},{"Annotations":null,"Name":"SourcePath","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Splay","New":"","Old":"5000000000","Type":"Deleted"},{"Annotations":null,"Name":"VaultGrace","New":"","Old":"0","Type":"Deleted"}],"Name":"Template","Objects":null,"Type":"Deleted"}]"#);
    expect("tdest", "1.2.4", &template_dest(), "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  +/- Task: \"t\" (forces create/destroy update)\n    +/- Template {\n          ChangeMode:   \"restart\"\n          ChangeSignal: \"\"\n      +/- DestPath:     \"local/a\" => \"local/b\"\n          EmbeddedTmpl: \"x\"\n          Envvars:      \"false\"\n          LeftDelim:    \"{{\"\n          Perms:        \"0644\"\n          RightDelim:   \"}}\"\n          SourcePath:   \"\"\n          Splay:        \"5000000000\"\n          VaultGrace:   \"0\"\n        }\n", "tobjects", r#"[{"Fields":[{"Annotations":null,"Name":"ChangeMode","New":"restart","Old":"restart","Type":"None"},{"Annotations":null,"Name":"ChangeSignal","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"DestPath","New":"local/b","Old":"local/a","Type":"Edited"},{"Annotations":null,"Name":"EmbeddedTmpl","New":"x","Old":"x","Type":"None"},{"Annotations":null,"Name":"Envvars","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"LeftDelim","New":"{{","Old":"{{","Type":"None"},{"Annotations":null,"Name":"Perms","New":"0644","Old":"0644","Type":"None"},{"Annotations":null,"Name":"RightDelim","New":"}}","Old":"}}","Type":"None"},{"Annotations":null,"Name":"SourcePath","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Splay","New":"5000000000","Old":"5000000000","Type":"None"},{"Annotations":null,"Name":"VaultGrace","New":"0","Old":"0","Type":"None"}],"Name":"Template","Objects":null,"Type":"Edited"}]"#);
}

fn consul_token(token: &str) -> String {
    job("", "").replace(
        "  datacenters = [\"dc1\"]\n",
        &format!("  datacenters  = [\"dc1\"]\n  consul_token = \"{token}\"\n"),
    )
}

/// Job.Diff flattens every primitive field of the job, ConsulToken among
/// them from v0.10.4 (nomad/structs/structs.go) to v1.9.x (the field is
/// gone in v1.10.0); Job.Register clears it before storing the job
/// (nomad/job_endpoint.go), so every plan of a file that sets it shows it
/// set from nothing, even unchanged. We had the field from 0.10.0 (which
/// no file reaches: the parser refuses `consul_token` before 0.10.4, so
/// that side is the diff of jobs loaded at 0.10.4) and diffed the running
/// file's token.
#[test]
fn consul_token_is_a_job_field_from_0_10_4() {
    let pair = (consul_token("a"), consul_token("a"));
    for v in ["0.10.4", "1.9.7"] {
        expect(
            "ctoken",
            v,
            &pair,
            "+/- Job: \"j\"\n+ ConsulToken: \"<masked>\"\n  Task Group: \"g\" (1 in-place update)\n    Task: \"t\"\n",
            "job",
            r#"[{"Annotations":null,"Name":"ConsulToken","New":"<masked>","Old":"","Type":"Added"}]"#,
        );
    }
    let v4 = NomadVersion::new(0, 10, 4);
    let (o, n) = (
        common::load_job(&consul_token("a"), v4),
        common::load_job(&consul_token("b"), v4),
    );
    let at = |v: NomadVersion| {
        let d = nomad_preflight::diff::job_diff_with(Some(&o), Some(&n), v, true);
        render_diff(&d, false, false)
    };
    assert_eq!(
        at(v4),
        "+/- Job: \"j\"\n+/- ConsulToken: \"<masked>\" => \"<masked>\"\n    Task Group: \"g\"\n      Task: \"t\""
    );
    assert_eq!(
        at(NomadVersion::new(0, 10, 3)),
        "Job: \"j\"\nTask Group: \"g\"\n  Task: \"t\""
    );
}

/// Job.Register clears VaultToken before it stores the job (every release
/// to 1.9; nomad/job_endpoint.go), and Job.Diff flattens it until 1.3.6
/// filtered it (GH-14424: the plan showed it set at every run).
#[test]
fn a_running_jobs_vault_token_is_none_until_1_3_6() {
    let file = job("", "").replace(
        "  datacenters = [\"dc1\"]\n",
        "  datacenters = [\"dc1\"]\n  vault_token = \"s.x\"\n",
    );
    let pair = (file.clone(), file);
    expect(
        "vtoken",
        "1.3.5",
        &pair,
        "+/- Job: \"j\"\n+ VaultToken: \"<masked>\"\n  Task Group: \"g\" (1 in-place update)\n    Task: \"t\"\n",
        "job",
        r#"[{"Annotations":null,"Name":"VaultToken","New":"<masked>","Old":"","Type":"Added"}]"#,
    );
    expect(
        "vtoken",
        "1.3.6",
        &pair,
        "Job: \"j\"\nTask Group: \"g\" (1 in-place update)\n  Task: \"t\"\n",
        "job",
        "null",
    );
}

fn sidecar_identity() -> (String, String) {
    let s = |aud: &str| {
        format!("    network {{\n      mode = \"bridge\"\n    }}\n    service {{\n      name = \"s\"\n      port = \"9090\"\n      connect {{\n        sidecar_service {{}}\n        sidecar_task {{\n          identity {{\n            name = \"vault_default\"\n            aud  = [\"{aud}\"]\n          }}\n        }}\n      }}\n    }}\n")
    };
    in_group(&s("a"), &s("b"))
}

/// sidecarTaskDiff (diff.go) diffs the sidecar task's identities from
/// v1.11.1, the release that gave api.SidecarTask `identity` blocks. We
/// had 2.0.0.
#[test]
fn sidecar_task_identities_are_diffed_from_1_11_1() {
    expect(
        "sidecar-id",
        "1.11.1",
        &sidecar_identity(),
        "+/- Job: \"j\"\n+/- Task Group: \"g\" (1 create/destroy update)\n  +/- Service {\n        Address:           \"\"\n        AddressMode:       \"auto\"\n        Cluster:           \"default\"\n        EnableTagOverride: \"false\"\n        Kind:              \"\"\n        Name:              \"s\"\n        Namespace:         \"default\"\n        OnUpdate:          \"require_healthy\"\n        PortLabel:         \"9090\"\n        Provider:          \"consul\"\n        TaskName:          \"\"\n    +/- ConsulConnect {\n          Native: \"false\"\n      +/- SidecarTask {\n        +/- Identity {\n              ChangeMode:   \"\"\n              ChangeSignal: \"\"\n              Env:          \"false\"\n              File:         \"false\"\n              Filepath:     \"\"\n              Name:         \"vault_default\"\n              ServiceName:  \"\"\n              TTL:          \"0\"\n          +/- Audience {\n            + Audience: \"b\"\n            - Audience: \"a\"\n              }\n            }\n          }\n        }\n      }\n  +/- Task: \"connect-proxy-s\" (forces create/destroy update)\n    +/- Identity {\n          ChangeMode:   \"\"\n          ChangeSignal: \"\"\n          Env:          \"false\"\n          File:         \"false\"\n          Filepath:     \"\"\n          Name:         \"vault_default\"\n          ServiceName:  \"\"\n          TTL:          \"0\"\n      +/- Audience {\n        + Audience: \"b\"\n        - Audience: \"a\"\n          }\n        }\n      Task: \"t\"\n",
        "gobjects",
        r#"[{"Fields":[{"Annotations":null,"Name":"Address","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"AddressMode","New":"auto","Old":"auto","Type":"None"},{"Annotations":null,"Name":"Cluster","New":"default","Old":"default","Type":"None"},{"Annotations":null,"Name":"EnableTagOverride","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"Kind","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Name","New":"s","Old":"s","Type":"None"},{"Annotations":null,"Name":"Namespace","New":"default","Old":"default","Type":"None"},{"Annotations":null,"Name":"OnUpdate","New":"require_healthy","Old":"require_healthy","Type":"None"},{"Annotations":null,"Name":"PortLabel","New":"9090","Old":"9090","Type":"None"},{"Annotations":null,"Name":"Provider","New":"consul","Old":"consul","Type":"None"},{"Annotations":null,"Name":"TaskName","New":"","Old":"","Type":"None"}],"Name":"Service","Objects":[{"Fields":[{"Annotations":null,"Name":"Native","New":"false","Old":"false","Type":"None"}],"Name":"ConsulConnect","Objects":[{"Fields":[],"Name":"SidecarTask","Objects":[{"Fields":[{"Annotations":null,"Name":"ChangeMode","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"ChangeSignal","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Env","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"File","New":"false","Old":"false","Type":"None"},{"Annotations":null,"Name":"Filepath","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"Name","New":"vault_default","Old":"vault_default","Type":"None"},{"Annotations":null,"Name":"ServiceName","New":"","Old":"","Type":"None"},{"Annotations":null,"Name":"TTL","New":"0","Old":"0","Type":"None"}],"Name":"Identity","Objects":[{"Fields":[{"Annotations":null,"Name":"Audience","New":"b","Old":"","Type":"Added"},{"Annotations":null,"Name":"Audience","New":"","Old":"a","Type":"Deleted"}],"Name":"Audience","Objects":null,"Type":"Edited"}],"Type":"Edited"}],"Type":"Edited"}],"Type":"Edited"}],"Type":"Edited"}]"#,
    );
}

/// Multiregion regions (enterprise only; every multiregion plan there is
/// "cannot tell", so the diff itself): MultiregionRegion has NodePool from
/// v1.6.0 (nomad/structs/structs.go), which multiregionRegionDiff's
/// flatmap then shows. We showed it at every release.
#[test]
fn a_multiregion_region_has_a_node_pool_from_1_6_0() {
    let j = |count: u32| {
        format!("job \"j\" {{\n  datacenters = [\"dc1\"]\n  multiregion {{\n    region \"east\" {{\n      count       = {count}\n      datacenters = [\"dc1\"]\n    }}\n  }}\n  group \"g\" {{\n    count = 0\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis\"\n      }}\n    }}\n  }}\n}}\n")
    };
    let before = "+/- Job: \"j\"\n+/- Multiregion {\n  +/- Region {\n    +/- Count: \"1\" => \"2\"\n        Name:  \"east\"\n      }\n    }\n    Task Group: \"g\"\n      Task: \"t\"";
    let after = "+/- Job: \"j\"\n+/- Multiregion {\n  +/- Region {\n    +/- Count:    \"1\" => \"2\"\n        Name:     \"east\"\n        NodePool: \"\"\n      }\n    }\n    Task Group: \"g\"\n      Task: \"t\"";
    for (v, want) in [
        (NomadVersion::new(1, 5, 6), before),
        (NomadVersion::new(1, 6, 0), after),
    ] {
        let (o, n) = (common::load_job(&j(1), v), common::load_job(&j(2), v));
        let d = nomad_preflight::diff::job_diff_with(Some(&o), Some(&n), v, true);
        assert_eq!(render_diff(&d, false, false), want, "{v}");
    }
}

fn device_count() -> (String, String) {
    let d = |n: &str| {
        format!("      resources {{\n        cpu    = 100\n        memory = 64\n        device \"nvidia/gpu\" {{\n          count = {n}\n        }}\n      }}\n")
    };
    in_task(&d("1"), &d("2"))
}

const GPU_CLIENT: &str = "  device \"nvidia/gpu/1080ti\" {\n    count = 4\n  }\n";

/// tasksUpdated (scheduler/util.go) compares the requested devices from
/// v0.10.2 (`ar.Devices.Equals`); v0.10.1 does not, so a device count
/// edit is an in-place update of the group there (annotate.go still marks
/// the task, whose Resources object changed, destructive). We compared
/// devices at every release.
#[test]
fn a_device_edit_replaces_from_0_10_2() {
    let text = |update: &str| {
        format!("+/- Job: \"j\"\n+/- Task Group: \"g\" (1 {update})\n  +/- Task: \"t\" (forces create/destroy update)\n    +/- Resources {{\n          CPU:      \"100\"\n          DiskMB:   \"0\"\n          IOPS:     \"0\"\n          MemoryMB: \"64\"\n      +/- Device {{\n        +/- Count: \"1\" => \"2\"\n            Name:  \"nvidia/gpu\"\n          }}\n        }}\n")
    };
    for (v, update) in [
        ("0.10.1", "in-place update"),
        ("0.10.2", "create/destroy update"),
    ] {
        let (old, new) = device_count();
        let (got, diff) = plan_with("device", v, GPU_CLIENT, &old, &new);
        assert_eq!(got, text(update), "{v}");
        assert_eq!(
            diff["TaskGroups"][0]["Updates"],
            serde_json::json!({ update: 1 }),
            "{v}"
        );
    }
}

fn cni_args() -> (String, String) {
    let c = |k: &str| {
        format!("    network {{\n      mode = \"cni/x\"\n      cni {{\n        args = {{\n          k = \"{k}\"\n        }}\n      }}\n    }}\n")
    };
    in_group(&c("a"), &c("b"))
}

const CNI_CLIENT: &str = "  network_modes = [\"host\", \"cni/x\"]\n";

/// networkUpdated (scheduler/util.go) compares the network's CNI config
/// from v1.8.3 (`an.CNI.Equal`); at v1.8.2, which diffs it already, the
/// edit is in place. We never compared it.
#[test]
fn a_cni_args_edit_replaces_from_1_8_3() {
    let text = |update: &str| {
        format!("+/- Job: \"j\"\n+/- Task Group: \"g\" (1 {update})\n  + Network {{\n      Hostname: \"\"\n    + Mode:     \"cni/x\"\n    + CNIConfig {{\n      + k: \"b\"\n      }}\n    }}\n  - Network {{\n      Hostname: \"\"\n    - Mode:     \"cni/x\"\n    - CNIConfig {{\n      - k: \"a\"\n      }}\n    }}\n    Task: \"t\"\n")
    };
    for (v, update) in [
        ("1.8.2", "in-place update"),
        ("1.8.3", "create/destroy update"),
    ] {
        let (old, new) = cni_args();
        let (got, diff) = plan_with("cni", v, CNI_CLIENT, &old, &new);
        assert_eq!(got, text(update), "{v}");
        assert_eq!(
            diff["TaskGroups"][0]["Updates"],
            serde_json::json!({ update: 1 }),
            "{v}"
        );
    }
}
