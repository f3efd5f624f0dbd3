//! The evaluator: arbitrary text spliced in as an expression inside an
//! otherwise valid job, so the fuzzer spends its time in expressions and
//! functions rather than in finding a job block.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nomad_preflight::jobspec::{load_source, LoadOptions};
use nomad_preflight::source::SourceFile;
use nomad_preflight::vfs::MemVfs;

fuzz_target!(|data: &[u8]| {
    let Ok(expr) = std::str::from_utf8(data) else {
        return;
    };
    // The first line (if any) becomes a local, the rest the value of `meta`;
    // both are evaluated, and locals can refer to each other.
    let (local, value) = expr.split_once('\n').unwrap_or(("1", expr));
    let text = format!(
        "locals {{\n  x = {local}\n}}\njob \"j\" {{\n  datacenters = [\"dc1\"]\n  meta = {{\n    k = {value}\n  }}\n  group \"g\" {{\n    count = local.x\n    task \"t\" {{\n      driver = \"docker\"\n      config {{\n        image = \"${{local.x}}\"\n      }}\n    }}\n  }}\n}}\n"
    );
    let mut vfs = MemVfs::new("fuzz");
    vfs.insert("data.txt", "hello");
    let source = SourceFile::inline("fuzz.nomad", &text);
    let _ = load_source(&vfs, source, &LoadOptions::default());
});
