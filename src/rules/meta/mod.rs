//! Rules about the linter's own inputs (suppression comments).

pub mod added_suppression;
pub mod unused_suppression;
