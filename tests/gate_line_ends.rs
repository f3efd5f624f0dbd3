//! `.gitattributes` `eol=crlf` makes every checkout write a file with CRLF
//! line ends while its blob (what `--staged` and `--head` read) keeps LF.
//! Nomad reads the checkout, and keeps the CR inside a heredoc (HCL2's
//! scanner; hcl v1 before 0.11): a template's `data` differs, so the plan
//! does (at 0.9.3, the demo's release: sockshop's catalogue group is a
//! create/destroy update from a CRLF checkout, no change from LF). The
//! gates judged the LF blob with exit 0; now they cannot tell.

use crate::common;

use common::{committed_demo, git, output_text};

#[test]
fn a_heredoc_job_a_checkout_writes_with_crlf_is_not_judged_by_its_lf_blob() {
    let d = committed_demo("crlf");
    d.put(".gitattributes", "# Windows hosts\n*.nomad text eol=crlf\n");
    common::stage_edit(&d.0, "count = 3");
    git(&d.0, &["add", ".gitattributes"]);
    refused(
        &d,
        "refusing to read jobs/sockshop.nomad: a checkout of the index may write it with CRLF line ends",
    );
    // The way out named is the attribute's, not "make it readable".
    let o = d.run(&["check", "--staged", "--format", "json"]);
    let text = output_text(&o);
    assert!(
        text.contains("give job files `-text` or `eol=lf` in .gitattributes"),
        "{text}"
    );
    git(&d.0, &["commit", "-qm", "crlf"]);
    let o = d.run(&["check", "--base", "HEAD~1", "--head", "HEAD"]);
    assert_ne!(o.status.code(), Some(0), "{}", output_text(&o));
    // Without a heredoc, CRLF is white space to every parser: judged.
    let d = committed_demo("crlf-plain");
    d.put("jobs/.gitattributes", "monitoring.nomad eol=crlf\n");
    let monitoring = std::fs::read_to_string(d.0.join("jobs/monitoring.nomad")).unwrap();
    assert!(!monitoring.contains("<<"));
    d.put(
        "jobs/monitoring.nomad",
        &format!("{monitoring}\n# edited\n"),
    );
    // Another file's line ends are no gate's business.
    d.put(".gitattributes", "*.md eol=crlf\n");
    d.put("README.md", "# Jobs\n\nSee jobs/.\n");
    git(&d.0, &["add", "-A"]);
    let o = d.run(&["check", "--staged"]);
    let text = output_text(&o);
    assert!(!text.contains("CRLF"), "{text}");
    assert!(!text.contains("README"), "{text}");
    // A changed .gitattributes has the job files whose attributes it
    // changes judged again (gate28: only those; the top file's `*.md`
    // line reaches none): monitoring, with the demo's own error, its
    // quota hit (NP304).
    assert!(text.contains("1 error,"), "{text}");
    assert!(
        text.contains("monitoring.nomad:2:5: NP304 [error]"),
        "{text}"
    );
    assert!(text.contains("in 1 file"), "{text}");
}

/// `check --staged` and `plan --changed --staged` on `d`, each refused
/// with `words` in its text (one line, flattened out of the boxes).
fn refused(d: &common::TempDir, words: &str) {
    for args in [
        &["check", "--staged"][..],
        &["plan", "--changed", "--staged"],
    ] {
        let o = d.run(args);
        let text = output_text(&o);
        assert_ne!(o.status.code(), Some(0), "{args:?}: {text}");
        let flat = common::flat(&text);
        assert!(flat.contains(words), "{args:?}: {text}");
    }
}

/// Attribute files a pull request writes that git 2.47 reads otherwise
/// than a plain reading (attr.c): each makes a checkout write sockshop
/// with CRLF (`git clone` agrees), and each was judged by its LF blob
/// with exit 0.
#[cfg(unix)]
#[test]
fn attribute_files_are_read_as_git_reads_them() {
    let crlf = "refusing to read jobs/sockshop.nomad: a checkout of the index may write it with CRLF line ends";
    // A link named .gitattributes: a checkout reads its blob (the text it
    // names) from the index; only a file on disk is not followed.
    let d = committed_demo("attr-link");
    common::stage_edit(&d.0, "count = 3");
    std::os::unix::fs::symlink("*.nomad eol=crlf", d.0.join(".gitattributes")).unwrap();
    git(&d.0, &["add", ".gitattributes"]);
    refused(&d, crlf);
    for (name, top, jobs) in [
        // A macro used before the line defining it.
        ("attr-macro", "*.nomad win\n[attr]win eol=crlf\n", None),
        // `binary` redefined in the top file.
        (
            "attr-binary",
            "[attr]binary eol=crlf\n*.nomad binary\n",
            None,
        ),
        // A line git drops (a name it refuses; one past 2048 bytes; after
        // a NUL; a pattern led by a vertical tab): the top file decides.
        (
            "attr-bad-name",
            "* eol=crlf\n",
            Some("*.nomad eol=lf b@d\n".to_string()),
        ),
        (
            "attr-long",
            "* eol=crlf\n",
            Some(format!("*.nomad eol=lf x={}\n", "y".repeat(2100))),
        ),
        (
            "attr-nul",
            "* eol=crlf\n",
            Some("\0\n*.nomad eol=lf\n".to_string()),
        ),
        (
            "attr-vt",
            "* eol=crlf\n",
            Some("\u{b}*.nomad eol=lf\n".to_string()),
        ),
        // A quoted pattern.
        (
            "attr-quoted",
            "\"jobs/sock\\163hop.nomad\" eol=crlf\n",
            None,
        ),
    ] {
        let d = committed_demo(name);
        common::stage_edit(&d.0, "count = 3");
        d.put(".gitattributes", top);
        if let Some(jobs) = jobs {
            d.put("jobs/.gitattributes", &jobs);
        }
        git(&d.0, &["add", "-A"]);
        refused(&d, crlf);
    }
}

/// Other conversions a checkout makes that a pull request asks for in
/// .gitattributes: `ident` writes `$Id$` as `$Id: <blob> $` (a job named
/// with it is another job, one Nomad refuses: its ID holds spaces);
/// `working-tree-encoding` writes the job in UTF-16. Each blob was
/// judged with exit 0.
#[test]
fn ident_and_encodings_a_checkout_writes_are_not_judged_by_the_blob() {
    let d = committed_demo("attr-ident");
    let monitoring = std::fs::read_to_string(d.0.join("jobs/monitoring.nomad")).unwrap();
    d.put(
        "jobs/monitoring.nomad",
        &monitoring.replace(
            "job \"monitoring\" {",
            "job \"monitoring\" {\n  meta {\n    rev = \"$Id$\"\n  }",
        ),
    );
    d.put(".gitattributes", "*.nomad ident\n");
    git(&d.0, &["add", "-A"]);
    refused(
        &d,
        "refusing to read jobs/monitoring.nomad: a checkout of the index may write it otherwise than its blob (a .gitattributes `ident`",
    );
    // Without `$Id` in it, `ident` changes nothing.
    let d = committed_demo("attr-ident-none");
    common::stage_edit(&d.0, "count = 3");
    d.put(".gitattributes", "*.nomad ident\n");
    git(&d.0, &["add", "-A"]);
    let o = d.run(&["check", "--staged"]);
    assert!(!output_text(&o).contains("refusing"), "{}", output_text(&o));

    let d = committed_demo("attr-encoding");
    common::stage_edit(&d.0, "count = 3");
    git(&d.0, &["add", "-A"]);
    d.put(
        ".gitattributes",
        "jobs/*.nomad working-tree-encoding=UTF-16LE\n",
    );
    git(&d.0, &["add", ".gitattributes"]);
    refused(
        &d,
        "refusing to read jobs/sockshop.nomad: a checkout of the index may write it otherwise than its blob (a .gitattributes `working-tree-encoding`",
    );
}

/// A change to .gitattributes alone rewrites how a checkout writes the
/// job files below it: with `*.nomad eol=crlf` at HEAD the running
/// sockshop was submitted from a CRLF checkout (its templates hold CRs),
/// and a change setting `eol=lf` submits it with LF, a template change
/// Nomad plans. The gates said "no job file changed" with exit 0.
#[test]
fn a_change_to_gitattributes_alone_rejudges_the_job_files_below_it() {
    let d = committed_demo("attr-flip");
    d.put(".gitattributes", "*.nomad eol=crlf\n");
    git(&d.0, &["add", ".gitattributes"]);
    git(&d.0, &["commit", "-qm", "windows"]);
    d.put(".gitattributes", "*.nomad eol=lf\n");
    git(&d.0, &["add", ".gitattributes"]);
    refused(
        &d,
        "refusing to read jobs/sockshop.nomad: a checkout of git HEAD may write it with CRLF line ends",
    );
    let o = d.run(&["check", "--staged"]);
    let text = output_text(&o);
    assert!(
        text.contains(
            "note: jobs/monitoring.nomad reads .gitattributes, which this change touches"
        ),
        "{text}"
    );
    git(&d.0, &["commit", "-qm", "lf"]);
    let o = d.run(&["check", "--base", "HEAD~1", "--head", "HEAD"]);
    assert_ne!(o.status.code(), Some(0), "{}", output_text(&o));
}
