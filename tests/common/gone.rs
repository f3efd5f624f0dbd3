//! Hand-written worlds whose running job has an allocation on a client
//! that stopped answering (`status = "down"` or `"disconnected"`): the
//! cluster, the job and the plan call the disconnect tests share.

use super::{run_in, Out, TempDir, TWO_READY_ONE_DOWN};

/// [`TWO_READY_ONE_DOWN`] with `gone-1`'s status `status`.
pub fn cluster(status: &str) -> String {
    TWO_READY_ONE_DOWN.replace(
        "status     = \"down\"",
        &format!("status     = \"{status}\""),
    )
}

/// Job `name` (of `type_line`, "" for a service) with one group and one
/// task of that name running `image` on docker; `group` is the group's
/// lines before its task, `count` included.
pub fn job(name: &str, type_line: &str, group: &str, image: &str) -> String {
    format!("job \"{name}\" {{\n  datacenters = [\"dc1\"]\n{type_line}  group \"{name}\" {{\n{group}    task \"{name}\" {{\n      driver = \"docker\"\n      config {{ image = \"{image}\" }}\n      resources {{\n        cpu    = 100\n        memory = 64\n      }}\n    }}\n  }}\n}}\n")
}

/// The service job `web` of `count` with `group` lines, running redis.
pub fn web(count: u32, group: &str) -> String {
    job("web", "", &format!("    count = {count}\n{group}"), "redis")
}

/// A world at `release` on [`cluster`]`(gone)` running `running` (a path
/// under the project, written with `text`) with `allocations`
/// (rules/allocations.hcl).
pub fn world(
    tag: &str,
    release: &str,
    gone: &str,
    running: &str,
    text: &str,
    allocations: &str,
) -> TempDir {
    let d = TempDir::new(tag);
    d.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"{release}\"\n{}running = [\"{running}\"]\n",
            cluster(gone)
        ),
    );
    d.put("rules/allocations.hcl", allocations);
    d.put(running, text);
    d
}

/// One allocation block: `id` of `job`, name index `index` (None for a
/// system job), on `node`, then `lines` (`status`, `desired`...).
pub fn allocation(id: &str, job: &str, index: Option<u32>, node: &str, lines: &str) -> String {
    let index = index
        .map(|i| format!("  index  = {i}\n"))
        .unwrap_or_default();
    format!(
        "allocation \"{id}\" {{\n  job    = \"{job}\"\n{index}  node   = \"{node}\"\n{lines}}}\n"
    )
}

/// An allocation's `status` line.
pub fn status(s: &str) -> String {
    format!("  status = \"{s}\"\n")
}

/// `nomad-preflight plan --world rules FILE --running RUNNING`, as text or
/// JSON.
pub fn plan(d: &TempDir, file: &str, running: &str, json: bool) -> Out {
    let mut args = vec!["plan", "--world", "rules", file, "--running", running];
    if json {
        args.extend(["--format", "json"]);
    }
    run_in(&d.0, &args)
}
