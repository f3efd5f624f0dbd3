//! The applier's exception for a down node (isValidForDownNode,
//! nomad/plan_apply.go, first in v1.7.2): a plan whose allocations on the
//! node are each marked `lost`, or marked `unknown` where the allocation's
//! group does not replace it, commits there. Which group rule decides, per
//! release (the allocation's own job, `alloc.Job`, the version it runs):
//! - 1.7.2-1.7.7: `PreventRescheduleOnLost` (plan_apply.go v1.7.7:802-811,
//!   structs.go v1.7.2:11040), the group's `prevent_reschedule_on_lost`;
//! - 1.8.0-1.9.x: `PreventRescheduleOnDisconnect` (plan_apply.go
//!   v1.8.0:802-811, structs.go v1.8.0:11315-11326): that, or
//!   `disconnect { replace = false }`;
//! - 1.10.0 on: `PreventReplaceOnDisconnect` (plan_apply.go v1.10.0:807,
//!   structs.go v1.10.0:11433), then `!ReplaceOnDisconnect` (v1.11.3:778,
//!   v2.0.5:861-870, nomad/structs/alloc.go v2.0.5:613-622): `replace =
//!   false` alone (`TaskGroup.Replace`, default true).
//!
//! The group rule is `structs::disconnected_node::prevents`, the same
//! helpers the reconciler reads.
//!
//! Before 1.7.2 a down node takes nothing (`node is not ready for
//! placements`). An allocation whose own group is not known (no job, or
//! a version the state no longer holds) is replaced in Nomad's reading
//! (`alloc.Job` nil: false, 1.7.2-1.10; `ReplaceOnDisconnect` true, 1.11
//! on), so it fails the exception as it does here.

use crate::jobspec::TaskGroup;
use crate::structs::disconnected_node::prevents;
use crate::version::NomadVersion;

/// How the plan marks one of its allocations on the down node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marked {
    /// Client status `lost`.
    Lost,
    /// Client status `unknown` (`AppendUnknownAlloc`).
    Unknown,
    /// Anything else: a placement, an in-place update of a live one.
    Other,
}

/// Does `version`'s applier take the down node's part of a plan whose
/// allocations there are `marked`, each with its own group (`None` when
/// it is not known)?
pub fn valid<'a>(
    version: NomadVersion,
    mut marked: impl Iterator<Item = (Marked, Option<&'a TaskGroup>)>,
) -> bool {
    if !version.at_least(1, 7, 2) {
        return false;
    }
    marked.all(|(m, group)| match m {
        Marked::Lost => true,
        Marked::Unknown => group.is_some_and(|g| prevents(g, version)),
        Marked::Other => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::structs::disconnected_node::test_group as group;

    fn v(s: &str) -> NomadVersion {
        s.parse().expect("version")
    }

    #[test]
    fn the_group_rule_follows_the_release() {
        let prevent = group(true, None);
        let no_replace = group(false, Some(false));
        let replace = group(false, Some(true));
        let plain = group(false, None);
        let unknown =
            |g: &TaskGroup, rel: &str| valid(v(rel), [(Marked::Unknown, Some(g))].into_iter());
        for (rel, want) in [
            ("1.7.1", [false, false, false, false]),
            ("1.7.2", [true, false, false, false]),
            ("1.7.7", [true, false, false, false]),
            ("1.8.0", [true, true, false, false]),
            ("1.9.7", [true, true, false, false]),
            ("1.10.0", [false, true, false, false]),
            ("1.11.3", [false, true, false, false]),
            ("2.0.5", [false, true, false, false]),
        ] {
            let got = [&prevent, &no_replace, &replace, &plain].map(|g| unknown(g, rel));
            assert_eq!(got, want, "{rel}");
        }
    }

    #[test]
    fn lost_passes_from_1_7_2_and_anything_else_fails() {
        let plain = group(false, None);
        let one = |m, rel: &str| valid(v(rel), [(m, Some(&plain))].into_iter());
        assert!(!one(Marked::Lost, "1.7.1"));
        assert!(one(Marked::Lost, "1.7.2"));
        assert!(one(Marked::Lost, "2.0.5"));
        assert!(!one(Marked::Other, "2.0.5"));
        // A group not known is replaced (alloc.Job nil).
        assert!(!valid(v("2.0.5"), [(Marked::Unknown, None)].into_iter()));
        // Every allocation must pass.
        let no_replace = group(false, Some(false));
        let mixed = [
            (Marked::Unknown, Some(&no_replace)),
            (Marked::Other, Some(&no_replace)),
        ];
        assert!(!valid(v("2.0.5"), mixed.into_iter()));
    }
}
