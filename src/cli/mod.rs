//! Command-line interface.

pub mod check;
pub mod explain;
pub mod hook;

pub fn main() -> i32 {
    0
}
