//! The rest of a group's validation (nomad/structs/structs.go, group.go,
//! volumes.go): the client disconnect settings `TaskGroup.Validate` checks
//! first (`DisconnectStrategy.Validate` and the legacy fields it replaced),
//! the volume requests and `validateScalingPolicy`.
//!
//! Versions (read at each tag):
//! - `max_client_disconnect` conflicts in TaskGroup.Validate: 1.3.0 to 1.9.x;
//! - `disconnect` (1.8.0+): 1.8 and 1.9 first refuse mixing it with the
//!   legacy fields and then return at once, skipping the rest of the group;
//!   they judge the canonical group, the legacy values copied into the
//!   block's unset `lost_after` / `stop_on_client_after` (so a legacy field
//!   beside any `disconnect` block is refused; 1.10 no longer copies);
//! - scaling: 0.11.0+, as `ScalingPolicy.Validate` from 1.0.0 (earlier a
//!   negative `max` skips the other `max` checks and `min` is not checked).

use super::model::*;
use super::validate::{at, err, Out};
use crate::version::NomadVersion;

const CODE: &str = "jobspec::value";

/// The disconnect checks at the head of `TaskGroup.Validate`. `false`
/// when Nomad 1.8/1.9 returns early, skipping the rest of the group.
pub(super) fn disconnect(job: &Job, g: &TaskGroup, v: NomadVersion, out: &mut Out<'_>) -> bool {
    let gs = &g.spans;
    let legacy = v.at_least(1, 3, 0) && !v.at_least(1, 10, 0);
    let mcd = g.max_client_disconnect;
    if legacy {
        if mcd.is_some() && g.stop_after_client_disconnect.is_some() {
            let text = "Task group cannot be configured with both max_client_disconnect and stop_after_client_disconnect";
            let help = "keep one: max_client_disconnect keeps allocations as unknown, stop_after_client_disconnect stops them";
            err(
                out,
                CODE,
                gs.best("max_client_disconnect"),
                text,
                "conflict",
                help,
            );
        }
        if mcd.is_some_and(|d| d.nanos() < 0) {
            let text = "max_client_disconnect cannot be negative";
            let help = "use a positive duration";
            err(
                out,
                CODE,
                gs.best("max_client_disconnect"),
                text,
                "negative",
                help,
            );
        }
    }
    let Some(d) = g.disconnect.as_ref().filter(|_| v.at_least(1, 8, 0)) else {
        return true;
    };
    let ds = &d.spans;
    let mut lost_after = d.lost_after.map(|x| x.nanos()).unwrap_or(0);
    if legacy {
        // 1.8 and 1.9 validate the canonical group: TaskGroup.Canonicalize
        // (a mutator, run before the validators: job_endpoint_hooks.go
        // @v1.9.3:178-193) first copies the legacy fields into the block
        // where it leaves them unset (structs.go@v1.8.0:6855-6861,
        // @v1.9.3:7035-7041; gone @v1.10.0), so a legacy field beside a
        // block that does not set its successor conflicts with its own copy.
        let copied_lost = lost_after == 0 && mcd.is_some();
        if copied_lost {
            lost_after = mcd.map_or(0, |m| m.nanos());
        }
        let stop_after = g.stop_after_client_disconnect.is_some();
        // Each of these returns from TaskGroup.Validate at once
        // (structs.go@v1.9.3:7137-7148); the span is the field written.
        let conflict = if mcd.is_some() && lost_after > 0 {
            Some((
                "using both lost_after and max_client_disconnect is not allowed",
                if copied_lost {
                    gs.best("max_client_disconnect")
                } else {
                    ds.best("lost_after")
                },
            ))
        } else if stop_after {
            // The copy makes stop_on_client_after set whenever
            // stop_after_client_disconnect is.
            Some((
                "using both stop_after_client_disconnect and stop_on_client_after is not allowed",
                if d.stop_on_client_after.is_some() {
                    ds.best("stop_on_client_after")
                } else {
                    gs.best("stop_after_client_disconnect")
                },
            ))
        } else if g.prevent_reschedule_on_lost && d.replace.is_some() {
            // The api's canonicalisation always sets `replace`.
            Some((
                "using both prevent_reschedule_on_lost and replace is not allowed",
                ds.best("replace"),
            ))
        } else {
            None
        };
        if let Some((text, span)) = conflict {
            let help = "the disconnect block replaces the group's older fields: keep only the disconnect block";
            err(out, CODE, span, text, "conflict", help);
            return false;
        }
    }
    // DisconnectStrategy.Validate (group.go).
    if let Some(stop) = d.stop_on_client_after {
        if stop.nanos() < 0 {
            let text = "stop_after cannot be a negative duration";
            let help = "use a positive duration";
            err(
                out,
                CODE,
                ds.best("stop_on_client_after"),
                text,
                "negative",
                help,
            );
        }
        let service_or_batch = matches!(job.job_type, JobType::Service | JobType::Batch);
        if !(service_or_batch && super::validate_job::type_known(job)) {
            let text = "stop_after can only be used with service or batch job types";
            let help = "remove it: per-node jobs keep their allocations on a disconnected client";
            err(
                out,
                CODE,
                ds.best("stop_on_client_after"),
                text,
                "not for this job type",
                help,
            );
        }
    }
    if lost_after < 0 {
        let text = "lost_after cannot be a negative duration";
        let help = "use a positive duration";
        err(out, CODE, ds.best("lost_after"), text, "negative", help);
    }
    if d.stop_on_client_after.is_some() && lost_after != 0 {
        let text = "Disconnect cannot be configured with both lost_after and stop_after";
        let help =
            "keep one: lost_after keeps allocations as unknown, stop_on_client_after stops them";
        err(out, CODE, ds.best("lost_after"), text, "conflict", help);
    }
    match d.reconcile.as_str() {
        "" | "best_score" | "longest_running" | "keep_original" | "keep_replacement" => {}
        other => {
            let text = format!("reconcile option is invalid: {other}");
            let help = "use reconcile = \"best_score\", \"longest_running\", \"keep_original\" or \"keep_replacement\"";
            err(
                out,
                CODE,
                ds.best("reconcile"),
                text,
                "unknown option",
                help,
            );
        }
    }
    true
}

/// Job.Validate's per-group loop, last (1.7.2 to 1.9.x): a group that
/// keeps its allocations on a lost client (`max_client_disconnect`) and
/// never replaces them (`prevent_reschedule_on_lost`) may not also ask for
/// rescheduling (the canonical policy's attempts, a batch job's default 1
/// included). Nomad's words, `rechedule` included.
pub(super) fn lost_but_rescheduled(job: &Job, g: &TaskGroup, v: NomadVersion, out: &mut Out<'_>) {
    if !v.at_least(1, 7, 2) || v.at_least(1, 10, 0) {
        return;
    }
    let attempts = g
        .reschedule
        .as_ref()
        .or(job.reschedule.as_ref())
        .map_or(0, |r| r.attempts);
    if g.max_client_disconnect.is_none() || !g.prevent_reschedule_on_lost || attempts <= 0 {
        return;
    }
    let text = "max_client_disconnect and prevent_reschedule_on_lost cannot be enabled when rechedule.attempts > 0";
    let help = "set reschedule { attempts = 0 }, or drop prevent_reschedule_on_lost";
    let span = g.spans.best("prevent_reschedule_on_lost");
    err(out, CODE, span, text, "reschedule attempts", help);
}

/// `validateScalingPolicy` (0.11+), each error prefixed `Scaling policy
/// invalid: `; its multierror is one item, `Task group scaling policy
/// validation failed: ...`.
pub(super) fn scaling(job: &Job, g: &TaskGroup, v: NomadVersion, out: &mut Out<'_>) {
    let Some(s) = g.scaling.as_ref().filter(|_| v.at_least(0, 11, 0)) else {
        return;
    };
    let min = s.min.unwrap_or(g.count);
    let sp = |f: &str| s.spans.best(f);
    let help = "a group's count must lie within its scaling policy's min and max, and min ≤ max";
    out.nested(
        Some("Task group scaling policy validation failed".into()),
        |out| {
            let err = |out: &mut Out<'_>, text: &str, field: &str, label: &str| {
                let text = format!("Scaling policy invalid: {text}");
                out.push(text.clone(), CODE, at(sp(field), text, label, help));
            };
            if v.at_least(1, 0, 0) {
                if s.max < 0 {
                    err(
                        out,
                        "maximum count must be specified and non-negative",
                        "max",
                        "negative",
                    );
                } else if s.max < min {
                    err(
                        out,
                        "maximum count must not be less than minimum count",
                        "max",
                        "below min",
                    );
                }
                if min < 0 {
                    err(
                        out,
                        "minimum count must be specified and non-negative",
                        "min",
                        "negative",
                    );
                }
                if s.max < g.count {
                    err(
                        out,
                        "task group count must not be greater than maximum count in scaling policy",
                        "max",
                        "below count",
                    );
                }
            } else if s.max < 0 {
                err(
                    out,
                    "maximum count must be specified and non-negative",
                    "max",
                    "negative",
                );
            } else {
                if s.max < min {
                    err(
                        out,
                        "maximum count must not be less than minimum count",
                        "max",
                        "below min",
                    );
                }
                if s.max < g.count {
                    err(
                        out,
                        "task group count must not be greater than maximum count in scaling policy",
                        "max",
                        "below count",
                    );
                }
            }
            let multiregion_exception = super::validate_multiregion::is_multiregion(job)
                && g.count == 0
                && job.region == "global";
            if g.count < min && !multiregion_exception {
                err(
                    out,
                    "task group count must not be less than minimum count in scaling policy",
                    "min",
                    "above count",
                );
            }
        },
    );
}

/// The group's volume requests (0.10+; `TaskGroup.Volumes` is a map, so
/// Nomad's order among several failing volumes is random; ours is by name).
/// Before 1.1 `TaskGroup.Validate` checked type and source itself; from
/// 1.1 `VolumeRequest.Validate` does, wrapped as `Task group volume
/// validation for <name> failed: ...`, in the form of the release (four
/// forms by patch release from 1.1.0 to 1.4.x, validate_volumes_legacy.rs;
/// one from 1.5.0, validate_volumes.rs).
pub(super) fn volumes(g: &TaskGroup, job_type: JobType, v: NomadVersion, out: &mut Out<'_>) {
    for vol in &g.volumes {
        let vs = &vol.spans;
        let known = vol.volume_type == "host" || vol.volume_type == "csi";
        let type_help = "use type = \"host\" or \"csi\"";
        let source_help = "name the host volume or CSI volume ID to mount in `source`";
        if !v.at_least(1, 1, 0) {
            if !known {
                let text = format!(
                    "Volume {} has unrecognised type {}",
                    vol.name, vol.volume_type
                );
                out.push(
                    text.clone(),
                    CODE,
                    at(vs.best("type"), text, "unknown type", type_help),
                );
                continue;
            }
            if vol.source.is_empty() {
                let text = format!("Volume {} has an empty source", vol.name);
                out.push(
                    text.clone(),
                    CODE,
                    at(vs.best("source"), text, "no source", source_help),
                );
            }
            continue;
        }
        let prefix = format!("Task group volume validation for {} failed", vol.name);
        if !known {
            // A plain error, not a multierror: no list around it.
            let inner = format!("volume has unrecognized type {}", vol.volume_type);
            let text = format!("{prefix}: {inner}");
            out.push(
                text,
                CODE,
                at(vs.best("type"), inner, "unknown type", type_help),
            );
            continue;
        }
        let canaries = g.update.as_ref().map(|u| u.canary).unwrap_or(0);
        out.nested(Some(prefix), |out| {
            if super::validate_volumes_legacy::applies(v) {
                let jt = job_type;
                super::validate_volumes_legacy::request(vol, jt, g.count, canaries, v, out);
                return;
            }
            if vol.source.is_empty() {
                let text = "volume has an empty source";
                out.push(
                    text.into(),
                    CODE,
                    at(vs.best("source"), text, "no source", source_help),
                );
            }
            super::validate_volumes::request(vol, job_type, g.count, canaries, v, out);
        });
    }
}
