//! Feasibility as Nomad's scheduler decides it for one node, before any
//! resources are counted (`scheduler/feasible/feasible.go`,
//! `scheduler/util.go` readyNodesInDCsAndPool): which nodes a job may use at
//! all, and whether a node's drivers can run a group. The engine filters
//! with these, and the lint rules ask the same questions of the world's
//! client pools, so a rule never passes what the scheduler refuses.

use crate::cluster::{Node, NodeStatus};
use crate::jobspec::{Job, TaskGroup};
use crate::version::NomadVersion;

/// Datacenter match: exact before 1.5.0, a `*` glob since (`Node.IsInDC`).
pub fn datacenter_matches(pattern: &str, dc: &str, version: NomadVersion) -> bool {
    if !datacenter_globs(version) {
        return pattern == dc;
    }
    star_glob(pattern, dc)
}

/// Does this release read `datacenters` entries as globs?
pub fn datacenter_globs(version: NomadVersion) -> bool {
    version.at_least(1, 5, 0)
}

/// Does this release have node pools (1.6.0)? Before, every node is in scope
/// whatever the job says.
pub fn node_pools(version: NomadVersion) -> bool {
    version.at_least(1, 6, 0)
}

/// The glob Nomad's `IsInDC` uses (`ryanuber/go-glob`): only `*` is
/// special (`?` is a literal), parts are matched left to right, the first
/// as a prefix, the middle ones where they first occur, the last as a suffix
/// of what is left. Once the subject is used up, the remaining parts match.
fn star_glob(pattern: &str, subject: &str) -> bool {
    if pattern.is_empty() {
        return subject.is_empty();
    }
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return subject == pattern;
    }
    let (leading, trailing) = (pattern.starts_with('*'), pattern.ends_with('*'));
    let end = parts.len() - 1;
    let mut rest = subject;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            if leading {
                continue;
            }
            if !rest.starts_with(part) {
                return false;
            }
        } else if i == end {
            return rest.is_empty() || trailing || rest.ends_with(part);
        }
        let Some(at) = rest.find(part) else {
            return false;
        };
        rest = &rest[at + part.len()..];
    }
    true
}

/// Ready, eligible and not draining: a node the scheduler considers at all.
pub fn schedulable(n: &Node) -> bool {
    n.status == NodeStatus::Ready && n.eligible && !n.drain
}

/// Is the node in one of the job's datacenters and in its node pool (`all`
/// matches every pool; no pool means `default`), as this release matches them?
pub fn in_job_scope(version: NomadVersion, job: &Job, n: &Node) -> bool {
    let want_pool = if job.node_pool.is_empty() {
        "default"
    } else {
        job.node_pool.as_str()
    };
    job.datacenters
        .iter()
        .any(|d| datacenter_matches(d, &n.datacenter, version))
        && (!node_pools(version) || want_pool == "all" || n.node_pool == want_pool)
}

/// Does the node have every driver the group's tasks use (the
/// `missing drivers` filter)?
pub fn has_drivers(tg: &TaskGroup, n: &Node) -> bool {
    tg.tasks
        .iter()
        .all(|t| n.drivers.iter().any(|d| d == &t.driver))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datacenter_globs_only_when_supported() {
        let new = NomadVersion::new(1, 5, 0);
        let old = NomadVersion::new(1, 4, 9);
        assert!(datacenter_matches("dc*", "dc1", new));
        assert!(!datacenter_matches("dc*", "dc1", old));
        assert!(datacenter_matches("dc1", "dc1", old));
        // go-glob knows only `*`.
        assert!(!datacenter_matches("d?1", "dc1", new));
        assert!(datacenter_matches("d?1", "d?1", new));
        assert!(datacenter_matches("*-1", "us-1", new));
        assert!(!datacenter_matches("*-1", "us-2", new));
        // Its quirk: once the subject is used up, what is left matches.
        assert!(datacenter_matches("dc*1", "dc", new));
        assert!(datacenter_matches("*", "anything", new));
        assert!(datacenter_matches("*", "", new));
        assert!(!datacenter_matches("eu-*", "us-1", new));
        assert!(datacenter_matches("eu-*-a", "eu-west-a", new));
    }

    #[test]
    fn node_pools_count_from_1_6() {
        let n = Node {
            datacenter: "dc1".into(),
            node_pool: "gpu".into(),
            ..Node::default()
        };
        let job = |pool: &str| Job {
            datacenters: vec!["dc1".into()],
            node_pool: pool.into(),
            ..Job::default()
        };
        let v16 = NomadVersion::new(1, 6, 0);
        let v15 = NomadVersion::new(1, 5, 6);
        assert!(!in_job_scope(v16, &job(""), &n));
        assert!(!in_job_scope(v16, &job("default"), &n));
        assert!(in_job_scope(v16, &job("gpu"), &n));
        assert!(in_job_scope(v16, &job("all"), &n));
        assert!(in_job_scope(v15, &job(""), &n), "no pools before 1.6");
        let elsewhere = Job {
            datacenters: vec!["dc2".into()],
            ..job("gpu")
        };
        assert!(!in_job_scope(v16, &elsewhere, &n));
    }

    #[test]
    fn drivers_are_judged_per_node() {
        use crate::jobspec::Task;
        let n = Node {
            drivers: vec!["docker".into(), "exec".into()],
            ..Node::default()
        };
        let tg = |drivers: &[&str]| TaskGroup {
            tasks: drivers
                .iter()
                .map(|d| Task {
                    driver: d.to_string(),
                    ..Task::default()
                })
                .collect(),
            ..TaskGroup::default()
        };
        assert!(has_drivers(&tg(&["docker", "exec"]), &n));
        assert!(!has_drivers(&tg(&["docker", "java"]), &n));
        assert!(has_drivers(&tg(&[]), &n));
    }
}
