//! Clients of one computed class that Nomad's class-cached checks would
//! judge apart. The `FeasibilityWrapper` runs the group checks (drivers,
//! constraints, devices, network, ...) on the first client of a computed
//! class an evaluation meets and lets that verdict stand for every other
//! client of the class (scheduler/feasible/feasible.go v2.0.5:1450-1523),
//! while the class hashes only some of what those checks read (no
//! networks: nomad/structs/node_class.go v2.0.5:46-80). Which client comes
//! first is the node shuffle's draw (the system scheduler's Go map order
//! before 1.11), so where they differ the plan shown is one of several
//! outcomes: noted as drawn, so `check` samples it and the room bound
//! declines it (rt21b R21-B-2: only a note, `check` passed a group that
//! fails in half the shuffles).

use super::engine::{Ask, Engine, Note};
use super::feasibility::{in_job_scope, schedulable};
use crate::cluster::Node;

impl Engine<'_> {
    /// The first client of its class (`n` at `pos`) has just decided the
    /// class's verdict `class_ok` for the group: does another client of
    /// the class that the job's walk can meet (ready, eligible, in its
    /// datacenters and pool) judge otherwise? The walk shown may never
    /// have met it (the limit stops a walk early), and another shuffle
    /// puts it first. Asked only where the notes are read (the plan
    /// shown, the room bound), once per group until a split is found.
    pub(super) fn note_class_members(
        &mut self,
        ask: &Ask<'_>,
        pos: usize,
        n: &Node,
        class_ok: bool,
    ) {
        let state = self.state;
        // Only a stored client has its class's members indexed.
        if !state.nodes.get(pos).is_some_and(|s| std::ptr::eq(s, n)) {
            return;
        }
        let version = self.world.nomad_version;
        for &m in state.nodes.same_class(pos) {
            if !self.wants_note(Note::ClassCache, &ask.tg.name) {
                return;
            }
            let Some(other) = state.nodes.get(m) else {
                continue;
            };
            if m != pos && schedulable(other) && in_job_scope(version, ask.job, other) {
                self.note_class_split(ask, m, other, class_ok);
            }
        }
    }

    /// A client judged by its class's cached verdict `class_ok` that would
    /// be judged otherwise on its own: noted once per group, as drawn
    /// (`Preflight.Nondeterminism`, and a `note:` of the plan); `--samples`
    /// measures the outcomes.
    pub(super) fn note_class_split(&mut self, ask: &Ask<'_>, pos: usize, n: &Node, class_ok: bool) {
        if !self.wants_note(Note::ClassCache, &ask.tg.name) {
            return;
        }
        let own = self.tg_checks(ask, pos, n, Some(class_ok));
        if own.is_none() == class_ok {
            return;
        }
        let what = match &own {
            Some(reason) => format!("{reason:?} on some, not on others"),
            None => "some pass, others fail".to_string(),
        };
        self.note_drawn(Note::ClassCache, &ask.tg.name, || format!(
            "group {:?}: clients of one computed class differ on a check Nomad caches per class ({what}); the first of them Nomad checks decides for all, and which comes first is random, so this plan is one of its outcomes (--samples gives their shares)",
            ask.tg.name
        ));
    }
}
