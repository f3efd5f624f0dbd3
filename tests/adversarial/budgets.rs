//! Budgets: every evaluation, replay count and sum has a bound, and crossing
//! it is a clear error, not a stall, an abort or a wrapped number.

use super::{assert_clean, flat, group, job, run, tempdir, write};

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
        // locals, functions and `for` exist from 1.0 (HCL2).
        // Nomad would go on computing: what it says is not known (255),
        // and our stop is never framed as Nomad's parse error.
        for cmd in ["validate", "plan"] {
            let o = run(&d, &[cmd, f, "--nomad-version", "2.0.5"]);
            assert_clean(&o, &[255]);
            let all = flat(&o.stderr);
            assert!(all.contains("Evaluation too large"), "{f}: {}", o.stderr);
            assert!(
                all.contains(
                    "error: cannot tell what Nomad says of this job file: Evaluation too large"
                ),
                "{f}: {}",
                o.stderr
            );
            assert!(
                !all.contains("Error getting job struct"),
                "{f}: {}",
                o.stderr
            );
        }
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

fn steps(n: usize) -> String {
    (0..n)
        .map(|i| format!("step \"s{i}\" {{\n  command = \"nomad job status\"\n}}\n"))
        .collect()
}

#[test]
fn a_rehearsal_of_100000_steps_is_refused_at_the_first_step_over_the_cap() {
    let d = tempdir("steps");
    write(&d, "r.hcl", steps(100_000));
    let o = run(&d, &["rehearse", "r.hcl", "--samples", "0"]);
    assert_clean(&o, &[2]);
    let e = flat(&o.stderr);
    assert!(e.contains("rehearse::too-many-steps"), "{e}");
    assert!(
        e.contains("the rehearsal has 100000 steps, more than the 1000"),
        "{e}"
    );
    // Located at step 1001's header, line 3001.
    assert!(e.contains("r.hcl:3001:1"), "{e}");
    assert!(e.contains("split the script"), "{e}");
    assert!(o.stdout.is_empty(), "{}", o.stdout);
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn steps_times_samples_over_the_cap_names_the_samples_that_fit() {
    let d = tempdir("stepreplays");
    write(&d, "r.hcl", steps(1000));
    let o = run(&d, &["rehearse", "r.hcl", "--samples", "100000"]);
    assert_clean(&o, &[2]);
    let e = flat(&o.stderr);
    assert!(
        e.contains("1000 steps × 100001 replays is 100001000 step replays, more than the 2000000"),
        "{e}"
    );
    assert!(e.contains("pass --samples 1999 or fewer"), "{e}");
    assert!(o.stdout.is_empty(), "{}", o.stdout);
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn a_thousand_step_rehearsal_prints_every_step() {
    let d = tempdir("stream");
    write(&d, "r.hcl", steps(1000));
    let o = run(&d, &["rehearse", "r.hcl", "--samples", "0"]);
    assert_clean(&o, &[0]);
    assert_eq!(
        o.stdout.matches("── Step ").count(),
        1000,
        "{}",
        &o.stdout[..o.stdout.len().min(2000)]
    );
    assert!(o.stdout.contains("── Step 1000 of 1000: s999"));
    assert!(
        o.stdout
            .ends_with("0 held, 0 at risk, 0 failed over 1 replay\n"),
        "{}",
        &o.stdout[o.stdout.len().saturating_sub(300)..]
    );
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn clients_over_every_pool_and_running_jobs_are_capped_where_they_cross() {
    let d = tempdir("worldcaps");
    write(&d, "a.nomad", job(&group("")));
    let pool = |name: &str, count: u32| {
        format!("client \"{name}\" {{\n  count = {count}\n  datacenter = \"dc1\"\n  drivers = [\"docker\"]\n  cpu = 4000\n  memory = 8000\n  disk = 1000\n}}\n")
    };
    // 60,000 + 60,000: each pool within the cap, together over it.
    write(
        &d,
        "rules/cluster.hcl",
        format!(
            "nomad_version = \"1.6.0\"\n{}{}",
            pool("a", 60_000),
            pool("b", 60_000)
        ),
    );
    let o = run(&d, &["status"]);
    assert_clean(&o, &[2]);
    let e = flat(&o.stderr);
    assert!(
        e.contains("the client blocks declare 120000 clients up to `b`, more than the 100000"),
        "{e}"
    );
    // Located at pool b's count (line 10 of cluster.hcl).
    assert!(e.contains("cluster.hcl:11:3"), "{e}");
    // 10,001 `running` entries: refused before any file is read.
    let running: Vec<String> = (0..10_001)
        .map(|i| format!("\"jobs/j{i}.nomad\""))
        .collect();
    write(
        &d,
        "rules/cluster.hcl",
        format!(
            "nomad_version = \"1.6.0\"\nrunning = [\n{}\n]\n{}",
            running.join(",\n"),
            pool("a", 3)
        ),
    );
    for args in [
        &["status"][..],
        &["plan", "a.nomad"][..],
        &["check", "a.nomad"][..],
    ] {
        let o = run(&d, args);
        assert_clean(&o, &[2, 255]);
        let e = flat(&o.stderr);
        assert!(
            e.contains("`running` lists 10001 job files, more than the 10000"),
            "{args:?}: {e}"
        );
        assert!(e.contains("entry 10001 is over the limit"), "{args:?}: {e}");
        assert!(e.contains("cluster.hcl:10003:1"), "{args:?}: {e}");
        assert!(!e.contains("does not exist"), "{args:?}: {e}");
    }
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn scaling_a_rehearsal_past_the_client_cap_is_a_located_error() {
    let d = tempdir("scalecap");
    write(
        &d,
        "rules/cluster.hcl",
        "nomad_version = \"1.6.0\"\nclient \"a\" {\n  count = 3\n  datacenter = \"dc1\"\n  drivers = [\"docker\"]\n  cpu = 4000\n  memory = 8000\n  disk = 1000\n}\n",
    );
    write(
        &d,
        "r.hcl",
        "step \"grow\" {\n  scale_clients = { a = 4000000000 }\n}\n",
    );
    let o = run(&d, &["rehearse", "r.hcl", "--samples", "0"]);
    assert_clean(&o, &[2]);
    let e = flat(&o.stderr);
    assert!(
        e.contains("a: 3 → 4000000000 clients would make the world hold more than the 100000"),
        "{e}"
    );
    assert!(e.contains("r.hcl:2:"), "{e}");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn an_import_over_the_node_or_job_caps_is_refused() {
    let d = tempdir("importcaps");
    let nodes: Vec<String> = (0..100_001)
        .map(|i| format!("{{\"ID\":\"n{i}\",\"Name\":\"n{i}\"}}"))
        .collect();
    write(&d, "imp/nodes.json", format!("[{}]", nodes.join(",")));
    let o = run(&d, &["import", "imp"]);
    assert_clean(&o, &[2]);
    assert!(
        flat(&o.stderr).contains("holds 100001 client nodes, more than the 100000"),
        "{}",
        o.stderr
    );
    // A node as Nomad's list answers it (import/node_keys.rs).
    write(
        &d,
        "imp/nodes.json",
        "[{\"ID\":\"n1\",\"Name\":\"n1\",\"Status\":\"ready\",\"SchedulingEligibility\":\"eligible\",\"Drain\":false}]",
    );
    for i in 0..10_001 {
        write(
            &d,
            &format!("imp/jobs/default/j{i:05}.json"),
            format!("{{\"ID\":\"j{i}\",\"Namespace\":\"default\",\"Type\":\"service\",\"TaskGroups\":[]}}"),
        );
    }
    let o = run(&d, &["import", "imp"]);
    assert_clean(&o, &[2]);
    let e = flat(&o.stderr);
    assert!(
        e.contains("is past the 10000 running jobs a world may hold"),
        "{e}"
    );
    let _ = std::fs::remove_dir_all(&d);
}
