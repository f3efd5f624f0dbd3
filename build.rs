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
//! It is also linked statically against glibc (`-static`), when the C
//! compiler can name the static archives (`cc -print-file-name=libc.a`;
//! Debian's and Ubuntu's libc6-dev ship them). Why: `check --staged` in
//! a git hook is mostly process start-up, and the dynamic loader's work
//! (mapping libc, libm and libgcc_s, binding every imported symbol at
//! start under `-z now`, copying their relocated pages) was a fifth of
//! its CPU: 61 interleaved runs, 5.44 ms median task-clock dynamic, 4.37
//! ms static, page faults 252 to 183 (BENCHMARKS.md, twelfth round).
//! Nothing the binary calls needs the loader at run time: no NSS lookup
//! (`getpwnam` and the like, which the linker would warn about), no
//! `dlopen`. glibc is LGPL: this program's source is public, so anyone can
//! relink it against another C library, as the licence asks.
//!
//! How, without `-C target-feature=+crt-static` (a RUSTFLAGS setting for
//! every crate, which refuses to build proc macros on the host target):
//! rustc names the C libraries as `-lgcc_s ... -lm -lc` after
//! `-Bdynamic`, so a folder given to this binary's link only (`-L`, which
//! the linker searches before the system's) holds linker scripts by those
//! names that point at the static archives. Tests, benches and other
//! binaries link as before. `NOMAD_PREFLIGHT_STATIC=0` at build time
//! keeps the dynamic link; so does `NOMAD_PREFLIGHT_PIE=1`.
//!
//! It also leaves mimalloc's constructor out of the link, so that a
//! small run, which never asks mimalloc for memory, does not start it
//! (`mimalloc_on_first_use`; src/main.rs starts it at its first use).
//!
//! It also writes the block keys of the 2.0.5 jobspec
//! (`src/jobspec/keys-2.0.5.txt`, see `jobspec/block_args.rs`) as a sorted
//! table: building it at run time read the whole 41 KB list into ordered
//! sets in every process that loads a job, ~3% of a `check --staged`.
//! Likewise the keys HCL1's parsers accept per release, before 1.0
//! (`src/jobspec/parser-keys-hcl1.txt`, see `jobspec/hcl1_keys.rs`) and
//! from 1.0 to 1.8 (`parser-keys-hcl1-1x.txt`, `jobspec/hcl1_keys_1x.rs`).
fn main() {
    block_keys();
    hcl1_keys();
    println!("cargo:rerun-if-env-changed=NOMAD_PREFLIGHT_PIE");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let keep_pie = std::env::var_os("NOMAD_PREFLIGHT_PIE").is_some_and(|v| v == "1");
    if os == "linux" && !keep_pie {
        println!("cargo:rustc-link-arg-bin=nomad-preflight=-no-pie");
    }
    println!("cargo:rerun-if-env-changed=NOMAD_PREFLIGHT_STATIC");
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    let keep_dynamic = std::env::var_os("NOMAD_PREFLIGHT_STATIC").is_some_and(|v| v == "0");
    if os == "linux" && env == "gnu" && !keep_pie && !keep_dynamic {
        static_glibc();
    }
    if os == "linux" {
        mimalloc_on_first_use();
    }
    println!("cargo:rerun-if-env-changed=NOMAD_PREFLIGHT_HOOK_TEXT");
    let keep_order = std::env::var_os("NOMAD_PREFLIGHT_HOOK_TEXT").is_some_and(|v| v == "0");
    if os == "linux" && !keep_order {
        hook_text();
    }
}

/// The functions a pre-commit hook runs, placed together at the front of
/// the executable's text, by a linker script that adds one output section
/// before `.text` (`INSERT BEFORE`, so the linker's default layout stays as
/// it is) from `src/hook_text.txt` (written by `benches/hook_text.sh`).
///
/// Why: a `check --staged` is mostly process start-up, and the kernel maps
/// the binary's text a fault at a time, 64 KiB around each. The ~4,000
/// functions a hook runs were spread over ~7 MB of the 13 MB text, ~115
/// faults of the main thread and ~20 of its helper (BENCHMARKS.md, hook
/// rounds 5 and 6); together they fill ~1 MB.
///
/// The names are globs with the build's hashes left out (see the script),
/// so a `cargo install` build, whose hashes differ, gathers the same
/// functions; a name that matches nothing (the code changed since the list
/// was written) only gathers less. Each rustc function has a section of
/// its own (`.text.<symbol>`; `.text.unlikely.<symbol>` when cold), and
/// mimalloc's C functions too (the cc crate's `-ffunction-sections`).
/// LLD (Rust's linker on x86-64 Linux since 1.90) and GNU ld read `INSERT`;
/// `NOMAD_PREFLIGHT_HOOK_TEXT=0` at build time leaves the text as the
/// linker lays it out, for a linker that does not.
fn hook_text() {
    const LIST: &str = "src/hook_text.txt";
    println!("cargo:rerun-if-changed={LIST}");
    let Ok(text) = std::fs::read_to_string(LIST) else {
        println!("cargo:warning={LIST} not found: the text keeps the linker's order");
        return;
    };
    // A name a script would read as more than one word, or as anything but
    // a glob, is left out (benches/hook_text.sh writes none).
    let plain = |n: &str| {
        !n.is_empty()
            && n.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'$' | b'*' | b'-'))
    };
    let mut script = String::from("SECTIONS\n{\n  .text.hook :\n  {\n");
    let mut any = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('#') {
            continue;
        }
        // `libc.a:MEMBER`: a glibc object, whose functions share its `.text`.
        if let Some((archive, member)) = line.split_once(':') {
            if plain(archive) && plain(member) {
                script.push_str(&format!("    *{archive}:{member}(.text .text.*)\n"));
                any = true;
            }
            continue;
        }
        if !plain(line) || line.contains('-') {
            continue;
        }
        // Any suffix: LLVM's `.llvm.<n>` on a function it made local, GCC's
        // `.part.0` and `.cold`; and the prefixes LLVM and GCC give a
        // function they think cold, hot or run once at start.
        let n = line.trim_end_matches('*');
        script.push_str(&format!(
            "    *(.text.{n}* .text.unlikely.{n}* .text.hot.{n}* .text.startup.{n}*)\n"
        ));
        any = true;
    }
    if !any {
        return;
    }
    script.push_str("  }\n}\nINSERT BEFORE .text;\n");
    link_script("hook_text.ld", &script);
}

/// `text` written to OUT_DIR as `name` and given to the executable's link
/// (only its: `cargo:rustc-link-arg-bin`, which `cargo install` applies
/// too) as an added linker script.
fn link_script(name: &str, text: &str) {
    let dir = std::env::var("OUT_DIR").expect("OUT_DIR");
    let path = std::path::Path::new(&dir).join(name);
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("write {name}: {e}"));
    println!(
        "cargo:rustc-link-arg-bin=nomad-preflight=-Wl,-T,{}",
        path.display()
    );
}

/// mimalloc started where the binary first asks it for memory
/// (src/main.rs `mi_start`), not by its own constructor at load: a linker
/// script drops the one `.init_array` entry of mimalloc's object
/// (`mi_process_attach`, libmimalloc-sys's `static.c`), leaving its code.
///
/// Why: a small run never asks mimalloc for a block (the main thread cuts
/// from its own region and the hook's helper from a slice of it, see
/// src/bump_first.rs), yet mimalloc's start ran in every process before
/// `main`: four `cpuid` (each a trap to the hypervisor in a VM), its
/// options read from the environment, `/proc/sys/vm/overcommit_memory` and
/// the huge-page setting read, its page map reserved and named, its random
/// state seeded: 112 µs of a `check --staged` (uprobes, median of 25 cold
/// runs), the biggest step of its start-up after the region's huge page
/// (BENCHMARKS.md hook round 8). `cargo install` gets it too. A linker that ignores the pattern leaves the
/// constructor in place, and `mi_start` then finds mimalloc started and
/// does nothing: no double start either way.
fn mimalloc_on_first_use() {
    link_script(
        "mimalloc_start.ld",
        "SECTIONS\n{\n  /DISCARD/ : { *mimalloc*:*static.o(.init_array .init_array.*) }\n}\nINSERT AFTER .text;\n",
    );
}

/// Link the executable against the static glibc and libgcc archives (see
/// the module's comment), or leave it dynamic with a build warning when
/// the C compiler cannot name them.
fn static_glibc() {
    let archive = |name: &str| {
        let out = std::process::Command::new("cc")
            .arg(format!("-print-file-name={name}"))
            .output()
            .ok()?;
        let path = String::from_utf8(out.stdout).ok()?.trim().to_string();
        // An archive it does not know comes back as the bare name.
        let path = std::path::PathBuf::from(path);
        (path.is_absolute() && path.is_file()).then_some(path)
    };
    let names = ["libc.a", "libm.a", "libgcc.a", "libgcc_eh.a"];
    let Some(found) = names.iter().map(|n| archive(n)).collect::<Option<Vec<_>>>() else {
        println!("cargo:warning=static glibc archives not found (libc6-dev): linking dynamically");
        return;
    };
    let [libc, libm, libgcc, libgcc_eh] = [&found[0], &found[1], &found[2], &found[3]];
    let dir = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("static-libs");
    std::fs::create_dir_all(&dir).expect("create static-libs");
    let quoted = |p: &std::path::Path| format!("{:?}", p.display().to_string());
    // libc and libgcc's unwinder need each other (dl_iterate_phdr,
    // _Unwind_*): a group, searched until nothing new is resolved.
    let scripts = [
        (
            "libc.a",
            format!(
                "GROUP ( {} {} {} )\n",
                quoted(libc),
                quoted(libgcc),
                quoted(libgcc_eh)
            ),
        ),
        ("libm.a", format!("INPUT ( {} )\n", quoted(libm))),
        (
            "libgcc_s.a",
            format!("GROUP ( {} {} )\n", quoted(libgcc_eh), quoted(libgcc)),
        ),
    ];
    for (name, text) in scripts {
        std::fs::write(dir.join(name), text).expect("write a linker script");
    }
    println!("cargo:rustc-link-arg-bin=nomad-preflight=-static");
    println!(
        "cargo:rustc-link-arg-bin=nomad-preflight=-L{}",
        dir.display()
    );
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

/// The HCL1 key tables (`$OUT_DIR/hcl1_keys.rs` before 1.0,
/// `$OUT_DIR/hcl1_keys_1x.rs` for 1.0 to 1.8), one generator for both.
fn hcl1_keys() {
    hcl1_key_table("src/jobspec/parser-keys-hcl1.txt", "hcl1_keys.rs");
    hcl1_key_table("src/jobspec/parser-keys-hcl1-1x.txt", "hcl1_keys_1x.rs");
}

/// The 64-bit words of a set of releases: hcl1_keys.rs's `Releases` (a
/// different count there fails to compile the generated tables).
const RELEASE_WORDS: usize = 3;

/// `$OUT_DIR/<out>` from the HCL1 key table at `table`: `RELEASES` (the
/// RELEASES line, in order), `PATHS` (block path, releases checking its
/// keys, the range of its rows in `KEYS`) and `KEYS` (block path, key, releases accepting it), sorted for
/// binary search, each set of releases as bits over `RELEASES`. Bad data
/// fails the build with its line number: a release out of order or not
/// `a.b.c`, a run naming a release the RELEASES line lacks or running
/// backwards, a row without releases, a duplicate row, more releases
/// than the bits hold. Read at run time, such a row was silently dropped.
fn hcl1_key_table(table: &str, out_name: &str) {
    println!("cargo:rerun-if-changed={table}");
    let text = std::fs::read_to_string(table).expect("an HCL1 parser key list");
    let mut releases: Vec<(&str, [u32; 3])> = Vec::new();
    let mut paths = std::collections::BTreeMap::new();
    let mut keys = std::collections::BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let at = format!("{table}:{}", n + 1);
        if line.starts_with('#') {
            continue;
        }
        let w: Vec<&str> = line.split_whitespace().collect();
        match w.as_slice() {
            [] => {}
            ["RELEASES", rest @ ..] => {
                assert!(releases.is_empty(), "{at}: a second RELEASES line");
                assert!(
                    rest.len() <= 64 * RELEASE_WORDS,
                    "{at}: more releases than {} bits hold",
                    64 * RELEASE_WORDS
                );
                for r in rest {
                    let v = release_number(r).unwrap_or_else(|| panic!("{at}: release {r}"));
                    let after = releases.last().is_none_or(|(_, last)| *last < v);
                    assert!(after, "{at}: {r} is not after the release before it");
                    releases.push((r, v));
                }
            }
            ["PATHS", path, runs @ ..] => {
                let set = release_bits(&releases, runs, &at);
                assert!(paths.insert(*path, set).is_none(), "{at}: a second {line}");
            }
            [path, key, runs @ ..] => {
                let set = release_bits(&releases, runs, &at);
                let new = keys.insert((*path, *key), set).is_none();
                assert!(new, "{at}: a second {path} {key}");
            }
            [_] => panic!("{at}: not a row: {line}"),
        }
    }
    let set = |words: [u64; RELEASE_WORDS]| {
        let words: Vec<String> = words.iter().map(|w| format!("{w:#x}")).collect();
        format!("Releases([{}])", words.join(", "))
    };
    let mut out = format!("// Written by build.rs from {table}.\n");
    out.push_str("pub(super) static RELEASES: &[NomadVersion] = &[\n");
    for (_, [a, b, c]) in &releases {
        out.push_str(&format!("    NomadVersion::new({a}, {b}, {c}),\n"));
    }
    // Each path's rows of KEYS (sorted as KEYS is, by path then key),
    // found here once rather than by two binary searches per block read.
    let key_paths: Vec<&str> = keys.keys().map(|(p, _)| *p).collect();
    out.push_str("];\npub(super) static PATHS: &[(&str, Releases, usize, usize)] = &[\n");
    for (path, bits) in paths {
        let from = key_paths.partition_point(|p| *p < path);
        let to = from + key_paths[from..].partition_point(|p| *p == path);
        out.push_str(&format!("    ({path:?}, {}, {from}, {to}),\n", set(bits)));
    }
    out.push_str("];\npub(super) static KEYS: &[(&str, &str, Releases)] = &[\n");
    for ((path, key), bits) in keys {
        out.push_str(&format!("    ({path:?}, {key:?}, {}),\n", set(bits)));
    }
    out.push_str("];\n");
    let dir = std::env::var("OUT_DIR").expect("OUT_DIR");
    std::fs::write(std::path::Path::new(&dir).join(out_name), out)
        .unwrap_or_else(|e| panic!("write {out_name}: {e}"));
}

/// `a.b.c` as numbers; `None` for anything else.
fn release_number(r: &str) -> Option<[u32; 3]> {
    let mut parts = r.split('.').map(|p| p.parse::<u32>().ok());
    let v = [parts.next()??, parts.next()??, parts.next()??];
    parts.next().is_none().then_some(v)
}

/// The bits of the releases of `runs` (`a..b` or `a`, each end as the
/// RELEASES line writes it), for the row at `at`.
fn release_bits(releases: &[(&str, [u32; 3])], runs: &[&str], at: &str) -> [u64; RELEASE_WORDS] {
    assert!(!runs.is_empty(), "{at}: a row without releases");
    let pos = |v: &str| {
        releases
            .iter()
            .position(|(r, _)| *r == v)
            .unwrap_or_else(|| panic!("{at}: {v} is not on the RELEASES line"))
    };
    let mut out = [0u64; RELEASE_WORDS];
    for run in runs {
        let (a, b) = run.split_once("..").unwrap_or((run, run));
        let (a, b) = (pos(a), pos(b));
        assert!(a <= b, "{at}: the run {run} runs backwards");
        for i in a..=b {
            out[i / 64] |= 1 << (i % 64);
        }
    }
    out
}
