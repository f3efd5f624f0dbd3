//! Bytes that are not UTF-8, and a byte order mark, in job files and in the
//! files they read, judged as Nomad judges them (hclsyntax's `Invalid
//! character encoding` from 1.0, HCL1's scanner errors before, go-cty-funcs'
//! `file()`), never smoothed into U+FFFD: a Latin-1 job file validated as
//! fine, and two binary files that differ only in such bytes read alike.

use crate::common;

use common::{git, run_in, TempDir};

const JOB: &str = "job \"web\" {\n  datacenters = [\"dc1\"]\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"nginx:1\"\n        args  = [\"@ARG@\"]\n      }\n      resources {\n        cpu    = 100\n        memory = 64\n      }\n    }\n  }\n}\n";

fn project(tag: &str, version: &str, job: &[u8]) -> TempDir {
    let dir = common::one_client_project(
        tag,
        version,
        "  cpu        = 4000\n  memory     = 4000\n  drivers    = [\"docker\"]\n",
        "",
    );
    std::fs::write(dir.0.join("jobs/web.nomad"), job).expect("write job");
    dir
}

fn latin1(arg: &[u8]) -> Vec<u8> {
    let (head, tail) = JOB.split_once("@ARG@").expect("marker");
    [head.as_bytes(), arg, tail.as_bytes()].concat()
}

/// hclsyntax: `Invalid character encoding` for a bad byte in a string;
/// none in a comment; a BOM is skipped.
#[test]
fn a_latin1_string_is_refused_from_1_0_and_a_comment_is_not() {
    let dir = project("enc-20", "2.0.5", &latin1(b"M\xfcller"));
    let o = run_in(&dir.0, &["validate", "jobs/web.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr
            .contains("Invalid character encoding: All input files must be UTF-8 encoded."),
        "{}",
        o.stderr
    );
    let o = run_in(&dir.0, &["check", "jobs/web.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stdout
            .contains("jobs/web.nomad:8:20: hcl::encoding [error]"),
        "{}",
        o.stdout
    );
    let o = run_in(&dir.0, &["plan", "jobs/web.nomad"]);
    assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
    assert!(
        !o.stdout.contains("All tasks successfully allocated"),
        "{}",
        o.stdout
    );

    let mut commented = b"# M\xfcller\n".to_vec();
    commented.extend(latin1(b"x"));
    let dir = project("enc-20c", "2.0.5", &commented);
    let o = run_in(&dir.0, &["validate", "jobs/web.nomad"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend(latin1(b"x"));
    let dir = project("enc-20b", "2.0.5", &bom);
    let o = run_in(&dir.0, &["validate", "jobs/web.nomad"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
}

/// hcl/scanner before 1.0: `illegal UTF-8 encoding` wherever the byte is
/// (a comment too), `illegal char` for a BOM.
#[test]
fn hcl1_refuses_a_bad_byte_anywhere_and_a_bom() {
    let mut commented = b"# M\xfcller\n".to_vec();
    commented.extend(latin1(b"x"));
    let dir = project("enc-093", "0.9.3", &commented);
    let o = run_in(&dir.0, &["validate", "jobs/web.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains("Error parsing job file from jobs/web.nomad: error parsing: At 1:4: illegal UTF-8 encoding"),
        "{}",
        o.stderr
    );
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend(latin1(b"x"));
    let dir = project("enc-093b", "0.9.3", &bom);
    let o = run_in(&dir.0, &["validate", "jobs/web.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains("error parsing: At 1:1: illegal char"),
        "{}",
        o.stderr
    );
}

/// go-cty-funcs MakeFileFunc: `file()` refuses bytes that are not UTF-8;
/// `filebase64()` encodes every byte, so an edit to them is a change.
#[test]
fn file_refuses_binary_and_filebase64_sees_every_byte() {
    let job = JOB.replace("@ARG@", "${file(\"blob.bin\")}");
    let dir = project("enc-file", "2.0.5", job.as_bytes());
    std::fs::write(dir.0.join("blob.bin"), b"\x89PNG\xff\x00").expect("write");
    let o = run_in(&dir.0, &["validate", "jobs/web.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr
            .contains("contents of blob.bin are not valid UTF-8; use the filebase64 function"),
        "{}",
        o.stderr
    );

    let job = JOB.replace("@ARG@", "${filebase64(\"blob.bin\")}");
    let dir = project("enc-b64", "2.0.5", job.as_bytes());
    dir.put(
        "rules/cluster.hcl",
        &format!(
            "{}\nrunning = [\"jobs/web.nomad\"]\n",
            std::fs::read_to_string(dir.0.join("rules/cluster.hcl")).expect("read")
        ),
    );
    std::fs::write(dir.0.join("blob.bin"), b"\xEF\xBB\xBF\xff\xfe").expect("write");
    git(&dir.0, &["init", "-q"]);
    git(&dir.0, &["add", "-A"]);
    git(&dir.0, &["commit", "-qm", "one"]);
    let o = run_in(&dir.0, &["plan", "jobs/web.nomad"]);
    assert_eq!(o.code, 0, "{}{}", o.stdout, o.stderr);
    std::fs::write(dir.0.join("blob.bin"), b"\xEF\xBB\xBF\xff\xfd").expect("write");
    let o = run_in(&dir.0, &["plan", "jobs/web.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("+/- Job: \"web\""), "{}", o.stdout);
    // Base64 of EF BB BF FF FE and FD: the BOM and every byte as read.
    assert!(
        o.stdout
            .contains("+/- args[0]: \"77u///4=\" => \"77u///0=\""),
        "{}",
        o.stdout
    );
}
