use crate::mutators::vault;
use crate::planner::admission::Refusal;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Flags a job with a `vault` block when the world's servers do not
    /// enable that Vault cluster (the agent's `vault { enabled = true }`,
    /// stated in the `server` block of rules/cluster.hcl or an import's
    /// agent-self.json). Judged as the world's release judges it: from 1.3
    /// the Plan RPC's Vault hook refuses the job; before, only `nomad job
    /// run` did.
    ///
    /// ## Why is this bad?
    /// The server refuses the job at submission: from 1.3 `nomad job plan`
    /// fails with `Error during plan: ... Vault not enabled but used in the
    /// job` (`Vault "default" not enabled ...` from 1.7); before 1.3 the plan
    /// passes and `nomad job run` fails with `Vault not enabled and Vault
    /// policies requested`.
    ///
    /// ## Example
    /// ```hcl
    /// task "api" {
    ///   vault {
    ///     policies = ["api-read"]   # the servers run without Vault
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Enable Vault on the servers (and say so in the world), or remove the
    /// job's `vault` blocks.
    pub struct VaultNotEnabled {
        code: "NP210",
        name: "vault-not-enabled",
        severity: Error,
        summary: "The job uses a Vault cluster the servers do not enable",
        needs: Simulation,
    }
}

impl Rule for VaultNotEnabled {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(job) = ctx.job() else {
            return;
        };
        let refused = ctx.refusals().iter().find_map(|r| match r {
            Refusal::VaultNotEnabled { message } => Some(message.clone()),
            _ => None,
        });
        let Some(message) = refused.or_else(|| vault::run_refusal(ctx.world, job)) else {
            return;
        };
        let span = super::vault_span(job);
        out.push(
            ctx.finding(&Self::META, span, "Vault is not enabled on the servers", message)
                .help("enable Vault on the servers and state it in the world (`server { vault { enabled = true } }`), or remove the `vault` block"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;
    use crate::version::NomadVersion;
    use crate::world::VaultCluster;

    const JOB: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"a\" {\n      driver = \"docker\"\n      vault {\n        policies = [\"p\"]\n      }\n    }\n  }\n}\n";

    fn findings(version: NomadVersion, enabled: Option<bool>) -> Vec<Finding> {
        let mut world = world();
        world.nomad_version = version;
        if let Some(enabled) = enabled {
            world.server.declared = true;
            world.server.vaults = vec![VaultCluster {
                name: "default".into(),
                enabled,
                allow_unauthenticated: true,
            }];
        }
        let sim = simulate(&world);
        let p = load_at("web.nomad", JOB, version);
        let mut out = Vec::new();
        VaultNotEnabled.check(&RuleContext::new(&p, &world, Some(&sim)), &mut out);
        out
    }

    #[test]
    fn flags_vault_the_servers_do_not_enable_with_nomads_text() {
        let out = findings(NomadVersion::new(1, 6, 0), Some(false));
        assert_eq!(out.len(), 1);
        crate::assert_snap!(
            "rule_np210_vault_not_enabled",
            crate::diag::render(&out, false)
        );
        // Before 1.3 the run refuses it, in Register's words.
        let old = findings(NomadVersion::new(1, 2, 0), Some(false));
        assert!(
            crate::diag::render(&old, false)
                .contains("Vault not enabled and Vault policies requested"),
            "{old:?}"
        );
    }

    #[test]
    fn enabled_or_unstated_is_not_this_rule() {
        assert!(findings(NomadVersion::new(1, 6, 0), Some(true)).is_empty());
        // Unstated is NP211's: we cannot know.
        assert!(findings(NomadVersion::new(1, 6, 0), None).is_empty());
    }
}
