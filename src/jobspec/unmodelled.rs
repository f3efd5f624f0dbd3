//! The unmodelled part of a job: whatever the file wrote that the lowering
//! never read (see [`super::fields::Reads`]), attached to the job, group or
//! task it belongs to. Nothing a job file says can then be lost between the
//! file and the plan: the typed model holds it, or this does.

use std::collections::HashMap;

/// The block-name counts' hasher (see walk_with).
type Fold = foldhash::fast::RandomState;

use super::model::{Job, Unmodelled, Value};
use super::reads::{Read, Reads};
use super::tree::Node;

/// Fill `unmodelled` of the job, its groups and their tasks from the
/// evaluated tree the job was lowered from.
pub fn attach(node: &Node, reads: &Reads, job: &mut Job) {
    job.unmodelled = collect(node, reads, &["group", "task"]);
    // Each group block's group by name, the first of that name as a
    // search from the front finds it: looked up once, not searched for
    // each block (20,000 groups were 200 million name comparisons).
    // The names are copied out: the groups are written to below.
    let names: Vec<String> = job.groups.iter().map(|g| g.name.clone()).collect();
    let first = crate::by_name::FirstByName::new(&names, String::as_str);
    for gnode in node.blocks.iter().filter(|b| b.ident == "group") {
        let name = label(gnode);
        let Some(g) = first.index(name).and_then(|i| job.groups.get_mut(i)) else {
            continue;
        };
        g.unmodelled = collect(gnode, reads, &["task"]);
        for tnode in gnode.blocks.iter().filter(|b| b.ident == "task") {
            let tname = label(tnode);
            if let Some(t) = g.tasks.iter_mut().find(|t| t.name == tname) {
                t.unmodelled = collect(tnode, reads, &[]);
            }
        }
    }
    // HCL1's task directly in a job became a group of the same name.
    for tnode in node.blocks.iter().filter(|b| b.ident == "task") {
        let tname = label(tnode);
        if let Some(t) = first
            .index(tname)
            .and_then(|i| job.groups.get_mut(i))
            .and_then(|g| g.tasks.first_mut())
        {
            t.unmodelled = collect(tnode, reads, &[]);
        }
    }
}

fn label(n: &Node) -> &str {
    n.labels.first().map(|l| l.0.as_str()).unwrap_or_default()
}

fn collect(node: &Node, reads: &Reads, skip: &[&str]) -> Unmodelled {
    let mut out = Unmodelled::default();
    // Every job, group and task block is read by its lowering.
    if reads.of(node).is_some() {
        walk(node, reads, "", skip, &mut out);
    }
    out
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_string()
    } else {
        format!("{prefix}.{name}")
    }
}

/// Keep what `node` wrote and the lowering did not read. `read = None`
/// keeps everything (a block nobody read).
fn walk(node: &Node, reads: &Reads, prefix: &str, skip: &[&str], out: &mut Unmodelled) {
    walk_with(node, reads, reads.of(node), prefix, skip, out);
}

fn walk_with(
    node: &Node,
    reads: &Reads,
    read: Option<Read>,
    prefix: &str,
    skip: &[&str],
    out: &mut Unmodelled,
) {
    for (i, a) in node.attrs.iter().enumerate() {
        if read.as_ref().is_none_or(|r| !r.attr(i)) {
            out.0.insert(join(prefix, &a.name), a.value.clone());
        }
    }
    // Blocks of each name, and how many of a name came before: counted
    // once, not per block (thousands of `port` blocks were n² here).
    // foldhash, seeded per process as SipHash is: std's RandomState and
    // SipHash per block name were ~80 K instructions of a `check --staged`.
    let mut of_name: HashMap<&str, usize, Fold> = HashMap::default();
    for b in &node.blocks {
        *of_name.entry(b.ident.as_str()).or_default() += 1;
    }
    let mut before: HashMap<&str, usize, Fold> = HashMap::default();
    for (i, b) in node.blocks.iter().enumerate() {
        let pos = before.entry(b.ident.as_str()).or_default();
        let this_pos = *pos;
        *pos += 1;
        if skip.contains(&b.ident.as_str()) {
            continue;
        }
        // `prefix.ident[label]...` written into one String (a String per
        // label and per join was a fifth of this walk).
        let mut key = String::with_capacity(prefix.len() + b.ident.len() + 16);
        if !prefix.is_empty() {
            key.push_str(prefix);
            key.push('.');
        }
        key.push_str(&b.ident);
        for (l, _) in &b.labels {
            key.push('[');
            key.push_str(l);
            key.push(']');
        }
        if b.labels.is_empty() && of_name.get(b.ident.as_str()).is_some_and(|&n| n > 1) {
            use std::fmt::Write;
            let _ = write!(key, "[{this_pos}]");
        }
        match &read {
            Some(r) if r.block(node, i) => {
                // Read by a typed reader: keep only what it skipped. Read
                // whole (driver config, meta): nothing is left over.
                if reads.of(b).is_some() {
                    walk(b, reads, &key, &[], out);
                }
            }
            // An empty block still says something (`sidecar_service {}`).
            _ if b.attrs.is_empty() && b.blocks.is_empty() => {
                out.0.insert(key, Value::String("{}".into()));
            }
            _ => walk_with(b, reads, None, &key, &[], out),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::jobspec::tests::load_text;
    use crate::jobspec::Value;

    /// Keys the lowering does not take (a job `consul` block, a task's
    /// `max_run_duration`: unknown keys Nomad refuses) are unread too.
    #[test]
    fn unread_blocks_and_arguments_are_kept_where_they_belong() {
        let p = load_text(
            "job \"j\" {\n  consul {\n    namespace = \"n\"\n  }\n  group \"g\" {\n    service {\n      name = \"s\"\n      connect {\n        gateway {\n          mesh {}\n        }\n      }\n    }\n    task \"t\" {\n      driver = \"exec\"\n      max_run_duration = \"1h\"\n      identity {\n        aud = [\"x\"]\n      }\n      config {\n        command = \"x\"\n      }\n    }\n  }\n}\n",
        );
        let job = p.job.expect("job");
        assert!(
            job.unmodelled.0.contains_key("consul.namespace"),
            "{:?}",
            job.unmodelled
        );
        let g = &job.groups[0];
        let keys: Vec<&String> = g.unmodelled.0.keys().collect();
        // Connect is modelled, its gateway included.
        assert!(keys.is_empty(), "{:?}", g.unmodelled);
        // Modelled blocks (identity, config) leave nothing behind.
        let t = &g.tasks[0];
        let keys: Vec<&String> = t.unmodelled.0.keys().collect();
        assert_eq!(keys, ["max_run_duration"]);
        assert_eq!(
            t.unmodelled.0["max_run_duration"],
            Value::String("1h".into())
        );
    }
}
