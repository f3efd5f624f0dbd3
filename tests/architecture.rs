//! The house has no upward arrow: data flows one way, jobspec / world →
//! cluster → scheduler → planner → render / report → cli (src/lib.rs), and
//! no module imports from a layer above its own. Read from the source as it
//! is: every `crate::` path in code that is not test code (comments,
//! strings and `#[cfg(test)]` items are left out), per top-level module.
//! A new upward import fails here with the file that makes it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, lowest first. A module may use its own layer and those below.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "foundations (text, paths, diagnostics, git, versions)",
        &[
            "source",
            "suggest",
            "version",
            "project",
            "vfs",
            "nesting",
            "json_depth",
            "gojson",
            "parse_ahead",
            "diag",
            "escape",
            "goregexp",
            "gonet",
            "gomap",
            "gorelease",
            "gofloat",
            "goglob",
            "gostrconv",
            "gotime",
            "cronexpr",
            "gotext",
            "goversion",
            "embedded",
            "git",
            "threads",
            "Workers",
            "ids",
            "cache_dir",
            "by_name",
            "work_dir",
            "huge_pages",
            "hex",
            "unseen",
        ],
    ),
    (
        "jobspec / world",
        &[
            "jobspec",
            "job_loader",
            "periodic",
            "world",
            "world_cache",
            "structs",
        ],
    ),
    ("cluster", &["cluster", "diff", "mutators"]),
    ("scheduler", &["scheduler"]),
    ("planner", &["planner"]),
    (
        "render / report",
        &[
            "render",
            "report",
            "rules",
            "config",
            "changeset",
            "check",
            "rehearse",
        ],
    ),
    ("cli", &["cli"]),
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, ms)| ms.contains(&module))
}

#[test]
fn no_module_imports_from_a_layer_above_its_own() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let edges = edges(&src);
    let mut unknown_modules = BTreeSet::new();
    let mut upward = Vec::new();
    for ((from, to), files) in &edges {
        let (Some(lf), Some(lt)) = (layer_of(from), layer_of(to)) else {
            for m in [from, to] {
                if layer_of(m).is_none() {
                    unknown_modules.insert(m.clone());
                }
            }
            continue;
        };
        if lt <= lf {
            continue;
        }
        for f in files {
            upward.push(format!(
                "{f}: {from} ({}) imports {to} ({})",
                LAYERS[lf].0, LAYERS[lt].0
            ));
        }
    }
    assert!(
        unknown_modules.is_empty(),
        "top-level modules without a layer (add them to LAYERS): {unknown_modules:?}"
    );
    assert!(upward.is_empty(), "upward imports:\n{}", upward.join("\n"));
}

/// One way within a layer too: modules of one layer may import each other
/// one way only, for a cycle (`config` → `rules` → `config`) has no
/// direction. Every module that can reach itself through imports fails,
/// with the edges of its cycle.
#[test]
fn no_modules_import_each_other_in_a_cycle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let edges = edges(&src);
    let cyclic = in_cycles(&edges.keys().cloned().collect::<Vec<_>>());
    let named: Vec<String> = edges
        .iter()
        .filter(|((from, to), _)| cyclic.contains(from) && cyclic.contains(to))
        .map(|((from, to), files)| format!("{from} -> {to} ({})", join(files)))
        .collect();
    assert!(
        cyclic.is_empty(),
        "modules in an import cycle: {cyclic:?}\n{}",
        named.join("\n")
    );
}

/// The cycle finder sees a two-module cycle and a longer one, and not a
/// chain.
#[test]
fn the_cycle_finder_finds_cycles_only() {
    let e = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    };
    let set =
        |names: &[&str]| -> BTreeSet<String> { names.iter().map(|s| s.to_string()).collect() };
    assert!(in_cycles(&e(&[("a", "b"), ("b", "c")])).is_empty());
    assert_eq!(
        in_cycles(&e(&[("a", "b"), ("b", "a"), ("b", "c")])),
        set(&["a", "b"])
    );
    assert_eq!(
        in_cycles(&e(&[("a", "b"), ("b", "c"), ("c", "a"), ("d", "a")])),
        set(&["a", "b", "c"])
    );
}

/// The modules that can reach themselves along `edges`.
fn in_cycles(edges: &[(String, String)]) -> BTreeSet<String> {
    let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (from, to) in edges {
        next.entry(from).or_default().push(to);
    }
    let mut out = BTreeSet::new();
    for start in next.keys() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&str> = next[start].clone();
        while let Some(m) = stack.pop() {
            if m == *start {
                out.insert(start.to_string());
                break;
            }
            if seen.insert(m) {
                stack.extend(next.get(m).into_iter().flatten());
            }
        }
    }
    out
}

fn join(files: &BTreeSet<String>) -> String {
    files.iter().cloned().collect::<Vec<_>>().join(", ")
}

/// The line past which a module must say why it is that long.
const MAX_LINES: usize = 600;

/// The reason a long module carries, as the first words of a `//!` line.
const REASON: &str = "//! Over 600 lines because";

/// Is a module of this text too long for what it says of itself?
fn too_long(text: &str) -> bool {
    text.lines().count() > MAX_LINES && !text.lines().any(|l| l.trim_start().starts_with(REASON))
}

/// Small modules (DEVELOPERS.md): a file of `src/` over 600 lines is split
/// along its jobs, or says why it is not in a `//! Over 600 lines because
/// ...` line.
#[test]
fn no_module_is_over_600_lines_without_a_stated_reason() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let text =
                std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            too_long(&text).then(|| {
                let rel = f.strip_prefix(&src).unwrap_or(f);
                format!("{} ({} lines)", rel.display(), text.lines().count())
            })
        })
        .collect();
    assert!(
        files.len() > 100,
        "the walk found {} files under src/",
        files.len()
    );
    assert!(
        long.is_empty(),
        "over {MAX_LINES} lines without a `{REASON} ...` line: split them along their jobs:\n{}",
        long.join("\n")
    );
}

/// The length check counts lines and honours a stated reason, and only one.
#[test]
fn the_length_check_counts_lines_and_reads_the_reason() {
    let at_the_line = "x\n".repeat(MAX_LINES);
    let over = "x\n".repeat(MAX_LINES + 1);
    assert!(!too_long(&at_the_line));
    assert!(too_long(&over));
    assert!(!too_long(&format!(
        "{REASON} it is one table.\n{}",
        "x\n".repeat(MAX_LINES)
    )));
    assert!(too_long(&format!(
        "//! Long, but no reason.\n{}",
        "x\n".repeat(MAX_LINES)
    )));
}

/// The reader sees what it must: an import in code counts, the same path
/// in a comment, a string or a test module does not.
#[test]
fn the_reader_counts_code_only() {
    let text = r#"
use crate::{cluster::Allocation, world::{self, World}};
// crate::cli::run
/// [`crate::render::plan`]
fn f() { let s = "crate::rehearse"; let c = '{'; crate::scheduler::run(); crate::assert_snap!(x); }
#[cfg(test)]
mod tests { use crate::planner; fn g() { let _ = "}"; } }
fn h() -> crate::diff::Diff { todo!() }
"#;
    let got: BTreeSet<String> = crate_paths(&code_only(text)).into_iter().collect();
    let want: BTreeSet<String> = ["cluster", "world", "scheduler", "diff"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(got, want);
}

/// (from module, to module) → the files (relative to src/) making the edge.
fn edges(src: &Path) -> BTreeMap<(String, String), BTreeSet<String>> {
    let mut files = Vec::new();
    walk(src, &mut files);
    let test_only = test_only_files(&files);
    let mut out: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for f in &files {
        if test_only.contains(f) {
            continue;
        }
        let rel = f.strip_prefix(src).unwrap_or(f);
        let rel_text = rel.to_string_lossy().replace('\\', "/");
        let top = rel_text
            .split('/')
            .next()
            .unwrap_or_default()
            .trim_end_matches(".rs")
            .to_string();
        if top == "lib" || top == "main" {
            continue;
        }
        let text = std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        for to in crate_paths(&code_only(&text)) {
            if to != top {
                out.entry((top.clone(), to))
                    .or_default()
                    .insert(rel_text.clone());
            }
        }
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// Files that are test modules: declared as `#[cfg(test)] mod name;`
/// (optionally with `#[path = "..."]`).
fn test_only_files(files: &[PathBuf]) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    for f in files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        for (i, l) in lines.iter().enumerate() {
            if *l != "#[cfg(test)]" {
                continue;
            }
            let mut path_attr = None;
            let mut j = i + 1;
            while let Some(next) = lines.get(j) {
                if let Some(p) = next
                    .strip_prefix("#[path = \"")
                    .and_then(|r| r.strip_suffix("\"]"))
                {
                    path_attr = Some(p.to_string());
                } else if !next.starts_with("#[") {
                    break;
                }
                j += 1;
            }
            let Some(name) = lines
                .get(j)
                .and_then(|l| {
                    l.strip_prefix("mod ")
                        .or_else(|| l.strip_prefix("pub mod "))
                })
                .and_then(|l| l.strip_suffix(';'))
            else {
                continue;
            };
            let dir = f.parent().unwrap_or(Path::new("."));
            let stem = f.file_stem().unwrap_or_default().to_string_lossy();
            let base = if ["mod", "lib", "main"].contains(&stem.as_ref()) {
                dir.to_path_buf()
            } else {
                dir.join(stem.as_ref())
            };
            match path_attr {
                Some(p) => {
                    out.insert(dir.join(p));
                }
                None => {
                    out.insert(base.join(format!("{name}.rs")));
                    out.insert(base.join(name).join("mod.rs"));
                }
            }
        }
    }
    out
}

/// The text with comments, string and char literals blanked and every
/// `#[cfg(test)]` item removed.
fn code_only(text: &str) -> String {
    let b: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && !ident_before(&b, i) {
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            while j < b.len() {
                if b[j] == '"' && (0..hashes).all(|k| b.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            i = j;
            out.push_str("\"\"");
        } else if c == '"' {
            i += 1;
            while i < b.len() && b[i] != '"' {
                i += if b[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' {
            // A char literal ('x', '\n', '\u{..}') or a lifetime ('a).
            if next == Some('\\') {
                i += 2;
                while i < b.len() && b[i] != '\'' {
                    i += 1;
                }
                i += 1;
                out.push_str("' '");
            } else if b.get(i + 2) == Some(&'\'') {
                i += 3;
                out.push_str("' '");
            } else {
                out.push(c);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    strip_test_items(&out)
}

fn ident_before(b: &[char], i: usize) -> bool {
    i > 0 && (b[i - 1].is_alphanumeric() || b[i - 1] == '_')
}

/// Remove each `#[cfg(test)]` item: up to its `;` or its braced body.
fn strip_test_items(code: &str) -> String {
    let mut out = String::new();
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let item = &rest[at..];
        let brace = item.find('{');
        let semi = item.find(';');
        let end = match (brace, semi) {
            (_, Some(s)) if brace.is_none_or(|b| s < b) => s + 1,
            (Some(b), _) => {
                let mut depth = 0usize;
                let mut end = item.len();
                for (k, ch) in item[b..].char_indices() {
                    match ch {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = b + k + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                end
            }
            _ => item.len(),
        };
        rest = &item[end..];
    }
    out.push_str(rest);
    out
}

/// The top-level modules named by `crate::` paths (macros excluded),
/// including `use crate::{a, b::c}` groups.
fn crate_paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let before = code.len() - rest.len() + at;
        let after = &rest[at + "crate::".len()..];
        rest = after;
        // `$crate::` and `nomad_crate::` are not this crate's root.
        if code[..before]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$')
        {
            continue;
        }
        if let Some(group) = after.strip_prefix('{') {
            let mut depth = 1;
            let mut end = group.len();
            for (k, ch) in group.char_indices() {
                match ch {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = k;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            // Items at the group's top level: `a`, `b::c`, `d::{e, f}`.
            let mut level = 0;
            let mut items = vec![String::new()];
            for ch in group[..end].chars() {
                match ch {
                    '{' => level += 1,
                    '}' => level -= 1,
                    ',' if level == 0 => items.push(String::new()),
                    _ => {}
                }
                if let Some(item) = items.last_mut() {
                    if ch != ',' || level != 0 {
                        item.push(ch);
                    }
                }
            }
            for item in items {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != "self" {
                    out.push(name);
                }
            }
            continue;
        }
        let name: String = after
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let tail = &after[name.len()..];
        if name.is_empty() || tail.starts_with('!') {
            continue;
        }
        out.push(name);
    }
    out
}
