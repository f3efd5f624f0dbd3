//! The library called in process, as the diff and jobspec tests read a
//! job file (split from common/mod.rs, which passed 600 lines).

/// A job file's text loaded as `version` reads it, diagnostics and all.
pub fn parse_job(
    text: &str,
    version: nomad_preflight::version::NomadVersion,
) -> nomad_preflight::jobspec::ParsedJob {
    let mut vfs = nomad_preflight::vfs::MemVfs::new("t");
    vfs.insert("j.nomad", text);
    let opts = nomad_preflight::jobspec::LoadOptions {
        version,
        ..Default::default()
    };
    nomad_preflight::jobspec::load(&vfs, std::path::Path::new("j.nomad"), &opts)
}

/// A job file's text loaded as `version` reads it; the file must be valid.
pub fn load_job(
    text: &str,
    version: nomad_preflight::version::NomadVersion,
) -> nomad_preflight::jobspec::Job {
    let p = parse_job(text, version);
    assert!(p.is_valid(), "{:?}", p.diags);
    p.job.expect("job")
}

/// The annotated 2.0.5 diff of two job files (`contextual` as `nomad job
/// plan` asks for it), as the diff tests read it.
pub fn diff_205(old: &str, new: &str, contextual: bool) -> nomad_preflight::diff::JobDiff {
    let v = nomad_preflight::version::NomadVersion::new(2, 0, 5);
    let (o, n) = (load_job(old, v), load_job(new, v));
    let mut d = nomad_preflight::diff::job_diff_with(Some(&o), Some(&n), v, contextual);
    nomad_preflight::planner::annotate::annotate(&mut d, &Default::default());
    d
}

/// A FieldDiff as Nomad's JSON writes it (no annotations).
pub fn field_json(ty: &str, name: &str, old: &str, new: &str) -> serde_json::Value {
    serde_json::json!({"Type": ty, "Name": name, "Old": old, "New": new, "Annotations": null})
}

pub fn to_json<T: serde::Serialize>(x: &T) -> serde_json::Value {
    serde_json::to_value(x).expect("json")
}
