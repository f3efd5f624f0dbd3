//! Before 1.0: mapstructure's refusal of the arguments of the blocks below
//! a job, a group and a task (restart, update, resources, template, ...),
//! in Nomad's words.
//!
//! Each parse function (jobspec/parse*.go at 0.9.3 to 0.12.12) decodes its
//! block into a `map[string]interface{}` with hcl v1, deletes the keys it
//! parses itself (`network`, `device`, `options`, `target`, `policy`),
//! renames some (a constraint's `attribute` is its `LTarget`) and hands the
//! rest to mapstructure with weak typing: `WeakDecode`, or a decoder that
//! also turns strings into durations (restart, reschedule, update, migrate,
//! template). Its error is hcl1_decode.rs's `N error(s) decoding:` list,
//! the fields named by tag or Go name of the api struct. The caller wraps
//! it in the block's prefix (hcl1_singles.rs, hcl1_resources.rs).
//!
//! The api structs' fields are the same at 0.9.3, 0.10.9, 0.11.8 and
//! 0.12.12 but for the ones marked `since`; a key a release's parser does
//! not accept fails its key check first (version_gates.rs).
//!
//! Checked against jobspec.ParseFile built from Nomad 0.9.3, 0.10.9,
//! 0.11.8 and 0.12.12 (tests/hcl-oracle) over the corpus jobs with one
//! value made a string or a list (tests/jobspec_hcl1_block_decode.rs).

use super::hcl1_decode::{f, refusal_of, since, Field, Kind, Refusal, INT, STR};
use super::model::Value;
use super::tree::{Attr, Node};
use crate::source::Source;
use crate::version::NomadVersion;

const DUR: Kind = Kind::Dur;
const BOOL: Kind = Kind::Bool;
const INT8: Kind = Kind::Int("int8", 8);
const INT64: Kind = Kind::Int("int64", 64);

/// api.RestartPolicy (with the duration hook).
const RESTART: &[Field] = &[
    f("interval", "Interval", DUR),
    f("attempts", "Attempts", INT),
    f("delay", "Delay", DUR),
    f("mode", "Mode", STR),
];

/// api.ReschedulePolicy (with the hook).
const RESCHEDULE: &[Field] = &[
    f("attempts", "attempts", INT),
    f("interval", "interval", DUR),
    f("delay", "delay", DUR),
    f("delay_function", "delay_function", STR),
    f("max_delay", "max_delay", DUR),
    f("unlimited", "unlimited", BOOL),
];

/// api.EphemeralDisk.
const EPHEMERAL_DISK: &[Field] = &[
    f("sticky", "Sticky", BOOL),
    f("migrate", "Migrate", BOOL),
    f("size", "size", INT),
];

/// api.UpdateStrategy (with the hook).
const UPDATE: &[Field] = &[
    f("stagger", "stagger", DUR),
    f("max_parallel", "max_parallel", INT),
    f("health_check", "health_check", STR),
    f("min_healthy_time", "min_healthy_time", DUR),
    f("healthy_deadline", "healthy_deadline", DUR),
    f("progress_deadline", "progress_deadline", DUR),
    f("canary", "canary", INT),
    f("auto_revert", "auto_revert", BOOL),
    f("auto_promote", "auto_promote", BOOL),
];

/// api.MigrateStrategy (with the hook).
const MIGRATE: &[Field] = &[
    f("max_parallel", "max_parallel", INT),
    f("health_check", "health_check", STR),
    f("min_healthy_time", "min_healthy_time", DUR),
    f("healthy_deadline", "healthy_deadline", DUR),
];

/// api.Constraint, after parseConstraints' renaming ([`renamed`]).
const CONSTRAINT: &[Field] = &[
    f("LTarget", "LTarget", STR),
    f("RTarget", "RTarget", STR),
    f("Operand", "Operand", STR),
];

/// api.Affinity, after parseAffinities' renaming.
const AFFINITY: &[Field] = &[
    f("LTarget", "LTarget", STR),
    f("RTarget", "RTarget", STR),
    f("Operand", "Operand", STR),
    f("weight", "Weight", INT8),
];

/// api.Spread (its `target` blocks deleted first).
const SPREAD: &[Field] = &[
    f("attribute", "Attribute", STR),
    f("weight", "Weight", INT8),
];

/// api.SpreadTarget.
const SPREAD_TARGET: &[Field] = &[
    f("value", "Value", STR),
    f("percent", "Percent", Kind::Uint("uint8", 8)),
];

/// api.TaskArtifact (`options` deleted first).
const ARTIFACT: &[Field] = &[
    f("source", "source", STR),
    f("mode", "mode", STR),
    f("destination", "destination", STR),
];

/// api.Template (with the hook).
const TEMPLATE: &[Field] = &[
    f("source", "source", STR),
    f("destination", "destination", STR),
    f("data", "data", STR),
    f("change_mode", "change_mode", STR),
    f("change_signal", "change_signal", STR),
    f("splay", "splay", DUR),
    f("perms", "perms", STR),
    f("left_delimiter", "left_delimiter", STR),
    f("right_delimiter", "right_delimiter", STR),
    f("env", "env", BOOL),
    f("vault_grace", "vault_grace", DUR),
];

/// api.Vault.
const VAULT: &[Field] = &[
    f("policies", "Policies", Kind::Strs),
    since(f("namespace", "namespace", STR), (0, 12, 0)),
    f("env", "Env", BOOL),
    f("change_mode", "change_mode", STR),
    f("change_signal", "change_signal", STR),
];

/// api.LogConfig.
const LOGS: &[Field] = &[
    f("max_files", "max_files", INT),
    f("max_file_size", "max_file_size", INT),
];

/// api.DispatchPayloadConfig.
const DISPATCH_PAYLOAD: &[Field] = &[f("file", "File", STR)];

/// api.TaskLifecycle.
const LIFECYCLE: &[Field] = &[f("hook", "hook", STR), f("sidecar", "sidecar", BOOL)];

/// api.VolumeRequest, as 0.10's parseVolumes decodes a group's volume.
const VOLUME: &[Field] = &[
    f("type", "Type", STR),
    f("source", "Source", STR),
    f("read_only", "read_only", BOOL),
];

/// api.TaskCSIPluginConfig (0.11+), decoded inline in parseTask.
const CSI_PLUGIN: &[Field] = &[
    f("id", "id", STR),
    f("type", "type", Kind::Str("api.CSIPluginType")),
    f("mount_dir", "mount_dir", STR),
];

/// api.VolumeMount.
const VOLUME_MOUNT: &[Field] = &[
    f("volume", "Volume", STR),
    f("destination", "Destination", STR),
    f("read_only", "read_only", BOOL),
    f("propagation_mode", "propagation_mode", STR),
];

/// api.PeriodicConfig: parsePeriodic copies `cron` into `Spec` (and reads
/// `enabled` itself, [`enabled`]).
const PERIODIC: &[Field] = &[
    f("cron", "Spec", STR),
    f("prohibit_overlap", "prohibit_overlap", BOOL),
    f("time_zone", "time_zone", STR),
];

/// api.ParameterizedJobConfig.
const PARAMETERIZED: &[Field] = &[
    f("payload", "Payload", STR),
    f("meta_required", "meta_required", Kind::Strs),
    f("meta_optional", "meta_optional", Kind::Strs),
];

/// api.ScalingPolicy (`policy` deleted first).
const SCALING: &[Field] = &[
    f("min", "Min", INT64),
    f("max", "Max", INT64),
    f("enabled", "Enabled", BOOL),
];

/// api.Resources (`network` and `device` deleted first).
const RESOURCES: &[Field] = &[
    f("cpu", "CPU", INT),
    f("memory", "memory", INT),
    f("disk", "disk", INT),
    f("iops", "IOPS", INT),
];

/// api.NetworkResource (`dns` deleted first; `port` matches no field).
const NETWORK: &[Field] = &[
    since(f("mode", "Mode", STR), (0, 10, 0)),
    f("mbits", "MBits", INT),
];

/// api.Port. Before 0.12 a port's keys are not checked, so `label` reaches
/// its field too.
const PORT: &[Field] = &[
    f("label", "Label", STR),
    f("static", "static", INT),
    since(f("to", "to", INT), (0, 10, 0)),
    since(f("host_network", "host_network", STR), (0, 12, 0)),
];

/// api.RequestedDevice (`constraint` and `affinity` deleted first).
const DEVICE: &[Field] = &[
    f("name", "Name", STR),
    f("count", "Count", Kind::Uint("uint64", 64)),
];

/// The struct a block's parse function decodes into, by the block's key.
fn fields(key: &str) -> Option<&'static [Field]> {
    Some(match key {
        "restart" => RESTART,
        "reschedule" => RESCHEDULE,
        "ephemeral_disk" => EPHEMERAL_DISK,
        "update" => UPDATE,
        "migrate" => MIGRATE,
        "constraint" => CONSTRAINT,
        "affinity" => AFFINITY,
        "spread" => SPREAD,
        "artifact" => ARTIFACT,
        "template" => TEMPLATE,
        "vault" => VAULT,
        "logs" => LOGS,
        "dispatch_payload" => DISPATCH_PAYLOAD,
        "lifecycle" => LIFECYCLE,
        "volume_mount" => VOLUME_MOUNT,
        "csi_plugin" => CSI_PLUGIN,
        "volume" => VOLUME,
        "periodic" => PERIODIC,
        "parameterized" => PARAMETERIZED,
        "scaling" => SCALING,
        "resources" => RESOURCES,
        "network" => NETWORK,
        "port" => PORT,
        "device" => DEVICE,
        _ => return None,
    })
}

/// The decoder's refusal of block `b` (written `key { ... }`), without the
/// caller's prefix: its own fields, then (a spread) its targets'.
pub(super) fn refusal(key: &str, b: &Node, src: &Source, v: NomadVersion) -> Option<Refusal> {
    if key == "multiregion" {
        return multiregion(b, src, v);
    }
    let fields = fields(key)?;
    match key {
        "constraint" | "affinity" => {
            if key == "constraint" {
                match distinct_hosts(b, src) {
                    // distinct_hosts = false: the constraint is skipped.
                    Some(Ok(false)) => return None,
                    Some(Err(text)) => return Some(plain(b, "distinct_hosts", text)),
                    _ => {}
                }
            }
            refusal_of(&renamed(b, key), fields, src, v)
        }
        "periodic" => match parse_bool(b, "enabled", src) {
            Some(Err(e)) => Some(plain(
                b,
                "enabled",
                format!("periodic.enabled should be set to true or false; {e}"),
            )),
            _ => refusal_of(b, fields, src, v),
        },
        "spread" => refusal_of(b, fields, src, v).or_else(|| {
            b.blocks
                .iter()
                .filter(|t| t.ident == "target")
                .find_map(|t| refusal_of(t, SPREAD_TARGET, src, v))
                .map(|mut r| {
                    r.text = format!("target -> {}", r.text);
                    r
                })
        }),
        _ => refusal_of(b, fields, src, v),
    }
}

/// api.MultiregionStrategy (weak, no hook).
const MULTIREGION_STRATEGY: &[Field] = &[
    f("max_parallel", "max_parallel", INT),
    f("on_failure", "on_failure", STR),
];

/// api.MultiregionRegion (weak; its `meta` decodes as any map does).
const MULTIREGION_REGION: &[Field] = &[
    f("count", "Count", INT),
    f("datacenters", "Datacenters", Kind::Strs),
];

/// parseMultiregion (jobspec/parse_multiregion.go, 0.12.0 to 0.12.12): its
/// one strategy's decode under `strategy ->`, then each named region's
/// under `regions ->` (parseJob adds `multiregion ->`). A key a function
/// does not take is its CheckHCLKeys error, and a second strategy or a
/// region named twice its own: not worded here.
fn multiregion(m: &Node, src: &Source, v: NomadVersion) -> Option<Refusal> {
    let only = |n: &Node, keys: &[&str]| {
        n.attrs.iter().all(|a| keys.contains(&a.name.as_str()))
            && n.blocks.iter().all(|b| keys.contains(&b.ident.as_str()))
    };
    if !only(m, &["strategy", "region"]) {
        return None;
    }
    let under = |mut r: Refusal, prefix: &str| {
        r.text = format!("{prefix} {}", r.text);
        r
    };
    let strategies: Vec<&Node> = m.blocks.iter().filter(|b| b.ident == "strategy").collect();
    if let [s] = strategies.as_slice() {
        if !only(s, &["max_parallel", "on_failure"]) {
            return None;
        }
        if let Some(r) = refusal_of(s, MULTIREGION_STRATEGY, src, v) {
            return Some(under(r, "strategy ->"));
        }
    } else if strategies.len() > 1 {
        return None;
    }
    // list.Children(): the regions with a name, in order.
    let mut seen = std::collections::HashSet::new();
    for r in m.blocks.iter().filter(|b| b.ident == "region") {
        let Some((name, _)) = r.labels.first() else {
            continue;
        };
        if !seen.insert(name.as_str()) || !only(r, &["count", "datacenters", "meta"]) {
            return None;
        }
        if let Some(e) = refusal_of(r, MULTIREGION_REGION, src, v) {
            return Some(under(e, "regions ->"));
        }
    }
    None
}

/// A refusal that is not mapstructure's list (parseBool's), at `key`.
fn plain(b: &Node, key: &str, text: String) -> Refusal {
    let attr = b.attrs.iter().find(|a| a.name == key);
    Refusal {
        text,
        span: attr.map_or(b.ident_span, |a| a.span),
        values: attr.map(|a| a.value_span).into_iter().collect(),
    }
}

fn distinct_hosts(b: &Node, src: &Source) -> Option<Result<bool, String>> {
    parse_bool(b, "distinct_hosts", src)
        .map(|r| r.map_err(|e| format!("distinct_hosts should be set to true or false; {e}")))
}

/// jobspec's parseBool of `key`'s value: a bool, or a string strconv
/// reads; anything else is `%v couldn't be converted to boolean value`.
fn parse_bool(b: &Node, key: &str, src: &Source) -> Option<Result<bool, String>> {
    let attr = b.attrs.iter().find(|a| a.name == key)?;
    Some(match &attr.value {
        Value::Bool(x) => Ok(*x),
        Value::String(s) => crate::gostrconv::parse_bool(s)
            .ok_or_else(|| crate::gostrconv::NumErr::Syntax.text("ParseBool", s)),
        Value::Number(n) if is_float_token(src.slice(attr.value_span)) => Err(format!(
            "{} couldn't be converted to boolean value",
            crate::gostrconv::format_float(*n)
        )),
        other => Err(format!(
            "{} couldn't be converted to boolean value",
            go_v(other)
        )),
    })
}

/// hcl v1 makes a number a float64 when its token has a `.` or an
/// exponent (and is not hex), else an int.
fn is_float_token(text: &str) -> bool {
    let t = text.trim_start_matches('-');
    !(t.starts_with("0x") || t.starts_with("0X")) && t.contains(['.', 'e', 'E'])
}

/// Go's `%v` of a value hcl v1 decoded into an `interface{}`: an object
/// is a list of maps there (`[map[a:1]]`), one map inside a list.
fn go_v(v: &Value) -> String {
    match v {
        Value::Map(_) => format!("[{}]", go_v_in(v)),
        _ => go_v_in(v),
    }
}

fn go_v_in(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        // An int in hcl v1 but for a FLOAT token, which a list element's
        // value no longer tells: a whole number is taken for an int.
        Value::Number(n) if n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_992.0 => {
            format!("{}", *n as i64)
        }
        Value::Number(n) => crate::gostrconv::format_float(*n),
        Value::Int(n) => n.to_string(),
        Value::List(items) => {
            let inner: Vec<String> = items.iter().map(go_v_in).collect();
            format!("[{}]", inner.join(" "))
        }
        // fmt sorts a map's keys, as the BTreeMap holds them.
        Value::Map(m) => {
            let pairs: Vec<String> = m.iter().map(|(k, x)| format!("{k}:{}", go_v(x))).collect();
            format!("map[{}]", pairs.join(" "))
        }
        Value::Null => "<nil>".into(),
    }
}

/// A constraint or affinity as parseConstraints / parseAffinities hand it
/// to mapstructure: `attribute`, `value` and `operator` copied into
/// `LTarget`, `RTarget` and `Operand`; the operator keys (`version`,
/// `regexp`, ...) make `Operand` a constant and their value the `RTarget`
/// (the last one in the function's order wins); `distinct_property` is the
/// `LTarget`.
fn renamed(b: &Node, key: &str) -> Node {
    let get = |k: &str| b.attrs.iter().find(|a| a.name == k);
    let operators: &[&str] = if key == "constraint" {
        &["version", "semver", "regexp", "set_contains"]
    } else {
        super::lower::AFFINITY_APPLIED
    };
    let as_field = |a: &Attr, name: &str| Attr {
        name: name.into(),
        ..a.clone()
    };
    let mut attrs = Vec::new();
    let l = get("distinct_property").or_else(|| get("attribute"));
    attrs.extend(l.map(|a| as_field(a, "LTarget")));
    let r = operators
        .iter()
        .rev()
        .find_map(|k| get(k))
        .or_else(|| get("value"));
    attrs.extend(r.map(|a| as_field(a, "RTarget")));
    let fixed = operators
        .iter()
        .chain(&["distinct_hosts", "distinct_property"])
        .any(|k| get(k).is_some());
    if !fixed {
        attrs.extend(get("operator").map(|a| as_field(a, "Operand")));
    }
    attrs.extend(get("weight").cloned());
    Node {
        attrs,
        blocks: Vec::new(),
        ..b.clone()
    }
}
