//! `yamldecode` and `yamlencode` as go-cty-yaml (v1.0.2 in Nomad 1.0, v1.2.0
//! in 2.0; the resolution and emission rules below are the same in both)
//! does them. yaml-rust2 (a maintained YAML 1.2 parser) reads the events;
//! what a scalar means is go-cty-yaml's `resolveScalar`: YAML 1.1 booleans
//! (`yes`, `on`, `Y`...), `~`/`null`/empty as null, quoted scalars always
//! strings, timestamps as RFC 3339 strings, `<<` merge keys.
//!
//! Encoding writes libyaml's block style as go-cty-yaml drives it: keys
//! and strings double-quoted, multi-line strings as `|` literals, numbers
//! and booleans plain. libyaml folds a double-quoted string that runs past
//! column 80 at a space, and has its own rules for strings a literal block
//! cannot hold (leading blanks, trailing spaces); those few cases are
//! refused with a message saying so, never written differently.
//!
//! Split along the two jobs: [`decode`] (events to a value) and [`encode`]
//! (a value to libyaml's text); this file dispatches the two functions.

mod bom;
mod decode;
mod encode;
mod timestamp;

#[cfg(test)]
pub use decode::decode;
pub use decode::{decode_as, Dialect};
pub use encode::encode;

use super::*;

pub(super) fn call(env: &FnEnv<'_>, name: &str, a: &[Value]) -> Try {
    match name {
        "yamldecode" => {
            let src = s(arg(a, 0)?)?;
            // libyaml's byte order marks (bom.rs): yaml-rust2 keeps them.
            let text = bom::libyaml_text(&src).map_err(Miss::CannotTell)?;
            let v = decode_as(text, Dialect::of(env.version))?;
            // go-cty-yaml before 1.0.3 (Nomad 1.0.0 to 1.4.12) returns an
            // unknown value, not a null, for a document that is null
            // (c591969, "YAMLDecodeFunc: handle null values correctly").
            if matches!(v, Value::Null) && !env.version.at_least(1, 4, 13) {
                return Err("cannot tell: go-cty-yaml 1.0.2 (Nomad 1.0.0 to 1.4.12) makes a null document an unknown value, which nomad-preflight does not hold".into());
            }
            Ok(v)
        }
        "yamlencode" => Ok(Value::String(encode(arg(a, 0)?)?)),
        _ => Err(Miss::Skip),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(items: &[(&str, Value)]) -> Value {
        Value::Map(
            items
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }
    fn st(x: &str) -> Value {
        Value::String(x.into())
    }

    /// cty.ParseNumberVal at 512 bits (resolve.go v1.2.0:213), then
    /// ParseInt: what an f64 does not hold as written is "cannot tell",
    /// never Go's `cannot parse` nor another number (rt15c's oracle:
    /// `1e400` and `1e-400` decode, `!!float inf` is +Inf, `INF` fails).
    #[test]
    fn numbers_past_an_f64_are_unknown_not_refused() {
        let unknown = |y: &str| matches!(decode(y), Err(e) if e.starts_with("cannot tell"));
        for y in [
            "1e400",
            "-1.8e308",
            "1e-400",
            "1.00000000000000000001",
            "a: 1e309",
        ] {
            assert!(unknown(y), "{y}: {:?}", decode(y));
        }
        assert_eq!(decode("!!float inf"), Ok(Value::Number(f64::INFINITY)));
        assert_eq!(decode("!!float -Inf"), Ok(Value::Number(f64::NEG_INFINITY)));
        assert_eq!(
            decode("!!float INF"),
            Err("cannot parse \"INF\" as tag:yaml.org,2002:float".into())
        );
        assert_eq!(decode("0x1F"), Ok(Value::Number(31.0)));
        assert_eq!(
            decode("1.7976931348623157e308"),
            Ok(Value::Number(f64::MAX))
        );
    }

    #[test]
    fn decode_follows_go_cty_yaml_resolution() {
        // Terraform's yamldecode documentation examples.
        assert_eq!(decode("hello: world"), Ok(m(&[("hello", st("world"))])));
        assert_eq!(decode("true"), Ok(Value::Bool(true)));
        assert_eq!(
            decode("{a: &foo [1, 2, 3], b: *foo}"),
            Ok(m(&[
                (
                    "a",
                    Value::List(vec![
                        Value::Number(1.0),
                        Value::Number(2.0),
                        Value::Number(3.0)
                    ])
                ),
                (
                    "b",
                    Value::List(vec![
                        Value::Number(1.0),
                        Value::Number(2.0),
                        Value::Number(3.0)
                    ])
                ),
            ]))
        );
        // YAML 1.1 booleans, quoted scalars stay strings, nulls.
        assert_eq!(
            decode("a: yes\nb: \"yes\"\nc: ~\nd: 0x1F\ne: 2001-12-14t21:59:43.10-05:00\nf: 1_000"),
            Ok(m(&[
                ("a", Value::Bool(true)),
                ("b", st("yes")),
                ("c", Value::Null),
                ("d", Value::Number(31.0)),
                ("e", st("2001-12-14T21:59:43-05:00")),
                // Neither YAML 1.2 pattern allows `_`: a string.
                ("f", st("1_000")),
            ]))
        );
        assert_eq!(
            decode("base: &b {x: 1}\nd:\n  <<: *b\n  z: 2"),
            Ok(m(&[
                ("base", m(&[("x", Value::Number(1.0))])),
                (
                    "d",
                    m(&[("x", Value::Number(1.0)), ("z", Value::Number(2.0))])
                ),
            ]))
        );
        // A key resolves like any scalar, then becomes a string: `y` is
        // YAML 1.1's true.
        assert_eq!(decode("y: 1"), Ok(m(&[("true", Value::Number(1.0))])));
        assert_eq!(
            decode("--- a\n--- b").map_err(|e| e.contains("only a single document is allowed")),
            Err(true)
        );
        assert_eq!(
            decode(".nan"),
            Err("floating point NaN is not supported".into())
        );
        assert!(decode("a: [1, 2").is_err());
        assert_eq!(
            decode("!!binary 'not base64!'").map_err(|e| e.contains("not valid base64")),
            Err(true)
        );
    }

    #[test]
    fn encode_writes_libyamls_block_style() {
        // Terraform's yamlencode documentation examples.
        assert_eq!(
            encode(&m(&[("a", st("b")), ("c", st("d"))])),
            Ok("\"a\": \"b\"\n\"c\": \"d\"\n".into())
        );
        assert_eq!(
            encode(&m(&[
                (
                    "foo",
                    Value::List(vec![
                        Value::Number(1.0),
                        Value::Number(2.0),
                        Value::Number(3.0)
                    ])
                ),
                ("bar", st("baz")),
            ])),
            Ok("\"bar\": \"baz\"\n\"foo\":\n- 1\n- 2\n- 3\n".into())
        );
        assert_eq!(
            encode(&m(&[
                (
                    "foo",
                    Value::List(vec![
                        Value::Number(1.0),
                        m(&[("a", st("b")), ("c", st("d"))])
                    ])
                ),
                ("bar", st("baz")),
            ])),
            Ok("\"bar\": \"baz\"\n\"foo\":\n- 1\n- \"a\": \"b\"\n  \"c\": \"d\"\n".into())
        );
        assert_eq!(
            encode(&m(&[
                ("x", m(&[("y", Value::Bool(true)), ("z", Value::Null)])),
                ("e", m(&[]))
            ])),
            Ok("\"e\": {}\n\"x\":\n  \"y\": true\n  \"z\": null\n".into())
        );
        assert_eq!(
            encode(&m(&[("s", st("line1\nline2\n"))])),
            Ok("\"s\": |\n  line1\n  line2\n".into())
        );
        assert_eq!(encode(&st("tab\there")), Ok("\"tab\\there\"\n".into()));
        // A plain scalar at the root leaves the document open-ended
        // (go-cty-yaml 1.2.0 oracle: `5\n...\n`, `null\n...\n`).
        assert_eq!(encode(&Value::Number(5.0)), Ok("5\n...\n".into()));
        assert_eq!(encode(&Value::Null), Ok("null\n...\n".into()));
        assert_eq!(encode(&Value::Bool(true)), Ok("true\n...\n".into()));
        assert_eq!(encode(&st("x y")), Ok("\"x y\"\n".into()));
        assert!(encode(&st(&"word ".repeat(30))).is_err());
    }

    #[test]
    fn a_null_document_is_unknown_before_go_cty_yaml_1_0_3() {
        let at = |patch| FnEnv {
            version: crate::version::NomadVersion::new(1, 4, patch),
            ..FnEnv::default()
        };
        assert!(
            matches!(call(&at(12), "yamldecode", &[st("~")]), Err(Miss::Fail(e)) if e.starts_with("cannot tell"))
        );
        assert!(matches!(
            call(&at(13), "yamldecode", &[st("~")]),
            Ok(Value::Null)
        ));
        assert!(matches!(
            call(&at(12), "yamldecode", &[st("a: ~")]),
            Ok(Value::Map(_))
        ));
    }

    /// Run through the go-cty-yaml 1.0.2, 1.1.0 and 1.2.0 oracles
    /// (tests/fixtures/hcl_eval `fn_yamldecode_*`).
    #[test]
    fn each_go_cty_yaml_release_reads_as_it_did() {
        let v = crate::version::NomadVersion::new;
        let (old, mid, new) = (
            Dialect::of(v(1, 9, 3)),
            Dialect::of(v(1, 11, 1)),
            Dialect::of(v(1, 11, 2)),
        );
        let n = Value::Number;
        assert_eq!(
            decode_as("a: 1_000\nb: -0x1F\nc: +0o1_7\nd: +_1", old),
            Ok(m(&[
                ("a", n(1000.0)),
                ("b", n(-31.0)),
                ("c", n(15.0)),
                ("d", n(1.0))
            ]))
        );
        assert_eq!(
            decode_as("a: 1_000\nb: -0x1F", mid),
            Ok(m(&[("a", st("1_000")), ("b", st("-0x1F"))]))
        );
        // A sign alone matches the old integer pattern, and cannot parse.
        assert_eq!(
            decode_as("a: +", old),
            Err("cannot parse \"+\" as tag:yaml.org,2002:int".into())
        );
        assert_eq!(decode_as("a: +", mid), Ok(m(&[("a", st("+"))])));
        // `<<` takes a sequence of mappings from 1.2.0 only; later keys
        // win over merged ones, merged ones over earlier keys.
        let seq = "a: &a {p: 1}\nb: &b {q: 2}\nc:\n  <<: [*a, *b]\n  p: 0\n";
        for d in [old, mid] {
            assert_eq!(
                decode_as(seq, d),
                Err("on line 3, column 3: cannot merge tuple into mapping".into())
            );
        }
        let c = decode_as(seq, new).map(|v| match v {
            Value::Map(mut all) => all.remove("c"),
            _ => None,
        });
        assert_eq!(c, Ok(Some(m(&[("p", n(0.0)), ("q", n(2.0))]))));
        // A quoted `<<` is a merge key too.
        assert_eq!(
            decode_as("c:\n  \"<<\": 5\n", old),
            Err("on line 1, column 3: cannot merge number into mapping".into())
        );
    }

    #[test]
    fn nesting_past_the_depth_limit_is_refused_without_recursion() {
        let _e = crate::jobspec::budget::enter();
        let flow = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(decode(&flow(crate::jobspec::budget::MAX_DEPTH)).is_ok());
        for deep in [flow(100_000), format!("{}1", "- ".repeat(100_000))] {
            let e = decode(&deep).unwrap_err();
            assert!(crate::jobspec::budget::is_depth(&e), "{e}");
        }
        // A syntax error before the limit is still the parser's.
        let e = decode("[1, ]]").unwrap_err();
        assert!(!crate::jobspec::budget::is_depth(&e), "{e}");
    }
}
