//! Nomad's variable flags as every command reads them: `-var`,
//! `-var-file` and `NOMAD_VAR_*` into [`LoadOptions`], and the region
//! the CLI asks for (`NOMAD_REGION`).

use std::path::PathBuf;

use super::LoadOptions;
use crate::diag::{Diag, Diags};
use crate::version::NomadVersion;

impl LoadOptions {
    /// The one reading of Nomad's variable flags, for every command:
    /// `-var name=value` splits at the first `=` (the value may hold more);
    /// `-var name` without `=` is ignored, as Nomad's jobspec2 `toVars`
    /// ignores it, and said so in a warning; `NOMAD_VAR_<name>` (and
    /// `NOMAD_REGION`, [`LoadOptions::env_region`]) come from
    /// the process environment. `version` and `repo_root` are the caller's.
    pub fn from_cli(
        vars: &[String],
        var_files: &[PathBuf],
        version: NomadVersion,
        repo_root: Option<PathBuf>,
    ) -> (LoadOptions, Diags) {
        let (vars, mut warnings) = parse_var_flags(vars);
        // command/helpers.go ApiJobWithArgs of 1.0.0 takes the var files
        // and does not hand them to jobspec2 (1.0.1 does).
        if version.at_least(1, 0, 0) && !version.at_least(1, 0, 1) {
            for f in var_files {
                warnings.push(
                    Diag::warning(
                        "cli::var-file",
                        format!(
                            "Nomad 1.0.0 ignores -var-file: {} sets nothing (its CLI reads var files from 1.0.1)",
                            crate::escape::one_line(&f.display().to_string())
                        ),
                    )
                    .help("set the values with -var, or judge the file as 1.0.1 or later"),
                );
            }
        }
        let opts = LoadOptions {
            vars,
            var_files: var_files.to_vec(),
            env_vars: nomad_var_env(std::env::vars_os()),
            submitted: Submitted::default(),
            version,
            repo_root,
            // Where the command line's `nomad` runs (`--nomad-dir`, else
            // the current folder): the functions' relative paths start there.
            work_dir: crate::work_dir::active().map(std::path::Path::to_path_buf),
            edition: None,
            servers: Default::default(),
            agent_region: None,
            // api.DefaultConfig: an empty one is unset.
            env_region: std::env::var("NOMAD_REGION").ok().filter(|r| !r.is_empty()),
            // Go's runtime reads GODEBUG once at start, as we do here.
            fips140: super::fips140::Fips140::from_env(),
        };
        (opts, warnings)
    }
}

/// `-var` arguments as Nomad reads them (jobspec2 `toVars`): split at the
/// first `=`; an argument without `=` sets nothing (a warning says so).
pub fn parse_var_flags(args: &[String]) -> (Vec<(String, String)>, Diags) {
    let mut vars = Vec::new();
    let mut warnings = Diags::new();
    for a in args {
        match a.split_once('=') {
            Some((k, v)) => vars.push((k.to_string(), v.to_string())),
            None => warnings.push(
                Diag::warning(
                    "cli::var",
                    format!("-var {a:?} has no `=`: Nomad ignores it, so it sets nothing"),
                )
                .help(format!("write -var {a}=VALUE")),
            ),
        }
    }
    (vars, warnings)
}

/// The inputs a running job was submitted with (cluster.hcl's
/// `running_job`), beneath the command's own when the new version of its
/// file is loaded: the job's `var_file`s are the first `var_files` of
/// [`LoadOptions::var_files`] (every file is read in that one list, so a
/// var file's refusal is said as for any), and its `var`s are `vars`. The
/// order of the whole is the job loader's rule (`job_loader::running`);
/// jobspec2 (types.variables.go collectInputVariableValues) has no such
/// layer: one `nomad job run` reads only its own environment, files and
/// flags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Submitted {
    /// How many of the leading `var_files` are the running job's own.
    pub var_files: usize,
    /// Its `var` values, in order (later wins).
    pub vars: Vec<(String, String)>,
}

/// `NOMAD_VAR_<name>=value` entries of an environment, in its order (as
/// jobspec2 ranges over os.Environ(): the order decides the order of its
/// refusals). A name that is not UTF-8 is no variable name HCL accepts.
pub fn nomad_var_env(
    env: impl Iterator<Item = (std::ffi::OsString, std::ffi::OsString)>,
) -> Vec<(String, String)> {
    env.filter_map(|(k, v)| {
        let name = k.to_str()?.strip_prefix("NOMAD_VAR_")?.to_string();
        Some((name, v.to_string_lossy().into_owned()))
    })
    .collect()
}
