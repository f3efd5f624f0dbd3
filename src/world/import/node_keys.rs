//! The keys of a saved node that decide whether Nomad's scheduler sees it
//! at all, and which every node Nomad's API answers carries (stop 66's
//! Left 7). Nomad's `Node` and `NodeListStub` (nomad/structs/structs.go
//! v1.10.5:2055-2200, `NodeListStub` v2.0.5:2337-2360) hold `Status`,
//! `SchedulingEligibility`, `Drain` (the stub; the full node until 1.1.0)
//! and `DrainStrategy` (the full node, `null` when not draining) without
//! `omitempty`, and `NodePool` from 1.6.0: the JSON encoder writes each,
//! empty or not. The readers take a missing key as Go's zero value, which
//! for these is a ready, eligible, undrained node of the `default` pool:
//! the one node the scheduler places on (`readyNodesInDCsAndPool`,
//! scheduler/util.go v1.10.5:50-90: `node.Ready()` and the pool). A file
//! without one of them was not saved from Nomad (written by hand, cut
//! down, or filtered by `jq`), so the node is not read and the import is
//! "cannot tell" (`import::shape`, exit 255), never a ready node by
//! default. A hand-written world's `status` / `eligibility` / `drain` /
//! `node_pool` have documented defaults instead (docs/world-format.md).

use serde_json::Value;

use crate::diag::{Diag, Diags};
use crate::source::Source;
use crate::version::NomadVersion;

/// The first of the keys above `v` lacks at release `version` (`None`:
/// agent-self.json does not say it, and `NodePool` is not asked), in
/// words.
fn missing(v: &Value, version: Option<NomadVersion>) -> Option<&'static str> {
    let has = |k: &str| v.get(k).is_some();
    if !has("Status") {
        return Some("`Status`");
    }
    if !has("SchedulingEligibility") {
        return Some("`SchedulingEligibility`");
    }
    // The list's stub says `Drain`, the full node `DrainStrategy` (and
    // `Drain` too before 1.1.0): one of them is always there.
    if !has("Drain") && !has("DrainStrategy") {
        return Some("`Drain` (the list) or `DrainStrategy` (one node)");
    }
    if version.is_some_and(|v| v.at_least(1, 6, 0)) && !has("NodePool") {
        return Some("`NodePool`");
    }
    None
}

/// Whether node `v` (`item` names it in the file, empty for a file of
/// its own) states every key above; else a located "cannot tell".
fn stated(
    src: &Source,
    item: &str,
    v: &Value,
    version: Option<NomadVersion>,
    diags: &mut Diags,
) -> bool {
    let Some(key) = missing(v, version) else {
        return true;
    };
    let file = std::path::Path::new(&src.name)
        .file_name()
        .map_or_else(|| "the node file".into(), |f| f.to_string_lossy());
    let file = crate::escape::one_line(&file);
    let place = if item.is_empty() {
        String::new()
    } else {
        format!("{item} ")
    };
    diags.push(
        Diag::error(
            super::shape::SHAPE,
            format!(
                "cannot tell whether the scheduler sees node {}: {file} {place}has no {key}, which Nomad's API always answers",
                crate::gotext::go_quote(&crate::world::api_json::s(v, "Name")),
            ),
        )
        .in_source(src)
        .help("save the nodes with `nomad operator api '/v1/nodes?resources=true'` and `/v1/node/<id>` (`import --print-commands DIR`); a missing key is not read as a ready, eligible node")
        .as_cannot_tell(),
    );
    false
}

/// The release the nodes were saved from, when agent-self.json names it
/// (no `import::version` guess among `diags`).
pub(super) fn told(diags: &Diags, v: NomadVersion) -> Option<NomadVersion> {
    let guessed = diags
        .iter()
        .any(|d| d.code == crate::world::guess::IMPORT_VERSION);
    (!guessed).then_some(v)
}

/// nodes.json's list is read: every item of Nomad's types (typed.rs)
/// and stating each key above; else each is reported.
pub(super) fn list_read(
    src: &Source,
    list: &[Value],
    version: Option<NomadVersion>,
    diags: &mut Diags,
) -> bool {
    super::typed::items(src, &super::typed_node::NODE, list, diags)
        && all_stated(src, list, version, diags)
}

/// One node's own file is read: as [`list_read`].
pub(super) fn node_read(
    src: &Source,
    v: &Value,
    version: Option<NomadVersion>,
    diags: &mut Diags,
) -> bool {
    super::typed::check(src, &super::typed_node::NODE, "", v, diags)
        && stated(src, "", v, version, diags)
}

/// [`stated`] for every item of nodes.json (each one reported).
fn all_stated(
    src: &Source,
    list: &[Value],
    version: Option<NomadVersion>,
    diags: &mut Diags,
) -> bool {
    // The first few are said item by item; a list cut down for every node
    // (100,000 of them) gets one line more, not 100,000 diagnostics.
    const SAID: usize = 10;
    let mut lacking = 0usize;
    for (n, v) in list.iter().enumerate() {
        let mut one = Diags::new();
        if !stated(src, &format!("item {}", n + 1), v, version, &mut one) {
            if lacking < SAID {
                diags.extend(one);
            }
            lacking += 1;
        }
    }
    if lacking > SAID {
        diags.push(
            Diag::error(
                "import::shape",
                format!(
                    "{} more nodes of the list lack a key Nomad's API always answers",
                    lacking - SAID
                ),
            )
            .in_source(src)
            .as_cannot_tell(),
        );
    }
    lacking == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_key_nomad_always_writes_is_needed() {
        let v = Some(NomadVersion::new(1, 10, 5));
        let full = json!({"Status": "ready", "SchedulingEligibility": "eligible",
            "DrainStrategy": null, "NodePool": "default"});
        assert_eq!(missing(&full, v), None);
        for key in [
            "Status",
            "SchedulingEligibility",
            "DrainStrategy",
            "NodePool",
        ] {
            let mut cut = full.clone();
            cut.as_object_mut().map(|o| o.remove(key));
            assert!(missing(&cut, v).is_some(), "{key}");
        }
        // The stub's `Drain` stands for `DrainStrategy`.
        let stub = json!({"Status": "ready", "SchedulingEligibility": "eligible",
            "Drain": false, "NodePool": "default"});
        assert_eq!(missing(&stub, v), None);
        // No node pools before 1.6.0.
        let old = json!({"Status": "ready", "SchedulingEligibility": "eligible", "Drain": false});
        assert_eq!(missing(&old, Some(NomadVersion::new(1, 5, 0))), None);
        assert!(missing(&old, Some(NomadVersion::new(1, 6, 0))).is_some());
        assert_eq!(missing(&old, None), None);
    }
}
