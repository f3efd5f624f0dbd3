//! Text renderers that reproduce the Nomad CLI output byte for byte.
pub mod status;
