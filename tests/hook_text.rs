//! The functions a pre-commit hook runs sit together at the front of the
//! executable's text (build.rs `hook_text`, from src/hook_text.txt): the
//! kernel maps text 64 KiB a fault, so a hook spread over megabytes of it
//! took ~115 faults of its main thread. These read the built binary's
//! section table, so a list whose names no longer match anything (or a
//! linker that ignored the script) shows here, not only in a bench.

/// A section of an ELF64 little-endian file: name, flags, size.
struct Section {
    name: String,
    flags: u64,
    size: u64,
}

const SHF_EXECINSTR: u64 = 0x4;

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
/// sh_name, sh_flags, sh_offset, sh_size).
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
                flags: u64_at(b, h + 0x08),
                size: u64_at(b, h + 0x20),
            }
        })
        .collect()
}

#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
#[test]
fn the_hooks_functions_are_gathered_in_one_text_section() {
    if option_env!("NOMAD_PREFLIGHT_HOOK_TEXT") == Some("0") {
        return; // built with the linker's own order, as asked
    }
    let bytes = std::fs::read(crate::common::bin()).expect("read the binary");
    let all = sections(&bytes);
    let hook = all
        .iter()
        .find(|s| s.name == ".text.hook")
        .expect("a .text.hook section: build.rs's linker script was not applied");
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
