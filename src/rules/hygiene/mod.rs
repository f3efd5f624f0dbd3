//! NP1xx: hygiene and migration from HCL1-era job files.

pub mod default_resources;
pub mod docker_port_map;
pub mod hcl1_syntax;
pub mod image_tag_latest;
pub mod task_network;
pub mod update_stagger;

use crate::jobspec::{Job, Task, TaskGroup};

/// Every task with its group, in file order.
pub fn tasks(job: &Job) -> impl Iterator<Item = (&TaskGroup, &Task)> {
    job.groups
        .iter()
        .flat_map(|g| g.tasks.iter().map(move |t| (g, t)))
}
