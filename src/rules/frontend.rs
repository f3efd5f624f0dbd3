//! The job-file front end's diagnostics (`hcl::*`, `jobspec::*`) as a
//! catalogue beside the lint rules: stable codes that `rules` lists,
//! `explain` documents, SARIF declares, and that `--select`/`--ignore`,
//! suppression comments and `policy.hcl` accept. Their errors are what
//! Nomad itself refuses (the file does not parse or validate): they can be
//! neither suppressed nor switched off, so a gate never passes a file Nomad
//! rejects. Their warnings (Nomad's `Job Warnings:`) can, like any rule's.

use crate::diag::Severity;

/// One front-end diagnostic code.
#[derive(Debug, Clone, Copy)]
pub struct FrontEndCode {
    /// Stable code, as printed (`jobspec::unknown-key`).
    pub code: &'static str,
    /// Error (Nomad refuses the file), warning (Nomad accepts it and warns) or
    /// advice (a note on what Nomad says).
    pub severity: Severity,
    pub summary: &'static str,
    /// What it means and what to do: `explain CODE` prints it.
    pub doc: &'static str,
    /// The diagnostic says Nomad's answer is not known here (`plan` and
    /// `validate` exit 255 with its one line): `check` marks it "cannot
    /// tell" ([`crate::diag::Diag::cannot_tell`], exit 2), never a definite
    /// refusal (exit 1).
    pub cannot_tell: bool,
}

const fn error(code: &'static str, summary: &'static str, doc: &'static str) -> FrontEndCode {
    FrontEndCode {
        code,
        severity: Severity::Error,
        summary,
        doc,
        cannot_tell: false,
    }
}

const fn warning(code: &'static str, summary: &'static str, doc: &'static str) -> FrontEndCode {
    FrontEndCode {
        code,
        severity: Severity::Warning,
        summary,
        doc,
        cannot_tell: false,
    }
}

const fn advice(code: &'static str, summary: &'static str, doc: &'static str) -> FrontEndCode {
    FrontEndCode {
        code,
        severity: Severity::Advice,
        summary,
        doc,
        cannot_tell: false,
    }
}

/// An error whose answer is Nomad's but not known here: one "cannot tell"
/// line, not a refusal ([`FrontEndCode::cannot_tell`]).
const fn untold(code: &'static str, summary: &'static str, doc: &'static str) -> FrontEndCode {
    FrontEndCode {
        code,
        severity: Severity::Error,
        summary,
        doc,
        cannot_tell: true,
    }
}

/// Every code the front end emits (a test holds the list to the source).
pub const CODES: &[FrontEndCode] = &[
    error("hcl::encoding", "The file holds bytes that are not UTF-8, or a BOM Nomad's HCL1 refuses", "Nomad 1.0 and later refuse a byte that is not UTF-8 anywhere but in a comment (`Invalid character encoding`); before 1.0 the HCL1 parser refuses such a byte anywhere, and a UTF-8 byte order mark (`illegal char`). Latin-1 text is the usual cause: save the file as UTF-8."),
    error("hcl::syntax", "The file is not valid HCL", "The job file does not parse as HCL2, so `nomad job plan` and `nomad job run` stop at `Error getting job struct`. The diagnostic points at the first token the parser could not take; fix the syntax there."),
    error("jobspec::hcl1", "HCL1-only syntax in a file parsed as HCL2", "Nomad 1.0 and later parse job files as HCL2. The line uses HCL1-only syntax (quoted argument names, several arguments on one line, commas after arguments, quoted block types); the help says how to write it in HCL2. NP106 explains the same line for worlds that run Nomad 1.0 or later."),
    error("jobspec::hcl1-parse", "A job file the HCL1 parser of Nomad before 1.0 refuses", "Before 1.0 the CLI parses job files with HCL1 (jobspec/parse*.go), which stops at its first error: a group or task name written twice, two `resources` (or two `network`s) in one task, a `resources = [...]` whose value is not an object, a job's, group's or task's argument its decoder (mapstructure, weakly typed) cannot read, such as `count = \" 3\"` or `user = [\"x\"]`. The message is that release's own text; fix the place it points at."),
    untold("hcl::hcl1-cannot-tell", "A file Nomad's HCL1 parser takes in a syntax this tool cannot read", "Before 1.0 Nomad parses job files with HCL1, which also takes commas or nothing between items on one line, quoted keys and block syntax inside object values. nomad-preflight reads such a file by rewriting it into HCL2 in place; where no such rewrite exists (items with no blank between them, a labelled block inside an object value, a key that is not an identifier inside a labelled block, a literal HCL1's decoder fails on), or where a key holds a letter or digit beyond ASCII that Unicode 9.0 did not have (HCL1's scanner asks the unicode tables of the Go that built Nomad, Unicode 10 to 12 before 1.0, which are not followed here), it cannot tell what Nomad makes of the file and says so: `plan` and `validate` exit 255. Write the file in the syntax HCL1 and HCL2 share: one argument a line, bare identifiers as keys."),
    untold("jobspec::nomad-crashes", "A file Nomad's CLI crashes on", "Some inputs make the job parser of Nomad before 1.0 panic: hcl v1's scanner on an escape sequence left open at the end of the file, jobspec's one-object readers on a block (`restart`, `update`, ...) written only with a label. From 1.0, jobspec2 before 1.3.10 and 1.4.5 panics on a variable's `validation` block without `condition`. Nothing recovers the panic: Nomad prints Go's panic and a goroutine trace and exits 2. `plan` and `validate` say so in one line and exit 255."),
    untold("jobspec::hcl1-unread", "A block written as a non-object argument, before 1.0", "Before 1.0, `restart = [{ ... }]` or `vault = \"x\"` reaches each block's own HCL1 reader, which refuses it or reads it in its own way; nomad-preflight does not model that for this block, so it refuses the file rather than plan without the block. Write the block as `name { ... }`."),
    error("jobspec::unknown-key", "An argument or block the job specification does not have", "Nomad rejects unknown arguments and blocks (`Unsupported argument`). Usually a typo: the help names the closest known key."),
    error("jobspec::label", "A block with more or fewer labels than its type takes", "From Nomad 1.0 each block type takes a fixed number of labels (`group \"web\"`, `port \"http\"`; none for `service` or `network`). HCL refuses a block with another count (`Extraneous label for ...`, `Missing name for ...`) and the job does not load."),
    error("jobspec::missing", "A required argument or block is missing", "Nomad refuses the job without it (for example `datacenters` before Nomad 1.6, a task `driver`). Add it."),
    error("jobspec::duplicate", "An argument, block or label defined twice", "Names must be unique where Nomad identifies objects by them (groups, tasks, ports, locals, variables). Rename or remove one."),
    error("jobspec::type", "A value of the wrong type", "The argument takes another type (a number, a string, a list, a block). Nomad reports `Unsuitable value type` or `Incorrect attribute value type`."),
    error("jobspec::range", "A value outside what Nomad accepts", "Priorities outside 1..100, negative counts, sizes below the minimum: Nomad's job validation rejects them."),
    error("jobspec::value", "A value Nomad's validation rejects", "The value has the right type but is not one Nomad accepts here (an unknown job type, a malformed duration, ...)."),
    error("jobspec::placement", "An invalid constraint, affinity or spread", "Nomad validates every constraint, affinity and spread of the job and its groups (Constraint.Validate, Affinity.Validate, Spread.Validate): a known operator with the value it needs, an attribute Nomad can resolve, an affinity weight from -100 to 100 other than 0, a spread weight from 1 to 100 and target percents adding up to at most 100; system jobs may have neither affinities nor spreads. The message is Nomad's text."),
    error("jobspec::policy", "An invalid restart, reschedule, update or migrate policy", "Nomad validates each group's canonicalised policies (RestartPolicy, ReschedulePolicy, UpdateStrategy and MigrateStrategy Validate): known modes and health checks, non-negative counts, durations in the right order (min_healthy_time < healthy_deadline < progress_deadline), attempts that fit in the interval. Defaults count: a `healthy_deadline` above the default 10m `progress_deadline` is refused. The message is Nomad's text."),
    error("jobspec::scaling", "An invalid scaling block", "Scaling policies are validated as Nomad does: min <= count <= max, the policy type matching its block, at most one horizontal policy per group."),
    error("jobspec::port-label", "An invalid port label", "Port labels must be valid identifiers, and a service or check must refer to a port the group's network declares."),
    warning("jobspec::update-parallel", "update max_parallel larger than the group count", "Nomad warns that a destructive change would replace every allocation at once (`Job Warnings:`). Lower max_parallel to at most the group count."),
    warning("jobspec::deprecated", "A deprecated setting Nomad warns about and ignores", "Nomad accepts the job and lists the setting under `Job Warnings:`: task `iops` (0.9), task-level `network` (0.12, from Nomad 1.0), group network `mbits` (0.12, from 1.0), template `vault_grace` (0.11), and `cron` in favour of `crons` (1.6.2). The setting has no effect: remove it or write its replacement."),
    warning("jobspec::identity", "A workload identity Nomad warns about", "From Nomad 1.7 the servers warn about identities without an audience or with several, named identities without a `ttl`, `env = true` without `change_mode = \"restart\"`, an identity named `vault_*` on a task without a `vault` block, and (1.7 to 1.9) Vault `policies` beside a Vault identity. The job runs, but the identity is less safe than it should be or the setting is ignored."),
    warning("jobspec::shutdown-delay", "A service without a shutdown delay", "From Nomad 2.0.1 the servers warn when a group's services would be deregistered at the same moment their task is killed (no `shutdown_delay` on the group, the referenced task, or the Connect sidecar task): traffic still routed to the task fails while it stops. Set `shutdown_delay`."),
    warning("jobspec::admission", "A warning Nomad's servers return for this cluster's settings", "Beside the file's own warnings, Nomad's job endpoint warns about the job on this cluster (`Job Warnings:`): a task's `memory_max` while the scheduler keeps memory oversubscription off (1.1+: the value is ignored, the task gets its `memory` alone), and from 1.7 to 1.9 a job using Consul without workload identities on servers that deprecate the token flow. The job runs as the warning says. Where the world does not state the setting, NP221 says the plan assumed Nomad's default. Turn the setting on (and state it in the world's `scheduler` block) or remove what it warns of."),
    warning("jobspec::auto-promote", "auto_promote set in some groups with canaries but not all", "Nomad promotes a deployment automatically only when every group with canaries sets `auto_promote = true`; with a mix it warns and waits for a manual promotion. Set auto_promote the same in every group with canaries."),
    warning("jobspec::hcl1-skipped", "A block Nomad's parser skips before 1.0", "Before 1.0 Nomad's HCL1 job parser reads `constraint`, `affinity` and `spread` blocks only without a label, and `group`, `task` and multiregion `region` blocks only with one: `constraint \"c\" { ... }` or `group { ... }` is skipped without a word. A labelled block it reads as one object (`restart`, `update`, `resources`, ...) is skipped beside an unlabelled one, and alone makes the parser panic. Remove or add the label."),
    warning("jobspec::template-path", "A template source outside the task directory", "Nomad warns (and, with the default client settings, refuses at run time) template sources outside the allocation directory. Keep template sources under local/ or use `data`."),
    error("jobspec::dynamic", "An invalid dynamic block", "`dynamic` blocks need `for_each` and a `content` block, and may only generate blocks the parent accepts."),
    error("jobspec::eval", "An expression that cannot be evaluated", "An HCL2 expression failed: an unknown function, wrong arguments, an operation on the wrong types. The message is Nomad's (hcl's) text."),
    untold("jobspec::budget", "An evaluation over its budget", "The file builds more values or text than any job needs (nested templates, exponential string growth), more than 20,000 blocks (`dynamic` blocks within each other: 100 groups of 1,000 tasks), or a value nested deeper than 128 levels (a decoded document, locals that each wrap the last). Evaluation stops instead of eating memory or the stack; Nomad would go on, so `plan` and `validate` exit 255 and `check` 2 (cannot tell). Simplify the expression."),
    error("jobspec::file", "A file() or template function that cannot read its file", "The function's file does not exist or cannot be read. Relative paths are read from the folder `nomad job plan` runs in (Nomad's CLI passes the parser only the job file's name), not from the job file's folder: `--nomad-dir` names the folder your deploy runs `nomad` from."),
    untold("jobspec::file-access", "A file read outside the project", "Functions may read files only inside the project (or the folder named on the command line); nothing outside is ever read or quoted back."),
    untold("jobspec::locals-cannot-tell", "Locals whose values rest on the order Nomad evaluates them in", "jobspec2 evaluates locals in a queue: blocks in file order, each block's attributes in Go's random map order, a failure retried at the back, a later definition of a name overwriting an earlier one. Where that order changes a value (a local defined twice and read in between, try/can over a local not yet evaluated, the whole `local` object read), the value Nomad uses is chance: `plan` and `validate` exit 255 with one line. Define each local once and read locals by name."),
    error("jobspec::missing-variable", "A reference to an undeclared variable or local", "`var.x` needs a `variable \"x\" {}` block; `local.x` needs `x` in a `locals` block. The help names the closest declared name."),
    error("jobspec::variable", "An invalid variable declaration or value", "A `variable` block is malformed, or a value given for it (-var, -var-file, NOMAD_VAR_*) does not convert to its type, or a required variable has no value."),
    error("jobspec::variable-validation", "A variable value its validation rule rejects", "The variable's `validation` block's condition is false for the value given; the message is the block's error_message."),
    error("jobspec::variable-validation-rule", "A variable's validation block Nomad refuses", "From 1.0 Nomad decodes each `validation` block before any value: both `condition` and `error_message` are required, the condition may refer only to its own variable (`var.NAME`), and the error message may not be empty (until 2.0.4 it must also be sentences: an upper-case first letter and a final `.`, `?` or `!`). The message is Nomad's text; the job is not read further."),
    advice("jobspec::locals-order", "Several failing locals, of which Nomad says one: which one is chance", "jobspec2 returns the errors of one local only: the last left, or the one at its 102nd failure in a row, which Go's random map order over a locals block's attributes picks. The job is refused either way: every local it may pick is said, with this note."),
    advice("jobspec::variables-map-order", "Several variables' errors, which Nomad lists in Go's map order: their order is chance", "Nomad's jobspec2 ranges over Go maps when it judges the variables: their values (two or more unset or refused by their `validation` rules), a `variables {}` block's values (two or more calling a function or naming a variable), a var file's values and the -var flags (two or more undeclared or refused). The order of its lines then changes from run to run, but the job is refused either way: every line is printed, in declaration order (the file's, for a var file; the command line's, for -var), with this note."),
    advice("jobspec::validation-map-order", "Several validation errors, which Nomad lists in Go's map order: their order is chance", "Nomad's servers range over a Go map for some checks (a group network's CNI `args`): when two or more of its entries are refused, the order of their lines changes from run to run. The job is refused either way: every line is printed, in key order, with this note."),
    advice("jobspec::decode-map-order", "Several decoding errors, which Nomad lists in Go's map order: their order is chance", "From 1.0 Nomad's decoder (gohcl) ranges over a block's attributes and its kinds of child block as Go maps, and reports every error, one a line: two errors in two attributes of one block (a `meta` block's values), or under two kinds of block, come in an order that changes from run to run. The job is refused either way: every line is printed, attributes and kinds of block in the order the file first gives them, with this note."),
    untold("hcl::too-deep", "A job file nested deeper than nomad-preflight parses", "Blocks, brackets, strings or operators nest past 64 levels (or parentheses and square brackets past 24): nomad-preflight's parser stops there, so deeply nested input cannot exhaust its stack or time. Nomad's parsers (hclsyntax from 1.0, hcl v1 before) read any depth, so what Nomad makes of the file is not known: `plan` and `validate` exit 255 with the located line, `check` exits 2. No real job file nests this deep; flatten it (locals for intermediate values)."),
    untold("hcl::too-large", "A job file past nomad-preflight's parse budget", "A job file's text is parsed up to a budget (1 MiB, or the read cap when NOMAD_PREFLIGHT_MAX_FILE_BYTES is set): a parse builds every part of the text, so a committed 15 MiB file would cost every hook and CI run seconds and hundreds of MB. Nomad parses a job file of any size (its CLI reads the whole file; its servers only drop a job's stored source past `job_max_source_size`, 1 MB, and run the job), so what Nomad says of a larger one is not known: `plan` and `validate` exit 255 with the located line, `check` exits 2; never passed over. Move large inline templates into files the client renders (`template { source }`, an `artifact`), or raise the budget."),
    untold("jobspec::hcl2-unread", "A file Nomad's HCL2 parser reads where this tool's does not", "From 1.0 Nomad parses job files with hclsyntax, which holds a number beyond a 64-bit float (`1e400`) exactly and nests operators past our parser's depth; where nomad-preflight's parser stops and hclsyntax's words are not followed, it cannot tell what Nomad makes of the file: `plan` and `validate` exit 255 with one line. Keep numbers within a 64-bit float's range (about 1.8e308) and expressions shallow."),
    untold("jobspec::variable-validation-cannot-tell", "A validation Nomad reports in a way this tool cannot follow", "A `validation` block holding more than `condition` and `error_message`, an `error_message` that is not a plain string, or a condition calling a filesystem function. `plan` and `validate` say so in one line and exit 255 rather than guess Nomad's text."),
    error("jobspec::version-gate", "A feature the world's Nomad version does not have", "The job uses a block or value that the Nomad release the world runs does not know yet (sysbatch before 1.2, node_pool before 1.6, group network before 0.10, datacenter globs before 1.5): that release refuses the file. Upgrade the world's nomad_version or write the job as that release accepts it."),
    advice("jobspec::hcl1-fallback", "A job file Nomad 1.0 to 1.8 then parses with HCL1, whose verdict is not followed", "When jobspec2 refuses a job file, the CLI of Nomad 1.0.0 to 1.8.x parses it again with its HCL1 parser (command/helpers.go): if that accepts the file, Nomad prints `Failed to parse using HCL 2. Use the HCL 1 parser with `nomad run -hcl1`, or address the following issues:` instead of `Error parsing job file from <path>:`, and jobspec2's errors after it. Where HCL1 surely refuses the file (its syntax, a top-level key other than `job`, a key it checks and does not know) nothing is added; else this note says the first line may be the other one. The job is refused either way."),
    error("hcl::var-file-listed", "A var file's diagnostic Nomad 1.0.1 lists after a job file's syntax errors", "Nomad 1.0.1's jobspec2 parses the job file and every -var-file, and returns their diagnostics as one list, the job file's first: its text is the first and `and N other diagnostic(s)`, the var files' counted among them. Each is said here beside the job file's. Fix the var file too."),
    error("jobspec::var-file", "A -var-file that cannot be read or parsed", "The variables file does not exist, is outside the project, or is not valid HCL/JSON."),
    error("jobspec::variable-default", "A variable's default or `variables {}` value calling a function or naming a variable", "From 1.0 Nomad evaluates a variable's default (and each `variables {}` value) with no functions and no variables: a function call is refused as `Function calls not allowed`, a reference (`var.x`, `local.y`, any name) as `Variables not allowed`; the variable is then not declared and the job is not read further. Write the value itself, or compute it in a `locals` block."),
    error("jobspec::var-file-value", "A -var-file value calling a function or naming a variable", "From 1.0 Nomad evaluates a -var-file's values with no functions and no variables: a function call is refused as `Function calls not allowed`, a reference (`var.x`, `local.y`, any name) as `Variables not allowed`, and the job is not read further. The same holds for a -var or NOMAD_VAR_ value of a variable whose type is not string or number (or, untyped, whose default is not): Nomad parses it as HCL, so `-var flag=yes` names a variable. Write each value itself (a string in quotes)."),
    untold("jobspec::number-cannot-tell", "A number go-cty may hold otherwise than a 64-bit float", "From Nomad 1.0 jobspec2 holds numbers as go-cty's 512-bit big.Float: a literal past a 64-bit float's precision (987654321098765432), arithmetic that rounds (0.1 + 0.2, 1 / 3), log, an inexact pow or range, a format float verb at a tie, and before Nomad 1.3.10 a floor or ceil at or past 2^63 (go-cty then converts it through a Go int64, as the machine running nomad does): the value is not guessed: `plan` and `validate` exit 255 with one line. Quote long IDs meant as text."),
    untold("jobspec::nfc-cannot-tell", "A string whose Unicode normalisation Nomad's tables may not give", "From Nomad 1.0 go-cty holds every jobspec2 string in NFC, normalised with golang.org/x/text's tables of Unicode 12.0.0 (1.0.x), 13.0.0 or 15.0.0 (from 1.4.13, 1.5.9, 1.6.2 and 1.7.0); nomad-preflight's tables are Unicode 18.0.0's. A string holding a combining character those tables do not know (U+11382 U+113C9, which compose from Unicode 16) and that our NFC changes may be another string for Nomad; so may a code point past U+FFFF followed by a mark (x/text composes by code points cut to 16 bits: U+10065 U+0301 is U+00E9 for Nomad). `plan` and `validate` exit 255 with one line, `check` exits 2. Write such strings in their composed form."),
    untold("jobspec::function-cannot-tell", "A function whose answer go-cty computes in a way this tool does not follow", "From Nomad 1.0 job files call go-cty's functions. Where the answer rests on what is not reproduced here (the order of a set of lists or maps, which go-cty takes from an internal hash; a character whose case or grapheme boundaries differ between the Unicode tables of the Go or go-textseg release that Nomad was built with and ours; libyaml's folding of a long string; a result past this tool's size caps), it is not guessed: `plan` and `validate` exit 255 with one line, `check` exits 2."),
    untold("jobspec::shape-cannot-tell", "A length() of a value that may be an object", "go-cty's length counts a map but refuses an object (`collection must be a list, a map or a tuple`). Where the argument's kind is not known here (a local, a loop variable, a function's result), the answer is not guessed: `plan` and `validate` exit 255 with one line. length(keys(...)) takes both."),
    untold("jobspec::var-file-cannot-tell", "A -var-file value Nomad refuses, in words this tool cannot tell", "Nomad refuses a function call or variable in a -var-file value, but their set (a loop, a template directive, a conditional, or the variable's type meeting the unknown value) or their order (several NOMAD_VAR_ values, in the environment's order) is not known here (several values of one var file or of the -var flags, in Go's map order, are all said, with `jobspec::variables-map-order`). Also a var file this tool does not read as Nomad does: JSON (its first byte `{`) that hcl's JSON parser refuses, whose words are not followed, or a number beyond a 64-bit float (`1e400`), which Nomad takes. `plan` and `validate` exit 255 with one line. Write each value itself."),
];

/// The catalogue entry for `code` (case-insensitive).
pub fn find(code: &str) -> Option<&'static FrontEndCode> {
    CODES.iter().find(|c| c.code.eq_ignore_ascii_case(code))
}

/// The text `explain CODE` prints for a front-end code.
pub fn explain_text(c: &FrontEndCode) -> String {
    let configurable = match c.severity {
        _ if c.cannot_tell => "it cannot be suppressed or switched off",
        Severity::Error => "an error Nomad reports too: it cannot be suppressed or switched off",
        _ => "a warning Nomad prints under `Job Warnings:`: suppress or configure it like a rule",
    };
    // The same words a cannot-tell rule's `explain` ends with.
    let untold = if c.cannot_tell {
        "\nCannot tell: Nomad's answer to such a file is not known here; `plan` and `validate` exit 255 with one line, and `check` exits 2 for it (cannot tell, `\"cannot_tell\": true` in JSON), unless a definite finding at or above the fail level fails the run first (exit 1).\n"
    } else {
        ""
    };
    format!(
        "{} (job file diagnostic, {configurable})\n\n{}\n\n{}\n{untold}",
        c.code, c.summary, c.doc
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `"jobspec::…"` / `"hcl::…"` literal in the front end's source
    /// is catalogued: a new diagnostic cannot ship without its entry.
    #[test]
    fn every_code_the_front_end_emits_is_catalogued() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut seen = std::collections::BTreeSet::new();
        let files = walkdir::WalkDir::new(root.join("src/jobspec"))
            .into_iter()
            .chain(walkdir::WalkDir::new(
                root.join("src/render/decode_order.rs"),
            ))
            // The servers' warnings for the world's settings (R17-53).
            .chain(walkdir::WalkDir::new(root.join("src/rules/admission.rs")));
        for e in files.flatten() {
            if e.path().extension().is_none_or(|x| x != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(e.path()).unwrap();
            for prefix in ["\"jobspec::", "\"hcl::"] {
                for (at, _) in text.match_indices(prefix) {
                    let rest = &text[at + 1..];
                    let end = rest
                        .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == ':' || ch == '-'))
                        .unwrap_or(rest.len());
                    if rest[end..].starts_with('"') {
                        seen.insert(rest[..end].to_string());
                    }
                }
            }
        }
        assert!(seen.len() > 15, "{seen:?}");
        for code in &seen {
            assert!(find(code).is_some(), "{code} is emitted but not catalogued");
        }
        // And nothing is catalogued that the front end never emits.
        for c in CODES {
            assert!(
                seen.contains(c.code),
                "{} is catalogued but never emitted",
                c.code
            );
        }
    }

    /// The codes `plan` and `validate` answer with one "cannot tell" line
    /// (exit 255) are the ones marked so here, which `check` reports as
    /// "cannot tell" (exit 2): the three commands cannot disagree.
    #[test]
    fn the_cannot_tell_codes_are_the_ones_plan_says_cannot_tell_for() {
        let marked: std::collections::BTreeSet<&str> = CODES
            .iter()
            .filter(|c| c.cannot_tell)
            .map(|c| c.code)
            .collect();
        let planned: std::collections::BTreeSet<&str> =
            crate::render::job_file_error::CANNOT_TELL_CODES
                .iter()
                .map(|(code, _)| *code)
                .collect();
        assert_eq!(marked, planned);
        for c in CODES.iter().filter(|c| c.cannot_tell) {
            assert_eq!(c.severity, Severity::Error, "{}", c.code);
            assert!(explain_text(c).contains("`check` exits 2"), "{}", c.code);
        }
        assert!(!explain_text(find("hcl::syntax").unwrap()).contains("Cannot tell"));
    }

    #[test]
    fn severities_follow_what_the_front_end_emits() {
        assert_eq!(
            find("jobspec::template-path").unwrap().severity,
            Severity::Warning
        );
        assert_eq!(find("JOBSPEC::MISSING").unwrap().severity, Severity::Error);
    }
}
