//! The gates read from the job model before 0.10: a group's `network` and
//! `service` blocks and a task service's `connect`, which 0.9's parser
//! refuses (jobspec/parse.go at 0.9.3 has no such keys there). Kept apart
//! from the key walk because they come from the lowered model, not from
//! the file's syntax.

use super::{since, Unknown, GROUP_NETWORK};
use crate::jobspec::hcl1_key_errors::{self, Frame};
use crate::jobspec::model::Job;
use crate::jobspec::version_keys::Kind;
use crate::source::Span;
use crate::version::NomadVersion;

/// The gates read from the job model before 0.10 (spans of the blocks it
/// holds).
pub(super) fn model_gates(job: &Job, v: NomadVersion) -> Vec<Unknown> {
    let mut out = Vec::new();
    let named = |ident: &str, label: &str, index: usize| Frame {
        ident: ident.into(),
        label: Some(label.into()),
        index,
        name: Some(String::new()),
    };
    let job_frame = named("job", "", 0);
    if since(v, GROUP_NETWORK) {
        return out;
    }
    for (gi, g) in job.groups.iter().enumerate() {
        let level = (1 + gi, 0, 0);
        let group = [job_frame.clone(), named("group", &g.name, gi)];
        let group_at = vec![(hcl1_key_errors::rank(&["job"], "group"), gi)];
        let nets = g
            .networks
            .iter()
            .map(|n| ("network", "a group network", n.spans.block));
        let services = g.services.iter().map(|s| {
            (
                "service",
                "a group service (and Consul Connect)",
                s.spans.block,
            )
        });
        for (key, feature, span) in nets.chain(services) {
            let Some(span) = span else { continue };
            out.push(Unknown {
                hcl1: hcl1_key_errors::chain(&group, v),
                block: usize::MAX - gi,
                order: group_at.clone(),
                level,
                ..refused_block(key, feature, span)
            });
        }
        for (ti, t) in g.tasks.iter().enumerate() {
            for (si, s) in t.services.iter().enumerate() {
                let Some(span) = s.connect.as_ref().and(s.spans.get("connect")) else {
                    continue;
                };
                let mut frames = group.to_vec();
                frames.push(named("task", &t.name, ti));
                frames.push(Frame {
                    ident: "service".into(),
                    label: None,
                    index: si,
                    name: None,
                });
                let mut order = group_at.clone();
                order.push((hcl1_key_errors::rank(&["job", "group"], "task"), ti));
                order.push((
                    hcl1_key_errors::rank(&["job", "group", "task"], "service"),
                    si,
                ));
                out.push(Unknown {
                    hcl1: hcl1_key_errors::chain(&frames, v),
                    block: span.start,
                    order,
                    level: (1 + gi, 1 + ti, 2),
                    ..refused_block("connect", "Consul Connect", span)
                });
            }
        }
    }
    out
}

/// A block `key` at `span` that 0.9's parser refuses and `feature` (from
/// GROUP_NETWORK) brings: the fields both model gates share. The caller
/// sets where HCL1's error comes from (`hcl1`, `block`, `order`, `level`).
fn refused_block(key: &str, feature: &'static str, span: Span) -> Unknown {
    Unknown {
        hcl1: None,
        block: 0,
        order: Vec::new(),
        key: key.into(),
        kind: Kind::Block,
        later: Some((feature, GROUP_NETWORK)),
        gone: None,
        span,
        hcl2: None,
        subject: span,
        dynamic: None,
        item: span,
        outer: Span::default(),
        head: Span::default(),
        level: (0, 0, 0),
    }
}
