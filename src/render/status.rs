//! Status views of the simulated cluster: the text of `nomad node status`,
//! `nomad node status -short <id>`, `nomad quota status`, `nomad job status`
//! (list and one job), in the dialect of the world's Nomad version, plus a
//! per-node utilisation picture of our own.
//!
//! Times: the simulation runs on a fixed clock so output never depends on
//! when it is rendered. `JobRecord::submit_time` counts seconds from
//! [`SIM_EPOCH_UNIX`] (2019-06-20T10:00:00Z, the demo's era); allocations
//! are dated by their job's submit time; "now" is a parameter. Dates are
//! shown in a zone the caller names: Nomad's CLI prints the local zone of
//! the machine running it ([`local_zone`]); tests and snapshots name UTC,
//! so their text does not depend on the machine's zone.

mod facts;
mod job;
mod live_job;
mod lookup;
mod periodic;
pub mod quota_limits;
mod saved_allocs;
mod saved_job;
mod utilisation;

use std::fmt::Write as _;

use crate::cluster::usage::quota_usage;
use crate::cluster::{Allocation, ClientStatus, Node, State};
use crate::world::World;

pub use self::facts::{
    allocs_without_times, deployment_unknown, drivers_unknown, import_clock, job_untold,
    node_events_unknown, node_untold, now_note, simulated_clock, status_now, Now, Untold,
};
pub use self::job::{job_detail, job_list, no_such_job, placement_failure_notes, untold_statuses};
pub use self::lookup::{find_job, find_node};
pub use self::periodic::launch_unknown;
pub use self::saved_allocs::{rows_without_times, Whose};
pub use self::utilisation::utilisation;

pub use crate::cluster::SIM_EPOCH_UNIX;
pub use jiff::tz::TimeZone;

/// The zone `nomad` run on this machine formats times in: `TZ`, else the
/// system's (`time.Local` in Go).
pub fn local_zone() -> TimeZone {
    TimeZone::system()
}

/// "Now" for rendering: a minute after the latest submission, so relative
/// times ("1m ago") read naturally and stay stable. A rehearsal of an
/// import reads its one clock ([`State::time_at`]): when the import was
/// saved, or a minute after the latest step that wrote.
pub fn default_now(state: &State) -> i64 {
    if let (Some(at), Some(saved)) = (state.imported_at, state.import_clock) {
        return if state.index > at {
            state.time_at(state.index).saturating_add(60)
        } else {
            saved
        };
    }
    state
        .jobs
        .values()
        .map(|r| r.submit_time)
        .max()
        .unwrap_or(0)
        + 60
}

use super::columns::{columnize as format_list, format_kv};

/// Days since 1970-01-01 to a civil date (proleptic Gregorian).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Nomad's `formatTime` (command/helpers.go, the same 0.9–2.0.5): ISO 8601
/// (`2006-01-02T15:04:05Z07:00`, GH-3806) in the local time zone of the
/// machine running the command (here `zone`), as `time.Unix` gives it (`Z` for UTC,
/// else the offset); empty for a time before 1970-01-01T00:00:01Z.
pub fn format_time(sim_secs: i64, zone: &TimeZone) -> String {
    let t = SIM_EPOCH_UNIX.saturating_add(sim_secs);
    if t < 1 {
        return String::new();
    }
    let offset = jiff::Timestamp::from_second(t).map_or(0, |ts| zone.to_offset(ts).seconds());
    let local = t + i64::from(offset);
    let (y, mo, d) = civil_from_days(local.div_euclid(86_400));
    let s = local.rem_euclid(86_400);
    let zone = if offset == 0 {
        "Z".to_string()
    } else {
        let sign = if offset < 0 { '-' } else { '+' };
        let m = offset.unsigned_abs() / 60;
        format!("{sign}{:02}:{:02}", m / 60, m % 60)
    };
    format!(
        "{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}{zone}",
        s / 3600,
        s / 60 % 60,
        s % 60
    )
}

/// Nomad's `prettyTimeDiff`: the two most significant of y/mo/d/h/m/s.
pub fn pretty_time_diff(first: i64, now: i64) -> String {
    let (d, suffix) = if now >= first {
        (now - first, "ago")
    } else {
        (first - now, "from now")
    };
    let mut u = d.unsigned_abs();
    let mut parts: Vec<String> = Vec::new();
    let secs = u % 60;
    if secs > 0 {
        parts.push(format!("{secs}s"));
    }
    u /= 60;
    for (modulo, unit) in [(60, "m"), (24, "h"), (30, "d"), (12, "mo")] {
        if u == 0 {
            break;
        }
        if u % modulo > 0 {
            parts.push(format!("{}{unit}", u % modulo));
        }
        u /= modulo;
    }
    if u > 0 {
        parts.push(format!("{u}y"));
    }
    // Parts were collected least significant first; keep the top two.
    let text: String = parts.iter().rev().take(2).map(String::as_str).collect();
    if text.is_empty() {
        format!("0s {suffix}")
    } else {
        format!("{text} {suffix}")
    }
}

fn sorted_nodes(state: &State) -> Vec<&Node> {
    let mut nodes: Vec<&Node> = state.nodes.iter().collect();
    nodes.sort_by(|a, b| a.id.cmp(&b.id));
    nodes
}

fn eligibility(n: &Node) -> &'static str {
    if n.eligible {
        "eligible"
    } else {
        "ineligible"
    }
}

/// `nomad node status`.
pub fn node_list(world: &World, state: &State) -> String {
    if state.nodes.is_empty() {
        return "No nodes registered".to_string();
    }
    let pools = world.nomad_version.at_least(1, 6, 0);
    let mut rows = vec![if pools {
        "ID|Node Pool|DC|Name|Class|Drain|Eligibility|Status".to_string()
    } else {
        "ID|DC|Name|Class|Drain|Eligibility|Status".to_string()
    }];
    for n in sorted_nodes(state) {
        rows.push(node_row(n, pools));
    }
    format_list(&rows)
}

/// One node's row of `nomad node status` (with its pool from 1.6.0) and
/// of `formatNodeStubList` (never a pool): short ID, datacenter, name,
/// class, drain, eligibility, status.
fn node_row(n: &Node, pool: bool) -> String {
    let pool = if pool {
        format!("{}|", n.node_pool)
    } else {
        String::new()
    };
    format!(
        "{}|{pool}{}|{}|{}|{}|{}|{}",
        n.short_id(),
        n.datacenter,
        n.name,
        n.node_class,
        n.drain,
        eligibility(n),
        n.status.as_str()
    )
}

/// The header of Nomad's non-verbose allocation list (`formatAllocList` /
/// `formatAllocListStubs`).
const ALLOC_HEADER: &str = "ID|Node ID|Task Group|Version|Desired|Status|Created|Modified";

/// One row of that list, from a live allocation or a saved one (IDs cut to
/// Nomad's eight characters).
struct AllocRow<'a> {
    id: &'a str,
    node_id: &'a str,
    task_group: &'a str,
    version: i128,
    desired: &'a str,
    status: &'a str,
}

impl<'a> AllocRow<'a> {
    fn live(a: &'a Allocation) -> Self {
        AllocRow {
            id: &a.id,
            node_id: &a.node_id,
            task_group: &a.task_group,
            version: i128::from(a.job_version),
            desired: a.desired_status.as_str(),
            status: a.client_status.as_str(),
        }
    }

    fn saved(b: &'a crate::world::status_jobs::SavedAlloc) -> Self {
        AllocRow {
            id: &b.id,
            node_id: &b.node_id,
            task_group: &b.task_group,
            version: i128::from(b.job_version),
            desired: &b.desired_status,
            status: &b.client_status,
        }
    }

    fn line(&self, created: &str, modified: &str) -> String {
        let short = |s: &'a str| s.get(..8).unwrap_or(s);
        format!(
            "{}|{}|{}|{}|{}|{}|{created}|{modified}",
            short(self.id),
            short(self.node_id),
            self.task_group,
            self.version,
            self.desired,
            self.status,
        )
    }
}

/// Nomad's `formatAllocList` / `formatAllocListStubs` (non-verbose).
fn alloc_table(world: &World, state: &State, allocs: &[&Allocation], now: i64) -> String {
    if allocs.is_empty() {
        return "No allocations placed".to_string();
    }
    let mut rows = vec![ALLOC_HEADER.to_string()];
    for a in allocs {
        let [created, modified] = facts::alloc_cells(world, state, a, now);
        rows.push(AllocRow::live(a).line(&created, &modified));
    }
    format_list(&rows)
}

/// `nomad node status -short <id>`: the header and the node's allocations.
pub fn node_detail(
    world: &World,
    state: &State,
    key: &str,
    now: i64,
    short: bool,
    zone: &TimeZone,
) -> Result<String, String> {
    let n = find_node(state, key)?;
    let v = world.nomad_version;
    let mut rows = vec![
        // 1.x prints the full ID; 0.9 shortens it unless -verbose.
        format!(
            "ID|{}",
            if v.at_least(1, 0, 0) {
                n.id.as_str()
            } else {
                n.short_id()
            }
        ),
        format!("Name|{}", n.name),
    ];
    if v.at_least(1, 6, 0) {
        rows.push(format!("Node Pool|{}", n.node_pool));
    }
    rows.extend([
        format!("Class|{}", n.node_class),
        format!("DC|{}", n.datacenter),
        format!("Drain|{}", n.drain),
        format!("Eligibility|{}", eligibility(n)),
        format!("Status|{}", n.status.as_str()),
    ]);
    if v.at_least(1, 6, 0) {
        rows.extend(["CSI Controllers|", "CSI Drivers|"].map(String::from));
        // Uptime (full view) comes from the client's host stats: unknown offline.
        rows.extend(["Host Volumes|", "Host Networks|", "CSI Volumes|"].map(String::from));
    }
    let mut allocs: Vec<&Allocation> = state.allocs.iter().filter(|a| a.node_id == n.id).collect();
    allocs.sort_by(|a, b| a.id.cmp(&b.id));
    // An import's node lists its saved allocations, never the simulation's
    // placements of them; in a rehearsal, with what its steps wrote.
    let saved = world.status_facts.as_ref();
    let table = match saved {
        Some(facts) => saved_allocs::alloc_table(state, facts, Whose::Node(&n.id), now),
        None => alloc_table(world, state, &allocs, now),
    };
    if short {
        // What cannot be told is said in the row's place.
        let drivers = facts::drivers_row(world, n).unwrap_or_else(|line| line);
        rows.push(format!("Drivers|{drivers}"));
        return Ok(format!("{}\n\nAllocations\n{table}", format_kv(&rows)));
    }
    rows.push(format!("Driver Status| {}", facts::driver_cell(world, n)));
    let mut out = format_kv(&rows);
    // What cannot be told is said in the table's place.
    let events = facts::node_events(world, n, zone).unwrap_or_else(|line| line);
    let _ = write!(out, "\n\nNode Events\n{events}");
    let running: Vec<&Allocation> = match saved {
        Some(facts) => match saved_allocs::node_running(facts, state, &n.id) {
            Ok(running) => running,
            // What cannot be told is said in the table's place.
            Err(line) => {
                let _ = write!(out, "\n\nAllocated Resources\n{line}");
                let _ = write!(out, "\n\nAllocations\n{table}");
                return Ok(out);
            }
        },
        None => allocs
            .into_iter()
            .filter(|a| a.client_status == ClientStatus::Running)
            .collect(),
    };
    let sum = |f: fn(&Allocation) -> i64| running.iter().map(|a| f(a)).sum::<i64>();
    let (cpu, mem, disk) = (
        sum(|a| a.resources.cpu),
        sum(|a| a.resources.memory_mb),
        sum(|a| a.resources.disk_mb),
    );
    let mut header = String::from("CPU|Memory|Disk");
    let mut row = format!(
        "{cpu}/{} MHz|{}/{}|{}/{}",
        n.cpu - n.reserved_cpu,
        ibytes_mb(mem),
        ibytes_mb(n.memory_mb - n.reserved_memory_mb),
        ibytes_mb(disk),
        ibytes_mb(n.disk_mb - n.reserved_disk_mb)
    );
    // The column comes with `node_max_allocs` (#25785): the count, over
    // the cap where one is set (command/node_status.go:959-965@v1.10.2).
    if v.at_least(1, 10, 2) {
        header.push_str("|Alloc Count");
        let _ = write!(row, "|{}", running.len());
        if n.max_allocs != 0 {
            let _ = write!(row, "/{}", n.max_allocs);
        }
    }
    let _ = write!(
        out,
        "\n\nAllocated Resources\n{}",
        format_list(&[header, row])
    );
    // Allocation and host resource utilisation come from live client stats.
    let _ = write!(out, "\n\nAllocations\n{table}");
    Ok(out)
}

/// go-humanize's `IBytes` of a size in MB (Nomad's `bytesPerMegabyte`):
/// `"%.1f %s"` under 10, `"%.0f %s"` above, rounded to a tenth first.
/// Counted in 128 bits: world figures are bounded so that one client's
/// bytes fit Nomad's uint64, but the sum of a node's allocations read from
/// a hostile import may not, and is then shown exactly, never saturated.
fn ibytes_mb(mb: i64) -> String {
    crate::gotext::humanize::ibytes(u128::try_from(mb).unwrap_or(0) * 1024 * 1024)
}

/// `formatQuotaLimitInt` (command/quota_status.go, every release): nil
/// "-", negative "0", zero "inf". A limit the world leaves unset is 0 on
/// the servers (the quota's `RegionLimit` is a `structs.Resources`, whose
/// CPU, Cores, MemoryMB and MemoryMaxMB are plain ints, nomad/structs/
/// structs.go), so the CLI reads a present 0: "inf", never "-".
fn limit_text(v: Option<i64>) -> String {
    match v.unwrap_or(0) {
        x if x < 0 => "0".to_string(),
        0 => "inf".to_string(),
        x => x.to_string(),
    }
}

/// The `Quota Limits` table's layout, by release (command/quota_status.go
/// formatQuotaLimits): its header and the columns after `Region`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum QuotaColumn {
    Cpu,
    Cores,
    Memory,
    MemoryMax,
    Network,
    Variables,
}

fn quota_columns(v: crate::version::NomadVersion) -> &'static [QuotaColumn] {
    use QuotaColumn::*;
    if v.has(crate::version::Fix::QuotaCores) {
        &[Cpu, Cores, Memory, MemoryMax, Variables]
    } else if v.at_least(1, 4, 0) {
        &[Cpu, Memory, MemoryMax, Variables]
    } else if v.at_least(1, 1, 0) {
        &[Cpu, Memory, MemoryMax, Network]
    } else if v.at_least(0, 10, 2) {
        &[Cpu, Memory, Network]
    } else {
        &[Cpu, Memory]
    }
}

fn quota_header(c: QuotaColumn) -> &'static str {
    match c {
        QuotaColumn::Cpu => "CPU Usage",
        QuotaColumn::Cores => "Core Usage",
        QuotaColumn::Memory => "Memory Usage",
        QuotaColumn::MemoryMax => "Memory Max Usage",
        QuotaColumn::Network => "Network Usage",
        QuotaColumn::Variables => "Variables Usage",
    }
}

/// `nomad quota status NAME`, laid out as the world's release lays it out:
/// v0.9.0 Region|CPU|Memory; v0.10.2 adds Network; v1.1.0 Memory Max before
/// Network; v1.4.0 Variables in Network's place; v1.8.2 Core after CPU.
pub fn quota_status(world: &World, state: &State, name: &str) -> Result<String, String> {
    let q = world
        .quotas
        .get(name)
        .ok_or_else(|| format!("Quota {} matched no quotas", crate::gotext::go_quote(name)))?;
    let basics = format_kv(&[
        format!("Name|{}", q.name),
        format!("Description|{}", q.description),
        format!("Limits|{}", q.limits.len()),
    ]);
    if q.limits.is_empty() {
        return Ok(format!("{basics}\n\nQuota Limits\nNo quota limits defined"));
    }
    let v = world.nomad_version;
    let columns = quota_columns(v);
    let unknown = |why: &str| {
        format!("cannot tell what Nomad {v}'s `nomad quota status {name}` prints: {why}")
    };
    if v.at_least(1, 9, 0) && q.limits.iter().any(|l| !l.region_limit.devices.is_empty()) {
        // 1.9.0+ adds a `Quota Device Limits` table whose usage Nomad
        // Enterprise counts in code that is not public.
        return Err(unknown(
            "the quota limits devices, whose usage Nomad Enterprise counts",
        ));
    }
    if v.at_least(1, 11, 2) && quota_limits::has_node_pools(q) {
        // 1.11.2+ adds a `Node Pool Limits` table (formatQuotaNodePools),
        // its usage Nomad Enterprise's to count.
        return Err(unknown(
            "the quota limits node pools, whose usage Nomad Enterprise counts",
        ));
    }
    let mut limits: Vec<_> = q.limits.iter().collect();
    limits.sort_by(|a, b| a.region.cmp(&b.region));
    let mut header = String::from("Region");
    for c in columns {
        header.push('|');
        header.push_str(quota_header(*c));
    }
    let mut rows = vec![header];
    for l in limits {
        let u = quota_usage(world, state, &q.name, &l.region)
            .map_err(|over| format!("quota {:?} in region {:?}: {over}", q.name, l.region))?;
        let rl = &l.region_limit;
        let mut row = l.region.clone();
        for c in columns {
            let cell = match c {
                QuotaColumn::Cpu => format!("{} / {}", u.cpu, limit_text(rl.cpu)),
                QuotaColumn::Cores => format!("{} / {}", u.cores, limit_text(rl.cores)),
                QuotaColumn::Memory => format!("{} / {}", u.memory, limit_text(rl.memory)),
                QuotaColumn::MemoryMax => {
                    format!("{} / {}", u.memory_max, limit_text(rl.memory_max))
                }
                // The limit's MBits (0 without a network limit: "inf"); the
                // usage's one network's MBits, else "-". Nomad Enterprise
                // sums the allocations' networks into the usage: known to
                // be none only when no counted allocation holds one.
                QuotaColumn::Network => {
                    let networks = quota_networks(world, state, &q.name, &l.region);
                    if rl.network || networks {
                        return Err(unknown(
                            "its network usage or limit (MBits) is not simulated",
                        ));
                    }
                    "- / inf".to_string()
                }
                // VariablesLimit is a pointer, "-" unset; set, its usage
                // is the size of the namespaces' variables, which no
                // world holds.
                QuotaColumn::Variables => match quota_limits::variables_limit(l) {
                    None => "0 / -".to_string(),
                    Some(_) => {
                        return Err(unknown(
                            "its variables usage (VariablesLimit) is not simulated",
                        ))
                    }
                },
            };
            row.push('|');
            row.push_str(&cell);
        }
        rows.push(row);
    }
    let mut text = format!("{basics}\n\nQuota Limits\n{}", format_list(&rows));
    // The limits we do not simulate, after Nomad's tables.
    if let Some(t) = quota_limits::table(q) {
        text.push_str("\n\n");
        text.push_str(&t);
    }
    Ok(text)
}

/// Does a live allocation counted against `quota` in `region` hold a network?
fn quota_networks(world: &World, state: &State, quota: &str, region: &str) -> bool {
    let namespaces: Vec<&str> = crate::cluster::usage::quota_namespaces(world, quota).collect();
    region == world.region
        && state.allocs.iter().any(|a| {
            a.is_live()
                && namespaces.contains(&a.namespace.as_str())
                && !a.resources.networks.is_empty()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ibytes_matches_go_humanize() {
        // humanize.IBytes(uint64(mb * 1024 * 1024)) as Nomad calls it.
        assert_eq!(ibytes_mb(0), "0 B");
        assert_eq!(ibytes_mb(1), "1.0 MiB");
        assert_eq!(ibytes_mb(300), "300 MiB");
        assert_eq!(ibytes_mb(3120), "3.0 GiB");
        assert_eq!(ibytes_mb(3951), "3.9 GiB");
        assert_eq!(ibytes_mb(18000), "18 GiB");
        // The world's bound (8 PiB per client), and a sum past u64 bytes:
        // exact, not the saturated 16 EiB.
        assert_eq!(ibytes_mb(crate::world::bounds::MAX_RESOURCE), "8.0 PiB");
        assert_eq!(ibytes_mb(i64::MAX), "8388608 EiB");
    }

    #[test]
    fn time_formats_match_go() {
        let utc = TimeZone::UTC;
        assert_eq!(format_time(0, &utc), "2019-06-20T10:00:00Z");
        assert_eq!(format_time(86_400 * 366 + 61, &utc), "2020-06-20T10:01:01Z");
        // Go's `Z07:00`: the offset of the zone at that instant.
        let ist = TimeZone::fixed(jiff::tz::offset(5));
        assert_eq!(format_time(0, &ist), "2019-06-20T15:00:00+05:00");
        let est = TimeZone::fixed(jiff::tz::Offset::from_seconds(-5 * 3600 - 30 * 60).unwrap());
        assert_eq!(format_time(0, &est), "2019-06-20T04:30:00-05:30");
        assert_eq!(pretty_time_diff(0, 0), "0s ago");
        assert_eq!(pretty_time_diff(0, 90), "1m30s ago");
        assert_eq!(pretty_time_diff(0, 3600 + 120 + 5), "1h2m ago");
        assert_eq!(pretty_time_diff(0, 86_400 * 3), "3d ago");
        assert_eq!(pretty_time_diff(100, 40), "1m from now");
    }

    #[test]
    fn columnize_pads_all_but_the_last_cell() {
        let t = format_list(&["a|bb|c".into(), "ddd||e".into()]);
        assert_eq!(t, "a    bb      c\nddd  <none>  e");
        assert_eq!(
            format_kv(&["ID|x".into(), "Name|yy".into()]),
            "ID   = x\nName = yy"
        );
    }
}
