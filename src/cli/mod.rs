//! Command-line interface.

pub mod validate;

pub fn main() -> i32 {
    0
}
