//! `nomad-preflight validate`: what `nomad job validate` says, offline, with
//! located diagnostics instead of Nomad's one-line errors.

use std::path::PathBuf;

use super::common::TextOrJson;
use super::validate_out::{self, FileOut};
use crate::diag::{exit, render, Diags};
use crate::job_loader::JobLoader;
use crate::planner::{admission, validate_rpc};
use crate::render::job_file_error;
use crate::scheduler::Simulation;
use crate::vfs::DiskVfs;

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
    /// Judge by this world (the folder `check` and `plan` take with
    /// --world; default: rules/ found upwards, else the embedded demo).
    #[arg(long, value_name = "DIR")]
    pub world: Option<PathBuf>,
    /// Judge as this Nomad release instead of the world's `nomad_version`
    /// (the same flag and rule as `plan` and `check`).
    #[arg(long = "nomad-version", value_name = "X.Y.Z", value_parser = crate::cli::common::parse_version)]
    pub nomad_version: Option<crate::version::NomadVersion>,
    /// Accepted as `nomad job validate` accepts it, and without effect as
    /// there: its agent validates a job that names no namespace in
    /// "default" (`args.Namespace = job.Namespace` after canonicalising,
    /// command/agent/job_endpoint.go ValidateJobRequest, v0.9.3–v2.0.5).
    #[arg(long)]
    pub namespace: Option<String>,
    /// `json`: one document on stdout, each file's verdict, Nomad's text
    /// and diagnostics (docs/ci.md); exit codes as in text.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}

/// What every file is judged with: the one loader, the files it reads,
/// the world's cluster and its release.
struct Judge<'a> {
    loader: &'a JobLoader,
    vfs: &'a DiskVfs,
    sim: &'a Simulation,
    version: crate::version::NomadVersion,
    color: bool,
}

/// Nomad's exit codes: 0 valid, 1 invalid, 255 usage or I/O error.
pub fn run(args: &ValidateArgs, color: bool) -> i32 {
    let json = args.format == TextOrJson::Json;
    // The document is data: no colour of ours in it.
    let color = color && !json;
    // An exit before any file is judged: its diagnostics on stderr, and
    // under JSON the document saying it cannot tell.
    let stop = |d: &Diags| {
        eprint!("{}", render(&d.0, color));
        if json {
            print!("{}", super::untold::validate_document(d));
        }
        exit::NOMAD_ERROR
    };
    // The world `check` and `plan` use here, by the same rule
    // (`common::judge_as`): `--world`, else `rules/` found upwards, else
    // the embedded demo (said so on stderr, as they say it), its release
    // replaced by `--nomad-version`.
    let mut resolved = match crate::cli::common::resolve_world(args.world.as_deref()) {
        Ok(r) => r,
        Err(d) => return stop(&d),
    };
    if let Err(d) = crate::cli::common::judge_as(&mut resolved, args.nomad_version) {
        return stop(&d);
    }
    crate::cli::common::eprint_world_warnings(&resolved.warnings);
    if resolved.embedded {
        let cwd = std::env::current_dir().unwrap_or_default();
        eprintln!(
            "{}",
            crate::cli::common::fallback_notice_for(&cwd, &resolved.note)
        );
    }
    let version = resolved.world.nomad_version;
    // From 1.3 `nomad job validate` runs the servers' admission validators:
    // judged against the world's cluster, as `plan` judges.
    let sim = match Simulation::new(&resolved.world, 1) {
        Ok(sim) => sim,
        Err(d) => return stop(&d),
    };
    // The one loader (`-var` parser, fence, budgets); a `-var` Nomad would
    // ignore is said so.
    let loader = JobLoader::from_flags(
        &args.var,
        &args.var_file,
        version,
        crate::project::current_root(),
    )
    .for_servers(
        resolved.world.edition(),
        resolved.world.server.job_settings(),
        &resolved.world.region,
    )
    .with_running(&resolved.world);
    crate::cli::common::eprint_var_warnings(&loader, color);
    let named: Vec<&std::path::Path> = args.files.iter().map(PathBuf::as_path).collect();
    let vfs = loader.working_tree(&named);
    let judge = Judge {
        loader: &loader,
        vfs: &vfs,
        sim: &sim,
        version,
        color,
    };
    let mut worst = exit::OK;
    let mut entries = Vec::new();
    for file in &args.files {
        let mut out = FileOut::new(json, color);
        let code = one_file(&judge, file, &mut out);
        worst = worst.max(code);
        if json {
            entries.push(out.entry(file, code));
        }
    }
    if json {
        print!("{}", validate_out::document(version, entries));
    }
    worst
}

/// One file's answer, said through `out`; its exit code.
fn one_file(judge: &Judge<'_>, file: &std::path::Path, out: &mut FileOut) -> i32 {
    let Judge {
        loader,
        vfs,
        sim,
        version,
        color,
    } = *judge;
    let mut worst = exit::OK;
    // What Nomad's CLI cannot get (go-getter's words), exit 1 as its
    // validate's.
    if let Some(text) = crate::job_loader::getter::cannot_get(file) {
        out.err(&format!(
            "Error getting job struct: {}\n",
            crate::escape::one_line(&text)
        ));
        return exit::FINDINGS;
    }
    // A link, FIFO or device is the reader's to refuse, by name and
    // with the I/O code; only a folder or nothing at all is said here
    // (a path go-getter would not take for a plain file).
    let present = std::fs::symlink_metadata(file).is_ok();
    if file.is_dir() || !present {
        let why = if file.is_dir() {
            "is a directory (validate takes job files: validate DIR/*.nomad)"
        } else {
            "no such file"
        };
        // %q of the path as the OS gave it (a Latin-1 name keeps
        // its byte, `"M\xfcller.nomad"`, as Go prints it).
        out.err(&format!(
            "Error getting job struct: Error opening file {}: {why}\n",
            crate::gotext::go_quote_path(file)
        ));
        return exit::NOMAD_ERROR;
    }
    let mut parsed = loader.load(vfs, file);
    // The Validate endpoint gets the job as written (no region filled in).
    crate::jobspec::as_sent_to_validate(&mut parsed, version);
    let (errors, rest): (Vec<_>, Vec<_>) = parsed.diags.iter().cloned().partition(|d| d.is_error());
    // Nomad prints its own warnings only (below, in its words); our
    // advice goes to stderr.
    let advice: Vec<_> = rest
        .into_iter()
        .filter(|d| d.severity != crate::diag::Severity::Warning)
        .collect();
    // The note on the first line of Nomad's text follows that text.
    let (after, advice): (Vec<_>, Vec<_>) = advice
        .into_iter()
        .partition(|d| d.code == crate::jobspec::hcl1_fallback::NOTE);
    out.diags(&advice);
    if !errors.is_empty() || parsed.job.is_none() {
        // Nomad's own text for the version first (the servers'
        // admission refusals and Job.Validate's errors in one list),
        // then where it is.
        let servers = Some((&*sim.world, &sim.state));
        let path = file.display().to_string();
        let refusal = job_file_error::validate_refusal(&parsed, &path, version, servers);
        if let Some(line) = job_file_error::validate_stdout(&refusal) {
            out.out(&format!("{}\n\n", paint(color, "1;33", line)));
        }
        // Nomad's text names the file and quotes input: no control
        // sequence of theirs reaches the terminal.
        let nomad = crate::escape::terminal(&job_file_error::validate_text(&refusal, version));
        if nomad.is_empty() {
            // validateLocal passed what only the servers refuse.
            out.out(&format!(
                "{}\n",
                paint(color, "1;32", "Job validation successful")
            ));
        }
        let nomad = match nomad.strip_prefix("Job validation errors:\n") {
            Some(rest) => format!("{}\n{rest}", paint(color, "1;31", "Job validation errors:")),
            None => nomad,
        };
        if matches!(refusal, job_file_error::Refusal::CannotTell { .. }) {
            // Our line in place of Nomad's unknown text.
            for l in nomad.lines() {
                out.line(l.to_string());
            }
        } else {
            out.err(&nomad);
        }
        out.diags(&after);
        // Whether Nomad refuses the file is not known (a file we refused
        // to read among them: Nomad's CLI reads it): its text was not
        // printed, and the exit code says so. Refused for sure, with one
        // entry of the list unknown, or a file the system would not let
        // Nomad's CLI open either, is exit 1 as Nomad's validate exits
        // (command/job_validate.go: `Error getting job struct`,
        // `jr.Error != ""`), as `check` fails on its errors.
        let unknown = matches!(
            refusal,
            job_file_error::Refusal::CannotTell { refused: false, .. }
        );
        out.diags(&errors);
        return if unknown {
            exit::NOMAD_ERROR
        } else {
            exit::FINDINGS
        };
    }
    // Every answer below is a release's: a world that states none
    // leaves them unknown (`plan` and `check` say the same).
    let release_unknown =
        parsed
            .job
            .as_ref()
            .and_then(|job| match crate::world::guess::unknown(&sim.world, job)? {
                g @ crate::world::guess::WorldGuess::Version { .. } => Some((job, g)),
                _ => None,
            });
    if let Some((job, unknown)) = release_unknown {
        out.line(format!(
            "error: {}",
            crate::escape::one_line(&unknown.line(job))
        ));
        return exit::NOMAD_ERROR;
    }
    // The agent sends the validation to the region asked for: another
    // region's servers, or (none in the federation) validateLocal.
    // Only a job the file's own validation refuses is refused either way.
    let region_unknown = parsed.job.as_ref().and_then(|job| {
        Some((
            job,
            crate::mutators::region_forward::validate_unknown(&sim.world, job)?,
        ))
    });
    if let Some((job, unknown)) = region_unknown {
        out.line(format!(
            "error: {}",
            crate::escape::one_line(&unknown.line(job))
        ));
        return exit::NOMAD_ERROR;
    }
    // An entry of the servers' list the world does not give
    // (`planner::entry_unknown`: the Vault hook's from 1.3, Enterprise's
    // namespace clusters, the community edition's, a `regexp` value
    // Go's size limits may refuse, a time zone the servers' zone files
    // decide, the namespace validator's from 1.3), and from 0.12.4 the
    // edition that decides whether Job.Validate refuses a multiregion
    // job: Nomad's text is not known, never its success nor its list
    // without that entry. (Unless the servers fail the request first,
    // a failed mutator: then the CLI validates locally, without the
    // namespace validator.)
    let Some(job) = parsed.job.as_ref() else {
        return worst;
    };
    let answered = validate_rpc::rpc_error(&sim.world, &sim.state, job).is_none();
    let untold = crate::planner::entry_unknown(&sim.world, job)
        .filter(|u| answered || !matches!(u, crate::planner::CannotKnow::World(_)))
        .map(|u| u.line(job))
        .or_else(|| {
            let u = crate::mutators::multiregion::validate_unknown(&sim.world, job)?;
            Some(u.line(job))
        });
    let refused = validate_rpc::validate_errors(&sim.world, &sim.state, job);
    if let Some(line) = untold {
        // The entries known for sure refuse the job whatever the
        // unknown one says: exit 1 as Nomad's validate exits
        // (`jr.Error != ""`), with the line that says only the words
        // are unknown, and those entries; `plan` says the same line
        // (exit 255) and `check` fails on them (exit 1).
        let sure = !refused.is_empty();
        let line = job_file_error::untold_line(&line, sure);
        out.line(format!("error: {}", crate::escape::one_line(&line)));
        let known = crate::planner::entry_unknown::known_entries(&sim.world, job, &refused);
        out.err(&job_file_error::entries_text(&known));
        return if sure {
            exit::FINDINGS
        } else {
            exit::NOMAD_ERROR
        };
    }
    if !refused.is_empty() {
        out.err(&format!(
            "{}\n{}\n",
            paint(color, "1;31", "Job validation errors:"),
            crate::gotext::multierror(&refused, version)
        ));
        return exit::FINDINGS;
    }
    // The servers' warnings in their words (the loader's warnings are
    // the same checks, located for `check`).
    let local = parsed
        .job
        .as_ref()
        .is_some_and(|job| validate_rpc::rpc_error(&sim.world, &sim.state, job).is_some());
    if local {
        out.out(&format!(
            "{}\n\n",
            paint(color, "1;33", validate_rpc::LOCAL_VALIDATION)
        ));
    }
    let text = parsed
        .job
        .as_ref()
        .map(|job| {
            if local {
                // validateLocal: Job.Warnings of the job as sent.
                return admission::warnings_text(&crate::jobspec::nomad_warnings(job, version));
            }
            // Job.Warnings reads the job as the admission mutators leave it.
            let job = crate::mutators::applied(job, version, &sim.world.server);
            admission::warnings_text(&admission::warnings(&sim.world, &job))
        })
        .unwrap_or_default();
    if !text.is_empty() {
        out.out(&format!(
            "{}\n\n",
            paint(color, "1;33", &format!("Job Warnings:\n{text}"))
        ));
    }
    out.out(&format!(
        "{}\n",
        paint(color, "1;32", "Job validation successful")
    ));
    // Nomad's validate is silent here, but the submission will fail.
    let unchecked = parsed
        .job
        .as_ref()
        .and_then(|job| validate_rpc::unchecked_by_validate(&sim.world, &sim.state, job));
    let will_fail = unchecked.is_some();
    if let Some(text) = unchecked.and_then(|a| a.warning_text()) {
        out.warning(&crate::escape::terminal(&text));
        worst = worst.max(exit::FINDINGS);
    }
    // Before 1.3 validate does not read the namespace, but the plan and
    // the run do: whether they accept the job is not known.
    let namespace_unknown = crate::world::guess::namespace_unknown(&sim.world, job);
    if let Some(unknown) = namespace_unknown.filter(|_| !will_fail) {
        out.line(format!(
            "error: {}",
            crate::escape::one_line(&unknown.line(job))
        ));
        worst = worst.max(exit::NOMAD_ERROR);
    }
    // Before 1.3 validate (and plan) never check Vault; the run does.
    if let Some(job) = &parsed.job {
        if let Some(u) = crate::mutators::vault::run_unknown(&sim.world, job) {
            out.line(format!("note: {}", crate::escape::one_line(&u.line(job))));
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
