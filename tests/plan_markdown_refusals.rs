//! `plan --changed --format markdown` (a pull request's summary): the
//! "Refused by policy" lines name groups and jobs from the pull request,
//! and went out raw while the table's cells were escaped (R16-43): a group
//! named `user<img src=...> @octocat [**ALL CLEAR**](https://...)` rendered
//! an image, a mention and a link in the summary.

use crate::common;

use common::{git, output_text, TempDir};

const HOSTILE: &str =
    "user<img src=https://e.vil/p.png> @octocat [**ALL CLEAR**](https://e.vil/) | x";

#[test]
fn a_refusal_line_escapes_the_group_name_it_quotes() {
    let d = TempDir::demo("md-refusal");
    git(&d.0, &["init", "-q"]);
    git(&d.0, &["add", "-A"]);
    git(&d.0, &["commit", "-qm", "demo"]);
    let path = d.0.join("jobs/sockshop.nomad");
    let job = std::fs::read_to_string(&path).unwrap();
    assert!(job.contains("group \"user\" {") && job.contains("count = 1"));
    // The protected job's group renamed and grown past what fits: the
    // policy refuses the plan, naming the group.
    let job = job
        .replacen("group \"user\" {", &format!("group \"{HOSTILE}\" {{"), 1)
        .replacen("count = 1", "count = 40", 1);
    std::fs::write(&path, job).unwrap();

    let out = d.run(&[
        "plan",
        "--changed",
        "--base",
        "HEAD",
        "--gate",
        "--format",
        "markdown",
    ]);
    let md = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(1), "{}", output_text(&out));
    let refusals: Vec<&str> = md
        .lines()
        .skip_while(|l| !l.starts_with("**Refused by policy**"))
        .filter(|l| l.starts_with("- "))
        .collect();
    assert!(
        refusals.iter().any(|l| l.contains("group \"user")),
        "no refusal names the group: {md}"
    );
    for line in refusals
        .iter()
        .copied()
        .chain(md.lines().filter(|l| l.starts_with("| ")))
    {
        for raw in ["<img", "[", "@octocat", "**ALL CLEAR**"] {
            assert!(!line.contains(raw), "{raw:?} unescaped in {line:?}");
        }
    }
    // Escaped, the name still reads as itself.
    assert!(
        refusals
            .iter()
            .any(|l| l.contains("&lt;img src=https://e.vil/p.png&gt;")),
        "{md}"
    );
}
