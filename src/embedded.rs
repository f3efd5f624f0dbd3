//! The demo compiled into the binary: `jobs/`, `rules/` and the rehearsal,
//! so an installed `nomad-preflight rehearse` works outside a checkout.

use crate::vfs::MemVfs;

/// (path relative to the project root, contents)
const FILES: &[(&str, &str)] = &[
    (
        "jobs/sockshop.nomad",
        include_str!("../jobs/sockshop.nomad"),
    ),
    (
        "jobs/sockshopui.nomad",
        include_str!("../jobs/sockshopui.nomad"),
    ),
    (
        "jobs/monitoring.nomad",
        include_str!("../jobs/monitoring.nomad"),
    ),
    ("rules/cluster.hcl", include_str!("../rules/cluster.hcl")),
    ("rules/policy.hcl", include_str!("../rules/policy.hcl")),
    (
        "rules/quotas/default.hcl",
        include_str!("../rules/quotas/default.hcl"),
    ),
    (
        "rules/namespaces/default.hcl",
        include_str!("../rules/namespaces/default.hcl"),
    ),
    (
        "rehearsals/demo.hcl",
        include_str!("../rehearsals/demo.hcl"),
    ),
];

pub const WORLD_DIR: &str = "rules";
pub const REHEARSAL: &str = "rehearsals/demo.hcl";

/// The embedded demo project as a read-only file tree.
pub fn demo() -> MemVfs {
    let mut v = MemVfs::embedded("the demo compiled into nomad-preflight");
    for (path, text) in FILES {
        v.insert(path, *text);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vfs::Vfs;
    use std::path::Path;

    #[test]
    fn embedded_demo_holds_the_world_and_the_rehearsal() {
        let v = demo();
        assert!(v.is_file(Path::new("rules/cluster.hcl")));
        assert!(v.is_file(Path::new(REHEARSAL)));
        assert_eq!(v.list(Path::new("jobs")).unwrap().len(), 3);
    }
}
