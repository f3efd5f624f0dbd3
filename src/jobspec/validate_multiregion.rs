//! `Multiregion.Validate`, the last rule of `Job.Validate`, run only for a
//! job that lists regions (`Job.IsMultiregion`). Read at every tag from
//! 0.12.0 to 2.0.5 (the function's forms hashed):
//!
//! - 0.12.0–0.12.3 (structs.go, every build): a region listed twice, a
//!   region without datacenters (from 0.12.1 only when the job has none
//!   either), an update strategy on a batch job, an `on_failure` on a
//!   system job. Their multierror is one item of the job's list;
//! - from 0.12.4 the function is per edition. The community build's
//!   (structs_oss.go, structs_ce.go from 1.7.0) refuses every such job:
//!   `Multiregion jobs are unlicensed.`, a plain item. Enterprise's is not
//!   public: we apply the last public form (0.12.1–0.12.3), which is what
//!   moved into it.
//!
//! Where the world does not say the edition (0.12.4+), nothing is said
//! here: the callers say they cannot tell (`mutators::multiregion`).

use std::collections::BTreeSet;

use super::model::*;
use super::validate::{err, Out};
use crate::gotext::go_quote;
use crate::version::{Edition, NomadVersion};

/// `Job.IsMultiregion`: a multiregion block that lists a region.
pub fn is_multiregion(job: &Job) -> bool {
    job.multiregion
        .as_ref()
        .is_some_and(|m| !m.regions.is_empty())
}

pub(super) fn multiregion(job: &Job, v: NomadVersion, edition: Option<Edition>, out: &mut Out<'_>) {
    let Some(m) = job.multiregion.as_ref().filter(|_| is_multiregion(job)) else {
        return;
    };
    if !v.at_least(0, 12, 4) {
        out.nested(None, |out| open_checks(job, m, v, out));
        return;
    }
    match edition {
        Some(Edition::Community) => err(
            out,
            "jobspec::value",
            m.spans.block,
            "Multiregion jobs are unlicensed.",
            "multiregion needs Nomad Enterprise",
            "the world's servers run the community edition, which refuses multiregion jobs: drop the multiregion block and register the job in each region",
        ),
        Some(Edition::Enterprise) => {
            out.nested(None, |out| open_checks(job, m, v, out));
        }
        None => {}
    }
}

/// The public checks (0.12.0–0.12.3's text).
fn open_checks(job: &Job, m: &Multiregion, v: NomadVersion, out: &mut Out<'_>) {
    let at = m.spans.block;
    let mut seen = BTreeSet::new();
    for r in &m.regions {
        let q = go_quote(&r.name);
        if !seen.insert(r.name.as_str()) {
            err(
                out,
                "jobspec::duplicate",
                at,
                format!("Multiregion region {q} can't be listed twice"),
                "region listed twice",
                "list every region once",
            );
        }
        // 0.12.1 let a region take the job's datacenters.
        let job_dcs = v.at_least(0, 12, 1) && !job.datacenters.is_empty();
        if r.datacenters.is_empty() && !job_dcs {
            err(
                out,
                "jobspec::missing",
                at,
                format!("Multiregion region {q} must have at least 1 datacenter"),
                "region without datacenters",
                "give the region `datacenters = [...]`, or the job its own",
            );
        }
    }
    // The HTTP agent always gives the servers a strategy (api
    // Multiregion.Canonicalize: max_parallel 0, on_failure "").
    // A type Nomad does not know takes the switch's default (service) case.
    let known = super::validate_job::type_known(job);
    match job.job_type {
        _ if !known => {}
        JobType::Batch if !m.strategy_on_failure.is_empty() || m.strategy_max_parallel != 0 => err(
            out,
            "jobspec::value",
            at,
            "Multiregion batch jobs can't have an update strategy",
            "strategy on a batch job",
            "drop the multiregion strategy block",
        ),
        JobType::System if !m.strategy_on_failure.is_empty() => err(
            out,
            "jobspec::value",
            at,
            "Multiregion system jobs can't have an on_failure setting",
            "on_failure on a system job",
            "drop the strategy's on_failure",
        ),
        _ => {}
    }
}
