//! A pinned allocation of `rules/allocations.hcl` that lists no resources
//! holds its group's ask in the job version it runs, which is the plan's
//! before (git `HEAD`, `--running OLD`), never the edited file being
//! planned: a running allocation keeps what it was placed with
//! (`Allocation.AllocatedResources`, nomad/structs/structs.go v2.0.5), and
//! only the plan's new allocations take the planned job's ask. We gave
//! them the edit's ask, saw room that is not there, and printed
//! "All tasks successfully allocated." where Nomad exhausts memory
//! (found with R22-B-6's world).
//!
//! The world is R22-B-6's: one ready 2100 MB client holding the running
//! allocation, the other allocation lost on a down client, an edit that
//! changes the image (a canary under `canary = 1`) and the memory from
//! 1000 to 500 MB. Nomad: 1000 (held) + 500 (canary) + 1000 (the lost
//! one's replacement, the stable version) > 2100.

use crate::common;
use crate::scheduler_canary_downgrade::job_file;

use common::{git, TempDir};

const PLACED: &str = "- All tasks successfully allocated.";
const EXHAUSTED: &str = "    * Dimension \"memory\" exhausted on 1 nodes\n";

/// The world at 1.6.0 with `jobs/c.nomad` asking 1000 MB, its two
/// allocations holding `held` (None: their group's ask, listing nothing).
fn world(tag: &str, held: Option<u32>) -> TempDir {
    let d = TempDir::new(&format!("pinned-ask-{tag}"));
    let client = |name: &str, extra: &str| {
        format!("client \"{name}\" {{\n  count = 1\n  cpu = 4000\n  memory = 2100\n  disk = 20000\n  drivers = [\"docker\"]\n{extra}}}\n")
    };
    d.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"1.6.0\"\nedition = \"community\"\nregion = \"global\"\nrunning = [\"jobs/c.nomad\"]\n{}{}",
            client("up", ""),
            client("gone", "  status = \"down\"\n")
        ),
    );
    let holds = held.map_or(String::new(), |m| format!("  cpu = 100\n  memory = {m}\n"));
    let alloc = |n: u32, node: &str| {
        format!(
            "allocation \"a000000{n}-0000-4000-8000-000000000000\" {{\n  job = \"c\"\n  group = \"g\"\n  index = {}\n  node = \"{node}\"\n  status = \"running\"\n{holds}}}\n",
            n - 1
        )
    };
    d.put(
        "rules/allocations.hcl",
        &format!("{}{}", alloc(1, "up-1"), alloc(2, "gone-1")),
    );
    d.put("jobs/c.nomad", &job_file("x:1", 1000));
    d
}

/// The world committed, then `jobs/c.nomad` edited to 500 MB.
fn edited_repo(tag: &str, held: Option<u32>) -> TempDir {
    let d = world(tag, held);
    git(&d.0, &["init", "-q", "."]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "init"]);
    d.put("jobs/c.nomad", &job_file("x:2", 500));
    d
}

fn assert_exhausted(tag: &str, o: &common::Out) {
    assert!(
        o.stdout.contains(EXHAUSTED) && !o.stdout.contains(PLACED),
        "{tag}: {}{}",
        o.stdout,
        o.stderr
    );
}

#[test]
fn a_pinned_allocation_holds_the_committed_versions_ask_not_the_edits() {
    let d = edited_repo("head", None);
    let plan = common::run_in(&d.0, &["plan", "jobs/c.nomad"]);
    assert_exhausted("plan", &plan);
    git(&d.0, &["add", "-A"]);
    let check = common::run_in(&d.0, &["check", "--staged"]);
    assert_ne!(check.code, 0, "{}{}", check.stdout, check.stderr);
    assert!(
        check.stdout.contains("NP207") && check.stdout.contains("memory exhausted on 1 nodes"),
        "{}{}",
        check.stdout,
        check.stderr
    );
}

#[test]
fn a_pinned_allocation_holds_the_ask_of_the_version_running_names() {
    // No git: `--running` names the version the cluster runs.
    let d = world("running", None);
    d.put("old/c.nomad", &job_file("x:1", 1000));
    d.put("jobs/c.nomad", &job_file("x:2", 500));
    let plan = common::run_in(&d.0, &["plan", "jobs/c.nomad", "--running", "old/c.nomad"]);
    assert_exhausted("--running", &plan);
}

#[test]
fn guard_a_pinned_allocation_listing_its_resources_holds_what_it_lists() {
    // 400 (held) + 500 (canary) + 1000 (replacement) fits in 2100: an
    // allocation that lists its resources is not given its group's ask.
    let d = edited_repo("listed", Some(400));
    let plan = common::run_in(&d.0, &["plan", "jobs/c.nomad"]);
    assert!(
        plan.stdout.contains(PLACED),
        "{}{}",
        plan.stdout,
        plan.stderr
    );
}

/// fix22pin's kin: a pinned allocation's job priority is the version it
/// runs too (preemption reads `alloc.Job.Priority`,
/// scheduler/feasible/preemption.go v2.0.5:339). `b` runs at priority 55
/// on the only client; the working tree lowers it to 40 and adds the
/// system job `a` (60). `check` of both takes `b`'s running version from
/// `HEAD`: 60 is not 10 above 55, so `a` cannot preempt and is not
/// placed. The edit's 40 made the allocation preemptible: "preempts b/g
/// (priority 40)", exit 0.
#[test]
fn a_pinned_allocation_keeps_the_committed_versions_priority() {
    let d = TempDir::new("pinned-priority");
    d.put(
        "rules/cluster.hcl",
        "nomad_version = \"1.6.0\"\nedition = \"community\"\nregion = \"global\"\nrunning = [\"jobs/b.nomad\"]\nclient \"c\" {\n  count = 1\n  cpu = 4000\n  memory = 1000\n  disk = 20000\n  drivers = [\"docker\"]\n}\n",
    );
    d.put(
        "rules/allocations.hcl",
        "allocation \"b0000001-0000-4000-8000-000000000000\" {\n  job = \"b\"\n  group = \"g\"\n  index = 0\n  node = \"c-1\"\n  status = \"running\"\n}\n",
    );
    let job = |name: &str, kind: &str, priority: u32, memory: u32| {
        format!("job \"{name}\" {{\n  datacenters = [\"dc1\"]\n  type = \"{kind}\"\n  priority = {priority}\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx:1.25\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = {memory}\n      }}\n    }}\n  }}\n}}\n")
    };
    d.put("jobs/b.nomad", &job("b", "service", 55, 800));
    git(&d.0, &["init", "-q", "."]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "init"]);
    d.put("jobs/b.nomad", &job("b", "service", 40, 800));
    d.put("jobs/a.nomad", &job("a", "system", 60, 500));
    let o = common::run_in(&d.0, &["check", "jobs/a.nomad", "jobs/b.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains("NP207") && o.stdout.contains("(lowest 55)"),
        "{}{}",
        o.stdout,
        o.stderr
    );
    assert!(!o.stdout.contains("preempts b/g"), "{}", o.stdout);
}
