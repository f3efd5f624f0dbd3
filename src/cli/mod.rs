//! Command-line interface.

pub mod check;
pub mod explain;
pub mod hook;
pub mod import;
pub mod status;
pub mod validate;

pub fn main() -> i32 {
    0
}
