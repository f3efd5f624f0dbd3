//! `nomad-preflight status`: Nomad's status views of the simulated cluster.

use std::path::PathBuf;

use crate::cluster::State;
use crate::diag::Diag;
use crate::render::status;
use crate::world::World;

#[derive(clap::Args, Debug, Clone, Default)]
pub struct StatusArgs {
    #[command(subcommand)]
    pub view: Option<StatusView>,
    /// World directory (a rules/ folder or an import folder).
    #[arg(long, global = true, value_name = "DIR")]
    pub world: Option<PathBuf>,
    /// Seed for the simulated IDs and tie-breaks.
    #[arg(long, global = true)]
    pub seed: Option<u64>,
    /// `json`: `nomad job status -json` (Nomad 1.7.6+) of the job views
    /// (`jobs`, `job ID`).
    #[arg(long, global = true, value_enum, default_value_t)]
    pub format: super::explain::ListFormat,
}

/// Whether `status --format json` may show `view` at `version`: it is
/// `nomad job status -json`, of the job views only, and from 1.7.6; `Err`
/// with the usage error and its exit code.
pub fn json_gate(
    view: Option<&StatusView>,
    version: crate::version::NomadVersion,
) -> Result<(), (Diag, i32)> {
    use crate::diag::exit;
    if !matches!(view, Some(StatusView::Job { .. } | StatusView::Jobs { .. })) {
        let d = Diag::error("cli::usage", "`--format json` is `nomad job status -json`: only the `jobs` and `job ID` views take it");
        return Err((d, exit::INVALID));
    }
    // Go's flag package refuses a flag the command does not define, and
    // `job status` then exits 1 (command/job_status.go v1.7.5:106-108).
    if !version.at_least(1, 7, 6) {
        let d = Diag::error(
            "cli::usage",
            format!("flag provided but not defined: -json (Nomad {version}'s `job status` has none; 1.7.6 and later have it)"),
        );
        return Err((d, exit::FINDINGS));
    }
    Ok(())
}

/// `status --format json` of `view` ([`json_gate`] passed): `nomad job
/// status -json` prints a list of `{Summary, Allocations,
/// LatestDeployment, Evaluations}` per job, the raw API records
/// (createJsonJobsOutput, command/job_status.go v1.7.6:728-763, v2.0.5 the
/// same). `text` is the view's text as rendered. What to print on stdout,
/// the line for stderr, and the exit code.
pub fn json_view(view: Option<&StatusView>, text: &str) -> (String, Option<String>, i32) {
    use crate::diag::exit;
    // No job: "No running jobs" whatever the format (v1.7.6:160-162).
    if matches!(view, Some(StatusView::Jobs { .. })) && text.trim_end() == "No running jobs" {
        return ("No running jobs\n".to_string(), None, exit::OK);
    }
    let line = "cannot tell what `nomad job status -json` prints: it prints each job's evaluations and its summary, allocations and latest deployment as the API's raw records (IDs, indexes, times, resources), which this world does not hold (an import keeps no raw record)";
    let doc = serde_json::json!({"Preflight": {"CannotTell": true, "Error": line}});
    let out = crate::escape::json_pretty(&doc).map_or_else(|_| String::new(), |s| s + "\n");
    (out, Some(line.to_string()), exit::FINDINGS)
}

#[derive(clap::Subcommand, Debug, Clone, PartialEq, Eq)]
pub enum StatusView {
    /// Everything: nodes, utilisation, quotas and jobs of every namespace.
    Overview,
    /// `nomad node status`.
    Nodes,
    /// `nomad node status ID` (ID prefix or node name); `-short` for the short form.
    Node {
        id: String,
        #[arg(long)]
        short: bool,
    },
    /// `nomad quota status NAME`.
    Quota { name: String },
    /// `nomad job status [-namespace NS]`.
    Jobs {
        #[arg(long, short = 'n', default_value = "default")]
        namespace: String,
    },
    /// `nomad job status JOB`.
    Job {
        id: String,
        #[arg(long, short = 'n', default_value = "default")]
        namespace: String,
    },
    /// Per-node cpu, memory and disk bars with the allocations on each node.
    Usage,
}

/// The state `view` reads without a replay: an import's job view, which
/// prints only what the import saved (the job's file, summary,
/// allocations and deployment), reads the registered jobs' records alone
/// ([`crate::scheduler::Simulation::registered`]); every other view, and
/// any view of a hand-written world, is the simulation's (`None`).
pub fn registered_state(view: Option<&StatusView>, world: &World) -> Option<State> {
    match view {
        Some(StatusView::Job { .. }) => crate::scheduler::Simulation::registered(world),
        _ => None,
    }
}

fn not_found(msg: String) -> Diag {
    Diag::error("status::not-found", msg)
        .help("`nomad-preflight status` lists the nodes, quotas and jobs that exist")
}

/// `view` with a job's typed prefix replaced by the ID Nomad's CLI
/// resolves it to ([`status::find_job`]): the one lookup the view, its
/// placement notes and [`status_notes`] then all read. A prefix that
/// resolves to no single job is left as typed, for the view's error.
pub fn resolved_view(
    view: Option<&StatusView>,
    world: &World,
    state: &State,
    zone: &status::TimeZone,
) -> Option<StatusView> {
    let view = view?.clone();
    Some(match view {
        StatusView::Job { id, namespace } => {
            match status::find_job(world, state, &namespace, &id, zone) {
                // `-namespace '*'` resolves to the job's own namespace.
                Ok(r) => StatusView::Job {
                    id: r.job.id.clone(),
                    namespace: r.job.namespace.clone(),
                },
                Err(_) => StatusView::Job { id, namespace },
            }
        }
        other => other,
    })
}

/// Render one view (the overview when `view` is None) of `state`.
pub fn render_status(
    view: Option<&StatusView>,
    world: &World,
    state: &State,
    zone: &status::TimeZone,
) -> Result<String, Diag> {
    let now = status::status_now(world, state).secs();
    let out = match view.unwrap_or(&StatusView::Overview) {
        StatusView::Overview => overview(world, state, zone),
        StatusView::Nodes => status::node_list(world, state),
        StatusView::Node { id, short } => {
            status::node_detail(world, state, id, now, *short, zone).map_err(not_found)?
        }
        StatusView::Quota { name } => {
            status::quota_status(world, state, name).map_err(|m| {
                // What the release's table holds that the world does not
                // give is said, never printed as a guessed cell.
                if m.starts_with("cannot tell") {
                    let d = Diag::error("status::cannot-tell", m);
                    // The limits we do not simulate are still listed.
                    match world.quotas.get(name).and_then(status::quota_limits::line) {
                        Some(l) => d.help(l),
                        None => d,
                    }
                } else {
                    not_found(m)
                }
            })?
        }
        StatusView::Jobs { namespace } => status::job_list(world, state, namespace, zone),
        StatusView::Job { id, namespace } => {
            status::job_detail(world, state, namespace, id, now, zone).map_err(not_found)?
        }
        StatusView::Usage => status::utilisation(state, world.nomad_version)
            .trim_end()
            .to_string(),
    };
    Ok(out)
}

fn overview(world: &World, state: &State, zone: &status::TimeZone) -> String {
    let mut parts = vec![
        format!("==> Nodes\n{}", status::node_list(world, state)),
        format!(
            "==> Utilisation\n{}",
            status::utilisation(state, world.nomad_version).trim_end()
        ),
    ];
    for name in world.quotas.keys() {
        // A heading is one line: a newline of the world's name would
        // start a forged section.
        let shown = crate::escape::one_line(name);
        match status::quota_status(world, state, name) {
            Ok(q) => parts.push(format!("==> Quota {shown}\n{q}")),
            // Said in place of the table, never dropped.
            Err(m) if m.starts_with("cannot tell") => {
                let mut text = format!("==> Quota {shown}\n{m}");
                if let Some(t) = world.quotas.get(name).and_then(status::quota_limits::table) {
                    text.push_str("\n\n");
                    text.push_str(&t);
                }
                parts.push(text);
            }
            Err(_) => {}
        }
    }
    for ns in world.namespaces.keys() {
        parts.push(format!(
            "==> Jobs in namespace {}\n{}",
            crate::escape::one_line(ns),
            status::job_list(world, state, ns, zone)
        ));
    }
    parts.join("\n\n")
}

/// What a node or job view leaves to be said beside Nomad's text: where
/// its relative times come from, and the allocations whose times the
/// import does not hold. `true` with them when part of the view cannot be
/// told (a node's events, a job's latest deployment the import does not
/// hold), which the exit code carries.
pub fn status_notes(
    view: Option<&StatusView>,
    world: &World,
    state: &State,
    zone: &status::TimeZone,
) -> (Vec<String>, bool) {
    let mut notes = Vec::new();
    let (unknown, shown): (bool, Vec<&crate::cluster::Allocation>) = match view {
        Some(StatusView::Node { id, short }) => {
            let Ok(node) = status::find_node(state, id) else {
                return (notes, false);
            };
            let untold = status::node_untold(world, state, node, *short);
            for u in &untold {
                notes.push(format!(
                    "the {} of node {} cannot be told from this import",
                    u.part(),
                    node.name
                ));
            }
            let unknown = !untold.is_empty();
            // An import's node view lists the saved allocations.
            if let Some(facts) = &world.status_facts {
                notes.push(status::now_note(status::status_now(world, state), zone));
                let missing = status::rows_without_times(facts, status::Whose::Node(&node.id));
                notes.extend(times_note(missing));
                return (notes, unknown);
            }
            let allocs = state.allocs.iter().filter(|a| a.node_id == node.id);
            (unknown, allocs.collect())
        }
        Some(StatusView::Job { id, namespace }) => {
            let Some(r) = state.job(namespace, id) else {
                return (notes, false);
            };
            let now = status::status_now(world, state).secs();
            let untold = status::job_untold(world, state, r, now, zone);
            for u in &untold {
                // The deployment is the import's to hold; a launch may be
                // untellable for a hand-written world too.
                let whence = match u {
                    status::Untold::Deployment => " from this import",
                    _ => "",
                };
                notes.push(format!(
                    "the {} of job {id} cannot be told{whence}",
                    u.part()
                ));
            }
            let unknown = !untold.is_empty();
            // An import's job view lists the saved allocations.
            if let Some(facts) = &world.status_facts {
                notes.push(status::now_note(status::status_now(world, state), zone));
                let missing = status::rows_without_times(facts, status::Whose::Job(namespace, id));
                notes.extend(times_note(missing));
                return (notes, unknown);
            }
            let allocs = state
                .allocs
                .iter()
                .filter(|a| a.namespace == *namespace && a.job_id == *id);
            (unknown, allocs.collect())
        }
        // A list's Status cells are the saved jobs' (render/status/job.rs);
        // one the import does not hold is said here and in the exit code.
        Some(StatusView::Jobs { namespace }) => {
            let lines = status::untold_statuses(world, state, Some(namespace));
            let unknown = !lines.is_empty();
            return (lines, unknown);
        }
        None | Some(StatusView::Overview) => {
            let lines = status::untold_statuses(world, state, None);
            let unknown = !lines.is_empty();
            return (lines, unknown);
        }
        _ => return (notes, false),
    };
    notes.push(status::now_note(status::status_now(world, state), zone));
    let missing = status::allocs_without_times(world, shown.into_iter());
    notes.extend(times_note(missing));
    (notes, unknown)
}

fn times_note(missing: usize) -> Option<String> {
    (missing > 0).then(|| format!(
        "{missing} allocation(s) shown have no CreateTime/ModifyTime in allocations.json: their Created/Modified are shown <none>, as Nomad shows a zero time"
    ))
}
