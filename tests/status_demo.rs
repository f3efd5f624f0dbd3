//! `nomad-preflight status` in the project root: 3 ready clients, the
//! default quota's usage, both jobs running. The expected usage is derived
//! from the parsed job files and the world, never written down.

use crate::common;

use std::path::Path;
use std::process::Command;

use nomad_preflight::embedded;
use nomad_preflight::jobspec::{self, JobType, LoadOptions};

#[test]
fn status_shows_the_demo_cluster() {
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new(common::bin())
        .arg("status")
        .current_dir(root)
        .output()
        .expect("run status");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);

    let vfs = embedded::demo();
    let (world, _) = nomad_preflight::world::load(&vfs, Path::new("rules")).expect("world");
    let clients: i64 = world.clients.iter().map(|p| i64::from(p.count)).sum();
    assert_eq!(text.matches("  eligible     ready").count() as i64, clients);

    // Quota usage = every live allocation of the default namespace.
    let (mut cpu, mut mem) = (0, 0);
    for path in ["jobs/sockshop.nomad", "jobs/sockshopui.nomad"] {
        let opts = LoadOptions {
            version: world.nomad_version,
            ..LoadOptions::default()
        };
        let job = jobspec::load(&vfs, Path::new(path), &opts)
            .job
            .expect("job");
        for g in &job.groups {
            let per_node = matches!(job.job_type, JobType::System);
            let n = if per_node { clients } else { g.count };
            cpu += n * g.tasks.iter().map(|t| t.resources.cpu).sum::<i64>();
            mem += n * g.tasks.iter().map(|t| t.resources.memory_mb).sum::<i64>();
        }
    }
    let limit = world
        .quota_of("default")
        .and_then(|q| q.limit_for(&world.region))
        .expect("the default namespace has a quota");
    let line = format!(
        "{}  {cpu} / {}  {mem} / {}",
        world.region,
        limit.region_limit.cpu.unwrap_or(0),
        limit.region_limit.memory.unwrap_or(0)
    );
    assert!(text.contains(&line), "no {line:?} in\n{text}");
    for job in ["sockshop ", "sockshopui "] {
        assert!(
            text.lines()
                .any(|l| l.starts_with(job) && l.contains(" running ")),
            "{job} is not running:\n{text}"
        );
    }
}
