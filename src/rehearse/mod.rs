//! `nomad-preflight rehearse`: replay a demo script step by step against the
//! world and job files, and say whether each step shows what the script
//! promises, and how likely that is over Nomad's node shuffles.
//!
//! A rehearsal file (HCL) lists steps; each step runs one Nomad CLI command
//! as the presenter types it, or edits a file or the cluster in memory, and
//! may state expectations in a small vocabulary (see [`ExpectKind`]).

pub mod command;
pub mod edit;
mod features;
pub mod judge;
pub mod limits;
pub mod parse;
mod register;
pub mod replay;
pub mod report;
pub mod run;
mod step_text;

use std::path::PathBuf;

use crate::cluster::JobStatus;
use crate::source::{Source, Span};

pub use parse::parse;

/// A parsed rehearsal file.
#[derive(Debug, Clone)]
pub struct Rehearsal {
    pub name: String,
    pub description: String,
    pub steps: Vec<Step>,
    pub source: Source,
}

#[derive(Debug, Clone)]
pub struct Step {
    pub title: String,
    pub action: Action,
    pub expect: Vec<Expectation>,
    /// The `step "..."` header, for diagnostics and verdicts.
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum Action {
    /// A Nomad CLI command as typed (`nomad job plan jobs/monitoring.nomad`).
    Command { line: String, command: NomadCommand },
    /// Edit a file in memory.
    Edit { path: PathBuf, edits: Vec<Edit> },
    /// Set client pool sizes (`scale_clients = { aws = 4 }`).
    ScaleClients(Vec<(String, u32, Span)>),
}

/// The Nomad commands the demo script uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NomadCommand {
    JobPlan {
        file: String,
        verbose: bool,
        namespace: Option<String>,
    },
    JobRun {
        file: String,
        check_index: Option<CheckIndex>,
        namespace: Option<String>,
    },
    JobStatus {
        namespace: Option<String>,
        job: Option<String>,
    },
    JobStop {
        namespace: Option<String>,
        job: String,
    },
    NodeStatus {
        id: Option<String>,
    },
    QuotaStatus {
        name: String,
    },
    NamespaceApply {
        name: String,
        quota: Option<String>,
        description: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckIndex {
    Literal(u64),
    /// `<index>` / `<number>`: the index the last plan of this file printed,
    /// as the presenter copies it from the plan output.
    FromLastPlan,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Uncomment the first commented-out line whose text starts with `key`
    /// (`#namespace= "monitor"` → `namespace= "monitor"`).
    Uncomment { key: String, span: Span },
    /// Set an attribute by path (`group.carts.count`) to a literal value.
    Set {
        path: String,
        value: String,
        span: Span,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    pub kind: ExpectKind,
    pub span: Span,
}

/// The expectation vocabulary (documented in README.md).
#[derive(Debug, Clone, PartialEq)]
pub enum ExpectKind {
    /// `placed = true`: every allocation of the plan or run is placed.
    Placed(bool),
    /// `quota_hit = "cpu"`: a placement fails on that quota dimension
    /// (`"any"` for any dimension).
    QuotaHit(String),
    /// `preempts = ["monitoring/foundation"]`: exactly these job/group
    /// allocations are preempted (`[]`: none).
    Preempts(Vec<(String, String)>),
    /// `job_status = { "monitor/monitoring" = "pending" }` after the step.
    JobStatus {
        namespace: String,
        job: String,
        status: JobStatus,
    },
    /// `exit_code = 1`: the command's exit code.
    ExitCode(i32),
    /// `output_contains = "..."`: the command's output contains the text.
    OutputContains(String),
}

impl ExpectKind {
    /// One line a presenter can read.
    pub fn describe(&self) -> String {
        match self {
            ExpectKind::Placed(true) => "every allocation is placed".into(),
            ExpectKind::Placed(false) => "some allocation cannot be placed".into(),
            ExpectKind::QuotaHit(d) if d == "any" => "a quota limit is hit".into(),
            ExpectKind::QuotaHit(d) => format!("the {d} quota limit is hit"),
            ExpectKind::Preempts(v) if v.is_empty() => "nothing is preempted".into(),
            ExpectKind::Preempts(v) => {
                let names: Vec<String> = v.iter().map(|(j, g)| format!("{j}/{g}")).collect();
                format!("{} is preempted", names.join(", "))
            }
            ExpectKind::JobStatus {
                namespace,
                job,
                status,
            } => format!("job {job} in namespace {namespace} is {}", status.as_str()),
            ExpectKind::ExitCode(c) => format!("the command exits {c}"),
            ExpectKind::OutputContains(t) => format!("the output shows {t:?}"),
        }
    }
}
