//! Command-line interface.

pub mod import;
pub mod status;
pub mod validate;

pub fn main() -> i32 {
    0
}
