//! Nomad's validation texts as each release words them, and the test that
//! drives `validate` and `plan` against them (split from common/mod.rs).

use super::run_job;

/// go-multierror's list text, as the release `v` words it (the format
/// changed in go-multierror 1.0, vendored from Nomad 0.10.4): the words of
/// Nomad's own `mErr.Error()`, for expected validation texts.
pub fn go_multierror(v: &str, items: &[String]) -> String {
    let old = matches!(v.split('.').collect::<Vec<_>>()[..], ["0", m, p, ..]
        if m.parse::<u32>().unwrap_or(0) < 10
            || (m == "10" && p.parse::<u32>().unwrap_or(0) < 4));
    if old {
        let lines: Vec<String> = items.iter().map(|i| format!("* {i}")).collect();
        format!("{} error(s) occurred:\n\n{}", items.len(), lines.join("\n"))
    } else {
        let head = if items.len() == 1 {
            "1 error occurred:".to_string()
        } else {
            format!("{} errors occurred:", items.len())
        };
        let lines: String = items.iter().map(|i| format!("\n\t* {i}")).collect();
        format!("{head}{lines}\n\n")
    }
}

/// Nomad's error list for a job whose group `g` fails `items`.
pub fn group_refusal(v: &str, items: &[String]) -> String {
    let g = format!(
        "Task group g validation failed: {}",
        go_multierror(v, items)
    );
    go_multierror(v, &[g])
}

/// Whether release `v` ("X.Y.Z") is `major.minor` or later.
pub fn at_least(v: &str, major: u32, minor: u32) -> bool {
    let mut parts = v.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    let (a, b) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
    (a, b) >= (major, minor)
}

/// Runs `validate` and `plan` on the job `text` under release `v`, as a
/// user does, and records in `failures` where either differs from Nomad:
/// `want` is the refusal Nomad prints (validate exits 1 with `Job
/// validation errors:` and it; plan exits 255 with `Error during plan:
/// Unexpected response code: 500 (it)`), or `None` where Nomad accepts.
pub fn judge_validation(
    failures: &mut Vec<String>,
    tag: &str,
    name: &str,
    text: &str,
    v: &str,
    want: Option<String>,
) {
    let (vcode, _, verr) = run_job(
        &format!("{tag}-v"),
        text,
        &["validate", "--nomad-version", v, "j.nomad"],
    );
    let (pcode, _, perr) = run_job(
        &format!("{tag}-p"),
        text,
        &["plan", "--nomad-version", v, "j.nomad"],
    );
    match want {
        Some(want) => {
            let block = format!("Job validation errors:\n{want}");
            if vcode != 1 || !verr.contains(&block) {
                failures.push(format!(
                    "{name} {v} validate ({vcode}):\nwant {block:?}\ngot  {verr:?}"
                ));
            }
            // From 1.6.0 the API client trims the response body
            // (api/error_unexpected_response.go fromHTTPResponse).
            let body = if at_least(v, 1, 6) {
                want.trim()
            } else {
                &want
            };
            let plan = format!("Error during plan: Unexpected response code: 500 ({body})");
            if pcode != 255 || !perr.contains(&plan) {
                failures.push(format!(
                    "{name} {v} plan ({pcode}):\nwant {plan:?}\ngot  {perr:?}"
                ));
            }
        }
        None => {
            if vcode != 0 || perr.contains("validation failed") {
                failures.push(format!("{name} {v}: accepted by Nomad: {verr}{perr}"));
            }
        }
    }
}
