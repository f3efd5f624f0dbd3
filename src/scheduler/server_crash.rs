//! Plans whose scheduling panics the Nomad server (red team rt14c:
//! R14-20, R14-21, R14-22). `Job.Plan` runs the scheduler in the leader's
//! RPC goroutine (`sched.Process`, nomad/job_endpoint.go), and nothing on
//! the way recovers a panic: the only `recover()`s under nomad/ at v0.9.2,
//! v0.9.3 and v1.1.6 are the periodic dispatcher's and `CronParseNext`'s,
//! and Go's net/rpc `ServeRequest` calls the method with none. So the
//! leader's process dies, or, where the agent the CLI talks to is the
//! leader itself, the panic unwinds its HTTP handler (`Server.RPC` serves
//! in memory, nomad/server.go) and net/http drops the connection. Either
//! way `nomad job plan` gets no plan, and what it prints depends on the
//! agent: no words of ours are Nomad's. The scheduler records the first
//! panic where Nomad's code reaches it ([`Engine::crash_if`]), and the
//! planner says "cannot tell" (`planner::CannotKnow::ServerCrash`).

use super::engine::Engine;
use crate::cluster::{Allocation, Node};
use crate::jobspec::Job;
use crate::version::{Fix, NomadVersion};

/// Which of Nomad's panics the plan reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrashBug {
    /// `EvalContext.ProposedAllocs` (scheduler/context.go, v0.9.0 to
    /// v0.9.6, v0.10.0 and v0.10.1) removes the plan's stops from the
    /// node's allocations with `RemoveAllocs`, which swaps each removed
    /// one to the end and leaves `nil` there (nomad/structs/funcs.go), and
    /// then removes the plan's preemptions from the same untrimmed slice:
    /// the second pass reads a `nil`'s ID. Any later select that ranks a
    /// node on which the plan both stops a live allocation and preempts
    /// one panics (issue #6787, fixed by 6112ad9f, #6792).
    EvictAndPreempt,
    /// The BinPackIterator removes its network and device victims with
    /// `RemoveAllocs` from the list the RankedNode caches
    /// (`RankedNode.ProposedAllocs`, scheduler/rank.go v1.1.6:42-53,
    /// 294, 364, 409); appending the placement's own allocation
    /// (v1.1.6:480) refills one `nil` slot, so with two or more removed a
    /// `nil` stays, and the generic stack's JobAntiAffinityIterator reads
    /// its `JobID` (v1.1.6:564-581): "a panic that may occur when
    /// preempting multiple allocations on the same node" (issue #11342,
    /// fixed by 6d35e2fb, #11346, in 1.0.13, 1.1.7, 1.2.0). The system
    /// stack has no job anti-affinity, so only service and batch jobs.
    CachedProposed,
    /// `PreemptForNetwork` (scheduler/preemption.go v0.9.2:301-306)
    /// takes `networks[0]` of every candidate within 10 priority points
    /// before it asks whether the allocation has a network: one without
    /// panics with an index out of range (GH-5793, fixed by d342a24b,
    /// #5794, in 0.9.3).
    NetworklessVictim,
    /// The dynamic port draw on a client whose range is one port
    /// (`rand.Intn(0)`, [`super::one_port_range`]; hashicorp/nomad#17619,
    /// fixed in 1.4.11, 1.5.7, 1.6.0). From 1.3.0 the scheduler recovers
    /// it into the plan's error ([`ServerCrash::recovered_error`]).
    OnePortRange,
    /// The system scheduler's `mergeNodeFiltered` (scheduler/
    /// scheduler_system.go v1.2.0:283-298, 1.2.0 and 1.2.1) starts a
    /// group's merged filter metric as a `Copy` of the first filtered
    /// node's, which leaves an empty class or constraint map nil
    /// (`helper.CopyMapStringInt`, helper/funcs.go v1.2.0:342-353), and
    /// adds each later filtered node's counts into it: a later node with
    /// a class (or a constraint reason) where the first had none writes
    /// to a nil map (#11565, e50fe8c7, fixed in 1.2.2). Which node is
    /// filtered first is the diff's Go map order: a draw
    /// ([`super::nil_filtered_map`]).
    NilFilteredMap,
    /// A device constraint or affinity compares a value Nomad parses as
    /// NaN ("NaN", "NaN GHz": `strconv.ParseFloat`, plugins/shared/structs/
    /// attribute.go v1.6.0:92) with a number, not both ints: `getBigFloat`'s
    /// `SetFloat64` panics with `big.ErrNaN` (attribute.go v2.0.5:408;
    /// [`crate::structs::attribute::Attribute::compare_panics`]), in the
    /// feasibility check (`nodeDeviceMatches`), the offer's affinities
    /// (`checkAttributeAffinity`) and device preemption alike. Not fixed
    /// up to 2.0.5. Node attribute constraints compare strings and
    /// `ParseFloat`'s float64s (`checkOrder`), not attributes: no panic.
    NanAttribute,
    /// `Secret.Equal`'s `maps.Equal` on two secret configs holding a
    /// list (or map) under the same key: Go's `!=` on two interfaces of
    /// that uncomparable type `go_type` panics ([`super::secret_compare`],
    /// 1.11.0 to 2.0.5, not fixed). `certain`: no other key can end the
    /// range first; else Go's map order decides.
    UncomparableSecret {
        certain: bool,
        go_type: &'static str,
    },
}

/// The panic a plan reaches, where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerCrash {
    pub bug: CrashBug,
    pub version: NomadVersion,
    /// The name of the node being ranked when it panics.
    pub node: String,
    /// For [`CrashBug::CachedProposed`], how many allocations the network
    /// and device preemption removed; for [`CrashBug::NetworklessVictim`]
    /// the job of the allocation without a network; for
    /// [`CrashBug::NilFilteredMap`] the group; else empty.
    pub detail: String,
}

impl ServerCrash {
    /// The issue that reports it, as `hashicorp/nomad#N`.
    pub fn issue(&self) -> &'static str {
        match self.bug {
            CrashBug::EvictAndPreempt => "hashicorp/nomad#6787",
            CrashBug::CachedProposed => "hashicorp/nomad#11342",
            CrashBug::NetworklessVictim => "hashicorp/nomad#5793",
            CrashBug::OnePortRange => "hashicorp/nomad#17619",
            CrashBug::NilFilteredMap => "hashicorp/nomad#11565",
            // No issue reports them (none found up to 2.0.5).
            CrashBug::NanAttribute | CrashBug::UncomparableSecret { .. } => "",
        }
    }

    /// The first release of each line with the fix.
    pub fn fixed_in(&self) -> &'static [NomadVersion] {
        const V093: &[NomadVersion] = &[NomadVersion::new(0, 9, 3)];
        // Only 1.2.0 and 1.2.1 carry the merge (41b853b4, #11565 in 1.2.2).
        const V122: &[NomadVersion] = &[NomadVersion::new(1, 2, 2)];
        match self.bug {
            CrashBug::EvictAndPreempt => Fix::ProposedAllocsTrimmed.since(),
            CrashBug::CachedProposed => Fix::RemoveAllocsCopies.since(),
            CrashBug::NetworklessVictim => V093,
            CrashBug::OnePortRange => Fix::OnePortRangeDrawn.since(),
            CrashBug::NilFilteredMap => V122,
            CrashBug::NanAttribute | CrashBug::UncomparableSecret { .. } => &[],
        }
    }

    fn fixed_text(&self) -> String {
        if self.fixed_in().is_empty() {
            return "not fixed up to 2.0.5".to_string();
        }
        let names: Vec<String> = self.fixed_in().iter().map(|v| v.to_string()).collect();
        match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => names.join(""),
        }
    }

    /// What panics, in our words.
    fn what(&self) -> String {
        let node = crate::gotext::go_quote(&self.node);
        match self.bug {
            CrashBug::EvictAndPreempt => format!(
                "a nil dereference in ProposedAllocs on node {node}, where the plan both stops and preempts allocations"
            ),
            CrashBug::CachedProposed => format!(
                "a nil dereference in the job anti-affinity score of node {node}, whose network and device preemption removes {} allocations",
                self.detail
            ),
            CrashBug::NetworklessVictim => format!(
                "an index out of range in PreemptForNetwork on node {node}, where an allocation of job {} within 10 priority points has no network",
                crate::gotext::go_quote(&self.detail)
            ),
            CrashBug::OnePortRange => format!(
                "rand.Intn(0) in the dynamic port draw on node {node}, whose dynamic port range is the one port {}",
                self.detail
            ),
            CrashBug::NilFilteredMap => format!(
                "an assignment to a nil map merging the filter metrics of group {} at node {node}, which has a class or a constraint reason where the first node filtered for the group had none; which node is filtered first is Go's map order, random per evaluation, and this evaluation's order reaches the panic (`--samples` gives the share)",
                crate::gotext::go_quote(&self.detail)
            ),
            CrashBug::NanAttribute => format!(
                "big.Float's SetFloat64(NaN) comparing device attributes on node {node}, where a device constraint or affinity compares a value Nomad parses as NaN with a number"
            ),
            CrashBug::UncomparableSecret { go_type, .. } => format!(
                "comparing uncomparable type {go_type} in {}'s config with the running job's, which holds one under the same key (Secret.Equal's maps.Equal)",
                self.detail
            ),
        }
    }

    /// The error `Job.Plan` returns where the scheduler recovers this
    /// panic (from 1.3.0, [`recovered`]); `None` where the server dies.
    pub fn recovered_error(&self, eval_id: &str) -> Option<String> {
        match self.bug {
            // `rand.Intn`'s panic value (math/rand rand.go).
            CrashBug::OnePortRange => recovered(self.version, eval_id, "invalid argument to Intn"),
            // `ErrNaN.Error()` is its message (math/big float.go).
            CrashBug::NanAttribute => recovered(self.version, eval_id, "Float.SetFloat64(NaN)"),
            // A runtime.Error's text (runtime/alg.go efaceeq). Where Go's
            // map order decides whether it panics, no one error is Nomad's.
            CrashBug::UncomparableSecret { certain, go_type } => certain
                .then(|| {
                    let panic = format!("runtime error: comparing uncomparable type {go_type}");
                    recovered(self.version, eval_id, &panic)
                })
                .flatten(),
            // Fixed before 1.3.0, the first release that recovers.
            CrashBug::EvictAndPreempt
            | CrashBug::CachedProposed
            | CrashBug::NetworklessVictim
            | CrashBug::NilFilteredMap => None,
        }
    }

    /// The one line every command prints for it (without a prefix).
    pub fn line(&self, job: &Job) -> String {
        let issue = match self.issue() {
            "" => String::new(),
            i => format!("{i}, "),
        };
        let fixed = match self.fixed_in() {
            [] => self.fixed_text(),
            _ => format!("fixed in {}", self.fixed_text()),
        };
        if let CrashBug::UncomparableSecret {
            certain: false,
            go_type,
        } = self.bug
        {
            // Recovered (1.11+), but only where Go's map order, or a
            // changed field the model does not hold, lets it reach the
            // compare; with a list and a map under two keys it always
            // panics, naming whichever Go's map order meets first (rv24-5).
            return format!(
                "cannot tell what `nomad job plan` prints for job {}: Nomad {}'s scheduler may panic on this plan ({}; {fixed}): whether the compare reaches that key, and which uncomparable type it meets first, is Go's map order over the config's keys (random per evaluation) or turns on a changed field nomad-preflight does not model, so `nomad job plan` prints `Error during plan: Unexpected response code: 500 (failed to process eval: runtime error: comparing uncomparable type {go_type})`, the same naming another type, or a plan that replaces the allocations",
                crate::gotext::go_quote(&job.id),
                self.version,
                self.what(),
            );
        }
        format!(
            "cannot tell what `nomad job plan` prints for job {}: Nomad {}'s server panics on this plan ({}: {issue}{fixed}), so `nomad job plan` gets no plan (the leader's process dies, or its agent drops the connection)",
            crate::gotext::go_quote(&job.id),
            self.version,
            self.what(),
        )
    }

    /// `Preflight.ServerCrash` in JSON.
    pub fn json(&self) -> serde_json::Value {
        let fixed: Vec<String> = self.fixed_in().iter().map(|v| v.to_string()).collect();
        serde_json::json!({
            "Issue": Some(self.issue()).filter(|i| !i.is_empty()),
            "FixedIn": fixed,
            "Node": Some(&self.node).filter(|n| !n.is_empty()),
            "Answers": false,
        })
    }

    pub const HINT: &'static str =
        "upgrade the servers to a release with the fix, or split the change so no one plan hits the panic; nomad-preflight prints no plan where Nomad's server panics";
}

/// `Job.Plan`'s error for a panic the scheduler recovers with value
/// `panic` (its `%v`), from 1.3.0 (scheduler/generic_sched.go
/// v1.3.0:146-150, #12009; before, the server dies: `None`), which names the
/// evaluation from 1.3.0 to 1.3.7 and 1.4.0 to 1.4.2
/// (generic_sched.go v1.3.0:148 `processing eval %q panicked scheduler -
/// please report this as a bug! - %v`) and not from 1.3.8 and 1.4.3, which
/// log the stack instead (`failed to process eval: %v`, v1.3.8:150,
/// v1.4.3; 44943bfd, backported by #15304 and #15305).
pub fn recovered(version: NomadVersion, eval_id: &str, panic: &str) -> Option<String> {
    if !version.at_least(1, 3, 0) {
        return None;
    }
    Some(if names_the_evaluation(version) {
        format!(
            "processing eval {} panicked scheduler - please report this as a bug! - {panic}",
            crate::gotext::go_quote(eval_id)
        )
    } else {
        format!("failed to process eval: {panic}")
    })
}

/// Does the recovered error name the evaluation, whose ID `Job.Plan`
/// draws at random (`uuid.Generate()`, nomad/job_endpoint.go v1.3.0:1694)?
pub fn names_the_evaluation(version: NomadVersion) -> bool {
    version.at_least(1, 3, 0)
        && !version.has_since(&[NomadVersion::new(1, 3, 8), NomadVersion::new(1, 4, 3)])
}

/// The note of an error that names the evaluation: Nomad's ID is random.
pub const RANDOM_EVAL_ID: &str = "the evaluation ID in this error is the simulation's: Nomad's `Job.Plan` draws it at random (uuid.Generate, nomad/job_endpoint.go v1.3.0:1694), so the rest of the line is Nomad's and the ID is not";

impl Engine<'_> {
    /// The distinct_hosts and distinct_property checks, where Nomad's
    /// DistinctHostsIterator reads the node's proposed list first when a
    /// `distinct_hosts` constraint is set on the job or the group
    /// (scheduler/feasible.go v0.9.3:239 `ProposedAllocs`): the panic of
    /// [`CrashBug::EvictAndPreempt`] comes before any of its verdicts.
    pub(super) fn distinct_seen(
        &self,
        ask: &super::engine::Ask<'_>,
        pos: usize,
        n: &Node,
    ) -> Option<String> {
        let hosts =
            |cs: &[crate::jobspec::Constraint]| cs.iter().any(|c| c.operand == "distinct_hosts");
        // The system stack has no DistinctHostsIterator
        // (scheduler/stack.go v0.9.3 NewSystemStack): its read is the
        // binpack's ([`Engine::rank`]).
        let generic = !ask.job.job_type.is_per_node();
        if generic && (hosts(&ask.job.constraints) || hosts(&ask.tg.constraints)) {
            self.crash_if(self.evicted_and_preempted(pos, n));
        }
        self.distinct(ask, pos, n)
    }

    /// Record `crash` unless one is recorded already (Nomad stops at the
    /// first panic).
    pub(super) fn crash_if(&self, crash: Option<ServerCrash>) {
        if let Some(c) = crash {
            self.crash.borrow_mut().get_or_insert(c);
        }
    }

    /// [`CrashBug::EvictAndPreempt`]: does `ProposedAllocs` for the node at
    /// `pos` panic? Only where the first `RemoveAllocs` removes a live
    /// allocation (a stop of a terminal one leaves no `nil`) and the plan
    /// preempts on the node: then the second pass always reaches a `nil`.
    pub(super) fn evicted_and_preempted(&self, pos: usize, n: &Node) -> Option<ServerCrash> {
        let version = self.world.nomad_version;
        if version.has(Fix::ProposedAllocsTrimmed)
            || !self.plan.preempted.iter().any(|(a, _)| a.node_id == n.id)
        {
            return None;
        }
        let live = self.by_node.get(pos)?;
        let stored = |s: &Allocation| {
            live.iter()
                .any(|&i| self.state.allocs.get(i).is_some_and(|a| a.id == s.id))
        };
        self.plan
            .stops
            .iter()
            .any(|s| s.node_id == n.id && stored(s))
            .then(|| ServerCrash {
                bug: CrashBug::EvictAndPreempt,
                version,
                node: n.name.clone(),
                detail: String::new(),
            })
    }
}

/// [`CrashBug::NanAttribute`] on node `n`, when the device walk just
/// simulated `met` a NaN comparison ([`super::device::NanCompared`]).
pub(super) fn nan_attribute(
    version: NomadVersion,
    n: &Node,
    met: Option<super::device::NanCompared>,
) -> Option<ServerCrash> {
    met.map(|_| ServerCrash {
        bug: CrashBug::NanAttribute,
        version,
        node: n.name.clone(),
        detail: String::new(),
    })
}

/// [`CrashBug::CachedProposed`]: the generic stack yields node `n` whose
/// network and device preemption removed `removed` allocations.
pub(super) fn cached_proposed(
    version: NomadVersion,
    removed: usize,
    n: &Node,
) -> Option<ServerCrash> {
    (removed >= 2 && !version.has(Fix::RemoveAllocsCopies)).then(|| ServerCrash {
        bug: CrashBug::CachedProposed,
        version,
        node: n.name.clone(),
        detail: removed.to_string(),
    })
}

/// [`CrashBug::NetworklessVictim`]: `PreemptForNetwork` runs on node `n`
/// with `kept`, a candidate it may not preempt that has no network.
pub(super) fn networkless_victim(
    version: NomadVersion,
    kept: Option<&Allocation>,
    n: &Node,
) -> Option<ServerCrash> {
    let a = kept.filter(|_| !version.at_least(0, 9, 3))?;
    Some(ServerCrash {
        bug: CrashBug::NetworklessVictim,
        version,
        node: n.name.clone(),
        detail: a.job_id.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node() -> Node {
        Node {
            name: "c".into(),
            ..Node::default()
        }
    }

    #[test]
    fn two_removed_panic_before_the_fix_and_one_never() {
        let v = NomadVersion::new;
        for at in [v(0, 12, 0), v(1, 0, 12), v(1, 1, 6), v(0, 9, 3)] {
            assert!(cached_proposed(at, 2, &node()).is_some(), "{at}");
            // The placement's own allocation fills the one nil slot.
            assert!(cached_proposed(at, 1, &node()).is_none(), "{at}");
        }
        for at in [v(1, 0, 13), v(1, 1, 7), v(1, 2, 0), v(2, 0, 5)] {
            assert!(cached_proposed(at, 3, &node()).is_none(), "{at}");
        }
    }

    #[test]
    fn the_line_names_the_issue_and_the_fixes() {
        let c = ServerCrash {
            bug: CrashBug::EvictAndPreempt,
            version: NomadVersion::new(0, 9, 3),
            node: "c".into(),
            detail: String::new(),
        };
        let job = Job {
            id: "sys".into(),
            ..Job::default()
        };
        let line = c.line(&job);
        assert!(line.starts_with("cannot tell what `nomad job plan` prints for job \"sys\": Nomad 0.9.3's server panics"), "{line}");
        assert!(
            line.contains("hashicorp/nomad#6787, fixed in 0.9.7 and 0.10.2"),
            "{line}"
        );
    }

    #[test]
    fn the_recovered_error_names_the_evaluation_before_1_3_8_and_1_4_3() {
        const INTN: &str = "invalid argument to Intn";
        let v = NomadVersion::new;
        assert_eq!(recovered(v(1, 2, 16), "e", INTN), None);
        for at in [v(1, 3, 0), v(1, 3, 7), v(1, 4, 0), v(1, 4, 2)] {
            assert_eq!(
                recovered(at, "e", INTN).as_deref(),
                Some("processing eval \"e\" panicked scheduler - please report this as a bug! - invalid argument to Intn"),
                "{at}"
            );
        }
        for at in [
            v(1, 3, 8),
            v(1, 3, 16),
            v(1, 4, 3),
            v(1, 4, 10),
            v(1, 5, 0),
            v(1, 5, 6),
        ] {
            assert_eq!(
                recovered(at, "e", INTN).as_deref(),
                Some("failed to process eval: invalid argument to Intn"),
                "{at}"
            );
        }
    }
}
