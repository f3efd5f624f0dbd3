//! In-memory edits a rehearsal step asks for: uncomment a line, set an
//! attribute. Edits are textual and minimal, so the edited file is exactly
//! what the presenter would have after making the change by hand.

use hcl_edit::structure::{Body, Structure};
use hcl_edit::Span as _;

use super::Edit;

/// Why an edit could not be applied (located in the rehearsal by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditError {
    pub message: String,
    pub help: String,
}

fn fail(message: impl Into<String>, help: impl Into<String>) -> EditError {
    EditError {
        message: message.into(),
        help: help.into(),
    }
}

/// Apply one edit to a file's text.
pub fn apply(text: &str, edit: &Edit) -> Result<String, EditError> {
    match edit {
        Edit::Uncomment { key, .. } => uncomment(text, key),
        Edit::Set { path, value, .. } => set(text, path, value),
    }
}

/// Remove the comment marker of the first commented-out line that starts
/// with `key` followed by `=`, space or `{`.
fn uncomment(text: &str, key: &str) -> Result<String, EditError> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start().len();
        let body = &line[indent..];
        let marker = if body.starts_with("//") {
            2
        } else if body.starts_with('#') {
            1
        } else {
            offset += line.len();
            continue;
        };
        let after = &body[marker..];
        let content = after.trim_start();
        if let Some(rest) = content.strip_prefix(key) {
            if rest.starts_with(['=', ' ', '\t', '{']) {
                let start = offset + indent;
                let end = start + marker + (after.len() - content.len());
                let mut out = String::with_capacity(text.len());
                out.push_str(&text[..start]);
                out.push_str(&text[end..]);
                return Ok(out);
            }
        }
        offset += line.len();
    }
    Err(fail(
        format!("no commented-out `{key}` line to uncomment"),
        format!("the file has no line like `#{key} = ...`; check the file or the key"),
    ))
}

/// Set `path` (`group.carts.count`, `priority`, `group.x.task.y.resources.memory`)
/// to `value`, replacing the existing value or adding the attribute.
fn set(text: &str, path: &str, value: &str) -> Result<String, EditError> {
    if crate::nesting::too_deep(text, crate::nesting::MAX_DEPTH).is_some() {
        return Err(fail(
            "the file nests too deeply to edit",
            "fix the file first (`nomad-preflight validate FILE`)",
        ));
    }
    let body = hcl_edit::parser::parse_body(text).map_err(|e| {
        fail(
            format!("the file does not parse: {}", e.message()),
            "fix the syntax error first (`nomad-preflight validate FILE`)",
        )
    })?;
    let tokens: Vec<&str> = path.split('.').filter(|t| !t.is_empty()).collect();
    let Some((attr, blocks)) = tokens.split_last() else {
        return Err(fail(
            "empty attribute path",
            "write a path like `group.carts.count`",
        ));
    };
    // Job files hold one `job` block; paths start inside it unless they say `job`.
    let mut body_ref: &Body = &body;
    let mut rest: &[&str] = blocks;
    if rest.first() != Some(&"job") {
        if let Some(job) = body.get_blocks("job").next() {
            body_ref = &job.body;
        }
    } else {
        rest = &rest[1..];
        let job = body
            .get_blocks("job")
            .next()
            .ok_or_else(|| fail("the file has no `job` block", "check the file"))?;
        body_ref = &job.body;
        if job.is_labeled() && rest.first().is_some_and(|l| job.has_labels(&[*l])) {
            rest = &rest[1..];
        }
    }
    let mut i = 0;
    let mut walked = String::new();
    while i < rest.len() {
        let ident = rest[i];
        let candidates: Vec<_> = body_ref.get_blocks(ident).collect();
        if candidates.is_empty() {
            return Err(fail(
                format!("no `{ident}` block{}", at(&walked)),
                format!("the path {path:?} must follow the blocks of the file"),
            ));
        }
        let labelled = candidates.iter().any(|b| b.is_labeled());
        let block = if labelled {
            let label = rest.get(i + 1).ok_or_else(|| {
                fail(
                    format!("`{ident}` blocks are labelled; the path needs the label"),
                    format!("write `{ident}.<label>.` in the path"),
                )
            })?;
            i += 1;
            candidates
                .into_iter()
                .find(|b| b.has_labels(&[*label]))
                .ok_or_else(|| {
                    fail(
                        format!("no `{ident} \"{label}\"` block{}", at(&walked)),
                        "check the label in the path",
                    )
                })?
        } else {
            candidates[0]
        };
        walked.push_str(&format!("{ident} "));
        body_ref = &block.body;
        i += 1;
    }
    if let Some(a) = body_ref.get_attribute(attr) {
        let span = a.value.span().ok_or_else(|| {
            fail(
                "cannot locate the attribute's value",
                "report this as a bug",
            )
        })?;
        let mut out = String::with_capacity(text.len() + value.len());
        out.push_str(&text[..span.start]);
        out.push_str(value);
        out.push_str(&text[span.end..]);
        return Ok(out);
    }
    // Add the attribute as the first line of the block, indented like its body.
    let first = body_ref.iter().next().and_then(|s| match s {
        Structure::Attribute(a) => a.span(),
        Structure::Block(b) => b.span(),
    });
    match first {
        Some(span) => {
            let line_start = text[..span.start].rfind('\n').map(|p| p + 1).unwrap_or(0);
            let indent = &text[line_start..span.start];
            let indent = if indent.trim().is_empty() {
                indent
            } else {
                "  "
            };
            let mut out = String::with_capacity(text.len() + value.len() + 16);
            out.push_str(&text[..line_start]);
            out.push_str(&format!("{indent}{attr} = {value}\n"));
            out.push_str(&text[line_start..]);
            Ok(out)
        }
        None => Err(fail(
            format!("cannot add `{attr}` to an empty block"),
            "write the attribute in the file first",
        )),
    }
}

fn at(walked: &str) -> String {
    if walked.is_empty() {
        String::new()
    } else {
        format!(" inside `{}`", walked.trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    const JOB: &str = r#"job "sockshop" {
  datacenters = ["dc1"]
  #namespace= "monitor"
  group "user" {
    count = 1
  }
  group "carts" {
    count = 1 # carts
    task "carts" {
      driver = "docker"
    }
  }
}
"#;

    fn set_edit(path: &str, value: &str) -> Edit {
        Edit::Set {
            path: path.into(),
            value: value.into(),
            span: Span::default(),
        }
    }

    #[test]
    fn uncomments_the_namespace_line_only() {
        let out = apply(
            JOB,
            &Edit::Uncomment {
                key: "namespace".into(),
                span: Span::default(),
            },
        )
        .unwrap();
        assert!(out.contains("\n  namespace= \"monitor\"\n"));
        assert_eq!(out.len(), JOB.len() - 1);
        assert!(apply(
            JOB,
            &Edit::Uncomment {
                key: "priority".into(),
                span: Span::default()
            }
        )
        .is_err());
    }

    #[test]
    fn sets_the_right_group_count_and_keeps_comments() {
        let out = apply(JOB, &set_edit("group.carts.count", "3")).unwrap();
        assert!(out.contains("count = 3 # carts"));
        assert!(out.contains("group \"user\" {\n    count = 1"));
    }

    #[test]
    fn adds_a_missing_attribute_with_the_block_indent() {
        let out = apply(JOB, &set_edit("priority", "45")).unwrap();
        assert!(
            out.contains("job \"sockshop\" {\n  priority = 45\n  datacenters"),
            "{out}"
        );
        let out = apply(
            JOB,
            &set_edit("group.carts.task.carts.kill_timeout", "\"10s\""),
        )
        .unwrap();
        assert!(
            out.contains("      kill_timeout = \"10s\"\n      driver"),
            "{out}"
        );
    }

    #[test]
    fn reports_paths_that_do_not_exist() {
        let e = apply(JOB, &set_edit("group.cart.count", "3")).unwrap_err();
        assert!(e.message.contains("group \"cart\""), "{e:?}");
        let e = apply(JOB, &set_edit("group.count", "3")).unwrap_err();
        assert!(e.message.contains("needs the label"), "{e:?}");
    }
}
