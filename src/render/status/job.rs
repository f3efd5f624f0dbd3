//! `nomad job status`: the job list and one job's view (summary, placement
//! failures, deployment, allocations), per the world's Nomad version.

use std::fmt::Write as _;

use super::{alloc_table, format_kv, format_list, format_time, TimeZone};
use crate::cluster::{Allocation, ClientStatus, JobRecord, State};
use crate::world::World;

fn type_string(r: &JobRecord) -> String {
    let mut t = r.job.job_type.as_str().to_string();
    if r.job.periodic.is_some() {
        t.push_str("/periodic");
    }
    if r.job.parameterized.is_some() {
        t.push_str("/parameterized");
    }
    t
}

/// A job's Status cell in a list (`getStatusString(job.Status, &job.Stop)`,
/// command/job_status.go v2.0.5:925,935, the list stub's status: the
/// same as `nomad job status JOB`'s row): an imported job's as its saved
/// file holds it ([`super::saved_job::status_cell`]), never the status the
/// replay derives; [`UNTOLD_STATUS`] when the file holds none.
fn status_string(world: &World, state: &State, r: &JobRecord) -> String {
    super::saved_job::status_cell(world, state, r).unwrap_or_else(|_| UNTOLD_STATUS.to_string())
}

/// The Status cell of a job whose status cannot be told (said again in a
/// note, and in the exit code: [`untold_statuses`]).
const UNTOLD_STATUS: &str = "<cannot tell>";

/// The jobs of a list view whose Status cell is [`UNTOLD_STATUS`], each
/// with the line that says why.
pub fn untold_statuses(world: &World, state: &State, namespace: Option<&str>) -> Vec<String> {
    state
        .jobs
        .iter()
        .filter(|((ns, _), _)| namespace.is_none_or(|n| n == ns))
        .filter_map(|(_, r)| super::saved_job::status_cell(world, state, r).err())
        .collect()
}

/// `nomad job status [-namespace NS]`: "No running jobs" when the
/// namespace holds none (command/job_status.go v2.0.5:162-164, the same
/// words from v0.9.3).
pub fn job_list(world: &World, state: &State, namespace: &str, zone: &TimeZone) -> String {
    let jobs: Vec<&JobRecord> = state
        .jobs
        .iter()
        .filter(|((ns, _), _)| ns == namespace)
        .map(|(_, r)| r)
        .collect();
    if jobs.is_empty() {
        return "No running jobs".to_string();
    }
    status_list(world, state, &jobs, false, zone)
}

/// `createStatusListOutput`, its namespace column for `-namespace '*'`:
/// the job list, and the list a prefix matching several jobs prints (command/job_status.go,
/// the same columns v0.9.3-v2.0.5).
pub(super) fn status_list(
    world: &World,
    state: &State,
    jobs: &[&JobRecord],
    namespaces: bool,
    zone: &TimeZone,
) -> String {
    let mut rows = vec![if namespaces {
        "ID|Namespace|Type|Priority|Status|Submit Date"
    } else {
        "ID|Type|Priority|Status|Submit Date"
    }
    .to_string()];
    for r in jobs {
        let ns = if namespaces {
            format!("|{}", r.job.namespace)
        } else {
            String::new()
        };
        rows.push(format!(
            "{}{ns}|{}|{}|{}|{}",
            r.job.id,
            type_string(r),
            r.job.priority,
            status_string(world, state, r),
            format_time(r.submit_time, zone)
        ));
    }
    format_list(&rows)
}

/// The CLI's text for a job ID or prefix no job matches (`job status`,
/// `job stop`): `%q` of what was typed, and from 1.5.1 (the shared
/// `NoJobWithPrefixError` of command/meta.go) "ID" for "id".
pub fn no_such_job(id: &str, version: crate::version::NomadVersion) -> String {
    let word = if version.at_least(1, 5, 1) {
        "ID"
    } else {
        "id"
    };
    format!(
        "No job(s) with prefix or {word} {} found",
        crate::gotext::go_quote(id)
    )
}

/// `nomad job status JOB`: header, Summary and Allocations.
pub fn job_detail(
    world: &World,
    state: &State,
    namespace: &str,
    id: &str,
    now: i64,
    zone: &TimeZone,
) -> Result<String, String> {
    // What was typed is a prefix, as Nomad's CLI reads it; the view is
    // the one job it resolves to.
    let r = super::lookup::find_job(world, state, namespace, id, zone)?;
    // `-namespace '*'` names no namespace: the job's own is read.
    let (namespace, id) = (r.job.namespace.as_str(), r.job.id.as_str());
    let v = world.nomad_version;
    let job = &r.job;
    let mut rows = vec![
        format!("ID|{}", job.id),
        format!("Name|{}", job.name),
        format!("Submit Date|{}", format_time(r.submit_time, zone)),
        format!("Type|{}", job.job_type.as_str()),
        format!("Priority|{}", job.priority),
        format!("Datacenters|{}", job.datacenters.join(",")),
    ];
    if v.at_least(1, 6, 0) {
        rows.push(format!("Namespace|{}", job.namespace));
        let pool = if job.node_pool.is_empty() {
            "default"
        } else {
            &job.node_pool
        };
        rows.push(format!("Node Pool|{pool}"));
    }
    rows.extend([
        // What cannot be told is said in the row's place.
        format!(
            "Status|{}",
            super::saved_job::status_cell(world, state, r).unwrap_or_else(|line| line)
        ),
        format!("Periodic|{}", job.periodic.is_some()),
        format!("Parameterized|{}", job.parameterized.is_some()),
    ]);
    rows.extend(super::periodic::next_launch_row(r, now, v, zone));
    let mut out = format_kv(&rows);
    // A periodic or parameterized job shows its children instead.
    if let Some(children) = super::periodic::sections(world, state, r) {
        out.push_str(&children);
        return Ok(out);
    }

    // An import's job a rehearsal changed: the rehearsal's state.
    if let Some(facts) = world
        .status_facts
        .as_ref()
        .filter(|_| super::live_job::changed(state, r))
    {
        let summary = match super::live_job::summary(state, facts, r) {
            Ok(groups) => super::saved_job::summary_table(world, &groups),
            Err(line) => line,
        };
        let _ = write!(out, "\n\nSummary\n{summary}");
        out.extend(failed_blocked(state, namespace, id).map(|b| placement_failure(b, v)));
        out.push_str(&latest_deployment(world, state, r, zone));
        let whose = super::saved_allocs::Whose::Job(namespace, id);
        let allocs = super::saved_allocs::alloc_table(state, facts, whose, now);
        let _ = write!(out, "\n\nAllocations\n{allocs}");
        return Ok(out);
    }
    // An import's job: as the cluster answered, never re-placed.
    if let Some(facts) = &world.status_facts {
        let summary = super::saved_job::summary(world, facts, namespace, id);
        let _ = write!(out, "\n\nSummary\n{summary}");
        out.extend(super::saved_job::placement_failure(facts, namespace, id));
        out.push_str(&latest_deployment(world, state, r, zone));
        let whose = super::saved_allocs::Whose::Job(namespace, id);
        let allocs = super::saved_allocs::alloc_table(state, facts, whose, now);
        let _ = write!(out, "\n\nAllocations\n{allocs}");
        return Ok(out);
    }
    let all: Vec<&Allocation> = state
        .allocs
        .iter()
        .filter(|a| a.namespace == namespace && a.job_id == id)
        .collect();
    let blocked = state
        .blocked
        .iter()
        .any(|b| b.namespace == namespace && b.job_id == id);
    let unknown = v.at_least(1, 3, 0);
    let mut summary = vec![if unknown {
        "Task Group|Queued|Starting|Running|Failed|Complete|Lost|Unknown"
    } else {
        "Task Group|Queued|Starting|Running|Failed|Complete|Lost"
    }
    .to_string()];
    let mut groups: Vec<&str> = job.groups.iter().map(|g| g.name.as_str()).collect();
    groups.sort_unstable();
    for g in groups {
        let count = |s: ClientStatus| {
            all.iter()
                .filter(|a| a.task_group == g && a.client_status == s)
                .count()
        };
        let live = all
            .iter()
            .filter(|a| a.task_group == g && a.is_live())
            .count();
        let desired = job.group(g).map(|tg| tg.count).unwrap_or(0);
        // A blocked evaluation keeps the missing placements queued.
        let queued = if blocked {
            usize::try_from(desired).unwrap_or(0).saturating_sub(live)
        } else {
            0
        };
        let mut row = format!(
            "{g}|{queued}|{}|{}|{}|{}|{}",
            count(ClientStatus::Pending),
            count(ClientStatus::Running),
            count(ClientStatus::Failed),
            count(ClientStatus::Complete),
            count(ClientStatus::Lost),
        );
        if unknown {
            row.push_str("|0");
        }
        summary.push(row);
    }
    let _ = write!(out, "\n\nSummary\n{}", format_list(&summary));
    out.extend(failed_blocked(state, namespace, id).map(|b| placement_failure(b, v)));
    out.push_str(&latest_deployment(world, state, r, zone));
    let mut allocs = all;
    // Nomad sorts a job's allocations newest first (AllocIndexSort).
    allocs.sort_by(|a, b| b.create_index.cmp(&a.create_index).then(a.id.cmp(&b.id)));
    let _ = write!(
        out,
        "\n\nAllocations\n{}",
        alloc_table(world, state, &allocs, now)
    );
    Ok(out)
}

/// The Latest Deployment section: an import's own latest deployment,
/// else the simulation's; empty when there is none.
fn latest_deployment(world: &World, state: &State, r: &JobRecord, zone: &TimeZone) -> String {
    let (namespace, id) = (&r.job.namespace, &r.job.id);
    let latest = match super::facts::latest_deployment(world, state, r) {
        Some(shown) => shown.map(|d| d.map(|d| deployment(&d))),
        None => Ok(state
            .latest_deployment(namespace, id)
            .map(|d| deployment(&simulated(d, zone)))),
    };
    match latest {
        Ok(Some(text)) | Err(text) => format!("\n\nLatest Deployment\n{text}"),
        Ok(None) => String::new(),
    }
}

/// The notes of [`job_detail`]'s `Placement Failure` section: its metric
/// lines are printed in Go's map order (`render::map_order`), as the
/// plan's are; one `note:` each, as `plan` says them. Empty when the
/// section is not shown or no map prints two lines.
pub fn placement_failure_notes(state: &State, namespace: &str, id: &str) -> Vec<String> {
    let Some(b) = failed_blocked(state, namespace, id) else {
        return Vec::new();
    };
    b.failed_tg_allocs
        .iter()
        .take(MAX_FAILED_TGS)
        .flat_map(|(tg, m)| crate::render::map_order::metric_notes(tg, m))
        .collect()
}

/// The job's blocked evaluation whose placements failed, whose
/// Placement Failure section `nomad job status` prints.
fn failed_blocked<'s>(
    state: &'s State,
    namespace: &str,
    id: &str,
) -> Option<&'s crate::cluster::BlockedEval> {
    state
        .blocked
        .iter()
        .find(|b| b.namespace == namespace && b.job_id == id && !b.failed_tg_allocs.is_empty())
}

/// How many failed task groups `nomad job status` prints (`maxFailedTGs`).
const MAX_FAILED_TGS: usize = 5;

/// `outputFailedPlacements` (command/job_status.go, the same in 0.9.3 and
/// 2.0): shown when the job has a blocked evaluation, from the latest
/// evaluation whose placements failed; groups sorted by name, at most five.
fn placement_failure(b: &crate::cluster::BlockedEval, v: crate::version::NomadVersion) -> String {
    let mut out = String::from("\n\nPlacement Failure");
    let total = b.failed_tg_allocs.len();
    for (i, (tg, m)) in b.failed_tg_allocs.iter().enumerate() {
        if i >= MAX_FAILED_TGS {
            break;
        }
        let _ = write!(
            out,
            "\nTask Group {}:\n{}",
            crate::render::quote::go_quote(tg),
            crate::render::metrics::format_alloc_metrics(m, "  ", v)
        );
        if i + 1 != total {
            out.push('\n');
        }
    }
    if total > MAX_FAILED_TGS {
        let _ = write!(
            out,
            "\n\nPlacement failures truncated. To see remainder run:\nnomad eval-status {}",
            b.failed_eval_id
        );
    }
    out
}

/// A deployment as `formatDeployment` reads it: the simulation's or an
/// import's own ([`super::facts`]).
pub(super) struct DeploymentView {
    pub id: String,
    pub status: String,
    pub description: String,
    /// By group name, sorted (`sort.Strings(tgNames)`).
    pub groups: Vec<(String, GroupView)>,
}

/// One group's `DeploymentState`, its time already formatted.
pub(super) struct GroupView {
    pub auto_revert: bool,
    pub promoted: bool,
    pub desired_canaries: u64,
    pub desired_total: u64,
    pub placed: u64,
    pub healthy: u64,
    pub unhealthy: u64,
    pub has_deadline: bool,
    /// `None`: no `RequireProgressBy` yet (`N/A`).
    pub require_progress_by: Option<String>,
}

/// The simulation's deployment: its canaries are promoted as soon as
/// they are healthy.
fn simulated(d: &crate::cluster::Deployment, zone: &TimeZone) -> DeploymentView {
    let groups = d.groups.iter().map(|(name, g)| {
        let view = GroupView {
            auto_revert: g.auto_revert,
            promoted: g.desired_canaries > 0,
            desired_canaries: g.desired_canaries,
            desired_total: g.desired_total,
            placed: g.placed,
            healthy: g.healthy,
            unhealthy: g.unhealthy,
            has_deadline: g.progress_deadline != 0,
            require_progress_by: g.require_progress_by.map(|t| format_time(t, zone)),
        };
        (name.clone(), view)
    });
    DeploymentView {
        id: d.id.clone(),
        status: d.status.clone(),
        description: d.description.clone(),
        groups: groups.collect(),
    }
}

/// `formatDeployment` of `nomad job status`: the summary, then the groups
/// (`formatDeploymentGroups`, columns only when some group needs them;
/// command/job_status.go and deployment_status.go, v1.9.7 :486-512, :602-672).
pub(super) fn deployment(d: &DeploymentView) -> String {
    let id = d.id.get(..8).unwrap_or(&d.id);
    let mut out = format_kv(&[
        format!("ID|{id}"),
        format!("Status|{}", d.status),
        format!("Description|{}", d.description),
    ]);
    if d.groups.is_empty() {
        return out;
    }
    let auto_revert = d.groups.iter().any(|(_, g)| g.auto_revert);
    let canaries = d.groups.iter().any(|(_, g)| g.desired_canaries > 0);
    // The column shows when a group has a deadline; a group that placed
    // nothing yet has no RequireProgressBy and shows N/A.
    let deadline = d.groups.iter().any(|(_, g)| g.has_deadline);
    let mut header = String::from("Task Group|");
    if auto_revert {
        header.push_str("Auto Revert|");
    }
    if canaries {
        header.push_str("Promoted|");
    }
    header.push_str("Desired|");
    if canaries {
        header.push_str("Canaries|");
    }
    header.push_str("Placed|Healthy|Unhealthy");
    if deadline {
        header.push_str("|Progress Deadline");
    }
    let mut rows = vec![header];
    for (name, g) in &d.groups {
        let mut row = format!("{name}|");
        if auto_revert {
            let _ = write!(row, "{}|", g.auto_revert);
        }
        if canaries {
            if g.desired_canaries > 0 {
                let _ = write!(row, "{}|", g.promoted);
            } else {
                row.push_str("N/A|");
            }
        }
        let _ = write!(row, "{}|", g.desired_total);
        if canaries {
            let _ = write!(row, "{}|", g.desired_canaries);
        }
        let _ = write!(row, "{}|{}|{}", g.placed, g.healthy, g.unhealthy);
        if deadline {
            let _ = write!(
                row,
                "|{}",
                g.require_progress_by.as_deref().unwrap_or("N/A")
            );
        }
        rows.push(row);
    }
    out.push_str("\n\nDeployed\n");
    out.push_str(&format_list(&rows));
    out
}

#[cfg(test)]
mod tests {
    use crate::version::NomadVersion;

    #[test]
    fn no_such_job_follows_the_cli_of_each_release() {
        let v = NomadVersion::new;
        // command/job_status.go before 1.5.1; command/meta.go's
        // NoJobWithPrefixError from 1.5.1 (1.4.x kept its own text).
        assert_eq!(
            super::no_such_job("web", v(1, 5, 0)),
            "No job(s) with prefix or id \"web\" found"
        );
        assert_eq!(
            super::no_such_job("web", v(1, 4, 14)),
            "No job(s) with prefix or id \"web\" found"
        );
        assert_eq!(
            super::no_such_job("w\teb", v(1, 5, 1)),
            "No job(s) with prefix or ID \"w\\teb\" found"
        );
    }
}
