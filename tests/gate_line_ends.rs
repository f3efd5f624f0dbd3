//! `.gitattributes` `eol=crlf` makes every checkout write a file with CRLF
//! line ends while its blob (what `--staged` and `--head` read) keeps LF.
//! Nomad reads the checkout, and keeps the CR inside a heredoc (HCL2's
//! scanner; hcl v1 before 0.11): a template's `data` differs, so the plan
//! does (at 0.9.3, the demo's release: sockshop's catalogue group is a
//! create/destroy update from a CRLF checkout, no change from LF). The
//! gates judged the LF blob with exit 0; now they cannot tell.

mod common;

use common::{committed_demo, git, output_text};

#[test]
fn a_heredoc_job_a_checkout_writes_with_crlf_is_not_judged_by_its_lf_blob() {
    let d = committed_demo("crlf");
    d.put(".gitattributes", "# Windows hosts\n*.nomad text eol=crlf\n");
    common::stage_edit(&d.0, "count = 3");
    git(&d.0, &["add", ".gitattributes"]);
    for args in [
        &["check", "--staged"][..],
        &["plan", "--changed", "--staged"],
    ] {
        let o = d.run(args);
        let text = output_text(&o);
        assert_ne!(o.status.code(), Some(0), "{args:?}: {text}");
        let flat = text
            .split_whitespace()
            .filter(|w| *w != "│")
            .collect::<Vec<_>>()
            .join(" ");
        assert!(
            flat.contains("refusing to read jobs/sockshop.nomad: a checkout of the index may write it with CRLF line ends"),
            "{args:?}: {text}"
        );
    }
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
    assert!(text.contains("in 1 file"), "{text}");
}
