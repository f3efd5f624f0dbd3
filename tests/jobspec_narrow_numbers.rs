//! A placement weight or percent that does not fit Nomad's api field
//! (`Affinity.Weight`/`Spread.Weight` are `*int8`, `SpreadTarget.Percent`
//! is `uint8`): what happens is the decoder's doing, per era, before
//! Job.Validate sees anything.
//!
//! - HCL1 (before 1.0): `mapstructure.WeakDecode` stores the number with
//!   reflect's SetInt/SetUint, which wrap (jobspec/parse.go parseAffinities,
//!   parseSpread, parseSpreadTarget at v0.9.3 and v0.12.12).
//! - HCL2 (1.0+), affinity: jobspec2/hcl_conversions.go decodeAffinity
//!   stores `int8(w)`: it wraps too.
//! - HCL2 (1.0+), spread: gohcl DecodeExpression refuses it with
//!   gocty's `value must be a whole number, between -128 and 127` (`between
//!   0 and 255 inclusive` for a uint8): hcl gohcl/decode.go, go-cty
//!   cty/gocty/out.go fromCtyNumberInt / fromCtyNumberUInt.

use crate::common;

use common::TempDir;

fn job(group_body: &str) -> String {
    format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n  group \"g\" {{\n{group_body}\n    task \"t\" {{\n      driver = \"exec\"\n      config {{\n        command = \"/bin/true\"\n      }}\n    }}\n  }}\n}}\n"
    )
}

fn spread(weight: &str, percent: &str) -> String {
    job(&format!(
        "    spread {{\n      attribute = \"${{node.datacenter}}\"\n      weight = {weight}\n      target \"dc1\" {{\n        percent = {percent}\n      }}\n    }}"
    ))
}

fn affinity(weight: &str) -> String {
    job(&format!(
        "    affinity {{\n      attribute = \"${{node.class}}\"\n      value = \"x\"\n      weight = {weight}\n    }}"
    ))
}

fn run(d: &TempDir, cmd: &str, v: &str) -> (i32, String) {
    let o = d.run(&[cmd, "--nomad-version", v, "j.nomad"]);
    let err = String::from_utf8_lossy(&o.stderr);
    let err: Vec<&str> = err.lines().filter(|l| !l.starts_with("note: ")).collect();
    (o.status.code().expect("exit code"), err.join("\n"))
}

fn first_two(s: &str) -> String {
    s.lines().take(2).collect::<Vec<_>>().join("\n")
}

#[test]
fn hcl2_refuses_a_spread_weight_or_percent_outside_its_go_type() {
    let d = TempDir::new("narrow-spread-hcl2");
    let cases = [
        (
            spread("500", "50"),
            // `      weight = 500` on line 6: the literal is columns 16-19.
            "j.nomad:6,16-19: Unsuitable value type; Unsuitable value: value must be a whole number, between -128 and 127",
        ),
        (
            spread("-500", "50"),
            // A unary minus: UnaryOpExpr.StartRange is its symbol.
            "j.nomad:6,16-17: Unsuitable value type; Unsuitable value: value must be a whole number, between -128 and 127",
        ),
        (
            spread("50", "300"),
            "j.nomad:8,19-22: Unsuitable value type; Unsuitable value: value must be a whole number, between 0 and 255 inclusive",
        ),
        (
            spread("50.5", "50"),
            "j.nomad:6,16-20: Unsuitable value type; Unsuitable value: value must be a whole number, between -128 and 127",
        ),
    ];
    for (text, want) in cases {
        d.put("j.nomad", &text);
        let want =
            format!("Error getting job struct: Error parsing job file from j.nomad:\n{want}");
        for v in ["1.0.0", "1.8.1", "2.0.5"] {
            let (code, err) = run(&d, "plan", v);
            assert_eq!(code, 255, "{v}: {err}");
            assert_eq!(first_two(&err), want, "plan {v}");
            let (code, err) = run(&d, "validate", v);
            assert_eq!(code, 1, "{v}: {err}");
            assert_eq!(first_two(&err), want, "validate {v}");
        }
        let o = d.run(&["check", "--nomad-version", "2.0.5", "j.nomad"]);
        assert_eq!(o.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&o.stdout).contains("Unsuitable value"));
    }
}

#[test]
fn several_decoding_errors_follow_gohcls_order_or_are_not_told() {
    // jobspec2's decode error is every diagnostic, one a line
    // (jobspec2/parse.go decode), in gohcl's order (decodeBodyToStruct): a
    // body's attributes before its blocks, blocks of one kind in source
    // order, but both ranged over Go maps, so two kinds of block come in
    // random order.
    let d = TempDir::new("narrow-several");
    // Two spreads of one group: source order, the second spread's weight
    // (line 10) after the first's.
    let two = spread("500", "50").replace(
        "    spread {",
        "    spread {\n      attribute = \"a\"\n      weight = 200\n    }\n    spread {",
    );
    d.put("j.nomad", &two);
    let (code, err) = run(&d, "plan", "2.0.5");
    assert_eq!(code, 255, "{err}");
    assert_eq!(
        first_two(&err),
        "Error getting job struct: Error parsing job file from j.nomad:\nj.nomad:6,16-19: Unsuitable value type; Unsuitable value: value must be a whole number, between -128 and 127"
    );
    assert!(
        err.contains("between -128 and 127\nj.nomad:10,16-19: Unsuitable value type; Unsuitable value: value must be a whole number, between -128 and 127\n"),
        "{err}"
    );
    // The job's spread and a group's: `spread` and `group` are two kinds of
    // block of the job body, so the first is Go's map order's pick: all
    // three lines, the kinds as the file first gives them, and a note.
    let mixed = two.replacen(
        "  group \"g\" {",
        "  spread {\n    attribute = \"b\"\n    weight = 300\n  }\n  group \"g\" {",
        1,
    );
    d.put("j.nomad", &mixed);
    let (code, err) = run(&d, "plan", "2.0.5");
    assert_eq!(code, 255, "{err}");
    assert!(
        err.contains("Error parsing job file from j.nomad:\nj.nomad:5,14-17: Unsuitable value type; Unsuitable value: value must be a whole number, between -128 and 127\nj.nomad:10,16-19: Unsuitable value type; Unsuitable value: value must be a whole number, between -128 and 127\nj.nomad:14,16-19: Unsuitable value type; Unsuitable value: value must be a whole number, between -128 and 127\n"),
        "{err}"
    );
    assert!(err.contains("jobspec::decode-map-order"), "{err}");
    let (code, _) = run(&d, "validate", "2.0.5");
    assert_eq!(code, 1);
}

#[test]
fn hcl1_wraps_weights_and_percents_as_go_conversions_do() {
    let d = TempDir::new("narrow-hcl1");
    // int8(300) == 44 and uint8(300) == 44: accepted by 0.x.
    d.put("j.nomad", &spread("300", "300"));
    for v in ["0.9.3", "0.12.12"] {
        let (code, err) = run(&d, "validate", v);
        assert_eq!(code, 0, "{v}: {err}");
    }
    // int8(500) == -12: Spread.Validate then refuses the weight
    // (structs.go, `stanza` before 1.3.10).
    d.put("j.nomad", &spread("500", "50"));
    let (code, err) = run(&d, "validate", "0.12.12");
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("Spread stanza must have a positive weight from 0 to 100"),
        "{err}"
    );
    // uint8(-1) == 255.
    d.put("j.nomad", &spread("50", "-1"));
    let (code, err) = run(&d, "validate", "0.12.12");
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("Spread target percentage for value \"dc1\" must be between 0 and 100"),
        "{err}"
    );
}

#[test]
fn affinity_weights_wrap_in_every_era() {
    let d = TempDir::new("narrow-affinity");
    // int8(300) == 44: within [-100, 100].
    d.put("j.nomad", &affinity("300"));
    for v in ["0.12.12", "1.0.0", "2.0.5"] {
        let (code, err) = run(&d, "validate", v);
        assert_eq!(code, 0, "{v}: {err}");
    }
    // int8(256) == 0: Affinity.Validate refuses a zero weight.
    d.put("j.nomad", &affinity("256"));
    for v in ["0.12.12", "2.0.5"] {
        let (code, err) = run(&d, "validate", v);
        assert_eq!(code, 1, "{v}: {err}");
        assert!(err.contains("Affinity weight cannot be zero"), "{v}: {err}");
    }
    // HCL2's decodeAffinity truncates a fraction (big.Float.Int64).
    d.put("j.nomad", &affinity("5.5"));
    let (code, err) = run(&d, "validate", "2.0.5");
    assert_eq!(code, 0, "{err}");
}

/// Any other number field (Go `int`): before 1.0 mapstructure's weak
/// decoding stores `int64(f)` of a fraction and takes a bool as 1 or 0
/// (vendored mapstructure decodeInt, 0.9.0-0.12.12); from 1.0 gohcl's
/// FromCtyValue refuses a fraction with the 64-bit bounds. Before, every
/// era refused `count = 2.5` in words of ours: a false refusal under 0.x.
#[test]
fn int_fields_truncate_before_1_0_and_refuse_fractions_after() {
    let d = TempDir::new("narrow-int");
    d.put("j.nomad", &job("    count = 2.7"));
    for v in ["0.9.3", "0.12.12"] {
        let (code, err) = run(&d, "validate", v);
        assert_eq!(code, 0, "{v}: {err}");
        let o = d.run(&["plan", "--nomad-version", v, "j.nomad"]);
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains("+ Task Group: \"g\" (2 create)"), "{v}: {out}");
    }
    d.put("j.nomad", &job("    count = true"));
    let o = d.run(&["plan", "--nomad-version", "0.9.3", "j.nomad"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("+ Task Group: \"g\" (1 create)"), "{out}");
    // `    count = 2.7` on line 4: the literal is columns 13-16.
    d.put("j.nomad", &job("    count = 2.7"));
    for v in ["1.0.0", "2.0.5"] {
        let (code, err) = run(&d, "plan", v);
        assert_eq!(code, 255, "{v}: {err}");
        assert_eq!(
            first_two(&err),
            "Error getting job struct: Error parsing job file from j.nomad:\nj.nomad:4,13-16: Unsuitable value type; Unsuitable value: value must be a whole number, between -9223372036854775808 and 9223372036854775807",
            "{v}"
        );
    }
}
