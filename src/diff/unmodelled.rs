//! Changes the diff cannot show in Nomad's terms: what a job file wrote that
//! the typed model does not hold ([`js::Unmodelled`]), and any other
//! difference between two job versions that none of Nomad's diff objects
//! shows. The plan reports them after Nomad's text and in JSON, and marks
//! the job, group or task edited, so an edit is never planned as "no change".

use serde::Serialize;

use crate::jobspec as js;

use super::engine::{field_diffs, sort_fields, Flat};
use super::fields::{self as fl, Dialect};
use super::workload::{unshown_group, unshown_job, unshown_task};
use super::{DiffType, FieldDiff, JobDiff};

/// One job, group or task whose unmodelled part changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UnmodelledChange {
    pub group: Option<String>,
    pub task: Option<String>,
    /// The changed arguments, by path (`identity[vault].aud[0]`). Empty when
    /// the versions differ in a modelled field that Nomad's diff does not
    /// show (a job-level `spread`, for one).
    pub fields: Vec<FieldDiff>,
    /// Some of `fields` are arguments the typed model does not hold, so
    /// whether Nomad's own diff shows them is not known; otherwise every
    /// change here is one Nomad's diff at this version has no object for.
    #[serde(skip)]
    pub unknown: bool,
}

impl UnmodelledChange {
    /// `job`, `group "g"` or `group "g" task "t"`.
    pub fn location(&self) -> String {
        match (&self.group, &self.task) {
            (Some(g), Some(t)) => format!("group {g:?} task {t:?}"),
            (Some(g), None) => format!("group {g:?}"),
            _ => "job".to_string(),
        }
    }

    /// What the plan made of it: a group or task is Edited, as Nomad's
    /// deep-equality check makes it (diff.go v2.0.5 TaskGroup.Diff,
    /// Task.Diff); the job keeps Nomad's `Type` None (Job.Diff reads only
    /// its diff objects) unless the change is in an argument we do not
    /// model, which Nomad's diff may show.
    fn effect(&self) -> &'static str {
        match (&self.group, &self.task) {
            (_, Some(_)) | (Some(_), None) if !self.fields.is_empty() => {
                "planned as a create/destroy update"
            }
            (None, None) if !self.unknown => "Nomad's Diff.Type stays None",
            _ => "planned as edited",
        }
    }

    /// One line for stderr: where, what, and what the plan assumed.
    pub fn summary(&self) -> String {
        if self.fields.is_empty() {
            return format!(
                "{} changed in fields Nomad's diff does not show; {}",
                self.location(),
                self.effect()
            );
        }
        let mut names: Vec<&str> = self
            .fields
            .iter()
            .map(|f| f.name.split(['[', '.']).next().unwrap_or(&f.name))
            .collect();
        names.dedup();
        format!(
            "{} changed but not modelled ({}); {}",
            self.location(),
            names.join(", "),
            self.effect()
        )
    }
}

fn flat(u: &js::Unmodelled) -> Flat {
    fl::config(&u.0)
}

/// The changed unmodelled arguments between two versions of one object.
pub fn field_changes(old: &js::Unmodelled, new: &js::Unmodelled) -> Vec<FieldDiff> {
    if old == new {
        return Vec::new();
    }
    field_diffs(&flat(old), &flat(new), false)
}

/// Changes in blocks the simulated version's diff has no object for.
fn unshown(old: &Flat, new: &Flat) -> Vec<FieldDiff> {
    field_diffs(old, new, false)
}

/// Does this object list show any change?
fn shows(fields: &[FieldDiff], objects: &[super::ObjectDiff]) -> bool {
    fields.iter().any(|f| f.ty != DiffType::None) || objects.iter().any(|o| o.ty != DiffType::None)
}

/// The job as the servers store it, for telling whether two versions
/// differ: api `TaskGroup.Canonicalize` merges the job-level `update`,
/// `reschedule` and `migrate` into every group (compared there), and the
/// stored job keeps only the legacy `Stagger`/`MaxParallel` of its
/// `Update` (command/agent `ApiJobToStructJob`), canonicalised (api
/// `Job.Canonicalize`: service and system jobs without one get the
/// default strategy, 30s and 1). A job file holds the job-level blocks as
/// written, an imported job as stored: both compare by this. Nor does it
/// keep the submitted VaultToken or ConsulToken (Job.Register clears
/// them), which Job.Diff shows where its release flattens them; and its
/// groups' `consul` as `v` stores it (1.1 to 1.9 give each group one).
fn stored(j: &js::Job, v: crate::version::NomadVersion) -> js::Job {
    let legacy = match &j.update {
        Some(u) => Some((
            if u.spans.written("stagger") || u.stagger.nanos() != 0 {
                u.stagger
            } else {
                js::Duration::secs(30)
            },
            if u.spans.written("max_parallel") || u.max_parallel != 0 {
                u.max_parallel
            } else {
                1
            },
        )),
        None if matches!(j.job_type, js::JobType::Service | js::JobType::System) => {
            Some((js::Duration::secs(30), 1))
        }
        None => None,
    };
    let mut out = js::Job {
        update: legacy.map(|(stagger, max_parallel)| js::UpdateStrategy {
            stagger,
            max_parallel,
            ..js::UpdateStrategy::default()
        }),
        reschedule: None,
        migrate: None,
        vault_token: String::new(),
        consul_token: String::new(),
        ..j.clone()
    };
    crate::structs::spec_changed::store_groups_consul(&mut out, v);
    out
}

/// Every change between two versions of a job that `diff` (Nomad's part)
/// does not show: unmodelled arguments, and objects that differ while their
/// diff shows nothing.
pub fn changes(old: &js::Job, new: &js::Job, diff: &JobDiff) -> Vec<UnmodelledChange> {
    let mut out = Vec::new();
    let mut push =
        |group: Option<&str>, task: Option<&str>, fields: Vec<FieldDiff>, unknown: bool| {
            out.push(UnmodelledChange {
                group: group.map(str::to_string),
                task: task.map(str::to_string),
                fields,
                unknown,
            })
        };
    let d = Dialect::new(diff.version);
    let mut fields = field_changes(&old.unmodelled, &new.unmodelled);
    let unknown = !fields.is_empty();
    fields.extend(unshown(&unshown_job(old, d), &unshown_job(new, d)));
    sort_fields(&mut fields);
    let job_shows = shows(&diff.fields, &diff.objects)
        || diff.task_groups.iter().any(|g| g.ty != DiffType::None);
    if !fields.is_empty() || (stored(old, diff.version) != stored(new, diff.version) && !job_shows)
    {
        push(None, None, fields, unknown);
    }
    for ng in &new.groups {
        let (Some(og), Some(gd)) = (old.group(&ng.name), diff.group(&ng.name)) else {
            continue;
        };
        let mut fields = field_changes(&og.unmodelled, &ng.unmodelled);
        let unknown = !fields.is_empty();
        fields.extend(unshown(&unshown_group(og, d), &unshown_group(ng, d)));
        sort_fields(&mut fields);
        let group_shows =
            shows(&gd.fields, &gd.objects) || gd.tasks.iter().any(|t| t.ty != DiffType::None);
        let same = crate::structs::spec_changed::same_group(og, ng, diff.version);
        if !fields.is_empty() || (!same && !group_shows) {
            push(Some(&ng.name), None, fields, unknown);
        }
        for nt in &ng.tasks {
            let (Some(ot), Some(td)) = (
                og.task(&nt.name),
                gd.tasks.iter().find(|t| t.name == nt.name),
            ) else {
                continue;
            };
            let mut fields = field_changes(&ot.unmodelled, &nt.unmodelled);
            let unknown = !fields.is_empty();
            fields.extend(unshown(&unshown_task(ot, d), &unshown_task(nt, d)));
            sort_fields(&mut fields);
            // The restart policy copied from the group shows on the group.
            let differs = || {
                let bare = |t: &js::Task| js::Task {
                    restart: None,
                    ..t.clone()
                };
                bare(ot) != bare(nt)
            };
            if !fields.is_empty() || (!shows(&td.fields, &td.objects) && differs()) {
                push(Some(&ng.name), Some(&nt.name), fields, unknown);
            }
        }
    }
    out
}
