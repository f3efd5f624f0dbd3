//! `job "LABEL" { id = "X" }`: the label is the job's Name and `id` only
//! its ID (jobspec/parse.go@v0.9.3 parseJob sets both from the label
//! before decoding `id`; jobspec2/parse_job.go@v1.7.2 normalizeJob gives a
//! nil Name the label). So renaming the label under a kept `id` is the
//! same edit as writing `name`: `+/- Name`, the group updated in place,
//! and the services named after the job renamed (redteam9 R9-2).

use crate::common;

use common::edit_plan::head;
use common::{run_in, TempDir};

const OLD: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"web\" {\n    task \"web\" {\n      driver = \"docker\"\n      config {\n        image = \"redis\"\n      }\n      resources {\n        cpu    = 100\n        memory = 64\n      }\n    }\n  }\n}\n";

fn plan(dir: &TempDir, v: &str, new: &str) -> common::Out {
    run_in(
        &dir.0,
        &[
            "plan",
            "--no-cache",
            "--nomad-version",
            v,
            "--running",
            "old.nomad",
            new,
        ],
    )
}

#[test]
fn a_label_under_another_id_is_the_jobs_name_in_hcl1_hcl2_and_json() {
    let dir = TempDir::new("label-name");
    dir.put("old.nomad", OLD);
    dir.put(
        "id.nomad",
        &OLD.replacen("job \"web\" {", "job \"innocent\" {\n  id = \"web\"", 1),
    );
    dir.put(
        "name.nomad",
        &OLD.replacen("job \"web\" {", "job \"web\" {\n  name = \"innocent\"", 1),
    );
    dir.put(
        "id.json.nomad",
        r#"{"job": {"innocent": {"id": "web", "datacenters": ["dc1"], "group": {"web": {"task": {"web": {"driver": "docker", "config": {"image": "redis"}, "resources": {"cpu": 100, "memory": 64}}}}}}}}"#,
    );
    let cases: &[(&str, &str)] = &[
        ("0.9.3", "id.nomad"),
        ("1.7.2", "id.nomad"),
        ("2.0.5", "id.nomad"),
        ("1.7.2", "id.json.nomad"),
    ];
    for (v, file) in cases {
        let o = plan(&dir, v, file);
        let want = plan(&dir, v, "name.nomad");
        assert!(
            o.stdout
                .contains("+/- Job: \"web\"\n+/- Name: \"web\" => \"innocent\"\n"),
            "{v} {file}: {}{}",
            o.stdout,
            o.stderr
        );
        assert!(
            o.stdout.contains("Task Group: \"web\" (1 in-place update)"),
            "{v} {file}: {}",
            o.stdout
        );
        assert_eq!(o.code, want.code, "{v} {file}: {}", o.stderr);
        assert_eq!(head(&o), head(&want), "{v} {file}: same as `name`");
    }
}

#[test]
fn services_named_after_the_job_follow_the_label() {
    let dir = TempDir::new("label-services");
    let job = |head: &str, extra: &str| {
        format!("job {head} {{\n{extra}  datacenters = [\"dc1\"]\n  group \"api\" {{\n    task \"srv\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis\"\n      }}\n      service {{\n        port = \"http\"\n      }}\n      service {{\n        name = \"${{JOB}}-admin\"\n        port = \"http\"\n      }}\n      resources {{\n        cpu    = 100\n        memory = 64\n        network {{\n          port \"http\" {{}}\n        }}\n      }}\n    }}\n  }}\n}}\n")
    };
    dir.put("old.nomad", &job("\"web\"", ""));
    dir.put("id.nomad", &job("\"innocent\"", "  id = \"web\"\n"));
    let o = plan(&dir, "1.7.2", "id.nomad");
    for want in [
        "+/- Name: \"web\" => \"innocent\"",
        "\"web-api-srv\" => \"innocent-api-srv\"",
        "\"web-admin\" => \"innocent-admin\"",
    ] {
        assert!(o.stdout.contains(want), "{want}: {}{}", o.stdout, o.stderr);
    }
}
