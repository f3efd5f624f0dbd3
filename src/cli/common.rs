//! What every command needs: the world (found, given, or embedded), colour
//! policy, and job-file evaluation options from flags and the environment.

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::diag::{Diag, Diags};
use crate::jobspec::LoadOptions;
use crate::vfs::{DiskVfs, Vfs};
use crate::world::World;

/// Colour flags shared by every command.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ColorArgs {
    /// Disable colours (also NO_COLOR or NOMAD_CLI_NO_COLOR in the environment).
    #[arg(long, global = true)]
    pub no_color: bool,
    /// Colour even when stdout is not a terminal.
    #[arg(long, global = true)]
    pub force_color: bool,
}

impl ColorArgs {
    /// Nomad's rule: colour only on a terminal, unless disabled; `-force-color` wins.
    pub fn stdout(&self) -> bool {
        self.enabled(std::io::stdout().is_terminal())
    }
    pub fn stderr(&self) -> bool {
        self.enabled(std::io::stderr().is_terminal())
    }
    fn enabled(&self, tty: bool) -> bool {
        if self.force_color {
            return true;
        }
        if self.no_color || env_set("NO_COLOR") || env_set("NOMAD_CLI_NO_COLOR") {
            return false;
        }
        tty && std::env::var("TERM").map(|t| t != "dumb").unwrap_or(true)
    }
}

fn env_set(name: &str) -> bool {
    std::env::var_os(name).is_some_and(|v| !v.is_empty())
}

/// `-var` / `-var-file` as Nomad takes them.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct VarArgs {
    /// Set an HCL2 variable: -var name=value (repeatable).
    #[arg(long = "var", value_name = "KEY=VALUE")]
    pub vars: Vec<String>,
    /// Read HCL2 variables from a file (repeatable).
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
}

impl VarArgs {
    pub fn load_options(
        &self,
        world: &World,
        repo_root: Option<PathBuf>,
    ) -> Result<LoadOptions, Diags> {
        let mut vars = Vec::new();
        for v in &self.vars {
            match v.split_once('=') {
                Some((k, val)) => vars.push((k.to_string(), val.to_string())),
                None => {
                    return Err(Diag::error(
                        "cli::var",
                        format!("-var {v:?} is not of the form name=value"),
                    )
                    .help("write -var name=value")
                    .into())
                }
            }
        }
        let env_vars: BTreeMap<String, String> = std::env::vars()
            .filter_map(|(k, v)| k.strip_prefix("NOMAD_VAR_").map(|n| (n.to_string(), v)))
            .collect();
        Ok(LoadOptions {
            vars,
            var_files: self.var_files.clone(),
            env_vars,
            version: world.nomad_version,
            repo_root,
        })
    }

    /// How Nomad 1.2.4+ echoes these flags in the check-index hint.
    pub fn echo(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .vars
            .iter()
            .map(|v| format!("-var={}", crate::render::quote::go_quote(v)))
            .collect();
        out.extend(self.var_files.iter().map(|f| {
            format!(
                "-var-file={}",
                crate::render::quote::go_quote(&f.display().to_string())
            )
        }));
        out
    }
}

/// A loaded world and the files it (and the demo rehearsal) live in.
pub struct Resolved {
    pub world: World,
    /// Files relative to the project root.
    pub files: Box<dyn Vfs>,
    /// Where the world came from, for the user.
    pub note: String,
    pub embedded: bool,
    pub warnings: Diags,
}

/// `--world DIR`, else `rules/` found walking up from the current directory,
/// else the demo compiled into the binary (said so on stderr by the caller).
pub fn resolve_world(world_flag: Option<&Path>) -> Result<Resolved, Diags> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let dir = match world_flag {
        Some(d) => Some(if d.is_absolute() {
            d.to_path_buf()
        } else {
            cwd.join(d)
        }),
        None => crate::world::find_world(&cwd),
    };
    match dir {
        Some(dir) => {
            if world_flag.is_some() && !dir.is_dir() {
                return Err(Diag::error(
                    "cli::world",
                    format!("world directory {} does not exist", dir.display()),
                )
                .help("pass --world with a rules/ folder or an import folder")
                .into());
            }
            let root = dir
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| cwd.clone());
            let vfs = DiskVfs::new(root.clone());
            let (world, warnings) = crate::world::load(&vfs, &dir)?;
            let shown = dir.strip_prefix(&cwd).unwrap_or(&dir).display().to_string();
            Ok(Resolved {
                world,
                files: Box::new(vfs),
                note: format!("{}/", shown.trim_end_matches('/')),
                embedded: false,
                warnings,
            })
        }
        None => {
            let vfs = crate::embedded::demo();
            let (world, warnings) =
                crate::world::load(&vfs, Path::new(crate::embedded::WORLD_DIR))?;
            Ok(Resolved {
                world,
                files: Box::new(vfs),
                note: "the demo world compiled into nomad-preflight".into(),
                embedded: true,
                warnings,
            })
        }
    }
}

/// The notice printed (on stderr) when no world was found on disk.
pub fn fallback_notice(cwd: &Path) -> String {
    format!(
        "note: no rules/cluster.hcl found in {} or above; using the demo world compiled into nomad-preflight (pass --world DIR to use another)",
        cwd.display()
    )
}

/// Print diagnostics to stderr.
pub fn eprint_diags(diags: &Diags, color: bool) {
    eprint!("{}", crate::diag::render(&diags.0, color));
}

/// The world as committed at `rev` (or, with `staged`, as staged, falling
/// back to the index in a repository with no commits yet): for hooks and CI
/// gates, which must judge content, not whatever is in the working tree.
pub fn resolve_world_at(
    cwd: &Path,
    rev: &str,
    world_flag: Option<&Path>,
    staged: bool,
) -> Result<Resolved, Diags> {
    let root = crate::git::repo_root(cwd).ok_or_else(|| {
        Diags::from(
            Diag::error(
                "git::not-a-repo",
                format!("{} is not inside a git repository", cwd.display()),
            )
            .help("--staged and --base read files from git; run inside a checkout"),
        )
    })?;
    let world_rel = match world_flag {
        Some(w) => {
            let abs = if w.is_absolute() {
                w.to_path_buf()
            } else {
                cwd.join(w)
            };
            abs.strip_prefix(&root)
                .map(Path::to_path_buf)
                .unwrap_or(abs)
        }
        None => {
            let rel = cwd.strip_prefix(&root).unwrap_or(Path::new(""));
            // The nearest rules/ at or above the current directory, as the disk search does.
            rel.ancestors()
                .map(|d| d.join("rules"))
                .find(|r| root.join(r).join("cluster.hcl").is_file())
                .unwrap_or_else(|| PathBuf::from("rules"))
        }
    };
    // Read lazily: only the world's files and what they reference are read.
    let read_err = |e: std::io::Error| {
        Diags::from(
            Diag::error("git::read", format!("cannot read files from git: {e}"))
                .help("check that git works in this repository"),
        )
    };
    let mut vfs = crate::git::LazyGitVfs::rev(&root, rev).map_err(|e| {
        if e.kind() != std::io::ErrorKind::NotFound {
            return read_err(e);
        }
        Diags::from(
            Diag::error("git::rev", format!("revision {rev:?} does not exist"))
                .help("pass a revision that exists, e.g. --base origin/main"),
        )
    })?;
    if staged && vfs.paths().next().is_none() {
        // No commits yet: nothing runs, the world is the one being committed.
        vfs = crate::git::LazyGitVfs::index(&root).map_err(read_err)?;
    }
    if !vfs.is_file(&world_rel.join("cluster.hcl")) {
        let mut r = resolve_world(None)?;
        r.note = format!("{} (no world at {rev})", r.note);
        return Ok(r);
    }
    let (world, warnings) = crate::world::load(&vfs, &world_rel)?;
    Ok(Resolved {
        world,
        files: Box::new(vfs),
        note: format!("{}/ at {rev}", world_rel.display()),
        embedded: false,
        warnings,
    })
}
