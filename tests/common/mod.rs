//! Shared helpers for integration tests.
#![allow(dead_code)]

/// Snapshot assertion storing snapshots under the top-level `snapshots/`.
#[macro_export]
macro_rules! assert_snap {
    ($name:expr, $value:expr) => {{
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"));
        settings.set_prepend_module_to_snapshot(false);
        settings.bind(|| insta::assert_snapshot!($name, $value));
    }};
}

/// Path of the built binary under test.
pub fn bin() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_BIN_EXE_nomad-preflight"))
}
