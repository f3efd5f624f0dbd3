//! One client, one running job `old`, and a job `placing` planned against
//! them: the shape of the scheduler's port and address tests (what a
//! node's allocations hold, on which address, under which release).

use super::{Out, TempDir};

/// `rules/cluster.hcl`: Nomad `version`, one docker client (`node-1`) of
/// `cpu` MHz, 8 GB and 1000 Mbit/s with `node_lines` inside its block,
/// running `jobs/old.nomad`.
pub fn cluster(version: &str, cpu: u32, node_lines: &str) -> String {
    format!(
        r#"nomad_version = "{version}"
client "node" {{
  count         = 1
  datacenter    = "dc1"
  cpu           = {cpu}
  memory        = 8192
  disk          = 10000
  network_mbits = 1000
  drivers       = ["docker"]
{node_lines}}}
running = ["jobs/old.nomad"]
"#
    )
}

/// A service job `name` in dc1: one group `web` (`group_lines` before its
/// task: a count, a network) and one docker task asking `cpu` MHz and
/// 64 MB, `task_lines` inside its `resources`.
pub fn redis_job(name: &str, group_lines: &str, cpu: u32, task_lines: &str) -> String {
    format!(
        r#"job "{name}" {{
  datacenters = ["dc1"]
  group "web" {{
{group_lines}    task "web" {{
      driver = "docker"
      config {{ image = "redis" }}
      resources {{
        cpu    = {cpu}
        memory = 64
{task_lines}      }}
    }}
  }}
}}
"#
    )
}

/// Writes the world (`cluster`, `allocations`, `old`) and `placing` into
/// `tmp`, then plans `placing` as a user names the files from elsewhere:
/// `plan --world TMP/rules TMP/placing.nomad`, with `extra` arguments.
pub fn plan(
    tmp: &TempDir,
    cluster: &str,
    allocations: &str,
    old: &str,
    placing: &str,
    extra: &[&str],
) -> Out {
    tmp.put("rules/cluster.hcl", cluster);
    tmp.put("rules/allocations.hcl", allocations);
    tmp.put("jobs/old.nomad", old);
    tmp.put("placing.nomad", placing);
    let rules = tmp.0.join("rules").to_string_lossy().into_owned();
    let job = tmp.0.join("placing.nomad").to_string_lossy().into_owned();
    let mut args = vec!["plan", "--world", rules.as_str(), job.as_str()];
    args.extend(extra);
    super::run_in(std::path::Path::new("."), &args)
}
