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

/// The fields of `job` (a running job of `world`) that its written file
/// does not give back, as Nomad's diff names them (`group "g" task "t"
/// Template`); empty when a plan of the written file against the import
/// finds no change.
pub fn unwritten_fields(world: &World, job: &Job) -> Vec<String> {
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
        // The writer's own output failing to load is a writer bug; said,
        // never written.
        _ => return vec!["the whole job (its written file does not load)".to_string()],
    };
    // A job file cannot say `Stop`: the written world's `running_job`
    // block does (emit_cluster.rs), so the file's job is compared stopped.
    back.stop = job.stop;
    let v = world.nomad_version;
    let stored = crate::mutators::applied(job, v, &world.server);
    let reloaded = crate::mutators::applied(&back, v, &world.server);
    if stored == reloaded {
        return Vec::new();
    }
    // The model may hold one stored value two ways (a group's empty
    // `Consul` block read from the JSON, none from the file) that Nomad's
    // diff and the scheduler read alike: what counts is what a plan of the
    // written file against the import shows, Nomad's diff and the changes
    // it cannot show ([`crate::diff::UnmodelledChange`]).
    // Contextual: an edited object lists all its fields, so "all zero" below
    // is the whole stored object, not its changed fields.
    let diff = crate::diff::job_diff(Some(&stored), Some(&reloaded), v);
    let mut out = Vec::new();
    objects("", &diff.fields, &diff.objects, &mut out);
    for g in diff.task_groups.iter().filter(|g| g.ty != DiffType::None) {
        let at = format!("group {}", go_quote(&g.name));
        if g.ty == DiffType::Deleted {
            out.push(at.clone());
        }
        objects(&at, &g.fields, &g.objects, &mut out);
        for t in g.tasks.iter().filter(|t| t.ty != DiffType::None) {
            let at = format!("{at} task {}", go_quote(&t.name));
            if t.ty == DiffType::Deleted {
                out.push(at.clone());
            }
            objects(&at, &t.fields, &t.objects, &mut out);
        }
    }
    for u in &diff.unmodelled {
        let mut names: Vec<String> = (u.fields.iter())
            .filter(|f| loses_field(f))
            .map(|f| {
                f.name
                    .split(['[', '.'])
                    .next()
                    .unwrap_or(&f.name)
                    .to_string()
            })
            .collect();
        names.dedup();
        if u.fields.is_empty() {
            names.push("a field Nomad's diff does not show".to_string());
        }
        for n in names {
            out.push(join(&location(u), &n));
        }
    }
    if out.is_empty() {
        // Unequal, yet nothing a plan shows: the two load alike.
        return Vec::new();
    }
    out.dedup();
    out.truncate(MAX_NAMED);
    out
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

/// The fields and objects of one diff level the written file loses, by
/// name.
fn objects(at: &str, fields: &[FieldDiff], objs: &[ObjectDiff], out: &mut Vec<String>) {
    for f in fields.iter().filter(|f| loses_field(f)) {
        out.push(join(at, &f.name));
    }
    for o in objs.iter().filter(|o| loses_object(o)) {
        out.push(join(at, &o.name));
    }
}

/// Does the written file lose or change what the stored job holds? A
/// value the stored job lacks altogether (`Added`: no restart policy, no
/// kill timeout, an empty node pool) is one only a hand-made import lacks:
/// Nomad's Canonicalize stores every such default, which the written file
/// gets back from the same defaults. Anything the stored job holds that
/// the file drops (`Deleted`) or writes otherwise (`Edited`) is lost.
fn loses_field(f: &FieldDiff) -> bool {
    match f.ty {
        DiffType::Edited if NEVER_STORED_ZERO.contains(&f.name.as_str()) && f.old == "0" => false,
        DiffType::Deleted | DiffType::Edited => true,
        DiffType::Added | DiffType::None => false,
    }
}

/// Fields Nomad never stores as zero: a zero is a hand-made import's
/// absent value, which the written file gets back as Nomad's default
/// (structs `Task.Canonicalize` turns a task's 0 kill timeout into 5s at
/// every release).
const NEVER_STORED_ZERO: &[&str] = &["KillTimeout"];

/// An object the stored job holds with every field at Go's zero value is
/// one its JSON lacked (a hand-made import: the model reads an absent
/// restart policy, log config or ephemeral disk as zeros, where Nomad's
/// Canonicalize stores each filled in), so as [`loses_field`]'s `Added`.
fn loses_object(o: &ObjectDiff) -> bool {
    let zero = |v: &str| matches!(v, "" | "0" | "false");
    match o.ty {
        DiffType::Deleted => true,
        DiffType::Edited if o.objects.is_empty() && o.fields.iter().all(|f| zero(&f.old)) => false,
        DiffType::Edited => o.fields.iter().any(loses_field) || o.objects.iter().any(loses_object),
        DiffType::Added | DiffType::None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_name_their_changed_fields_and_objects() {
        let f = |ty, name: &str| FieldDiff {
            ty,
            name: name.to_string(),
            old: String::new(),
            new: String::new(),
            annotations: Vec::new(),
        };
        let o = |ty, name: &str| ObjectDiff {
            ty,
            name: name.to_string(),
            fields: Vec::new(),
            objects: Vec::new(),
        };
        let mut out = Vec::new();
        objects(
            "group \"g\"",
            &[
                f(DiffType::None, "Count"),
                f(DiffType::Edited, "KillTimeout"),
            ],
            &[
                o(DiffType::Deleted, "Template"),
                o(DiffType::None, "Update"),
                o(DiffType::Added, "RestartPolicy"),
            ],
            &mut out,
        );
        assert_eq!(out, ["group \"g\" KillTimeout", "group \"g\" Template"]);
    }
}
