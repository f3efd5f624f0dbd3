//! Unit tests of the job loader (mod.rs): `-var` flags, sugar blocks,
//! diagnostics in file order, the job block count, dynamic blocks.

use super::*;

pub(crate) fn load_text(text: &str) -> ParsedJob {
    let mut mem = crate::vfs::MemVfs::new("test");
    mem.insert("t.nomad", text);
    load(&mem, Path::new("t.nomad"), &LoadOptions::default())
}

#[test]
fn var_flags_split_at_the_first_equals_and_ignore_a_bare_name() {
    let args: Vec<String> = ["a=1", "b=x=y", "bare", "c="]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let (vars, warnings) = parse_var_flags(&args);
    let want: Vec<(String, String)> = [("a", "1"), ("b", "x=y"), ("c", "")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    assert_eq!(vars, want);
    assert_eq!(warnings.len(), 1);
    assert!(warnings.0[0]
        .message
        .starts_with("-var \"bare\" has no `=`"));
    // In the environment's order, not the names' (jobspec2 ranges over
    // os.Environ()).
    let env = nomad_var_env(
        [
            ("NOMAD_VAR_y", "0"),
            ("NOMAD_VAR_x", "1"),
            ("OTHER", "2"),
            ("NOMAD_VAR_", "3"),
        ]
        .iter()
        .map(|(k, v)| (k.into(), v.into())),
    );
    let names: Vec<&str> = env.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, ["y", "x", ""]);
    assert_eq!(env[1].1, "1");
}

#[test]
fn constraint_sugar_and_legacy_networks() {
    let p = load_text(
        "job \"j\" {\n  group \"g\" {\n    constraint {\n      distinct_hosts = true\n    }\n    task \"a\" {\n      driver = \"exec\"\n      resources {\n        network {\n          port \"http\" {}\n        }\n      }\n      service {\n        port = \"http\"\n      }\n    }\n    task \"b\" {\n      driver = \"exec\"\n      resources {\n        network {\n          port \"http\" {\n            static = \"8099\"\n          }\n        }\n      }\n    }\n  }\n}\n",
    );
    assert!(p.is_valid(), "{}", crate::diag::render(&p.diags.0, false));
    let g = &p.job.as_ref().unwrap().groups[0];
    assert_eq!(g.constraints[0].operand, "distinct_hosts");
    // Each task's legacy network is its own label scope.
    assert_eq!(
        g.tasks[1].resources.networks[0].reserved_ports[0].value,
        8099
    );
    assert_eq!(g.tasks[0].services[0].name, "j-g-a");
}

#[test]
fn every_problem_is_reported_in_file_order() {
    let p = load_text(
        "job \"j\" {\n  priority = 101\n  bogus = 1\n  group \"g\" {\n    count = -2\n  }\n}\n",
    );
    let codes: Vec<&str> = p.diags.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(
        codes,
        // The group's "no tasks" sits on its label, before `count`.
        [
            "jobspec::range",
            "jobspec::unknown-key",
            "jobspec::missing",
            "jobspec::range"
        ]
    );
}

#[test]
fn no_job_block_and_two_job_blocks() {
    assert!(load_text("locals {\n}\n")
        .diags
        .iter()
        .any(|d| d.code == "jobspec::missing"));
    // From 1.0 jobspec2's decodeBody returns at the top level's unknown
    // keys, before it looks for the job block.
    let codes: Vec<String> = load_text("x = 1\n")
        .diags
        .iter()
        .map(|d| d.code.clone())
        .collect();
    assert_eq!(codes, ["jobspec::unknown-key"]);
    let two = load_text("job \"a\" {\n}\njob \"b\" {\n}\n");
    // Nomad's words for the default release (duplicate_job.rs has each era's).
    let words = [
        "error parsing 'job': only one 'job' block allowed",
        "Duplicate job block; Only one block of type \"job\" is allowed. Previous definition was at t.nomad:1,1-8.",
    ];
    assert!(
        two.diags
            .iter()
            .any(|d| words.contains(&d.message.as_str())),
        "{:?}",
        two.diags.iter().map(|d| &d.message).collect::<Vec<_>>()
    );
}

#[test]
fn dynamic_blocks_with_iterator() {
    let p = load_text(
        "locals {\n  envs = [\"a\", \"b\"]\n}\njob \"j\" {\n  group \"g\" {\n    dynamic \"task\" {\n      for_each = local.envs\n      iterator = e\n      labels   = [\"t-${e.value}\"]\n      content {\n        driver = \"exec\"\n        env {\n          IDX = e.key\n        }\n      }\n    }\n  }\n}\n",
    );
    assert!(p.is_valid(), "{}", crate::diag::render(&p.diags.0, false));
    let names: Vec<String> = p.job.unwrap().groups[0]
        .tasks
        .iter()
        .map(|t| format!("{}:{}", t.name, t.env["IDX"]))
        .collect();
    assert_eq!(names, ["t-a:0", "t-b:1"]);
}
