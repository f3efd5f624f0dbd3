/// The binary's allocator (the library leaves the choice to its users):
/// see Cargo.toml for why.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    restore_sigpipe();
    std::process::exit(nomad_preflight::cli::main());
}

/// Rust ignores SIGPIPE, so `nomad-preflight plan ... | head` would make
/// `print!` panic on a closed pipe. Behave like every other Unix filter
/// instead: die quietly when the reader goes away.
#[cfg(unix)]
fn restore_sigpipe() {
    extern "C" {
        fn signal(signum: i32, handler: usize) -> usize;
    }
    const SIGPIPE: i32 = 13;
    const SIG_DFL: usize = 0;
    // SAFETY: resetting a signal to its default disposition before any
    // thread is started has no memory-safety implications.
    unsafe {
        signal(SIGPIPE, SIG_DFL);
    }
}

#[cfg(not(unix))]
fn restore_sigpipe() {}
