//! The SARIF output is valid SARIF 2.1.0 (it deserialises into a typed
//! model) and carries rule metadata, locations and stable fingerprints.

use nomad_preflight::diag::Diag;
use nomad_preflight::report::{render, Format};
use nomad_preflight::source::{Origin, SourceFile, Span};
use serde_sarif::sarif::Sarif;

fn findings(prefix: &str) -> Vec<Diag> {
    let text = format!("{prefix}job \"web\" {{\n  priority = 500\n}}\n");
    let src = SourceFile::new(
        Origin::Git {
            rev: ":".into(),
            path: "jobs/web.nomad".into(),
        },
        "jobs/web.nomad (staged)",
        text.as_str(),
    );
    let s = text.find("priority").unwrap();
    vec![Diag::error("NP401", "job priority 500 is outside [1, 100]")
        .at(&src, Span::new(s, s + 14), "out of range")
        .help("use a priority between 1 and 100")]
}

fn sarif(prefix: &str) -> Sarif {
    let out = render(Format::Sarif, &findings(prefix), 1, false);
    serde_json::from_str(&out).expect("valid SARIF 2.1.0")
}

#[test]
fn sarif_is_typed_and_complete() {
    let doc = sarif("");
    assert_eq!(serde_json::to_value(&doc.version).unwrap(), "2.1.0");
    let run = &doc.runs[0];
    let rules = run.tool.driver.rules.as_ref().expect("rule metadata");
    let np401 = rules
        .iter()
        .find(|r| r.id == "NP401")
        .expect("NP401 listed");
    assert_eq!(np401.name.as_deref(), Some("priority-out-of-range"));
    assert!(np401.short_description.is_some() && np401.full_description.is_some());
    let level = serde_json::to_value(
        np401
            .default_configuration
            .as_ref()
            .unwrap()
            .level
            .as_ref()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(level, "error");

    let result = &run.results.as_ref().unwrap()[0];
    assert_eq!(result.rule_id.as_deref(), Some("NP401"));
    let loc = result.locations.as_ref().unwrap()[0]
        .physical_location
        .as_ref()
        .unwrap();
    assert_eq!(
        loc.artifact_location.as_ref().unwrap().uri.as_deref(),
        Some("jobs/web.nomad")
    );
    let region = loc.region.as_ref().unwrap();
    assert_eq!((region.start_line, region.start_column), (Some(2), Some(3)));
    assert_eq!((region.end_line, region.end_column), (Some(2), Some(17)));
}

#[test]
fn fingerprints_survive_moved_lines() {
    let fp = |doc: &Sarif| {
        serde_json::to_value(&doc.runs[0].results.as_ref().unwrap()[0].partial_fingerprints)
            .unwrap()
    };
    let a = sarif("");
    let b = sarif("# a comment added above\n\n");
    let line = |doc: &Sarif| {
        doc.runs[0].results.as_ref().unwrap()[0]
            .locations
            .as_ref()
            .unwrap()[0]
            .physical_location
            .as_ref()
            .unwrap()
            .region
            .as_ref()
            .unwrap()
            .start_line
    };
    assert_ne!(line(&a), line(&b));
    assert_eq!(fp(&a), fp(&b));
    assert!(fp(&a).as_object().is_some_and(|o| !o.is_empty()));
}

/// SARIF 2.1.0 §3.11.5: `{0}` in a message is a placeholder, and a literal
/// brace SHALL be written `{{` / `}}`. Nomad's parse errors quote braces
/// (`expected start of object ('{')`) and a job's names can hold `{0}`:
/// left single, a viewer filling placeholders misreads them.
#[test]
fn braces_in_messages_are_doubled() {
    let d = Diag::error(
        "hcl::syntax",
        "key 'x' expected start of object ('{') near \"{0}\"",
    );
    let out = render(Format::Sarif, &[d], 1, false);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let text = doc["runs"][0]["results"][0]["message"]["text"]
        .as_str()
        .unwrap();
    assert_eq!(
        text,
        "key 'x' expected start of object ('{{') near \"{{0}}\""
    );
}
