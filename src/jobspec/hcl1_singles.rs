//! The blocks HCL1's job parser takes at most once, before 1.0, in the
//! order and words of each `parseX` (jobspec/parse.go at 0.9.3,
//! parse_job.go, parse_group.go and parse_task.go from 0.10.0 to 0.12.12;
//! these texts and orders are the same at every release that has the
//! block). `list.Filter(key)` returns `key { ... }` and `key = ...` alike
//! (see hcl1_resources.rs), so two of them, in either form, are "more than
//! one"; an argument whose value is not an object fails the way the
//! function reads its one item:
//! - CheckHCLKeys on the value first (restart, reschedule, ephemeral_disk,
//!   a task's logs, dispatch_payload and lifecycle): `cannot check HCL keys
//!   of type *ast.ListType` (helper/funcs.go);
//! - a test of the value (parseVault): `vault: should be an object`;
//! - hcl v1's decoder first (update, migrate, periodic, parameterized:
//!   `hcl.DecodeObject(&m, o.Val)` into a map, at 0.9.0 to 0.12.12): its
//!   decodeMap refuses a value that is not an object or object list with
//!   a PosError at the value, `At 3:12: root: not an object type for map
//!   (*ast.LiteralType)` (decoder.go, the same in both vendored hcl v1s).

use super::hcl1_parse::ParseError;
use super::hcl1_resources::{ast_type, items, Item};
use super::tree::Node;
use crate::source::Source;
use crate::version::NomadVersion;

/// How a parse function fails on one item that is not an object.
#[derive(Clone, Copy)]
enum Shape {
    CheckKeys,
    Object(&'static str),
    /// hcl v1's DecodeObject into a map.
    Decode,
}

/// One block a level parses at most once.
struct Single {
    key: &'static str,
    /// The first release whose parser reads it here.
    since: NomadVersion,
    /// The error for two or more; `{n}` is the count.
    repeat: &'static str,
    /// Whether the repeat error is wrapped by `prefix` (a parse function's
    /// error) or returned as is (an inline check in parseTask/parseTasks).
    repeat_prefixed: bool,
    shape: Shape,
    /// multierror.Prefix of the caller; `{g}` is the group's name.
    prefix: &'static str,
}

const fn s(
    key: &'static str,
    since: (u32, u32),
    repeat: &'static str,
    repeat_prefixed: bool,
    shape: Shape,
    prefix: &'static str,
) -> Single {
    Single {
        key,
        since: NomadVersion::new(0, since.0, since.1),
        repeat,
        repeat_prefixed,
        shape,
        prefix,
    }
}

use Shape::{CheckKeys, Decode, Object};

const VAULT: Shape = Object("vault: should be an object");
const VAULT_ONE: &str = "only one 'vault' block allowed per task";
// parseUpdate and parseMigrate, at the job and in a group (where
// parseGroups prefixes them without the group's name).
#[rustfmt::skip]
const UPDATE: Single = s("update", (9, 0), "only one 'update' block allowed", true, Decode, "update ->");
#[rustfmt::skip]
const MIGRATE: Single = s("migrate", (9, 0), "only one 'migrate' block allowed", true, Decode, "migrate ->");

/// parseJob, before its tasks and groups.
#[rustfmt::skip]
const JOB: &[Single] = &[
    UPDATE,
    s("periodic", (9, 0), "only one 'periodic' block allowed per job", true, Decode, "periodic ->"),
    s("parameterized", (9, 0), "only one 'parameterized' block allowed per job", true, Decode, "parameterized ->"),
    s("reschedule", (9, 0), "only one 'reschedule' block allowed", true, CheckKeys, "reschedule ->"),
    MIGRATE,
];

/// parseJob, after its groups.
const JOB_AFTER: &[Single] = &[s("vault", (9, 0), VAULT_ONE, true, VAULT, "vault ->")];

/// parseGroups, before the group's network (0.10+).
#[rustfmt::skip]
const GROUP: &[Single] = &[s("restart", (9, 0), "only one 'restart' block allowed", true, CheckKeys, "'{g}', restart ->")];

/// parseGroups, after the network and before the tasks.
#[rustfmt::skip]
const GROUP_MID: &[Single] = &[
    s("reschedule", (9, 0), "only one 'reschedule' block allowed", true, CheckKeys, "'{g}', reschedule ->"),
    s("ephemeral_disk", (9, 0), "only one 'ephemeral_disk' block allowed", true, CheckKeys, "'{g}', ephemeral_disk ->"),
    UPDATE,
    MIGRATE,
];

/// parseGroups, after the tasks.
const GROUP_AFTER: &[Single] = &[s(
    "vault",
    (9, 0),
    VAULT_ONE,
    true,
    VAULT,
    "'{g}', vault ->",
)];

/// parseTask (parseTasks before 0.10), after the resources.
#[rustfmt::skip]
const TASK: &[Single] = &[
    s("restart", (11, 0), "only one 'restart' block allowed", true, CheckKeys, "restart ->"),
    s("logs", (9, 0), "only one logs block is allowed in a Task. Number of logs block found: {n}", false, CheckKeys, "logs ->"),
    s("vault", (9, 0), VAULT_ONE, true, VAULT, "vault ->"),
    s("dispatch_payload", (9, 0), "only one dispatch_payload block is allowed in a task. Number of dispatch_payload blocks found: {n}", false, CheckKeys, "dispatch_payload ->"),
    s("lifecycle", (11, 0), "only one lifecycle block is allowed in a task. Number of lifecycle blocks found: {n}", false, CheckKeys, "lifecycle ->"),
];

/// Where in a level's parse the singles are read.
#[derive(Clone, Copy)]
pub(super) enum Step {
    Job,
    JobAfter,
    Group,
    GroupMid,
    GroupAfter,
    Task,
}

fn table(step: Step) -> &'static [Single] {
    match step {
        Step::Job => JOB,
        Step::JobAfter => JOB_AFTER,
        Step::Group => GROUP,
        Step::GroupMid => GROUP_MID,
        Step::GroupAfter => GROUP_AFTER,
        Step::Task => TASK,
    }
}

/// What the parser meets first among a step's singles.
pub(super) enum Found {
    Error(ParseError),
}

/// The first error of `step` in `node` (group `g`), in parse order. A
/// task's error says whether parseTasks names the task (`named`): from
/// 0.10 always; before, not for the inline "only one" checks.
pub(super) fn first(
    node: &Node,
    step: Step,
    g: &str,
    src: &Source,
    v: NomadVersion,
) -> Option<(Found, bool)> {
    for single in table(step).iter().filter(|x| v >= x.since) {
        let all = items(node, single.key);
        let Some(first) = all.first() else {
            continue;
        };
        let prefix = single.prefix.replace("{g}", g);
        if let Some(second) = all.get(1) {
            let text = single.repeat.replace("{n}", &all.len().to_string());
            let (text, named) = if single.repeat_prefixed {
                (format!("{prefix} {text}"), true)
            } else {
                (text, v.at_least(0, 10, 0))
            };
            let help = format!("merge them into one `{} {{ ... }}` block", single.key);
            let e = ParseError {
                text,
                span: second.span(),
                label: "written again here",
                help,
                level: (0, 0, 0),
            };
            return Some((Found::Error(e), named));
        }
        let Item::Arg(value, span, value_span) = first else {
            continue;
        };
        let text = match single.shape {
            CheckKeys => format!("{prefix} cannot check HCL keys of type {}", ast_type(value)),
            Object(t) => format!("{prefix} {t}"),
            // token.Pos: line, and column in characters (hcl v1 counts
            // runes, as Source does).
            Decode => {
                let (line, column) = src.line_col(value_span.start);
                format!(
                    "{prefix} At {line}:{column}: root: not an object type for map ({})",
                    ast_type(value)
                )
            }
        };
        let help = format!("write it as one block, `{} {{ ... }}`", single.key);
        let e = ParseError {
            text,
            span: *span,
            label: "not an object",
            help,
            level: (0, 0, 0),
        };
        return Some((Found::Error(e), true));
    }
    None
}

/// Is a non-object `key` argument at `path` one this module words as
/// Nomad does under `v`?
pub(super) fn exact(path: &str, key: &str, v: NomadVersion) -> bool {
    let steps: &[Step] = match path {
        "job" => &[Step::Job, Step::JobAfter],
        "job.group" => &[Step::Group, Step::GroupMid, Step::GroupAfter],
        "job.group.task" => &[Step::Task],
        _ => &[],
    };
    steps
        .iter()
        .any(|st| table(*st).iter().any(|x| x.key == key && v >= x.since))
}

#[cfg(test)]
mod tests {
    use crate::jobspec::{load, LoadOptions};
    use crate::version::NomadVersion;
    use std::path::Path;

    /// Texts from jobspec.ParseFile built from Nomad v0.9.3 and v0.12.12
    /// (tests/hcl-oracle/build.sh, oracle-jobspec-*): hcl v1's decodeMap at
    /// the value, its column in characters (a tab is one).
    #[test]
    fn a_non_object_decoded_block_is_refused_at_its_value() {
        let text = "job \"a\" {\n\tparameterized = true\n  periodic = [1]\n}\n";
        for v in [NomadVersion::new(0, 9, 3), NomadVersion::new(0, 12, 12)] {
            let mut mem = crate::vfs::MemVfs::new("test");
            mem.insert("j.nomad", text);
            let opts = LoadOptions {
                version: v,
                ..LoadOptions::default()
            };
            let p = load(&mem, Path::new("j.nomad"), &opts);
            let parser = crate::jobspec::HCL1_PARSE;
            let first = p.diags.iter().find(|d| d.code == parser).expect("refused");
            assert_eq!(
                first.message,
                "error parsing 'job': periodic -> At 3:14: root: not an object type for map (*ast.ListType)",
                "{v}"
            );
        }
    }
}
