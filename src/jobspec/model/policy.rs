//! Placement and lifecycle policies: constraints, affinities, spreads,
//! update/migrate/reschedule/restart strategies, periodic, parameterized,
//! multiregion.

use super::*;

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Constraint {
    pub ltarget: String,
    pub rtarget: String,
    pub operand: String,
    pub spans: Spans,
}

impl Constraint {
    /// How Nomad names a constraint in metrics: `"<l> <op> <r>"`.
    pub fn metric_key(&self) -> String {
        format!("{} {} {}", self.ltarget, self.operand, self.rtarget)
    }
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Affinity {
    pub ltarget: String,
    pub rtarget: String,
    pub operand: String,
    pub weight: i64,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SpreadTarget {
    pub value: String,
    pub percent: i64,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Spread {
    pub attribute: String,
    pub weight: i64,
    pub targets: Vec<SpreadTarget>,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct UpdateStrategy {
    pub stagger: Duration,
    pub max_parallel: i64,
    pub health_check: String,
    pub min_healthy_time: Duration,
    pub healthy_deadline: Duration,
    pub progress_deadline: Duration,
    pub auto_revert: bool,
    pub auto_promote: bool,
    pub canary: i64,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MigrateStrategy {
    pub max_parallel: i64,
    pub health_check: String,
    pub min_healthy_time: Duration,
    pub healthy_deadline: Duration,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ReschedulePolicy {
    pub attempts: i64,
    pub interval: Duration,
    pub delay: Duration,
    pub delay_function: String,
    pub max_delay: Duration,
    pub unlimited: bool,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RestartPolicy {
    pub attempts: i64,
    pub interval: Duration,
    pub delay: Duration,
    pub mode: String,
    pub render_templates: bool,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EphemeralDisk {
    pub sticky: bool,
    pub migrate: bool,
    pub size_mb: i64,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Periodic {
    pub specs: Vec<String>,
    pub spec_type: String,
    pub prohibit_overlap: bool,
    pub time_zone: String,
    pub enabled: bool,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Parameterized {
    pub payload: String,
    pub meta_required: Vec<String>,
    pub meta_optional: Vec<String>,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Multiregion {
    pub strategy_max_parallel: i64,
    pub strategy_on_failure: String,
    pub regions: Vec<MultiregionRegion>,
    pub spans: Spans,
}

#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct MultiregionRegion {
    pub name: String,
    pub count: i64,
    pub datacenters: Vec<String>,
    pub node_pool: String,
    pub meta: Map,
}
