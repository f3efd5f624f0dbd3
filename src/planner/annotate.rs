//! Nomad's `scheduler/annotate.go`: decorate a JobDiff with the plan's
//! per-group update counts and the `forces ...` notes on tasks and `Count`.
//! It lives in the planner, as the Plan RPC (`job_endpoint.go`) calls it:
//! the diff compares job versions and knows nothing of the scheduler.

use std::collections::BTreeMap;

use crate::scheduler::DesiredUpdates;
use crate::version::NomadVersion;

use crate::diff::{DiffType, JobDiff, TaskDiff};

pub const FORCES_CREATE: &str = "forces create";
pub const FORCES_DESTROY: &str = "forces destroy";
pub const FORCES_INPLACE: &str = "forces in-place update";
pub const FORCES_DESTRUCTIVE: &str = "forces create/destroy update";

/// Add update counts (by group name) and annotations, as the Plan RPC does.
pub fn annotate(diff: &mut JobDiff, updates: &BTreeMap<String, DesiredUpdates>) {
    let unmodelled = std::mem::take(&mut diff.unmodelled);
    for tg in &mut diff.task_groups {
        if let Some(u) = updates.get(&tg.name) {
            let pairs = [
                ("ignore", u.ignore),
                ("create", u.place),
                ("migrate", u.migrate),
                ("destroy", u.stop),
                ("canary", u.canary),
                ("in-place update", u.in_place_update),
                ("create/destroy update", u.destructive_update),
            ];
            for (name, n) in pairs {
                if n > 0 {
                    tg.updates.insert(name.to_string(), n);
                }
            }
        }
        for f in &mut tg.fields {
            if f.name != "Count" {
                continue;
            }
            let old: i64 = f.old.parse().unwrap_or(0);
            let new: i64 = f.new.parse().unwrap_or(0);
            if new > old {
                f.annotations.push(FORCES_CREATE.to_string());
            } else if new < old {
                f.annotations.push(FORCES_DESTROY.to_string());
            }
        }
        let group_ty = tg.ty;
        for task in &mut tg.tasks {
            // An unmodelled change could be anything: assume the worst
            // (the scheduler replaces such allocations too).
            let changed = unmodelled.iter().any(|u| {
                u.group.as_deref() == Some(tg.name.as_str())
                    && u.task.as_deref() == Some(task.name.as_str())
                    && !u.fields.is_empty()
            });
            annotate_task(task, group_ty, diff.version, changed);
        }
    }
    diff.unmodelled = unmodelled;
}

fn annotate_task(task: &mut TaskDiff, group_ty: DiffType, version: NomadVersion, unmodelled: bool) {
    if task.ty == DiffType::None {
        return;
    }
    if matches!(group_ty, DiffType::Added | DiffType::Deleted) {
        match task.ty {
            DiffType::Added => task.annotations.push(FORCES_CREATE.into()),
            DiffType::Deleted => task.annotations.push(FORCES_DESTROY.into()),
            _ => {}
        }
        return;
    }
    // Only kill_timeout changes are in-place among the task's own fields.
    let destructive_field = task
        .fields
        .iter()
        .any(|f| f.ty != DiffType::None && f.name != "KillTimeout");
    let destructive_object = task.objects.iter().any(|o| {
        if o.ty == DiffType::None {
            return false;
        }
        match o.name.as_str() {
            "Service" | "Constraint" => false,
            "Affinity" | "Spread" => !version.at_least(1, 10, 0),
            // annotate.go v1.5.4 on: a LogConfig field named `Enabled`
            // (1.5.4) or `Disabled` (1.5.5+) makes the task destructive,
            // whatever its diff type, and the Plan RPC's contextual diff
            // lists it unchanged too: any edit of the logs block.
            "LogConfig" => {
                version.at_least(1, 5, 4)
                    && o.fields
                        .iter()
                        .any(|f| matches!(f.name.as_str(), "Enabled" | "Disabled"))
            }
            _ => true,
        }
    });
    task.annotations.push(
        if destructive_field || destructive_object || unmodelled {
            FORCES_DESTRUCTIVE
        } else {
            FORCES_INPLACE
        }
        .into(),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{job_diff, FieldDiff};
    use crate::jobspec::{Affinity, Job, Task, TaskGroup};

    fn job_with(task: Task) -> Job {
        Job {
            id: "j".into(),
            groups: vec![TaskGroup {
                name: "g".into(),
                count: 2,
                tasks: vec![task],
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    fn task_annotation(old: &Job, new: &Job, version: NomadVersion) -> Vec<String> {
        let mut d = job_diff(Some(old), Some(new), version);
        annotate(&mut d, &BTreeMap::new());
        d.task_groups[0].tasks[0].annotations.clone()
    }

    #[test]
    fn kill_timeout_is_in_place_driver_is_destructive() {
        let t = Task {
            name: "t".into(),
            driver: "docker".into(),
            ..Default::default()
        };
        let old = job_with(t.clone());
        let mut new = old.clone();
        new.groups[0].tasks[0].kill_timeout = crate::jobspec::Duration::secs(9);
        let v = NomadVersion::DEMO;
        assert_eq!(task_annotation(&old, &new, v), vec![FORCES_INPLACE]);
        new.groups[0].tasks[0].driver = "exec".into();
        assert_eq!(task_annotation(&old, &new, v), vec![FORCES_DESTRUCTIVE]);
    }

    #[test]
    fn affinity_became_in_place_in_1_10() {
        let old = job_with(Task {
            name: "t".into(),
            ..Default::default()
        });
        let mut new = old.clone();
        new.groups[0].tasks[0].affinities.push(Affinity {
            ltarget: "${node.class}".into(),
            operand: "=".into(),
            rtarget: "big".into(),
            weight: 50,
            ..Default::default()
        });
        assert_eq!(
            task_annotation(&old, &new, NomadVersion::new(1, 9, 0)),
            vec![FORCES_DESTRUCTIVE]
        );
        assert_eq!(
            task_annotation(&old, &new, NomadVersion::new(1, 10, 0)),
            vec![FORCES_INPLACE]
        );
    }

    #[test]
    fn count_and_update_counts() {
        let old = job_with(Task {
            name: "t".into(),
            ..Default::default()
        });
        let mut new = old.clone();
        new.groups[0].count = 1;
        let mut d = job_diff(Some(&old), Some(&new), NomadVersion::DEMO);
        let u = DesiredUpdates {
            stop: 1,
            in_place_update: 1,
            ..Default::default()
        };
        annotate(&mut d, &BTreeMap::from([("g".to_string(), u)]));
        let g = &d.task_groups[0];
        assert_eq!(
            g.fields,
            vec![FieldDiff {
                ty: DiffType::Edited,
                name: "Count".into(),
                old: "2".into(),
                new: "1".into(),
                annotations: vec![FORCES_DESTROY.into()],
            }]
        );
        assert_eq!(
            g.updates,
            BTreeMap::from([
                ("destroy".to_string(), 1),
                ("in-place update".to_string(), 1)
            ])
        );
        assert!(g.tasks[0].annotations.is_empty());
    }
}
