//! The demo's three plans as `nomad job plan` prints them, in the 0.9.3 and
//! 2.0 dialects, default and verbose, plus a coloured variant. Every plan is
//! computed by the simulation from the shipped jobs/ and rules/.

use std::path::Path;

use nomad_preflight::embedded;
use nomad_preflight::jobspec::{self, Job, LoadOptions};
use nomad_preflight::render::plan::{plan_exit_code, render_plan, PlanView};
use nomad_preflight::scheduler::Simulation;
use nomad_preflight::version::NomadVersion;
use nomad_preflight::vfs::{MemVfs, Vfs};
use nomad_preflight::world::{self, Namespace};

fn demo(version: &str) -> MemVfs {
    let mut v = embedded::demo();
    let cluster = v
        .read(Path::new("rules/cluster.hcl"))
        .expect("cluster.hcl")
        .text
        .replace(
            "nomad_version = \"0.9.3\"",
            &format!("nomad_version = \"{version}\""),
        );
    v.insert("rules/cluster.hcl", cluster);
    v
}

fn load(vfs: &MemVfs, path: &str, edit: Option<(&str, &str)>, version: NomadVersion) -> Job {
    let mut vfs = vfs.clone();
    if let Some((from, to)) = edit {
        let text = vfs
            .read(Path::new(path))
            .expect("job")
            .text
            .replacen(from, to, 1);
        vfs.insert(path, text);
    }
    let opts = LoadOptions {
        version,
        ..LoadOptions::default()
    };
    let parsed = jobspec::load(&vfs, Path::new(path), &opts);
    assert!(!parsed.diags.has_errors(), "{:?}", parsed.diags);
    parsed.job.expect("job")
}

/// The plan text and exit code, as the CLI renders them.
fn plan(sim: &Simulation, job: &Job, path: &str, verbose: bool, color: bool) -> (String, i32) {
    let version = sim.world.nomad_version;
    let p = nomad_preflight::planner::plan(sim, job);
    let mut view = PlanView::new(job, &p.result, path, version);
    view.diff = Some(&p.diff);
    view.verbose = verbose;
    (
        render_plan(&view, color),
        plan_exit_code(Some(&p.diff), &p.result, version),
    )
}

struct Demo {
    vfs: MemVfs,
    sim: Simulation,
    version: NomadVersion,
}

fn setup(version: &str) -> Demo {
    let vfs = demo(version);
    let (w, _) = world::load(&vfs, Path::new("rules")).expect("world");
    let version = w.nomad_version;
    let sim = Simulation::new(&w, 1).expect("simulation");
    Demo { vfs, sim, version }
}

const MONITOR: Option<(&str, &str)> = Some(("#namespace= \"monitor\"", "namespace= \"monitor\""));

fn monitoring_in_default(d: &Demo) -> Job {
    load(&d.vfs, "jobs/monitoring.nomad", None, d.version)
}

fn monitoring_in_monitor(d: &mut Demo) -> Job {
    d.sim.apply_namespace(Namespace {
        name: "monitor".into(),
        ..Namespace::default()
    });
    load(&d.vfs, "jobs/monitoring.nomad", MONITOR, d.version)
}

fn carts_three(d: &mut Demo) -> Job {
    let m = monitoring_in_monitor(d);
    d.sim.run(&m, Some(0)).expect("monitoring runs in monitor");
    load(
        &d.vfs,
        "jobs/sockshop.nomad",
        Some((
            "group \"carts\" {\n    count = 1",
            "group \"carts\" {\n    count = 3",
        )),
        d.version,
    )
}

fn each_dialect(f: impl Fn(&str, &str)) {
    for (tag, v) in [("0_9_3", "0.9.3"), ("2_0_5", "2.0.5")] {
        f(tag, v);
    }
}

#[test]
fn monitoring_in_default_hits_the_cpu_quota() {
    each_dialect(|tag, v| {
        let d = setup(v);
        let job = monitoring_in_default(&d);
        for verbose in [false, true] {
            let (text, code) = plan(&d.sim, &job, "monitoring.nomad", verbose, false);
            assert!(text
                .contains("    * Quota limit hit \"cpu exhausted (3500 needed > 3000 limit)\"\n"));
            assert_eq!(code, 1);
            let name = format!(
                "plan_demo_monitoring_default_{tag}{}",
                if verbose { "_verbose" } else { "" }
            );
            assert_snap!(name, text);
        }
    });
}

#[test]
fn monitoring_in_monitor_is_placed() {
    each_dialect(|tag, v| {
        let mut d = setup(v);
        let job = monitoring_in_monitor(&mut d);
        for verbose in [false, true] {
            let (text, code) = plan(&d.sim, &job, "monitoring.nomad", verbose, false);
            assert!(text.contains("- All tasks successfully allocated.\n"));
            assert_eq!(code, 1);
            let name = format!(
                "plan_demo_monitoring_monitor_{tag}{}",
                if verbose { "_verbose" } else { "" }
            );
            assert_snap!(name, text);
        }
    });
}

#[test]
fn carts_one_to_three_preempts_monitoring() {
    each_dialect(|tag, v| {
        let mut d = setup(v);
        let job = carts_three(&mut d);
        for verbose in [false, true] {
            let (text, code) = plan(&d.sim, &job, "sockshop.nomad", verbose, false);
            assert!(text.contains("+/- Task Group: \"carts\" (2 create, 1 in-place update)\n"));
            assert!(
                text.contains("  monitoring  foundation\nJob Modify Index: "),
                "{text}"
            );
            assert_eq!(code, 1);
            let name = format!(
                "plan_demo_carts_{tag}{}",
                if verbose { "_verbose" } else { "" }
            );
            assert_snap!(name, text);
        }
    });
}

#[test]
fn carts_plan_in_colour() {
    let mut d = setup("0.9.3");
    let job = carts_three(&mut d);
    let (text, _) = plan(&d.sim, &job, "sockshop.nomad", false, true);
    // The coloured Ui wraps every Output call in ESC[0m; the diff marker is light yellow.
    assert!(
        text.starts_with("\u{1b}[0m\u{1b}[93m+/-\u{1b}[0m \u{1b}[1mJob: "),
        "{text:?}"
    );
    let (plain, _) = plan(&d.sim, &job, "sockshop.nomad", false, false);
    let stripped = regex::Regex::new("\u{1b}\\[[0-9;]*m")
        .expect("regex")
        .replace_all(&text, "");
    assert_eq!(stripped, plain, "colour only adds escape codes");
    assert_snap!("plan_demo_carts_0_9_3_color", text.replace('\u{1b}', "\\e"));
}
