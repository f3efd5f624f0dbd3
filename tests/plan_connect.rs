//! A Connect job planned as Nomad's Job.Plan plans it: the admission
//! mutators (nomad/job_endpoint_hook_connect.go, job_endpoint_hooks.go)
//! inject the `connect-proxy-<service>` task with its default resources,
//! config, constraints and port before the diff and the placement, per
//! version; the hook's validator refuses a sidecar outside bridge or CNI
//! networking; a release without Connect refuses the block.

use crate::common;

use common::{run_in as run, TempDir};

const JOB: &str = r#"job "web" {
  datacenters = ["dc1"]
  group "api" {
    network {
      mode = "@MODE@"
    }
    service {
      name = "count-api"
      port = "9001"
      connect {
        sidecar_service {}
      }
    }
    task "web" {
      driver = "docker"
      config {
        image = "hashicorpdev/counter-api:v3"
      }
      resources {
        cpu    = 100
        memory = 64
      }
    }
  }
}
"#;

/// A one-client world of `version` with `cpu` MHz and the job file.
fn project(name: &str, version: &str, cpu: u32, mode: &str) -> TempDir {
    common::one_client_project(
        &format!("connect-{name}"),
        version,
        &format!("  cpu        = {cpu}\n  memory     = 2000\n  drivers    = [\"docker\", \"exec\", \"java\"]\n"),
        &JOB.replace("@MODE@", mode),
    )
}

/// The lines of the verbose plan from `from` up to (not including) `to`.
fn section<'a>(text: &'a str, from: &str, to: &str) -> &'a str {
    let start = text
        .find(from)
        .unwrap_or_else(|| panic!("{from:?} in\n{text}"));
    let rest = &text[start..];
    let end = rest[from.len()..]
        .find(to)
        .map_or(rest.len(), |e| e + from.len());
    &rest[..end]
}

/// Nomad 2.0.5: the injected task as `nomad job plan -verbose` shows a new
/// job (newConnectSidecarTask, then Task.Canonicalize's default identity),
/// the proxy port in the group network, the implied Consul and CNI
/// constraints on the group. The task's two constraints sort `consul.grpc`
/// first whatever Go's map order: `ObjectDiff.Less` finds it less at
/// LTarget, and `consul.version` less on no field (redteam7 D2).
#[test]
fn sidecar_task_is_injected_under_2_0() {
    let dir = project("v2", "2.0.5", 4000, "bridge");
    let o = run(
        &dir.0,
        &["plan", "--verbose", "--no-color", "jobs/web.nomad"],
    );
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    let task = section(
        &o.stdout,
        "  + Task: \"connect-proxy-count-api\"",
        "  + Task: \"web\"",
    );
    assert_eq!(
        task,
        r#"  + Task: "connect-proxy-count-api" (forces create)
    + Driver:        "docker"
    + KillTimeout:   "5000000000"
    + Kind:          "connect-proxy:count-api"
    + Leader:        "false"
    + ShutdownDelay: "5000000000"
    + Constraint {
      + LTarget: "${attr.consul.grpc}"
      + Operand: ">"
      + RTarget: "0"
      }
    + Constraint {
      + LTarget: "${attr.consul.version}"
      + Operand: "semver"
      + RTarget: ">= 1.8.0"
      }
    + Config {
      + args[0]: "-c"
      + args[1]: "${NOMAD_SECRETS_DIR}/envoy_bootstrap.json"
      + args[2]: "-l"
      + args[3]: "${meta.connect.log_level}"
      + args[4]: "--concurrency"
      + args[5]: "${meta.connect.proxy_concurrency}"
      + args[6]: "--disable-hot-restart"
      + image:   "${meta.connect.sidecar_image}"
      }
    + Resources {
      + CPU:         "250"
      + Cores:       "0"
      + DiskMB:      "0"
      + IOPS:        "0"
      + MemoryMB:    "128"
      + MemoryMaxMB: "0"
      + SecretsMB:   "0"
      }
    + LogConfig {
      + Disabled:      "false"
      + MaxFileSizeMB: "2"
      + MaxFiles:      "2"
      }
    + Identity {
        ChangeMode:   ""
        ChangeSignal: ""
      + Env:          "false"
      + File:         "false"
        Filepath:     ""
      + Name:         "default"
        ServiceName:  ""
      + TTL:          "0"
      + Audience {
        + Audience: "nomadproject.io"
        }
      }
"#
    );
    let network = section(&o.stdout, "  + Network {", "  + Service {");
    assert!(
        network.contains(
            "    + Dynamic Port {\n      + HostNetwork: \"default\"\n      + Label:       \"connect-proxy-count-api\"\n      + To:          \"-1\"\n      }"
        ),
        "{network}"
    );
    let group = section(&o.stdout, "+ Task Group: \"api\"", "  + RestartPolicy {");
    for l in [
        "${attr.consul.version}",
        "${attr.plugins.cni.version.bridge}",
        "${attr.plugins.cni.version.portmap}",
    ] {
        assert!(group.contains(l), "{l} in\n{group}");
    }
    assert!(o.stdout.contains("- All tasks successfully allocated."));
}

/// Nomad 1.6.0: no default identity (1.7), the Consul constraint of the
/// group is `>= 1.7.0` (consulServiceDiscoveryConstraint at v1.6.0), no CNI
/// constraints (1.8).
#[test]
fn sidecar_task_is_injected_under_1_6() {
    let dir = project("v16", "1.6.0", 4000, "bridge");
    let o = run(
        &dir.0,
        &["plan", "--verbose", "--no-color", "jobs/web.nomad"],
    );
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    let task = section(
        &o.stdout,
        "  + Task: \"connect-proxy-count-api\"",
        "  + Task: \"web\"",
    );
    assert!(task.contains("+ CPU:         \"250\""), "{task}");
    assert!(task.contains("+ MemoryMB:    \"128\""), "{task}");
    assert!(!task.contains("Identity"), "{task}");
    let group = section(&o.stdout, "+ Task Group: \"api\"", "  + RestartPolicy {");
    assert!(group.contains("+ RTarget: \">= 1.7.0\""), "{group}");
    assert!(!group.contains("cni"), "{group}");
}

/// The sidecar's 250 MHz count in placement: 100 + 250 MHz do not fit a
/// 300 MHz client, they fit a 400 MHz one.
#[test]
fn sidecar_resources_count_in_placement() {
    let dir = project("cpu", "2.0.5", 300, "bridge");
    let o = run(&dir.0, &["plan", "--no-color", "jobs/web.nomad"]);
    assert!(
        o.stdout
            .contains("  Task Group \"api\" (failed to place 1 allocation):\n    * Resources exhausted on 1 nodes\n    * Dimension \"cpu\" exhausted on 1 nodes"),
        "{}",
        o.stdout
    );
    let dir = project("cpu400", "2.0.5", 400, "bridge");
    let o = run(&dir.0, &["plan", "--no-color", "jobs/web.nomad"]);
    assert!(
        o.stdout.contains("- All tasks successfully allocated."),
        "{}",
        o.stdout
    );
}

/// groupConnectNetworkModeValidate: a sidecar in host networking is refused
/// by the Plan RPC (the connect validator, first in the multierror).
#[test]
fn sidecar_outside_bridge_networking_is_refused() {
    let dir = project("host", "2.0.5", 4000, "host");
    let o = run(&dir.0, &["plan", "jobs/web.nomad"]);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert_eq!(o.stdout, "");
    assert_eq!(
        o.stderr,
        "Error during plan: Unexpected response code: 500 (1 error occurred:\n\t* connect sidecar: invalid network mode for Consul Connect: group \"api\" uses network mode \"host\"; must be \"bridge\" or \"cni/*\")\n"
    );
}

/// An unchanged Connect job re-plans as no change: the registered job went
/// through the same mutators. A proxy edit is an in-place update
/// (connectSidecarServiceUpdated), shown inside the service.
#[test]
fn replanning_a_connect_job_is_stable_and_proxy_edits_are_in_place() {
    let dir = project("again", "2.0.5", 4000, "bridge");
    std::fs::copy(dir.0.join("jobs/web.nomad"), dir.0.join("old.nomad")).expect("copy");
    let replan = || {
        run(
            &dir.0,
            &[
                "plan",
                "--no-color",
                "--running",
                "old.nomad",
                "jobs/web.nomad",
            ],
        )
    };
    let o = replan();
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.starts_with("Job: \"web\"\nTask Group: \"api\" (1 ignore)\n  Task: \"connect-proxy-count-api\"\n  Task: \"web\"\n"),
        "{}",
        o.stdout
    );
    let edited = JOB.replace("@MODE@", "bridge").replace(
        "sidecar_service {}",
        "sidecar_service {\n        proxy {\n          upstreams {\n            destination_name = \"db\"\n            local_bind_port  = 5432\n          }\n        }\n      }",
    );
    std::fs::write(dir.0.join("jobs/web.nomad"), edited).expect("edit");
    let o = replan();
    // An in-place update creates and destroys nothing: exit 0, as Nomad's.
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .contains("+/- Task Group: \"api\" (1 in-place update)"),
        "{}",
        o.stdout
    );
    assert!(o.stdout.contains("+ ConsulUpstreams {"), "{}", o.stdout);
    assert!(!o.stderr.contains("not modelled"), "{}", o.stderr);
}

/// Before 0.10 there is no Connect: the job file is refused as that
/// release's parser refused it (the version gate), never planned.
#[test]
fn a_release_before_connect_refuses_the_block() {
    let dir = project("old", "0.9.3", 4000, "bridge");
    let o = run(&dir.0, &["plan", "jobs/web.nomad"]);
    assert_ne!(o.code, 0);
    assert_ne!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(o.stderr.contains("invalid key"), "{}", o.stderr);
    assert!(!o.stdout.contains("connect-proxy"), "{}", o.stdout);
}

/// The injected sidecar task as a 0.10–1.0 `-verbose` plan shows it
/// (Resources without Cores/MemoryMaxMB/SecretsMB, LogConfig without
/// Disabled, no Lifecycle in diff.go), for the release's Consul constraint
/// and Envoy arguments.
fn old_sidecar_task(operand: &str, rtarget: &str, args: &[&str]) -> String {
    let mut config = String::new();
    for (i, a) in args.iter().enumerate() {
        config.push_str(&format!("      + args[{i}]: \"{a}\"\n"));
    }
    format!(
        r#"  + Task: "connect-proxy-count-api" (forces create)
    + Driver:        "docker"
    + KillTimeout:   "5000000000"
    + Kind:          "connect-proxy:count-api"
    + Leader:        "false"
    + ShutdownDelay: "5000000000"
    + Constraint {{
      + LTarget: "${{attr.consul.version}}"
      + Operand: "{operand}"
      + RTarget: "{rtarget}"
      }}
    + Config {{
{config}      + image:   "${{meta.connect.sidecar_image}}"
      }}
    + Resources {{
      + CPU:      "250"
      + DiskMB:   "0"
      + IOPS:     "0"
      + MemoryMB: "128"
      }}
    + LogConfig {{
      + MaxFileSizeMB: "2"
      + MaxFiles:      "2"
      }}
"#
    )
}

const ENVOY_ARGS: [&str; 4] = [
    "-c",
    "${NOMAD_SECRETS_DIR}/envoy_bootstrap.json",
    "-l",
    "${meta.connect.log_level}",
];

/// Nomad 0.10.0 (job_endpoint_hook_connect.go at v0.10.0, newConnectTask):
/// the sidecar task before lifecycle hooks (0.11.0) and before
/// `--disable-hot-restart` (0.10.4), with the `version` constraint on
/// `>= 1.6.0beta1` (semver from 0.10.2), and the proxy port without a host
/// network (0.12.1 re-canonicalises the group network). Until this was
/// modelled, a 0.10–1.0 world planned the job without the task.
#[test]
fn sidecar_task_is_injected_under_0_10_0() {
    let dir = project("v0100", "0.10.0", 4000, "bridge");
    let o = run(
        &dir.0,
        &["plan", "--verbose", "--no-color", "jobs/web.nomad"],
    );
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    let task = section(
        &o.stdout,
        "  + Task: \"connect-proxy-count-api\"",
        "  + Task: \"web\"",
    );
    assert_eq!(
        task,
        old_sidecar_task("version", ">= 1.6.0beta1", &ENVOY_ARGS)
    );
    let network = section(&o.stdout, "  + Network {", "  + Service {");
    assert!(
        network.contains(
            "    + Dynamic Port {\n      + Label: \"connect-proxy-count-api\"\n      + To:    \"-1\"\n      }"
        ),
        "{network}"
    );
}

/// Nomad 1.0.4: `--concurrency` (1.0.0) and `--disable-hot-restart`, the
/// client's image variable (1.0.0 alone used `envoyproxy/envoy:v${NOMAD_envoy_version}`),
/// the semver constraint, and the proxy port on host network "default".
#[test]
fn sidecar_task_is_injected_under_1_0() {
    let dir = project("v104", "1.0.4", 4000, "bridge");
    let o = run(
        &dir.0,
        &["plan", "--verbose", "--no-color", "jobs/web.nomad"],
    );
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    let task = section(
        &o.stdout,
        "  + Task: \"connect-proxy-count-api\"",
        "  + Task: \"web\"",
    );
    let mut args = ENVOY_ARGS.to_vec();
    args.extend([
        "--concurrency",
        "${meta.connect.proxy_concurrency}",
        "--disable-hot-restart",
    ]);
    assert_eq!(task, old_sidecar_task("semver", ">= 1.6.0-beta1", &args));
    let network = section(&o.stdout, "  + Network {", "  + Service {");
    assert!(
        network.contains(
            "    + Dynamic Port {\n      + HostNetwork: \"default\"\n      + Label:       \"connect-proxy-count-api\"\n      + To:          \"-1\"\n      }"
        ),
        "{network}"
    );
    let dir = project("v100", "1.0.0", 4000, "bridge");
    let o = run(
        &dir.0,
        &["plan", "--verbose", "--no-color", "jobs/web.nomad"],
    );
    assert!(
        o.stdout
            .contains("      + image:   \"envoyproxy/envoy:v${NOMAD_envoy_version}\"\n"),
        "{}",
        o.stdout
    );
}

/// The sidecar's 250 MHz count in placement under 0.10.x and 1.0.x too.
#[test]
fn sidecar_resources_count_in_placement_before_1_1() {
    for v in ["0.10.5", "1.0.4"] {
        let dir = project(&format!("cpu-{v}"), v, 300, "bridge");
        let o = run(&dir.0, &["plan", "--no-color", "jobs/web.nomad"]);
        assert!(
            o.stdout
                .contains("  Task Group \"api\" (failed to place 1 allocation):\n"),
            "{v}: {}",
            o.stdout
        );
        assert!(
            o.stdout
                .contains("    * Dimension \"cpu\" exhausted on 1 nodes"),
            "{v}: {}",
            o.stdout
        );
        let dir = project(&format!("cpu400-{v}"), v, 400, "bridge");
        let o = run(&dir.0, &["plan", "--no-color", "jobs/web.nomad"]);
        assert!(
            o.stdout.contains("- All tasks successfully allocated."),
            "{v}: {}",
            o.stdout
        );
    }
}

/// Two sidecar services: 0.10.0 and 0.10.1 inject only the first one's
/// task (groupConnectHook returned inside its loop, removed in 0.10.2).
#[test]
fn only_the_first_sidecar_is_injected_before_0_10_2() {
    let two = JOB.replace("@MODE@", "bridge").replace(
        "    task \"web\" {",
        "    service {\n      name = \"admin\"\n      port = \"9002\"\n      connect {\n        sidecar_service {}\n      }\n    }\n    task \"web\" {",
    );
    for (v, both) in [("0.10.1", false), ("0.10.2", true)] {
        let dir = project(&format!("two-{v}"), v, 4000, "bridge");
        std::fs::write(dir.0.join("jobs/web.nomad"), &two).expect("job");
        let o = run(&dir.0, &["plan", "--no-color", "jobs/web.nomad"]);
        assert_eq!(o.code, 1, "{v}: {}{}", o.stdout, o.stderr);
        assert!(
            o.stdout
                .contains("  + Task: \"connect-proxy-count-api\" (forces create)\n"),
            "{v}: {}",
            o.stdout
        );
        assert_eq!(
            o.stdout
                .contains("  + Task: \"connect-proxy-admin\" (forces create)\n"),
            both,
            "{v}: {}",
            o.stdout
        );
    }
}

/// The validator's words per release: 0.10.0 drops its error (the job
/// plans, sidecar and all), 0.10.1–1.10 say "requires bridge network" in
/// the release's multierror format, 1.11 added `cni/*` and new words.
#[test]
fn host_networking_is_refused_in_each_release_words() {
    let dir = project("host0100", "0.10.0", 4000, "host");
    let o = run(&dir.0, &["plan", "--no-color", "jobs/web.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .contains("  + Task: \"connect-proxy-count-api\" (forces create)\n"),
        "{}",
        o.stdout
    );
    for (v, body) in [
        (
            "0.10.3",
            "1 error(s) occurred:\n\n* Consul Connect sidecar requires bridge network, found \"host\" in group \"api\"",
        ),
        (
            "1.0.4",
            "1 error occurred:\n\t* Consul Connect sidecar requires bridge network, found \"host\" in group \"api\"\n\n",
        ),
        (
            "1.10.0",
            "1 error occurred:\n\t* Consul Connect sidecar requires bridge network, found \"host\" in group \"api\"",
        ),
    ] {
        let dir = project(&format!("host-{v}"), v, 4000, "host");
        let o = run(&dir.0, &["plan", "jobs/web.nomad"]);
        assert_eq!(o.code, 255, "{v}: {}{}", o.stdout, o.stderr);
        assert_eq!(
            o.stderr,
            format!("Error during plan: Unexpected response code: 500 ({body})\n"),
            "{v}"
        );
    }
}

/// A sidecar service in a group without a network: 0.10.0's hook indexes
/// the missing network and panics (we say so, never a plan); 0.10.1 skips
/// the group in the mutator and its validator names the count.
#[test]
fn a_sidecar_without_a_network_before_and_after_0_10_1() {
    let no_net = JOB.replace("    network {\n      mode = \"@MODE@\"\n    }\n", "");
    let dir = project("nonet0100", "0.10.0", 4000, "bridge");
    std::fs::write(dir.0.join("jobs/web.nomad"), &no_net).expect("job");
    let o = run(&dir.0, &["plan", "jobs/web.nomad"]);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert_eq!(o.stdout, "");
    assert!(o.stderr.contains("panics"), "{}", o.stderr);
    let dir = project("nonet0101", "0.10.1", 4000, "bridge");
    std::fs::write(dir.0.join("jobs/web.nomad"), &no_net).expect("job");
    let o = run(&dir.0, &["plan", "jobs/web.nomad"]);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert_eq!(
        o.stderr,
        "Error during plan: Unexpected response code: 500 (1 error(s) occurred:\n\n* Consul Connect sidecars require exactly 1 network, found 0 in group \"api\")\n"
    );
}

/// `TestJobEndpointConnect_ConnectInterpolation` and
/// `TestJobEndpointConnect_groupConnectHook` (job_endpoint_hook_connect_test.go):
/// Service.Canonicalize turns `${JOB}` into the job's name, and from 1.0.2
/// the Connect hook interpolates a sidecar service's name with the job's
/// meta before naming its task; 1.0.1 named the task from the name as
/// written.
#[test]
fn connect_service_names_are_interpolated_before_the_task_is_named() {
    let job = JOB
        .replace(
            "job \"web\" {",
            "job \"web\" {\n  name = \"my-job\"\n  meta {\n    backend_name = \"backend\"\n  }",
        )
        .replace("name = \"count-api\"", "name = \"${JOB}-api\"");
    let second = "    service {\n      name = \"${NOMAD_META_backend_name}\"\n      port = \"9002\"\n      connect {\n        sidecar_service {}\n      }\n    }\n    service {\n      name = \"${BASE}\"\n      port = \"9003\"\n    }\n    task \"web\" {";
    let job = job.replacen("    task \"web\" {", second, 1);
    let dir = common::one_client_project(
        "connect-interp",
        "2.0.5",
        "  cpu        = 4000\n  memory     = 2000\n",
        &job.replace("@MODE@", "bridge"),
    );
    let o = run(
        &dir.0,
        &["plan", "--verbose", "--no-color", "jobs/web.nomad"],
    );
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .contains("  + Task: \"connect-proxy-my-job-api\" (forces create)"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout
            .contains("  + Task: \"connect-proxy-backend\" (forces create)"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout.contains("+ Name:              \"my-job-api\""),
        "{}",
        o.stdout
    );
    let dir = common::one_client_project(
        "connect-interp-101",
        "1.0.1",
        "  cpu        = 4000\n  memory     = 2000\n",
        &job.replace("@MODE@", "bridge"),
    );
    let o = run(
        &dir.0,
        &["plan", "--verbose", "--no-color", "jobs/web.nomad"],
    );
    // `${JOB}` is canonicalisation, older than Connect; the meta is not.
    assert!(
        o.stdout
            .contains("  + Task: \"connect-proxy-my-job-api\" (forces create)"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout
            .contains("  + Task: \"connect-proxy-${NOMAD_META_backend_name}\" (forces create)"),
        "{}{}",
        o.stdout,
        o.stderr
    );
}
