//! Front-end throughput: parse + evaluate + lower + validate every job file
//! of a corpus, on one thread and on two, plus a bare-parse figure that is
//! comparable with the peers (`benches/peers.sh`, run at the end so the
//! figures come from one run on one machine).
//!
//! Run: `cargo bench --bench throughput` (corpus: `PREFLIGHT_CORPUS`, else
//! `../shared/corpus/jobs`; `PEERS=0` skips the peers).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use nomad_preflight::jobspec::{self, LoadOptions};
use nomad_preflight::source::SourceFile;
use nomad_preflight::vfs::{decode, DiskVfs};

fn corpus_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("PREFLIGHT_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/jobs"));
    dir.is_dir().then_some(dir)
}

/// Every regular file except the corpus' index and notes, read once.
fn load_corpus(dir: &Path) -> Vec<(String, std::sync::Arc<str>)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| {
        p.is_file() && !matches!(p.extension().and_then(|e| e.to_str()), Some("tsv" | "md"))
    });
    files.sort();
    files
        .into_iter()
        .filter_map(|p| {
            let bytes = std::fs::read(&p).ok()?;
            let name = p.file_name()?.to_string_lossy().into_owned();
            Some((name, decode(bytes)))
        })
        .collect()
}

/// Run `work` over all files on `threads` threads, repeating until at least
/// `min` has passed; returns seconds per pass.
fn time_passes(
    files: &[(String, std::sync::Arc<str>)],
    threads: usize,
    min: Duration,
    work: &(dyn Fn(&str, &str) -> bool + Sync),
) -> (f64, usize) {
    let mut passes = 0u32;
    let mut ok = 0;
    let start = Instant::now();
    while passes == 0 || start.elapsed() < min {
        let next = AtomicUsize::new(0);
        let good = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((name, text)) = files.get(i) else {
                        break;
                    };
                    if work(name, text) {
                        good.fetch_add(1, Ordering::Relaxed);
                    }
                });
            }
        });
        ok = good.into_inner();
        passes += 1;
    }
    (start.elapsed().as_secs_f64() / f64::from(passes), ok)
}

fn main() {
    let Some(dir) = corpus_dir() else {
        println!("throughput: no corpus (set PREFLIGHT_CORPUS or provide ../shared/corpus/jobs); nothing measured");
        return;
    };
    let files = load_corpus(&dir);
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    let mb = bytes as f64 / 1e6;
    println!(
        "corpus: {} ({} files, {:.2} MB)",
        dir.display(),
        files.len(),
        mb
    );
    let vfs = DiskVfs::new(&dir);
    let opts = LoadOptions::default();
    let full = |name: &str, text: &str| -> bool {
        let src = SourceFile::inline(name, text);
        jobspec::load_source(&vfs, src, &opts).is_valid()
    };
    let parse_only = |name: &str, text: &str| -> bool {
        let src = SourceFile::inline(name, text);
        jobspec::parse::parse(&src, opts.version).is_ok()
    };
    let min = Duration::from_secs(2);
    for (what, work) in [
        (
            "parse only (hcl-edit)",
            &parse_only as &(dyn Fn(&str, &str) -> bool + Sync),
        ),
        ("parse+eval+validate", &full),
    ] {
        for threads in [1, 2] {
            let (secs, ok) = time_passes(&files, threads, min, work);
            println!(
                "nomad-preflight {what}, {threads} thread{}: {:.1} ms/pass: {:.2} MB/s, {:.0} files/s ({ok} ok of {})",
                if threads == 1 { "" } else { "s" },
                secs * 1000.0,
                mb / secs,
                files.len() as f64 / secs,
                files.len()
            );
        }
    }
    if std::env::var("PEERS").as_deref() == Ok("0") {
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/peers.sh");
    match std::process::Command::new("bash")
        .arg(&script)
        .arg(&dir)
        .status()
    {
        Ok(s) if s.success() => {}
        Ok(s) => println!("peers: {} exited with {s}", script.display()),
        Err(e) => println!("peers: cannot run {}: {e}", script.display()),
    }
}
