use crate::rules::{Finding, Rule, RuleContext, RuleMeta};
use crate::world::guess::WorldGuess;

crate::declare_rule! {
    /// ## What it does
    /// Flags a job that something the world's loader guessed concerns:
    /// the world states no Nomad release (cluster.hcl without
    /// `nomad_version`, an import without a usable agent-self.json), an
    /// import file the job's verdict reads is absent or empty, the world
    /// does not list its namespaces and the job's verdict reads its
    /// namespace (no rules/namespaces/ folder, no namespaces.json), a
    /// quota's network limit (Nomad 0.10–0.12) limits the job's namespace
    /// and the job asks for a network, or a client's host network was
    /// taken as matching (a cidr or go-sockaddr template the loader could
    /// not evaluate) and the job has ports.
    ///
    /// ## Why is this bad?
    /// The world warns of each guess when it loads; the verdict on such a
    /// job rests on it, so nomad-preflight cannot tell whether Nomad
    /// accepts and places the job. `plan` says so and exits 255 instead of
    /// printing Nomad's text; this rule is the same verdict, from the same
    /// check (`planner::world_guess`).
    ///
    /// ## Example
    /// ```hcl
    /// # rules/cluster.hcl without nomad_version
    /// job "web" {
    ///   group "g" {
    ///     task "t" { driver = "docker" }
    ///   }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// State what the world guessed: `nomad_version = "X.Y.Z"` (or
    /// `--nomad-version`), no network limit in the quota, host network
    /// cidrs the client's Go reads and plain interface names.
    pub struct WorldGuessRule {
        code: "NP216",
        name: "world-guess",
        severity: Error,
        summary: "The job's verdict rests on something the world guessed",
        needs: World,
        answer: crate::rules::Answer::CannotTell,
    }
}

/// The labels of the guesses that are an entry of the servers' list
/// (`planner::entry_unknown`): a refused file's list would hold them too,
/// so `check` says them beside its errors (`check::root_cause`).
pub const NAMESPACES_NOT_LISTED: &str = "namespaces not listed";
pub const CLUSTERS_NOT_SIMULATED: &str = "namespace clusters not simulated";

impl Rule for WorldGuessRule {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(job) = ctx.job() else { return };
        let Some(guess) = crate::planner::world_guess(ctx.world, job) else {
            return;
        };
        let label = match guess {
            WorldGuess::Version { .. } => "release not stated",
            WorldGuess::NetworkQuota { .. } => "network quota not simulated",
            WorldGuess::HostNetwork { .. } => "host network guessed",
            WorldGuess::NotSaved { .. } => "import file not saved",
            WorldGuess::AllocState { .. } => "allocation state not simulated",
            WorldGuess::Deployment { .. } => "deployment not simulated",
            WorldGuess::Namespace { .. } => NAMESPACES_NOT_LISTED,
            WorldGuess::NamespaceClusters { .. } => CLUSTERS_NOT_SIMULATED,
            WorldGuess::PoolConfig(_) => "node pool settings not stated",
            WorldGuess::NamespacePools(_) => "namespace node pools not simulated",
        };
        out.push(
            ctx.finding(&Self::META, job.spans.label, label, guess.line(job))
                .help(guess.hint()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::{Diag, Diags};
    use crate::rules::testing::*;

    const PORTS: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    network {\n      port \"http\" {}\n    }\n    task \"t\" {\n      driver = \"docker\"\n    }\n  }\n}\n";

    fn findings(world: &crate::world::World, text: &str) -> Vec<Finding> {
        let p = load("web.nomad", text);
        let mut out = Vec::new();
        WorldGuessRule.check(&RuleContext::new(&p, world, None), &mut out);
        out
    }

    #[test]
    fn a_guess_concerns_the_jobs_it_reaches() {
        let mut w = world();
        assert!(findings(&w, PORTS).is_empty(), "no guess, no finding");
        w.warnings = Diags(vec![Diag::warning(
            crate::world::guess::HOST_NETWORK,
            "client `a`: host_network \"x\": cannot tell",
        )]);
        assert_eq!(findings(&w, PORTS).len(), 1);
        let no_ports = PORTS.replace("    network {\n      port \"http\" {}\n    }\n", "");
        assert!(findings(&w, &no_ports).is_empty(), "no ports, no guess");
        w.warnings = Diags(vec![Diag::warning(
            crate::world::guess::NO_VERSION,
            "cluster.hcl sets no nomad_version; simulating Nomad 2.0.5",
        )]);
        let f = findings(&w, &no_ports);
        assert_eq!(f.len(), 1);
        assert!(
            f[0].message.contains("does not say which Nomad release"),
            "{}",
            f[0].message
        );
    }
}
