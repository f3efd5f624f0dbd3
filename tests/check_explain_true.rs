//! rt17e R17-55: each explain must be true. NP403's said it plans "as it
//! will be once the files checked before it are submitted", but plain
//! `check a.nomad b.nomad` judges each file alone (only a change set is
//! judged in order); NP204's example was refused by Nomad's validation
//! (`jobspec::duplicate`, nomad/structs/structs.go v1.7.7:7019) and never
//! gave NP204.

use crate::common;

/// `explain CODE`'s text.
pub(crate) fn explain(code: &str) -> String {
    let o = std::process::Command::new(common::bin())
        .args(["--no-color", "explain", code])
        .output()
        .expect("the binary runs");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The first ```hcl block of an explain.
pub(crate) fn example(text: &str) -> String {
    let start = text.find("```hcl\n").expect("an example") + "```hcl\n".len();
    let len = text[start..].find("```").expect("its end");
    text[start..start + len].to_string()
}

#[test]
fn np204s_example_gives_np204() {
    let fragment = example(&explain("NP204"));
    let job = format!(
        "job \"web\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n{fragment}    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx:1.25\"\n      }}\n    }}\n  }}\n}}\n"
    );
    let d = common::one_client_project(
        "explain-np204",
        "1.7.7",
        "  cpu        = 4000\n  memory     = 4000\n  drivers    = [\"docker\"]\n  reserved {\n    ports = \"22\"\n  }\n",
        &job,
    );
    let o = d.run(&["check", "--output-format", "concise", "jobs/web.nomad"]);
    let text = common::output_text(&o);
    assert!(text.contains("NP204 [error]"), "{fragment}\n{text}");
    assert!(!text.contains("jobspec::"), "{fragment}\n{text}");
}

/// pp: two files each taking 1500 MB beside a running 1500 MB job of
/// priority 10, on a 4000 MB client with service preemption on: alone,
/// each fits; planned after the other, the second would preempt.
#[test]
fn np403_says_plain_files_are_judged_alone() {
    let text = common::flat(&explain("NP403"));
    assert!(!text.contains("once the files checked before it"), "{text}");
    assert!(text.contains("are each planned alone"), "{text}");
    let job = |name: &str, priority: u32| {
        format!("job \"{name}\" {{\n  datacenters = [\"dc1\"]\n  priority = {priority}\n  group \"g\" {{\n    count = 1\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx:1.25\"\n      }}\n      resources {{\n        cpu    = 500\n        memory = 1500\n      }}\n    }}\n  }}\n}}\n")
    };
    let d = common::one_client_project(
        "explain-np403",
        "1.7.7",
        "  cpu        = 4000\n  memory     = 4000\n  drivers    = [\"docker\"]\n",
        &job("a", 50),
    );
    let cluster = std::fs::read_to_string(d.0.join("rules/cluster.hcl")).unwrap();
    d.put(
        "rules/cluster.hcl",
        &format!("{cluster}\nscheduler {{\n  preemption {{\n    service = true\n  }}\n}}\nrunning = [\"run/low.nomad\"]\n"),
    );
    d.put("run/low.nomad", &job("low", 10));
    d.put("jobs/b.nomad", &job("b", 50));
    let o = d.run(&[
        "check",
        "--output-format",
        "concise",
        "jobs/web.nomad",
        "jobs/b.nomad",
    ]);
    let out = common::output_text(&o);
    // Judged alone, as the explain now says: neither preempts.
    assert!(!out.contains("NP403"), "{out}");
}
