//! `scheduler { preemption { ... } }` of rules/cluster.hcl: which job
//! types preempt (nomad/structs/operator.go PreemptionConfig), and which
//! the world states, so a plan resting on an unstated one says so
//! (planner::assumed, `SchedulerPreemption`).

use hcl_edit::structure::Block;

use super::hclread::{no_label, BodyReader, Schema};
use super::model::SchedulerConfig;
use crate::diag::Diags;
use crate::source::Source;

/// The spans a `scheduler` block's `preemption` keys are recorded under.
const PREEMPTION_KEYS: [&str; 4] = [
    "preemption.system",
    "preemption.sysbatch",
    "preemption.batch",
    "preemption.service",
];

/// Reads the block into `cfg`, over Nomad's seeded defaults.
pub(super) fn read(src: &Source, p: &Block, cfg: &mut SchedulerConfig, diags: &mut Diags) {
    no_label(src, p, diags);
    const P: Schema = Schema {
        attrs: &["system", "sysbatch", "batch", "service"],
        blocks: &[],
    };
    let pr = BodyReader::new(src, &p.body, &P, "preemption", diags);
    let d = &mut cfg.preemption;
    for (key, slot) in [
        ("system", &mut d.system),
        ("sysbatch", &mut d.sysbatch),
        ("batch", &mut d.batch),
        ("service", &mut d.service),
    ] {
        if let Some(v) = pr.bool(key, diags) {
            *slot = v;
        }
    }
    // Which job types' preemption the world states: a plan resting on
    // an unstated one says so (planner::assumed, SchedulerPreemption).
    for key in PREEMPTION_KEYS {
        if let Some(span) = pr.attr_span(key.trim_start_matches("preemption.")) {
            cfg.spans.set(key, span);
        }
    }
}
