//! Optional sweep: every job of `../shared/corpus/jobs` through the front end
//! and every world rule must not panic, and findings must point inside the
//! file. Skips loudly when the corpus or the job front end is absent.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use nomad_preflight::jobspec::{self, LoadOptions};
use nomad_preflight::rules::{self, RuleContext};
use nomad_preflight::vfs::DiskVfs;
use nomad_preflight::world::{ClientPool, Namespace, Policy, SchedulerConfig, World, WorldOrigin};

fn world() -> World {
    World {
        origin: WorldOrigin::Dir(PathBuf::from("rules")),
        project_root: PathBuf::from("."),
        nomad_version: Default::default(),
        region: "global".into(),
        scheduler: SchedulerConfig::default(),
        clients: vec![ClientPool {
            name: "big".into(),
            count: 3,
            datacenter: "dc1".into(),
            node_pool: "default".into(),
            cpu: 64_000,
            memory: 262_144,
            disk: 1_000_000,
            ..ClientPool::default()
        }],
        quotas: BTreeMap::new(),
        namespaces: BTreeMap::from([(
            "default".to_string(),
            Namespace {
                name: "default".into(),
                ..Namespace::default()
            },
        )]),
        policy: Policy::default(),
        running: Vec::new(),
    }
}

#[test]
fn corpus_sweep() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/jobs");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("SKIPPED corpus sweep: {} not found", dir.display());
        return;
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let n = p.to_string_lossy();
            n.ends_with(".nomad") || n.ends_with(".hcl")
        })
        .collect();
    files.sort();
    let vfs = DiskVfs::new(&dir);
    let world = world();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let started = std::time::Instant::now();
    for f in &files {
        let name = PathBuf::from(f.file_name().unwrap_or_default());
        let parsed = jobspec::load(&vfs, &name, &LoadOptions::default());
        if parsed
            .diags
            .iter()
            .any(|d| d.code == "jobspec::unimplemented")
        {
            eprintln!("SKIPPED corpus sweep: the job front end is not built in this branch");
            return;
        }
        let ctx = RuleContext::new(&parsed, &world, None);
        for finding in rules::check_job(&ctx, &name) {
            if let Some(span) = finding.primary_span() {
                assert!(
                    span.end <= parsed.source.text.len(),
                    "{}: span out of file",
                    name.display()
                );
            }
            *counts.entry(finding.code).or_default() += 1;
        }
    }
    eprintln!(
        "corpus sweep: {} files in {:?}; findings by code: {counts:?}",
        files.len(),
        started.elapsed()
    );
}
