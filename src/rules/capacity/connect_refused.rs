use crate::planner::admission::Refusal;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Flags a Consul Connect service that Nomad's Connect admission hook
    /// (nomad/job_endpoint_hook_connect.go) refuses, as the world's release
    /// judges it: a sidecar outside `bridge` or `cni/*` networking (a
    /// gateway may also use `host`), a group with other than one network,
    /// upper case in a sidecar's service or group name, a native service
    /// whose task is ambiguous or missing, a mesh gateway without a port.
    ///
    /// ## Why is this bad?
    /// The server refuses the job at submission: `nomad job plan` fails with
    /// `Error during plan: ... connect sidecar: invalid network mode for
    /// Consul Connect: ...`, and `nomad job run` with the same error.
    ///
    /// ## Example
    /// ```hcl
    /// group "api" {
    ///   network {
    ///     mode = "host"
    ///   }
    ///   service {
    ///     name = "api"
    ///     connect {
    ///       sidecar_service {}
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Give the group one `network` block with `mode = "bridge"` (or a CNI
    /// network), and lower-case service and group names.
    pub struct ConnectRefused {
        code: "NP209",
        name: "connect-refused",
        severity: Error,
        summary: "Nomad's Connect admission hook refuses the job",
        needs: Simulation,
    }
}

impl Rule for ConnectRefused {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(job) = ctx.job() else {
            return;
        };
        for refusal in ctx.refusals() {
            let Refusal::Connect { message, .. } = &refusal else {
                continue;
            };
            // Point at the connect block of the group the message names.
            let span = job
                .groups
                .iter()
                .filter(|g| message.contains(&crate::gotext::go_quote(&g.name)))
                .chain(job.groups.iter())
                .flat_map(|g| &g.services)
                .find(|s| s.connect.is_some())
                .and_then(|s| s.spans.best("connect"))
                .or(job.spans.label);
            out.push(
                ctx.finding(&Self::META, span, "refused by Nomad's Connect hook", message)
                    .help(
                        "give the group one `network` with mode \"bridge\" (or \"cni/*\"; gateways may use \"host\"), lower-case names, and name the task of a native service",
                    ),
            );
        }
    }
}
