//! JSON as Go's encoding/json reads a job: which objects `nomad job run
//! -json` takes for a job. A leaf beside `nesting`, so that both the job
//! text scan (jobspec) and the gates' choice of files agree on it.

/// May `text` name a job under any spelling Go's encoding/json folds to
/// `Job` or `TaskGroups` ([`names_api_job`])? A cheap look before a
/// parse: most JSON a repository holds names neither.
pub fn may_name_api_job(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    ["job", "taskgroup", "\\u", "\u{212a}", "\u{17f}"]
        .iter()
        .any(|w| lower.contains(w))
}

/// Is the top-level JSON object `m` a job `nomad job run -json` submits?
/// command/helpers.go decodes it with Go's encoding/json into `eitherJob`
/// (a `Job` field beside an embedded api.Job): unknown keys are ignored
/// and a key matches a field in any case, folded as encoding/json's
/// foldName does (so `JOB`, and the Kelvin sign for `k`, the long s for
/// `s`). So a `Job` object, or an api.Job's `TaskGroups`, under any such
/// spelling is a job: such files passed the gates unread (exit 0, "0
/// files").
pub fn names_api_job(m: &serde_json::Map<String, serde_json::Value>) -> bool {
    m.iter().any(|(k, v)| {
        let k = go_fold(k);
        (k == "JOB" && v.is_object()) || k == "TASKGROUPS"
    })
}

/// A JSON key as encoding/json compares it (fold.go foldName: each rune
/// lowered, then raised).
fn go_fold(key: &str) -> String {
    key.chars()
        .flat_map(char::to_lowercase)
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    /// Go's reading of a whole text: an object that names a job.
    fn names_api_job(text: &str) -> bool {
        super::may_name_api_job(text)
            && matches!(
                serde_json::from_str::<serde_json::Value>(text),
                Ok(serde_json::Value::Object(m)) if super::names_api_job(&m)
            )
    }

    #[test]
    fn api_jobs_in_any_spelling_go_reads() {
        for yes in [
            "{\"JOB\": {\"ID\": \"x\"}}",
            "{\"jOb\": {}}",
            "{\"Name\": \"x\", \"TaskGroups\": []}",
            "{\"taskgroups\": null}",
            "{\"Ta\u{17f}\u{212a}Group\u{17f}\": []}",
            "{\"\\u004aob\": {}}",
        ] {
            assert!(names_api_job(yes), "{yes:?}");
        }
        for no in [
            "{\"job\": \"web\"}",
            "{\"jobs\": {}}",
            "{\"panels\": [{\"expr\": \"job\"}]}",
            "[{\"Job\": {}}]",
            "{\"JOB\": {",
        ] {
            assert!(!names_api_job(no), "{no:?}");
        }
    }
}
