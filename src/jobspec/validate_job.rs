//! The job-level parts of `Job.Validate` (nomad/structs/structs.go) beyond
//! type, priority and names: datacenter entries, the per-group checks of
//! its first loop (shutdown delay, stop_after_client_disconnect, a system
//! group's count), and periodic and parameterized jobs.
//!
//! Versions (read at each tag):
//! - group `shutdown_delay` < 0: from 0.11.0;
//! - `stop_after_client_disconnect` in Job.Validate: 1.0.0 to 1.9.x;
//! - periodic and parameterized jobs: batch only before 1.2.0, then batch
//!   or sysbatch (the text names both);
//! - `PeriodicConfig.Validate`: validate_periodic.rs.
//!
//! Multiregion: validate_multiregion.rs.
//!
//! A `type` no release schedules (`"zz"`, a misspelt `"Service"`, `""`)
//! is parsed by every CLI (HCL1 decodes a string, jobspec2 too) and
//! refused by Job.Validate, right after the ID and name checks:
//! `Invalid job type: "zz"` (`Missing job type` for `""`, which api's
//! Canonicalize keeps since it only fills an absent type), the same text at
//! 0.9.3 through 2.0.5. api's TaskGroup.Canonicalize gives such a job the
//! defaults of no known type: batch's restart policy, no update or migrate
//! strategy, and a reschedule policy of zeros from 0.11.0 (GH-7203), none
//! before, where a written reschedule block panics instead
//! ([`canonicalize_panics`]). We model it as a batch job with the written
//! name kept for Nomad's texts ([`type_name`]); every per-type test of
//! Job.Validate and TaskGroup.Validate takes the branch of no known type
//! (`Job type "zz" does not allow update block`, `Periodic can only be used
//! with "batch" scheduler`, ...).

use super::model::*;
use super::validate::{err, Out};
use crate::gotext::go_quote;
use crate::source::Span;
use crate::version::NomadVersion;

const CODE: &str = "jobspec::value";

/// The type name Nomad's texts quote (`Job type "zz" does not allow
/// update block`): the written one when no release schedules it.
pub(super) fn type_name(job: &Job) -> &str {
    job.refused_type
        .as_deref()
        .unwrap_or_else(|| job.job_type.as_str())
}

/// Whether Nomad knows the job's type: an unknown one is modelled as a
/// batch job, but Job.Validate's type tests (periodic, parameterized,
/// stop_after_client_disconnect, multiregion) fail for it.
pub(super) fn type_known(job: &Job) -> bool {
    job.refused_type.is_none()
}

/// The reschedule block api's Canonicalize panics on before 0.11 for a job
/// of unknown type: NewDefaultReschedulePolicy has no default case there
/// (api/tasks.go, added by GH-7203 in 0.11.0), so
/// ReschedulePolicy.Canonicalize reads a field of a nil policy for every
/// field the job's and group's blocks (merged) leave unset. Without a
/// block the policy stays nil and nothing panics.
pub(super) fn canonicalize_panics(job: &Job, v: NomadVersion) -> Option<Span> {
    if job.refused_type.is_none() || v.at_least(0, 11, 0) {
        return None;
    }
    const FIELDS: [&str; 6] = [
        "attempts",
        "interval",
        "delay",
        "delay_function",
        "max_delay",
        "unlimited",
    ];
    let job_r = job.reschedule.as_ref();
    job.groups.iter().find_map(|g| {
        let group_r = g.reschedule.as_ref();
        let first = group_r.or(job_r)?;
        let written = |f: &str| {
            [job_r, group_r]
                .iter()
                .flatten()
                .any(|r| r.spans.written(f))
        };
        (!FIELDS.iter().all(|f| written(f))).then(|| first.spans.block.unwrap_or_default())
    })
}

/// The "cannot tell" line for [`canonicalize_panics`].
pub(super) fn panic_text(job: &Job, v: NomadVersion) -> String {
    format!(
        "Nomad {v}'s agent panics on this job (runtime error: invalid memory address or nil pointer dereference): api's ReschedulePolicy.Canonicalize fills the reschedule block's unset fields from the defaults of job type {}, which has none before 0.11, so `validate` crashes with a Go panic and `plan` loses its connection",
        go_quote(type_name(job))
    )
}

/// The type of Nomad's own garbage-collection jobs: Job.Validate lets it
/// through, the job endpoint's validateJob refuses it afterwards.
const CORE: &str = "_core";

/// Job.Validate's type check for a type no release schedules.
pub(super) fn refused_type(job: &Job, out: &mut Out<'_>) {
    let Some(t) = job.refused_type.as_ref().filter(|t| *t != CORE) else {
        return;
    };
    let text = if t.is_empty() {
        "Missing job type".to_string()
    } else {
        format!("Invalid job type: {}", go_quote(t))
    };
    err(
        out,
        CODE,
        job.spans.best("type"),
        &text,
        "no such job type",
        "use one of service, batch, system or sysbatch (sysbatch from Nomad 1.2)",
    );
}

/// validateJob's `job type cannot be core` (nomad/job_endpoint.go before
/// 1.0, job_endpoint_hooks.go's validate hook after; 0.9.3 to 2.0.5),
/// after Job.Validate's list and before the hook's priority (1.5+).
pub(super) fn core_type(job: &Job, out: &mut Out<'_>) {
    if job.refused_type.as_deref() == Some(CORE) {
        err(
            out,
            CODE,
            job.spans.best("type"),
            "job type cannot be core",
            "Nomad's own job type",
            "use one of service, batch, system or sysbatch (sysbatch from Nomad 1.2)",
        );
    }
}

/// The validate hook's last check (nomad/job_endpoint_hooks.go
/// jobValidate.Validate, from 1.11.0): the groups' counts together may not
/// exceed the servers' `job_max_count`. Its text, when it fails: the last
/// item of jobValidate's list, after the identity errors the admission
/// adds (planner/admission_identity.rs).
pub fn max_count_error(job: &Job, v: NomadVersion) -> Option<String> {
    if !v.at_least(1, 11, 0) {
        return None;
    }
    // The servers' job_max_count (50000 unless the world states another; 0
    // is no bound: `JobMaxCount > 0 &&`, job_endpoint_hooks.go:549@v2.0.5).
    let max = job.loaded.servers.max_count;
    let total: i64 = job.groups.iter().map(|g| g.count).sum();
    (max > 0 && total > max)
        .then(|| format!("total count was greater than configured job_max_count: {total} > {max}"))
}

pub(super) fn max_count(job: &Job, v: NomadVersion, out: &mut Out<'_>) {
    if let Some(text) = max_count_error(job, v) {
        let at = job.groups.iter().rev().find_map(|g| g.spans.best("count"));
        let help = if job.loaded.servers.stated {
            "split the job, or raise the servers' job_max_count"
        } else {
            "split the job, or raise the servers' job_max_count (50000 by default, assumed here)"
        };
        err(
            out,
            CODE,
            at.or(job.spans.label),
            text,
            "too many allocations",
            help,
        );
    }
}

/// Job.Validate's first checks. The null-character texts are new in 1.0.0
/// (structs.go at v0.12.12 has only the space). An empty ID cannot come from
/// a labelled `job` block; an empty region or name is written so.
pub(super) fn id_and_name(job: &Job, v: NomadVersion, out: &mut Out<'_>) {
    // Only an explicit `region = ""` leaves it empty (jobspec::defaults);
    // from 0.12.0 a multiregion job needs none.
    if job.region.is_empty() && (job.multiregion.is_none() || !v.at_least(0, 12, 0)) {
        let help = "name the job's region (`region = \"global\"`), or leave `region` out";
        err(
            out,
            CODE,
            job.spans.best("region"),
            "Missing job region",
            "empty region",
            help,
        );
    }
    let at = job.spans.best("id");
    if job.id.contains(' ') {
        let help =
            "a job ID may not hold spaces: use dashes or underscores (`name` may hold spaces)";
        err(
            out,
            CODE,
            at,
            "Job ID contains a space",
            "space in the job ID",
            help,
        );
    } else if job.id.contains('\0') && v.at_least(1, 0, 0) {
        let text = "Job ID contains a null character";
        err(
            out,
            CODE,
            at,
            text,
            "null character",
            "remove the null character",
        );
    }
    if job.name.is_empty() {
        // An explicit `name = ""`: api Canonicalize names the job after its
        // ID only when `name` is absent.
        let help = "give the job a name, or leave `name` out (it defaults to the job's ID)";
        err(
            out,
            CODE,
            job.spans.best("name"),
            "Missing job name",
            "empty name",
            help,
        );
    } else if job.name.contains('\0') && v.at_least(1, 0, 0) {
        let at = job.spans.best("name");
        let text = "Job Name contains a null character";
        err(
            out,
            CODE,
            at,
            text,
            "null character",
            "remove the null character",
        );
    }
}

/// `Job datacenter must be non-empty string`, once per empty entry.
pub(super) fn datacenters(job: &Job, out: &mut Out<'_>) {
    for _ in job.datacenters.iter().filter(|d| d.is_empty()) {
        let text = "Job datacenter must be non-empty string";
        let help = "remove the empty entry, or name a datacenter";
        err(
            out,
            CODE,
            job.spans.best("datacenters"),
            text,
            "empty datacenter",
            help,
        );
    }
}

/// `Job.Validate`'s per-group checks after the name (its first loop).
pub(super) fn job_loop(job: &Job, g: &TaskGroup, v: NomadVersion, out: &mut Out<'_>) {
    let gs = &g.spans;
    if v.at_least(0, 11, 0) && g.shutdown_delay.is_some_and(|d| d.nanos() < 0) {
        let text = "ShutdownDelay must be a positive value";
        let help = "use a shutdown_delay of 0s or more";
        err(out, CODE, gs.best("shutdown_delay"), text, "negative", help);
    }
    let sacd_checked = v.at_least(1, 0, 0) && !v.at_least(1, 10, 0);
    if let Some(d) = g.stop_after_client_disconnect.filter(|_| sacd_checked) {
        let span = gs.best("stop_after_client_disconnect");
        let service_or_batch =
            type_known(job) && matches!(job.job_type, JobType::Batch | JobType::Service);
        if d.nanos() > 0 && !service_or_batch {
            let text = "stop_after_client_disconnect can only be set in batch and service jobs";
            let help = "remove it: per-node jobs keep their allocations on a disconnected client";
            err(out, CODE, span, text, "not for this job type", help);
        } else if d.nanos() < 0 {
            let text = "stop_after_client_disconnect must be a positive value";
            let help = "use a positive duration";
            err(out, CODE, span, text, "negative", help);
        }
    }
    if job.job_type == JobType::System && g.count > 1 {
        let text = format!(
            "Job task group {} has count {}. Count cannot exceed 1 with system scheduler",
            g.name, g.count
        );
        let help =
            "a system job runs one allocation per eligible node: use count = 1 or leave it out";
        err(out, CODE, gs.best("count"), text, "more than 1", help);
    }
}

/// The scheduler types a periodic or parameterized job may use, as that
/// Nomad words them.
fn batch_types(v: NomadVersion) -> (&'static str, bool) {
    if v.at_least(1, 2, 0) {
        ("\"batch\" or \"sysbatch\"", true)
    } else {
        ("\"batch\"", false)
    }
}

/// `Job.Validate`'s periodic and parameterized checks (after the groups).
pub(super) fn periodic_and_parameterized(job: &Job, v: NomadVersion, out: &mut Out<'_>) {
    let (types, sysbatch_ok) = batch_types(v);
    let batchlike = type_known(job)
        && (job.job_type == JobType::Batch || (sysbatch_ok && job.job_type == JobType::Sysbatch));
    if let Some(p) = job.periodic.as_ref().filter(|p| p.enabled) {
        let ps = &p.spans;
        if !batchlike {
            let text = format!("Periodic can only be used with {types} scheduler");
            let help = "periodic jobs launch batch runs: use type = \"batch\"";
            err(out, CODE, ps.block, text, "periodic", help);
        }
        // PeriodicConfig.Validate's multierror is one item.
        out.nested(None, |out| super::validate_periodic::periodic(p, v, out));
    }
    if let Some(p) = &job.parameterized {
        let ps = &p.spans;
        if !batchlike {
            let text = format!("Parameterized job can only be used with {types} scheduler");
            let help = "dispatched jobs run to completion: use type = \"batch\"";
            err(out, CODE, ps.block, text, "parameterized", help);
        }
        out.nested(None, |out| {
            if !matches!(p.payload.as_str(), "optional" | "required" | "forbidden") {
                let text = format!(
                    "Unknown payload requirement: {}",
                    crate::gotext::go_quote(&p.payload)
                );
                let help = "use payload = \"optional\", \"required\" or \"forbidden\"";
                err(out, CODE, ps.best("payload"), text, "unknown", help);
            }
            let mut both: Vec<&str> = p
                .meta_required
                .iter()
                .filter(|k| p.meta_optional.contains(k))
                .map(String::as_str)
                .collect();
            both.sort_unstable();
            both.dedup();
            if !both.is_empty() {
                // `%v` of a []string; with several keys Nomad's order is a
                // set's (random), ours sorted.
                let text = format!(
                    "Required and optional meta keys should be disjoint. Following keys exist in both: [{}]",
                    both.join(" ")
                );
                let help = "list each meta key as required or optional, not both";
                err(out, CODE, ps.best("meta_optional"), text, "overlap", help);
            }
        });
    }
}
