//! `setproduct` builds a product of any size in go-cty
//! (cty/function/stdlib/collection.go@v1.16.2 SetProductFunc has no
//! bound), so Nomad validates and plans a job whose product has millions
//! of rows. Past our evaluation budget the answer is not known here: the
//! budget's "cannot tell" (validate and plan 255, check 2), as for any
//! oversized evaluation, never a refusal in words go-cty does not say
//! (redteam13 R13-3).

use crate::common::TempDir;

fn job(meta: &str) -> String {
    format!("job \"a\" {{\n  datacenters = [\"dc1\"]\n  meta {{ m = {meta} }}\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{ image = \"nginx:1\" }}\n      resources {{\n        cpu = 100\n        memory = 64\n      }}\n    }}\n  }}\n}}\n")
}

fn run(d: &TempDir, cmd: &str) -> (i32, String) {
    let o = d.run(&[cmd, "--nomad-version", "1.9.7", "j.nomad"]);
    let out = if cmd == "check" { &o.stdout } else { &o.stderr };
    let text = String::from_utf8_lossy(out)
        .lines()
        .filter(|l| !l.starts_with("note: "))
        .map(|l| format!("{l}\n"))
        .collect();
    (o.status.code().expect("exit code"), text)
}

#[test]
fn a_product_past_the_budget_is_cannot_tell() {
    let d = TempDir::new("r13-setproduct");
    d.put(
        "j.nomad",
        &job("length(setproduct(range(1024), range(1024), range(2)))"),
    );
    let line = "error: cannot tell what Nomad says of this job file: Evaluation too large: this job file's expressions build more than 1000000 values or 64 MiB of text\n";
    for cmd in ["validate", "plan"] {
        let (code, err) = run(&d, cmd);
        assert_eq!(code, 255, "{cmd}\n{err}");
        assert!(err.starts_with(line), "{cmd}\n{err}");
        assert!(!err.contains("too many"), "{cmd}\n{err}");
    }
    let (code, out) = run(&d, "check");
    assert_eq!(code, 2, "{out}");
    assert!(
        out.starts_with("j.nomad:3:14: jobspec::budget [error] Evaluation too large"),
        "{out}"
    );
}

/// Guard: a product within the budget is computed, as go-cty computes it.
#[test]
fn a_product_within_the_budget_is_computed() {
    let d = TempDir::new("r13-setproduct-small");
    d.put(
        "j.nomad",
        &job("length(setproduct(range(200), range(200), range(2)))"),
    );
    let o = d.run(&["validate", "--nomad-version", "1.9.7", "j.nomad"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert_eq!(out, "Job validation successful\n");
}
