//! A pull request's suppression comments are untrusted text: `check
//! --base` keys each one to the blocks around its line to tell whether
//! the base had it (R24b-3, src/rules/suppress/trusted.rs). The reviewer
//! read the first keying (a scan of every block per comment, a recount of
//! every earlier sibling) as 60,000 x 60,000 block visits here (rv24-3);
//! now a binary search and one pass of ranks. A guard: runs before the
//! mend answered in about a second too (measured, debug), so it holds the
//! bound rather than showing a hang. Under a bound on CPU time, not wall
//! time ([`crate::common::run_cpu_limited`]).

use super::common::run_cpu_limited;
use super::reads::{git, project};
use super::write;

#[test]
fn sixty_thousand_suppressed_blocks_are_keyed_at_once() {
    let (_d, repo) = project("suppress-cost");
    // The base trusts one suppression, so the head's are all keyed.
    let base = "job \"x\" {\n  datacenters = [\"dc1\"]\n  # preflight:ignore NP207 accepted\n  meta {\n    a = \"b\"\n  }\n}\n";
    write(&repo, "x.nomad", base);
    assert!(git(&repo, &["add", "-A"]) && git(&repo, &["commit", "-qm", "base"]));
    let mut head = String::from("job \"x\" {\n  datacenters = [\"dc1\"]\n");
    for i in 0..60_000 {
        head.push_str(&format!(
            "  # preflight:ignore NP207 accepted\n  meta {{\n    a{i} = \"b\"\n  }}\n"
        ));
    }
    head.push_str("}\n");
    write(&repo, "x.nomad", &head);
    assert!(git(&repo, &["commit", "-qam", "many"]));
    let o = run_cpu_limited(20, &repo, &["check", "--base", "HEAD~1", "--head", "HEAD"]);
    let out = String::from_utf8_lossy(&o.stdout);
    // Answered (any verdict, never killed at the bound), every comment
    // read (each suppresses nothing here, NP001).
    assert!(
        matches!(o.status.code(), Some(0..=2)) && out.matches("NP001").count() == 60_000,
        "{:?} (none: killed at the CPU bound)\n{out}{}",
        o.status,
        String::from_utf8_lossy(&o.stderr)
    );
}
