//! Enterprise's long-term-support releases carry fixes from later
//! community releases (src/version/backports.rs, one table): a world at
//! `1.7.12+ent` has what community 1.8.2 and 1.8.3 brought, where the
//! tool judged it as 1.7.7. Each fix below was read in the community
//! CHANGELOG.md at its tag and in the Enterprise CHANGELOG.md at the
//! `ent-changelog-*` tags; each test drives a world at an Enterprise-only
//! release on both sides of the backport.
//!
//! And a release number only Enterprise shipped is not a community
//! release: a world stating the community edition there is refused, and a
//! world that does not state its edition is Enterprise.

use crate::common;

use std::path::Path;

use common::{run_in, TempDir};

fn plan_in(w: &TempDir) -> common::Out {
    let rules = w.0.join("rules").to_string_lossy().into_owned();
    let job = w.0.join("job.nomad").to_string_lossy().into_owned();
    run_in(Path::new("."), &["plan", "--world", &rules, &job])
}

const PLACED: &str = "- All tasks successfully allocated.\n";

/// One client whose host network `public` has two addresses, the first of
/// which (alias `vip` too) reserves port 9000; a job asking static 9000
/// on `public`.
fn two_addresses(tag: &str, version: &str) -> TempDir {
    let w = TempDir::new(&format!("entbp-{tag}"));
    w.put(
        "rules/cluster.hcl",
        &format!(
            r#"nomad_version = "{version}"
client "edge" {{
  cpu        = 4000
  memory     = 8192
  disk       = 10000
  drivers    = ["exec"]
  host_network "public" {{
    cidr = "203.0.113.0/24"
  }}
  host_network "vip" {{
    cidr           = "203.0.113.10/32"
    reserved_ports = "9000"
  }}
  interface "eth0" {{
    addresses     = ["10.0.0.5/24"]
    default_route = true
  }}
  interface "eth1" {{
    addresses = ["203.0.113.10/24", "203.0.113.11/24"]
  }}
}}
"#
        ),
    );
    w.put(
        "job.nomad",
        r#"job "j" {
  datacenters = ["dc1"]
  group "web" {
    network {
      port "http" {
        static       = 9000
        host_network = "public"
      }
    }
    task "t" {
      driver = "exec"
      config {
        command = "/bin/true"
      }
      resources {
        cpu    = 100
        memory = 100
      }
    }
  }
}
"#,
    );
    w
}

/// #23693 (community 1.8.3; Enterprise 1.6.14 and 1.7.11): `AssignPorts`
/// takes the first free address of the alias, where before it looked at
/// the first only. 1.7.12+ent places the job; 1.7.10+ent refuses it.
#[test]
fn a_static_port_takes_a_free_address_from_enterprise_1_7_11() {
    for version in ["1.7.11+ent", "1.7.12+ent", "1.6.14+ent"] {
        let o = plan_in(&two_addresses(&format!("sp-{version}"), version));
        assert!(
            o.code == 0 || o.code == 1,
            "{version}: {}{}",
            o.stdout,
            o.stderr
        );
        assert!(o.stdout.contains(PLACED), "{version}:\n{}", o.stdout);
    }
    for version in ["1.7.10+ent", "1.6.13+ent", "1.7.7"] {
        let o = plan_in(&two_addresses(&format!("sp-{version}"), version));
        assert!(
            o.stdout.contains(
                "    * Dimension \"network: reserved port collision http=9000\" exhausted on 1 nodes\n"
            ),
            "{version}:\n{}{}",
            o.stdout,
            o.stderr
        );
    }
}

/// The demo world at `version`: its `default` quota and running jobs.
fn demo_at(tag: &str, version: &str) -> TempDir {
    let d = TempDir::demo(&format!("entbp-quota-{tag}"));
    let path = d.0.join("rules/cluster.hcl");
    let text = std::fs::read_to_string(&path).expect("cluster.hcl");
    let line = text
        .lines()
        .find(|l| l.starts_with("nomad_version"))
        .expect("nomad_version line")
        .to_string();
    std::fs::write(
        &path,
        text.replace(&line, &format!("nomad_version = \"{version}\"")),
    )
    .expect("write");
    d
}

/// #23543 (community 1.8.2; Enterprise 1.6.13 and 1.7.10): quotas limit
/// cores, and `nomad quota status` prints `Core Usage` after CPU
/// (command/quota_status.go formatQuotaLimits at v1.8.2).
#[test]
fn quota_status_has_core_usage_from_enterprise_1_7_10() {
    let with = "Region  CPU Usage    Core Usage  Memory Usage  Memory Max Usage  Variables Usage\nglobal  1500 / 3000  0 / inf     5584 / 9500   5584 / inf        0 / -\n";
    let without = "Region  CPU Usage    Memory Usage  Memory Max Usage  Variables Usage\nglobal  1500 / 3000  5584 / 9500   5584 / inf        0 / -\n";
    for (v, table) in [
        ("1.7.10+ent", with),
        ("1.6.13+ent", with),
        ("1.7.9+ent", without),
        ("1.8.1", without),
    ] {
        let d = demo_at(v, v);
        let o = run_in(&d.0, &["status", "quota", "default", "--world", "rules"]);
        assert_eq!(o.code, 0, "{v}: {}", o.stderr);
        assert!(o.stdout.ends_with(table), "{v}:\n{}", o.stdout);
    }
}

/// A group network with CNI args Nomad refuses (`validateCNIArgs`).
const CNI_JOB: &str = r#"job "j" {
  datacenters = ["dc1"]
  group "g" {
    network {
      mode = "cni/a"
      cni {
        args = {
          "x;y" = "1"
        }
      }
    }
    task "t" {
      driver = "exec"
      config {
        command = "/bin/true"
      }
    }
  }
}
"#;

/// #23538 (community 1.8.2; Enterprise 1.6.13 and 1.7.10): a network's
/// `cni { args }`. 1.7.10+ent's parser knows the block and its validation
/// refuses the bad key; 1.7.9+ent's does not know it, and the message
/// names the Enterprise release that brought it.
#[test]
fn cni_args_are_read_from_enterprise_1_7_10() {
    for v in ["1.7.10+ent", "1.6.13+ent"] {
        let (code, _, err) = common::run_job(
            &format!("entbp-cni-{v}"),
            CNI_JOB,
            &["validate", "--nomad-version", v, "j.nomad"],
        );
        assert_eq!(code, 1, "{v}: {err}");
        assert!(
            err.contains("invalid ';' character in CNI arg key \"x;y\""),
            "{v}: {err}"
        );
    }
    let (code, _, err) = common::run_job(
        "entbp-cni-179",
        CNI_JOB,
        &["validate", "--nomad-version", "1.7.9+ent", "j.nomad"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        common::flat(&err).contains("needs Nomad 1.7.10+ent or later"),
        "{err}"
    );
}

/// Community 1.7 ended at 1.7.7: `1.7.12` with `edition = "community"`
/// names no release, so which backports it has cannot be known. Refused,
/// located, with the two ways out.
#[test]
fn a_community_world_at_an_enterprise_only_release_is_refused() {
    let w = two_addresses("ce-1712", "1.7.12");
    let path = w.0.join("rules/cluster.hcl");
    let text = std::fs::read_to_string(&path).expect("cluster.hcl");
    std::fs::write(&path, format!("edition = \"community\"\n{text}")).expect("write");
    let o = plan_in(&w);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    let err = common::flat(&o.stderr);
    assert!(
        err.contains("Nomad 1.7.12 is not a community release: the community 1.7 line ended at 1.7.7; 1.7.8 to 1.7.19+ent are Enterprise releases"),
        "{}",
        o.stderr
    );
    assert!(
        err.contains("nomad_version = \\\"1.7.12+ent\\\"")
            || err.contains("nomad_version = \"1.7.12+ent\""),
        "{}",
        o.stderr
    );
    assert!(!o.stdout.contains("Job: \"j\""), "{}", o.stdout);
    // At the last community release of the line it plans.
    let w = two_addresses("ce-177", "1.7.7");
    std::fs::write(
        w.0.join("rules/cluster.hcl"),
        format!(
            "edition = \"community\"\n{}",
            std::fs::read_to_string(w.0.join("rules/cluster.hcl")).expect("cluster.hcl")
        ),
    )
    .expect("write");
    let o = plan_in(&w);
    assert!(o.code == 0 || o.code == 1, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("Job: \"j\""), "{}", o.stdout);
}

/// A world that does not state its edition, at a number only Enterprise
/// shipped, runs Enterprise: a multiregion job passes Enterprise's
/// validation, where an unstated edition cannot be told
/// (tests/plan_multiregion.rs).
#[test]
fn an_enterprise_only_release_states_the_edition() {
    let w = TempDir::new("entbp-mr");
    w.put(
        "rules/cluster.hcl",
        "nomad_version = \"1.8.12\"\nregion = \"west\"\nclient \"web\" {\n  count = 2\n  datacenter = \"west-1\"\n  cpu = 4000\n  memory = 8000\n  disk = 20000\n  drivers = [\"exec\"]\n}\n",
    );
    w.put(
        "job.nomad",
        "job \"j\" {\n  datacenters = [\"west-1\"]\n  multiregion {\n    region \"west\" {}\n    region \"east\" {}\n  }\n  group \"g\" {\n    task \"t\" {\n      driver = \"exec\"\n      config {\n        command = \"/bin/true\"\n      }\n    }\n  }\n}\n",
    );
    let o = run_in(&w.0, &["validate", "job.nomad"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
}
