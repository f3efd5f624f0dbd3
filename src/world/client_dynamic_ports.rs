//! A client pool's dynamic port range (`client { min_dynamic_port,
//! max_dynamic_port }`, command/agent/config.go v1.2.0:236-242). The
//! agent fills a bound left unset with its default (20000, 32000: the
//! merge keeps a non-zero value, config.go v1.2.0:1623-1628) and then
//! refuses to start with a range whose lower bound is above its upper one
//! (`Invalid dynamic port range: min_dynamic_port=%d and
//! max_dynamic_port=%d`, command/agent/command.go v1.2.0:384-387,
//! v1.4.10:383-386, v2.0.5:465-468): no client of such a pool runs, so a
//! world stating one is refused as the agent refuses it. (A range of one
//! port, `min = max`, is accepted: see `scheduler::one_port_range`.)

use super::hclread::BodyReader;
use super::model::ClientPool;
use crate::diag::{Diag, Diags};
use crate::source::Source;
use crate::version::NomadVersion;

/// The agent's defaults (`DefaultMinDynamicPort`, `DefaultMaxDynamicPort`).
const DEFAULTS: (u16, u16) = (20000, 32000);

/// Read both bounds into `pool` (0 when unset or out of range), then
/// refuse a range the agent refuses.
pub(super) fn read(
    src: &Source,
    r: &BodyReader<'_>,
    version: NomadVersion,
    pool: &mut ClientPool,
    diags: &mut Diags,
) {
    for key in ["min_dynamic_port", "max_dynamic_port"] {
        let Some(v) = r.int(key, diags) else {
            continue;
        };
        // Nomad's client config bounds (command/agent/config.go, 1.2+).
        let Some(port) = u16::try_from(v).ok().filter(|p| *p > 0) else {
            diags.push(
                Diag::error(
                    "world::bad-value",
                    format!("{key} must be a port between 1 and 65535"),
                )
                .at(src, r.attr_span(key).unwrap_or_default(), "out of range"),
            );
            continue;
        };
        if key == "min_dynamic_port" {
            pool.min_dynamic_port = port;
        } else {
            pool.max_dynamic_port = port;
        }
    }
    // Before 1.2.0 the agent has no range to check (the draw reads the
    // package's 20000-32000).
    if !version.at_least(1, 2, 0) {
        return;
    }
    let (lo, hi) = effective(pool.min_dynamic_port, pool.max_dynamic_port);
    if lo <= hi {
        return;
    }
    // Point at the bound the world wrote (the other may be the default).
    let key = if pool.min_dynamic_port > 0 {
        "min_dynamic_port"
    } else {
        "max_dynamic_port"
    };
    diags.push(
        Diag::error(
            "world::bad-value",
            format!("the client's dynamic port range {lo}-{hi} is upside down: Nomad {version}'s agent refuses to start with it: Invalid dynamic port range: min_dynamic_port={lo} and max_dynamic_port={hi}"),
        )
        .at(src, r.attr_span(key).unwrap_or_default(), "above the upper bound")
        .help(format!("write `min_dynamic_port` at most `max_dynamic_port` (unset, they are {} and {})", DEFAULTS.0, DEFAULTS.1)),
    );
}

/// The range the agent checks: an unset (0) bound is its default.
fn effective(min: u16, max: u16) -> (u16, u16) {
    let pick = |p: u16, default: u16| if p > 0 { p } else { default };
    (pick(min, DEFAULTS.0), pick(max, DEFAULTS.1))
}

#[cfg(test)]
mod tests {
    use super::effective;

    #[test]
    fn an_unset_bound_is_the_agents_default() {
        assert_eq!(effective(0, 0), (20000, 32000));
        assert_eq!(effective(40000, 0), (40000, 32000));
        assert_eq!(effective(0, 10000), (20000, 10000));
        assert_eq!(effective(25000, 25000), (25000, 25000));
    }
}
