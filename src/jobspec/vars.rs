//! Input variables and locals, as jobspec2 resolves them: `variable` blocks
//! (type, default, validation; var_decl.rs), then the values given by
//! `NOMAD_VAR_*`, `-var-file` and `-var` (later wins; var_sources.rs),
//! then what Nomad says of them in its order (refusals, unset variables,
//! validations), then `locals` in jobspec2's queue order
//! ([`super::locals`]).

use std::path::PathBuf;

use hcl_edit::structure::Body;

use super::eval::{EvalError, Scope};
use super::var_decl::declared;
use super::var_decl::Declared;
use super::var_file::{unparsed, var_file, Said, Unread, VarFile, DECODES_ON};
use super::var_file_values::RefusedValues;
use super::var_sources::{default_origins, gather, Given};
use super::var_unset;
use super::LoadOptions;
use crate::diag::{Diag, Diags};
use crate::source::{Source, Span};

pub use super::var_type::VarType;

/// The `-var-file`s, each read once, in the order given.
pub(super) type VarFiles<'o> = Vec<(&'o PathBuf, Result<VarFile, Unread>)>;

/// Read every `-var-file` of `opts` (jobspec2's decode parses them all
/// before it decodes the job's body).
/// Nomad 1.0.0's CLI does not hand `-var-file` to jobspec2 at all
/// (command/helpers.go ApiJobWithArgs; 1.0.1 does): none is read.
pub(super) fn read_var_files<'o>(scope: &Scope<'_>, opts: &'o LoadOptions) -> VarFiles<'o> {
    if opts.version.at_least(1, 0, 0) && !opts.version.at_least(1, 0, 1) {
        return Vec::new();
    }
    opts.var_files
        .iter()
        .map(|f| (f, var_file(scope, f)))
        .collect()
}

/// jobspec2's refusal of the var files hclsyntax refuses (parse.go
/// decode): it returns before decodeBody, so nothing the job's body holds
/// (its top-level keys, declarations, values) is said; from 1.0.6 it
/// also returns before the job file's own parse errors are said.
pub(super) fn var_files_refused(
    files: &VarFiles<'_>,
    src: &Source,
    opts: &LoadOptions,
) -> Option<Diag> {
    let mut r = RefusedValues::default();
    match unparsed(files, opts.version)? {
        // A file not read at all: its path is the fix, not its values.
        Said::Line(line) if line.contains("Failed to read file; failed to read ") => {
            r.worded(vec![line]);
            return Some(r.diag(src, opts.version).help(
                "check the -var-file path: Nomad reads it from the directory the command runs in",
            ));
        }
        Said::Line(line) => r.worded(vec![line]),
        Said::Untold(why) if why == DECODES_ON => {
            return Some(
                Diag::error(
                    super::var_file_values::VAR_FILE_CANNOT_TELL,
                    format!("cannot tell what Nomad {} says of this job file: {why}", opts.version),
                )
                .in_source(src)
                .help("judge the file as the release it runs (1.0.6 and later return a var file's refusal at once), or fix the var file"),
            )
        }
        Said::Untold(why) => r.unread = Some(why),
        Said::NotRead(path, why) => return Some(not_read(&path, &why)),
    }
    Some(r.diag(src, opts.version))
}

/// A var file we did not read (outside the project, not a regular file,
/// an error whose Go words are not known): Nomad would read it, so what
/// it says is not known.
pub(super) fn not_read(path: &str, why: &str) -> Diag {
    Diag::error(
        super::eval::FILE_ACCESS,
        format!("Error reading -var-file {path}: {why}"),
    )
    .help("a var file is read only where it resolves inside the project")
}

/// Resolve `var.*` and `local.*`. Problems go to `diags`; variables that
/// could not be resolved are left out, so later references report too.
///
/// Returns true when decoding stops here: Nomad refused a value given to
/// a variable (var_file_values.rs, var_convert.rs), and its decodeBody
/// returns before the job.
pub(super) fn resolve(
    body: &Body,
    src: &Source,
    opts: &LoadOptions,
    scope: &mut Scope<'_>,
    files: VarFiles<'_>,
    diags: &mut Diags,
) -> bool {
    let stage_start = diags.0.len();
    let declarations = declared(body, src, opts.version, scope, diags);
    let declared = declarations.list;
    // Notes on lines said in Go's map order, after the stage's list.
    let mut notes = declarations.notes;
    let defaults = declared
        .iter()
        .filter_map(|d| d.default.clone().map(|v| (d.name.clone(), v)))
        .collect();
    let origins = default_origins(&declared, src);
    let Given {
        values,
        origins,
        mut refused,
        touched,
    } = gather(&declared, files, (defaults, origins), src, opts, diags);
    if !refused.any() && !refused.lines.is_empty() {
        // Warnings only (1.0-1.1, a var file's undeclared names): Nomad
        // says them only in a list with an error, in their place.
        if refused.unordered {
            let what = format!("{} names a var file gives are not declared (Nomad prints its warnings only beside an error)", refused.lines.len());
            notes.push(var_unset::map_order(
                src,
                &what,
                "the order the file gives them",
            ));
        }
        for line in refused.lines.drain(..) {
            diags.push(
                Diag::warning("jobspec::missing-variable", line)
                    .in_source(src)
                    .help(UNDECLARED),
            );
        }
    }
    if refused.any() {
        // Nomad goes on to validate the other values, in Go's map order.
        refused.unsure |= declared
            .iter()
            .any(|d| !d.rules.is_empty() && values.contains_key(&d.name));
        // Nomad goes on to report unset variables, in Go's map order
        // (with the validations above): one alone is said last.
        let unset: Vec<&Declared> = declared
            .iter()
            .filter(|d| {
                !values.contains_key(&d.name) && !d.default_refused && !touched.contains(&d.name)
            })
            .collect();
        for one in &unset {
            refused.then(var_unset::line(&one.name, opts.version));
        }
        if unset.len() > 1 {
            notes.push(var_unset::unordered(src, unset.len(), 0));
        }
        notes.extend(refused.note(src));
        // Nomad stops after the variables' stage: nothing after it is said.
        diags.push(refused.diag(src, opts.version));
        push_notes(diags, stage_start, notes);
        return true;
    }
    let mut unset = 0;
    // A refused default leaves an unknown value: not unset.
    for d in declared
        .iter()
        .filter(|d| !values.contains_key(&d.name) && !d.default_refused)
    {
        scope.unset.insert(format!("var.{}", d.name));
        diags.push(var_unset::diag(src, d.at, &d.name, opts.version));
        unset += 1;
    }
    scope.vars = values;
    scope.map_vars = declared
        .iter()
        .filter(|d| matches!(d.ty, VarType::Map(_)))
        .map(|d| d.name.clone())
        .collect();
    scope.set_vars = declared
        .iter()
        .filter(|d| super::eval::var_type_holds_set(&d.ty))
        .map(|d| d.name.clone())
        .collect();
    // Each variable's type: its declared (or default's) type, or with
    // none (`any`, no default) its value's own (a literal's).
    scope.var_types = declared
        .iter()
        .filter_map(|d| {
            let t = match (&d.exact, &d.ty) {
                (Some(t), _) => t.clone(),
                (None, VarType::Any) => super::var_convert::Exact::of(scope.vars.get(&d.name)?),
                _ => return None,
            };
            Some((d.name.clone(), t))
        })
        .collect();

    // jobspec2's Variables.Values runs every rule on each variable's last
    // value, ranging over the variables as a Go map.
    let mut failed: Vec<Diags> = Vec::new();
    for d in &declared {
        let (Some(value), Some(origin)) = (scope.vars.get(&d.name), origins.get(&d.name)) else {
            continue;
        };
        let mut mine = Diags::new();
        super::var_validation::check(
            &d.rules,
            (&d.name, value),
            origin,
            scope.fns,
            src,
            opts.version,
            &mut mine,
        );
        if !mine.0.is_empty() {
            failed.push(mine);
        }
    }
    // From 1.0.6 decodeBody returns after this stage when it failed; an
    // unset variable's error included.
    let stops = !failed.is_empty()
        || (unset > 0 && opts.version.at_least(1, 0, 6))
        || declarations.refused
        || declared.iter().any(|d| d.rules_refused)
        || (opts.version.at_least(1, 0, 6) && declared.iter().any(|d| d.default_refused));
    // Variables.Values says each variable's unset error or validation
    // failures in Go's map order: with two or more, the set is certain and
    // only its order is Nomad's chance, so all are said, then a note.
    if unset + failed.len() > 1 {
        notes.push(var_unset::unordered(src, unset, failed.len()));
    }
    for one in failed {
        diags.extend(one);
    }

    // From 1.0.4 decodeBody returns when a local failed too
    // (types.config.go@v1.0.4; before, the job is decoded without it).
    let locals_failed = super::locals::resolve(body, src, scope, diags, &mut notes);
    let stops = stops || (locals_failed && opts.version.at_least(1, 0, 4));
    if stops {
        // jobspec2 lists the stage's diagnostics in its own order (each
        // variable's decoding, then the values), which sorting ours by
        // place would lose: one diagnostic holds them, one a line.
        let stage: Vec<Diag> = diags.0.drain(stage_start..).collect();
        diags.push(super::var_validation::one_list(src, stage));
    }
    push_notes(diags, stage_start, notes);
    // decodeBody returns after the variables' and locals' stage when
    // any of it failed: the job is not decoded.
    stops
}

/// The map-order notes after the stage's diagnostics (from `from`), unless
/// one of those says "cannot tell" (job_file_error.rs's one-line codes):
/// none of the lines is then said.
fn push_notes(diags: &mut Diags, from: usize, notes: Vec<Diag>) {
    let untold = [
        super::var_validation::CANNOT_TELL,
        super::var_file_values::VAR_FILE_CANNOT_TELL,
        super::eval::FILE_ACCESS,
        super::eval::BUDGET,
        super::hcl1_syntax::CRASH,
        super::locals::LOCALS_CANNOT_TELL,
    ];
    if diags.0[from..]
        .iter()
        .any(|d| untold.contains(&d.code.as_str()))
    {
        return;
    }
    diags.0.extend(notes);
}

const UNDECLARED: &str = "declare the variable with a `variable` block, or remove the assignment";

/// An evaluation's errors as diagnostics, one each, in hclsyntax's order.
pub fn eval_diags(src: &Source, e: EvalError) -> crate::diag::Diags {
    crate::diag::Diags(
        e.all()
            .into_iter()
            .map(|e| {
                let mut d = Diag::error(e.code, e.message).at(src, e.span, "");
                if !e.help.is_empty() {
                    d = d.help(e.help);
                }
                // Whether it cannot tell is the front-end catalogue's word
                // (rules::frontend, read by check::front_end_marked).
                d
            })
            .collect(),
    )
}

pub fn unknown(src: &Source, span: Span, name: &str, known: &[&str], block: &str) -> Diag {
    let help = match crate::suggest::closest(name, known.iter().copied()) {
        Some(s) => format!("did you mean \"{s}\"?"),
        None => format!("{block} accepts: {}", known.join(", ")),
    };
    Diag::error(
        "jobspec::unknown-key",
        format!("Unsupported argument or block \"{name}\" in {block}"),
    )
    .at(src, span, "not expected here")
    .help(help)
}
