//! Host networks from the clients' interfaces: which addresses carry which
//! alias (client/fingerprint/network.go `deriveAddressAlias(es)`, per
//! release), then the scheduler's `NetworkChecker` (`missing host network
//! %q for port %q`) and `NetworkIndex.AssignPorts` (`no addresses
//! available for %q network`, `%s` from 1.0.16/1.1.10/1.2.4), driven
//! through `plan` as a user runs it.

use crate::common;

use std::path::Path;

use nomad_preflight::vfs::DiskVfs;
use nomad_preflight::world;

fn world(tag: &str, version: &str, clients: &str, job: &str) -> common::TempDir {
    let tmp = common::TempDir::new(&format!("hostnet-{tag}"));
    tmp.put(
        "rules/cluster.hcl",
        &format!("nomad_version = \"{version}\"\n{clients}"),
    );
    tmp.put("job.nomad", job);
    tmp
}

fn client(name: &str, class: &str, cpu: u32, extra: &str) -> String {
    format!(
        r#"client "{name}" {{
  cpu        = {cpu}
  memory     = 8192
  disk       = 10000
  node_class = "{class}"
  drivers    = ["exec"]
{extra}}}
"#
    )
}

/// A service job of `count` allocations of `cpu` MHz whose group network
/// has one dynamic port `http` with `host_network` (none when empty).
fn job(count: u32, cpu: u32, host_network: &str) -> String {
    let hn = if host_network.is_empty() {
        String::new()
    } else {
        format!("host_network = \"{host_network}\"")
    };
    format!(
        r#"job "web" {{
  datacenters = ["dc1"]
  group "web" {{
    count = {count}
    network {{
      port "http" {{ {hn} }}
    }}
    task "web" {{
      driver = "exec"
      config {{ command = "/bin/date" }}
      resources {{
        cpu    = {cpu}
        memory = 64
      }}
    }}
  }}
}}
"#
    )
}

fn plan(w: &common::TempDir, more: &[&str]) -> common::Out {
    let rules = w.0.join("rules").to_string_lossy().into_owned();
    let job = w.0.join("job.nomad").to_string_lossy().into_owned();
    let mut args = vec!["plan", "--world", rules.as_str(), job.as_str()];
    args.extend_from_slice(more);
    common::run_in(Path::new("."), &args)
}

const PLACED: &str = "- All tasks successfully allocated.\n";

fn missing(alias: &str) -> String {
    format!(
        "    * Constraint \"missing host network \\\"{alias}\\\" for port \\\"http\\\"\": 1 nodes excluded by filter\n"
    )
}

fn assert_has(text: &str, want: &str) {
    assert!(text.contains(want), "want:\n{want}\ngot:\n{text}");
}

/// Two interfaces: eth0 on the default route, eth1 with a public address.
const EDGE: &str = r#"  host_network "public" {
    cidr = "203.0.113.0/24"
  }
  host_network "private" {
    cidr = "192.168.0.0/16"
  }
  interface "eth0" {
    addresses     = ["10.0.0.5/24", "fe80::1"]
    default_route = true
  }
  interface "eth1" {
    addresses = ["203.0.113.10/24"]
  }
"#;

/// A block's `cidr` holds an address of the client, or it does not.
#[test]
fn an_alias_only_where_an_address_is_in_its_cidr() {
    let clients = client("edge", "edge", 4000, EDGE);
    let w = world("public", "2.0.5", &clients, &job(1, 100, "public"));
    assert_has(&plan(&w, &[]).stdout, PLACED);
    let w = world("private", "2.0.5", &clients, &job(1, 100, "private"));
    let out = plan(&w, &[]);
    assert_has(&out.stdout, &missing("private"));
    assert_eq!(out.code, 1, "{}", out.stderr);
    // eth0's address carries `default`.
    let w = world("default", "2.0.5", &clients, &job(1, 100, ""));
    assert_has(&plan(&w, &[]).stdout, PLACED);
}

/// Before 1.6.2 (and the 1.5.9 and 1.4.13 backports), an address a block
/// matched got no `default` (`if len(aliases) > 0 { return }`); every
/// port names `default` once canonicalised, so such a client takes no job
/// with ports, and the world's load warns why.
#[test]
fn a_block_over_the_default_address_takes_default_away_until_1_6_2() {
    let clients = client(
        "edge",
        "edge",
        4000,
        r#"  host_network "lan" {
    cidr = "10.0.0.0/8"
  }
  interface "eth0" {
    addresses     = ["10.0.0.5"]
    default_route = true
  }
"#,
    );
    let j = job(1, 100, "");
    for (version, placed) in [
        ("1.1.0", false),
        ("1.4.12", false),
        ("1.4.13", true),
        ("1.5.8", false),
        ("1.5.9", true),
        ("1.6.1", false),
        ("1.6.2", true),
        ("2.0.5", true),
    ] {
        let w = world(&format!("nodefault-{version}"), version, &clients, &j);
        let out = plan(&w, &[]);
        let (_, warnings) = world::load(&DiskVfs::new(&w.0), Path::new("rules")).expect("world");
        let warned = warnings
            .iter()
            .any(|d| d.code == "world::no-default-host-network");
        assert_eq!(warned, !placed, "{version}");
        if placed {
            assert_has(&out.stdout, PLACED);
        } else {
            assert_has(&out.stdout, &missing("default"));
        }
    }
}

/// 0.12.0–1.0.x give an address ONE alias: the first matching block in Go's
/// map order. Blocks `wide` and `narrow` (slots 0 and 1 of the agent's
/// map) both match 10.0.0.5: a random start slot of 8 finds `wide` first
/// 7 times in 8. The plan takes the likelier outcome and says so; 1.1.0
/// gives the address both aliases.
#[test]
fn before_1_1_the_alias_is_chosen_in_go_map_order() {
    let clients = client(
        "edge",
        "edge",
        4000,
        r#"  host_network "wide" {
    cidr = "10.0.0.0/8"
  }
  host_network "narrow" {
    cidr = "10.0.0.0/16"
  }
  interface "eth0" {
    addresses     = ["10.0.0.5"]
    default_route = true
  }
"#,
    );
    let j = job(1, 100, "narrow");
    let w = world("maporder-1.0", "1.0.18", &clients, &j);
    let out = plan(&w, &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    let notes = v["Preflight"]["Nondeterminism"].to_string();
    assert!(
        notes.contains("an address carries \\\"narrow\\\" with probability 12.5%, and this plan takes it as not carried"),
        "{notes}"
    );
    let text = plan(&w, &[]).stdout;
    assert_has(&text, &missing("narrow"));
    let j = job(1, 100, "wide");
    let w = world("maporder-wide", "1.0.18", &clients, &j);
    let out = plan(&w, &["--format", "json"]);
    assert!(out
        .stdout
        .contains("with probability 87.5%, and this plan takes it as carried"));
    let w = world("maporder-1.1", "1.1.0", &clients, &job(1, 100, "narrow"));
    let out = plan(&w, &["--format", "json"]);
    assert!(!out.stdout.contains("probability"), "{}", out.stdout);
    assert_has(&plan(&w, &[]).stdout, PLACED);
}

/// The `NetworkChecker`'s verdict is cached per computed class, which does
/// not hash networks: with pools alike but for their host networks, the
/// first node checked decides for both. When it is the one with the
/// alias, the other reaches `AssignPorts`, which finds no address:
/// `network: no addresses available for "public" network` (%q until
/// 1.0.16, then %s). Which node comes first is the node shuffle's chance,
/// so seeds show both outcomes.
///
/// Until 1.9.7 two real clients share a class only when they advertise one
/// HTTP address (each client's `nomad.advertise.address` is hashed,
/// client/fingerprint/nomad.go@v1.1.9:20; redteam8 S1): both state one
/// here. With their own addresses the client without the alias is
/// filtered by the first select's own check, and the second select finds
/// its class ineligible (the cache lasts the evaluation): never the
/// bin-packer's "no addresses".
#[test]
fn a_node_of_a_cached_class_finds_no_address() {
    let one = "  attributes = { \"nomad.advertise.address\" = \"10.0.0.9:4646\" }\n";
    let public = "  host_network \"public\" {\n    cidr = \"203.0.113.0/24\"\n  }\n";
    let with = client("a", "same", 4000, &format!("{public}{one}"));
    let without = client("b", "same", 4000, one);
    let clients = format!("{with}{without}");
    let own = format!(
        "{}{}",
        client("a", "same", 4000, public),
        client("b", "same", 4000, "")
    );
    let w = world("own-1.1.9", "1.1.9", &own, &job(2, 3000, "public"));
    for seed in 1..=8 {
        let out = plan(&w, &["--seed", &seed.to_string()]);
        assert_has(
            &out.stdout,
            "    * Constraint \"computed class ineligible\": 1 nodes excluded by filter\n",
        );
        assert_has(
            &out.stdout,
            "    * Dimension \"cpu\" exhausted on 1 nodes\n",
        );
        assert!(!out.stdout.contains("no addresses"), "{}", out.stdout);
    }
    // One allocation fits node a; the second meets a full a and b.
    let j = job(2, 3000, "public");
    for (version, dim) in [
        (
            "1.0.15",
            "network: no addresses available for \\\"public\\\" network",
        ),
        (
            "1.0.16",
            "network: no addresses available for public network",
        ),
        (
            "1.1.9",
            "network: no addresses available for \\\"public\\\" network",
        ),
        (
            "2.0.5",
            "network: no addresses available for public network",
        ),
    ] {
        let w = world(&format!("cached-{version}"), version, &clients, &j);
        let mut exhausted = 0;
        let mut filtered = 0;
        for seed in 1..=12 {
            let out = plan(&w, &["--seed", &seed.to_string()]);
            let want = format!("    * Dimension \"{dim}\" exhausted on 1 nodes\n");
            if out.stdout.contains(&want) {
                exhausted += 1;
                assert_has(
                    &out.stdout,
                    "    * Dimension \"cpu\" exhausted on 1 nodes\n",
                );
            } else {
                assert_has(&out.stdout, &missing("public"));
                assert_has(
                    &out.stdout,
                    "    * Constraint \"computed class ineligible\": 1 nodes excluded by filter\n",
                );
                filtered += 1;
            }
        }
        assert!(
            exhausted > 0 && filtered > 0,
            "{version}: {exhausted} {filtered}"
        );
    }
}

/// The world checks what it is given.
#[test]
fn the_world_refuses_bad_interfaces() {
    let bad = client(
        "edge",
        "edge",
        4000,
        r#"  network_interface = "eth9"
  interface "eth0" {
    addresses = ["10.0.0.300"]
  }
"#,
    );
    let w = world("bad", "2.0.5", &bad, &job(1, 100, ""));
    let out = plan(&w, &[]);
    assert_ne!(out.code, 0);
    assert_has(
        &out.stderr,
        "`addresses` holds \"10.0.0.300\", not an IP address",
    );
    assert_has(&out.stderr, "`network_interface` names \"eth9\"");
}

/// A written world reads back with its interfaces, `network_interface`
/// and the blocks in the agent's order (which matters before 1.1).
#[test]
fn interfaces_survive_a_write_and_a_read() {
    let clients = client(
        "edge",
        "edge",
        4000,
        &format!("  network_interface = \"eth1\"\n  host_network \"zz\" {{\n    cidr = \"10.0.0.0/8\"\n  }}\n{EDGE}"),
    );
    let w = world("roundtrip", "1.0.18", &clients, &job(1, 100, ""));
    let (loaded, _) = world::load(&DiskVfs::new(&w.0), Path::new("rules")).expect("world");
    let text = world::emit::cluster_hcl(&loaded);
    let zz = text.find("host_network \"zz\"").expect("zz");
    let public = text.find("host_network \"public\"").expect("public");
    assert!(zz < public, "agent order kept:\n{text}");
    assert_has(&text, "  network_interface = \"eth1\"\n");
    assert_has(
        &text,
        "  interface \"eth0\" {\n    addresses = [\"10.0.0.5/24\", \"fe80::1\"]\n    default_route = true\n  }\n",
    );
    let again = common::TempDir::new("hostnet-roundtrip-again");
    again.put("rules/cluster.hcl", &text);
    let (back, _) = world::load(&DiskVfs::new(&again.0), Path::new("rules")).expect("world");
    assert_eq!(back.clients[0].networks, loaded.clients[0].networks);
}
