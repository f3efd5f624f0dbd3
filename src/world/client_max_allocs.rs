//! A client pool's `node_max_allocs`: the client agent's cap on how many
//! allocations its node holds (`client { node_max_allocs = N }`,
//! command/agent/config.go:424-426@v1.10.2, #25785). The client reports it
//! as `Node.NodeMaxAllocs` and `AllocsFit` refuses a node past it (see
//! `scheduler::fit`).
//!
//! Before 1.10.2 the agent has no such option, and its config parser
//! refuses a key it does not know: `client unexpected keys
//! node_max_allocs` (`extraKeys`, command/agent/config_parse.go, and
//! helper/funcs.go `UnusedKeys`, v0.11.0-v1.10.1), so the agent does not
//! start. A world that states it at such a release is refused the same way.

use super::hclread::BodyReader;
use crate::diag::{Diag, Diags};
use crate::source::Source;
use crate::version::NomadVersion;

/// The world key, as the agent's config spells it.
pub(super) const KEY: &str = "node_max_allocs";

/// `node_max_allocs` of a `client` block: 0 (unset) when absent or refused.
/// Any integer is the agent's (a negative one lets nothing fit).
pub(super) fn read_max_allocs(
    src: &Source,
    r: &BodyReader<'_>,
    version: NomadVersion,
    diags: &mut Diags,
) -> i64 {
    let Some(v) = r.int(KEY, diags) else {
        return 0;
    };
    if version.at_least(1, 10, 2) {
        return v;
    }
    diags.push(
        Diag::error(
            "world::version-gate",
            format!(
                "`{KEY}` is a Nomad 1.10.2+ client option; the world runs Nomad {version}, whose agent refuses to start with it: client unexpected keys {KEY}"
            ),
        )
        .at(src, r.attr_span(KEY).unwrap_or_default(), "not in this release")
        .help("drop it (the clients of this release hold any number of allocations) or raise nomad_version"),
    );
    0
}
