//! Unit tests of the change set (kept beside it, split out for size).

use super::*;
use crate::vfs::MemVfs;

fn job_text(id: &str) -> String {
    format!("job \"{id}\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n    }}\n  }}\n}}\n")
}

pub(super) fn set(changes: Vec<Change>) -> ChangeSet {
    ChangeSet {
        range: Range::new(PathBuf::from("/repo"), true, None, None),
        changes,
        ignored: Vec::new(),
        configs: None,
        scope: Vec::new(),
        outside: Vec::new(),
        readers: BTreeMap::new(),
        by_text: BTreeSet::new(),
        keep_excluded: false,
    }
}

fn loader() -> JobLoader {
    JobLoader::plain(
        crate::version::NomadVersion::CURRENT,
        PathBuf::from("/repo"),
    )
}

fn parsed(vfs: &MemVfs, p: &str) -> NewVersion {
    NewVersion::of(&loader().load(vfs, Path::new(p)))
}

#[test]
fn steps_pair_moves_stop_replaced_jobs_and_keep_path_order() {
    let mut base = MemVfs::new("base");
    base.insert(Path::new("a/old.nomad"), job_text("moved"));
    base.insert(Path::new("b.nomad"), job_text("gone"));
    base.insert(Path::new("c.nomad"), job_text("first"));
    let mut head = MemVfs::new("head");
    head.insert(Path::new("z/new.nomad"), job_text("moved"));
    head.insert(Path::new("c.nomad"), job_text("second"));
    let cs = set(vec![
        Change::Deleted(PathBuf::from("a/old.nomad")),
        Change::Added(PathBuf::from("z/new.nomad")),
        Change::Deleted(PathBuf::from("b.nomad")),
        Change::Modified(PathBuf::from("c.nomad")),
        Change::Added(PathBuf::from("notes.md")),
    ]);
    let mut new = BTreeMap::new();
    for p in ["z/new.nomad", "c.nomad"] {
        new.insert(PathBuf::from(p), parsed(&head, p));
    }
    let steps = cs.steps(&new, &base, &loader(), None, &[]);
    let got: Vec<String> = steps
        .iter()
        .map(|s| format!("{} {} {}", s.path.display(), s.change, s.is_stop()))
        .collect();
    assert_eq!(
        got,
        vec![
            "b.nomad deleted true",
            "c.nomad no longer defines this job true",
            "c.nomad modified false",
            "z/new.nomad added false",
        ]
    );
    assert_eq!(
        cs.candidates(),
        vec![PathBuf::from("c.nomad"), PathBuf::from("z/new.nomad")]
    );
    assert_eq!(
        cs.deleted(),
        vec![PathBuf::from("a/old.nomad"), PathBuf::from("b.nomad")]
    );
}

#[test]
fn restrict_keeps_renames_touching_the_wanted_folder() {
    let mut cs = set(vec![
        Change::Renamed {
            from: PathBuf::from("jobs/a.nomad"),
            to: PathBuf::from("old/a.nomad"),
        },
        Change::Modified(PathBuf::from("other/b.nomad")),
    ]);
    cs.restrict(&[PathBuf::from("jobs")]);
    assert_eq!(cs.changes.len(), 1);
    assert_eq!(cs.changed(), vec![PathBuf::from("old/a.nomad")]);
}

#[test]
fn job_candidates_by_name() {
    assert!(is_job_candidate(Path::new("a/b.nomad.hcl")));
    assert!(is_job_candidate(Path::new("b.nomad")));
    assert!(is_job_candidate(Path::new("web.job")));
    assert!(!is_job_candidate(Path::new("b.md")));
}

/// A base version whose text a known (running) job was closed-loaded from
/// is that job, not loaded again. The known job's ID is edited in place
/// here, which no real load does, only to tell the two sources apart: the
/// stop names the known job's ID.
#[test]
fn a_base_version_the_world_already_loaded_is_not_loaded_again() {
    let mut base = MemVfs::new("base");
    base.insert(Path::new("c.nomad"), job_text("first"));
    base.insert(Path::new("d.nomad"), job_text("gone"));
    let mut head = MemVfs::new("head");
    head.insert(Path::new("c.nomad"), job_text("second"));
    let cs = set(vec![
        Change::Modified(PathBuf::from("c.nomad")),
        Change::Deleted(PathBuf::from("d.nomad")),
    ]);
    let mut new = BTreeMap::new();
    new.insert(PathBuf::from("c.nomad"), parsed(&head, "c.nomad"));
    let mut known = loader().job(&base, Path::new("c.nomad")).unwrap();
    known.id = "as-known".into();
    let running = [crate::world::RunningJob {
        path: PathBuf::from("c.nomad"),
        job: known,
        vars: Default::default(),
    }];
    let stops = |known: &[crate::world::RunningJob]| -> Vec<String> {
        cs.steps(&new, &base, &loader(), None, known)
            .iter()
            .filter_map(|s| match &s.action {
                Action::Stop { id, .. } => Some(id.clone()),
                _ => None,
            })
            .collect()
    };
    assert_eq!(stops(&running), ["as-known", "gone"]);
    assert_eq!(stops(&[]), ["first", "gone"]);
    // A copy carries no proof: loaded again.
    let copied = [crate::world::RunningJob {
        path: PathBuf::from("c.nomad"),
        job: running[0].job.clone(),
        vars: Default::default(),
    }];
    assert_eq!(stops(&copied), ["first", "gone"]);
}

#[test]
fn files_named_otherwise_are_job_files_by_their_text_on_either_side() {
    let p = PathBuf::from;
    let mut base = MemVfs::new("base");
    base.insert("deploy/gone", job_text("gone"));
    base.insert("deploy/was-a-job", job_text("was"));
    let mut head = MemVfs::new("head");
    head.insert("deploy/web", job_text("web"));
    head.insert("deploy/was-a-job", "now prose\n");
    head.insert("README.md", "job is done\ngroup chat {\n");
    head.insert("logo.bin", format!("\u{0}{}", job_text("hidden")));
    let mut cs = set(vec![
        Change::Added(p("deploy/web")),
        Change::Modified(p("deploy/was-a-job")),
        Change::Deleted(p("deploy/gone")),
        Change::Added(p("README.md")),
        Change::Added(p("logo.bin")),
    ]);
    assert!(cs.candidates().is_empty());
    assert!(cs.touches_other_names());
    cs.find_jobs_by_text(&head, &base);
    assert_eq!(
        cs.candidates(),
        vec![p("deploy/was-a-job"), p("deploy/web")]
    );
    assert!(cs.is_candidate(Path::new("deploy/gone")));
    assert!(!cs.is_candidate(Path::new("README.md")));
    assert!(!set(vec![Change::Added(p("jobs/web.nomad"))]).touches_other_names());
}

/// A job file deleted or moved away whose base gives no job is a step of
/// its own, "cannot tell" (at the new path for a rename); a modified one
/// (fixing a broken file) and a deleted file that was no job are not.
#[test]
fn a_deleted_or_moved_job_file_whose_base_does_not_load_cannot_tell() {
    let p = PathBuf::from;
    let broken = "job \"x\" {\n  datacenters = [\"dc1\"\n}\n";
    let mut base = MemVfs::new("base");
    for f in ["gone.nomad", "moved.nomad", "fixed.nomad"] {
        base.insert(Path::new(f), broken);
    }
    base.insert(Path::new("vars.hcl"), "image = \"redis\"\n");
    let mut head = MemVfs::new("head");
    head.insert(Path::new("z/moved.nomad"), job_text("moved"));
    head.insert(Path::new("fixed.nomad"), job_text("fixed"));
    let cs = set(vec![
        Change::Deleted(p("gone.nomad")),
        Change::Renamed {
            from: p("moved.nomad"),
            to: p("z/moved.nomad"),
        },
        Change::Modified(p("fixed.nomad")),
        Change::Deleted(p("vars.hcl")),
    ]);
    let mut new = BTreeMap::new();
    for f in ["z/moved.nomad", "fixed.nomad"] {
        new.insert(p(f), parsed(&head, f));
    }
    let steps = cs.steps(&new, &base, &loader(), None, &[]);
    let got: Vec<String> = steps
        .iter()
        .map(|s| match &s.action {
            Action::CannotTell(d) => format!("{} {}: {}", s.path.display(), s.change, d.message),
            _ => format!("{} {}", s.path.display(), s.change),
        })
        .collect();
    let line = |f: &str| {
        format!("cannot tell which job {f} defined at HEAD: its version there does not load (")
    };
    assert_eq!(got.len(), 4, "{got:#?}");
    assert_eq!(got[0], "fixed.nomad modified");
    assert!(
        got[1].starts_with(&format!("gone.nomad deleted: {}", line("gone.nomad"))),
        "{got:#?}"
    );
    assert!(
        got[2].starts_with(&format!(
            "z/moved.nomad renamed from moved.nomad: {}",
            line("moved.nomad")
        )),
        "{got:#?}"
    );
    assert_eq!(got[3], "z/moved.nomad renamed from moved.nomad");
    assert!(steps
        .iter()
        .all(|s| !matches!(&s.action, Action::CannotTell(d) if d.code != CANNOT_TELL)));
}

/// R22-A-1: the stop of a job whose file now defines another job leaves it
/// running for the later steps (`nomad job run` stops no other job) and
/// says so; a deleted file's stop frees its room.
#[test]
fn a_replaced_jobs_stop_keeps_it_running_and_a_deleted_ones_does_not() {
    use crate::rules::testing::{filler, simulate_running, small_world};
    let world = small_world(false);
    let sim = simulate_running(&world, &[filler("web", 50, 1000)]);
    let stop = |change| Step {
        path: PathBuf::from("jobs/web.nomad"),
        change,
        action: Action::Stop {
            namespace: "default".into(),
            id: "web".into(),
        },
        base_job: None,
    };
    let mut seq = Sequence::new(sim.clone());
    seq.apply(&stop(FileChange::JobReplaced));
    assert!(seq.sim().state.job("default", "web").is_some());
    assert!(seq.earlier().is_empty());
    let kept: Vec<&str> = seq.kept().iter().map(|a| a.setting.key()).collect();
    assert_eq!(kept, ["replaced_job_running"]);
    assert!(seq.kept()[0].line.starts_with("planned with job \"web\" (namespace \"default\") still running, which jobs/web.nomad no longer defines"));

    let mut seq = Sequence::new(sim);
    seq.apply(&stop(FileChange::Deleted));
    assert!(seq.kept().is_empty());
    assert_eq!(seq.earlier().len(), 1);
}
