//! The shape of the saved responses whose every key has a default: a file
//! that is valid JSON but not what Nomad's endpoint answers (`{}`, `true`,
//! `[1]`, one namespace where the list belongs, `{"Index": 5}`) would
//! otherwise read as "none" or as Nomad's defaults, a confident all-clear
//! from a file that was not saved from the cluster. Each is a located
//! `import::shape` error marked "cannot tell", as a file nesting too deep
//! is (json.rs): never read as an empty list or a default configuration.

use serde_json::Value;

use crate::diag::{Diag, Diags};
use crate::source::Source;

/// The code of every error here.
pub const SHAPE: &str = "import::shape";

/// A saved list of named objects: `/v1/namespaces`, `/v1/quotas`,
/// `/v1/node/pools` each answer a JSON list whose every item names itself
/// (Nomad refuses an object without a name: a namespace, quota or node
/// pool is keyed by it in the state store). `None` (and the error) when
/// `v` is anything else; `one` names what a single object of the kind is
/// saved by, as users save `nomad namespace inspect` in its place.
pub(super) fn named_list<'v>(
    src: &Source,
    v: &'v Value,
    kind: &NamedList,
    diags: &mut Diags,
) -> Option<&'v [Value]> {
    let held = match v {
        Value::Array(list) => match list.iter().position(|x| !is_named(x)) {
            None => return Some(list),
            Some(at) => format!(
                "a list whose item {} is {}, not a {}",
                at + 1,
                what_is(&list[at]),
                kind.item
            ),
        },
        Value::Object(_) if is_named(v) => {
            format!("one {}, as {} saves it, not the list", kind.item, kind.one)
        }
        other => what_is(other),
    };
    diags.push(
        Diag::error(
            SHAPE,
            format!(
                "cannot tell {}: {} must hold the list of every {} that `{}` answers, and holds {held}",
                kind.unknown, kind.file, kind.item, kind.endpoint
            ),
        )
        .in_source(src)
        .help(format!(
            "save it with `nomad operator api {}`; it is not read as empty",
            kind.endpoint
        ))
        .as_cannot_tell(),
    );
    None
}

/// One saved list of named objects, in the words its error uses.
pub(super) struct NamedList {
    pub file: &'static str,
    pub endpoint: &'static str,
    pub item: &'static str,
    /// What a single item is saved by.
    pub one: &'static str,
    /// What cannot be told when the file is not the list.
    pub unknown: &'static str,
}

pub(super) const NAMESPACES: NamedList = NamedList {
    file: "namespaces.json",
    endpoint: "/v1/namespaces",
    item: "namespace",
    one: "`nomad namespace inspect` or `/v1/namespace/NAME`",
    unknown: "which namespaces exist, nor their quotas and allowed drivers",
};

pub(super) const QUOTAS: NamedList = NamedList {
    file: "quotas.json",
    endpoint: "/v1/quotas",
    item: "quota specification",
    one: "`/v1/quota/NAME`",
    unknown: "which quotas exist, nor what they limit",
};

pub(super) const NODE_POOLS: NamedList = NamedList {
    file: "node-pools.json",
    endpoint: "/v1/node/pools",
    item: "node pool",
    one: "`nomad node pool info` or `/v1/node/pool/NAME`",
    unknown: "whether a node pool sets its own scheduler configuration",
};

/// An object with a non-empty string `Name`.
fn is_named(v: &Value) -> bool {
    v.get("Name")
        .and_then(Value::as_str)
        .is_some_and(|n| !n.is_empty())
}

/// What `v` is, in words (never its content: the file is untrusted).
fn what_is(v: &Value) -> String {
    match v {
        Value::Null => "null".to_string(),
        Value::Bool(_) => "a boolean".to_string(),
        Value::Number(_) => "a number".to_string(),
        Value::String(_) => "a string".to_string(),
        Value::Array(_) => "a list".to_string(),
        Value::Object(o) if o.is_empty() => "an empty object".to_string(),
        Value::Object(o) if o.contains_key("Name") => "an object whose Name is no name".to_string(),
        Value::Object(_) => "an object without a Name".to_string(),
    }
}

/// The scheduler configuration `/v1/operator/scheduler/configuration`
/// answers (its `SchedulerConfig`), or that object alone as
/// `nomad operator scheduler get-config -json` prints it. Nomad always
/// answers a whole configuration (nomad/operator_endpoint.go v2.0.5
/// SchedulerGetConfiguration: "scheduler config not initialized yet" is
/// an error, never an empty reply), and `PreemptionConfig` is a struct,
/// not a pointer, in every release that has the endpoint
/// (nomad/structs/operator.go v0.9.0, v2.0.5 SchedulerConfiguration): a
/// file without it was not saved from Nomad. An algorithm other than
/// Nomad's two is refused too, where it read as binpack.
pub(super) fn scheduler_config<'v>(
    src: &Source,
    v: &'v Value,
    diags: &mut Diags,
) -> Option<&'v Value> {
    let cfg = match v.get("SchedulerConfig") {
        Some(c) => c,
        None => v,
    };
    let held = if !cfg.get("PreemptionConfig").is_some_and(Value::is_object) {
        match v {
            Value::Object(_) if v.get("SchedulerConfig").is_some() => {
                format!("a SchedulerConfig that is {}", config_is(cfg))
            }
            Value::Object(o) if o.is_empty() => "an empty object".to_string(),
            Value::Object(_) => {
                "an object with neither SchedulerConfig nor PreemptionConfig".to_string()
            }
            other => what_is(other),
        }
    } else {
        match cfg.get("SchedulerAlgorithm") {
            None => return Some(cfg),
            Some(Value::String(a)) if matches!(a.as_str(), "" | "binpack" | "spread") => {
                return Some(cfg)
            }
            Some(_) => "a SchedulerAlgorithm other than \"binpack\" or \"spread\"".to_string(),
        }
    };
    diags.push(
        Diag::error(
            SHAPE,
            format!(
                "cannot tell the scheduler configuration (algorithm, preemption): scheduler.json must hold what `/v1/operator/scheduler/configuration` answers, and holds {held}"
            ),
        )
        .in_source(src)
        .help("save it with `nomad operator api /v1/operator/scheduler/configuration`; it is not read as Nomad's defaults")
        .as_cannot_tell(),
    );
    None
}

/// What a `SchedulerConfig` without `PreemptionConfig` is.
fn config_is(cfg: &Value) -> String {
    match cfg {
        Value::Object(_) => "an object without PreemptionConfig".to_string(),
        other => what_is(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn src() -> Source {
        crate::source::SourceFile::new(crate::source::Origin::Inline("x".into()), "x.json", "")
    }

    #[test]
    fn a_list_of_named_objects_is_read_and_anything_else_refused() {
        let mut d = Diags::new();
        let ok = json!([{"Name": "default"}, {"Name": "prod"}]);
        assert_eq!(
            named_list(&src(), &ok, &NAMESPACES, &mut d).map(<[_]>::len),
            Some(2)
        );
        let empty = json!([]);
        assert_eq!(
            named_list(&src(), &empty, &NAMESPACES, &mut d).map(<[_]>::len),
            Some(0)
        );
        assert!(d.is_empty());
        for bad in [
            json!({}),
            json!(null),
            json!(true),
            json!([1]),
            json!([{}]),
            json!([{"Name": ""}]),
            json!({"Name": "default"}),
        ] {
            let mut d = Diags::new();
            assert!(
                named_list(&src(), &bad, &NAMESPACES, &mut d).is_none(),
                "{bad}"
            );
            assert_eq!(d.len(), 1, "{bad}");
            assert!(d.iter().all(|x| x.cannot_tell && x.code == SHAPE));
        }
        let mut d = Diags::new();
        named_list(&src(), &json!({"Name": "default"}), &NAMESPACES, &mut d);
        assert!(d.iter().any(|x| x
            .message
            .contains("one namespace, as `nomad namespace inspect`")));
    }

    #[test]
    fn a_scheduler_configuration_needs_its_preemption_settings() {
        for ok in [
            json!({"SchedulerConfig": {"PreemptionConfig": {"SystemSchedulerEnabled": true}}, "Index": 5}),
            json!({"SchedulerAlgorithm": "spread", "PreemptionConfig": {}}),
        ] {
            let mut d = Diags::new();
            assert!(scheduler_config(&src(), &ok, &mut d).is_some(), "{ok}");
            assert!(d.is_empty());
        }
        for bad in [
            json!({}),
            json!(true),
            json!([1]),
            json!({"Index": 5}),
            json!({"SchedulerConfig": null}),
            json!({"SchedulerConfig": {}}),
            json!({"SchedulerConfig": {"SchedulerAlgorithm": "spreed", "PreemptionConfig": {}}}),
        ] {
            let mut d = Diags::new();
            assert!(scheduler_config(&src(), &bad, &mut d).is_none(), "{bad}");
            assert!(d.iter().all(|x| x.cannot_tell && x.code == SHAPE), "{bad}");
        }
    }
}
