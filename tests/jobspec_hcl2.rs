//! HCL2 evaluation as Nomad's jobspec2 does it: variables from defaults,
//! `NOMAD_VAR_*`, `-var-file` and `-var` (later wins), locals in any order,
//! dynamic blocks, for expressions, functions and run-time interpolations.

use std::path::{Path, PathBuf};

use nomad_preflight::jobspec::{self, Duration, LoadOptions, ParsedJob, Value};
use nomad_preflight::version::NomadVersion;
use nomad_preflight::vfs::{DiskVfs, MemVfs};

const DIR: &str = "tests/fixtures/jobspec/hcl2";

fn load(opts: LoadOptions) -> ParsedJob {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let vfs = DiskVfs::new(root);
    let opts = LoadOptions {
        repo_root: Some(root.join(DIR)),
        ..opts
    };
    jobspec::load(&vfs, &Path::new(DIR).join("app.nomad.hcl"), &opts)
}

fn region_var() -> Vec<(String, String)> {
    vec![("region".into(), "eu".into())]
}

#[test]
fn variables_locals_dynamic_and_functions() {
    let p = load(LoadOptions {
        vars: region_var(),
        ..LoadOptions::default()
    });
    assert!(
        p.is_valid(),
        "{}",
        nomad_preflight::diag::render(&p.diags.0, false)
    );
    let j = p.job.unwrap();
    assert_eq!(j.region, "eu");
    assert_eq!(j.datacenters, vec!["dc1"]);
    assert_eq!(j.priority, 40);
    let g = &j.groups[0];
    assert_eq!(g.count, 2);
    let labels: Vec<(&str, i64)> = g.networks[0]
        .dynamic_ports
        .iter()
        .map(|p| (p.label.as_str(), p.to))
        .collect();
    assert_eq!(labels, [("http", 8080), ("metrics", 9090)]);
    assert_eq!(g.services[0].name, "web-eu");
    assert_eq!(g.services[0].tags, vec!["HTTP", "METRICS"]);
    let t = &g.tasks[0];
    assert_eq!(
        t.config.get("image"),
        Some(&Value::String("nginx:1.25".into()))
    );
    assert_eq!(
        t.config.get("args"),
        Some(&Value::List(vec![Value::String("--default".into())]))
    );
    assert_eq!(
        t.env.get("NODE").map(String::as_str),
        Some("${node.unique.name}")
    );
    assert_eq!(
        t.env.get("ALLOC").map(String::as_str),
        Some("${NOMAD_ALLOC_ID}")
    );
    assert_eq!(
        t.env.get("JOINED").map(String::as_str),
        Some("http=8080,metrics=9090")
    );
    assert_eq!(
        t.templates[0].embedded_tmpl,
        "name=web-eu\nhttp:8080\nmetrics:9090\n"
    );
    // Group update = job update merged with the group's own fields.
    let u = g.update.as_ref().unwrap();
    assert_eq!(
        (u.max_parallel, u.canary, u.stagger),
        (2, 1, Duration::secs(20))
    );
    assert_eq!(j.update.as_ref().unwrap().canary, 0);
}

#[test]
fn later_sources_win_env_then_var_file_then_var() {
    let env = vec![
        ("replicas".to_string(), "5".to_string()),
        ("image_tag".to_string(), "env".to_string()),
    ];
    let p = load(LoadOptions {
        vars: vec![
            ("region".into(), "us".into()),
            ("image_tag".into(), "cli".into()),
        ],
        var_files: vec![PathBuf::from(DIR).join("prod.vars.hcl")],
        env_vars: env,
        ..LoadOptions::default()
    });
    assert!(
        p.is_valid(),
        "{}",
        nomad_preflight::diag::render(&p.diags.0, false)
    );
    let j = p.job.unwrap();
    // replicas: env 5, then var file 3.
    assert_eq!((j.priority, j.groups[0].count), (70, 6));
    assert_eq!(
        j.groups[0].tasks[0].config.get("image"),
        Some(&Value::String("nginx:cli".into()))
    );
}

#[test]
fn missing_required_variable_is_named() {
    let p = load(LoadOptions::default());
    let errors: Vec<_> = p.diags.iter().filter(|d| d.is_error()).collect();
    assert_eq!(
        errors.len(),
        1,
        "{}",
        nomad_preflight::diag::render(&p.diags.0, false)
    );
    assert_eq!(errors[0].code, "jobspec::missing-variable");
    assert!(errors[0].message.contains("\"region\""));
}

#[test]
fn wrongly_typed_variable_values_are_reported() {
    let p = load(LoadOptions {
        vars: vec![
            ("region".into(), "eu".into()),
            ("replicas".into(), "many".into()),
        ],
        ..LoadOptions::default()
    });
    assert!(p
        .diags
        .iter()
        .any(|d| d.code == "jobspec::var-file-value" && d.message.contains("replicas")));
}

#[test]
fn undeclared_cli_variables_are_errors() {
    let mut vars = region_var();
    vars.push(("replics".into(), "2".into()));
    let p = load(LoadOptions {
        vars,
        ..LoadOptions::default()
    });
    let d = p
        .diags
        .iter()
        .find(|d| d.message.contains("replics"))
        .expect("reported");
    assert_eq!(
        d.help.as_deref(),
        Some("did you mean \"replicas\"? only declared variables can be set")
    );
}

#[test]
fn defaults_follow_the_version() {
    let mut mem = MemVfs::new("test");
    mem.insert(
        "j.nomad",
        "job \"j\" {\n  group \"g\" {\n    task \"t\" {\n      driver = \"exec\"\n    }\n  }\n}\n",
    );
    let old = jobspec::load(
        &mem,
        Path::new("j.nomad"),
        &LoadOptions {
            version: NomadVersion::DEMO,
            ..LoadOptions::default()
        },
    );
    assert!(old
        .diags
        .iter()
        .any(|d| d.message == "Missing job datacenters"));
    let new = jobspec::load(&mem, Path::new("j.nomad"), &LoadOptions::default());
    assert!(
        new.is_valid(),
        "{}",
        nomad_preflight::diag::render(&new.diags.0, false)
    );
    let j = new.job.unwrap();
    assert_eq!(j.datacenters, vec!["*"]);
    assert_eq!(j.groups[0].tasks[0].resources.cpu, 100);
    assert!(!j.groups[0].tasks[0].resources.spans.written("cpu"));
}

#[test]
fn is_job_file_is_cheap_and_right() {
    assert!(jobspec::is_job_file(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/jobs/sockshop.nomad"))
            .unwrap()
    ));
    assert!(!jobspec::is_job_file("client {\n  enabled = true\n}\n"));
}
