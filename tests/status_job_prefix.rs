//! `status job PREFIX` and `status node PREFIX` resolve what was typed as
//! Nomad's CLI does, per release (rt16b R16-24 part 3): a job prefix
//! matching one job shows it; several are an error listing them (its text
//! naming the prefix from 1.5.1, command/meta.go `JobIDByPrefix`; before,
//! command/job_status.go), unless the first is exactly what was typed;
//! from 1.11.3 the list is one page of 20 (meta.go v2.0.5:359-410). Nodes:
//! command/node_status.go v0.9.3-v2.0.5 (`sanitizeUUIDPrefix`, a one-byte
//! identifier refused, several matches listed by `formatNodeStubList`).

use crate::common;

use common::batch::{one_finished, NODE_ID};
use common::{flat, run_in, Out, TempDir};
use serde_json::json;

fn job(id: &str) -> String {
    format!(
        "job \"{id}\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    count = 0\n    task \"t\" {{\n      driver = \"exec\"\n      config {{ command = \"/bin/date\" }}\n    }}\n  }}\n}}\n"
    )
}

/// A hand-written world of `version` running the jobs `ids`.
fn world(tag: &str, version: &str, ids: &[&str]) -> TempDir {
    let d = TempDir::new(&format!("status-prefix-{tag}-{version}"));
    let running: Vec<String> = ids.iter().map(|i| format!("\"jobs/{i}.nomad\"")).collect();
    d.put(
        "rules/cluster.hcl",
        &format!(
            "nomad_version = \"{version}\"\nregion = \"global\"\nrunning = [{}]\n\nclient \"c\" {{\n  count      = 1\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4096\n  disk       = 10000\n  drivers    = [\"exec\"]\n}}\n",
            running.join(", ")
        ),
    );
    for i in ids {
        d.put(&format!("jobs/{i}.nomad"), &job(i));
    }
    d
}

const JOBS: [&str; 3] = ["web", "web-api", "worker"];

fn status(d: &TempDir, args: &[&str]) -> Out {
    let mut all = vec!["status"];
    all.extend_from_slice(args);
    run_in(&d.0, &all)
}

/// The first row of a job view: its ID.
fn shown_id(o: &Out) -> Option<String> {
    let first = o.stdout.lines().next()?;
    first
        .strip_prefix("ID")?
        .split('=')
        .nth(1)
        .map(|s| s.trim().to_string())
}

#[test]
fn a_prefix_of_one_job_shows_that_job() {
    for version in ["0.9.3", "1.6.0", "2.0.5"] {
        let d = world("one", version, &JOBS);
        let o = status(&d, &["job", "wo"]);
        assert_eq!(o.code, 0, "{version}: {}{}", o.stdout, o.stderr);
        assert_eq!(shown_id(&o).as_deref(), Some("worker"), "{version}");
    }
}

#[test]
fn a_prefix_of_several_jobs_lists_them_in_each_release_text() {
    for (version, head) in [
        ("1.0.0", "Prefix matched multiple jobs"),
        ("1.5.0", "Prefix matched multiple jobs"),
        ("1.5.1", "Prefix \"we\" matched multiple jobs"),
        ("2.0.5", "Prefix \"we\" matched multiple jobs"),
    ] {
        let d = world("several", version, &JOBS);
        let o = status(&d, &["job", "we"]);
        assert_ne!(o.code, 0, "{version}: {}", o.stdout);
        let err = flat(&o.stderr);
        // The diagnostic keeps Nomad's text, its newlines escaped.
        let want = format!("{head}\\n\\nID Type Priority Status Submit Date\\nweb service 50 dead");
        assert!(err.contains(&want), "{version}: {err}");
        assert!(
            err.contains("\\nweb-api service 50 dead"),
            "{version}: {err}"
        );
        assert!(!err.contains("worker"), "{version}: {err}");
        assert!(!err.contains("No job(s)"), "{version}: {err}");
    }
}

#[test]
fn an_exact_id_among_several_matches_is_that_job_trimmed_from_1_1_1() {
    // " web" matches web and web-api once trimmed; web is first and exact.
    for version in ["1.1.1", "1.6.0", "2.0.5"] {
        let d = world("exact", version, &JOBS);
        let o = status(&d, &["job", " web"]);
        assert_eq!(o.code, 0, "{version}: {}{}", o.stdout, o.stderr);
        assert_eq!(shown_id(&o).as_deref(), Some("web"), "{version}");
    }
    // 1.1.0 lists by the argument as typed: nothing starts with " web".
    let d = world("exact", "1.1.0", &JOBS);
    let o = status(&d, &["job", " web"]);
    assert_ne!(o.code, 0);
    assert!(
        flat(&o.stderr).contains("No job(s) with prefix or id \" web\" found"),
        "{}",
        o.stderr
    );
}

/// Guard (passes on the baseline too): no match keeps each release's text.
#[test]
fn no_match_says_so_in_each_release_text() {
    for (version, word) in [("1.5.0", "id"), ("2.0.5", "ID")] {
        let d = world("none", version, &JOBS);
        let o = status(&d, &["job", "zz"]);
        assert_ne!(o.code, 0);
        let want = format!("No job(s) with prefix or {word} \"zz\" found");
        assert!(flat(&o.stderr).contains(&want), "{version}: {}", o.stderr);
    }
}

#[test]
fn from_1_11_3_a_full_page_of_matches_may_be_truncated() {
    let ids: Vec<String> = (0..21).map(|i| format!("job-{i:02}")).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    for (version, rows, truncated) in [("1.11.2", 21, false), ("2.0.5", 20, true)] {
        let d = world("page", version, &ids);
        let o = status(&d, &["job", "job"]);
        assert_ne!(o.code, 0);
        let err = flat(&o.stderr);
        let listed = err.matches("\\njob-").count();
        assert_eq!(listed, rows, "{version}: {err}");
        assert_eq!(
            err.contains("(results may be truncated)"),
            truncated,
            "{version}: {err}"
        );
    }
}

#[test]
fn an_imported_job_by_prefix_is_its_saved_view_and_notes() {
    let d = one_finished("status-prefix-import");
    let full = status(&d, &["--world", "import", "job", "web"]);
    let typed = status(&d, &["--world", "import", "job", "we"]);
    assert_eq!(full.code, 0, "{}{}", full.stdout, full.stderr);
    assert!(full.stdout.contains("a0000001"), "{}", full.stdout);
    // The view and the notes beside it are those of the full ID.
    assert_eq!(
        (typed.code, &typed.stdout, &typed.stderr),
        (full.code, &full.stdout, &full.stderr)
    );
}

/// An import of two nodes whose IDs share the prefix `0c1b2c3d-0000`.
fn two_nodes() -> TempDir {
    let d = one_finished("status-prefix-nodes");
    let mut nodes: serde_json::Value =
        serde_json::from_str(&common::batch::nodes()).expect("nodes json");
    let mut second = nodes[0].clone();
    second["ID"] = json!(NODE_ID.replace("0001", "0002"));
    second["Name"] = json!("n2");
    if let Some(a) = nodes.as_array_mut() {
        a.push(second);
    }
    d.put("import/nodes.json", &nodes.to_string());
    d
}

#[test]
fn node_prefixes_follow_node_status_rules() {
    let d = two_nodes();
    let node = |key: &str| flat(&status(&d, &["--world", "import", "node", key]).stderr);
    let several = node("0c1b");
    assert!(
        several.contains("Prefix matched multiple nodes\\n\\nID DC Name Class Drain Eligibility Status\\n0c1b2c3d dc1 n1"),
        "{several}"
    );
    assert!(several.contains("\\n0c1b2c3d dc1 n2"), "{several}");
    assert!(
        node("0").contains("Identifier must contain at least two characters."),
        "{}",
        node("0")
    );
    // An odd count of non-hyphens loses its last character.
    let odd = node("zzz");
    assert!(odd.contains("No node(s) with prefix \"zz\" found"), "{odd}");
    // A prefix both IDs share is never one of them.
    let shared = status(
        &d,
        &[
            "--world",
            "import",
            "node",
            "0c1b2c3d-0000-4000-8000-0000000000",
        ],
    );
    assert_ne!(shared.code, 0, "{}", shared.stdout);
    // A node's own name still shows it (our extension: see lookup.rs).
    let one = status(&d, &["--world", "import", "node", "n2"]);
    assert!(one.stdout.contains("n2"), "{}{}", one.stdout, one.stderr);
}

/// `web` in namespaces default and prod, `worker` in prod only.
fn two_namespaces(version: &str) -> TempDir {
    let d = world("ns", version, &["web"]);
    d.put("rules/namespaces/default.hcl", common::DEFAULT_NAMESPACE);
    d.put("rules/namespaces/prod.hcl", "name = \"prod\"\n");
    let prod = |id: &str| job(id).replacen("{\n", "{\n  namespace = \"prod\"\n", 1);
    d.put("jobs/web-prod.nomad", &prod("web"));
    d.put("jobs/worker.nomad", &prod("worker"));
    let rules = std::fs::read_to_string(d.0.join("rules/cluster.hcl")).expect("rules");
    d.put(
        "rules/cluster.hcl",
        &rules.replace(
            "running = [\"jobs/web.nomad\"]",
            "running = [\"jobs/web.nomad\", \"jobs/web-prod.nomad\", \"jobs/worker.nomad\"]",
        ),
    );
    d
}

#[test]
fn every_namespace_resolves_one_job_and_refuses_an_id_two_hold() {
    let d = two_namespaces("2.0.5");
    let o = status(&d, &["job", "wo", "-n", "*"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert_eq!(shown_id(&o).as_deref(), Some("worker"));
    assert!(o.stdout.contains("Namespace     = prod"), "{}", o.stdout);
    // `web` is exact, but two namespaces hold it: listed with their namespace.
    let o = status(&d, &["job", "web", "-n", "*"]);
    assert_ne!(o.code, 0, "{}", o.stdout);
    let err = flat(&o.stderr);
    assert!(
        err.contains("Prefix \"web\" matched multiple jobs\\n\\nID Namespace Type Priority Status Submit Date\\nweb default service"),
        "{err}"
    );
    assert!(err.contains("\\nweb prod service"), "{err}");
}
