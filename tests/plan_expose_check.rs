//! Nomad's expose-check admission hook (nomad/job_endpoint_hook_expose_check.go)
//! as `nomad job plan` shows it per release: an `expose = true` check of a
//! Connect service becomes an expose path of the sidecar proxy (and, with
//! no `port`, a generated listener port), and the hook refuses an expose
//! check outside a bridge group, outside a sidecar service, on a task
//! service, or whose service port it cannot resolve.

use crate::common;

use common::{run_in as run, TempDir};

const JOB: &str = r#"job "web" {
  datacenters = ["dc1"]
  group "api" {
    network {
      mode = "bridge"
      port "healthz" {
        to = -1
      }
    }
    service {
      name = "count-api"
      port = "9001"
      check {
        name     = "api-health"
        type     = "http"
        path     = "/health"
        port     = "healthz"
        interval = "10s"
        timeout  = "3s"
        expose   = true
      }
      connect {
        sidecar_service {}
      }
    }
    task "web" {
      driver = "docker"
      config {
        image = "hashicorpdev/counter-api:v3"
      }
    }
  }
}
"#;

/// A one-client world of `version` with `job` as jobs/web.nomad.
fn project(tag: &str, version: &str, job: &str) -> TempDir {
    common::one_client_project(
        &format!("expose-{tag}"),
        version,
        "  cpu        = 4000\n  memory     = 4000\n  drivers    = [\"docker\"]\n",
        job,
    )
}

fn plan(dir: &TempDir, verbose: bool) -> common::Out {
    let mut args = vec!["plan", "--no-color", "jobs/web.nomad"];
    if verbose {
        args.push("--verbose");
    }
    run(&dir.0, &args)
}

/// The path as diff.go's consulProxyExposeDiff shows an added one.
fn expose_block(listener: &str) -> String {
    format!(
        "          + Expose {{\n            + Paths {{\n              + ListenerPort:  \"{listener}\"\n              + LocalPathPort: \"9001\"\n              + Path:          \"/health\"\n                Protocol:      \"\"\n              }}\n            }}\n"
    )
}

#[test]
fn an_exposed_check_becomes_an_expose_path_of_the_sidecar_proxy() {
    // diff.go shows a proxy's Expose from 1.8.0 (consulProxyExposeDiff);
    // before, the path is added all the same but no diff names it.
    for (version, shown) in [
        ("0.11.0", false),
        ("1.6.0", false),
        ("1.8.0", true),
        ("2.0.5", true),
    ] {
        let dir = project(&format!("path-{version}"), version, JOB);
        let o = plan(&dir, true);
        assert_eq!(o.code, 1, "{version}: {}{}", o.stdout, o.stderr);
        assert_eq!(
            o.stdout.contains(&expose_block("healthz")),
            shown,
            "{version}: {}",
            o.stdout
        );
        assert!(o.stdout.contains("- All tasks successfully allocated."));
    }
    // Before the hook (0.10.x) nothing is added.
    let dir = project(
        "path-0.10.4",
        "0.10.4",
        &JOB.replace("        expose   = true\n", ""),
    );
    assert!(!plan(&dir, true).stdout.contains("Expose {"));
}

/// Without `port` the hook adds a dynamic port (to = -1) named
/// `svc_<service>_ck_<6 hex>` and names it in the check and the path (from
/// 0.11.2); 0.11.0 requires the port and exposes nothing without it.
#[test]
fn a_check_without_a_port_gets_a_generated_listener_port() {
    let job = JOB.replace("        port     = \"healthz\"\n", "");
    for version in ["1.0.0", "1.6.0", "2.0.5"] {
        let dir = project(&format!("gen-{version}"), version, &job);
        let o = plan(&dir, true);
        let at = o
            .stdout
            .find("+ Label:       \"svc_count-api_ck_")
            .unwrap_or_else(|| panic!("{version}: {}{}", o.stdout, o.stderr));
        let label = &o.stdout[at + "+ Label:       \"".len()..][..23];
        assert!(
            label[17..].chars().all(|c| c.is_ascii_hexdigit()),
            "{label}"
        );
        assert!(
            o.stdout
                .contains(&format!("+ PortLabel:              \"{label}\"")),
            "{}",
            o.stdout
        );
        if version == "2.0.5" {
            assert!(o.stdout.contains(&expose_block(label)), "{}", o.stdout);
        }
        // 1.1.0 names the port's host network; before, it stays empty.
        let port = &o.stdout[o.stdout[..at].rfind("+ Dynamic Port {").unwrap_or(0)..at];
        assert_eq!(
            port.contains("+ HostNetwork: \"default\""),
            version != "1.0.0",
            "{version}: {port}"
        );
        // The name is a function of the job: a second plan gives the same.
        assert!(plan(&dir, true).stdout.contains(label));
    }
    // The hash covers the check's fields (1.1.0+): another interval,
    // another name.
    let a = plan(&project("gen-a", "1.6.0", &job), true).stdout;
    let b = plan(
        &project("gen-b", "1.6.0", &job.replace("\"10s\"", "\"20s\"")),
        true,
    )
    .stdout;
    let label = |s: &str| {
        s.find("svc_count-api_ck_")
            .map(|i| s[i..i + 23].to_string())
            .unwrap_or_default()
    };
    assert_ne!(label(&a), label(&b), "{a}");
    let dir = project("gen-0.11.0", "0.11.0", &job);
    let o = plan(&dir, true);
    assert!(!o.stdout.contains("svc_count-api_ck_"), "{}", o.stdout);
}

/// The hook's errors as the Plan RPC returns them, per release.
#[test]
fn misplaced_expose_checks_are_refused_in_each_release_words() {
    let refused = |tag: &str, version: &str, job: &str| {
        let o = plan(&project(tag, version, job), false);
        assert_eq!(o.code, 255, "{tag}: {}{}", o.stdout, o.stderr);
        assert!(o.stdout.is_empty(), "{}", o.stdout);
        o.stderr
    };
    // No sidecar: the validator (1.0.4+: "sidecar_proxy").
    let no_connect = JOB.replace("      connect {\n        sidecar_service {}\n      }\n", "");
    let e = refused("noconnect-2.0.5", "2.0.5", &no_connect);
    assert!(
        e.contains(
            "* exposed service check api->count-api->api-health requires use of sidecar_proxy"
        ),
        "{e}"
    );
    // Before 1.0.6 the mutator does not skip it: an exposable check makes
    // it dereference the missing proxy (a panic, said as ours); one it
    // cannot expose reaches the validator's older words.
    let e = refused("noconnect-1.0.0", "1.0.0", &no_connect);
    assert!(
        e.contains("Nomad 1.0.0's expose-check hook panics on this job (nil pointer): service \"count-api\""),
        "{e}"
    );
    // (A relative http path is not exposable. A tcp check is not either,
    // but Service.Validate also refuses expose on it, 0.11.0+, and we
    // report only the validation half of Nomad's merged list.)
    let relative = no_connect.replace("path     = \"/health\"", "path     = \"health\"");
    let e = refused("noconnect-relative-1.0.0", "1.0.0", &relative);
    assert!(
        e.contains("* exposed service check api->count-api->api-health requires use of Nomad's builtin Connect proxy"),
        "{e}"
    );
    // Host networking: the mutator checks the network before adding a
    // path (0.12.5+), and its error is returned alone.
    let host = JOB.replace("mode = \"bridge\"", "mode = \"host\"");
    let e = refused("host-1.6.0", "1.6.0", &host);
    assert_eq!(
        e,
        "Error during plan: Unexpected response code: 500 (error in job mutator expose-check: group \"api\" must use bridge network for exposing service check(s))\n"
    );
    let e = refused("host-2.0.5", "2.0.5", &host);
    assert_eq!(
        e,
        "Error during plan: Unexpected response code: 500 (error in job mutator expose-check: connect expose check: invalid network mode for Consul Connect: group \"api\" uses network mode \"host\"; must be \"bridge\" or \"cni/*\")\n"
    );
    // A service port that is neither a static port nor a number.
    let named = JOB.replace("port = \"9001\"", "port = \"healthz\"");
    let e = refused("unresolved-2.0.5", "2.0.5", &named);
    assert!(
        e.contains("error in job mutator expose-check: unable to determine local service port for service check api->count-api->api-health"),
        "{e}"
    );
    // A task service's check may not expose. (Its numeric port is a
    // literal one only in driver mode, for the service and the check alike:
    // otherwise Job.Validate refuses it too, structs.go validateServices.)
    let task_service = JOB
        .replace(
            "      connect {\n        sidecar_service {}\n      }\n",
            "",
        )
        .replace("    service {\n      name = \"count-api\"", "    service {\n      name = \"unused\"")
        .replace("        expose   = true\n", "")
        .replace(
            "      config {\n        image",
            "      service {\n        name = \"inner\"\n        port = \"9001\"\n        address_mode = \"driver\"\n        check {\n          name     = \"c\"\n          type     = \"http\"\n          path     = \"/\"\n          interval = \"10s\"\n          timeout  = \"3s\"\n          address_mode = \"driver\"\n          expose   = true\n        }\n      }\n      config {\n        image",
        );
    let e = refused("task-2.0.5", "2.0.5", &task_service);
    assert!(
        e.contains("* exposed service check api[web]->inner->c is not a task-group service"),
        "{e}"
    );
}

/// `check` reports the hook's refusal as NP209, from the same list.
#[test]
fn check_reports_the_refusal() {
    let host = JOB.replace("mode = \"bridge\"", "mode = \"host\"");
    let dir = project("check-host", "1.6.0", &host);
    let o = run(&dir.0, &["check", "jobs/web.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains("NP209")
            && o.stdout
                .contains("group \"api\" must use bridge network for exposing service check(s)"),
        "{}",
        o.stdout
    );
}
