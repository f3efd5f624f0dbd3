//! `check --staged/--base` with no world at the base: a change holding no
//! job file (and nothing of the world) has nothing to judge, and passes
//! with the report of an empty change set; any other is "cannot tell"
//! (redteam6 G11). Refusing every commit, README edits included, made the
//! hook in a repository without a world one to switch off.

use std::path::Path;

use super::{CheckArgs, Selection};
use crate::check::Checked;
use crate::diag::{exit, Diags};
use crate::job_loader::JobLoader;
use crate::report;

/// Does the selected change set hold no job file and nothing under the
/// world folder ([`crate::changeset::ChangeSet::holds_no_job`])? Then the
/// files its report counts (its candidates, each skipped: not a job
/// file). Anything that keeps it from telling (a read that fails) keeps
/// the refusal.
fn nothing_to_judge(args: &CheckArgs, cwd: &Path, sel: &mut Selection) -> Option<report::Files> {
    let set = sel.set.as_mut()?;
    let root = set.range.root.clone();
    let (head, base) = (set.range.head_vfs().ok()?, set.range.base_vfs().ok()?);
    let states: [&dyn crate::vfs::Vfs; 2] = [head.as_ref(), &base];
    let world = crate::cli::common::world_folder(&root, cwd, args.world.as_deref(), &states);
    // No world says which release reads the job files that may read a
    // touched file: the newest reads the most (HCL2's file functions).
    let loader = JobLoader::from_flags(
        &args.vars,
        &args.var_files,
        crate::version::NomadVersion::CURRENT,
        root,
    );
    if !set.holds_no_job(&world, &loader).unwrap_or(false) {
        return None;
    }
    if let Some(note) = set.ignored_note() {
        eprintln!("{note}");
    }
    Some(report::Files {
        checked: 0,
        skipped: sel.files.len(),
    })
}

/// `check --staged/--base` with no world at the base (`no_world`, its
/// "cannot tell"). A change holding no job file (and nothing of the world)
/// has nothing to judge: it passes. Any other change's job files are
/// validated as the working tree's are ([`work_tree`]): a job file Nomad
/// refuses is reported (exit 1), and what valid ones do to the cluster is
/// "cannot tell" (exit 2). A selection that fails keeps the plain refusal.
pub(super) fn change_set(
    args: &CheckArgs,
    cwd: &Path,
    selected: Result<Selection, Diags>,
    no_world: &Diags,
    line: &str,
    color: bool,
) -> i32 {
    let Ok(mut sel) = selected else {
        return super::cannot_tell(args, no_world, line);
    };
    if let Some(files) = nothing_to_judge(args, cwd, &mut sel) {
        return pass(args, files, color);
    }
    let Some(set) = sel.set.as_ref() else {
        return super::cannot_tell(args, no_world, line);
    };
    let (checked, version) = validate(args, &sel, &set.candidates(), set.range.root.clone());
    // Valid job files: the gate's one line, as for any change it cannot judge.
    if checked
        .results
        .iter()
        .all(|r| r.diags.is_empty() && !r.crashed)
    {
        return super::cannot_tell(args, no_world, line);
    }
    let what = format!(
        "no world (rules/cluster.hcl) at {}: the {{}} job file(s) of this change",
        crate::escape::one_line(args.base.as_deref().unwrap_or("HEAD"))
    );
    report_validated(args, &checked, version, no_world, &what, color)
}

/// The pass: an empty run's report (in the format asked for), with a note
/// saying why no world was needed.
pub(super) fn pass(args: &CheckArgs, files: report::Files, color: bool) -> i32 {
    eprintln!(
        "note: no world at {}, but this change holds no job file and nothing of the world: nothing to judge",
        crate::escape::one_line(args.base.as_deref().unwrap_or("HEAD"))
    );
    super::print_report(args, &[], files, color);
    exit::OK
}

/// `check --pre-commit` with no change to judge (`pre-commit run
/// --all-files`, `--files`, pre-commit.ci) and no world (`no_world`, its
/// "cannot tell"). It refused every run, in a repository whose files are
/// no job files too. Now the working tree's files are selected as plain
/// `check` selects them: with no job file among them there is nothing to
/// judge (a pass, with a note); job files are validated
/// ([`crate::check::validate_paths`]: Nomad's refusals, as the release
/// `--nomad-version` names, else the newest, since no world names one)
/// and what they do to the cluster is still "cannot tell" (exit 2).
pub(super) fn work_tree(args: &CheckArgs, cwd: &Path, no_world: &Diags, color: bool) -> i32 {
    let sel = match super::select(args, Path::new(".")) {
        Ok(s) => s,
        Err(d) => return super::stop(args, &d, color),
    };
    let here = crate::escape::one_line(&cwd.display().to_string());
    let (mut checked, version) = validate(args, &sel, &sel.files, crate::project::current_root());
    // Named paths Nomad's CLI cannot get: its refusal, as with a world.
    checked
        .results
        .extend(crate::check::not_got::results(&sel.not_got));
    if checked.results.is_empty() {
        eprintln!(
            "note: no world (rules/cluster.hcl) in {here} or above, but the working tree holds no job file: nothing to judge"
        );
        let files = report::Files {
            checked: 0,
            skipped: checked.skipped.len(),
        };
        super::print_report(args, &[], files, color);
        return exit::OK;
    }
    let what = format!(
        "no world (rules/cluster.hcl) in {here} or above: the {{}} job file(s) of the working tree"
    );
    report_validated(args, &checked, version, no_world, &what, color)
}

/// Validate `files` of `sel` ([`crate::check::validate_paths`]: Nomad's
/// refusals, as the release `--nomad-version` names, else the newest,
/// since no world names one), and the release that judged them.
fn validate(
    args: &CheckArgs,
    sel: &Selection,
    files: &[std::path::PathBuf],
    root: std::path::PathBuf,
) -> (Checked, crate::version::NomadVersion) {
    let version = args
        .nomad_version
        .unwrap_or(crate::version::NomadVersion::CURRENT);
    let loader = JobLoader::from_flags(&args.vars, &args.var_files, version, root);
    let checked =
        crate::check::validate_paths(sel.vfs.as_ref(), files, &loader, crate::Workers::Machine);
    (checked, version)
}

/// Say in a note that the job files were only validated (`what`, its `{}`
/// their number), then report their errors beside the "cannot tell" of
/// `no_world`: exit 1 for a job file Nomad refuses, else 2.
fn report_validated(
    args: &CheckArgs,
    checked: &Checked,
    version: crate::version::NomadVersion,
    no_world: &Diags,
    what: &str,
    color: bool,
) -> i32 {
    let files = report::Files {
        checked: checked.results.len(),
        skipped: checked.skipped.len(),
    };
    let how = match args.nomad_version {
        Some(_) => String::new(),
        None => " (the newest release: no world names one; --nomad-version X.Y.Z to choose)".into(),
    };
    eprintln!(
        "note: {} are only validated, as Nomad {version} validates them{how}; no rule ran, and what they do to the cluster cannot be told",
        what.replace("{}", &files.checked.to_string())
    );
    let mut findings: Vec<crate::rules::Finding> = checked
        .results
        .iter()
        .flat_map(|r| r.diags.iter().cloned())
        .collect();
    findings.extend(no_world.iter().cloned());
    super::print_report(args, &findings, files, color);
    let (code, lines) = super::verdict(&checked.results, &findings, args.deny, args.exit_zero);
    for line in lines {
        eprintln!("{line}");
    }
    code
}
