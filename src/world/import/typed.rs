//! The JSON type of each field the import reads, checked before it is
//! read. The readers (specs.rs, nodes.rs) take a field of another type as
//! absent, Go's zero value or Nomad's default (`"CPU": "50"` read as no
//! limit, `"DisabledTaskDrivers": "docker"` as no restriction,
//! `"SystemSchedulerEnabled": "false"` as the seeded default): a
//! confident all-clear from a file Nomad's API could not have answered,
//! since Nomad's struct cannot hold that type. So a field present with a
//! type its Go struct cannot hold is an `import::shape` error naming the
//! file and the field, marked "cannot tell"; the file (or node) is not
//! read. `null` stays "unset" only where Nomad's field is a pointer, a
//! slice or a map (Go's nil); a plain bool, number or string, or a struct
//! held by value, is never null in what Nomad answers.

use serde_json::Value;

use crate::diag::{Diag, Diags};
use crate::source::Source;

/// The JSON type a Go field decodes from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Kind {
    /// Any Go integer: a JSON number without a fraction.
    Int,
    Bool,
    Str,
    /// A Go slice: a JSON list.
    List,
    /// A Go struct or map: a JSON object.
    Object,
}

/// One field: its path from the checked object (`A.B`; `A[]` stands for
/// every item of list `A`), its type, and whether Nomad's field can be nil
/// (a pointer, slice or map), so that `null` reads as unset.
pub(super) struct Field {
    pub path: &'static str,
    pub kind: Kind,
    pub nullable: bool,
}

const fn f(path: &'static str, kind: Kind, nullable: bool) -> Field {
    Field {
        path,
        kind,
        nullable,
    }
}

/// What one kind of saved object is checked against, and in whose words.
pub(super) struct Schema {
    pub file: &'static str,
    /// What cannot be told when a field is mistyped.
    pub unknown: &'static str,
    pub endpoint: &'static str,
    pub fields: &'static [Field],
}

use Kind::{Bool, Int, List, Object, Str};

/// An item of `/v1/quotas` (api/quota.go v2.0.5 QuotaSpec, QuotaLimit:
/// `RegionLimit *QuotaResources`, its figures `*int`, `Devices
/// []*RequestedDevice` with `Count *uint64` (api/resources.go); v1.7.2
/// `RegionLimit *Resources`, the same figures `*int`).
pub(super) const QUOTA: Schema = Schema {
    file: "quotas.json",
    unknown: "what the quotas limit",
    endpoint: "/v1/quotas",
    fields: &[
        f("Limits", List, true),
        f("Limits[]", Object, true),
        f("Limits[].Region", Str, false),
        f("Limits[].RegionLimit", Object, true),
        f("Limits[].RegionLimit.CPU", Int, true),
        f("Limits[].RegionLimit.Cores", Int, true),
        f("Limits[].RegionLimit.MemoryMB", Int, true),
        f("Limits[].RegionLimit.MemoryMaxMB", Int, true),
        f("Limits[].RegionLimit.DiskMB", Int, true),
        f("Limits[].RegionLimit.Networks", List, true),
        f("Limits[].RegionLimit.Devices", List, true),
        f("Limits[].RegionLimit.Devices[]", Object, true),
        f("Limits[].RegionLimit.Devices[].Name", Str, false),
        f("Limits[].RegionLimit.Devices[].Count", Int, true),
    ],
};

/// An item of `/v1/namespaces` (api/namespace.go v2.0.5 Namespace:
/// `Quota string`, `Capabilities *NamespaceCapabilities` whose four
/// lists are `[]string`, `Meta map[string]string`).
pub(super) const NAMESPACE: Schema = Schema {
    file: "namespaces.json",
    unknown: "which drivers and network modes the namespaces allow, nor their quotas",
    endpoint: "/v1/namespaces",
    fields: &[
        f("Quota", Str, false),
        f("Meta", Object, true),
        f("Capabilities", Object, true),
        f("Capabilities.EnabledTaskDrivers", List, true),
        f("Capabilities.EnabledTaskDrivers[]", Str, false),
        f("Capabilities.DisabledTaskDrivers", List, true),
        f("Capabilities.DisabledTaskDrivers[]", Str, false),
        f("Capabilities.EnabledNetworkModes", List, true),
        f("Capabilities.EnabledNetworkModes[]", Str, false),
        f("Capabilities.DisabledNetworkModes", List, true),
        f("Capabilities.DisabledNetworkModes[]", Str, false),
    ],
};

/// A `SchedulerConfig` (api/operator.go v2.0.5 SchedulerConfiguration:
/// `PreemptionConfig PreemptionConfig` by value, its four flags and
/// `MemoryOversubscriptionEnabled`, `RejectJobRegistration` plain bools).
pub(super) const SCHEDULER: Schema = Schema {
    file: "scheduler.json",
    unknown: "the scheduler configuration (algorithm, preemption)",
    endpoint: "/v1/operator/scheduler/configuration",
    fields: &[
        f("SchedulerAlgorithm", Str, false),
        f("PreemptionConfig", Object, false),
        f("PreemptionConfig.SystemSchedulerEnabled", Bool, false),
        f("PreemptionConfig.SysBatchSchedulerEnabled", Bool, false),
        f("PreemptionConfig.BatchSchedulerEnabled", Bool, false),
        f("PreemptionConfig.ServiceSchedulerEnabled", Bool, false),
        f("MemoryOversubscriptionEnabled", Bool, false),
        f("RejectJobRegistration", Bool, false),
    ],
};

/// A node, as `/v1/nodes?resources=true` lists it or `/v1/node/ID`
/// answers (api/nodes.go v2.0.5 Node: `NodeResources *NodeResources`
/// holding `Cpu`, `Memory`, `Disk` by value with int64 figures,
/// `ReservedResources *NodeReservedResources` likewise with uint64 ones,
/// the legacy `Resources`, `Reserved *Resources` with `*int` figures,
/// `Drivers`, `Attributes`, `Meta` maps, `NodeMaxAllocs int`, `Drain bool`).
pub(super) const NODE: Schema = Schema {
    file: "the node file",
    unknown: "what the client node offers",
    endpoint: "/v1/nodes?resources=true",
    fields: &[
        f("Status", Str, false),
        f("Drain", Bool, false),
        f("Datacenter", Str, false),
        f("NodePool", Str, false),
        f("NodeClass", Str, false),
        f("Attributes", Object, true),
        f("Meta", Object, true),
        f("Drivers", Object, true),
        f("HostVolumes", Object, true),
        f("NodeMaxAllocs", Int, false),
        f("NodeResources", Object, true),
        f("NodeResources.Cpu", Object, false),
        f("NodeResources.Cpu.CpuShares", Int, false),
        f("NodeResources.Memory", Object, false),
        f("NodeResources.Memory.MemoryMB", Int, false),
        f("NodeResources.Disk", Object, false),
        f("NodeResources.Disk.DiskMB", Int, false),
        f("NodeResources.Networks", List, true),
        f("NodeResources.Networks[]", Object, true),
        f("NodeResources.Networks[].MBits", Int, false),
        f("NodeResources.Networks[].Mode", Str, false),
        f("ReservedResources", Object, true),
        f("ReservedResources.Cpu", Object, false),
        f("ReservedResources.Cpu.CpuShares", Int, false),
        f("ReservedResources.Memory", Object, false),
        f("ReservedResources.Memory.MemoryMB", Int, false),
        f("ReservedResources.Disk", Object, false),
        f("ReservedResources.Disk.DiskMB", Int, false),
        f("ReservedResources.Networks", Object, false),
        f("ReservedResources.Networks.ReservedHostPorts", Str, false),
        f("Resources", Object, true),
        f("Resources.CPU", Int, true),
        f("Resources.MemoryMB", Int, true),
        f("Resources.DiskMB", Int, true),
        f("Resources.Networks", List, true),
        f("Resources.Networks[]", Object, true),
        f("Resources.Networks[].MBits", Int, false),
        f("Reserved", Object, true),
        f("Reserved.CPU", Int, true),
        f("Reserved.MemoryMB", Int, true),
        f("Reserved.DiskMB", Int, true),
    ],
};

/// Whether every field of `v` that `schema` lists holds a type Nomad's
/// struct can hold; the first that does not is a located error naming
/// the file, `item` (e.g. "item 2", empty for the whole file) and the
/// field, marked "cannot tell". `v` is not read when this is false.
pub(super) fn check(
    src: &Source,
    schema: &Schema,
    item: &str,
    v: &Value,
    diags: &mut Diags,
) -> bool {
    let Some((at, found, field)) = schema.fields.iter().find_map(|fd| {
        let mut bad = None;
        walk(v, fd.path, String::new(), &mut |at, x| {
            if bad.is_none() && !holds(fd, x) {
                bad = Some((at, what_is(x)));
            }
        });
        bad.map(|(at, found)| (at, found, fd))
    }) else {
        return true;
    };
    let place = if item.is_empty() {
        String::new()
    } else {
        format!("{item}'s ")
    };
    // The name as listed in the folder (a node file's is untrusted).
    let file = std::path::Path::new(&src.name)
        .file_name()
        .map_or_else(|| schema.file.into(), |f| f.to_string_lossy());
    let file = crate::escape::one_line(&file);
    diags.push(
        Diag::error(
            super::shape::SHAPE,
            format!(
                "cannot tell {}: {file} holds {place}{at} as {found}, and Nomad's API answers it as {}",
                schema.unknown,
                wanted(field)
            ),
        )
        .in_source(src)
        .help(format!(
            "save it with `nomad operator api '{}'`; a field of the wrong type is not read as absent or as Nomad's default",
            schema.endpoint
        ))
        .as_cannot_tell(),
    );
    false
}

/// [`check`] on every item of a saved list, each named by its position;
/// true when all hold Nomad's types (every mistyped item is reported).
pub(super) fn items(src: &Source, schema: &Schema, list: &[Value], diags: &mut Diags) -> bool {
    let mut all = true;
    for (n, v) in list.iter().enumerate() {
        all &= check(src, schema, &format!("item {}", n + 1), v, diags);
    }
    all
}

/// Calls `seen` with every value at `path` under `v` (and the path with
/// list positions filled in). A step that is missing, null or of another
/// type ends the walk: that step's own field reports it.
fn walk(v: &Value, path: &str, at: String, seen: &mut dyn FnMut(String, &Value)) {
    let (step, rest) = match path.split_once('.') {
        Some((s, r)) => (s, Some(r)),
        None => (path, None),
    };
    let (key, each) = match step.strip_suffix("[]") {
        Some(k) => (k, true),
        None => (step, false),
    };
    let Some(x) = v.get(key) else { return };
    let here = if at.is_empty() {
        key.to_string()
    } else {
        format!("{at}.{key}")
    };
    let mut visit = |x: &Value, here: String| match rest {
        None => seen(here, x),
        Some(rest) => walk(x, rest, here, seen),
    };
    if each {
        for (n, item) in x.as_array().into_iter().flatten().enumerate() {
            visit(item, format!("{here}[{n}]"));
        }
    } else {
        visit(x, here);
    }
}

fn holds(fd: &Field, x: &Value) -> bool {
    match (fd.kind, x) {
        (_, Value::Null) => fd.nullable,
        (Int, Value::Number(n)) => n.is_i64() || n.is_u64(),
        (Bool, Value::Bool(_)) | (Str, Value::String(_)) => true,
        (List, Value::Array(_)) | (Object, Value::Object(_)) => true,
        _ => false,
    }
}

fn wanted(fd: &Field) -> String {
    let kind = match fd.kind {
        Int => "a whole number",
        Bool => "true or false",
        Str => "a string",
        List => "a list",
        Object => "an object",
    };
    if fd.nullable {
        format!("{kind} or null")
    } else {
        kind.to_string()
    }
}

/// What `x` is, in words (never its content: the file is untrusted).
fn what_is(x: &Value) -> &'static str {
    match x {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a number with a fraction",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn src() -> Source {
        crate::source::SourceFile::new(crate::source::Origin::Inline("x".into()), "quotas.json", "")
    }

    fn errors(schema: &Schema, v: Value) -> Vec<String> {
        let mut d = Diags::new();
        let ok = check(&src(), schema, "item 1", &v, &mut d);
        assert_eq!(ok, d.is_empty(), "{v}");
        assert!(d
            .iter()
            .all(|x| x.cannot_tell && x.code == super::super::shape::SHAPE));
        d.iter().map(|x| x.message.clone()).collect()
    }

    #[test]
    fn the_types_nomad_answers_pass_and_null_only_where_go_has_nil() {
        let ok = json!({"Name": "q", "Limits": [{"Region": "global",
            "RegionLimit": {"CPU": 50, "MemoryMB": null, "Devices": null, "Networks": []}}]});
        assert!(errors(&QUOTA, ok).is_empty());
        assert!(errors(&QUOTA, json!({"Name": "q", "Limits": null})).is_empty());
        let ns = json!({"Name": "a", "Quota": "", "Capabilities": null});
        assert!(errors(&NAMESPACE, ns).is_empty());
        let sched = json!({"SchedulerAlgorithm": "binpack", "PreemptionConfig": {
            "SystemSchedulerEnabled": true, "BatchSchedulerEnabled": false}});
        assert!(errors(&SCHEDULER, sched).is_empty());
    }

    #[test]
    fn a_field_of_a_type_the_go_struct_cannot_hold_is_named() {
        let q = json!({"Limits": [{"Region": "global", "RegionLimit": {"CPU": "50"}}]});
        let e = errors(&QUOTA, q);
        assert!(
            e[0].contains("item 1's Limits[0].RegionLimit.CPU as a string"),
            "{e:?}"
        );
        let e = errors(
            &QUOTA,
            json!({"Limits": [{"RegionLimit": {"MemoryMB": 1.5}}]}),
        );
        assert!(e[0].contains("a number with a fraction"), "{e:?}");
        let ns = json!({"Capabilities": {"DisabledTaskDrivers": "docker"}});
        assert!(errors(&NAMESPACE, ns)[0].contains("Capabilities.DisabledTaskDrivers as a string"));
        let ns = json!({"Capabilities": {"EnabledTaskDrivers": ["docker", 1]}});
        assert!(errors(&NAMESPACE, ns)[0].contains("EnabledTaskDrivers[1] as a number"));
        for bad in [json!("false"), json!(null), json!(0)] {
            let s = json!({"PreemptionConfig": {"SystemSchedulerEnabled": bad}});
            let e = errors(&SCHEDULER, s);
            assert!(
                e[0].contains("PreemptionConfig.SystemSchedulerEnabled"),
                "{e:?}"
            );
            assert!(e[0].contains("answers it as true or false"), "{e:?}");
        }
        let n = json!({"NodeResources": {"Cpu": {"CpuShares": "4000"}}});
        assert!(errors(&NODE, n)[0].contains("NodeResources.Cpu.CpuShares as a string"));
        assert!(!errors(&NODE, json!({"NodeResources": {"Cpu": null}})).is_empty());
    }
}
