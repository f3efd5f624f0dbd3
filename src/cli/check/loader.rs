//! The check's job loader.

use crate::job_loader::{JobLoader, RunningFiles};
use crate::world::World;

use super::CheckArgs;

/// The check's job loader ([`JobLoader::from_flags`], the one `-var`
/// parser), for the checked files and their running versions alike:
/// `running` is `world`'s running files, or their heads while the hook's
/// helper decodes the jobs ([`super::Sim::heads`]).
pub(super) fn loader(args: &CheckArgs, world: &World, running: &impl RunningFiles) -> JobLoader {
    JobLoader::from_flags(
        &args.vars,
        &args.var_files,
        world.nomad_version,
        world.project_root.clone(),
    )
    .for_servers(world.edition(), world.server.job_settings(), &world.region)
    .with_running(running)
}
