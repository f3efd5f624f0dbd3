//! The plan path: arbitrary job text; when it yields a job, plan it against
//! the embedded demo world, diff it with the running version and render
//! Nomad's output.
#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use nomad_preflight::jobspec::{load_source, LoadOptions};
use nomad_preflight::render::plan::{render_plan, PlanView};
use nomad_preflight::scheduler::Simulation;
use nomad_preflight::source::SourceFile;
use nomad_preflight::vfs::decode;
use nomad_preflight::world::{self, World};
use nomad_preflight::{diff, embedded};

fn demo_world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        let vfs = embedded::demo();
        match world::load(&vfs, Path::new(embedded::WORLD_DIR)) {
            Ok((w, _)) => w,
            Err(d) => panic!("the embedded demo world must load: {d:?}"),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let text = decode(data.to_vec());
    let vfs = embedded::demo();
    let source = SourceFile::inline("fuzz.nomad", &text);
    let parsed = load_source(&vfs, source, &LoadOptions::default());
    let Some(job) = parsed.job else { return };
    let world = demo_world();
    let Ok(sim) = Simulation::new(world, 1) else {
        return;
    };
    let result = sim.plan(&job);
    let old = sim
        .state
        .job(&job.namespace, &job.id)
        .map(|r| r.job.clone());
    let mut d = diff::job_diff(old.as_ref(), Some(&job), world.nomad_version);
    nomad_preflight::planner::annotate::annotate(&mut d, &result.desired_tg_updates);
    let mut view = PlanView::new(&job, &result, "fuzz.nomad", world.nomad_version);
    view.diff = Some(&d);
    let _ = render_plan(&view, false);
    view.verbose = true;
    let _ = render_plan(&view, true);
});
