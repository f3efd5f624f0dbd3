//! A changed job file that names no namespace, sent by the request to a
//! namespace other than the one the world runs it in.
//!
//! Nomad plans and registers a job that writes no `namespace` in the
//! namespace the request names (`-namespace`, else `NOMAD_NAMESPACE`:
//! command/job_plan.go v2.0.5:208-210 forces only a namespace the job
//! writes, and `namespaceForJob`, command/agent/job_endpoint.go
//! v2.0.5:1109, puts the query's first), so a plain `plan` of the file
//! follows it. A change-set
//! gate judges what the cluster's deploy does with the files the world's
//! `running` lists, and the world records where each one runs: a hook in
//! a shell with `NOMAD_NAMESPACE=dev` judged protected default/web as a new
//! job dev/web (no stop, no `defined-twice`), exit 0 where the deploy is
//! refused. Which namespace the deploy uses is not the gate's to guess:
//! it says "cannot tell" ([`super::CANNOT_TELL`]), naming both namespaces
//! and where the request's came from.

use std::path::Path;

use crate::diag::Diag;
use crate::job_loader::Applied;
use crate::jobspec::Job;
use crate::vfs::normalize;
use crate::world::RunningJob;

/// Which version of a changed file is looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Version {
    /// The change's new version: also a copy of a running job's ID in a
    /// file the world does not list (the copy the deploy would put beside
    /// it, reported `defined-twice`).
    New,
    /// The base version (the one that runs): only by its file.
    Old,
}

/// The running job `job` (the `version` of the file at `path`) would not
/// be, though the world runs it (by its file, or a new file's ID) in
/// another namespace than the request's `asked`: `None` when the job
/// writes its namespace or lands where the world runs it.
pub(super) fn lands_elsewhere<'k>(
    path: &Path,
    job: &Job,
    version: Version,
    asked: Applied<'_>,
    known: &'k [RunningJob],
) -> Option<&'k RunningJob> {
    if job.spans.written("namespace") {
        return None;
    }
    let at = normalize(path);
    let mut from_file = known.iter().filter(|r| normalize(&r.path) == at).peekable();
    if from_file.peek().is_some() {
        return from_file.find(|r| r.job.namespace != asked.namespace);
    }
    if version == Version::Old {
        return None;
    }
    // A file the world does not list: a job of this ID that names no
    // namespace runs elsewhere, and none runs in the asked namespace.
    let runs_as_asked = known
        .iter()
        .any(|r| r.job.id == job.id && r.job.namespace == asked.namespace);
    if runs_as_asked {
        return None;
    }
    known.iter().find(|r| {
        r.job.id == job.id
            && r.job.namespace != asked.namespace
            && !r.job.spans.written("namespace")
    })
}

/// The gate's one line for the file at `path` (its place in the change
/// is the caller's to add).
pub(super) fn diag(path: &Path, running: &RunningJob, asked: Applied<'_>) -> Diag {
    let q = |s: &str| crate::escape::one_line(&format!("{s:?}"));
    Diag::error(
        super::CANNOT_TELL,
        format!(
            "cannot tell which namespace the job {} in {} is deployed to: it names no namespace, {} puts it in {}, but the world runs {} from {} in {}, so whether this change updates that job or adds another is unknown",
            q(&running.job.id),
            crate::escape::one_line(&path.to_string_lossy()),
            asked.asked.name(),
            q(asked.namespace),
            q(&running.job.id),
            crate::escape::one_line(&running.path.to_string_lossy()),
            q(&running.job.namespace),
        ),
    )
    .help(format!(
        "the gate judges the cluster's deploy: write `namespace = {}` in the job, or run the gate with `--namespace {}` (unset {} in the hook's shell) when the deploy sends none",
        q(&running.job.namespace),
        crate::escape::one_line(&running.job.namespace),
        asked.asked.name(),
    ))
    .as_cannot_tell()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::job_loader::Asked;

    fn running(path: &str, ns: &str, id: &str) -> RunningJob {
        RunningJob {
            path: path.into(),
            job: Job {
                id: id.into(),
                namespace: ns.into(),
                ..Default::default()
            },
            vars: Default::default(),
        }
    }

    fn job(id: &str) -> Job {
        Job {
            id: id.into(),
            ..Default::default()
        }
    }

    const DEV: Applied<'static> = Applied {
        namespace: "dev",
        asked: Asked::Env,
    };

    #[test]
    fn a_running_file_sent_elsewhere_cannot_tell() {
        let known = [running("jobs/web.nomad", "default", "web")];
        let p = Path::new("./jobs/web.nomad");
        for v in [Version::New, Version::Old] {
            let r = lands_elsewhere(p, &job("web"), v, DEV, &known);
            assert_eq!(r.map(|r| r.job.namespace.as_str()), Some("default"));
        }
        let d = diag(p, &known[0], DEV);
        assert!(d.message.contains("NOMAD_NAMESPACE"), "{}", d.message);
        assert!(d.message.contains("\"dev\"") && d.message.contains("\"default\""));
    }

    #[test]
    fn a_copy_of_a_running_id_cannot_tell_unless_it_runs_as_asked() {
        let known = [running("jobs/web.nomad", "default", "web")];
        let copy = Path::new("jobs/zz.nomad");
        assert!(lands_elsewhere(copy, &job("web"), Version::New, DEV, &known).is_some());
        assert!(lands_elsewhere(copy, &job("web"), Version::Old, DEV, &known).is_none());
        assert!(lands_elsewhere(copy, &job("api"), Version::New, DEV, &known).is_none());
        let both = [known[0].clone(), running("jobs/dev.nomad", "dev", "web")];
        assert!(lands_elsewhere(copy, &job("web"), Version::New, DEV, &both).is_none());
    }

    #[test]
    fn where_the_world_runs_it_judges_normally() {
        let known = [running("jobs/web.nomad", "dev", "web")];
        let p = Path::new("jobs/web.nomad");
        assert!(lands_elsewhere(p, &job("web"), Version::New, DEV, &known).is_none());
    }
}
