//! A cached world's running jobs, kept apart from the rest of its entry so
//! that a reader can have the world's release, cluster and policy without
//! decoding them. The hook's staged file needs only the release and the
//! running files' variables ([`Unfinished::heads`]) to load, while the
//! jobs themselves are wanted first by the simulation and the rules: the
//! hook decodes them on its helper thread ([`crate::check::sim_cache`])
//! while the main thread loads the staged file (their postcard decode was
//! 0.31 M of the main thread's 4 M instructions, fat LTO, stop 65).
//!
//! A world without its jobs is never a world to judge against: the one
//! [`super::load_unfinished`] gives has `running` empty, and only
//! [`Unfinished::finish`] gives it back whole.

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::job_loader::{JobLoader, RunningFiles};
use crate::jobspec::Job;
use crate::source::Source;
use crate::vfs::Vfs;
use crate::world::{RunningJob, RunningVars, World};

/// A running job's file, as written, and the variables it was submitted
/// with: what its loader needs, without its job.
pub(super) type Head = (PathBuf, RunningVars);

/// `world` as an entry keeps it: the world without its running jobs,
/// each job's [`Head`], and the jobs' postcard bytes (in order).
pub(super) fn parted(world: &World) -> Option<(World, Vec<Head>, Vec<u8>)> {
    let heads = world
        .running
        .iter()
        .map(|r| (r.path.clone(), r.vars.clone()))
        .collect();
    let jobs: Vec<&Job> = world.running.iter().map(|r| &r.job).collect();
    let jobs = postcard::to_stdvec(&jobs).ok()?;
    let mut rest = world.clone();
    rest.running = Vec::new();
    Some((rest, heads, jobs))
}

/// The running jobs of a world read from an entry, not decoded yet.
pub struct Unfinished {
    heads: Vec<Head>,
    /// Where their postcard bytes lie in the entry ([`super::Named`]).
    jobs: Range<usize>,
    /// Each job's file, read now (the entry's texts, remembered by the
    /// reader), to give back to its job as a job-load cache hit does.
    sources: Vec<Source>,
}

impl Unfinished {
    /// `heads` of `world`, with their files from `vfs`; `None` when one
    /// cannot be read (the entry is then not used).
    pub(super) fn read(
        world: &World,
        heads: Vec<Head>,
        jobs: Range<usize>,
        vfs: &dyn Vfs,
    ) -> Option<Unfinished> {
        let sources = heads
            .iter()
            .map(|(path, _)| vfs.read(&world.project_root.join(path)).ok())
            .collect::<Option<Vec<_>>>()?;
        Some(Unfinished {
            heads,
            jobs,
            sources,
        })
    }

    /// The running files and their variables, as `world` (the world these
    /// jobs were left out of) loads them ([`JobLoader::with_running`]).
    pub fn heads<'a>(&'a self, world: &'a World) -> Heads<'a> {
        Heads {
            world,
            heads: &self.heads,
        }
    }

    /// `world` (as [`super::load_unfinished`] gave it) with its running
    /// jobs decoded from `named`'s entry and given back their files; `None`
    /// when they do not decode (a cache entry this binary did not write as
    /// it reads it: the caller loads the world afresh or cannot tell).
    pub fn finish(&self, world: World, named: &super::Named) -> Option<World> {
        self.finish_from(world, named.bytes.get(self.jobs.clone())?)
    }

    /// [`Self::finish`] from the jobs' bytes themselves.
    pub(super) fn finish_from(&self, mut world: World, jobs: &[u8]) -> Option<World> {
        let jobs: Vec<Job> = postcard::from_bytes(jobs).ok()?;
        if jobs.len() != self.heads.len() {
            return None;
        }
        let parts = self.heads.iter().zip(jobs).zip(&self.sources);
        let running = parts
            .map(|(((path, vars), mut job), source)| {
                vars.loader(&world).restore(&mut job, source);
                RunningJob {
                    path: path.clone(),
                    job,
                    vars: vars.clone(),
                }
            })
            .collect();
        world.running = running;
        Some(world)
    }
}

/// A world's running files and variables without their jobs
/// ([`Unfinished::heads`]): what the job loader asks of a world.
pub struct Heads<'a> {
    world: &'a World,
    heads: &'a [Head],
}

impl RunningFiles for Heads<'_> {
    fn project_root(&self) -> &Path {
        &self.world.project_root
    }

    // As the world's own (world::running_vars), from the same heads.
    fn running_loaders(&self) -> Vec<(PathBuf, JobLoader)> {
        self.heads
            .iter()
            .map(|(path, vars)| (path.clone(), vars.loader(self.world)))
            .collect()
    }
}
