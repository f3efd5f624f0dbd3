//! A job file under another name (`deploy/web`, and `*.hcl` before 1.0)
//! is a job to the gates however its `job` header is written: behind a
//! block comment (`/* ci */ job "web" {`), after a comment of several
//! lines closes (`*/ job "web" {`), with an escaped quote in its label,
//! after a string holding `<<EOF`. Each was "0 files" / "no job file
//! changed", exit 0, when the file also nested deeper than our parser's
//! budget (any release) or used HCL1-only syntax (a comma between a
//! block's items, which Nomad before 1.0 reads: hcl v1's objectList
//! takes an optional comma after every item, hcl/parser/parser.go at
//! Nomad v0.9.3's vendored hcl) (redteam6 G2).

use crate::common;

use common::{committed_demo, git, output_text};

/// A `jsonencode` 30 levels deep: past our 24-bracket budget
/// (src/nesting.rs), read by hclsyntax at any depth.
fn deep() -> String {
    format!("{}1{}", "[".repeat(30), "]".repeat(30))
}

/// A job whose `job "web" {` line is `header`, priority 99, with a
/// 30-level list in its meta.
fn deep_job(header: &str) -> String {
    format!(
        "{header}\n  datacenters = [\"dc1\"]\n  priority    = 99\n  meta {{\n    depth = jsonencode({})\n  }}\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx:1.25\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 64\n      }}\n    }}\n  }}\n}}\n",
        deep()
    )
}

/// The demo at Nomad 1.6 (HCL2), committed.
fn demo_16(name: &str) -> common::TempDir {
    let d = common::TempDir::demo(name);
    let cluster = d.0.join("rules/cluster.hcl");
    let text = std::fs::read_to_string(&cluster).unwrap();
    std::fs::write(
        &cluster,
        text.replace("nomad_version = \"0.9.3\"", "nomad_version = \"1.6.0+ent\""),
    )
    .unwrap();
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "world"]);
    d
}

/// `check --staged` fails naming `path`; `plan --changed --staged --gate`
/// plans it (exit 255: the file is refused, never "no job file changed").
fn judged(d: &common::TempDir, path: &str, why: &str) {
    let o = d.run(&["check", "--staged"]);
    let text = output_text(&o);
    assert_ne!(o.status.code(), Some(0), "{why}: {text}");
    assert!(text.contains(&format!("{path}:")), "{why}: {text}");
    let o = d.run(&["plan", "--changed", "--staged", "--gate"]);
    let text = output_text(&o);
    assert!(!text.contains("no job file changed"), "{why}: {text}");
    assert!(
        text.contains(&format!("==> {path} (added)")),
        "{why}: {text}"
    );
    assert_ne!(o.status.code(), Some(0), "{why}: {text}");
}

#[test]
fn a_deep_job_behind_any_header_is_a_job_at_16() {
    let headers = [
        ("/* deployed by ci */ job \"bad\" {", "a block comment"),
        (
            "/* deployed\n   by ci */ job \"bad\" {",
            "a comment closing",
        ),
        ("job \"bad\\\"x\" {", "an escaped quote"),
        (
            "variable \"v\" {\n  default = \"<<EOF\"\n}\njob \"bad\" {",
            "a heredoc marker in a string",
        ),
    ];
    for (i, (header, why)) in headers.iter().enumerate() {
        let d = demo_16(&format!("opening-{i}"));
        d.put("deploy/web", &deep_job(header));
        git(&d.0, &["add", "deploy/web"]);
        judged(&d, "deploy/web", why);
    }
}

/// Nomad 0.9.3 runs this (hcl v1: the comment is a comment token, the
/// commas separate items): the protected sockshop raised to 40.
#[test]
fn an_hcl1_job_behind_a_comment_is_a_job_at_093() {
    let d = committed_demo("opening-hcl1");
    let sockshop = std::fs::read_to_string(d.0.join("jobs/sockshop.nomad")).unwrap();
    let edited = sockshop
        .replacen("job \"sockshop\" {", "/* ci */ job \"sockshop\" {", 1)
        .replacen("datacenters = [\"dc1\"]", "datacenters = [\"dc1\"],", 1)
        .replace("count = 1", "count = 40");
    assert_ne!(edited, sockshop);
    d.put("deploy/sockshop", &edited);
    git(&d.0, &["add", "deploy/sockshop"]);
    let o = d.run(&["check", "--staged"]);
    let text = output_text(&o);
    assert_ne!(o.status.code(), Some(0), "{text}");
    assert!(text.contains("deploy/sockshop:"), "{text}");
    let o = d.run(&["plan", "--changed", "--staged", "--gate"]);
    let text = output_text(&o);
    assert!(text.contains("==> deploy/sockshop (added)"), "{text}");
    assert!(!text.contains("no job file changed"), "{text}");
}

/// A `*.hcl` file is judged by its text; at 0.9.3 HCL1 syntax and a
/// commented `group` line hid its job: "skipped: not job files".
#[test]
fn an_hcl1_job_in_an_hcl_file_is_a_job_at_093() {
    let d = committed_demo("opening-hcl");
    let job = concat!(
        "/* deployed by ci */ job \"bad\" {\n",
        "  datacenters = [\"dc1\"], priority = 99\n",
        "  /* g */ group \"g\" {\n",
        "    count = \"many\"\n",
        "    task \"t\" {\n",
        "      driver = \"docker\"\n",
        "      config {\n",
        "        image = \"nginx:1.25\"\n",
        "      }\n",
        "    }\n",
        "  }\n",
        "}\n"
    );
    d.put("jobs/web.hcl", job);
    git(&d.0, &["add", "jobs/web.hcl"]);
    for args in [
        &["check", "--staged"][..],
        &["check", "jobs/web.hcl"],
        &["check"],
    ] {
        let o = d.run(args);
        let text = output_text(&o);
        assert_ne!(o.status.code(), Some(0), "{args:?}: {text}");
        assert!(text.contains("jobs/web.hcl:"), "{args:?}: {text}");
    }
}

/// Prose, a var file and a deep JSON document stay out as before.
#[test]
fn other_deep_files_stay_out() {
    let d = demo_16("opening-other");
    d.put(
        "docs/notes.md",
        &format!("# Notes\n\nThe job web runs {}.\n", deep()),
    );
    d.put("data/list.txt", &format!("{}\n", deep()));
    git(&d.0, &["add", "docs", "data"]);
    let o = d.run(&["check", "--staged"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(text.contains("in 0 files"), "{text}");
}
