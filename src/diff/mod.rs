//! Nomad JobDiff: compare two versions of a job the way `nomad/structs/diff.go` does.
