//! go-cty, go-cty-yaml and go-cidr at their edge values, per Nomad
//! release (redteam rt15c R15-30 to R15-33; rt15c's Go oracles):
//!
//! - `jsonencode` (and `format("%#v")`) of an infinity is go-cty's error
//!   (cty/json/marshal.go: `cannot serialize infinity as JSON`), never
//!   `null`;
//! - an infinity in a task `config` becomes Go's math.Inf
//!   (jobspec2/parse_map.go) and the CLI cannot encode the request
//!   (api/api.go encodeBody): `Error during plan: json: unsupported
//!   value: +Inf`, while `validate` validates locally;
//! - yamldecode of a number past an f64 (`1e400`) is decoded by
//!   go-cty-yaml at 512 bits: "cannot tell", never Go's `cannot parse`;
//!   `yamlencode` of a root scalar ends the document (`5\n...\n`);
//! - go-cidr 1.1.0 (Nomad 1.11.2+) takes a negative subnet number and
//!   names the overwritten host number in its error; 1.0.1 does not.

use crate::common::{run_in, Out, TempDir};

fn world(version: &str) -> String {
    format!("nomad_version = \"{version}\"\nclient \"c\" {{\n  count      = 2\n  datacenter = \"dc1\"\n  cpu        = 4000\n  memory     = 8192\n  disk       = 20000\n  drivers    = [\"docker\"]\n}}\nserver {{}}\n")
}

/// A job whose job-level meta `a` is `meta` and whose task config holds
/// `config` beside the image.
fn job(meta: &str, config: &str) -> String {
    format!("job \"j\" {{\n  datacenters = [\"dc1\"]\n  meta {{\n    a = {meta}\n  }}\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"redis:7\"\n{config}      }}\n      resources {{\n        cpu    = 100\n        memory = 64\n      }}\n    }}\n  }}\n}}\n")
}

fn project(tag: &str, version: &str, text: &str) -> TempDir {
    let d = TempDir::new(tag);
    d.put("rules/cluster.hcl", &world(version));
    d.put("j.nomad", text);
    d
}

fn run(d: &TempDir, args: &[&str]) -> Out {
    run_in(&d.0, args)
}

/// The planned value of meta `a` (plan's JSON diff), or the whole output.
fn meta(tag: &str, version: &str, expr: &str) -> Result<String, String> {
    let d = project(tag, version, &job(expr, ""));
    let o = run(
        &d,
        &["plan", "--world", "rules", "--format", "json", "j.nomad"],
    );
    let v: serde_json::Value =
        serde_json::from_str(&o.stdout).map_err(|_| format!("{}{}", o.stdout, o.stderr))?;
    let fields = v["Diff"]["Fields"].as_array().cloned().unwrap_or_default();
    fields
        .iter()
        .find(|f| f["Name"] == "Meta[a]")
        .and_then(|f| f["New"].as_str().map(String::from))
        .ok_or_else(|| format!("{}{}", o.stdout, o.stderr))
}

#[test]
fn jsonencode_of_an_infinity_is_go_ctys_error_not_null() {
    for expr in [
        "jsonencode(yamldecode(\"max: .inf\"))",
        "jsonencode({b = -1/0})",
        "format(\"%#v\", 1/0)",
    ] {
        let d = project("cty-edges-json", "2.0.5", &job(expr, ""));
        let o = run(&d, &["plan", "--world", "rules", "j.nomad"]);
        assert_eq!(o.code, 255, "{expr}: {}{}", o.stdout, o.stderr);
        let function = expr.split('(').next().unwrap_or_default();
        let said = if function == "format" {
            "Call to function \"format\" failed: unsupported value for \"%#v\" at 0: cannot serialize infinity as JSON."
        } else {
            "Call to function \"jsonencode\" failed: cannot serialize infinity as JSON."
        };
        assert!(
            o.stderr.starts_with(
                "Error getting job struct: Error parsing job file from j.nomad:\nj.nomad:4,9-"
            ) && o.stderr.contains(said),
            "{expr}: {}",
            o.stderr
        );
        let v = run(&d, &["validate", "--world", "rules", "j.nomad"]);
        assert_eq!(v.code, 1, "{expr}: {}{}", v.stdout, v.stderr);
        assert!(
            !v.stdout.contains("Job validation successful"),
            "{}",
            v.stdout
        );
        let c = run(&d, &["check", "--world", "rules", "j.nomad"]);
        assert_eq!(c.code, 1, "{expr}: {}{}", c.stdout, c.stderr);
    }
}

#[test]
fn an_infinity_in_a_task_config_fails_the_plan_before_any_server_sees_it() {
    for (args, sign) in [("1/0", "+Inf"), ("yamldecode(\"-.inf\")", "-Inf")] {
        let config = format!("        args  = [\"--ratio\", {args}]\n");
        let d = project("cty-edges-config", "2.0.5", &job("\"x\"", &config));
        let o = run(&d, &["plan", "--world", "rules", "j.nomad"]);
        assert_eq!(o.code, 255, "{}{}", o.stdout, o.stderr);
        assert_eq!(o.stdout, "", "{}", o.stdout);
        assert_eq!(
            o.stderr,
            format!("Error during plan: json: unsupported value: {sign}\n")
        );
        let j = run(
            &d,
            &["plan", "--world", "rules", "--format", "json", "j.nomad"],
        );
        assert_eq!(j.code, 255, "{}{}", j.stdout, j.stderr);
        let v: serde_json::Value = serde_json::from_str(&j.stdout).expect("json");
        assert_eq!(
            v["Preflight"]["Admission"]["Error"],
            format!("json: unsupported value: {sign}")
        );
        // validate's request fails the same way: validateLocal passes it
        // (command/job_validate.go:141-143), and our warning says the
        // plan and the run fail.
        let val = run(&d, &["validate", "--world", "rules", "j.nomad"]);
        assert!(
            val.stdout.starts_with(
                "Driver configuration not validated since connection to Nomad agent couldn't be established.\n\nJob validation successful\n"
            ),
            "{}",
            val.stdout
        );
        assert!(
            val.stdout.contains(&format!(
                "`Error during plan: json: unsupported value: {sign}`"
            )),
            "{}",
            val.stdout
        );
        assert_eq!(val.code, 1, "{}{}", val.stdout, val.stderr);
        let c = run(&d, &["check", "--world", "rules", "j.nomad"]);
        assert_eq!(c.code, 1, "{}{}", c.stdout, c.stderr);
        assert!(
            c.stdout.contains(&format!(
                "NP227 [error] `nomad job plan` fails: Error during plan: json: unsupported value: {sign}"
            )),
            "{}",
            c.stdout
        );
    }
}

#[test]
fn yaml_numbers_past_an_f64_are_cannot_tell_never_gos_parse_error() {
    for yaml in ["limit: 1e400", "limit: -1.8e308", "limit: 1e-400"] {
        let expr = format!("yamldecode(\"{yaml}\").limit");
        let d = project("cty-edges-yaml", "2.0.5", &job(&expr, ""));
        let o = run(&d, &["plan", "--world", "rules", "j.nomad"]);
        assert_eq!(o.code, 255, "{yaml}: {}{}", o.stdout, o.stderr);
        assert!(
            o.stderr
                .starts_with("error: cannot tell what Nomad makes of the YAML number"),
            "{yaml}: {}",
            o.stderr
        );
        assert!(!o.stderr.contains("cannot parse"), "{}", o.stderr);
        assert!(!o.stdout.contains("successfully"), "{}", o.stdout);
    }
    // A root scalar leaves libyaml's document open-ended.
    assert_eq!(
        meta("cty-edges-yaml-root", "2.0.5", "yamlencode(5)"),
        Ok("5\n...\n".into())
    );
    assert_eq!(
        meta("cty-edges-yaml-root", "1.7.2", "yamlencode(true)"),
        Ok("true\n...\n".into())
    );
}

#[test]
fn negative_cidr_numbers_follow_the_releases_go_cidr() {
    // go-cidr 1.1.0 (Nomad 1.11.2+): big.Int's magnitude passes the check
    // and its two's complement Or drops the network bits.
    assert_eq!(
        meta(
            "cty-edges-cidr-meta",
            "2.0.5",
            "cidrsubnet(\"10.0.0.0/8\", 8, -1)"
        ),
        Ok("0.1.0.0/16".into())
    );
    assert_eq!(
        meta(
            "cty-edges-cidr-meta",
            "1.11.2",
            "cidrsubnet(\"10.3.0.0/16\", 8, -5)"
        ),
        Ok("0.0.5.0/24".into())
    );
    let refused = |version: &str, expr: &str, said: &str| {
        let d = project("cty-edges-cidr", version, &job(expr, ""));
        let o = run(&d, &["plan", "--world", "rules", "j.nomad"]);
        assert_eq!(o.code, 255, "{version} {expr}: {}{}", o.stdout, o.stderr);
        assert!(o.stderr.contains(said), "{version} {expr}: {}", o.stderr);
    };
    // go-cidr 1.0.1 (to 1.11.1): uint64(-1) is past any subnet number.
    refused(
        "1.11.1",
        "cidrsubnet(\"10.0.0.0/8\", 8, -1)",
        "Call to function \"cidrsubnet\" failed: prefix extension of 8 does not accommodate a subnet numbered -1.",
    );
    // HostBig names the number it overwrote: max - (-num - 1).
    refused(
        "2.0.5",
        "cidrhost(\"192.168.1.0/30\", -10)",
        "Call to function \"cidrhost\" failed: prefix of 30 does not accommodate a host numbered -6.",
    );
    refused(
        "1.10.5",
        "cidrhost(\"192.168.1.0/30\", -10)",
        "Call to function \"cidrhost\" failed: prefix of 30 does not accommodate a host numbered -10.",
    );
}
