//! The world: cluster, namespaces, quotas and priority policy under `rules/`.

mod alloc_disconnected;
mod alloc_failed_written;
mod alloc_file;
mod alloc_holds;
mod alloc_running;
mod alloc_stop_after;
mod alloc_version;
mod api_alloc;
mod api_alloc_batch;
mod api_alloc_disconnect;
mod api_alloc_failed;
mod api_alloc_namespace;
mod api_alloc_purged;
mod api_alloc_resources;
mod api_alloc_state;
mod api_alloc_stub;
mod api_alloc_version;
mod api_csi;
mod api_deployment;
mod api_gateway;
mod api_job;
mod api_json;
mod api_read;
mod api_reschedule;
mod api_service;
mod api_task;
mod api_terminal_releases;
pub mod before;
pub mod bounds;
mod client_dynamic_ports;
mod client_max_allocs;
mod client_reserved;
mod cluster_file;
mod csi_file;
mod device_file;
mod edition_file;
pub mod emit;
pub mod emit_allocs;
mod emit_cluster;
mod emit_csi;
mod emit_job;
mod emit_specs;
mod emit_task_parts;
pub mod guess;
pub(crate) mod hclread;
pub mod host_aliases;
pub mod import;
pub mod load;
mod member_file;
pub mod model;
pub mod namespace_clusters;
pub mod namespace_pools;
pub mod network_file;
pub mod nil_deployment;
pub mod node_pools;
mod pinned_run;
pub(crate) mod policy_file;
mod pool_networks;
mod preemption_file;
pub mod quota_limits;
mod quota_since;
mod running_vars;
mod server_file;
mod server_model;
mod spec_files;
pub mod stand_in;
pub mod status_facts;
pub mod status_jobs;
pub mod work_tree;

pub use alloc_file::ALLOCATIONS_FILE as PINNED_FILE;
pub use alloc_running::settled as settled_warnings;
pub use cluster_file::MAX_CLIENTS;
pub use host_aliases::{Chance, Interface, PoolAliases};
pub use load::{find_world, load, MAX_JOB_GROUPS, MAX_RUNNING_JOBS};
pub use model::*;
pub use quota_limits::{NotSimulated, PoolLimit, Unsimulated};
pub use running_vars::RunningVars;
pub use spec_files::QUOTA_DEVICES;

impl World {
    /// The IDs of the nodes whose pool's status `pick` takes: the
    /// allocation checks' down or disconnected clients.
    fn node_ids_where(
        &self,
        pick: impl Fn(crate::structs::NodeStatus) -> bool,
    ) -> std::collections::HashSet<String> {
        self.clients
            .iter()
            .filter(|pool| pick(pool.state.status))
            .flat_map(|pool| (1..=pool.count).map(|k| pool.node_identity(&self.region, k).0))
            .collect()
    }
}
