//! The generic reconciler's reading of a service or batch job's `unknown`
//! allocation (its client disconnected), which the import decided is
//! waiting out its group's window or past it ([`Disconnect`],
//! world/api_alloc_disconnect.rs `generic_unknown`, which also applies
//! the node's part from 1.11.2 and says what is not read). The rest of
//! the rule depends on the release and on the planned group
//! (`filterByTainted` then `computeGroup`: scheduler/reconcile_util.go and
//! scheduler/reconcile.go 1.3.0–1.10.5; scheduler/reconciler/filters.go
//! and reconcile_cluster.go 1.11.0–2.0.5).

use crate::cluster::Allocation;
use crate::jobspec::TaskGroup;
use crate::structs::Disconnect;
use crate::version::NomadVersion;

/// Where the reconciler puts such an allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unknown {
    /// Counted as ignored; it holds no name and is not counted as
    /// existing, so the group places what it is short of.
    Ignore,
    /// Counted as existing, its name held; updated or stopped as any.
    Untainted,
    /// Stopped (counted as a stop), its name placed again if the group
    /// is short.
    Lost,
}

const fn v(major: u32, minor: u32, patch: u32) -> NomadVersion {
    NomadVersion::new(major, minor, patch)
}

/// How `version`'s generic reconciler reads `a` against the planned group
/// `tg`; `None` for an allocation the import did not read as `unknown`.
pub fn read(a: &Allocation, tg: &TaskGroup, version: NomadVersion) -> Option<Unknown> {
    match a.disconnect? {
        // "Ignore unknown allocs that we want to reconnect eventually",
        // until "when there are unknown allocs, dont ignore them ... set
        // them as untainted" (d3f30f44d7, #18701: 1.4.14, 1.5.10, 1.6.3,
        // 1.7.0).
        Disconnect::Waiting => Some(if acknowledged(version) {
            Unknown::Untainted
        } else {
            Unknown::Ignore
        }),
        // "Expired unknown allocs are lost"; from 1.7.2 `expiring`, which
        // computeGroup keeps (untainted) when the planned group does not
        // replace lost allocations.
        // From 1.11.2 always lost (#27053's backport, 0cef49eb41).
        Disconnect::Expired => Some(if keeps_expiring(version) && !replaces(tg, version) {
            Unknown::Untainted
        } else {
            Unknown::Lost
        }),
        _ => None,
    }
}

/// Is `a` an import's `unknown` allocation? Once untainted it is not
/// counted among the ones too many (`computeStop`'s `knownUntainted`,
/// added with #18701), though it may still be the one stopped.
pub fn is_unknown(a: &Allocation) -> bool {
    matches!(
        a.disconnect,
        Some(Disconnect::Waiting | Disconnect::Expired)
    )
}

/// Whether `version`'s computeGroup may keep an `expiring` allocation:
/// v1.7.2 to v1.11.1.
fn keeps_expiring(version: NomadVersion) -> bool {
    version >= v(1, 7, 2) && !version.has_since(&[v(1, 11, 2)])
}

/// Does `version` count a waiting `unknown` allocation as untainted?
pub(crate) fn acknowledged(version: NomadVersion) -> bool {
    version.has_since(&[v(1, 4, 14), v(1, 5, 10), v(1, 6, 3), v(1, 7, 0)])
}

/// Whether computeGroup's `expiring` branch replaces: 1.7.2–1.9.x
/// `tg.PreventRescheduleOnLost` only (1.8's `disconnect.replace` sets no
/// such field: command/agent/job_endpoint.go copies each as given);
/// 1.10.0–1.11.1 `tg.Replace()`, the `disconnect` block's `replace`
/// (default true; 1.10 no longer reads `prevent_reschedule_on_lost`).
fn replaces(tg: &TaskGroup, version: NomadVersion) -> bool {
    if version >= v(1, 10, 0) {
        tg.disconnect
            .as_ref()
            .and_then(|d| d.replace)
            .unwrap_or(true)
    } else {
        !tg.prevent_reschedule_on_lost
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::structs::disconnected_node::test_group as group;

    fn alloc(d: Disconnect) -> Allocation {
        Allocation {
            disconnect: Some(d),
            ..Default::default()
        }
    }

    #[test]
    fn a_waiting_allocation_is_ignored_until_the_fix_of_18701() {
        let a = alloc(Disconnect::Waiting);
        let g = group(false, None);
        let at = |x, y, z| read(&a, &g, v(x, y, z));
        use Unknown::*;
        for (rel, want) in [
            ((1, 3, 0), Ignore),
            ((1, 4, 13), Ignore),
            ((1, 4, 14), Untainted),
            ((1, 5, 9), Ignore),
            ((1, 5, 10), Untainted),
            ((1, 6, 2), Ignore),
            ((1, 6, 3), Untainted),
            ((1, 7, 0), Untainted),
            ((1, 11, 1), Untainted),
        ] {
            assert_eq!(at(rel.0, rel.1, rel.2), Some(want), "{rel:?}");
        }
    }

    #[test]
    fn an_expired_allocation_is_lost_unless_the_group_does_not_replace() {
        let a = alloc(Disconnect::Expired);
        use Unknown::*;
        let prevent = group(true, None);
        let no_replace = group(false, Some(false));
        let plain = group(false, None);
        assert_eq!(read(&a, &prevent, v(1, 7, 1)), Some(Lost));
        assert_eq!(read(&a, &prevent, v(1, 7, 2)), Some(Untainted));
        assert_eq!(read(&a, &prevent, v(1, 9, 7)), Some(Untainted));
        // 1.8–1.9 read only prevent_reschedule_on_lost; 1.10 only replace.
        assert_eq!(read(&a, &no_replace, v(1, 8, 0)), Some(Lost));
        assert_eq!(read(&a, &prevent, v(1, 10, 0)), Some(Lost));
        assert_eq!(read(&a, &no_replace, v(1, 10, 0)), Some(Untainted));
        assert_eq!(read(&a, &no_replace, v(1, 11, 1)), Some(Untainted));
        assert_eq!(read(&a, &plain, v(1, 11, 1)), Some(Lost));
        // 1.11.2 and 2.0: lost whatever the group.
        assert_eq!(read(&a, &no_replace, v(1, 11, 2)), Some(Lost));
        assert_eq!(read(&a, &no_replace, v(2, 0, 5)), Some(Lost));
        // Not an import's `unknown` allocation.
        assert_eq!(read(&Allocation::default(), &plain, v(1, 8, 0)), None);
        assert_eq!(
            read(&alloc(Disconnect::Supported), &plain, v(1, 8, 0)),
            None
        );
    }
}
