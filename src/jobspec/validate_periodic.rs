//! `PeriodicConfig.Validate` (nomad/structs/structs.go), one item of
//! `Job.Validate`'s list, in its order:
//!
//! - from 1.6.2 (`crons`): `Only cron or crons may be used`, then `Must
//!   specify a spec`; the cron spec is parsed only when written, then each
//!   of `crons`;
//! - before 1.6.2: `Must specify a spec`, and the one spec is parsed even
//!   when empty (`Invalid cron spec "": missing field(s)`);
//! - the time zone must load (`time.LoadLocation`), before the specs;
//! - a spec type other than `cron` (or the internal `test`) is refused;
//!   job files always canonicalise to `cron`, JSON jobs may say otherwise.
//!
//! Specs are parsed by cronexpr/cron.rs, the cronexpr Nomad links at that
//! release (gorhill's up to 0.11.1, hashicorp's from 0.11.2), with its error
//! texts.
//!
//! Time zones are judged by time_zone.rs: Go's refusals as Go words them;
//! a zone whose fate the servers' own zone files decide is not refused
//! here but said as "cannot tell" by every command.

use super::model::*;
use super::validate::{err, Out};
use crate::cronexpr::cron::{CronExpr, Flavor};
use crate::gotext::go_quote;
use crate::version::NomadVersion;

const CODE: &str = "jobspec::value";

/// `PeriodicConfig.Validate`'s items for an enabled periodic block.
pub(super) fn periodic(p: &Periodic, v: NomadVersion, out: &mut Out<'_>) {
    let ps = &p.spans;
    // `crons` arrived in 1.6.2 (the function's form changed between 1.6.1
    // and 1.6.2, hashed at every tag).
    let crons_era = v.at_least(1, 6, 2);
    // Before it, `crons` is the parser's `Unsupported argument` (the
    // version gate says so): Nomad stops there and never validates the
    // block, so judging it here would add a refusal of a `cron` the user
    // did not write (R13-11).
    if !crons_era && ps.written("crons") {
        return;
    }
    if ps.written("cron") && ps.written("crons") && crons_era {
        let text = "Only cron or crons may be used";
        let help = "keep `crons`, with the `cron` spec as one of its entries";
        err(out, CODE, ps.best("crons"), text, "both", help);
    }
    // Nomad's Spec is `cron` (lowered first into `specs`), its Specs
    // `crons`; `cron = ""` is no spec.
    let has_cron = ps.written("cron");
    let spec = if has_cron { p.specs.first() } else { None };
    let crons = if has_cron && !p.specs.is_empty() {
        &p.specs[1..]
    } else {
        &p.specs[..]
    };
    let spec_empty = spec.is_none_or(String::is_empty);
    if spec_empty && crons.is_empty() {
        let text = "Must specify a spec";
        let help = "add `cron = \"*/15 * * * *\"` (or another cron spec)";
        err(out, CODE, ps.block, text, "no spec", help);
    }
    // A zone the servers' own files decide is no refusal: the job's
    // verdict is "cannot tell" (time_zone.rs, `time_zone_unknown`).
    if let super::time_zone::Zone::Refused(why) = super::time_zone::load(&p.time_zone) {
        let text = format!("Invalid time zone {}: {why}", go_quote(&p.time_zone));
        let help = "use an IANA time zone name such as \"America/New_York\" (the spelling is case-sensitive), or \"UTC\"";
        err(out, CODE, ps.best("time_zone"), text, "unknown zone", help);
    }
    match p.spec_type.as_str() {
        "cron" | "" => {}
        "test" => return,
        other => {
            let text = format!("Unknown periodic specification type {}", go_quote(other));
            let help =
                "periodic jobs are driven by cron specs: drop SpecType or set it to \"cron\"";
            err(out, CODE, ps.block, text, "spec type", help);
            return;
        }
    }
    let flavor = Flavor::of(v);
    let mut check = |s: &str, key: &str| {
        if let Err(why) = CronExpr::parse(s, flavor) {
            let text = format!("Invalid cron spec {}: {why}", go_quote(s));
            let help = "a cron spec has 5 fields (minute hour day-of-month month day-of-week), optionally a 6th (year) or 7 with seconds first; or @daily, @hourly...";
            err(out, CODE, ps.best(key), text, "does not parse", help);
        }
    };
    match spec {
        Some(s) if !s.is_empty() || !crons_era => check(s, "cron"),
        // Before 1.6.2 the one spec is parsed even when absent.
        None if !crons_era => check("", "cron"),
        _ => {}
    }
    for s in crons {
        check(s, "crons");
    }
}
