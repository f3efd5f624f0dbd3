//! Changes the tool gates on that reached more than one release line: a
//! fix first released in a community patch release and backported to
//! older lines, most often to Enterprise's long-term-support releases
//! ([`super::lines`]), where the community line had ended. A gate asks
//! `v.has(Fix::X)`; `v.at_least(x, y, z)` would miss every backport.
//!
//! Each entry lists the first release of each line that has the change,
//! oldest first; the last entry holds for every later line. An entry past
//! its line's last community release is an Enterprise release (the number
//! alone says so: no community build carries it), so the table needs no
//! edition: `1.7.10` here means `1.7.10+ent`, and a world stating the
//! community edition at such a number is refused when it loads
//! (`world/edition_file.rs`).
//!
//! Sources: the community CHANGELOG.md at the first tag, and the
//! Enterprise CHANGELOG.md at every `ent-changelog-*` tag, searched for the
//! PR number (the Enterprise changelogs name the community PR for each
//! backport).
//!
//! # Survey (December 2026, at v2.0.5 and the tags up to ent 1.11.8)
//! Every `at_least(x, y, z)` with `z > 0` from 1.8.1 on and every
//! `has_since` table was looked up. Backported, so in the table: see
//! [`Fix`]. Checked and not backported to any Enterprise line (the gate
//! stays an `at_least`): 1.8.1 check `notes` ("api: Add support for
//! setting Notes field for Consul health checks"); 1.8.3 `resources.secrets`
//! (#23696) and CNI updates replacing allocations; 1.8.4 network modes per
//! namespace; 1.9.6 Nomad checks' `tls_skip_verify`; 1.10.3 a service's
//! `kind` (#26170); 1.11.1 the volume access-mode message; 2.0.4 failed
//! allocations stopped first; 2.0.5 SHA-256 check IDs, negative `cores`
//! (#10511), CSI lookups, `error_message` wording.
//!
//! Also checked: the `Dialect::at` gates of the plan diff (src/diff; the
//! CNI args diff of #23538 and the sidecar volume mounts of #25878 moved,
//! `MBits` filtered from 1.8.2 has no changelog line and stays), the
//! jobspec's version keys and null table (only `cni` is backported), and
//! every gate from 1.6.1 to 1.7.7: none of their PRs is in an Enterprise
//! changelog (ent 1.6.11+ carries what community 1.6.10 had, and the
//! community backports are in the gates already).
//!
//! Gates at `x.y.0` are a minor release's features and were not moved,
//! except where the community changelog of that release names a fix the
//! Enterprise changelogs carry to an older line: [`Fix::AllocTaskName`],
//! [`Fix::DeviceModelsMixed`], [`Fix::PreferredScopeChange`] and
//! [`Fix::ClassUniqueAddress`] (1.11.0 and 1.10.0). Checked at 1.8.0,
//! 1.9.0, 1.10.0, 1.11.0 and 2.0.0: the other backported lines of those
//! changelogs (CLI, UI, client, CSI staging, ACL) have no gate here.
//!
//! Not settled: gates on a dependency's version (hcl 2.20 at 1.8.1,
//! miekg/dns at 1.9.4, go-cty-yaml at 1.9.4 and 1.11.2, go-version at
//! 1.11.1, the Go toolchain in `gorelease.rs`). The Enterprise changelogs
//! name Go updates but not the other modules, so what an Enterprise-only
//! release vendors is unknown; those gates keep the community release.

use super::NomadVersion;

const fn v(major: u32, minor: u32, patch: u32) -> NomadVersion {
    NomadVersion::new(major, minor, patch)
}

/// A change whose first release differs by line. Ask [`NomadVersion::has`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fix {
    /// The reconciler reads `Allocation.LastRescheduleFailed`.
    RescheduleFailedTracked,
    /// Upstreams listening on socket paths are keyed by the path.
    UpstreamSocketPathKey,
    /// Quotas limit `cores` (and count a task's cores against it).
    QuotaCores,
    /// A group network's `cni { args }`.
    CniArgs,
    /// A client's reserved CPU is subtracted once, not twice.
    ReservedCpuOnce,
    /// A static port may be used once per address of a host network.
    StaticPortPerAddress,
    /// Poststart tasks count with the main tasks in a group's resources.
    PoststartInMain,
    /// A Connect native service must name a port.
    ConnectNativePort,
    /// A group's resources are the largest of its lifecycle phases.
    LifecyclePhases,
    /// Job status by version: dead when stopped, not on terminal
    /// allocations; evaluations read by prefix without the exact-ID filter.
    JobStatusByVersion,
    /// The exact-ID filter on a job's evaluations is back.
    JobStatusPrefixFiltered,
    /// A client's HTTP address is out of the computed class.
    ClassUniqueAddress,
    /// A node with no affinity matched scores its 0.
    AffinityZeroScored,
    /// A system job's filtered nodes are no failure when the group's
    /// allocations are kept or updated in place.
    SystemKeptNotFailed,
    /// A sidecar task's volume mounts are in the plan's diff.
    SidecarVolumeMountsDiff,
    /// Services and checks may use `address_mode = "alloc_ipv6"`.
    AllocIpv6,
    /// A task named `alloc` is refused.
    AllocTaskName,
    /// A device request may be met by several vendors or models.
    DeviceModelsMixed,
    /// The preferred node is skipped when the group's node pool or
    /// datacenters changed.
    PreferredScopeChange,
    /// Constraint attributes are validated against the known forms.
    ConstraintAttributeRules,
    /// A job with services but no `shutdown_delay` is warned.
    ShutdownDelayWarning,
    /// The device allocator stays rebuilt after a device preemption.
    DeviceFreshAllocator,
    /// A non-terminal deployment keeps the job running.
    DeploymentKeepsRunning,
    /// The generic scheduler renames a placement whose name an existing
    /// allocation of the group already shares with another.
    DuplicateAllocNames,
    /// A group with affinities or spreads examines max(count, 100) nodes
    /// per placement, not every node.
    SpreadLimitCount,
    /// `ProposedAllocs` trims the evicted allocations before it removes
    /// the preempted ones (no second `RemoveAllocs` over the nil-tailed
    /// slice: [`crate::scheduler::server_crash`]).
    ProposedAllocsTrimmed,
    /// `RemoveAllocs` copies instead of nil-ing the tail of the ranked
    /// node's cached proposed list ([`crate::scheduler::server_crash`]).
    RemoveAllocsCopies,
    /// The plan applier passes a node plan of in-place updates alone
    /// (`AllocSubset`) before its eligibility and fit checks.
    InPlaceSubsetFits,
    /// The host-volume check refuses a `sticky` request for a static host
    /// volume ([`crate::scheduler::feasibility::has_host_volumes`]).
    StickyStaticFiltered,
    /// A client whose dynamic port range is one port no longer panics the
    /// scheduler's port draw ([`crate::scheduler::one_port_range`]).
    OnePortRangeDrawn,
    /// `${device.ids}` resolves in a device's constraints and affinities
    /// (the model's instance IDs joined by commas); before, it is not
    /// found ([`crate::scheduler::device`]).
    DeviceIdsTarget,
    /// The device allocator hands out only the instances a request's
    /// `${device.ids}` constraints allow (possibly fewer than asked).
    DeviceIdsFiltered,
    /// ... and counts only those instances when it asks whether a model
    /// has enough free ones.
    DeviceIdsCounted,
}

/// One row of [`BACKPORTS`].
#[derive(Debug, Clone, Copy)]
pub struct Backport {
    pub fix: Fix,
    /// The first release of each line that has it, oldest first, as
    /// [`NomadVersion::has_since`] reads it.
    pub since: &'static [NomadVersion],
    /// The PR and the changelog line that say so.
    pub cite: &'static str,
}

impl Backport {
    /// The entries that are Enterprise releases (past their line's last
    /// community release).
    pub fn enterprise(&self) -> impl Iterator<Item = NomadVersion> + '_ {
        self.since.iter().copied().filter(|s| s.enterprise_only())
    }

    /// The entries that are community releases.
    pub fn community(&self) -> impl Iterator<Item = NomadVersion> + '_ {
        self.since.iter().copied().filter(|s| !s.enterprise_only())
    }
}

/// Every [`Fix`], in its declaration order (checked by a test).
pub const BACKPORTS: &[Backport] = &[
    Backport {
        fix: Fix::RescheduleFailedTracked,
        since: &[v(1, 6, 12), v(1, 7, 9), v(1, 8, 1)],
        cite: "#12319 \"scheduler: Fixed a bug where rescheduled allocations that could not be placed would later ignore their reschedule policy limits\": v1.8.1; ent 1.6.12, 1.7.9",
    },
    Backport {
        fix: Fix::UpstreamSocketPathKey,
        since: &[v(1, 6, 12), v(1, 7, 9), v(1, 8, 1)],
        cite: "#22312 \"connect: fix validation with multiple socket paths\": v1.8.1; ent 1.6.12, 1.7.9",
    },
    Backport {
        fix: Fix::QuotaCores,
        since: &[v(1, 6, 13), v(1, 7, 10), v(1, 8, 2)],
        cite: "#23543 \"quota (Enterprise): Allow CPU cores to be configured within a quota\" and #18876 (a task's cores checked against its quota): v1.8.2; ent 1.6.13, 1.7.10",
    },
    Backport {
        fix: Fix::CniArgs,
        since: &[v(1, 6, 13), v(1, 7, 10), v(1, 8, 2)],
        cite: "#23538 \"cni: allow users to input CNI args in job specification\": v1.8.2; ent 1.6.13, 1.7.10",
    },
    Backport {
        fix: Fix::ReservedCpuOnce,
        since: &[v(1, 6, 13), v(1, 7, 10), v(1, 8, 2)],
        cite: "#23386 \"scheduler: Fix a bug where reserved resources are not calculated correctly\": v1.8.2; ent 1.6.13, 1.7.10",
    },
    Backport {
        fix: Fix::StaticPortPerAddress,
        since: &[v(1, 6, 14), v(1, 7, 11), v(1, 8, 3)],
        cite: "#23693 \"networking: The same static port can now be used more than once on host networks with multiple IPs\": v1.8.3; ent 1.6.14, 1.7.11",
    },
    Backport {
        fix: Fix::PoststartInMain,
        since: &[v(1, 7, 15), v(1, 8, 7), v(1, 9, 2)],
        cite: "#24297 \"scheduler: fixed a bug where resource calculation did not account correctly for poststart tasks\": v1.9.2; ent 1.7.15, 1.8.7",
    },
    Backport {
        fix: Fix::ConnectNativePort,
        since: &[v(1, 7, 15), v(1, 8, 7), v(1, 9, 2)],
        cite: "#24329 \"connect: add validation to ensure that connect native services specify a port\": v1.9.2; ent 1.7.15, 1.8.7",
    },
    Backport {
        fix: Fix::LifecyclePhases,
        since: &[v(1, 7, 16), v(1, 8, 8), v(1, 9, 4)],
        cite: "#24304 \"scheduler: take all assigned cpu cores into account instead of only those part of the largest lifecycle\": v1.9.4; ent 1.7.16, 1.8.8",
    },
    Backport {
        fix: Fix::JobStatusByVersion,
        since: &[v(1, 7, 18), v(1, 8, 10), v(1, 9, 6)],
        cite: "#24974 \"state store: fix for setting correct status for a job version when reverting, and also fixes an issue where jobs were briefly marked dead during restarts\" (ca19fa6147 in v1.9.6): ent 1.7.18, 1.8.10",
    },
    Backport {
        fix: Fix::JobStatusPrefixFiltered,
        since: &[v(1, 8, 21), v(1, 10, 9), v(1, 11, 3)],
        cite: "#27516 \"job status: Fixes regression setting job status when jobs have matching prefix\": v1.11.3; ent 1.8.21, 1.10.9 (not 1.7 or 1.9: their Enterprise lines ended first)",
    },
    Backport {
        fix: Fix::ClassUniqueAddress,
        since: &[v(1, 7, 19), v(1, 8, 11), v(1, 9, 7), v(1, 10, 0)],
        cite: "#24942 \"scheduler: Fixed a bug where node class hashes included unique attributes\" (1788bfb42e on main; client/fingerprint/nomad.go at the tags): v1.9.7, v1.10.0; ent 1.7.19, 1.8.11",
    },
    Backport {
        fix: Fix::AffinityZeroScored,
        since: &[v(1, 8, 14), v(1, 9, 10), v(1, 10, 2)],
        cite: "#25800 \"scheduler: Fixed a bug where a node with no affinity could be selected over a node with low affinity\" (456d95a19e; 0d3863ef23 in v1.10.2; scheduler/rank.go `if totalAffinityScore != 0.0` before): v1.10.2; ent 1.8.14, 1.9.10",
    },
    Backport {
        fix: Fix::SystemKeptNotFailed,
        since: &[v(1, 8, 14), v(1, 9, 10), v(1, 10, 2)],
        cite: "#25850 \"scheduler: Fixed a bug where planning or running a system job with constraints & previously running allocations would return a failed allocation error\": v1.10.2; ent 1.8.14, 1.9.10",
    },
    Backport {
        fix: Fix::SidecarVolumeMountsDiff,
        since: &[v(1, 8, 14), v(1, 9, 10), v(1, 10, 2)],
        cite: "#25878 \"job: Ensure sidecar task volume_mounts are added to planning diff object\" (e30238e635 in v1.10.2, nomad/structs/diff.go sidecarTaskDiff): v1.10.2; ent 1.8.14, 1.9.10",
    },
    Backport {
        fix: Fix::AllocIpv6,
        since: &[v(1, 9, 12), v(1, 10, 4)],
        cite: "#25632 \"consul: Add AllocIPv6 option to allow IPv6 address being used for service registration\": v1.10.4; ent 1.9.12 (not in any 1.8 Enterprise changelog)",
    },
    Backport {
        fix: Fix::AllocTaskName,
        since: &[v(1, 8, 18), v(1, 10, 6), v(1, 11, 0)],
        cite: "#27001 \"job: Disallow tasks using the name \\\"alloc\\\" which breaks inter-task filesystem isolation\": v1.11.0; ent 1.8.18, 1.10.6",
    },
    Backport {
        fix: Fix::DeviceModelsMixed,
        since: &[v(1, 8, 18), v(1, 10, 6), v(1, 11, 0)],
        cite: "#26649 \"scheduler: allow use of different vendor/models when checking for device counts while filtering feasible nodes\": v1.11.0; ent 1.8.18, 1.10.6",
    },
    Backport {
        fix: Fix::PreferredScopeChange,
        since: &[v(1, 8, 18), v(1, 10, 6), v(1, 11, 0)],
        cite: "#26662 \"scheduler: fixes a bug selecting nodes for updated jobs with ephemeral disks when nodepool changes\" (4dfac16048; release/1.10.x backport 364bdeeb34): v1.11.0; ent 1.8.18, 1.10.6",
    },
    Backport {
        fix: Fix::ConstraintAttributeRules,
        since: &[v(1, 8, 20), v(1, 10, 8), v(1, 11, 2)],
        cite: "#27355 \"job: Correctly validate any constraint attributes to ensure they conform to known formats\": v1.11.2; ent 1.8.20, 1.10.8",
    },
    Backport {
        fix: Fix::ShutdownDelayWarning,
        since: &[v(1, 10, 11), v(1, 11, 5), v(2, 0, 1)],
        cite: "#27782 \"services: warn on job submit when job has services but no shutdown_delay\": v2.0.1; ent 1.10.11, 1.11.5",
    },
    Backport {
        fix: Fix::DeviceFreshAllocator,
        since: &[v(1, 10, 11), v(1, 11, 5), v(2, 0, 1)],
        cite: "#27880 \"scheduler: Fixed a bug where preemption of allocations by tasks that require devices could incorrectly fail placement\": v2.0.1; ent 1.10.11, 1.11.5",
    },
    Backport {
        fix: Fix::DeploymentKeepsRunning,
        since: &[v(1, 11, 5), v(2, 0, 1)],
        cite: "#27852 \"core: avoid setting job to dead while waiting for allocations to reschedule\": v2.0.1; ent 1.11.5 (not 1.10)",
    },
    Backport {
        fix: Fix::DuplicateAllocNames,
        since: &[v(1, 4, 14), v(1, 5, 10), v(1, 6, 3), v(1, 7, 0)],
        cite: "#18873 \"scheduler: Ensure duplicate allocation indexes are tracked and fixed when performing job updates\" (3c8eb54dfc; scheduler/generic_sched.go computePlacements `IsDuplicate`, reconcile_util.go `bitmapFrom`): v1.4.14, v1.5.10, v1.6.3, v1.7.0",
    },
    Backport {
        fix: Fix::SpreadLimitCount,
        since: &[v(1, 0, 16), v(1, 1, 10), v(1, 2, 4)],
        cite: "#11712 \"scheduler: fix quadratic performance with spread blocks\" (2d4e5b8fe9; scheduler/stack.go `tg.Count < 100`): v1.2.4, v1.1.10, v1.0.16",
    },
    Backport {
        fix: Fix::ProposedAllocsTrimmed,
        since: &[v(0, 9, 7), v(0, 10, 2)],
        cite: "#6792 \"core: Fixed server panic caused by a plan evicting and preempting allocs on a node\" (6112ad9f, issue #6787; scheduler/context.go `ProposedAllocs`): v0.9.7, v0.10.2",
    },
    Backport {
        fix: Fix::RemoveAllocsCopies,
        since: &[v(1, 0, 13), v(1, 1, 7), v(1, 2, 0)],
        cite: "#11346 \"server: Fixed a panic that may occur when preempting multiple allocations on the same node\" (6d35e2fb, issue #11342; nomad/structs/funcs.go `RemoveAllocs`): v1.0.13, v1.1.7, v1.2.0",
    },
    Backport {
        fix: Fix::InPlaceSubsetFits,
        since: &[v(1, 1, 13), v(1, 2, 7), v(1, 3, 0)],
        cite: "#12264 \"scheduler: fixed a bug where in-place updates on ineligible nodes would be ignored\" (65b976c0, backport 070c3cda; nomad/plan_apply.go evaluateNodePlan `AllocSubset`): v1.1.13, v1.2.7, v1.3.0",
    },
    Backport {
        fix: Fix::StickyStaticFiltered,
        since: &[v(1, 10, 14), v(1, 11, 8), v(2, 0, 4)],
        cite: "#28097 \"scheduler: Fixed a bug where setting `sticky` on a static host volume could fail the evaluation instead of being rejected during feasibility checking\" (d17728ad6c in v2.0.4; scheduler/feasible/feasible.go nodeIsFeasibleForRequest): v2.0.4; ent 1.10.14, 1.11.8",
    },
    Backport {
        fix: Fix::OnePortRangeDrawn,
        since: &[v(1, 4, 11), v(1, 5, 7), v(1, 6, 0)],
        cite: "#17619 \"scheduler: Fixed a panic when a node has only one configured dynamic port\" (getDynamicPortsStochastic draws `min + rand.Intn(max - min)` unguarded at nomad/structs/network.go v1.4.10:749, v1.5.6:747; guarded by `max - min > 0` at v1.4.11, v1.5.7, v1.6.0; 1.3.x never fixed): v1.4.11, v1.5.7, v1.6.0",
    },
    Backport {
        fix: Fix::DeviceIdsTarget,
        since: &[v(1, 4, 5), v(1, 5, 0)],
        cite: "#15455 \"scheduler: allow using device IDs in `affinity` and `constraint`\" (1318477789; release/1.4.x backport #15747 a88115ac8b; scheduler/feasible.go resolveDeviceTarget `case \"${device.ids}\" == target` v1.4.5:1376, v1.5.0:1383, v1.6.5:1398; absent at every v1.3.x tag and v1.4.0-v1.4.4): v1.4.5, v1.5.0",
    },
    Backport {
        fix: Fix::DeviceIdsFiltered,
        since: &[v(1, 4, 13), v(1, 5, 9), v(1, 6, 2), v(1, 7, 0)],
        cite: "#18141 \"scheduler: Fixed a bug where device IDs were not correctly filtered in constraints\" (4c00f6aa78 in v1.4.13; scheduler/device.go AssignDevice calling `deviceIDMatchesConstraint` v1.4.13:117, v1.6.5:120 (defined at :142); absent at v1.4.12, v1.5.8, v1.6.1): v1.4.13, v1.5.9, v1.6.2, v1.7.0",
    },
    Backport {
        fix: Fix::DeviceIdsCounted,
        since: &[v(1, 10, 7), v(1, 11, 1)],
        cite: "#27177 \"scheduler (Enterprise): Fixed a bug where tasks were not placed on same numa node as reserved device\" (04c11f37b1; release/1.11.x backport cf3788970f; scheduler/feasible/device.go createOffer `assignable := []string{}` filtered by deviceIDMatchesConstraint, v1.11.1:129-137; v1.9.0-v1.11.0 count every free instance the NUMA matcher allows, `assignable := uint64(0)` v1.10.5:124): v1.11.1; ent 1.10.7 (not in any 1.8 or 1.9 Enterprise changelog)",
    },
];

impl Fix {
    /// Its row of [`BACKPORTS`].
    pub const fn backport(self) -> &'static Backport {
        &BACKPORTS[self as usize]
    }

    /// The first release of each line that has it (for tables keyed by
    /// release lists, such as the jobspec's version keys).
    pub const fn since(self) -> &'static [NomadVersion] {
        self.backport().since
    }
}

impl NomadVersion {
    /// Has this release the change `fix`, on its own line or by a later
    /// line's? Community and Enterprise releases alike (see the module doc).
    pub fn has(self, fix: Fix) -> bool {
        self.has_since(fix.since())
    }
}

#[cfg(test)]
mod tests {
    use super::super::lines::LTS_LINES;
    use super::*;

    fn line(x: NomadVersion) -> (u32, u32) {
        (x.major, x.minor)
    }

    #[test]
    fn rows_follow_the_declaration_order() {
        for (i, b) in BACKPORTS.iter().enumerate() {
            assert_eq!(b.fix as usize, i, "{:?}", b.fix);
        }
    }

    #[test]
    fn every_row_is_well_formed() {
        for b in BACKPORTS {
            assert!(
                !b.since.is_empty() && b.cite.starts_with('#'),
                "{:?}",
                b.fix
            );
            // One entry per line, lines ascending.
            for w in b.since.windows(2) {
                assert!(
                    line(w[0]) < line(w[1]),
                    "{:?}: {} then {}",
                    b.fix,
                    w[0],
                    w[1]
                );
            }
            // Enterprise entries: on a long-term-support line, at a
            // release its ent-changelog tags hold.
            for e in b.enterprise() {
                let l = e.lts_line().expect("enterprise_only implies a line");
                assert!(e <= l.enterprise_end(), "{:?}: no ent-changelog-{e}", b.fix);
            }
            // The last entry is a community release (the change's home
            // line, which holds for every later line), and only
            // Enterprise entries come before a community one on older
            // lines ended by then.
            let last = b.since[b.since.len() - 1];
            assert!(!last.enterprise_only(), "{:?}", b.fix);
            assert!(b.community().count() >= 1);
            // Every entry is named in the citation.
            for e in b.enterprise() {
                let named = format!("{}.{}", e.minor, e.patch);
                assert!(b.cite.contains(&named), "{:?}: {e} not cited", b.fix);
            }
        }
    }

    #[test]
    fn enterprise_entries_lie_in_the_known_changelogs() {
        let ent_tags: Vec<NomadVersion> = LTS_LINES
            .iter()
            .flat_map(|l| {
                (l.community_last + 1..=l.enterprise_last)
                    .map(move |p| NomadVersion::new(l.major, l.minor, p))
            })
            .collect();
        for b in BACKPORTS {
            for e in b.enterprise() {
                assert!(ent_tags.contains(&e), "{:?}: {e}", b.fix);
            }
        }
    }

    #[test]
    fn a_backport_holds_on_its_line_only_from_its_release() {
        let v = NomadVersion::new;
        // Community 1.8.2, Enterprise 1.7.10.
        assert!(!v(1, 7, 9).has(Fix::QuotaCores));
        assert!(v(1, 7, 10).has(Fix::QuotaCores));
        assert!(v(1, 7, 19).has(Fix::QuotaCores));
        assert!(!v(1, 8, 1).has(Fix::QuotaCores));
        assert!(v(1, 9, 0).has(Fix::QuotaCores));
        assert!(!v(1, 5, 17).has(Fix::QuotaCores));
        // Not backported to 1.8: 1.8.21+ent lacks it, 1.9.12+ent has it.
        assert!(!v(1, 8, 21).has(Fix::AllocIpv6));
        assert!(v(1, 9, 12).has(Fix::AllocIpv6));
        assert!(!v(1, 9, 11).has(Fix::AllocIpv6));
        assert!(!v(1, 10, 3).has(Fix::AllocIpv6));
    }
}
