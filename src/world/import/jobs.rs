//! The registered jobs of an import folder, read from their API JSON.
//! A stopped job (`Stop: true`, `nomad job stop` without `-purge`) is
//! registered too: Nomad's plan of it diffs against the stopped version and
//! names its JobModifyIndex (job_endpoint.go Plan reads whatever
//! `JobByID` holds), so it is kept, stopped, where skipping it planned a
//! create with index 0.

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

/// Jobs under `jobs/<namespace>/<id>.json`, replayed in creation order
/// (unless `allocations.json` pins them); returns each job's indexes, and
/// the jobs `jobs.json` lists.
pub(super) fn load_jobs(
    vfs: &dyn Vfs,
    dir: &Path,
    world: &mut World,
    diags: &mut Diags,
) -> (BTreeMap<(String, String), JobIndexes>, Listed) {
    let mut versions = BTreeMap::new();
    let jobs_dir = dir.join("jobs");
    let listing = job_list(vfs, dir, diags);
    let mut found: Vec<(u64, PathBuf, Job)> = Vec::new();
    let mut ns_dirs: Vec<String> = world.namespaces.keys().cloned().collect();
    ns_dirs.sort();
    for ns in ns_dirs {
        let d = jobs_dir.join(&ns);
        if !vfs.is_dir(&d) {
            continue;
        }
        for p in vfs.list(&d).unwrap_or_default() {
            if p.extension().is_none_or(|e| e != "json") {
                continue;
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
                    continue;
                }
                None => continue,
            };
            match job_from_api_json(&v) {
                Ok(job)
                    if listing
                        .as_ref()
                        .is_some_and(|l| !l.contains(&(job.namespace.clone(), job.id.clone()))) =>
                {
                    let what = format!("job {}/{}", job.namespace, job.id);
                    super::stale::note(diags, dir, &p, &what, JOBS_LIST);
                }
                Ok(job) => {
                    versions.insert(
                        (job.namespace.clone(), job.id.clone()),
                        crate::world::api_alloc::job_indexes(&v),
                    );
                    let index = v
                        .get("CreateIndex")
                        .and_then(Value::as_u64)
                        .unwrap_or(u64::MAX);
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

/// The jobs `jobs.json` lists (what the cluster holds now); `None` when it
/// is not saved (imports saved before it was), then every job file counts.
fn job_list(vfs: &dyn Vfs, dir: &Path, diags: &mut Diags) -> Listed {
    let Some(Saved::Read(src, v)) = read_saved(vfs, &dir.join(JOBS_LIST), false, diags) else {
        return None;
    };
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
/// (`job-versions/<namespace>/<id>.json`, the `Versions` of
/// `/v1/job/:id/versions`), by (namespace, job, version): the spec an
/// allocation saved without its `Job` runs (api_alloc_version.rs). A job
/// without the file has none; one that does not read is an error.
pub(super) fn load_job_versions(
    vfs: &dyn Vfs,
    dir: &Path,
    world: &World,
    diags: &mut Diags,
) -> BTreeMap<(String, String, u64), Job> {
    let mut out = BTreeMap::new();
    for r in &world.running {
        let (ns, id) = (&r.job.namespace, &r.job.id);
        // The folder's own names only: a job ID is not a path.
        let p = dir.join(VERSIONS_DIR).join(ns).join(format!("{id}.json"));
        let plain = |n: &str| !n.contains(['/', '\\']) && !n.starts_with('.');
        if !plain(ns) || !plain(id) || !vfs.is_file(&p) {
            continue;
        }
        let Some(Saved::Read(src, v)) = read_saved(vfs, &p, true, diags) else {
            continue;
        };
        let list = v.get("Versions").and_then(Value::as_array);
        for j in list.into_iter().flatten() {
            match job_from_api_json(j) {
                Ok(job) if job.namespace == *ns && job.id == *id => {
                    let version = j.get("Version").and_then(Value::as_u64).unwrap_or(0);
                    out.insert((ns.clone(), id.clone(), version), job);
                }
                Ok(job) => diags.push(
                    Diag::error(
                        "import::shape",
                        format!(
                            "{} holds a version of job {:?}, not of {id:?}",
                            p.display(),
                            job.id
                        ),
                    )
                    .in_source(&src)
                    .help(
                        "save it with `nomad operator api '/v1/job/<id>/versions?namespace=<ns>'`",
                    ),
                ),
                Err(d) => diags.push(d.in_source(&src)),
            }
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
