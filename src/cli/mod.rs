//! Command-line interface.

pub mod import;
pub mod status;

pub fn main() -> i32 {
    0
}
