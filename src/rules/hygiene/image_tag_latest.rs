use crate::jobspec::Value;
use crate::rules::{syntax, Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Flags docker and podman tasks whose `image` has no tag or uses `latest`.
    ///
    /// ## Why is this bad?
    /// An unpinned image changes under the job without the job changing:
    /// `nomad job plan` shows no difference, yet a reschedule pulls new code,
    /// and two allocations of the same version can run different images.
    ///
    /// ## Example
    /// ```hcl
    /// config {
    ///   image = "fluent/fluentd"
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Pin a version (or a digest):
    /// ```hcl
    /// config {
    ///   image = "fluent/fluentd:v1.16-1"
    /// }
    /// ```
    pub struct ImageTagLatest {
        code: "NP101",
        name: "image-tag-latest",
        severity: Warning,
        summary: "Container image without a tag or tagged `latest`",
        needs: World,
    }
}

/// The tag of an image reference, `None` when there is none. A digest
/// (`@sha256:...`) pins the image as well as a tag does.
fn tag(image: &str) -> Option<&str> {
    if image.contains('@') {
        return Some("digest");
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    last.split_once(':').map(|(_, t)| t)
}

impl Rule for ImageTagLatest {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(job) = ctx.job() else { return };
        for (_, task) in super::tasks(job) {
            if !matches!(task.driver.as_str(), "docker" | "podman") {
                continue;
            }
            let Some(Value::String(image)) = task.config.get("image") else {
                continue;
            };
            // Runtime interpolation (`${NOMAD_META_tag}`) is decided by the client.
            if image.contains("${") {
                continue;
            }
            let problem = match tag(image) {
                None => "has no tag",
                Some("latest") => "uses the `latest` tag",
                Some(_) => continue,
            };
            let config = task.spans.get("config");
            let span = match (&ctx.parsed.body, config) {
                (Some(body), Some(c)) => syntax::find_key(body, c, "image").or(Some(c)),
                _ => task.spans.best("config"),
            };
            let bare = image.rsplit_once(':').filter(|(_, t)| !t.contains('/'));
            let base = bare.map_or(image.as_str(), |(b, _)| b);
            out.push(
                ctx.finding(
                    &Self::META,
                    span,
                    "unpinned image",
                    format!("image \"{image}\" of task \"{}\" {problem}", task.name),
                )
                .help(format!(
                    "pin a version or digest, e.g. `image = \"{base}:<version>\"` or `\"{base}@sha256:<digest>\"`"
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    #[test]
    fn tags() {
        assert_eq!(tag("redis"), None);
        assert_eq!(tag("redis:latest"), Some("latest"));
        assert_eq!(tag("localhost:5000/redis"), None);
        assert_eq!(tag("localhost:5000/redis:7"), Some("7"));
        assert_eq!(tag("redis@sha256:abc"), Some("digest"));
    }

    #[test]
    fn flags_untagged_and_latest_not_pinned() {
        let text = r#"job "web" {
  datacenters = ["dc1"]
  group "g" {
    task "a" {
      driver = "docker"
      config {
        image = "fluent/fluentd"
      }
    }
    task "b" {
      driver = "docker"
      config {
        image = "redis:latest"
      }
    }
    task "c" {
      driver = "docker"
      config {
        image = "redis:7.2.4"
      }
    }
  }
}
"#;
        let p = load("web.nomad", text);
        let world = world();
        let mut out = Vec::new();
        ImageTagLatest.check(&RuleContext::new(&p, &world, None), &mut out);
        assert_eq!(out.len(), 2);
        crate::assert_snap!(
            "rule_np101_image_tag_latest",
            crate::diag::render(&out, false)
        );
    }
}
