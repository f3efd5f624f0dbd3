//! Figures past 64 bits in a world: an import whose nodes or allocations
//! carry i64::MAX-ish cpu or memory (a hand-edited or hostile file) is
//! refused where the figure is written, naming the bound, instead of
//! wrapping (release) or panicking (debug) in a later sum; at the bound,
//! every figure `status` prints is exact, never saturated.

use std::path::Path;

use super::{assert_clean, flat, run, tempdir, write};

const BOUND: i64 = (i64::MAX / (1024 * 1024)) / 1024;

fn fixture(name: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import-allocs/bandwidth")
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The bandwidth import (two nodes, three allocations) with every
/// `"key": old` replaced by `"key": new` in `file`.
fn import(dir: &Path, file: &str, key: &str, old: &str, new: &str) {
    for f in [
        "nodes.json",
        "allocations.json",
        "scheduler.json",
        "agent-self.json",
        "namespaces.json",
        "csi-volumes.json",
        "jobs/.gitkeep",
        "placing.nomad",
    ] {
        let mut text = fixture(f);
        if f == file {
            let from = format!("\"{key}\": {old}");
            assert!(text.contains(&from), "{f} has no {from}");
            text = text.replace(&from, &format!("\"{key}\": {new}"));
        }
        write(dir, &format!("imp/{f}"), text);
    }
}

#[test]
fn imported_figures_past_the_bound_are_refused_where_written() {
    let d = tempdir("arith-refused");
    for (file, key, old, new) in [
        (
            "allocations.json",
            "MemoryMB",
            "2256",
            "9223372036854775000",
        ),
        (
            "allocations.json",
            "CpuShares",
            "2800",
            "9223372036854775807",
        ),
        ("nodes.json", "MemoryMB", "8192", "9223372036854775000"),
        ("nodes.json", "CpuShares", "4000", "-1"),
        ("allocations.json", "MemoryMB", "2256", "1e300"),
    ] {
        import(&d, file, key, old, new);
        for args in [
            &["plan", "--world", "imp", "imp/placing.nomad"][..],
            &["status", "--world", "imp"][..],
            &["import", "imp"][..],
        ] {
            let o = run(&d, args);
            let code = if args[0] == "plan" { 255 } else { 2 };
            assert_clean(&o, &[code]);
            let err = o.stderr.replace('\n', " ");
            assert!(
                err.contains(&format!("{key} {new} is outside 0 to {BOUND}"))
                    || err.contains(&format!(
                        "{key} {} is outside 0 to {BOUND}",
                        new.replace("1e300", "1e+300")
                    )),
                "{file} {key}={new} {args:?}: {}",
                o.stderr
            );
            // Located at the figure in the file.
            assert!(o.stderr.contains(&format!("imp/{file}:")), "{}", o.stderr);
        }
    }
}

#[test]
fn at_the_bound_status_prints_exact_figures() {
    let d = tempdir("arith-bound");
    import(&d, "nodes.json", "MemoryMB", "8192", &BOUND.to_string());
    // Both allocations of node-1 at the bound: their sum passes what one
    // node holds but not 64 bits, and is printed whole.
    let allocs = fixture("allocations.json")
        .replace("\"MemoryMB\": 2256", &format!("\"MemoryMB\": {BOUND}"))
        .replace("\"MemoryMB\": 256", &format!("\"MemoryMB\": {BOUND}"));
    write(&d, "imp/allocations.json", allocs);
    let o = run(&d, &["status", "--world", "imp", "usage"]);
    assert_clean(&o, &[0]);
    assert!(
        o.stdout
            .contains(&format!("{} / {} MB", 2 * BOUND, BOUND - 256)),
        "{}",
        o.stdout
    );
    let o = run(&d, &["status", "--world", "imp", "node", "node-1"]);
    // The import saves nodes.json alone: the node's Events cannot be told
    // (exit 1, R14-31); the resources are still shown.
    assert_clean(&o, &[1]);
    // 2 × (2^33 - 1) MB is 16 PiB: exact, not a saturated 16 EiB.
    assert!(o.stdout.contains("16 PiB/8.0 PiB"), "{}", o.stdout);
    let o = run(&d, &["plan", "--world", "imp", "imp/placing.nomad"]);
    assert_clean(&o, &[0, 1]);
}

/// Each task's figure may sit at the bound; a pinned allocation holding
/// their group's sum would pass it (and, with enough tasks, 64 bits): it
/// is refused at the allocation, naming the bound.
#[test]
fn a_pinned_allocation_whose_group_sums_past_the_bound_is_refused() {
    let d = tempdir("arith-pinned");
    let task = |name: &str| {
        format!(
            "    task \"{name}\" {{\n      driver = \"docker\"\n      config {{ image = \"redis\" }}\n      resources {{\n        cpu    = 100\n        memory = {BOUND}\n      }}\n    }}\n"
        )
    };
    write(
        &d,
        "jobs/big.nomad",
        format!(
            "job \"big\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n{}{}  }}\n}}\n",
            task("a"),
            task("b")
        ),
    );
    write(
        &d,
        "rules/cluster.hcl",
        "nomad_version = \"1.6.0\"\nclient \"node\" {\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 8192\n  disk = 10000\n  drivers = [\"docker\"]\n}\nrunning = [\"jobs/big.nomad\"]\n",
    );
    write(
        &d,
        "rules/allocations.hcl",
        "allocation \"a1\" {\n  job  = \"big\"\n  node = \"node-1\"\n}\n",
    );
    let o = run(&d, &["status"]);
    assert_clean(&o, &[2]);
    assert!(
        flat(&o.stderr).contains(&format!(
            "allocation a1 holds the ask of group `g` of `big`, whose memory sums past {BOUND}, the most one allocation may hold"
        )),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("allocations.hcl:1:12]"), "{}", o.stderr);
}
