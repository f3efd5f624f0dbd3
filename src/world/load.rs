//! Loading a world directory (`rules/`): cluster.hcl, quotas/*.hcl,
//! namespaces/*.hcl and policy.hcl, each validated with located diagnostics,
//! then the running jobs it names. A folder of saved API JSON (an import) is
//! accepted in the same place.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

pub use super::cluster_file::parse_port_ranges;
use super::cluster_file::read_cluster;
use super::model::*;
use super::policy_file::read_policy;
use super::spec_files::{read_namespace, read_quota};
use crate::diag::{Diag, Diags};
use crate::source::{Source, Span};
use crate::vfs::Vfs;

pub const CLUSTER_FILE: &str = "cluster.hcl";
pub const POLICY_FILE: &str = "policy.hcl";
pub const QUOTAS_DIR: &str = "quotas";
pub const NAMESPACES_DIR: &str = "namespaces";

/// Walk up from `start` to the first `rules/` directory holding a
/// cluster.hcl, no higher than the project's top
/// ([`crate::project::root_of`]: the nearest folder holding `.git`, as
/// `.nomad-preflight.hcl` is looked for). Every file read for input is
/// inside the project (README "Limits"): a repository with no world of its
/// own was judged against, and its report quoted, a `rules/` found above
/// the checkout (R21-A4). Outside any repository the nearest `rules/`
/// above is the project's own, as before.
pub fn find_world(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).unwrap_or_else(|_| start.to_path_buf());
    let top = crate::project::root_of(&start);
    start
        .ancestors()
        .take_while(|dir| dir.starts_with(&top))
        .map(|dir| dir.join("rules"))
        .find(|rules| rules.join(CLUSTER_FILE).is_file())
}

/// Load and validate a world. `Ok` carries warnings; `Err` carries every
/// problem found (errors and warnings), so one run shows them all.
pub fn load(vfs: &dyn Vfs, world_dir: &Path) -> Result<(World, Diags), Diags> {
    load_as(vfs, world_dir, None)
}

/// [`load`], a hand-written world read as if its cluster.hcl stated
/// `nomad_version = as_version` (`--nomad-version`): every part read by
/// release (clients, allocations, the running jobs' files) is read at it,
/// as the same world with that line edited would be. An import ignores
/// it: its jobs are what the cluster stored, whatever release reads them.
pub fn load_as(
    vfs: &dyn Vfs,
    world_dir: &Path,
    as_version: Option<crate::version::NomadVersion>,
) -> Result<(World, Diags), Diags> {
    load_from(vfs, world_dir, as_version, Read::Revision)
}

/// [`load_as`] for a world read from the working tree (`vfs` is the disk):
/// a `running` file whose text there does not load is run as git `HEAD`
/// has it, when that loads ([`super::stand_in`], [`World::stand_ins`]).
pub fn load_work_tree(
    vfs: &dyn Vfs,
    world_dir: &Path,
    as_version: Option<crate::version::NomadVersion>,
) -> Result<(World, Diags), Diags> {
    load_from(vfs, world_dir, as_version, Read::WorkTree)
}

/// What the files a world is loaded from are: a revision (git, the index,
/// the demo compiled in), whose running files are what they are, or the
/// working tree, whose edits may never have been submitted.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Read {
    Revision,
    WorkTree,
}

fn load_from(
    vfs: &dyn Vfs,
    world_dir: &Path,
    as_version: Option<crate::version::NomadVersion>,
    from: Read,
) -> Result<(World, Diags), Diags> {
    // Every file is read through the one recording every reader uses, so
    // the world knows the links its files were read through.
    let recording = crate::vfs::Recording::new(vfs);
    let (mut world, diags) = load_recorded(&recording, world_dir, as_version, from)?;
    world.read_through = read_through(&recording, &world, world_dir);
    Ok((world, diags))
}

/// The paths the world's own files (below `world_dir`) and its running
/// jobs' files were read through, as [`World::read_through`] holds them.
/// What a running job's functions read is its job's input, not the
/// world's: a change there is the job's change.
fn read_through(
    recording: &crate::vfs::Recording<'_>,
    world: &World,
    world_dir: &Path,
) -> Vec<ReadThrough> {
    let dir = crate::vfs::normalize(world_dir);
    let running: Vec<PathBuf> = world
        .running
        .iter()
        .map(|r| crate::vfs::normalize(&world.project_root.join(&r.path)))
        .collect();
    let ours = |p: &Path| p.starts_with(&dir) || running.iter().any(|r| r == p);
    let mut out: Vec<ReadThrough> = recording
        .reached(ours)
        .into_iter()
        .filter_map(|r| {
            Some(ReadThrough {
                read: r.via?,
                through: r.path,
            })
        })
        .collect();
    out.sort_by(|a, b| (&a.through, &a.read).cmp(&(&b.through, &b.read)));
    out.dedup();
    out
}

fn load_recorded(
    vfs: &dyn Vfs,
    world_dir: &Path,
    as_version: Option<crate::version::NomadVersion>,
    from: Read,
) -> Result<(World, Diags), Diags> {
    if super::import::is_import_dir(vfs, world_dir) {
        return super::import::load_import(vfs, world_dir).map(|(mut world, diags)| {
            world.warnings = super::guess::world_warnings(&diags);
            (world, diags)
        });
    }
    let mut diags = Diags::new();
    let cluster_path = world_dir.join(CLUSTER_FILE);
    if !vfs.is_file(&cluster_path) {
        return Err(Diag::error(
            "world::missing-cluster",
            format!(
                "no {} in world directory {}",
                CLUSTER_FILE,
                world_dir.display()
            ),
        )
        .help("create rules/cluster.hcl (see the shipped demo world) or pass --world DIR")
        .into());
    }
    let project_root = world_dir
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let mut world = World::empty(WorldOrigin::Dir(world_dir.to_path_buf()), project_root);

    let mut running = Default::default();
    if let Some(src) = read(vfs, &cluster_path, &mut diags) {
        running = read_cluster(&src, &mut world, world_dir, as_version, &mut diags);
    }
    let mut quota_refs = Vec::new();
    let mut quota_sources: BTreeMap<String, Source> = BTreeMap::new();
    for src in read_dir_hcl(vfs, &world_dir.join(QUOTAS_DIR), &mut diags) {
        if let Some(q) = read_quota(&src, world.nomad_version, &mut diags) {
            quota_sources
                .entry(q.name.clone())
                .or_insert_with(|| src.clone());
            insert_unique(
                &mut world.quotas,
                q.name.clone(),
                q,
                &src,
                "quota",
                &mut diags,
                |q| q.spans.best("name"),
            );
        }
    }
    if !vfs.is_dir(&world_dir.join(NAMESPACES_DIR)) {
        world.namespace_list = super::model::NamespaceList::NoFolder;
    }
    for src in read_dir_hcl(vfs, &world_dir.join(NAMESPACES_DIR), &mut diags) {
        if let Some(ns) = read_namespace(&src, world.nomad_version, world.edition(), &mut diags) {
            if let (Some(q), Some(span)) = (&ns.quota, ns.spans.get("quota")) {
                quota_refs.push((src.clone(), q.clone(), span));
            }
            insert_unique(
                &mut world.namespaces,
                ns.name.clone(),
                ns,
                &src,
                "namespace",
                &mut diags,
                |n| n.spans.best("name"),
            );
        }
    }
    world
        .namespaces
        .entry("default".to_string())
        .or_insert_with(default_namespace);
    for (src, q, span) in quota_refs {
        if !world.quotas.contains_key(&q) {
            let known: Vec<&str> = world.quotas.keys().map(String::as_str).collect();
            let mut d = Diag::error(
                "world::unknown-quota",
                format!("quota `{q}` does not exist"),
            )
            .at(&src, span, "no such quota");
            d = match crate::suggest::closest_in(&q, &known) {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None => d.help("define it in rules/quotas/<name>.hcl"),
            };
            diags.push(d);
        }
    }
    for q in world.quotas.values() {
        if !q.limits.is_empty() && q.limit_for(&world.region).is_none() {
            let mut d = Diag::warning(
                "world::quota-other-region",
                format!(
                    "quota `{}` has no limit for region `{}`: it limits nothing in this cluster",
                    q.name, world.region
                ),
            )
            .help(format!(
                "add a `limit {{ region = \"{}\" ... }}` block",
                world.region
            ));
            if let (Some(src), Some(span)) = (quota_sources.get(&q.name), q.spans.best("name")) {
                d = d.at(src, span, "limits other regions only");
            }
            diags.push(d);
        }
    }
    diags.extend(Diags(super::spec_files::device_limit_warnings(
        &world,
        &quota_sources,
        None,
    )));
    diags.extend(Diags(super::quota_limits::unsimulated_limit_warnings(
        &world,
        &quota_sources,
        None,
    )));
    super::edition_file::community_quotas(&world, &quota_sources, &mut diags);
    let policy_path = world_dir.join(POLICY_FILE);
    if vfs.is_file(&policy_path) {
        if let Some(src) = read(vfs, &policy_path, &mut diags) {
            world.policy = read_policy(&src, &world, &mut diags);
        }
    }
    load_running(vfs, &mut world, running, from, &mut diags);
    let allocs_path = world_dir.join(super::alloc_file::ALLOCATIONS_FILE);
    // Pinned allocations name running jobs: they are read only when every
    // job loaded, so one broken job is not reported again per allocation.
    if vfs.is_file(&allocs_path) && !diags.has_errors() {
        if let Some(src) = read(vfs, &allocs_path, &mut diags) {
            let work_tree = from == Read::WorkTree;
            super::pinned_run::read(&src, &mut world, work_tree, &mut diags);
        }
    }
    let volumes_path = world_dir.join(super::csi_file::VOLUMES_FILE);
    if vfs.is_file(&volumes_path) {
        if let Some(src) = read(vfs, &volumes_path, &mut diags) {
            super::csi_file::read_volumes(&src, &mut world, &mut diags);
        }
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        world.warnings = super::guess::world_warnings(&diags);
        Ok((world, diags))
    }
}

/// Replace `world`'s policy with the one in `path` (a `rules/` folder that
/// holds only `policy.hcl` configures the rules of the embedded demo world).
pub fn load_policy_into(vfs: &dyn Vfs, path: &Path, world: &mut World) -> Result<Diags, Diags> {
    let mut diags = Diags::new();
    if let Some(src) = read(vfs, path, &mut diags) {
        world.policy = read_policy(&src, world, &mut diags);
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(diags)
    }
}

/// Nomad's built-in namespace, present even when no file describes it.
pub fn default_namespace() -> Namespace {
    Namespace {
        name: "default".to_string(),
        description: "Default shared namespace".to_string(),
        ..Namespace::default()
    }
}

fn read(vfs: &dyn Vfs, path: &Path, diags: &mut Diags) -> Option<Source> {
    match vfs.read(path) {
        Ok(s) => Some(s),
        Err(e) => {
            diags.push(crate::diag::unreadable(path, &e));
            None
        }
    }
}

fn read_dir_hcl(vfs: &dyn Vfs, dir: &Path, diags: &mut Diags) -> Vec<Source> {
    if !vfs.is_dir(dir) {
        return Vec::new();
    }
    let files = match vfs.list(dir) {
        Ok(f) => f,
        Err(e) => {
            diags.push(Diag::error(
                "io::read",
                format!("cannot list {}: {e}", dir.display()),
            ));
            return Vec::new();
        }
    };
    files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "hcl"))
        .filter_map(|p| read(vfs, p, diags))
        .collect()
}

fn insert_unique<T>(
    map: &mut BTreeMap<String, T>,
    key: String,
    value: T,
    src: &Source,
    what: &str,
    diags: &mut Diags,
    span: impl Fn(&T) -> Option<Span>,
) {
    use std::collections::btree_map::Entry;
    match map.entry(key) {
        Entry::Vacant(slot) => {
            slot.insert(value);
        }
        Entry::Occupied(existing) => {
            let key = existing.key();
            let mut d = Diag::error(
                format!("world::duplicate-{what}"),
                format!("{what} `{key}` is defined twice"),
            )
            .help(format!(
                "every {what} name must be unique across the world files"
            ));
            if let Some(s) = span(&value) {
                d = d.at(src, s, "defined again here");
            }
            diags.push(d);
        }
    }
}

/// Most running jobs a world may hold (in `running`, or an import's
/// `jobs/`): every plan replays each of them first.
pub const MAX_RUNNING_JOBS: usize = 10_000;

/// The most groups one job is simulated with
/// (`scheduler::count_bound::MAX_GROUPS`, where the reason is given),
/// defined here so an import refuses a saved job past it before decoding
/// its groups (world/import/budget.rs): the world does not read the
/// scheduler.
pub const MAX_JOB_GROUPS: usize = 10_000;

fn load_running(
    vfs: &dyn Vfs,
    world: &mut World,
    running: super::cluster_file::Running,
    from: Read,
    diags: &mut Diags,
) {
    let (running, mut vars) = running;
    let Some(cluster_src) = (match &world.origin {
        WorldOrigin::Dir(d) => vfs.read(&d.join(CLUSTER_FILE)).ok(),
        _ => None,
    }) else {
        return;
    };
    // The running versions as submitted: no command's variables, each
    // with its own from cluster.hcl (`running_job`).
    if let Some((_, span)) = running.get(MAX_RUNNING_JOBS) {
        diags.push(
            Diag::error(
                "world::too-many-jobs",
                format!(
                    "`running` lists {} job files, more than the {MAX_RUNNING_JOBS} a world may hold",
                    running.len()
                ),
            )
            .at(&cluster_src, *span, format!("entry {} is over the limit", MAX_RUNNING_JOBS + 1))
            .help("every plan replays each running job first; list the jobs that share the planned jobs' clients"),
        );
        return;
    }
    let mut seen: HashMap<PathBuf, Span> = HashMap::new();
    let mut ids: HashMap<(String, String), Span> = HashMap::new();
    for (rel, span) in running {
        let path = world.project_root.join(&rel);
        let key = crate::vfs::normalize(&path);
        if let Some(first) = seen.get(&key) {
            diags.push(
                Diag::error(
                    "world::duplicate-running",
                    format!("`{rel}` is listed twice in `running`"),
                )
                .at(&cluster_src, span, "listed again here")
                .label(*first, "first listed here")
                .help("each job file is registered once, in list order"),
            );
            continue;
        }
        seen.insert(key, span);
        // A path leading outside the project is refused as such, whether
        // or not something is there ("does not exist" would say which).
        match vfs.probe(&path) {
            Ok(true) => {}
            Ok(false) => {
                diags.push(
                    Diag::error("world::missing-job-file", format!("running job file `{rel}` does not exist"))
                        .at(&cluster_src, span, "no such file")
                        .help("paths in `running` are relative to the project root (the folder holding rules/)"),
                );
                continue;
            }
            // Known to git but not readable in this clone (a submodule
            // that is not checked out): not "outside", and not absent.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                diags.push(
                    Diag::error(
                        "world::unreadable-job-file",
                        crate::escape::one_line(&e.to_string()),
                    )
                    .at(&cluster_src, span, "cannot be read")
                    .help("the running job file must be readable to know what runs"),
                );
                continue;
            }
            Err(e) => {
                diags.push(
                    Diag::error(
                        "world::outside-job-file",
                        crate::escape::one_line(&e.to_string()),
                    )
                    .at(&cluster_src, span, "outside the project")
                    .help("list job files inside the project (the folder holding rules/)"),
                );
                continue;
            }
        }
        let job_vars = vars.remove(&rel).unwrap_or_default();
        let parsed = job_vars.loader(world).load_job(vfs, &path);
        let failed = parsed.diags.has_errors();
        let unset = unset_variable(&parsed.diags);
        let job = match parsed.job {
            Some(job) if !failed => {
                diags.extend(parsed.diags);
                Some(job)
            }
            // What Nomad refuses was never submitted: the cluster runs the
            // last version that was, HEAD's where it loads, and the file's
            // own errors are its plan's, not the world's.
            _ if from == Read::WorkTree => {
                match super::stand_in::from_head(world, &rel, &job_vars) {
                    Some(old) => {
                        world.stand_ins.push(super::stand_in::StandIn {
                            path: PathBuf::from(&rel),
                            why: super::stand_in::Why::DoesNotLoad,
                        });
                        Some(old)
                    }
                    None => {
                        diags.extend(parsed.diags);
                        None
                    }
                }
            }
            _ => {
                diags.extend(parsed.diags);
                None
            }
        };
        match job {
            Some(job) => {
                let id = (job.namespace.clone(), job.id.clone());
                if let Some(first) = ids.get(&id) {
                    diags.push(
                        Diag::error(
                            "world::duplicate-running-job",
                            format!("job `{}` (namespace `{}`) is registered by two files", id.1, id.0),
                        )
                        .at(&cluster_src, span, "second registration")
                        .label(*first, "first registration")
                        .help("a running job is defined once; the second file would silently update it"),
                    );
                    continue;
                }
                ids.insert(id, span);
                world.running.push(RunningJob {
                    path: PathBuf::from(rel),
                    job: job_vars.as_registered(job),
                    vars: job_vars,
                });
            }
            None => {
                // A running job that needs a variable was submitted with
                // one: the world must say which, the command's `-var` is
                // for the planned version only.
                let help = match unset {
                    Some(name) => format!(
                        "the world loads running jobs with the variables cluster.hcl gives them, none here: add `running_job \"{rel}\" {{ var = {{ {name} = \"...\" }} }}` to rules/cluster.hcl with the value it runs with"
                    ),
                    None => "fix the job file: the world replays it before any plan".into(),
                };
                diags.push(
                    Diag::error(
                        "world::bad-running-job",
                        format!("running job `{rel}` does not load"),
                    )
                    .at(&cluster_src, span, "this job has errors")
                    .help(help),
                )
            }
        }
    }
}

/// The first variable a running job's load found unset, if that is why it
/// failed (jobspec's `Unset variable "NAME"`).
fn unset_variable(diags: &Diags) -> Option<String> {
    diags
        .iter()
        .find_map(|d| crate::jobspec::unset_name(d).map(str::to_string))
}
