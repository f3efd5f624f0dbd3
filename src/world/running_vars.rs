//! The variables a running job was submitted with. `nomad job run` reads a
//! job file with the operator's `-var` and `-var-file` flags; a world's
//! `running` list names only the files, so a job that declares a variable
//! without a default could not run in a world at all, and one with
//! defaults ran with them rather than with the values it was submitted
//! with. cluster.hcl gives them per file:
//!
//! ```hcl
//! running = ["jobs/api.nomad"]
//!
//! running_job "jobs/api.nomad" {
//!   var      = { image = "api:1.2", count = 3 }  # -var image=api:1.2 -var count=3
//!   var_file = ["vars/api.hcl"]                  # -var-file, under the world folder
//!   stopped  = true                              # then `nomad job stop` (no -purge)
//! }
//! ```
//!
//! `stopped` says the job is registered but stopped: Nomad keeps it (status
//! dead), and a plan of its file diffs against the stopped version
//! (`Stop: "true" => "false"`) with its JobModifyIndex, not as a new job.
//!
//! The values are the flags' strings, read as Nomad reads `-var` (a number
//! or bool is written as its text; a list or map is written as the text
//! `-var` would take, `"[\"a\"]"`). `var_file` paths are relative to the
//! world folder and must stay inside it; their files are read like the
//! world's own, through the same file source, so a cached world is
//! invalidated when one changes. Precedence is Nomad's: files first, in
//! order, then `var` (jobspec2's ParseWithConfig).

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use hcl_edit::structure::Block;

use super::hclread::{one_label, BodyReader, Schema};
use super::model::World;
use crate::diag::{Diag, Diags};
use crate::job_loader::JobLoader;
use crate::source::{Source, Span};

/// Most `var_file` entries of one running job.
const MAX_VAR_FILES: usize = 64;

/// A running job's `-var` and `-var-file` flags.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RunningVars {
    /// `-var name=value`, by name.
    pub vars: Vec<(String, String)>,
    /// `-var-file` paths, as the world's file source reads them (the world
    /// folder joined with the written path), in order.
    pub var_files: Vec<PathBuf>,
    /// Registered, then stopped (`nomad job stop` without `-purge`).
    #[serde(default)]
    pub stopped: bool,
}

impl RunningVars {
    /// Whether cluster.hcl gave this job any variable.
    pub fn declared(&self) -> bool {
        !self.vars.is_empty() || !self.var_files.is_empty()
    }

    /// `job`, as loaded from its file, as the cluster holds it: stopped
    /// when the world says so, and without the tokens Register drops. A stopped job is no load of its text (the
    /// file says nothing of `Stop`), so it is no longer closed: a load of
    /// the same text must never be answered with it.
    pub fn as_registered(&self, mut job: crate::jobspec::Job) -> crate::jobspec::Job {
        if self.stopped {
            job.stop = true;
            job.closed = Default::default();
        }
        // Job.Register clears the submitted tokens before it stores the
        // job (nomad/job_endpoint.go: `args.Job.VaultToken = ""` at every
        // release, ConsulToken too from 0.10.4), so a plan diffs the file's
        // tokens against none: `VaultToken: "" => "s.x"` until 1.3.6
        // filtered it (GH-14424), `ConsulToken` until 1.10 removed it.
        if !job.vault_token.is_empty() || !job.consul_token.is_empty() {
            job.vault_token.clear();
            job.consul_token.clear();
            job.closed = Default::default();
        }
        job
    }

    /// The loader of this running job: the world's version, edition and
    /// project root, with these variables and nothing from the shell.
    pub fn loader(&self, world: &World) -> JobLoader {
        JobLoader::plain(world.nomad_version, world.project_root.clone())
            .for_servers(world.edition(), world.server.job_settings(), &world.region)
            .with_variables(self.vars.clone(), self.var_files.clone())
    }
}

/// The world's running jobs and the variables each was submitted with, for
/// the job loader ([`JobLoader::with_running`]): every command loads their
/// files so.
impl crate::job_loader::RunningFiles for World {
    fn project_root(&self) -> &Path {
        &self.project_root
    }

    fn running_loaders(&self) -> Vec<(PathBuf, JobLoader)> {
        self.running
            .iter()
            .map(|r| (r.path.clone(), r.vars.loader(self)))
            .collect()
    }
}

/// One `running_job` block: the file it is for (as written), where.
pub(super) struct Spec {
    pub path: String,
    pub span: Span,
    pub vars: RunningVars,
}

const SCHEMA: Schema = Schema {
    attrs: &["var", "var_file", "stopped"],
    blocks: &[],
};

/// Every `running_job` block of cluster.hcl, each checked on its own
/// (`world_dir`: the world folder its `var_file`s are under).
pub(super) fn read<'b>(
    src: &Source,
    blocks: impl Iterator<Item = &'b Block>,
    world_dir: &Path,
    diags: &mut Diags,
) -> Vec<Spec> {
    let mut out: Vec<Spec> = Vec::new();
    for b in blocks {
        let (path, span) = match one_label(src, b, "running_job \"jobs/web.nomad\" { ... }") {
            Ok(l) => l,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        if let Some(first) = out.iter().find(|s| s.path == path) {
            diags.push(
                Diag::error(
                    "world::duplicate-running",
                    format!("`running_job \"{path}\"` is defined twice"),
                )
                .at(src, span, "defined again here")
                .label(first.span, "first defined here")
                .help("give each running job file one block with all its variables"),
            );
            continue;
        }
        let r = BodyReader::new(src, &b.body, &SCHEMA, "running_job", diags);
        let vars: Vec<(String, String)> = r
            .string_map("var", diags)
            .unwrap_or_default()
            .into_iter()
            .collect();
        let mut var_files = Vec::new();
        let files = r.strings("var_file", diags).unwrap_or_default();
        if files.len() > MAX_VAR_FILES {
            diags.push(
                Diag::error(
                    "world::too-many-var-files",
                    format!("more than {MAX_VAR_FILES} var files for one running job"),
                )
                .at(src, files[MAX_VAR_FILES].1, "over the limit")
                .help("merge the variable files"),
            );
            continue;
        }
        for (file, fspan) in files {
            match inside(world_dir, &file) {
                Some(p) => var_files.push(p),
                None => diags.push(
                    Diag::error(
                        "world::outside-var-file",
                        "a running job's var_file must be a relative path inside the world folder",
                    )
                    .at(src, fspan, "outside the world folder")
                    .help("put the variable file under rules/ and name it relative to rules/"),
                ),
            }
        }
        let stopped = r.bool("stopped", diags).unwrap_or(false);
        out.push(Spec {
            path,
            span,
            vars: RunningVars {
                vars,
                var_files,
                stopped,
            },
        });
    }
    out
}

/// `world_dir` joined with `rel`, when `rel` is relative and does not
/// climb out of the folder (its file is then read through the world's
/// file source, fenced at the project like every read).
fn inside(world_dir: &Path, rel: &str) -> Option<PathBuf> {
    let rel = Path::new(rel);
    let mut depth = 0usize;
    for c in rel.components() {
        match c {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir => depth = depth.checked_sub(1)?,
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    (depth > 0).then(|| world_dir.join(crate::vfs::normalize(rel)))
}

/// The variables of each listed file, by its path as listed; a block for
/// a file `running` does not list is an error (its variables would apply
/// to nothing).
pub(super) fn by_listed_path(
    src: &Source,
    specs: Vec<Spec>,
    running: &[(String, Span)],
    diags: &mut Diags,
) -> BTreeMap<String, RunningVars> {
    let mut out = BTreeMap::new();
    for s in specs {
        if running.iter().any(|(p, _)| *p == s.path) {
            out.insert(s.path, s.vars);
        } else {
            diags.push(
                Diag::error(
                    "world::unlisted-running-job",
                    format!(
                        "`running_job \"{}\"` names a file `running` does not list",
                        s.path
                    ),
                )
                .at(src, s.span, "not in `running`")
                .help("add the file to `running = [...]`, or spell it as it is listed there"),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn var_files_stay_in_the_world_folder() {
        let w = Path::new("/p/rules");
        assert_eq!(
            inside(w, "vars/a.hcl"),
            Some(PathBuf::from("/p/rules/vars/a.hcl"))
        );
        assert_eq!(inside(w, "./a.hcl"), Some(PathBuf::from("/p/rules/a.hcl")));
        assert_eq!(
            inside(w, "vars/../a.hcl"),
            Some(PathBuf::from("/p/rules/a.hcl"))
        );
        assert_eq!(inside(w, "../jobs/a.hcl"), None);
        assert_eq!(inside(w, "vars/../../a.hcl"), None);
        assert_eq!(inside(w, "/etc/passwd"), None);
        assert_eq!(inside(w, "."), None);
        assert_eq!(inside(w, ""), None);
    }
}
