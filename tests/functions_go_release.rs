//! Job-file functions whose answer is Go's standard library's, judged as
//! the Go each Nomad tag was built with (src/gorelease.rs): `cidrhost`
//! reads its prefix with `net.ParseCIDR` (leading zeros are decimal
//! before Go 1.17, refused after: golang/go#30999), and `regex_replace`
//! compiles with Go's `regexp` (the nesting limit of CVE-2022-24921, named
//! `expression nests too deeply` from Go 1.19). Nomad's CLI evaluates the
//! job file before anything else, so `validate` fails on the call.

use crate::common;

use common::TempDir;

fn job(expr: &str) -> String {
    format!(
        "job \"web\" {{\n  datacenters = [\"dc1\"]\n  meta {{\n    x = {expr}\n  }}\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"nginx\"\n      }}\n    }}\n  }}\n}}\n"
    )
}

/// `validate --nomad-version v` of a job whose meta holds `expr`.
fn validate(tag: &str, v: &str, expr: &str) -> (i32, String) {
    let d = TempDir::new(tag);
    d.put("j.nomad", &job(expr));
    let o = d.run(&["validate", "--nomad-version", v, "j.nomad"]);
    (
        o.status.code().expect("exit code"),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn a_leading_zero_in_a_cidr_is_read_by_the_tags_go() {
    let expr = "cidrhost(\"010.0.0.0/8\", 1)";
    // Nomad 1.1.13: Go 1.16.15 reads 010 as 10.
    let (code, err) = validate("fn-cidr-old", "1.1.13", expr);
    assert_eq!(code, 0, "{err}");
    // Nomad 1.2.0: Go 1.17.3 refuses it, in go-cty-funcs' words.
    let (code, err) = validate("fn-cidr-new", "1.2.0", expr);
    assert_ne!(code, 0);
    assert!(
        err.contains("invalid CIDR expression: invalid CIDR address: 010.0.0.0/8"),
        "{err}"
    );
}

#[test]
fn regex_replace_refuses_with_go_s_text_per_tag() {
    let (code, err) = validate("fn-re-bad", "2.0.5", "regex_replace(\"a\", \"a**\", \"b\")");
    assert_ne!(code, 0);
    assert!(
        err.contains("error parsing regexp: invalid nested repetition operator: `**`"),
        "{err}"
    );
    let deep = format!("{}a{}", "(".repeat(1001), ")".repeat(1001));
    let expr = format!("regex_replace(\"a\", \"{deep}\", \"b\")");
    let (code, err) = validate("fn-re-deep", "2.0.5", &expr);
    assert_ne!(code, 0);
    assert!(err.contains("expression nests too deeply"), "{err}");
    // Go 1.15.5 (Nomad 1.0.0) has no depth limit: Go takes the pattern;
    // we say we cannot tell and never pass the file.
    let (code, err) = validate("fn-re-deep-old", "1.0.0", &expr);
    assert_ne!(code, 0);
    assert!(err.contains("cannot tell"), "{err}");
}

/// A slashed substring is text to `replace` in every release (cty's
/// ReplaceFunc is `strings.Replace`): "a/b/" less "/b/" is "a", one
/// element when split, so the priority is 100, the highest Job.Validate
/// takes. Read as a pattern (`b`) it would be "a//", priority 102.
#[test]
fn replace_takes_a_slashed_substring_as_text() {
    for v in ["1.0.0", "2.0.5"] {
        let d = TempDir::new(&format!("fn-replace-{v}"));
        let text = job("1").replace(
            "  datacenters",
            "  priority = 99 + length(split(\"/\", replace(\"a/b/\", \"/b/\", \"\")))\n  datacenters",
        );
        d.put("j.nomad", &text);
        let o = d.run(&["validate", "--nomad-version", v, "j.nomad"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(0), "{v}: {err}");
    }
}
