//! Infinities in a job file, as go-cty makes and prints them: `1/0` is
//! `cty.PositiveInfinity` (stdlib DivideFunc, big.Float.Quo), YAML's
//! `.inf` / `-.inf` decode to the infinities (go-cty-yaml resolve.go; only
//! `.nan` is refused), and a number converted to a string is
//! `big.Float.Text('f', -1)`: `+Inf` / `-Inf` (math/big ftoa.go). np10 said
//! "inf" and refused YAML's infinities (redteam10 R10-8).

use crate::common;

use common::{run_in, TempDir};

fn job(meta: &str) -> String {
    format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n  meta {{\n{meta}  }}\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"x\"\n      }}\n    }}\n  }}\n}}\n"
    )
}

#[test]
fn infinities_are_written_as_go_cty_writes_them() {
    let d = TempDir::new("hcl2-infinity");
    d.put(
        "inf.nomad",
        &job("    pos  = 1/0\n    neg  = -1/0\n    yaml = yamldecode(\"- .inf\\n- -.Inf\\n\")[1]\n    big  = yamldecode(\"+.inf\") > 5\n"),
    );
    let o = run_in(
        &d.0,
        &[
            "plan",
            "--nomad-version",
            "1.7.2",
            "--format",
            "json",
            "inf.nomad",
        ],
    );
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    let v: serde_json::Value = serde_json::from_str(&o.stdout).expect("json");
    let fields = v["Diff"]["Fields"].as_array().cloned().unwrap_or_default();
    let meta = |k: &str| {
        fields
            .iter()
            .find(|f| f["Name"] == format!("Meta[{k}]"))
            .map(|f| f["New"].clone())
    };
    assert_eq!(meta("pos"), Some("+Inf".into()), "{}", o.stdout);
    assert_eq!(meta("neg"), Some("-Inf".into()), "{}", o.stdout);
    assert_eq!(meta("yaml"), Some("-Inf".into()), "{}", o.stdout);
    assert_eq!(meta("big"), Some("true".into()), "{}", o.stdout);
}

/// Guard: NaN stays refused, with go-cty-yaml's text.
#[test]
fn yaml_nan_is_still_refused() {
    let d = TempDir::new("hcl2-nan");
    d.put("nan.nomad", &job("    x = yamldecode(\".nan\")\n"));
    let o = run_in(&d.0, &["validate", "--nomad-version", "1.7.2", "nan.nomad"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains("floating point NaN is not supported"),
        "{}",
        o.stderr
    );
}
