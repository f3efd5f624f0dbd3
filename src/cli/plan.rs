//! `nomad-preflight plan`: what `nomad job plan` would print against the world.
//! One file from disk, one file from git (`--staged`, `--base`), or every
//! changed job file of a commit or branch (`--changed`, in [`changed`]).

pub mod changed;
pub mod markdown;
pub mod policy;

use std::path::{Path, PathBuf};

use super::common::{self, ColorArgs, VarArgs};
use crate::diag::{exit, Diag, Diags};
use crate::diff::JobDiff;
use crate::jobspec::{self, Job};
use crate::planner::Admission;
use crate::render;
use crate::scheduler::{sample, PlanResult, Simulation, Tally};
use crate::vfs::DiskVfs;
use crate::world::before::{self, BeforeFrom};

#[derive(clap::ValueEnum, Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PlanFormat {
    #[default]
    Text,
    Json,
    /// A summary table (for `$GITHUB_STEP_SUMMARY`).
    Markdown,
}

#[derive(clap::Args, Debug, Clone, Default)]
pub struct PlanArgs {
    /// The job file, as you would pass it to `nomad job plan` (not with --changed).
    #[arg(required_unless_present = "changed", conflicts_with = "changed")]
    pub file: Option<PathBuf>,
    /// Plan every job file changed between --base and head (or staged: --staged).
    #[arg(long)]
    pub changed: bool,
    /// New versions from the index, running versions and world from HEAD (pre-commit).
    #[arg(long, conflicts_with = "base")]
    pub staged: bool,
    /// Running versions and world from this revision (CI: origin/main).
    #[arg(long, value_name = "REF")]
    pub base: Option<String>,
    /// With --base: new versions from this revision (default: the working tree).
    #[arg(long, value_name = "REF", requires = "base")]
    pub head: Option<String>,
    /// Exit 1 only when the policy refuses a plan (protected jobs), not
    /// whenever allocations change: for hooks and CI gates.
    #[arg(long)]
    pub gate: bool,
    /// Show the full diff (Nomad's -verbose; -verbose=true as Go flags take it).
    #[arg(long, default_value_t = false, action = clap::ArgAction::Set, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub verbose: bool,
    /// Show the job diff (Nomad's -diff; -diff=false hides it).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
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
    /// The version the cluster runs, as a job file (for projects without
    /// git, or to compare with another version than git HEAD).
    #[arg(long, value_name = "OLD_FILE", conflicts_with = "changed")]
    pub running: Option<PathBuf>,
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
) -> Result<Tally<String>, crate::scheduler::sample::SampleError> {
    let mut tally = Tally::new();
    for keys in sample(world, n, seed, |sim: &mut Simulation| {
        outcomes(&sim.plan(job))
    })? {
        tally.add_sample(keys);
    }
    Ok(tally)
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
    let opts = disk_options(vars, world)?;
    load_with(path, &opts)
}

/// Evaluation options for job files read from disk (the working tree).
fn disk_options(
    vars: &VarArgs,
    world: &crate::world::World,
) -> Result<jobspec::LoadOptions, Diags> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    vars.load_options(world, Some(crate::project::root_of(&cwd)))
}

fn load_with(path: &Path, opts: &jobspec::LoadOptions) -> Result<Job, Diags> {
    load_parsed(path, opts).map_err(|p| p.diags)
}

/// The job of a file from the working tree, or the whole failed load (for
/// Nomad's text about it).
fn load_parsed(path: &Path, opts: &jobspec::LoadOptions) -> Result<Job, Box<jobspec::ParsedJob>> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let mut vfs = DiskVfs::new(cwd);
    // Named on the command line: the user's choice even outside the project.
    vfs.admit_named(path);
    for f in &opts.var_files {
        vfs.admit_named(f);
    }
    let parsed = jobspec::load(&vfs, path, opts);
    match parsed.job {
        Some(job) if !parsed.diags.has_errors() => {
            // Nomad plans such a job without a word; the version is the cause.
            let gates = parsed
                .diags
                .iter()
                .filter(|d| d.code == jobspec::version_gates::CODE);
            for d in gates {
                eprintln!("note: {}", crate::report::escape::one_line(&d.message));
            }
            Ok(job)
        }
        _ => Err(Box::new(parsed)),
    }
}

/// A job file that does not load: Nomad's own text for the version on
/// stderr (`Error getting job struct: ...` or `Error during plan: ...`),
/// then our located diagnostics; exit 255 as Nomad's plan does.
fn fail_job_file(
    parsed: &jobspec::ParsedJob,
    file: &Path,
    version: crate::version::NomadVersion,
    color: &ColorArgs,
) -> i32 {
    eprint!(
        "{}",
        render::job_file_error::plan_error(parsed, &file.display().to_string(), version)
    );
    fail(&parsed.diags, color)
}

/// A job planned against a simulation: everything `nomad job plan` prints
/// comes from these.
#[derive(Debug, Clone)]
pub struct JobPlan {
    /// The submitted version (with `stop = true` when planning a stop).
    pub job: Job,
    /// The diff against the running version, annotated with the plan's updates.
    pub diff: JobDiff,
    pub result: PlanResult,
    /// The Plan RPC's admission verdict for the version.
    pub admission: Admission,
}

/// Plan `job` against the simulation's state, as `nomad job plan` does.
pub fn plan_job(sim: &Simulation, job: Job) -> JobPlan {
    let crate::planner::Plan {
        result,
        diff,
        admission,
        ..
    } = crate::planner::plan(sim, &job);
    JobPlan {
        job,
        diff,
        result,
        admission,
    }
}

/// The exit code of one plan: Nomad's (255 when the Plan RPC refuses it),
/// and 1 when our warning says the submission will fail where Nomad's plan
/// stayed silent (even with --gate: the change cannot be submitted).
fn plan_code(
    args: &PlanArgs,
    plan: &JobPlan,
    version: crate::version::NomadVersion,
    refused: bool,
) -> i32 {
    match &plan.admission {
        Admission::Refused { .. } => exit::NOMAD_ERROR,
        Admission::WillFail { .. } => exit::FINDINGS,
        Admission::Admitted => gate_code(
            args.gate,
            render::plan::plan_exit_code(Some(&plan.diff), &plan.result, version),
            refused,
        ),
    }
}

fn view<'a>(
    args: &PlanArgs,
    plan: &'a JobPlan,
    path: &'a str,
    world: &crate::world::World,
) -> render::plan::PlanView<'a> {
    let mut view = render::plan::PlanView::new(&plan.job, &plan.result, path, world.nomad_version);
    view.diff = Some(&plan.diff);
    view.verbose = args.verbose;
    view.show_diff = args.diff;
    view.check_index_args = args.vars.echo();
    view.namespace_flag = args.namespace.clone();
    view
}

fn fail(diags: &Diags, color: &ColorArgs) -> i32 {
    common::eprint_diags(diags, color.stderr());
    exit::NOMAD_ERROR
}

pub fn run(args: &PlanArgs, color: &ColorArgs) -> i32 {
    if args.changed {
        return run_changed(args, color);
    }
    let Some(file) = &args.file else {
        return fail(
            &Diag::error("cli::usage", "plan needs a job file, or --changed")
                .help("nomad-preflight plan FILE, or plan --changed --base REF")
                .into(),
            color,
        );
    };
    if args.staged || args.base.is_some() {
        return run_git_file(args, file, color);
    }
    let resolved = match common::resolve_world(args.world.as_deref()) {
        Ok(r) => r,
        Err(d) => return fail(&d, color),
    };
    if resolved.embedded {
        let cwd = std::env::current_dir().unwrap_or_default();
        eprintln!("{}", common::fallback_notice(&cwd));
    }
    let mut world = resolved.world;
    let opts = match disk_options(&args.vars, &world) {
        Ok(o) => o,
        Err(d) => return fail(&d, color),
    };
    let job = match load_parsed(file, &opts) {
        Ok(j) => with_namespace(j, args.namespace.as_deref()),
        Err(parsed) => return fail_job_file(&parsed, file, opts.version, color),
    };
    let from = match &args.running {
        Some(old) => BeforeFrom::File(old.clone()),
        None => BeforeFrom::Head,
    };
    let before = match before::apply(&mut world, file, &job, &from, &opts) {
        Ok(s) => s,
        Err(d) => return fail(&d, color),
    };
    if let Some(code) = refuse_unknown(args, file, &before) {
        return code;
    }
    let sim = match Simulation::new(&world, args.seed) {
        Ok(s) => s,
        Err(d) => return fail(&d, color),
    };
    let plan = plan_job(&sim, job);
    print_single(
        args,
        &world,
        &plan,
        &file.display().to_string(),
        &before,
        color,
    )
}

/// No earlier version of a running job's own file: one line on stderr (and
/// the same in JSON), exit 255, and never Nomad's text in its place.
fn refuse_unknown(args: &PlanArgs, file: &Path, before: &before::Source) -> Option<i32> {
    let line = format!(
        "error: {}",
        before.unknown_line(file, "commit it, or pass --running OLD_FILE")?
    );
    eprintln!("{line}");
    if args.format == PlanFormat::Json {
        let v = serde_json::json!({
            "Preflight": {"Before": before.json(), "Error": line},
        });
        if let Ok(s) = serde_json::to_string_pretty(&v) {
            println!("{s}");
        }
    }
    Some(exit::NOMAD_ERROR)
}

fn with_namespace(mut job: Job, namespace: Option<&str>) -> Job {
    if let Some(ns) = namespace {
        if !job.spans.written("namespace") {
            job.namespace = ns.to_string();
        }
    }
    job
}

/// Print one plan in the chosen format; returns Nomad's exit code for it.
fn print_single(
    args: &PlanArgs,
    world: &crate::world::World,
    plan: &JobPlan,
    path: &str,
    before: &before::Source,
    color: &ColorArgs,
) -> i32 {
    if let Admission::Refused { body, .. } = &plan.admission {
        // Nomad prints only its error; JSON carries it for tools.
        eprint!("{}", render::plan::plan_refused(body));
        if args.format == PlanFormat::Json {
            let v = serde_json::json!({
                "Preflight": {"Admission": plan.admission.json(), "Before": before.json()},
            });
            if let Ok(s) = serde_json::to_string_pretty(&v) {
                println!("{s}");
            }
        }
        return exit::NOMAD_ERROR;
    }
    let view = view(args, plan, path, world);
    // A failed replay is an error of the command, never a share over fewer runs.
    let tally = match (args.samples > 0 && plan.admission.is_admitted())
        .then(|| sampled_outcomes(world, &plan.job, args.samples, args.seed))
        .transpose()
    {
        Ok(t) => t,
        Err(e) => {
            common::eprint_diags(&Diags::from(e.to_diag()), color.stderr());
            return exit::NOMAD_ERROR;
        }
    };
    match args.format {
        PlanFormat::Text => {
            let mut out = render::plan::render_plan(&view, color.stdout());
            if let Some(w) = plan.admission.warning_text() {
                out.push_str(&w);
            }
            if args.template_diff {
                out.push_str(&render::template_diff::render_template_diffs(
                    &plan.diff.template_changes(),
                ));
            }
            if let Some(t) = &tally {
                out.push_str(&samples_text(t));
            }
            // Job, group and task names are input: only our colours pass.
            print!(
                "{}",
                crate::report::escape::terminal_output(&out, color.stdout())
            );
        }
        PlanFormat::Markdown => {
            let change = if plan.diff.ty == crate::diff::DiffType::Added {
                changed::FileChange::Added
            } else {
                changed::FileChange::Modified
            };
            let entry = changed::Entry {
                path: PathBuf::from(path),
                change,
                outcome: changed::Outcome::Plan(Box::new(plan.clone())),
                after: Vec::new(),
            };
            let refused = policy::violations(plan, &world.policy.protected);
            print!("{}", markdown::render(&[(entry, refused)], "plan"));
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
            if let Some(p) = v.get_mut("Preflight").and_then(|p| p.as_object_mut()) {
                p.insert("Before".into(), before.json());
                p.insert("Admission".into(), plan.admission.json());
            }
            match serde_json::to_string_pretty(&v) {
                Ok(s) => println!("{s}"),
                Err(e) => return fail(&Diag::error("cli::json", e.to_string()).into(), color),
            }
        }
    }
    warn_unmodelled(path, &plan.diff);
    // Outside Nomad's text: which of its lines we inferred rather than know.
    for note in render::plan::inferred_notes(&plan.result) {
        eprintln!("note: {note}");
    }
    let refused = policy::violations(plan, &world.policy.protected);
    for v in &refused {
        eprintln!("refused by policy: {path} {v}");
    }
    plan_code(args, plan, world.nomad_version, !refused.is_empty())
}

/// Changes the diff cannot show in Nomad's terms, one line each on stderr
/// (they are in the JSON under `Preflight.Unmodelled` too).
fn warn_unmodelled(path: &str, diff: &JobDiff) {
    for u in &diff.unmodelled {
        eprintln!("warning: {path}: {}", u.summary());
    }
}

/// Nomad's code (1: allocations change), unless gating: then 1 only for refusals.
fn gate_code(gate: bool, nomad_code: i32, refused: bool) -> i32 {
    if refused {
        exit::FINDINGS
    } else if gate {
        exit::OK
    } else {
        nomad_code
    }
}

/// What the git flags select: base (world and running versions) and head.
fn range(args: &PlanArgs, root: PathBuf) -> changed::Range {
    changed::Range::new(
        root,
        args.staged,
        args.base.as_deref(),
        args.head.as_deref(),
    )
}

/// The world, simulation and load options for a git-based plan.
struct GitSetup {
    range: changed::Range,
    world: crate::world::World,
    sim: Simulation,
    opts: jobspec::LoadOptions,
}

fn git_setup(args: &PlanArgs) -> Result<GitSetup, Diags> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let root = crate::git::repo_root(&cwd).ok_or_else(|| {
        Diags::from(
            Diag::error(
                "git::not-a-repo",
                format!("{} is not inside a git repository", cwd.display()),
            )
            .help("--changed, --staged and --base read files from git; run inside a checkout"),
        )
    })?;
    let range = range(args, root.clone());
    let resolved = common::resolve_world_at(&cwd, &range.base, args.world.as_deref(), args.staged)?;
    if resolved.embedded {
        eprintln!("note: no world at {}; using {}", range.base, resolved.note);
    }
    let sim = Simulation::new(&resolved.world, args.seed)?;
    let opts = args.vars.load_options(&resolved.world, Some(root))?;
    Ok(GitSetup {
        range,
        world: resolved.world,
        sim,
        opts,
    })
}

/// `plan FILE --staged` / `--base REF`: one file's new version from git (or
/// the working tree) against the world at the base.
fn run_git_file(args: &PlanArgs, file: &Path, color: &ColorArgs) -> i32 {
    let mut setup = match git_setup(args) {
        Ok(s) => s,
        Err(d) => return fail(&d, color),
    };
    let cwd = std::env::current_dir()
        .and_then(std::fs::canonicalize)
        .unwrap_or_default();
    let abs = crate::vfs::normalize(&cwd.join(file));
    let rel = abs.strip_prefix(&setup.range.root).unwrap_or(&abs);
    let vfs = match setup.range.head_vfs() {
        Ok(v) => v,
        Err(e) => {
            return fail(
                &Diag::error("git::read", format!("cannot read the new versions: {e}")).into(),
                color,
            )
        }
    };
    let parsed = jobspec::load(vfs.as_ref(), rel, &setup.opts);
    if !parsed.is_valid() {
        return fail_job_file(&parsed, file, setup.opts.version, color);
    }
    let Some(job) = parsed.job else {
        return fail(&parsed.diags, color);
    };
    let job = with_namespace(job, args.namespace.as_deref());
    let from = match &args.running {
        Some(old) => BeforeFrom::File(old.clone()),
        None => BeforeFrom::Rev(setup.range.base.clone()),
    };
    let before = match before::apply(&mut setup.world, file, &job, &from, &setup.opts) {
        Ok(s) => s,
        Err(d) => return fail(&d, color),
    };
    if args.running.is_some() {
        setup.sim = match Simulation::new(&setup.world, args.seed) {
            Ok(s) => s,
            Err(d) => return fail(&d, color),
        };
    }
    let plan = plan_job(&setup.sim, job);
    print_single(
        args,
        &setup.world,
        &plan,
        &file.display().to_string(),
        &before,
        color,
    )
}

/// `plan --changed`: every changed job file, one plan after another, one
/// summary and one exit code.
fn run_changed(args: &PlanArgs, color: &ColorArgs) -> i32 {
    if !args.staged && args.base.is_none() {
        return fail(
            &Diag::error("cli::usage", "--changed needs --staged or --base REF")
                .help("plan --changed --staged (pre-commit) or plan --changed --base origin/main (CI)")
                .into(),
            color,
        );
    }
    let setup = match git_setup(args) {
        Ok(s) => s,
        Err(d) => return fail(&d, color),
    };
    let inputs = changed::Inputs {
        range: &setup.range,
        sim: &setup.sim,
        opts: &setup.opts,
        namespace: args.namespace.as_deref(),
    };
    let entries = match changed::plan_changed(&inputs) {
        Ok(e) => e,
        Err(d) => return fail(&d, color),
    };
    // A change that breaks the world (rules/, or a deleted running job's
    // file) fails like an invalid job file: check --staged says the same.
    let world_errors = match world_gate(&setup) {
        Ok(d) => d,
        Err(d) => return fail(&d, color),
    };
    if !world_errors.is_empty() {
        common::eprint_diags(&Diags(world_errors.clone()), color.stderr());
    }
    let protected = &setup.world.policy.protected;
    let judged: Vec<(changed::Entry, Vec<policy::Violation>)> = entries
        .into_iter()
        .map(|e| {
            let v = match &e.outcome {
                changed::Outcome::Plan(p) => policy::violations(p, protected),
                _ => Vec::new(),
            };
            (e, v)
        })
        .collect();
    let version = setup.world.nomad_version;
    let head = setup.range.head.to_string();
    let mut invalid = 0;
    let mut changing = 0;
    for (e, _) in &judged {
        match &e.outcome {
            changed::Outcome::Invalid(d) => {
                invalid += 1;
                if args.format != PlanFormat::Text {
                    common::eprint_diags(d, color.stderr());
                }
            }
            changed::Outcome::Plan(p) => {
                warn_unmodelled(&e.path.display().to_string(), &p.diff);
                if render::plan::plan_exit_code(Some(&p.diff), &p.result, version) != 0 {
                    changing += 1;
                }
            }
            changed::Outcome::Note(_) => {}
        }
    }
    let mut refused: Vec<String> = judged
        .iter()
        .flat_map(|(e, vs)| vs.iter().map(move |v| format!("{} {v}", e.path.display())))
        .collect();
    // A submission that will fail where Nomad's plan stays silent fails the gate too.
    refused.extend(judged.iter().filter_map(|(e, _)| match &e.outcome {
        changed::Outcome::Plan(p) => match &p.admission {
            Admission::WillFail { reason } => Some(format!(
                "{} submission will fail: {reason}",
                e.path.display()
            )),
            _ => None,
        },
        _ => None,
    }));
    match args.format {
        PlanFormat::Text => print!(
            "{}",
            crate::report::escape::terminal_output(
                &changed_text(args, &setup, &judged, &head, color),
                color.stdout()
            )
        ),
        PlanFormat::Markdown => print!(
            "{}",
            markdown::render(
                &judged,
                &format!("plans of changed jobs against `{}`", setup.range.base)
            )
        ),
        PlanFormat::Json => {
            let v = changed_json(args, &setup, &judged);
            match serde_json::to_string_pretty(&v) {
                Ok(s) => println!("{s}"),
                Err(e) => return fail(&Diag::error("cli::json", e.to_string()).into(), color),
            }
        }
    }
    if args.format == PlanFormat::Text {
        let planned = judged.len() - invalid;
        println!(
            "==> {} job file(s) changed from {} to {head}: {changing} change allocations, {} do not, {invalid} invalid",
            judged.len(),
            setup.range.base,
            planned - changing,
        );
        for r in &refused {
            println!("==> refused by policy: {r}");
        }
    } else {
        for r in &refused {
            eprintln!("refused by policy: {r}");
        }
    }
    let world_broken = world_errors
        .iter()
        .any(|d| d.severity == crate::diag::Severity::Error);
    if world_broken {
        let line =
            "the change leaves the world invalid (see the errors above): nothing it plans can run";
        match args.format {
            PlanFormat::Text => println!("==> {line}"),
            _ => eprintln!("{line}"),
        }
    }
    if invalid > 0 || world_broken {
        exit::NOMAD_ERROR
    } else {
        gate_code(args.gate, i32::from(changing > 0), !refused.is_empty())
    }
}

/// The world gate of a change set (see `check::world_change`): the
/// problems of the world as the change leaves it, when it touches it.
fn world_gate(setup: &GitSetup) -> Result<Vec<Diag>, Diags> {
    let read_err = |e: std::io::Error| {
        Diags::from(Diag::error(
            "git::read",
            format!("cannot read the changed files: {e}"),
        ))
    };
    let set = crate::changeset::ChangeSet::read(setup.range.clone()).map_err(read_err)?;
    Ok(crate::check::world_change::gate(&setup.world, &set)
        .map_err(read_err)?
        .map(|(_, c)| c.findings)
        .unwrap_or_default())
}

fn changed_text(
    args: &PlanArgs,
    setup: &GitSetup,
    judged: &[(changed::Entry, Vec<policy::Violation>)],
    head: &str,
    color: &ColorArgs,
) -> String {
    let mut out = String::new();
    if judged.is_empty() {
        out.push_str(&format!(
            "==> no job file changed from {} to {head}\n",
            setup.range.base
        ));
    }
    for (e, _) in judged {
        let path = e.path.display().to_string();
        let after = if e.after.is_empty() {
            String::new()
        } else {
            format!(", after {}", e.after.join(", "))
        };
        let header = match (&e.outcome, e.is_stop()) {
            (changed::Outcome::Plan(p), true) => {
                format!(
                    "==> {path} ({}: stop job {:?}{after})\n",
                    e.change, p.job.id
                )
            }
            _ => format!("==> {path} ({}{after})\n", e.change),
        };
        out.push_str(&header);
        match &e.outcome {
            changed::Outcome::Plan(p) => {
                let mut view = view(args, p, &path, &setup.world);
                view.deleted_file = e.is_stop();
                out.push_str(&render::plan::render_plan(&view, color.stdout()));
                if let Some(w) = p.admission.warning_text() {
                    out.push_str(&w);
                }
                if args.template_diff {
                    out.push_str(&render::template_diff::render_template_diffs(
                        &p.diff.template_changes(),
                    ));
                }
            }
            changed::Outcome::Note(n) => out.push_str(&format!("{n}\n")),
            changed::Outcome::Invalid(d) => {
                // In order with the headers, and on stdout like the plans.
                out.push_str(&crate::diag::render(&d.0, color.stdout()));
            }
        }
        out.push('\n');
    }
    out
}

fn changed_json(
    args: &PlanArgs,
    setup: &GitSetup,
    judged: &[(changed::Entry, Vec<policy::Violation>)],
) -> serde_json::Value {
    let plans: Vec<serde_json::Value> = judged
        .iter()
        .map(|(e, vs)| {
            let path = e.path.display().to_string();
            let (plan, note, errors) = match &e.outcome {
                changed::Outcome::Plan(p) => (
                    render::plan_json::plan_json(&view(args, p, &path, &setup.world)),
                    serde_json::Value::Null,
                    Vec::new(),
                ),
                changed::Outcome::Note(n) => {
                    (serde_json::Value::Null, n.clone().into(), Vec::new())
                }
                changed::Outcome::Invalid(d) => (
                    serde_json::Value::Null,
                    serde_json::Value::Null,
                    d.iter().map(|x| x.message.clone()).collect(),
                ),
            };
            serde_json::json!({
                "File": path,
                "Change": e.change.to_string(),
                "Stop": e.is_stop(),
                "After": e.after,
                "Plan": plan,
                "Note": note,
                "Errors": errors,
                "Refused": vs.iter().map(ToString::to_string).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::json!({"Base": setup.range.base, "Plans": plans})
}
