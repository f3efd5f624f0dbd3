//! What a short run leaves for the process's end instead of dropping.
//!
//! A checked file's parse (hcl-edit's syntax tree, the evaluated block, the
//! job) is thousands of small allocations; dropping it walked and freed
//! every one of them before the run could print: 0.40 M instructions of the
//! 7.35 M on the critical thread of a `check --staged` of one file
//! (callgrind, release, the anchored bench's repository). The binary ends
//! with `_exit` (src/main.rs), which hands the whole heap back to the
//! kernel at once, so a value kept here until then costs nothing more.
//!
//! Only when the binary says so ([`enable`]: a library user's process goes
//! on, and its memory must come back), and only for a few values: a run
//! over many files drops each as before, so what is kept never grows with
//! the input.

use std::any::Any;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// Values kept at most: a commit's few files.
const MAX_KEPT: usize = 8;

static ENABLED: AtomicBool = AtomicBool::new(false);

static KEPT: Mutex<Vec<Box<dyn Any + Send>>> = Mutex::new(Vec::new());

/// From now on, [`drop_later`] keeps what it is given (up to a few values):
/// for a process that ends without running destructors.
pub fn enable() {
    ENABLED.store(true, Ordering::Relaxed);
}

/// Drop `value`, or, when [`enable`]d and there is room, keep it until the
/// process ends.
pub fn drop_later<T: Send + 'static>(value: Box<T>) {
    if !ENABLED.load(Ordering::Relaxed) {
        return;
    }
    // A poisoned lock only loses the shortcut. A value not kept is dropped
    // on return, outside the lock.
    if let Ok(mut kept) = KEPT.lock() {
        if kept.len() < MAX_KEPT {
            kept.push(value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Counts its drops.
    struct Counted(std::sync::Arc<std::sync::atomic::AtomicUsize>);

    impl Drop for Counted {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }

    #[test]
    fn a_value_is_dropped_unless_enabled_and_then_only_a_few_are_kept() {
        let drops = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        drop_later(Box::new(Counted(drops.clone())));
        assert_eq!(drops.load(Ordering::Relaxed), 1, "dropped when not enabled");
        enable();
        for _ in 0..MAX_KEPT + 3 {
            drop_later(Box::new(Counted(drops.clone())));
        }
        // Other tests of this process may keep values too: at most
        // MAX_KEPT of ours are kept, so at least 3 were dropped.
        assert!(
            drops.load(Ordering::Relaxed) >= 4,
            "the first, and 3 past the bound"
        );
        assert!(KEPT.lock().unwrap().len() <= MAX_KEPT);
        ENABLED.store(false, Ordering::Relaxed);
    }
}
