//! `nomad-preflight ... | head` must end quietly, not panic on a closed pipe.

mod common;

use std::io::Read;
use std::process::{Command, Stdio};

#[test]
fn a_closed_stdout_is_not_a_panic() {
    let mut child = Command::new(common::bin())
        .args(["plan", "--format", "json", "jobs/monitoring.nomad"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
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
    assert!(!err.contains("panicked"), "{err}");
}
