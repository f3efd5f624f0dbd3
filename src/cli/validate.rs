//! `nomad-preflight validate`: what `nomad job validate` says, offline, with
//! located diagnostics instead of Nomad's one-line errors.

use std::path::PathBuf;

use crate::diag::{exit, render, Diags};
use crate::job_loader::JobLoader;
use crate::jobspec::LoadOptions;
use crate::planner::admission;

#[derive(Debug, Clone, clap::Args)]
pub struct ValidateArgs {
    /// Job files to validate.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Set an HCL2 variable: `--var name=value` (repeatable).
    #[arg(long = "var", value_name = "KEY=VALUE")]
    pub var: Vec<String>,
    /// Read HCL2 variables from a file (repeatable).
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_file: Vec<PathBuf>,
    /// Judge by this world's Nomad version (the folder `check` and `plan`
    /// take with --world), so the three commands agree on one file.
    #[arg(long, value_name = "DIR", conflicts_with = "nomad_version")]
    pub world: Option<PathBuf>,
    /// Judge as this Nomad version would (default: the world's, found as
    /// `check` and `plan` find it; without a world, the newest we know).
    #[arg(long = "nomad-version", value_name = "X.Y.Z", value_parser = parse_version)]
    pub nomad_version: Option<crate::version::NomadVersion>,
}

fn parse_version(s: &str) -> Result<crate::version::NomadVersion, String> {
    s.parse()
        .map_err(|_| format!("{s:?} is not a Nomad version (write it as 1.6.1)"))
}

/// Nomad's exit codes: 0 valid, 1 invalid, 255 usage or I/O error.
pub fn run(args: &ValidateArgs, color: bool) -> i32 {
    // The world `check` and `plan` would use here (`--world`, else
    // `rules/` found upwards) sets the version, so the three agree; with
    // none, judge as the newest release, as Nomad's own CLI does.
    let cwd = std::env::current_dir().unwrap_or_default();
    let world_dir = args
        .world
        .clone()
        .or_else(|| crate::world::find_world(&cwd));
    let world = match &world_dir {
        Some(dir) => match crate::cli::common::resolve_world(Some(dir)) {
            Ok(r) => Some(r.world),
            Err(d) => {
                eprint!("{}", render(&d.0, color));
                return exit::NOMAD_ERROR;
            }
        },
        None => None,
    };
    let version = args
        .nomad_version
        .or(world.as_ref().map(|w| w.nomad_version))
        .unwrap_or(LoadOptions::default().version);
    // From 1.3 `nomad job validate` runs the servers' admission validators:
    // judged against the world's cluster, as `plan` judges.
    let cluster = match world {
        Some(mut w) => {
            w.nomad_version = version;
            match crate::scheduler::Simulation::new(&w, 1) {
                Ok(sim) => Some(sim),
                Err(d) => {
                    eprint!("{}", render(&d.0, color));
                    return exit::NOMAD_ERROR;
                }
            }
        }
        None => None,
    };
    // The one loader (`-var` parser, fence, budgets); a `-var` Nomad would
    // ignore is said so.
    let loader = JobLoader::from_flags(
        &args.var,
        &args.var_file,
        version,
        crate::project::current_root(),
    );
    crate::cli::common::eprint_var_warnings(&loader, color);
    let named: Vec<&std::path::Path> = args.files.iter().map(PathBuf::as_path).collect();
    let vfs = loader.working_tree(&named);
    let mut worst = exit::OK;
    for file in &args.files {
        // A link, FIFO or device is the reader's to refuse, by name and
        // with the I/O code; only a folder or nothing at all is said here.
        let present = std::fs::symlink_metadata(file).is_ok();
        if file.is_dir() || !present {
            let why = if file.is_dir() {
                "is a directory (validate takes job files: validate DIR/*.nomad)"
            } else {
                "no such file"
            };
            eprintln!(
                "Error getting job struct: Error opening file \"{}\": {why}",
                file.display()
            );
            worst = exit::NOMAD_ERROR;
            continue;
        }
        let parsed = loader.load(&vfs, file);
        let (errors, rest): (Vec<_>, Vec<_>) =
            parsed.diags.iter().cloned().partition(|d| d.is_error());
        // Nomad prints its own warnings only; our advice goes to stderr.
        let (warnings, advice): (Vec<_>, Vec<_>) = rest
            .into_iter()
            .partition(|d| d.severity == crate::diag::Severity::Warning);
        eprint!("{}", render(&advice, color));
        if !errors.is_empty() || parsed.job.is_none() {
            // Nomad's own text for the version first, then where it is.
            let nomad = crate::render::job_file_error::validate_error(
                &parsed,
                &file.display().to_string(),
                loader.version(),
            );
            let nomad = match nomad.strip_prefix("Job validation errors:\n") {
                Some(rest) => format!("{}\n{rest}", paint(color, "1;31", "Job validation errors:")),
                None => nomad,
            };
            eprint!("{nomad}");
            // A file that could not be read is an I/O error (README, Exit
            // codes), a refused link included, as a missing file is.
            let io = errors.iter().any(|d| d.code == "io::read");
            eprint!("{}", render(&Diags(errors).0, color));
            worst = worst.max(if io {
                exit::NOMAD_ERROR
            } else {
                exit::FINDINGS
            });
            continue;
        }
        let refused = match (&cluster, &parsed.job) {
            (Some(sim), Some(job)) => admission::validate_errors(&sim.world, &sim.state, job),
            _ => Vec::new(),
        };
        if !refused.is_empty() {
            eprintln!("{}", paint(color, "1;31", "Job validation errors:"));
            eprintln!("{}", crate::gotext::multierror(&refused, version));
            worst = worst.max(exit::FINDINGS);
            continue;
        }
        if !warnings.is_empty() {
            let mut text = format!("{} warning(s):\n", warnings.len());
            for w in &warnings {
                text.push_str(&format!("\n* {}", w.message));
            }
            println!(
                "{}",
                paint(color, "1;33", &format!("Job Warnings:\n{text}"))
            );
            println!();
        }
        println!("{}", paint(color, "1;32", "Job validation successful"));
        // Nomad's validate is silent here, but the submission will fail.
        let unchecked = match (&cluster, &parsed.job) {
            (Some(sim), Some(job)) => admission::unchecked_by_validate(&sim.world, &sim.state, job),
            _ => None,
        };
        if let Some(text) = unchecked.and_then(|a| a.warning_text()) {
            print!("{}", crate::report::escape::terminal(&text));
            worst = worst.max(exit::FINDINGS);
        }
    }
    worst
}

fn paint(color: bool, code: &str, text: &str) -> String {
    if color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}
