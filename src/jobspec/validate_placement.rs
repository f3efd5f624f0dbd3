//! `Constraint.Validate`, `Affinity.Validate` and `Spread.Validate`
//! (nomad/structs/structs.go, with `validateConstraintAttribute` in
//! constraint.go from 1.11.2), as `Job.Validate` and `TaskGroup.Validate`
//! run them: each failing block is one item, `Constraint N validation
//! failed: <multierror>`, numbered from 1 in written order; system jobs may
//! not have affinities or spreads at all.
//!
//! Texts changed by version, and are gated here:
//! - `stanza` became `block` in 1.3.10, 1.4.5 and 1.5.0 (the rename was
//!   backported to those patch lines);
//! - the `semver` operator arrived in 0.10.2 (before, it is an unknown type);
//! - 1.11.2 replaced `No LTarget provided but is required by constraint`
//!   with `no attribute provided but is required by operator` and began
//!   refusing `${...}` attributes the scheduler cannot resolve.
//!
//! The values of `regexp`, `version` and `semver` operators must parse
//! (goregexp.rs: Go's regexp syntax; goversion.rs: go-version's and Nomad's
//! semver constraint lists), at every release.

use super::model::*;
use super::validate::{err, Out};
use crate::version::NomadVersion;

const CODE: &str = "jobspec::placement";

/// `stanza` or `block`, as that Nomad words its placement errors.
pub(super) fn block_word(v: NomadVersion) -> &'static str {
    let renamed = v.at_least(1, 5, 0)
        || (v.at_least(1, 4, 5) && !v.at_least(1, 5, 0))
        || (v.at_least(1, 3, 10) && !v.at_least(1, 4, 0));
    if renamed {
        "block"
    } else {
        "stanza"
    }
}

/// A job's or group's constraints. Constraints, affinities and spreads are
/// three calls because `TaskGroup.Validate` checks the restart policy
/// between affinities and spreads.
pub(super) fn constraints(cs: &[Constraint], v: NomadVersion, out: &mut Out<'_>) {
    for (i, c) in cs.iter().enumerate() {
        out.nested(
            Some(format!("Constraint {} validation failed", i + 1)),
            |out| constraint(c, v, out),
        );
    }
}

pub(super) fn affinities(affs: &[Affinity], job_type: JobType, v: NomadVersion, out: &mut Out<'_>) {
    if job_type == JobType::System {
        // Nomad's canonicalisation turns an empty list into nil, so only a
        // written block counts.
        if let Some(a) = affs.first() {
            let text = format!("System jobs may not have an affinity {}", block_word(v));
            let help = "remove the affinity: system jobs run on every eligible node, so there is nothing to prefer";
            err(
                out,
                CODE,
                a.spans.block,
                text,
                "affinity in a system job",
                help,
            );
        }
        return;
    }
    for (i, a) in affs.iter().enumerate() {
        out.nested(
            Some(format!("Affinity {} validation failed", i + 1)),
            |out| affinity(a, v, out),
        );
    }
}

pub(super) fn spreads(ss: &[Spread], job_type: JobType, v: NomadVersion, out: &mut Out<'_>) {
    if job_type == JobType::System {
        if let Some(s) = ss.first() {
            let text = format!("System jobs may not have a spread {}", block_word(v));
            let help = "remove the spread: system jobs place one allocation on every eligible node";
            err(
                out,
                CODE,
                s.spans.block,
                text,
                "spread in a system job",
                help,
            );
        }
        return;
    }
    for (i, s) in ss.iter().enumerate() {
        out.nested(Some(format!("Spread {} validation failed", i + 1)), |out| {
            spread(s, v, out)
        });
    }
}

/// `Task.Validate`'s placement checks (all releases, after the log config):
/// each constraint as at group level, then, as its own item, a
/// distinct_hosts or distinct_property operand, which only means something
/// across a group's allocations; the affinities as at group level, or in a
/// system job one refusal for having any.
pub(super) fn task_placement(t: &Task, job_type: JobType, v: NomadVersion, out: &mut Out<'_>) {
    for (i, c) in t.constraints.iter().enumerate() {
        out.nested(
            Some(format!("Constraint {} validation failed", i + 1)),
            |out| constraint(c, v, out),
        );
        if DISTINCT.contains(&c.operand.as_str()) {
            let text = format!(
                "Constraint {} has disallowed Operand at task level: {}",
                i + 1,
                c.operand
            );
            let help = "move this constraint to the group: it spreads the group's allocations, which a task cannot do on its own";
            err(
                out,
                CODE,
                operator_span(c),
                text,
                "group-level operator",
                help,
            );
        }
    }
    affinities(&t.affinities, job_type, v, out);
}

/// `RequestedDevice.Validate`'s placement checks (all releases): a distinct
/// operand is refused instead of validated (`using unsupported operand`),
/// and affinities are validated whatever the job type.
pub(super) fn device_placement(d: &RequestedDevice, v: NomadVersion, out: &mut Out<'_>) {
    for (i, c) in d.constraints.iter().enumerate() {
        let prefix = format!("Constraint {} validation failed", i + 1);
        if DISTINCT.contains(&c.operand.as_str()) {
            let text = format!("{prefix}: using unsupported operand {}", go_q(&c.operand));
            let help = "a device constraint picks among one node's devices: compare a ${device.*} attribute instead";
            err(
                out,
                CODE,
                operator_span(c),
                text,
                "not a device operator",
                help,
            );
        } else {
            out.nested(Some(prefix), |out| constraint(c, v, out));
        }
    }
    for (i, a) in d.affinities.iter().enumerate() {
        out.nested(
            Some(format!("Affinity {} validation failed", i + 1)),
            |out| affinity(a, v, out),
        );
    }
}

/// The operators that place allocations apart from each other.
const DISTINCT: &[&str] = &["distinct_hosts", "distinct_property"];

/// Where a constraint's operator is written: `operator`, or the sugar keys
/// (`distinct_hosts = true`, `regexp = "..."`) that set it.
fn operator_span(c: &Constraint) -> Option<crate::source::Span> {
    let sp = &c.spans;
    sp.get("operator")
        .or_else(|| {
            [
                "distinct_hosts",
                "distinct_property",
                "regexp",
                "version",
                "semver",
            ]
            .iter()
            .find_map(|k| sp.get(k))
        })
        .or(sp.block)
}

/// The comparison operators every release accepts, which need a value.
const COMPARISONS: &[&str] = &["=", "==", "is", "!=", "not", "<", "<=", ">", ">="];
const SET_CONTAINS: &[&str] = &["set_contains", "set_contains_all", "set_contains_any"];

fn constraint(c: &Constraint, v: NomadVersion, out: &mut Out<'_>) {
    let sp = &c.spans;
    let op_span = operator_span(c);
    if c.operand.is_empty() {
        let text = "Missing constraint operand";
        let help = "add `operator = \"=\"` (or another operator) with `attribute` and `value`";
        err(out, CODE, op_span, text, "no operator", help);
    }
    let mut require_ltarget = true;
    let value_span = sp.get("value").or(op_span);
    match c.operand.as_str() {
        "distinct_hosts" => require_ltarget = false,
        op if SET_CONTAINS.contains(&op) => {
            if c.rtarget.is_empty() {
                let text = "Set contains constraint requires an RTarget";
                let help = "give `value` the comma-separated items the attribute must contain";
                err(out, CODE, value_span, text, "no value", help);
            }
        }
        "regexp" | "version" | "semver" if parses_as(&c.operand, v) => {
            target_parse(&c.operand, &c.rtarget, "constraint", value_span, v, out)
        }
        "distinct_property" => distinct_property(c, value_span, out),
        "is_set" | "is_not_set" => {
            if !c.rtarget.is_empty() {
                let text = format!("Operator {} does not support an RTarget", go_q(&c.operand));
                let help = "remove `value`: the operator only asks whether the attribute exists";
                err(out, CODE, value_span, text, "value given", help);
            }
        }
        op if COMPARISONS.contains(&op) => {
            if c.rtarget.is_empty() {
                let text = format!("Operator {} requires an RTarget", go_q(&c.operand));
                let help = "add `value = ...` to compare the attribute with";
                err(out, CODE, value_span, text, "no value", help);
            }
        }
        _ => {
            let text = format!("Unknown constraint type {}", go_q(&c.operand));
            let help = "use one of =, !=, <, <=, >, >=, regexp, version, semver, set_contains, set_contains_all, set_contains_any, distinct_hosts, distinct_property, is_set, is_not_set";
            err(out, CODE, op_span, text, "unknown operator", help);
        }
    }
    if require_ltarget {
        ltarget(c, op_span, v, out);
    }
}

/// `semver` is an operator from 0.10.2; before, it is an unknown type.
fn parses_as(op: &str, v: NomadVersion) -> bool {
    op != "semver" || v.at_least(0, 10, 2)
}

/// The value of a `regexp`, `version` or `semver` constraint or affinity
/// must parse as Go's regexp, go-version's constraint list or Nomad's
/// semver constraint list: `Regular expression failed to compile: ...`,
/// `Version constraint is invalid: ...`, `Semver affinity is invalid: ...`.
fn target_parse(
    op: &str,
    value: &str,
    kind: &str,
    span: Option<crate::source::Span>,
    v: NomadVersion,
    out: &mut Out<'_>,
) {
    let (text, help) = match op {
        "regexp" => {
            let Some(e) = crate::goregexp::compile_error(value, v) else {
                return;
            };
            let help = "Nomad compiles the value with Go's regexp (RE2 syntax): fix the pattern";
            (format!("Regular expression failed to compile: {e}"), help)
        }
        _ => {
            let semver = op == "semver";
            let Some(e) = crate::goversion::constraint_error(value, semver, v) else {
                return;
            };
            let word = if semver { "Semver" } else { "Version" };
            let help = if semver {
                "give comma-separated constraints such as \">= 1.2.0, < 2.0.0\" (operators =, !=, <, <=, >, >=; full semver versions)"
            } else {
                "give comma-separated constraints such as \">= 1.2, < 2.0\" (operators =, !=, <, <=, >, >=, ~>)"
            };
            (format!("{word} {kind} is invalid: {e}"), help)
        }
    };
    err(out, CODE, span, text, "does not parse", help);
}

/// The attribute check, as worded before and after 1.11.2.
fn ltarget(
    c: &Constraint,
    op_span: Option<crate::source::Span>,
    v: NomadVersion,
    out: &mut Out<'_>,
) {
    let span = c.spans.get("attribute").or(op_span);
    let new_rules = v.has(crate::version::Fix::ConstraintAttributeRules);
    if c.ltarget.is_empty() {
        let text = if new_rules {
            "no attribute provided but is required by operator"
        } else {
            "No LTarget provided but is required by constraint"
        };
        let help = "add `attribute = \"${...}\"` naming what the operator compares";
        err(out, CODE, span, text, "no attribute", help);
        return;
    }
    if !new_rules {
        return;
    }
    if let Some(text) = attribute_problem(&c.ltarget) {
        let help = "use ${node.unique.id}, ${node.datacenter}, ${node.unique.name}, ${node.class}, ${node.pool}, or ${attr.*}, ${device.*}, ${meta.*}";
        err(out, CODE, span, text, "unsupported attribute", help);
    }
}

/// `validateConstraintAttribute` (constraint.go, 1.11.2+).
fn attribute_problem(target: &str) -> Option<String> {
    const EXACT: &[&str] = &[
        "${node.unique.id}",
        "${node.datacenter}",
        "${node.unique.name}",
        "${node.class}",
        "${node.pool}",
    ];
    const PREFIXES: &[&str] = &["${attr.", "${device.", "${meta."];
    if !target.starts_with('$') {
        return None;
    }
    let q = go_q(target);
    if !target.starts_with("${") {
        return Some(format!("attribute {q} is missing an opening brace"));
    }
    if !target.ends_with('}') {
        return Some(format!("attribute {q} is missing a closing brace"));
    }
    if EXACT.contains(&target) || PREFIXES.iter().any(|p| target.starts_with(p)) {
        return None;
    }
    Some(format!("unsupported attribute {q}"))
}

/// A `distinct_property` count must be a whole number of at least 1
/// (`strconv.ParseUint(RTarget, 10, 64)`).
fn distinct_property(c: &Constraint, span: Option<crate::source::Span>, out: &mut Out<'_>) {
    if c.rtarget.is_empty() {
        return;
    }
    let help = "the value of distinct_property is how many allocations may share a property value: a whole number, 1 or more";
    match parse_uint(&c.rtarget) {
        Err(why) => {
            let text = format!(
                "Failed to convert RTarget {} to uint64: strconv.ParseUint: parsing {}: {why}",
                go_q(&c.rtarget),
                go_q(&c.rtarget)
            );
            err(out, CODE, span, text, "not a count", help);
        }
        Ok(0) => {
            let text = "Distinct Property must have an allowed count of 1 or greater: 0 < 1";
            err(out, CODE, span, text, "zero", help);
        }
        Ok(_) => {}
    }
}

/// Go's `strconv.ParseUint(s, 10, 64)` and its error words.
fn parse_uint(s: &str) -> Result<u64, &'static str> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit() || b == b'_') {
        return Err("invalid syntax");
    }
    // Base 10 given explicitly: underscores are not allowed.
    if s.contains('_') {
        return Err("invalid syntax");
    }
    s.parse::<u64>().map_err(|_| "value out of range")
}

fn affinity(a: &Affinity, v: NomadVersion, out: &mut Out<'_>) {
    let sp = &a.spans;
    let op_span = sp
        .get("operator")
        .or_else(|| {
            ["regexp", "version", "semver"]
                .iter()
                .find_map(|k| sp.get(k))
        })
        .or(sp.block);
    let value_span = sp.get("value").or(op_span);
    if a.operand.is_empty() {
        let text = "Missing affinity operand";
        let help = "add `operator = \"=\"` (or another operator) with `attribute` and `value`";
        err(out, CODE, op_span, text, "no operator", help);
    }
    match a.operand.as_str() {
        op if SET_CONTAINS.contains(&op) => {
            if a.rtarget.is_empty() {
                let text = "Set contains operators require an RTarget";
                let help = "give `value` the comma-separated items the attribute should contain";
                err(out, CODE, value_span, text, "no value", help);
            }
        }
        "regexp" | "version" | "semver" if parses_as(&a.operand, v) => {
            target_parse(&a.operand, &a.rtarget, "affinity", value_span, v, out)
        }
        op if COMPARISONS.contains(&op) => {
            if a.rtarget.is_empty() {
                let text = format!("Operator {} requires an RTarget", go_q(&a.operand));
                let help = "add `value = ...` to compare the attribute with";
                err(out, CODE, value_span, text, "no value", help);
            }
        }
        _ => {
            let text = format!("Unknown affinity operator {}", go_q(&a.operand));
            let help = "use one of =, !=, <, <=, >, >=, regexp, version, semver, set_contains, set_contains_all, set_contains_any";
            err(out, CODE, op_span, text, "unknown operator", help);
        }
    }
    if a.ltarget.is_empty() {
        let text = "No LTarget provided but is required";
        let help = "add `attribute = \"${...}\"` naming what the affinity compares";
        let span = sp.get("attribute").or(op_span);
        err(out, CODE, span, text, "no attribute", help);
    }
    let weight_span = sp.best("weight");
    if a.weight == 0 {
        let text = "Affinity weight cannot be zero";
        let help = "use a weight from -100 to 100 other than 0 (negative weights repel)";
        err(out, CODE, weight_span, text, "zero", help);
    }
    if !(-100..=100).contains(&a.weight) {
        let text = "Affinity weight must be within the range [-100,100]";
        let help = "use a weight from -100 to 100 (negative weights repel)";
        err(out, CODE, weight_span, text, "out of range", help);
    }
}

fn spread(s: &Spread, v: NomadVersion, out: &mut Out<'_>) {
    let sp = &s.spans;
    if s.attribute.is_empty() {
        let text = "Missing spread attribute";
        let help = "add `attribute = \"${node.datacenter}\"` (or another node attribute)";
        err(out, CODE, sp.best("attribute"), text, "no attribute", help);
    }
    if s.weight <= 0 || s.weight > 100 {
        let text = format!(
            "Spread {} must have a positive weight from 0 to 100",
            block_word(v)
        );
        let help = "use a weight from 1 to 100";
        err(out, CODE, sp.best("weight"), text, "out of range", help);
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut sum: i64 = 0;
    let target_span = sp.get("target").or(sp.block);
    for t in &s.targets {
        if !seen.insert(t.value.as_str()) {
            let text = format!("Spread target value {} already defined", go_q(&t.value));
            let help = "give each target its own value";
            err(out, CODE, target_span, text, "repeated target", help);
        }
        if !(0..=100).contains(&t.percent) {
            let text = format!(
                "Spread target percentage for value {} must be between 0 and 100",
                go_q(&t.value)
            );
            let help = "a target's percent is a share of the group's allocations, 0 to 100";
            err(out, CODE, target_span, text, "out of range", help);
        }
        sum += t.percent.max(0);
    }
    if sum > 100 {
        let text =
            format!("Sum of spread target percentages must not be greater than 100%; got {sum}%");
        let help = "the targets' percents share out the group's allocations: make them add up to 100 or less";
        err(out, CODE, target_span, text, "over 100%", help);
    }
}

fn go_q(s: &str) -> String {
    crate::gotext::go_quote(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> NomadVersion {
        s.parse().unwrap()
    }

    #[test]
    fn stanza_became_block_in_three_patch_lines() {
        // nomad/structs/structs.go at each tag: "affinity stanza" up to
        // v1.3.9 and v1.4.4, "affinity block" from v1.3.10, v1.4.5, v1.5.0.
        for (t, want) in [
            ("0.9.3", "stanza"),
            ("1.3.9", "stanza"),
            ("1.3.10", "block"),
            ("1.4.0", "stanza"),
            ("1.4.4", "stanza"),
            ("1.4.5", "block"),
            ("1.5.0", "block"),
            ("2.0.5", "block"),
        ] {
            assert_eq!(block_word(v(t)), want, "{t}");
        }
    }

    #[test]
    fn constraint_attributes_as_validate_constraint_attribute_judges_them() {
        // TestConstraint_Validate (structs_test.go, v2.0.5) cases.
        assert_eq!(attribute_problem("${attr.kernel.name}"), None);
        assert_eq!(attribute_problem("literal"), None);
        assert_eq!(attribute_problem("${node.pool}"), None);
        assert_eq!(
            attribute_problem("$attr.kernel.name}").unwrap(),
            "attribute \"$attr.kernel.name}\" is missing an opening brace"
        );
        assert_eq!(
            attribute_problem("${attr.kernel.name").unwrap(),
            "attribute \"${attr.kernel.name\" is missing a closing brace"
        );
        assert_eq!(
            attribute_problem("${node.bogus}").unwrap(),
            "unsupported attribute \"${node.bogus}\""
        );
    }

    #[test]
    fn parse_uint_words_errors_as_strconv_does() {
        assert_eq!(parse_uint("3"), Ok(3));
        assert_eq!(parse_uint("-1"), Err("invalid syntax"));
        assert_eq!(parse_uint("x"), Err("invalid syntax"));
        assert_eq!(parse_uint("1_000"), Err("invalid syntax"));
        assert_eq!(
            parse_uint("99999999999999999999"),
            Err("value out of range")
        );
    }
}
