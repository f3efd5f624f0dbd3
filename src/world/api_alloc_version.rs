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

/// The registration an allocation runs, where it is not the registered
/// job's (see `Allocation::earlier_registration`): its embedded
/// `Job.CreateIndex` when that is another (what `AllocsByJob` asks,
/// nomad/state/state_store.go v1.10.5:4558); not embedded, an allocation
/// created before the registered job was (`CreateIndex` below the job's:
/// a registration's allocations are all created after it) is of an
/// earlier one whose index is unknown, `Some(0)` (no registration has
/// index 0), and so is its spec. `registered`: the registered job's
/// `CreateIndex`, when jobs/ holds it.
pub(super) fn earlier_registration(
    a: &Value,
    embedded: Option<u64>,
    registered: Option<u64>,
) -> Option<u64> {
    use super::api_json::Fields as _;
    let registered = registered.filter(|r| *r > 0)?;
    match embedded.filter(|c| *c > 0) {
        Some(c) => (c != registered).then_some(c),
        None => {
            let created = a.typed_u64("CreateIndex").filter(|c| *c > 0)?;
            (created < registered).then_some(0)
        }
    }
}

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
    // An earlier registration's finished batch allocation is ignored
    // uncompared (`filterOldTerminalAllocs`: `super::api_alloc_batch`).
    let compared = alloc.is_live()
        || (super::api_alloc_batch::reads(alloc, version) && alloc.earlier_registration.is_none());
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
        _ if alloc.earlier_registration.is_some() => {
            "it is of an earlier registration of the job, created before the registered one"
                .to_string()
        }
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

    #[test]
    fn the_registration_is_the_embedded_create_index_else_the_allocation_s_age() {
        let a = json!({"CreateIndex": 20});
        // Embedded: the job's CreateIndex decides, not the allocation's.
        assert_eq!(earlier_registration(&a, Some(11), Some(50)), Some(11));
        assert_eq!(earlier_registration(&a, Some(50), Some(50)), None);
        // Not embedded: created before the registration, of an earlier one.
        assert_eq!(earlier_registration(&a, None, Some(50)), Some(0));
        assert_eq!(earlier_registration(&a, None, Some(15)), None);
        // Nothing to compare with: read as the registered job's.
        assert_eq!(earlier_registration(&a, Some(11), None), None);
        assert_eq!(earlier_registration(&json!({}), None, Some(50)), None);
        // Keyed apart in a job history, and no version of the registration.
        let mut x = Allocation {
            job_id: "web".into(),
            earlier_registration: Some(11),
            ..Allocation::default()
        };
        assert!(!x.runs_version(0));
        assert_eq!(x.spec_key().1, "web\x0011");
        x.earlier_registration = None;
        assert!(x.runs_version(0));
        assert_eq!(x.spec_key().1, "web");
    }
}
