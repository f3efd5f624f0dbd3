//! The demo story on the shipped world (`rules/`) and the real job files
//! (`jobs/`), parsed by the job front end: the scheduler must tell the
//! same story as with the hand-built fixtures.

use std::path::{Path, PathBuf};

use nomad_preflight::cluster::JobStatus;
use nomad_preflight::jobspec::{self, Job, LoadOptions};
use nomad_preflight::scheduler::{sample, Simulation, Tally};
use nomad_preflight::vfs::{DiskVfs, MemVfs};
use nomad_preflight::world::{self, Namespace, World};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn demo_world() -> World {
    match world::load(&DiskVfs::new(root()), Path::new("rules")) {
        Ok((w, _)) => w,
        Err(d) => panic!("{}", nomad_preflight::diag::render(&d.0, false)),
    }
}

/// Parse `jobs/<name>.nomad` after applying a text edit (as the demo does).
fn job(name: &str, edit: impl Fn(String) -> String, w: &World) -> Job {
    let rel = format!("jobs/{name}.nomad");
    let text = std::fs::read_to_string(root().join(&rel)).expect("demo job file");
    let mut vfs = MemVfs::new("demo");
    vfs.insert(&rel, edit(text));
    let opts = LoadOptions {
        version: w.nomad_version,
        ..LoadOptions::default()
    };
    let parsed = jobspec::load(&vfs, Path::new(&rel), &opts);
    match parsed.job {
        Some(j) if !parsed.diags.has_errors() => j,
        _ => panic!("{}", nomad_preflight::diag::render(&parsed.diags.0, false)),
    }
}

fn monitoring(in_monitor: bool, w: &World) -> Job {
    job(
        "monitoring",
        |t| {
            if in_monitor {
                t.replacen("#namespace= \"monitor\"", "namespace = \"monitor\"", 1)
            } else {
                t
            }
        },
        w,
    )
}

fn sockshop_carts3(w: &World) -> Job {
    job(
        "sockshop",
        |t| {
            t.replacen(
                "group \"carts\" {\n    count = 1",
                "group \"carts\" {\n    count = 3",
                1,
            )
        },
        w,
    )
}

fn with_monitoring(sim: &mut Simulation) {
    sim.apply_namespace(Namespace {
        name: "monitor".into(),
        ..Namespace::default()
    });
    let m = monitoring(true, &sim.world);
    assert_eq!(m.namespace, "monitor");
    let out = sim.run(&m, None).expect("monitoring runs in monitor");
    assert!(
        out.plan.failed_tg_allocs.is_empty(),
        "{:?}",
        out.plan.failed_tg_allocs
    );
}

#[test]
fn parsed_demo_tells_the_demo_story() {
    let w = demo_world();
    let mut sim = Simulation::new(&w, 42).expect("world replays");
    let plan = sim.plan(&monitoring(false, &w));
    let m = plan.failed_tg_allocs.get("foundation").expect("quota hit");
    assert_eq!(
        m.quota_exhausted,
        vec!["cpu exhausted (3500 needed > 3000 limit)".to_string()]
    );

    with_monitoring(&mut sim);
    let carts = sim.plan(&sockshop_carts3(&w));
    let d = carts.desired_tg_updates.get("carts").expect("carts");
    assert_eq!((d.place, d.in_place_update), (2, 1));
}

#[test]
fn parsed_demo_preemption_share_and_recovery() {
    let w = demo_world();
    let carts = sockshop_carts3(&w);
    let outcomes = sample(&w, 200, 11, |sim| {
        with_monitoring(sim);
        let plan = sim.plan(&carts);
        let preempted = plan
            .preempted_allocs
            .iter()
            .any(|p| p.job_id == "monitoring");
        if !preempted {
            return (false, false);
        }
        let _ = sim.run(&carts, None);
        let pending =
            sim.state.job("monitor", "monitoring").map(|r| r.status) == Some(JobStatus::Pending);
        sim.add_clients("aws", 1);
        let back =
            sim.state.job("monitor", "monitoring").map(|r| r.status) == Some(JobStatus::Running);
        (true, pending && back)
    })
    .expect("every replay runs");
    let mut t = Tally::new();
    for (preempted, story) in &outcomes {
        t.add_sample([(*preempted, *story)]);
    }
    eprintln!("parsed demo, 200 samples: {:?}", t.entries());
    assert!(t.count(&(true, true)) > 0, "{:?}", t.entries());
    assert_eq!(
        t.count(&(true, false)),
        0,
        "every preempting sample must end with monitoring placed on aws-4"
    );
}
