//! The functions a pre-commit hook runs sit together at the front of the
//! executable's text (build.rs `hook_text`, from src/hook_text.txt): the
//! kernel maps text 64 KiB a fault, so a hook spread over megabytes of it
//! took ~115 faults of its main thread. These read the built binary's
//! section table, so a list whose names no longer match anything (or a
//! linker that ignored the script) shows here, not only in a bench.

/// A section of an ELF64 little-endian file: name, type, flags, address,
/// file offset, size, linked section.
struct Section {
    name: String,
    kind: u32,
    flags: u64,
    addr: u64,
    offset: usize,
    size: u64,
    link: usize,
}

const SHF_EXECINSTR: u64 = 0x4;
const SHT_SYMTAB: u32 = 2;

fn u16_at(b: &[u8], at: usize) -> usize {
    u16::from_le_bytes([b[at], b[at + 1]]) as usize
}

fn u32_at(b: &[u8], at: usize) -> usize {
    u32::from_le_bytes(b[at..at + 4].try_into().expect("4 bytes")) as usize
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

/// The section table of an ELF64 little-endian executable (the ELF
/// header's e_shoff, e_shentsize, e_shnum, e_shstrndx; each header's
/// sh_name, sh_type, sh_flags, sh_addr, sh_offset, sh_size, sh_link).
fn sections(b: &[u8]) -> Vec<Section> {
    assert_eq!(&b[..4], b"\x7fELF", "an ELF file");
    assert_eq!((b[4], b[5]), (2, 1), "ELF64, little-endian");
    let shoff = u64_at(b, 0x28) as usize;
    let (entsize, count, names_at) = (u16_at(b, 0x3a), u16_at(b, 0x3c), u16_at(b, 0x3e));
    let header = |i: usize| shoff + i * entsize;
    let names = u64_at(b, header(names_at) + 0x18) as usize;
    (0..count)
        .map(|i| {
            let h = header(i);
            let at = names + u32_at(b, h);
            let end = at + b[at..].iter().position(|&c| c == 0).expect("NUL");
            Section {
                name: String::from_utf8_lossy(&b[at..end]).into_owned(),
                kind: u32_at(b, h + 0x04) as u32,
                flags: u64_at(b, h + 0x08),
                addr: u64_at(b, h + 0x10),
                offset: u64_at(b, h + 0x18) as usize,
                size: u64_at(b, h + 0x20),
                link: u32_at(b, h + 0x28),
            }
        })
        .collect()
}

/// The binary's bytes and section table, or None when it was built with
/// the linker's own order (`NOMAD_PREFLIGHT_HOOK_TEXT=0`).
fn built() -> Option<(Vec<u8>, Vec<Section>)> {
    if option_env!("NOMAD_PREFLIGHT_HOOK_TEXT") == Some("0") {
        return None;
    }
    let bytes = std::fs::read(crate::common::bin()).expect("read the binary");
    let all = sections(&bytes);
    Some((bytes, all))
}

fn hook_section(all: &[Section]) -> &Section {
    all.iter()
        .find(|s| s.name == ".text.hook")
        .expect("a .text.hook section: build.rs's linker script was not applied")
}

#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
#[test]
fn the_hooks_functions_are_gathered_in_one_text_section() {
    let Some((_, all)) = built() else {
        return; // built with the linker's own order, as asked
    };
    let hook = hook_section(&all);
    assert!(hook.flags & SHF_EXECINSTR != 0, "executable");
    // Hundreds of functions, not a stray few: the names still match. (The
    // release build's is ~1 MB; a debug build inlines less and matches
    // more.)
    assert!(
        hook.size >= 256 << 10,
        ".text.hook is only {} bytes",
        hook.size
    );
    let text = all.iter().find(|s| s.name == ".text").expect(".text");
    assert!(text.size > hook.size, "the rest of the text stays in .text");
}

/// The address of every function symbol whose name starts with one of
/// `stems` (`.symtab`'s entries: st_name, st_info, st_value; type FUNC or
/// GNU_IFUNC), by stem.
fn functions_named(b: &[u8], all: &[Section], stems: &[&str]) -> Vec<(String, Vec<u64>)> {
    let mut found: Vec<(String, Vec<u64>)> =
        stems.iter().map(|s| (s.to_string(), vec![])).collect();
    let Some(table) = all.iter().find(|s| s.kind == SHT_SYMTAB) else {
        return found; // stripped: nothing to read
    };
    let names = all[table.link].offset;
    for e in (table.offset..table.offset + table.size as usize).step_by(24) {
        let kind = b[e + 4] & 0xf;
        if kind != 2 && kind != 10 {
            continue;
        }
        let at = names + u32_at(b, e);
        let end = at + b[at..].iter().position(|&c| c == 0).expect("NUL");
        let name = &b[at..end];
        for (stem, addrs) in found.iter_mut() {
            if name.starts_with(stem.as_bytes()) {
                addrs.push(u64_at(b, e + 8));
            }
        }
    }
    found
}

/// The list is written from callgrind runs of a fat-LTO build too (the
/// build `cargo install` makes), not only of one with LTO off: fat LTO
/// inlines differently, and a list from the non-LTO build alone left 232
/// of the functions its hook runs (jobspec::build, validate's job_checks,
/// the scheduler's generic pass among them) spread over `.text`: the
/// fat-LTO bench build took 125 text faults a hook, half of them there
/// (BENCHMARKS.md, hook round 7). And glibc's
/// AVX-512 and EVEX string functions, which the CPU picks at start and
/// valgrind's emulated one never does, are gathered with the variants the
/// runs met. Each of these exists in every build, a debug one too.
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
#[test]
fn functions_a_fat_lto_hook_runs_and_glibcs_cpu_variants_are_gathered_too() {
    let Some((bytes, all)) = built() else {
        return; // built with the linker's own order, as asked
    };
    let hook = hook_section(&all);
    let inside = |a: u64| (hook.addr..hook.addr + hook.size).contains(&a);
    let rust = [
        "_ZN15nomad_preflight9scheduler7generic7generic17h",
        "_ZN15nomad_preflight7jobspec8validate10job_checks17h",
        "_ZN15nomad_preflight7jobspec5build17h",
    ];
    for (stem, addrs) in functions_named(&bytes, &all, &rust) {
        assert!(
            !addrs.is_empty(),
            "no function {stem}*: renamed? rerun benches/hook_text.sh"
        );
        assert!(
            addrs.iter().any(|&a| inside(a)),
            "{stem}* lies outside .text.hook"
        );
    }
    // glibc's, only where it is linked in (statically: build.rs).
    for (stem, addrs) in functions_named(&bytes, &all, &["__memmove_avx512_unaligned_erms"]) {
        assert!(
            addrs.iter().all(|&a| inside(a)),
            "{stem} lies outside .text.hook"
        );
    }
}

/// mimalloc's constructor is left out of the link (build.rs
/// `mimalloc_on_first_use`): its start cost every process 112 µs before
/// `main` (a `check --staged`'s four `cpuid` traps, two `/proc` and `/sys`
/// reads, its page map; BENCHMARKS.md hook round 8) for an allocator a
/// small run never asks; src/main.rs `mi_start` starts it at its first use.
/// Read from the binary: no entry of `.init_array` is mimalloc's
/// `mi_process_attach`, whose code is still there (the symbol table names
/// it), and a run that asks mimalloc for memory still works (the big runs'
/// tests).
#[cfg(target_os = "linux")]
#[test]
fn mimalloc_does_not_start_at_load() {
    const SHT_INIT_ARRAY: u32 = 14;
    let bytes = std::fs::read(crate::common::bin()).expect("read the binary");
    let all = sections(&bytes);
    let found = functions_named(&bytes, &all, &["mi_process_attach"]);
    let attach = &found[0].1;
    if attach.is_empty() {
        return; // stripped, or mimalloc's code renamed: nothing to compare
    }
    let init = all
        .iter()
        .find(|s| s.kind == SHT_INIT_ARRAY)
        .expect("an .init_array section (the binary's own start-up hook)");
    let entries: Vec<u64> = (0..init.size as usize / 8)
        .map(|i| u64_at(&bytes, init.offset + i * 8))
        .collect();
    assert!(
        !entries.is_empty(),
        "the binary's own start-up hook is kept"
    );
    assert!(
        entries.iter().all(|e| !attach.contains(e)),
        "mimalloc's constructor is still in .init_array ({entries:x?}): build.rs's \
         mimalloc_start.ld was not applied"
    );
}
