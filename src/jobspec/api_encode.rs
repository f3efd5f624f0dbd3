//! A job the CLI cannot send: an infinity in a `map[string]any` field.
//!
//! jobspec2 decodes a task's `config` block (and every other
//! `map[string]any` of the api.Job: a sidecar task's `config`, a proxy's,
//! an upstream's and a gateway proxy's `config`, a `scaling` block's
//! `policy`, a `secret`'s `config`) by evaluating each attribute and
//! turning the cty value into Go (jobspec2/parse_map.go
//! `interfaceFromCtyValue`, v1.0.0 to v2.0.5): `cty.PositiveInfinity` and
//! `NegativeInfinity` become `math.Inf(±1)`. `1/0` and YAML's `.inf` are
//! such numbers. Every other number field is decoded into a Go int or
//! string, which an infinity never reaches.
//!
//! The CLI's API client then JSON-encodes the request (api/api.go
//! `encodeBody`, `json.NewEncoder(buf).Encode`), and Go's encoder refuses a
//! float that is not finite: `json: unsupported value: +Inf`
//! (encoding/json `floatEncoder`, `strconv.FormatFloat(f, 'g', -1, 64)`).
//! No server sees the job: `nomad job plan` prints `Error during plan:
//! json: unsupported value: +Inf` and exits 255, `nomad job run` fails
//! alike, and `nomad job validate`, whose Validate request fails the same
//! way, validates the job locally (command/job_validate.go:141-143).
//!
//! meta and env values are strings (`+Inf`), never such a float.

use super::model::{ConsulConnect, Service, Task, TaskGroup, Value};
use super::Job;
use std::collections::BTreeMap;

/// Go's encoder error for the first infinity of `job`'s request, in the
/// order encoding/json walks the api.Job (struct fields in declaration
/// order, map keys sorted, list items in order); `None` when the request
/// encodes.
pub fn unsent(job: &Job) -> Option<String> {
    let inf = job.groups.iter().find_map(group)?;
    let text = if inf > 0.0 { "+Inf" } else { "-Inf" };
    Some(format!("json: unsupported value: {text}"))
}

/// Where `check` points for [`unsent`]'s infinity: the `config` of the
/// task that holds it (or the task, or its group, for a service's or a
/// scaling block's), else the job.
pub fn unsent_span(job: &Job) -> Option<crate::source::Span> {
    for g in &job.groups {
        for t in &g.tasks {
            if task(t).is_some() {
                return t.spans.get("config").or(t.spans.label).or(g.spans.label);
            }
        }
        if group(g).is_some() {
            return g.spans.label.or(g.spans.block);
        }
    }
    job.spans.label.or(job.spans.block)
}

/// api.TaskGroup: `Tasks` before `Services` before `Scaling`.
fn group(g: &TaskGroup) -> Option<f64> {
    g.tasks
        .iter()
        .find_map(task)
        .or_else(|| g.services.iter().find_map(service))
        .or_else(|| {
            g.scaling
                .as_ref()
                .and_then(|s| s.policy.as_ref())
                .and_then(value)
        })
}

/// api.Task: `Config`, then `Services`, `ScalingPolicies`, `Secrets`.
fn task(t: &Task) -> Option<f64> {
    map(&t.config)
        .or_else(|| t.services.iter().find_map(service))
        .or_else(|| {
            t.scaling
                .iter()
                .find_map(|s| s.policy.as_ref().and_then(value))
        })
        .or_else(|| t.secrets.iter().find_map(|s| map(&s.config)))
}

/// api.Service's `Connect`: `Gateway`, `SidecarService`, `SidecarTask`
/// (ConsulConnect's field order; a proxy's `Upstreams` before its
/// `Config`).
fn service(s: &Service) -> Option<f64> {
    let c: &ConsulConnect = s.connect.as_ref()?;
    let gateway = || {
        let proxy = c.gateway.as_ref()?.proxy.as_ref()?;
        map(&proxy.config)
    };
    let sidecar = || {
        let proxy = c.sidecar_service.as_ref()?.proxy.as_ref()?;
        proxy
            .upstreams
            .iter()
            .find_map(|u| map(&u.config))
            .or_else(|| map(&proxy.config))
    };
    let sidecar_task = || map(&c.sidecar_task.as_ref()?.config);
    gateway().or_else(sidecar).or_else(sidecar_task)
}

/// A map's values in key order (Go sorts map keys when it encodes).
fn map(m: &BTreeMap<String, Value>) -> Option<f64> {
    m.values().find_map(value)
}

fn value(v: &Value) -> Option<f64> {
    match v {
        Value::Number(x) if x.is_infinite() => Some(*x),
        Value::List(items) => items.iter().find_map(value),
        Value::Map(m) => map(m),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job_with(config: BTreeMap<String, Value>) -> Job {
        Job {
            groups: vec![TaskGroup {
                tasks: vec![Task {
                    config,
                    ..Task::default()
                }],
                ..TaskGroup::default()
            }],
            ..Job::default()
        }
    }

    #[test]
    fn an_infinity_anywhere_in_a_config_is_gos_encoder_error() {
        let cfg = |v: Value| BTreeMap::from([("args".to_string(), v)]);
        let list = Value::List(vec![
            Value::String("x".into()),
            Value::Number(f64::INFINITY),
        ]);
        assert_eq!(
            unsent(&job_with(cfg(list))),
            Some("json: unsupported value: +Inf".into())
        );
        let nested = Value::Map(BTreeMap::from([(
            "a".to_string(),
            Value::Number(f64::NEG_INFINITY),
        )]));
        assert_eq!(
            unsent(&job_with(cfg(nested))),
            Some("json: unsupported value: -Inf".into())
        );
        // Key order decides between two: "a" before "b".
        let both = BTreeMap::from([
            ("b".to_string(), Value::Number(f64::INFINITY)),
            ("a".to_string(), Value::Number(f64::NEG_INFINITY)),
        ]);
        assert_eq!(
            unsent(&job_with(both)),
            Some("json: unsupported value: -Inf".into())
        );
        assert_eq!(unsent(&job_with(cfg(Value::Number(1e308)))), None);
    }
}
