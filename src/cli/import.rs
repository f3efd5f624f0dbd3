//! `nomad-preflight import DIR`: a world from a real cluster's API JSON.

use std::path::{Path, PathBuf};

use crate::diag::{Diag, Diags};
use crate::vfs::Vfs;
use crate::world::{emit, import, World};

#[derive(clap::Args, Debug, Clone, Default)]
pub struct ImportArgs {
    /// Folder holding the saved API JSON (see --print-commands).
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Write the equivalent rules/ files (and jobs/) instead of summarising.
    #[arg(long, value_name = "RULES_DIR")]
    pub write: Option<PathBuf>,
    /// Overwrite files that already exist.
    #[arg(long)]
    pub force: bool,
    /// Print the `nomad operator api` commands that save a cluster into DIR.
    #[arg(long)]
    pub print_commands: bool,
}

/// Run the command; the text is for stdout, warnings come back with it.
pub fn run_import(vfs: &dyn Vfs, args: &ImportArgs) -> Result<(String, Diags), Diags> {
    let dir = args
        .dir
        .clone()
        .unwrap_or_else(|| PathBuf::from("nomad-import"));
    if args.print_commands {
        // The name's own bytes: a lossy text would name another folder.
        #[cfg(unix)]
        let bytes = std::os::unix::ffi::OsStrExt::as_bytes(dir.as_os_str()).to_vec();
        #[cfg(not(unix))]
        let bytes = dir.to_string_lossy().into_owned().into_bytes();
        return Ok((import::print_commands(&bytes), Diags::new()));
    }
    if !import::is_import_dir(vfs, &dir) {
        return Err(Diag::error(
            "import::not-an-import",
            format!("{} holds no nodes.json", dir.display()),
        )
        .help("save the cluster first: `nomad-preflight import --print-commands DIR`")
        .into());
    }
    let (world, mut warnings) = import::load_import(vfs, &dir)?;
    if args.write.is_some() {
        refuse_guesses(&warnings)?;
        refuse_orphans(&world)?;
        refuse_unknown_limits(&world)?;
        refuse_nil_attributes(&world)?;
        refuse_unwritable_jobs(&world, &mut warnings)?;
    }
    if let (Some(_), Some(p)) = (&args.write, &world.pinned) {
        for d in unwritten_allocations(&world, p, &dir) {
            warnings.push(d);
        }
    }
    let text = match &args.write {
        Some(rules) => {
            let written = write_world(&world, rules, args.force).map_err(Diags::from)?;
            let mut s = format!("Wrote {} files:\n", written.len());
            for p in written {
                s.push_str(&format!("  {}\n", p.display()));
            }
            s
        }
        None => summary(&world),
    };
    Ok((text, warnings))
}

/// An import that guessed its release or lacks a file must not be written:
/// the written rules/ would state the guess as fact (a `nomad_version`, no
/// quotas, no allocations), and plans of it would lose the "unknown".
fn refuse_guesses(warnings: &Diags) -> Result<(), Diags> {
    use crate::world::guess::{
        ALLOC_STATE, DEPLOYMENT, NAMESPACES_NOT_SAVED, NAMESPACE_CLUSTERS, NODE_POOL_CONFIG,
        NOT_SAVED, SAVED_APART, VOLUMES_NOT_SAVED,
    };
    let guessed: Vec<&Diag> = warnings
        .iter()
        .filter(|d| {
            crate::world::guess::is_version_guess(&d.code)
                || d.code == NOT_SAVED
                || d.code == NAMESPACES_NOT_SAVED
                || d.code == VOLUMES_NOT_SAVED
                || d.code == ALLOC_STATE
                || d.code == DEPLOYMENT
                || d.code == NODE_POOL_CONFIG
                || d.code == NAMESPACE_CLUSTERS
                || d.code == SAVED_APART
        })
        .collect();
    let Some(first) = guessed.first() else {
        return Ok(());
    };
    let mut out = Diags::new();
    out.push(
        Diag::error(
            "import::guess-not-written",
            format!(
                "not written: the import does not hold all of the cluster's state ({} of it: {}), and the written world would state the gap as fact",
                guessed.len(),
                crate::escape::one_line(&first.message)
            ),
        )
        .help("save the missing files from the cluster (`import --print-commands DIR`), or plan against the import itself (`plan --world DIR`), which says what it cannot know"),
    );
    Err(out)
}

/// A purged job's allocations that still hold their nodes (held under no
/// job: world/api_alloc_purged.rs) cannot be written: an allocation of
/// `allocations.hcl` names a running job, so the written world would drop
/// what they hold, or fail to load.
fn refuse_orphans(world: &World) -> Result<(), Diags> {
    let Some(p) = &world.pinned else {
        return Ok(());
    };
    let v = world.nomad_version;
    let running: std::collections::HashSet<(&str, &str)> = (world.running.iter())
        .map(|r| (r.job.namespace.as_str(), r.job.id.as_str()))
        .collect();
    let mut orphans = (p.allocs.iter())
        .filter(|a| a.holds_node(v))
        .filter(|a| !running.contains(&(a.namespace.as_str(), a.job_id.as_str())));
    let Some(first) = orphans.next() else {
        return Ok(());
    };
    let n = 1 + orphans.count();
    Err(Diag::error(
        "import::purged-not-written",
        format!(
            "not written: {n} allocations that hold their nodes belong to no registered job (a purged job's, first {} of {}/{}), and the world format pins an allocation under a running job only",
            first.id, first.namespace, first.job_id
        ),
    )
    .help("plan against the import itself (`plan --world DIR`), which holds them, or save the cluster again once their clients have stopped them")
    .into())
}

/// A device attribute the cluster reports as `null` (a nil `*Attribute`,
/// scheduler/nil_attribute.rs) has no spelling in the world format, whose
/// `null` is an attribute with no value set: written, a check that panics
/// Nomad's scheduler would read as one that fails. Refused instead.
fn refuse_nil_attributes(world: &World) -> Result<(), Diags> {
    let nil = crate::scheduler::nil_attribute::nil_attributes(world).next();
    let nil = nil.map(|(node, d, key)| {
        format!(
            "node {}, device {}, attribute {}",
            crate::gotext::go_quote(node),
            crate::gotext::go_quote(&d.id.to_string()),
            crate::gotext::go_quote(key)
        )
    });
    let Some(first) = nil else {
        return Ok(());
    };
    Err(Diag::error(
        "import::null-attribute-not-written",
        format!("not written: a device attribute the cluster reports as null ({first}), which the world format cannot hold"),
    )
    .help("plan against the import itself (`plan --world DIR`), which says what it cannot know")
    .into())
}

/// A quota key the tool does not know (`Unsimulated::Unknown`) has no
/// spelling in the world format: written, the quota would lose it and
/// plans of the written world would count without it. Refused instead.
fn refuse_unknown_limits(world: &World) -> Result<(), Diags> {
    let unknown: Vec<String> = world
        .quotas
        .values()
        .flat_map(|q| {
            q.limits.iter().flat_map(move |l| {
                l.region_limit
                    .unsimulated
                    .iter()
                    .filter_map(move |n| match &n.limit {
                        crate::world::Unsimulated::Unknown { key, .. } => Some(format!(
                            "quota {} in region {}: {}",
                            crate::gotext::go_quote(&q.name),
                            crate::gotext::go_quote(&l.region),
                            crate::escape::one_line(key)
                        )),
                        _ => None,
                    })
            })
        })
        .collect();
    let Some(first) = unknown.first() else {
        return Ok(());
    };
    Err(Diag::error(
        "import::quota-key-not-written",
        format!(
            "not written: {} quota limit key(s) nomad-preflight does not know ({first}), which the world format cannot hold",
            unknown.len()
        ),
    )
    .help("plan against the import itself (`plan --world DIR`), which says what it cannot know")
    .into())
}

/// A running job whose written file would not load back as the job the
/// import read (a field the job writer cannot write: a template, a
/// service, a vault block...) is refused, each named with what it would
/// lose: the written file is the written world's running job, and a plan
/// of an edit without the lost block would be clean where Nomad's is a
/// destructive update (R13-13).
/// A job the file gives more than the stored job holds (defaults a job
/// registered under an older release lacks) is written with a warning
/// naming them: the written world's plans will not show what Nomad's
/// plan of the same file adds.
fn refuse_unwritable_jobs(world: &World, warnings: &mut Diags) -> Result<(), Diags> {
    let mut out = Diags::new();
    for r in &world.running {
        let unwritten = super::import_faithful::unwritten_fields(world, &r.job);
        if !unwritten.added.is_empty() {
            warnings.push(
                Diag::warning(
                    "import::job-written-with-defaults",
                    format!(
                        "job {} in namespace {} is written with what today's defaults give it and its stored version lacks ({}): Nomad's plan of the file shows them added, a plan of the written world does not",
                        crate::gotext::go_quote(&r.job.id),
                        crate::gotext::go_quote(&r.job.namespace),
                        crate::escape::one_line(&unwritten.added.join(", "))
                    ),
                )
                .help("plan against the import itself (`plan --world DIR`) to see them"),
            );
        }
        let fields = unwritten.lost;
        if fields.is_empty() {
            continue;
        }
        out.push(
            Diag::error(
                "import::job-not-written",
                format!(
                    "not written: job {} in namespace {} holds what the written job file cannot (it would lose {}), and the written world would run it without",
                    crate::gotext::go_quote(&r.job.id),
                    crate::gotext::go_quote(&r.job.namespace),
                    crate::escape::one_line(&fields.join(", "))
                ),
            )
            .help("plan against the import itself (`plan --world DIR`), which holds the jobs as they run"),
        );
    }
    if out.is_empty() {
        Ok(())
    } else {
        Err(out)
    }
}

/// What `allocations.hcl` cannot carry, said rather than lost silently:
/// allocations on nodes missing from nodes.json (the import treats them as
/// lost; the written world does not hold them at all), and allocations of
/// an older job version (only the registered version's spec is written, so
/// a plan of the written world replaces them where the import may update
/// them in place).
fn unwritten_allocations(world: &World, p: &crate::world::Pinned, dir: &Path) -> Vec<Diag> {
    let nodes = crate::world::emit_allocs::member_ids(world);
    let live = || p.allocs.iter().filter(|a| a.is_live());
    let off_world = live()
        .filter(|a| !nodes.contains(a.node_id.as_str()))
        .count();
    let older = live()
        .filter(|a| {
            p.versions
                .get(&(a.namespace.to_string(), a.job_id.to_string()))
                .is_some_and(|ix| ix.version != a.job_version)
        })
        .count();
    // allocations.hcl pins live allocations only.
    let failed = p
        .allocs
        .iter()
        .filter(|a| a.is_reconciled() && !a.is_live() && a.batch_terminal.is_none())
        .count();
    // A batch job's terminal allocations: the written world runs their
    // names again, where the import counts or ignores them.
    let batch = p
        .allocs
        .iter()
        .filter(|a| a.batch_terminal.is_some())
        .count();
    // A system job's allocation read by its client's disconnect
    // (scheduler::system_disconnect): the written world reads it as any.
    let tainted: std::collections::HashSet<&str> = world
        .clients
        .iter()
        .filter(|c| c.state.drain || c.state.status != crate::structs::NodeStatus::Ready)
        .flat_map(|c| c.members.iter().map(|m| m.id.as_str()))
        .collect();
    let disconnect = live()
        .filter(|a| {
            use crate::structs::Disconnect as D;
            match a.disconnect {
                Some(D::Waiting | D::Expired | D::Reconnecting) => true,
                Some(D::Supported | D::Unsupported) => tainted.contains(a.node_id.as_str()),
                Some(D::Lost) | None => false,
            }
        })
        .count();
    let mut out = Vec::new();
    let hint = format!(
        "plan against the import itself to keep them as they are: `plan --world {}`",
        dir.display()
    );
    if off_world > 0 {
        out.push(
            Diag::warning(
                "import::allocs-not-written",
                format!("{off_world} allocations on nodes missing from nodes.json are not written: the written world does not replace them as lost"),
            )
            .help(hint.clone()),
        );
    }
    if failed > 0 {
        out.push(
            Diag::warning(
                "import::allocs-not-written",
                format!("{failed} failed allocations Nomad has not replaced yet are not written: a plan of the written world places them as missing, where the import keeps them counted or stops and replaces them"),
            )
            .help(hint.clone()),
        );
    }
    if batch > 0 {
        out.push(
            Diag::warning(
                "import::allocs-not-written",
                format!("{batch} terminal allocations of batch jobs are not written: a plan of the written world runs those jobs again, where the import counts what finished and ignores what another version ran"),
            )
            .help(hint.clone()),
        );
    }
    if disconnect > 0 {
        out.push(
            Diag::warning(
                "import::allocs-not-written",
                format!("{disconnect} allocations of system or sysbatch jobs are written without their clients' disconnect state: a plan of the written world reads them as any running allocation, where the import ignores, keeps or stops them as Nomad's system scheduler does"),
            )
            .help(hint.clone()),
        );
    }
    if older > 0 {
        out.push(
            Diag::warning(
                "import::older-versions",
                format!("{older} allocations run an older job version whose spec is not written: a plan of the written world treats them as needing replacement"),
            )
            .help(hint),
        );
    }
    out
}

fn summary(world: &World) -> String {
    let nodes: u32 = world.clients.iter().map(|c| c.count).sum();
    let allocs = match &world.pinned {
        Some(p) => format!(", {} allocations where they run", p.allocs.len()),
        None => String::new(),
    };
    // `clients` holds one entry per client shape (identical nodes grouped,
    // world/import/pools.rs): the node pools are what Nomad calls pools.
    let node_pools: std::collections::BTreeSet<&str> =
        world.clients.iter().map(|c| c.node_pool.as_str()).collect();
    format!(
        "Nomad {} region {}: {} nodes ({} client shape{}) in {} node pool{}, {} namespaces, {} quotas, {} running jobs{allocs}\n",
        world.nomad_version,
        world.region,
        nodes,
        world.clients.len(),
        if world.clients.len() == 1 { "" } else { "s" },
        node_pools.len(),
        if node_pools.len() == 1 { "" } else { "s" },
        world.namespaces.len(),
        world.quotas.len(),
        world.running.len()
    )
}

/// The names in an import that become file and folder names (quota and
/// namespace names, job IDs and namespaces) must be plain file names: the
/// JSON comes from a cluster, and `../../.bashrc` as a job ID must not
/// become a path.
fn check_names(world: &World) -> Result<(), Diag> {
    let names = world
        .quotas
        .keys()
        .map(|q| ("quota", q.as_str()))
        .chain(world.namespaces.keys().map(|n| ("namespace", n.as_str())))
        .chain(world.running.iter().flat_map(|r| {
            [
                ("job", r.job.id.as_str()),
                ("job namespace", r.job.namespace.as_str()),
            ]
        }));
    for (kind, name) in names {
        if kind == "job namespace" && name.is_empty() {
            continue;
        }
        if !crate::project::is_plain_file_name(name) {
            return Err(Diag::error(
                "import::unsafe-name",
                format!(
                    "refusing to write the import: the {kind} name {} is not a plain file name",
                    crate::escape::one_line(&format!("{name:?}"))
                ),
            )
            .help("names that become files may not contain `/`, `\\`, NUL or be `.` or `..`; rename it in the cluster or edit the saved JSON"));
        }
    }
    Ok(())
}

/// Refuse a target that is, or lies under, a symbolic link below `root`:
/// writing through it would change a file outside the target.
fn check_no_links(root: &Path, path: &Path) -> Result<(), Diag> {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let mut cur = root.to_path_buf();
    for c in rel.components() {
        cur.push(c);
        if std::fs::symlink_metadata(&cur).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(Diag::error(
                "import::symlink",
                format!(
                    "refusing to write {}: {} is a symbolic link",
                    crate::escape::one_line(&path.display().to_string()),
                    crate::escape::one_line(&cur.display().to_string())
                ),
            )
            .help("remove the link or --write to another folder"));
        }
    }
    Ok(())
}

/// Write `world` as `rules_dir/...` and its running jobs under the project
/// root (the parent of `rules_dir`). Nothing is written if any target exists
/// and `force` is off, so a refused import leaves no half-written world.
/// Writes stay below the target: every name is a plain file name and no
/// symbolic link is written through, with or without `force`.
pub fn write_world(world: &World, rules_dir: &Path, force: bool) -> Result<Vec<PathBuf>, Diag> {
    check_names(world)?;
    let root = rules_dir.parent().unwrap_or(Path::new(""));
    let files: Vec<(PathBuf, String)> = emit::world_files(world)
        .into_iter()
        .map(|(p, t)| (rules_dir.join(p), t))
        .chain(
            emit::running_job_files(world)
                .into_iter()
                .map(|(p, t)| (root.join(p), t)),
        )
        .collect();
    for (path, _) in &files {
        check_no_links(root, path)?;
    }
    if !force {
        let existing: Vec<String> = files
            .iter()
            .filter(|(p, _)| p.exists())
            .map(|(p, _)| p.display().to_string())
            .collect();
        if !existing.is_empty() {
            return Err(Diag::error(
                "import::exists",
                format!("refusing to overwrite {}", existing.join(", ")),
            )
            .help("pass --force to overwrite, or --write another folder"));
        }
    }
    for (path, text) in &files {
        let io_err = |e: std::io::Error| {
            Diag::error("io::write", format!("cannot write {}: {e}", path.display()))
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io_err)?;
        }
        std::fs::write(path, text).map_err(io_err)?;
    }
    Ok(files.into_iter().map(|(p, _)| p).collect())
}
