//! What a hand-written client pool does not say of its clients, though
//! every real client reports it (redteam25 R25-1..3).
//!
//! `cluster::build` gives each client of a pool written by hand (one not
//! imported) values no one stated: its name (`POOL-N`, also its
//! `unique.hostname`), a derived node ID, a `10.P.x.y` address, the
//! servers' release as `nomad.version`, and an advertise address. And a
//! real client reports attributes the world has no field for: its
//! OS release (`os.version`), kernel, CPU model and core count, Nomad
//! revision, storage volume. Nomad's checks read them as they are
//! (scheduler/feasible.go v1.10.5:924 `resolveTarget`, :964-983
//! `checkConstraint`): `!=` is `!reflect.DeepEqual` with no found-check,
//! `is_not_set` is `!lFound`. So a placement that compares one of them
//! with a value depends on the real client, which the world does not
//! give: the plan cannot tell (exit 255; `check` NP225), never Nomad's
//! success text. Where the answer does not depend on the value it is
//! answered: `is_set` / `is_not_set` of an attribute every client of the
//! release reports (set, as Nomad would find it), an affinity on those
//! (it weighs every client alike), and `distinct_property` or an even
//! `spread` on a value each client has to itself (every value differs,
//! the invented ones as the real ones).
//!
//! Stating the attribute in the pool's `attributes` (or in each client's
//! `node "NAME" { attributes = {...} }`; the clients' names by naming them
//! in `node "NAME" {}` blocks, which keep the pool hand-written) makes it
//! known. The four platform stand-ins (`kernel.name`,
//! `os.name`, `cpu.arch`, `os.signals`) keep their note (NP221,
//! `planner::assumed`); the constraints Nomad implies on `nomad.version`
//! are a note too ([`implied_client_version`]).

use crate::cluster::reported::{lookup, Kind, Reported};
use crate::jobspec::{Job, Spread};
use crate::world::{ClientPool, World, WorldOrigin};

/// The key a placement target reads, as `resolveTarget` finds it.
fn key_of(target: &str) -> Option<&str> {
    match target {
        "${node.unique.name}" => Some("node.unique.name"),
        "${node.unique.id}" => Some("node.unique.id"),
        _ => {
            crate::scheduler::constraint::target_key(target, "${attr.").or_else(|| meta_key(target))
        }
    }
}

/// The node meta key a target reads (`${meta.connect.log_level}`).
fn meta_key(target: &str) -> Option<&str> {
    crate::scheduler::constraint::target_key(target, "${meta.")
}

/// One read of a value the world does not give, on which the placement
/// depends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnstatedRead {
    /// The target as the job writes it (`${attr.os.version}`).
    pub target: String,
    /// `constraint`, `affinity` or `spread`.
    pub block: &'static str,
    /// The operand (`!=`, `regexp`...), empty for a spread.
    pub operand: String,
    /// The hand-written pool that does not state it (the first).
    pub pool: String,
    /// Whether the world invents it (else a hand-written client lacks it).
    pub invented: bool,
    /// Whether every real client of the release reports it.
    pub always: bool,
    /// Whether it is a task driver plugin's own attribute, which no
    /// catalogue lists (`cluster::reported_drivers::plugins`).
    pub plugin: bool,
    /// Derived from what the pool states, within a window
    /// (`client_window`): the answer differs inside it.
    pub derived: bool,
}

/// Why the plan cannot tell: the reads, in job order, each target once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientValuesUnknown {
    pub reads: Vec<UnstatedRead>,
}

/// The pools the job's scheduler reaches (ready, eligible, in its
/// datacenters and node pool: scheduler/util.go
/// `readyNodesInDCsAndPool`, before any check reads an attribute: the
/// pool's scope fields, `feasibility::pool_reached`), and how many clients
/// they hold together: the candidates an affinity chooses among. One pass:
/// both answers read the same scope.
pub(crate) fn reached<'w>(world: &'w World, job: &Job) -> (Vec<&'w ClientPool>, u64) {
    let v = world.nomad_version;
    let mut pools = Vec::new();
    let mut candidates = 0u64;
    for p in &world.clients {
        if p.count == 0 || !crate::scheduler::feasibility::pool_reached(v, job, p) {
            continue;
        }
        candidates += u64::from(p.count);
        if !p.reported() {
            pools.push(p);
        }
    }
    (pools, candidates)
}

/// Does the pool state the value? An attribute in its `attributes`, or
/// in every client's own `node "NAME" { attributes = {...} }`; node meta
/// in its `meta`; the clients' names when `node` blocks name them all,
/// and their node IDs when every block of a `hand_written` pool gives
/// its `id`, or those of a real cluster's nodes ([`ClientPool::reported`]:
/// their blocks give `id`).
fn states(pool: &ClientPool, key: &str, meta: bool) -> bool {
    if meta {
        return pool.meta.contains_key(key);
    }
    let named = !pool.members.is_empty();
    match key {
        "node.unique.name" => named,
        "node.unique.id" => named && pool.members.iter().all(|m| !m.id.is_empty()),
        k => {
            pool.attributes.contains_key(k)
                || (named && pool.members.iter().all(|m| m.attributes.contains_key(k)))
        }
    }
}

/// The constraints Nomad implies on the client's release
/// (`${attr.nomad.version} semver ...`: Nomad service checks, NUMA,
/// workload identities, transparent proxy, task schedules): a floor no
/// higher than the servers' own release, which a client upgraded with
/// its servers meets. They are planned with the servers' release and
/// said in a note (`planner::assumed`), not "cannot tell": else every
/// job using Consul at 1.7+ could not be told on a hand-written world.
pub fn implied_client_version(operand: &str, l: &str, r: &str) -> bool {
    l == "${attr.nomad.version}"
        && operand == "semver"
        && crate::mutators::IMPLIED_CLIENT_VERSIONS.contains(&r)
}

/// Would the answer differ with the real value? `always`: every client
/// has it; `own`: each has its own.
fn depends(block: &str, operand: &str, spread: Option<&Spread>, r: &Reported) -> bool {
    match block {
        "spread" => !(r.own && spread.is_some_and(|s| s.targets.is_empty())),
        _ => match operand {
            "is_set" | "is_not_set" => !r.always,
            "distinct_property" => !r.own,
            "distinct_hosts" => false,
            _ => true,
        },
    }
}

/// Can an affinity change the outcome the plan shows? An affinity only
/// scores (scheduler/rank.go v1.10.5:905-1000 `NodeAffinityIterator`,
/// after the bin packing has dropped every node without room): the
/// placed allocations change only through which node is chosen, which the
/// plan's text does not name. So the value it reads cannot decide when
/// the job reaches at most one client: there is no choice.
///
/// Otherwise it is cannot tell: several placements compete for room,
/// preemption may evict where the affinity points, and even one placement
/// that cannot preempt decides where the next job of a change set, a
/// hook's staged files or a rehearsal lands (rv26-1: a count-1 job on the
/// bigger client left no room for the next one's 800 MHz). (A
/// system job has no affinity: Nomad refuses the block there, and its
/// stack scores none, scheduler/stack.go v1.10.5:232-320.)
fn affinity_decides(candidates: u64) -> bool {
    candidates > 1
}

/// What the placement of `job` (as admitted: its own constraints and
/// those Nomad implies) reads of a value a reached hand-written pool does
/// not state, where the answer depends on it. An imported world's pools
/// carry the values their nodes reported: never said.
pub fn unknown(world: &World, job: &Job) -> Option<ClientValuesUnknown> {
    if job.stop {
        return None;
    }
    // Most jobs read no client value at all: no node is built for them.
    if !reads_any_target(job) {
        return None;
    }
    let (mut pools, candidates) = reached(world, job);
    // A world folder's pool whose `node` blocks give `id` (no
    // `hand_written`) is read as a real cluster's nodes, as `import
    // --write` writes them: no stand-ins, every attribute they reported
    // written out. A value every real client reports that such a pool
    // does not state is then no fact of the cluster but a pool written
    // by hand with IDs: the read cannot be told either. (A live import's
    // nodes are their own report: never said.)
    let folder_reported: Vec<&ClientPool> = if matches!(world.origin, WorldOrigin::Import(_)) {
        Vec::new()
    } else {
        let v = world.nomad_version;
        world
            .clients
            .iter()
            .filter(|p| p.reported() && p.count > 0)
            .filter(|p| crate::scheduler::feasibility::pool_reached(v, job, p))
            .collect()
    };
    pools.extend(folder_reported.iter().copied());
    if pools.is_empty() {
        return None;
    }
    let affinities_decide = affinity_decides(candidates);
    let mut reads: Vec<UnstatedRead> = Vec::new();
    let mut see = |block: &'static str, operand: &str, l: &str, r: &str, s: Option<&Spread>| {
        if block != "spread" && implied_client_version(operand, l, r) {
            return;
        }
        if block == "affinity" && !affinities_decide {
            return;
        }
        for target in [l, r] {
            let Some(key) = key_of(target) else { continue };
            let meta = meta_key(target).is_some();
            if !meta && reads.iter().all(|x| x.target != target || x.block != block) {
                let c = super::client_window::Comparison {
                    block,
                    operand,
                    l,
                    r,
                    window_left: target == l,
                };
                let v = world.nomad_version;
                let window = pools
                    .iter()
                    .filter(|p| !p.reported() && !states(p, key, false))
                    .find(|p| super::client_window::differs(v, p, key, &c));
                if let Some(pool) = window {
                    reads.push(UnstatedRead {
                        target: target.to_string(),
                        block,
                        operand: operand.to_string(),
                        pool: pool.name.clone(),
                        invented: false,
                        always: true,
                        plugin: false,
                        derived: true,
                    });
                    continue;
                }
            }
            // Per pool: a driver's own values come with its drivers.
            let Some((pool, rep)) = pools
                .iter()
                .filter(|p| !states(p, key, meta))
                .find_map(|p| {
                    let rep = lookup(world.nomad_version, p, key, meta)?;
                    // A real node's report has every value its release
                    // always reports; one its host may lack is absent
                    // there as a fact.
                    (!p.reported() || rep.always).then_some((p, rep))
                })
            else {
                continue;
            };
            if !depends(block, operand, s, &rep)
                || reads.iter().any(|x| x.target == target && x.block == block)
            {
                continue;
            }
            reads.push(UnstatedRead {
                target: target.to_string(),
                block,
                operand: operand.to_string(),
                pool: pool.name.clone(),
                invented: rep.kind == Kind::Invented && !pool.reported(),
                always: rep.always,
                plugin: rep.kind == Kind::Plugin,
                derived: false,
            });
        }
    };
    let mut scan =
        |cs: &[crate::jobspec::Constraint], afs: &[crate::jobspec::Affinity], sps: &[Spread]| {
            for c in cs {
                see("constraint", &c.operand, &c.ltarget, &c.rtarget, None);
            }
            for a in afs {
                see("affinity", &a.operand, &a.ltarget, &a.rtarget, None);
            }
            for s in sps {
                see("spread", "", &s.attribute, "", Some(s));
            }
        };
    scan(&job.constraints, &job.affinities, &job.spreads);
    for g in &job.groups {
        scan(&g.constraints, &g.affinities, &g.spreads);
        for t in &g.tasks {
            scan(&t.constraints, &t.affinities, &[]);
        }
    }
    (!reads.is_empty()).then_some(ClientValuesUnknown { reads })
}

/// Whether any constraint, affinity or spread of `job` reads a target
/// [`key_of`] knows (`${attr.*}`, `${meta.*}`, `${node.unique.*}`).
fn reads_any_target(job: &Job) -> bool {
    let c = |cs: &[crate::jobspec::Constraint]| {
        cs.iter()
            .any(|c| key_of(&c.ltarget).is_some() || key_of(&c.rtarget).is_some())
    };
    let a = |afs: &[crate::jobspec::Affinity]| {
        afs.iter()
            .any(|a| key_of(&a.ltarget).is_some() || key_of(&a.rtarget).is_some())
    };
    let s = |sps: &[Spread]| sps.iter().any(|s| key_of(&s.attribute).is_some());
    c(&job.constraints)
        || a(&job.affinities)
        || s(&job.spreads)
        || job.groups.iter().any(|g| {
            c(&g.constraints)
                || a(&g.affinities)
                || s(&g.spreads)
                || g.tasks
                    .iter()
                    .any(|t| c(&t.constraints) || a(&t.affinities))
        })
}

/// [`unknown`] of one world and job, asked once by every reader: `check`
/// reads it for NP225 (through `planner::CannotKnow`, before and after
/// the scheduler's run) and for NP203 (which says nothing of a
/// constraint whose value is unknown). The caller keeps the pair fixed.
#[derive(Debug, Default)]
pub struct Memo(std::sync::OnceLock<Option<ClientValuesUnknown>>);

impl Memo {
    pub fn get(&self, world: &World, job: &Job) -> Option<&ClientValuesUnknown> {
        self.0.get_or_init(|| unknown(world, job)).as_ref()
    }
}

impl ClientValuesUnknown {
    /// Where the world would have to say more.
    pub const HINT: &'static str = "state the value in each `client` block's `attributes` (or each `node \"NAME\" { attributes = {...} }`), as `nomad node status -verbose` shows it (a client's name: a `node \"NAME\" {}` block per client); or judge the job on the cluster (`nomad job plan`)";

    fn what(r: &UnstatedRead) -> String {
        let how = match r.block {
            "spread" => "a spread".to_string(),
            "affinity" => format!("an affinity `{}`", r.operand),
            block => format!("a {block} `{}`", r.operand),
        };
        let derived = key_of(&r.target).filter(|_| r.derived);
        let whose = if let Some(k) = derived {
            crate::cluster::reported_host::derived_why(k)
        } else if r.invented {
            "a value the world makes up for its clients"
        } else if r.plugin {
            "which a task driver plugin the pool runs may report, as its configuration and host say"
        } else if meta_key(&r.target).is_some() {
            "which every client sets unless its agent's `meta` does"
        } else if r.always {
            "which every real client reports"
        } else {
            "which a real client reports when its host has it"
        };
        format!("{} ({how}; {whose})", r.target)
    }

    /// The one line (without a prefix).
    pub fn line(&self, _job: &Job) -> String {
        let named: Vec<String> = self.reads.iter().map(Self::what).collect();
        // Built only where a read was found; an empty list still says
        // one line (rv25-10).
        let Some(first) = self.reads.first() else {
            return "cannot tell how Nomad places the job: its placement reads a value a client reports".to_string();
        };
        let state = match key_of(&first.target) {
            Some("node.unique.name") => "name its clients in `node \"NAME\" {}` blocks".to_string(),
            Some("node.unique.id") => {
                "a hand-written client's ID is derived unless stated: say `hand_written = true` in the pool and give each client's `node \"NAME\" { id = \"...\" }`".to_string()
            }
            Some(k) if meta_key(&first.target).is_some() => {
                format!("state `\"{k}\" = \"...\"` in its `meta`")
            }
            Some(k) => format!("state `\"{k}\" = \"...\"` in its `attributes`"),
            None => "state it".to_string(),
        };
        format!(
            "cannot tell how Nomad places the job: its placement reads {}, and client pool {} does not state it; the answer depends on each client's own value ({state}, as `nomad node status -verbose` shows it)",
            named.join(", "),
            crate::gotext::go_quote(&first.pool),
        )
    }

    /// `Preflight.ClientValues` in JSON.
    pub fn json(&self) -> serde_json::Value {
        self.reads
            .iter()
            .map(|r| {
                serde_json::json!({
                    "Target": r.target,
                    "Block": r.block,
                    "Operand": r.operand,
                    "Pool": r.pool,
                    "Invented": r.invented,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::reported::{always_set_absent, reported};
    use crate::version::NomadVersion;

    fn rep(v: NomadVersion, key: &str) -> Option<(bool, bool)> {
        reported(v)
            .into_iter()
            .find(|r| r.key == key)
            .map(|r| (r.always, r.own))
    }

    #[test]
    fn the_catalogue_follows_the_release() {
        let old = NomadVersion::new(0, 9, 3);
        let new = NomadVersion::new(1, 10, 5);
        assert_eq!(rep(old, "kernel.arch"), None);
        assert_eq!(rep(new, "kernel.arch"), Some((true, false)));
        assert_eq!(rep(old, "cpu.numcores"), Some((false, false)));
        assert_eq!(rep(new, "cpu.numcores"), Some((true, false)));
        assert!(rep(NomadVersion::new(2, 0, 5), "unique.storage.bytesfree").is_none());
        assert_eq!(rep(new, "node.unique.id"), Some((true, true)));
        assert!(always_set_absent(new).contains(&"os.version"));
        assert!(!always_set_absent(new).contains(&"unique.hostname"));
    }

    #[test]
    fn only_a_value_that_decides_is_unknown() {
        let os = Reported {
            key: "os.version",
            kind: Kind::Absent,
            always: true,
            own: false,
        };
        assert!(!depends("constraint", "is_set", None, &os));
        assert!(!depends("affinity", "is_not_set", None, &os));
        assert!(depends("constraint", "!=", None, &os));
        assert!(depends("constraint", "distinct_property", None, &os));
        let host = Reported {
            key: "unique.hostname",
            kind: Kind::Invented,
            always: true,
            own: true,
        };
        assert!(!depends("constraint", "distinct_property", None, &host));
        let even = Spread::default();
        assert!(!depends("spread", "", Some(&even), &host));
        assert!(depends("spread", "", Some(&even), &os));
    }
}
