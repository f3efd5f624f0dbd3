//! Why a node is out of one select: the metric key, and what the check
//! read. A plan whose failures rest only on checks of the node itself
//! (never on what is placed) fails the same way under any node shuffle,
//! which NP207 reads to skip sampling draws that cannot change a group's
//! fate ([`super::PlanResult::node_only_filters`]).

/// Why a node is out of one select.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Filtered {
    /// The metric key (`AllocMetric.FilterNode`).
    pub reason: String,
    /// The `FeasibilityWrapper` returned nil: Nomad's walk ends here, and
    /// the select sees no further node
    /// ([`super::feasibility::fast_path_unavailable_ends_walk`]).
    pub ends_walk: bool,
    /// The check read what is placed or claimed (the `avail` checks' CSI
    /// claims, distinct_hosts, distinct_property), not the node alone: its
    /// verdict can change with where other allocations landed, which a
    /// node shuffle or Go's map order decides.
    pub reads_placed: bool,
}

impl Filtered {
    /// A check of the node alone (its attributes, drivers, devices,
    /// networks, host volumes, class).
    pub(super) fn of(reason: impl Into<String>) -> Filtered {
        Filtered {
            reason: reason.into(),
            ends_walk: false,
            reads_placed: false,
        }
    }

    /// A check that read what is placed or claimed.
    pub(super) fn placed(reason: impl Into<String>) -> Filtered {
        Filtered {
            reads_placed: true,
            ..Filtered::of(reason)
        }
    }
}
