//! A gate chooses the files it judges by what they hold, not only by their
//! name: `nomad job run deploy/web` runs a job whatever the file is called,
//! so a staged job in a file named `deploy/web` or `web.nomad.tpl` must be
//! checked and planned, never passed as "0 files" (exit 0).

use crate::common;

use common::{committed_demo, git, output_text, TempDir, BAD_COUNT_JOB as BAD_JOB};

#[test]
fn a_staged_job_without_a_job_files_name_is_checked() {
    for name in ["deploy/web", "deploy/web.nomad.tpl", "deploy/web.txt"] {
        let d = committed_demo("by-text-check");
        d.put(name, BAD_JOB);
        git(&d.0, &["add", name]);
        let o = d.run(&["check", "--staged"]);
        let text = output_text(&o);
        assert_eq!(o.status.code(), Some(1), "{name}: {text}");
        assert!(text.contains(&format!("{name}:4:")), "{name}: {text}");
        assert!(text.contains("in 1 file"), "{name}: {text}");
    }
}

#[test]
fn a_staged_job_without_a_job_files_name_is_planned() {
    let d = committed_demo("by-text-plan");
    let monitoring = std::fs::read_to_string(d.0.join("jobs/monitoring.nomad")).unwrap();
    d.put("deploy/monitoring", &monitoring);
    git(&d.0, &["add", "deploy/monitoring"]);
    let o = d.run(&["plan", "--changed", "--staged"]);
    let text = output_text(&o);
    assert!(text.contains("==> deploy/monitoring (added)"), "{text}");
    assert!(text.contains("Quota limit hit"), "{text}");
    assert_eq!(o.status.code(), Some(1), "{text}");
}

#[test]
fn other_files_stay_out_of_the_gate() {
    let d = committed_demo("by-text-other");
    d.put("README.md", "# a job \"x\" { } in prose\n");
    d.put("notes/plan", "job is done\ngroup chat {\n");
    // Binary as git sees it (a NUL in the first 8,000 bytes), with a job's
    // text after it: no parser of Nomad's reads it as a job.
    d.put("logo.bin", &format!("\u{0}{BAD_JOB}"));
    git(&d.0, &["add", "README.md", "notes/plan", "logo.bin"]);
    let o = d.run(&["check", "--staged"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(text.contains("in 0 files"), "{text}");
}

/// A job in hcl's JSON syntax (`{"job": {...}}`) is a job file: jobspec2
/// reads a file whose first byte other than a space is `{` as JSON
/// (jobspec2/parse.go parseHCLOrJSON), hcl v1 before 1.0 too. It was
/// "not a job file" to the gate, so a PR adding one passed with exit 0
/// whatever it held. Other JSON (a dashboard whose queries say `job`)
/// stays out.
#[test]
fn a_staged_json_job_is_judged_and_other_json_is_not() {
    let d = committed_demo("by-text-json");
    let job = r#"{"job": {"x": {"datacenters": ["dc1"], "priority": 500,
 "group": {"g": {"task": {"t": {"driver": "docker", "config": {"image": "redis:7"}}}}}}}}
"#;
    d.put("deploy/x.json", job);
    d.put(
        "dash/board.json",
        r#"{"panels": [{"expr": "up{job=\"x\"}", "job": "x"}]}"#,
    );
    d.put("broken/x.json", "{\n  \"job\": {\"x\": {\n");
    git(&d.0, &["add", "deploy", "dash", "broken"]);
    let o = d.run(&["check", "--staged"]);
    let text = output_text(&o);
    assert_ne!(o.status.code(), Some(0), "{text}");
    assert!(text.contains("deploy/x.json:"), "{text}");
    assert!(text.contains("broken/x.json:"), "{text}");
    assert!(!text.contains("dash/board.json"), "{text}");
    assert!(text.contains("in 2 files"), "{text}");
}

/// The API's JSON form of a job (`nomad job inspect`'s output, what `nomad
/// job run -json` submits) is a job file too: a gate that skipped it
/// passed whatever it held. Nomad's two readings of it (as the API job
/// with `-json`, as hcl JSON without) are not followed: one "cannot tell".
#[test]
fn a_staged_api_json_job_is_cannot_tell_not_skipped() {
    let d = committed_demo("by-text-api-json");
    d.put(
        "deploy/web.json",
        r#"{"Job": {"ID": "web", "Priority": 500, "TaskGroups": [{"Name": "g", "Count": -1}]}}"#,
    );
    git(&d.0, &["add", "deploy"]);
    for v in ["0.9.3", "2.0.5"] {
        let o = d.run(&["check", "--staged", "--nomad-version", v]);
        let text = output_text(&o);
        assert_ne!(o.status.code(), Some(0), "{v}: {text}");
        assert!(text.contains("deploy/web.json"), "{v}: {text}");
        assert!(text.contains("cannot tell"), "{v}: {text}");
        if v == "2.0.5" {
            assert!(text.contains("the API's JSON form of a job"), "{text}");
        }
    }
}

/// `check DIR` chooses the files it walks by the same test as a change
/// set: a job in `jobs/web` or `jobs/x.json` is judged, never walked past
/// (a CI step running `check jobs/` said all clear without naming it).
/// Prose, a dashboard and a binary file stay out, with git and without.
#[test]
fn a_folder_walk_judges_jobs_by_their_text() {
    for in_git in [false, true] {
        let d = TempDir::demo(if in_git { "walk-text-git" } else { "walk-text" });
        d.put("jobs/web", BAD_JOB);
        d.put(
            "jobs/x.json",
            r#"{"job": {"x": {"datacenters": ["dc1"], "group": {"g": {}}}}}"#,
        );
        d.put("jobs/README.md", "# a job \"x\" { } in prose\n");
        d.put(
            "jobs/board.json",
            r#"{"panels": [{"expr": "up{job=\"x\"}", "job": "x"}]}"#,
        );
        d.put("jobs/logo.bin", &format!("\u{0}{BAD_JOB}"));
        if in_git {
            git(&d.0, &["init", "-q"]);
            git(&d.0, &["add", "-A"]);
        }
        let o = d.run(&["check", "jobs"]);
        let text = output_text(&o);
        assert_ne!(o.status.code(), Some(0), "git={in_git}: {text}");
        assert!(text.contains("jobs/web:4:"), "git={in_git}: {text}");
        assert!(text.contains("jobs/x.json"), "git={in_git}: {text}");
        for other in ["README.md", "board.json", "logo.bin"] {
            assert!(!text.contains(other), "git={in_git}: {text}");
        }
    }
}

/// `.gitattributes`' `working-tree-encoding=UTF-16` keeps the blob UTF-8
/// (what the hook reads) and writes the work tree in UTF-16 (what `check
/// DIR` and `nomad job run` read; Nomad refuses it). Its NUL bytes made
/// the file look binary to the walk: "not a job file", exit 0, while the
/// hook judged the same file. Both must judge it and fail.
#[test]
fn a_utf16_job_in_the_work_tree_is_judged_not_skipped() {
    let d = committed_demo("by-text-utf16");
    d.put(
        ".gitattributes",
        "deploy/* text working-tree-encoding=UTF-16\n",
    );
    let utf16 = |little: bool| -> Vec<u8> {
        let mut b = if little { vec![0xFF, 0xFE] } else { vec![] };
        for u in BAD_JOB.encode_utf16() {
            b.extend(if little {
                u.to_le_bytes()
            } else {
                u.to_be_bytes()
            });
        }
        b
    };
    for (path, little) in [("deploy/web", true), ("other/api.nomad.tpl", false)] {
        d.put(path, "");
        std::fs::write(d.0.join(path), utf16(little)).unwrap();
    }
    git(&d.0, &["add", ".gitattributes", "deploy/web"]);
    for args in [
        &["check", "--staged"][..],
        &["check", "deploy"],
        &["check", "deploy/web"],
        &["check", "other"],
        &["check", "other/api.nomad.tpl"],
    ] {
        let o = d.run(args);
        let text = output_text(&o);
        assert_ne!(o.status.code(), Some(0), "{args:?}: {text}");
        assert!(
            text.contains("/web:") || text.contains("/api.nomad.tpl:"),
            "{args:?}: {text}"
        );
        assert!(!text.contains("in 0 files"), "{args:?}: {text}");
    }
}

/// hcl v1 (Nomad before 1.0; the demo world is 0.9.3) reads newlines as
/// white space: `job` on one line and its label on the next is a job it
/// runs. The gate saw no `job` block there and passed the file, staged or
/// walked, with exit 0.
#[test]
fn a_job_header_broken_across_lines_is_judged() {
    let d = committed_demo("by-text-split-header");
    let split = BAD_JOB.replacen("job \"x\" {", "job\n\"x\" {", 1);
    d.put("deploy/web", &split);
    git(&d.0, &["add", "deploy/web"]);
    for args in [&["check", "--staged"][..], &["check", "deploy"]] {
        let o = d.run(args);
        let text = output_text(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {text}");
        assert!(text.contains("deploy/web:5:"), "{args:?}: {text}");
    }
}

/// A file over the size cap is not read, so a job padded past it (Nomad
/// reads any size) passed every gate unseen when its name was no job
/// file's. The walk peeks at its head: a job's opening is taken (the
/// refusal to read it fails the run), a binary or a CSV is not. Git's
/// blobs are peeked at alike, staged (loose) or committed and packed: a
/// large asset in a commit must not fail the hook.
/// `args` run in `d` with the size cap lowered to 20,000 bytes, so a file
/// over it costs no megabytes.
fn run_capped(d: &TempDir, args: &[&str]) -> std::process::Output {
    std::process::Command::new(common::bin())
        .current_dir(&d.0)
        .args(["--no-color"])
        .args(args)
        .env("NOMAD_PREFLIGHT_MAX_FILE_BYTES", "20000")
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .unwrap()
}

#[test]
fn a_job_padded_past_the_size_cap_is_not_passed_unread() {
    let d = committed_demo("by-text-over-cap");
    let padded = format!("{BAD_JOB}{}", "# pad\n".repeat(4000));
    d.put("deploy/web", &padded);
    d.put("data/table.csv", &"id,name\n1,a\n".repeat(3000));
    d.put("data/logo.bin", &format!("\u{0}{padded}"));
    let run = |args: &[&str]| run_capped(&d, args);
    let o = run(&["check", "deploy", "data"]);
    let text = output_text(&o);
    assert_ne!(o.status.code(), Some(0), "{text}");
    assert!(text.contains("deploy/web"), "{text}");
    assert!(!text.contains("data/"), "{text}");
    git(&d.0, &["add", "deploy/web"]);
    let o = run(&["check", "--staged"]);
    let text = output_text(&o);
    assert_ne!(o.status.code(), Some(0), "{text}");
    assert!(text.contains("deploy/web"), "{text}");
    git(&d.0, &["add", "data"]);
    let o = run(&["check", "--staged"]);
    let text = output_text(&o);
    assert!(text.contains("deploy/web"), "{text}");
    assert!(!text.contains("data/"), "{text}");
    git(&d.0, &["rm", "-q", "--cached", "deploy/web"]);
    let o = run(&["check", "--staged"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(0), "large data alone: {text}");
    git(&d.0, &["add", "deploy/web"]);
    git(&d.0, &["commit", "-q", "-m", "padded"]);
    git(&d.0, &["gc", "-q"]);
    let o = run(&["check", "--base", "HEAD~1"]);
    let text = output_text(&o);
    assert_ne!(o.status.code(), Some(0), "{text}");
    assert!(text.contains("deploy/web"), "{text}");
    assert!(!text.contains("data/"), "packed: {text}");
}

/// The peek at a file over the size cap wanted a job's keyword first, so
/// a job behind jobspec2's `variables` block (a top-level block
/// jobspec2/types.config.go's jobConfigSchema takes, which the peek did
/// not know), behind a padding argument, or an API job whose keys
/// Go's encoding/json reads in any order and case passed `check DIR` and
/// `check --staged` with exit 0 and "0 files"; so did one behind a
/// comment longer than the peek holding a NUL (a binary head).
#[test]
fn a_job_behind_another_item_past_the_size_cap_is_not_passed_unread() {
    let pad = "# pad\n".repeat(4000);
    for (name, body) in [
        (
            "variables",
            format!("variables {{\n  a = 1\n}}\n{BAD_JOB}{pad}"),
        ),
        ("argument", format!("pad = \"x\"\n{BAD_JOB}{pad}")),
        // A comment longer than the 64 KiB peek, with a NUL (binary to
        // git): the head ends inside it, so it cannot tell what follows.
        (
            "long-comment",
            format!("# \u{0}{}\n{BAD_JOB}{pad}", "x".repeat(70_000)),
        ),
        (
            "api-json",
            format!(
                "{{\"Pad\": \"{}\", \"ID\": \"x\", \"TaskGroups\": [{{\"Count\": \"many\"}}]}}",
                "x".repeat(30000)
            ),
        ),
    ] {
        let d = committed_demo("by-text-over-cap-item");
        d.put("deploy/web", &body);
        let run = |args: &[&str]| run_capped(&d, args);
        let o = run(&["check", "deploy"]);
        let text = output_text(&o);
        assert_ne!(o.status.code(), Some(0), "{name}: {text}");
        assert!(text.contains("deploy/web"), "{name}: {text}");
        git(&d.0, &["add", "deploy/web"]);
        let o = run(&["check", "--staged"]);
        let text = output_text(&o);
        assert_ne!(o.status.code(), Some(0), "{name}: {text}");
        assert!(text.contains("deploy/web"), "{name}: {text}");
    }
}

/// `nomad job run -json` decodes with Go's encoding/json (command/
/// helpers.go eitherJob): a `Job` key in any case, or a job not wrapped
/// in `Job` at all, is a job it submits. Such files were "not job files"
/// to every gate: exit 0 and "0 files" for a job nothing judged.
#[test]
fn an_api_json_job_in_any_spelling_go_reads_is_not_skipped() {
    let d = committed_demo("by-text-api-json-spellings");
    let files = [
        ("deploy/upper.json", "{\"JOB\": {\"ID\": \"x\", \"TaskGroups\": [{\"Count\": \"many\"}]}}\n"),
        ("deploy/bare.json", "{\"ID\": \"y\", \"Name\": \"y\", \"TaskGroups\": [{\"Name\": \"g\", \"Count\": \"many\"}]}\n"),
        ("deploy/kelvin.json", "{\"ID\": \"z\", \"Tas\u{212a}Groups\": [{\"Count\": \"many\"}]}\n"),
    ];
    for (name, body) in files {
        d.put(name, body);
    }
    let o = d.run(&["check", "deploy"]);
    let text = output_text(&o);
    assert_ne!(o.status.code(), Some(0), "{text}");
    for (name, _) in files {
        assert!(text.contains(name), "{name}: {text}");
    }
    git(&d.0, &["add", "deploy"]);
    let o = d.run(&["check", "--staged"]);
    let text = output_text(&o);
    assert_ne!(o.status.code(), Some(0), "{text}");
    assert!(text.contains("in 3 files"), "{text}");
}

/// A NUL byte does not make a file binary to Nomad: HCL2 takes any byte
/// in a comment (hclsyntax/scan_tokens.rl, `Comment`), so `nomad job run
/// deploy/web` runs a job behind `# \0`. The gates took the file for
/// binary, "not a job file", and passed it with exit 0 unread, staged,
/// walked or planned.
#[test]
fn a_job_behind_a_nul_in_a_comment_is_judged() {
    let d = committed_demo("by-text-nul-comment");
    let job = format!("# built \u{0}\n{BAD_JOB}");
    d.put("deploy/web", &job);
    d.put("deploy/big", &format!("{job}{}", "# pad\n".repeat(4000)));
    git(&d.0, &["add", "deploy"]);
    for args in [
        &["check", "--staged", "--nomad-version", "2.0.5"][..],
        &["check", "deploy", "--nomad-version", "2.0.5"],
        &["plan", "--changed", "--staged", "--nomad-version", "2.0.5"],
    ] {
        let o = run_capped(&d, args);
        let text = output_text(&o);
        assert_ne!(o.status.code(), Some(0), "{args:?}: {text}");
        for f in ["deploy/web", "deploy/big"] {
            assert!(text.contains(f), "{f} {args:?}: {text}");
        }
    }
}

/// Before 0.11, hcl v1's scanner ends a `#` or `//` comment at a NUL (its
/// eof rune; scanComment does not unread it) and reads the rest of the
/// line as code (vendor/github.com/hashicorp/hcl/hcl/scanner/scanner.go
/// at v0.9.3 and v0.10.5), where HCL2 reads one comment: `# \0 count =
/// 500` ran 500 instances and was planned as one, validated, exit 0.
/// Now "cannot tell", never Nomad's success text.
#[test]
fn before_0_11_code_behind_a_nul_in_a_comment_is_cannot_tell() {
    let d = committed_demo("by-text-nul-hcl1");
    let job = std::fs::read_to_string(d.0.join("jobs/sockshopui.nomad")).unwrap();
    let hidden = job.replacen(
        "  group \"frontend\" {\n",
        "  group \"frontend\" {\n    # scale \u{0} count = 500\n",
        1,
    );
    assert_ne!(hidden, job);
    d.put("jobs/sockshopui.nomad", &hidden);
    git(&d.0, &["add", "jobs"]);
    for args in [
        &["check", "--staged"][..],
        &["plan", "--changed", "--staged", "--gate"],
        &["validate", "jobs/sockshopui.nomad"],
        &[
            "validate",
            "--nomad-version",
            "0.10.5",
            "jobs/sockshopui.nomad",
        ],
    ] {
        let o = d.run(args);
        let text = output_text(&o);
        assert_ne!(o.status.code(), Some(0), "{args:?}: {text}");
        assert!(text.contains("cannot tell"), "{args:?}: {text}");
        assert!(
            text.contains("a NUL byte in a `#` or `//` comment"),
            "{args:?}: {text}"
        );
        assert!(!text.contains("successful"), "{args:?}: {text}");
    }
}

/// A UTF-16 job with a stray last byte, an unpaired surrogate, or a
/// character that puts a NUL on the other side (U+0100) is no less one
/// Nomad refuses; it was "no UTF-16", so binary, so passed unread.
#[test]
fn a_ragged_utf16_job_is_judged_not_skipped() {
    let d = committed_demo("by-text-utf16-ragged");
    let le = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(u16::to_le_bytes).collect() };
    let bom = [0xFF, 0xFE];
    let files: [(&str, Vec<u8>); 3] = [
        ("deploy/odd", [&bom[..], &le(BAD_JOB), &[0x0A]].concat()),
        (
            "deploy/lone",
            [&bom[..], &le(BAD_JOB), &[0x00, 0xD8]].concat(),
        ),
        (
            "deploy/wide",
            le(&BAD_JOB.replace("redis:7", "redis:\u{100}")),
        ),
    ];
    for (path, bytes) in &files {
        d.put(path, "");
        std::fs::write(d.0.join(path), bytes).unwrap();
    }
    git(&d.0, &["add", "deploy"]);
    for args in [&["check", "--staged"][..], &["check", "deploy"]] {
        let o = d.run(args);
        let text = output_text(&o);
        assert_ne!(o.status.code(), Some(0), "{args:?}: {text}");
        for (path, _) in &files {
            assert!(text.contains(path), "{path} {args:?}: {text}");
        }
        assert!(text.contains("in 3 files"), "{args:?}: {text}");
    }
}

/// A job saved as UTF-16 (Nomad refuses it: a job file that fails, not
/// binary that passes) padded past the size cap: its head's NULs made the
/// peek call it binary, so `check DIR` and the hook passed it unread.
#[test]
fn a_utf16_job_past_the_size_cap_is_not_passed_unread() {
    let d = committed_demo("by-text-over-cap-utf16");
    let text = format!("{BAD_JOB}{}", "# pad\n".repeat(4000));
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend(u.to_le_bytes());
    }
    std::fs::create_dir_all(d.0.join("deploy")).unwrap();
    std::fs::write(d.0.join("deploy/web"), bytes).unwrap();
    let run = |args: &[&str]| run_capped(&d, args);
    let o = run(&["check", "deploy"]);
    let text = output_text(&o);
    assert_ne!(o.status.code(), Some(0), "{text}");
    assert!(text.contains("deploy/web"), "{text}");
    git(&d.0, &["add", "deploy/web"]);
    let o = run(&["check", "--staged"]);
    let text = output_text(&o);
    assert_ne!(o.status.code(), Some(0), "{text}");
    assert!(text.contains("deploy/web"), "{text}");
}

/// A variables file whose argument's name starts with `job` (`jobs =
/// [...]`) is no job: it was judged as one (`jobspec::hcl1-parse [error]
/// ... invalid key: jobs`) and failed the commit of a plain var file,
/// where docs/ci.md promises other HCL is skipped (redteam6 G12a).
#[test]
fn a_var_file_naming_jobs_is_not_a_job() {
    let d = committed_demo("by-text-var-jobs");
    d.put("vars/prod.hcl", "jobs = [\"a\", \"b\"]\njob_count = 3\n");
    git(&d.0, &["add", "vars"]);
    let o = d.run(&["check", "--staged"]);
    let text = output_text(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(!text.contains("vars/prod.hcl:"), "{text}");
    assert!(text.contains("1 skipped"), "{text}");
}
