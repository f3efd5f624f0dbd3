//! `status` on an imported world shows the allocations as they are (issue
//! 16, Build 6): the fixture `tests/fixtures/import-allocs/devices-multiple`
//! holds two running allocations of job `low` on node-1 (500 + 200 MHz,
//! 512 + 512 MB, 4096 + 4096 MB disk, one holding four 1080ti instances,
//! one an FPGA) and one of `high` on node-2. Expected values follow Nomad's
//! command/node_status.go (v2.0.5): `getAllocatedResources` sums the
//! running allocations' cpu, memory and disk over
//! `computeNodeTotalResources` (NodeResources minus ReservedResources:
//! 4000 - 100 MHz, 8192 - 256 MB, 102400 - 4096 MB), sizes through
//! `humanize.IBytes`; command/job_status.go's summary counts them.

use crate::common;

use std::path::{Path, PathBuf};

fn world() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import-allocs/devices-multiple")
}

fn status(args: &[&str]) -> common::Out {
    let w = world();
    let mut all = vec!["status", "--world", w.to_str().unwrap()];
    all.extend_from_slice(args);
    common::run_in(Path::new("."), &all)
}

#[test]
fn node_status_counts_the_imported_allocations() {
    let o = status(&["node", "node-1"]);
    // The fixture saves nodes.json alone, whose entries carry no Events:
    // the view says it cannot tell them (R14-31), exit 1.
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains("\nNode Events\ncannot tell: "),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout
            .contains("700/3900 MHz  1.0 GiB/7.8 GiB  8.0 GiB/96 GiB  2\n"),
        "{}",
        o.stdout
    );
    for id in ["a0000000", "a0000001"] {
        let row = o.stdout.lines().find(|l| l.starts_with(id));
        let row = row.unwrap_or_else(|| panic!("{id}: {}", o.stdout));
        let cols: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(
            &cols[..6],
            [id, "00000001", "web", "0", "run", "running"],
            "{row}"
        );
    }
    assert!(!o.stdout.contains("a0000099"), "{}", o.stdout);
}

#[test]
fn job_status_lists_the_imported_allocations() {
    let o = status(&["job", "low"]);
    // No deployments.json: whether the service job has a latest
    // deployment cannot be told (R14-32), exit 1.
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .contains("web         0       0         2        0       0         0     0\n"),
        "{}",
        o.stdout
    );
    let ids: Vec<&str> = o
        .stdout
        .lines()
        .filter(|l| l.starts_with("a00000"))
        .map(|l| &l[..8])
        .collect();
    assert_eq!(ids, ["a0000000", "a0000001"], "{}", o.stdout);
}

/// The per-node view (ours, not Nomad's) names the device instances each
/// imported allocation holds.
#[test]
fn usage_names_the_imported_device_instances() {
    let o = status(&["usage"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    let row = |id: &str| {
        o.stdout
            .lines()
            .find(|l| l.trim_start().starts_with(id))
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        row("a0000000").ends_with("nvidia/gpu/1080ti[dev0,dev1,dev2,dev3]"),
        "{}",
        o.stdout
    );
    assert!(
        row("a0000001").ends_with("intel/fpga/F100[fpga1]"),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout
            .contains("  device [##############################] 100%  4 / 4 nvidia/gpu/1080ti\n"),
        "{}",
        o.stdout
    );
}
