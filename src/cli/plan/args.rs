//! `nomad-preflight plan`'s arguments, and the request they make of
//! Nomad's CLI (namespace, Vault token) per release (split from
//! cli/plan.rs, no behaviour change).

use std::path::PathBuf;

use crate::cli::common::{self, VarArgs};
use crate::diag::{Diag, Diags};
use crate::job_loader::{RequestNamespace, RequestVaultToken};

#[derive(clap::ValueEnum, Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PlanFormat {
    #[default]
    Text,
    Json,
    /// A summary table (for `$GITHUB_STEP_SUMMARY`).
    Markdown,
}

#[derive(clap::Args, Debug, Clone, Default)]
pub struct PlanArgs {
    /// The job file, as you would pass it to `nomad job plan` (not with --changed).
    #[arg(required_unless_present = "changed", conflicts_with = "changed")]
    pub file: Option<PathBuf>,
    /// Plan every job file changed between --base and head (or staged: --staged).
    #[arg(long)]
    pub changed: bool,
    /// New versions from the index, running versions and world from HEAD (pre-commit).
    #[arg(long, conflicts_with = "base")]
    pub staged: bool,
    /// Running versions and world from this revision (CI: origin/main).
    #[arg(long, value_name = "REF")]
    pub base: Option<String>,
    /// With --base: new versions from this revision (default: the working tree).
    #[arg(long, value_name = "REF", requires = "base")]
    pub head: Option<String>,
    /// With --changed, what the pre-commit framework's hook runs: `--base
    /// FROM --head TO` under `pre-commit run --from-ref FROM --to-ref TO`,
    /// else `--staged`.
    #[arg(long, requires = "changed", conflicts_with_all = ["staged", "base", "head"])]
    pub pre_commit: bool,
    /// With --changed and --gate, what git's pre-push hook runs (`hook
    /// install --pre-push --plan`): every ref git pushes to REMOTE (its lines
    /// on stdin), each planned against what the remote holds. Only with
    /// --gate: without it exit 1 means "allocations change", and one ref's
    /// would hide another's "cannot tell".
    #[arg(long, value_name = "REMOTE", requires = "changed", requires = "gate", conflicts_with_all = ["staged", "base", "head", "pre_commit"])]
    pub pre_push: Option<String>,
    /// Exit 1 only when the policy refuses a plan (protected jobs), not
    /// whenever allocations change: for hooks and CI gates.
    #[arg(long)]
    pub gate: bool,
    /// Show the full diff (Nomad's -verbose; -verbose=true as Go flags take it).
    #[arg(long, default_value_t = false, action = clap::ArgAction::Set, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub verbose: bool,
    /// Show the job diff (Nomad's -diff; -diff=false hides it).
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub diff: bool,
    /// Namespace for a job file that does not name one (Nomad's -namespace;
    /// else `NOMAD_NAMESPACE`, as Nomad's CLI reads it). Before 1.0.9 and
    /// 1.1.0–1.1.2 Nomad plans such a job in "default" whatever it says.
    #[arg(long)]
    pub namespace: Option<String>,
    /// The Vault token Nomad 1.3.4-1.9.x's plan puts into the job (Nomad's
    /// -vault-token; else `VAULT_TOKEN`): a running job then counts as
    /// changed. Other releases' plan has no such flag.
    #[arg(long, value_name = "TOKEN")]
    pub vault_token: Option<String>,
    /// The Vault namespace Nomad 1.3.4+'s plan stores in the job (Nomad's
    /// -vault-namespace): shown in the diff, and given to each `vault`
    /// block without one.
    #[arg(long, value_name = "NAMESPACE")]
    pub vault_namespace: Option<String>,
    /// Nomad 2.0.5+'s -json-output: print only the plan response document
    /// Nomad prints (no Preflight key; `--format json` adds ours), with
    /// Nomad's exit code. Earlier releases' plan has no such flag.
    #[arg(long = "json-output", conflicts_with_all = ["changed", "format", "samples", "template_diff"])]
    pub json_output: bool,
    /// Nomad 2.0.5+'s -t (a Go template over the plan response): refused,
    /// as nomad-preflight has no Go template engine; use -json-output.
    #[arg(short = 't', value_name = "TEMPLATE", conflicts_with = "changed")]
    pub template: Option<String>,
    #[command(flatten)]
    pub vars: VarArgs,
    /// World directory (default: rules/ found upwards, else the embedded demo).
    #[arg(long, value_name = "DIR")]
    pub world: Option<PathBuf>,
    /// Judge as this Nomad release instead of the world's `nomad_version`
    /// (the same flag and rule as `validate` and `check`).
    #[arg(long = "nomad-version", value_name = "X.Y.Z", value_parser = common::parse_version)]
    pub nomad_version: Option<crate::version::NomadVersion>,
    /// Seed of the simulated node shuffle.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Replay the plan under N node shuffles and report each outcome's
    /// share; the policy gate then samples at least N shuffles where it
    /// passes a plan over samples only, for a tighter bound (with
    /// --changed, that alone: the outcomes' shares are `plan FILE`'s).
    #[arg(long, default_value_t = 0)]
    pub samples: u32,
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,
    /// Show template and heredoc changes as line diffs after Nomad's text.
    #[arg(long)]
    pub template_diff: bool,
    /// The version the cluster runs of FILE's job, as a job file (for
    /// projects without git, or to compare with another version than git
    /// HEAD): the same job ID, and FILE's namespace unless it writes one.
    #[arg(long, value_name = "OLD_FILE", conflicts_with = "changed")]
    pub running: Option<PathBuf>,
    /// The time a periodic job's next launch is counted from (RFC 3339,
    /// e.g. 2026-12-01T09:00:00Z), for reproducible output; default: now.
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<jiff::Timestamp>,
}
impl PlanArgs {
    /// `--now` in Unix seconds, else the clock's.
    pub fn now_seconds(&self) -> i64 {
        self.now.unwrap_or_else(jiff::Timestamp::now).as_second()
    }

    /// The namespace Nomad's CLI would ask for (`-namespace`, else
    /// `NOMAD_NAMESPACE`), judged for `version`.
    pub(in crate::cli) fn request_namespace(
        &self,
        version: crate::version::NomadVersion,
    ) -> RequestNamespace {
        RequestNamespace::from_command(self.namespace.as_deref(), version)
    }
}

impl PlanArgs {
    /// Nomad 2.0.5's structured output flags (command/job_plan.go
    /// v2.0.5:157-170): before 2.0.5 Go's flag package refuses both ("flag
    /// provided but not defined", 255); at 2.0.5 the pair is refused with
    /// Nomad's own line; `-t` alone needs Go's text/template and sprig,
    /// which we do not have, so it is refused rather than guessed at.
    pub(in crate::cli) fn request_output(
        &self,
        version: crate::version::NomadVersion,
    ) -> Result<(), Diags> {
        let usage = |text: String| Err(Diag::error("cli::usage", text).into());
        if !version.at_least(2, 0, 5) {
            let flag = match (self.json_output, self.template.is_some()) {
                (true, _) => "-json-output",
                (false, true) => "-t",
                (false, false) => return Ok(()),
            };
            return usage(format!("flag provided but not defined: {flag} (Nomad {version}'s `job plan` has none; 2.0.5 and later have it)"));
        }
        match (self.json_output, self.template.is_some()) {
            (true, true) => usage("Both -json-output and -t formatting are not allowed".into()),
            (false, true) => usage("-t is not supported: nomad-preflight has no Go template engine to format the plan with; use -json-output and a JSON tool".into()),
            _ => Ok(()),
        }
    }

    /// The Vault token Nomad's plan command would send (`-vault-token`,
    /// else `VAULT_TOKEN`), judged for `version`; the flag is refused where
    /// that release's command has none (Go's flag package: "flag provided
    /// but not defined", exit 255).
    pub(in crate::cli) fn request_vault_token(
        &self,
        version: crate::version::NomadVersion,
    ) -> Result<RequestVaultToken, Diags> {
        if self.vault_token.is_some() && !crate::job_loader::plan_reads_token(version) {
            return Err(Diag::error(
                "cli::usage",
                format!("flag provided but not defined: -vault-token (Nomad {version}'s `job plan` has none; 1.3.4 to 1.9.x have it)"),
            )
            .into());
        }
        if self.vault_namespace.is_some() && !crate::job_loader::plan_takes_vault_namespace(version)
        {
            return Err(Diag::error(
                "cli::usage",
                format!("flag provided but not defined: -vault-namespace (Nomad {version}'s `job plan` has none; 1.3.4 and later have it)"),
            )
            .into());
        }
        let env = std::env::var("VAULT_TOKEN").ok();
        Ok(
            RequestVaultToken::new(self.vault_token.as_deref(), env.as_deref(), version)
                .with_namespace(self.vault_namespace.as_deref()),
        )
    }
}
