//! Before 1.0 the CLI's HCL1 parser reads `resources = { ... }` as the
//! block `resources { ... }` (hcl v1 makes both one ast.ObjectItem; the
//! jobspec package of v0.9.3 and v0.12.12 picks blocks with
//! `list.Filter("resources")`, parseResources, parseNetwork). So the two
//! forms give the same plan; from 1.0 the argument form is refused
//! (tests/jobspec_block_args.rs). Through `validate` and `plan`.

use crate::common;

use common::TempDir;

fn job(resources: &str) -> String {
    format!("job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis:7\"\n      }}\n{resources}    }}\n  }}\n}}\n")
}

const BLOCK: &str = "      resources {\n        cpu    = 1234\n        memory = 321\n        network {\n          mbits = 20\n        }\n      }\n";
const ARGUMENT: &str = "      resources = {\n        cpu    = 1234\n        memory = 321\n        network = {\n          mbits = 20\n        }\n      }\n";

/// `cmd --nomad-version v j.nomad [extra]`: exit code, stdout, stderr.
fn run(cmd: &str, name: &str, text: &str, v: &str, extra: &[&str]) -> (i32, String, String) {
    let d = TempDir::new(&format!("hcl1-args-{cmd}-{name}-{v}"));
    d.put("j.nomad", text);
    let mut args = vec![cmd, "--nomad-version", v, "j.nomad"];
    args.extend_from_slice(extra);
    let o = d.run(&args);
    (
        o.status.code().expect("exit code"),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        // Without the note naming the temp dir the world was looked for in.
        String::from_utf8_lossy(&o.stderr)
            .lines()
            .filter(|l| !l.starts_with("note: "))
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

#[test]
fn before_1_0_the_argument_form_is_the_block() {
    for v in ["0.9.3", "0.12.12"] {
        let (code, _, err) = run("validate", "arg", &job(ARGUMENT), v, &[]);
        assert_eq!(code, 0, "{v}: {err}");
        let block = run("plan", "block", &job(BLOCK), v, &["-verbose"]);
        let arg = run("plan", "arg", &job(ARGUMENT), v, &["-verbose"]);
        let none = run("plan", "none", &job(""), v, &["-verbose"]);
        assert_eq!(arg, block, "{v}");
        // The resources reach the plan: without them it differs.
        assert_ne!(none.1, block.1, "{v}: {}", block.1);
        assert!(block.1.contains("1234"), "{v}: {}", block.1);
    }
}

#[test]
fn from_1_0_the_argument_form_is_still_refused() {
    let (code, _, err) = run("validate", "arg", &job(ARGUMENT), "1.0.0", &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("Unsupported argument"), "{err}");
}
