//! The warnings Nomad's job endpoint returns beside an admitted job, and
//! their text as the CLI prints them.

use crate::jobspec::Job;
use crate::world::World;

/// The warnings the servers return with a plan or a validation of `job`
/// (`Warnings`, printed under `Job Warnings:`), in Nomad's order
/// (nomad/job_endpoint.go `validators`): the Consul hook's token warning
/// (1.7–1.9, the fourth validator: `mutators::consul_token`), then
/// `jobValidate`'s: the job's own (`Job.Warnings`) and its Vault identity
/// ones (1.7+), then, from 1.1, the memory oversubscription validator's, one per task with `memory_max` while the scheduler
/// configuration keeps oversubscription off (nomad/job_endpoint_hooks.go
/// `memoryOversubscriptionValidate`; from 1.6 a node pool may turn it on
/// for its jobs, which we do not model: the global setting decides).
pub fn warnings(world: &World, job: &Job) -> Vec<String> {
    let version = world.nomad_version;
    let mut out: Vec<String> = crate::mutators::consul_token::warning(world, job)
        .map(str::to_string)
        .into_iter()
        .collect();
    out.extend(crate::jobspec::nomad_warnings(job, version));
    out.extend(
        crate::jobspec::vault_identity_warnings(job, version)
            .into_iter()
            .map(|l| l.text),
    );
    out.extend(
        memory_max_ignored(world, job)
            .into_iter()
            .map(|(_, text)| text),
    );
    out
}

/// The memory oversubscription validator's warnings (1.1+), one per task
/// with `memory_max` while the scheduler configuration keeps
/// oversubscription off (nomad/job_endpoint_hooks.go v1.7.7:496-520
/// `memoryOversubscriptionValidate`), each with its task, for `check` to
/// locate.
pub fn memory_max_ignored<'j>(
    world: &World,
    job: &'j Job,
) -> Vec<(&'j crate::jobspec::Task, String)> {
    if !world.nomad_version.at_least(1, 1, 0) || world.scheduler.memory_oversubscription {
        return Vec::new();
    }
    job.groups
        .iter()
        .flat_map(|g| g.tasks.iter().map(move |t| (g, t)))
        .filter(|(_, t)| t.resources.memory_max_mb != 0)
        .map(|(g, t)| (t, format!("Memory oversubscription is not enabled; Task \"{}.{}\" memory_max value will be ignored. Update the Scheduler Configuration to allow oversubscription.", g.name, t.name)))
        .collect()
}

/// `helper.MergeMultierrorWarnings`: the list as one text (empty for none).
pub fn warnings_text(warnings: &[String]) -> String {
    if warnings.is_empty() {
        return String::new();
    }
    let items: String = warnings.iter().map(|w| format!("\n* {w}")).collect();
    format!("{} warning(s):\n{items}", warnings.len())
}
