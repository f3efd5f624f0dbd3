//! How Nomad's CLI reports a job file that does not load, per version and
//! command (`command/job_plan.go`, `command/job_validate.go`,
//! `command/helpers.go` JobGetter): the text goes to stderr first, our
//! located diagnostics follow it.
//!
//! Two places can refuse a file. The CLI's job parser (client side):
//! `Error getting job struct: Error parsing job file from <path>: <err>`
//! (HCL1, before 1.0; from 1.0 the parser error starts on its own line).
//! Nomad's servers (their admission, `Job.Validate` among its validators, in
//! the Plan and Validate endpoints): `plan` prints `Error during plan:
//! Unexpected response code: 500 (<errors>)`, `validate` prints `Job
//! validation errors:` and the errors, both in the version's multierror
//! format, the admission hooks' refusals and Job.Validate's errors in one
//! list (`planner::admission::joined`). The parser error text is
//! hclsyntax's from 1.0 where we can word it (`jobspec::hclsyntax`);
//! elsewhere our own message stands in its place.

use super::plan::{api_error, error_during_plan, error_job_struct, multierror};
use crate::cluster::State;
use crate::diag::Diag;
use crate::jobspec::{self, hclsyntax, ParsedJob};
use crate::planner::admission::{self, Joined, RefusedBy};
use crate::planner::validate_rpc;
use crate::planner::CannotKnow;
use crate::version::NomadVersion;
use crate::world::World;

/// Where a job file was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// By the CLI's job parser: `Error getting job struct: ...`.
    JobStruct(String),
    /// By the servers' admission validators: the one list's items, in order.
    Validation(Vec<String>),
    /// The servers fail the request itself with `error` (an admission
    /// mutator's, which they return alone; for `validate` also a namespace
    /// mismatch): `nomad job validate` then validates the job locally, and
    /// `local` is what Job.Validate alone says.
    Local {
        error: String,
        local: Vec<String>,
        /// Whose `error` it is: the servers' (`Unexpected response code:
        /// 500 (...)`), or the CLI's API client's, which never sent the
        /// job ([`jobspec::api_encode`]).
        by: RefusedBy,
    },
    /// By the servers' validators, whose one list would hold the Vault
    /// hook's entry (1.3+), which depends on servers' settings the world
    /// does not give: refused, but Nomad's text is not known. `line` is
    /// the one "cannot tell" line said in its place. Also a file Nomad's
    /// CLI crashes on, or reads in HCL1 syntax we do not: one line too.
    CannotTell {
        line: String,
        /// What is unknown, as `Preflight.KEY` in JSON.
        key: &'static str,
        json: serde_json::Value,
        /// Refused for sure: the servers' list holds Job.Validate's errors
        /// whatever the unknown entry says, so only its words are unknown
        /// (`validate` exits 1 as Nomad's does, `check` reports the errors,
        /// exit 1). Else whether Nomad refuses the file is unknown too.
        refused: bool,
    },
}

/// The servers a job file is judged by (`None`: Job.Validate alone, as
/// with no world).
pub type Servers<'a> = Option<(&'a World, &'a State)>;

/// The front-end codes whose diagnostic is one "cannot tell" line in
/// place of Nomad's text (plan and validate exit 255), in the order they
/// are looked for, with their key under `Preflight` in JSON. Each is
/// marked so in `rules::frontend` (a test holds the two lists together),
/// so `check` says "cannot tell" for them too.
pub const CANNOT_TELL_CODES: &[(&str, &str)] = &[
    (jobspec::hcl1_syntax::CRASH, "Crash"),
    (jobspec::hcl1_syntax::UNREAD, "Hcl1"),
    (jobspec::HCL1_UNREAD, "Hcl1"),
    (jobspec::HCL2_UNREAD, "Hcl2"),
    (jobspec::var_file_values::VAR_FILE_CANNOT_TELL, "VarFile"),
    (jobspec::eval::SHAPE_CANNOT_TELL, "Shape"),
    (jobspec::cty_number::NUMBER_CANNOT_TELL, "Number"),
    (jobspec::eval::nfc::NFC_CANNOT_TELL, "Nfc"),
    (jobspec::functions::FUNCTION_CANNOT_TELL, "Function"),
    (jobspec::VALIDATION_CANNOT_TELL, "Validation"),
    (jobspec::locals::LOCALS_CANNOT_TELL, "Locals"),
    // Our own refusals, not Nomad's: a file we never read on behalf of
    // a job file (outside the project), an evaluation past our budget, a
    // file nested past our parser's bound.
    // Nomad would read or compute it, so what it says is not known.
    (jobspec::eval::FILE_ACCESS, "FileAccess"),
    (jobspec::eval::BUDGET, "Budget"),
    (jobspec::TOO_DEEP, "Nesting"),
    (jobspec::TOO_LARGE, "JobSize"),
];

/// Classify the errors of a file that did not load.
pub fn refusal(
    parsed: &ParsedJob,
    path: &str,
    version: NomadVersion,
    servers: Servers<'_>,
) -> Refusal {
    // 1.0-1.1 print a var file's warnings beside a later stage's errors.
    match classify(parsed, path, version, servers) {
        Refusal::JobStruct(text) => {
            Refusal::JobStruct(jobspec::var_warnings::beside(text, parsed, path, version))
        }
        other => other,
    }
}

fn classify(
    parsed: &ParsedJob,
    path: &str,
    version: NomadVersion,
    servers: Servers<'_>,
) -> Refusal {
    let job = parsed
        .job
        .as_ref()
        .filter(|_| jobspec::refused_by_servers_only(parsed, version));
    if let Some(job) = job {
        // Nomad's own words and nesting (`Task group g validation failed:
        // ...`), not our located messages.
        let nomad = jobspec::nomad_validation_errors(job, &parsed.source, version, parsed.edition);
        // The list holds these whatever an unknown entry beside them says
        // (`planner::entry_unknown`: an unknown entry adds to the list,
        // never removes from it).
        let untold = |u: CannotKnow, refused: bool| {
            let (key, json) = u.json();
            Refusal::CannotTell {
                line: u.line(job),
                key,
                json,
                refused,
            }
        };
        // Job.Validate's own entries: a `regexp` value Go's size limits
        // may refuse, a time zone the servers' zone files decide.
        let own = jobspec::regexp_unknown(job, version)
            .map(CannotKnow::Regexp)
            .or_else(|| jobspec::time_zone::time_zone_unknown(job).map(CannotKnow::TimeZone));
        if let Some(u) = own {
            return untold(u, !nomad.is_empty());
        }
        // The CLI cannot encode the request: no server sees it, and
        // validate falls back to validateLocal (Job.Validate's own
        // unknown entries are said above).
        if let Some(error) = jobspec::api_encode::unsent(job) {
            return Refusal::Local {
                error,
                local: local_validation(job, nomad, version),
                by: RefusedBy::Client,
            };
        }
        let Some((world, state)) = servers else {
            return Refusal::Validation(nomad);
        };
        return match admission::joined(world, state, job, nomad.clone()) {
            // The validators' entries the world does not give (the Vault
            // hook's, the edition's, the namespace validator's from 1.3,
            // Enterprise's namespace clusters).
            Joined::Errors(errors) => match crate::planner::servers_entry_unknown(world, job) {
                Some(u) => untold(u, !errors.is_empty()),
                None => Refusal::Validation(errors),
            },
            Joined::Mutator(error) => Refusal::Local {
                error,
                local: local_validation(job, nomad, version),
                by: RefusedBy::Servers,
            },
        };
    }
    // The CLI's parser refuses it: its errors, not the servers' (which it
    // never reaches).
    let client = jobspec::decode_order::client_errors(parsed, version);
    let client: Vec<&&Diag> = client.iter().collect();
    if let Some(io) = client.iter().find(|d| d.code.starts_with("io::")) {
        // A file we refused to read (`jobspec::load`): Nomad reads it, so
        // its answer is not known; `check` marks the same diagnostic.
        if io.cannot_tell {
            return Refusal::CannotTell {
                line: format!(
                    "cannot tell what Nomad says of this job file: {} (Nomad's CLI reads it)",
                    io.message
                ),
                key: "Read",
                json: serde_json::json!({ "Reason": io.message }),
                refused: false,
            };
        }
        return Refusal::JobStruct(io.message.clone());
    }
    // Nomad's CLI crashes, or reads HCL1 in a way we do not follow: its
    // text is not known (a crash prints Go's panic and trace), so one line
    // says so.
    let one_line = |code: &str| client.iter().find(|d| d.code == code);
    for &(code, key) in CANNOT_TELL_CODES {
        if let Some(d) = one_line(code) {
            // A var file's verdict has no place in the job file.
            let json = match d.primary_span() {
                Some(at) => {
                    let (line, column) = parsed.source.line_col(at.start);
                    serde_json::json!({ "Reason": d.message, "Line": line, "Column": column })
                }
                None => serde_json::json!({ "Reason": d.message }),
            };
            // Our own refusals are worded as errors: the line says what
            // they leave unknown. The others are worded as that line.
            let ours = [jobspec::eval::FILE_ACCESS, jobspec::eval::BUDGET].contains(&code);
            let line = if !ours {
                d.message.clone()
            } else {
                format!(
                    "cannot tell what Nomad says of this job file: {}",
                    d.message
                )
            };
            // A crash is Nomad's answer too, but not a refusal of the
            // file (Go's panic, exit 2): `check` says "cannot tell" alike.
            return Refusal::CannotTell {
                line,
                key,
                json,
                refused: false,
            };
        }
    }
    // Keys HCL1's parser does not know yet (before 1.0): its own text.
    // From 1.0 they are hclsyntax's refusals, decoding errors below.
    let gated = |d: &&&Diag| d.code == jobspec::version_gates::CODE;
    if !client.is_empty() && client.iter().all(gated) {
        if let Some(text) = &parsed.hcl1_gate {
            return Refusal::JobStruct(format!("Error parsing job file from {path}{text}"));
        }
    }
    // The HCL1 parser returns at its first error: nothing after it (our
    // own reading of the rest, a repeated block) reaches the user.
    if let Some(first) = client.iter().find(|d| d.code == jobspec::HCL1_PARSE) {
        return Refusal::JobStruct(format!(
            "Error parsing job file from {path}: {}",
            first.message
        ));
    }
    let hcl2 = version.at_least(1, 0, 0);
    // jobspec2's decoding refused it (label counts, values): its error is
    // every diagnostic's Error(), one a line (jobspec2/parse.go decode), in
    // gohcl's order, which may be Go's random map order (decode_order.rs):
    // then the lines are said in a stated order, with a note
    // ([`jobspec::decode_order::decode_order_note`]), or where the order may change what is said,
    // the order is not told.
    if hcl2 && !client.is_empty() && client.iter().all(|d| jobspec::decode_order::decoding(d)) {
        let client: Vec<&Diag> = client.iter().map(|d| **d).collect();
        let Some(ordered) = jobspec::decode_order::decoding_order(parsed, &client, version) else {
            return Refusal::JobStruct(format!(
                "Error parsing job file from {path}:\n(cannot tell) Nomad's decoder reports these {} diagnostics one a line, in an order Go's random map order (gohcl decodeBodyToStruct) or a pass of jobspec2's own decides; ours follow.",
                client.len()
            ));
        };
        let text = &parsed.source.text;
        let lines: Vec<String> = ordered
            .diags
            .iter()
            .map(|d| {
                let span = d.primary_span().map_or((0, 0), |s| (s.start, s.end));
                // A JSON file's key or `null`: hcl's JSON scanner counts
                // its columns.
                let json = jobspec::json_extraneous::is_extraneous(d)
                    .then(|| {
                        let span = crate::source::Span::new(span.0, span.1);
                        jobspec::json_extraneous::json_range(text, path, span)
                    })
                    .flatten()
                    .or_else(|| jobspec::null_decode::json_range(d, text, path));
                let range = json.unwrap_or_else(|| hclsyntax::range_string(text, path, span));
                format!("{range}: {}", d.message)
            })
            .collect();
        return Refusal::JobStruct(format!(
            "Error parsing job file from {path}:\n{}",
            lines.join("\n")
        ));
    }
    // hclsyntax refused it: jobspec2 returns the diagnostics themselves,
    // whose Error() is the first and a count of the others.
    if hcl2 && !client.is_empty() && client.iter().all(|d| hclsyntax::is_worded(d)) {
        let text = &parsed.source.text;
        let first = client[0];
        let span = first.primary_span().map_or((0, 0), |s| (s.start, s.end));
        let mut e = format!(
            "{}: {}",
            hclsyntax::range_string(text, path, span),
            first.message
        );
        if client.len() > 1 {
            e.push_str(&format!(", and {} other diagnostic(s)", client.len() - 1));
        }
        return Refusal::JobStruct(format!("Error parsing job file from {path}:\n{e}"));
    }
    let messages: Vec<String> = client
        .iter()
        .map(|d| hcl_located(d, parsed, path, hcl2))
        .collect();
    let sep = if hcl2 { ":\n" } else { ": " };
    Refusal::JobStruct(format!(
        "Error parsing job file from {path}{sep}{}",
        messages.join("\n")
    ))
}

/// A diagnostic whose text is HCL's own (`Call to unknown function; ...`)
/// as HCL prints it: after its subject range, `path:line,col-endcol: `.
fn hcl_located(d: &Diag, parsed: &ParsedJob, path: &str, hcl2: bool) -> String {
    let span = d.primary_span().filter(|_| hcl2);
    match span {
        Some(span)
            if jobspec::eval::is_hcl_worded(&d.message)
                || jobspec::unknown_keys::is_hcl_unknown(d)
                || d.message.starts_with("Duplicate job block; ")
                || d.code == "jobspec::label" =>
        {
            let range = hclsyntax::range_string(&parsed.source.text, path, (span.start, span.end));
            format!("{range}: {}", d.message)
        }
        _ => d.message.clone(),
    }
}

/// `validateLocal` runs Job.Validate alone: jobValidate's job_max_count
/// check (1.11+, the last item), its service identity
/// errors (1.7+, the items before) and, from 1.5, its priority
/// bound (the item before them when the priority is out of range:
/// jobspec::validate) are not in the local list.
fn local_validation(job: &jobspec::Job, mut nomad: Vec<String>, v: NomadVersion) -> Vec<String> {
    // The hook's job_max_count check (1.11+) is its last item.
    if jobspec::max_count_error(job, v).is_some_and(|m| nomad.last() == Some(&m)) {
        nomad.pop();
    }
    let service = jobspec::service_identity_errors(job, v).len();
    nomad.truncate(nomad.len().saturating_sub(service));
    if v.at_least(1, 5, 0) && !(1..=100).contains(&job.priority) {
        nomad.pop();
    }
    nomad
}

/// What `nomad job plan` prints on stderr for a file that does not load
/// (it then exits 255 whatever the version).
pub fn plan_error(
    parsed: &ParsedJob,
    path: &str,
    version: NomadVersion,
    servers: Servers<'_>,
) -> String {
    plan_text(&refusal(parsed, path, version, servers), version)
}

/// [`plan_error`] of a refusal already classified.
pub fn plan_text(refusal: &Refusal, version: NomadVersion) -> String {
    match refusal {
        Refusal::JobStruct(e) => error_job_struct(e),
        Refusal::Validation(errs) => {
            error_during_plan(&api_error(500, &body(&multierror(errs, version), version)))
        }
        Refusal::Local {
            error,
            by: RefusedBy::Servers,
            ..
        } => error_during_plan(&api_error(500, &body(error, version))),
        Refusal::Local {
            error,
            by: RefusedBy::Client,
            ..
        } => error_during_plan(error),
        Refusal::CannotTell { line, refused, .. } => cannot_tell(&untold_line(line, *refused)),
    }
}

/// The line said in place of Nomad's text: `line` as it is, or, when Nomad
/// refuses the job for sure ([`Refusal::CannotTell`]'s `refused`), after
/// words that say so.
pub fn untold_line(line: &str, refused: bool) -> String {
    if refused {
        format!("Nomad refuses this job (the errors below), but the whole of what it prints is not known: {line}")
    } else {
        line.to_string()
    }
}

/// The entries a sure refusal is known to hold (Nomad's words, one a line
/// under the line [`untold_line`] says), for a job that loads: the errors
/// that line points to. Empty for none.
pub fn entries_text(entries: &[String]) -> String {
    entries
        .iter()
        .map(|e| format!("  * {}\n", crate::escape::one_line(e)))
        .collect()
}

/// The one line said in place of Nomad's text (as `plan` says it of a job
/// that loads).
fn cannot_tell(line: &str) -> String {
    format!("error: {}\n", crate::escape::one_line(line))
}

/// The HTTP body as the version's API client hands it on: from 1.6.0 it
/// trims it (api/error_unexpected_response.go).
fn body(error: &str, version: NomadVersion) -> String {
    if version.at_least(1, 6, 0) {
        error.trim().to_string()
    } else {
        error.to_string()
    }
}

/// What `nomad job validate` prints on stderr for a file that does not load
/// (it then exits 1 whatever the version). After a mutator's refusal it
/// also prints [`validate_rpc::LOCAL_VALIDATION`] on stdout first (see
/// [`validate_stdout`]).
pub fn validate_error(
    parsed: &ParsedJob,
    path: &str,
    version: NomadVersion,
    servers: Servers<'_>,
) -> String {
    validate_text(&validate_refusal(parsed, path, version, servers), version)
}

/// [`refusal`] as `nomad job validate` meets it: when the servers fail the
/// Validate RPC itself (a namespace mismatch before any mutator), the CLI
/// validates the job locally. `parsed` is the job as sent to the Validate
/// endpoint (`jobspec::as_sent_to_validate`).
pub fn validate_refusal(
    parsed: &ParsedJob,
    path: &str,
    version: NomadVersion,
    servers: Servers<'_>,
) -> Refusal {
    let found = refusal(parsed, path, version, servers);
    let servers_listed = matches!(found, Refusal::Validation(_) | Refusal::CannotTell { .. });
    let (true, Some((world, state)), Some(job)) = (servers_listed, servers, &parsed.job) else {
        return found;
    };
    match validate_rpc::rpc_error(world, state, job) {
        Some(error) => {
            let nomad =
                jobspec::nomad_validation_errors(job, &parsed.source, version, parsed.edition);
            let local = local_validation(job, nomad, version);
            Refusal::Local {
                error,
                local,
                by: RefusedBy::Servers,
            }
        }
        None => found,
    }
}

/// [`validate_error`] of a refusal already classified.
pub fn validate_text(refusal: &Refusal, version: NomadVersion) -> String {
    let list = |errs: &[String]| format!("Job validation errors:\n{}\n", multierror(errs, version));
    match refusal {
        Refusal::JobStruct(e) => error_job_struct(e),
        Refusal::Validation(errs) => list(errs),
        // validateLocal's list; an empty one passes (the CLI's caller
        // prints its success).
        Refusal::Local { local, .. } if local.is_empty() => String::new(),
        Refusal::Local { local, .. } => list(local),
        Refusal::CannotTell { line, refused, .. } => cannot_tell(&untold_line(line, *refused)),
    }
}

/// What `nomad job validate` prints on stdout before [`validate_text`].
pub fn validate_stdout(refusal: &Refusal) -> Option<&'static str> {
    matches!(refusal, Refusal::Local { .. }).then_some(validate_rpc::LOCAL_VALIDATION)
}

#[cfg(test)]
#[path = "job_file_error_tests.rs"]
mod tests;
