//! Red team R10-4 and R10-5: values that nest deep without deep HCL
//! brackets. The HCL pre-scan (nesting.rs) never looks inside a string, so
//! `jsondecode("[[[...")` with 100,000 `[`, the same through `yamldecode`
//! or `file()`, or a chain of locals each wrapping the last, built a value
//! whose walks overflowed the stack (SIGSEGV/abort, no diagnostic). Nomad
//! reads them (Go's stacks grow to 1 GB), so past our depth limit the
//! answer is "cannot tell": plan and validate 255, check 2, one located
//! line naming the limit. A saved API response nested past serde_json's
//! recursion limit is refused in our words, never as "invalid JSON".
//! Each case runs the binary: its main thread's stack is what matters.

use super::{assert_clean, flat, group, job, run, tempdir, write};

const N: usize = 100_000;

fn with_local(value: &str) -> String {
    job(&format!(
        "  meta {{\n    k = jsonencode(local.x)\n  }}\n{}",
        group("")
    )) + &format!("locals {{\n  x = {value}\n}}\n")
}

/// Every command's "cannot tell", located at the expression, naming the
/// depth limit; never a crash, never Nomad's refusal or success text.
fn assert_cannot_tell(d: &std::path::Path, file: &str, words: &str) {
    for (cmd, code) in [("validate", 255), ("plan", 255), ("check", 2)] {
        let o = run(d, &[cmd, "--nomad-version", "1.9.0", file]);
        assert_clean(&o, &[code]);
        let all = flat(&format!("{}{}", o.stdout, o.stderr));
        assert!(
            all.contains(words),
            "{cmd} {file}: {}",
            &all[..all.len().min(600)]
        );
        assert!(
            all.contains("cannot tell"),
            "{cmd} {file}: {}",
            &all[..all.len().min(600)]
        );
        assert!(!all.contains("Job validation successful"), "{cmd} {file}");
        assert!(!all.contains("Error parsing job file"), "{cmd} {file}");
    }
}

#[test]
fn decoded_documents_and_chained_locals_past_the_depth_limit_cannot_tell() {
    let d = tempdir("deep-values");
    let brackets = format!("{}{}", "[".repeat(N), "]".repeat(N));
    write(&d, "deep.json", &brackets);
    write(
        &d,
        "json.nomad",
        with_local(&format!("jsondecode(\"{brackets}\")")),
    );
    write(
        &d,
        "yaml.nomad",
        with_local(&format!("yamldecode(\"{brackets}\")")),
    );
    let block = format!("{}1", "- ".repeat(N));
    write(
        &d,
        "yaml_block.nomad",
        with_local(&format!("yamldecode(\"{block}\")")),
    );
    write(
        &d,
        "file.nomad",
        with_local("jsondecode(file(\"deep.json\"))"),
    );
    // 2,000 locals of 40 braces each: 80,000 levels, no line deeper than 41.
    let mut chain = String::from("locals {\n  l0 = 1\n");
    for i in 1..2000 {
        chain += &format!(
            "  l{i} = {}local.l{}{}\n",
            "{a=".repeat(40),
            i - 1,
            "}".repeat(40)
        );
    }
    chain += "}\n";
    write(
        &d,
        "chain.nomad",
        job(&format!(
            "  meta {{\n    k = jsonencode(local.l1999)\n  }}\n{}",
            group("")
        )) + &chain,
    );
    for f in [
        "json.nomad",
        "yaml.nomad",
        "yaml_block.nomad",
        "file.nomad",
        "chain.nomad",
    ] {
        assert_cannot_tell(&d, f, "nests deeper than 128 levels");
    }
}

#[test]
fn a_document_within_the_limit_is_read() {
    let d = tempdir("deep-ok");
    let at = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    write(
        &d,
        "ok.nomad",
        with_local(&format!("jsondecode(\"{}\")", at(100))),
    );
    let o = run(&d, &["validate", "--nomad-version", "1.9.0", "ok.nomad"]);
    assert_clean(&o, &[0]);
    // `try` cannot turn the refusal into its fallback: Nomad would have
    // read the document, so the fallback is not its answer.
    write(
        &d,
        "try.nomad",
        with_local(&format!("try(jsondecode(\"{}\"), 1)", at(N))),
    );
    assert_cannot_tell(&d, "try.nomad", "nests deeper than 128 levels");
}

/// A function error that is ours (a stand-in that does not reproduce
/// libyaml, a result past our size caps) cannot tell; it used to exit 1,
/// saying Nomad refuses the file.
#[test]
fn a_function_we_cannot_compute_cannot_tell() {
    let d = tempdir("fn-cannot-tell");
    let long = "x ".repeat(60);
    write(
        &d,
        "yamlencode.nomad",
        with_local(&format!("yamlencode({{a = \"{long}\"}})")),
    );
    assert_cannot_tell(&d, "yamlencode.nomad", "libyaml folds it across lines");
    write(
        &d,
        "width.nomad",
        with_local("format(\"%999999999s\", \"x\")"),
    );
    assert_cannot_tell(&d, "width.nomad", "would be longer than 16 MiB");
}

#[test]
fn a_saved_api_response_past_serdes_recursion_limit_is_refused_in_our_words() {
    let d = tempdir("deep-import");
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    write(
        &d,
        "import/nodes.json",
        format!("[{{\"ID\": \"x\", \"Attributes\": {deep}}}]"),
    );
    let o = run(&d, &["import", "import"]);
    assert_clean(&o, &[2]);
    let all = flat(&o.stderr);
    assert!(!all.contains("invalid JSON"), "{all}");
    assert!(all.contains("nests deeper than 100 levels"), "{all}");
    assert!(all.contains("import/nodes.json:1:"), "{all}");
}
