//! Issue 13 item 1 (redteam7 D8, D9, D1): objects paired as Nomad pairs
//! them. Services: a name-keyed Go map (last wins) before 1.2.0, scored
//! matching from 1.2.0 (nomad/structs/diff.go serviceDiffs and
//! findServiceMatch, 75cd30c548 #10965; diff_test.go TestServicesDiff).
//! Checks (serviceCheckDiffs), devices (requestedDevicesDiffs) and
//! artifacts (primitiveObjectSetDiff by DiffID) are Go maps, last wins.

use crate::common;

use common::dialect::{diff_json, diff_text, in_group, in_task};

/// The plan's diff text at `version`, exactly as in
/// tests/fixtures/diff_keys/`name`.txt, and its JSON `Diff` (Nomad's
/// JobDiff) exactly as in `name`.json (each reviewed against diff.go).
fn expect(name: &str, version: &str, old: &str, new: &str) -> String {
    let fixture = |ext: &str| {
        let path = format!(
            "{}/tests/fixtures/diff_keys/{name}.{ext}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&path).expect("fixture")
    };
    let text = diff_text(name, version, old, new);
    assert_eq!(text, fixture("txt"), "{name} at {version}");
    let want: serde_json::Value = serde_json::from_str(&fixture("json")).expect("JSON fixture");
    assert_eq!(
        diff_json(name, version, old, new),
        want,
        "{name} at {version} (JSON)"
    );
    text
}

fn svc(name: &str, port: &str, tags: &str) -> String {
    format!("      service {{\n        name = \"{name}\"\n        port = \"{port}\"\n        tags = [\"{tags}\"]\n      }}\n")
}

fn net() -> &'static str {
    "    network {\n      port \"a\" {}\n      port \"b\" {}\n    }\n"
}

fn two_services(t1: &str, t2: &str) -> String {
    common::dialect::job(net(), &(svc("web", "a", t1) + &svc("web", "b", t2)))
}

/// TestServicesDiff "Detect changes" (diff_test.go@v1.2.0): one service on
/// each side is one Edited diff, whatever its name; before 1.2.0 a rename
/// is a Deleted and an Added service.
#[test]
fn a_renamed_service_is_one_edit_from_1_2_0() {
    let old = common::dialect::job(net(), &svc("web", "a", "x"));
    let new = common::dialect::job(net(), &svc("web-v2", "a", "x"));
    let text = expect("svc-ren-205", "2.0.5", &old, &new);
    assert!(
        text.contains("+/- Service {")
            && text.contains("+/- Name:              \"web\" => \"web-v2\""),
        "{text}"
    );
    assert!(
        !text.contains(" + Service {") && !text.contains(" - Service {"),
        "{text}"
    );
    let text = expect("svc-ren-110", "1.1.0", &old, &new);
    assert!(
        text.contains("  + Service {") && text.contains("  - Service {"),
        "{text}"
    );
}

/// TestServicesDiff "Modify similar services": two services named "web" on
/// ports a and b pair by position and port, so editing the first one's tags
/// is one Service edit on port "a", not a port swap.
#[test]
fn same_named_services_pair_by_port_and_position_from_1_2_0() {
    let text = expect(
        "svc-same-205",
        "2.0.5",
        &two_services("one", "two"),
        &two_services("uno", "two"),
    );
    assert_eq!(text.matches("+/- Service {").count(), 1, "{text}");
    assert!(
        text.contains("        PortLabel:         \"a\"\n"),
        "{text}"
    );
    assert!(
        text.contains("+ Tags: \"uno\"\n") && text.contains("- Tags: \"one\"\n"),
        "{text}"
    );
    assert!(!text.contains("=> \"a\""), "{text}");
}

/// Before 1.2.0 services are a map by name (diff.go serviceDiffs@v1.1.0):
/// only the last "web" of each side is diffed.
#[test]
fn same_named_services_last_wins_before_1_2_0() {
    let text = expect(
        "svc-last-110",
        "1.1.0",
        &two_services("one", "two"),
        &two_services("one", "dos"),
    );
    assert_eq!(text.matches("+/- Service {").count(), 1, "{text}");
    assert!(text.contains("PortLabel:         \"b\"\n"), "{text}");
    assert!(
        text.contains("+ Tags: \"dos\"\n") && text.contains("- Tags: \"two\"\n"),
        "{text}"
    );
    let text = expect(
        "svc-last1-110",
        "1.1.0",
        &two_services("one", "two"),
        &two_services("uno", "two"),
    );
    assert!(!text.contains("Service {"), "{text}");
}

fn checks(tcp_interval: &str) -> String {
    format!("    network {{\n      port \"http\" {{}}\n    }}\n    service {{\n      name = \"web\"\n      port = \"http\"\n      check {{\n        type     = \"http\"\n        path     = \"/health\"\n        interval = \"10s\"\n        timeout  = \"2s\"\n      }}\n      check {{\n        type     = \"tcp\"\n        interval = \"{tcp_interval}\"\n        timeout  = \"2s\"\n      }}\n    }}\n")
}

/// Two unnamed checks share the canonical name `service: "web" check`;
/// serviceCheckDiffs keeps the last of each side: the tcp check's interval
/// edit shows, and no `Type: "tcp" => "http"` that nobody made.
#[test]
fn unnamed_checks_last_wins() {
    let (old, new) = in_group(&checks("10s"), &checks("15s"));
    let text = expect("ck-last-205", "2.0.5", &old, &new);
    assert!(
        text.contains("+/- Interval:               \"10000000000\" => \"15000000000\"\n"),
        "{text}"
    );
    assert!(
        !text.contains("=> \"http\"") && !text.contains("/health"),
        "{text}"
    );
}

fn artifacts(conf: &str) -> String {
    format!("      artifact {{\n        source = \"https://example.com/app.tgz\"\n      }}\n      artifact {{\n        source = \"https://example.com/{conf}\"\n      }}\n")
}

/// Two artifacts into the default `local/`: from 1.2.0 the map by DiffID
/// (RelativeDest) keeps the last, so the edit of the second shows as is.
#[test]
fn artifacts_with_one_destination_last_wins() {
    let (old, new) = in_task(&artifacts("conf.tgz"), &artifacts("conf-v2.tgz"));
    let text = expect("ar-last-205", "2.0.5", &old, &new);
    assert!(
        text.contains("+/- GetterSource:   \"https://example.com/conf.tgz\" => \"https://example.com/conf-v2.tgz\"\n"),
        "{text}"
    );
    assert_eq!(text.matches("Artifact {").count(), 1, "{text}");
    assert!(
        !text.contains("=> \"https://example.com/app.tgz\""),
        "{text}"
    );
}
