//! A small committed world for the gate tests of red team rt14b: two
//! clients of 4096 MB, `jobs/web.nomad` running, and a job whose memory
//! is read from `conf/mem` with `file()`, so a change of that one input
//! file is what a gate must judge again.

use super::{git, TempDir};

const CLUSTER: &str = r#"nomad_version = "1.9.3"
edition = "community"
region = "global"
sentinel = "none"
server {
  job_default_priority = 50
  job_max_priority = 100
}
client "aws" {
  count = 2
  datacenter = "dc1"
  cpu = 4000
  memory = 4096
  disk = 20000
  drivers = ["docker"]
}
running = RUNNING
"#;

/// A job `name` whose task asks for `memory` (an HCL expression).
pub fn job(name: &str, memory: &str) -> String {
    format!(
        "job \"{name}\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    count = 1\n    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"nginx:1\" }}\n      resources {{\n        cpu = 100\n        memory = {memory}\n      }}\n    }}\n  }}\n}}\n"
    )
}

/// The memory expression reading `conf/mem`, relative to the top where
/// the tests run `nomad` (Nomad reads a relative path from its working
/// directory, not the job file's folder: command/helpers.go JobGetter.Get).
pub const READS_MEM: &str = "trimspace(file(\"conf/mem\"))";

/// The world committed with `jobs` (path, text) running and `conf/mem`
/// holding 128.
pub fn committed(name: &str, jobs: &[(&str, String)]) -> TempDir {
    let d = TempDir::new(name);
    let running: Vec<String> = jobs.iter().map(|(p, _)| format!("\"{p}\"")).collect();
    let running = format!("[{}]", running.join(", "));
    d.put("rules/cluster.hcl", &CLUSTER.replace("RUNNING", &running));
    for (path, text) in jobs {
        d.put(path, text);
    }
    d.put("conf/mem", "128\n");
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "world"]);
    d
}

/// `conf/mem` set past every client's memory and staged.
pub fn stage_huge_mem(d: &TempDir) {
    d.put("conf/mem", "999999\n");
    git(&d.0, &["add", "conf/mem"]);
}
