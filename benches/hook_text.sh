#!/usr/bin/env bash
# Writes src/hook_text.txt: the functions a pre-commit hook's run executes
# (`check --staged` in the bench's repository, both threads), one name
# pattern a line, for build.rs to gather at the front of the binary's text
# (see build.rs, `hook_text`). Rerun it when the hook's path changes much;
# a stale list only gathers less (a name that matches nothing is skipped).
#
# Usage (valgrind, python3, git):
#   benches/hook_text.sh BIN [BIN...]
# Each BIN is a release build of nomad-preflight (with or without fat LTO:
# their inlining differs, so the list is the union of the runs). Names are
# written without what a build changes: a legacy-mangled Rust name loses
# its hash (`17h<16 hex>E`, which hashes the crate's `-C metadata`, so a
# `cargo install` build has other hashes), a v0-mangled one (the standard
# library's own functions) its crates' disambiguators; the glob build.rs
# writes matches each of them in any build of the same code.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || { echo "hook_text: name at least one release binary"; exit 2; }
for tool in valgrind python3 git; do
  command -v "$tool" >/dev/null || { echo "hook_text: needs $tool"; exit 2; }
done
scratch=$(mktemp -d "${TMPDIR:-/tmp}/np-hook-text.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
# shellcheck source=benches/hook_repo.sh
. "$here/benches/hook_repo.sh"
hook_repo "$scratch/repo" 0
export NOMAD_PREFLIGHT_CACHE_DIR=$scratch/cache NO_COLOR=1
n=0
outs=()
for bin in "$@"; do
  bin=$(realpath "$bin")
  # The bench's cold case: the world cache warm, new staged text. Then a
  # run with nothing staged (the hook of a commit that touches no job).
  for staged in edit none; do
    n=$((n + 1))
    if [ "$staged" = edit ]; then
      echo "# hook_text run $n" >>"$scratch/repo/jobs/sockshop.nomad"
      git -C "$scratch/repo" add jobs/sockshop.nomad
    else
      git -C "$scratch/repo" reset -q
    fi
    (cd "$scratch/repo" && "$bin" check --staged >/dev/null 2>&1) || true
    (cd "$scratch/repo" && valgrind --tool=callgrind --demangle=no \
      --callgrind-out-file="$scratch/cg.$n" "$bin" check --staged >/dev/null 2>&1) || true
    outs+=("$scratch/cg.$n")
  done
done
libc=$(cc -print-file-name=libc.a 2>/dev/null || true)
# "PATH:MEMBER:ADDRESS TYPE NAME": glibc's functions by their member.
nm -A --defined-only "$libc" 2>/dev/null | awk 'NF == 3 && $2 ~ /^[TtWi]$/ {print $1, $3}' >"$scratch/libc.syms" || true
for bin in "$@"; do nm --defined-only "$bin" | awk 'NF >= 3 {print $NF}'; done >"$scratch/bin.syms"
python3 - "$here/src/hook_text.txt" "$scratch/libc.syms" "$scratch/bin.syms" "${outs[@]}" <<'EOF'
import collections, fnmatch, re, sys
out, libc_syms, bin_syms, files = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
defined = re.compile(r"^c?fn=\(\d+\) (.+)$")
legacy_hash = re.compile(r"17h[0-9a-f]{16}E.*$")
v0_crate = re.compile(r"Cs[0-9A-Za-z]+_")
# glibc's functions have no section each: they are named by archive member.
member = {}
for line in open(libc_syms):
    where, name = line.split()
    member.setdefault(name, where.split(":")[-2])
names, members = set(), set()
for path in files:
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = defined.match(line.rstrip("\n"))
            if not m:
                continue
            name = re.sub(r"'\d+$", "", m.group(1))  # callgrind's recursion mark
            if name.startswith("_ZN"):
                stem = legacy_hash.sub("", name)
                if stem != name:
                    names.add(stem + "17h*")
            elif name.startswith("_R"):
                names.add(v0_crate.sub("Cs*_", name.split(".")[0]))
            elif name in member:
                members.add("libc.a:" + member[name])
            elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                names.add(name)  # C: mimalloc's functions, one section each
# Names a linker script cannot carry unquoted (a quoted one is no glob).
names = sorted(n for n in names if re.fullmatch(r"[A-Za-z0-9_.$*]+", n))
members = sorted(m for m in members if re.fullmatch(r"libc\.a:[A-Za-z0-9_.-]+", m))
# A legacy name leaves out a generic function's type arguments, so its
# glob takes every instance (a `Vec::from_iter` has hundreds): those go
# last, after the functions a name picks out alone.
by_head = collections.defaultdict(list)
for sym in open(bin_syms):
    sym = sym.strip()
    by_head[sym[:8]].append(sym)
def instances(pattern):
    rx = re.compile(fnmatch.translate(pattern.rstrip("*") + "*"))
    head = pattern.split("*")[0][:8]
    pool = by_head.get(head, []) if len(head) == 8 else [s for v in by_head.values() for s in v]
    return sum(1 for s in pool if rx.match(s))
count = {n: instances(n) for n in names}
alone = [n for n in names if count[n] <= 2]
many = [n for n in names if count[n] > 2]
with open(out, "w") as f:
    f.write("# Functions a `check --staged` runs, written by benches/hook_text.sh;\n")
    f.write("# build.rs places them together at the front of the binary's text, in\n")
    f.write("# this order: glibc's by libc.a member (it has no section a function).\n")
    for n in members + alone:
        f.write(n + "\n")
    f.write("# Generic functions: each name takes every instance, so they come last.\n")
    for n in many:
        f.write(n + "\n")
print(f"hook_text: {len(members)} members, {len(alone)} + {len(many)} names, {len(files)} runs -> {out}")
EOF
