//! Output is data: control characters and markup from job files, names and
//! messages are escaped in every human and Markdown output, SARIF URIs are
//! percent-encoded, and no context line of a diagnostic is printed whole.

use super::{assert_clean, group, run, tempdir, write};

/// A job whose ID and meta carry a terminal title sequence and a screen clear.
fn hostile_job() -> String {
    format!(
        "job \"evil\\u001b]0;pwned\\u0007\\u001b[2J\" {{\n  datacenters = [\"dc1\"]\n  priority = 500\n  meta = {{ note = \"\\u001b[31mred\\u001b[0m\" }}\n{}}}\n",
        group("")
    )
}

fn world(dir: &std::path::Path, running: &str) {
    write(
        dir,
        "rules/cluster.hcl",
        format!("nomad_version = \"1.6.0\"\nregion = \"global\"\nclient \"c\" {{\n  count = 2\n  datacenter = \"dc1\"\n  cpu = 4000\n  memory = 8000\n  disk = 10000\n  drivers = [\"docker\"]\n}}\n{running}"),
    );
}

#[test]
fn control_sequences_from_job_files_never_reach_the_terminal() {
    let d = tempdir("ctl");
    world(&d, "running = [\"jobs/ok.nomad\"]\n");
    write(
        &d,
        "jobs/ok.nomad",
        format!(
            "job \"ok\\u001b]0;pwned\\u0007\" {{\n  datacenters = [\"dc1\"]\n{}}}\n",
            group("")
        ),
    );
    write(&d, "jobs/evil\u{1b}[2J.nomad", hostile_job());
    for args in [
        &["check"][..],
        &["check", "--format", "human"][..],
        &["status"][..],
        &["status", "ok\u{1b}]0;pwned\u{7}"][..],
        &["validate", "jobs/evil\u{1b}[2J.nomad"][..],
        &["plan", "jobs/evil\u{1b}[2J.nomad"][..],
    ] {
        let o = run(&d, args);
        assert_clean(&o, &[0, 1, 2, 255]);
        assert!(
            !o.stdout.contains('\u{1b}') && !o.stderr.contains('\u{1b}'),
            "{args:?} printed a raw escape:\n{:?}\n{:?}",
            o.stdout,
            o.stderr
        );
    }
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn markdown_escapes_links_images_and_mentions_and_sarif_uris_are_encoded() {
    let d = tempdir("md");
    world(&d, "");
    let name = "jobs/[x](https:evil) ![i](https:e) @org #1 %.nomad";
    write(&d, name, hostile_job());
    let o = run(&d, &["check", "--format", "markdown", "jobs"]);
    assert_clean(&o, &[1]);
    // Inside code spans nothing renders; outside them nothing may.
    let rendered: String = o
        .stdout
        .split('`')
        .enumerate()
        .filter(|(i, _)| i % 2 == 0)
        .map(|(_, t)| t)
        .collect();
    assert!(o.stdout.contains("`jobs/[x](https:evil)"), "{}", o.stdout);
    assert!(
        !rendered.contains("[x](") && !rendered.contains("![i](") && !rendered.contains("@org"),
        "{}",
        o.stdout
    );
    let o = run(&d, &["check", "--format", "sarif", "jobs"]);
    assert_clean(&o, &[1]);
    assert!(
        o.stdout.contains("%5Bx%5D%28https%3Aevil%29%20"),
        "{}",
        o.stdout
    );
    assert!(!o.stdout.contains("\"uri\": \"jobs/[x]"), "{}", o.stdout);
    let _ = std::fs::remove_dir_all(&d);
}

/// A file name with backticks is shown as it is, in a code span whose
/// fence is longer than any backtick run inside it (CommonMark): the
/// backtick used to become `'`, naming a file that is not there
/// (redteam6 G12e).
#[test]
fn markdown_code_spans_show_a_backtick_in_a_file_name() {
    let d = tempdir("md-tick");
    world(&d, "");
    write(&d, "jobs/a`b|c ``d.nomad", hostile_job());
    let o = run(&d, &["check", "--format", "markdown", "jobs"]);
    assert_clean(&o, &[1]);
    assert!(
        o.stdout.contains("| ```jobs/a`b\\|c ``d.nomad:"),
        "{}",
        o.stdout
    );
    assert!(!o.stdout.contains("a'b"), "{}", o.stdout);
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_huge_context_line_is_not_printed_whole() {
    let d = tempdir("wide");
    // A 5 MB line right before an error: miette would print it as context.
    let wide = format!("  # {}\n", "x".repeat(5_000_000));
    write(
        &d,
        "a.nomad",
        format!("job \"a\" {{\n{wide}  datacenters = [\"dc1\"]\n  priority = \"high\"\n}}\n"),
    );
    write(
        &d,
        "b.nomad",
        format!("job \"b\" {{\n  datacenters = [\"dc1\"]\n  priority = \"high\"\n{wide}}}\n"),
    );
    for f in ["a.nomad", "b.nomad"] {
        let o = run(&d, &["check", f]);
        assert_clean(&o, &[0, 1, 2]);
        assert!(
            o.stdout.len() + o.stderr.len() < 100_000,
            "{f}: {} bytes of output",
            o.stdout.len() + o.stderr.len()
        );
    }
    let _ = std::fs::remove_dir_all(&d);
}
