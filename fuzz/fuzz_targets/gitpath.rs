//! Git paths are bytes: arbitrary bytes as `git diff --name-status -z`
//! output. Parsing must never panic, never drop or shift a record silently
//! (a record it cannot parse fails the whole listing), and every path it
//! returns must round-trip through the in-memory git file set.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nomad_preflight::git::parse_name_status;
use nomad_preflight::vfs::{MemVfs, Vfs};

fuzz_target!(|data: &[u8]| {
    let Ok(changes) = parse_name_status(data) else {
        return;
    };
    let records = data.split(|b| *b == 0).filter(|s| !s.is_empty()).count();
    // Each change used a status and one or two paths: none was skipped.
    assert!(changes.len() * 3 >= records, "records dropped");
    let mut vfs = MemVfs::git(":", "/repo");
    for c in &changes {
        if let Some(p) = c.new_path() {
            vfs.insert(p, "job");
        }
    }
    for c in &changes {
        if let Some(p) = c.new_path() {
            let _ = vfs.read(p);
        }
    }
});
