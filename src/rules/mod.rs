//! Lint rule registry: one rule per file.
