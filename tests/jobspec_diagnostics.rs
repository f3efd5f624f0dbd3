//! Rendered diagnostics for our own broken job files: every problem in a
//! file is reported, located, coded and with a help line.

use std::path::Path;

use nomad_preflight::jobspec::{self, LoadOptions};
use nomad_preflight::vfs::DiskVfs;

fn render(name: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let vfs = DiskVfs::new(root);
    let opts = LoadOptions {
        repo_root: Some(root.join("tests/fixtures/jobspec")),
        ..LoadOptions::default()
    };
    let parsed = jobspec::load(&vfs, &Path::new("tests/fixtures/jobspec").join(name), &opts);
    assert!(!parsed.diags.is_empty(), "{name} should have diagnostics");
    for d in parsed.diags.iter() {
        assert!(
            d.location().is_some(),
            "{name}: unlocated diagnostic {}",
            d.message
        );
        assert!(d.help.is_some(), "{name}: no help for {}", d.message);
    }
    nomad_preflight::diag::render(&parsed.diags.0, false)
}

macro_rules! diag_snapshots {
    ($($test:ident => $file:literal),* $(,)?) => {$(
        #[test]
        fn $test() {
            assert_snap!(concat!("jobspec_diag_", stringify!($test)), render($file));
        }
    )*};
}

diag_snapshots! {
    unknown_key => "unknown_key.nomad",
    wrong_type => "wrong_type.nomad",
    priority_zero => "priority_zero.nomad",
    count_negative => "count_negative.nomad",
    duplicate_group => "duplicate_group.nomad",
    bad_port_label => "bad_port_label.nomad",
    missing_variable => "missing_variable.nomad",
    locals_cycle => "locals_cycle.nomad",
    hcl1_syntax => "hcl1_syntax.nomad",
    hcl1_oneline_block => "hcl1_oneline_block.nomad",
    file_outside_repo => "file_outside_repo.nomad",
    syntax_error => "syntax_error.nomad",
    variable_validation => "variable_validation.nomad",
    multiple_problems => "multiple_problems.nomad",
}

/// A local whose `file()` fails reports that failure once: the template
/// reading the local is not blamed for an "undeclared local" as well.
#[test]
fn a_failed_local_is_reported_once_not_again_at_each_reference() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut vfs = nomad_preflight::vfs::MemVfs::new("test");
    vfs.insert(
        Path::new("file.nomad"),
        "locals {\n  conf = file(\"missing.conf\")\n}\njob \"f\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      template {\n        data        = local.conf\n        destination = \"local/a\"\n      }\n    }\n  }\n}\n",
    );
    let opts = LoadOptions {
        repo_root: Some(root.to_path_buf()),
        ..LoadOptions::default()
    };
    let parsed = jobspec::load(&vfs, Path::new("file.nomad"), &opts);
    let codes: Vec<&str> = parsed.diags.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes, ["jobspec::file"], "{:?}", parsed.diags);
}
