//! Command-line interface: one module per command, shared plumbing in `common`.

pub mod check;
pub mod common;
pub mod explain;
pub mod hook;
pub mod import;
pub mod plan;
pub mod rehearse;
pub mod status;
pub mod validate;

use clap::{Parser, Subcommand};

use common::ColorArgs;

/// What `nomad job plan` would say, before anything is submitted and without a cluster.
#[derive(Parser, Debug)]
#[command(name = "nomad-preflight", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub color: ColorArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
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
];

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

pub fn main() -> i32 {
    let args = normalize_args(std::env::args());
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() {
                crate::diag::exit::INVALID
            } else {
                0
            };
            let _ = e.print();
            return code;
        }
    };
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

fn run_status(args: &status::StatusArgs, color: &ColorArgs) -> i32 {
    let err_color = color.stderr();
    let resolved = match common::resolve_world(args.world.as_deref()) {
        Ok(r) => r,
        Err(d) => {
            common::eprint_diags(&d, err_color);
            return crate::diag::exit::INVALID;
        }
    };
    if resolved.embedded {
        let cwd = std::env::current_dir().unwrap_or_default();
        eprintln!("{}", common::fallback_notice(&cwd));
    }
    let sim = match crate::scheduler::Simulation::new(&resolved.world, args.seed.unwrap_or(1)) {
        Ok(s) => s,
        Err(d) => {
            common::eprint_diags(&d, err_color);
            return crate::diag::exit::INVALID;
        }
    };
    match status::render_status(args.view.as_ref(), &sim.world, &sim.state) {
        Ok(text) => {
            println!("{}", text.trim_end());
            crate::diag::exit::OK
        }
        Err(d) => {
            eprint!("{}", crate::diag::render(&[d], err_color));
            crate::diag::exit::FINDINGS
        }
    }
}

fn run_import(args: &import::ImportArgs, color: &ColorArgs) -> i32 {
    let vfs = crate::vfs::DiskVfs::new(".");
    match import::run_import(&vfs, args) {
        Ok((text, warnings)) => {
            if !warnings.is_empty() {
                common::eprint_diags(&warnings, color.stderr());
            }
            print!("{text}");
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

    #[test]
    fn cli_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
