//! `templatefile`: arbitrary bytes as the template a job renders, with a
//! few variables bound. Exercises the template nesting pre-scan, the
//! template parser, directives, the evaluator's budget and the recursion
//! refusal (the template may call templatefile on itself).
#![no_main]

use libfuzzer_sys::fuzz_target;
use nomad_preflight::jobspec::{load_source, LoadOptions};
use nomad_preflight::source::SourceFile;
use nomad_preflight::vfs::{decode, MemVfs};

fuzz_target!(|data: &[u8]| {
    let job = "job \"j\" {\n  datacenters = [\"dc1\"]\n  meta = {\n    k = templatefile(\"t.tpl\", { n = 3, s = \"x\", l = [1, 2, 3], m = { a = \"b\" } })\n  }\n  group \"g\" {\n    task \"t\" {\n      driver = \"docker\"\n      config {\n        image = \"r\"\n      }\n    }\n  }\n}\n";
    let mut vfs = MemVfs::new("fuzz");
    vfs.insert("t.tpl", decode(data.to_vec()));
    let source = SourceFile::inline("fuzz.nomad", job);
    let _ = load_source(&vfs, source, &LoadOptions::default());
});
