//! Job spec front end: read a job file the way Nomad's jobspec2 does (HCL2
//! parse, variables, locals, functions, dynamic blocks), lower it to the typed
//! [`model::Job`], apply Nomad's defaults, and validate like `nomad job validate`.

pub mod agent_region;
pub mod api_encode;
pub mod block_args;
pub mod block_labels;
mod budget;
mod canonical;
mod connect_defaults;
pub mod connect_gateway_proxy;
pub mod cty_json;
pub mod cty_number;
pub mod decode_order;
pub mod decode_type;
mod defaults;
mod dup_keys;
mod duplicate_job;
pub mod duration;
pub mod encoding;
pub mod eval;
mod fields;
pub mod fips140;
mod format;
pub mod functions;
mod hcl1_block_args;
mod hcl1_block_decode;
mod hcl1_connect;
mod hcl1_decode;
mod hcl1_dropped;
pub mod hcl1_fallback;
mod hcl1_gateway;
mod hcl1_key_errors;
mod hcl1_keys;
mod hcl1_keys_1x;
mod hcl1_labels;
mod hcl1_object_shape;
mod hcl1_parse;
mod hcl1_resources;
mod hcl1_service_decode;
mod hcl1_singles;
pub mod hcl1_syntax;
mod hcl1_top_keys;
mod hcl1_unread;
pub mod hclsyntax;
mod job_header;
mod job_text;
pub use job_text::{is_job_file, opens_job_block};
mod json_body;
mod json_dynamic;
pub(crate) mod json_extraneous;
mod json_job;
mod json_labels;
mod json_strings;
pub mod locals;
mod lower;
pub mod model;
pub(crate) mod null_decode;
mod null_table;
mod opaque;
pub mod parse;
mod parse_refusal;
mod reads;
mod sent;
pub use sent::{
    as_sent_to_validate, nomad_validation_errors, refused_by_servers_only, validation_errors,
};
mod regexp_unknown;
pub(crate) mod sha1;
mod start_range;
mod template_parts;
pub mod time_zone;
pub mod tree;
mod undecoded;
pub mod unknown_keys;
mod unmodelled;
pub mod utf16;
mod validate;
mod validate_check_rules;
mod validate_checks;
mod validate_connect;
mod validate_connect_netip;
mod validate_connect_tproxy;
mod validate_group;
mod validate_group_services;
mod validate_job;
mod validate_multiregion;
pub use validate_multiregion::is_multiregion;
mod validate_group_tasks;
mod validate_net;
mod validate_net_hostname;
mod validate_net_ports;
mod validate_periodic;
mod validate_placement;
mod validate_policies;
mod validate_services;
mod validate_task;
mod validate_task_files;
mod validate_task_parts;
mod validate_ui;
mod validate_volumes;
mod validate_volumes_legacy;
mod validate_workload;
mod var_convert;
mod var_decl;
mod var_file;
mod var_file_json;
mod var_file_json_parse;
mod var_file_json_scan;
mod var_file_json_string;
pub mod var_file_values;
mod var_flags;
mod var_sources;
mod var_type;
mod var_typeexpr;
mod var_unset;
mod var_validation;
pub(crate) mod var_warnings;
pub use var_unset::unset_name;
pub use var_validation::CANNOT_TELL as VALIDATION_CANNOT_TELL;
pub mod text_budget;
pub mod vars;
pub mod version_gates;
pub mod version_keys;
mod warnings;
mod warnings_identity;

/// Code of the HCL1 parser's own errors (before 1.0).
pub use hcl1_parse::CODE as HCL1_PARSE;
pub use hcl1_unread::CODE as HCL1_UNREAD;
pub use parse::{HCL2_UNREAD, TOO_DEEP};
pub use text_budget::TOO_LARGE;

pub use model::*;
pub use regexp_unknown::{regexp_unknown, RegexpUnknown};
pub use validate_job::max_count_error;
pub use validate_workload::{service_identity_errors, ServiceIdentityError};
pub use var_flags::{nomad_var_env, parse_var_flags, Submitted};
pub use warnings::{nomad_warnings, vault_identity_warnings};

use std::path::{Path, PathBuf};

use crate::diag::{Diag, Diags};
use crate::source::Source;
use crate::version::NomadVersion;
use crate::vfs::Vfs;

/// How to evaluate a job file: Nomad's `-var`, `-var-file` and `NOMAD_VAR_*`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoadOptions {
    /// `-var name=value`, in command-line order (later wins).
    pub vars: Vec<(String, String)>,
    /// `-var-file FILE`, in command-line order.
    pub var_files: Vec<PathBuf>,
    /// `NOMAD_VAR_<name>` values (name without the prefix), in the
    /// environment's order (jobspec2 reports their refusals in it). The CLI
    /// fills this from the process environment; tests pass their own.
    pub env_vars: Vec<(String, String)>,
    /// A running job's own inputs (cluster.hcl's `running_job`), read
    /// before every one of the above ([`Submitted`]); none for a load of
    /// the command line's alone.
    pub submitted: Submitted,
    /// Version whose defaults are applied (0.9 has no default update stanza...).
    pub version: NomadVersion,
    /// Filesystem functions refuse paths outside this directory.
    pub repo_root: Option<PathBuf>,
    /// The folder `nomad` runs in (absolute), which the filesystem
    /// functions join a relative path to, as Nomad's CLI does
    /// ([`crate::work_dir`]); `None`: the reader's root.
    pub work_dir: Option<PathBuf>,
    /// The servers' edition, where the world tells it: `Job.Validate`
    /// refuses a multiregion job in a community build (0.12.4+). `None`
    /// leaves that rule to the callers' "cannot tell".
    pub edition: Option<crate::version::Edition>,
    /// The servers' job settings, where the world states them (Nomad's
    /// defaults otherwise): the priority a job submitted with 0 gets and
    /// jobValidate's bounds.
    pub servers: ServerJobSettings,
    /// The region of the agent the CLI talks to (the world's): from 0.9.5
    /// it gives a planned or run job without one its own
    /// ([`agent_region`]). `None`: "global", Nomad's default.
    pub agent_region: Option<String>,
    /// `NOMAD_REGION`, the region the CLI's api client asks for when the
    /// file writes none; only the command line's loads read it.
    pub env_region: Option<String>,
    /// Go's FIPS mode as the shell's `GODEBUG` sets it (read at the CLI
    /// edge): Nomad 2.0.5 drops `md5` and `sha1` in it ([`fips140`]).
    pub fips140: fips140::Fips140,
}

/// Everything known about one job file after loading it.
#[derive(Debug, Clone)]
pub struct ParsedJob {
    pub source: Source,
    /// The syntax tree, when the file parsed; lints that look at syntax
    /// (HCL1-era constructs, suppression comments) read it instead of re-parsing.
    pub body: Option<hcl_edit::structure::Body>,
    /// The canonicalised job, when the file evaluated far enough to build one.
    /// (The evaluated `job` block it was lowered from is not kept: no rule
    /// reads it, and a folder check holds every file's `ParsedJob` until
    /// all are judged; [`load_evaluated`] gives it to the one reader.)
    pub job: Option<Job>,
    /// Errors and warnings, in file order.
    pub diags: Diags,
    /// The edition it was judged as ([`LoadOptions::edition`]).
    pub edition: Option<crate::version::Edition>,
    /// Before 1.0, HCL1's refusal of the keys its release does not know
    /// yet, as Nomad prints it after `Error parsing job file from <path>`
    /// ([`version_gates::Checked`]); kept from the load's one walk.
    pub hcl1_gate: Option<String>,
}

impl ParsedJob {
    pub fn is_valid(&self) -> bool {
        self.job.is_some() && !self.diags.has_errors()
    }
}

/// Load, evaluate, canonicalise and validate one job file.
/// `text` as the job file `j.nomad`, loaded as Nomad `version` reads it
/// (unit tests' one way to load a job text).
#[cfg(test)]
pub(crate) fn load_text(text: &str, version: NomadVersion) -> ParsedJob {
    let mut mem = crate::vfs::MemVfs::new("test");
    mem.insert("j.nomad", text);
    let opts = LoadOptions {
        version,
        ..LoadOptions::default()
    };
    load(&mem, Path::new("j.nomad"), &opts)
}

pub fn load(vfs: &dyn Vfs, path: &Path, opts: &LoadOptions) -> ParsedJob {
    match vfs.read(path) {
        Ok(source) => load_source(vfs, source, opts),
        // Our own refusal (outside the project, not a regular file, over
        // the size cap): Nomad's CLI reads the file anyway (go-getter's
        // FileGetter links to it and command/helpers.go JobGetter.Get opens
        // it, v0.9.3 through v2.0.5), so what it says is not known: the one
        // diagnostic says "cannot tell", not Nomad's `Error opening file`.
        Err(e) if crate::project::refusal(&e).is_some() => {
            let mut parsed = unreadable(path, e.to_string(), opts);
            parsed.diags.0.iter_mut().for_each(|d| d.cannot_tell = true);
            parsed
        }
        Err(e) => unreadable(
            path,
            format!(
                "Error opening file {}: {e}",
                crate::gotext::go_quote_path(path)
            ),
            opts,
        ),
    }
}

/// A job file that was not read: `message` (what follows `Error getting
/// job struct: `) its one diagnostic.
pub fn unreadable(path: &Path, message: String, opts: &LoadOptions) -> ParsedJob {
    ParsedJob {
        source: crate::source::SourceFile::inline(&path.display().to_string(), ""),
        body: None,
        job: None,
        diags: Diag::error("io::read", message)
            .help("check the path and that the file is readable")
            .into(),
        edition: opts.edition,
        hcl1_gate: None,
    }
}

/// Load a job from text already read (git blobs, in-memory edits).
pub fn load_source(vfs: &dyn Vfs, source: Source, opts: &LoadOptions) -> ParsedJob {
    load_source_evaluated(vfs, source, opts).0
}

/// [`load`], and the evaluated `job` block the job was lowered from
/// (variables, locals, functions and `dynamic` blocks resolved), as
/// Nomad's jobspec2 decodes it, where the file evaluated that far and
/// the job stands: [`tree::Node::same_content`] tells whether two files
/// say the same job before any canonicalisation (the diff sweep's
/// question). [`load`] drops it: no rule reads it, and a folder check
/// holds every file's [`ParsedJob`] until all are judged.
pub fn load_evaluated(
    vfs: &dyn Vfs,
    path: &Path,
    opts: &LoadOptions,
) -> (ParsedJob, Option<tree::Node>) {
    match vfs.read(path) {
        Ok(source) => load_source_evaluated(vfs, source, opts),
        Err(_) => (load(vfs, path, opts), None),
    }
}

fn load_source_evaluated(
    vfs: &dyn Vfs,
    source: Source,
    opts: &LoadOptions,
) -> (ParsedJob, Option<tree::Node>) {
    let (_budget, mut diags) = (budget::job_file(), Diags::new()); // one budget per file
                                                                   // Bytes Nomad's parser refuses, or a parse error: the file's only fault.
    let parsed = match encoding::check(&source, opts.version) {
        Some(d) => Err(d.into()),
        None => parse::parse(&source, opts.version),
    };
    let body = match parsed {
        Ok(b) => b,
        Err(d) => {
            let diags = match parse_refusal::var_file_first(vfs, &source, opts) {
                Some(refused) => refused,
                None => parse_refusal::parse_errors_as_listed(vfs, &source, opts, d),
            };
            let mut parsed = ParsedJob {
                source,
                body: None,
                job: None,
                diags,
                edition: opts.edition,
                hcl1_gate: None,
            };
            let note = hcl1_fallback::note(&parsed, opts.version);
            parsed.diags.0.extend(note);
            return (parsed, None);
        }
    };
    let (job, evaluated, hcl1_gate) = match build(vfs, &source, &body, opts, &mut diags) {
        Some((job, node, gate)) => (Some(job), Some(node), gate),
        None => (None, None, None),
    };
    diags
        .0
        .sort_by_key(|d| (d.source.is_none(), d.primary_span().map(|s| s.start)));
    let mut parsed = ParsedJob {
        source,
        body: Some(body),
        job,
        diags,
        edition: opts.edition,
        hcl1_gate,
    };
    if let Some(d) = json_job::extraneous(&mut parsed, opts.version) {
        parsed.diags = d;
        parsed.job = None;
        return (parsed, None);
    }
    // Decoding errors Nomad lists in Go's map order: a note beside them.
    let note = decode_order::decode_order_note(&parsed, opts.version);
    parsed.diags.0.extend(note);
    if parsed.diags.has_errors() {
        let note = hcl1_fallback::note(&parsed, opts.version);
        parsed.diags.0.extend(note);
    }
    if let Some(d) = json_job::front_end_refusal(&parsed, opts.version) {
        parsed.diags = d;
        parsed.job = None;
        return (parsed, None);
    }
    (parsed, evaluated)
}

/// Where a job file's functions read: the folder `nomad` runs in, inside
/// one boundary.
struct Fence {
    base_dir: Option<PathBuf>,
    root: Option<PathBuf>,
}

impl Fence {
    fn of(vfs: &dyn Vfs, src: &Source, opts: &LoadOptions) -> Fence {
        // Nomad joins a relative path to its working directory, not to the
        // job file's folder ([`crate::work_dir`]): for a file of the
        // project (on disk, or a git revision of it) that is the folder
        // this run stands for; files in memory (the embedded demo) read
        // from their reader's root, their own ".".
        let project_file = matches!(
            src.origin,
            crate::source::Origin::Disk(_) | crate::source::Origin::Git { .. }
        );
        Fence {
            base_dir: opts.work_dir.clone().filter(|_| project_file),
            // One boundary: the files' own fence when they have one (the
            // project root on disk), so functions and the reader agree on
            // what is inside.
            root: vfs
                .fence_root()
                .map(Path::to_path_buf)
                .or_else(|| opts.repo_root.clone()),
        }
    }
}

/// The evaluation scope of `src`'s job file: functions read through
/// `vfs` inside `fence` as release `opts.version` has them.
fn new_scope<'a>(
    vfs: &'a dyn Vfs,
    src: &'a Source,
    opts: &LoadOptions,
    fence: &'a Fence,
    opened: &'a std::cell::Cell<bool>,
    relative: &'a std::cell::Cell<bool>,
) -> eval::Scope<'a> {
    let fns = functions::FnEnv {
        vfs: Some(vfs),
        base_dir: fence.base_dir.as_deref(),
        repo_root: fence.root.as_deref(),
        version: opts.version,
        opened: Some(opened),
        relative: Some(relative),
        guard_fs: false,
        fips140: opts.fips140,
    };
    eval::Scope {
        path: &src.name,
        hcl1: hcl1_syntax::Era::of(opts.version),
        undefined: eval::Undefined::of(opts.version),
        ..eval::Scope::bare(src.eval_text(), fns)
    }
}

fn build(
    vfs: &dyn Vfs,
    src: &Source,
    body: &hcl_edit::structure::Body,
    opts: &LoadOptions,
    diags: &mut Diags,
) -> Option<(Job, tree::Node, Option<String>)> {
    let fence = Fence::of(vfs, src, opts);
    let opened = std::cell::Cell::new(false);
    let relative = std::cell::Cell::new(false);
    let mut scope = new_scope(vfs, src, opts, &fence, &opened, &relative);
    // Before 1.0 the top level's keys are checked first, and stop it.
    if let Some(d) = hcl1_top_keys::check(body, src, opts.version) {
        diags.push(d);
        return None;
    }
    // jobspec2 parses every var file before it decodes the body: one
    // hclsyntax refuses ends the decode there (parse.go decode).
    let files = vars::read_var_files(&scope, opts);
    if let Some(d) = vars::var_files_refused(&files, src, opts) {
        diags.push(d);
        return None;
    }
    let hcl2 = opts.version.at_least(1, 0, 0);
    let top = unknown_keys::top_level_schema();
    let mut top_unknown = false;
    let keys = body
        .attributes()
        .map(|a| {
            (
                eval::span_of(&a.key),
                a.key.as_str(),
                unknown_keys::Item::Argument,
            )
        })
        .chain(
            body.blocks()
                .filter(|b| !TOP_LEVEL.contains(&b.ident.as_str()))
                .map(|b| {
                    (
                        eval::span_of(&b.ident),
                        b.ident.as_str(),
                        unknown_keys::Item::Block,
                    )
                }),
        );
    for (span, key, item) in keys {
        let mut d = vars::unknown(src, span, key, TOP_LEVEL, "the file's top level");
        if hcl2 {
            d.message = unknown_keys::message(&top, item, key, &[]);
        }
        diags.push(d);
        top_unknown = true;
    }
    block_labels::check_top_level(body, src, opts.version, diags);
    // jobspec2's decodeBody returns at jobConfigSchema's errors.
    if hcl2 && top_unknown {
        return None;
    }
    if vars::resolve(body, src, opts, &mut scope, files, diags) {
        return None;
    }
    let mut jobs = body.blocks().filter(|b| b.ident.as_str() == "job");
    let Some(job_block) = jobs.next() else {
        // Nomad's words: jobspec2's decode (types.config.go, an hcl
        // diagnostic without a subject) from 1.0, HCL1's Parse before.
        let text = if opts.version.at_least(1, 0, 0) {
            "Missing job block; A job block is required"
        } else {
            "'job' stanza not found"
        };
        diags.push(
            Diag::error("jobspec::missing", text)
                .at(
                    src,
                    crate::source::Span::new(0, src.text.len().min(1)),
                    "no job here",
                )
                .help("add a job block, or pass a job file"),
        );
        return None;
    };
    let extra: Vec<_> = jobs.collect();
    let (dups, stop) = duplicate_job::check(job_block, &extra, src, opts.version);
    diags.0.extend(dups);
    if stop {
        return None;
    }
    if opts.version.at_least(1, 0, 0) {
        // HCL's own words (jobConfigSchema); decodeBody stops at them.
        if let Some(d) = block_labels::job_label_error(job_block, src) {
            diags.push(d);
            return None;
        }
    } else if job_block.labels.len() != 1 {
        diags.push(
            Diag::error(
                "jobspec::missing",
                "The job block needs exactly one label: its ID",
            )
            .at(src, eval::span_of(&job_block.ident), "job block")
            .help("write `job \"name\" { ... }`"),
        );
        if job_block.labels.is_empty() {
            return None;
        }
    }
    let evaluated = diags.0.len();
    let mut node = tree::eval_block(job_block, src, &mut scope, diags);
    // A spent budget stopped the tree where it was spent: lowering what
    // is left would only add faults of a job the file does not describe
    // (a group without its tasks), and cost what the budget saves.
    if budget::exhausted().is_some() {
        return None;
    }
    if !opts.version.at_least(1, 0, 0) {
        hcl1_block_args::as_blocks(&mut node);
        hcl1_labels::drop_skipped(&mut node, src, diags);
        hcl1_dropped::drop_unread(&mut node, src, opts.version, diags);
    }
    let reads = fields::Reads::default();
    let mut cx = fields::Cx {
        src,
        diags,
        version: opts.version,
        reads: reads.clone(),
        reader: Default::default(),
        undecoded: Vec::new(),
    };
    let lowered = cx.diags.0.len();
    let mut job = lower::job(&node, &mut cx);
    null_decode::check(&node, &mut cx);
    let silent = std::mem::take(&mut cx.undecoded);
    unknown_keys::reword(job_block, opts.version, &mut diags.0[lowered..]);
    undecoded::retain(diags, evaluated, &silent);
    unmodelled::attach(&node, &reads, &mut job);
    if !opts.version.at_least(1, 0, 0) {
        for t in job.groups.iter_mut().flat_map(|g| g.tasks.iter_mut()) {
            hcl1_object_shape::apply(&mut t.config);
        }
    }
    defaults::apply(&mut job, opts.version, opts.servers);
    agent_region::apply(&mut job, opts);
    canonical::apply(&mut job, opts.version);
    connect_defaults::apply(&mut job, opts.version);
    let read = diags.0.len();
    validate::validate(&job, src, opts.version, opts.edition, diags);
    let validated = diags.0.len();
    let gates = version_gates::check(&job, Some(body), Some(&node), src, opts.version, diags);
    block_args::check(body, src, opts.version, diags);
    block_labels::check(body, src, opts.version, diags);
    undecoded::retain(diags, validated, &silent);
    if let Some(gate) = gates.first.filter(|_| !opts.version.at_least(1, 0, 0)) {
        undecoded::hcl1_unread(diags, evaluated..read, gate.block, src);
    }
    hcl1_parse::check(&node, gates.first, src, opts.version, diags);
    hcl1_unread::check(&node, src, opts.version, diags);
    validate::warnings(&job, src, opts.version, diags);
    job.source = Origin(Some(src.clone()));
    job.loaded.reads_from_work_dir = relative.get();
    // Everything above read the text, the options and, through the
    // functions, whatever `opened` records; nothing else (the file's name
    // and folder reach only the functions and the diagnostics).
    if !opened.get() {
        job.closed = ClosedLoad(Some(std::sync::Arc::new(ClosedInputs {
            text: src.text.clone(),
            opts: opts.clone(),
        })));
    }
    Some((job, node, gates.hcl1_refusal))
}

const TOP_LEVEL: &[&str] = &["job", "variable", "variables", "locals"];

#[cfg(test)]
mod tests;
