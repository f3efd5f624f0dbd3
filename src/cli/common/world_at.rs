//! The world a gate reads from git: the folder found in the state the gate
//! judges, and the world loaded at the base revision (or, for a commit that
//! adds it, as staged).

use std::path::{Path, PathBuf};

use super::{embedded_world, no_world_diag, NoWorld, Resolved};
use crate::diag::{Diag, Diags};
use crate::version::NomadVersion;
use crate::vfs::Vfs;

/// The world folder a gate reads from git, relative to the repository's
/// top (`root`): `--world DIR`, else the nearest `rules/` at or above
/// `cwd` holding a cluster.hcl in the first of `states` (the files the
/// gate judges, never the working tree unless it is one of them) that has
/// one, else `rules`. Found on disk, a world folder added or deleted in
/// the working tree alone chose the world a commit was judged against.
pub fn world_folder(
    root: &Path,
    cwd: &Path,
    world_flag: Option<&Path>,
    states: &[&dyn Vfs],
) -> PathBuf {
    match world_flag {
        Some(w) => {
            let abs = if w.is_absolute() {
                w.to_path_buf()
            } else {
                cwd.join(w)
            };
            abs.strip_prefix(root).map(Path::to_path_buf).unwrap_or(abs)
        }
        None => {
            let rel = cwd.strip_prefix(root).unwrap_or(Path::new(""));
            let nearest = |vfs: &dyn Vfs| {
                rel.ancestors()
                    .map(|d| d.join("rules"))
                    .find(|r| vfs.is_file(&r.join(crate::world::load::CLUSTER_FILE)))
            };
            states
                .iter()
                .find_map(|state| nearest(*state))
                .unwrap_or_else(|| PathBuf::from("rules"))
        }
    }
}

/// Whether [`world_folder`] without `--world` can answer only `rules`
/// whatever the states hold: `cwd` is the top of the work tree (or outside
/// it), so the nearest `rules/` at or above it is the top one, which is
/// also the answer when no state has a cluster.hcl.
fn only_rules(root: &Path, cwd: &Path) -> bool {
    cwd.strip_prefix(root)
        .map_or(true, |rel| rel.as_os_str().is_empty())
}

/// Whether [`resolve_world_at`] may give a cached world without its
/// running jobs ([`crate::world_cache::load_unfinished`]): only a caller
/// that finishes it before anything reads them (`check`, through
/// [`crate::check::sim_cache::start`]) allows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unfinished {
    No,
    Allowed,
}

impl Unfinished {
    /// Allowed unless `--nomad-version` names a release, which reloads
    /// the world whole ([`super::judge_as`]).
    pub fn unless_reloaded(flag: Option<NomadVersion>) -> Unfinished {
        match flag {
            None => Unfinished::Allowed,
            Some(_) => Unfinished::No,
        }
    }
}

/// The world as committed at `rev` (or, with `staged`, as staged, falling
/// back to the index in a repository with no commits yet): for hooks and CI
/// gates, which must judge content, not whatever is in the working tree.
/// Its folder is the one the judged state holds: the index (`staged`),
/// else the revision `head` (`--head`), else the working tree, the head
/// of `--base` alone. `no_world` says what a revision without one gives.
pub fn resolve_world_at(
    cwd: &Path,
    rev: &str,
    head: Option<&str>,
    world_flag: Option<&Path>,
    staged: bool,
    no_world: NoWorld,
    unfinished: Unfinished,
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
    // Read lazily: only the world's files and what they reference are read.
    let mut vfs = open_rev(&root, rev)?;
    // No commits yet: nothing runs, the world is the one being committed,
    // and said so as where HEAD has no world (fix24c's Left 7).
    let first_commit = staged && vfs.is_empty();
    if first_commit {
        vfs = crate::git::LazyGitVfs::index(&root).map_err(git_read)?;
    }
    // Looked for in the state judged first, then in `rev` (a change that
    // deletes the world): found at `rev` first, a commit adding a team's
    // `team/rules/` was judged against the top `rules/` it does not run
    // under (rv25-1). A folder `rev` lacks is the staged world's, or none.
    let judged = Judged { rev, head, staged };
    let world_rel = match world_flag {
        Some(_) => world_folder(&root, cwd, world_flag, &[]),
        // Run at the top of the work tree (where git runs a hook) the one
        // place looked at is `rules/`, also the answer when no state has
        // a cluster.hcl, so the index need not be read first. With 20,000
        // committed files reading it here was 1.06 M of the main thread's
        // instructions before the world's load (fat LTO, callgrind), while
        // the helper waited for it to list the change; now the helper
        // reads it then, beside the world's load, and this thread asks
        // for it after: an index that cannot be read is refused as before,
        // ahead of whatever the world's load found.
        None if staged && only_rules(&root, cwd) => {
            let world = world_in(
                &root,
                &judged,
                Path::new("rules"),
                vfs,
                no_world,
                unfinished,
            );
            judged_state(&root, rev, head, staged)?;
            return world.map(|w| w.first_commit(first_commit, rev));
        }
        None => {
            let judged = judged_state(&root, rev, head, staged)?;
            world_folder(&root, cwd, None, &[judged.as_ref(), &vfs])
        }
    };
    world_in(&root, &judged, &world_rel, vfs, no_world, unfinished)
        .map(|w| w.first_commit(first_commit, rev))
}

/// The world [`resolve_world_at`] found: `world_rel` is its folder when
/// its note is still to be written (not when a state without a world gave
/// it, whose note is written).
struct Found {
    resolved: Resolved,
    world_rel: Option<PathBuf>,
}

impl Found {
    fn first_commit(mut self, first_commit: bool, rev: &str) -> Resolved {
        let Some(rel) = &self.world_rel else {
            return self.resolved;
        };
        self.resolved.note = if first_commit {
            self.resolved.world.warnings.push(staged_world(None, rel));
            format!("{}/ as staged (the first commit)", rel.display())
        } else {
            format!("{}/ at {rev}", rel.display())
        };
        self.resolved
    }
}

/// The world at `world_rel` in `vfs` (through the world cache: the world at
/// HEAD is the same commit after commit until one touches it), or what a
/// state without one gives.
fn world_in(
    root: &Path,
    judged: &Judged<'_>,
    world_rel: &Path,
    vfs: crate::git::LazyGitVfs,
    no_world: NoWorld,
    unfinished: Unfinished,
) -> Result<Found, Diags> {
    if !vfs.is_file(&world_rel.join(crate::world::load::CLUSTER_FILE)) {
        return world_missing_at(root, judged, world_rel, vfs, no_world).map(|resolved| Found {
            resolved,
            world_rel: None,
        });
    }
    let (world, warnings, named) = match unfinished {
        Unfinished::No => crate::world_cache::load(&vfs, world_rel)?,
        Unfinished::Allowed => crate::world_cache::load_unfinished(&vfs, world_rel)?,
    };
    Ok(Found {
        resolved: Resolved {
            named,
            work_tree: false,
            world,
            files: Box::new(vfs),
            note: String::new(),
            embedded: false,
            warnings,
        },
        world_rel: Some(world_rel.to_path_buf()),
    })
}

/// Reading from git failed.
fn git_read(e: std::io::Error) -> Diags {
    Diags::from(
        Diag::error("git::read", format!("cannot read files from git: {e}"))
            .help("check that git works in this repository"),
    )
}

/// The files of revision `rev`, or `git::rev` when it does not exist.
fn open_rev(root: &Path, rev: &str) -> Result<crate::git::LazyGitVfs, Diags> {
    crate::git::LazyGitVfs::rev(root, rev).map_err(|e| {
        if let Some(a) = crate::git::ambiguous_rev(&e) {
            return Diags::from(Diag::error("git::rev", a.to_string()).help(a.help()));
        }
        if e.kind() != std::io::ErrorKind::NotFound {
            return git_read(e);
        }
        Diags::from(
            Diag::error("git::rev", format!("revision {rev:?} does not exist"))
                .help(
                    "if it is a remote branch, fetch it first (`git fetch origin`; in GitHub Actions, actions/checkout with `fetch-depth: 0`)",
                ),
        )
    })
}

/// The state a gate judges, where its world folder is looked for first:
/// the index (`staged`), the revision `head`, else the working tree as
/// [`crate::changeset::Range`] reads it for `--base` alone.
fn judged_state(
    root: &Path,
    rev: &str,
    head: Option<&str>,
    staged: bool,
) -> Result<Box<dyn Vfs>, Diags> {
    Ok(match (staged, head) {
        (true, _) => Box::new(crate::git::LazyGitVfs::index(root).map_err(git_read)?),
        (false, Some(h)) => Box::new(open_rev(root, h)?),
        (false, None) => crate::changeset::Range::new(root.to_path_buf(), false, Some(rev), None)
            .head_vfs()
            .map_err(git_read)?,
    })
}

/// The code of [`staged_world`].
pub const STAGED_WORLD: &str = "world::staged";

/// The world `check --staged` / `plan --changed --staged` judge a commit
/// that adds it against: the index's, as `rev` (HEAD) has none, or (`None`)
/// as the repository has no commit yet.
fn staged_world(rev: Option<&str>, world_rel: &Path) -> Diag {
    let w = crate::escape::one_line(&world_rel.display().to_string());
    let why = match rev {
        Some(rev) => format!("not {rev}'s: {rev} has no {w}/cluster.hcl"),
        None => "the repository has no commit yet".to_string(),
    };
    Diag::warning(
        STAGED_WORLD,
        format!(
            "the world is {w}/ as this commit stages it, {why}, and a commit that adds the world is judged against the world it adds"
        ),
    )
    .with_severity(crate::diag::Severity::Advice)
    .help(format!(
        "land {w}/ in a commit of its own to judge later changes against it; in CI, `check --base` judges a change only against its base's world"
    ))
}

/// The revisions a gate names: the base `rev` it judges against, and
/// the state it judges, the index (`staged`), else the revision `head`,
/// else the working tree (`--base` alone).
struct Judged<'a> {
    rev: &'a str,
    head: Option<&'a str>,
    staged: bool,
}

impl Judged<'_> {
    /// The judged state in words, for a line naming it.
    fn said(&self) -> String {
        match (self.staged, self.head) {
            (true, _) => "the index".to_string(),
            (false, Some(h)) => crate::escape::one_line(h),
            (false, None) => "the working tree".to_string(),
        }
    }
}

/// `rev` has no world: never the working tree's in its place (a change must
/// not bring the world it is judged against). At commit time a commit that
/// adds the world is judged against the staged world; otherwise a gate
/// cannot tell ([`NoWorld::CannotTell`]), and a plan by hand uses the demo
/// compiled into the binary, with `rev`'s policy.hcl if it has one, and
/// the caller says so. A change whose judged state has a world that the
/// base lacks is an error: the gate would judge against nothing real.
/// Which of those is said is read from the judged state alone (the index,
/// the head revision, the working tree only for `--base` alone, where it
/// is the head): a world added or deleted in a checkout's working tree
/// alone chose the line a `--base/--head` gate printed.
fn world_missing_at(
    root: &Path,
    judged: &Judged<'_>,
    world_rel: &Path,
    vfs: crate::git::LazyGitVfs,
    no_world: NoWorld,
) -> Result<Resolved, Diags> {
    let rev = judged.rev;
    let cluster = world_rel.join(crate::world::load::CLUSTER_FILE);
    if judged.staged {
        let index = crate::git::LazyGitVfs::index(root).map_err(|e| {
            Diags::from(Diag::error(
                "git::read",
                format!("cannot read the index: {e}"),
            ))
        })?;
        if index.is_file(&cluster) {
            let (mut world, warnings) = crate::world::load(&index, world_rel)?;
            // Said once where each gate's reader looks (R24b-4): a finding
            // of the world in `check` (text and JSON), `World` in `plan`'s
            // JSON and a line on its stderr. Advice: it fails nothing, as
            // the commit is the trusted committer's (CI's `--base` refuses
            // a base without a world: `git::no-world`).
            world.warnings.push(staged_world(Some(rev), world_rel));
            return Ok(Resolved {
                world,
                files: Box::new(index),
                note: format!("{}/ as staged (this commit adds it)", world_rel.display()),
                embedded: false,
                warnings,
                named: None,
                work_tree: false,
            });
        }
    } else if judged_state(root, rev, judged.head, false)?.is_file(&cluster) {
        return Err(Diag::error(
            "git::no-world",
            format!(
                "{} does not exist at {rev}, but {} has one",
                cluster.display(),
                judged.said()
            ),
        )
        .help(format!(
            "a change is judged against the world of its base; land {}/ on the base branch first, or check without --base to use the working tree's world",
            world_rel.display()
        ))
        .into());
    }
    if no_world == NoWorld::CannotTell {
        return Err(no_world_diag(&format!("({}) at {rev}", cluster.display())).into());
    }
    let policy = world_rel.join(crate::world::load::POLICY_FILE);
    let with_policy = vfs.is_file(&policy);
    let mut r = embedded_world(with_policy.then_some((&vfs as &dyn Vfs, world_rel)))?;
    r.note = format!("{} (no world at {rev})", r.note);
    Ok(r)
}
