//! `nomad-preflight plan`: what `nomad job plan` would print against the world.

use std::path::{Path, PathBuf};

use super::common::{self, ColorArgs, VarArgs};
use crate::diag::{exit, Diag, Diags};
use crate::jobspec::{self, Job};
use crate::render;
use crate::scheduler::{sample, PlanResult, Simulation, Tally};
use crate::vfs::DiskVfs;

#[derive(clap::ValueEnum, Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PlanFormat {
    #[default]
    Text,
    Json,
}

#[derive(clap::Args, Debug, Clone)]
pub struct PlanArgs {
    /// The job file, as you would pass it to `nomad job plan`.
    pub file: PathBuf,
    /// Show the full diff (Nomad's -verbose).
    #[arg(long)]
    pub verbose: bool,
    /// Show the job diff (Nomad's -diff; -diff=false hides it).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, default_missing_value = "true", value_name = "BOOL")]
    pub diff: bool,
    /// Namespace for a job file that does not name one (Nomad's -namespace).
    #[arg(long)]
    pub namespace: Option<String>,
    #[command(flatten)]
    pub vars: VarArgs,
    /// World directory (default: rules/ found upwards, else the embedded demo).
    #[arg(long, value_name = "DIR")]
    pub world: Option<PathBuf>,
    /// Seed of the simulated node shuffle.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Replay the plan under N node shuffles and report each outcome's share.
    #[arg(long, default_value_t = 0)]
    pub samples: u32,
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,
    /// Show template and heredoc changes as line diffs after Nomad's text.
    #[arg(long)]
    pub template_diff: bool,
}

/// Outcomes of one sampled plan, in words.
fn outcomes(r: &PlanResult) -> Vec<String> {
    let mut out = Vec::new();
    if r.failed_tg_allocs.is_empty() {
        out.push("every allocation is placed".to_string());
    }
    for (g, m) in &r.failed_tg_allocs {
        out.push(format!("task group {g:?} fails to place"));
        for q in &m.quota_exhausted {
            out.push(format!("quota limit hit: {q}"));
        }
    }
    if r.preempted_allocs.is_empty() {
        out.push("nothing is preempted".to_string());
    }
    for p in &r.preempted_allocs {
        out.push(format!(
            "preempts an allocation of {}/{}",
            p.job_id, p.task_group
        ));
    }
    out
}

/// Share of each outcome over `n` replays of the world under other shuffles.
pub fn sampled_outcomes(
    world: &crate::world::World,
    job: &Job,
    n: u32,
    seed: u64,
) -> Tally<String> {
    let mut tally = Tally::new();
    for keys in sample(world, n, seed, |sim: &mut Simulation| {
        outcomes(&sim.plan(job))
    }) {
        tally.add_sample(keys);
    }
    tally
}

fn samples_text(tally: &Tally<String>) -> String {
    let mut out = format!(
        "\n== nomad-preflight: outcomes over {} node shuffles (not part of Nomad's output) ==\n",
        tally.samples()
    );
    for (k, c, share) in tally.entries() {
        let tag = if c == tally.samples() {
            "certain".to_string()
        } else {
            format!("{:.1}%", share * 100.0)
        };
        out.push_str(&format!("{tag:>8}  {k} ({c}/{})\n", tally.samples()));
    }
    out
}

pub fn load_job(path: &Path, vars: &VarArgs, world: &crate::world::World) -> Result<Job, Diags> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let opts = vars.load_options(world, Some(repo_root(&cwd)))?;
    let vfs = DiskVfs::new(cwd);
    let parsed = jobspec::load(&vfs, path, &opts);
    if parsed.diags.has_errors() {
        return Err(parsed.diags);
    }
    parsed.job.ok_or(parsed.diags)
}

/// Filesystem functions in job files may read inside the repository only.
pub fn repo_root(cwd: &Path) -> PathBuf {
    cwd.ancestors()
        .find(|d| d.join(".git").exists())
        .unwrap_or(cwd)
        .to_path_buf()
}

pub fn run(args: &PlanArgs, color: &ColorArgs) -> i32 {
    let resolved = match common::resolve_world(args.world.as_deref()) {
        Ok(r) => r,
        Err(d) => {
            common::eprint_diags(&d, color.stderr());
            return exit::NOMAD_ERROR;
        }
    };
    if resolved.embedded {
        let cwd = std::env::current_dir().unwrap_or_default();
        eprintln!("{}", common::fallback_notice(&cwd));
    }
    let world = &resolved.world;
    let mut job = match load_job(&args.file, &args.vars, world) {
        Ok(j) => j,
        Err(d) => {
            common::eprint_diags(&d, color.stderr());
            return exit::NOMAD_ERROR;
        }
    };
    if let Some(ns) = &args.namespace {
        if !job.spans.written("namespace") {
            job.namespace = ns.clone();
        }
    }
    let sim = match Simulation::new(world, args.seed) {
        Ok(s) => s,
        Err(d) => {
            common::eprint_diags(&d, color.stderr());
            return exit::NOMAD_ERROR;
        }
    };
    let version = world.nomad_version;
    let result = sim.plan(&job);
    let old = sim
        .state
        .job(&job.namespace, &job.id)
        .map(|r| r.job.clone());
    let mut diff = crate::diff::job_diff(old.as_ref(), Some(&job), version);
    crate::diff::annotate(&mut diff, &result.desired_tg_updates);
    let path = args.file.display().to_string();
    let mut view = render::plan::PlanView::new(&job, &result, &path, version);
    view.diff = Some(&diff);
    view.verbose = args.verbose;
    view.show_diff = args.diff;
    view.check_index_args = args.vars.echo();
    view.namespace_flag = args.namespace.clone();
    let tally = (args.samples > 0).then(|| sampled_outcomes(world, &job, args.samples, args.seed));
    match args.format {
        PlanFormat::Text => {
            let mut out = render::plan::render_plan(&view, color.stdout());
            if args.template_diff {
                out.push_str(&render::template_diff::render_template_diffs(
                    &diff.template_changes(),
                ));
            }
            if let Some(t) = &tally {
                out.push_str(&samples_text(t));
            }
            print!("{out}");
        }
        PlanFormat::Json => {
            let mut v = render::plan_json::plan_json(&view);
            if let Some(t) = &tally {
                let samples: Vec<serde_json::Value> = t
                    .entries()
                    .into_iter()
                    .map(|(k, c, s)| serde_json::json!({"outcome": k, "count": c, "share": s}))
                    .collect();
                if let Some(p) = v.get_mut("Preflight").and_then(|p| p.as_object_mut()) {
                    p.insert(
                        "Samples".into(),
                        serde_json::json!({"Total": t.samples(), "Outcomes": samples}),
                    );
                }
            }
            match serde_json::to_string_pretty(&v) {
                Ok(s) => println!("{s}"),
                Err(e) => {
                    eprintln!("{}", Diag::error("cli::json", e.to_string()));
                    return exit::NOMAD_ERROR;
                }
            }
        }
    }
    render::plan::plan_exit_code(Some(&diff), &result, version)
}
