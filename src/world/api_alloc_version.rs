//! An allocation whose job version the import cannot read. Nomad reads a
//! group's disconnect rules (`max_client_disconnect`, the `disconnect`
//! block: `Allocation.SupportsDisconnectedClients`, `DisconnectTimeout`,
//! `PreventRescheduleOnLost`) from `alloc.Job`, the version the allocation
//! runs. The list form of `/v1/allocations` embeds no `Job`, only
//! `JobVersion`: when the registered job is another version and no other
//! allocation embeds this one, those rules are unknown. Where they decide
//! how the allocation is read (its client disconnected, its node tainted,
//! a terminal allocation the release ignores by them), or the version's
//! tasks are compared with the planned job's (a live allocation, a
//! finished batch one: `tasksUpdated`), its job is a guess
//! (`import::alloc-state`), never the registered version's rules. The
//! versions Nomad tracks are saved as `job-versions/<ns>/<id>.json`
//! (`/v1/job/:id/versions`), which gives the spec where it still has it.

use serde_json::Value;

use super::api_alloc::AllocContext;
use super::api_json::s;
use crate::structs::Allocation;
use crate::version::NomadVersion;

/// Why the group rules of the version `alloc` runs (`a` its JSON; not
/// embedded, registered as `registered`) decide how `version` reads it,
/// if they do.
pub(super) fn rules_unread(
    a: &Value,
    alloc: &Allocation,
    registered: Option<u64>,
    ctx: &AllocContext,
    version: NomadVersion,
) -> Option<String> {
    let node = alloc.node_id.as_str();
    // The reconcilers compare a live (or a finished batch) allocation's
    // tasks with the planned job's (`tasksUpdated`) whenever its version
    // is another: in place or destructive.
    let compared = alloc.is_live() || super::api_alloc_batch::reads(alloc, version);
    let rules = |why: &str| format!("its group's disconnect rules are unknown and {why}");
    let what = if s(a, "ClientStatus") == "unknown" {
        rules("its client disconnected")
    } else if ctx.disconnected.contains(node) {
        rules("its node is disconnected")
    } else if ctx.tainted.contains(node) {
        rules("its node is down or draining")
    } else if compared {
        "its tasks, which Nomad compares with the planned job's (an in-place or a destructive update), are unknown".to_string()
    } else if super::api_alloc_state::tainted_ignored(alloc, true, version)
        != super::api_alloc_state::tainted_ignored(alloc, false, version)
    {
        rules("the release ignores a terminal allocation by them")
    } else {
        return None;
    };
    let registered = match registered {
        Some(r) => format!("the registered job is version {r}"),
        None => "the job is not registered".to_string(),
    };
    Some(format!(
        "of job version {}, which neither allocations.json embeds nor {}/ holds ({registered}), so {what}",
        alloc.job_version,
        super::import::VERSIONS_DIR,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::structs::{ClientStatus, DesiredStatus};
    use serde_json::json;

    fn alloc(live: bool) -> Allocation {
        Allocation {
            node_id: "n1".into(),
            job_version: 2,
            desired_status: if live {
                DesiredStatus::Run
            } else {
                DesiredStatus::Stop
            },
            client_status: if live {
                ClientStatus::Running
            } else {
                ClientStatus::Complete
            },
            job_type: crate::jobspec::JobType::Service,
            ..Allocation::default()
        }
    }

    #[test]
    fn the_rules_matter_only_where_they_decide_the_reading() {
        let v: NomadVersion = "1.8.0".parse().expect("version");
        let ready = AllocContext::default();
        let running = json!({"ClientStatus": "running"});
        let why = rules_unread(&running, &alloc(true), Some(3), &ready, v).expect("unread");
        assert!(why.contains("its tasks, which Nomad compares"), "{why}");
        let unknown = json!({"ClientStatus": "unknown"});
        let why = rules_unread(&unknown, &alloc(true), Some(3), &ready, v).expect("unread");
        assert!(
            why.contains("job version 2") && why.contains("version 3"),
            "{why}"
        );
        let down = AllocContext {
            tainted: ["n1".to_string()].into(),
            ..AllocContext::default()
        };
        let why = rules_unread(&running, &alloc(true), Some(3), &down, v).expect("unread");
        assert!(why.contains("down or draining"), "{why}");
        // 1.8's filterByTainted ignores a server-terminal allocation of a
        // group that keeps disconnected clients: the rules decide it.
        let done = json!({"ClientStatus": "complete"});
        assert!(rules_unread(&done, &alloc(false), None, &ready, v).is_some());
        let old: NomadVersion = "1.4.0".parse().expect("version");
        assert_eq!(rules_unread(&done, &alloc(false), None, &ready, old), None);
    }
}
