//! `nomad-preflight validate`: what `nomad job validate` says, offline, with
//! located diagnostics instead of Nomad's one-line errors.

use std::path::PathBuf;

use crate::diag::{exit, render, Diags};
use crate::jobspec::{self, LoadOptions};
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
}

/// Nomad's exit codes: 0 valid, 1 invalid, 255 usage or I/O error.
pub fn run(args: &ValidateArgs, color: bool) -> i32 {
    let mut vars = Vec::new();
    for v in &args.var {
        match v.split_once('=') {
            Some((k, val)) if !k.is_empty() => vars.push((k.to_string(), val.to_string())),
            _ => {
                eprintln!("Error parsing -var: \"{v}\" is not of the form KEY=VALUE");
                return exit::NOMAD_ERROR;
            }
        }
    }
    let env_vars: std::collections::BTreeMap<String, String> = std::env::vars()
        .filter_map(|(k, v)| k.strip_prefix("NOMAD_VAR_").map(|n| (n.to_string(), v)))
        .collect();
    let mut vfs = DiskVfs::new(".");
    for f in args.files.iter().chain(&args.var_file) {
        vfs.admit_named(f);
    }
    let root = vfs.fence().root().to_path_buf();
    let mut worst = exit::OK;
    for file in &args.files {
        if !file.is_file() {
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
        let opts = LoadOptions {
            vars: vars.clone(),
            var_files: args.var_file.clone(),
            env_vars: env_vars.clone(),
            repo_root: Some(root.clone()),
            ..LoadOptions::default()
        };
        let parsed = jobspec::load(&vfs, file, &opts);
        let (errors, rest): (Vec<_>, Vec<_>) =
            parsed.diags.iter().cloned().partition(|d| d.is_error());
        // Nomad prints its own warnings only; our advice goes to stderr.
        let (warnings, advice): (Vec<_>, Vec<_>) = rest
            .into_iter()
            .partition(|d| d.severity == crate::diag::Severity::Warning);
        eprint!("{}", render(&advice, color));
        if !errors.is_empty() || parsed.job.is_none() {
            eprintln!("{}", paint(color, "1;31", "Job validation errors:"));
            eprint!("{}", render(&Diags(errors).0, color));
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
