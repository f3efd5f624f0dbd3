//! One Nomad CLI command line of a rehearsal step, split as a shell would
//! and read with the flags the demo script's commands take.

use super::{CheckIndex, NomadCommand};

/// Split a command line like a POSIX shell would for simple quoting.
fn shell_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            (Some(_), c) => cur.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            (None, c) => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if quote.is_some() {
        return Err("unterminated quote in the command".into());
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

/// Parse one Nomad CLI command line of the kinds the demo script uses.
pub fn parse_command(line: &str) -> Result<NomadCommand, String> {
    let words = shell_words(line)?;
    let mut it = words.iter().map(String::as_str);
    if it.next() != Some("nomad") {
        return Err(format!("{line:?} is not a nomad command"));
    }
    let rest: Vec<&str> = it.collect();
    // `nomad plan`/`nomad run`/`nomad status` are the old aliases of the job commands.
    let (verb, args): (Vec<&str>, &[&str]) = match rest.as_slice() {
        ["job", v, args @ ..] => (vec!["job", v], args),
        ["plan", args @ ..] => (vec!["job", "plan"], args),
        ["run", args @ ..] => (vec!["job", "run"], args),
        ["stop", args @ ..] => (vec!["job", "stop"], args),
        ["status", args @ ..] => (vec!["job", "status"], args),
        [a, b, args @ ..] => (vec![a, b], args),
        _ => return Err(format!("{line:?}: unsupported nomad command")),
    };
    let mut flags = Flags::parse(args)?;
    let cmd = match verb.as_slice() {
        ["job", "plan"] => NomadCommand::JobPlan {
            verbose: flags.bool("verbose"),
            namespace: flags.value("namespace"),
            file: flags.one_positional("a job file")?,
        },
        ["job", "run"] => {
            let check_index = match flags.value("check-index") {
                None => None,
                Some(v) if v == "<index>" || v == "<number>" => Some(CheckIndex::FromLastPlan),
                Some(v) => Some(CheckIndex::Literal(v.parse().map_err(|_| {
                    format!("Error parsing check-index value {v:?}: not a number (use <index> to take it from the last plan)")
                })?)),
            };
            NomadCommand::JobRun {
                check_index,
                namespace: flags.value("namespace"),
                file: flags.one_positional("a job file")?,
            }
        }
        ["job", "status"] => NomadCommand::JobStatus {
            namespace: flags.value("namespace"),
            job: flags.optional_positional()?,
        },
        ["job", "stop"] => NomadCommand::JobStop {
            namespace: flags.value("namespace"),
            job: flags.one_positional("a job ID")?,
        },
        ["node", "status"] => NomadCommand::NodeStatus {
            id: flags.optional_positional()?,
        },
        ["quota", "status"] => NomadCommand::QuotaStatus {
            name: flags.one_positional("a quota name")?,
        },
        ["namespace", "apply"] => NomadCommand::NamespaceApply {
            quota: flags.value("quota"),
            description: flags.value("description"),
            name: flags.one_positional("a namespace name")?,
        },
        _ => {
            return Err(format!(
                "{line:?}: unsupported nomad command `nomad {}`",
                verb.join(" ")
            ))
        }
    };
    flags.finish()?;
    Ok(cmd)
}

struct Flags {
    named: Vec<(String, Option<String>)>,
    positional: Vec<String>,
}

impl Flags {
    const VALUED: &'static [&'static str] = &[
        "namespace",
        "check-index",
        "quota",
        "description",
        "var",
        "var-file",
    ];

    fn parse(args: &[&str]) -> Result<Flags, String> {
        let mut named = Vec::new();
        let mut positional = Vec::new();
        let mut i = 0;
        while i < args.len() {
            let a = args[i];
            if let Some(flag) = a
                .strip_prefix("--")
                .or_else(|| a.strip_prefix('-'))
                .filter(|f| !f.is_empty() && a.starts_with('-'))
            {
                let (name, inline) = match flag.split_once('=') {
                    Some((n, v)) => (n.to_string(), Some(v.to_string())),
                    None => (flag.to_string(), None),
                };
                if Self::VALUED.contains(&name.as_str()) && inline.is_none() {
                    let v = args
                        .get(i + 1)
                        .ok_or_else(|| format!("flag -{name} needs a value"))?;
                    named.push((name, Some((*v).to_string())));
                    i += 2;
                    continue;
                }
                named.push((name, inline));
            } else {
                positional.push(a.to_string());
            }
            i += 1;
        }
        Ok(Flags { named, positional })
    }

    fn take(&mut self, name: &str) -> Option<Option<String>> {
        let pos = self.named.iter().position(|(n, _)| n == name)?;
        Some(self.named.remove(pos).1)
    }

    fn bool(&mut self, name: &str) -> bool {
        matches!(self.take(name), Some(None) | Some(Some(_)))
    }

    fn value(&mut self, name: &str) -> Option<String> {
        self.take(name).flatten()
    }

    fn one_positional(&mut self, what: &str) -> Result<String, String> {
        if self.positional.len() != 1 {
            return Err(format!("This command takes one argument: {what}"));
        }
        Ok(self.positional.remove(0))
    }

    fn optional_positional(&mut self) -> Result<Option<String>, String> {
        match self.positional.len() {
            0 => Ok(None),
            1 => Ok(Some(self.positional.remove(0))),
            _ => Err("This command takes either no arguments or one".into()),
        }
    }

    fn finish(self) -> Result<(), String> {
        match self.named.first() {
            Some((n, _)) => Err(format!(
                "flag provided but not supported by the rehearsal: -{n}"
            )),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_demo_commands() {
        assert_eq!(
            parse_command("nomad job plan monitoring.nomad").unwrap(),
            NomadCommand::JobPlan {
                file: "monitoring.nomad".into(),
                verbose: false,
                namespace: None
            }
        );
        assert_eq!(
            parse_command("nomad job run -check-index <number> monitoring.nomad").unwrap(),
            NomadCommand::JobRun {
                file: "monitoring.nomad".into(),
                check_index: Some(CheckIndex::FromLastPlan),
                namespace: None
            }
        );
        assert_eq!(
            parse_command("nomad job status -namespace monitor").unwrap(),
            NomadCommand::JobStatus {
                namespace: Some("monitor".into()),
                job: None
            }
        );
        assert_eq!(
            parse_command("nomad namespace apply monitor").unwrap(),
            NomadCommand::NamespaceApply {
                name: "monitor".into(),
                quota: None,
                description: None
            }
        );
        assert!(parse_command("nomad job plan").is_err());
        assert!(parse_command("nomad job run -check-index abc x.nomad").is_err());
        assert!(parse_command("kubectl apply").is_err());
        assert!(parse_command("nomad job plan -bogus x.nomad").is_err());
    }
}
