//! The JSON type of each field the import reads, checked before it is
//! read: one table per Nomad struct (typed_specs.rs: quotas, namespaces,
//! the scheduler configuration; typed_node.rs: nodes and node pools;
//! typed_alloc.rs: allocations; typed_job.rs: jobs; typed_agent.rs:
//! agent-self.json). A field of another type read as absent, Go's zero
//! value or Nomad's default (`"CPU": "50"` as no limit, an allocation's
//! `"ClientStatus": 1` as pending, `"Count": null` as 0) is a confident
//! answer from a file Nomad's API could not have answered, since Nomad's
//! struct cannot hold that type. So a field present with a type its Go
//! struct cannot hold is an `import::shape` error naming the file and the
//! field, marked "cannot tell"; the file (or node, or allocation list) is
//! not read. `null` stays "unset" only where Nomad's field is a pointer,
//! a slice or a map (Go's nil); a plain bool, number or string, or a
//! struct held by value, is never null in what Nomad answers. A field the
//! tables leave out is still never read as zero: api_json's accessors
//! record it, and the import is "cannot tell" all the same.
//!
//! What Nomad's HTTP API answers is its `nomad/structs` types encoded
//! (the `api` package's are the client's decoding of them); the tables
//! cite whichever names the field, at v2.0.5 unless said.

use serde_json::Value;

use crate::diag::{Diag, Diags};
use crate::source::Source;

/// The JSON type a Go field decodes from.
#[derive(Clone, Copy)]
pub(super) enum Ty {
    /// Any Go integer: a JSON number without a fraction.
    Int,
    /// A Go unsigned integer (`uint64` indexes): a whole number from 0.
    Uint,
    /// A Go float: any JSON number.
    Num,
    Bool,
    Str,
    /// A Go string Nomad holds only one of these values in: its server
    /// refuses any other where the field is written (a node's `Status`,
    /// `ValidNodeStatus`). Another value is not from Nomad's API, so it is
    /// reported as a mistyped field is, with the value quoted (escaped,
    /// cut short), never read as one of them.
    OneOf(&'static [&'static str]),
    /// Whatever JSON (an opaque `map[string]interface{}`, a driver config).
    Any,
    /// A Go slice of the given type.
    List(&'static Ty),
    /// A Go map from strings to the given type.
    Map(&'static Ty),
    /// A Go struct: its fields (keys the table does not list are not
    /// judged here; a reader reading them is judged by api_json).
    Struct(&'static [Field]),
}

/// One field of a Go struct: its JSON key, its type, and whether Nomad's
/// field can be nil (a pointer, slice or map), so that `null` reads as
/// unset.
#[derive(Clone, Copy)]
pub(super) struct Field {
    pub name: &'static str,
    pub ty: Ty,
    pub nullable: bool,
}

/// A field of a plain type or a struct held by value: never null.
pub(super) const fn f(name: &'static str, ty: Ty) -> Field {
    Field {
        name,
        ty,
        nullable: false,
    }
}

/// A field Go can leave nil (pointer, slice, map): null is unset.
pub(super) const fn n(name: &'static str, ty: Ty) -> Field {
    Field {
        name,
        ty,
        nullable: true,
    }
}

/// What one kind of saved object is checked against, and in whose words.
pub(super) struct Schema {
    pub file: &'static str,
    /// What cannot be told when a field is mistyped.
    pub unknown: &'static str,
    pub endpoint: &'static str,
    /// The object's own struct.
    pub ty: Ty,
}

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
    let Some(bad) = first_bad(v, &schema.ty, false, "") else {
        return true;
    };
    let place = if item.is_empty() {
        String::new()
    } else {
        format!("{item}'s ")
    };
    // The name as listed in the folder (a node or job file's is untrusted).
    let file = std::path::Path::new(&src.name)
        .file_name()
        .map_or_else(|| schema.file.into(), |f| f.to_string_lossy());
    let file = crate::escape::one_line(&file);
    diags.push(
        Diag::error(
            super::shape::SHAPE,
            format!(
                "cannot tell {}: {file} holds {place}{} as {}, and Nomad's API answers it as {}",
                schema.unknown, bad.at, bad.found, bad.wanted
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

/// A field found holding a type its struct cannot hold.
struct Bad {
    /// Its path from the checked object (`Tasks[0].Resources.CPU`, map
    /// keys escaped: `Tasks.web.Memory`).
    at: String,
    found: String,
    wanted: String,
}

/// The first value under `v` (at path `at`) that `ty` cannot hold;
/// `nullable`: whether Go could hold null there (said in the message).
fn first_bad(v: &Value, ty: &Ty, nullable: bool, at: &str) -> Option<Bad> {
    let bad = || {
        Some(Bad {
            at: at.to_string(),
            found: what_is(v).to_string(),
            wanted: wanted(ty, nullable),
        })
    };
    let join = |key: &str| {
        let key = crate::escape::one_line(key);
        if at.is_empty() {
            key.to_string()
        } else {
            format!("{at}.{key}")
        }
    };
    match (ty, v) {
        (Ty::Any, _) => None,
        (Ty::Int, Value::Number(x)) if x.is_i64() || x.is_u64() => None,
        (Ty::Uint, Value::Number(x)) if x.is_u64() => None,
        (Ty::Num, Value::Number(_)) => None,
        (Ty::Bool, Value::Bool(_)) | (Ty::Str, Value::String(_)) => None,
        (Ty::OneOf(known), Value::String(x)) if known.contains(&x.as_str()) => None,
        (Ty::OneOf(known), Value::String(x)) => Some(Bad {
            at: at.to_string(),
            found: format!("the string {}", quoted(x)),
            wanted: format!(
                "one of {}",
                known
                    .iter()
                    .map(|k| quoted(k))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }),
        (Ty::List(item), Value::Array(list)) => list
            .iter()
            .enumerate()
            .find_map(|(k, x)| element(x, item, &format!("{at}[{k}]"))),
        (Ty::Map(item), Value::Object(map)) => {
            map.iter().find_map(|(k, x)| element(x, item, &join(k)))
        }
        (Ty::Struct(fields), Value::Object(map)) => fields.iter().find_map(|fd| {
            let x = map.get(fd.name)?;
            if x.is_null() && fd.nullable {
                return None;
            }
            first_bad(x, &fd.ty, fd.nullable, &join(fd.name))
        }),
        _ => bad(),
    }
}

/// An item of a list or map: `null` is a nil pointer where the item is
/// one (a struct or a collection, as Nomad's lists of `*T` are); a plain
/// value is never null.
fn element(x: &Value, ty: &Ty, at: &str) -> Option<Bad> {
    let nil = matches!(ty, Ty::Struct(_) | Ty::List(_) | Ty::Map(_) | Ty::Any);
    if x.is_null() && nil {
        return None;
    }
    first_bad(x, ty, nil, at)
}

/// The type in words, "or null" where Go can hold nil.
fn wanted(ty: &Ty, nullable: bool) -> String {
    let kind = match ty {
        Ty::Int => "a whole number",
        Ty::Uint => "a whole number from 0",
        Ty::Num => "a number",
        Ty::Bool => "true or false",
        Ty::Str | Ty::OneOf(_) => "a string",
        Ty::Any => "any value",
        Ty::List(_) => "a list",
        Ty::Map(_) | Ty::Struct(_) => "an object",
    };
    if nullable {
        format!("{kind} or null")
    } else {
        kind.to_string()
    }
}

/// What `x` is, in words (never its content: the file is untrusted).
fn what_is(x: &Value) -> &'static str {
    crate::world::api_json::what_is(x)
}

/// Longest value quoted back from an untrusted file, in characters.
const QUOTED_MAX: usize = 40;

/// `x` as Go's `%q` writes it, control characters escaped, cut after
/// [`QUOTED_MAX`] characters (`...` after the quote says so).
fn quoted(x: &str) -> String {
    let cut: String = x.chars().take(QUOTED_MAX).collect();
    let q = crate::escape::one_line(&crate::gotext::go_quote(&cut));
    if cut.len() < x.len() {
        format!("{q}...")
    } else {
        q
    }
}

#[cfg(test)]
mod tests {
    use super::super::typed_alloc::ALLOCATION;
    use super::super::typed_job::JOB;
    use super::super::typed_node::{NODE, NODE_POOL};
    use super::super::typed_specs::{NAMESPACE, QUOTA, SCHEDULER};
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

    #[test]
    fn one_table_per_struct_reaches_maps_lists_and_embedded_jobs() {
        let alloc = json!({"ClientStatus": "running", "AllocatedResources": {
            "Tasks": {"web": {"Cpu": {"CpuShares": 100}, "Memory": {"MemoryMB": "256"}}}}});
        let e = errors(&ALLOCATION, alloc);
        assert!(
            e[0].contains("AllocatedResources.Tasks.web.Memory.MemoryMB as a string"),
            "{e:?}"
        );
        let e = errors(&ALLOCATION, json!({"ClientStatus": 1}));
        assert!(e[0].contains("ClientStatus as a number"), "{e:?}");
        let e = errors(
            &ALLOCATION,
            json!({"Job": {"TaskGroups": [{"Count": null}]}}),
        );
        assert!(
            e[0].contains(
                "Job.TaskGroups[0].Count as null, and Nomad's API answers it as a whole number"
            ),
            "{e:?}"
        );
        // A nil pointer in a list of pointers, a nil map, a figure the
        // server's release may lack: unset.
        let ok = json!({"TaskGroups": [null, {"Count": 1, "Meta": null, "Tasks": [
            {"Resources": {"CPU": 100, "MemoryMB": 64, "SecretsMB": null}}]}]});
        assert!(errors(&JOB, ok).is_empty());
        let e = errors(&JOB, json!({"Datacenters": ["dc1", null]}));
        assert!(e[0].contains("Datacenters[1] as null"), "{e:?}");
        let e = errors(&JOB, json!({"Priority": 50.5}));
        assert!(
            e[0].contains("Priority as a number with a fraction"),
            "{e:?}"
        );
        let e = errors(&JOB, json!({"Version": -1}));
        assert!(e[0].contains("a whole number from 0"), "{e:?}");
        let dev = json!({"NodeResources": {"Cpu": {"CpuShares": 1}, "Memory": {"MemoryMB": 1},
            "Disk": {"DiskMB": 1}, "Devices": [{"Vendor": "nvidia", "Instances": [{"ID": "a", "Healthy": "true"}]}]}});
        let e = errors(&NODE, dev);
        assert!(
            e[0].contains("NodeResources.Devices[0].Instances[0].Healthy as a string"),
            "{e:?}"
        );
        let hv = json!({"HostVolumes": {"data\u{7}": {"Path": 5}}});
        assert!(errors(&NODE, hv)[0].contains("HostVolumes.data"));
        let pool = json!({"Name": "gpu", "SchedulerConfiguration": {"MemoryOversubscriptionEnabled": "yes"}});
        assert!(errors(&NODE_POOL, pool)[0]
            .contains("SchedulerConfiguration.MemoryOversubscriptionEnabled"));
    }

    #[test]
    fn a_map_key_is_escaped_in_the_path() {
        let alloc = json!({"TaskStates": {"a\nb": {"Failed": "no"}}});
        let e = errors(&ALLOCATION, alloc);
        assert!(!e[0].contains('\n'), "{e:?}");
        assert!(e[0].contains("TaskStates.a"), "{e:?}");
    }

    /// R25c-2: a node `Status` or `SchedulingEligibility` Nomad's server
    /// never holds is refused, quoted escaped; an empty eligibility is a
    /// pre-0.8 node's, which Nomad reads as eligible.
    #[test]
    fn a_node_state_nomad_never_holds_is_named() {
        for (field, value) in [
            ("Status", "unready"),
            ("Status", ""),
            ("Status", "Ready"),
            ("SchedulingEligibility", "Ineligible"),
            ("SchedulingEligibility", "draining"),
        ] {
            let e = errors(&NODE, json!({ field: value }));
            assert_eq!(e.len(), 1, "{field}={value}");
            assert!(
                e[0].contains(&format!("{field} as the string \"{value}\"")),
                "{e:?}"
            );
        }
        let e = errors(&NODE, json!({"Status": "x\u{1b}[31m"}));
        assert!(!e[0].contains('\u{1b}'), "{e:?}");
        let long = "r".repeat(10_000);
        let e = errors(&NODE, json!({ "Status": long }));
        assert!(e[0].len() < 600, "{}", e[0].len());
        for st in ["initializing", "ready", "down", "disconnected"] {
            assert!(errors(&NODE, json!({ "Status": st })).is_empty());
        }
        for el in ["", "eligible", "ineligible"] {
            assert!(errors(&NODE, json!({ "SchedulingEligibility": el })).is_empty());
        }
    }
}
