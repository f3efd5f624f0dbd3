//! The world: cluster, namespaces, quotas and priority policy under `rules/`.

pub mod model;

pub use model::*;
