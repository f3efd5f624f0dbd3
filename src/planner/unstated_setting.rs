//! "Cannot tell" for a plan whose verdict rests on a scheduler setting the
//! world does not state (redteam27 R27-1): the scheduler's comparison
//! ([`crate::scheduler::unstated`]) found that the setting's other value,
//! which `nomad operator scheduler set-config` gives a live cluster,
//! changes which groups are placed or what is preempted. One line naming
//! the setting to state, as every other cause of [`super::CannotKnow`].

use crate::jobspec::Job;
use crate::scheduler::unstated::{Unstated, UnstatedSetting, Verdict};
use crate::scheduler::PlanResult;
use crate::version::NomadVersion;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingUnknown {
    pub setting: UnstatedSetting,
    pub version: NomadVersion,
    /// The plan made and the plan under the other value.
    pub planned: Verdict,
    pub other: Verdict,
}

impl SettingUnknown {
    pub const HINT: &'static str = "state the scheduler setting in rules/cluster.hcl as `nomad operator scheduler get-config` shows it on the cluster";

    /// The first unstated setting of `result` whose other value changes
    /// its verdict.
    pub fn of(version: NomadVersion, result: &PlanResult) -> Option<SettingUnknown> {
        result.unstated.iter().find_map(|u: &Unstated| {
            let other = u.other_plan()?;
            Some(SettingUnknown {
                setting: u.setting,
                version,
                planned: Verdict::of(result),
                other: Verdict::of(other),
            })
        })
    }

    fn what(&self) -> String {
        match self.setting {
            UnstatedSetting::Algorithm { .. } => "the scheduler algorithm".to_string(),
            UnstatedSetting::Preemption { job_type, .. } => {
                format!("whether {} jobs preempt", job_type.as_str())
            }
            UnstatedSetting::Both { job_type, .. } => format!(
                "the scheduler algorithm and whether {} jobs preempt (each alone changes nothing, together they do)",
                job_type.as_str()
            ),
        }
    }

    /// The one line (without a prefix).
    pub fn line(&self, job: &Job) -> String {
        let s = &self.setting;
        let (change, show) = super::assumed::set_config(self.version, &s.flag());
        format!(
            "cannot tell what Nomad answers for job {}: the world does not state {}, planned as Nomad's default (`{}`), and a cluster changed with {change} answers otherwise ({}, where this plan: {}); state `{}` or `{}` in rules/cluster.hcl ({show})",
            crate::gotext::go_quote(&job.id),
            self.what(),
            s.planned_block(),
            describe(&self.other),
            describe(&self.planned),
            s.planned_block(),
            s.other_block(),
        )
    }

    /// `Preflight.UnstatedSetting` in `--format json`.
    pub fn json(&self) -> serde_json::Value {
        let v = |v: &Verdict| {
            serde_json::json!({
                "Unplaced": v.unplaced,
                "Preempted": v.preempted.iter().map(|(ns, id)| serde_json::json!({"Namespace": ns, "Job": id})).collect::<Vec<_>>(),
                "EvaluationFails": v.fails,
            })
        };
        serde_json::json!({
            "Setting": self.setting.key(),
            "Planned": self.setting.planned_text(),
            "Other": self.setting.other_text(),
            "State": [self.setting.planned_block(), self.setting.other_block()],
            "PlannedVerdict": v(&self.planned),
            "OtherVerdict": v(&self.other),
        })
    }
}

/// A verdict in words.
fn describe(v: &Verdict) -> String {
    let mut parts: Vec<String> = Vec::new();
    if v.fails {
        parts.push("the evaluation fails or its end cannot be told".to_string());
    }
    if v.unplaced.is_empty() {
        parts.push("every allocation is placed".to_string());
    } else {
        let groups: Vec<String> = v
            .unplaced
            .iter()
            .map(|g| crate::gotext::go_quote(g))
            .collect();
        parts.push(format!("task group {} left unplaced", groups.join(", ")));
    }
    if v.preempted.is_empty() {
        parts.push("nothing preempted".to_string());
    } else {
        let jobs: Vec<String> = v
            .preempted
            .iter()
            .map(|(ns, id)| crate::gotext::go_quote(&format!("{ns}/{id}")))
            .collect();
        parts.push(format!("allocations of {} preempted", jobs.join(", ")));
    }
    crate::escape::one_line(&parts.join(", "))
}
