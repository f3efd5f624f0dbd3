use crate::mutators::registration;
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Flags every job when the world's scheduler configuration sets
    /// `reject_job_registration` (Nomad 1.2.4+; an import's
    /// `RejectJobRegistration`), judged as the world's release judges the
    /// caller: from 1.2.4 to 1.6.x every submission is refused unless ACLs
    /// are on and the token is a management one; from 1.7.0 only a
    /// non-management token is refused (ACLs off make every caller
    /// management).
    ///
    /// ## Why is this bad?
    /// `nomad job plan` never reads the setting and prints its usual plan,
    /// but `nomad job run` fails with `Error submitting job: Unexpected
    /// response code: 403 (Job registration, dispatch, and scale are
    /// disabled by the scheduler configuration)`.
    ///
    /// ## Example
    /// ```hcl
    /// # rules/cluster.hcl
    /// scheduler {
    ///   reject_job_registration = true   # load shedding on
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Submit once the operators turn load shedding off (`nomad operator
    /// scheduler set-config -reject-job-registration=false`), or with a
    /// management token.
    pub struct RegistrationRefused {
        code: "NP219",
        name: "registration-refused",
        severity: Error,
        summary: "The servers refuse job registrations (reject_job_registration)",
        needs: Simulation,
    }
}

impl Rule for RegistrationRefused {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(job) = ctx.job() else {
            return;
        };
        let Some(r) = registration::refused(ctx.world) else {
            return;
        };
        let help = match r.unless() {
            Some(_) => "submit once load shedding is off (`nomad operator scheduler set-config -reject-job-registration=false`), or with a management token",
            None => "submit once load shedding is off (`nomad operator scheduler set-config -reject-job-registration=false`); with ACLs off no token helps before Nomad 1.7",
        };
        out.push(
            ctx.finding(
                &Self::META,
                job.spans.label.or(job.spans.block),
                "`nomad job run` is refused",
                r.line(),
            )
            .help(help),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;
    use crate::version::NomadVersion;

    const JOB: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"a\" {\n      driver = \"docker\"\n    }\n  }\n}\n";

    fn findings(version: NomadVersion, reject: bool, acl: Option<bool>) -> Vec<Finding> {
        let mut world = world();
        world.nomad_version = version;
        world.scheduler.reject_job_registration = reject;
        world.server.acl_enabled = acl;
        let sim = simulate(&world);
        let p = load("web.nomad", JOB);
        let mut out = Vec::new();
        RegistrationRefused.check(&RuleContext::new(&p, &world, Some(&sim)), &mut out);
        out
    }

    #[test]
    fn flags_every_job_while_registrations_are_rejected() {
        let out = findings(NomadVersion::new(1, 6, 0), true, Some(false));
        assert_eq!(out.len(), 1);
        assert!(out[0].message.contains("403 (Job registration, dispatch, and scale are disabled by the scheduler configuration)"), "{out:?}");
    }

    #[test]
    fn off_before_1_2_4_or_with_acls_off_from_1_7() {
        assert!(findings(NomadVersion::new(1, 6, 0), false, None).is_empty());
        assert!(findings(NomadVersion::new(1, 2, 3), true, None).is_empty());
        assert!(findings(NomadVersion::new(1, 7, 0), true, Some(false)).is_empty());
        assert_eq!(
            findings(NomadVersion::new(1, 7, 0), true, Some(true)).len(),
            1
        );
    }
}
