//! `rules/policy.hcl`: priority bands, preemption gap, quota threshold,
//! rule severities, ignores and protected jobs.

use hcl_edit::structure::Block;

use super::hclread::{
    no_label, one_label, parse_reported, record, span_of, spans_for, BodyReader, Schema,
};
use super::model::*;
use crate::diag::Severity;
use crate::diag::{Diag, Diags};
use crate::source::{Source, Span};

const POLICY_ATTRS: &[&str] = &[
    "preemption_gap",
    "quota_near_threshold",
    "require_quota",
    "allow_added_suppressions",
];

pub(super) fn read_policy(src: &Source, world: &World, diags: &mut Diags) -> Policy {
    let mut policy = Policy::default();
    let Some(body) = parse_reported(src, diags) else {
        return policy;
    };
    const S: Schema = Schema {
        attrs: POLICY_ATTRS,
        blocks: &["namespace", "rule", "ignore", "protected"],
    };
    let r = BodyReader::new(src, &body, &S, "policy.hcl", diags);
    record(&mut policy.spans, &r, POLICY_ATTRS);
    if let Some(g) = r.int("preemption_gap", diags) {
        if (0..=100).contains(&g) {
            policy.preemption_gap = g;
        } else {
            diags.push(
                Diag::error(
                    "world::bad-value",
                    "`preemption_gap` must be between 0 and 100",
                )
                .at(
                    src,
                    r.attr_span("preemption_gap").unwrap_or_default(),
                    "out of range",
                )
                .help("Nomad preempts only allocations at least 10 priority points lower"),
            );
        }
    }
    if let Some(t) = r.float("quota_near_threshold", diags) {
        if t > 0.0 && t <= 1.0 {
            policy.quota_near_threshold = t;
        } else {
            diags.push(
                Diag::error(
                    "world::bad-value",
                    "`quota_near_threshold` must be a share in (0, 1]",
                )
                .at(
                    src,
                    r.attr_span("quota_near_threshold").unwrap_or_default(),
                    "out of range",
                )
                .help("e.g. 0.9 reports quotas more than 90% used"),
            );
        }
    }
    if let Some(b) = r.bool("require_quota", diags) {
        policy.require_quota = b;
    }
    if let Some(b) = r.bool("allow_added_suppressions", diags) {
        policy.allow_added_suppressions = b;
    }
    for b in r.blocks("namespace") {
        if let Some(band) = read_band(src, b, world, diags) {
            policy.bands.push(band);
        }
    }
    for b in r.blocks("rule") {
        let Ok((code, code_span)) =
            one_label(src, b, "rule \"NP301\" { severity = \"off\" }").map_err(|e| diags.push(e))
        else {
            continue;
        };
        let Some(level) = rule_level(src, b, &code, code_span, diags) else {
            continue;
        };
        if policy.rules.insert(code.clone(), level).is_some() {
            diags.push(
                Diag::error(
                    "world::duplicate-rule",
                    format!("rule `{code}` is configured twice"),
                )
                .at(src, code_span, "configured again here"),
            );
        }
    }
    for b in r.blocks("ignore") {
        let Ok((glob, glob_span)) = one_label(
            src,
            b,
            "ignore \"jobs/legacy/*.nomad\" { rules = [\"NP101\"] }",
        )
        .map_err(|e| diags.push(e)) else {
            continue;
        };
        const I: Schema = Schema {
            attrs: &["rules"],
            blocks: &[],
        };
        let ir = BodyReader::new(src, &b.body, &I, "ignore", diags);
        let mut spans = spans_for(Some(b));
        spans.label = Some(glob_span);
        policy.ignores.push(PathIgnore {
            glob,
            codes: ir
                .strings("rules", diags)
                .unwrap_or_default()
                .into_iter()
                .map(|(c, _)| c)
                .collect(),
            spans,
        });
    }
    if let Some(p) = r.single_block("protected", diags) {
        no_label(src, p, diags);
        const P: Schema = Schema {
            attrs: &["jobs", "namespaces"],
            blocks: &[],
        };
        let pr = BodyReader::new(src, &p.body, &P, "protected", diags);
        for (ns, span) in pr.strings("namespaces", diags).unwrap_or_default() {
            if !world.namespaces.contains_key(&ns) {
                diags.push(unknown_namespace(src, &ns, span, world));
            }
            policy.protected.namespaces.push(ns);
        }
        policy.protected.jobs = pr
            .strings("jobs", diags)
            .unwrap_or_default()
            .into_iter()
            .map(|(j, _)| j)
            .collect();
    }
    policy
}

/// A `rule "CODE" { severity = "..." }` block's level (policy.hcl and
/// `.nomad-preflight.hcl` alike); `None` after a located error.
pub(crate) fn rule_level(
    src: &Source,
    b: &Block,
    code: &str,
    code_span: Span,
    diags: &mut Diags,
) -> Option<RuleLevel> {
    const R: Schema = Schema {
        attrs: &["severity"],
        blocks: &[],
    };
    let rr = BodyReader::new(src, &b.body, &R, "rule", diags);
    Some(match rr.string("severity", diags).as_deref() {
        Some("off") => RuleLevel::Off,
        Some("advice") => RuleLevel::On(Severity::Advice),
        Some("warning") => RuleLevel::On(Severity::Warning),
        Some("error") => RuleLevel::On(Severity::Error),
        Some(other) => {
            diags.push(
                Diag::error("world::bad-value", format!("unknown severity `{other}`"))
                    .at(
                        src,
                        rr.attr_span("severity").unwrap_or_default(),
                        "not a severity",
                    )
                    .help("use \"off\", \"advice\", \"warning\" or \"error\""),
            );
            return None;
        }
        None => {
            diags.push(
                Diag::error(
                    "world::missing-key",
                    format!("rule `{code}` needs a `severity`"),
                )
                .at(src, code_span, "no severity"),
            );
            return None;
        }
    })
}

fn unknown_namespace(src: &Source, ns: &str, span: Span, world: &World) -> Diag {
    let known: Vec<&str> = world.namespaces.keys().map(String::as_str).collect();
    let d = Diag::error(
        "world::unknown-namespace",
        format!("namespace `{ns}` does not exist"),
    )
    .at(src, span, "no such namespace");
    match crate::suggest::closest_in(ns, &known) {
        Some(s) => d.help(format!("did you mean `{s}`?")),
        None => d.help("define it in rules/namespaces/<name>.hcl"),
    }
}

fn read_band(src: &Source, b: &Block, world: &World, diags: &mut Diags) -> Option<PriorityBand> {
    let (ns, ns_span) = one_label(
        src,
        b,
        // One label; the body elided: HCL allows no nested block (and one
        // attribute at most) in a block written on one line.
        "namespace \"default\" { priority { ... } }",
    )
    .map_err(|e| diags.push(e))
    .ok()?;
    if !world.namespaces.contains_key(&ns) {
        diags.push(unknown_namespace(src, &ns, ns_span, world));
    }
    const N: Schema = Schema {
        attrs: &[],
        blocks: &["priority"],
    };
    let r = BodyReader::new(src, &b.body, &N, &format!("namespace \"{ns}\""), diags);
    let p = r.single_block("priority", diags)?;
    no_label(src, p, diags);
    const P: Schema = Schema {
        attrs: &["min", "max"],
        blocks: &[],
    };
    let pr = BodyReader::new(src, &p.body, &P, "priority", diags);
    let mut spans = spans_for(Some(b));
    spans.label = Some(ns_span);
    record(&mut spans, &pr, &["min", "max"]);
    let min = pr.int("min", diags).unwrap_or(1);
    let max = pr.int("max", diags).unwrap_or(100);
    // Nomad accepts job priorities 1..=100 (1.x adds a configurable maximum).
    if !(1..=100).contains(&min) || !(1..=100).contains(&max) || min > max {
        diags.push(
            Diag::error(
                "world::bad-value",
                format!("priority band {min}..{max} is not within 1..100 with min <= max"),
            )
            .at(src, span_of(p), "invalid band")
            .help("Nomad job priorities run from 1 to 100"),
        );
        return None;
    }
    Some(PriorityBand {
        namespace: ns,
        min,
        max,
        spans,
    })
}
