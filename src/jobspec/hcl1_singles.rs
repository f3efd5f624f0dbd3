//! The blocks HCL1's job parser reads at each level, before 1.0, in the
//! order and words of each `parseX` (jobspec/parse.go at 0.9.3,
//! parse_job.go, parse_group.go and parse_task.go from 0.10.0 to 0.12.12;
//! these texts and orders are the same at every release that has the
//! block). `list.Filter(key)` returns `key { ... }` and `key = ...` alike
//! (see hcl1_resources.rs), so two of a once-only block, in either form,
//! are "more than one"; an argument whose value is not an object fails
//! the way the function reads its items:
//! - CheckHCLKeys on the value first (restart, reschedule, ephemeral_disk,
//!   constraint, affinity, spread, volume_mount, artifact, template, a
//!   task's logs, dispatch_payload and lifecycle): `cannot check HCL keys
//!   of type *ast.ListType` (helper/funcs.go);
//! - a test of the value (parseVault, parseScalingPolicy): `vault: should
//!   be an object`, `should be an object`;
//! - hcl v1's decoder first (update, migrate, periodic, parameterized,
//!   multiregion, and the inline decodes of meta, env, config and
//!   csi_plugin: `hcl.DecodeObject(&m, o.Val)` into a map): its decodeMap
//!   refuses a value that is not an object or object list with a PosError
//!   at the value, `At 3:12: root: not an object type for map
//!   (*ast.LiteralType)` (decoder.go, the same in both vendored hcl v1s).
//!
//! Every text here was printed by jobspec.ParseFile built from Nomad
//! v0.9.3, v0.10.9, v0.11.8 and v0.12.12 (tests/hcl-oracle/build.sh) for
//! each block written as a string, a number, a heredoc, `[]` and `[1]`.

use super::hcl1_block_decode;
use super::hcl1_parse::{refused, ParseError};
use super::hcl1_resources::{ast_type, items, Item};
use super::model::Value;
use super::tree::Node;
use crate::source::{Source, Span};
use crate::version::NomadVersion;

/// How a parse function fails on one item that is not an object.
#[derive(Clone, Copy)]
enum Shape {
    CheckKeys,
    Object(&'static str),
    /// hcl v1's DecodeObject into a map.
    Decode,
}

/// One block key a level's parse function reads, in the parser's order.
struct Single {
    key: &'static str,
    /// The first release whose parser reads it here.
    since: NomadVersion,
    /// The error for two or more (`{n}` is the count); empty for a block
    /// the level takes any number of (constraint, template, ...), whose
    /// items are read in order until one is not an object.
    repeat: &'static str,
    /// Whether the repeat error is wrapped by `prefix` (a parse function's
    /// error) or returned as is (an inline check in parseTask/parseTasks).
    repeat_prefixed: bool,
    shape: Shape,
    /// multierror.Prefix of the caller; `{g}` is the group's name; empty
    /// where the error is returned as is (a `meta`, `env` or `config`
    /// decoded inline).
    prefix: &'static str,
    /// Before 0.10 parseTasks returns this block's error without the
    /// task's name (the inline decodes and parseAffinities' prefix).
    unnamed_before_0_10: bool,
    /// Whether its decoder's error is returned as is (logs,
    /// dispatch_payload, lifecycle: decoded inline in parseTask), not
    /// under `prefix`.
    inline_decode: bool,
    /// The first release whose parser no longer reads it this way.
    until: Option<NomadVersion>,
    /// Only its decoder's refusal is worded here (a non-object item is
    /// left to the lowering).
    decode_only: bool,
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
        unnamed_before_0_10: false,
        inline_decode: false,
        until: None,
        decode_only: false,
    }
}

/// [`s`], decoded inline (its decoder's error without `prefix`).
const fn inline(x: Single) -> Single {
    let mut x = x;
    x.inline_decode = true;
    x
}

/// A group's `volume` blocks at 0.10: parseVolumes decodes each with
/// mapstructure (weakly) under parseGroups' `volume ->`; from 0.11 it
/// hands them to hcl v1's own decoder. A volume written as a value makes
/// 0.10's parser panic, which is not worded here.
const VOLUME_0_10: Single = Single {
    until: Some(NomadVersion::new(0, 11, 0)),
    decode_only: true,
    ..many("volume", (10, 0), CheckKeys, "volume ->")
};

/// A block the level takes any number of times.
const fn many(key: &'static str, since: (u32, u32), shape: Shape, prefix: &'static str) -> Single {
    s(key, since, "", true, shape, prefix)
}

/// [`many`], its error without the task's name before 0.10.
const fn many_unnamed(key: &'static str, shape: Shape, prefix: &'static str) -> Single {
    let mut x = many(key, (9, 0), shape, prefix);
    x.unnamed_before_0_10 = true;
    x
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
/// A `meta` is decoded inline at every level: the decoder's error as is.
const META: Single = many_unnamed("meta", Decode, "");

// The order of each table is the order of the `list.Filter(key)` calls
// in parseJob, parseGroups and parseTask (jobspec/parse.go at 0.9.3,
// parse_job.go, parse_group.go and parse_task.go at 0.10.9, 0.11.8 and
// 0.12.12: the same at each, blocks a release lacks aside).

/// parseJob, before its tasks and groups.
#[rustfmt::skip]
const JOB: &[Single] = &[
    many("constraint", (9, 0), CheckKeys, "constraint ->"),
    many("affinity", (9, 0), CheckKeys, "affinity ->"),
    UPDATE,
    s("periodic", (9, 0), "only one 'periodic' block allowed per job", true, Decode, "periodic ->"),
    many("spread", (9, 0), CheckKeys, "spread ->"),
    s("parameterized", (9, 0), "only one 'parameterized' block allowed per job", true, Decode, "parameterized ->"),
    s("reschedule", (9, 0), "only one 'reschedule' block allowed", true, CheckKeys, "reschedule ->"),
    MIGRATE,
    many("multiregion", (12, 0), Decode, "multiregion ->"),
    META,
];

/// parseJob, after its groups.
const JOB_AFTER: &[Single] = &[s("vault", (9, 0), VAULT_ONE, true, VAULT, "vault ->")];

/// parseGroups, before the group's network (0.10+).
#[rustfmt::skip]
const GROUP: &[Single] = &[
    many("constraint", (9, 0), CheckKeys, "'{g}', constraint ->"),
    many("affinity", (9, 0), CheckKeys, "'{g}', affinity ->"),
    s("restart", (9, 0), "only one 'restart' block allowed", true, CheckKeys, "'{g}', restart ->"),
    many("spread", (9, 0), CheckKeys, "spread ->"),
];

/// parseGroups, after the network and before the tasks. (A group's
/// `volume` written as a value: 0.10's parser panics, 0.11's takes it;
/// not read here. A volume block's decode at 0.10: [`VOLUME_0_10`].)
#[rustfmt::skip]
const GROUP_MID: &[Single] = &[
    s("reschedule", (9, 0), "only one 'reschedule' block allowed", true, CheckKeys, "'{g}', reschedule ->"),
    s("ephemeral_disk", (9, 0), "only one 'ephemeral_disk' block allowed", true, CheckKeys, "'{g}', ephemeral_disk ->"),
    UPDATE,
    MIGRATE,
    META,
    VOLUME_0_10,
    many("scaling", (11, 0), Object("should be an object"), "scaling ->"),
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

/// parseTask (parseTasks before 0.10), before its services.
const TASK_ENV: &[Single] = &[many_unnamed("env", Decode, "")];

/// parseTask, after its services and before its resources.
#[rustfmt::skip]
const TASK_PRE: &[Single] = &[
    many("csi_plugin", (11, 0), Decode, ""),
    many_unnamed("config", Decode, ""),
    many("constraint", (9, 0), CheckKeys, "constraint ->"),
    many_unnamed("affinity", CheckKeys, "affinity ->"),
    META,
    many("volume_mount", (10, 0), CheckKeys, "volume_mount ->"),
];

/// parseTask, after the resources.
#[rustfmt::skip]
const TASK: &[Single] = &[
    s("restart", (11, 0), "only one 'restart' block allowed", true, CheckKeys, "restart ->"),
    inline(s("logs", (9, 0), "only one logs block is allowed in a Task. Number of logs block found: {n}", false, CheckKeys, "logs ->")),
    many("artifact", (9, 0), CheckKeys, "artifact ->"),
    many("template", (9, 0), CheckKeys, "template ->"),
    s("vault", (9, 0), VAULT_ONE, true, VAULT, "vault ->"),
    inline(s("dispatch_payload", (9, 0), "only one dispatch_payload block is allowed in a task. Number of dispatch_payload blocks found: {n}", false, CheckKeys, "dispatch_payload ->")),
    inline(s("lifecycle", (11, 0), "only one lifecycle block is allowed in a task. Number of lifecycle blocks found: {n}", false, CheckKeys, "lifecycle ->")),
];

/// Does the parser of `v` read `x` as this table says?
fn reads(x: &Single, v: NomadVersion) -> bool {
    v >= x.since && x.until.is_none_or(|u| v < u)
}

/// Where in a level's parse the singles are read.
#[derive(Clone, Copy)]
pub(super) enum Step {
    Job,
    JobAfter,
    Group,
    GroupMid,
    GroupAfter,
    TaskEnv,
    TaskPre,
    Task,
}

fn table(step: Step) -> &'static [Single] {
    match step {
        Step::Job => JOB,
        Step::JobAfter => JOB_AFTER,
        Step::Group => GROUP,
        Step::GroupMid => GROUP_MID,
        Step::GroupAfter => GROUP_AFTER,
        Step::TaskEnv => TASK_ENV,
        Step::TaskPre => TASK_PRE,
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
    for single in table(step).iter().filter(|x| reads(x, v)) {
        let all = items(node, single.key);
        if all.is_empty() {
            continue;
        }
        // Worded only for an error: most blocks found are read without one.
        let prefix = || single.prefix.replace("{g}", g);
        let second = all.get(1).filter(|_| !single.repeat.is_empty());
        if let Some(second) = second {
            let text = single.repeat.replace("{n}", &all.len().to_string());
            let (text, named) = if single.repeat_prefixed {
                (format!("{} {text}", prefix()), true)
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
                replaces: Vec::new(),
            };
            return Some((Found::Error(e), named));
        }
        // A once-only block has one item; the others are read in order,
        // each failing on its shape or in its decoder.
        for item in &all {
            let (value, span, value_span) = match item {
                // An object argument the lowering keeps as one,
                // `meta = {...}`, is an object to the parser.
                Item::Arg(Value::Map(_), ..) => continue,
                Item::Arg(..) if single.decode_only => continue,
                Item::Arg(value, span, value_span) => (*value, *span, *value_span),
                Item::Block(b) => {
                    let Some(r) = hcl1_block_decode::refusal(single.key, b, src, v) else {
                        continue;
                    };
                    // logs, dispatch_payload and lifecycle are decoded
                    // inline in parseTask (parseTasks before 0.10): no
                    // prefix, and no task name before 0.10.
                    let (prefix, named) = if single.inline_decode {
                        (String::new(), v.at_least(0, 10, 0))
                    } else {
                        (
                            prefix(),
                            !single.unnamed_before_0_10 || v.at_least(0, 10, 0),
                        )
                    };
                    return Some((Found::Error(refused(r, &prefix, (0, 0, 0))), named));
                }
            };
            return Some((
                Found::Error(shape_error(single, &prefix(), value, span, value_span, src)),
                { !single.unnamed_before_0_10 || v.at_least(0, 10, 0) },
            ));
        }
    }
    None
}

/// The parser's error for a `key = value` item whose value is no object.
fn shape_error(
    single: &Single,
    prefix: &str,
    value: &Value,
    span: Span,
    value_span: Span,
    src: &Source,
) -> ParseError {
    let inner = match single.shape {
        CheckKeys => format!("cannot check HCL keys of type {}", ast_type(value)),
        Object(t) => t.to_string(),
        // token.Pos: line, and column in characters (hcl v1 counts
        // runes, as Source does).
        Decode => {
            let (line, column) = src.line_col(value_span.start);
            format!(
                "At {line}:{column}: root: not an object type for map ({})",
                ast_type(value)
            )
        }
    };
    let text = if prefix.is_empty() {
        inner
    } else {
        format!("{prefix} {inner}")
    };
    ParseError {
        text,
        span,
        label: "not an object",
        help: format!("write it as a block, `{} {{ ... }}`", single.key),
        level: (0, 0, 0),
        replaces: Vec::new(),
    }
}

/// Is a non-object `key` argument at `path` one this module words as
/// Nomad does under `v`?
pub(super) fn exact(path: &str, key: &str, v: NomadVersion) -> bool {
    let steps: &[Step] = match path {
        "job" => &[Step::Job, Step::JobAfter],
        "job.group" => &[Step::Group, Step::GroupMid, Step::GroupAfter],
        "job.group.task" => &[Step::TaskEnv, Step::TaskPre, Step::Task],
        _ => &[],
    };
    steps.iter().any(|st| {
        table(*st)
            .iter()
            .any(|x| x.key == key && reads(x, v) && !x.decode_only)
    })
}

#[cfg(test)]
mod tests {
    use crate::version::NomadVersion;

    /// Texts from jobspec.ParseFile built from Nomad v0.9.3 and v0.12.12
    /// (tests/hcl-oracle/build.sh, oracle-jobspec-*): hcl v1's decodeMap at
    /// the value, its column in characters (a tab is one).
    #[test]
    fn a_non_object_decoded_block_is_refused_at_its_value() {
        let text = "job \"a\" {\n\tparameterized = true\n  periodic = [1]\n}\n";
        for v in [NomadVersion::new(0, 9, 3), NomadVersion::new(0, 12, 12)] {
            let p = crate::jobspec::load_text(text, v);
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
