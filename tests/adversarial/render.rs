//! Located output over big files: a diagnostic deep in a 14 MB file, or
//! thousands of them, print in seconds (miette alone re-read the whole text
//! for every excerpt: 2,000 findings past 14 MB took over 15 minutes), and
//! world lists are counted before the parser builds them.

use super::{assert_clean, run, tempdir, write};

/// 70,000 comment lines of 200 bytes: 14 MB before the first block.
fn padding() -> String {
    let line = format!("# {}\n", "x".repeat(197));
    line.repeat(70_000)
}

#[test]
fn thousands_of_errors_deep_in_a_14_mb_world_file_are_located() {
    let d = tempdir("deep-render");
    let mut cluster = format!(
        "nomad_version = \"1.6.0\"\nregion = \"global\"\n{}",
        padding()
    );
    let first_line = cluster.matches('\n').count() + 1;
    for i in 0..2_000 {
        // No `disk`: one located error per block.
        cluster.push_str(&format!(
            "client \"c{i}\" {{\n  count = 1\n  cpu = 1000\n  memory = 1000\n  drivers = [\"docker\"]\n}}\n"
        ));
    }
    write(&d, "rules/cluster.hcl", &cluster);
    write(&d, "a.nomad", super::job(&super::group("")));
    let o = run(&d, &["plan", "a.nomad"]);
    assert_clean(&o, &[255]);
    assert_eq!(o.stderr.matches("needs `disk`").count(), 2_000);
    // Exact line and column numbers, first and last, with the lines around.
    let last = first_line + 6 * 1_999;
    for (i, line) in [(0, first_line), (1_999, last)] {
        let at = format!("rules/cluster.hcl:{line}:8]");
        assert!(o.stderr.contains(&at), "{at} missing");
        let excerpt = format!(" {line} │ client \"c{i}\" {{\n");
        assert!(o.stderr.contains(&excerpt), "{excerpt} missing");
        let after = format!(" {} │   count = 1\n", line + 1);
        assert!(o.stderr.contains(&after), "{after} missing");
    }
    // Only the padding line just before the first block, as context.
    let context = format!(" {} │ # xxx", first_line - 1);
    assert!(o.stderr.contains(&context), "{context} missing");
    assert_eq!(o.stderr.matches("│ # xxx").count(), 1);
    // check reports the same world in every format.
    for format in ["human", "concise", "json", "sarif", "github", "markdown"] {
        let o = run(&d, &["check", "--format", format, "a.nomad"]);
        assert_clean(&o, &[2]);
    }
}

#[test]
fn more_client_blocks_than_clients_allowed_are_refused_before_parsing() {
    let d = tempdir("client-blocks");
    let max = 100_000;
    // Blocks a parse would find empty (no count, cpu, ...): the count of
    // headers alone refuses the file.
    let mut cluster = String::from("nomad_version = \"1.6.0\"\nregion = \"global\"\n");
    for i in 0..=max {
        cluster.push_str(&format!("client \"c{i}\" {{\n}}\n"));
    }
    write(&d, "rules/cluster.hcl", &cluster);
    write(&d, "a.nomad", super::job(&super::group("")));
    let o = run(&d, &["plan", "a.nomad"]);
    assert_clean(&o, &[255]);
    let line = 3 + 2 * max;
    assert!(
        super::flat(&o.stderr).contains(&format!(
            "cluster.hcl has {} client blocks, each of at least one client: more than the {max} clients a world may hold",
            max + 1
        )),
        "{}",
        &o.stderr[..o.stderr.len().min(2000)]
    );
    assert!(o.stderr.contains(&format!("rules/cluster.hcl:{line}:1]")));
    assert!(o
        .stderr
        .contains(&format!("client block {} is over the limit", max + 1)));
    assert!(!o.stderr.contains("needs `"), "the blocks were parsed");
}
