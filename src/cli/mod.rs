//! Command-line interface: one module per command, shared plumbing in `common`.

pub mod check;
pub mod common;
pub mod explain;
pub mod hook;
mod hook_worktrees;
pub mod import;
mod import_faithful;
pub mod plan;
pub mod pre_commit;
pub mod pre_push;
pub mod rehearse;
pub mod status;
pub mod untold;
pub mod validate;
mod validate_out;

use clap::{Parser, Subcommand};

use crate::diag::Diag;
use common::ColorArgs;

/// What `nomad job plan` would say, before anything is submitted and without a cluster.
#[derive(Parser, Debug)]
#[command(name = "nomad-preflight", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub color: ColorArgs,
    /// Load and schedule the world's running jobs afresh instead of reading
    /// their jobs and placements from the cache in the user's cache
    /// directory (also NOMAD_PREFLIGHT_NO_CACHE=1). See README, "Cache".
    #[arg(long, global = true)]
    pub no_cache: bool,
    /// The folder your deploy runs `nomad` from (default: the current
    /// folder). Nomad reads a job file's relative `file()`, `filebase64()`,
    /// `fileexists()` and `fileset()` paths from its working directory,
    /// not from the job file's folder.
    #[arg(long, global = true, value_name = "DIR")]
    pub nomad_dir: Option<std::path::PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

/// Each command's arguments are built only for the command that runs
/// (`defer`): clap built every command's arguments at start-up, ~0.4 M
/// instructions of a 10 M `check --staged`. Names and one-line help stay
/// eager, so the top-level help and suggestions are unchanged.
#[derive(Subcommand, Debug)]
#[command(defer = true)]
pub enum Command {
    /// Replay the demo script step by step and say whether it will go as scripted.
    Rehearse(rehearse::RehearseArgs),
    /// Print what `nomad job plan FILE` would print against the world.
    Plan(plan::PlanArgs),
    /// Validate job files like `nomad job validate`.
    Validate(validate::ValidateArgs),
    /// Lint job files against quota and priority rules.
    Check(check::CheckArgs),
    /// Print the documentation of a rule.
    Explain(explain::ExplainArgs),
    /// List every rule.
    Rules(explain::RulesArgs),
    /// Show the simulated cluster like `nomad node/job/quota status`.
    Status(status::StatusArgs),
    /// Read a real cluster's API JSON into a world.
    Import(import::ImportArgs),
    /// Install or remove the git pre-commit hook.
    #[command(subcommand)]
    Hook(hook::HookCommand),
}

/// Long flags that Nomad users type with one dash (`-verbose`, `-var`).
const NOMAD_STYLE_FLAGS: &[&str] = &[
    "verbose",
    "diff",
    "var",
    "var-file",
    "namespace",
    "vault-token",
    "vault-namespace",
    "json-output",
    "no-color",
    "force-color",
    "check-index",
    "world",
    "seed",
    "samples",
    "format",
    "staged",
    "base",
    "head",
    "changed",
    "deny",
    "force",
    "template-diff",
    "write",
    "print-commands",
    "output-format",
    "select",
    "extend-select",
    "ignore",
    "quiet",
    "exit-zero",
    "statistics",
    "no-cache",
];

/// Flags of `nomad job plan` / `nomad job validate` (and Nomad's global API
/// flags) that have no meaning offline or are not supported: each is
/// refused with a reason and the command's usage exit code, never read as
/// a cluster of short flags (`-hcl1` used to print help and exit 0).
const NOMAD_REFUSED_FLAGS: &[(&str, &str)] = &[
    ("hcl1", "HCL1 job files are not supported: nomad-preflight parses HCL2, as Nomad 1.x does by default (rule NP106 points at HCL1-only syntax)"),
    ("json", "job files in JSON are not supported: pass the HCL job file"),
    ("policy-override", "Sentinel policies are not evaluated offline, so there is nothing to override"),
    ("vault-token", "only `plan` takes it (Nomad 1.3.4-1.9.x put it into the planned job); nomad-preflight contacts no Vault: drop it"),
    ("vault-namespace", "only `plan` takes it (Nomad 1.3.4+ store it in the planned job); nomad-preflight contacts no Vault: drop it"),
    // `job run` has it from 1.1.0 (command/job_run.go); no release's
    // `job plan` does, so Nomad's flag package refuses it there too.
    ("consul-namespace", "no release's `nomad job plan` takes it (only `nomad job run`, 1.1.0+): flag provided but not defined"),
    ("address", "nomad-preflight contacts no cluster: the world comes from rules/ or --world DIR"),
    ("region", "nomad-preflight contacts no cluster: the region is the world's (`region` in rules/cluster.hcl)"),
    ("token", "nomad-preflight contacts no cluster: drop it"),
    ("ca-cert", "nomad-preflight contacts no cluster: drop it"),
    ("ca-path", "nomad-preflight contacts no cluster: drop it"),
    ("client-cert", "nomad-preflight contacts no cluster: drop it"),
    ("client-key", "nomad-preflight contacts no cluster: drop it"),
    ("tls-server-name", "nomad-preflight contacts no cluster: drop it"),
    ("tls-skip-verify", "nomad-preflight contacts no cluster: drop it"),
];

/// The exit code of a usage error for the command in `args`: Nomad's 255
/// for `plan` and `validate` (as `nomad job plan` returns), 2 elsewhere.
pub fn usage_exit_code(args: &[String]) -> i32 {
    let command = args.iter().skip(1).find(|a| !a.starts_with('-'));
    match command.map(String::as_str) {
        Some("plan" | "validate") => crate::diag::exit::NOMAD_ERROR,
        _ => crate::diag::exit::INVALID,
    }
}

/// A single-dash word flag that is not ours: Nomad's refused flags with
/// their reason, and any other `-word` (clap would read it as a cluster of
/// short flags, and `-h...` as a request for help).
pub fn refused_flag(args: &[String]) -> Option<String> {
    let command = args
        .iter()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .map(String::as_str);
    for a in args.iter().skip(1) {
        if a == "--" {
            break;
        }
        let Some(rest) = a.strip_prefix('-').filter(|r| !r.starts_with('-')) else {
            continue;
        };
        let name = rest.split('=').next().unwrap_or(rest);
        if name.len() < 2 || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        // Only `plan` takes a Vault token (it changes the planned job).
        if matches!(name, "vault-token" | "vault-namespace") && command != Some("plan") {
            let reason = refused_reason(name);
            return Some(format!("-{name}: {reason}"));
        }
        if NOMAD_STYLE_FLAGS.contains(&name) {
            continue;
        }
        if name == "hcl2-strict" {
            // Nomad's default: strict is what we do; only `=false` differs.
            if rest.ends_with("=false") {
                return Some(
                    "-hcl2-strict=false is not supported: undeclared variables in -var-file are errors here, as with Nomad's default".into(),
                );
            }
            continue;
        }
        let reason = refused_reason(name);
        return Some(format!("-{name}: {reason}"));
    }
    None
}

fn refused_reason(name: &str) -> String {
    NOMAD_REFUSED_FLAGS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, r)| r.to_string())
        .unwrap_or_else(|| "not a flag of nomad-preflight (see --help)".into())
}

/// Accept Nomad's single-dash long flags by rewriting them to clap's `--`.
pub fn normalize_args(args: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest_positional = false;
    for a in args {
        if rest_positional || a == "--" {
            rest_positional = true;
            out.push(a);
            continue;
        }
        let rewritten = a
            .strip_prefix('-')
            .filter(|r| !r.starts_with('-'))
            .filter(|r| {
                let name = r.split('=').next().unwrap_or(r);
                NOMAD_STYLE_FLAGS.contains(&name)
            })
            .map(|r| format!("--{r}"));
        out.push(rewritten.unwrap_or(a));
    }
    out
}

/// [`normalize_args`] over arguments as the OS gives them: a rewrite
/// only adds a leading `-`, so a non-UTF-8 argument keeps its bytes.
fn normalize_args_os(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let lossy: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let rewritten = normalize_args(lossy.iter().cloned());
    args.into_iter()
        .zip(lossy.iter().zip(rewritten))
        .map(|(orig, (before, after))| {
            if *before == after {
                orig
            } else {
                let mut dashed = std::ffi::OsString::from("-");
                dashed.push(&orig);
                dashed
            }
        })
        .collect()
}

pub fn main() -> i32 {
    // An argument need not be UTF-8 (a file name in Latin-1, passed by the
    // pre-commit framework): `std::env::args` panics on one. The flag
    // checks read a lossy copy (flags are ASCII); clap gets the argument
    // as given, and refuses it where it wants text.
    let raw_os: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let raw: Vec<String> = raw_os
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    // A command reads one state of the project and its repository (it
    // writes none of it): what it found once is kept for the run.
    crate::project::hold_one_state();
    let usage_code = usage_exit_code(&raw);
    if let Some(msg) = refused_flag(&raw) {
        eprintln!("error: {msg}");
        return usage_code;
    }
    // The pre-commit hook's command line (hook.rs writes it): its change
    // set is selected, and its files parsed, from now on, while clap reads
    // the command line; `check` uses that work only if the scope it parses
    // is this one (check::ahead).
    // The pre-commit framework's check hook at commit time is the same run.
    let early_staged = raw.len() == 3
        && raw[1] == "check"
        && (raw[2] == "--staged"
            || (raw[2] == "--pre-commit"
                && pre_commit::Mode::from_env() == pre_commit::Mode::Staged));
    if early_staged {
        // The early loads read relative paths from where `nomad` runs:
        // here, since this command line names no --nomad-dir.
        let _ = crate::work_dir::enable(None);
        crate::check::ahead::start_early(crate::check::select::Scope {
            staged: true,
            ..Default::default()
        });
    }
    // `-hcl2-strict` (=true) is Nomad's default and ours: nothing to pass on.
    let kept: Vec<std::ffi::OsString> = raw_os
        .into_iter()
        .filter(|a| !matches!(a.to_str(), Some("-hcl2-strict" | "-hcl2-strict=true")))
        .collect();
    let cli = if let Some(cli) = hook_command_line(&kept) {
        cli
    } else {
        match Cli::try_parse_from(normalize_args_os(kept)) {
            Ok(c) => c,
            Err(e) => {
                let code = if e.use_stderr() { usage_code } else { 0 };
                let _ = e.print();
                return code;
            }
        }
    };
    crate::cache_dir::enable(!cli.no_cache);
    // The plain hook's script runs a fixed `check --staged` at the top of
    // the work tree: a folder named here would be accepted and then not
    // be where the hook reads from (redteam R15-50), so it is refused.
    if matches!(cli.command, Command::Hook(_)) && cli.nomad_dir.is_some() {
        eprintln!("error: --nomad-dir is not written into the plain git hook, which reads a job's relative paths from the repository's top; run the hook through pre-commit with `args: [--nomad-dir, DIR]` (docs/ci.md), or call `nomad-preflight --nomad-dir DIR check --staged` from your own hook");
        return usage_code;
    }
    if let Err(msg) = crate::work_dir::enable(cli.nomad_dir.as_deref()) {
        eprintln!("error: {msg}");
        untold_usage(&cli.command, &Diag::error("cli::nomad-dir", msg).into());
        return usage_code;
    }
    let color = &cli.color;
    match &cli.command {
        Command::Rehearse(a) => rehearse::run(a, color),
        Command::Plan(a) => plan::run(a, color),
        Command::Validate(a) => validate::run(a, color.stdout()),
        Command::Check(a) => check::main(a, color),
        Command::Explain(a) => explain::run_explain(a),
        Command::Rules(a) => explain::run_rules(a),
        Command::Status(a) => run_status(a, color),
        Command::Import(a) => run_import(a, color),
        Command::Hook(a) => hook::run(a),
    }
}

/// A usage error found once the command line is read (a `--nomad-dir`
/// that is no folder), said on stdout too when the command asked for a
/// machine format: the document its own early exits print
/// ([`untold`]). Stderr and the exit code are the caller's, as before.
fn untold_usage(command: &Command, d: &crate::diag::Diags) {
    match command {
        Command::Plan(a) => {
            let what = if a.changed {
                untold::CHANGE
            } else {
                untold::PLAN
            };
            plan::print_exit(a, untold::PlanExit::from_diags(what, d));
        }
        Command::Check(a) => check::untold_report(a, d),
        Command::Rehearse(a) if a.format == rehearse::RehearseFormat::Json => {
            print!("{}", untold::rehearse_document(d));
        }
        Command::Validate(a) if a.format == common::TextOrJson::Json => {
            print!("{}", untold::validate_document(d));
        }
        _ => {}
    }
}

/// The pre-commit hook's own command line (hook.rs writes it), exactly
/// `check --staged`, as clap reads it, without clap: building its parser
/// for the one subcommand was ~0.15 ms of the hook's ~4 ms wall (first
/// touches of its code and data more than its instructions; BENCHMARKS.md,
/// "hook round 2"). Anything else, even the same flags spelt otherwise,
/// goes through clap; a test holds this equal to clap's reading.
fn hook_command_line(args: &[std::ffi::OsString]) -> Option<Cli> {
    let [_, command, flag] = args else {
        return None;
    };
    (command == "check" && flag == "--staged").then(|| Cli {
        color: ColorArgs::default(),
        no_cache: false,
        nomad_dir: None,
        command: Command::Check(check::CheckArgs {
            staged: true,
            ..Default::default()
        }),
    })
}

fn run_status(args: &status::StatusArgs, color: &ColorArgs) -> i32 {
    let err_color = color.stderr();
    let resolved = match common::resolve_world_announced(args.world.as_deref()) {
        Ok(r) => r,
        Err(d) => {
            common::eprint_diags(&d, err_color);
            return crate::diag::exit::INVALID;
        }
    };
    // An import's job view reads saved facts only: its jobs' records,
    // never a replay of them (status::registered_state).
    let registered = status::registered_state(args.view.as_ref(), &resolved.world);
    let sim;
    let (world, state) = match &registered {
        Some(state) => (&resolved.world, state),
        None => {
            sim = match crate::scheduler::Simulation::new(&resolved.world, args.seed.unwrap_or(1)) {
                Ok(s) => s,
                Err(d) => {
                    common::eprint_diags(&d, err_color);
                    return crate::diag::exit::INVALID;
                }
            };
            // A running job shown pending may run in full on the cluster.
            common::replay_warnings(&mut crate::diag::Diags::new(), &sim);
            (&*sim.world, &sim.state)
        }
    };
    if matches!(
        &args.view,
        Some(status::StatusView::Node { short: false, .. })
    ) {
        eprintln!("note: uptime and allocation and host resource utilisation come from a live client's stats; not shown offline");
    }
    let zone = crate::render::status::local_zone();
    // One lookup of a typed job prefix for the view and its notes.
    let view = status::resolved_view(args.view.as_ref(), world, state, &zone);
    let rendered = status::render_status(view.as_ref(), world, state, &zone);
    if args.format == explain::ListFormat::Json {
        if let Err((d, code)) = status::json_gate(view.as_ref(), world.nomad_version) {
            eprint!("{}", crate::diag::render(&[d], err_color));
            return code;
        }
        if let Ok(text) = &rendered {
            let (out, line, code) = status::json_view(view.as_ref(), text);
            print!("{out}");
            if let Some(line) = line {
                eprintln!("{}", crate::escape::one_line(&line));
            }
            return code;
        }
    }
    match rendered {
        Ok(text) => {
            // Job names, meta and IDs are input: no control sequence of
            // theirs reaches the terminal. The views print no colour of
            // their own, so none is kept even under colour: keeping
            // `ESC [ ... m` kept an imported name's `ESC[8m` (conceal).
            println!("{}", crate::escape::terminal(text.trim_end()));
            // Its Placement Failure lines are in Go's map order in Nomad:
            // said as `plan` says them.
            // An import's job view prints no simulated section.
            let imported = world.status_facts.is_some();
            if let (Some(status::StatusView::Job { id, namespace }), false) = (&view, imported) {
                let notes = crate::render::status::placement_failure_notes(state, namespace, id);
                for n in notes {
                    eprintln!("note: {}", crate::escape::one_line(&n));
                }
            }
            // Where the times come from, and what the import does not hold.
            let (notes, unknown) = status::status_notes(view.as_ref(), world, state, &zone);
            for n in notes {
                eprintln!("note: {}", crate::escape::one_line(&n));
            }
            if unknown {
                crate::diag::exit::FINDINGS
            } else {
                crate::diag::exit::OK
            }
        }
        Err(d) => {
            eprint!("{}", crate::diag::render(&[d], err_color));
            crate::diag::exit::FINDINGS
        }
    }
}

fn run_import(args: &import::ImportArgs, color: &ColorArgs) -> i32 {
    // The folder named is read wherever it is, as `--world DIR` is: saving
    // a cluster outside the repository and importing it from there is the
    // ordinary flow (redteam10 R10-1).
    let mut vfs = crate::vfs::DiskVfs::new(".");
    if let Some(dir) = &args.dir {
        vfs.admit_named(dir);
    }
    match import::run_import(&vfs, args) {
        Ok((text, warnings)) => {
            if !warnings.is_empty() {
                common::eprint_diags(&warnings, color.stderr());
            }
            // The region and the job names (the written files') are the
            // saved JSON's: no control sequence of theirs reaches the
            // terminal.
            print!("{}", crate::escape::terminal(&text));
            crate::diag::exit::OK
        }
        Err(d) => {
            common::eprint_diags(&d, color.stderr());
            crate::diag::exit::INVALID
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nomad_style_flags_are_accepted() {
        let got = normalize_args(
            [
                "x",
                "plan",
                "-verbose",
                "-var",
                "a=1",
                "-diff=false",
                "-x",
                "--",
                "-verbose",
            ]
            .map(String::from),
        );
        assert_eq!(
            got,
            [
                "x",
                "plan",
                "--verbose",
                "--var",
                "a=1",
                "--diff=false",
                "-x",
                "--",
                "-verbose"
            ]
        );
    }

    /// A guard (passes before and after the fast path exists): the hook's
    /// command line read without clap is what clap reads, and nothing
    /// else is taken from clap.
    #[test]
    fn the_hook_command_line_is_what_clap_reads() {
        let argv = |a: &[&str]| a.iter().map(std::ffi::OsString::from).collect::<Vec<_>>();
        let hook = argv(&["nomad-preflight", "check", "--staged"]);
        let fast = hook_command_line(&hook).expect("the hook's line");
        let clap = Cli::try_parse_from(normalize_args_os(hook)).expect("clap reads it");
        assert_eq!(format!("{fast:?}"), format!("{clap:?}"));
        for other in [
            &["nomad-preflight", "check", "-staged"][..],
            &["nomad-preflight", "check", "--staged", "--no-cache"],
            &["nomad-preflight", "check", "--pre-commit"],
            &["nomad-preflight", "--no-color", "check"],
            &["nomad-preflight", "plan", "--staged"],
        ] {
            assert!(hook_command_line(&argv(other)).is_none(), "{other:?}");
        }
    }

    #[test]
    fn cli_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
