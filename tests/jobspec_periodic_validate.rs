//! Issue 13: `PeriodicConfig.Validate` (nomad/structs/structs.go, read at
//! v0.9.3, v1.0.0, v1.6.0 and v2.0.5): cron specs must parse (cronexpr's
//! own errors), the time zone must load (`time.LoadLocation`), and before
//! 1.6.2 the one spec is parsed even when missing. Each job validated and
//! planned as a false all-clear before. Specs from structs_test.go's
//! TestPeriodicConfig_InvalidCron ("foo") and TestPeriodicConfig_NextCron
//! ("1 15-0 *"); the time zone from TestPeriodicConfig_EnabledInvalid
//! ("FOO"); the texts are `Invalid cron spec %q: %v`, `Invalid time zone
//! %q: %v`, cronexpr.Parse's `missing field(s)` and `syntax error in %s
//! field: '%s'`, Go's `unknown time zone %s`.

use crate::common;

fn multi(v: &str, items: &[String]) -> String {
    common::go_multierror(v, items)
}

fn job(periodic: &str) -> String {
    format!(
        "job \"j\" {{\n  datacenters = [\"dc1\"]\n  type = \"batch\"\n  periodic {{\n{periodic}\n  }}\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"exec\"\n      config {{\n        command = \"/bin/true\"\n      }}\n    }}\n  }}\n}}\n"
    )
}

struct Case {
    name: &'static str,
    periodic: &'static str,
    /// Per release: PeriodicConfig.Validate's items, none when accepted.
    want: fn(&str) -> Option<Vec<String>>,
    versions: &'static [&'static str],
    /// Needs this machine's time zone database.
    tz: bool,
}

fn s(x: &str) -> String {
    x.to_string()
}

const ALL: &[&str] = &["0.9.3", "1.0.0", "1.6.0", "2.0.5"];

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "few-fields",
            periodic: "    cron = \"foo\"",
            want: |_| Some(vec![s("Invalid cron spec \"foo\": missing field(s)")]),
            versions: ALL,
            tz: false,
        },
        Case {
            name: "bad-field",
            periodic: "    cron = \"61 * * * *\"",
            want: |_| {
                Some(vec![s(
                    "Invalid cron spec \"61 * * * *\": syntax error in minute field: '61'",
                )])
            },
            versions: ALL,
            tz: false,
        },
        Case {
            name: "time-zone",
            periodic: "    cron = \"*/5 * * * *\"\n    time_zone = \"FOO\"",
            want: |_| Some(vec![s("Invalid time zone \"FOO\": unknown time zone FOO")]),
            versions: ALL,
            tz: true,
        },
        Case {
            name: "good-zone",
            periodic: "    cron = \"0 0-15 * * *\"\n    time_zone = \"America/Chicago\"",
            want: |_| None,
            versions: ALL,
            tz: true,
        },
        // `crons` (1.6.2+): each spec is parsed, after the time zone.
        Case {
            name: "crons",
            periodic: "    crons = [\"*/5 * * * *\", \"bogus * * * *\"]\n    time_zone = \"Mars/Olympus_Mons\"",
            want: |_| {
                Some(vec![
                    s("Invalid time zone \"Mars/Olympus_Mons\": unknown time zone Mars/Olympus_Mons"),
                    s("Invalid cron spec \"bogus * * * *\": syntax error in minute field: 'bogus'"),
                ])
            },
            versions: &["1.6.2", "2.0.5"],
            tz: true,
        },
        // No spec: before 1.6.2 Validate also parses the empty spec.
        Case {
            name: "no-spec",
            periodic: "    prohibit_overlap = true",
            want: |v| {
                let mut items = vec![s("Must specify a spec")];
                if v != "2.0.5" {
                    items.push(s("Invalid cron spec \"\": missing field(s)"));
                }
                Some(items)
            },
            versions: &["1.0.0", "1.6.0", "2.0.5"],
            tz: false,
        },
    ]
}

#[test]
fn validate_and_plan_refuse_bad_periodic_blocks_as_each_release() {
    let have_tz = std::path::Path::new("/usr/share/zoneinfo/America/Chicago").exists();
    let mut failures = Vec::new();
    for c in cases() {
        if c.tz && !have_tz {
            continue;
        }
        let text = job(c.periodic);
        for v in c.versions {
            // PeriodicConfig.Validate's multierror is one item of
            // Job.Validate's.
            let want = (c.want)(v).map(|items| multi(v, &[multi(v, &items)]));
            common::judge_validation(
                &mut failures,
                &format!("periodic-validate-{}-{v}", c.name),
                c.name,
                &text,
                v,
                want,
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// R13-11: before 1.6.2 `crons` is not a key (api/jobs.go@v1.6.0
/// PeriodicConfig has no `crons` tag; it arrives at v1.6.2): the parser's
/// `Unsupported argument` is the whole refusal, and PeriodicConfig.Validate
/// never runs, so no `Invalid cron spec ""` for a `cron` never written.
#[test]
fn a_gated_crons_is_refused_by_the_parser_alone() {
    let text = job("    crons = [\"0 8 * * *\", \"0 9 * * *\"]\n    prohibit_overlap = true");
    for v in ["1.5.0", "1.6.0", "1.6.1"] {
        for cmd in ["validate", "check"] {
            let (code, err) = common::run_job_file("periodic-crons-gate", cmd, &text, v);
            let (_, out, _) = common::run_job(
                "periodic-crons-gate-out",
                &text,
                &[cmd, "--nomad-version", v, "j.nomad"],
            );
            let all = format!("{out}{err}");
            assert!(
                common::flat(&all).contains("An argument named \"crons\" is not expected here"),
                "{cmd} at {v}: no gate error:\n{all}"
            );
            assert!(
                !all.contains("Invalid cron spec"),
                "{cmd} at {v}: a refusal Nomad never prints:\n{all}"
            );
            assert_eq!(code, Some(1), "{cmd} at {v}:\n{all}");
        }
    }
    // From 1.6.2 the same block is a job Nomad accepts.
    let (code, err) = common::run_job_file("periodic-crons-ok", "validate", &text, "1.6.2");
    assert_eq!(code, Some(0), "{err}");
}
