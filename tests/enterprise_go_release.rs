//! The Go an Enterprise-only release was built with (src/gorelease.rs
//! `go_span`): what its changelog names ("Updated toolchain to Go 1.25.3"
//! at 1.8.18+ent), else the range between the line's last known Go and the
//! next named. Before, every Enterprise-only release was judged by its
//! line's last community Go (1.8.18+ent as Go 1.22.6). Where a gate's
//! answer changes within the range, the tool says it cannot tell.
//!
//! The gate driven here: Go 1.23 refuses an IPv6 group of more than four
//! digits in `net.ParseCIDR` (src/gonet.rs), which the job file's `cidr*`
//! functions and a client's `host_network` `cidr` go through.

use crate::common;

use common::TempDir;

const PREFIX: &str = "2001:db8::00001/64";

fn job() -> String {
    format!(
        "job \"web\" {{\n  datacenters = [\"dc1\"]\n  meta {{\n    x = cidrhost(\"{PREFIX}\", 1)\n  }}\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx\"\n      }}\n    }}\n  }}\n}}\n"
    )
}

/// `validate --nomad-version v` of the job: (exit code, stderr).
fn validate(tag: &str, v: &str) -> (i32, String) {
    let d = TempDir::new(tag);
    d.put("j.nomad", &job());
    let o = d.run(&["validate", "--nomad-version", v, "j.nomad"]);
    (
        o.status.code().expect("exit code"),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

const REFUSED: &str = "invalid CIDR expression: invalid CIDR address: 2001:db8::00001/64";

#[test]
fn a_named_go_is_the_releases_go() {
    // 1.8.18+ent: "Updated toolchain to Go 1.25.3": refused, as Go 1.23+
    // refuses it (np10 judged it by Go 1.22.6 and accepted it).
    let (code, err) = validate("entgo-1818", "1.8.18");
    assert_ne!(code, 0, "{err}");
    assert!(err.contains(REFUSED), "{err}");
    assert!(!err.contains("cannot tell"), "{err}");
}

#[test]
fn a_go_left_open_across_the_change_is_cannot_tell() {
    // 1.8.5+ent: Go 1.22.6 to 1.25.3, its changelog silent.
    let (code, err) = validate("entgo-185", "1.8.5");
    assert_eq!(code, 255, "{err}");
    let flat = common::flat(&err);
    assert!(
        flat.contains("cannot tell what Nomad 1.8.5+ent makes of the CIDR prefix \"2001:db8::00001/64\": its changelogs leave its Go open (Go 1.22.6 to 1.25.3)"),
        "{flat}"
    );
    assert!(!err.contains(REFUSED), "{err}");
    // 1.7.13+ent: Go 1.22.6 or later.
    let (code, err) = validate("entgo-1713", "1.7.13");
    assert_eq!(code, 255, "{err}");
    assert!(common::flat(&err).contains("(Go 1.22.6 or later)"), "{err}");
}

/// Guard (passes before this change too): where every Go the range allows
/// reads the prefix alike, the answer stands.
#[test]
fn a_range_on_one_side_of_the_change_answers() {
    // Community 1.8.4, Go 1.22.6; 1.6.11+ent, Go 1.22.1 to 1.22.6.
    for v in ["1.8.4", "1.6.11"] {
        let (code, err) = validate(&format!("entgo-ok-{v}"), v);
        assert_eq!(code, 0, "{v}: {err}");
    }
    // 1.9.8+ent: Go 1.24.1 or later, past the change.
    let (code, err) = validate("entgo-198", "1.9.8");
    assert_ne!(code, 0, "{err}");
    assert!(err.contains(REFUSED), "{err}");
}

/// A client whose host network's cidr is the prefix, at Nomad `v`.
fn host_network_world(tag: &str, v: &str) -> common::Out {
    let d = TempDir::new(tag);
    d.put(
        "rules/cluster.hcl",
        &format!("nomad_version = \"{v}\"\nregion = \"global\"\n\nclient \"c\" {{\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 8192\n  disk       = 10000\n  drivers    = [\"docker\"]\n  host_network \"public\" {{\n    cidr = \"{PREFIX}\"\n  }}\n}}\n"),
    );
    d.put("rules/namespaces/default.hcl", common::DEFAULT_NAMESPACE);
    d.put(
        "jobs/web.nomad",
        "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"nginx\"\n      }\n    }\n  }\n}\n",
    );
    common::run_in(&d.0, &["plan", "--world", "rules", "jobs/web.nomad"])
}

#[test]
fn a_host_network_cidr_is_read_by_the_releases_go() {
    // 1.8.18+ent (Go 1.25.3): no address carries the alias.
    let o = host_network_world("entgo-hn-1818", "1.8.18");
    let flat = common::flat(&o.stderr);
    assert!(
        flat.contains("host_network \"public\" has no cidr Nomad 1.8.18 (Go 1.25.3) reads"),
        "{flat}"
    );
    // 1.8.5+ent: cannot tell, said as the loader's guess.
    let o = host_network_world("entgo-hn-185", "1.8.5");
    let flat = common::flat(&o.stderr);
    assert!(flat.contains("world::host-network-unknown"), "{flat}");
    assert!(
        flat.contains("cannot tell whether Nomad 1.8.5+ent reads host_network \"public\"'s cidr \"2001:db8::00001/64\": its changelogs leave its Go open (Go 1.22.6 to 1.25.3)"),
        "{flat}"
    );
    assert!(!flat.contains("has no cidr"), "{flat}");
}
