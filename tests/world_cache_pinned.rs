//! The world cache keeps a hand-written world with pinned allocations
//! (`rules/allocations.hcl`) at a revision: the hook loaded it afresh on
//! every commit. Its key names the blob of every file the load read,
//! allocations.hcl and the running job texts the pins take their ask
//! from, so a commit that changes a running job's text is a miss: the
//! pins hold the new ask (src/world_cache.rs `keepable`).

use crate::common;

use common::{cache_entries, git, run_cached, TempDir};

/// Job `id` of `count` × `cpu` MHz.
fn job(id: &str, cpu: u32, count: u32) -> String {
    format!("job \"{id}\" {{\n  datacenters = [\"dc1\"]\n  type = \"service\"\n  group \"g\" {{\n    count = {count}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx:1.25\"\n      }}\n      resources {{\n        cpu    = {cpu}\n        memory = 100\n      }}\n    }}\n  }}\n}}\n")
}

const PINS: &str = "allocation \"a0000001-0000-4000-8000-000000000000\" {\n  job = \"j\"\n  index = 0\n  node = \"up-1\"\n}\nallocation \"a0000002-0000-4000-8000-000000000000\" {\n  job = \"j\"\n  index = 1\n  node = \"up-1\"\n}\n";

/// Fails on the baseline (/work/np68), which kept no `.world` entry for a
/// pinned world. One client of 1,000 MHz holds both of `j`'s pinned
/// allocations (400 MHz each, listing no resources: the ask of `j`'s
/// text), so the staged `k` (300 MHz) cannot be placed; once a commit
/// lowers `j` to 200 MHz it can. Each run says what an uncached one says.
#[test]
fn a_pinned_world_is_kept_and_a_running_text_s_commit_is_a_miss() {
    let d = TempDir::new("world-cache-pinned");
    d.put(
        "rules/cluster.hcl",
        "nomad_version = \"1.10.5\"\nedition = \"community\"\nregion = \"global\"\nrunning = [\"jobs/j.nomad\"]\nclient \"up\" {\n  count = 1\n  cpu = 1000\n  memory = 4000\n  disk = 20000\n  drivers = [\"docker\"]\n}\n",
    );
    d.put("rules/allocations.hcl", PINS);
    d.put("jobs/j.nomad", &job("j", 400, 2));
    git(&d.0, &["init", "-q", "."]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "init"]);
    d.put("jobs/k.nomad", &job("k", 300, 1));
    git(&d.0, &["add", "jobs/k.nomad"]);
    let cache = TempDir::new("world-cache-pinned-dir");
    let dir = cache.0.join("c");
    let args = ["check", "--staged"];
    let uncached = run_cached(&d.0, &dir, &["check", "--staged", "--no-cache"]);
    let text = |o: &std::process::Output| String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(text(&uncached).contains("NP207"), "{}", text(&uncached));
    let first = run_cached(&d.0, &dir, &args);
    assert_eq!(
        cache_entries(&dir, "world").len(),
        1,
        "{:?}",
        cache_entries(&dir, "")
    );
    let hit = run_cached(&d.0, &dir, &args);
    for o in [&first, &hit] {
        assert_eq!(text(o), text(&uncached));
        assert_eq!(o.status.code(), uncached.status.code());
    }
    d.put("jobs/j.nomad", &job("j", 200, 2));
    git(&d.0, &["commit", "-qm", "j at 200", "jobs/j.nomad"]);
    let uncached = run_cached(&d.0, &dir, &["check", "--staged", "--no-cache"]);
    let again = run_cached(&d.0, &dir, &args);
    assert!(!text(&uncached).contains("NP207"), "{}", text(&uncached));
    assert_eq!(text(&again), text(&uncached));
    assert_eq!(again.status.code(), Some(0));
}
