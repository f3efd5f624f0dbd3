//! The demo committed in a new git repository, as the gate tests set it
//! up (tests/gate_defined_twice.rs, check_defined_twice_rule.rs,
//! plan_gate_replaced.rs, plan_gate_excluded.rs, gate_excluded_twice.rs):
//! one helper, where each file wrote its own.

use super::{git, TempDir};

/// How [`demo_repo`] departs from the demo as shipped.
#[derive(Default, Clone, Copy)]
pub struct Demo<'a> {
    /// Leave out the monitoring job, which no world entry runs and whose
    /// quota hit is a `check` error of its own.
    pub without_monitoring: bool,
    /// `rules/policy.hcl`'s protected jobs, as written in its list
    /// (`"\"sockshopui\""`); `None`: the demo's sockshop and sockshopui.
    pub protect: Option<&'a str>,
    /// More files committed with the demo (`.nomad-preflight.hcl`, a job).
    pub files: &'a [(&'a str, &'a str)],
    /// The branch checked out after the commit on `main`; `None`: `main`.
    pub branch: Option<&'a str>,
}

/// The demo's jobs/ and rules/ plus a namespace `ops` without a quota,
/// changed as `demo` says, committed on `main` in a new repository.
pub fn demo_repo(name: &str, demo: Demo<'_>) -> TempDir {
    let d = TempDir::demo(name);
    if demo.without_monitoring {
        std::fs::remove_file(d.0.join("jobs/monitoring.nomad")).expect("the demo's monitoring job");
    }
    if let Some(protect) = demo.protect {
        let policy = std::fs::read_to_string(d.0.join("rules/policy.hcl")).expect("policy");
        let jobs = "jobs       = [\"sockshop\", \"sockshopui\"]";
        assert!(policy.contains(jobs), "{policy}");
        d.put(
            "rules/policy.hcl",
            &policy.replacen(jobs, &format!("jobs       = [{protect}]"), 1),
        );
    }
    d.put(
        "rules/namespaces/ops.hcl",
        "name = \"ops\"\ndescription = \"ops\"\n",
    );
    for (path, text) in demo.files {
        d.put(path, text);
    }
    git(&d.0, &["init", "-q", "-b", "main"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "base"]);
    if let Some(branch) = demo.branch {
        git(&d.0, &["checkout", "-qb", branch]);
    }
    d
}
