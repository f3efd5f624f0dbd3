//! The world: cluster, namespaces, quotas and priority policy under `rules/`.

mod alloc_file;
mod alloc_holds;
mod api_alloc;
mod api_csi;
mod api_gateway;
mod api_job;
mod api_json;
mod api_read;
mod api_service;
mod api_task;
pub mod before;
pub mod bounds;
mod cluster_file;
mod csi_file;
mod device_file;
mod edition_file;
pub mod emit;
pub mod emit_allocs;
mod emit_csi;
pub(crate) mod hclread;
pub mod host_aliases;
pub mod import;
pub mod load;
mod member_file;
pub mod model;
pub mod network_file;
pub(crate) mod policy_file;
mod server_file;
mod spec_files;

pub use alloc_file::ALLOCATIONS_FILE as PINNED_FILE;
pub use cluster_file::MAX_CLIENTS;
pub use host_aliases::{Chance, Interface, PoolAliases};
pub use load::{find_world, load, MAX_RUNNING_JOBS};
pub use model::*;
pub use spec_files::QUOTA_DEVICES;
