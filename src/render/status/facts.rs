//! The parts of `nomad node status` and `nomad job status` that show an
//! imported cluster's own facts ([`StatusFacts`]): allocation times, node
//! events and driver health, and the "now" relative times are counted
//! from. A hand-written world has no such facts: its times are the
//! simulation's, and a note says so, so they never pass for a cluster's.

use super::job::{DeploymentView, GroupView};
use super::{format_list, format_time, pretty_time_diff, TimeZone, SIM_EPOCH_UNIX};
use crate::cluster::rounded_sim_seconds as rounded_secs;
use crate::cluster::{Allocation, JobRecord, Node, State};
use crate::world::status_facts::{driver_status, AllocTimes, Events, NodeEvent, StatusFacts};
use crate::world::World;

/// Where "now" comes from, with the simulated seconds it stands at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Now {
    /// A hand-written world: a minute after its latest submission.
    Simulated(i64),
    /// An import's `saved-at.txt`.
    Saved(i64),
    /// An import without `saved-at.txt`: this machine's clock, as `nomad`
    /// run now would count (`time.Now()`, command/job_status.go).
    Clock(i64),
}

impl Now {
    pub fn secs(self) -> i64 {
        match self {
            Now::Simulated(s) | Now::Saved(s) | Now::Clock(s) => s,
        }
    }
}

/// "Now" for the status views of `world`.
pub fn status_now(world: &World, state: &State) -> Now {
    match &world.status_facts {
        None => Now::Simulated(super::default_now(state)),
        Some(StatusFacts {
            saved_at: Some(ns), ..
        }) => Now::Saved(rounded_secs(*ns)),
        Some(_) => {
            let now = jiff::Timestamp::now().as_nanosecond();
            Now::Clock(rounded_secs(now))
        }
    }
}

/// The simulation's clock in words, said by `status`'s note and by a
/// rehearsal's alike, from [`SIM_EPOCH_UNIX`] and
/// [`super::default_now`]'s rule, so neither states it on its own.
pub fn simulated_clock() -> String {
    format!(
        "{} plus a second per index; now a minute after the latest submission",
        format_time(0, &TimeZone::UTC)
    )
}

/// A rehearsal's clock of an import in words ([`State::time_at`]): its
/// saved dates, and the steps' writes a second per index after it was
/// saved; `None` for a hand-written world's state, or an import that holds
/// no time at all (its clock is then [`simulated_clock`]).
pub fn import_clock(world: &World, state: &State) -> Option<String> {
    let origin = state.import_clock.filter(|_| state.imported_at.is_some())?;
    let saved = format_time(origin, &TimeZone::UTC);
    let from = match world.status_facts.as_ref().and_then(|f| f.saved_at) {
        Some(_) => format!("it was saved ({saved}, saved-at.txt)"),
        None => format!("the newest time it holds ({saved}: it has no saved-at.txt)"),
    };
    Some(format!(
        "the import's saved dates, and this rehearsal's steps a second per index after {from}; now a minute after the latest step that wrote, else that time"
    ))
}

/// The note saying where the relative times of a node or job view come
/// from (never silent: a simulated "1m ago" must not read as a cluster's).
pub fn now_note(now: Now, zone: &TimeZone) -> String {
    match now {
        Now::Simulated(_) => format!("this world is hand-written: its times (allocations' Created/Modified, node events, the next periodic launch) are simulated ({}), not a cluster's", simulated_clock()),
        Now::Saved(s) => format!(
            "relative times are counted from when the import was saved ({}, saved-at.txt), as `nomad` run then would print them",
            format_time(s, zone)
        ),
        Now::Clock(_) => "relative times are counted from this machine's clock now: the import holds no saved-at.txt (save it with `date -u +%Y-%m-%dT%H:%M:%SZ`)".to_string(),
    }
}

/// An allocation's `Created` and `Modified` cells: the import's
/// `CreateTime` / `ModifyTime` through `prettyTimeDiff` (empty for 0,
/// which columnize shows `<none>`; formatAllocListStubs and
/// formatAllocList, command/job_status.go v1.9.7 :560-563, :600-603);
/// a hand-written world's, the job's submit time.
pub(super) fn alloc_cells(world: &World, state: &State, a: &Allocation, now: i64) -> [String; 2] {
    let Some(facts) = &world.status_facts else {
        let t = state
            .job(&a.namespace, &a.job_id)
            .map(|r| r.submit_time)
            .unwrap_or(0);
        let c = pretty_time_diff(t, now);
        return [c.clone(), c];
    };
    saved_time_cells(facts, &a.id, now)
}

/// An imported allocation's `Created` and `Modified` cells, by its ID.
pub(super) fn saved_time_cells(facts: &StatusFacts, id: &str, now: i64) -> [String; 2] {
    let times = facts.allocs.get(id).copied().unwrap_or_default();
    let cell = |t: Option<i64>| match t {
        None | Some(0) => String::new(),
        Some(ns) => pretty_time_diff(rounded_secs(i128::from(ns)), now),
    };
    [cell(times.create), cell(times.modify)]
}

/// Allocations shown whose times the import does not hold (`<none>`).
pub fn allocs_without_times<'a>(
    world: &World,
    allocs: impl Iterator<Item = &'a Allocation>,
) -> usize {
    let Some(facts) = &world.status_facts else {
        return 0;
    };
    allocs
        .filter(|a| {
            let t = facts.allocs.get(a.id.as_str());
            !matches!(
                t,
                Some(AllocTimes {
                    create: Some(_),
                    modify: Some(_)
                })
            )
        })
        .count()
}

/// The `Driver Status` value: an imported node's own `Drivers`
/// (outputTruncatedNodeDriverInfo, command/node_status.go v1.9.7
/// :605-620); a hand-written node's drivers are all detected and healthy.
pub(super) fn driver_cell(world: &World, n: &Node) -> String {
    let own = world
        .status_facts
        .as_ref()
        .and_then(|f| f.nodes.get(&n.id))
        .map(|f| f.drivers.as_deref().unwrap_or_default());
    match own {
        Some(d) => driver_status(d),
        None => simulated_drivers(n),
    }
}

/// The short view's `Drivers` value: an imported node's own `driver.NAME
/// = "1"` attributes (nodeDrivers, command/node_status.go v2.0.5:388-406,
/// the same since v0.9.0), a hand-written node's drivers, or the line that
/// says it cannot be told (`Err`: only the list's stub was saved).
pub(super) fn drivers_row(world: &World, n: &Node) -> Result<String, String> {
    let Some(facts) = &world.status_facts else {
        return Ok(simulated_drivers(n));
    };
    match facts.nodes.get(&n.id).and_then(|f| f.attribute_drivers.as_ref()) {
        Some(drivers) => Ok(drivers.join(",")),
        None => Err(format!(
            "cannot tell: the import holds no Attributes for node {} (nodes.json's entries have none: save node-{}.json with `nomad operator api /v1/node/{}`)",
            crate::escape::one_line(&n.name),
            n.id,
            n.id
        )),
    }
}

/// Does the short view say its `Drivers` row cannot be told?
pub fn drivers_unknown(world: &World, n: &Node) -> bool {
    drivers_row(world, n).is_err()
}

/// An imported node's saved events, oldest first, or the line that says
/// they cannot be told (`Err`); `None` for a hand-written node. Read once
/// for the table and once for the exit code, neither formatting twice.
fn saved_events<'a>(world: &'a World, n: &Node) -> Option<Result<&'a [NodeEvent], String>> {
    let facts = world.status_facts.as_ref()?;
    let events = facts.nodes.get(&n.id).map(|f| &f.events);
    Some(match events.unwrap_or(&Events::NotSaved) {
        Events::Listed(list) => Ok(list.as_slice()),
        Events::NotSaved => Err(format!(
            "cannot tell: the import holds no Events for node {} (nodes.json's entries have none: save node-{}.json with `nomad operator api /v1/node/{}`)",
            crate::escape::one_line(&n.name),
            n.id,
            n.id
        )),
        Events::Unreadable => Err(format!(
            "cannot tell: node {}'s saved Events are not a list of events with RFC 3339 Timestamps, which `nomad` would refuse to decode",
            crate::escape::one_line(&n.name)
        )),
    })
}

/// The `Node Events` table (outputNodeEvent, command/node_status.go
/// v1.9.7 :754-775: newest first, `Driver: NAME` for a driver's event),
/// or the line that says it cannot be told (`Err`).
pub(super) fn node_events(world: &World, n: &Node, zone: &TimeZone) -> Result<String, String> {
    let header = "Time|Subsystem|Message".to_string();
    let Some(saved) = saved_events(world, n) else {
        // A hand-written client's first event: registration
        // (NodeEventSubsystemCluster), dated by its simulated index.
        let at = i64::try_from(n.create_index).unwrap_or(i64::MAX);
        return Ok(format_list(&[
            header,
            format!("{}|Cluster|Node registered", format_time(at, zone)),
        ]));
    };
    let mut rows = vec![header];
    for e in saved?.iter().rev() {
        let offset = jiff::tz::Offset::from_seconds(e.offset_secs).unwrap_or(jiff::tz::Offset::UTC);
        let time = format_time(
            e.unix_secs.saturating_sub(SIM_EPOCH_UNIX),
            &TimeZone::fixed(offset),
        );
        let subsystem = if e.driver.is_empty() {
            e.subsystem.clone()
        } else {
            format!("Driver: {}", e.driver)
        };
        rows.push(format!("{time}|{subsystem}|{}", e.message));
    }
    Ok(format_list(&rows))
}

/// Does the full node view say its events cannot be told?
pub fn node_events_unknown(world: &World, n: &Node) -> bool {
    matches!(saved_events(world, n), Some(Err(_)))
}

/// An imported job's latest deployment for `nomad job status`
/// (job_status.go v1.9.7 :404, :470-473): `None` for a hand-written world
/// (the simulation's is shown); else the import's, none, or the line that
/// says it cannot be told (`Err`).
///
/// A job a rehearsal changed ([`super::live_job::changed`]) shows the
/// rehearsal's own deployment when it started one (`None`), and its saved
/// one only when that one was finished: an unfinished one a stop or a new
/// version cancels, which the import cannot tell.
pub(super) fn latest_deployment(
    world: &World,
    state: &State,
    r: &JobRecord,
) -> Option<Result<Option<DeploymentView>, String>> {
    let saved = saved_deployment(world, r)?;
    if !super::live_job::changed(state, r) {
        return Some(saved);
    }
    let at = state.imported_at.unwrap_or(u64::MAX);
    let (ns, id) = (&r.job.namespace, &r.job.id);
    if state
        .latest_deployment(ns, id)
        .is_some_and(|d| d.create_index > at)
    {
        return None;
    }
    match saved {
        Ok(Some(d)) if !matches!(d.status.as_str(), "successful" | "failed" | "cancelled") => {
            Some(Err(format!(
                "cannot tell: this rehearsal changed job {}, whose saved latest deployment was {} (a stop or a new version cancels it: cancelUnneededDeployments)",
                crate::gotext::go_quote(id),
                crate::escape::one_line(&d.status)
            )))
        }
        other => Some(other),
    }
}

/// The import's saved latest deployment of job `r` (see [`latest_deployment`]).
fn saved_deployment(
    world: &World,
    r: &JobRecord,
) -> Option<Result<Option<DeploymentView>, String>> {
    let facts = world.status_facts.as_ref()?;
    let job = &r.job;
    let Some(all) = &facts.deployments else {
        use crate::jobspec::JobType;
        // Only these job types are deployed.
        let deployed = matches!(job.job_type, JobType::Service | JobType::System);
        return Some(if deployed {
            Err("cannot tell: deployments.json is not saved (with allocations.json), so the job's latest deployment is unknown".to_string())
        } else {
            Ok(None)
        });
    };
    let Some(d) = all.get(&(job.namespace.clone(), job.id.clone())) else {
        return Some(Ok(None));
    };
    if d.multiregion {
        return Some(Err("cannot tell: the latest deployment is multiregion, and `nomad job status` fetches its other regions' deployments too".to_string()));
    }
    let groups = d.groups.iter().map(|(name, g)| {
        let by = g.require_progress_by.map(|(secs, offset)| {
            let offset = jiff::tz::Offset::from_seconds(offset).unwrap_or(jiff::tz::Offset::UTC);
            format_time(
                secs.saturating_sub(SIM_EPOCH_UNIX),
                &TimeZone::fixed(offset),
            )
        });
        let n = |v: i64| u64::try_from(v).unwrap_or(0);
        let view = GroupView {
            auto_revert: g.auto_revert,
            promoted: g.promoted,
            desired_canaries: n(g.desired_canaries),
            desired_total: n(g.desired_total),
            placed: n(g.placed),
            healthy: n(g.healthy),
            unhealthy: n(g.unhealthy),
            has_deadline: g.progress_deadline != 0,
            require_progress_by: by,
        };
        (name.clone(), view)
    });
    Some(Ok(Some(DeploymentView {
        id: d.id.clone(),
        status: d.status.clone(),
        description: d.description.clone(),
        groups: groups.collect(),
    })))
}

/// Does the job view say its latest deployment cannot be told?
pub fn deployment_unknown(world: &World, state: &State, r: &JobRecord) -> bool {
    matches!(latest_deployment(world, state, r), Some(Err(_)))
}

/// A simulated node's drivers as `nomad node status` lists them: sorted,
/// comma-separated.
pub(super) fn simulated_drivers(n: &Node) -> String {
    let mut drivers = n.drivers.clone();
    drivers.sort();
    drivers.join(",")
}

/// A part of a node or job view that cannot be told from the world. Both
/// `nomad-preflight status` and a rehearsal's status step decide with
/// [`node_untold`] / [`job_untold`], so the one never passes a view the
/// other refuses (exit 1 beside a `cannot tell` row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Untold {
    /// The short node view's Drivers row.
    Drivers,
    /// The full node view's Node Events.
    NodeEvents,
    /// The job view's Latest Deployment.
    Deployment,
    /// An imported job's Status row (its saved file holds no status).
    Status,
    /// The job view's Next Periodic Launch.
    NextLaunch,
    /// An imported job's Summary (its `job-summaries/` file not saved).
    Summary,
    /// An imported job's Placement Failure (its summary queues
    /// allocations; the evaluation's metrics are not saved).
    PlacementFailure,
    /// An imported job's or node's Allocations (allocations.json not
    /// saved).
    Allocations,
    /// An imported node's Allocated Resources (its running allocations
    /// cannot be told).
    AllocatedResources,
}

impl Untold {
    /// The part's name in the view.
    pub fn part(self) -> &'static str {
        match self {
            Untold::Drivers => "Drivers row",
            Untold::NodeEvents => "Node Events",
            Untold::Deployment => "Latest Deployment",
            Untold::Status => "Status row",
            Untold::NextLaunch => "Next Periodic Launch",
            Untold::Summary => "Summary",
            Untold::PlacementFailure => "Placement Failure",
            Untold::Allocations => "Allocations",
            Untold::AllocatedResources => "Allocated Resources",
        }
    }
}

/// What the view of node `n` (`short`: `-short`) cannot tell.
pub fn node_untold(world: &World, state: &State, n: &Node, short: bool) -> Vec<Untold> {
    // The short view prints the Drivers row, the full one the events and
    // the Allocated Resources.
    let mut out: Vec<Untold> = if short {
        drivers_unknown(world, n).then_some(Untold::Drivers)
    } else {
        node_events_unknown(world, n).then_some(Untold::NodeEvents)
    }
    .into_iter()
    .collect();
    if let Some(facts) = &world.status_facts {
        let running = super::saved_allocs::node_running(facts, state, &n.id);
        if !short && running.is_err() {
            out.push(Untold::AllocatedResources);
        }
        if super::saved_allocs::allocs_unknown(facts) {
            out.push(Untold::Allocations);
        }
    }
    out
}

/// What the view of job `r` cannot tell, its relative times counted from
/// `now` (simulated seconds, as the view was rendered with).
pub fn job_untold(
    world: &World,
    state: &State,
    r: &JobRecord,
    now: i64,
    zone: &TimeZone,
) -> Vec<Untold> {
    let mut out = Vec::new();
    if deployment_unknown(world, state, r) {
        out.push(Untold::Deployment);
    }
    if super::launch_unknown(r, now, world.nomad_version, zone) {
        out.push(Untold::NextLaunch);
    }
    out.extend(super::saved_job::untold(world, state, r));
    out
}
