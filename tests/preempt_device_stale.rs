//! Device preemption's stale allocator (redteam8 S2): after
//! `PreemptForDevice`, Nomad rebuilds a device allocator without the victims
//! to make the offer, but until 375134e88a (#27880: 2.0.1, Enterprise
//! 1.10.11 and 1.11.5) reserves it on the old one, which still counts the
//! victims' instances: the task's next device request finds them held.
//! Fixture: node-1 has two nvidia/gpu/1080ti instances, both held by a
//! priority-30 allocation; two.nomad (priority 100) asks for two devices of
//! one instance each, with preemption on.

use std::path::PathBuf;

use crate::common;

fn plan(version: &str) -> common::Out {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import-allocs/devices-stale");
    let world = dir.to_string_lossy().into_owned();
    let job = dir.join("two.nomad").to_string_lossy().into_owned();
    common::run_in(
        &dir,
        &[
            "plan",
            "--no-color",
            "--world",
            &world,
            "--nomad-version",
            version,
            &job,
        ],
    )
}

const FAILED: &str = "Dimension \"devices: no devices match request\" exhausted on 1 nodes";
const PLACED: &str = "- All tasks successfully allocated.";

#[test]
fn the_second_request_sees_the_victims_held_until_the_fix() {
    for v in [
        "1.8.4",
        "1.9.0",
        "1.10.5",
        "1.10.10+ent",
        "1.11.3",
        "1.11.4+ent",
        "2.0.0",
    ] {
        let o = plan(v);
        assert!(o.stdout.contains(FAILED), "{v}: {}{}", o.stdout, o.stderr);
        assert!(!o.stdout.contains(PLACED), "{v}: {}", o.stdout);
    }
    for v in ["1.10.11+ent", "1.11.5+ent", "2.0.1", "2.0.5"] {
        let o = plan(v);
        assert!(o.stdout.contains(PLACED), "{v}: {}{}", o.stdout, o.stderr);
        assert!(o.stdout.contains("Preemptions:"), "{v}: {}", o.stdout);
    }
}
