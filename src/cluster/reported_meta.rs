//! The node meta every client sets when its agent configuration leaves
//! it unset (redteam26 R26-3): the Connect defaults
//! (client/client.go v1.10.5:1621-1638, values from helper/envoy/envoy.go
//! v1.10.5: `connect.log_level` "info", `connect.proxy_concurrency` "1",
//! `connect.transparent_proxy.default_uid` "101", `.default_outbound_port`
//! "15001", the Envoy image for `connect.sidecar_image` and
//! `connect.gateway_image`).
//!
//! They are defaults the agent's `meta` overrides, and a hand-written
//! pool cannot say its agent configuration: stating the default as the
//! value would answer `connect.log_level != "info"` with every client
//! filtered, wrong for a cluster whose agents set `debug`. So a read of
//! their value is "cannot tell" unless the pool states it in its `meta`
//! (`scheduler::client_values`); `is_set` holds, as it does on every
//! client (only a dynamic `nomad node meta apply -unset`, 1.5+, removes
//! one, client.go v1.10.5:1656-1667).

use super::reported::{Kind, Reported};
use crate::version::NomadVersion;

/// The meta keys a client of release `v` sets by default, each from the
/// release that added it (client/client.go at each tag):
/// `connect.sidecar_image` and `connect.log_level` v0.10.0:1312-1316,
/// `connect.gateway_image` v0.12.4, `connect.proxy_concurrency`
/// v1.0.0:1415-1416, the transparent proxy's two v1.8.0.
pub fn reported(v: NomadVersion) -> Vec<Reported> {
    let r = |key| Reported {
        key,
        kind: Kind::Absent,
        always: true,
        own: false,
    };
    let mut out = Vec::new();
    if v.at_least(0, 10, 0) {
        out.push(r("connect.sidecar_image"));
        out.push(r("connect.log_level"));
    }
    if v.at_least(0, 12, 4) {
        out.push(r("connect.gateway_image"));
    }
    if v.at_least(1, 0, 0) {
        out.push(r("connect.proxy_concurrency"));
    }
    if v.at_least(1, 8, 0) {
        out.push(r("connect.transparent_proxy.default_uid"));
        out.push(r("connect.transparent_proxy.default_outbound_port"));
    }
    out
}

/// The meta keys a hand-written client gets as set without a value
/// (`cluster::build`), unless its pool states them.
pub fn set_by_default(v: NomadVersion) -> Vec<&'static str> {
    reported(v).into_iter().map(|r| r.key).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_default_from_its_release() {
        let n = |v: (u32, u32, u32)| reported(NomadVersion::new(v.0, v.1, v.2)).len();
        assert_eq!(n((0, 9, 7)), 0);
        assert_eq!(n((0, 10, 0)), 2);
        assert_eq!(n((0, 12, 3)), 2);
        assert_eq!(n((0, 12, 4)), 3);
        assert_eq!(n((1, 0, 0)), 4);
        assert_eq!(n((1, 7, 7)), 4);
        assert_eq!(n((1, 8, 0)), 6);
        assert!(set_by_default(NomadVersion::new(1, 10, 5)).contains(&"connect.log_level"));
    }
}
