//! The order the reconciler walks a job's groups is Go's map order
//! (redteam5 R13): `newAllocMatrix` inserts the groups of the job's
//! allocations, then the spec's in declaration order, and is ranged over
//! (scheduler/reconcile_util.go v1.6.0:114-133, reconcile.go v1.6.0:232-238;
//! scheduler/reconciler/allocs.go v2.0.5:120-139). A small map yields a
//! rotation of its insertion order from a random slot of 8, so of two new
//! groups the first declared goes first 7 times in 8 (measured with Go
//! 1.19: 87.54%), never a uniform draw.

use crate::common::TempDir;

/// One client; a new job whose `distinct_hosts` lets only one of its
/// groups (one allocation each) on it: the group placed second fails.
fn project(tag: &str, groups: &[&str]) -> TempDir {
    let d = TempDir::new(tag);
    d.put(
        "rules/cluster.hcl",
        "nomad_version = \"1.6.0\"\nregion = \"global\"\nclient \"c\" {\n  count = 1\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 8000\n  disk = 50000\n  drivers = [\"docker\"]\n}\n",
    );
    let body: String = groups
        .iter()
        .map(|g| {
            format!(
                "  group \"{g}\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"x:1\" }}\n      resources {{\n        cpu = 100\n        memory = 100\n      }}\n    }}\n  }}\n"
            )
        })
        .collect();
    d.put(
        "dh.nomad",
        &format!("job \"dh\" {{\n  datacenters = [\"dc1\"]\n  constraint {{\n    operator = \"distinct_hosts\"\n    value = \"true\"\n  }}\n{body}}}\n"),
    );
    d
}

fn share(out: &str, group: &str) -> u32 {
    let key = format!("task group \"{group}\" fails to place (");
    out.lines()
        .find(|l| l.contains(&key))
        .and_then(|l| l.split('(').nth(1)?.split('/').next()?.parse().ok())
        .unwrap_or(0)
}

/// Of 800 replays the second declared group fails in about 7 in 8, and
/// the first still fails in some: neither share is a coin's, neither is
/// certain.
#[test]
fn the_first_declared_group_is_placed_first_seven_times_in_eight() {
    let d = project("group-order-two", &["a", "b"]);
    let o = d.run(&[
        "plan",
        "--no-cache",
        "--world",
        "rules",
        "dh.nomad",
        "--samples",
        "800",
        "--seed",
        "2",
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    let (a, b) = (share(&out, "a"), share(&out, "b"));
    assert_eq!(a + b, 800, "{out}");
    assert!(
        (640..760).contains(&b),
        "b fails in {b} of 800, Nomad in about 700: {out}"
    );
    assert!(a > 0, "{out}");
}

/// The plan says the order is random, with each order's chance: only the
/// rotations of the declaration order, the first 6 times in 8 of three.
#[test]
fn the_plan_says_the_group_order_is_random() {
    let d = project("group-order-three", &["a", "b", "c"]);
    let o = d.run(&["plan", "--no-cache", "--world", "rules", "dh.nomad"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("note: task groups are placed in the order Nomad's reconciler ranges over them, a Go map holding \"a\", \"b\", \"c\" in that order, so the order is random (\"a\", \"b\", \"c\" 75.0%; \"b\", \"c\", \"a\" 12.5%; \"c\", \"a\", \"b\" 12.5%)"),
        "{err}"
    );
    let o = d.run(&[
        "plan",
        "--no-cache",
        "--world",
        "rules",
        "dh.nomad",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert!(
        v["Preflight"]["Nondeterminism"]
            .to_string()
            .contains("task groups are placed in the order"),
        "{v}"
    );
}
