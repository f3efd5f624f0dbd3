//! `scheduler { preemption { ... } }` of rules/cluster.hcl: which job
//! types preempt (nomad/structs/operator.go PreemptionConfig), and which
//! the world states, so a plan resting on an unstated one says so
//! (planner::assumed, `SchedulerPreemption`).

use hcl_edit::structure::Block;

use super::hclread::{no_label, BodyReader, Schema};
use super::model::SchedulerConfig;
use crate::diag::Diags;
use crate::source::Source;

/// Reads the block into `cfg`, over Nomad's seeded defaults.
pub(super) fn read(src: &Source, p: &Block, cfg: &mut SchedulerConfig, diags: &mut Diags) {
    no_label(src, p, diags);
    const P: Schema = Schema {
        attrs: &["system", "sysbatch", "batch", "service"],
        blocks: &[],
    };
    let pr = BodyReader::new(src, &p.body, &P, "preemption", diags);
    // Each key's span too: which job types' preemption the world states.
    for (key, span_key, slot) in [
        ("system", "preemption.system", &mut cfg.preemption.system),
        (
            "sysbatch",
            "preemption.sysbatch",
            &mut cfg.preemption.sysbatch,
        ),
        ("batch", "preemption.batch", &mut cfg.preemption.batch),
        ("service", "preemption.service", &mut cfg.preemption.service),
    ] {
        if let Some(v) = pr.bool(key, diags) {
            *slot = v;
        }
        if let Some(span) = pr.attr_span(key) {
            cfg.spans.set(span_key, span);
        }
    }
}
