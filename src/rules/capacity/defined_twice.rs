use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Flags a job file defining a job (namespace and ID, in the world's
    /// region) that another file defines too: the world's `running` file
    /// of the job, left in place, or another file checked in the same run
    /// (the second in path order names the first). Nomad registers a job by
    /// namespace and ID whichever file it comes from (`Job.Register` looks
    /// it up with `snap.JobByID`, nomad/job_endpoint.go v0.9.3:108), so
    /// `nomad job run` on either file replaces what the other registered,
    /// and stops every group the other defines and this one lacks
    /// (scheduler/reconcile.go v0.9.3:310-320). A file moved (renamed, or
    /// deleted and the job written in another) is one definition, and so is
    /// one file reached through a link.
    ///
    /// For a job `policy.hcl` protects, `check` reports
    /// `policy::defined-twice` instead: the plan gate's refusal in the same
    /// words, which no selection (`--ignore`, `--select`), configuration
    /// (`.nomad-preflight.hcl`, `policy.hcl` rule levels or path ignores)
    /// or suppression comment silences. Taking the job out of `protected`
    /// (policy.hcl, read at the base in `--base` mode) is the operator's
    /// explicit way to open that gate.
    ///
    /// ## Why is this bad?
    /// The two files overwrite each other's registration, whichever is run
    /// last winning: a new file redefining a running job destroys the
    /// allocations of the groups it lacks while the job's own file, never
    /// touched, shows no change.
    ///
    /// ## Example
    /// ```hcl
    /// # jobs/zz.nomad; the world runs job "web" from jobs/web.nomad
    /// job "web" {
    ///   group "g" {}
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Give the job its own ID (or namespace); to move a job into a new
    /// file, delete or rename the old file in the same change (and its
    /// `running` entry in rules/cluster.hcl). Test fixtures that copy a
    /// running job on purpose are left out with `.nomad-preflight.hcl`'s
    /// `exclude` or `per_file_ignores`.
    pub struct DefinedTwice {
        code: "NP229",
        name: "defined-twice",
        severity: Error,
        summary: "Another file defines the same job (namespace and ID): `nomad job run` on either replaces the other",
        needs: World,
    }
}

impl DefinedTwice {
    /// The code the selection names: a `select` list that omits it leaves
    /// it on ([`crate::config`]'s selection), only an ignore turns it off.
    pub const CODE: &'static str = Self::META.code;
}

impl Rule for DefinedTwice {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    /// Found across files by `check`'s pass over all of a run's files
    /// ([`crate::changeset::defined_twice`]), which hands each file its
    /// findings through the context ([`RuleContext::cross_file`]); reported
    /// here so that the policy's levels and path ignores and the file's
    /// suppression comments apply to them as to any rule's.
    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        out.extend(
            ctx.cross_file
                .iter()
                .filter(|f| f.code == Self::META.code)
                .cloned(),
        );
    }
}
