use crate::mutators::vault;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Flags a job with a `vault` block when the world does not say whether
    /// the servers enable Vault (no `server { vault { enabled = ... } }` in
    /// rules/cluster.hcl, no agent-self.json in an import), or when the
    /// servers check the submitter's Vault token against Vault
    /// (`allow_unauthenticated = false`, before 1.10). Whether Nomad accepts
    /// the job then depends on what nomad-preflight cannot see.
    ///
    /// ## Why is this bad?
    /// A check that passed here could still be refused by the servers
    /// (`Vault not enabled but used in the job`): a false all-clear. So
    /// the check says it cannot tell, as `plan` does (exit 255 from 1.3,
    /// where the plan itself checks Vault).
    ///
    /// ## Example
    /// ```hcl
    /// task "api" {
    ///   vault {
    ///     policies = ["api-read"]   # does the cluster run Vault?
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// State the servers' Vault setting in rules/cluster.hcl:
    /// `server { vault { enabled = true } }` (or `false`).
    pub struct VaultUnknown {
        code: "NP211",
        name: "vault-unknown",
        severity: Error,
        summary: "The job uses Vault and the world does not say whether the servers accept it",
        needs: World,
        answer: crate::rules::Answer::CannotTell,
    }
}

impl Rule for VaultUnknown {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(job) = ctx.job() else {
            return;
        };
        let Some(unknown) =
            vault::unknown(ctx.world, job).or_else(|| vault::run_unknown(ctx.world, job))
        else {
            return;
        };
        let span = super::vault_span(job);
        let help = match unknown.why {
            vault::VaultUnknownWhy::NamespaceOrder { .. } => {
                "use one Vault namespace, or none, on a community cluster"
            }
            _ => "state the servers' Vault setting in the world: `server { vault { enabled = true } }` in rules/cluster.hcl",
        };
        out.push(
            ctx.finding(&Self::META, span, "uses Vault", unknown.line(job))
                .help(help),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;
    use crate::version::NomadVersion;

    const JOB: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"a\" {\n      driver = \"docker\"\n      vault {\n        policies = [\"p\"]\n      }\n    }\n  }\n}\n";

    fn findings(version: NomadVersion, declared: bool) -> Vec<Finding> {
        let mut world = world();
        world.nomad_version = version;
        world.server.declared = declared;
        let p = load("web.nomad", JOB);
        let mut out = Vec::new();
        VaultUnknown.check(&RuleContext::new(&p, &world, None), &mut out);
        out
    }

    #[test]
    fn says_it_cannot_tell_when_the_world_is_silent() {
        let out = findings(NomadVersion::new(1, 6, 0), false);
        assert_eq!(out.len(), 1);
        crate::assert_snap!("rule_np211_vault_unknown", crate::diag::render(&out, false));
    }

    #[test]
    fn a_stated_server_is_known() {
        assert!(findings(NomadVersion::new(1, 6, 0), true).is_empty());
    }
}
