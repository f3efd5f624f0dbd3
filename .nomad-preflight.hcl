# `nomad-preflight check` at the top of this repository judges the demo's
# job files (jobs/) against its world (rules/). Left out of folder walks:
# tests/ holds job files wrong on purpose, each judged by its own test
# against its own world (many copy the demo's running jobs, which NP229
# `defined-twice` would rightly flag against this world: 106 findings
# before this file), and snapshots/, src/, fuzz/ and benches/ hold job text
# as data. A file named on the command line is still checked.
exclude = ["tests/**", "snapshots/**", "src/**", "fuzz/**", "benches/**"]
