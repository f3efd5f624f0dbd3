use crate::rules::{syntax, Finding, Rule, RuleContext, RuleMeta};

crate::declare_rule! {
    /// ## What it does
    /// Flags the docker driver's `port_map` option when the world runs Nomad
    /// 0.12 or later, where group networks replace it (before 0.12 it is the
    /// documented way to map a port into the container).
    ///
    /// ## Why is this bad?
    /// `port_map` belongs to task-level networks, which are deprecated; it
    /// does nothing for ports declared in a group `network` block, and it was
    /// removed from the driver's documented options in Nomad 1.x.
    ///
    /// ## Example
    /// ```hcl
    /// config {
    ///   image = "redis:7"
    ///   port_map { db = 6379 }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// Map the port in the group network and list it in `ports`:
    /// ```hcl
    /// network {
    ///   port "db" { to = 6379 }
    /// }
    /// config {
    ///   image = "redis:7"
    ///   ports = ["db"]
    /// }
    /// ```
    pub struct DockerPortMap {
        code: "NP104",
        name: "docker-port-map",
        severity: Warning,
        summary: "Docker `port_map` instead of group network `to` + `ports`",
        needs: World,
    }
}

impl Rule for DockerPortMap {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, ctx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let Some(job) = ctx.job() else { return };
        if !ctx.world.nomad_version.at_least(0, 12, 0) {
            return;
        }
        for (_, task) in super::tasks(job) {
            if task.driver != "docker" {
                continue;
            }
            let Some(map) = task.config.get("port_map") else {
                continue;
            };
            let pairs = port_pairs(map);
            let config = task.spans.get("config");
            let span = match (&ctx.parsed.body, config) {
                (Some(body), Some(c)) => syntax::find_key(body, c, "port_map").or(Some(c)),
                _ => task.spans.best("config"),
            };
            let network: Vec<String> = pairs
                .iter()
                .map(|(l, p)| format!("port \"{l}\" {{ to = {p} }}"))
                .collect();
            let labels: Vec<String> = pairs.iter().map(|(l, _)| format!("\"{l}\"")).collect();
            out.push(
                ctx.finding(
                    &Self::META,
                    span,
                    "legacy port mapping",
                    format!("task \"{}\" maps ports with docker `port_map`", task.name),
                )
                .help(format!(
                    "declare `network {{ {} }}` in the group and write `ports = [{}]` in the task config",
                    network.join(" "),
                    labels.join(", ")
                )),
            );
        }
    }
}

/// `port_map { http = 80 }` arrives as a map, or a list of maps when the
/// HCL1 block form was repeated.
fn port_pairs(v: &crate::jobspec::Value) -> Vec<(String, String)> {
    use crate::jobspec::Value;
    match v {
        Value::Map(m) => m
            .iter()
            .map(|(k, v)| {
                let port = match v {
                    Value::Number(n) => format!("{n}"),
                    Value::Int(n) => n.to_string(),
                    Value::String(s) => s.clone(),
                    _ => "<port>".into(),
                };
                (k.clone(), port)
            })
            .collect(),
        Value::List(items) => items.iter().flat_map(port_pairs).collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::*;

    /// A `port_map` value written as a string (`"8080"`, as HCL1 files and
    /// `-json` jobs often have it) is carried into the suggested `to`, like
    /// a number; anything else is a placeholder.
    #[test]
    fn string_and_number_ports_reach_the_suggestion() {
        let text = r#"job "web" {
  datacenters = ["dc1"]
  group "g" {
    task "app" {
      driver = "docker"
      config {
        image = "redis:7.2.4"
        port_map {
          http  = 8080
          admin = "9090"
          odd   = true
        }
      }
      resources {
        cpu    = 200
        memory = 256
      }
    }
  }
}
"#;
        let p = load("web.nomad", text);
        let world = world();
        let mut out = Vec::new();
        DockerPortMap.check(&RuleContext::new(&p, &world, None), &mut out);
        assert_eq!(out.len(), 1, "{out:?}");
        let help = out[0].help.as_deref().unwrap_or_default();
        assert!(help.contains("port \"http\" { to = 8080 }"), "{help}");
        assert!(help.contains("port \"admin\" { to = 9090 }"), "{help}");
        assert!(help.contains("port \"odd\" { to = <port> }"), "{help}");
    }
}
