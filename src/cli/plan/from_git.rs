//! Plans whose inputs come from git: one file's new version with
//! `--staged`/`--base`, or every changed job file with `--changed`, each
//! against the world and running versions at the base.

use std::path::{Path, PathBuf};

use super::{
    changed, fail, fail_job_file, gate_code, markdown, plan_job, policy, print_single, view,
    warn_unmodelled, PlanArgs, PlanFormat,
};
use crate::changeset::FileChange;
use crate::cli::common::{self, ColorArgs};
use crate::diag::{exit, Diag, Diags};
use crate::job_loader::JobLoader;
use crate::render;
use crate::scheduler::Simulation;
use crate::world::before::{self, BeforeFrom};

mod json;
use json::changed_json;

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
    loader: JobLoader,
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
    // `plan --changed` is a gate; `plan FILE --base REF` is run by hand.
    let no_world = if args.changed {
        common::NoWorld::CannotTell
    } else {
        common::NoWorld::Demo
    };
    let mut resolved = common::resolve_world_at(
        &cwd,
        &range.base,
        args.head.as_deref(),
        args.world.as_deref(),
        args.staged,
        no_world,
        common::Unfinished::No,
    )?;
    common::judge_as(&mut resolved, args.nomad_version)?;
    if resolved.embedded {
        eprintln!("note: no world at {}; using {}", range.base, resolved.note);
    }
    common::eprint_world_warnings(&resolved.warnings);
    // The world a commit that adds it stages ([`common::STAGED_WORLD`]).
    let staged = resolved.world.warnings.iter();
    for d in staged.filter(|d| d.code == common::STAGED_WORLD) {
        eprintln!("{}", crate::world::guess::report_line(d));
    }
    let sim = Simulation::new(&resolved.world, args.seed)?;
    common::replay_warnings(&mut resolved.world.warnings, &sim);
    let loader = args
        .vars
        .loader(resolved.world.nomad_version, root)
        .for_servers(
            resolved.world.edition(),
            resolved.world.server.job_settings(),
            &resolved.world.region,
        )
        .with_running(&resolved.world);
    Ok(GitSetup {
        range,
        world: resolved.world,
        sim,
        loader,
    })
}

/// `plan FILE --staged` / `--base REF`: one file's new version from git (or
/// the working tree) against the world at the base.
pub(super) fn run_git_file(args: &PlanArgs, file: &Path, color: &ColorArgs) -> i32 {
    let mut setup = match git_setup(args) {
        Ok(s) => s,
        Err(d) => return fail(args, &d, color),
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
                args,
                &Diag::error("git::read", format!("cannot read the new versions: {e}")).into(),
                color,
            )
        }
    };
    let parsed = setup.loader.load(vfs.as_ref(), rel);
    let request_ns = args.request_namespace(setup.loader.version());
    if let Err(d) = args.request_output(setup.loader.version()) {
        return fail(args, &d, color);
    }
    let token = match args.request_vault_token(setup.loader.version()) {
        Ok(t) => t,
        Err(d) => return fail(args, &d, color),
    };
    if !parsed.is_valid() {
        let ns = request_ns.for_unnamed_job();
        let v = setup.loader.version();
        return fail_job_file(&parsed, file, v, (Some(&setup.sim), ns), args, color);
    }
    let Some(job) = parsed.job else {
        return fail(args, &parsed.diags, color);
    };
    let job = super::in_request_namespace(job, &request_ns, setup.loader.version());
    let job = super::with_vault_token(job, &token);
    let from = match &args.running {
        Some(old) => BeforeFrom::File {
            old: old.clone(),
            request: request_ns.clone(),
        },
        None => BeforeFrom::Rev(setup.range.base.clone()),
    };
    let before = match before::apply(&mut setup.world, file, &job, &from) {
        Ok(s) => s,
        Err(d) => return fail(args, &d, color),
    };
    if args.running.is_some() {
        setup.sim = match Simulation::new(&setup.world, args.seed) {
            Ok(s) => s,
            Err(d) => return fail(args, &d, color),
        };
    }
    let plan = plan_job(&setup.sim, job, args.now_seconds());
    print_single(
        args,
        (&setup.world, &setup.sim),
        &plan,
        &file.display().to_string(),
        &before,
        color,
        // Only then is `sim` built from the world `before` left.
        args.running.is_some(),
    )
}

/// `plan --changed`: every changed job file, one plan after another, one
/// summary and one exit code.
pub(super) fn run_changed(args: &PlanArgs, color: &ColorArgs) -> i32 {
    if !args.staged && args.base.is_none() {
        return fail(
            args,
            &Diag::error("cli::usage", "--changed needs --staged or --base REF")
                .help("plan --changed --staged (pre-commit) or plan --changed --base origin/main (CI)")
                .into(),
            color,
        );
    }
    let setup = match git_setup(args) {
        Ok(s) => s,
        Err(d) => match common::no_world_line(&d) {
            // A change set holding no job file has nothing to plan.
            Some(line) => match super::no_world::nothing_to_plan(args) {
                Some(range) => return super::no_world::pass(args, &range),
                None => return cannot_tell(args, &line),
            },
            None => return fail(args, &d, color),
        },
    };
    let request_ns = args.request_namespace(setup.world.nomad_version);
    let vault_token = match args.request_vault_token(setup.world.nomad_version) {
        Ok(t) => t,
        Err(d) => return fail(args, &d, color),
    };
    let inputs = changed::Inputs {
        range: &setup.range,
        sim: &setup.sim,
        loader: &setup.loader,
        namespace: &request_ns,
        vault_token: &vault_token,
        now: args.now_seconds(),
        notes: true,
        diff: args.diff,
        samples: args.samples,
    };
    let entries = match changed::plan_changed(&inputs) {
        Ok(e) => e,
        Err(d) => return fail(args, &d, color),
    };
    // A change that breaks the world (rules/, or a deleted running job's
    // file) fails like an invalid job file: check --staged says the same.
    let (world_errors, changed_world) = match world_gate(&setup) {
        Ok(g) => g,
        Err(d) => return fail(args, &d, color),
    };
    if !world_errors.is_empty() {
        common::eprint_diags(&Diags(world_errors.clone()), color.stderr());
    }
    let protected = &setup.world.policy.protected;
    let judged: Vec<(changed::Entry, Vec<policy::Violation>)> = entries
        .into_iter()
        .map(|e| {
            let v = policy::judge(&e, protected);
            (e, v)
        })
        .collect();
    let mut added = namespaces_added(&setup, changed_world.as_ref(), &judged);
    // A lint `exclude` leaves a file out of `check`, never out of the gate:
    // say so, so the two commands' different file counts are explained.
    added.extend(judged.iter().filter(|(e, _)| e.lint_excluded).map(|(e, _)| {
        format!(
            "{}: .nomad-preflight.hcl's `exclude` leaves it out of `check`; it is planned and judged by the policy all the same",
            e.path.display()
        )
    }));
    // A protected job's own plan that stops allocations with no
    // replacement is the change's intent, not refused, but said.
    added.extend(judged.iter().flat_map(|(e, _)| {
        e.notices
            .iter()
            .map(move |n| format!("{} {n}", e.path.display()))
    }));
    // A pass over samples only says how far they go (R22-A-2).
    added.extend(judged.iter().filter_map(|(e, vs)| {
        let unseen = e.sampled.as_ref()?.unseen?;
        let changed::Outcome::Plan(p) = &e.outcome else {
            return None;
        };
        let line = policy::unseen_line(&p.job, protected, unseen);
        vs.is_empty()
            .then(|| format!("{} {line}", e.path.display()))
    }));
    let version = setup.world.nomad_version;
    let head = setup.range.head.to_string();
    let mut invalid = 0;
    let mut cannot_tell = 0;
    let mut changing = 0;
    for (e, vs) in &judged {
        match &e.outcome {
            changed::Outcome::Invalid(d) => {
                if e.outcome.cannot_tell() {
                    cannot_tell += 1;
                } else {
                    invalid += 1;
                }
                if args.format != PlanFormat::Text {
                    common::eprint_diags(d, color.stderr());
                }
            }
            changed::Outcome::Plan(p) => {
                warn_unmodelled(&e.path.display().to_string(), &p.diff);
                // Text says them in the file's section; the other formats
                // carry them and say them here, as `plan FILE` does.
                if args.format != PlanFormat::Text {
                    super::notes::eprint(p, Some(&e.path.display().to_string()));
                }
                // Nomad's exit code, or a changed job whose plan stops
                // allocations: a system group's wrapped `Place` sums the
                // exit code to 0 while its update evicts an allocation
                // (command/job_plan.go getExitCode; redteam9 R9-10).
                let stops = p.diff.changed() && !p.result.stops.is_empty();
                // A change Nomad's diff does not show (Diff.Type None) still
                // changes allocations when its plan replaces them (a job
                // spread at 1.5-1.9: Nomad's own exit is 0 there, but this
                // summary counts what changes, rv19-7).
                let replaces = p.diff.changed() && p.result.changes_allocations();
                // How `nomad job run` of it ends cannot be told, here or
                // (for a protected job) in other shuffles: exit 255 as for
                // any plan the tool cannot tell.
                if p.result.retries_untold(p.job.job_type).is_some()
                    || vs.iter().any(policy::Violation::is_untold)
                {
                    cannot_tell += 1;
                } else if stops
                    || replaces
                    || render::plan::plan_exit_code(Some(&p.diff), &p.result, version) != 0
                {
                    changing += 1;
                }
            }
            changed::Outcome::Note(_) => {}
        }
    }
    // What the policy cannot tell is said apart, never as a refusal
    // (the exit code is 255 for it).
    let policy_untold = super::said::policy_lines(&judged, true);
    let mut refused = super::shell_namespace::refusals(&judged, &world_errors, &setup.world);
    // Job files that name no namespace judged where a deploy without the
    // shell's NOMAD_NAMESPACE puts them too (R21-A1).
    let other = match super::shell_namespace::in_default(&inputs, &judged, &refused) {
        Ok(o) => o,
        Err(d) => return fail(args, &d, color),
    };
    // JSON carries the second judgement's own lines, not only stderr.
    let in_default = json::in_default(&other.refused, &other.untold);
    refused.extend(other.refused);
    cannot_tell += other.untold.len();
    for line in &other.untold {
        match args.format {
            PlanFormat::Text => added.push(format!("cannot tell {line}")),
            _ => eprintln!("cannot tell {}", crate::escape::one_line(line)),
        }
    }
    let world_broken = world_errors.iter().any(|d| {
        d.severity == crate::diag::Severity::Error
            && d.code != crate::check::world_change::BLOCKS_RUNNING
    });
    let broken = world_broken.then_some(WORLD_BROKEN);
    let said = super::said::of_changed(&judged, &refused, &other.untold, broken);
    match args.format {
        PlanFormat::Text => print!(
            "{}",
            crate::escape::terminal_output(
                &changed_text(args, &setup, &judged, &head, color),
                color.stdout()
            )
        ),
        PlanFormat::Markdown => print!(
            "{}",
            markdown::render(&judged, &setup.range.base, protected, &said)
        ),
        PlanFormat::Json => {
            let mut v = changed_json(args, &setup, &judged, &added, &world_errors);
            if let Some(d) = in_default {
                v["InDefaultNamespace"] = d;
            }
            if !refused.is_empty() || !said.untold.is_empty() || !policy_untold.is_empty() {
                let policy: Vec<String> = refused
                    .iter()
                    .filter(|r| !said.refused.contains(r))
                    .cloned()
                    .collect();
                v["Gate"] = said.json((policy, policy_untold.clone()));
            }
            match crate::escape::json_pretty(&v) {
                Ok(s) => println!("{s}"),
                Err(e) => {
                    return fail(args, &Diag::error("cli::json", e.to_string()).into(), color)
                }
            }
        }
    }
    if args.format == PlanFormat::Text {
        let planned = judged.len() - invalid - cannot_tell;
        let untold = if cannot_tell > 0 {
            format!(", {cannot_tell} cannot tell")
        } else {
            String::new()
        };
        println!(
            "==> {} job file(s) changed from {} to {head}: {changing} change allocations, {} do not, {invalid} invalid{untold}",
            judged.len(),
            setup.range.base,
            planned - changing,
        );
        for r in &refused {
            println!("==> refused by policy: {}", crate::escape::one_line(r));
        }
        for u in &policy_untold {
            println!("==> policy cannot tell: {}", crate::escape::one_line(u));
        }
        for n in &added {
            println!("==> note: {}", crate::escape::one_line(n));
        }
    } else {
        for r in &refused {
            eprintln!("refused by policy: {}", crate::escape::one_line(r));
        }
        for u in &policy_untold {
            eprintln!("policy cannot tell: {}", crate::escape::one_line(u));
        }
        for n in &added {
            eprintln!("note: {}", crate::escape::one_line(n));
        }
    }
    if world_broken {
        let line = WORLD_BROKEN;
        match args.format {
            PlanFormat::Text => println!("==> {line}"),
            _ => eprintln!("{line}"),
        }
    }
    if invalid > 0 || cannot_tell > 0 || world_broken {
        exit::NOMAD_ERROR
    } else {
        gate_code(args.gate, i32::from(changing > 0), !refused.is_empty())
    }
}

/// What `plan --changed` says when the change leaves the world invalid.
const WORLD_BROKEN: &str =
    "the change leaves the world invalid (see the errors above): nothing it plans can run";

/// The world gate of a change set (see `check::world_change`): the
/// problems of the world as the change leaves it, when it touches it, and
/// that world when it loads.
fn world_gate(setup: &GitSetup) -> Result<(Vec<Diag>, Option<crate::world::World>), Diags> {
    let read_err = |e: std::io::Error| {
        Diags::from(Diag::error(
            "git::read",
            format!("cannot read the changed files: {e}"),
        ))
    };
    let set = crate::changeset::ChangeSet::read(setup.range.clone()).map_err(read_err)?;
    let gated =
        crate::check::world_change::gate(&setup.world, Some(&setup.sim), &set).map_err(read_err)?;
    Ok(match gated {
        Some((_, c)) => (c.findings, c.head.map(|(w, _)| w)),
        None => (Vec::new(), None),
    })
}

/// Jobs planned into a namespace the base world lacks and this very change
/// adds to the world. Plans run against the base (the namespace must exist
/// in the cluster before the job is submitted), so their refusal is right,
/// but without this line its help ("create the namespace first") reads as
/// if the change had not done so.
fn namespaces_added(
    setup: &GitSetup,
    changed_world: Option<&crate::world::World>,
    judged: &[(changed::Entry, Vec<policy::Violation>)],
) -> Vec<String> {
    let Some(head) = changed_world else {
        return Vec::new();
    };
    judged
        .iter()
        .filter_map(|(e, _)| match &e.outcome {
            changed::Outcome::Plan(p) => {
                let ns = &p.job.namespace;
                (!setup.world.namespaces.contains_key(ns) && head.namespaces.contains_key(ns))
                    .then(|| {
                        format!(
                            "{}: namespace {} is added to the world by this change, but plans run against the world at {}, where it does not exist: apply the namespace (`nomad namespace apply`) and commit its file before the job that uses it",
                            e.path.display(),
                            crate::gotext::go_quote(ns),
                            setup.range.base
                        )
                    })
            }
            _ => None,
        })
        .collect()
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
        // A file name is input: a newline in it must not start a line of
        // its own (a forged `==>` header in a CI log).
        // So is every other path the header names: the file a rename came
        // from, the input it reads, the files planned before it (R18-B-2).
        let path = crate::escape::one_line(&e.path.display().to_string());
        let change = crate::escape::one_line(&e.change.to_string());
        let after = if e.after.is_empty() {
            String::new()
        } else {
            format!(", after {}", crate::escape::one_line(&e.after.join(", ")))
        };
        let header = match (&e.outcome, e.is_stop()) {
            (changed::Outcome::Plan(p), true) => {
                format!("==> {path} ({change}: stop job {:?}{after})\n", p.job.id)
            }
            _ => format!("==> {path} ({change}{after})\n"),
        };
        out.push_str(&header);
        match &e.outcome {
            changed::Outcome::Plan(p) => {
                let mut view = view(args, p, &path, &setup.world);
                view.stop = stop_cause(e);
                out.push_str(&render::plan::render_plan(&view, color.stdout()));
                if let Some(w) = p.admission.warning_text() {
                    out.push_str(&w);
                }
                if let Some(w) = crate::planner::applier_warning(&p.job, &p.result) {
                    out.push_str(&w);
                }
                if args.template_diff {
                    out.push_str(&render::template_diff::render_template_diffs(
                        &p.diff.template_changes(),
                    ));
                }
                // In the file's section, as `plan FILE` says them after its text.
                for line in super::notes::lines(p) {
                    out.push_str(&format!("note: {line}\n"));
                }
                for line in render::plan::inferred_notes(&view) {
                    out.push_str(&format!("note: {line}\n"));
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

/// Why an entry's plan is a stop, when it is: its hint (and the notes on
/// its index) name `nomad job stop`, not a run of the file.
fn stop_cause(e: &changed::Entry) -> Option<render::plan::StopCause> {
    e.is_stop().then_some(match e.change {
        FileChange::JobReplaced => render::plan::StopCause::JobNoLongerDefined,
        _ => render::plan::StopCause::FileDeleted,
    })
}

/// `plan --changed` with no world to judge the change against: the one
/// "cannot tell" line on stderr (and, for tools, in the format asked for
/// on stdout), exit 255 as for any plan the tool cannot tell.
fn cannot_tell(args: &PlanArgs, line: &str) -> i32 {
    let base = args.base.clone().unwrap_or_else(|| "HEAD".to_string());
    let mut fields = serde_json::Map::new();
    fields.insert("World".into(), serde_json::json!({ "Base": base }));
    super::say_untold(args, line.to_string(), fields)
}
