//! `validate` exit codes follow `nomad job validate`: 0 valid, 1 invalid,
//! 255 for usage and I/O errors.

use std::path::PathBuf;

use nomad_preflight::cli::validate::{run, ValidateArgs};

fn args(file: &str, var: &[&str]) -> ValidateArgs {
    ValidateArgs {
        files: vec![PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(file)],
        var: var.iter().map(|s| s.to_string()).collect(),
        var_file: vec![],
        world: None,
        nomad_version: None,
        namespace: None,
        format: Default::default(),
    }
}

/// `datacenters` became optional in 1.5 (defaulting to "*"): validate
/// judges by the version it is given, directly or through the world that
/// `check` and `plan` use (the demo world runs 0.9.3).
#[test]
fn the_version_decides_and_the_world_gives_it() {
    let file = "tests/fixtures/jobspec/no_datacenters.nomad";
    let at = |v: &str| ValidateArgs {
        nomad_version: Some(v.parse().expect("version")),
        ..args(file, &[])
    };
    assert_eq!(run(&at("1.4.0"), false), 1);
    assert_eq!(run(&at("1.5.0"), false), 0);
    let demo = ValidateArgs {
        world: Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("rules")),
        ..args(file, &[])
    };
    assert_eq!(run(&demo, false), 1);
    // Without flags, the world found upwards (this checkout's rules/, as
    // check and plan find it) gives the version.
    assert_eq!(run(&args(file, &[]), false), 1);
    // With no world on disk, the demo world compiled in judges (0.9.3),
    // as it does for plan and check, and says so; --nomad-version names
    // another release.
    let dir = std::env::temp_dir().join(format!("np-validate-noworld-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(file);
    std::fs::copy(&src, dir.join("job.nomad")).expect("copy");
    let validate = |extra: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_nomad-preflight"))
            .args(["validate", "job.nomad"])
            .args(extra)
            .current_dir(&dir)
            .output()
            .expect("run")
    };
    let o = validate(&[]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("using the demo world"), "{err}");
    let o = validate(&["--nomad-version", "2.0.5"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Exit codes, judged as the newest release (this checkout's world runs 0.9.3).
#[test]
fn exit_codes() {
    let args = |file: &str, var: &[&str]| ValidateArgs {
        nomad_version: Some(nomad_preflight::version::NomadVersion::CURRENT),
        ..args(file, var)
    };
    assert_eq!(run(&args("jobs/sockshop.nomad", &[]), false), 0);
    assert_eq!(
        run(
            &args("tests/fixtures/jobspec/priority_zero.nomad", &[]),
            false
        ),
        1
    );
    // A file Nomad's JobGetter cannot fetch: `nomad job validate` returns
    // 1 there (command/job_validate.go, v0.9.3-v2.0.5; plan returns 255).
    assert_eq!(
        run(
            &args("tests/fixtures/jobspec/no-such-file.nomad", &[]),
            false
        ),
        1
    );
    // The file's region becomes "eu", which this checkout's world (region
    // "global") does not describe: `nomad job validate` sends the job to
    // that region (command/job_validate.go), so the answer is cannot tell
    // (R9-3, tests/job_region.rs).
    assert_eq!(
        run(
            &args("tests/fixtures/jobspec/hcl2/app.nomad.hcl", &["region=eu"]),
            false
        ),
        255
    );
    assert_eq!(
        run(
            &args("tests/fixtures/jobspec/hcl2/app.nomad.hcl", &[]),
            false
        ),
        1
    );
    // `-var novalue` (no `=`): Nomad's jobspec2 ignores it, and so does
    // every command here (one parser), with a warning.
    assert_eq!(run(&args("jobs/sockshop.nomad", &["novalue"]), false), 0);
}

/// One behaviour for `-var foo` in validate, plan and check: ignored as
/// Nomad ignores it, with the same warning on stderr.
#[test]
fn a_var_without_value_is_ignored_alike_by_every_command() {
    let root = env!("CARGO_MANIFEST_DIR");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_nomad-preflight"))
            .current_dir(root)
            .args(args)
            .output()
            .expect("the binary runs")
    };
    let warning = "-var \"novalue\" has no `=`: Nomad ignores it, so it sets nothing";
    for (args, code) in [
        (
            &["validate", "-var", "novalue", "jobs/sockshopui.nomad"][..],
            0,
        ),
        (&["plan", "-var", "novalue", "jobs/monitoring.nomad"][..], 1),
        (
            &["check", "-var", "novalue", "jobs/sockshopui.nomad"][..],
            0,
        ),
    ] {
        let out = run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(warning), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
    }
}

#[test]
fn both_var_spellings_parse() {
    use clap::Parser;
    #[derive(clap::Parser)]
    struct Cli {
        #[command(flatten)]
        v: ValidateArgs,
    }
    let c = Cli::try_parse_from(["x", "--var", "a=1", "--var-file", "f.hcl", "job.nomad"]).unwrap();
    assert_eq!(
        (c.v.var, c.v.var_file.len(), c.v.files.len()),
        (vec!["a=1".to_string()], 1, 1)
    );
}
