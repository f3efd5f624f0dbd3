//! `nomad-preflight ... | head` must end quietly, not panic on a closed pipe.

use crate::common;

use std::io::Read;
use std::process::{Command, Stdio};

#[test]
fn a_closed_stdout_is_not_a_panic() {
    // Far more output than a pipe buffers, so the writer must hit the closed pipe.
    let dir = std::env::temp_dir().join(format!("np-pipe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut job = String::from("job \"big\" {\n  datacenters = [\"dc1\"]\n");
    for i in 0..400 {
        job.push_str(&format!(
            "  group \"g{i}\" {{\n    task \"t\" {{\n      driver = \"exec\"\n      config {{\n        command = \"/bin/true\"\n      }}\n    }}\n  }}\n"
        ));
    }
    job.push_str("}\n");
    std::fs::write(dir.join("big.nomad"), job).expect("write job");
    let mut child = Command::new(common::bin())
        .args(["plan", "--format", "json", "big.nomad"])
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut first = [0u8; 8];
    if let Some(out) = child.stdout.as_mut() {
        let _ = out.read(&mut first);
    }
    drop(child.stdout.take());
    let mut err = String::new();
    if let Some(e) = child.stderr.as_mut() {
        let _ = e.read_to_string(&mut err);
    }
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(!err.contains("panicked"), "{err}");
}
