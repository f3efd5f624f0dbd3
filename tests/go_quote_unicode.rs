//! `%q` (`strconv.Quote`) prints a character raw only if the Unicode
//! tables of the Go that built the Nomad know it as printable; a character
//! added to Unicode later is escaped. Nomad's Go releases carried Unicode
//! 10 (Go 1.11, 1.12: Nomad 0.9, 0.10), 12 (Go 1.14, 1.15: 0.11 to 1.0.14),
//! 13 (Go 1.16 to 1.20: 1.0.15 to 1.4.12) and 15 (Go 1.21 on: 1.4.13 on).
//! Each step is checked with a character it added, in the text of a
//! validation error (a template's `perms`, quoted by Nomad's message and by
//! strconv's own), under the last Nomad before the step and the first after.

use crate::common;

use common::TempDir;

fn job(perms: &str) -> String {
    format!(
        "job \"web\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx\"\n      }}\n      template {{\n        data        = \"x\"\n        destination = \"local/x\"\n        perms       = \"{perms}\"\n      }}\n    }}\n  }}\n}}\n"
    )
}

/// `validate --nomad-version v`'s stderr for a template whose perms is `c`.
fn validate(tag: &str, v: &str, c: char) -> String {
    let d = TempDir::new(tag);
    d.put("j.nomad", &job(&c.to_string()));
    let o = d.run(&["validate", "--nomad-version", v, "j.nomad"]);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_ne!(o.status.code(), Some(0), "{v}: {err}");
    err
}

/// Nomad's text for the perms `shown` (raw or escaped, as `%q` shows it).
fn refusal(shown: &str) -> String {
    format!("Failed to parse \"{shown}\" as octal: strconv.ParseUint: parsing \"{shown}\": invalid syntax")
}

#[test]
fn each_unicode_step_is_quoted_as_each_nomads_go() {
    let steps = [
        // (character, the last Nomad that escapes it, the first that prints it)
        ('\u{1fa70}', "0.10.5", "0.11.0"), // Unicode 12.0 (ballet shoes)
        ('\u{1fad6}', "1.0.14", "1.0.15"), // Unicode 13.0 (teapot)
        ('\u{1fae0}', "1.4.12", "1.4.13"), // Unicode 14.0 (melting face)
    ];
    for (c, old, new) in steps {
        let escaped = format!("\\U{:08x}", c as u32);
        let err = validate(&format!("q-old-{old}"), old, c);
        assert!(err.contains(&refusal(&escaped)), "{old}: {err}");
        let err = validate(&format!("q-new-{new}"), new, c);
        assert!(err.contains(&refusal(&c.to_string())), "{new}: {err}");
    }
}

/// `check` judges files on worker threads; every thread quotes as the
/// release judged, so the answer does not depend on which thread took a
/// file.
#[test]
fn check_worker_threads_quote_as_the_release_judged() {
    let d = TempDir::new("q-check-threads");
    for name in ["a", "b", "c", "d"] {
        d.put(&format!("{name}.nomad"), &job("\u{1fa70}"));
    }
    let o = std::process::Command::new(common::bin())
        .current_dir(&d.0)
        .args(["--no-color", "check", "--nomad-version", "0.10.5"])
        .args(["a.nomad", "b.nomad", "c.nomad", "d.nomad"])
        .env("NOMAD_PREFLIGHT_THREADS", "4")
        .output()
        .expect("the binary runs");
    let text = common::output_text(&o);
    let escaped = refusal("\\U0001fa70");
    assert_eq!(text.matches(&escaped).count(), 4, "{text}");
    assert!(!text.contains('\u{1fa70}'), "{text}");
}
