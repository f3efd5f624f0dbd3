//! `connectServiceUpdated` of scheduler/util.go: which edits of a group
//! service's Connect block replace the allocation. The sidecar service's
//! tags and proxy are updated in place (registration and xDS); the rest
//! destroys the task. Per version: 1.0 added the check; 1.0.0-1.0.3 took a
//! `connect` block added to a service (and a missing sidecar service) for
//! no change; 1.7.0 added the service's Consul `cluster`.
//!
//! Which side leads: `tasksUpdated(jobA, jobB)` is called with the new job
//! first (scheduler/util.go genericAllocUpdateFn `tasksUpdated(newJob,
//! existing.Job, ...)`, inplaceUpdate `tasksUpdated(job, existing, ...)`,
//! v1.0.0:655,935, v1.6.0:615,863, v2.0.5:593,814), and
//! `connectServiceUpdated` walks servicesA's Connect services, each with the
//! first servicesB service of its name (v1.0.0:442-461, v2.0.5:352-380). So
//! it judges every *new* Connect service against the old one of its name: a
//! service that gains a `connect` block is replaced (1.0.4+), one that loses
//! it, a renamed one and a new one are not (by this check: a sidecar's task
//! comes or goes, which the task count catches).

use crate::jobspec::{ConsulConnect, Service, SidecarService};
use crate::version::NomadVersion;

/// Does any group service with a Connect block change destructively?
pub fn connect_services_updated(old: &[Service], new: &[Service], v: NomadVersion) -> bool {
    if !v.at_least(1, 0, 0) {
        return false;
    }
    for a in new.iter().filter(|s| s.connect.is_some()) {
        let Some(b) = old.iter().find(|b| b.name == a.name) else {
            continue;
        };
        // The Consul cluster it registers in: 1.7.0 on (scheduler/util.go
        // v1.7.0:411, v2.0.5:366 "connect service cluster"), with `cluster`.
        if connect_updated(a.connect.as_ref(), b.connect.as_ref(), v)
            || a.port_label != b.port_label
            || (v.at_least(1, 7, 0) && a.cluster != b.cluster)
        {
            return true;
        }
    }
    false
}

/// `connectUpdated`.
fn connect_updated(a: Option<&ConsulConnect>, b: Option<&ConsulConnect>, v: NomadVersion) -> bool {
    let (a, b) = match (a, b) {
        (None, None) => return false,
        (Some(a), Some(b)) => (a, b),
        // 1.0.0-1.0.3 compared the pointers with `==`.
        _ => return v.at_least(1, 0, 4),
    };
    a.native != b.native
        || a.gateway != b.gateway
        || a.sidecar_task != b.sidecar_task
        || sidecar_service_updated(a.sidecar_service.as_ref(), b.sidecar_service.as_ref(), v)
}

/// `connectSidecarServiceUpdated`: only the port label counts.
fn sidecar_service_updated(
    a: Option<&SidecarService>,
    b: Option<&SidecarService>,
    v: NomadVersion,
) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.port != b.port,
        // Before 1.6 two missing sidecar services went through the same
        // pointer comparison: `==` (1.0.0-1.0.3) says "updated", `!=` not.
        (None, None) => !v.at_least(1, 0, 4),
        _ => v.at_least(1, 0, 4),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svc(port: &str, native: bool) -> Service {
        Service {
            name: "web".into(),
            port_label: "http".into(),
            connect: Some(ConsulConnect {
                native,
                sidecar_service: (!native).then(|| SidecarService {
                    port: port.into(),
                    tags: vec![],
                    ..SidecarService::default()
                }),
                ..ConsulConnect::default()
            }),
            ..Service::default()
        }
    }

    fn updated(a: &Service, b: &Service, v: NomadVersion) -> bool {
        connect_services_updated(std::slice::from_ref(a), std::slice::from_ref(b), v)
    }

    #[test]
    fn tags_are_in_place_and_the_port_destroys() {
        let v = NomadVersion::new(2, 0, 5);
        let a = svc("", false);
        let mut tagged = a.clone();
        if let Some(ss) = tagged
            .connect
            .as_mut()
            .and_then(|c| c.sidecar_service.as_mut())
        {
            ss.tags = vec!["x".into()];
        }
        assert!(!updated(&a, &tagged, v));
        assert!(updated(&a, &svc("9000", false), v));
        assert!(updated(&a, &svc("", true), v));
        // Before 1.0 the scheduler did not look at services at all.
        let old = NomadVersion::new(0, 12, 0);
        assert!(!updated(&a, &svc("", true), old));
    }

    #[test]
    fn the_cluster_counts_from_1_7_0() {
        let a = svc("", false);
        let east = Service {
            cluster: "east".into(),
            ..a.clone()
        };
        assert!(!updated(&a, &east, NomadVersion::new(1, 6, 10)));
        assert!(updated(&a, &east, NomadVersion::new(1, 7, 0)));
        assert!(updated(&a, &east, NomadVersion::new(2, 0, 5)));
    }

    #[test]
    fn an_added_block_counts_from_1_0_4_and_a_removed_one_never() {
        let a = svc("", false);
        let gone = Service {
            connect: None,
            ..a.clone()
        };
        assert!(!updated(&gone, &a, NomadVersion::new(1, 0, 3)));
        assert!(updated(&gone, &a, NomadVersion::new(1, 0, 4)));
        assert!(updated(&gone, &a, NomadVersion::new(2, 0, 5)));
        // Nomad walks the new services: a block that went is not seen.
        assert!(!updated(&a, &gone, NomadVersion::new(1, 0, 4)));
        assert!(!updated(&a, &gone, NomadVersion::new(2, 0, 5)));
        // Renamed: no old service of its name.
        let renamed = Service {
            name: "api".into(),
            ..svc("9000", false)
        };
        assert!(!updated(&a, &renamed, NomadVersion::new(2, 0, 5)));
        // Native on both sides, no sidecar service: 1.0.0-1.0.3 replaced it.
        let n = svc("", true);
        assert!(updated(&n, &n, NomadVersion::new(1, 0, 0)));
        assert!(!updated(&n, &n, NomadVersion::new(1, 6, 0)));
    }
}
