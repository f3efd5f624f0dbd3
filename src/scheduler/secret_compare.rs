//! 1.11.0 to 2.0.5 panic comparing a task's `secret` blocks
//! ([`CrashBug::UncomparableSecret`], redteam24 R24-2). `tasksUpdated`
//! (scheduler/util.go v1.11.0:233, v2.0.5:233), which every update of an
//! allocation to a new job version runs (`genericAllocUpdateFn` v2.0.5:814,
//! the system scheduler's `inplaceUpdate` :593), compares the new task's
//! secrets with the old one's by `slices.EqualFunc` (the counts, then pair
//! by pair in order, stopping at the first unequal pair) and
//! `Secret.Equal` (nomad/structs/structs.go v1.11.0:10450-10469,
//! v2.0.5:10537-10556): name, provider, path, then
//! `maps.Equal(s.Config, o.Config)` on `map[string]any`. `maps.Equal`
//! returns false on different lengths, then ranges over the new config
//! and stops at a key the old one lacks or whose values differ by `!=`.
//! The servers hold the config as encoding/json decoded it
//! (command/agent/http.go decodeBody): a list is an `[]interface {}`, a
//! block or object a `map[string]interface {}`. Go's `!=` on two
//! interfaces holding the same uncomparable type panics ("runtime error:
//! comparing uncomparable type []interface {}"); of different dynamic
//! types it is simply true. So a list (or map) under the same key of both
//! configs panics the scheduler, even unchanged, unless the range meets a
//! differing or missing key first: Go's map order decides that, at random
//! per evaluation. Both schedulers' `Process` recover it into the plan's
//! error ([`super::server_crash::recovered`]). Secrets exist from 1.11.0.

use super::engine::Engine;
use super::server_crash::{CrashBug, ServerCrash};
use crate::jobspec::{Job, Secret, Task, TaskGroup, Value};
use crate::version::NomadVersion;

/// How `Secret.Equal` ends for one pair of secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Compared {
    Equal,
    Unequal,
    /// The range panics whatever Go's map order: the Go type it compares.
    Panics(&'static str),
    /// Whether it panics is Go's map order: the type it may compare.
    MayPanic(&'static str),
}

/// The Go type a JSON-decoded value has when `!=` cannot compare it.
fn uncomparable(v: &Value) -> Option<&'static str> {
    match v {
        Value::List(_) => Some("[]interface {}"),
        Value::Map(_) => Some("map[string]interface {}"),
        _ => None,
    }
}

/// `new.Equal(old)`: the new job's secret is the receiver, so its config
/// is the map ranged over.
fn secret_equal(new: &Secret, old: &Secret) -> Compared {
    if new.name != old.name || new.provider != old.provider || new.path != old.path {
        return Compared::Unequal;
    }
    if new.config.len() != old.config.len() {
        return Compared::Unequal;
    }
    let mut stops = false;
    let mut panics: Option<&'static str> = None;
    let mut types_differ = false;
    for (k, nv) in &new.config {
        match old.config.get(k) {
            None => stops = true,
            Some(ov) => match (uncomparable(nv), uncomparable(ov)) {
                (Some(a), Some(b)) if a == b => {
                    types_differ |= panics.is_some_and(|p| p != a);
                    panics.get_or_insert(a);
                }
                _ => stops |= nv != ov,
            },
        }
    }
    match panics {
        // A list and a map under two keys: the one ranged first is named.
        Some(t) if stops || types_differ => Compared::MayPanic(t),
        Some(t) => Compared::Panics(t),
        None if stops || new.env != old.env => Compared::Unequal,
        None => Compared::Equal,
    }
}

/// `slices.EqualFunc` over the two tasks' secrets: the first pair that is
/// not equal ends it.
fn secrets_equal(new: &Task, old: &Task) -> Compared {
    if new.secrets.len() != old.secrets.len() {
        return Compared::Unequal;
    }
    for (n, o) in new.secrets.iter().zip(&old.secrets) {
        match secret_equal(n, o) {
            Compared::Equal => {}
            other => return other,
        }
    }
    Compared::Equal
}

/// The task checks `tasksUpdated` makes before the secrets: driver, user,
/// config, env, artifacts, vault. What the model does not hold
/// (`unmodelled`) is not among them here: where it differs, whether
/// Nomad compares it before the secrets is not known (rv24-2), so the
/// caller makes a panic after it a "may".
fn differs_before_secrets(new: &Task, old: &Task) -> bool {
    new.driver != old.driver
        || new.user != old.user
        || new.config != old.config
        || new.env != old.env
        || new.artifacts != old.artifacts
        || new.vault != old.vault
}

/// Where `tasksUpdated(new, old)` meets a secret compare that panics (or
/// may): the task and secret names, the Go type, and whether it is certain.
/// A difference in what the model does not hold (the group's or a task's
/// `unmodelled` part) may end `tasksUpdated` before the secrets or not:
/// the panic past it is a "may", never dropped (a plan that replaces the
/// allocations where Nomad's servers fail the evaluation is no answer).
fn reached(
    old_job: &Job,
    old: &TaskGroup,
    new_job: &Job,
    new: &TaskGroup,
    v: NomadVersion,
) -> Option<(String, String, &'static str, bool)> {
    if !v.at_least(1, 11, 0) || new.tasks.iter().all(|t| t.secrets.is_empty()) {
        return None;
    }
    let mut unknown = old.unmodelled != new.unmodelled;
    let same_unmodelled;
    let old = if unknown {
        same_unmodelled = TaskGroup {
            unmodelled: new.unmodelled.clone(),
            ..old.clone()
        };
        &same_unmodelled
    } else {
        old
    };
    if old.tasks.len() != new.tasks.len()
        || super::reconcile::group_updated(old_job, old, new_job, new, v)
    {
        return None;
    }
    for nt in &new.tasks {
        let ot = old.task(&nt.name)?;
        if differs_before_secrets(nt, ot) {
            return None;
        }
        unknown |= nt.unmodelled != ot.unmodelled;
        let (t, certain) = match secrets_equal(nt, ot) {
            Compared::Equal => {
                let same_unmodelled;
                let ot = if nt.unmodelled == ot.unmodelled {
                    ot
                } else {
                    same_unmodelled = Task {
                        unmodelled: nt.unmodelled.clone(),
                        ..ot.clone()
                    };
                    &same_unmodelled
                };
                if super::reconcile::task_updated((old_job, old, ot), (new_job, new, nt), v) {
                    return None;
                }
                continue;
            }
            Compared::Unequal => return None,
            Compared::Panics(t) => (t, !unknown),
            Compared::MayPanic(t) => (t, false),
        };
        // The pair that panics: the first not equal.
        let s = nt
            .secrets
            .iter()
            .zip(&ot.secrets)
            .find(|(n, o)| secret_equal(n, o) != Compared::Equal)
            .map(|(n, _)| n.name.clone())
            .unwrap_or_default();
        return Some((nt.name.clone(), s, t, certain));
    }
    None
}

impl Engine<'_> {
    /// Record [`CrashBug::UncomparableSecret`] where moving an allocation
    /// from `old` to `new` reaches it (every `tasksUpdated` call).
    pub(super) fn secret_compare(
        &self,
        old_job: &Job,
        old: &TaskGroup,
        new_job: &Job,
        new: &TaskGroup,
    ) {
        let version = self.world.nomad_version;
        if let Some((task, secret, go_type, certain)) = reached(old_job, old, new_job, new, version)
        {
            self.crash_if(Some(ServerCrash {
                bug: CrashBug::UncomparableSecret { certain, go_type },
                version,
                node: String::new(),
                detail: format!(
                    "task {}'s secret {}",
                    crate::gotext::go_quote(&task),
                    crate::gotext::go_quote(&secret)
                ),
            }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn secret(config: &[(&str, Value)]) -> Secret {
        Secret {
            name: "db".into(),
            provider: "nomad".into(),
            path: "p".into(),
            config: config
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect::<BTreeMap<_, _>>(),
            ..Secret::default()
        }
    }

    fn list() -> Value {
        Value::List(vec![Value::String("a".into())])
    }

    #[test]
    fn a_list_on_both_sides_panics_even_unchanged() {
        let s = secret(&[("keys", list())]);
        assert_eq!(secret_equal(&s, &s), Compared::Panics("[]interface {}"));
        let m = secret(&[("k", Value::Map(BTreeMap::new()))]);
        assert_eq!(
            secret_equal(&m, &m),
            Compared::Panics("map[string]interface {}")
        );
        // An equal scalar beside it changes nothing.
        let s = secret(&[("keys", list()), ("x", Value::String("1".into()))]);
        assert_eq!(secret_equal(&s, &s), Compared::Panics("[]interface {}"));
    }

    #[test]
    fn a_differing_key_makes_it_a_draw_and_other_types_compare_unequal() {
        let a = secret(&[("keys", list()), ("x", Value::String("1".into()))]);
        let b = secret(&[("keys", list()), ("x", Value::String("2".into()))]);
        assert_eq!(secret_equal(&a, &b), Compared::MayPanic("[]interface {}"));
        // A list against a string: different dynamic types, no panic.
        let c = secret(&[("keys", Value::String("a".into()))]);
        assert_eq!(secret_equal(&a, &c), Compared::Unequal);
        assert_eq!(secret_equal(&c, &a), Compared::Unequal);
        // Different lengths, a renamed key, another path: before the range.
        let d = secret(&[("keys", list())]);
        assert_eq!(secret_equal(&a, &d), Compared::Unequal);
        let mut e = secret(&[("keys", list())]);
        e.path = "q".into();
        assert_eq!(secret_equal(&d, &e), Compared::Unequal);
        let f = secret(&[("other", list())]);
        assert_eq!(secret_equal(&d, &f), Compared::Unequal);
    }

    #[test]
    fn scalars_alone_never_panic() {
        let a = secret(&[("x", Value::Number(1.0))]);
        assert_eq!(secret_equal(&a, &a), Compared::Equal);
    }

    /// rv24-2: a changed field the model does not hold (a task's or the
    /// group's `unmodelled` part) may or may not end `tasksUpdated` before
    /// the secrets: the panic past it is a "may", never dropped.
    #[test]
    fn an_unmodelled_change_makes_the_panic_a_may_not_a_plan() {
        let task = |extra: Option<(&str, Value)>| {
            let mut t = Task {
                name: "t".into(),
                driver: "docker".into(),
                secrets: vec![secret(&[("keys", list())])],
                ..Task::default()
            };
            if let Some((k, v)) = extra {
                t.unmodelled.0.insert(k.into(), v);
            }
            t
        };
        let group = |t: Task, extra: Option<(&str, Value)>| {
            let mut g = TaskGroup {
                name: "g".into(),
                count: 1,
                tasks: vec![t],
                ..TaskGroup::default()
            };
            if let Some((k, v)) = extra {
                g.unmodelled.0.insert(k.into(), v);
            }
            g
        };
        let job = Job::default();
        let v = NomadVersion::new(2, 0, 5);
        let old = group(task(None), None);
        let certain = |new: &TaskGroup| reached(&job, &old, &job, new, v).map(|r| r.3);
        assert_eq!(certain(&old), Some(true));
        let task_side = group(task(Some(("shiny", Value::Bool(true)))), None);
        assert_eq!(certain(&task_side), Some(false));
        let group_side = group(task(None), Some(("shiny", Value::Bool(true))));
        assert_eq!(certain(&group_side), Some(false));
        // Before 1.11 there are no secrets to compare.
        assert_eq!(
            reached(&job, &old, &job, &task_side, NomadVersion::new(1, 10, 5)),
            None
        );
    }
}
