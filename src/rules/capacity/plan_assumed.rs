use crate::planner::assumed::Setting;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Says what the job's plan assumed of the cluster because the world
    /// does not state it, where the plan rests on it: the servers' identity
    /// settings (1.7+) or `job_default_priority` (1.5+) without a `server`
    /// block, no Sentinel policy in a Nomad Enterprise world without
    /// `sentinel`, the scheduler's preemption and memory oversubscription
    /// settings, and the Consul, Vault and CNI attributes a hand-written
    /// client pool does not state but the job's placement reads.
    ///
    /// ## Why is this bad?
    /// The check's other verdicts rest on those assumptions: a cluster
    /// whose servers or clients differ can answer otherwise. `plan` says the
    /// same notes, from the same plan (`Preflight.Assumed` in JSON). It is
    /// advice: it never fails the check on its own.
    ///
    /// ## Example
    /// ```hcl
    /// # rules/cluster.hcl states no `sentinel` in an Enterprise world,
    /// # or a client pool without `attributes` runs this service:
    /// service {
    ///   name = "web"   # Nomad adds ${attr.consul.version} >= 1.8.0
    /// }
    /// ```
    ///
    /// ## Use instead
    /// State it in the world, as the note says: a `server` block,
    /// `sentinel = "none"` or `"policies"`, the pool's `attributes`
    /// (`"consul.version" = ""` for none).
    pub struct PlanAssumed {
        code: "NP221",
        name: "plan-assumed",
        severity: Advice,
        summary: "The plan rests on a setting the world does not state",
        needs: Simulation,
    }
}

impl Rule for PlanAssumed {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(job) = ctx.job() else { return };
        for a in ctx.assumed() {
            let label = match a.setting {
                Setting::ServerIdentities(_) => "the servers' identities assumed unset",
                Setting::ConsulAllowUnauthenticated(_) => {
                    "the servers' Consul allow_unauthenticated assumed"
                }
                Setting::JobDefaultPriority => "the servers' default priority assumed",
                Setting::Sentinel => "no Sentinel policy assumed",
                Setting::ClientFingerprints => "the clients' Consul, Vault and CNI assumed",
                Setting::ClientPlatform => "the clients' platform assumed",
                Setting::ClientVersion => "the clients' Nomad release assumed",
                Setting::SchedulerPreemption => "the scheduler's default preemption assumed",
                Setting::SchedulerAlgorithm => "the scheduler's default algorithm assumed",
                Setting::MemoryOversubscription => {
                    "the scheduler's default memory oversubscription assumed"
                }
                Setting::ReplacedJobRunning => "a replaced job counted as still running",
                Setting::RunningFromWorkTree(_) => "an edited running file assumed submitted",
                Setting::RunningFromHead(_) => "a running file that does not load run as committed",
                Setting::NomadDir(_) => "relative file paths read from where `nomad` runs",
            };
            let help = match a.setting {
                Setting::ReplacedJobRunning => {
                    "nothing to do when the deploy runs only `nomad job run`; see the message when it stops the old job"
                }
                Setting::NomadDir(_) => {
                    "run from the folder your deploy runs `nomad` from, or pass --nomad-dir DIR"
                }
                _ => "state it in the world (see the message): the note goes away",
            };
            out.push(
                ctx.finding(&Self::META, job.spans.label, label, a.line.clone())
                    .help(help),
            );
        }
    }
}
