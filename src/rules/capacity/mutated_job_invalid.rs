use crate::planner::admission::Refusal;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Flags a job that Nomad's job validation refuses only once the
    /// servers' admission mutators have changed it: `jobValidate` runs
    /// `Job.Validate` after every mutator (nomad/job_endpoint.go
    /// `admissionControllers`). Above all the identities
    /// `jobImplicitIdentitiesHook` (1.7+) copies from the servers' agent
    /// config: a `consul { service_identity { } }` without `aud` fails every
    /// Consul service, a negative `ttl` or (1.9+) a `filepath` without
    /// `file = true` fails every task that receives the identity.
    ///
    /// ## Why is this bad?
    /// The job file validates on its own, but the servers refuse it:
    /// `nomad job plan` fails with `Error during plan: ... Service identity
    /// must provide at least one target aud value`, and so does `nomad job
    /// run`.
    ///
    /// ## Example
    /// ```hcl
    /// # rules/cluster.hcl, Nomad 1.8: the servers' consul block
    /// server {
    ///   consul {
    ///     service_identity {
    ///       ttl = "1h"   # no aud
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Give the servers' identity an audience (`aud = ["consul.io"]`), or
    /// give each Consul service its own `identity { aud = [...] }` (the
    /// servers' one is then not used).
    pub struct MutatedJobInvalid {
        code: "NP214",
        name: "mutated-job-invalid",
        severity: Error,
        summary: "Nomad's job validation refuses the job as the servers' admission mutators leave it",
        needs: Simulation,
    }
}

impl Rule for MutatedJobInvalid {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(job) = ctx.job() else {
            return;
        };
        for r in ctx.refusals() {
            let Refusal::JobValidate { added, .. } = r else {
                continue;
            };
            for message in added {
                out.push(
                    ctx.finding(&Self::META, job.spans.label, "refused after the servers' mutators", one_line(message))
                        .help("what the servers add comes from their agent config (the `server` block of rules/cluster.hcl): give its identities an `aud`, a `ttl` of 0 or more, and `file = true` beside `filepath`"),
                );
            }
        }
    }
}

/// A nested multierror item (`Task group g validation failed: 1 error
/// occurred:\n\t* ...`) as one line: each level's error, in order.
fn one_line(message: &str) -> String {
    let parts: Vec<&str> = message
        .lines()
        .map(|l| l.trim().trim_start_matches("* "))
        .map(|l| {
            // go-multierror's header ends each level's own text.
            l.rsplit_once(": ")
                .filter(|(_, tail)| tail.ends_with(" occurred:"))
                .map_or(l, |(head, _)| head)
        })
        .filter(|l| !l.is_empty() && !l.ends_with(" occurred:"))
        .collect();
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_nested_error_reads_as_one_line() {
        let nested = "Task group g validation failed: 1 error occurred:\n\t* Service[0] api validation failed: 1 error occurred:\n\t* Service identity must provide at least one target aud value\n\n\n\n";
        assert_eq!(
            super::one_line(nested),
            "Task group g validation failed: Service[0] api validation failed: Service identity must provide at least one target aud value"
        );
    }
}
