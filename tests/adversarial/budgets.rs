//! Budgets: every evaluation, replay count and sum has a bound, and crossing
//! it is a clear error, not a stall, an abort or a wrapped number.

use super::{assert_clean, group, job, run, tempdir, write};

/// Diagnostic text without miette's line wrapping and gutters.
fn flat(s: &str) -> String {
    s.replace(['│', '\n'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn samples_beyond_the_cap_are_refused_at_once() {
    let d = tempdir("samples");
    write(&d, "a.nomad", job(&group("")));
    let o = run(&d, &["plan", "a.nomad", "--samples", "100000000"]);
    assert_clean(&o, &[255]);
    assert!(o.stderr.contains("at most 100000"), "{}", o.stderr);
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_template_including_itself_is_refused_as_nomad_refuses_it() {
    let d = tempdir("tplself");
    write(&d, "self.tpl", "x${templatefile(\"self.tpl\", {})}\n");
    write(
        &d,
        "a.nomad",
        job(&format!(
            "  meta = {{ k = templatefile(\"self.tpl\", {{}}) }}\n{}",
            group("")
        )),
    );
    let o = run(&d, &["validate", "a.nomad"]);
    assert_clean(&o, &[1]);
    assert!(
        flat(&o.stderr)
            .contains("cannot recursively call templatefile from inside templatefile call"),
        "{}",
        o.stderr
    );
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn deeply_nested_template_text_is_refused_by_the_pre_scan() {
    let d = tempdir("tpldeep");
    // Each `${(` level used to multiply the parser's backtracking.
    write(&d, "deep.tpl", "${(".repeat(60));
    write(
        &d,
        "a.nomad",
        job(&format!(
            "  meta = {{ k = templatefile(\"deep.tpl\", {{}}) }}\n{}",
            group("")
        )),
    );
    let o = run(&d, &["validate", "a.nomad"]);
    assert_clean(&o, &[1]);
    assert!(flat(&o.stderr).contains("nests too deeply"), "{}", o.stderr);
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn values_doubled_through_locals_and_nested_for_hit_the_budget() {
    let d = tempdir("doubling");
    let mut locals = String::from("locals {\n  l0 = [\"xxxxxxxxxxxxxxxx\"]\n");
    for i in 1..=40 {
        locals.push_str(&format!("  l{i} = [local.l{}, local.l{}]\n", i - 1, i - 1));
    }
    locals.push_str("}\n");
    write(
        &d,
        "double.nomad",
        format!(
            "{locals}{}",
            job(&format!(
                "  meta = {{ k = jsonencode(local.l40) }}\n{}",
                group("")
            ))
        ),
    );
    write(
        &d,
        "for.nomad",
        job(&format!(
            "  meta = {{ k = jsonencode([for a in range(1000) : [for b in range(1000) : [for c in range(1000) : c]]]) }}\n{}",
            group("")
        )),
    );
    for f in ["double.nomad", "for.nomad"] {
        let o = run(&d, &["validate", f]);
        assert_clean(&o, &[1]);
        assert!(
            flat(&o.stderr).contains("Evaluation too large"),
            "{f}: {}",
            o.stderr
        );
    }
    let _ = std::fs::remove_dir_all(&d);
}

fn world_with(dir: &std::path::Path, client: &str) {
    write(
        dir,
        "rules/cluster.hcl",
        format!("nomad_version = \"1.6.0\"\nregion = \"global\"\nclient \"c\" {{\n  datacenter = \"dc1\"\n  drivers = [\"docker\"]\n{client}}}\n"),
    );
}

#[test]
fn client_counts_and_sizes_have_bounds_that_name_themselves() {
    let d = tempdir("bounds");
    write(&d, "a.nomad", job(&group("")));
    for (client, bound) in [
        (
            "  count = 2147483648\n  cpu = 4000\n  memory = 8000\n  disk = 1000\n",
            "100000",
        ),
        (
            "  count = 1\n  cpu = 4000\n  memory = 9000000000000000\n  disk = 1000\n",
            "8589934591",
        ),
        (
            "  count = 1\n  cpu = 4000\n  memory = 8000\n  disk = 90000000000000000000\n",
            "9007199254740992",
        ),
    ] {
        world_with(&d, client);
        for args in [
            &["plan", "a.nomad"][..],
            &["status"][..],
            &["check", "a.nomad"][..],
        ] {
            let o = run(&d, args);
            assert_clean(&o, &[2, 255]);
            assert!(flat(&o.stderr).contains(bound), "{args:?}: {}", o.stderr);
        }
    }
    // 9,000,000,000,000,000 is a whole number (exact in an f64): it is
    // refused for its size, with the real bound, not as "not a whole number".
    world_with(
        &d,
        "  count = 1\n  cpu = 4000\n  memory = 8000\n  disk = 9000000000000000\n",
    );
    let o = run(&d, &["status"]);
    assert_clean(&o, &[2]);
    assert!(!o.stderr.contains("whole number"), "{}", o.stderr);
    assert!(flat(&o.stderr).contains("8589934591"), "{}", o.stderr);
    let _ = std::fs::remove_dir_all(&d);
}
