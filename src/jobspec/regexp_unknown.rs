//! Whether `Job.Validate` accepts the job's `regexp` patterns is unknown
//! when one may pass Go's regexp size limits (`expression too large`,
//! `regexp/syntax: internal error` before Go 1.20: goregexp/size.rs):
//! `Constraint.Validate` and `Affinity.Validate` compile every `regexp`
//! value (structs.go, `regexp.Compile(c.RTarget)`), for the job's, the
//! groups', the tasks' and the requested devices' constraints and
//! affinities. Then `plan`, `validate` and `check` say they cannot tell,
//! as for the other things a plan cannot know (planner `CannotKnow`).

use super::model::{Affinity, Constraint, Job};
use crate::version::NomadVersion;

/// A `regexp` value whose fate at validation is unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegexpUnknown {
    /// `constraint` or `affinity`.
    pub kind: &'static str,
    pub pattern: String,
    /// Where: `job`, `group "g"`, `task "t"`, `device "nvidia/gpu"`.
    pub place: String,
    /// Why (size.rs's text).
    pub reason: String,
    pub spans: super::Spans,
}

/// The first `regexp` value of `job` whose compilation by Nomad `v`'s Go
/// we cannot judge.
pub fn regexp_unknown(job: &Job, v: NomadVersion) -> Option<RegexpUnknown> {
    let mut places: Vec<(String, &[Constraint], &[Affinity])> =
        vec![("job".into(), &job.constraints, &job.affinities)];
    for g in &job.groups {
        places.push((format!("group {:?}", g.name), &g.constraints, &g.affinities));
        for t in &g.tasks {
            places.push((format!("task {:?}", t.name), &t.constraints, &t.affinities));
            for d in &t.resources.devices {
                places.push((
                    format!("device {:?}", d.name),
                    &d.constraints,
                    &d.affinities,
                ));
            }
        }
    }
    for (place, cs, affs) in places {
        let values = cs
            .iter()
            .map(|c| ("constraint", &c.operand, &c.rtarget, &c.spans))
            .chain(
                affs.iter()
                    .map(|a| ("affinity", &a.operand, &a.rtarget, &a.spans)),
            );
        for (kind, op, value, spans) in values {
            if op != "regexp" || crate::goregexp::compile_error(value, v).is_some() {
                continue;
            }
            if let Err(reason) = crate::goregexp::size_verdict(value, v) {
                return Some(RegexpUnknown {
                    kind,
                    pattern: value.clone(),
                    place,
                    reason,
                    spans: spans.clone(),
                });
            }
        }
    }
    None
}

impl RegexpUnknown {
    /// The one line every command prints (without a prefix).
    pub fn line(&self, job: &Job) -> String {
        let shown: String = self.pattern.chars().take(60).collect();
        let more = if shown.len() < self.pattern.len() {
            "…"
        } else {
            ""
        };
        format!(
            "cannot tell whether Nomad accepts job {:?}: the `regexp` {} of {} ({shown:?}{more}, {} bytes): {}",
            job.id,
            self.kind,
            self.place,
            self.pattern.len(),
            self.reason
        )
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::json!({
            "Kind": self.kind,
            "Place": self.place,
            "Bytes": self.pattern.len(),
            "Reason": self.reason,
        })
    }

    pub const HINT: &'static str =
        "a pattern this large may pass Go's regexp size limit; shorten it (fewer or smaller counted repetitions), or judge the job on the cluster";
}
