//! Named paths (`check --base main jobs/`, `check --staged jobs/b.nomad`)
//! choose which files are reported, not what the change is: the world each
//! file is judged in is the one the whole change leaves (docs/ci.md "Never
//! silently empty or partial"). R17-52: a world change, a deleted running
//! job and the other job files of the change outside the named paths were
//! dropped with the report's narrowing.

use std::path::Path;

use super::ChangeSet;

impl ChangeSet {
    /// The whole change, whatever paths it was restricted to
    /// ([`ChangeSet::restrict`]): what the world gate and the earlier steps
    /// of a named file read.
    pub fn whole(&self) -> ChangeSet {
        let mut whole = self.clone();
        whole.changes.append(&mut whole.outside);
        whole.scope.clear();
        whole
    }

    /// Is `path` reported: a path of a change the named paths keep (all of
    /// them when none were named)?
    pub fn reports(&self, path: &Path) -> bool {
        self.scope.is_empty() || self.changes.iter().any(|c| c.paths().any(|p| p == path))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::set;
    use crate::git::Change;
    use std::path::{Path, PathBuf};

    #[test]
    fn the_whole_change_keeps_what_the_named_paths_leave_out() {
        let mut cs = set(vec![
            Change::Modified(PathBuf::from("jobs/a.nomad")),
            Change::Modified(PathBuf::from("rules/cluster.hcl")),
            Change::Deleted(PathBuf::from("run/low.nomad")),
        ]);
        cs.restrict(&[PathBuf::from("jobs")]);
        assert_eq!(cs.changed(), vec![PathBuf::from("jobs/a.nomad")]);
        let whole = cs.whole();
        assert_eq!(
            whole.changed(),
            vec![
                PathBuf::from("jobs/a.nomad"),
                PathBuf::from("rules/cluster.hcl")
            ]
        );
        assert_eq!(whole.deleted(), vec![PathBuf::from("run/low.nomad")]);
        assert!(cs.reports(Path::new("jobs/a.nomad")));
        assert!(!cs.reports(Path::new("rules/cluster.hcl")));
        assert!(whole.reports(Path::new("rules/cluster.hcl")));
    }
}
