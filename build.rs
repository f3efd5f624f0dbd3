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
//!
//! It also writes the block keys of the 2.0.5 jobspec
//! (`src/jobspec/keys-2.0.5.txt`, see `jobspec/block_args.rs`) as a sorted
//! table: building it at run time read the whole 41 KB list into ordered
//! sets in every process that loads a job, ~3% of a `check --staged`.
fn main() {
    block_keys();
    println!("cargo:rerun-if-env-changed=NOMAD_PREFLIGHT_PIE");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let keep_pie = std::env::var_os("NOMAD_PREFLIGHT_PIE").is_some_and(|v| v == "1");
    if os == "linux" && !keep_pie {
        println!("cargo:rustc-link-arg-bin=nomad-preflight=-no-pie");
    }
}

/// `$OUT_DIR/block_keys.rs`: `BLOCK_KEYS`, every (path, key, struct) of a
/// line whose kind is `block`, sorted by (path, key) for binary search.
fn block_keys() {
    const KEYS: &str = "src/jobspec/keys-2.0.5.txt";
    println!("cargo:rerun-if-changed={KEYS}");
    let text = std::fs::read_to_string(KEYS).expect("the jobspec key list");
    let mut rows = std::collections::BTreeSet::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let mut w = line.split_ascii_whitespace();
        let (Some(st), Some(key), Some("block")) = (w.next(), w.next(), w.next()) else {
            continue;
        };
        for path in w {
            rows.insert((path, key, st));
        }
    }
    let mut out = String::from(
        "/// (path, key, struct) of every block key, sorted (written by build.rs).\n\
         pub(super) static BLOCK_KEYS: &[(&str, &str, &str)] = &[\n",
    );
    for (path, key, st) in rows {
        out.push_str(&format!("    ({path:?}, {key:?}, {st:?}),\n"));
    }
    out.push_str("];\n");
    let dir = std::env::var("OUT_DIR").expect("OUT_DIR");
    std::fs::write(std::path::Path::new(&dir).join("block_keys.rs"), out)
        .expect("write block_keys.rs");
}
