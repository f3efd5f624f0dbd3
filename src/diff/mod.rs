//! Nomad JobDiff: compare two versions of a job the way `nomad/structs/diff.go` does.
//!
//! [`job_diff`] builds the diff (contextual, as the Plan RPC asks for it);
//! the planner (`planner::annotate`) adds the scheduler's update counts and
//! `forces ...` notes, so this module never reads the scheduler.
//! The types serialise as Nomad's JobDiff JSON.

mod connect;
mod engine;
mod fields;
mod gateway;
pub mod gofmt;
mod gosort;
mod gosort_large;
mod group;
mod job;
mod job_extra;
mod less_order;
mod network;
pub mod secrets;
mod service;
mod set_order;
mod task;
mod unmodelled;
mod workload;

pub use job::{job_diff, job_diff_with};

/// Nomad's `TaskGroup.Diff(other, contextual)` on its own, for tests
/// taken from diff_test.go (the plan always diffs whole jobs).
pub fn group_diff(
    old: &crate::jobspec::TaskGroup,
    new: &crate::jobspec::TaskGroup,
    version: crate::version::NomadVersion,
    contextual: bool,
) -> TaskGroupDiff {
    let d = fields::Dialect::new(version);
    group::group_diff(("default", "default"), Some(old), Some(new), d, contextual)
}

/// Nomad's `Task.Diff(other, contextual)` on its own (see [`group_diff`]).
pub fn task_diff(
    old: &crate::jobspec::Task,
    new: &crate::jobspec::Task,
    version: crate::version::NomadVersion,
    contextual: bool,
) -> TaskDiff {
    let d = fields::Dialect::new(version);
    task::task_diff(("default", "default"), Some(old), Some(new), d, contextual)
}
pub use unmodelled::UnmodelledChange;

use serde::{Serialize, Serializer};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum DiffType {
    Added,
    Deleted,
    Edited,
    None,
}

impl DiffType {
    /// Nomad's object ordering rank: Edited before Added before Deleted before None.
    fn rank(self) -> u8 {
        match self {
            DiffType::Edited => 0,
            DiffType::Added => 1,
            DiffType::Deleted => 2,
            DiffType::None => 3,
        }
    }
}

fn none_if_empty<S: Serializer, T: Serialize>(v: &[T], s: S) -> Result<S::Ok, S::Error> {
    if v.is_empty() {
        s.serialize_none()
    } else {
        v.serialize(s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FieldDiff {
    #[serde(rename = "Type")]
    pub ty: DiffType,
    pub name: String,
    pub old: String,
    pub new: String,
    #[serde(serialize_with = "none_if_empty")]
    pub annotations: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ObjectDiff {
    #[serde(rename = "Type")]
    pub ty: DiffType,
    pub name: String,
    /// Always an array (Go would write `null` for none): the `nomad-diff`
    /// reader requires a list here, and an empty list means the same.
    pub fields: Vec<FieldDiff>,
    #[serde(serialize_with = "none_if_empty")]
    pub objects: Vec<ObjectDiff>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TaskDiff {
    #[serde(rename = "Type")]
    pub ty: DiffType,
    pub name: String,
    #[serde(serialize_with = "none_if_empty")]
    pub fields: Vec<FieldDiff>,
    #[serde(serialize_with = "none_if_empty")]
    pub objects: Vec<ObjectDiff>,
    #[serde(serialize_with = "none_if_empty")]
    pub annotations: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct TaskGroupDiff {
    #[serde(rename = "Type")]
    pub ty: DiffType,
    pub name: String,
    #[serde(serialize_with = "none_if_empty")]
    pub fields: Vec<FieldDiff>,
    #[serde(serialize_with = "none_if_empty")]
    pub objects: Vec<ObjectDiff>,
    #[serde(serialize_with = "none_if_empty")]
    pub tasks: Vec<TaskDiff>,
    /// Update type (`create`, `in-place update`, ...) to count.
    pub updates: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct JobDiff {
    #[serde(rename = "Type")]
    pub ty: DiffType,
    #[serde(rename = "ID")]
    pub id: String,
    #[serde(serialize_with = "none_if_empty")]
    pub fields: Vec<FieldDiff>,
    #[serde(serialize_with = "none_if_empty")]
    pub objects: Vec<ObjectDiff>,
    #[serde(serialize_with = "none_if_empty")]
    pub task_groups: Vec<TaskGroupDiff>,
    /// The Nomad version whose rules built this diff (annotation rules
    /// differ too). Not part of Nomad's JSON.
    #[serde(skip)]
    pub version: crate::version::NomadVersion,
    /// Changes Nomad's diff objects cannot show (see unmodelled.rs); not
    /// part of Nomad's JSON (the plan puts them under `Preflight`). A
    /// job-level one leaves [`JobDiff::ty`] None, as Nomad's is.
    #[serde(skip)]
    pub unmodelled: Vec<UnmodelledChange>,
    /// The fields whose values are shown masked ([`secrets`]); not part
    /// of Nomad's JSON.
    #[serde(skip)]
    pub masked: Vec<&'static str>,
    /// Lists whose printed order is random in Nomad (`set_order`): one
    /// note each, with the odds; not part of Nomad's JSON (the plan puts
    /// them under `Preflight.Nondeterminism`).
    #[serde(skip)]
    pub order_notes: Vec<String>,
}

impl JobDiff {
    pub fn group(&self, name: &str) -> Option<&TaskGroupDiff> {
        self.task_groups.iter().find(|g| g.name == name)
    }

    /// Did the job change at all? [`JobDiff::ty`] is Nomad's own `Type`
    /// (nomad/structs/diff.go v2.0.5 Job.Diff), None for a change none of
    /// its diff objects shows (a job-level `spread`: redteam R18-A1); such
    /// a change is in [`JobDiff::unmodelled`], so a gate never reads an
    /// edited job as unchanged.
    pub fn changed(&self) -> bool {
        self.ty != DiffType::None || !self.unmodelled.is_empty()
    }

    /// Did a task's unmodelled part change?
    pub fn task_unmodelled(&self, group: &str, task: &str) -> bool {
        self.unmodelled
            .iter()
            .any(|u| u.group.as_deref() == Some(group) && u.task.as_deref() == Some(task))
    }
}

impl ObjectDiff {
    /// Every `(old, new)` pair of `EmbeddedTmpl` values in this object tree
    /// whose values differ, for the template line-diff section.
    fn collect_templates<'a>(&'a self, path: &str, out: &mut Vec<TemplateChange<'a>>) {
        for f in &self.fields {
            if self.name == "Template" && f.name == "EmbeddedTmpl" && f.ty != DiffType::None {
                out.push(TemplateChange {
                    location: path.to_string(),
                    old: &f.old,
                    new: &f.new,
                });
            }
        }
        for o in &self.objects {
            o.collect_templates(path, out);
        }
    }
}

/// One changed embedded template, located by group and task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateChange<'a> {
    /// `group "g" task "t"`.
    pub location: String,
    pub old: &'a str,
    pub new: &'a str,
}

impl JobDiff {
    /// Changed embedded templates, in diff order.
    pub fn template_changes(&self) -> Vec<TemplateChange<'_>> {
        let mut out = Vec::new();
        for g in &self.task_groups {
            for t in &g.tasks {
                let path = format!("group {:?} task {:?}", g.name, t.name);
                for o in &t.objects {
                    o.collect_templates(&path, &mut out);
                }
            }
        }
        out
    }
}
