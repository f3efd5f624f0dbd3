use crate::planner::admission::Refusal;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Flags a task whose `vault` block lacks what Nomad 1.7+'s job
    /// validation asks of it (nomad/job_endpoint_hooks.go
    /// `validateVaultIdentity`), judged on the job as the servers' implicit
    /// identities leave it: from 1.7 a task of a Vault cluster other than
    /// `default` needs an identity named `vault_<cluster>`; from 1.7 to 1.9
    /// a task of the default cluster without a Vault identity (none
    /// written, no `vault { default_identity { ... } }` on the servers)
    /// uses the legacy token flow, which needs `policies`.
    ///
    /// ## Why is this bad?
    /// The servers refuse the job: `nomad job plan` fails with `Error
    /// during plan: ... Task api has a Vault block with an empty list of
    /// policies`, and so does `nomad job run`.
    ///
    /// ## Example
    /// ```hcl
    /// task "api" {
    ///   vault {}   # Nomad 1.8, servers without a Vault default_identity
    /// }
    /// ```
    ///
    /// ## Use instead
    /// List the task's Vault policies, or give it a Vault workload identity
    /// (`identity { name = "vault_default" aud = ["vault.io"] ttl = "1h" }`,
    /// or `default_identity` in the servers' `vault` block and in the world).
    pub struct VaultIdentity {
        code: "NP212",
        name: "vault-identity-missing",
        severity: Error,
        summary: "A task's Vault block has neither the identity nor the policies Nomad needs",
        needs: Simulation,
    }
}

impl Rule for VaultIdentity {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(job) = ctx.job() else {
            return;
        };
        for r in ctx.refusals() {
            let Refusal::VaultIdentity {
                group,
                task,
                message,
            } = r
            else {
                continue;
            };
            let span = job
                .groups
                .get(*group)
                .and_then(|g| g.tasks.iter().find(|t| &t.name == task))
                .and_then(|t| t.vault.as_ref().and(t.spans.best("vault")))
                .or_else(|| super::vault_span(job));
            out.push(
                ctx.finding(&Self::META, span, "no Vault identity or policies", message.clone())
                    .help("list the task's Vault policies, or give it a Vault workload identity (`identity { name = \"vault_default\" ... }`)"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;
    use crate::version::NomadVersion;
    use crate::world::VaultCluster;

    fn findings(version: NomadVersion, vault: &str) -> Vec<Finding> {
        let mut world = world();
        world.nomad_version = version;
        world.server.declared = true;
        world.server.vaults = vec![VaultCluster {
            name: "default".into(),
            enabled: true,
            allow_unauthenticated: true,
        }];
        let sim = simulate(&world);
        let job = format!("job \"web\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    task \"a\" {{\n      driver = \"docker\"\n{vault}    }}\n  }}\n}}\n");
        let p = load_at("web.nomad", &job, version);
        let mut out = Vec::new();
        VaultIdentity.check(&RuleContext::new(&p, &world, Some(&sim)), &mut out);
        out
    }

    #[test]
    fn a_vault_block_without_policies_or_identity_is_refused_from_1_7_to_1_9() {
        let bare = "      vault {}\n";
        let out = findings(NomadVersion::new(1, 8, 0), bare);
        assert_eq!(out.len(), 1, "{out:?}");
        assert!(
            crate::diag::render(&out, false)
                .contains("Task a has a Vault block with an empty list of policies"),
            "{out:?}"
        );
        // 1.6 refuses it in Vault.Validate (a validation error, not this
        // rule); 1.10 dropped the legacy flow's check.
        assert!(findings(NomadVersion::new(1, 6, 0), bare).is_empty());
        assert!(findings(NomadVersion::new(1, 10, 0), bare).is_empty());
        // Policies, or a Vault identity, satisfy it.
        let policies = "      vault {\n        policies = [\"p\"]\n      }\n";
        assert!(findings(NomadVersion::new(1, 8, 0), policies).is_empty());
        let identity = "      vault {}\n      identity {\n        name = \"vault_default\"\n        aud  = [\"vault.io\"]\n        ttl  = \"1h\"\n      }\n";
        assert!(findings(NomadVersion::new(1, 8, 0), identity).is_empty());
    }
}
