//! Running a rehearsal: one simulated cluster, the steps in order, Nomad's
//! text for every command, and a verdict for every expectation.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use super::judge::{judge, Observation, Verdict};
use super::step_text::{
    dated, edit_span, job_view_untold, line_diff, node_view_untold, text_result, unblocked_line,
    untold_exit,
};
use super::{Action, CheckIndex, NomadCommand, Rehearsal, Step};
use crate::cluster::JobStatus;
use crate::diag::{Diag, Diags};
use crate::job_loader::{with_namespace, JobLoader, RequestNamespace};
use crate::jobspec::Job;
use crate::render;
use crate::scheduler::Simulation;
use crate::vfs::{OverlayVfs, Vfs};
use crate::world::{Namespace, World};

#[derive(Debug, Clone)]
pub struct StepResult {
    pub observation: Observation,
    pub verdicts: Vec<Verdict>,
}

/// The state a rehearsal carries from step to step.
pub struct Session<'a> {
    base: &'a dyn Vfs,
    edits: BTreeMap<PathBuf, Arc<str>>,
    pub sim: Simulation,
    last_plan_index: BTreeMap<String, u64>,
    /// Render Nomad's text (off for the sampled replays, which only need verdicts).
    render: bool,
    /// Unix seconds a periodic job's next launch is counted from.
    now: i64,
    /// The zone `nomad job status` prints dates in.
    zone: render::status::TimeZone,
    /// The run shown (not a sampled replay): it says on stderr what it
    /// cannot show.
    shown: bool,
}

impl<'a> Session<'a> {
    pub fn new(base: &'a dyn Vfs, world: &World, seed: u64, render: bool) -> Result<Self, Diags> {
        Ok(Session {
            base,
            edits: BTreeMap::new(),
            sim: Simulation::new(world, seed)?,
            last_plan_index: BTreeMap::new(),
            render,
            now: 0,
            zone: render::status::TimeZone::UTC,
            shown: true,
        })
    }

    /// A session on an already built simulation (the sampled replays).
    pub fn from_sim(base: &'a dyn Vfs, sim: Simulation, render: bool) -> Self {
        Session {
            base,
            edits: BTreeMap::new(),
            sim,
            last_plan_index: BTreeMap::new(),
            render,
            now: 0,
            zone: render::status::TimeZone::UTC,
            shown: false,
        }
    }

    /// Count periodic launches from `now` (Unix seconds).
    pub fn at(mut self, now: i64) -> Self {
        self.now = now;
        self
    }

    /// Print dates in `zone` (UTC unless told).
    pub fn in_zone(mut self, zone: render::status::TimeZone) -> Self {
        self.zone = zone;
        self
    }

    /// Pre-apply edits (used to try a candidate fix across all replays).
    pub fn with_edits(mut self, edits: &BTreeMap<PathBuf, Arc<str>>) -> Self {
        self.edits
            .extend(edits.iter().map(|(k, v)| (k.clone(), v.clone())));
        self
    }

    fn vfs(&self) -> OverlayVfs<'_> {
        let mut o = OverlayVfs::new(self.base);
        for (p, t) in &self.edits {
            o.set(p, t.clone());
        }
        o
    }

    fn load_job(&self, file: &str, namespace_flag: Option<&str>) -> Result<Job, Diags> {
        // The steps' commands pass no variables (see `job_loader`).
        let world = &self.sim.world;
        let loader = JobLoader::plain(world.nomad_version, world.project_root.clone())
            .for_servers(world.edition(), world.server.job_settings(), &world.region)
            .with_running(world.as_ref());
        let job = loader
            .job(&self.vfs(), Path::new(file))
            .map_err(|parsed| parsed.diags)?;
        // The script's own flag only: a rehearsal replays the script, not
        // the shell it runs in (no NOMAD_NAMESPACE).
        let ns = RequestNamespace::new(namespace_flag, None, world.nomad_version);
        Ok(with_namespace(job, ns.for_unnamed_job()))
    }

    /// Execute one step. Errors are problems of the rehearsal itself
    /// (a file that does not load, an edit that does not apply).
    pub fn step(&mut self, step: &Step, rehearsal: &Rehearsal) -> Result<StepResult, Diags> {
        let obs = match &step.action {
            Action::Command { command, .. } => self.command(command, step, rehearsal)?,
            Action::Edit { path, edits } => self.edit(path, edits, rehearsal)?,
            Action::ScaleClients(pools) => self.scale(pools, rehearsal)?,
        };
        let obs = Observation {
            statuses: self.statuses(),
            ..obs
        };
        let verdicts = step.expect.iter().map(|e| judge(&e.kind, &obs)).collect();
        Ok(StepResult {
            observation: obs,
            verdicts,
        })
    }

    fn statuses(&self) -> BTreeMap<(String, String), JobStatus> {
        self.sim
            .state
            .jobs
            .iter()
            .map(|(k, r)| (k.clone(), r.status))
            .collect()
    }

    fn command(
        &mut self,
        command: &NomadCommand,
        step: &Step,
        rehearsal: &Rehearsal,
    ) -> Result<Observation, Diags> {
        let version = self.sim.world.nomad_version;
        let located = |d: Diags| -> Diags {
            // Job file problems are reported as they are; add where the step is.
            let mut out = d;
            out.push(
                Diag::error(
                    "rehearse::step-failed",
                    format!("step {:?} cannot be replayed", step.title),
                )
                .at(&rehearsal.source, step.span, "this step")
                .help("fix the file the step uses, then rehearse again"),
            );
            out
        };
        match command {
            NomadCommand::JobPlan {
                file,
                verbose,
                namespace,
            } => {
                let job = self.load_job(file, namespace.as_deref()).map_err(located)?;
                let crate::planner::Plan {
                    mut result,
                    diff,
                    mut admission,
                    mut cannot_know,
                    assumed,
                    ..
                } = crate::planner::plan(&self.sim, &job);
                // The Plan RPC's last step: a periodic launch it fails or
                // never finishes is its answer (planner::launch).
                crate::planner::launch::settle(
                    &job,
                    self.now,
                    version,
                    &mut admission,
                    &mut cannot_know,
                );
                self.last_plan_index
                    .insert(file.clone(), result.job_modify_index);
                let mut view = render::plan::PlanView::new(&job, &result, file, version);
                view.diff = Some(&diff);
                view.verbose = *verbose;
                view.namespace_flag = namespace.clone();
                // Nomad's plan prints the next launch of a periodic job;
                // what keeps it unknown is said once, by the run shown.
                view.next_periodic_launch =
                    match crate::periodic::next_launch(&job, self.now, version) {
                        Ok(next) => next.map(|n| (n.at, n.wait)),
                        // A plan Nomad fails or never answers was settled
                        // above and says so itself: no note beside it.
                        Err(e) => {
                            let line_only = matches!(e, crate::periodic::NoLaunch::Unknown(_));
                            if self.shown && self.render && line_only {
                                eprintln!(
                                    "note: the next periodic launch is not shown: {}",
                                    crate::escape::one_line(&e.text())
                                );
                            }
                            None
                        }
                    };
                // The Plan RPC's admission decides first (planner::admission).
                // Said with Nomad's text, which rests on them; a refusal
                // or a "cannot tell" rests on nothing assumed.
                let shows_text = admission.refused_body().is_none() && cannot_know.is_none();
                let assumed = if shows_text { assumed } else { Vec::new() };
                let (exit_code, output) = match admission.refused_error() {
                    Some(error) => (
                        crate::diag::exit::NOMAD_ERROR,
                        crate::render::plan::error_during_plan(&error),
                    ),
                    // What we cannot know is said as `plan` says it, never
                    // as Nomad's text: the step cannot pass on a guess.
                    _ if cannot_know.is_some() => (
                        crate::diag::exit::NOMAD_ERROR,
                        cannot_know
                            .as_ref()
                            .map(|u| {
                                // A sure refusal beside an entry the world
                                // does not give is said as `plan` says it.
                                let refused = admission.untold_entries().is_some() && u.is_entry();
                                let line =
                                    render::job_file_error::untold_line(&u.line(&job), refused);
                                format!("error: {}\n", crate::escape::one_line(&line))
                            })
                            .unwrap_or_default(),
                    ),
                    _ => {
                        let mut out = String::new();
                        if self.render {
                            out = render::plan::render_plan(&view, false);
                            out.push_str(&admission.warning_text().unwrap_or_default());
                            let applier = crate::planner::applier_warning(&job, &result);
                            out.push_str(&applier.unwrap_or_default());
                        }
                        let code = if !admission.is_admitted() {
                            crate::diag::exit::FINDINGS
                        } else if result.run_end_untold() {
                            // How `nomad job run` of it ends cannot be told: 255, as `plan`.
                            crate::diag::exit::NOMAD_ERROR
                        } else {
                            render::plan::plan_exit_code(Some(&diff), &result, version)
                        };
                        (code, out)
                    }
                };
                result.warnings.clear();
                // The diff's lists whose order Nomad draws, then the lines
                // Nomad's text prints in Go's map order: `plan`'s notes.
                let map_order = if shows_text && self.render {
                    let mut notes = diff.order_notes.clone();
                    notes.extend(render::map_order::notes(&result));
                    notes
                } else {
                    Vec::new()
                };
                Ok(Observation {
                    output,
                    exit_code,
                    plans: vec![result],
                    assumed,
                    masked: if shows_text {
                        diff.masked.clone()
                    } else {
                        Vec::new()
                    },
                    map_order,
                    ..Observation::default()
                })
            }
            NomadCommand::JobRun {
                file,
                check_index,
                namespace,
            } => {
                let job = self.load_job(file, namespace.as_deref()).map_err(located)?;
                let index = match check_index {
                    None => None,
                    Some(CheckIndex::Literal(n)) => Some(*n),
                    Some(CheckIndex::FromLastPlan) => match self.last_plan_index.get(file) {
                        Some(n) => Some(*n),
                        None => {
                            return Err(Diag::error(
                                "rehearse::check-index",
                                format!(
                                    "no earlier step planned {file}, so there is no index to copy"
                                ),
                            )
                            .at(&rehearsal.source, step.span, "this step uses <index>")
                            .help(format!(
                                "add a `nomad job plan {file}` step before this one"
                            ))
                            .into())
                        }
                    },
                };
                match self.sim.run(&job, index) {
                    Ok(outcome) => {
                        let view = render::run::RunView {
                            job_id: &job.id,
                            outcome: &outcome,
                            version,
                            verbose: false,
                            job_type: job.job_type,
                            deployment_id: outcome.deployment_id.as_deref(),
                            timestamp: None,
                        };
                        let (output, exit_code) = if self.render {
                            let warnings = super::register::warnings(&self.sim.world, &job);
                            let (monitor, code) = render::run::render_run(&view, false);
                            (render::run::job_warnings(&warnings, false) + &monitor, code)
                        } else {
                            (String::new(), render::run::monitor_code(&view))
                        };
                        // The monitor prints the failed groups' metric
                        // lines in Go's map order.
                        let map_order = if self.render {
                            outcome
                                .plan
                                .failed_tg_allocs
                                .iter()
                                .flat_map(|(g, m)| render::map_order::metric_notes(g, m))
                                .collect()
                        } else {
                            Vec::new()
                        };
                        Ok(Observation {
                            output,
                            exit_code,
                            plans: vec![outcome.plan.clone()],
                            run: Some(outcome),
                            map_order,
                            ..Observation::default()
                        })
                    }
                    Err(e) => {
                        let (output, exit_code) = render::run::render_run_error(&e);
                        Ok(Observation {
                            output,
                            exit_code,
                            ..Observation::default()
                        })
                    }
                }
            }
            NomadCommand::JobStatus { namespace, job } => {
                let ns = namespace.as_deref().unwrap_or("default");
                let world = &self.sim.world;
                let state = &self.sim.state;
                let res = match job {
                    None => Ok(render::status::job_list(world, state, ns, &self.zone)),
                    Some(id) => render::status::job_detail(
                        world,
                        state,
                        ns,
                        id,
                        render::status::default_now(state),
                        &self.zone,
                    ),
                };
                let shown = res.is_ok();
                // The notes read the job the typed prefix resolved to.
                let zone = &self.zone;
                let find = |id| render::status::find_job(world, state, ns, id, zone).ok();
                let resolved = job.as_deref().and_then(find);
                let (list, job) = (job.is_none(), resolved.map(|r| r.job.id.clone()));
                // `-namespace '*'` resolves to the job's own namespace.
                let job_ns = resolved.map_or(ns, |r| r.job.namespace.as_str());
                let untold = job_view_untold(world, state, job_ns, job.as_deref(), list, zone);
                // A job's view, or a list with a Submit Date column.
                let times = shown
                    && self.render
                    && (job.is_some() || state.jobs.keys().any(|(n, _)| n.as_str() == ns));
                let mut obs = dated(text_result(res), times, &self.sim);
                // Its Placement Failure lines are in Go's map order.
                if let (Some(id), true, true) = (job, shown, self.render) {
                    obs.map_order = render::status::placement_failure_notes(state, job_ns, &id);
                }
                Ok(untold_exit(obs, untold))
            }
            NomadCommand::JobStop { namespace, job } => {
                let ns = namespace.as_deref().unwrap_or("default");
                if self.sim.state.job(ns, job).is_none() {
                    let version = self.sim.world.nomad_version;
                    return Ok(text_result(Err(render::status::no_such_job(job, version))));
                }
                let un = self.sim.stop_job(ns, job);
                let mut out = format!("Job {job:?} stopped\n");
                for (ns, id, plan) in &un.evaluations {
                    out.push_str(&unblocked_line(ns, id, plan));
                }
                Ok(Observation {
                    output: out,
                    exit_code: 0,
                    plans: un.evaluations.into_iter().map(|(_, _, p)| p).collect(),
                    ..Observation::default()
                })
            }
            NomadCommand::NodeStatus { id } => {
                let world = &self.sim.world;
                let state = &self.sim.state;
                let res = match id {
                    None => Ok(render::status::node_list(world, state)),
                    Some(id) => render::status::node_detail(
                        world,
                        state,
                        id,
                        render::status::default_now(state),
                        false,
                        &self.zone,
                    ),
                };
                // A node's view dates its events and allocations; the list none.
                let times = self.render && id.is_some() && res.is_ok();
                let untold = node_view_untold(world, state, id.as_deref());
                let obs = dated(text_result(res), times, &self.sim);
                Ok(untold_exit(obs, untold))
            }
            NomadCommand::QuotaStatus { name } => {
                match render::status::quota_status(&self.sim.world, &self.sim.state, name) {
                    // As `plan` says what it cannot know: never a guessed
                    // table, and the step cannot pass on it.
                    Err(e) if e.starts_with("cannot tell") => Ok(Observation {
                        output: format!("error: {e}\n"),
                        exit_code: crate::diag::exit::NOMAD_ERROR,
                        ..Observation::default()
                    }),
                    res => Ok(text_result(res)),
                }
            }
            NomadCommand::NamespaceApply {
                name,
                quota,
                description,
            } => {
                if let Some(q) = quota {
                    if !self.sim.world.quotas.contains_key(q) {
                        return Ok(text_result(Err(format!(
                            "Error applying namespace specification: Unexpected response code: 500 (quota {q:?} doesn't exist)"
                        ))));
                    }
                }
                let mut ns = self
                    .sim
                    .world
                    .namespaces
                    .get(name)
                    .cloned()
                    .unwrap_or_else(|| Namespace {
                        name: name.clone(),
                        ..Namespace::default()
                    });
                if let Some(q) = quota {
                    ns.quota = Some(q.clone());
                }
                if let Some(d) = description {
                    ns.description = d.clone();
                }
                self.sim.apply_namespace(ns);
                Ok(Observation {
                    output: format!("Successfully applied namespace {name:?}!\n"),
                    exit_code: 0,
                    ..Observation::default()
                })
            }
        }
    }

    fn edit(
        &mut self,
        path: &Path,
        edits: &[super::Edit],
        rehearsal: &Rehearsal,
    ) -> Result<Observation, Diags> {
        let vfs = self.vfs();
        let mut text = match vfs.read(path) {
            Ok(src) => src.text.to_string(),
            Err(e) => {
                let span = edits.first().map(edit_span).unwrap_or_default();
                return Err(Diag::error(
                    "rehearse::edit",
                    crate::project::read_failure(path, &e),
                )
                .at(&rehearsal.source, span, "this edit")
                .help("edit paths are relative to the project root (the folder holding rules/)")
                .into());
            }
        };
        let before = text.clone();
        for e in edits {
            text = super::edit::apply(&text, e).map_err(|err| {
                Diags::from(
                    Diag::error(
                        "rehearse::edit",
                        format!("{}: {}", path.display(), err.message),
                    )
                    .at(&rehearsal.source, edit_span(e), "this edit")
                    .help(err.help),
                )
            })?;
        }
        let output = if self.render {
            line_diff(&before, &text, &path.display().to_string())
        } else {
            String::new()
        };
        self.edits.insert(crate::vfs::normalize(path), text.into());
        Ok(Observation {
            output,
            exit_code: 0,
            ..Observation::default()
        })
    }

    fn scale(
        &mut self,
        pools: &[(String, u32, crate::source::Span)],
        rehearsal: &Rehearsal,
    ) -> Result<Observation, Diags> {
        let mut output = String::new();
        let mut plans = Vec::new();
        for (pool, target, span) in pools {
            let current = self
                .sim
                .world
                .clients
                .iter()
                .find(|p| &p.name == pool)
                .map(|p| p.count);
            let Some(current) = current else {
                let known: Vec<&str> = self
                    .sim
                    .world
                    .clients
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect();
                return Err(Diag::error(
                    "rehearse::scale-clients",
                    format!("the world has no client pool {pool:?}"),
                )
                .at(&rehearsal.source, *span, "unknown pool")
                .help(format!("client pools in the world: {}", known.join(", ")))
                .into());
            };
            if *target < current {
                return Err(Diag::error(
                    "rehearse::scale-clients",
                    format!("removing clients ({pool}: {current} → {target}) is not supported"),
                )
                .at(&rehearsal.source, *span, "fewer clients than the pool has")
                .help("a rehearsal can add clients; to rehearse with fewer, lower `count` in rules/cluster.hcl")
                .into());
            }
            let max = crate::world::MAX_CLIENTS;
            let total: i64 = self
                .sim
                .world
                .clients
                .iter()
                .map(|p| i64::from(p.count))
                .sum();
            if total - i64::from(current) + i64::from(*target) > max {
                return Err(Diag::error(
                    "rehearse::scale-clients",
                    format!("{pool}: {current} → {target} clients would make the world hold more than the {max} clients it may"),
                )
                .at(&rehearsal.source, *span, format!("at most {max} clients in all"))
                .help("every client is simulated; add only the clients the demo needs")
                .into());
            }
            output.push_str(&format!(
                "Client pool {pool:?}: {current} → {target} clients\n"
            ));
            if *target > current {
                let un = self.sim.add_clients(pool, target - current);
                for (ns, id, plan) in un.evaluations {
                    output.push_str(&unblocked_line(&ns, &id, &plan));
                    plans.push(plan);
                }
            }
        }
        Ok(Observation {
            output: if self.render { output } else { String::new() },
            exit_code: 0,
            plans,
            ..Observation::default()
        })
    }
}
