//! Lowering of placement blocks: constraint, affinity, spread.

use super::narrow::{narrow, Reader, Width};
use super::*;
use crate::jobspec::functions::params::Ty;
use crate::jobspec::version_gates::DISTINCT_HOSTS_VALUE;

/// A constraint's shorthand keys, in the order jobspec2's decodeConstraint
/// (hcl_conversions.go) and HCL1's parseConstraints apply them: the last one
/// written sets the operator.
const CONSTRAINT_APPLIED: &[&str] = &[
    "version",
    "semver",
    "regexp",
    "set_contains",
    "distinct_hosts",
    "distinct_property",
];

/// Keys jobspec2's constraintSpec takes that decodeConstraint never reads
/// (1.0.0 to 2.0.5): accepted, and dropped.
const CONSTRAINT_IGNORED: &[&str] = &[
    "set_contains_all",
    "set_contains_any",
    "is_set",
    "is_not_set",
];

/// An affinity's shorthand keys, in decodeAffinity's (and HCL1
/// parseAffinities') order. No `distinct_*` key: affinitySpec lacks them.
pub(in crate::jobspec) const AFFINITY_APPLIED: &[&str] = &[
    "version",
    "semver",
    "regexp",
    "set_contains_any",
    "set_contains_all",
    "set_contains",
];

pub(super) fn constraint_like(
    f: &mut F<'_>,
    cx: &mut Cx<'_>,
    sugars: &[&'static str],
) -> (String, String, String) {
    let mut l = f.str(cx, "attribute").unwrap_or_default();
    let mut op = f.str(cx, "operator").unwrap_or_default();
    let mut r = f.str(cx, "value").unwrap_or_default();
    // Nomad's shorthand keys (`distinct_hosts = true`, `regexp = "..."`) set
    // the operator and take the value from the key.
    for sugar in sugars {
        if let Some(a) = f.attr(sugar) {
            // distinct_hosts is a bool in jobspec2's specs, the rest strings.
            let want = match *sugar {
                "distinct_hosts" => Ty::Bool,
                _ => Ty::String,
            };
            if cx.hcl2()
                && !matches!(a.value, crate::jobspec::model::Value::Null)
                && !crate::jobspec::decode_type::converts(cx, a, &want, cx.reader, "string")
            {
                continue;
            }
            let v = crate::jobspec::eval::to_string(&a.value).unwrap_or_default();
            // jobspec2 reads a string shorthand only when it is not empty
            // (`attr(x) != ""`); HCL1 whenever the key is written.
            if cx.hcl2() && *sugar != "distinct_hosts" && v.is_empty() {
                continue;
            }
            // cty's string-to-bool conversion also takes "1" and "0".
            let truth = matches!(v.as_str(), "true" | "1");
            if *sugar == "distinct_hosts" && matches!(a.value, crate::jobspec::model::Value::Null) {
                // `!d.IsNull()`: a null is no shorthand.
                continue;
            }
            if *sugar == "distinct_hosts" && !truth {
                // HCL1 skips the whole constraint (hcl1_block_decode.rs).
                // jobspec2 keeps it: from #16907 as distinct_hosts with
                // RTarget "false"; before, without the operator, so it
                // is an `=` constraint (or what `operator` says).
                if !cx.hcl2() || !cx.version.has_since(DISTINCT_HOSTS_VALUE) {
                    continue;
                }
            }
            f.spans.set(sugar, a.span);
            op = sugar.to_string();
            if *sugar == "distinct_hosts" {
                // `fmt.Sprint(d.True())` from #16907; before, the RTarget
                // is `value`'s, as in HCL1.
                if cx.hcl2() && cx.version.has_since(DISTINCT_HOSTS_VALUE) {
                    r = truth.to_string();
                }
            } else if *sugar == "distinct_property" {
                l = v;
            } else {
                r = v;
            }
        }
    }
    // jobspec2's decoders make a missing operator `=` whatever is written
    // (decodeConstraint, decodeAffinity: `if c.Operand == ""`).
    if op.is_empty() && (cx.hcl2() || f.spans.written("attribute") || f.spans.written("value")) {
        op = "=".into();
    }
    (l, op, r)
}

/// jobspec2 decodes `constraint` and `affinity` with hcldec specs of its
/// own (hcl_conversions.go), whose words for a wrong type are hcldec's.
fn by_hcldec<T>(cx: &mut Cx<'_>, read: impl FnOnce(&mut Cx<'_>) -> T) -> T {
    let outer = std::mem::replace(&mut cx.reader, Reader::Hcldec);
    let out = read(cx);
    cx.reader = outer;
    out
}

pub(super) fn constraint(n: &Node, cx: &mut Cx<'_>) -> Constraint {
    let mut known = vec!["attribute", "operator", "value"];
    known.extend_from_slice(CONSTRAINT_APPLIED);
    if cx.hcl2() {
        known.extend_from_slice(CONSTRAINT_IGNORED);
    }
    let mut f = F::new(n, cx, &known, "constraint");
    let (ltarget, operand, rtarget) =
        by_hcldec(cx, |cx| constraint_like(&mut f, cx, CONSTRAINT_APPLIED));
    Constraint {
        ltarget,
        rtarget,
        operand,
        spans: f.spans,
    }
}

pub(super) fn affinity(n: &Node, cx: &mut Cx<'_>) -> Affinity {
    let mut known = vec!["attribute", "operator", "value", "weight"];
    known.extend_from_slice(AFFINITY_APPLIED);
    let mut f = F::new(n, cx, &known, "affinity");
    let (ltarget, operand, rtarget) =
        by_hcldec(cx, |cx| constraint_like(&mut f, cx, AFFINITY_APPLIED));
    let weight = narrow(&mut f, cx, "weight", Width::Int8, Reader::Hcldec).unwrap_or_default();
    Affinity {
        ltarget,
        rtarget,
        operand,
        weight,
        spans: f.spans,
    }
}

pub(super) fn spread(n: &Node, cx: &mut Cx<'_>) -> Spread {
    let mut f = F::new(n, cx, &["attribute", "weight", "target"], "spread");
    let mut s = Spread {
        attribute: f.str(cx, "attribute").unwrap_or_default(),
        weight: narrow(&mut f, cx, "weight", Width::Int8, Reader::Gohcl).unwrap_or_default(),
        ..Spread::default()
    };
    s.targets = f
        .blocks("target")
        .map(|t| {
            // From 1.0 the value is only the label (api SpreadTarget
            // `hcl:"value,label"`): gohcl refuses a `value` argument.
            let keys: &[&str] = if cx.hcl2() {
                &["percent"]
            } else {
                &["value", "percent"]
            };
            let mut tf = F::new(t, cx, keys, "target");
            SpreadTarget {
                value: tf
                    .str(cx, "value")
                    .or_else(|| tf.label().map(str::to_string))
                    .unwrap_or_default(),
                percent: narrow(&mut tf, cx, "percent", Width::Uint8, Reader::Gohcl)
                    .unwrap_or_default(),
            }
        })
        .collect();
    s.spans = f.spans;
    s
}
