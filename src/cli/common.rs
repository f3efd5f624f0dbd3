//! What every command needs: the world (found, given, or embedded), colour
//! policy, and job-file evaluation options from flags and the environment.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::diag::{Diag, Diags};
use crate::job_loader::JobLoader;
use crate::version::NomadVersion;
use crate::vfs::{DiskVfs, Vfs};
use crate::world::World;

mod world_at;
pub use world_at::{resolve_world_at, world_folder, Unfinished, STAGED_WORLD};

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

/// `--format` of a command whose one machine format is JSON.
#[derive(clap::ValueEnum, Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TextOrJson {
    #[default]
    Text,
    Json,
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

/// The warnings reading `-var` flags gave, on stderr (every command the same).
pub fn eprint_var_warnings(loader: &JobLoader, color: bool) {
    if !loader.warnings().is_empty() {
        eprint!("{}", crate::diag::render(&loader.warnings().0, color));
    }
}

// `-var` / `-var-file` as Nomad takes them. A plain comment, not a doc
// comment: clap makes a flattened struct's doc comment the command's
// about, and with the commands' arguments deferred (cli/mod.rs) it would
// replace `plan`'s own.
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
    /// The command's job loader from the flags ([`JobLoader::from_flags`],
    /// the one `-var` parser); a `-var` Nomad would ignore is said so on
    /// stderr.
    pub fn loader(&self, version: NomadVersion, root: PathBuf) -> JobLoader {
        let loader = JobLoader::from_flags(&self.vars, &self.var_files, version, root);
        eprint_var_warnings(&loader, false);
        loader
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
    /// What names the world as the world cache loaded it (a world read
    /// from git at a revision, when the cache kept it), and the entry its
    /// replay is kept in ([`crate::check::sim_cache`]).
    pub named: Option<crate::world_cache::Named>,
    /// Whether the world was read from the working tree, where a running
    /// file's edit that does not load was never submitted
    /// ([`crate::world::load::load_work_tree`]).
    pub work_tree: bool,
}

/// `--nomad-version X.Y.Z`, as clap reads it (validate, plan and check).
pub fn parse_version(s: &str) -> Result<NomadVersion, String> {
    s.parse()
        .map_err(|_| format!("{s:?} is not a Nomad version (write it as 1.6.1)"))
}

/// The one rule by which `validate`, `plan` and `check` pick the release
/// they judge a file by: the world's `nomad_version` (the world being
/// `--world DIR`, else `rules/` found upwards, else the demo compiled in,
/// which runs 0.9.3), replaced by `--nomad-version` when given. The three
/// commands call this after resolving their world, so on the same file,
/// world and flags they judge by the same release. Go's text rules (`%q`)
/// follow that release for the rest of the command ([`crate::gotext::scope`]).
///
/// A hand-written world judged by another release is read again at it
/// ([`crate::world::load::load_as`]), so the flag means what the same
/// `nomad_version` line in cluster.hcl means: its running jobs are the
/// files as that release parses them. Kept as first read, a running job
/// was a 0.9.3 parse (hcl v1: `port_map = {..}` a list of one map) beside
/// the planned file's 2.0.5 one, and a copy of it planned a `port_map`
/// change its own path (re-read from git at the flag's release) did not.
/// `Err` when the world does not load at that release.
pub fn judge_as(resolved: &mut Resolved, flag: Option<NomadVersion>) -> Result<(), Diags> {
    if let Some(v) = flag {
        if resolved.world.nomad_version != v {
            resolved.note = format!("{}, judged as Nomad {v} (--nomad-version)", resolved.note);
            reload_as(resolved, v)?;
        }
        resolved.world.nomad_version = v;
        // The flag states the release the world left unstated.
        let stated = |d: &crate::diag::Diag| !crate::world::guess::is_version_guess(&d.code);
        resolved.warnings.0.retain(stated);
        resolved.world.warnings.0.retain(stated);
    }
    crate::gotext::establish(resolved.world.nomad_version);
    Ok(())
}

/// A hand-written world (on disk, at a git revision, or the demo) read
/// again from the same files as of release `v`; an import is left as it
/// is. The demo's policy may come from elsewhere (a `rules/policy.hcl`
/// beside no cluster.hcl): it is kept.
fn reload_as(resolved: &mut Resolved, v: NomadVersion) -> Result<(), Diags> {
    let crate::world::WorldOrigin::Dir(dir) = &resolved.world.origin else {
        return Ok(());
    };
    let load = if resolved.work_tree {
        crate::world::load::load_work_tree
    } else {
        crate::world::load::load_as
    };
    let (mut world, warnings) = load(resolved.files.as_ref(), &dir.clone(), Some(v))?;
    if resolved.embedded {
        world.policy = std::mem::take(&mut resolved.world.policy);
    } else {
        resolved.warnings = warnings;
    }
    // The digest (which names the world's files) stays: the replay cache
    // keys by it and the release together (check/sim_cache.rs). So does
    // the note that the world is the one the commit stages, said of the
    // files, not of a release (rv24-6).
    for d in resolved.world.warnings.iter() {
        if d.code == STAGED_WORLD {
            world.warnings.push(d.clone());
        }
    }
    resolved.world = world;
    Ok(())
}

/// [`resolve_world`] for a command without `--nomad-version` (`status`,
/// `rehearse`): the demo's use said on stderr, the world's release
/// established for Go's text rules, its warnings printed. A world that
/// cannot be read is `Err` with its diagnostics, for the caller to say in
/// its format.
pub fn resolve_world_announced(world_flag: Option<&Path>) -> Result<Resolved, Diags> {
    announced(world_flag, true)
}

/// [`resolve_world_announced`] without the world's warnings, for a caller
/// that first puts the versions it starts from in place (`rehearse`:
/// git `HEAD`'s), which a pinned allocation's warnings describe
/// ([`crate::world::settled_warnings`]); it prints them then.
pub fn resolve_world_announced_but_warnings(world_flag: Option<&Path>) -> Result<Resolved, Diags> {
    announced(world_flag, false)
}

fn announced(world_flag: Option<&Path>, warnings: bool) -> Result<Resolved, Diags> {
    let resolved = resolve_world(world_flag)?;
    if resolved.embedded {
        let cwd = std::env::current_dir().unwrap_or_default();
        eprintln!("{}", fallback_notice(&cwd));
    }
    crate::gotext::establish(resolved.world.nomad_version);
    if warnings {
        eprint_world_warnings(&resolved.warnings);
    }
    // No file is planned here: every stand-in is what the views show.
    for s in crate::world::stand_in::others(&resolved.world, &[]) {
        let path = crate::rules::config::path_text(&s.path);
        let line = crate::world::stand_in::line(&path, s.why);
        eprintln!("note: {}", crate::escape::one_line(&line));
    }
    Ok(resolved)
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
            let (world, warnings) = crate::world::load::load_work_tree(&vfs, &dir, None)?;
            let shown = dir.strip_prefix(&cwd).unwrap_or(&dir).display().to_string();
            Ok(Resolved {
                world,
                files: Box::new(vfs),
                note: format!("{}/", shown.trim_end_matches('/')),
                embedded: false,
                warnings,
                named: None,
                work_tree: true,
            })
        }
        None => {
            // A rules/ folder with only policy.hcl configures the demo's rules.
            let policy_dir = cwd
                .ancestors()
                .map(|d| d.join("rules"))
                .find(|r| r.join(crate::world::load::POLICY_FILE).is_file());
            let policy = policy_dir.map(|dir| {
                let root = dir.parent().map(Path::to_path_buf).unwrap_or_default();
                (DiskVfs::new(root), PathBuf::from("rules"))
            });
            embedded_world(policy.as_ref().map(|(v, d)| (v as &dyn Vfs, d.as_path())))
        }
    }
}

/// The demo world compiled into the binary, with the policy of
/// `policy_dir/policy.hcl` read from `vfs` when given.
pub fn embedded_world(policy: Option<(&dyn Vfs, &Path)>) -> Result<Resolved, Diags> {
    let vfs = crate::embedded::demo();
    let (mut world, mut warnings) =
        crate::world_cache::load_embedded(&vfs, Path::new(crate::embedded::WORLD_DIR))?;
    let mut note = "the demo world compiled into nomad-preflight".to_string();
    if let Some((pvfs, dir)) = policy {
        let file = dir.join(crate::world::load::POLICY_FILE);
        warnings.extend(crate::world::load::load_policy_into(
            pvfs, &file, &mut world,
        )?);
        note = format!("{note}, with the policy of {}", file.display());
    }
    Ok(Resolved {
        world,
        files: Box::new(vfs),
        note,
        embedded: true,
        warnings,
        named: None,
        work_tree: false,
    })
}

/// The notice printed (on stderr) when no world was found on disk.
pub fn fallback_notice(cwd: &Path) -> String {
    fallback_notice_for(cwd, "the demo world compiled into nomad-preflight")
}

/// Where a world was looked for on disk, as [`no_world_diag`] says it.
pub fn fallback_place(cwd: &Path) -> String {
    format!(
        "(rules/cluster.hcl) in {} or above",
        crate::escape::one_line(&cwd.display().to_string())
    )
}

/// The same notice naming what is used (`Resolved::note`: the demo, and the
/// policy.hcl found beside it if any).
pub fn fallback_notice_for(cwd: &Path, used: &str) -> String {
    format!(
        "note: no rules/cluster.hcl found in {} or above; using {} (pass --world DIR to use another)",
        crate::escape::one_line(&cwd.display().to_string()),
        crate::escape::one_line(used)
    )
}

/// The world's load warnings, one line each on stderr: every command
/// that loads a world says what its loader dropped or guessed, and which
/// of it makes the jobs it concerns unknown ([`crate::world::guess`]).
pub fn eprint_world_warnings(warnings: &Diags) {
    let world_own = warnings
        .iter()
        .filter(|d| crate::world::guess::is_world_warning(&d.code));
    for d in world_own {
        eprintln!("{}", crate::world::guess::report_line(d));
    }
}

/// The world-load warnings only its replay can give (a declared running
/// job that does not fit: [`crate::check::world_change::running_unplaced`]),
/// printed as the loader's are and kept with them in `warnings` (JSON
/// `Preflight.World`, `check`'s findings of the world).
pub fn replay_warnings(warnings: &mut Diags, sim: &crate::scheduler::Simulation) {
    for d in crate::check::world_change::running_unplaced(sim) {
        eprintln!("{}", crate::world::guess::report_line(&d));
        warnings.push(d);
    }
}

/// Print diagnostics to stderr.
pub fn eprint_diags(diags: &Diags, color: bool) {
    eprint!("{}", crate::diag::render(&diags.0, color));
}

/// What a command reading the world from git does when the revision has
/// none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoWorld {
    /// Plan against the demo compiled into the binary, said on stderr: a
    /// `plan FILE --base REF` run by hand, to see what a job would do.
    Demo,
    /// Say "cannot tell" ([`NO_WORLD`]): a gate (`check --staged/--base`,
    /// `plan --changed`, the hooks) passing a change because it fits the
    /// demo's three t2.medium clients passes it against a cluster that is
    /// not the user's (redteam6 G11).
    CannotTell,
}

/// The code of a gate's "cannot tell" when no world is there to judge the
/// change against ([`NoWorld::CannotTell`]).
pub const NO_WORLD: &str = "world::cannot-tell";

/// A gate's "cannot tell" for want of a world; `missing` says which
/// (`(rules/cluster.hcl) at HEAD`).
pub fn no_world_diag(missing: &str) -> Diag {
    Diag::error(
        NO_WORLD,
        format!(
            "cannot tell what this change does to the cluster: there is no world {missing}, and a gate never judges a change against the demo cluster compiled into nomad-preflight; commit your cluster's world (docs/world-format.md, or `nomad-preflight import`), or name one with --world DIR"
        ),
    )
    .as_cannot_tell()
}

/// Is `diags` a gate's "cannot tell" for want of a world? Its one line,
/// when it is.
pub fn no_world_line(diags: &Diags) -> Option<String> {
    diags
        .iter()
        .find(|d| d.code == NO_WORLD)
        .map(|d| format!("error: {}", crate::escape::one_line(&d.message)))
}
