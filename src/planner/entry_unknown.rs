//! The entries of the servers' one list (Job.Validate's items and the
//! admission validators' errors, `admission::joined`) that the world
//! cannot give: a `regexp` value Go's size limits may refuse, a periodic
//! time zone the servers' zone files decide, the Vault hook's entry
//! (1.3+), the community edition's refusals (1.7+), the namespace
//! validator's entry (1.3+) and Enterprise's namespace clusters (1.7+).
//!
//! Each adds at most an entry to the list; none removes one. So where the
//! list holds an entry we know for sure (Job.Validate's error, a missing
//! node pool, a refused driver), Nomad refuses the job whatever the
//! unknown entry says, and only its words are unknown: `validate` exits 1
//! as Nomad's does, `plan` 255 with the line that says so, `check` 1 on
//! the sure finding beside the "cannot tell" one. Unknowns that change
//! which servers judge the job (the release, another region, a
//! multiregion job's forwarding) are not entries: the whole answer is
//! unknown, and they stay "cannot tell".

use super::CannotKnow;
use crate::jobspec::Job;
use crate::world::guess::WorldGuess;
use crate::world::World;

/// The first entry of the list the world cannot give for `job`, in the
/// order [`CannotKnow::of`] says them (so every command names the same).
pub fn entry_unknown(world: &World, job: &Job) -> Option<CannotKnow> {
    crate::jobspec::regexp_unknown(job, world.nomad_version)
        .map(CannotKnow::Regexp)
        .or_else(|| crate::jobspec::time_zone::time_zone_unknown(job).map(CannotKnow::TimeZone))
        .or_else(|| servers_entry_unknown(world, job))
}

/// [`entry_unknown`] without Job.Validate's own entries: those the
/// admission validators beside it add (the Vault hook, the community
/// edition's hooks, the namespace validator, Enterprise's cluster checks).
pub fn servers_entry_unknown(world: &World, job: &Job) -> Option<CannotKnow> {
    crate::mutators::vault::unknown(world, job)
        .map(CannotKnow::Vault)
        .or_else(|| super::admission_edition::unknown(world, job).map(CannotKnow::Edition))
        .or_else(|| {
            // Before 1.3 the namespace is the state store's, which a
            // refused job never reaches: not an entry of the list.
            crate::world::guess::namespace_unknown(world, job)
                .filter(|_| world.nomad_version.at_least(1, 3, 0))
                .map(CannotKnow::World)
        })
        .or_else(|| crate::world::namespace_clusters::unknown(world, job).map(CannotKnow::World))
}

impl CannotKnow {
    /// Whether this unknown is an entry of the servers' list
    /// ([`entry_unknown`]'s kinds), beside which a sure entry is a sure
    /// refusal.
    pub fn is_entry(&self) -> bool {
        match self {
            CannotKnow::Regexp(_)
            | CannotKnow::TimeZone(_)
            | CannotKnow::Vault(_)
            | CannotKnow::Edition(_) => true,
            CannotKnow::World(g) => matches!(
                g,
                WorldGuess::Namespace { .. } | WorldGuess::NamespaceClusters { .. }
            ),
            _ => false,
        }
    }

    /// Whether this unknown decides which servers judge the job, or as
    /// which release: then even a sure entry of the list is not known to
    /// be theirs.
    pub fn decides_the_servers(&self) -> bool {
        matches!(
            self,
            CannotKnow::Region(_)
                | CannotKnow::Multiregion(_)
                | CannotKnow::World(WorldGuess::Version { .. })
        )
    }
}

/// The entries of the list `errors` (Nomad's words) that are known: all
/// but the one whose own words the world cannot give, the community
/// edition's refusal of two or more Vault namespaces, which lists them in
/// Go's map order (the job is refused for sure, in words not known).
pub fn known_entries(world: &World, job: &Job, errors: &[String]) -> Vec<String> {
    use crate::mutators::vault::VaultUnknownWhy;
    let in_map_order = crate::mutators::vault::unknown(world, job)
        .is_some_and(|u| matches!(u.why, VaultUnknownWhy::NamespaceOrder { .. }));
    let untold = in_map_order
        .then(|| super::admission_edition::vault_refusal(world, job))
        .flatten()
        .map(|r| r.message(job));
    errors
        .iter()
        .filter(|e| untold.as_ref() != Some(*e))
        .cloned()
        .collect()
}
