//! `nomad-preflight check`: lint job files (working tree, staged content or
//! a git range) with the rule registry and print one of the report formats.

use std::path::{Path, PathBuf};

use crate::diag::{exit, Diag, Severity};
use crate::report::{self, Format};
use crate::rules::Finding;
use crate::scheduler::Simulation;
use crate::world::World;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Deny {
    /// Exit 1 on warnings too (default: only errors fail).
    Warnings,
}

#[derive(clap::Args, Debug, Clone, Default)]
pub struct CheckArgs {
    /// Job files or folders (default: the job files of the current directory).
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    #[arg(long, value_enum)]
    pub deny: Option<Deny>,
    /// World folder (cluster, quotas, namespaces, policy); read by the caller.
    #[arg(long, value_name = "DIR")]
    pub world: Option<PathBuf>,
    /// Judge as this Nomad release instead of the world's `nomad_version`
    /// (the same flag and rule as `validate` and `plan`).
    #[arg(long = "nomad-version", value_name = "X.Y.Z", value_parser = super::common::parse_version)]
    pub nomad_version: Option<crate::version::NomadVersion>,
    /// Check the staged versions of staged files (pre-commit).
    #[arg(long, conflicts_with = "base")]
    pub staged: bool,
    /// Check files changed since this revision (CI: origin/main).
    #[arg(long, value_name = "REF")]
    pub base: Option<String>,
    /// With --base: the revision to check (default: the working tree).
    #[arg(long, value_name = "REF", requires = "base")]
    pub head: Option<String>,
    /// What the pre-commit framework's hook runs: `--base FROM --head TO`
    /// under `pre-commit run --from-ref FROM --to-ref TO`, `--staged` at
    /// commit time, else every job file of the working tree.
    #[arg(long, conflicts_with_all = ["staged", "base", "head", "paths"])]
    pub pre_commit: bool,
    /// What git's pre-push hook runs (`hook install --pre-push`): every
    /// ref git pushes to REMOTE (its lines on stdin), each judged against
    /// what the remote holds.
    #[arg(long, value_name = "REMOTE", conflicts_with_all = ["staged", "base", "head", "paths", "pre_commit"])]
    pub pre_push: Option<String>,
    /// Run as a gate (the pre-commit hook's working-tree mode): with no
    /// world found, cannot tell rather than judge against the demo.
    #[arg(skip)]
    pub gated: bool,
    /// After the report, print how many findings each rule produced (most
    /// frequent first). JSON always carries them in `statistics`; SARIF has
    /// no place for them.
    #[arg(long)]
    pub statistics: bool,
    /// With the human format: `full` (source excerpts) or `concise` (one
    /// line per finding). Default: full on a terminal, concise otherwise
    /// (hooks, CI logs, pipes).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub output_format: Option<report::OutputFormat>,
    /// Report only these rules: codes, code prefixes (NP4), names, `jobspec`,
    /// `hcl` or ALL (comma-separated or repeated). Errors that are not rule
    /// findings (a file that does not parse) are always reported.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub select: Vec<String>,
    /// Report these rules as well as the selected ones.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub extend_select: Vec<String>,
    /// Do not report these rules.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Print the findings only: no summary line.
    #[arg(long)]
    pub quiet: bool,
    /// Exit 0 even when findings are reported (usage and input errors still
    /// exit 2).
    #[arg(long)]
    pub exit_zero: bool,
    /// Job variables, Nomad's `-var name=value`.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub vars: Vec<String>,
    /// Job variable files, Nomad's `-var-file`.
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
    /// The namespace a job file that names none is judged in, as Nomad's
    /// `-namespace` (else `NOMAD_NAMESPACE`) sends it to `nomad job plan`
    /// (from 1.0.9 and 1.1.3; a namespace the file writes wins).
    #[arg(long, value_name = "NAMESPACE")]
    pub namespace: Option<String>,
}

mod later_sim;
mod loader;
mod no_world;
mod verdict;
mod work_tree;
mod world_change;
use later_sim::Sim;
use loader::loader;
pub use verdict::exit_code;
use verdict::{print_report, verdict};
use world_change::gate_world_change;

pub use crate::check::select::Selection;
pub use crate::check::{check_files, planned_change, FileResult};

impl CheckArgs {
    fn scope(&self) -> crate::check::select::Scope {
        crate::check::select::Scope {
            paths: self.paths.clone(),
            staged: self.staged,
            base: self.base.clone(),
            head: self.head.clone(),
        }
    }
}

fn usage(msg: impl std::fmt::Display) -> Diag {
    crate::check::select::usage(msg)
}

/// The files `check` would look at, for a process started in `cwd`.
pub fn select(args: &CheckArgs, cwd: &Path) -> Result<Selection, crate::diag::Diags> {
    crate::check::select::select(&args.scope(), cwd)
}

/// `check`: the world comes from the same place as the files being judged:
/// `--staged` judges the index against the world at HEAD (what runs is what
/// was committed), `--base REF` against the world at REF. A world that
/// cannot be loaded or simulated is an error (exit 2), never a run with the
/// simulation rules quietly left out.
pub fn main(args: &CheckArgs, color: &super::common::ColorArgs) -> i32 {
    if let Some(remote) = &args.pre_push {
        let mut one = args.clone();
        one.pre_push = None;
        one.gated = true;
        if args.format != Format::Human {
            let d = usage("--pre-push prints one report per pushed ref: human output only");
            return stop(&one, &d.into(), color.stderr());
        }
        return super::pre_push::each(
            remote,
            |base, head| {
                let mut at = one.clone();
                (at.base, at.head) = (Some(base.to_string()), Some(head.to_string()));
                main(&at, color)
            },
            |d| stop(&one, &d.clone().into(), color.stderr()),
        );
    }
    if args.pre_commit {
        let mode = match super::pre_commit::Mode::from_env().resolved() {
            Ok(mode) => mode,
            // A push with no range and no default branch known: an exit
            // before the report like any other, so a machine format's
            // document says it on stdout too, exit 2 as README's `check`
            // row gives every "cannot tell" (R16-41's exit 255 left stdout
            // empty and was `plan`'s code).
            Err(d) => return stop(args, &d.into(), color.stderr()),
        };
        if let Some(note) = mode.check_note() {
            eprintln!("{note}");
        }
        if let Some(note) = super::pre_commit::push_note() {
            eprintln!("{note}");
        }
        let mut args = args.clone();
        args.pre_commit = false;
        args.gated = true;
        if let super::pre_commit::Mode::Ranges {
            header,
            local,
            ranges,
        } = &mode
        {
            // One report per range, as `--pre-push` prints them.
            if args.format != Format::Human {
                let d = usage("pre-commit's pre-push of a new ref is judged over two ranges, one report each: human output only");
                return stop(&args, &d.into(), color.stderr());
            }
            eprintln!("{header}");
            return super::pre_push::judge_ranges(local, ranges, |base, head| {
                let mut at = args.clone();
                (at.base, at.head) = (Some(base.to_string()), Some(head.to_string()));
                main(&at, color)
            });
        }
        (args.staged, args.base, args.head) = mode.flags();
        return main(&args, color);
    }
    if args.staged || args.base.is_some() {
        // The change set needs nothing of the world: selected (and its
        // files parsed) on a helper thread while the world loads.
        return crate::check::ahead::selecting(&args.scope(), |take, post| {
            main_with(args, color, Some((take, post)))
        });
    }
    main_with(args, color, None)
}

/// [`main`], with the change set's selection from `ahead` when a helper
/// makes it (and the helper to post the simulation to).
fn main_with(
    args: &CheckArgs,
    color: &super::common::ColorArgs,
    ahead: Option<(crate::check::ahead::Take<'_>, crate::check::ahead::Post<'_>)>,
) -> i32 {
    let err_color = color.stderr();
    let cwd = std::env::current_dir().unwrap_or_default();
    let resolved = if args.staged || args.base.is_some() {
        let rev = args.base.clone().unwrap_or_else(|| "HEAD".into());
        super::common::resolve_world_at(
            &cwd,
            &rev,
            args.head.as_deref(),
            args.world.as_deref(),
            args.staged,
            super::common::NoWorld::CannotTell,
            // The hook's helper decodes a cached world's running jobs
            // (`sim_cache::start` finishes the world before the rules).
            super::common::Unfinished::unless_reloaded(args.nomad_version),
        )
    } else {
        super::common::resolve_world(args.world.as_deref()).and_then(|r| {
            // pre-commit run --all-files / pre-commit.ci: a gate too.
            if args.gated && r.embedded {
                let here = super::common::fallback_place(&cwd);
                return Err(super::common::no_world_diag(&here).into());
            }
            Ok(r)
        })
    };
    let mut resolved = match resolved {
        Ok(r) => r,
        Err(d) => {
            if let Some(line) = super::common::no_world_line(&d) {
                // A change set holding no job file has nothing to judge;
                // any other has its job files validated.
                if let Some((take, _)) = ahead {
                    return no_world::change_set(args, &cwd, take(), &d, &line, color.stdout());
                }
                // The hook with no change (`pre-commit run --all-files`).
                if args.gated && !args.staged && args.base.is_none() {
                    return no_world::work_tree(args, &cwd, &d, color.stdout());
                }
                return cannot_tell(args, &d, &line);
            }
            return stop(args, &d, err_color);
        }
    };
    if let Err(d) = super::common::judge_as(&mut resolved, args.nomad_version) {
        return stop(args, &d, err_color);
    }
    // A working tree's are printed once its running versions are settled.
    let working = !args.staged && args.base.is_none();
    if !working {
        super::common::eprint_world_warnings(&resolved.warnings);
    }
    if resolved.embedded {
        // Whatever the mode: judging against the demo is never silent.
        match (args.staged, &args.base) {
            (false, None) => eprintln!(
                "{}",
                super::common::fallback_notice_for(&cwd, &resolved.note)
            ),
            (_, base) => eprintln!(
                "note: no world (rules/cluster.hcl) at {}; using {}",
                base.as_deref().unwrap_or("HEAD"),
                resolved.note
            ),
        }
    }
    let mut world = resolved.world;
    let (take, post) = ahead.unzip();
    let mut selected = take.map(Selected::Ahead);
    if working {
        // Files listed in `running` are judged against what the cluster runs.
        // The selection depends on the flags and the folder only, so the
        // run below reuses it (walking the corpus twice was 3% of a check).
        let sel = select(args, Path::new("."));
        let files = sel.as_ref().map(|s| s.files.as_slice()).unwrap_or_default();
        work_tree::settle(&mut world, files, &resolved.warnings);
        selected = Some(Selected::Made(Box::new(sel)));
    }
    let world = std::sync::Arc::new(world);
    use crate::check::sim_cache::{start, Started};
    let (sim, code) = match start(world.clone(), resolved.named, 1, post) {
        Started::Made(Err(d)) => return later_sim::failed(args, &d, &resolved.note, err_color),
        Started::Made(Ok(sim)) => {
            // The simulation's world: whole, where `world` may lack its
            // running jobs (`Unfinished::Allowed`), else the same world.
            let code = run_selected(args, &sim.world, Sim::Ready(&sim), color.stdout(), selected);
            (Some(sim), code)
        }
        Started::Later(pending) => {
            let (note, color_err) = (resolved.note.as_str(), err_color);
            let later = Sim::Later {
                pending,
                note,
                color: color_err,
                post,
            };
            (
                None,
                run_selected(args, &world, later, color.stdout(), selected),
            )
        }
    };
    // The process ends next: the world and its simulation (nodes, running
    // jobs, allocations) freed one by one were ~0.4 M instructions of an
    // 11 M `check --staged` (callgrind).
    crate::check::outlive::drop_later(Box::new((world, sim)));
    code
}

/// A gate that cannot tell (no world to judge the change against): one
/// line on stderr, the finding in a machine format's document on stdout
/// (JSON, SARIF, GitHub annotations, markdown), exit 2 as for input that
/// cannot be judged; never a clean summary.
fn cannot_tell(args: &CheckArgs, d: &crate::diag::Diags, line: &str) -> i32 {
    eprintln!("{line}");
    untold_report(args, d);
    exit::INVALID
}

/// An exit before the report (a world that does not load or simulate,
/// git failing, a file the run needs unreadable, flags it cannot use):
/// its diagnostics on stderr, as before, and in a machine format the
/// report of no file with them as findings that cannot tell
/// ([`untold_report`]); exit 2, as for input that cannot be judged.
fn stop(args: &CheckArgs, d: &crate::diag::Diags, color: bool) -> i32 {
    eprint!("{}", crate::diag::render(&d.0, color));
    untold_report(args, d);
    exit::INVALID
}

/// In a machine format, the report of an exit that cannot tell: no file
/// judged, the exit's diagnostics its findings, errors marked "cannot
/// tell" ([`super::untold::check_findings`]), so JSON, SARIF, GitHub
/// annotations and Markdown each carry it where a consumer reads
/// findings. Human output said it on stderr already.
pub(super) fn untold_report(args: &CheckArgs, d: &crate::diag::Diags) {
    if args.format != Format::Human {
        let findings = super::untold::check_findings(d);
        // No terminal colour: only the human format uses it.
        let files = report::Files::default();
        print!("{}", report::render(args.format, &findings, files, false));
    }
}

/// The folder a world was loaded from, for its findings.
fn world_folder(world: &World) -> PathBuf {
    use crate::world::WorldOrigin;
    match &world.origin {
        WorldOrigin::Dir(d) | WorldOrigin::Import(d) | WorldOrigin::Git { dir: d, .. } => d.clone(),
        WorldOrigin::Embedded => PathBuf::from(crate::embedded::WORLD_DIR),
    }
}

/// Run `check` against a loaded world and its simulation.
pub fn run(args: &CheckArgs, world: &World, sim: &Simulation, color: bool) -> i32 {
    run_selected(args, world, Sim::Ready(sim), color, None)
}

/// The files of a run, selected before it wants them.
enum Selected<'a> {
    /// Already made ([`select`] from the current directory).
    Made(Box<Result<Selection, crate::diag::Diags>>),
    /// Being made on a helper thread ([`crate::check::ahead`]).
    Ahead(crate::check::ahead::Take<'a>),
}

/// [`run`] with the files already selected, or being selected, when the
/// caller has them.
fn run_selected(
    args: &CheckArgs,
    world: &World,
    sim: Sim<'_>,
    color: bool,
    selected: Option<Selected<'_>>,
) -> i32 {
    if args.statistics && args.format == Format::Sarif {
        let d = usage("--statistics cannot be combined with --format sarif").help(
            "SARIF has no place for counts: use --format json, whose `statistics` holds them",
        );
        return stop(args, &d.into(), color);
    }
    let cli_selection =
        match crate::config::RuleSelection::new(&args.select, &args.extend_select, &args.ignore) {
            Ok(s) => s,
            Err(d) => return stop(args, &d.into(), color),
        };
    let unknown = crate::rules::config::unknown_in_policy(&world.policy);
    if !unknown.is_empty() {
        return stop(args, &crate::diag::Diags(unknown), color);
    }
    // An unreadable -var-file is a usage error of the run, not a finding
    // repeated in every file.
    // Opening a FIFO waits for a writer: only a regular file is opened.
    for f in &args.var_files {
        let readable = match std::fs::metadata(f) {
            Ok(m) if !m.is_file() => Err("not a regular file".to_string()),
            Ok(_) => std::fs::File::open(f).map(drop).map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        if let Err(e) = readable {
            let d = usage(format!("cannot read --var-file {}: {e}", f.display()))
                .help("pass a readable variables file");
            return stop(args, &d.into(), color);
        }
    }
    let selected = match selected {
        Some(Selected::Made(sel)) => *sel,
        Some(Selected::Ahead(take)) => take(),
        None => select(args, Path::new(".")),
    };
    let mut sel = match selected {
        Ok(s) => s,
        Err(d) => return stop(args, &d, color),
    };
    let threshold = match args.deny {
        Some(Deny::Warnings) => Severity::Warning,
        None => Severity::Error,
    };
    let head_selection = cli_selection.clone().with_config(&sel.configs.head);
    // `--base`: the base's configuration keeps what the change's own edit
    // of it would silence (unless the base's policy accepts that).
    let added_meta = &crate::rules::meta::added_suppression::AddedSuppression::META;
    let base_selection = sel
        .configs
        .base
        .as_ref()
        .filter(|_| {
            !world.policy.allow_added_suppressions
                && crate::rules::level(world, added_meta).is_some()
        })
        .map(|c| cli_selection.clone().with_config(c));
    // One answer to "does this finding fail the run" for the report and
    // for the suppressions the change adds (R14-40).
    let gate = crate::config::RunGate {
        head: head_selection,
        base: base_selection,
        threshold,
    };
    if let Some(note) = sel.set.as_ref().and_then(|s| s.ignored_note()) {
        eprintln!("{note}");
    }
    let loader = match sim.heads() {
        Some(heads) => loader(args, world, &heads),
        None => loader(args, world, world),
    };
    // Where a job that names no namespace goes, as `plan` sends it; a
    // release that plans it in "default" whatever was asked says so.
    let request = crate::job_loader::RequestNamespace::from_command(
        args.namespace.as_deref(),
        world.nomad_version,
    );
    if let Some(note) = request.ignored_note(false, world.nomad_version) {
        eprintln!("{note}");
    }
    // A gate run in a shell with `NOMAD_NAMESPACE` set says where it puts
    // the job files that name none (plain `check` follows `plan`).
    if let Some(note) = sel.set.as_ref().and(request.gate_note()) {
        eprintln!("{note}");
    }
    // A `-var` Nomad would ignore is said so on stderr.
    crate::cli::common::eprint_var_warnings(&loader, false);
    // Job files the change reaches through a file they read are judged too.
    if let Some(set) = sel.set.as_mut() {
        match set.add_readers(sel.vfs.as_ref(), &loader) {
            Ok(notes) => notes.iter().for_each(|n| eprintln!("{n}")),
            Err(e) => {
                let d = usage(format!("cannot list the new version's files from git: {e}"));
                return stop(args, &d.into(), color);
            }
        }
    }
    let in_set = sel.set.as_ref().map(|set| {
        set.range
            .base_vfs()
            .map_err(|e| usage(format!("cannot read {}: {e}", set.range.base)))
            .map(|base| (set, base))
    });
    let in_set = match in_set.transpose() {
        Ok(s) => s,
        Err(d) => return stop(args, &d.into(), color),
    };
    // CI on a pull request: the change is untrusted, so only suppressions
    // already at the base silence its errors (NP002). At commit time the
    // committer is the trusted user.
    let untrusted = match (&in_set, &args.base) {
        (Some((set, base)), Some(_)) => Some(crate::check::Untrusted {
            base_files: base,
            set,
            gate: &gate,
        }),
        _ => None,
    };
    // A simulation the hook's helper makes: the change set's files are
    // loaded meanwhile (the load needs none).
    // The staged files loaded while the helper simulates, and then looks
    // up the head's other job files (`Sim::preload`).
    let preloaded =
        (in_set.as_ref()).and_then(|(set, _)| sim.preload(&sel.vfs, set, &loader, &request));
    let mut kept = None;
    let sim = match sim.wait(args, &mut kept) {
        Ok(sim) => sim,
        Err(code) => return code,
    };
    // From here on the world with its running jobs: the simulation's
    // (the caller's `world` may have come without them).
    let world: &World = &sim.world;
    let judge = crate::check::Judge {
        world,
        sim: Some(sim),
        judging: if in_set.is_some() {
            crate::check::Judging::InOrder
        } else {
            crate::check::Judging::EachAlone
        },
        threads: crate::Workers::Machine,
        untrusted,
        namespace: request.applied(),
        plain_sampling: gate.samples_plainly(),
    };
    let checked = match &in_set {
        Some((set, base)) => {
            crate::check::check_change_set(sel.vfs.as_ref(), set, base, &loader, &judge, preloaded)
        }
        None => crate::check::check_paths(sel.vfs.as_ref(), &sel.files, &loader, &judge),
    };
    let skipped = checked.skipped;
    let mut results = checked.results;
    // Named paths Nomad's CLI cannot get: its refusal, in path order.
    if !sel.not_got.is_empty() {
        results.extend(crate::check::not_got::results(&sel.not_got));
        results.sort_by(|a, b| a.path.cmp(&b.path));
    }
    if let Some((set, base)) = &in_set {
        if let Err(d) = gate_world_change(&sel, set, base, &loader, &judge, &mut results) {
            return stop(args, &d.into(), color);
        }
    }
    let checked = results.len();
    // What loading the world warned of is reported as its findings (the
    // jobs a guess concerns get NP216 of their own), with what its replay
    // warned of (a running job that does not fit), said on stderr as the
    // loader's warnings were.
    let mut world_diags = world.warnings.0.clone();
    let mut replayed = crate::diag::Diags::new();
    super::common::replay_warnings(&mut replayed, sim);
    world_diags.extend(replayed.0);
    if !world_diags.is_empty() {
        results.push(FileResult {
            path: world_folder(world),
            diags: world_diags,
            crashed: false,
        });
    }
    // Selection first: a cause that is not reported covers nothing.
    let findings: Vec<Finding> = results
        .iter()
        .flat_map(|r| {
            let at = sel.in_project(&r.path);
            let kept = r.diags.iter().flat_map(|f| gate.report(f, &at));
            crate::check::root_cause::collapse(kept.collect())
        })
        .collect();
    let files = report::Files {
        checked,
        skipped: skipped.len(),
    };
    print_report(args, &findings, files, color);
    let (code, lines) = verdict(&results, &findings, args.deny, args.exit_zero);
    for line in lines {
        eprintln!("{line}");
    }
    // Freed by the process's end, as `main_with`'s are.
    crate::check::outlive::drop_later(Box::new(kept));
    code
}
