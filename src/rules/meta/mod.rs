//! Rules about the linter's own inputs (suppression comments).

pub mod unused_suppression;
