//! Does a running job written by `import --write` load back as the job the
//! import read? The written file is the running job of the written world
//! (the "before" of every plan, `check` and rehearsal against it), so a
//! field the writer leaves out would vanish from the cluster the written
//! world stands for: removing it from the job file would plan clean where
//! Nomad plans a destructive update (R13-13). The writer
//! ([`job_hcl`]) writes what it can; this module proves
//! it, job by job, by loading the written text the way a written world
//! loads it and comparing both jobs as the servers store them (after the
//! admission mutators), field by field. What differs is named, and
//! `import --write` refuses the import rather than write a world that
//! lies.

use crate::diff::{DiffType, FieldDiff, ObjectDiff};
use crate::gotext::go_quote;
use crate::job_loader::JobLoader;
use crate::jobspec::Job;
use crate::source::SourceFile;
use crate::vfs::MemVfs;
use crate::world::emit::job_hcl;
use crate::world::World;

/// Most differing fields named per job: enough to say what is missing.
const MAX_NAMED: usize = 8;

/// What a running job's written file does not give back, as Nomad's diff
/// names it (`group "g" task "t" Template`).
#[derive(Debug, Default, PartialEq)]
pub struct Unwritten {
    /// What the stored job holds that the file drops or writes otherwise:
    /// the job is refused.
    pub lost: Vec<String>,
    /// What the file gets from today's defaults that the stored job lacks
    /// altogether: a job registered under an older release (Nomad's plan
    /// of the same file shows the addition; a plan of the written world
    /// does not), or a hand-made import. Written, and said.
    pub added: Vec<String>,
}

/// [`Unwritten`] of `job`, a running job of `world`: empty when a plan of
/// the written file against the import finds no change.
pub fn unwritten_fields(world: &World, job: &Job) -> Unwritten {
    let text = job_hcl(job);
    let loader = JobLoader::plain(world.nomad_version, world.project_root.clone()).for_servers(
        world.edition(),
        world.server.job_settings(),
        &world.region,
    );
    let name = crate::world::emit::job_file_path(job).display().to_string();
    let parsed = loader.load_source(&MemVfs::new("import"), SourceFile::inline(&name, &text));
    let mut back = match parsed.job {
        Some(j) if !parsed.diags.has_errors() => j,
        // The writer's own output failing to load (a key the release does
        // not know): said, never written.
        _ => {
            let why = (parsed.diags.iter())
                .find(|d| d.is_error())
                .map(|d| format!(": {}", d.message))
                .unwrap_or_default();
            return Unwritten {
                lost: vec![format!(
                    "the whole job (its written file does not load{why})"
                )],
                added: Vec::new(),
            };
        }
    };
    // A job file cannot say `Stop`: the written world's `running_job`
    // block does (emit_cluster.rs), so the file's job is compared stopped.
    back.stop = job.stop;
    let v = world.nomad_version;
    let stored = crate::mutators::applied(job, v, &world.server);
    let reloaded = crate::mutators::applied(&back, v, &world.server);
    let mut out = Unwritten::default();
    if stored == reloaded {
        return out;
    }
    // The model may hold one stored value two ways (a group's empty
    // `Consul` block read from the JSON, none from the file) that Nomad's
    // diff and the scheduler read alike: what counts is what a plan of the
    // written file against the import shows, Nomad's diff and the changes
    // it cannot show ([`crate::diff::UnmodelledChange`]). Contextual: an
    // edited object lists all its fields, so "all zero" below is the
    // whole stored object, not its changed fields.
    let diff = crate::diff::job_diff(Some(&stored), Some(&reloaded), v);
    objects("", &diff.fields, &diff.objects, &mut out);
    for g in diff.task_groups.iter().filter(|g| g.ty != DiffType::None) {
        let at = format!("group {}", go_quote(&g.name));
        out.push(whole(g.ty), at.clone());
        objects(&at, &g.fields, &g.objects, &mut out);
        for t in g.tasks.iter().filter(|t| t.ty != DiffType::None) {
            let at = format!("{at} task {}", go_quote(&t.name));
            out.push(whole(t.ty), at.clone());
            objects(&at, &t.fields, &t.objects, &mut out);
        }
    }
    for u in &diff.unmodelled {
        if u.fields.is_empty() {
            out.push(
                Kind::Lost,
                join(&location(u), "a field Nomad's diff does not show"),
            );
        }
        for f in &u.fields {
            let name = f.name.split(['[', '.']).next().unwrap_or(&f.name);
            out.push(field_kind(f), join(&location(u), name));
        }
    }
    for names in [&mut out.lost, &mut out.added] {
        names.dedup();
        names.truncate(MAX_NAMED);
    }
    out
}

/// How one difference counts ([`Unwritten`]).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Same,
    Lost,
    Added,
}

impl Unwritten {
    fn push(&mut self, kind: Kind, name: String) {
        match kind {
            Kind::Lost => self.lost.push(name),
            Kind::Added => self.added.push(name),
            Kind::Same => {}
        }
    }
}

/// A whole group or task: deleted is lost, added is added; an edited one
/// is judged by its parts.
fn whole(ty: DiffType) -> Kind {
    match ty {
        DiffType::Deleted => Kind::Lost,
        DiffType::Added => Kind::Added,
        DiffType::Edited | DiffType::None => Kind::Same,
    }
}

fn location(u: &crate::diff::UnmodelledChange) -> String {
    match (&u.group, &u.task) {
        (Some(g), Some(t)) => format!("group {} task {}", go_quote(g), go_quote(t)),
        (Some(g), None) => format!("group {}", go_quote(g)),
        _ => String::new(),
    }
}

fn join(at: &str, name: &str) -> String {
    if at.is_empty() {
        name.to_string()
    } else {
        format!("{at} {name}")
    }
}

/// The fields and objects of one diff level, each where it counts.
fn objects(at: &str, fields: &[FieldDiff], objs: &[ObjectDiff], out: &mut Unwritten) {
    for f in fields {
        out.push(field_kind(f), join(at, &f.name));
    }
    for o in objs {
        out.push(object_kind(o), join(at, &o.name));
    }
}

/// A value the stored job lacks altogether (`Added`) comes from the
/// file's defaults; anything the stored job holds that the file drops
/// (`Deleted`) or writes otherwise (`Edited`) is lost.
fn field_kind(f: &FieldDiff) -> Kind {
    match f.ty {
        DiffType::Edited if NEVER_STORED_ZERO.contains(&f.name.as_str()) && f.old == "0" => {
            Kind::Added
        }
        DiffType::Deleted | DiffType::Edited => Kind::Lost,
        DiffType::Added => Kind::Added,
        DiffType::None => Kind::Same,
    }
}

/// Fields Nomad never stores as zero: a stored zero is an absent value
/// (structs `Task.Canonicalize` turns a task's 0 kill timeout into 5s at
/// every release), which the file gets from its defaults.
const NEVER_STORED_ZERO: &[&str] = &["KillTimeout"];

/// An object the stored job holds with every field at Go's zero value is
/// one its JSON lacked (the model reads an absent restart policy, log
/// config or ephemeral disk as zeros), so as an `Added` one.
fn object_kind(o: &ObjectDiff) -> Kind {
    let zero = |v: &str| matches!(v, "" | "0" | "false");
    match o.ty {
        DiffType::Deleted => Kind::Lost,
        DiffType::Added => Kind::Added,
        DiffType::None => Kind::Same,
        DiffType::Edited if o.objects.is_empty() && o.fields.iter().all(|f| zero(&f.old)) => {
            Kind::Added
        }
        DiffType::Edited => {
            let kinds = (o.fields.iter().map(field_kind)).chain(o.objects.iter().map(object_kind));
            let mut worst = Kind::Same;
            for k in kinds {
                match k {
                    Kind::Lost => return Kind::Lost,
                    Kind::Added => worst = Kind::Added,
                    Kind::Same => {}
                }
            }
            worst
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_sort_their_changes_into_lost_and_added() {
        let f = |ty, name: &str, old: &str| FieldDiff {
            ty,
            name: name.to_string(),
            old: old.to_string(),
            new: "5".to_string(),
            annotations: Vec::new(),
        };
        let o = |ty, name: &str, fields| ObjectDiff {
            ty,
            name: name.to_string(),
            fields,
            objects: Vec::new(),
        };
        let mut out = Unwritten::default();
        objects(
            "group \"g\"",
            &[
                f(DiffType::None, "Count", "2"),
                f(DiffType::Edited, "Leader", "true"),
                f(DiffType::Edited, "KillTimeout", "0"),
            ],
            &[
                o(DiffType::Deleted, "Template", Vec::new()),
                o(DiffType::None, "Update", Vec::new()),
                o(DiffType::Added, "Identity", Vec::new()),
                o(
                    DiffType::Edited,
                    "RestartPolicy",
                    vec![f(DiffType::Edited, "Attempts", "0")],
                ),
                o(
                    DiffType::Edited,
                    "LogConfig",
                    vec![f(DiffType::Edited, "MaxFiles", "3")],
                ),
            ],
            &mut out,
        );
        assert_eq!(
            out.lost,
            [
                "group \"g\" Leader",
                "group \"g\" Template",
                "group \"g\" LogConfig"
            ]
        );
        assert_eq!(
            out.added,
            [
                "group \"g\" KillTimeout",
                "group \"g\" Identity",
                "group \"g\" RestartPolicy"
            ]
        );
    }
}
