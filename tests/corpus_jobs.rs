//! Sweep over the shared corpus of real job files. Optional: `#[ignore]`d,
//! run by `.ci/run` with `--ignored` when `../shared` exists, and failing
//! when run without it. Valid HCL2 files must validate; the invalid ones
//! must each get a located diagnostic; nothing may panic.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use nomad_preflight::jobspec::{self, LoadOptions};
use nomad_preflight::vfs::DiskVfs;

/// The corpus (PREFLIGHT_CORPUS points elsewhere, e.g. from a git worktree).
fn corpus() -> PathBuf {
    common::shared_input("PREFLIGHT_CORPUS", "corpus")
}

/// INDEX.tsv rows by file name, as column-name → value maps.
fn index(dir: &Path) -> BTreeMap<String, BTreeMap<String, String>> {
    let text = std::fs::read_to_string(dir.join("INDEX.tsv")).unwrap_or_default();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    lines
        .map(|l| {
            let row: BTreeMap<String, String> = header
                .iter()
                .zip(l.split('\t'))
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect();
            (row.get("file").cloned().unwrap_or_default(), row)
        })
        .collect()
}

fn opts(dir: &Path) -> LoadOptions {
    LoadOptions {
        repo_root: Some(dir.to_path_buf()),
        ..LoadOptions::default()
    }
}

/// Verdicts Nomad's own `job validate` gives on these files as well: the
/// corpus holds parser fixtures (groups without tasks, tasks without a
/// driver), files whose `file()` targets were not copied, and a few jobs
/// with repeated single blocks or services on undefined ports.
const NOMAD_ALSO_REJECTS: &[&str] = &[
    "jobspec::missing-variable",
    "jobspec::file",
    "jobspec::missing",
    "jobspec::port-label",
    "jobspec::duplicate",
    "jobspec::range",
    // Job.Validate / TaskGroup.Validate in Nomad's words: constraints,
    // affinities, spreads; restart, reschedule, update, migrate policies;
    // volumes, scaling, disconnect, periodic and parameterized jobs (each
    // such corpus file was read against structs.go: e2e scaling inputs
    // whose count lies outside min..max, parser fixtures without a batch
    // type, a per_alloc volume beside canaries).
    "jobspec::value",
    "jobspec::placement",
    "jobspec::policy",
    // Our policy, not Nomad's: file() may not read outside the repository
    // (one job reads /root/.ssh/id_rsa).
    "jobspec::file-access",
    // Not a rejection but an honest "cannot tell": the same job reads
    // pathexpand("~/.ssh/id_rsa"), the operator's home (redteam7 D7).
    "jobspec::function-cannot-tell",
];

/// Files Nomad rejects for reasons outside the front end, with why.
const KNOWN_INVALID: &[(&str, &str)] = &[
    (
        "perrymanuk__hashi-homelab__nomad_jobs__TEMPLATE.job",
        "a template: `cpu = __CPU__`, `to = \"__PORT__\"` placeholders are not numbers",
    ),
    (
        "hashicorp__nomad__jobspec__test-fixtures__basic.hcl",
        "a parser fixture: a batch job with `update` blocks, which TaskGroup.Validate refuses",
    ),
    (
        "hashicorp__nomad@v0.5.6__jobspec__test-fixtures__basic.hcl",
        "a parser fixture: a batch job with `update` blocks, which TaskGroup.Validate refuses",
    ),
    (
        "hashicorp__nomad__jobspec__test-fixtures__migrate-job.hcl",
        "a parser fixture: a batch job with a `migrate` block, which TaskGroup.Validate refuses \
         (`Job type \"batch\" does not allow migrate block`)",
    ),
    (
        "hashicorp__nomad__jobspec__test-fixtures__service-check-initial-status.hcl",
        "a parser fixture: its task has no driver, and the default service name \
         `check_initial_status-group-task` has underscores, which Service.Validate refuses \
         (RFC 1123)",
    ),
    (
        "hashicorp__nomad__jobspec__test-fixtures__tg-service-check-expose.hcl",
        "a parser fixture: a group without tasks whose checks have no `type` \
         (validateCommon: `invalid check type (\"\")`)",
    ),
    (
        "brucellino__nomad-jobs__observability-plane__loki.nomad.hcl",
        "a template's `wait = { ... }` written as an argument: api.Template declares `wait` as a \
         block (`hcl:\"wait,block\"`), so jobspec2 refuses it with HCL's \"Unsupported argument\"",
    ),
];

#[test]
#[ignore = "optional sweep over ../shared/corpus; .ci/run runs it with --ignored"]
fn corpus_jobs_validate() {
    let root = corpus();
    let dir = root.join("jobs");
    let idx = index(&dir);
    let vfs = DiskVfs::new(&dir);
    let start = std::time::Instant::now();
    let (mut ok, mut only_vars, mut skipped) = (0, 0, 0);
    let mut rejected: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    for (file, row) in &idx {
        let parsed = jobspec::load(&vfs, Path::new(file), &opts(&dir));
        if row.get("hcl1_syntax").map(String::as_str) == Some("ok")
            && row.get("hcl2_syntax").map(String::as_str) == Some("fail")
        {
            assert!(
                parsed
                    .diags
                    .iter()
                    .any(|d| d.code == "jobspec::hcl1" && d.location().is_some()),
                "{file} is HCL1-only and needs a located jobspec::hcl1 diagnostic"
            );
        }
        if row.get("hcl2_syntax").map(String::as_str) != Some("ok")
            || KNOWN_INVALID.iter().any(|(f, _)| f == file)
        {
            skipped += 1;
            continue;
        }
        if parsed.is_valid() {
            ok += 1;
            continue;
        }
        let errors: Vec<_> = parsed.diags.iter().filter(|d| d.is_error()).collect();
        if errors.iter().all(|d| d.code == "jobspec::missing-variable") {
            // The diagnostic must name the variable: `Unset variable "x"`,
            // or from 1.0 hcl's `... does not have an attribute named "x".`
            // for a reference to an undeclared one.
            assert!(
                errors.iter().all(|d| d.message.contains("variable \"")
                    || d.message.contains("does not have an attribute named \"")),
                "{file}"
            );
            only_vars += 1;
            continue;
        }
        if errors
            .iter()
            .all(|d| NOMAD_ALSO_REJECTS.contains(&d.code.as_str()))
        {
            for d in &errors {
                *rejected.entry(d.code.clone()).or_default() += 1;
            }
            continue;
        }
        failures.push(format!(
            "{file}:\n{}",
            nomad_preflight::diag::render(&parsed.diags.0, false)
        ));
    }
    eprintln!(
        "corpus jobs: {ok} valid, {only_vars} need a variable, {skipped} skipped (HCL1 or known invalid), rejected as Nomad would {rejected:?}, {} failed, in {:?}",
        failures.len(),
        start.elapsed()
    );
    assert!(ok > 400, "only {ok} files validated");
    assert!(
        failures.is_empty(),
        "{} files failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
#[ignore = "optional sweep over ../shared/corpus; .ci/run runs it with --ignored"]
fn corpus_invalid_files_get_located_diagnostics() {
    let root = corpus();
    let dir = root.join("invalid");
    let vfs = DiskVfs::new(&dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    assert!(!files.is_empty(), "{} holds no files", dir.display());
    let (mut located, mut missed) = (0, Vec::new());
    for f in files {
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.ends_with(".md") || name.ends_with(".tsv") {
            continue;
        }
        let parsed = jobspec::load(&vfs, Path::new(&name), &opts(&dir));
        if parsed.diags.iter().any(|d| d.location().is_some()) {
            located += 1;
        } else {
            missed.push(name);
        }
    }
    eprintln!(
        "corpus invalid: {located} with located diagnostics, {} without",
        missed.len()
    );
    assert!(missed.is_empty(), "no located diagnostic for: {missed:?}");
}
