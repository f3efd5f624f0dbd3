use crate::jobspec::time_zone::{time_zone_unknown, TimeZoneUnknown};
use crate::rules::{Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Flags an enabled periodic job whose `time_zone` the Nomad servers'
    /// own zone files decide: an IANA zone this machine's time zone
    /// database does not hold (no database, a partial or unreadable one),
    /// or a file some distributions add beside IANA's zones
    /// (`posix/...`, `right/...`, `posixrules`, `localtime`).
    /// `Job.Validate` loads the zone with Go's `time.LoadLocation`, which
    /// reads the server's zoneinfo files (Nomad's Linux builds embed no
    /// copy), so its verdict cannot be known here.
    ///
    /// ## Why is this bad?
    /// The servers may refuse the job (`Invalid time zone ...: unknown
    /// time zone ...`) or accept it and launch it at a time not known
    /// here: saying either would be a guess. So `check` says it cannot
    /// tell, as `plan` and `validate` do (exit 255).
    ///
    /// ## Example
    /// ```hcl
    /// periodic {
    ///   crons     = ["0 3 * * *"]
    ///   time_zone = "posix/Europe/Berlin"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// An IANA name (`Europe/Berlin`), with the time zone database
    /// installed where nomad-preflight runs (or `TZDIR` pointing at a copy
    /// of the servers' zoneinfo folder).
    pub struct TimeZoneUnknownRule {
        code: "NP223",
        name: "time-zone-unknown",
        severity: Error,
        summary: "A periodic time_zone the servers' own zone files decide",
        needs: World,
        answer: crate::rules::Answer::CannotTell,
    }
}

impl Rule for TimeZoneUnknownRule {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(job) = ctx.job() else {
            return;
        };
        let Some(unknown) = time_zone_unknown(job) else {
            return;
        };
        let span = unknown
            .spans
            .get("time_zone")
            .or(unknown.spans.block)
            .or(job.spans.label);
        out.push(
            ctx.finding(&Self::META, span, "cannot tell", unknown.line(job))
                .help(TimeZoneUnknown::HINT),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    fn findings(zone: &str) -> Vec<Finding> {
        let text = format!("job \"nightly\" {{\n  datacenters = [\"dc1\"]\n  type = \"batch\"\n  periodic {{\n    cron      = \"0 3 * * *\"\n    time_zone = \"{zone}\"\n  }}\n  group \"g\" {{\n    task \"a\" {{\n      driver = \"docker\"\n    }}\n  }}\n}}\n");
        let world = world();
        let p = load("nightly.nomad", &text);
        let mut out = Vec::new();
        TimeZoneUnknownRule.check(&RuleContext::new(&p, &world, None), &mut out);
        out
    }

    #[test]
    fn a_zone_the_servers_files_decide_cannot_be_told() {
        let out = findings("posix/Europe/Berlin");
        assert_eq!(out.len(), 1);
        assert!(
            out[0].message.contains("posix/Europe/Berlin"),
            "{}",
            out[0].message
        );
        // Go's own refusals and UTC are known.
        assert!(findings("UTC").is_empty());
        assert!(findings("Mars/Olympus_Mons").is_empty());
        assert!(findings("../x").is_empty());
    }
}
