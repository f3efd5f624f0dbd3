//! Nomad's `scheduler/annotate.go`: decorate a JobDiff with the plan's
//! per-group update counts and the `forces ...` notes on tasks and `Count`.

use std::collections::BTreeMap;

use crate::scheduler::DesiredUpdates;

use super::{DiffType, JobDiff, TaskDiff};

pub const FORCES_CREATE: &str = "forces create";
pub const FORCES_DESTROY: &str = "forces destroy";
pub const FORCES_INPLACE: &str = "forces in-place update";
pub const FORCES_DESTRUCTIVE: &str = "forces create/destroy update";

/// Add update counts (by group name) and annotations, as the Plan RPC does.
pub fn annotate(diff: &mut JobDiff, updates: &BTreeMap<String, DesiredUpdates>) {
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
            annotate_task(task, group_ty);
        }
    }
}

fn annotate_task(task: &mut TaskDiff, group_ty: DiffType) {
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
        o.ty != DiffType::None && !matches!(o.name.as_str(), "LogConfig" | "Service" | "Constraint")
    });
    task.annotations.push(
        if destructive_field || destructive_object {
            FORCES_DESTRUCTIVE
        } else {
            FORCES_INPLACE
        }
        .into(),
    );
}
