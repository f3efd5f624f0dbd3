//! Group and task names written twice, before 1.0: the CLI's HCL1 parser
//! (jobspec/parse.go parseGroups and parseTasks at 0.9.3, parse_group.go
//! and parse_task.go to 0.12.12) refuses them before any server sees the
//! job. It returns at the first repeat in source order (a group's tasks are
//! parsed before the next group's name is read): `group 'g' defined more
//! than once`, prefixed `group:`, or `task 't' defined more than once`,
//! prefixed `group: 'g', task:`, all under `error parsing 'job': ` and
//! go-multierror's list. From 1.0 jobspec2 keeps both blocks, and
//! Job.Validate reports them (`Task 2 redefines 't' from task 1`).

use std::collections::HashSet;

use super::model::Job;
use crate::diag::{Diag, Diags};
use crate::gotext::multierror;
use crate::source::{Source, Span};
use crate::version::NomadVersion;

/// The located parser error for the first repeated name, before 1.0.
pub fn check(job: &Job, src: &Source, v: NomadVersion, diags: &mut Diags) {
    if v.at_least(1, 0, 0) {
        return;
    }
    let Some((text, span)) = first_repeat(job) else {
        return;
    };
    let message = format!("error parsing 'job': {}", multierror(&[text], v));
    diags.push(
        Diag::error("jobspec::duplicate", message)
            .at(src, span.unwrap_or_default(), "defined again here")
            .help(format!(
                "Nomad {v} parses job files as HCL1, which refuses a repeated group or task name: rename or remove one"
            )),
    );
}

/// Nomad's error for the first repeated group or task name, and where.
fn first_repeat(job: &Job) -> Option<(String, Option<Span>)> {
    let mut groups = HashSet::new();
    for g in &job.groups {
        if !groups.insert(g.name.as_str()) {
            let text = format!("group: group '{}' defined more than once", g.name);
            return Some((text, g.spans.label.or(g.spans.block)));
        }
        let mut tasks = HashSet::new();
        for t in &g.tasks {
            if !tasks.insert(t.name.as_str()) {
                let text = format!(
                    "group: '{}', task: task '{}' defined more than once",
                    g.name, t.name
                );
                return Some((text, t.spans.label.or(t.spans.block)));
            }
        }
    }
    None
}
