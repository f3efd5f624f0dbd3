//! The evaluation budget holds for memory and time (redteam9 R9-9): a
//! function whose result size is known from its arguments is charged
//! before it builds (`replace`, `join`), one that builds many strings as it
//! builds them (`formatlist`, YAML aliases), and the budget is the job
//! file's, not each expression's. Each input runs under a 1.5 GB
//! address-space limit (the old builds asked for gigabytes and aborted) and
//! must end within a minute in a debug build (the old ones took two).

use std::process::Command;
use std::time::{Duration, Instant};

use super::{assert_clean, flat, group, job, run_cmd, tempdir, write, Out};

/// `validate --nomad-version 1.7.2 FILE` under `ulimit -v` 1.5 GB, timed.
fn validate_limited(dir: &std::path::Path, file: &str) -> (Out, Duration) {
    let mut cmd = Command::new("sh");
    cmd.args(["-c", "ulimit -v 1500000 && exec \"$0\" \"$@\""])
        .arg(crate::common::bin());
    let start = Instant::now();
    let o = run_cmd(
        cmd,
        dir,
        &["validate", "--nomad-version", "1.7.2", file],
        &[],
    );
    (o, start.elapsed())
}

fn meta_job(meta: &str) -> String {
    job(&format!("  meta = {{\n{meta}  }}\n{}", group("")))
}

#[test]
fn large_results_stop_at_the_budget_before_they_are_built() {
    let d = tempdir("file-budget");
    let cases = [
        (
            "formatlist.nomad",
            "    x = length(formatlist(\"%09999999d\", range(1024)))\n".to_string(),
        ),
        (
            "replace.nomad",
            "    x = replace(format(\"%09999999d\", 1), \"0\", format(\"%09999999d\", 2))\n"
                .to_string(),
        ),
        (
            "join.nomad",
            "    x = length(join(format(\"%09999999d\", 1), [for i in range(8) : \"a\"]))\n"
                .to_string(),
        ),
        // Each key alone fits; the file's three do not.
        (
            "slow3.nomad",
            (0..3)
                .map(|k| format!("    k{k} = jsonencode([for i in range(6) : strlen(format(\"%09999999d\", i))])\n"))
                .collect(),
        ),
        // YAML aliases: nine anchors, each ten aliases of the one before,
        // 10^9 values from 600 bytes (redteam10 R10-2; np10 took 4 GB and
        // aborted). Charged as each alias is copied.
        (
            "yaml_aliases.nomad",
            format!("    x = length(yamldecode(\"{}\"))\n", nested_aliases(9)),
        ),
        (
            "yaml_alias_index.nomad",
            format!("    x = yamldecode(\"{}\")[0][0]\n", nested_aliases(9)),
        ),
    ];
    for (file, meta) in &cases {
        write(&d, file, meta_job(meta));
        let (o, took) = validate_limited(&d, file);
        assert_clean(&o, &[255]);
        let all = flat(&o.stderr);
        assert!(all.contains("Evaluation too large"), "{file}: {all}");
        assert!(took < Duration::from_secs(60), "{file}: {took:?}");
    }
    let _ = std::fs::remove_dir_all(&d);
}

/// A YAML document of `levels` anchors `&a`, `&b`, ..., each a list of ten
/// aliases of the one before (the first ten `x`), as an HCL string's text.
fn nested_aliases(levels: u8) -> String {
    (0..levels)
        .map(|k| {
            let name = char::from(b'a' + k);
            let item = if k == 0 {
                "x".to_string()
            } else {
                format!("*{}", char::from(b'a' + k - 1))
            };
            format!("- &{name} [{}]\\n", vec![item; 10].join(","))
        })
        .collect()
}

/// Guard: aliases that stay inside the budget (five levels, 10^5 values)
/// decode as before.
#[test]
fn moderate_yaml_aliases_still_validate() {
    let d = tempdir("yaml-aliases");
    write(
        &d,
        "small.nomad",
        meta_job(&format!(
            "    x = length(yamldecode(\"{}\"))\n",
            nested_aliases(5)
        )),
    );
    let (o, _) = validate_limited(&d, "small.nomad");
    assert_clean(&o, &[0]);
    assert!(
        o.stdout.contains("Job validation successful"),
        "{}",
        o.stderr
    );
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn distinct_of_100k_values_is_answered_in_seconds() {
    let d = tempdir("distinct");
    write(
        &d,
        "distinct.nomad",
        meta_job("    n = length(distinct(flatten([for i in range(1000) : [for j in range(100) : i * 1000 + j % 50]])))\n"),
    );
    let (o, took) = validate_limited(&d, "distinct.nomad");
    assert_clean(&o, &[0]);
    assert!(
        o.stdout.contains("Job validation successful"),
        "{}",
        o.stderr
    );
    assert!(took < Duration::from_secs(30), "{took:?}");
    let _ = std::fs::remove_dir_all(&d);
}

/// Guard: a file of several moderate values still validates (the file's
/// budget is not refused too much), and ASCII `strlen` of a 10 MB string
/// is answered.
#[test]
fn moderate_values_across_a_file_still_validate() {
    let d = tempdir("moderate");
    let meta: String = (0..20)
        .map(|k| format!("    k{k} = jsonencode([for i in range(100) : format(\"%0999d\", i)])\n"))
        .chain(std::iter::once(
            "    s = strlen(format(\"%09999999d\", 1))\n".to_string(),
        ))
        .collect();
    write(&d, "ok.nomad", meta_job(&meta));
    let (o, _) = validate_limited(&d, "ok.nomad");
    assert_clean(&o, &[0]);
    assert!(
        o.stdout.contains("Job validation successful"),
        "{}",
        o.stderr
    );
    let _ = std::fs::remove_dir_all(&d);
}

/// `regex_replace` is charged as each match's expansion is appended
/// (redteam10 R10-6): a 10 MB text with a 10 KB replacement per byte (np10
/// asked for 2.5 GB and aborted) ends in `Evaluation too large`, in
/// seconds.
#[test]
fn regex_replace_stops_at_the_budget_as_it_builds() {
    let d = tempdir("regex-replace");
    let cases = [(
        "big.nomad",
        "    x = sha1(regex_replace(format(\"%09999999d\", 1), \"0\", format(\"%09999d\", 1)))\n"
            .to_string(),
    )];
    for (file, meta) in &cases {
        write(&d, file, meta_job(meta));
        let (o, took) = validate_limited(&d, file);
        assert_clean(&o, &[255]);
        let all = flat(&o.stderr);
        assert!(all.contains("Evaluation too large"), "{file}: {all}");
        assert!(took < Duration::from_secs(60), "{file}: {took:?}");
    }
    let _ = std::fs::remove_dir_all(&d);
}

/// Guard: a `regex_replace` whose result fits (10 KB, eighty `$0` and a
/// named group per match: 820 KB) still validates.
#[test]
fn moderate_regex_replace_still_validates() {
    let d = tempdir("regex-moderate");
    let meta = format!(
        "    x = sha1(regex_replace(format(\"%09999d\", 1), \"(?P<z>0)\", \"{}$${{z}}\"))\n",
        "$0".repeat(80)
    );
    write(&d, "ok.nomad", meta_job(&meta));
    let (o, took) = validate_limited(&d, "ok.nomad");
    assert_clean(&o, &[0]);
    assert!(
        o.stdout.contains("Job validation successful"),
        "{}",
        o.stderr
    );
    assert!(took < Duration::from_secs(60), "{took:?}");
    let _ = std::fs::remove_dir_all(&d);
}

/// `csvdecode` charges each row as it is built (redteam10 R10-7): a
/// 16 MiB CSV the pull request adds (header `a`, 8,388,606 rows `1`, the
/// per-file read cap) ends in `Evaluation too large`; np10 built every
/// row first (3.85 GB in a release build, then an abort).
#[test]
fn csvdecode_of_a_16_mib_file_stops_at_the_budget() {
    let d = tempdir("csv-big");
    let mut csv = String::with_capacity(16 * 1024 * 1024);
    csv.push_str("a\n");
    for _ in 0..8_388_606 {
        csv.push_str("1\n");
    }
    write(&d, "big.csv", csv);
    write(
        &d,
        "big.nomad",
        meta_job("    x = length(csvdecode(file(\"big.csv\")))\n"),
    );
    let (o, took) = validate_limited(&d, "big.nomad");
    assert_clean(&o, &[255]);
    let all = flat(&o.stderr);
    assert!(all.contains("Evaluation too large"), "{all}");
    assert!(took < Duration::from_secs(60), "{took:?}");
    let _ = std::fs::remove_dir_all(&d);
}

/// Guard: a CSV of 20,000 rows of three columns still decodes.
#[test]
fn moderate_csvdecode_still_validates() {
    let d = tempdir("csv-moderate");
    let mut csv = String::from("a,b,c\n");
    for i in 0..20_000 {
        csv.push_str(&format!("{i},x{i},\"y,{i}\"\n"));
    }
    write(&d, "ok.csv", csv);
    write(
        &d,
        "ok.nomad",
        meta_job("    x = length(csvdecode(file(\"ok.csv\")))\n"),
    );
    let (o, _) = validate_limited(&d, "ok.nomad");
    assert_clean(&o, &[0]);
    assert!(
        o.stdout.contains("Job validation successful"),
        "{}",
        o.stderr
    );
    let _ = std::fs::remove_dir_all(&d);
}

/// `bcrypt` at any cost answers at once (redteam10 R10-3): Nomad's hash
/// has a random salt, so no particular value is Nomad's, and np10 spent
/// 2^cost rounds on one (cost 31: days; 64 calls at cost 14: 95 s).
#[test]
fn bcrypt_at_high_cost_answers_at_once() {
    let d = tempdir("bcrypt");
    let cases = [
        ("cost31.nomad", "    x = bcrypt(\"x\", 31)\n".to_string()),
        (
            "many.nomad",
            (0..64)
                .map(|k| format!("    k{k} = bcrypt(\"x\", 14)\n"))
                .collect(),
        ),
    ];
    for (file, meta) in &cases {
        write(&d, file, meta_job(meta));
        let (o, took) = validate_limited(&d, file);
        assert_clean(&o, &[0]);
        assert!(
            o.stdout.contains("Job validation successful"),
            "{file}: {}",
            o.stderr
        );
        assert!(took < Duration::from_secs(30), "{file}: {took:?}");
    }
    // Go's range check stands: 32 is refused in its words.
    write(&d, "cost32.nomad", meta_job("    x = bcrypt(\"x\", 32)\n"));
    let (o, _) = validate_limited(&d, "cost32.nomad");
    assert_clean(&o, &[1]);
    let all = flat(&o.stderr);
    assert!(
        all.contains("cost 32 is outside allowed range (4,31)"),
        "{all}"
    );
    let _ = std::fs::remove_dir_all(&d);
}
