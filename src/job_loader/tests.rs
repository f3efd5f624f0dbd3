use super::*;
use crate::vfs::MemVfs;

const JOB: &str = r#"
variable "n" {
  type = number
}
job "web" {
  datacenters = ["dc1"]
  group "g" {
    count = var.n
    task "t" {
      driver = "docker"
      config { image = "nginx:1" }
    }
  }
}
"#;

fn files() -> MemVfs {
    let mut m = MemVfs::new("loader test");
    m.insert("web.nomad", JOB);
    m
}

#[test]
fn flags_set_variables_and_a_var_without_equals_is_a_warning() {
    let l = JobLoader::from_flags(
        &["n=3".to_string(), "m".to_string()],
        &[],
        NomadVersion::CURRENT,
        PathBuf::from("/p"),
    );
    let job = l.job(&files(), Path::new("web.nomad")).unwrap();
    assert_eq!(job.groups[0].count, 3);
    assert_eq!(l.warnings().len(), 1);
    assert_eq!(l.opts.repo_root.as_deref(), Some(Path::new("/p")));
}

#[test]
fn a_plain_loader_sets_no_variable_and_the_failure_keeps_its_diagnostics() {
    let l = JobLoader::plain(NomadVersion::CURRENT, PathBuf::from("/p"));
    let failed = l.job(&files(), Path::new("web.nomad")).unwrap_err();
    assert!(failed.diags.has_errors());
    assert!(failed.diags.iter().any(|d| d.message.contains('n')));
}

#[test]
fn job_file_loads_job_files_skips_other_hcl_and_returns_the_read_error() {
    let l = JobLoader::from_flags(
        &["n=2".to_string()],
        &[],
        NomadVersion::CURRENT,
        PathBuf::from("/p"),
    );
    let mut m = files();
    m.insert(
        "policy.hcl",
        "namespace \"ops\" {\n  policy = \"read\"\n}\n",
    );
    let parsed = l.job_file(&m, Path::new("web.nomad")).unwrap().unwrap();
    assert_eq!(parsed.job.unwrap().groups[0].count, 2);
    assert!(l.job_file(&m, Path::new("policy.hcl")).unwrap().is_none());
    assert!(l.job_file(&m, Path::new("gone.nomad")).is_err());
}

/// [`JOB`] without its variable, its image written as `image`.
fn fixed(image: &str) -> String {
    JOB.replace("variable \"n\" {\n  type = number\n}\n", "")
        .replace("var.n", "2")
        .replace("\"nginx:1\"", image)
}

/// `known` stands in for a load only when the load could not have come
/// out otherwise: same text, same options, nothing read besides them.
#[test]
fn a_known_job_stands_in_only_for_the_same_closed_load() {
    let plain = JobLoader::plain(NomadVersion::CURRENT, PathBuf::from("/p"));
    let text = fixed("\"nginx:1\"");
    let mut m = MemVfs::new("loader test");
    m.insert("a.nomad", text.as_str());
    // Another path, same text: the path reaches only functions and
    // diagnostics, so the job is the same.
    m.insert("other/b.nomad", text.as_str());
    let job = plain.job(&m, Path::new("a.nomad")).unwrap();
    let from_b = plain.job(&m, Path::new("other/b.nomad")).unwrap();
    assert!(plain.known(&text, [&job]).is_some());
    assert!(plain.known(&text, [&from_b]).is_some());
    // Other text, other options (a variable, another version), a copy.
    assert!(plain
        .known(&text.replace("nginx:1", "nginx:2"), [&job])
        .is_none());
    let with_var = JobLoader::from_flags(&["n=2".into()], &[], NomadVersion::CURRENT, "/p".into());
    assert!(with_var.known(&text, [&job]).is_none());
    let older = JobLoader::plain(NomadVersion::new(1, 6, 0), PathBuf::from("/p"));
    assert!(older.known(&text, [&job]).is_none());
    assert!(plain.known(&text, [&job.clone()]).is_none());
}

/// A load that read a file, the clock, randomness or a variables file
/// depends on more than its text: it is never known.
#[test]
fn a_load_that_reads_outside_its_text_is_never_known() {
    let plain = JobLoader::plain(NomadVersion::CURRENT, PathBuf::from("/p"));
    let mut m = MemVfs::new("loader test");
    m.insert("img.txt", "nginx:1");
    m.insert("vars.hcl", "n = 2\n");
    for call in [
        "file(\"img.txt\")",
        "fileexists(\"img.txt\") ? \"a\" : \"b\"",
        "basename(\"x\")",
        "uuidv4()",
    ] {
        let text = fixed(call);
        m.insert("a.nomad", text.as_str());
        let job = plain.job(&m, Path::new("a.nomad")).unwrap();
        assert!(job.closed.0.is_none(), "{call}");
        assert!(plain.known(&text, [&job]).is_none(), "{call}");
    }
    // A pure function keeps the load closed.
    let text = fixed("upper(\"nginx:1\")");
    m.insert("a.nomad", text.as_str());
    assert!(plain
        .job(&m, Path::new("a.nomad"))
        .unwrap()
        .closed
        .0
        .is_some());
    // The variables file's content is not in the options, only its name.
    let var_file = JobLoader::from_flags(
        &[],
        &[PathBuf::from("vars.hcl")],
        NomadVersion::CURRENT,
        "/p".into(),
    );
    m.insert("a.nomad", JOB);
    let job = var_file.job(&m, Path::new("a.nomad")).unwrap();
    assert_eq!(job.groups[0].count, 2);
    assert!(job.closed.0.is_none());
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("np-job-cache-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|r| r.flatten().map(|e| e.path()).collect())
        .unwrap_or_default()
}

/// Load `a.nomad` of `m` through the cache in `dir`.
fn through(l: &JobLoader, dir: &Path, m: &MemVfs) -> LoadedJob {
    let source = m.read(Path::new("a.nomad")).unwrap();
    l.load_job_in(Some(dir), m, source)
}

/// A miss loads and keeps the job; a hit gives the same job, spans,
/// file and proof of closedness included (the `Debug` form holds all
/// but the proof, which `known` tests).
#[test]
fn a_cache_hit_is_the_load_it_stands_for() {
    let dir = scratch("hit");
    let plain = JobLoader::plain(NomadVersion::CURRENT, PathBuf::from("/p"));
    let text = fixed("\"nginx:1\"");
    let mut m = MemVfs::new("loader test");
    m.insert("a.nomad", text.as_str());
    let fresh = plain.load(&m, Path::new("a.nomad"));
    let miss = through(&plain, &dir, &m);
    assert_eq!(entries(&dir).len(), 1, "the miss kept its job");
    let hit = through(&plain, &dir, &m);
    for got in [&miss, &hit] {
        assert_eq!(format!("{:?}", got.job), format!("{:?}", fresh.job));
        assert!(got.diags.is_empty());
        assert!(plain.known(&text, got.job.as_ref()).is_some());
    }
    // The hit really came from the entry: the file's own job is not
    // what an edited entry holds.
    let key = cache::key(&text, &plain.opts).unwrap();
    let mut edited = fresh.job.clone().unwrap();
    edited.priority = 77;
    cache::store(&dir, &key, &edited);
    assert_eq!(through(&plain, &dir, &m).job.unwrap().priority, 77);
    // Other options are another key: loaded, not read.
    let older = JobLoader::plain(NomadVersion::new(1, 6, 0), PathBuf::from("/p"));
    assert_ne!(through(&older, &dir, &m).job.unwrap().priority, 77);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A damaged, truncated or foreign entry is passed over: the file is
/// loaded (and the entry written again).
#[test]
fn a_damaged_entry_is_ignored() {
    let dir = scratch("damaged");
    let plain = JobLoader::plain(NomadVersion::CURRENT, PathBuf::from("/p"));
    let text = fixed("\"nginx:1\"");
    let mut m = MemVfs::new("loader test");
    m.insert("a.nomad", text.as_str());
    let fresh = format!("{:?}", plain.load(&m, Path::new("a.nomad")).job);
    through(&plain, &dir, &m);
    let path = entries(&dir).pop().unwrap();
    let good = std::fs::read(&path).unwrap();
    let key = cache::key(&text, &plain.opts).unwrap();
    let mut flipped = good.clone();
    *flipped.last_mut().unwrap() ^= 0x55;
    let mut other_key = good.clone();
    other_key[8] ^= 1;
    for bad in [
        good[..good.len() / 2].to_vec(),
        good[..10].to_vec(),
        flipped,
        other_key,
        Vec::new(),
    ] {
        assert!(cache::decode(&bad, &key).is_none());
        std::fs::write(&path, &bad).unwrap();
        let got = through(&plain, &dir, &m);
        assert_eq!(format!("{:?}", got.job), fresh);
    }
    // A payload with a right checksum that does not decode.
    let junk = crate::cache_dir::seal(cache::MAGIC, &key, b"\xff\xff\xff");
    assert!(cache::decode(&junk, &key).is_none());
    let _ = std::fs::remove_dir_all(&dir);
}

/// A load that read a file, or said anything, is never kept: its job
/// is not the whole of what its text and options give.
#[test]
fn only_closed_loads_without_diagnostics_are_kept() {
    let dir = scratch("closed");
    let plain = JobLoader::plain(NomadVersion::CURRENT, PathBuf::from("/p"));
    let mut m = MemVfs::new("loader test");
    m.insert("img.txt", "nginx:1");
    m.insert("a.nomad", fixed("file(\"img.txt\")").as_str());
    let read_a_file = through(&plain, &dir, &m);
    assert_eq!(
        read_a_file.job.unwrap().groups[0].tasks[0].config["image"],
        crate::jobspec::Value::String("nginx:1".into())
    );
    // Unset variable: an error, and no job worth keeping.
    m.insert("a.nomad", JOB);
    assert!(through(&plain, &dir, &m).diags.has_errors());
    assert!(entries(&dir).is_empty(), "{:?}", entries(&dir));
    // The file changes: the next load reads the new content.
    m.insert("img.txt", "nginx:2");
    m.insert("a.nomad", fixed("file(\"img.txt\")").as_str());
    let again = through(&plain, &dir, &m).job.unwrap();
    assert_eq!(
        again.groups[0].tasks[0].config["image"],
        crate::jobspec::Value::String("nginx:2".into())
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_file_s_namespace_wins_over_the_flag() {
    let l = JobLoader::from_flags(
        &["n=1".to_string()],
        &[],
        NomadVersion::CURRENT,
        PathBuf::from("/p"),
    );
    let job = l.job(&files(), Path::new("web.nomad")).unwrap();
    assert_eq!(with_namespace(job.clone(), Some("ops")).namespace, "ops");
    let mut m = MemVfs::new("loader test");
    m.insert(
        "ns.nomad",
        JOB.replace("job \"web\" {", "job \"web\" {\n  namespace = \"team\""),
    );
    let written = l.job(&m, Path::new("ns.nomad")).unwrap();
    assert_eq!(with_namespace(written, Some("ops")).namespace, "team");
}
