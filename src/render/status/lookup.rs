//! What `nomad job status PREFIX` and `nomad node status PREFIX` resolve
//! what was typed to: the one job or node, or the CLI's error text, per
//! release. One lookup serves the view and the notes beside it, so the two
//! never disagree about which object is shown.

use super::{format_list, TimeZone};
use crate::cluster::{JobRecord, Node, State};
use crate::world::World;

/// How many jobs the 1.11.3+ CLI asks the server for (`maxResults := 20`,
/// command/meta.go v2.0.5:359; absent in v1.11.2 and v1.10.5).
const MAX_PREFIX_RESULTS: usize = 20;

/// The job `typed` names in `namespace`, as the CLI of the world's release
/// resolves it.
///
/// Every release lists the namespace's jobs whose ID starts with the
/// (whitespace-trimmed from 1.1.1) prefix, sorted by ID; none is an error,
/// one is that job, several are an error unless the first is exactly what
/// was typed. Before 1.5.1 that logic and its texts live in
/// command/job_status.go (v0.9.3:143-158, v1.0.0:149-163, v1.2.0:149-166,
/// v1.5.0:149-165); from 1.5.1 in command/meta.go `JobIDByPrefix`
/// (v1.5.1:267-300, v1.6.0/v1.9.7:299-332), whose error names the prefix;
/// from 1.11.3 the list is one page of 20 and a full page says it may be
/// truncated (v2.0.5:359-410).
pub fn find_job<'a>(
    world: &World,
    state: &'a State,
    namespace: &str,
    typed: &str,
    zone: &TimeZone,
) -> Result<&'a JobRecord, String> {
    let v = world.nomad_version;
    // v0.9.3-v1.1.x list by the argument as typed and trim only to compare
    // it with the first match; v1.1.1+ trim it first (`strings.TrimSpace`,
    // job_status.go v1.1.1:149; v1.1.0 still lists it untrimmed).
    let trimmed = typed.trim();
    let prefix = if v.at_least(1, 1, 1) { trimmed } else { typed };
    // `-namespace '*'` (1.0.0+, meta.go allNamespaces) lists every
    // namespace's matches, walking the jobs table's (Namespace, ID) index
    // (nomad/state/state_store.go v2.0.5:2365 jobsByIDPrefixAllNamespaces).
    let all = namespace == "*" && v.at_least(1, 0, 0);
    let mut jobs: Vec<&JobRecord> = state
        .jobs
        .iter()
        // The map is keyed (namespace, ID): the index's order.
        .filter(|((ns, id), _)| (all || ns == namespace) && id.starts_with(prefix))
        .map(|(_, r)| r)
        .collect();
    let paged = v.at_least(1, 11, 3);
    if paged {
        jobs.truncate(MAX_PREFIX_RESULTS);
    }
    let (first, second) = match jobs.as_slice() {
        [] => return Err(super::job::no_such_job(prefix, v)),
        [one] => return Ok(one),
        [first, second, ..] => (*first, *second),
    };
    // Across namespaces, 1.0.x refuses any several matches; 1.1.1+ only
    // an exact ID held by two namespaces (job_status.go v1.0.0:160,
    // v1.1.1/v1.2.0:160-161; meta.go v1.5.1+ matchInMultipleNamespaces).
    let ambiguous = all && (!v.at_least(1, 1, 1) || first.job.id == second.job.id);
    if first.job.id == trimmed && !ambiguous {
        return Ok(first);
    }
    let list = super::job::status_list(world, state, &jobs, all, zone);
    Err(if v.at_least(1, 5, 1) {
        let truncated = if paged && jobs.len() >= MAX_PREFIX_RESULTS {
            "\n(results may be truncated)"
        } else {
            ""
        };
        format!(
            "Prefix {} matched multiple jobs\n\n{list}{truncated}",
            crate::gotext::go_quote(prefix)
        )
    } else {
        format!("Prefix matched multiple jobs\n\n{list}")
    })
}

/// The node `key` names: our own exact name match (a hand-written world's
/// IDs are simulated, so its nodes are named), then Nomad's ID prefix
/// lookup, whose rules and texts are the same v0.9.3-v2.0.5
/// (command/node_status.go v0.9.3:238-258, v1.6.0:324-345,
/// v2.0.5:343-363): a one-byte identifier is refused, the prefix loses its
/// last character when it holds an odd number of non-hyphens
/// (`sanitizeUUIDPrefix`, command/helpers.go), and several matches print
/// `formatNodeStubList` (short IDs).
pub fn find_node<'a>(state: &'a State, key: &str) -> Result<&'a Node, String> {
    if let Some(n) = state.nodes.iter().find(|n| n.id == key || n.name == key) {
        return Ok(n);
    }
    if key.len() == 1 {
        return Err("Identifier must contain at least two characters.".to_string());
    }
    let prefix = sanitize_uuid_prefix(key);
    let mut matches: Vec<&Node> = state
        .nodes
        .iter()
        .filter(|n| n.id.as_bytes().starts_with(prefix))
        .collect();
    matches.sort_by(|a, b| a.id.cmp(&b.id));
    match matches.as_slice() {
        [] => Err(format!(
            "No node(s) with prefix {} found",
            crate::gotext::go_quote_bytes(prefix)
        )),
        [one] => Ok(one),
        _ => {
            let mut rows = vec!["ID|DC|Name|Class|Drain|Eligibility|Status".to_string()];
            rows.extend(matches.iter().map(|n| super::node_row(n, false)));
            Err(format!(
                "Prefix matched multiple nodes\n\n{}",
                format_list(&rows)
            ))
        }
    }
}

/// `sanitizeUUIDPrefix` (command/helpers.go, the same v0.9.3-v2.0.5): a
/// prefix holding an odd number of non-hyphens loses its last byte, so it
/// names whole UUID bytes. Go slices bytes: the cut may split a
/// character, which `%q` then prints as a byte escape.
fn sanitize_uuid_prefix(key: &str) -> &[u8] {
    let hyphens = key.bytes().filter(|b| *b == b'-').count();
    let odd = (key.len() - hyphens) % 2;
    key.as_bytes().get(..key.len() - odd).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::sanitize_uuid_prefix;

    #[test]
    fn an_odd_prefix_loses_its_last_byte_hyphens_aside() {
        assert_eq!(sanitize_uuid_prefix("abc"), b"ab");
        assert_eq!(sanitize_uuid_prefix("abcd"), b"abcd");
        assert_eq!(sanitize_uuid_prefix("ab-c"), b"ab-");
        assert_eq!(sanitize_uuid_prefix("ab-cd"), b"ab-cd");
        assert_eq!(sanitize_uuid_prefix(""), b"");
        // "é" is two bytes: with "a", three non-hyphen bytes; the cut
        // splits it, as Go's byte slice does.
        assert_eq!(sanitize_uuid_prefix("aé"), &[b'a', 0xc3]);
    }
}
