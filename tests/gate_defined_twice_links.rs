//! A second definition (NP229, `policy::defined-twice`) counts files and jobs as Nomad does (R18-E-2,
//! R18-E-3). One file named through a link and by its own path is one
//! definition: `nomad job run jobs/X` opens the file the link leads to
//! (command/helpers.go `JobGetter.Get`@v1.9.7). A job of another region is
//! another job: `nomad job run` sends it to its own `region`
//! (command/job_run.go@v0.9.3:164-167 `SetRegion`, Job.Register forwarding
//! it, nomad/job_endpoint.go@v0.9.3:60), a region the world does not model
//! and NP224's cannot tell.

use crate::common;

use common::{finding_codes, git, has_finding, output_text, TempDir};

/// The demo's running jobs (`running` naming jobs/*.nomad) committed on
/// `main`, the monitoring job (a quota error of its own) left out.
fn repo(name: &str) -> TempDir {
    let d = TempDir::demo(name);
    let _ = std::fs::remove_file(d.0.join("jobs/monitoring.nomad"));
    git(&d.0, &["init", "-q", "-b", "main"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "base"]);
    d
}

/// `check ARGS --format json`'s (code, severity) pairs and exit code.
fn check(d: &TempDir, args: &[&str]) -> (Vec<(String, String)>, Option<i32>, String) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let out = d.run(&all);
    (
        finding_codes(&out.stdout),
        out.status.code(),
        output_text(&out),
    )
}

fn twice(found: &[(String, String)]) -> bool {
    found
        .iter()
        .any(|(c, _)| c == "NP229" || c == "policy::defined-twice")
}

/// `git mv jobs releases/v1; ln -s releases/v1 jobs`, committed.
fn relinked(name: &str) -> TempDir {
    let d = repo(name);
    std::fs::create_dir_all(d.0.join("releases")).expect("mkdir");
    git(&d.0, &["mv", "jobs", "releases/v1"]);
    std::os::unix::fs::symlink("releases/v1", d.0.join("jobs")).expect("link");
    git(&d.0, &["add", "jobs"]);
    git(&d.0, &["commit", "-qm", "relink"]);
    d
}

/// The staged change passes `check --staged` (no defined-twice) and
/// `plan --changed --staged --gate` (exit 0, no refusal): the gate's text.
fn both_gates_pass(d: &TempDir) -> String {
    let (found, code, text) = check(d, &["--staged"]);
    assert!(!twice(&found), "{text}");
    assert_eq!(code, Some(0), "{text}");
    let plan = d.run(&["plan", "--changed", "--staged", "--gate"]);
    let text = output_text(&plan);
    assert!(!text.contains("defines protected job"), "{text}");
    assert_eq!(plan.status.code(), Some(0), "{text}");
    text
}

#[test]
fn a_running_file_reached_through_a_link_is_not_defined_twice_in_a_tree() {
    let d = relinked("twice-link-tree");
    let (found, code, text) = check(&d, &[]);
    assert!(!twice(&found), "{text}");
    assert_eq!(code, Some(0), "{text}");
}

#[test]
fn editing_the_file_behind_the_link_is_one_definition_for_both_gates() {
    let d = relinked("twice-link-edit");
    let ui = d.0.join("releases/v1/sockshopui.nomad");
    let body = std::fs::read_to_string(&ui).expect("ui");
    let edited = body.replacen("attempts = 10", "attempts = 9", 1);
    assert_ne!(body, edited, "the demo's sockshopui changed");
    d.put("releases/v1/sockshopui.nomad", &edited);
    git(&d.0, &["add", "-A"]);
    both_gates_pass(&d);
}

#[test]
fn a_folder_replaced_by_a_link_to_its_copy_is_each_job_once() {
    let d = repo("twice-link-switch");
    let copy = d.0.join("releases/v2");
    std::fs::create_dir_all(&copy).expect("mkdir");
    for f in ["sockshop.nomad", "sockshopui.nomad"] {
        std::fs::copy(d.0.join("jobs").join(f), copy.join(f)).expect("cp");
    }
    git(&d.0, &["rm", "-rq", "jobs"]);
    std::os::unix::fs::symlink("releases/v2", d.0.join("jobs")).expect("link");
    git(&d.0, &["add", "-A"]);
    let text = both_gates_pass(&d);
    // git lists `R jobs/X -> releases/v2/X`: one file each, not two steps.
    assert!(text.contains("==> 2 job file(s) changed"), "{text}");
}

/// The demo's sockshopui with `region = REGION` written first.
fn in_region(d: &TempDir, id: &str, region: &str) -> String {
    let body = std::fs::read_to_string(d.0.join("jobs/sockshopui.nomad")).expect("ui");
    let label = "job \"sockshopui\" {";
    assert!(body.contains(label), "{body}");
    body.replacen(
        label,
        &format!("job \"{id}\" {{\n  region = \"{region}\""),
        1,
    )
}

/// `check --staged` of a new file `envs/DIR/sockshopui.nomad` defining
/// the running job sockshopui in `region`.
fn staged_copy_in(name: &str, region: &str) -> (Vec<(String, String)>, Option<i32>, String) {
    let d = repo(name);
    let body = in_region(&d, "sockshopui", region);
    d.put(&format!("envs/{region}/sockshopui.nomad"), &body);
    git(&d.0, &["add", "-A"]);
    check(&d, &["--staged"])
}

#[test]
fn a_running_job_of_another_region_is_another_job_and_cannot_tell_stays() {
    let (found, code, text) = staged_copy_in("twice-region-eu", "eu");
    assert!(!twice(&found), "{text}");
    assert!(has_finding(&found, "NP224", "error"), "{text}");
    assert_eq!(code, Some(2), "{text}");
}

#[test]
fn one_job_id_in_two_unmodelled_regions_is_not_defined_twice() {
    let d = repo("twice-region-ab");
    d.put("envs/a/batchy.nomad", &in_region(&d, "batchy", "a"));
    d.put("envs/b/batchy.nomad", &in_region(&d, "batchy", "b"));
    git(&d.0, &["add", "-A"]);
    let (found, code, text) = check(&d, &["--staged"]);
    assert!(!twice(&found), "{text}");
    assert_eq!(code, Some(2), "{text}");
}

/// Guard (passes on the baseline too): the world's own region written out
/// is still the running job's region, so the second file is still flagged.
#[test]
fn the_worlds_own_region_written_out_is_still_defined_twice() {
    let (found, code, text) = staged_copy_in("twice-region-global", "global");
    assert!(
        has_finding(&found, "policy::defined-twice", "error"),
        "{text}"
    );
    assert_eq!(code, Some(1), "{text}");
}

/// The running file named from outside the project, through a link to the
/// project (`--world ../link/rules`, or `check ../link/jobs/x.nomad`) or
/// with a `..` after a link (`../jobs-link/../jobs/x.nomad`, which the
/// kernel climbs from the link's target): one file, the world's own, never
/// its second definition (stop 59 Left 2: those paths were compared
/// lexically). A copy elsewhere is still one.
#[test]
fn the_running_file_named_outside_the_root_through_a_link_is_one_file() {
    let d = repo("twice-outside");
    let cwd = TempDir::new("twice-outside-cwd");
    let name = |p: &std::path::Path| p.file_name().expect("name").to_string_lossy().into_owned();
    let proj = name(&d.0);
    let link = d.0.with_file_name(format!("{proj}-link"));
    let jobs_link = d.0.with_file_name(format!("{proj}-jobs"));
    for (at, to) in [(&link, d.0.clone()), (&jobs_link, d.0.join("jobs"))] {
        let _ = std::fs::remove_file(at);
        std::os::unix::fs::symlink(to, at).expect("link");
    }
    let (l, j) = (name(&link), name(&jobs_link));
    let cases = [
        (
            format!("../{l}/rules"),
            format!("../{proj}/jobs/sockshop.nomad"),
        ),
        (
            format!("../{proj}/rules"),
            format!("../{l}/jobs/sockshop.nomad"),
        ),
        (
            format!("../{proj}/rules"),
            format!("../{j}/../jobs/sockshop.nomad"),
        ),
    ];
    for (world, file) in &cases {
        let out = cwd.run(&["check", "--format", "json", "--world", world, file]);
        let (found, text) = (finding_codes(&out.stdout), output_text(&out));
        assert!(!twice(&found), "{world} {file}: {text}");
        assert_eq!(out.status.code(), Some(0), "{world} {file}: {text}");
    }
    // A copy in the checked folder is a second definition: the world's
    // file, outside that folder's project, was taken as gone (a false
    // all-clear on the baseline too).
    cwd.put(
        "copy/sockshop.nomad",
        &std::fs::read_to_string(d.0.join("jobs/sockshop.nomad")).expect("job"),
    );
    let world = format!("../{l}/rules");
    let out = cwd.run(&[
        "check",
        "--format",
        "json",
        "--world",
        &world,
        "copy/sockshop.nomad",
    ]);
    let (found, text) = (finding_codes(&out.stdout), output_text(&out));
    assert!(twice(&found), "{text}");
    for at in [&link, &jobs_link] {
        let _ = std::fs::remove_file(at);
    }
}
