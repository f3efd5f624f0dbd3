//! The one bound on a resource figure a world holds: cpu (MHz), cores,
//! memory, memory max and disk (MB) of one client, one allocation or one
//! task of a running job, wherever it was read (`rules/cluster.hcl`, an
//! import's API JSON, pinned allocations).
//!
//! The bound makes every later figure exact: memory × 1024² (the
//! `memory.totalbytes` attribute, `status`'s byte sizes) fits Nomad's
//! int64, and so do the sums the scheduler, the quota stage and `status`
//! take over every client and allocation a world can hold. A figure past
//! it (a hand-edited or hostile `allocations.json` carrying
//! 9,223,372,036,854,775,000 MB) is refused where it is written, naming
//! the bound, instead of wrapping or saturating later.

use serde_json::Value;

use crate::diag::{Diag, Diags};
use crate::source::{Source, Span};

/// Largest cpu (MHz), cores, memory or disk (MB) of one client, allocation
/// or task: memory × 1024² × 1024 still fits an i64.
pub const MAX_RESOURCE: i64 = (i64::MAX / (1024 * 1024)) / 1024;

/// Why [`MAX_RESOURCE`] is what it is, for the diagnostics that name it.
pub const WHY: &str = "the largest value whose conversion to bytes (MB × 1024²) and whose total over the largest cluster fit in 64 bits";

/// What one allocation of `tg` holds (Nomad's sum over its tasks and
/// lifecycle phases, [`crate::structs::resources::task_group_resources`])
/// when every dimension is within [`MAX_RESOURCE`]; else the dimension
/// whose sum passes it. Each task's figure may sit at the bound, so their
/// sum can pass it (or i64): an allocation a world pins or imports holding
/// such a sum is refused where it is read, not saturated or wrapped later.
pub fn group_ask(
    tg: &crate::jobspec::TaskGroup,
    version: crate::version::NomadVersion,
) -> Result<crate::structs::AllocResources, &'static str> {
    let r = crate::structs::resources::checked_task_group_resources(tg, version)
        .map_err(|(_, dim)| dim)?;
    let dims = [
        ("cpu", r.cpu),
        ("cores", r.cores),
        ("memory", r.memory_mb),
        ("memory_max", r.memory_max_mb),
        ("disk", r.disk_mb),
    ];
    match dims.iter().find(|(_, v)| !(0..=MAX_RESOURCE).contains(v)) {
        Some((dim, _)) => Err(dim),
        None => Ok(r),
    }
}

/// Keys of Nomad's API JSON (nodes, allocations, jobs) holding a resource
/// figure, with its unit.
const JSON_KEYS: &[(&str, &str)] = &[
    ("CpuShares", "MHz"),
    ("CPU", "MHz"),
    ("Cores", "cores"),
    ("MemoryMB", "MB"),
    ("MemoryMaxMB", "MB"),
    ("DiskMB", "MB"),
    ("SizeMB", "MB"),
];

/// Refusals reported per file; past that, one line counts the rest (a
/// hostile file may hold millions).
const MAX_REPORTED: usize = 5;

/// Check every resource figure in one API JSON document: a whole number
/// from 0 to [`MAX_RESOURCE`] (or null, Go's zero). Each figure outside is
/// an error located at the figure.
pub fn check_json(src: &Source, v: &Value, diags: &mut Diags) {
    let mut bad = Vec::new();
    walk(v, &mut bad);
    for (key, unit, value) in bad.iter().take(MAX_REPORTED) {
        let span = locate(src, key, value);
        let shown = value.to_string();
        diags.push(
            Diag::error(
                "import::resource-bound",
                format!(
                    "{key} {shown} is outside 0 to {MAX_RESOURCE} ({unit}), the range one client, allocation or task may hold: {WHY}"
                ),
            )
            .at(src, span, "out of range")
            .help("a real cluster reports no such figure; save the file again from the cluster (`import --print-commands`)"),
        );
    }
    if bad.len() > MAX_REPORTED {
        diags.push(
            Diag::error(
                "import::resource-bound",
                format!(
                    "{} more resource figures are outside 0 to {MAX_RESOURCE}",
                    bad.len() - MAX_REPORTED
                ),
            )
            .in_source(src),
        );
    }
}

fn walk<'v>(v: &'v Value, bad: &mut Vec<(&'static str, &'static str, &'v Value)>) {
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                if let Some(&(key, unit)) = JSON_KEYS.iter().find(|(key, _)| key == k) {
                    if !in_range(x) {
                        bad.push((key, unit, x));
                        continue;
                    }
                }
                walk(x, bad);
            }
        }
        Value::Array(items) => items.iter().for_each(|x| walk(x, bad)),
        _ => {}
    }
}

/// Null (Go's zero), or a whole number from 0 to [`MAX_RESOURCE`]. Objects
/// and lists are not figures (`"Cpu": {...}` is walked into, not judged).
fn in_range(x: &Value) -> bool {
    match x {
        Value::Number(n) => n.as_i64().is_some_and(|n| (0..=MAX_RESOURCE).contains(&n)),
        Value::Null | Value::Object(_) | Value::Array(_) => true,
        _ => false,
    }
}

/// The span of `"key": value` in the text: the first occurrence whose value
/// parses to `value` (the figure itself, not the key, is underlined).
pub(super) fn locate(src: &Source, key: &str, value: &Value) -> Span {
    let text = &*src.text;
    let quoted = format!("\"{key}\"");
    let mut from = 0;
    while let Some(at) = text[from..].find(&quoted) {
        let after = from + at + quoted.len();
        from = after;
        let rest = &text[after..];
        let Some(colon) = rest.find(|c: char| !c.is_whitespace()) else {
            break;
        };
        if !rest[colon..].starts_with(':') {
            continue;
        }
        let start = after + colon + 1;
        let start = start + text[start..].len() - text[start..].trim_start().len();
        let end = text[start..]
            .find([',', '}', ']', '\n'])
            .map_or(text.len(), |e| start + e);
        let literal = text[start..end].trim_end();
        if serde_json::from_str::<Value>(literal).is_ok_and(|l| &l == value) {
            return Span::new(start, start + literal.len());
        }
    }
    Span::new(0, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Vec<Diag> {
        let src = crate::source::SourceFile::inline("a.json", text);
        let v: Value = serde_json::from_str(text).unwrap();
        let mut d = Diags::new();
        check_json(&src, &v, &mut d);
        d.0
    }

    #[test]
    fn figures_past_the_bound_negative_or_not_whole_are_located() {
        let text = r#"[{"ID": "a", "Cpu": {"CpuShares": 100}, "MemoryMB": 9223372036854775000},
 {"DiskMB": -1, "CPU": 1.5, "MemoryMaxMB": 18446744073709551615, "SizeMB": "9"}]"#;
        let d = check(text);
        let shown: Vec<String> = d
            .iter()
            .map(|d| {
                let (_, line, col) = d.location().unwrap();
                format!("{line}:{col} {}", d.message.split(" is ").next().unwrap())
            })
            .collect();
        assert_eq!(
            shown,
            [
                "1:53 MemoryMB 9223372036854775000",
                "2:24 CPU 1.5",
                "2:13 DiskMB -1",
                "2:44 MemoryMaxMB 18446744073709551615",
                "2:76 SizeMB \"9\"",
            ]
        );
        assert!(d[0].message.contains("outside 0 to 8589934591 (MB)"));
    }

    #[test]
    fn figures_at_the_bound_and_nulls_pass() {
        let d = check(&format!(
            r#"{{"NodeResources": {{"Memory": {{"MemoryMB": {MAX_RESOURCE}}}, "Cpu": {{"CpuShares": 0}}}}, "DiskMB": null}}"#
        ));
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn a_flood_of_bad_figures_is_counted_not_listed() {
        let items: Vec<String> = (0..100).map(|_| r#"{"CPU": -5}"#.to_string()).collect();
        let d = check(&format!("[{}]", items.join(",")));
        assert_eq!(d.len(), MAX_REPORTED + 1);
        assert!(d[MAX_REPORTED].message.starts_with("95 more"));
    }
}
