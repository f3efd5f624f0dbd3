//! A failed service allocation Nomad has not replaced yet, as the next
//! evaluation (a plan's included) reads it, at a fixed "now": the time the
//! import was saved (`saved-at.txt`).
//!
//! Nomad's rules, the same from 0.9.0 to 2.0.5 for a failed allocation
//! whose desired status is `run` (scheduler `filterByRescheduleable` and
//! `updateByReschedulable`; structs `NextRescheduleTime`,
//! `nextRescheduleTime` (inline before 1.5), `NextDelay`,
//! `RescheduleTracker.rescheduleInfo` (`Allocation.rescheduleInfo` in
//! 1.5, inline before); where older releases plan the outcome differently,
//! [`super::api_terminal_releases`]):
//! - `DesiredTransition.ForceReschedule` (`nomad job eval
//!   -force-reschedule`): rescheduled now;
//! - otherwise it is eligible when the policy is unlimited, or allows
//!   attempts and the allocation has no tracker; with attempts and a
//!   tracker holding events, only when fewer events than `attempts` fall
//!   within `interval` before the failure and the next delay is shorter
//!   than the interval (this overrides `unlimited`);
//! - an eligible one whose reschedule time (failure + next delay) is at
//!   most 1s (`rescheduleWindowSize`) after now is rescheduled now: the
//!   plan stops it and places its replacement (`1 create, 1 destroy`);
//! - any other stays in the group's count (a later one waits for its
//!   follow-up evaluation, a spent or disabled one for ever): the plan
//!   places nothing for it.
//!
//! The failure time is the latest `FinishedAt` of its task states, or its
//! `ModifyTime` when none is set. An evaluation made for its follow-up
//! (`FollowupEvalID == evalID`) never is a plan's. What a part of the
//! decision needs and the import does not hold makes the allocation
//! [`Outcome::Unknown`], saying which.

use crate::world::api_json::Fields as _;
use serde_json::Value;

use crate::jobspec::ReschedulePolicy;

/// What the next evaluation does with the allocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Stopped and replaced by this evaluation.
    Now,
    /// Kept in the count, nothing placed for it: why (spent, or a group
    /// that does not reschedule).
    Held(String),
    /// Kept in the count, its reschedule due later (`rescheduleLater` of
    /// `filterByRescheduleable`, scheduler/reconciler/filters.go
    /// v2.0.5:395-445, 526-570): why. Counted `RescheduleLater` from 1.11
    /// when no follow-up evaluation is set yet (`FollowupEvalID` empty).
    Later(String),
    /// Not decidable from the import: why (the rest of the sentence after
    /// "allocation X is failed and not replaced yet, and").
    Unknown(String),
}

/// Go's `rescheduleWindowSize`.
const WINDOW_NS: i128 = 1_000_000_000;

/// One `RescheduleEvent`: when, and the delay it waited.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Event {
    time: i128,
    delay: i128,
}

/// Decide for the failed allocation `a` (desired `run`, no
/// `NextAllocation`), whose job version's group holds `policy` (`None`:
/// that version is not in the import), at `now` (Unix nanoseconds;
/// `None`: the import does not say when it was saved).
pub fn decide(a: &Value, policy: Option<&ReschedulePolicy>, now: Option<i128>) -> Outcome {
    let forced =
        super::api_json::path_b(a, &["DesiredTransition", "ForceReschedule"]).unwrap_or(false);
    if forced {
        return Outcome::Now;
    }
    let Some(p) = policy else {
        return Outcome::Unknown(format!(
            "the import does not hold job version {} it runs, whose reschedule policy decides whether it is replaced",
            a.typed_u64("JobVersion").unwrap_or(0)
        ));
    };
    if p.attempts == 0 && !p.unlimited {
        return Outcome::Held("its group does not reschedule".into());
    }
    let fail = match fail_time(a) {
        Ok(t) => t,
        Err(why) => return Outcome::Unknown(why),
    };
    let tracker = match tracker(a) {
        Ok(t) => t,
        Err(why) => return Outcome::Unknown(why),
    };
    let (eligible, delay) = eligibility(p, &tracker, fail);
    if !eligible {
        return Outcome::Held(format!(
            "its reschedule policy allows no further attempt ({} within {}, next delay {})",
            p.attempts,
            p.interval,
            crate::jobspec::Duration(i64::try_from(delay).unwrap_or(i64::MAX))
        ));
    }
    let due = fail + delay;
    let Some(now) = now else {
        return Outcome::Unknown(format!(
            "its reschedule is due at {}: whether that is past depends on when the import was saved, which it does not say (saved-at.txt)",
            rfc3339(due)
        ));
    };
    if due - now <= WINDOW_NS {
        Outcome::Now
    } else {
        Outcome::Later(format!(
            "its reschedule waits until {}, after the import was saved",
            rfc3339(due)
        ))
    }
}

/// `nextRescheduleTime` (nomad/structs/alloc.go v2.0.5) for a failure at
/// `fail`: whether the policy allows another attempt, and the next delay.
fn eligibility(p: &ReschedulePolicy, tracker: &Tracker, fail: i128) -> (bool, i128) {
    let delay = next_delay(p, tracker, fail);
    let mut eligible = p.unlimited || (p.attempts > 0 && *tracker == Tracker::None);
    if let (true, Some(events)) = (p.attempts > 0, tracker.events()) {
        let interval = i128::from(p.interval.nanos());
        let attempted = events.iter().filter(|e| fail - e.time < interval).count();
        let attempted = i64::try_from(attempted).unwrap_or(i64::MAX);
        eligible = attempted < p.attempts && delay < interval;
    }
    (eligible, delay)
}

/// Whether the generic reconciler of 1.11.2+ counts a running allocation
/// it reads as `disconnecting` in `RescheduleLater`: #27053 (bdf5b27410,
/// backported by 0cef49eb41 into v1.11.2) sends every such allocation
/// through `updateByReschedulable(isDisconnecting)`
/// (scheduler/reconciler/filters.go v1.11.2:399-438, v2.0.5:526-570),
/// which keeps one whose own group does not replace (`ReplaceOnDisconnect`,
/// nomad/structs/alloc.go v2.0.5:613-622), then reads
/// `NextRescheduleTimeByTime(now)`: eligible and not due within 1s (the
/// caller has left the quick ones to a guess), it is `rescheduleLater`
/// when no follow-up evaluation is set (`FollowupEvalID` empty), counted
/// by computeDisconnecting and createRescheduleLaterEvals
/// (reconcile_cluster.go v1.11.2:1648, :1442). Up to 1.11.1 the plan reads
/// only groups that do not replace as disconnecting, and
/// `RescheduleTimeOnDisconnect` (v1.11.1:489) never makes them later: the
/// caller asks from 1.11.2 only. `group`: the allocation's own group
/// (`alloc.Job`'s). `Err`: what is not known (the rest of a sentence after
/// "allocation X is").
pub fn later_on_disconnect(
    a: &Value,
    group: &crate::jobspec::TaskGroup,
    now: Option<i128>,
) -> Result<bool, &'static str> {
    let replaces = group.disconnect.as_ref().and_then(|d| d.replace) != Some(false);
    let Some(p) = group.reschedule.as_ref().filter(|_| replaces) else {
        return Ok(false);
    };
    let tracker = tracker(a).map_err(|_| {
        "running on a disconnected node with a RescheduleTracker nomad-preflight cannot read, which decides whether Nomad reschedules it later"
    })?;
    // `now` is read only against reschedule events (their interval and
    // the delay's reset).
    let now = match (tracker.events(), now) {
        (Some(e), None) if !e.is_empty() => return Err("running on a disconnected node with reschedule events, whose later reschedule depends on when the import was saved, which it does not say (saved-at.txt)"),
        (_, now) => now.unwrap_or(0),
    };
    let (eligible, _) = eligibility(p, &tracker, now);
    Ok(eligible && super::api_json::s(a, "FollowupEvalID").is_empty())
}

/// `Allocation.LastEventTime`: the latest `FinishedAt` of its task states
/// (Go's zero time for a task that has not finished), else `ModifyTime`.
fn fail_time(a: &Value) -> Result<i128, String> {
    let mut last: Option<i128> = None;
    let states = a.typed_object("TaskStates");
    for (task, st) in states.into_iter().flatten() {
        let Some(text) = st.typed_str("FinishedAt") else {
            continue;
        };
        let t = parse_time(text).ok_or_else(|| {
            format!(
                "task {}'s FinishedAt {} is not a time Nomad writes",
                crate::escape::one_line(task),
                crate::escape::one_line(text)
            )
        })?;
        if t != GO_ZERO && last.is_none_or(|l| t > l) {
            last = Some(t);
        }
    }
    if let Some(t) = last {
        return Ok(t);
    }
    match a.typed_i64("ModifyTime") {
        Some(t) => Ok(i128::from(t)),
        None => Err("the import holds neither its task states' finish times nor its ModifyTime, which date its failure".into()),
    }
}

/// `0001-01-01T00:00:00Z` in Unix nanoseconds: Go's zero `time.Time`.
const GO_ZERO: i128 = crate::gotime::ZERO_UNIX_SECS as i128 * 1_000_000_000;

/// A Go `time.Time` as encoding/json writes it (RFC 3339, nanoseconds);
/// blanks around it (a hand-edited file's) are let pass.
pub fn parse_time(text: &str) -> Option<i128> {
    crate::gotime::parse_json_time(text.trim()).map(|(t, _)| t.as_nanosecond())
}

fn rfc3339(ns: i128) -> String {
    match jiff::Timestamp::from_nanosecond(ns) {
        Ok(t) => t.to_string(),
        Err(_) => format!("{ns}ns after 1970"),
    }
}

/// `RescheduleTracker` as Go holds it: none, one whose `Events` is null
/// (a nil slice: `nextRescheduleTime` then finds neither "no tracker" nor
/// events, and calls a limited policy spent), or its events.
#[derive(Debug, Clone, PartialEq)]
enum Tracker {
    None,
    NilEvents,
    Events(Vec<Event>),
}

impl Tracker {
    /// The events, when the slice is not nil.
    fn events(&self) -> Option<&[Event]> {
        match self {
            Tracker::Events(e) => Some(e),
            _ => None,
        }
    }
}

fn tracker(a: &Value) -> Result<Tracker, String> {
    let Some(t) = a.get("RescheduleTracker").filter(|t| !t.is_null()) else {
        return Ok(Tracker::None);
    };
    let Some(events) = t.get("Events").filter(|e| !e.is_null()) else {
        return Ok(Tracker::NilEvents);
    };
    let list = events
        .as_array()
        .ok_or("its RescheduleTracker's Events is not a list")?;
    let mut out = Vec::new();
    for e in list {
        let n = |k: &str| e.typed_i64(k).map(i128::from);
        match (n("RescheduleTime"), n("Delay")) {
            (Some(time), Some(delay)) => out.push(Event { time, delay }),
            _ => return Err("a reschedule event lacks its time or delay".into()),
        }
    }
    Ok(Tracker::Events(out))
}

/// `Allocation.NextDelay`: the policy's delay before any event; then, by
/// the delay function, twice the last delay (exponential) or the sum of
/// the last two (fibonacci, restarting its series after a reset), capped
/// at `max_delay`, and back to the first delay when the failure came
/// longer than the cap after the last reschedule. A constant (or unknown)
/// function is never capped. Go's duration arithmetic wraps at 64 bits.
fn next_delay(p: &ReschedulePolicy, tracker: &Tracker, fail: i128) -> i128 {
    let base = i128::from(p.delay.nanos());
    let max = i128::from(p.max_delay.nanos());
    let events = match tracker.events() {
        Some(e) if !e.is_empty() => e,
        _ => return base,
    };
    let wrap = |d: i128| i128::from(d as i64);
    let last = events[events.len() - 1];
    let mut d = match p.delay_function.as_str() {
        "exponential" => wrap(last.delay * 2),
        "fibonacci" if events.len() >= 2 => {
            let before = events[events.len() - 2];
            if before.delay == max && last.delay == base {
                last.delay
            } else {
                wrap(last.delay + before.delay)
            }
        }
        "fibonacci" => base,
        _ => return base,
    };
    if max > 0 && d > max {
        d = max;
        if fail - last.time > d {
            d = base;
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobspec::Duration;
    use serde_json::json;

    const S: i64 = 1_000_000_000;
    /// 2024-06-01T12:00:00Z.
    const T0: i64 = 1_717_243_200 * S;

    /// Nomad's default service policy (api ReschedulePolicy defaults).
    fn service() -> ReschedulePolicy {
        ReschedulePolicy {
            attempts: 0,
            interval: Duration(0),
            delay: Duration::secs(30),
            delay_function: "exponential".into(),
            max_delay: Duration::hours(1),
            unlimited: true,
            spans: Default::default(),
        }
    }

    fn failed(at: i64, events: Value) -> Value {
        json!({"ClientStatus": "failed", "DesiredStatus": "run", "JobVersion": 0,
               "ModifyTime": at, "RescheduleTracker": events})
    }

    #[test]
    fn due_within_a_second_is_now_and_later_is_held() {
        let p = service();
        let a = failed(T0, Value::Null);
        // Due at T0 + 30s.
        assert_eq!(
            decide(&a, Some(&p), Some((T0 + 29 * S) as i128)),
            Outcome::Now
        );
        assert!(matches!(
            decide(&a, Some(&p), Some((T0 + 28 * S) as i128)),
            Outcome::Later(w) if w.contains("2024-06-01T12:00:30Z")
        ));
        // Without a saved time, the answer depends on the clock.
        assert!(matches!(decide(&a, Some(&p), None), Outcome::Unknown(_)));
    }

    #[test]
    fn the_delay_doubles_and_resets_past_the_cap() {
        let p = service();
        let ev = |t: i64, d: i64| json!({"RescheduleTime": t, "Delay": d});
        let a = failed(
            T0,
            json!({"Events": [ev(T0 - 100 * S, 30 * S), ev(T0 - 50 * S, 60 * S)]}),
        );
        // 2 x 60s: due at T0 + 120s.
        assert_eq!(
            decide(&a, Some(&p), Some((T0 + 119 * S) as i128)),
            Outcome::Now
        );
        assert!(matches!(
            decide(&a, Some(&p), Some((T0 + 118 * S) as i128)),
            Outcome::Later(_)
        ));
        // Past the cap (1h): capped, then reset to 30s since the failure
        // came more than an hour after the last reschedule.
        let a = failed(T0, json!({"Events": [ev(T0 - 7200 * S, 3600 * S)]}));
        assert_eq!(
            decide(&a, Some(&p), Some((T0 + 29 * S) as i128)),
            Outcome::Now
        );
        let a = failed(T0, json!({"Events": [ev(T0 - 60 * S, 3600 * S)]}));
        assert!(matches!(
            decide(&a, Some(&p), Some((T0 + 29 * S) as i128)),
            Outcome::Later(_)
        ));
    }

    #[test]
    fn spent_attempts_and_disabled_policies_hold_whatever_the_time() {
        let mut p = service();
        p.unlimited = false;
        p.attempts = 2;
        p.interval = Duration::hours(1);
        p.delay_function = "constant".into();
        let ev = |t: i64| json!({"RescheduleTime": t, "Delay": 30 * S});
        let late = Some(i128::from(T0) * 2);
        let two = failed(T0, json!({"Events": [ev(T0 - 200 * S), ev(T0 - 100 * S)]}));
        assert!(
            matches!(decide(&two, Some(&p), late), Outcome::Held(w) if w.contains("2 within 1h0m0s"))
        );
        assert!(matches!(decide(&two, Some(&p), None), Outcome::Held(_)));
        // An event older than the interval does not count.
        let old = failed(T0, json!({"Events": [ev(T0 - 7200 * S), ev(T0 - 100 * S)]}));
        assert_eq!(decide(&old, Some(&p), late), Outcome::Now);
        // A tracker whose Events is null: Go finds neither "no tracker"
        // nor events, and calls the limited policy spent.
        let nil = failed(T0, json!({"Events": null, "LastReschedule": ""}));
        assert!(matches!(decide(&nil, Some(&p), late), Outcome::Held(_)));
        p.attempts = 0;
        assert!(
            matches!(decide(&two, Some(&p), late), Outcome::Held(w) if w.contains("does not reschedule"))
        );
    }

    #[test]
    fn task_finish_times_date_the_failure_and_force_reschedules_now() {
        let p = service();
        let mut a = failed(T0, Value::Null);
        a["TaskStates"] = json!({
            "a": {"FinishedAt": "2024-06-01T12:10:00.5Z"},
            "b": {"FinishedAt": "0001-01-01T00:00:00Z"}
        });
        let at = |s: i64| Some(i128::from(T0 + s * S));
        // Failed at 12:10:00.5, due 12:10:30.5.
        assert!(
            matches!(decide(&a, Some(&p), at(628)), Outcome::Later(w) if w.contains("12:10:30.5Z"))
        );
        assert_eq!(decide(&a, Some(&p), at(630)), Outcome::Now);
        a["TaskStates"]["a"]["FinishedAt"] = json!("yesterday");
        assert!(
            matches!(decide(&a, Some(&p), at(0)), Outcome::Unknown(w) if w.contains("yesterday"))
        );
        a["DesiredTransition"] = json!({"ForceReschedule": true});
        assert_eq!(decide(&a, None, None), Outcome::Now);
        let b = failed(T0, Value::Null);
        assert!(
            matches!(decide(&b, None, at(0)), Outcome::Unknown(w) if w.contains("job version 0"))
        );
    }

    /// 1.11.2+'s disconnecting allocation: later when its own group
    /// replaces, its policy allows an attempt and no follow-up is set.
    #[test]
    fn a_disconnecting_allocation_waits_when_its_group_replaces() {
        let mut g = crate::jobspec::TaskGroup {
            reschedule: Some(service()),
            ..Default::default()
        };
        let plain = json!({});
        assert_eq!(later_on_disconnect(&plain, &g, None), Ok(true));
        let followed = json!({"FollowupEvalID": "f0000000-0000-4000-8000-000000000000"});
        assert_eq!(later_on_disconnect(&followed, &g, None), Ok(false));
        // Reschedule events of a limited policy are read against now.
        let mut limited = service();
        limited.unlimited = false;
        limited.attempts = 1;
        limited.interval = Duration::hours(1);
        g.reschedule = Some(limited);
        let ev =
            json!({"RescheduleTracker": {"Events": [{"RescheduleTime": T0, "Delay": 30 * S}]}});
        assert!(later_on_disconnect(&ev, &g, None).is_err());
        let soon = Some(i128::from(T0 + 60 * S));
        assert_eq!(later_on_disconnect(&ev, &g, soon), Ok(false));
        let late = Some(i128::from(T0 + 7200 * S));
        assert_eq!(later_on_disconnect(&ev, &g, late), Ok(true));
        // `replace = false`, or no policy: never.
        g.disconnect = Some(crate::jobspec::Disconnect {
            replace: Some(false),
            ..Default::default()
        });
        assert_eq!(later_on_disconnect(&plain, &g, None), Ok(false));
        g.disconnect = None;
        g.reschedule = None;
        assert_eq!(later_on_disconnect(&plain, &g, None), Ok(false));
    }

    #[test]
    fn fibonacci_adds_the_last_two_and_restarts_after_a_reset() {
        let mut p = service();
        p.delay_function = "fibonacci".into();
        p.delay = Duration::secs(10);
        p.max_delay = Duration::secs(100);
        let ev = |t: i64, d: i64| json!({"RescheduleTime": t, "Delay": d * S});
        let t = Tracker::Events(vec![]);
        assert_eq!(next_delay(&p, &t, 0), i128::from(10 * S));
        let tr = |v: Value| {
            tracker(&json!({"RescheduleTracker": {"Events": v}})).unwrap_or(Tracker::None)
        };
        let fail = i128::from(T0);
        let one = tr(json!([ev(T0 - S, 10)]));
        assert_eq!(next_delay(&p, &one, fail), i128::from(10 * S));
        let two = tr(json!([ev(T0 - 2 * S, 10), ev(T0 - S, 20)]));
        assert_eq!(next_delay(&p, &two, fail), i128::from(30 * S));
        let reset = tr(json!([ev(T0 - 2 * S, 100), ev(T0 - S, 10)]));
        assert_eq!(next_delay(&p, &reset, fail), i128::from(10 * S));
        let capped = tr(json!([ev(T0 - 2 * S, 80), ev(T0 - S, 90)]));
        assert_eq!(next_delay(&p, &capped, fail), i128::from(100 * S));
    }
}
