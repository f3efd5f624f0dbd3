//! The world: cluster, namespaces, quotas and priority policy under `rules/`.

pub mod emit;
mod hclread;
pub mod import;
pub mod load;
pub mod model;

pub use load::{find_world, load};
pub use model::*;
