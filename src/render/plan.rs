//! The full stdout of `nomad job plan` (`command/job_plan.go`), its exit code
//! and its error texts, for every Nomad version we simulate.

use crate::diff::{DiffType, JobDiff};
use crate::jobspec::{Duration, Job, JobType};
use crate::scheduler::{PlanResult, PreemptedAlloc};
use crate::version::NomadVersion;

use super::color::{colorize, output_line};
use super::columns::columnize;
use super::diff_text::format_job_diff;
use super::metrics::{failed_count, format_alloc_metrics};
use super::quote::go_quote;

/// Everything `nomad job plan` prints comes from these inputs.
#[derive(Debug, Clone)]
pub struct PlanView<'a> {
    pub job: &'a Job,
    /// The annotated diff (None when the server was not asked for one).
    pub diff: Option<&'a JobDiff>,
    pub result: &'a PlanResult,
    /// The job file path exactly as typed (may be `-`).
    pub path: &'a str,
    pub verbose: bool,
    /// `-diff` (default true).
    pub show_diff: bool,
    pub version: NomadVersion,
    /// `-var=...` / `-var-file=...` arguments, already formatted as Nomad
    /// echoes them (`-var="k=v"`), shown in the hint from 1.2.4.
    pub check_index_args: Vec<String>,
    /// The `-namespace` flag as typed (not `NOMAD_NAMESPACE`, not the job
    /// file's: command/job_plan.go's `c.namespace`), shown from 1.6.
    pub namespace_flag: Option<String>,
    /// Next launch of a periodic job: RFC 3339 time in the job's zone, and
    /// the wait from "now" (the simulated clock).
    pub next_periodic_launch: Option<(String, Duration)>,
    /// The plan stops a job whose file was deleted or now defines another
    /// job: there is no file to `nomad job run -check-index` for it, so the
    /// hint is `nomad job stop`.
    pub stop: Option<StopCause>,
    /// The `Job Modify Index` is the simulation's own numbering of a
    /// running job's registration, not one the world states (rules/
    /// allocations.hcl `job_modify_index`, an import): said as inferred.
    pub modify_index_inferred: bool,
}

/// Why a change set plans a stop: said in the hint, since only a deleted
/// file is a deletion (a renamed job leaves the old one running on `nomad
/// job run` until it is stopped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopCause {
    FileDeleted,
    JobNoLongerDefined,
}

impl<'a> PlanView<'a> {
    pub fn new(job: &'a Job, result: &'a PlanResult, path: &'a str, version: NomadVersion) -> Self {
        PlanView {
            job,
            diff: None,
            result,
            path,
            verbose: false,
            show_diff: true,
            version,
            check_index_args: Vec::new(),
            namespace_flag: None,
            next_periodic_launch: None,
            stop: None,
            modify_index_inferred: false,
        }
    }
}

/// The whole stdout of `nomad job plan`.
pub fn render_plan(view: &PlanView, color: bool) -> String {
    let mut out = String::new();
    if view.show_diff {
        if let Some(diff) = view.diff {
            let markup = format_job_diff(diff, view.verbose);
            out.push_str(&output_line(
                &format!("{}\n", colorize(markup.trim(), color)),
                color,
            ));
        }
    }
    out.push_str(&output_line(
        &colorize("[bold]Scheduler dry-run:[reset]", color),
        color,
    ));
    out.push_str(&output_line(&colorize(&dry_run_markup(view), color), color));
    out.push_str(&output_line("", color));
    if !view.result.warnings.is_empty() {
        let text = view.result.warnings.join("\n");
        out.push_str(&output_line(
            &colorize(
                &format!("[bold][yellow]Job Warnings:\n{text}[reset]\n"),
                color,
            ),
            color,
        ));
    }
    if !view.result.preempted_allocs.is_empty() {
        out.push_str(&output_line(
            &colorize("[bold][yellow]Preemptions:\n[reset]", color),
            color,
        ));
        out.push_str(&output_line(&preemption_table(view.result), color));
    }
    out.push_str(&output_line(
        &colorize(&modify_index_markup(view), color),
        color,
    ));
    out
}

/// The body under `Scheduler dry-run:` (formatDryRun), markup.
pub fn dry_run_markup(view: &PlanView) -> String {
    let r = view.result;
    let mut out = String::new();
    if r.failed_tg_allocs.is_empty() {
        out.push_str("[bold][green]- All tasks successfully allocated.[reset]\n");
    } else {
        if view.job.job_type == JobType::System {
            out.push_str(
                "[bold][yellow]- WARNING: Failed to place allocations on all nodes.[reset]\n",
            );
        } else {
            out.push_str("[bold][yellow]- WARNING: Failed to place all allocations.[reset]\n");
        }
        for (tg, metric) in &r.failed_tg_allocs {
            let (n, noun) = failed_count(metric);
            out.push_str(&format!(
                "  [yellow]Task Group {} (failed to place {n} {noun}):\n[reset]",
                go_quote(tg)
            ));
            out.push_str(&format!(
                "[yellow]{}[reset]\n\n",
                format_alloc_metrics(metric, "    ", view.version)
            ));
        }
        if r.rolling_update_wait.is_none() {
            out.pop();
        }
    }
    if let Some(wait) = r.rolling_update_wait {
        out.push_str(&format!(
            "[green]- Rolling update, next evaluation will be in {wait}.\n"
        ));
    }
    let parameterized = view.job.parameterized.is_some();
    if let (Some((at, wait)), false) = (&view.next_periodic_launch, parameterized) {
        let wait = super::time_difference(*wait);
        out.push_str(&format!(
            "[green]- If submitted now, next periodic launch would be at {at} ({wait} from now).\n"
        ));
    }
    if out.ends_with('\n') {
        out.pop();
    }
    out
}

/// The preemption table in Nomad's three tiers (by alloc, by job, by type).
pub fn preemption_table(r: &PlanResult) -> String {
    let allocs = &r.preempted_allocs;
    match preemption_summary(allocs) {
        Some(summary) => {
            let header = if summary.by_job {
                "Job ID|Namespace|Job Type|Preemptions"
            } else {
                "Job Type|Preemptions"
            };
            let mut rows = vec![header.to_string()];
            rows.extend(summary.rows);
            columnize(&rows)
        }
        None => {
            let mut rows = vec!["Alloc ID|Job ID|Task Group".to_string()];
            for a in allocs {
                rows.push(format!("{}|{}|{}", a.id, a.job_id, a.task_group));
            }
            columnize(&rows)
        }
    }
}

/// The summary form of the preemptions (10 or more allocations): one row
/// per job, or per job type from 10 jobs. Nomad builds both from Go maps
/// and prints them in their random order (`map_order` says so); ours are
/// sorted.
pub(super) struct PreemptionSummary {
    pub by_job: bool,
    /// `|`-separated cells, before columnizing.
    pub rows: Vec<String>,
}

/// [`PreemptionSummary`] of `allocs`, `None` below the threshold (the
/// table then lists allocations in the response's order).
pub(super) fn preemption_summary(allocs: &[PreemptedAlloc]) -> Option<PreemptionSummary> {
    if allocs.len() < 10 {
        return None;
    }
    let mut by_job: std::collections::BTreeMap<(&str, &str), (&str, u64)> = Default::default();
    for a in allocs {
        let e = by_job
            .entry((a.job_id.as_str(), a.namespace.as_str()))
            .or_insert((a.job_type.as_str(), 0));
        e.1 += 1;
    }
    if by_job.len() < 10 {
        let rows = by_job
            .iter()
            .map(|((job, ns), (ty, n))| format!("{job}|{ns}|{ty}|{n}"))
            .collect();
        return Some(PreemptionSummary { by_job: true, rows });
    }
    let mut by_type: std::collections::BTreeMap<&str, u64> = Default::default();
    for a in allocs {
        *by_type.entry(a.job_type.as_str()).or_default() += 1;
    }
    let rows = by_type.iter().map(|(ty, n)| format!("{ty}|{n}")).collect();
    Some(PreemptionSummary {
        by_job: false,
        rows,
    })
}

/// `Job Modify Index: N` and the check-index help, markup.
pub fn modify_index_markup(view: &PlanView) -> String {
    let v = view.version;
    let idx = view.result.job_modify_index;
    if let Some(cause) = view.stop {
        return stop_hint_markup(view, cause);
    }
    let mut args = String::new();
    if v.at_least(1, 2, 4) {
        for a in &view.check_index_args {
            args.push_str(a);
            args.push(' ');
        }
    }
    if v.at_least(1, 6, 0) {
        if let Some(ns) = &view.namespace_flag {
            args.push_str(&format!("-namespace={} ", go_quote(ns)));
        }
    }
    let paragraph = if v.at_least(0, 11, 1) {
        "job modify index given matches the server-side version. If the index has"
    } else {
        "server side version matches the job modify index returned. If the index has"
    };
    format!(
        "[reset][bold]Job Modify Index: {idx}[reset]\n\
         To submit the job with version verification run:\n\
         \n\
         nomad job run -check-index {idx} {args}{path}\n\
         \n\
         When running the job with the check-index flag, the job will only be run if the\n\
         {paragraph}\n\
         changed, another user has modified the job and the plan's results are\n\
         potentially invalid.",
        path = view.path
    )
}

/// The end of the plan of a deleted job file. Nomad's plan never sees a
/// deletion (it plans files); the change a deletion stands for is submitted
/// with `nomad job stop [-namespace=NS] <job>` (command/job_stop.go), which
/// takes no `-check-index`, so the index line stays and the run hint does
/// not. The hint's wording is ours (docs/nomad-reference.md).
fn stop_hint_markup(view: &PlanView, cause: StopCause) -> String {
    let ns = if view.job.namespace.is_empty() || view.job.namespace == "default" {
        String::new()
    } else {
        format!("-namespace={} ", view.job.namespace)
    };
    let why = match cause {
        StopCause::FileDeleted => "The job file was deleted",
        StopCause::JobNoLongerDefined => {
            "The job file no longer defines this job (running the file leaves it running)"
        }
    };
    format!(
        "[reset][bold]Job Modify Index: {idx}[reset]\n\
         {why}: the change is a stop. To submit it run:\n\
         \n\
         nomad job stop {ns}{id}\n\
         \n\
         `nomad job stop` takes no -check-index: it stops the job whatever its\n\
         version on the server.",
        idx = view.result.job_modify_index,
        id = view.job.id,
    )
}

/// Lines of the plan whose wording we infer rather than know, each said in
/// one sentence (outside Nomad's text: stderr, `Preflight.Inferred`).
/// Nomad Enterprise's quota code is private: the one published message is
/// `memory exhausted (1024 needed > 1000 limit)`; the other dimensions are
/// worded after it (docs/nomad-reference.md). A running job's `Job Modify
/// Index` the world does not state is the simulation's: Nomad prints the
/// cluster's own, and refuses `nomad job run -check-index N` unless it
/// matches (nomad/job_endpoint.go Register@v0.9.3: "job exists with
/// conflicting job modify index").
pub fn inferred_notes(view: &PlanView) -> Vec<String> {
    let mut out: Vec<String> = view
        .result
        .failed_tg_allocs
        .values()
        .flat_map(|m| m.quota_exhausted.iter())
        .filter(|q| !q.starts_with("memory exhausted ("))
        .map(|q| {
            format!(
                "the wording of Quota limit hit {} is inferred from Nomad's one published quota message (memory); Nomad Enterprise's text for other dimensions is not public",
                go_quote(q)
            )
        })
        .collect();
    out.sort();
    out.dedup();
    if view.modify_index_inferred {
        let idx = view.result.job_modify_index;
        // A stop's hint runs `nomad job stop`, which takes no index.
        let refused = match view.stop {
            Some(_) => String::new(),
            None => format!(" and refuses `nomad job run -check-index {idx}` unless it matches"),
        };
        out.push(format!(
            "Job Modify Index {idx} is inferred: the world does not state job {}'s job_modify_index, so it is the index the simulation gave the job's registration; Nomad prints the cluster's own (`nomad job inspect` shows it as JobModifyIndex){refused}",
            go_quote(&view.job.id)
        ));
    }
    out
}

/// Exit status of `nomad job plan` (section 7 of the format notes).
pub fn plan_exit_code(diff: Option<&JobDiff>, result: &PlanResult, version: NomadVersion) -> i32 {
    if version.at_least(1, 5, 0) && diff.is_some_and(|d| d.ty == DiffType::None) {
        return 0;
    }
    if result.changes_allocations() {
        1
    } else {
        0
    }
}

/// Exit status for usage, job file and API errors.
pub const PLAN_ERROR_EXIT: i32 = 255;

/// `This command takes one argument: <path>` + help hint (stderr lines).
pub fn error_wrong_args(command: &str) -> String {
    format!(
        "This command takes one argument: <path>\nFor additional help try 'nomad {command} -help'\n"
    )
}

/// `Error getting job struct: <err>`.
pub fn error_job_struct(err: &str) -> String {
    format!("Error getting job struct: {err}\n")
}

pub use crate::gotext::multierror;

/// `Error during plan: <err>`.
pub fn error_during_plan(err: &str) -> String {
    format!("Error during plan: {err}\n")
}

pub use crate::planner::admission::api_error;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::AllocMetric;

    fn job(ty: JobType) -> Job {
        Job {
            id: "example".into(),
            job_type: ty,
            ..Default::default()
        }
    }

    fn hint(version: NomadVersion, args: &[&str], ns: Option<&str>) -> String {
        let j = job(JobType::Service);
        let r = PlanResult {
            job_modify_index: 6,
            ..Default::default()
        };
        let mut view = PlanView::new(&j, &r, "ex.nomad", version);
        view.check_index_args = args.iter().map(|a| a.to_string()).collect();
        view.namespace_flag = ns.map(String::from);
        crate::render::color::colorize(&modify_index_markup(&view), false)
    }

    #[test]
    fn check_index_hint_by_version() {
        let args = ["-var=\"a=1\""];
        let old = hint(NomadVersion::new(1, 2, 3), &args, Some("qa"));
        assert!(old.contains("\nnomad job run -check-index 6 ex.nomad\n"));
        assert!(old.contains("job modify index given matches the server-side version."));
        let v124 = hint(NomadVersion::new(1, 2, 4), &args, Some("qa"));
        assert!(v124.contains("\nnomad job run -check-index 6 -var=\"a=1\" ex.nomad\n"));
        let v16 = hint(NomadVersion::new(1, 6, 0), &args, Some("qa"));
        assert!(v16.contains("-check-index 6 -var=\"a=1\" -namespace=\"qa\" ex.nomad\n"));
        let v011 = hint(NomadVersion::new(0, 11, 0), &[], None);
        assert!(v011.contains(
            "\nserver side version matches the job modify index returned. If the index has\n"
        ));
        assert!(v011.starts_with("Job Modify Index: 6\nTo submit"));
    }

    #[test]
    fn a_deleted_file_ends_with_the_stop_command_not_a_run_of_the_file() {
        let mut j = job(JobType::System);
        j.id = "sockshopui".into();
        j.stop = true;
        let r = PlanResult {
            job_modify_index: 6,
            ..Default::default()
        };
        let mut view = PlanView::new(&j, &r, "jobs/sockshopui.nomad", NomadVersion::DEMO);
        view.stop = Some(StopCause::FileDeleted);
        let text = crate::render::color::colorize(&modify_index_markup(&view), false);
        assert!(text.starts_with("Job Modify Index: 6\n"), "{text}");
        assert!(text.contains("\nThe job file was deleted: the change is a stop."));
        assert!(text.contains("\nnomad job stop sockshopui\n"), "{text}");
        assert!(!text.contains("nomad job run"), "{text}");
        assert!(!text.contains("jobs/sockshopui.nomad"), "{text}");
        let mut k = j.clone();
        k.namespace = "monitor".into();
        let view = PlanView { job: &k, ..view };
        let text = crate::render::color::colorize(&modify_index_markup(&view), false);
        assert!(text.contains("\nnomad job stop -namespace=monitor sockshopui\n"));
        let view = PlanView {
            stop: Some(StopCause::JobNoLongerDefined),
            ..view
        };
        let text = crate::render::color::colorize(&modify_index_markup(&view), false);
        assert!(!text.contains("was deleted"), "{text}");
        assert!(text.contains("\nThe job file no longer defines this job (running the file leaves it running): the change is a stop."), "{text}");
    }

    #[test]
    fn only_the_published_memory_quota_text_is_known() {
        let mut r = PlanResult::default();
        let metric = |q: &str| AllocMetric {
            quota_exhausted: vec![q.to_string()],
            ..Default::default()
        };
        r.failed_tg_allocs.insert(
            "a".into(),
            metric("memory exhausted (1024 needed > 1000 limit)"),
        );
        let j = job(JobType::Service);
        let inferred =
            |r: &PlanResult| inferred_notes(&PlanView::new(&j, r, "x", NomadVersion::DEMO));
        assert!(inferred(&r).is_empty());
        r.failed_tg_allocs.insert(
            "b".into(),
            metric("cpu exhausted (3500 needed > 3000 limit)"),
        );
        assert_eq!(
            inferred(&r),
            ["the wording of Quota limit hit \"cpu exhausted (3500 needed > 3000 limit)\" is inferred from Nomad's one published quota message (memory); Nomad Enterprise's text for other dimensions is not public"]
        );
    }

    fn dry_run(j: &Job, r: &PlanResult) -> String {
        let view = PlanView::new(j, r, "x", NomadVersion::DEMO);
        crate::render::color::colorize(&dry_run_markup(&view), false)
    }

    #[test]
    fn dry_run_failures_rolling_update_and_system_wording() {
        let mut r = PlanResult::default();
        let m = AllocMetric {
            nodes_evaluated: 1,
            nodes_exhausted: 1,
            ..Default::default()
        };
        r.failed_tg_allocs.insert("b".into(), m.clone());
        r.failed_tg_allocs.insert("a".into(), m);
        assert_eq!(
            dry_run(&job(JobType::Service), &r),
            "- WARNING: Failed to place all allocations.\n  Task Group \"a\" (failed to place 1 allocation):\n    * Resources exhausted on 1 nodes\n\n  Task Group \"b\" (failed to place 1 allocation):\n    * Resources exhausted on 1 nodes"
        );
        r.rolling_update_wait = Some(Duration::secs(90));
        let sys = dry_run(&job(JobType::System), &r);
        assert!(sys.starts_with("- WARNING: Failed to place allocations on all nodes.\n"));
        assert!(sys.ends_with("1 nodes\n\n- Rolling update, next evaluation will be in 1m30s."));
        r.failed_tg_allocs.clear();
        assert_eq!(
            dry_run(&job(JobType::System), &r),
            "- All tasks successfully allocated.\n- Rolling update, next evaluation will be in 1m30s."
        );
    }

    fn preempted(i: usize, job: &str, ty: &str) -> PreemptedAlloc {
        PreemptedAlloc {
            id: format!("{i:08}-0000-0000-0000-000000000000"),
            namespace: "default".into(),
            job_id: job.into(),
            job_type: ty.into(),
            task_group: "g".into(),
            node_id: "n".into(),
            job_priority: Some(10),
            ..PreemptedAlloc::default()
        }
    }

    #[test]
    fn preemption_tiers() {
        let mut r = PlanResult {
            preempted_allocs: (0..10).map(|i| preempted(i, "batch-a", "batch")).collect(),
            ..Default::default()
        };
        assert_eq!(
            preemption_table(&r),
            "Job ID   Namespace  Job Type  Preemptions\nbatch-a  default    batch     10"
        );
        r.preempted_allocs = (0..12)
            .map(|i| {
                preempted(
                    i,
                    &format!("j{i}"),
                    if i % 2 == 0 { "batch" } else { "service" },
                )
            })
            .collect();
        assert_eq!(
            preemption_table(&r),
            "Job Type  Preemptions\nbatch     6\nservice   6"
        );
    }

    #[test]
    fn warnings_block_is_followed_by_a_blank_line() {
        let j = job(JobType::Service);
        let r = PlanResult {
            warnings: vec!["1 warning(s):\n\n* Group \"cache\" has warnings".into()],
            ..Default::default()
        };
        let out = render_plan(&PlanView::new(&j, &r, "x", NomadVersion::DEMO), false);
        assert!(out.contains(
            "- All tasks successfully allocated.\n\nJob Warnings:\n1 warning(s):\n\n* Group \"cache\" has warnings\n\nJob Modify Index: 0\n"
        ), "{out}");
    }

    #[test]
    fn multierror_formats() {
        let e = vec!["Missing job datacenters".to_string()];
        assert_eq!(
            multierror(&e, NomadVersion::new(0, 10, 5)),
            "1 error occurred:\n\t* Missing job datacenters\n\n"
        );
        assert_eq!(
            multierror(&e, NomadVersion::new(0, 9, 3)),
            "1 error(s) occurred:\n\n* Missing job datacenters"
        );
    }
}
