//! `nomad-preflight plan`: what `nomad job plan` would print against the world.
//! One file from disk, one file from git (`--staged`, `--base`), or every
//! changed job file of a commit or branch (`--changed`, in [`changed`]).

mod args;
pub mod changed;
mod cli_panic;
mod from_git;
mod job_file;
mod job_plan;
pub mod markdown;
mod no_world;
mod notes;
pub mod policy;
mod request;
mod said;
mod samples;
mod shell_namespace;
mod view;

use std::path::{Path, PathBuf};

pub use self::args::{PlanArgs, PlanFormat};
use self::from_git::{run_changed, run_git_file};
use self::job_file::fail_job_file;
pub use self::job_plan::{plan_job, plan_job_after, JobPlan};
pub(super) use self::request::{in_request_namespace, with_vault_token};
pub use self::samples::sampled_outcomes;
pub(super) use self::view::view;
use super::common::{self, ColorArgs, VarArgs};
use super::untold;
use crate::diag::{exit, Diag, Diags};
use crate::diff::JobDiff;
pub(crate) use crate::job_loader::with_namespace;
use crate::job_loader::JobLoader;
use crate::jobspec::{self, Job};
use crate::planner::Admission;
use crate::render;
use crate::scheduler::Simulation;
use crate::world::before::{self, BeforeFrom};

/// The loader of a plan from the working tree: the project root of the
/// current directory is the boundary.
fn disk_loader(vars: &VarArgs, world: &crate::world::World) -> JobLoader {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    vars.loader(world.nomad_version, crate::project::root_of(&cwd))
        .for_servers(world.edition(), world.server.job_settings(), &world.region)
        .with_running(world)
}

/// The planned file from the working tree (named on the command line: the
/// user's choice even outside the project), or the whole failed load (for
/// Nomad's text about it).
fn load_planned(loader: &JobLoader, path: &Path) -> Result<Job, Box<jobspec::ParsedJob>> {
    let parsed = loader.load_named(&loader.working_tree(&[path]), path);
    match parsed.job {
        Some(job) if !parsed.diags.has_errors() => {
            // Nomad plans such a job without a word; the version is the cause.
            let gates = parsed
                .diags
                .iter()
                .filter(|d| d.code == jobspec::version_gates::CODE);
            for d in gates {
                eprintln!("note: {}", crate::escape::one_line(&d.message));
            }
            Ok(job)
        }
        _ => Err(Box::new(parsed)),
    }
}

/// The exit code of one plan: Nomad's (255 when the Plan RPC refuses it),
/// and 1 when our warning says the submission will fail where Nomad's plan
/// stayed silent, or its plan applier rejects the plan (even with --gate:
/// the change cannot be submitted).
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
            refused || !plan.result.rejected.is_empty(),
        ),
    }
}

/// An exit before the plan (a world that does not load, git failing, a
/// flag's file unreadable, a replay that fails): the diagnostics on
/// stderr and, in a machine format, the document saying the tool cannot
/// tell, which input and why ([`untold`]); exit 255, as every plan that
/// cannot be told.
pub(super) fn fail(args: &PlanArgs, diags: &Diags, color: &ColorArgs) -> i32 {
    common::eprint_diags(diags, color.stderr());
    let what = if args.changed {
        untold::CHANGE
    } else {
        untold::PLAN
    };
    // Text said it all on stderr: no document to build.
    if !matches!(args.format, PlanFormat::Text) {
        print_exit(args, untold::PlanExit::from_diags(what, diags));
    }
    exit::NOMAD_ERROR
}

/// Print what an exit says in `args`' format ([`untold::plan_document`]:
/// nothing for text, which said it on stderr).
pub(super) fn print_exit(args: &PlanArgs, exit: untold::PlanExit) {
    // The revision the flags judge against: `--base REF`, or HEAD for
    // `--staged`. None when nothing was judged against one: a
    // `--pre-commit` run that never resolved its range (a push with no
    // range, no default branch known; it takes neither flag) or a
    // `--changed` missing both.
    let base = match (&args.base, args.staged) {
        (Some(b), _) => Some(b.as_str()),
        (None, true) => Some("HEAD"),
        (None, false) => None,
    };
    let doc = if args.changed {
        untold::PlanDoc::Changed { base }
    } else {
        untold::PlanDoc::Single
    };
    if let Some(s) = untold::plan_document(args.format, doc, exit) {
        print!("{s}");
    }
}

pub fn run(args: &PlanArgs, color: &ColorArgs) -> i32 {
    if let Some(remote) = &args.pre_push {
        let mut one = args.clone();
        one.pre_push = None;
        if !matches!(args.format, PlanFormat::Text) {
            let d = Diag::error(
                "cli::usage",
                "--pre-push prints one plan per pushed ref: text output only",
            );
            return fail(&one, &d.into(), color);
        }
        return super::pre_push::each(
            remote,
            |base, head| {
                let mut at = one.clone();
                (at.base, at.head) = (Some(base.to_string()), Some(head.to_string()));
                run(&at, color)
            },
            |d| fail(&one, &d.clone().into(), color),
        );
    }
    if args.pre_commit {
        // Without a range there is no change but the staged one: under
        // `--all-files` nothing is staged and nothing is planned.
        let mode = match super::pre_commit::Mode::from_env().resolved() {
            Ok(m) => m,
            // Still `--pre-commit` (no `--staged`, no `--base`): nothing
            // was judged against any revision, so the document's `Base`
            // is null.
            Err(d) => return fail(args, &d.into(), color),
        };
        if let Some(note) = super::pre_commit::push_note() {
            eprintln!("{note}");
        }
        let mut args = args.clone();
        args.pre_commit = false;
        if let super::pre_commit::Mode::Ranges {
            header,
            local,
            ranges,
        } = &mode
        {
            // One plan per range, as `--pre-push` prints them.
            if !matches!(args.format, PlanFormat::Text) {
                let d = Diag::error(
                    "cli::usage",
                    "pre-commit's pre-push of a new ref is judged over two ranges, one plan each: text output only",
                );
                return fail(&args, &d.into(), color);
            }
            eprintln!("{header}");
            return super::pre_push::judge_ranges(local, ranges, |base, head| {
                let mut at = args.clone();
                (at.base, at.head) = (Some(base.to_string()), Some(head.to_string()));
                run(&at, color)
            });
        }
        (args.staged, args.base, args.head) = match mode {
            m @ super::pre_commit::Mode::Refs { .. } => m.flags(),
            _ => (true, None, None),
        };
        return run(&args, color);
    }
    if args.changed {
        return run_changed(args, color);
    }
    let Some(file) = &args.file else {
        return fail(
            args,
            &Diag::error("cli::usage", "plan needs a job file, or --changed")
                .help("nomad-preflight plan FILE, or plan --changed --base REF")
                .into(),
            color,
        );
    };
    if args.staged || args.base.is_some() {
        return run_git_file(args, file, color);
    }
    let mut resolved = match common::resolve_world(args.world.as_deref()) {
        Ok(r) => r,
        Err(d) => return fail(args, &d, color),
    };
    if let Err(d) = common::judge_as(&mut resolved, args.nomad_version) {
        return fail(args, &d, color);
    }
    if resolved.embedded {
        let cwd = std::env::current_dir().unwrap_or_default();
        eprintln!("{}", common::fallback_notice_for(&cwd, &resolved.note));
    }
    // Printed once the running version is settled (`before::apply`): a
    // pinned allocation's warnings are that version's, not the edit's.
    let load_warnings = std::mem::take(&mut resolved.warnings);
    let mut world = resolved.world;
    let loader = disk_loader(&args.vars, &world);
    let request_ns = args.request_namespace(world.nomad_version);
    if let Err(d) = args.request_output(world.nomad_version) {
        common::eprint_world_warnings(&load_warnings);
        return fail(args, &d, color);
    }
    let token = match args.request_vault_token(world.nomad_version) {
        Ok(t) => t,
        Err(d) => {
            common::eprint_world_warnings(&load_warnings);
            return fail(args, &d, color);
        }
    };
    let job = match load_planned(&loader, file) {
        Ok(j) => with_vault_token(
            in_request_namespace(j, &request_ns, world.nomad_version),
            &token,
        ),
        Err(parsed) => {
            common::eprint_world_warnings(&load_warnings);
            // The servers' admission judges it too (one error list).
            let sim = Simulation::new(&world, args.seed).ok();
            let ns = request_ns.for_unnamed_job();
            let v = loader.version();
            return fail_job_file(&parsed, file, v, (sim.as_ref(), ns), args, color);
        }
    };
    let from = match &args.running {
        Some(old) => BeforeFrom::File {
            old: old.clone(),
            request: request_ns.clone(),
        },
        None => BeforeFrom::Head,
    };
    let before = match before::apply(&mut world, file, &job, &from) {
        Ok(s) => s,
        Err(d) => {
            common::eprint_world_warnings(&load_warnings);
            return fail(args, &d, color);
        }
    };
    common::eprint_world_warnings(&crate::world::settled_warnings(
        &load_warnings,
        &world.warnings,
    ));
    if let Some(code) = refuse_unknown(args, file, &before) {
        return code;
    }
    let sim = match Simulation::new(&world, args.seed) {
        Ok(s) => s,
        Err(d) => return fail(args, &d, color),
    };
    common::replay_warnings(&mut world.warnings, &sim);
    let mut plan = plan_job(&sim, job, args.now_seconds());
    if !plan.job.stop {
        let planned = std::slice::from_ref(file);
        let edited = crate::world::work_tree::edited_running(&world, planned);
        plan.assumed.extend(edited.iter().map(|p| {
            crate::planner::assumed::running_from_work_tree(&crate::rules::config::path_text(p))
        }));
        let stand_ins = crate::world::stand_in::others(&world, planned);
        plan.assumed.extend(stand_ins.iter().map(|s| {
            let path = crate::rules::config::path_text(&s.path);
            crate::planner::assumed::running_from_head(&path, s.why)
        }));
    }
    let code = print_single(
        args,
        (&world, &sim),
        &plan,
        &file.display().to_string(),
        &before,
        color,
        // `sim` was built from `world` as it stands, under `args.seed`.
        true,
    );
    // The process ends here: freeing a large cluster's state piece by
    // piece (100,000 allocations) was a tenth of the plan; the OS takes
    // it back whole.
    std::mem::forget(sim);
    code
}

/// No earlier version of a running job's own file: one line on stderr (and
/// the same in JSON), exit 255, and never Nomad's text in its place.
fn refuse_unknown(args: &PlanArgs, file: &Path, before: &before::Source) -> Option<i32> {
    let line = before.unknown_line(file, "commit it, or pass --running OLD_FILE")?;
    Some(cannot_know(args, &line, serde_json::Map::new(), before))
}

/// What a plan cannot know, the one way every case is said: `error: LINE`
/// on stderr, `Preflight.Error` (with `fields` beside it) in JSON, exit
/// 255, and never Nomad's text in its place (Markdown: the line).
fn cannot_know(
    args: &PlanArgs,
    line: &str,
    mut fields: serde_json::Map<String, serde_json::Value>,
    before: &before::Source,
) -> i32 {
    let line = format!("error: {}", crate::escape::one_line(line));
    fields.insert("Before".into(), before.json());
    say_untold(args, line, fields)
}

/// A "cannot tell" its caller worded: `line` (`error: ...`, escaped) on
/// stderr and, in a machine format, with `fields` beside it; exit 255.
pub(super) fn say_untold(
    args: &PlanArgs,
    line: String,
    fields: serde_json::Map<String, serde_json::Value>,
) -> i32 {
    eprintln!("{line}");
    print_exit(args, untold::PlanExit::new(line, true, fields));
    exit::NOMAD_ERROR
}

/// Print one plan in the chosen format; returns Nomad's exit code for it.
pub(super) fn print_single(
    args: &PlanArgs,
    (world, sim): (&crate::world::World, &Simulation),
    plan: &JobPlan,
    path: &str,
    before: &before::Source,
    color: &ColorArgs,
    sim_of_world: bool,
) -> i32 {
    if let Some(error) = plan.admission.refused_error() {
        // Nomad prints only its error; JSON and Markdown carry it for
        // tools (a refusal Nomad is known to make: no "cannot tell").
        let text = render::plan::error_during_plan(&error);
        eprint!("{text}");
        let mut fields = serde_json::Map::new();
        fields.insert("Admission".into(), plan.admission.json());
        fields.insert("Before".into(), before.json());
        // A failure one draw of several says so, and its shares when asked.
        if let Err(e) = samples::say_failed_evaluation(args, world, plan, &mut fields, color) {
            return fail(args, &Diags::from(e.to_diag()), color);
        }
        let line = text.trim_end().to_string();
        // Known: Nomad's answer, no "cannot tell".
        print_exit(args, untold::PlanExit::new(line, false, fields));
        return exit::NOMAD_ERROR;
    }
    if let (Some(line), Some(u)) = (plan.cannot_know_line(), &plan.cannot_know) {
        let mut fields = serde_json::Map::new();
        let (key, value) = u.json();
        fields.insert(key.into(), value);
        fields.insert("Admission".into(), plan.admission.json());
        if !world.warnings.is_empty() {
            fields.insert("World".into(), crate::world::guess::json(&world.warnings));
        }
        let code = cannot_know(args, &line, fields, before);
        eprint!(
            "{}",
            render::job_file_error::entries_text(plan.untold_entries())
        );
        return code;
    }
    // The servers answered with a plan: Nomad's CLI may still panic on it.
    if let Some(code) = cli_panic::said(args, world.nomad_version, plan, before) {
        return code;
    }
    let view = view(args, plan, path, world);
    // Job.Plan ignores reject_job_registration; the run it precedes does not.
    let registration = crate::mutators::registration::refused(world);
    // A failed replay is an error of the command, never a share over fewer
    // runs. The policy over other node shuffles too, as `plan --changed`
    // judges it.
    let sampled =
        samples::sampled_and_judged(world, sim, plan, (args.samples, args.seed), sim_of_world);
    let s = match sampled {
        Ok(v) => v,
        Err(e) => return fail(args, &Diags::from(e.to_diag()), color),
    };
    let (tally, refused) = (&s.tally, &s.refused);
    // What else the gate refuses or cannot tell, said in every format.
    let said = said::of_single(path, plan, world);
    // A job whose `--samples` the budget cut: said beside the shares.
    let cut = tally
        .as_ref()
        .and_then(|t| samples::cut_note(world, &plan.job, args.samples, t.samples()));
    match args.format {
        PlanFormat::Text if args.json_output => {
            if let Err(d) = view::print_nomad_document(&view, plan) {
                return fail(args, &d, color);
            }
        }
        PlanFormat::Text => {
            let mut out = render::plan::render_plan(&view, color.stdout());
            if let Some(w) = plan.admission.warning_text() {
                out.push_str(&w);
            }
            if let Some(w) = crate::planner::applier_warning(&plan.job, &plan.result) {
                out.push_str(&w);
            }
            if args.template_diff {
                out.push_str(&render::template_diff::render_template_diffs(
                    &plan.diff.template_changes(),
                ));
            }
            if let Some(t) = &tally {
                let notes: Vec<String> = cut
                    .iter()
                    .cloned()
                    .chain(samples::history_note(world))
                    .chain(s.placed.map(|u| samples::unseen_words(&plan.job, u)))
                    .collect();
                out.push_str(&samples::samples_text(t, &notes));
            }
            // Job, group and task names are input: only our colours pass.
            print!("{}", crate::escape::terminal_output(&out, color.stdout()));
        }
        PlanFormat::Markdown => {
            let protected = &world.policy.protected;
            print!(
                "{}",
                markdown::single(path, plan, (refused, &said), s.unseen, protected)
            );
        }
        PlanFormat::Json => {
            let mut v = render::plan_json::plan_json(&view);
            if let Some(p) = v.get_mut("Preflight").and_then(|p| p.as_object_mut()) {
                if let Some(t) = &tally {
                    let j = samples::samples_json(t, args.samples, cut.as_deref(), world, s.placed);
                    p.insert("Samples".into(), j);
                }
                p.insert("Before".into(), before.json());
                p.insert("Admission".into(), plan.admission.json());
                if let Some(r) = &registration {
                    p.insert("Registration".into(), r.json());
                }
                if !refused.is_empty() {
                    let policy = refused.iter().map(policy::Violation::json).collect();
                    p.insert("Policy".into(), serde_json::Value::Array(policy));
                }
                if let Some(u) = s.unseen {
                    p.insert(
                        "PolicySampled".into(),
                        policy::unseen_json(&plan.job, world, u),
                    );
                }
                if !world.warnings.is_empty() {
                    p.insert("World".into(), crate::world::guess::json(&world.warnings));
                }
                notes::insert(p, plan);
                // Every line the gate refuses or cannot tell by, as stderr
                // says them; `CannotTell` as an exit's document has it.
                let (untold, refusals): (Vec<_>, Vec<_>) =
                    refused.iter().partition(|v| v.is_untold());
                let line = |v: &policy::Violation| format!("{path} {v}");
                let gate = said.json((
                    refusals.into_iter().map(line).collect(),
                    untold.into_iter().map(line).collect(),
                ));
                let said_any = |k: &str| gate[k].as_array().is_some_and(|a| !a.is_empty());
                if said_any("CannotTell") {
                    p.insert("CannotTell".into(), true.into());
                }
                if said_any("Refused") || said_any("CannotTell") {
                    p.insert("Gate".into(), gate);
                }
            }
            match crate::escape::json_pretty(&v) {
                Ok(s) => println!("{s}"),
                Err(e) => {
                    return fail(args, &Diag::error("cli::json", e.to_string()).into(), color)
                }
            }
        }
    }
    warn_unmodelled(path, &plan.diff);
    if let Some(r) = &registration {
        eprintln!("warning: {}", r.line());
    }
    notes::eprint(plan, None);
    // Before 1.3 the plan never checks Vault: Nomad's text stands, and what
    // the run will say is unknown.
    if let Some(u) = crate::mutators::vault::run_unknown(world, &plan.job) {
        eprintln!("note: {}", crate::escape::one_line(&u.line(&plan.job)));
    }
    // Outside Nomad's text: outcomes Go's map order drew (another run of
    // Nomad may show another), and which lines we inferred rather than know.
    for note in &plan.result.drawn {
        eprintln!("note: {}", crate::escape::one_line(note));
    }
    for note in render::plan::inferred_notes(&view) {
        eprintln!("note: {note}");
    }
    for v in refused.iter().filter(|v| !v.is_untold()) {
        let line = format!("{path} {v}");
        eprintln!("refused by policy: {}", crate::escape::one_line(&line));
    }
    // A pass over samples only says how far they go (R22-A-2).
    policy::unseen_eprint(path, &plan.job, world, s.unseen);
    // A protected job some shuffles cannot tell: one line per group, exit
    // 255 (the JSON's `Preflight.Policy` holds each as "cannot-tell").
    let untold: Vec<_> = refused.iter().filter(|v| v.is_untold()).collect();
    for v in &untold {
        eprintln!("error: {}", crate::escape::one_line(&format!("{path} {v}")));
    }
    if !untold.is_empty() {
        return exit::NOMAD_ERROR;
    }
    let refused = !refused.is_empty() || registration.is_some();
    // How the run's retries end, where the model cannot stand by it: one
    // line, `Preflight.Applier.CannotTell`, exit 255, after Nomad's plan
    // text (which is known) and the applier's finding.
    if let Some(line) = plan.result.retries_untold(plan.job.job_type) {
        eprintln!("error: {}", crate::escape::one_line(&line));
        return exit::NOMAD_ERROR;
    }
    plan_code(args, plan, world.nomad_version, refused)
}

/// Changes the diff cannot show in Nomad's terms, one line each on stderr
/// (they are in the JSON under `Preflight.Unmodelled` too).
pub(super) fn warn_unmodelled(path: &str, diff: &JobDiff) {
    for u in &diff.unmodelled {
        // The path (a changed file's, from the change) and the names of
        // the groups and tasks it locates are input.
        let line = format!("{path}: {}", u.summary());
        eprintln!("warning: {}", crate::escape::one_line(&line));
    }
}

/// Nomad's code (1: allocations change), unless gating: then 1 only for refusals.
pub(super) fn gate_code(gate: bool, nomad_code: i32, refused: bool) -> i32 {
    if refused {
        exit::FINDINGS
    } else if gate {
        exit::OK
    } else {
        nomad_code
    }
}
