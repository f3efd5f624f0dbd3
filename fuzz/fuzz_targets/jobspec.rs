//! The HCL front end on arbitrary bytes: decode, parse, evaluate, lower and
//! validate. Any panic, hang or stack overflow is a bug: bad input must end
//! in a diagnostic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nomad_preflight::jobspec::{load_source, LoadOptions};
use nomad_preflight::source::SourceFile;
use nomad_preflight::vfs::{decode, MemVfs};

fuzz_target!(|data: &[u8]| {
    let text = decode(data.to_vec());
    let vfs = MemVfs::new("fuzz");
    let source = SourceFile::inline("fuzz.nomad", &text);
    let _ = load_source(&vfs, source, &LoadOptions::default());
});
