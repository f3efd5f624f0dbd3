//! The world loader over an in-memory tree whose cluster.hcl is arbitrary,
//! next to the demo's running jobs, quotas and namespaces.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use nomad_preflight::embedded;
use nomad_preflight::vfs::decode;
use nomad_preflight::world;

fuzz_target!(|data: &[u8]| {
    let mut vfs = embedded::demo();
    vfs.insert("rules/cluster.hcl", decode(data.to_vec()));
    if let Ok((w, _)) = world::load(&vfs, Path::new(embedded::WORLD_DIR)) {
        // A world that loads must also build a simulation (or say why not).
        let _ = nomad_preflight::scheduler::Simulation::new(&w, 1);
    }
});
