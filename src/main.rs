fn main() {
    std::process::exit(nomad_preflight::cli::main());
}
