//! A hand-written client's own node ID (node27, stop 67's Left 5): a pool
//! that says `hand_written = true` may give each `node "NAME"` block its
//! `id`, a lowercase UUID as a Nomad client makes it (client/client.go
//! v1.10.5:1468-1482 `ensureNodeID`; helper/funcs.go:27, :49-56
//! `IsUUID`). `${node.unique.id}` then reads it, where the derived ID
//! was "cannot tell"; the pool keeps its stand-ins and the "cannot tell"
//! of what it does not state. An ID of another form, or given twice, is
//! refused. Each fails on the baseline, which refused `hand_written`.

use crate::common::TempDir;

const A: &str = "8d6f8a49-7c8e-4f3d-9c1b-2a5e6f7a8b9c";
const B: &str = "0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f";

/// One hand-written pool of two named clients (`nodes`), and a count-1
/// job whose group holds `body`.
fn project(tag: &str, nodes: &str, body: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put(
        "rules/cluster.hcl",
        &format!("nomad_version = \"1.10.5\"\nedition = \"community\"\nregion = \"global\"\nsentinel = \"none\"\nserver {{\n}}\nclient \"web\" {{\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 8000\n  disk = 20000\n  drivers = [\"docker\"]\n  hand_written = true\n{nodes}}}\n"),
    );
    d.put(
        "job.nomad",
        &format!("job \"api\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    count = 1\n{body}    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"x:1\" }}\n      resources {{\n        cpu = 100\n        memory = 100\n      }}\n    }}\n  }}\n}}\n"),
    );
    d
}

fn nodes(a: &str, b: &str) -> String {
    format!("  node \"web-a\" {{\n    id = \"{a}\"\n  }}\n  node \"web-b\" {{\n    id = \"{b}\"\n  }}\n")
}

fn constraint(target: &str, operator: &str, value: &str) -> String {
    format!("    constraint {{\n      attribute = \"{target}\"\n      operator = \"{operator}\"\n      value = \"{value}\"\n    }}\n")
}

fn plan(d: &TempDir) -> (Option<i32>, String, String) {
    let o = d.run(&["plan", "job.nomad"]);
    let t = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (o.status.code(), t(&o.stdout), t(&o.stderr))
}

#[test]
fn a_stated_node_id_is_read_and_the_stand_ins_stay() {
    // Only web-b is not A: one node filtered, the job placed.
    let ne = constraint("${node.unique.id}", "!=", A);
    let (code, out, err) = plan(&project("hwid-ne", &nodes(A, B), &ne));
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(out.contains("- All tasks successfully allocated."), "{out}");
    assert!(!err.contains("cannot tell"), "{err}");
    // No client has that ID: filtered, as on the cluster.
    let eq = constraint(
        "${node.unique.id}",
        "=",
        "11111111-2222-4333-8444-555555555555",
    );
    let (code, out, err) = plan(&project("hwid-eq", &nodes(A, B), &eq));
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(out.contains("Failed to place all allocations"), "{out}");
    // A client without its `id` keeps a derived one: still unknown.
    let half = format!("  node \"web-a\" {{\n    id = \"{A}\"\n  }}\n  node \"web-b\" {{}}\n");
    let (code, _, err) = plan(&project("hwid-half", &half, &ne));
    assert_eq!(code, Some(255), "{err}");
    assert!(err.contains("reads ${node.unique.id}"), "{err}");
    assert!(err.contains("`hand_written = true`"), "{err}");
    // Still hand-written: what it does not state cannot be told.
    let os = constraint("${attr.os.version}", "!=", "22.04");
    let (code, _, err) = plan(&project("hwid-os", &nodes(A, B), &os));
    assert_eq!(code, Some(255), "{err}");
    assert!(err.contains("reads ${attr.os.version}"), "{err}");
}

#[test]
fn an_id_of_another_form_or_given_twice_is_refused() {
    for (tag, a, b, says) in [
        (
            "hwid-upper",
            "8D6F8A49-7C8E-4F3D-9C1B-2A5E6F7A8B9C",
            B,
            "is not a node ID",
        ),
        ("hwid-name", "web-1", B, "is not a node ID"),
        ("hwid-twice", A, A, "is declared twice"),
    ] {
        let d = project(tag, &nodes(a, b), "");
        let (code, out, err) = plan(&d);
        assert_ne!(code, Some(1), "{out}{err}");
        assert!(!out.contains("successfully allocated"), "{out}");
        assert!(err.contains(says), "{err}");
    }
}

/// fix28b (node27 Left 4): without `hand_written`, `node` blocks with
/// `id` are read as a real cluster's nodes (`import --write`'s form): no
/// stand-ins. Such a pool that does not state a value every real client
/// reports is no cluster's report but a pool written by hand: a placement
/// whose answer rests on it cannot be told. The baseline read the value
/// as absent and placed the job (`!=` holds on an absent attribute).
#[test]
fn ids_without_hand_written_leave_unstated_values_open() {
    let ne = constraint("${attr.os.version}", "!=", "22.04");
    let d = project("hwid-real", &nodes(A, B), &ne);
    let path = d.0.join("rules/cluster.hcl");
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(&path, text.replace("  hand_written = true\n", "")).expect("write");
    let (code, out, err) = plan(&d);
    assert_eq!(code, Some(255), "{out}{err}");
    assert!(!out.contains("All tasks successfully allocated"), "{out}");
    assert!(
        err.contains("its placement reads ${attr.os.version} (a constraint `!=`; which every real client reports), and client pool \"web\" does not state it"),
        "{err}"
    );
    // Stated, as `import --write` writes a real node's report: planned.
    let text = std::fs::read_to_string(&path).expect("read");
    std::fs::write(
        &path,
        text.replace(
            "  drivers = [\"docker\"]\n",
            "  drivers = [\"docker\"]\n  attributes = {\n    \"os.version\" = \"24.04\"\n  }\n",
        ),
    )
    .expect("write");
    let (code, out, err) = plan(&d);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(out.contains("- All tasks successfully allocated."), "{out}");
}
