//! A group's lifecycle policies as `TaskGroup.Validate` checks them
//! (nomad/structs/structs.go): `RestartPolicy.Validate`,
//! `ReschedulePolicy.Validate` (with `validateDelayParams`),
//! `UpdateStrategy.Validate` and `MigrateStrategy.Validate`, on the
//! canonicalised policies (defaults.rs), so defaults count.
//!
//! Nesting: up to 1.7 `TaskGroup.Validate` appended each policy's
//! multierror as one item (`mErr.Errors = append(...)`, printed as an
//! inner list); from 1.8.0 it uses `multierror.Append`, which flattens
//! them into the group's list. `validateDelayParams`'s pair of errors is
//! always flattened (`multierror.Append` inside `ReschedulePolicy.Validate`).
//!
//! Version changes gated here: `UpdateStrategy.Validate` refused
//! `max_parallel < 1` up to 0.9.x (`Max parallel can not be less than one`)
//! and `< 0` from 0.10.0; the reschedule refusal for per-node jobs named
//! only system jobs before 1.11.0, then system and sysbatch jobs.

use super::model::*;
use super::validate::{at, err, Out};
use crate::source::Span;
use crate::version::NomadVersion;

const CODE: &str = "jobspec::policy";

/// One policy's multierror at the group's level, nested or flattened as
/// that Nomad's `TaskGroup.Validate` appends it.
fn policy_item(v: NomadVersion, out: &mut Out<'_>, f: impl FnOnce(&mut Out<'_>)) {
    if v.at_least(1, 8, 0) {
        f(out);
    } else {
        out.nested(None, f);
    }
}

/// The span of a field of a policy block, else of the block, else of the
/// group (a default-filled policy has no span of its own).
fn span_of(s: &Spans, field: &str, group: &TaskGroup) -> Option<Span> {
    s.get(field)
        .or(s.block)
        .or(group.spans.label)
        .or(group.spans.block)
}

/// `RestartPolicy.Validate` on the group's canonicalised restart policy.
pub(super) fn restart(g: &TaskGroup, v: NomadVersion, out: &mut Out<'_>) {
    let r = &g.restart;
    policy_item(v, out, |out| {
        let sp = |f: &str| span_of(&r.spans, f, g);
        if r.mode != "delay" && r.mode != "fail" {
            let text = format!("Unsupported restart mode: {}", go_q(&r.mode));
            let help = "use mode = \"fail\" (stop restarting after the attempts) or \"delay\" (wait out the interval, then restart again)";
            err(out, CODE, sp("mode"), text, "unknown mode", help);
        }
        if r.attempts == 0 && r.mode != "fail" {
            let text = format!(
                "Restart policy {} with {} attempts is ambiguous",
                go_q(&r.mode),
                r.attempts
            );
            let help = "with no attempts, say mode = \"fail\", or allow some attempts";
            err(out, CODE, sp("attempts"), text, "zero attempts", help);
        }
        // RestartPolicyMinInterval, 5s in every release.
        let min = Duration::secs(5);
        if r.interval < min {
            let text = format!("Interval can not be less than {min} (got {})", r.interval);
            let help = "use an interval of 5s or more";
            err(out, CODE, sp("interval"), text, "too short", help);
        }
        if r.delay.nanos().saturating_mul(r.attempts) > r.interval.nanos() {
            let text = format!(
                "Nomad can't restart the TaskGroup {} times in an interval of {} with a delay of {}",
                r.attempts, r.interval, r.delay
            );
            let help = "attempts × delay must fit in the interval: lengthen the interval, or lower attempts or delay";
            err(
                out,
                CODE,
                sp("interval"),
                &text,
                "attempts × delay exceed this",
                help,
            );
        }
    });
}

/// The group's reschedule policy: refused in per-node jobs, else
/// `ReschedulePolicy.Validate`.
pub(super) fn reschedule(job: &Job, g: &TaskGroup, v: NomadVersion, out: &mut Out<'_>) {
    let written = g.reschedule.as_ref().or(job.reschedule.as_ref());
    let sysbatch_refused = v.at_least(1, 11, 0);
    let refused = match job.job_type {
        JobType::System => true,
        JobType::Sysbatch => sysbatch_refused,
        _ => false,
    };
    if refused {
        // The api's canonicalisation gives per-node jobs no default policy,
        // so only a written block (the group's or the job's) trips this.
        if let Some(r) = written {
            let text = if sysbatch_refused {
                "System or sysbatch jobs should not have a reschedule policy"
            } else {
                "System jobs should not have a reschedule policy"
            };
            let help = "remove the reschedule block: per-node jobs are not rescheduled";
            let span = r.spans.block.or(g.spans.label);
            err(out, CODE, span, text, "reschedule policy", help);
        }
        return;
    }
    // A sysbatch job before 1.11 validates its written policy over the
    // api's zero defaults (an unset policy is not `Enabled`).
    let Some(r) = g.reschedule.as_ref().or(written) else {
        // Before 0.11 a job of unknown type gets no default policy
        // (api NewDefaultReschedulePolicy, structs NewReschedulePolicy):
        // TaskGroup.Validate's else branch (the same text to 2.0.5).
        if !super::validate_job::type_known(job) {
            let text = format!("Task Group {} should have a reschedule policy", g.name);
            let help = "Nomad before 0.11 has no reschedule defaults for this job type: use a type it knows";
            err(out, CODE, g.spans.label, text, "no reschedule policy", help);
        }
        return;
    };
    policy_item(v, out, |out| reschedule_policy(r, g, out));
}

fn reschedule_policy(r: &ReschedulePolicy, g: &TaskGroup, out: &mut Out<'_>) {
    // ReschedulePolicy.Enabled.
    if !(r.attempts > 0 || r.unlimited) {
        return;
    }
    let sp = |f: &str| span_of(&r.spans, f, g);
    if r.attempts > 0 {
        if r.interval.nanos() <= 0 {
            let text = "Interval must be a non zero value if Attempts > 0";
            let help = "give the reschedule interval a positive duration";
            err(out, CODE, sp("interval"), text, "no interval", help);
        }
        if r.unlimited {
            let text = format!(
                "Reschedule Policy with Attempts = {}, Interval = {}, and Unlimited = true is ambiguous",
                r.attempts, r.interval
            );
            let help = "set either attempts (with an interval) or unlimited = true, not both";
            err(out, CODE, sp("unlimited"), text, "ambiguous", help);
            let text = "If Attempts >0, Unlimited cannot also be set to true";
            err(out, CODE, sp("attempts"), text, "ambiguous", help);
        }
    }
    // ReschedulePolicyMinDelay and ReschedulePolicyMinInterval.
    let min_delay = Duration::secs(5);
    let mut pre_check = true;
    if r.delay < min_delay {
        let text = format!("Delay cannot be less than {min_delay} (got {})", r.delay);
        let help = "use a reschedule delay of 5s or more";
        err(out, CODE, sp("delay"), text, "too short", help);
        pre_check = false;
    }
    const FUNCTIONS: [&str; 3] = ["constant", "exponential", "fibonacci"];
    if !FUNCTIONS.contains(&r.delay_function.as_str()) {
        // `%q` of a Go array of strings.
        let text = format!(
            "Invalid delay function {}, must be one of [\"constant\" \"exponential\" \"fibonacci\"]",
            go_q(&r.delay_function)
        );
        let help = "use delay_function = \"constant\", \"exponential\" or \"fibonacci\"";
        err(
            out,
            CODE,
            sp("delay_function"),
            text,
            "unknown function",
            help,
        );
        pre_check = false;
    }
    if r.delay_function != "constant" {
        if r.max_delay < min_delay {
            // Nomad prints the delay here, not the max_delay it compares.
            let text = format!(
                "Max Delay cannot be less than {min_delay} (got {})",
                r.delay
            );
            let help = "use a max_delay of 5s or more";
            err(out, CODE, sp("max_delay"), text, "too short", help);
            pre_check = false;
        }
        if r.max_delay < r.delay {
            let text = format!(
                "Max Delay cannot be less than Delay {} (got {})",
                r.delay, r.max_delay
            );
            let help = "max_delay caps the growing delay: make it at least the delay";
            err(out, CODE, sp("max_delay"), text, "below delay", help);
            pre_check = false;
        }
    }
    if r.unlimited {
        return;
    }
    let min_interval = Duration::secs(15);
    if r.interval < min_interval {
        let text = format!(
            "Interval cannot be less than {min_interval} (got {})",
            r.interval
        );
        let help = "use a reschedule interval of 15s or more";
        err(out, CODE, sp("interval"), text, "too short", help);
    }
    if !pre_check {
        return;
    }
    if let Some((possible, recommended)) = unviable(r) {
        let text = if r.delay_function == "constant" {
            format!(
                "Nomad can only make {possible} attempts in {} with initial delay {} and delay function \"constant\"",
                r.interval, r.delay
            )
        } else {
            format!(
                "Nomad can only make {possible} attempts in {} with initial delay {}, delay function {}, and delay ceiling {}",
                r.interval,
                r.delay,
                go_q(&r.delay_function),
                r.max_delay
            )
        };
        let help = "lengthen the interval, or lower attempts or delay";
        err(
            out,
            CODE,
            sp("interval"),
            &text,
            "too short for the attempts",
            help,
        );
        let text = format!(
            "Set the interval to at least {} to accommodate {} attempts",
            round_secs(recommended),
            r.attempts
        );
        err(
            out,
            CODE,
            sp("interval"),
            &text,
            "too short for the attempts",
            help,
        );
    }
}

/// `ReschedulePolicy.viableAttempts`: `None` when the attempts fit, else
/// how many do and the interval that would fit them all.
fn unviable(r: &ReschedulePolicy) -> Option<(i64, Duration)> {
    let (attempts, delay, max) = (r.attempts, r.delay.nanos(), r.max_delay.nanos());
    let interval = r.interval.nanos();
    let mut possible: i64 = 0;
    let mut recommended: i64 = 0;
    let mut valid = true;
    match r.delay_function.as_str() {
        "constant" => {
            recommended = attempts.saturating_mul(delay);
            if interval < recommended {
                possible = interval / delay;
                valid = false;
            }
        }
        "exponential" => {
            for i in 0..attempts {
                // time.Duration(math.Pow(2, i)) * delay, saturated where Go
                // would overflow into nonsense (far beyond any interval).
                let factor = 2f64.powi(i.min(62) as i32) as i64;
                let mut next = factor.saturating_mul(delay);
                if next > max {
                    next = max;
                    recommended = recommended.saturating_add(next);
                } else {
                    recommended = next;
                }
                if recommended < interval {
                    possible += 1;
                }
            }
            valid = possible >= attempts;
        }
        "fibonacci" => {
            let mut slots = vec![delay, delay];
            let mut ceiling = false;
            for i in 2..attempts.max(2) as usize {
                let next = if ceiling {
                    slots[i - 1].saturating_add(max)
                } else {
                    let n = slots[i - 1].saturating_add(slots[i - 2]);
                    if n > max {
                        ceiling = true;
                        max
                    } else {
                        n
                    }
                };
                slots.push(next);
            }
            recommended = *slots.last().unwrap_or(&delay);
            if interval < recommended {
                valid = false;
                if let Some(i) = slots.iter().position(|s| *s > interval) {
                    possible = i as i64;
                }
            }
        }
        _ => return Some((0, Duration(0))),
    }
    (!valid).then_some((possible.max(0), Duration(recommended)))
}

/// Go's `Duration.Round(time.Second)`: halves away from zero.
fn round_secs(d: Duration) -> Duration {
    let s = 1_000_000_000;
    let n = d.nanos();
    let r = n % s;
    let down = n - r;
    Duration(if r + r < s { down } else { down + s })
}

/// The group's update and migrate blocks: refused outside the job types
/// that use them (`Job type "batch" does not allow update block`), else
/// validated.
pub(super) fn update_and_migrate(job: &Job, g: &TaskGroup, v: NomadVersion, out: &mut Out<'_>) {
    // Since 0.6 ("Disallow update stanza on batch jobs"): only service and
    // system jobs roll updates out.
    if let Some(u) = &g.update {
        if !matches!(job.job_type, JobType::Service | JobType::System) {
            let job_block = job.update.as_ref().and_then(|j| j.spans.block);
            let help = if super::validate_job::type_known(job) {
                "remove the update block: batch and sysbatch jobs have no rolling updates"
            } else {
                "only service and system jobs roll updates out: fix the job's type"
            };
            disallowed(job, g, "update", u.spans.block.or(job_block), help, out);
        }
        update(g, u, v, out);
    }
    // Only service jobs migrate allocations off draining nodes; a job's
    // migrate block reaches every group (api TaskGroup.Canonicalize).
    if let Some(m) = &g.migrate {
        if job.job_type != JobType::Service {
            let job_block = job.migrate.as_ref().and_then(|j| j.spans.block);
            let help = if super::validate_job::type_known(job) {
                "remove the migrate block: only service jobs migrate allocations off draining nodes"
            } else {
                "only service jobs migrate allocations off draining nodes: fix the job's type"
            };
            disallowed(job, g, "migrate", m.spans.block.or(job_block), help, out);
        } else {
            migrate(g, m, v, out);
        }
    }
}

/// `Job type "batch" does not allow <block> block`, at the block.
fn disallowed(
    job: &Job,
    g: &TaskGroup,
    block: &str,
    span: Option<Span>,
    help: &str,
    out: &mut Out<'_>,
) {
    // %q of the type as written (`"zz"` for a type Nomad does not know).
    let name = crate::gotext::go_quote(super::validate_job::type_name(job));
    let text = format!("Job type {name} does not allow {block} block");
    let label = format!("{block} block");
    out.push(
        text.clone(),
        "jobspec::value",
        at(span.or(g.spans.label), text, &label, help),
    );
}

/// `UpdateStrategy.Validate` on the group's merged, canonicalised update.
pub(super) fn update(g: &TaskGroup, u: &UpdateStrategy, v: NomadVersion, out: &mut Out<'_>) {
    policy_item(v, out, |out| {
        let sp = |f: &str| span_of(&u.spans, f, g);
        if !matches!(u.health_check.as_str(), "checks" | "task_states" | "manual") {
            let text = format!("Invalid health check given: {}", go_q(&u.health_check));
            let help = "use health_check = \"checks\", \"task_states\" or \"manual\"";
            err(
                out,
                CODE,
                sp("health_check"),
                text,
                "unknown health check",
                help,
            );
        }
        if !v.at_least(0, 10, 0) {
            if u.max_parallel < 1 {
                let text = format!(
                    "Max parallel can not be less than one: {} < 1",
                    u.max_parallel
                );
                let help = "before Nomad 0.10 max_parallel must be 1 or more";
                err(out, CODE, sp("max_parallel"), text, "below one", help);
            }
        } else if u.max_parallel < 0 {
            let text = format!(
                "Max parallel can not be less than zero: {} < 0",
                u.max_parallel
            );
            let help = "use max_parallel = 0 (no rolling updates) or more";
            err(out, CODE, sp("max_parallel"), text, "negative", help);
        }
        if u.canary < 0 {
            let text = format!("Canary count can not be less than zero: {} < 0", u.canary);
            let help = "use canary = 0 or more";
            err(out, CODE, sp("canary"), text, "negative", help);
        }
        if u.canary == 0 && u.auto_promote {
            let text = "Auto Promote requires a Canary count greater than zero";
            let help = "set canary to 1 or more, or remove auto_promote";
            err(
                out,
                CODE,
                sp("auto_promote"),
                text,
                "no canaries to promote",
                help,
            );
        }
        if u.min_healthy_time.nanos() < 0 {
            let text = format!(
                "Minimum healthy time may not be less than zero: {}",
                u.min_healthy_time
            );
            let help = "use a min_healthy_time of 0s or more";
            err(out, CODE, sp("min_healthy_time"), text, "negative", help);
        }
        if u.healthy_deadline.nanos() <= 0 {
            let text = format!(
                "Healthy deadline must be greater than zero: {}",
                u.healthy_deadline
            );
            let help = "give healthy_deadline a positive duration";
            err(
                out,
                CODE,
                sp("healthy_deadline"),
                text,
                "not positive",
                help,
            );
        }
        if u.progress_deadline.nanos() < 0 {
            let text = format!(
                "Progress deadline must be zero or greater: {}",
                u.progress_deadline
            );
            let help = "use progress_deadline = 0 (none) or a positive duration";
            err(out, CODE, sp("progress_deadline"), text, "negative", help);
        }
        if u.min_healthy_time >= u.healthy_deadline {
            let text = format!(
                "Minimum healthy time must be less than healthy deadline: {} > {}",
                u.min_healthy_time, u.healthy_deadline
            );
            let help = "an allocation must be able to stay healthy for min_healthy_time before healthy_deadline passes";
            err(
                out,
                CODE,
                sp("min_healthy_time"),
                &text,
                "not below healthy_deadline",
                help,
            );
        }
        if u.progress_deadline.nanos() != 0 && u.healthy_deadline >= u.progress_deadline {
            let text = format!(
                "Healthy deadline must be less than progress deadline: {} > {}",
                u.healthy_deadline, u.progress_deadline
            );
            let help = "raise progress_deadline above healthy_deadline, or set it to 0";
            err(
                out,
                CODE,
                sp("progress_deadline"),
                &text,
                "not above healthy_deadline",
                help,
            );
        }
        if u.stagger.nanos() <= 0 {
            let text = format!("Stagger must be greater than zero: {}", u.stagger);
            let help = "give stagger a positive duration";
            err(out, CODE, sp("stagger"), text, "not positive", help);
        }
    });
}

/// `MigrateStrategy.Validate` (service jobs; other types are refused the
/// block in validate.rs).
pub(super) fn migrate(g: &TaskGroup, m: &MigrateStrategy, v: NomadVersion, out: &mut Out<'_>) {
    policy_item(v, out, |out| {
        let sp = |f: &str| span_of(&m.spans, f, g);
        if m.max_parallel < 0 {
            let text = format!("MaxParallel must be >= 0 but found {}", m.max_parallel);
            let help = "use max_parallel = 0 or more";
            err(out, CODE, sp("max_parallel"), text, "negative", help);
        }
        match m.health_check.as_str() {
            "checks" | "task_states" => {}
            "" => {
                if m.max_parallel > 0 {
                    let text = "Missing HealthCheck";
                    let help = "use health_check = \"checks\" or \"task_states\"";
                    err(out, CODE, sp("health_check"), text, "empty", help);
                }
            }
            other => {
                let text = format!("Invalid HealthCheck: {}", go_q(other));
                let help = "use health_check = \"checks\" or \"task_states\"";
                err(
                    out,
                    CODE,
                    sp("health_check"),
                    text,
                    "unknown health check",
                    help,
                );
            }
        }
        if m.min_healthy_time.nanos() < 0 {
            let text = format!("MinHealthyTime is {} and must be >= 0", m.min_healthy_time);
            let help = "use a min_healthy_time of 0s or more";
            err(out, CODE, sp("min_healthy_time"), text, "negative", help);
        }
        if m.healthy_deadline.nanos() < 0 {
            let text = format!("HealthyDeadline is {} and must be >= 0", m.healthy_deadline);
            let help = "use a healthy_deadline of 0s or more";
            err(out, CODE, sp("healthy_deadline"), text, "negative", help);
        }
        if m.min_healthy_time > m.healthy_deadline {
            let text = "MinHealthyTime must be less than HealthyDeadline";
            let help = "an allocation must be able to stay healthy for min_healthy_time before healthy_deadline passes";
            err(
                out,
                CODE,
                sp("min_healthy_time"),
                text,
                "above healthy_deadline",
                help,
            );
        }
    });
}

fn go_q(s: &str) -> String {
    crate::gotext::go_quote(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(attempts: i64, interval: i64, delay: i64, f: &str, max: i64) -> ReschedulePolicy {
        ReschedulePolicy {
            attempts,
            interval: Duration::secs(interval),
            delay: Duration::secs(delay),
            delay_function: f.into(),
            max_delay: Duration::secs(max),
            ..ReschedulePolicy::default()
        }
    }

    #[test]
    fn viable_attempts_as_nomad_counts_them() {
        // Worked by hand through viableAttempts (structs.go, v2.0.5).
        // constant: 3 × 10s does not fit in 25s; 2 do.
        let r = policy(3, 25, 10, "constant", 0);
        assert_eq!(unviable(&r), Some((2, Duration::secs(30))));
        // exponential 5s doubling, ceiling 20s: 5, 10, 20 fit in 25s; the
        // 4th hits the ceiling and the sum (40s) does not.
        let r = policy(4, 25, 5, "exponential", 20);
        assert_eq!(unviable(&r), Some((3, Duration::secs(40))));
        assert_eq!(unviable(&policy(2, 3600, 5, "exponential", 60)), None);
        // fibonacci 5,5,10,15 in 12s: the slot over 12s is the 4th.
        let r = policy(4, 12, 5, "fibonacci", 60);
        assert_eq!(unviable(&r), Some((3, Duration::secs(15))));
    }

    #[test]
    fn rounds_to_the_second_as_go_does() {
        assert_eq!(round_secs(Duration(1_499_999_999)), Duration::secs(1));
        assert_eq!(round_secs(Duration(1_500_000_000)), Duration::secs(2));
    }
}
