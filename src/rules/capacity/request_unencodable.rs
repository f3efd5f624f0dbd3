use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Flags a job whose `config` (a task's, a sidecar task's, a proxy's,
    /// an upstream's, a gateway proxy's, a secret's) or scaling `policy`
    /// holds an infinity: `1/0`, `-1/0`, YAML's `.inf`. jobspec2 turns it
    /// into Go's `math.Inf` (jobspec2/parse_map.go, 1.0.0 to 2.0.5), and the
    /// CLI's API client cannot JSON-encode the request (api/api.go
    /// `encodeBody`): no server ever sees the job.
    ///
    /// ## Why is this bad?
    /// `nomad job plan` prints `Error during plan: json: unsupported
    /// value: +Inf` and exits 255, `nomad job run` fails the same way,
    /// while `nomad job validate` validates the job locally and passes it.
    ///
    /// ## Example
    /// ```hcl
    /// config {
    ///   args = ["--ratio", 1/0]
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Write the number the driver expects, or a string (`"inf"`).
    pub struct RequestUnencodable {
        code: "NP227",
        name: "request-unencodable",
        severity: Error,
        summary: "An infinity in a `config` or `policy` map: Nomad's CLI cannot send the job",
        needs: World,
    }
}

impl Rule for RequestUnencodable {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(job) = ctx.job() else {
            return;
        };
        let Some(error) = crate::jobspec::api_encode::unsent(job) else {
            return;
        };
        out.push(
            ctx.finding(
                &Self::META,
                crate::jobspec::api_encode::unsent_span(job),
                "an infinity Nomad's CLI cannot send",
                format!("`nomad job plan` fails: Error during plan: {error}"),
            )
            .help("jobspec2 makes `1/0` or YAML's `.inf` in a `config` or `policy` map Go's math.Inf, which the API client cannot JSON-encode; write a finite number or a string"),
        );
    }
}
