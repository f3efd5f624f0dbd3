//! The registered jobs of an import folder, read from their API JSON.
//! A stopped job (`Stop: true`, `nomad job stop` without `-purge`) is
//! registered too: Nomad's plan of it diffs against the stopped version and
//! names its JobModifyIndex (job_endpoint.go Plan reads whatever
//! `JobByID` holds), so it is kept, stopped, where skipping it planned a
//! create with index 0.

use crate::world::api_json::Fields as _;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::json::{read_saved, Saved};
use super::stale::JOBS_LIST;
use crate::diag::{Diag, Diags};
use crate::jobspec::Job;
use crate::vfs::Vfs;
use crate::world::api_job::job_from_api_json;
use crate::world::model::*;

/// What `jobs.json` lists (`None`: not saved).
pub(super) type Listed = Option<std::collections::BTreeSet<(String, String)>>;

/// Each job read, by (namespace, ID): its indexes and saved status.
pub(super) type Read = BTreeMap<(String, String), crate::world::status_facts::SavedJob>;

/// Jobs under `jobs/<namespace>/*.json` (`import --print-commands` names
/// each file by its URL-escaped ID, commands.rs; the job's ID is read
/// from inside the file, never from its name), replayed in creation order
/// (unless `allocations.json` pins them); returns each job's indexes, and
/// the jobs `jobs.json` lists. A job `jobs.json` lists that no file holds
/// is named, never taken as absent.
pub(super) fn load_jobs(
    vfs: &dyn Vfs,
    dir: &Path,
    world: &mut World,
    diags: &mut Diags,
) -> (Read, Listed) {
    let mut versions = BTreeMap::new();
    let jobs_dir = dir.join("jobs");
    let listing = job_list(vfs, dir, diags);
    let mut found: Vec<(u64, PathBuf, Job)> = Vec::new();
    // Files there but empty: each already said as not saved.
    let mut empty: Vec<PathBuf> = Vec::new();
    let listed_ns = listing.iter().flatten().map(|(ns, _)| ns);
    // Every folder saved, not only the namespaces listed: a job of a
    // namespace namespaces.json does not list is said, never skipped.
    let saved_ns = saved_dirs(vfs, &jobs_dir, diags);
    let ns_dirs = namespace_dirs(world, listed_ns.chain(saved_ns.iter()));
    for ns in &ns_dirs {
        let d = jobs_dir.join(ns);
        if !vfs.is_dir(&d) {
            continue;
        }
        for p in vfs.list(&d).unwrap_or_default() {
            if p.extension().is_none_or(|e| e != "json") {
                continue;
            }
            // Past the import's budget (said once): nothing more is read.
            if super::budget::spent() {
                break;
            }
            if found.len() == crate::world::MAX_RUNNING_JOBS {
                diags.push(
                    Diag::error(
                        "import::too-many-jobs",
                        format!(
                            "{} is past the {} running jobs a world may hold",
                            p.display(),
                            crate::world::MAX_RUNNING_JOBS
                        ),
                    )
                    .help("every plan replays each running job first; import the namespaces the planned jobs share clients with"),
                );
                return (versions, listing);
            }
            let (src, v) = match read_saved(vfs, &p, true, diags) {
                Some(Saved::Read(src, v)) => (src, v),
                // The job endpoint refused: the job is registered, but
                // not what it runs.
                Some(Saved::Absent) => {
                    super::not_saved(
                        diags,
                        dir,
                        &p,
                        "a registered job's specification is unknown",
                    );
                    empty.push(p);
                    continue;
                }
                None => continue,
            };
            // Mistyped (typed.rs said so): not read.
            if !super::typed::check(&src, &super::typed_job::JOB, "", &v, diags) {
                continue;
            }
            match job_from_api_json(&v) {
                Ok(job)
                    if listing
                        .as_ref()
                        .is_some_and(|l| !l.contains(&(job.namespace.clone(), job.id.clone()))) =>
                {
                    let what = format!("job {}/{}", job.namespace, job.id);
                    super::stale::note(diags, dir, &p, &what, JOBS_LIST);
                }
                Ok(job) if versions.contains_key(&(job.namespace.clone(), job.id.clone())) => {
                    diags.push(
                        Diag::error(
                            "import::duplicate-job",
                            format!(
                                "{} holds job {} of namespace {}, which another file under jobs/ holds too",
                                crate::escape::one_line(&p.display().to_string()),
                                crate::escape::one_line(&crate::gotext::go_quote(&job.id)),
                                crate::escape::one_line(&crate::gotext::go_quote(&job.namespace))
                            ),
                        )
                        .in_source(&src)
                        .help("keep one file per job: save the folder afresh (`import --print-commands`)"),
                    );
                }
                Ok(job) if in_unlisted_namespace(world, &job, &v) => {
                    diags.push(unlisted_namespace(world, dir, &p, &job).in_source(&src));
                }
                Ok(job) => {
                    versions.insert(
                        (job.namespace.clone(), job.id.clone()),
                        crate::world::status_facts::SavedJob::from_api(&v),
                    );
                    let index = v.typed_u64("CreateIndex").unwrap_or(u64::MAX);
                    let rel = p
                        .strip_prefix(dir)
                        .map(Path::to_path_buf)
                        .unwrap_or(p.clone());
                    found.push((index, rel, job));
                }
                Err(d) => diags.push(d.in_source(&src)),
            }
        }
    }
    if let Some(l) = &listing {
        unsaved_jobs(diags, dir, l, &versions, &empty);
    }
    found.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    world.running = found
        .into_iter()
        .map(|(_, path, job)| RunningJob {
            path,
            job,
            vars: Default::default(),
        })
        .collect();
    (versions, listing)
}

/// The folders under `jobs/` (and `job-versions/`) to read: the
/// namespaces namespaces.json names and `more` (jobs.json's, the running
/// jobs'), sorted; only plain file names (Nomad's own are
/// `[a-zA-Z0-9-]`), so no saved name leads out of the import folder.
pub(super) fn namespace_dirs<'a>(
    world: &'a World,
    more: impl Iterator<Item = &'a String>,
) -> Vec<String> {
    let all: std::collections::BTreeSet<&String> = world.namespaces.keys().chain(more).collect();
    all.into_iter()
        .filter(|ns| crate::project::is_plain_file_name(ns))
        .cloned()
        .collect()
}

/// The folders under `jobs/` (each a namespace's, by its saved name). One
/// this reader cannot look into (a link out of the import folder, a
/// listing that fails) may hold a job of a namespace namespaces.json does
/// not list, so it is an error, never a folder left unread.
fn saved_dirs(vfs: &dyn Vfs, jobs_dir: &Path, diags: &mut Diags) -> Vec<String> {
    use crate::vfs::EntryKind;
    let entries = match vfs.entries(jobs_dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Vec::new(),
        Err(e) => {
            diags.push(unreadable_jobs(jobs_dir, &e));
            return Vec::new();
        }
    };
    let mut dirs = Vec::new();
    for entry in entries {
        match entry.kind {
            EntryKind::Folder(_) => dirs.extend(entry.name.to_str().map(str::to_string)),
            EntryKind::Refused(e) => diags.push(unreadable_jobs(&jobs_dir.join(&entry.name), &e)),
            EntryKind::File | EntryKind::Other | EntryKind::Broken(_) => {}
        }
    }
    dirs.sort();
    dirs
}

fn unreadable_jobs(path: &Path, e: &std::io::Error) -> Diag {
    Diag::error("import::unreadable", crate::project::read_failure(path, e))
        .help("save the jobs again as regular folders inside the import folder; a folder that cannot be read is not taken as empty")
}

/// A job that is not dead, of a namespace the saved namespace list does
/// not hold. Nomad cannot hold one: a namespace is deleted only when its
/// every job is dead (nomad/state/state_store.go v2.0.5 DeleteNamespaces:
/// "contains at least one non-terminal job"; nomad/namespace_endpoint.go
/// v2.0.5 DeleteNamespaces checks every region the same way), and no job
/// registers in a namespace that does not exist. A dead job may outlive
/// its namespace and runs nothing, so it is read as it is.
fn in_unlisted_namespace(world: &World, job: &Job, v: &Value) -> bool {
    // The same rule as every record kind's (api_alloc_namespace.rs).
    crate::world::api_alloc_namespace::listed_without(world, &job.namespace)
        && v.typed_str("Status") != Some("dead")
}

/// [`in_unlisted_namespace`]'s error: the files were saved apart, so which
/// jobs run (and in which namespaces) cannot be told; the job is never
/// dropped without a word.
fn unlisted_namespace(world: &World, dir: &Path, file: &Path, job: &Job) -> Diag {
    let rel = file.strip_prefix(dir).unwrap_or(file);
    Diag::error(
        "import::unknown-namespace",
        format!(
            "cannot tell which jobs run: {} holds job {} of namespace {}, which namespaces.json does not list, and Nomad deletes no namespace that holds a job that is not dead",
            crate::escape::one_line(&rel.display().to_string()),
            crate::escape::one_line(&crate::gotext::go_quote(&job.id)),
            crate::escape::one_line(&crate::gotext::go_quote(&job.namespace))
        ),
    )
    .help(crate::world::api_alloc_namespace::saved_apart(world, "jobs/"))
    .as_cannot_tell()
}

/// The jobs `jobs.json` lists that no file under `jobs/` holds: each
/// registered, its specification unknown (`import::not-saved`, a guess
/// for every job, as an empty job file is). One warning naming the
/// first, and the file `import --print-commands` saves it as. One whose
/// file is there but empty (the endpoint refused) was said as read.
fn unsaved_jobs(
    diags: &mut Diags,
    dir: &Path,
    listed: &std::collections::BTreeSet<(String, String)>,
    read: &Read,
    empty: &[PathBuf],
) {
    let file = |ns: &str, id: &str| {
        (dir.join("jobs").join(saved_name(ns))).join(format!("{}.json", saved_name(id)))
    };
    let missing: Vec<&(String, String)> = listed
        .iter()
        .filter(|(ns, id)| !read.contains_key(&(ns.clone(), id.clone())))
        .filter(|(ns, id)| !empty.contains(&file(ns, id)))
        .collect();
    let Some((ns, id)) = missing.first() else {
        return;
    };
    let others = match missing.len() - 1 {
        0 => String::new(),
        1 => " (and 1 other listed job)".to_string(),
        n => format!(" (and {n} other listed jobs)"),
    };
    super::not_saved(
        diags,
        dir,
        &file(ns, id),
        &format!(
            "job {} of namespace {}{others}, which {JOBS_LIST} lists, is registered with a specification that is unknown",
            crate::gotext::go_quote(id),
            crate::gotext::go_quote(ns)
        ),
    );
}

/// The file name `import --print-commands` saves a job or namespace as:
/// jq's `@uri` of it (every byte but `A-Za-z0-9-_.~` percent-encoded;
/// jq 1.6 keeps `!*'()` too, which reads the same, as the name is never
/// parsed).
fn saved_name(s: &str) -> String {
    crate::escape::uri_path(s).replace('/', "%2F")
}

/// The jobs `jobs.json` lists (what the cluster holds now); `None` when it
/// is not saved (imports saved before it was), then every job file counts.
/// Saved empty beside namespaces-listed.txt, it is what the printed
/// commands leave when a namespace's job list was refused (redteam16
/// R16-51): which jobs the cluster holds is then unknown (a job file left
/// by an earlier save may be a purged job's), never "every file counts".
fn job_list(vfs: &dyn Vfs, dir: &Path, diags: &mut Diags) -> Listed {
    let path = dir.join(JOBS_LIST);
    let (src, v) = match read_saved(vfs, &path, false, diags) {
        Some(Saved::Read(src, v)) => (src, v),
        Some(Saved::Absent)
            if vfs.is_file(&path) && vfs.is_file(&dir.join(super::NAMESPACES_LISTED)) =>
        {
            super::not_saved(
                diags,
                dir,
                &path,
                "which jobs the cluster registers now is unknown (a job file under jobs/ may be left from an earlier save)",
            );
            return None;
        }
        _ => return None,
    };
    // Mistyped (typed_lists.rs said so, located): not read, and the
    // import fails.
    if let Some(list) = v.as_array() {
        if !super::typed_lists::items(&src, super::typed_lists::Kind::JobList, list, diags) {
            return None;
        }
    }
    let listed = super::stale::listed(&v);
    if listed.is_none() {
        diags.push(
            Diag::error(
                "import::shape",
                format!("{JOBS_LIST} must hold a list of jobs"),
            )
            .in_source(&src)
            .help("save it as `import --print-commands` does (`/v1/jobs?namespace=NS`)"),
        );
    }
    listed
}

/// Where `/v1/job/:id/versions` of a job is saved: beside `jobs/`, so no
/// job ID can name it.
pub(in crate::world) const VERSIONS_DIR: &str = "job-versions";

/// The versions of each registered job that Nomad still tracks
/// (`job-versions/<namespace>/*.json`, the `Versions` of
/// `/v1/job/:id/versions`, each file named as its job's is under `jobs/`
/// and read by the job ID inside it), by (namespace, job, version): the
/// spec an allocation saved without its `Job` runs
/// (api_alloc_version.rs). A job without the file has none; a file of a
/// job not registered is not read; one that does not read is an error.
pub(super) fn load_job_versions(
    vfs: &dyn Vfs,
    dir: &Path,
    world: &World,
    diags: &mut Diags,
) -> BTreeMap<(String, String, u64), Job> {
    let mut out = BTreeMap::new();
    let running: std::collections::BTreeSet<(&str, &str)> = (world.running.iter())
        .map(|r| (r.job.namespace.as_str(), r.job.id.as_str()))
        .collect();
    let root = dir.join(VERSIONS_DIR);
    let namespaces = namespace_dirs(world, world.running.iter().map(|r| &r.job.namespace));
    for p in super::json::namespace_json_files(vfs, &root, namespaces) {
        if super::budget::spent() {
            break;
        }
        let Some(Saved::Read(src, v)) = read_saved(vfs, &p, true, diags) else {
            continue;
        };
        if !super::typed::check(&src, &super::typed_job::VERSIONS, "", &v, diags) {
            continue;
        }
        let list = v.typed_array("Versions");
        let mut of: Option<(String, String)> = None;
        for j in list.into_iter().flatten() {
            if super::budget::spent() {
                break;
            }
            let job = match job_from_api_json(j) {
                Ok(job) => job,
                Err(d) => {
                    diags.push(d.in_source(&src));
                    continue;
                }
            };
            let key = (job.namespace.clone(), job.id.clone());
            match &of {
                Some(first) if *first != key => {
                    diags.push(
                        Diag::error(
                            "import::shape",
                            format!(
                                "{} holds versions of two jobs, {} and {}",
                                crate::escape::one_line(&p.display().to_string()),
                                crate::escape::one_line(&crate::gotext::go_quote(&first.1)),
                                crate::escape::one_line(&crate::gotext::go_quote(&key.1))
                            ),
                        )
                        .in_source(&src)
                        .help("save it with `nomad operator api '/v1/job/<id>/versions?namespace=<ns>'`"),
                    );
                    break;
                }
                _ => of = Some(key.clone()),
            }
            if !running.contains(&(key.0.as_str(), key.1.as_str())) {
                continue;
            }
            let version = j.typed_u64("Version").unwrap_or(0);
            out.insert((key.0, key.1, version), job);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn job_without_groups_is_a_located_error_not_a_panic() {
        let err = job_from_api_json(&serde_json::json!({"ID": "x"})).unwrap_err();
        assert!(err.message.contains("TaskGroups"));
        let err =
            job_from_api_json(&serde_json::json!({"ID": "x", "Type": "nope", "TaskGroups": []}))
                .unwrap_err();
        assert!(err.message.contains("unknown type"));
    }
}
