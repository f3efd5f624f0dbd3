//! A UTF-8 byte order mark read as Nomad reads it (R24b). jobspec2's
//! isJSON (jobspec2/parse.go, v1.0.0 to v2.0.5) looks at a file's raw bytes:
//! a BOM'd `{...}` job or `-var-file` is HCL to it, and hclsyntax (which
//! drops the BOM) refuses the `{`. go-cty-yaml's reader drops a BOM that
//! starts a `yamldecode` document, so its keys are the file's.

use crate::common;

use common::{flat, git, run_in, TempDir};

const WORLD: &str = "nomad_version = \"1.9.3\"\nregion = \"global\"\nclient \"c\" {\n  count = 2\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 4000\n  disk = 10000\n  drivers = [\"docker\"]\n  attributes = { \"kernel.name\" = \"linux\" }\n}\n";

const JSON_JOB: &str = "{\"job\":{\"web\":{\"datacenters\":[\"dc1\"],\"group\":{\"g\":{\"count\":2,\"task\":{\"t\":{\"driver\":\"docker\",\"config\":{\"image\":\"nginx:1\"},\"resources\":{\"cpu\":500,\"memory\":256}}}}}}}}\n";

/// A git repository holding the world and a README, committed.
fn repo(tag: &str, world: &str) -> TempDir {
    let dir = TempDir::new(tag);
    git(&dir.0, &["init", "-q"]);
    git(&dir.0, &["config", "user.email", "a@b"]);
    git(&dir.0, &["config", "user.name", "a"]);
    dir.put("rules/cluster.hcl", world);
    dir.put("README.md", "# ok\n");
    git(&dir.0, &["add", "-A"]);
    git(&dir.0, &["commit", "-qm", "base"]);
    dir
}

fn write(dir: &TempDir, rel: &str, bytes: &[u8]) {
    let p = dir.0.join(rel);
    std::fs::create_dir_all(p.parent().expect("a folder")).expect("mkdir");
    std::fs::write(p, bytes).expect("write");
}

fn bom(text: &str) -> Vec<u8> {
    [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat()
}

/// The baseline read the BOM'd JSON job as JSON: "Job validation
/// successful", a plan, and every gate passed. Nomad 1.9.3: hclsyntax's
/// refusal at 1,1-2 (the BOM's 3 bytes count in the byte offset only).
#[test]
fn a_bom_json_job_is_refused_as_hclsyntax_refuses_it() {
    let dir = repo("bom-json", WORLD);
    write(&dir, "jobs/web.nomad", &bom(JSON_JOB));
    git(&dir.0, &["add", "-A"]);
    let refusal = "Error parsing job file from jobs/web.nomad:\njobs/web.nomad:1,1-2: Argument or block definition required; An argument or block definition is required here.";

    let o = run_in(&dir.0, &["validate", "jobs/web.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(o.stderr.contains(refusal), "{}", o.stderr);
    assert!(
        !o.stdout.contains("Job validation successful"),
        "{}",
        o.stdout
    );

    let o = run_in(&dir.0, &["plan", "jobs/web.nomad"]);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(o.stderr.contains(refusal), "{}", o.stderr);
    assert!(!o.stdout.contains("successfully"), "{}", o.stdout);

    let o = run_in(&dir.0, &["check", "--staged"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains(
            "jobs/web.nomad:1:1: hcl::syntax [error] Argument or block definition required"
        ),
        "{}",
        o.stdout
    );
    let o = run_in(&dir.0, &["plan", "--changed", "--staged", "--gate"]);
    assert_ne!(o.code, 0, "{}{}", o.stdout, o.stderr);

    git(&dir.0, &["commit", "-qm", "pr"]);
    let o = run_in(&dir.0, &["check", "--base", "HEAD~1", "--head", "HEAD"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);

    // Guard: without the BOM the same bytes are JSON and plan.
    write(&dir, "jobs/web.nomad", JSON_JOB.as_bytes());
    let o = run_in(&dir.0, &["validate", "jobs/web.nomad"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
}

/// parseFile -> parseHCLOrJSON: a BOM'd JSON var file is HCL too, refused
/// before the job is decoded (`unable to parse var file`).
#[test]
fn a_bom_json_var_file_is_refused() {
    let dir = repo("bom-varfile", WORLD);
    dir.put(
        "jobs/v.nomad",
        "variable \"n\" {\n  type = number\n}\njob \"v\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    count = var.n\n    task \"t\" {\n      driver = \"docker\"\n      config { image = \"nginx:1\" }\n    }\n  }\n}\n",
    );
    write(&dir, "vars.json", &bom("{\"n\": 2}"));
    let o = run_in(&dir.0, &["plan", "-var-file", "vars.json", "jobs/v.nomad"]);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains("unable to parse var file: vars.json:1,1-2: Argument or block definition required; An argument or block definition is required here."),
        "{}",
        o.stderr
    );
    assert!(!o.stdout.contains("Job: \"v\""), "{}", o.stdout);
    // Guard: without the BOM it is JSON, and the job plans.
    write(&dir, "vars.json", b"{\"n\": 2}");
    let o = run_in(&dir.0, &["plan", "-var-file", "vars.json", "jobs/v.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("+ Job: \"v\""), "{}", o.stdout);
}

const YAML_JOB: &str = "locals {\n  scale = yamldecode(file(\"conf/scale.yaml\"))\n}\njob \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    count = lookup(local.scale, \"count\", 1)\n    task \"t\" {\n      driver = \"docker\"\n      config { image = \"nginx:1\" }\n      resources {\n        cpu    = 1500\n        memory = 256\n      }\n    }\n  }\n}\n";

/// go-cty-yaml's reader drops the document's BOM: `count` is 40 and 36
/// allocations cannot be placed. The baseline kept U+FEFF in the key, fell
/// back to 1, and its gates passed.
#[test]
fn yamldecode_drops_the_documents_bom() {
    let dir = repo(
        "bom-yaml",
        &format!("{WORLD}running = [\"jobs/web.nomad\"]\n"),
    );
    dir.put("jobs/web.nomad", YAML_JOB);
    dir.put("conf/scale.yaml", "count: 2\n");
    git(&dir.0, &["add", "-A"]);
    git(&dir.0, &["commit", "-qm", "running"]);
    write(&dir, "conf/scale.yaml", &bom("count: 40\n"));
    git(&dir.0, &["add", "-A"]);

    let o = run_in(&dir.0, &["plan", "jobs/web.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains("+/- Count: \"2\" => \"40\""),
        "{}",
        o.stdout
    );
    assert!(
        o.stdout
            .contains("Task Group \"g\" (failed to place 36 allocations):"),
        "{}",
        o.stdout
    );
    let o = run_in(&dir.0, &["check", "--staged"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .contains("36 allocation(s) of group \"g\" cannot be placed"),
        "{}",
        o.stdout
    );
    git(&dir.0, &["commit", "-qm", "pr"]);
    let o = run_in(&dir.0, &["check", "--base", "HEAD~1", "--head", "HEAD"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
}

/// A BOM later in the document, where libyaml's is_bom (which tests the
/// start of its buffer, not the character at hand) may find one: near the
/// text's end its scanner may skip a line's first character. Not followed:
/// "cannot tell", where the baseline planned a count of 1.
#[test]
fn yamldecode_of_a_late_bom_is_cannot_tell() {
    let dir = TempDir::new("bom-yaml-late");
    dir.put("rules/cluster.hcl", WORLD);
    dir.put("jobs/web.nomad", YAML_JOB);
    write(
        &dir,
        "conf/scale.yaml",
        "other: 1\n\u{feff}count: 40\n".as_bytes(),
    );
    let o = run_in(&dir.0, &["plan", "jobs/web.nomad"]);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(
        flat(&o.stderr).contains("cannot tell what Nomad 1.9.3 makes of this yamldecode() call: a byte order mark stands where go-cty-yaml's scanner may find it"),
        "{}",
        o.stderr
    );
    assert!(!o.stdout.contains("successfully"), "{}", o.stdout);

    // Guard: well inside the text the mark is a character libyaml keeps
    // (the key is "\u{feff}count"), so lookup falls back to 1.
    let body = "other: 1\n\u{feff}count: 40\np1: 0\np2: 0\np3: 0\n";
    write(&dir, "conf/scale.yaml", body.as_bytes());
    let o = run_in(&dir.0, &["plan", "jobs/web.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout.contains("+ Task Group: \"g\" (1 create)"),
        "{}",
        o.stdout
    );
}
