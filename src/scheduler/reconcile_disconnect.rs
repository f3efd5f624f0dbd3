//! The generic reconciler's reading of a service or batch job's `unknown`
//! allocation (its client disconnected), which the import decided is
//! kept or lost as `nomad job plan` reads it ([`Disconnect`],
//! world/api_alloc_generic.rs `generic_unknown`, which applies the
//! release's rule and says what is not read). Up to 1.11.1 the plan reads
//! no window (Job.Plan's planner has no disconnected-client support): the
//! import marks a kept one `Waiting` only from #18701, where it is
//! untainted but not counted among the ones too many, and leaves any other
//! to the scheduler's taint. From 1.11.2 (#27053) `Waiting` within its
//! window is kept and `Expired` past it is lost whatever the planned group
//! (scheduler/reconciler/filters.go v1.11.2, v2.0.5).

use crate::cluster::Allocation;
use crate::structs::Disconnect;

/// Where the reconciler puts such an allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unknown {
    /// Counted as existing, its name held; updated or stopped as any.
    Untainted,
    /// Stopped (counted as a stop), its name placed again if the group
    /// is short.
    Lost,
}

/// How the generic reconciler reads `a`; `None` for an allocation the
/// import did not mark `unknown`.
pub fn read(a: &Allocation) -> Option<Unknown> {
    match a.disconnect? {
        Disconnect::Waiting => Some(Unknown::Untainted),
        Disconnect::Expired => Some(Unknown::Lost),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn alloc(d: Disconnect) -> Allocation {
        Allocation {
            disconnect: Some(d),
            ..Default::default()
        }
    }

    #[test]
    fn waiting_is_kept_and_expired_lost() {
        assert_eq!(read(&alloc(Disconnect::Waiting)), Some(Unknown::Untainted));
        assert_eq!(read(&alloc(Disconnect::Expired)), Some(Unknown::Lost));
        // Not an import's `unknown` allocation.
        assert_eq!(read(&Allocation::default()), None);
        assert_eq!(read(&alloc(Disconnect::Supported)), None);
    }
}
