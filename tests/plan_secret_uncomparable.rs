//! Nomad 1.11.0 to 2.0.5 compare a task's secrets on every update of a
//! running allocation to a new job version (`tasksUpdated`, scheduler/
//! util.go v2.0.5:233, from `genericAllocUpdateFn` :814 and the system
//! scheduler's `inplaceUpdate` :593) with `Secret.Equal`, whose
//! `maps.Equal` on the JSON-decoded `map[string]any` configs (nomad/
//! structs/structs.go v1.11.0:10462, v2.0.5:10549) meets Go's `!=` on two
//! `[]interface {}` (or `map[string]interface {}`) and panics: "runtime
//! error: comparing uncomparable type []interface {}". Both schedulers'
//! `Process` recover it into the plan's error (generic_sched.go
//! v2.0.5:106-110, scheduler_system.go :74-78). We planned a clean
//! in-place update, exit 0, and the gate opened (redteam24 R24-2).

use crate::common;

use common::{git, run_in, Out, TempDir};

fn cluster(version: &str) -> String {
    format!(
        "nomad_version = \"{version}\"\nclient \"a\" {{\n  count      = 2\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 4000\n  disk       = 20000\n  drivers    = [\"docker\"]\n}}\nrunning = [\"app.nomad\"]\n"
    )
}

/// The job with a `type` line, `max_parallel` and the secret's `config`
/// (a system job without the count).
fn job(type_line: &str, parallel: u32, config: &str) -> String {
    let text = format!(
        "job \"app\" {{\n  datacenters = [\"dc1\"]\n{type_line}  group \"g\" {{\n    count = 2\n    update {{\n      max_parallel = {parallel}\n    }}\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis:7\"\n      }}\n      secret \"db\" {{\n        provider = \"nomad\"\n        path     = \"nomad/jobs/app/db\"\n{config}\n      }}\n      resources {{\n        cpu    = 100\n        memory = 100\n      }}\n    }}\n  }}\n}}\n"
    );
    match type_line {
        "" => text,
        _ => text.replace("    count = 2\n", ""),
    }
}

/// A repository whose HEAD runs `old` (the world's `running`), with `new`
/// in the working tree and staged; then `args` run in it.
fn edited(tag: &str, version: &str, old: &str, new: &str, args: &[&str]) -> Out {
    let d = TempDir::new(&format!("secret-cmp-{tag}"));
    d.put("rules/cluster.hcl", &cluster(version));
    d.put("app.nomad", old);
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "base"]);
    d.put("app.nomad", new);
    git(&d.0, &["add", "-A"]);
    run_in(&d.0, args)
}

const LIST: &str = "        config {\n          keys = [\"user\", \"password\"]\n        }";
const OBJECT: &str = "        config {\n          opts = { a = \"b\" }\n        }";

fn failed(go_type: &str) -> String {
    format!("Error during plan: Unexpected response code: 500 (failed to process eval: runtime error: comparing uncomparable type {go_type})\n")
}

#[test]
fn an_update_that_reaches_a_list_in_a_secret_config_fails_the_plan() {
    for (version, type_line, config, go_type) in [
        ("2.0.5", "", LIST, "[]interface {}"),
        ("1.11.0", "", LIST, "[]interface {}"),
        ("2.0.5", "", OBJECT, "map[string]interface {}"),
        ("2.0.5", "  type = \"system\"\n", LIST, "[]interface {}"),
    ] {
        let (old, new) = (job(type_line, 1, config), job(type_line, 2, config));
        let tag = format!("{version}-{}-{}", type_line.len(), config.len());
        let o = edited(&tag, version, &old, &new, &["plan", "app.nomad"]);
        let all = format!("{version} {type_line} {config}\n{}{}", o.stdout, o.stderr);
        assert_eq!(o.stderr, failed(go_type), "{all}");
        assert_eq!(o.stdout, "", "{all}");
        assert_eq!(o.code, 255, "{all}");
    }
    let (old, new) = (job("", 1, LIST), job("", 2, LIST));
    let o = edited("check", "2.0.5", &old, &new, &["check", "--staged"]);
    let all = format!("{}{}", o.stdout, o.stderr);
    assert_eq!(o.code, 1, "{all}");
    assert!(
        o.stdout.contains("NP228")
            && o.stdout
                .contains("comparing uncomparable type []interface {}"),
        "{all}"
    );
    let gate = ["plan", "--changed", "--base", "HEAD", "--gate"];
    let o = edited("gate", "2.0.5", &old, &new, &gate);
    assert_ne!(o.code, 0, "{}{}", o.stdout, o.stderr);
    assert!(
        !o.stdout.contains("All tasks successfully allocated"),
        "{}",
        o.stdout
    );
}

/// Where another key of the config differs, the range stops there or
/// panics, as Go's map order falls: cannot tell, in one line, exit 255
/// (`check`: NP225, exit 2).
#[test]
fn a_differing_key_beside_the_list_makes_it_a_draw() {
    let config = |x: &str| {
        format!(
            "        config {{\n          keys = [\"user\"]\n          x    = \"{x}\"\n        }}"
        )
    };
    let (old, new) = (job("", 1, &config("1")), job("", 1, &config("2")));
    let o = edited("draw", "2.0.5", &old, &new, &["plan", "app.nomad"]);
    let all = format!("{}{}", o.stdout, o.stderr);
    assert_eq!(o.code, 255, "{all}");
    assert!(
        o.stderr
            .contains("Nomad 2.0.5's scheduler may panic on this plan"),
        "{all}"
    );
    assert!(!o.stdout.contains("Scheduler dry-run"), "{all}");
    let o = edited("draw-check", "2.0.5", &old, &new, &["check", "--staged"]);
    assert_eq!(o.code, 2, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("NP225"), "{}", o.stdout);
}

/// Guards: no compare of two lists is reached where the secret count,
/// path or a check before the secrets (the driver's config) differs, or
/// where the key's value turns from a list into a string (different
/// dynamic types compare unequal); an unchanged job is not updated at
/// all; scalars never panic. Each plans as Nomad does.
#[test]
fn guards_where_no_uncomparable_compare_is_reached() {
    let list = job("", 1, LIST);
    let cases = [
        (
            "string",
            job(
                "",
                1,
                "        config {\n          keys = \"user\"\n        }",
            ),
            "(forces create/destroy update)",
        ),
        (
            "path",
            list.replace("nomad/jobs/app/db", "nomad/jobs/app/other"),
            "(forces create/destroy update)",
        ),
        (
            "image",
            list.replace("redis:7", "redis:8"),
            "(forces create/destroy update)",
        ),
        ("unchanged", list.clone(), "(2 ignore)"),
    ];
    for (tag, new, says) in cases {
        let o = edited(tag, "2.0.5", &list, &new, &["plan", "app.nomad"]);
        let all = format!("{tag}\n{}{}", o.stdout, o.stderr);
        assert!(!o.stderr.contains("uncomparable"), "{all}");
        assert!(o.stdout.contains(says), "{all}");
        assert!(
            o.stdout.contains("All tasks successfully allocated"),
            "{all}"
        );
    }
    let scalar = "        config {\n          key = \"user\"\n        }";
    let (old, new) = (job("", 1, scalar), job("", 2, scalar));
    let o = edited("scalar", "2.0.5", &old, &new, &["plan", "app.nomad"]);
    assert!(
        o.stdout.contains("(2 in-place update)"),
        "{}{}",
        o.stdout,
        o.stderr
    );
}
