//! `nomad-preflight rehearse`: the demo, step by step, offline.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use super::common::{self, ColorArgs};
use crate::diag::exit;
use crate::rehearse::{self, replay};
use crate::vfs::{DiskVfs, Vfs};

/// `rehearse`'s formats: text, or its JSON report.
pub type RehearseFormat = common::TextOrJson;

#[derive(clap::Args, Debug, Clone)]
pub struct RehearseArgs {
    /// Rehearsal file (default: rehearsals/demo.hcl of the project, else the embedded demo).
    pub file: Option<PathBuf>,
    /// World directory (default: rules/ found upwards, else the embedded demo).
    #[arg(long, value_name = "DIR")]
    pub world: Option<PathBuf>,
    /// Seed of the deterministic run.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Replays with other node shuffles besides the run shown; every verdict counts them all (0: the run shown only).
    #[arg(long, default_value_t = 200)]
    pub samples: u32,
    /// Percentage of replays an expectation must hold in to pass (default 100: every replay).
    /// A lower value accepts the risk that the demo goes otherwise on the day.
    #[arg(long, value_name = "PERCENT", default_value_t = 100.0, value_parser = parse_confidence)]
    pub confidence: f64,
    #[arg(long, value_enum, default_value_t = RehearseFormat::Text)]
    pub format: RehearseFormat,
    /// The version the cluster runs of a job listed in `running` (matched by
    /// namespace and job ID), where git cannot tell it (repeatable).
    #[arg(long = "running", value_name = "OLD_FILE")]
    pub running: Vec<PathBuf>,
    /// The time a periodic job's next launch is counted from in each plan
    /// (RFC 3339, e.g. 2026-12-01T09:00:00Z), for reproducible output;
    /// default: now.
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<jiff::Timestamp>,
}

pub fn run(args: &RehearseArgs, color: &ColorArgs) -> i32 {
    let err_color = color.stderr();
    let resolved = match common::resolve_world_announced_but_warnings(args.world.as_deref()) {
        Ok(r) => r,
        Err(d) => return stop(args, &d, err_color),
    };
    // The running jobs' own warnings, as the rehearsal always showed them.
    let jobs_own: Vec<crate::diag::Diag> = resolved
        .warnings
        .iter()
        .filter(|d| !crate::world::guess::is_world_warning(&d.code))
        .cloned()
        .collect();
    if !jobs_own.is_empty() {
        common::eprint_diags(&crate::diag::Diags(jobs_own), err_color);
    }
    let mut resolved = resolved;
    let mut notes = Vec::new();
    let starting = match crate::world::before::for_rehearsal(
        &mut resolved.world,
        &args.running,
        !resolved.embedded,
        &mut notes,
    ) {
        Ok(s) => s,
        Err(d) => {
            common::eprint_world_warnings(&resolved.warnings);
            return stop(args, &d, err_color);
        }
    };
    // The world's warnings as the starting versions leave them.
    common::eprint_world_warnings(&crate::world::settled_warnings(
        &resolved.warnings,
        &resolved.world.warnings,
    ));
    for note in notes {
        eprintln!("{}", crate::escape::one_line(&note));
    }
    // Without an earlier version the starting cluster may already run the
    // edits: the rehearsal still runs, but it cannot be an all-clear.
    let unknown = starting.unknown_line();
    if let Some(line) = &unknown {
        eprintln!("warning: {}", crate::escape::one_line(line));
    }
    let source = match &args.file {
        Some(f) => {
            let mut vfs = DiskVfs::new(".");
            vfs.admit_named(f);
            vfs.read(f)
        }
        None => resolved
            .files
            .read(Path::new(crate::embedded::REHEARSAL))
            .or_else(|_| crate::embedded::demo().read(Path::new(crate::embedded::REHEARSAL))),
    };
    let source = match source {
        Ok(s) => s,
        Err(e) => {
            let d = crate::diag::Diag::error(
                "io::read",
                format!("cannot read the rehearsal file: {e}"),
            )
            .help("pass the rehearsal file as an argument: nomad-preflight rehearse FILE");
            return stop(args, &d.into(), err_color);
        }
    };
    let rehearsal = match rehearse::parse(&source) {
        Ok(r) => r,
        Err(d) => return stop(args, &d, err_color),
    };
    let show_progress = args.samples > 0 && std::io::stderr().is_terminal();
    let progress = |done: u32, total: u32| {
        if show_progress && (done % 10 == 0 || done == total) {
            let mut e = std::io::stderr();
            let _ = write!(e, "\rreplaying {done}/{total}");
            if done == total {
                let _ = write!(e, "\r\x1b[K");
            }
        }
    };
    let opts = replay::Options {
        seed: args.seed,
        samples: args.samples,
        confidence: args.confidence / 100.0,
        now: args.now.unwrap_or_else(jiff::Timestamp::now).as_second(),
        zone: crate::render::status::local_zone(),
    };
    if let Err(d) = rehearse::limits::check(&rehearsal, args.samples) {
        return stop(args, &d.into(), err_color);
    }
    let (files, world) = (resolved.files.as_ref(), &resolved.world);
    let outcome = match args.format {
        // Each step is printed as soon as its verdicts are known, so a long
        // rehearsal shows progress and its text is never held whole. The
        // header waits for the first step: an error before it leaves stdout
        // empty.
        RehearseFormat::Text => {
            let color_out = color.stdout();
            let mut out = std::io::stdout().lock();
            let mut i = 0;
            let outcome = replay::rehearse_streaming(
                &rehearsal,
                files,
                world,
                &opts,
                &progress,
                &mut |r, likes| {
                    let mut text = String::new();
                    if i == 0 {
                        text = rehearse::report::header(
                            &rehearsal,
                            world,
                            &resolved.note,
                            opts.samples,
                            opts.confidence,
                            color_out,
                        );
                    }
                    text.push_str(&rehearse::report::step_text(
                        &rehearsal,
                        i,
                        &r,
                        likes,
                        opts.confidence,
                        color_out,
                    ));
                    i += 1;
                    // Every input the step quotes was escaped where the
                    // report laid it out (rehearse/report.rs); this pass
                    // keeps our colours and shows any other control
                    // character, should one have been missed.
                    let text = crate::escape::terminal_output(&text, color_out);
                    // A closed pipe (`| head`) is not an error of the rehearsal.
                    let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
                },
            );
            if let Ok(o) = &outcome {
                let mut text = rehearse::report::summary(o);
                if unknown.is_some() {
                    text.push_str(
                        "Not an all-clear: the cluster's starting versions are unknown (see stderr)\n",
                    );
                }
                let _ = out.write_all(text.as_bytes());
            }
            outcome
        }
        RehearseFormat::Json => replay::rehearse(&rehearsal, files, world, &opts, &progress)
            .inspect(|o| {
                let mut v = rehearse::report::json(&rehearsal, world, o);
                v["before"] = starting.json();
                v["summary"]["before_known"] = starting.is_known().into();
                if unknown.is_some() {
                    v["summary"]["all_clear"] = false.into();
                }
                println!("{}", crate::escape::json_pretty(&v).unwrap_or_default());
            }),
    };
    let outcome = match outcome {
        Ok(o) => o,
        Err(d) => return stop(args, &d, err_color),
    };
    // Exit 0 only when every expectation holds in every replay (or in the
    // share `--confidence` accepts) and the starting cluster is known: a demo
    // that works on half the node shuffles, or from a cluster that may
    // already run the edits, is not an all-clear.
    if outcome.all_clear() && starting.is_known() {
        exit::OK
    } else {
        exit::FINDINGS
    }
}

/// An exit before the rehearsal's report (a world that does not load, a
/// rehearsal file unreadable or invalid, a limit passed, a replay that
/// fails): the diagnostics on stderr, as before, and under `--format json`
/// the document saying it cannot tell ([`super::untold::rehearse_document`]);
/// exit 2. A step already printed in text stays printed: text is for
/// people, who read stderr too.
fn stop(args: &RehearseArgs, d: &crate::diag::Diags, err_color: bool) -> i32 {
    common::eprint_diags(d, err_color);
    if args.format == RehearseFormat::Json {
        print!("{}", super::untold::rehearse_document(d));
    }
    exit::INVALID
}

fn parse_confidence(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .trim_end_matches('%')
        .parse()
        .map_err(|_| format!("{s:?} is not a percentage (say 95 for 95% of replays)"))?;
    if (0.0..=100.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{s} is outside 0..=100 (a percentage of replays)"))
    }
}
