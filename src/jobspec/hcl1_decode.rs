//! Before 1.0: mapstructure's refusal of a job's, a group's or a task's
//! own arguments, in Nomad's words.
//!
//! parseJob, parseGroups and parseTask (jobspec/parse*.go, 0.9.3 to
//! 0.12.12) decode the level's whole object with hcl v1 into a
//! `map[string]interface{}`, delete the keys they parse themselves, and hand
//! the rest to mapstructure with weak typing (a group's and a task's
//! decoder also turn strings into time.Duration with ParseDuration). Every
//! field that fails is one line of mapstructure's Error, its lines sorted
//! as strings: `3 error(s) decoding:\n\n* 'User' expected type 'string',
//! got unconvertible type '[]map[string]interface {}'\n* cannot parse
//! 'Leader' as bool: ...`. A field is named by its `mapstructure` tag or
//! else its Go name (api.Job, api.TaskGroup, api.Task): `'Count'`,
//! `'kill_timeout'`.
//!
//! Where in the parse: the job's decode comes before anything else is
//! checked (even its keys); a group's after its key check, before its
//! blocks; a task's after its key check, before its env. The error goes up
//! unwrapped (`group: 1 error(s) decoding: ...`; a task's under
//! `group: 'g', task: 't',`, without the task's name before 0.10).
//!
//! Two mapstructure releases: 0.9.0 to 0.11.8 vendor an old one; 0.12.0
//! on pin v1.3.1 (go.mod), which wraps a lone value written for a list
//! (`datacenters = "dc1"`) where the old one refuses it (`'Datacenters':
//! source data must be an array or slice, got string`), and names the
//! field in a duration's error (`error decoding 'kill_timeout': time: ...`).
//!
//! Checked against Nomad's own jobspec.ParseFile at 0.9.3, 0.10.9, 0.11.8
//! and 0.12.12 (tests/hcl-oracle). The oracles are built with Go 1.19,
//! whose ParseDuration quotes the value; the Go 1.11 to 1.14 that built
//! those releases does not (duration.rs), and neither do we.
//!
//! The blocks below these levels decode the same way into their own api
//! structs ([`refusal_of`], with hcl1_block_decode.rs's and
//! hcl1_service_decode.rs's field tables).
//!
//! A level where a field's key is written more than once is not judged
//! here: hcl v1 merges the items first, in ways read elsewhere
//! (hcl1_unread.rs), and the lowering's own words stand.

use super::duration;
use super::model::Value;
use super::tree::{Attr, Node};
use crate::source::{Source, Span};
use crate::version::NomadVersion;

/// Which level's decoder.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Level {
    Job,
    Group,
    Task,
}

/// The Go type a field decodes into (`reflect.Type.String()` of it, for
/// mapstructure's "expected type" text).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// A string kind: `string`, or a named one (`api.CSIPluginType`).
    Str(&'static str),
    /// An int kind (`int`, `int8`, `int64`; or a pointer to one): ParseInt
    /// with the type's bits.
    Int(&'static str, u32),
    /// A uint kind: ParseUint with the type's bits.
    Uint(&'static str, u32),
    Bool,
    /// time.Duration, with the StringToTimeDuration hook.
    Dur,
    /// `[]string`.
    Strs,
}

pub(super) const STR: Kind = Kind::Str("string");
pub(super) const INT: Kind = Kind::Int("int", 64);

pub(super) struct Field {
    pub key: &'static str,
    /// The name mapstructure reports: the tag, else the Go field's name.
    pub go: &'static str,
    pub kind: Kind,
    /// The first release whose api struct has the field.
    pub since: (u32, u32, u32),
}

pub(super) const fn f(key: &'static str, go: &'static str, kind: Kind) -> Field {
    Field {
        key,
        go,
        kind,
        since: (0, 0, 0),
    }
}

/// `x`, first in the api struct of release `v`.
pub(super) const fn since(x: Field, v: (u32, u32, u32)) -> Field {
    Field { since: v, ..x }
}

/// api.Job's fields parseJob can reach with a key it accepts.
const JOB: &[Field] = &[
    f("region", "Region", STR),
    f("namespace", "Namespace", STR),
    f("id", "ID", STR),
    f("name", "Name", STR),
    f("type", "Type", STR),
    f("priority", "Priority", INT),
    f("all_at_once", "all_at_once", Kind::Bool),
    f("datacenters", "Datacenters", Kind::Strs),
    f("vault_token", "vault_token", STR),
    since(f("consul_token", "consul_token", STR), (0, 10, 4)),
];

/// api.TaskGroup's (keys the group's key check lets through; a key a
/// release does not know fails that check first, version_gates.rs).
const GROUP: &[Field] = &[
    f("count", "Count", INT),
    f("shutdown_delay", "shutdown_delay", Kind::Dur),
    f(
        "stop_after_client_disconnect",
        "stop_after_client_disconnect",
        Kind::Dur,
    ),
];

/// api.Task's.
const TASK: &[Field] = &[
    f("driver", "Driver", STR),
    f("user", "User", STR),
    f("kill_timeout", "kill_timeout", Kind::Dur),
    f("leader", "Leader", Kind::Bool),
    f("shutdown_delay", "shutdown_delay", Kind::Dur),
    f("kill_signal", "kill_signal", STR),
    f("kind", "Kind", STR),
];

/// api.Task's fields a Connect `sidecar_task` can write (parseTask with
/// parse_task.go's sidecarTaskKeys from 0.11; 0.10's parseSidecarTask
/// checks its own list, without `name`, then calls parseTask).
pub(super) const SIDECAR_TASK: &[Field] = &[
    since(f("name", "Name", STR), (0, 11, 0)),
    f("driver", "Driver", STR),
    f("user", "User", STR),
    f("kill_timeout", "kill_timeout", Kind::Dur),
    f("shutdown_delay", "shutdown_delay", Kind::Dur),
    f("kill_signal", "kill_signal", STR),
];

/// What one level's decode refuses: mapstructure's text (`N error(s)
/// decoding: ...`), the first refused value in the file, and every refused
/// argument's value (whose lowering errors this text replaces).
pub(super) struct Refusal {
    pub text: String,
    pub span: Span,
    pub values: Vec<Span>,
}

/// mapstructure's error for `node`'s own arguments at `level`, if any.
pub(super) fn refusal(node: &Node, level: Level, src: &Source, v: NomadVersion) -> Option<Refusal> {
    let fields = match level {
        Level::Job => JOB,
        Level::Group => GROUP,
        Level::Task => TASK,
    };
    refusal_of(node, fields, src, v)
}

/// mapstructure's weak decode (with the duration hook where a field is a
/// [`Kind::Dur`]) of `node`'s arguments into a struct of `fields`: its
/// `N error(s) decoding` text, if any field fails.
pub(super) fn refusal_of(
    node: &Node,
    fields: &[Field],
    src: &Source,
    v: NomadVersion,
) -> Option<Refusal> {
    refusal_in(node, fields, src, v, Typing::Weak)
}

/// How a decoder's config types its input.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Typing {
    /// `WeaklyTypedInput: true` (WeakDecode, and most parse functions).
    Weak,
    /// A bare `DecoderConfig{Result: ...}`: a value must already be of the
    /// field's kind (an int field takes a float, which is converted).
    Strict,
}

/// [`refusal_of`] with the decoder's `typing`.
pub(super) fn refusal_in(
    node: &Node,
    fields: &[Field],
    src: &Source,
    v: NomadVersion,
    typing: Typing,
) -> Option<Refusal> {
    let mut lines = Vec::new();
    let mut first: Option<Span> = None;
    let mut values = Vec::new();
    for field in fields
        .iter()
        .filter(|x| v.at_least(x.since.0, x.since.1, x.since.2))
    {
        // mapstructure finds the key exactly, else ignoring case.
        let attrs: Vec<&Attr> = node
            .attrs
            .iter()
            .filter(|a| a.name.eq_ignore_ascii_case(field.key))
            .collect();
        let blocks: Vec<&Node> = node
            .blocks
            .iter()
            .filter(|b| b.ident.eq_ignore_ascii_case(field.key))
            .collect();
        let (found, span, value_span) = match (attrs.as_slice(), blocks.as_slice()) {
            ([], []) => continue,
            ([a], []) => (
                Go::of(&a.value, src.slice(a.value_span)),
                a.span,
                Some(a.value_span),
            ),
            // A block is an object to hcl v1: a list of maps.
            ([], [b]) => (Go::Objects, b.span, None),
            _ => return None,
        };
        let before = lines.len();
        decode(field, &found, v, typing, &mut lines);
        if lines.len() > before {
            first = Some(first.map_or(span, |f| if span.start < f.start { span } else { f }));
            values.extend(value_span);
        }
    }
    let span = first?;
    let mut points: Vec<String> = lines.iter().map(|l| format!("* {l}")).collect();
    // Error.Error() sorts its lines as strings.
    points.sort();
    Some(Refusal {
        text: format!(
            "{} error(s) decoding:\n\n{}",
            lines.len(),
            points.join("\n")
        ),
        span,
        values,
    })
}

/// A value as hcl v1 decodes it into an `interface{}`.
pub(super) enum Go<'v> {
    Str(&'v str),
    Int,
    Float,
    Bool,
    /// `[...]`: `[]interface {}`.
    List(&'v [Value]),
    /// `{...}` or a block: `[]map[string]interface {}`.
    Objects,
    /// An object inside a list: `map[string]interface {}`.
    Object,
}

impl<'v> Go<'v> {
    /// `text` is the value as written: hcl v1 gives a FLOAT token (a `.`
    /// or an exponent, not hex) a float64, a NUMBER an int.
    pub(super) fn of(value: &'v Value, text: &str) -> Go<'v> {
        match value {
            Value::String(s) => Go::Str(s),
            Value::Bool(_) => Go::Bool,
            Value::Number(_) => {
                let t = text.trim_start_matches('-');
                let hex = t.starts_with("0x") || t.starts_with("0X");
                if !hex && t.contains(['.', 'e', 'E']) {
                    Go::Float
                } else {
                    Go::Int
                }
            }
            // Only a NUMBER token is read as one.
            Value::Int(_) => Go::Int,
            Value::List(l) => Go::List(l),
            Value::Map(_) => Go::Objects,
            // hcl v1 has no null; nothing reaches the decoder.
            Value::Null => Go::Int,
        }
    }

    /// An element of a list (its text is not at hand: a whole number is an
    /// int, which only a list of numbers would tell apart, and none is
    /// refused for it).
    fn element(value: &'v Value) -> Go<'v> {
        match value {
            Value::Map(_) => Go::Object,
            v => Go::of(v, ""),
        }
    }

    /// `reflect.Type.String()`.
    fn type_name(&self) -> &'static str {
        match self {
            Go::Str(_) => "string",
            Go::Int => "int",
            Go::Float => "float64",
            Go::Bool => "bool",
            Go::List(_) => "[]interface {}",
            Go::Objects => "[]map[string]interface {}",
            Go::Object => "map[string]interface {}",
        }
    }
}

/// mapstructure's decodeString, decodeInt, decodeBool, decodeSlice (and
/// the duration hook) of `found` into `field`: the lines it adds.
pub(super) fn decode(
    field: &Field,
    found: &Go<'_>,
    v: NomadVersion,
    typing: Typing,
    lines: &mut Vec<String>,
) {
    let name = field.go;
    let new = v.at_least(0, 12, 0);
    // Asked only of a string read as a number: the release table's walk
    // for every field decoded was ~50 K instructions of a `check --staged`.
    let go = || crate::gorelease::go_of(v);
    let unconvertible = |want: &str| {
        format!(
            "'{name}' expected type '{want}', got unconvertible type '{}'",
            found.type_name()
        )
    };
    let scalar = matches!(found, Go::Str(_) | Go::Int | Go::Float | Go::Bool);
    if typing == Typing::Strict {
        strict(field, found, lines);
        return;
    }
    match field.kind {
        Kind::Str(ty) if !scalar => lines.push(unconvertible(ty)),
        Kind::Int(ty, _) | Kind::Uint(ty, _) if !scalar => lines.push(unconvertible(ty)),
        Kind::Bool if !scalar => lines.push(unconvertible("bool")),
        Kind::Dur if !scalar => lines.push(unconvertible("time.Duration")),
        Kind::Int(_, bits) => {
            if let Go::Str(s) = found {
                if let Err(e) = crate::gostrconv::parse_int(s, bits, go()) {
                    lines.push(format!("cannot parse '{name}' as int: {}", e.text("ParseInt", s)));
                }
            }
        }
        Kind::Uint(_, bits) => {
            if let Go::Str(s) = found {
                if let Err(e) = crate::gostrconv::parse_uint(s, bits, go()) {
                    lines.push(format!("cannot parse '{name}' as uint: {}", e.text("ParseUint", s)));
                }
            }
        }
        Kind::Bool => {
            if let Go::Str(s) = found {
                if !s.is_empty() && crate::gostrconv::parse_bool(s).is_none() {
                    let e = crate::gostrconv::NumErr::Syntax.text("ParseBool", s);
                    lines.push(format!("cannot parse '{name}' as bool: {e}"));
                }
            }
        }
        Kind::Dur => {
            if let Go::Str(s) = found {
                if let Err(e) = duration::read(s) {
                    let go = e.text(s, false);
                    lines.push(if new {
                        format!("error decoding '{name}': {go}")
                    } else {
                        go
                    });
                }
            }
        }
        Kind::Str(_) => {}
        Kind::Strs => match found {
            Go::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    let e = Go::element(item);
                    if !matches!(e, Go::Str(_) | Go::Int | Go::Float | Go::Bool) {
                        lines.push(format!(
                            "'{name}[{i}]' expected type 'string', got unconvertible type '{}'",
                            e.type_name()
                        ));
                    }
                }
            }
            // A list of maps: each map is an element.
            Go::Objects => lines.push(format!(
                "'{name}[0]' expected type 'string', got unconvertible type 'map[string]interface {{}}'"
            )),
            // v1.3.1 wraps a lone value in a list; the old one refuses it,
            // naming its reflect.Kind.
            _ if new => {}
            _ => lines.push(format!(
                "'{name}': source data must be an array or slice, got {}",
                found.type_name()
            )),
        },
    }
}

/// The same decode without WeaklyTypedInput (mapstructure's
/// decodeString, decodeInt, decodeBool and decodeSlice take only their own
/// kinds; an int from a float is the one conversion left). No strict
/// decoder of these parsers has the duration hook.
fn strict(field: &Field, found: &Go<'_>, lines: &mut Vec<String>) {
    let name = field.go;
    let unconvertible = |want: &str, got: &str| {
        format!("'{name}' expected type '{want}', got unconvertible type '{got}'")
    };
    let fits = match field.kind {
        Kind::Str(_) => matches!(found, Go::Str(_)),
        Kind::Int(..) | Kind::Uint(..) => matches!(found, Go::Int | Go::Float),
        Kind::Bool => matches!(found, Go::Bool),
        Kind::Dur => matches!(found, Go::Int | Go::Float | Go::Str(_)),
        Kind::Strs => {
            match found {
                Go::List(items) => {
                    for (i, item) in items.iter().enumerate() {
                        let e = Go::element(item);
                        if !matches!(e, Go::Str(_)) {
                            lines.push(format!(
                                "'{name}[{i}]' expected type 'string', got unconvertible type '{}'",
                                e.type_name()
                            ));
                        }
                    }
                }
                Go::Objects => lines.push(format!(
                    "'{name}[0]' expected type 'string', got unconvertible type 'map[string]interface {{}}'"
                )),
                _ => lines.push(format!(
                    "'{name}': source data must be an array or slice, got {}",
                    found.type_name()
                )),
            }
            true
        }
    };
    if !fits {
        let want = match field.kind {
            Kind::Str(ty) | Kind::Int(ty, _) | Kind::Uint(ty, _) => ty,
            Kind::Bool => "bool",
            Kind::Dur => "time.Duration",
            Kind::Strs => "[]string",
        };
        lines.push(unconvertible(want, found.type_name()));
    }
}

#[cfg(test)]
mod tests {
    /// The hcl1-parse error of a job whose task writes `task` (and whose
    /// job and group write `job` and `group`), under `version`.
    fn refusal(job: &str, group: &str, task: &str, version: &str) -> Option<String> {
        let text = format!(
            "job \"web\" {{\n  datacenters = [\"dc1\"]\n{job}\n  group \"g\" {{\n{group}\n    task \"t\" {{\n      driver = \"docker\"\n{task}\n    }}\n  }}\n}}\n"
        );
        let v = version.parse().expect("version");
        let parsed = crate::jobspec::load_text(&text, v);
        parsed
            .diags
            .0
            .iter()
            .find(|d| d.code == super::super::hcl1_parse::CODE)
            .map(|d| d.message.clone())
    }

    #[test]
    fn a_levels_refusals_are_sorted_and_name_go_fields() {
        let task = "      leader = [\"x\"]\n      user { }\n      kill_signal = {}\n      kill_timeout = \"1x\"";
        assert_eq!(
            refusal("", "", task, "0.9.3").as_deref(),
            Some("error parsing 'job': group: 'g', task: 4 error(s) decoding:\n\n* 'Leader' expected type 'bool', got unconvertible type '[]interface {}'\n* 'User' expected type 'string', got unconvertible type '[]map[string]interface {}'\n* 'kill_signal' expected type 'string', got unconvertible type '[]map[string]interface {}'\n* time: unknown unit x in duration 1x")
        );
        assert_eq!(
            refusal("", "", task, "0.12.12").as_deref(),
            Some("error parsing 'job': group: 'g', task: 't', 4 error(s) decoding:\n\n* 'Leader' expected type 'bool', got unconvertible type '[]interface {}'\n* 'User' expected type 'string', got unconvertible type '[]map[string]interface {}'\n* 'kill_signal' expected type 'string', got unconvertible type '[]map[string]interface {}'\n* error decoding 'kill_timeout': time: unknown unit x in duration 1x")
        );
    }

    #[test]
    fn the_job_decodes_first_and_a_lone_datacenter_is_a_list_from_0_12() {
        let job = "  priority = \"x\"\n  region = [1]";
        assert_eq!(
            refusal(job, "    count = \" 3\"", "", "0.11.8").as_deref(),
            Some("error parsing 'job': 2 error(s) decoding:\n\n* 'Region' expected type 'string', got unconvertible type '[]interface {}'\n* cannot parse 'Priority' as int: strconv.ParseInt: parsing \"x\": invalid syntax")
        );
        assert_eq!(
            refusal("", "    count = \" 3\"", "", "0.10.9").as_deref(),
            Some("error parsing 'job': group: 1 error(s) decoding:\n\n* cannot parse 'Count' as int: strconv.ParseInt: parsing \" 3\": invalid syntax")
        );
        let dc = "  datacenters = \"dc2\"";
        let lone = |v| {
            let text = format!("job \"web\" {{\n{dc}\n  group \"g\" {{\n    task \"t\" {{\n      driver = \"docker\"\n    }}\n  }}\n}}\n");
            let parsed = crate::jobspec::load_text(&text, v);
            parsed
                .diags
                .0
                .iter()
                .find(|d| d.code == super::super::hcl1_parse::CODE)
                .map(|d| d.message.clone())
        };
        assert_eq!(
            lone("0.11.8".parse().expect("v")).as_deref(),
            Some("error parsing 'job': 1 error(s) decoding:\n\n* 'Datacenters': source data must be an array or slice, got string")
        );
        assert_eq!(lone("0.12.12".parse().expect("v")), None);
    }
}
