//! A size budget for a job file's evaluation. HCL2 can build values far
//! larger than its text: nested `for` expressions multiply, and a local that
//! lists another twice doubles with every line (`b = [a, a]`, `c = [b, b]`,
//! ...: 40 lines make 2^40 values). All the evaluations of one job file
//! (its variables, locals and attributes, and any template they render)
//! together may build, copy or scan at most [`MAX_ELEMENTS`] values and
//! [`MAX_BYTES`] of strings; past that it is a located error instead of
//! minutes of work and gigabytes of memory. A function whose result size
//! is known from its arguments (`replace`, `join`, `format`'s width) is
//! charged before it builds anything, and one that builds many values
//! (`formatlist`) as it builds them. An evaluation outside a job file
//! (see [`job_file`]) has a budget of its own.
//!
//! A job file's blocks have a budget too ([`MAX_BLOCKS`]): a `dynamic`
//! block inside another multiplies, so a 435-byte file can ask for 100
//! groups of 1,000 tasks, and every block becomes a typed object that is
//! defaulted, validated, diffed and scheduled (about 14 KB and 0.5 ms a
//! task in a debug build). The values such a file builds are small, so the
//! value budget never trips; the blocks are counted as the tree is built,
//! before any of that work.

use std::cell::Cell;

use super::model::Value;

/// Values (list and map elements, scalars) one evaluation may build or copy.
pub const MAX_ELEMENTS: u64 = 1_000_000;
/// String bytes one evaluation may build or copy, unless the read cap is
/// raised (see [`max_bytes`]).
pub const MAX_BYTES: u64 = 64 * 1024 * 1024;
/// Blocks (groups, tasks and every block within them, written or made by
/// `dynamic`) one job file may hold. Real jobs hold a few hundred at most
/// (the largest of ../shared/corpus/jobs, sockshop, about 100); Nomad sets
/// no bound (Job.Validate, nomad/structs/structs.go v2.0.5, counts neither
/// groups nor tasks; from 1.11 only the groups' total `count` is bounded,
/// `job_max_count`). Past it what Nomad says is not known here.
pub const MAX_BLOCKS: u64 = 20_000;
/// Deepest value (lists and maps within each other) an evaluation may
/// build or copy. HCL's own brackets stop at [`crate::nesting::MAX_DEPTH`],
/// but a decoded document (`jsondecode`, `yamldecode`) or a chain of locals
/// each wrapping the last can nest without limit, and every walk of a value
/// (conversion, comparison, the diff, its drop) recurses: 100,000 levels
/// overflow the stack. Go's goroutine stacks grow to 1 GB, so Nomad reads
/// such a value: past this depth its answer is not known here. Real
/// documents nest a few dozen levels; this one with HCL's 64 on top keeps
/// every walk well inside a 2 MiB thread stack in a debug build.
pub const MAX_DEPTH: usize = 128;

/// The text budget: [`MAX_BYTES`], or four times the file read cap when a
/// user raised it. The budget exists to stop amplification; text copied out
/// of a file the user allowed us to read is already bounded by that cap, and
/// a template is copied a few times (literal, rendered, diffed).
pub fn max_bytes() -> u64 {
    // Read once: it is charged on every value built.
    static MAX: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *MAX.get_or_init(|| MAX_BYTES.max(crate::project::max_file_bytes().saturating_mul(4)))
}

#[derive(Clone, Copy, Default)]
struct State {
    depth: u32,
    /// Inside a job file ([`job_file`]): evaluations share one budget.
    file: bool,
    elements: u64,
    bytes: u64,
    /// Blocks of the job file's tree built so far ([`charge_block`]).
    blocks: u64,
    /// A value past [`MAX_DEPTH`] was met: spent like the sizes.
    deep: bool,
}

thread_local! {
    static STATE: Cell<State> = Cell::new(State::default());
}

/// Held while an evaluation runs; the outermost one starts a fresh budget.
pub struct Entered(());

impl Drop for Entered {
    fn drop(&mut self) {
        STATE.with(|s| {
            let mut st = s.get();
            st.depth = st.depth.saturating_sub(1);
            s.set(st);
        });
    }
}

pub fn enter() -> Entered {
    STATE.with(|s| {
        let mut st = s.get();
        if st.depth == 0 && !st.file {
            st = State::default();
        }
        st.depth += 1;
        s.set(st);
    });
    Entered(())
}

/// Held while one job file is loaded: every evaluation in it shares one
/// budget, so a file of many costly expressions is bounded as one of them
/// is. The budget before it comes back when it is dropped.
pub struct JobFile(State);

impl Drop for JobFile {
    fn drop(&mut self) {
        let before = self.0;
        STATE.with(|s| s.set(before));
    }
}

/// Start a job file's budget (see [`JobFile`]).
pub fn job_file() -> JobFile {
    STATE.with(|s| {
        let before = s.get();
        s.set(State {
            file: true,
            ..State::default()
        });
        JobFile(before)
    })
}

/// The message once the budget is spent (it stays spent for the rest of
/// the job file, so `try()` cannot turn it into a fallback value).
pub fn exhausted() -> Option<String> {
    let st = STATE.with(Cell::get);
    if st.deep {
        return Some(depth_message());
    }
    if st.blocks > MAX_BLOCKS {
        return Some(blocks_message());
    }
    let max_bytes = max_bytes();
    (st.elements > MAX_ELEMENTS || st.bytes > max_bytes).then(|| {
        let what = if st.file {
            "this job file's expressions build"
        } else {
            "this expression builds"
        };
        format!(
            "{what} more than {MAX_ELEMENTS} values or {} MiB of text",
            max_bytes / (1024 * 1024)
        )
    })
}

fn depth_message() -> String {
    format!("a value nests deeper than {MAX_DEPTH} levels, nomad-preflight's depth limit")
}

/// Whether a budget message is the depth limit's (its own hint).
pub fn is_depth(msg: &str) -> bool {
    msg == depth_message()
}

fn blocks_message() -> String {
    format!("this job file's dynamic blocks make more than {MAX_BLOCKS} blocks (groups, tasks and the blocks in them), nomad-preflight's limit")
}

/// Whether a budget message is the block limit's (its own hint).
pub fn is_blocks(msg: &str) -> bool {
    msg == blocks_message()
}

/// Count one block about to be built into the job file's tree, refusing
/// it past [`MAX_BLOCKS`]: the budget is then spent for the rest of the
/// file, as a value budget is. Outside a job file ([`job_file`]) nothing
/// is counted: only a job file's tree is lowered into a job.
pub fn charge_block() -> Result<(), String> {
    STATE.with(|s| {
        let mut st = s.get();
        if st.file {
            st.blocks = st.blocks.saturating_add(1);
        }
        s.set(st);
    });
    exhausted().map_or(Ok(()), Err)
}

/// Refuse a value about to go past [`MAX_DEPTH`] (a decoder met its
/// `depth`-th opening): the budget is spent for the rest of the job file,
/// so `try()` cannot turn it into a fallback, and the message is the
/// budget's.
pub fn refuse_depth(depth: usize) -> Result<(), String> {
    if depth <= MAX_DEPTH {
        return Ok(());
    }
    Err(too_deep())
}

/// Spend the budget on depth (a parser met its own nesting limit, below
/// which ours was not reached first): the message, as [`refuse_depth`]'s.
pub fn too_deep() -> String {
    STATE.with(|s| {
        let mut st = s.get();
        st.deep = true;
        s.set(st);
    });
    depth_message()
}

/// Charge `bytes` of text about to be built (or scanned) in one piece,
/// refusing before the work when it would not fit.
pub fn charge_text(bytes: usize) -> Result<(), String> {
    charge(1, u64::try_from(bytes).unwrap_or(u64::MAX))
}

/// Charge `elements` values and `bytes` of text.
pub fn charge(elements: u64, bytes: u64) -> Result<(), String> {
    STATE.with(|s| {
        let mut st = s.get();
        st.elements = st.elements.saturating_add(elements);
        st.bytes = st.bytes.saturating_add(bytes);
        s.set(st);
    });
    exhausted().map_or(Ok(()), Err)
}

/// Refuse before building a value the caller charges in full once built
/// (an evaluated function's result, by [`charge_copy`]): `elements` values
/// and `bytes` of text that would not fit are spent, so the budget's
/// message is the answer; ones that fit are left to that charge, not
/// counted twice.
pub fn reserve(elements: u64, bytes: u64) -> Result<(), String> {
    let st = STATE.with(Cell::get);
    let fits = st.elements.saturating_add(elements) <= MAX_ELEMENTS
        && st.bytes.saturating_add(bytes) <= max_bytes();
    if fits {
        return Ok(());
    }
    charge(elements, bytes)
}

/// What [`charge_copy`] would charge for `v` (values, string bytes),
/// counted without charging: for a function that builds many copies of
/// its arguments and charges them before it starts.
pub fn size_of(v: &Value) -> (u64, u64) {
    let (mut elements, mut bytes) = (0u64, 0u64);
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        elements = elements.saturating_add(1);
        match v {
            Value::String(s) => bytes = bytes.saturating_add(s.len() as u64),
            Value::List(l) => stack.extend(l),
            Value::Map(m) => {
                for (k, v) in m {
                    bytes = bytes.saturating_add(k.len() as u64);
                    stack.push(v);
                }
            }
            _ => {}
        }
    }
    (elements, bytes)
}

/// Charge a copy of `v`: every value in it and every string byte, and
/// its depth against [`MAX_DEPTH`]. Stops walking as soon as the budget is
/// spent, so the walk is bounded too (and, a loop, never deep itself).
pub fn charge_copy(v: &Value) -> Result<(), String> {
    let mut stack = vec![(v, 1usize)];
    while let Some((v, depth)) = stack.pop() {
        match v {
            Value::String(s) => charge(1, s.len() as u64)?,
            Value::List(l) => {
                refuse_depth(depth)?;
                charge(1, 0)?;
                stack.extend(l.iter().map(|v| (v, depth + 1)));
            }
            Value::Map(m) => {
                refuse_depth(depth)?;
                charge(1, 0)?;
                for (k, v) in m {
                    charge(0, k.len() as u64)?;
                    stack.push((v, depth + 1));
                }
            }
            _ => charge(1, 0)?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_outermost_evaluation_starts_fresh_and_nested_ones_share_it() {
        {
            let _e = enter();
            assert!(charge(MAX_ELEMENTS, 0).is_ok());
            let _inner = enter();
            assert!(charge(1, 0).is_err());
            assert!(exhausted().is_some());
        }
        let _e = enter();
        assert!(exhausted().is_none());
        drop(_e);
        {
            let _f = job_file();
            let _e = enter();
            assert!(charge(MAX_ELEMENTS, 0).is_ok());
        }
        {
            // A job file's second expression pays for its first.
            let _f = job_file();
            {
                let _e = enter();
                assert!(charge(MAX_ELEMENTS, 0).is_ok());
            }
            let _e = enter();
            assert!(charge(1, 0).is_err());
        }
        let _e = enter();
        assert!(exhausted().is_none());
        let big = Value::List(vec![Value::String("x".repeat(1024)); 1024]);
        assert!(charge_copy(&big).is_ok());
    }

    #[test]
    fn blocks_past_the_limit_spend_a_job_files_budget_only() {
        {
            // Outside a job file nothing is counted.
            let _e = enter();
            for _ in 0..=MAX_BLOCKS {
                assert!(charge_block().is_ok());
            }
        }
        let _f = job_file();
        for _ in 0..MAX_BLOCKS {
            assert!(charge_block().is_ok());
        }
        let e = charge_block().unwrap_err();
        assert!(is_blocks(&e), "{e}");
        // Spent for the rest of the file, values too.
        assert!(exhausted().is_some_and(|m| is_blocks(&m)));
        let _e = enter();
        assert!(charge(1, 0).is_err());
    }

    /// `depth` lists within each other, built and dropped without recursion.
    fn nested(depth: usize) -> Value {
        let mut v = Value::Null;
        for _ in 0..depth {
            v = Value::List(vec![v]);
        }
        v
    }

    #[test]
    fn a_value_past_the_depth_limit_spends_the_budget_for_the_file() {
        let _f = job_file();
        let _e = enter();
        assert!(charge_copy(&nested(MAX_DEPTH)).is_ok());
        assert!(exhausted().is_none());
        let deep = nested(MAX_DEPTH + 1);
        let e = charge_copy(&deep).unwrap_err();
        assert!(is_depth(&e), "{e}");
        // Spent: a later, shallow value is refused too (try() cannot
        // turn the refusal into its fallback).
        assert!(exhausted().is_some_and(|m| is_depth(&m)));
        assert!(charge_copy(&Value::Bool(true)).is_err());
        unwind(deep);
    }

    #[test]
    fn a_decoder_is_refused_past_the_limit() {
        let _e = enter();
        assert!(refuse_depth(MAX_DEPTH).is_ok());
        assert!(refuse_depth(MAX_DEPTH + 1).is_err());
    }

    /// Drop a deep test value one level at a time.
    fn unwind(mut v: Value) {
        while let Value::List(mut l) = v {
            v = l.pop().unwrap_or(Value::Null);
        }
    }
}
