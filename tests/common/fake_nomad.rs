//! A fake `nomad` that behaves as the real `nomad operator api` does where
//! the printed capture commands depend on it (command/operator_api.go,
//! v1.5.0:146-161 and 266-281, v2.0.5:156-172 and 266-281):
//! - a stdin that is not a character device is read whole as the request
//!   body and the method becomes POST (logged to `$FAKE/posts.log`, and
//!   answered with the error text Job.Register's decoder gives);
//! - any answer, an error's too, goes to stdout with exit 0: a path the
//!   fake has no answer for is refused as an ACL would
//!   ("Permission denied", command/agent/http.go `wrap`).
//!
//! `nomad node status -quiet` prints `$FAKE/node-ids`.

use super::TempDir;

/// The fake's file name for an API path (`/`, `?`, `=`, `%`, `&` are no
/// file name characters for the shell's `tr`).
pub fn answer_name(url: &str) -> String {
    url.chars()
        .map(|c| match c {
            '/' => 'S',
            '?' => 'Q',
            '=' => 'E',
            '%' => 'P',
            '&' => 'A',
            c => c,
        })
        .collect()
}

const SCRIPT: &str = r#"#!/bin/sh
if [ "$1 $2" = "node status" ]; then cat "$FAKE/node-ids" 2>/dev/null; exit 0; fi
[ "$1 $2" = "operator api" ] || { echo "fake nomad: $1 $2 is not faked" >&2; exit 1; }
if ! [ -c /dev/stdin ]; then
  cat >/dev/null
  echo "POST $3" >> "$FAKE/posts.log"
  printf 'Request body could not be decoded: EOF'
  exit 0
fi
f="$FAKE/$(printf '%s' "$3" | tr '/?=%&' 'SQEPA')"
if [ -f "$f" ]; then cat "$f"; else printf 'Permission denied'; fi
exit 0
"#;

/// Install the fake in `d/bin` answering `answers` (API path → body);
/// returns the PATH and FAKE to run the printed commands with.
pub fn install(d: &TempDir, answers: &[(String, String)]) -> Vec<(String, String)> {
    d.put("bin/nomad", SCRIPT);
    let bin = d.0.join("bin/nomad");
    std::process::Command::new("chmod")
        .arg("+x")
        .arg(&bin)
        .status()
        .expect("chmod runs");
    d.put("fake/.keep", "");
    for (url, body) in answers {
        d.put(&format!("fake/{}", answer_name(url)), body);
    }
    vec![
        (
            "PATH".into(),
            format!(
                "{}:{}",
                d.0.join("bin").display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        ),
        ("FAKE".into(), d.0.join("fake").display().to_string()),
    ]
}

/// The POSTs the fake was sent (none, when every call reads no body).
pub fn posts(d: &TempDir) -> String {
    std::fs::read_to_string(d.0.join("fake/posts.log")).unwrap_or_default()
}

/// Run `script` as a user who pipes it into a shell (`… | bash`): every
/// command's stdin is the rest of the script unless it says otherwise.
pub fn run_piped(d: &TempDir, env: &[(String, String)], script: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = std::process::Command::new("bash")
        .current_dir(&d.0)
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("bash runs");
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(script.as_bytes()).expect("script written");
    }
    child.wait_with_output().expect("bash ends")
}
