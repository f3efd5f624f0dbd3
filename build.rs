//! Links the `nomad-preflight` executable as a fixed-address (non-PIE)
//! program on Linux.
//!
//! Why: the binary is ~100 MB with ~28,000 relative relocations (vtables,
//! static tables, the embedded demo's index). As a position-independent
//! executable the dynamic loader applies every one at each start and
//! copies each page of `.data.rel.ro` it touches: `check --staged` (the
//! pre-commit hook, where start-up is most of the run) spent ~25% of its
//! CPU there. Linked at a fixed address there is nothing to relocate:
//! `--version` went from 1.8 to 1.5 ms CPU, 350 to 223 page faults.
//!
//! The objects stay position-independent (rustc's default), so nothing
//! else changes; the cost is that the executable's own image is not
//! randomised (ASLR still places the stack, heap, mmap and shared
//! libraries). `NOMAD_PREFLIGHT_PIE=1` at build time keeps the PIE link.
fn main() {
    println!("cargo:rerun-if-env-changed=NOMAD_PREFLIGHT_PIE");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let keep_pie = std::env::var_os("NOMAD_PREFLIGHT_PIE").is_some_and(|v| v == "1");
    if os == "linux" && !keep_pie {
        println!("cargo:rustc-link-arg-bin=nomad-preflight=-no-pie");
    }
}
