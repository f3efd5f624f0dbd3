//! The names Nomad's reconciler gives new allocations (`job.group[i]`):
//! `allocNameIndex.Next` takes the free indexes of its bitmap below the
//! count, lowest first (`Bitmap.IndexesInRange`, a plain loop over the
//! bits), then repeats from 0; the bitmap holds every index the group's
//! allocations hold, one above the count included (`bitmapFrom`). No Go
//! map is iterated on the way, so the names are deterministic: the same
//! at v0.9.3 (scheduler/reconcile_util.go), v1.6.9 (the same file, with
//! the duplicate tracking of #18873, which leaves the bitmap as it was)
//! and v2.0.5 (scheduler/reconciler/allocs.go `AllocNameIndex.Next`).
//! (`Highest` returns a map, but a set of names: which allocations it
//! stops is drawn in map order where names repeat, with its odds noted,
//! src/scheduler/reconcile_group.rs `pick`.)
//!
//! A guard: our names already matched (src/scheduler/reconcile_names.rs);
//! this pins them through the CLI, holes and an index above the count.

use crate::common;

use common::one_node;

fn alloc(id: u32, index: u32) -> String {
    format!(
        "allocation \"a000000{id}-0000-4000-8000-000000000000\" {{\n  job     = \"old\"\n  index   = {index}\n  node    = \"node-1\"\n  status  = \"running\"\n  desired = \"run\"\n  cpu     = 100\n  memory  = 64\n}}\n"
    )
}

/// `old.web` runs as web[0], web[2] and web[7] (count 3); planned at
/// count 5, Nomad names the two new allocations web[1] and web[3]: the
/// free bits of 0..5 are 1, 3 and 4.
#[test]
fn new_allocations_take_the_lowest_free_names_at_every_release() {
    let allocations = [alloc(1, 0), alloc(2, 2), alloc(3, 7)].concat();
    for version in ["0.9.3", "1.6.9", "2.0.5"] {
        let tmp = common::TempDir::new(&format!("alloc-names-{version}"));
        let out = one_node::plan(
            &tmp,
            &one_node::cluster(version, 4000, ""),
            &allocations,
            &one_node::redis_job("old", "    count = 3\n", 100, ""),
            &one_node::redis_job("old", "    count = 5\n", 100, ""),
            &["--format", "json"],
        );
        let doc: serde_json::Value = serde_json::from_str(&out.stdout)
            .unwrap_or_else(|e| panic!("{version}: {e}: {}{}", out.stdout, out.stderr));
        let placed: Vec<&str> = doc["Preflight"]["Placements"]
            .as_array()
            .unwrap_or_else(|| panic!("{version}: {doc}"))
            .iter()
            .filter(|p| p["InPlace"] == false)
            .filter_map(|p| p["Name"].as_str())
            .collect();
        assert_eq!(placed, ["old.web[1]", "old.web[3]"], "{version}: {doc}");
    }
}

/// `old.web` (count 3) runs as web[0] twice and web[1] (a cluster that
/// met #18873's bug before its fix: the reconciler had copied a name a
/// canary already held). A destructive update replaces, under the
/// default strategy (max_parallel 1), the first by name order: a web[0].
/// Before the fix (1.6.2) its replacement is named web[0] again; from
/// the fix (1.4.14, 1.5.10, 1.6.3, 1.7.0+) `computePlacements` sees
/// index 0 held twice and takes the next free name, web[2]
/// (scheduler/generic_sched.go@v1.7.0:638-659 `IsDuplicate`, `Next(1)`,
/// `UnsetIndex`; @v2.0.5:617-638; reconcile_util.go `bitmapFrom`).
/// With max_parallel 3 all three are replaced: one web[0] is renamed, the
/// other keeps its name, as the duplicate count is then spent.
#[test]
fn a_name_held_twice_is_not_handed_out_again_from_the_fix() {
    let allocations = [alloc(1, 0), alloc(2, 0), alloc(3, 1)].concat();
    for (version, parallel, want) in [
        ("1.6.2", "", vec!["old.web[0]"]),
        ("1.6.3", "", vec!["old.web[2]"]),
        ("1.7.2", "", vec!["old.web[2]"]),
        ("2.0.5", "", vec!["old.web[2]"]),
        (
            "1.6.2",
            "    update { max_parallel = 3 }\n",
            vec!["old.web[0]", "old.web[0]", "old.web[1]"],
        ),
        (
            "1.7.2",
            "    update { max_parallel = 3 }\n",
            vec!["old.web[0]", "old.web[1]", "old.web[2]"],
        ),
    ] {
        let tmp = common::TempDir::new(&format!("alloc-names-dup-{version}-{}", want.len()));
        let group = format!("    count = 3\n{parallel}");
        let out = one_node::plan(
            &tmp,
            &one_node::cluster(version, 4000, ""),
            &allocations,
            &one_node::redis_job("old", &group, 100, ""),
            &one_node::redis_job("old", &group, 200, ""),
            &["--format", "json"],
        );
        let doc: serde_json::Value = serde_json::from_str(&out.stdout)
            .unwrap_or_else(|e| panic!("{version}: {e}: {}{}", out.stdout, out.stderr));
        let mut placed: Vec<&str> = doc["Preflight"]["Placements"]
            .as_array()
            .unwrap_or_else(|| panic!("{version}: {doc}"))
            .iter()
            .filter(|p| p["InPlace"] == false)
            .filter_map(|p| p["Name"].as_str())
            .collect();
        placed.sort_unstable();
        assert_eq!(placed, want, "{version} {parallel}: {doc}");
    }
}
