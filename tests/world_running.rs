//! World tests that parse real job files through the job front end
//! (`crate::jobspec::load`). They need the jobspec work merged; on a branch
//! where the front end is still a placeholder run the rest with
//! `cargo test -- --skip running`.

use std::path::{Path, PathBuf};

use nomad_preflight::vfs::{DiskVfs, MemVfs};
use nomad_preflight::world::{self, emit};

fn manifest() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shipped rules/ plus the demo jobs at the paths `running` names.
fn demo_project() -> MemVfs {
    let mut vfs = MemVfs::new("demo");
    for rel in [
        "rules/cluster.hcl",
        "rules/policy.hcl",
        "rules/quotas/default.hcl",
        "rules/namespaces/default.hcl",
    ] {
        vfs.insert(rel, std::fs::read_to_string(manifest().join(rel)).unwrap());
    }
    for job in ["sockshop", "sockshopui"] {
        let text = std::fs::read_to_string(
            manifest().join(format!("tests/fixtures/world/jobs/{job}.nomad")),
        )
        .unwrap();
        vfs.insert(format!("jobs/{job}.nomad"), text);
    }
    vfs
}

#[test]
fn running_demo_jobs_load_in_registration_order() {
    let (w, _) = world::load(&demo_project(), Path::new("rules"))
        .unwrap_or_else(|d| panic!("{}", nomad_preflight::diag::render(&d.0, false)));
    let ids: Vec<&str> = w.running.iter().map(|r| r.job.id.as_str()).collect();
    assert_eq!(ids, vec!["sockshop", "sockshopui"]);
    assert_eq!(w.running[0].path, PathBuf::from("jobs/sockshop.nomad"));
    let carts = w.running[0].job.group("carts").unwrap();
    assert_eq!(carts.count, 1);
}

#[test]
fn running_jobs_survive_import_write_and_reload() {
    let (w, _) = world::load(
        &DiskVfs::new(manifest().join("tests/fixtures/import")),
        Path::new("basic"),
    )
    .unwrap();
    let dir = std::env::temp_dir().join(format!("np-running-roundtrip-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    nomad_preflight::cli::import::write_world(&w, &dir.join("rules"), false).unwrap();
    let (back, _) = world::load(&DiskVfs::new(&dir), Path::new("rules"))
        .unwrap_or_else(|d| panic!("{}", nomad_preflight::diag::render(&d.0, false)));
    assert_eq!(back.running.len(), w.running.len());
    for (a, b) in w.running.iter().zip(&back.running) {
        assert_eq!(emit::job_file_path(&a.job), b.path);
        let (a, b) = (&a.job, &b.job);
        assert_eq!(
            (&a.id, a.job_type, a.priority, &a.namespace),
            (&b.id, b.job_type, b.priority, &b.namespace)
        );
        assert_eq!(a.datacenters, b.datacenters);
        for (ga, gb) in a.groups.iter().zip(&b.groups) {
            assert_eq!((&ga.name, ga.count), (&gb.name, gb.count));
            for (ta, tb) in ga.tasks.iter().zip(&gb.tasks) {
                assert_eq!(
                    (ta.resources.cpu, ta.resources.memory_mb),
                    (tb.resources.cpu, tb.resources.memory_mb)
                );
                assert_eq!(ta.config, tb.config);
                assert_eq!(ta.env, tb.env);
            }
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
