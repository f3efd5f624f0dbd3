//! `device "VENDOR/TYPE/NAME" { ... }` inside a `client` block of
//! `rules/cluster.hcl`: the devices every client of the pool fingerprints,
//! as `nomad node status -verbose` lists them.
//!
//! ```hcl
//! device "nvidia/gpu/1080ti" {
//!   count      = 2                       # healthy instances
//!   unhealthy  = 1                       # more instances, unhealthy
//!   attributes = { memory = "11 GiB", cuda_cores = "3584", ecc = null }
//! }
//! ```
//! Attribute values are read as Nomad's device plugins report them
//! (`ParseAttribute`: a number with an optional unit, a bool, or a string);
//! `null` is an attribute reported with no value, which is set but
//! compares with nothing ([`crate::structs::attribute::AttrValue::Unset`]).
//! Instances are named `NAME-0`, `NAME-1`, ... unless `instance_ids` lists
//! them (then `count` and `unhealthy` default to the list's split).

use crate::world::api_json::Fields as _;
use hcl_edit::structure::Block;

use super::hclread::{one_label, BodyReader, Schema};
use crate::diag::{Diag, Diags};
use crate::source::Source;
use crate::structs::attribute::Attribute;
use crate::structs::device::{DeviceId, DeviceInstance, NodeDevice};

/// Most instances one device block may declare (every one is tracked per node).
const MAX_INSTANCES: i64 = 1024;

pub(super) fn read_device(src: &Source, b: &Block, diags: &mut Diags) -> Option<NodeDevice> {
    let example = "device \"nvidia/gpu/1080ti\" { count = 2 }";
    let (label, label_span) = one_label(src, b, example).map_err(|d| diags.push(d)).ok()?;
    let parts: Vec<&str> = label.split('/').collect();
    let [vendor, device_type, name] = parts.as_slice() else {
        diags.push(
            Diag::error(
                "world::bad-value",
                format!("device `{label}` must be named VENDOR/TYPE/NAME"),
            )
            .at(src, label_span, "not vendor/type/name")
            .help(format!("a node's device has all three parts: `{example}`")),
        );
        return None;
    };
    if parts.iter().any(|p| p.is_empty()) {
        diags.push(
            Diag::error(
                "world::bad-value",
                format!("device `{label}` has an empty part"),
            )
            .at(src, label_span, "empty vendor, type or name"),
        );
        return None;
    }
    const S: Schema = Schema {
        attrs: &["count", "unhealthy", "instance_ids", "attributes"],
        blocks: &[],
    };
    let r = BodyReader::new(src, &b.body, &S, "device", diags);
    let ids: Vec<String> = r
        .strings("instance_ids", diags)
        .unwrap_or_default()
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    let bounded = |key: &str, default: i64, diags: &mut Diags| -> i64 {
        let v = r.int(key, diags).unwrap_or(default);
        if (0..=MAX_INSTANCES).contains(&v) {
            return v;
        }
        diags.push(
            Diag::error(
                "world::bad-value",
                format!("device `{key}` must be between 0 and {MAX_INSTANCES}"),
            )
            .at(src, r.attr_span(key).unwrap_or(label_span), "out of range"),
        );
        0
    };
    let listed = i64::try_from(ids.len()).unwrap_or(i64::MAX);
    let healthy = bounded("count", listed.max(1), diags);
    let unhealthy = bounded("unhealthy", (listed - healthy).max(0), diags);
    let total = healthy + unhealthy;
    if !ids.is_empty() && listed != total {
        diags.push(
            Diag::error(
                "world::bad-value",
                format!(
                    "device `{label}` lists {listed} instance_ids for {total} instances (count + unhealthy)"
                ),
            )
            .at(
                src,
                r.attr_span("instance_ids").unwrap_or(label_span),
                "one ID per instance",
            ),
        );
        return None;
    }
    let instances = (0..total)
        .map(|k| DeviceInstance {
            id: usize::try_from(k)
                .ok()
                .and_then(|k| ids.get(k).cloned())
                .unwrap_or_else(|| format!("{name}-{k}")),
            healthy: k < healthy,
        })
        .collect();
    // `null`: an attribute the plugin reports with no value (AttrValue::Unset).
    let attributes = r
        .nullable_string_map("attributes", diags)
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k, v.map_or_else(Attribute::unset, |v| Attribute::parse(&v))))
        .collect();
    Some(NodeDevice {
        id: DeviceId {
            vendor: vendor.to_string(),
            device_type: device_type.to_string(),
            name: name.to_string(),
        },
        instances,
        attributes,
    })
}

/// A device attribute's API form (plugins/shared/structs/attribute.go
/// v2.0.5 Attribute: one of `Int *int64`, `Float *float64`, `String
/// *string`, `Bool *bool` set, and `Unit string`): `{"Int": 11, "Unit":
/// "GiB"}`. Read through api_json's accessors, so `{"Int": "11"}` is
/// recorded as mistyped (the import is "cannot tell"; typed_node.rs's
/// table names it first), never dropped: a device read without the
/// attribute passes an `is_not_set` or `!=` constraint Nomad fails.
fn attribute_from_api(v: &serde_json::Value) -> Option<Attribute> {
    use super::api_json::{opt_b, opt_s, typed, INT};
    use crate::structs::attribute::AttrValue;
    if v.is_null() {
        // A nil `*Attribute` on the server, not one with no value set.
        return Some(Attribute {
            value: AttrValue::Nil,
            unit: String::new(),
        });
    }
    let unit = opt_s(v, "Unit").unwrap_or_default().to_string();
    let int = typed(v.get("Int"), "Int", INT, serde_json::Value::as_i64);
    let float = typed(
        v.get("Float"),
        "Float",
        "a number",
        serde_json::Value::as_f64,
    );
    let value = if let Some(i) = int {
        AttrValue::Int(i)
    } else if let Some(f) = float {
        AttrValue::Float(f)
    } else if let Some(s) = opt_s(v, "String") {
        AttrValue::Str(s.to_string())
    } else if let Some(b) = opt_b(v, "Bool") {
        AttrValue::Bool(b)
    } else if ["Int", "Float", "String", "Bool"]
        .iter()
        .any(|k| v.get(*k).is_some_and(|x| !x.is_null()))
    {
        // A value of the wrong type, recorded above: the import cannot tell.
        return None;
    } else {
        // Set with no value: found by a constraint, equal to nothing.
        AttrValue::Unset
    };
    Some(Attribute { value, unit })
}

/// `NodeResources.Devices` of a node as the API returns it.
pub(super) fn devices_from_api(node: &serde_json::Value) -> Vec<NodeDevice> {
    use super::api_json::{b, s};
    let list = super::api_json::path_list(node, &["NodeResources", "Devices"]);
    super::api_json::objects(list, "Devices")
        .into_iter()
        .map(|d| NodeDevice {
            id: DeviceId {
                vendor: s(d, "Vendor"),
                device_type: s(d, "Type"),
                name: s(d, "Name"),
            },
            instances: super::api_json::objects(super::api_json::list(d, "Instances"), "Instances")
                .into_iter()
                .map(|i| DeviceInstance {
                    id: s(i, "ID"),
                    healthy: b(i, "Healthy"),
                })
                .collect(),
            attributes: d
                .typed_object("Attributes")
                .into_iter()
                .flatten()
                .filter_map(|(k, v)| Some((k.clone(), attribute_from_api(v)?)))
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::api_json::Strict;
    use super::attribute_from_api;
    use crate::structs::attribute::AttrValue;
    use serde_json::json;

    #[test]
    fn an_attributes_api_form_is_read_and_a_mistyped_one_recorded() {
        let strict = Strict::begin();
        let a = attribute_from_api(&json!({"Int": 11, "Unit": "GiB", "String": null}));
        assert_eq!(a.map(|a| a.to_string()).as_deref(), Some("11GiB"));
        // No value set: kept, as Nomad keeps it (is_set holds).
        assert_eq!(
            attribute_from_api(&json!({"Unit": "MiB", "Int": null})).map(|a| a.value),
            Some(AttrValue::Unset)
        );
        assert!(strict.end().is_empty());
        // Never dropped in silence: the import that met it cannot tell.
        let strict = Strict::begin();
        assert!(attribute_from_api(&json!({"Int": "11", "Unit": "GiB"})).is_none());
        assert_eq!(strict.end().len(), 1);
    }
}
