//! redteam8 S1: every real client has a computed class of its own until
//! #24942. client/fingerprint/nomad.go reports the client's HTTP advertise
//! address as `nomad.advertise.address` at every tag v0.9.0..v1.9.6 (and
//! the community 1.8.x line), a key outside the `unique.` namespace that
//! nomad/structs/node_class.go (`HashIncludeMap`, `IsUniqueNamespace`)
//! hashes: no two clients share a class, so the FeasibilityWrapper's cache
//! never carries a verdict from one client to another. 1788bfb42e ("remove
//! addresses from node class hash") renamed it `unique.advertise.address`
//! in v1.9.7 and v1.10.0 (client/fingerprint/nomad.go@v1.9.7:25; Enterprise
//! 1.7.19 and 1.8.11, CHANGELOG at ent-changelog-1.7.19/1.8.21).
//!
//! Before, hand-written clients carried no such attribute, so alike
//! clients shared a class at every release: the tool invented `computed
//! class ineligible` failures (a client with the host network judged by
//! one without) and, for host volumes before 1.4.14, placements on clients
//! without the volume.

use crate::common;

use common::{seeds, TempDir};

/// One client with host volume `data` and host network `public`, three
/// alike but for them; all 1000 MHz.
const CLUSTER: &str = r#"region = "global"
client "a" {
  count      = 1
  datacenter = "dc1"
  cpu        = 1000
  memory     = 1000
  disk       = 10000
  drivers    = ["docker"]
  host_volume "data" {
    path = "/srv/data"
  }
  host_network "public" {
    cidr = "203.0.113.0/24"
  }
  interface "eth0" {
    addresses     = ["10.0.0.5/24"]
    default_route = true
  }
  interface "eth1" {
    addresses = ["203.0.113.10/24"]
  }
}
client "b" {
  count      = 3
  datacenter = "dc1"
  cpu        = 1000
  memory     = 1000
  disk       = 10000
  drivers    = ["docker"]
  interface "eth0" {
    addresses     = ["10.0.0.6/24"]
    default_route = true
  }
}
"#;

fn group(count: u32, cpu: u32, body: &str) -> String {
    format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    count = {count}\n{body}    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"x\"\n      }}\n      resources {{\n        cpu    = {cpu}\n        memory = 100\n      }}\n    }}\n  }}\n}}\n"
    )
}

fn project(tag: &str) -> TempDir {
    let dir = TempDir::new(&format!("class-per-client-{tag}"));
    dir.put("rules/cluster.hcl", CLUSTER);
    dir.put(
        "hv.nomad",
        &group(
            3,
            500,
            "    volume \"d\" {\n      type   = \"host\"\n      source = \"data\"\n    }\n",
        ),
    );
    dir.put(
        "pub.nomad",
        &group(
            1,
            100,
            "    network {\n      port \"http\" {\n        host_network = \"public\"\n      }\n    }\n",
        ),
    );
    dir.put(
        "addr.nomad",
        &group(
            1,
            100,
            "    constraint {\n      attribute = \"${attr.nomad.advertise.address}\"\n      operator  = \"is_set\"\n    }\n",
        ),
    );
    dir
}

fn tally(dir: &TempDir, version: &str, file: &str, want: &[&str]) -> Vec<u32> {
    seeds::tally(dir, version, file, 1..=16, want, |s| s)
}

const PUB_PLACED: &str = "+ Task Group: \"g\" (1 create)\n  + Task: \"t\" (forces create)\n\nScheduler dry-run:\n- All tasks successfully allocated.\n\n";
const PUB_SHARED: &str = "+ Task Group: \"g\" (1 create)\n  + Task: \"t\" (forces create)\n\nScheduler dry-run:\n- WARNING: Failed to place all allocations.\n  Task Group \"g\" (failed to place 1 allocation):\n    * Constraint \"computed class ineligible\": 3 nodes excluded by filter\n    * Constraint \"missing host network \\\"public\\\" for port \\\"http\\\"\": 1 nodes excluded by filter\n\n";

/// Host volumes, class-cached before 1.4.14 (scheduler/stack.go@v1.4.0):
/// every client is judged on its own, so only `a-1` takes allocations; it
/// holds two of 500 MHz and the third fails there, every shuffle. In that
/// last select the clients without the volume are skipped as `computed
/// class ineligible`: each was found infeasible by an earlier select of
/// the evaluation (the EvalEligibility lasts the evaluation). np8 placed
/// all three in about a fifth of the shuffles, on clients without the
/// volume, and otherwise filtered `a-1` as its class's.
#[test]
fn host_volumes_are_judged_per_client_before_1_4_14() {
    let dir = project("hv");
    let two = "+ Task Group: \"g\" (3 create)\n  + Task: \"t\" (forces create)\n\nScheduler dry-run:\n- WARNING: Failed to place all allocations.\n  Task Group \"g\" (failed to place 1 allocation):\n    * Constraint \"computed class ineligible\": 3 nodes excluded by filter\n    * Resources exhausted on 1 nodes\n    * Dimension \"cpu\" exhausted on 1 nodes\n\n";
    for version in ["0.12.0", "1.4.0", "1.4.13"] {
        assert_eq!(tally(&dir, version, "hv.nomad", &[two]), [16], "{version}");
    }
}

/// Networks are not hashed into the class, but before #24942 the address
/// is: the client with the host network takes the port every time (np8:
/// about 4 shuffles in 5 filtered it as `computed class ineligible`).
#[test]
fn before_24942_each_client_is_its_own_class() {
    let dir = project("net-before");
    for version in ["0.12.0", "1.6.0", "1.7.7", "1.8.4", "1.8.10+ent", "1.9.6"] {
        assert_eq!(
            tally(&dir, version, "pub.nomad", &[PUB_PLACED]),
            [16],
            "{version}"
        );
    }
}

/// From the fix clients alike share a class again, and the first one the
/// shuffle checks decides for the others (the documented
/// `Preflight.Nondeterminism` case).
#[test]
fn from_24942_alike_clients_share_a_class() {
    let dir = project("net-after");
    for version in ["1.8.11+ent", "1.9.7", "1.10.0", "2.0.5"] {
        let seen = tally(&dir, version, "pub.nomad", &[PUB_SHARED, PUB_PLACED]);
        assert!(seen[0] > seen[1] && seen[1] > 0, "{version}: {seen:?}");
    }
}

/// The attribute is there under the release's name, so a constraint on
/// `${attr.nomad.advertise.address}` holds until the rename only; from it
/// the four clients share one class (`Constraint.String` keeps the empty
/// right-hand side's space).
#[test]
fn the_attribute_is_named_as_each_release_names_it() {
    let dir = project("attr");
    let placed = "+ Task Group: \"g\" (1 create)\n  + Task: \"t\" (forces create)\n\nScheduler dry-run:\n- All tasks successfully allocated.\n\n";
    let o = common::run_in(&dir.0, &["plan", "--nomad-version", "1.9.6", "addr.nomad"]);
    assert_eq!(seeds::plan_body(&o.stdout), placed, "{}", o.stderr);
    let o = common::run_in(&dir.0, &["plan", "--nomad-version", "1.9.7", "addr.nomad"]);
    let failed = "+ Task Group: \"g\" (1 create)\n  + Task: \"t\" (forces create)\n\nScheduler dry-run:\n- WARNING: Failed to place all allocations.\n  Task Group \"g\" (failed to place 1 allocation):\n    * Constraint \"${attr.nomad.advertise.address} is_set \": 1 nodes excluded by filter\n    * Constraint \"computed class ineligible\": 3 nodes excluded by filter\n\n";
    assert_eq!(seeds::plan_body(&o.stdout), failed, "{}", o.stderr);
}
