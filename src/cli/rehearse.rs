//! `nomad-preflight rehearse`: the demo, step by step, offline.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use super::common::{self, ColorArgs};
use crate::diag::exit;
use crate::rehearse::{self, replay};
use crate::vfs::{DiskVfs, Vfs};

#[derive(clap::ValueEnum, Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RehearseFormat {
    #[default]
    Text,
    Json,
}

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
    /// Replays with other node shuffles, to measure each expectation's likelihood (0: off).
    #[arg(long, default_value_t = 200)]
    pub samples: u32,
    #[arg(long, value_enum, default_value_t = RehearseFormat::Text)]
    pub format: RehearseFormat,
}

pub fn run(args: &RehearseArgs, color: &ColorArgs) -> i32 {
    let err_color = color.stderr();
    let resolved = match common::resolve_world(args.world.as_deref()) {
        Ok(r) => r,
        Err(d) => {
            common::eprint_diags(&d, err_color);
            return exit::INVALID;
        }
    };
    if resolved.embedded {
        let cwd = std::env::current_dir().unwrap_or_default();
        eprintln!("{}", common::fallback_notice(&cwd));
    }
    if !resolved.warnings.is_empty() {
        common::eprint_diags(&resolved.warnings, err_color);
    }
    let mut resolved = resolved;
    for note in crate::world::before::for_rehearsal(&mut resolved.world) {
        eprintln!("{note}");
    }
    let source = match &args.file {
        Some(f) => DiskVfs::new(".").read(f),
        None => resolved
            .files
            .read(Path::new(crate::embedded::REHEARSAL))
            .or_else(|_| crate::embedded::demo().read(Path::new(crate::embedded::REHEARSAL))),
    };
    let source = match source {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "{}",
                crate::diag::render(
                    &[crate::diag::Diag::error(
                        "io::read",
                        format!("cannot read the rehearsal file: {e}")
                    )
                    .help("pass the rehearsal file as an argument: nomad-preflight rehearse FILE")],
                    err_color
                )
            );
            return exit::INVALID;
        }
    };
    let rehearsal = match rehearse::parse(&source) {
        Ok(r) => r,
        Err(d) => {
            common::eprint_diags(&d, err_color);
            return exit::INVALID;
        }
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
    };
    let outcome = match replay::rehearse(
        &rehearsal,
        resolved.files.as_ref(),
        &resolved.world,
        &opts,
        &progress,
    ) {
        Ok(o) => o,
        Err(d) => {
            common::eprint_diags(&d, err_color);
            return exit::INVALID;
        }
    };
    match args.format {
        RehearseFormat::Text => print!(
            "{}",
            rehearse::report::text(
                &rehearsal,
                &resolved.world,
                &resolved.note,
                &outcome,
                color.stdout()
            )
        ),
        RehearseFormat::Json => {
            let v = rehearse::report::json(&rehearsal, &resolved.world, &outcome);
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        }
    }
    if outcome.failed() == 0 {
        exit::OK
    } else {
        exit::FINDINGS
    }
}
