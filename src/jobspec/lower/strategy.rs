//! Lowering of the job and group policies: update, migrate, reschedule,
//! restart, ephemeral disk, periodic, parameterized, scaling, disconnect.

use super::*;
use crate::source::Span;

pub(super) fn update(n: &Node, cx: &mut Cx<'_>) -> UpdateStrategy {
    let mut f = F::new(
        n,
        cx,
        &[
            "stagger",
            "max_parallel",
            "health_check",
            "min_healthy_time",
            "healthy_deadline",
            "progress_deadline",
            "auto_revert",
            "auto_promote",
            "canary",
        ],
        "update",
    );
    UpdateStrategy {
        stagger: f.dur(cx, "stagger").unwrap_or_default(),
        max_parallel: f.int(cx, "max_parallel").unwrap_or_default(),
        health_check: f.str(cx, "health_check").unwrap_or_default(),
        min_healthy_time: f.dur(cx, "min_healthy_time").unwrap_or_default(),
        healthy_deadline: f.dur(cx, "healthy_deadline").unwrap_or_default(),
        progress_deadline: f.dur(cx, "progress_deadline").unwrap_or_default(),
        auto_revert: f.bool(cx, "auto_revert").unwrap_or_default(),
        auto_promote: f.bool(cx, "auto_promote").unwrap_or_default(),
        canary: f.int(cx, "canary").unwrap_or_default(),
        spans: f.spans,
    }
}

pub(super) fn migrate(n: &Node, cx: &mut Cx<'_>) -> MigrateStrategy {
    let mut f = F::new(
        n,
        cx,
        &[
            "max_parallel",
            "health_check",
            "min_healthy_time",
            "healthy_deadline",
        ],
        "migrate",
    );
    MigrateStrategy {
        max_parallel: f.int(cx, "max_parallel").unwrap_or_default(),
        health_check: f.str(cx, "health_check").unwrap_or_default(),
        min_healthy_time: f.dur(cx, "min_healthy_time").unwrap_or_default(),
        healthy_deadline: f.dur(cx, "healthy_deadline").unwrap_or_default(),
        spans: f.spans,
    }
}

pub(super) fn reschedule(n: &Node, cx: &mut Cx<'_>) -> ReschedulePolicy {
    let mut f = F::new(
        n,
        cx,
        &[
            "attempts",
            "interval",
            "delay",
            "delay_function",
            "max_delay",
            "unlimited",
        ],
        "reschedule",
    );
    ReschedulePolicy {
        attempts: f.int(cx, "attempts").unwrap_or_default(),
        interval: f.dur(cx, "interval").unwrap_or_default(),
        delay: f.dur(cx, "delay").unwrap_or_default(),
        delay_function: f.str(cx, "delay_function").unwrap_or_default(),
        max_delay: f.dur(cx, "max_delay").unwrap_or_default(),
        unlimited: f.bool(cx, "unlimited").unwrap_or_default(),
        spans: f.spans,
    }
}

pub(super) fn restart(n: &Node, cx: &mut Cx<'_>) -> RestartPolicy {
    let mut f = F::new(
        n,
        cx,
        &["attempts", "interval", "delay", "mode", "render_templates"],
        "restart",
    );
    RestartPolicy {
        attempts: f.int(cx, "attempts").unwrap_or_default(),
        interval: f.dur(cx, "interval").unwrap_or_default(),
        delay: f.dur(cx, "delay").unwrap_or_default(),
        mode: f.str(cx, "mode").unwrap_or_default(),
        render_templates: f.bool(cx, "render_templates").unwrap_or_default(),
        spans: f.spans,
    }
}

pub(super) fn ephemeral_disk(n: &Node, cx: &mut Cx<'_>) -> EphemeralDisk {
    let mut f = F::new(n, cx, &["sticky", "migrate", "size"], "ephemeral_disk");
    EphemeralDisk {
        sticky: f.bool(cx, "sticky").unwrap_or_default(),
        migrate: f.bool(cx, "migrate").unwrap_or_default(),
        size_mb: f.int(cx, "size").unwrap_or_default(),
        spans: f.spans,
    }
}

pub(super) fn periodic(n: &Node, cx: &mut Cx<'_>) -> Periodic {
    let mut f = F::new(
        n,
        cx,
        &["cron", "crons", "prohibit_overlap", "time_zone", "enabled"],
        "periodic",
    );
    let mut specs = f.strs(cx, "crons").unwrap_or_default();
    if let Some(c) = f.str(cx, "cron") {
        specs.insert(0, c);
    }
    Periodic {
        specs,
        spec_type: "cron".into(),
        prohibit_overlap: f.bool(cx, "prohibit_overlap").unwrap_or_default(),
        time_zone: f.str(cx, "time_zone").unwrap_or_default(),
        enabled: f.bool(cx, "enabled").unwrap_or(true),
        spans: f.spans,
    }
}

pub(super) fn parameterized(n: &Node, cx: &mut Cx<'_>) -> Parameterized {
    let mut f = F::new(
        n,
        cx,
        &["payload", "meta_required", "meta_optional"],
        "parameterized",
    );
    Parameterized {
        payload: f.str(cx, "payload").unwrap_or_default(),
        meta_required: f.strs(cx, "meta_required").unwrap_or_default(),
        meta_optional: f.strs(cx, "meta_optional").unwrap_or_default(),
        spans: f.spans,
    }
}

/// Task `scaling "cpu"` / `scaling "mem"` blocks (vertical autoscaling).
pub(super) fn task_scaling(f: &F<'_>, cx: &mut Cx<'_>) -> Vec<TaskScaling> {
    let mut seen: Vec<(String, Span)> = Vec::new();
    let mut out = Vec::new();
    for b in f.blocks("scaling") {
        let mut sf = F::new(
            b,
            cx,
            &["min", "max", "enabled", "policy", "type"],
            "scaling",
        );
        let header = b.header_span();
        match b.labels.as_slice() {
            [] => cx.error(
                "jobspec::scaling",
                header,
                "task scaling policy missing name".into(),
                "no name",
                "write `scaling \"cpu\" { ... }` or `scaling \"mem\" { ... }`",
            ),
            [(label, span)] => {
                // jobspec2 decodeTaskScalingPolicies (hcl_conversions.go,
                // 1.0.0 to 2.0.5) lowercases the label, and words each
                // refusal as an hcl diagnostic.
                let name = label.to_lowercase();
                let def = crate::jobspec::fields::def_range(b, cx);
                if name != "cpu" && name != "mem" {
                    cx.error(
                        "jobspec::scaling",
                        *span,
                        "Invalid scaling policy name; scaling policy name must be \"cpu\" or \"mem\"".into(),
                        "unknown resource",
                        "task scaling policies scale \"cpu\" or \"mem\"",
                    );
                } else if let Some(prev) = seen.iter().find(|(n, _)| *n == name).map(|p| p.1) {
                    let at = crate::jobspec::hclsyntax::range_string(
                        &cx.src.text,
                        &cx.src.name,
                        (prev.start, prev.end),
                    );
                    cx.error("jobspec::duplicate", def, format!("Duplicate scaling \"{name}\" block; Only one scaling {name} block is allowed. Another was defined at {at}."), "defined again here", "merge the two scaling blocks");
                } else {
                    seen.push((name.clone(), def));
                    let want = format!("vertical_{name}");
                    if let Some(t) = sf.str(cx, "type") {
                        if t != want {
                            // Nomad's own argument order: the written type
                            // is "expected".
                            let text = format!("Invalid scaling policy type; Invalid policy type, expected {} but found {}", crate::gotext::go_quote(&t), crate::gotext::go_quote(&want));
                            cx.error("jobspec::scaling", def, text, "wrong type", &format!("a `scaling \"{name}\"` policy has type \"{want}\" (or leave type out)"));
                            sf.block(cx, "policy");
                            continue;
                        }
                    }
                    out.push(TaskScaling {
                        policy_type: want,
                        min: sf.int(cx, "min"),
                        max: sf.int(cx, "max"),
                        enabled: sf.bool(cx, "enabled"),
                        policy: sf.block(cx, "policy").map(|p| Value::Map(opaque(p))),
                    });
                    continue;
                }
            }
            [_, (_, extra), ..] => cx.error(
                "jobspec::scaling",
                *extra,
                "task scaling policy should only have one name".into(),
                "extra label",
                "keep one label: \"cpu\" or \"mem\"",
            ),
        }
        sf.block(cx, "policy");
    }
    out
}

/// jobspec2's validateGroupScalingPolicy (hcl_conversions.go, the same
/// 1.0.0 to 2.0.5): unless `max` is set and the type is horizontal, the
/// body's PartialContent wants `max` (hclsyntax's `Missing required
/// argument` at the body's MissingItemRange, the empty range at its open
/// brace), then a written type other than horizontal is refused at its
/// expression.
fn group_scaling_hcl2(n: &Node, f: &mut F<'_>, cx: &mut Cx<'_>) {
    if f.attr("max").is_none() {
        let header = n.header_span();
        let brace = cx.src.text[header.end..].find('{').map(|i| header.end + i);
        let at = brace.map_or(n.ident_span, |b| Span::new(b, b));
        cx.error(
            "jobspec::missing",
            at,
            "Missing required argument; The argument \"max\" is required, but no definition was found.".into(),
            "no max",
            "add `max = <count>`",
        );
    }
    let ty = f.attr("type").map(|a| a.value_span);
    if let (Some(t), Some(span)) = (f.str(cx, "type"), ty) {
        if !t.is_empty() && t != "horizontal" {
            cx.error(
                "jobspec::scaling",
                span,
                format!(
                    "Invalid group scaling type; task group scaling policy had invalid type: {}",
                    crate::gotext::go_quote(&t)
                ),
                "invalid type",
                "group scaling policies are \"horizontal\" (or leave type out)",
            );
        }
    }
}

pub(super) fn scaling(n: &Node, cx: &mut Cx<'_>) -> Scaling {
    let mut f = F::new(
        n,
        cx,
        &["min", "max", "enabled", "policy", "type"],
        "scaling",
    );
    if let Some((_, span)) = n.labels.first() {
        cx.error(
            "jobspec::scaling",
            *span,
            "task group scaling policy should not have a name".into(),
            "unexpected label",
            "write `scaling { ... }` in a group",
        );
    }
    if cx.hcl2() {
        group_scaling_hcl2(n, &mut f, cx);
    } else {
        if let Some(t) = f.str(cx, "type") {
            if t != "horizontal" {
                let span = f.spans.best("type").unwrap_or(n.span);
                cx.error(
                    "jobspec::scaling",
                    span,
                    format!("task group scaling policy had invalid type: \"{t}\""),
                    "invalid type",
                    "group scaling policies are \"horizontal\" (or leave type out)",
                );
            }
        }
        if f.attr("max").is_none() {
            cx.error(
                "jobspec::missing",
                n.ident_span,
                "Missing required argument: the argument \"max\" is required".into(),
                "no max",
                "add `max = <count>`",
            );
        }
    }
    let policy = f.block(cx, "policy").map(|p| Value::Map(opaque(p)));
    Scaling {
        min: f.int(cx, "min"),
        max: f.int(cx, "max").unwrap_or_default(),
        enabled: f.bool(cx, "enabled").unwrap_or(true),
        policy,
        spans: f.spans,
    }
}

pub(super) fn disconnect(n: &Node, cx: &mut Cx<'_>) -> Disconnect {
    let mut f = F::new(
        n,
        cx,
        &["lost_after", "replace", "reconcile", "stop_on_client_after"],
        "disconnect",
    );
    Disconnect {
        lost_after: f.dur(cx, "lost_after"),
        stop_on_client_after: f.dur(cx, "stop_on_client_after"),
        replace: f.bool(cx, "replace"),
        reconcile: f.str(cx, "reconcile").unwrap_or_default(),
        spans: f.spans,
    }
}
