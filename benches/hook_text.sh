#!/usr/bin/env bash
# Writes src/hook_text.txt: the functions a pre-commit hook's run executes
# (`check --staged` in the bench's repository, both threads), one name
# pattern a line, for build.rs to gather at the front of the binary's text
# (see build.rs, `hook_text`). Rerun it when the hook's path changes much;
# a stale list only gathers less (a name that matches nothing is skipped).
#
# Usage (valgrind, python3, git):
#   benches/hook_text.sh BIN [BIN...]
# HOOK_TEXT_KEEP=1 keeps the current list's names the runs did not meet,
# after the ones they met: which thread selects the change set (the
# select-ahead helper or the main one) depends on timing, so one set of
# runs does not meet every path a hook can take.
# Each BIN is a release build of nomad-preflight (with or without fat LTO:
# their inlining differs, so the list is the union of the runs; a fat-LTO
# build ran 232 functions the list of a non-LTO one missed, 125 text faults
# a hook instead of ~60). Name first the build users get (`cargo install`:
# fat LTO): the names every build ran come first, then those only the first
# BIN ran, then the second's, so a build's own functions stay together and
# another build's (which it inlined, or does not reach) do not spread them.
# Names are
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
b=0
for bin in "$@"; do
  b=$((b + 1))
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
      --callgrind-out-file="$scratch/cg.$b.$n" "$bin" check --staged >/dev/null 2>&1) || true
    outs+=("$scratch/cg.$b.$n")
  done
done
# The current list's names, kept with HOOK_TEXT_KEEP=1 (see above).
if [ "${HOOK_TEXT_KEEP:-}" = 1 ] && [ -f "$here/src/hook_text.txt" ]; then
  grep -v '^#' "$here/src/hook_text.txt" >"$scratch/kept" || true
else
  : >"$scratch/kept"
fi
# "ARCHIVE:MEMBER NAME" of the C archives the binary links statically
# (glibc's libc and libm, libgcc's unwinder): their functions have no
# section each, so they are gathered by member. Debian's libm.a is a
# linker script naming libm-<version>.a: read its GROUP.
archives=()
for a in libc.a libm.a libgcc.a libgcc_eh.a; do
  p=$(cc -print-file-name="$a" 2>/dev/null || true)
  [ -f "$p" ] || continue
  if head -c 8 "$p" | grep -q '^!<arch>'; then
    archives+=("$p")
  else
    for q in $(grep -o '/[^ )]*\.a' "$p"); do [ -f "$q" ] && archives+=("$q"); done
  fi
done
for a in "${archives[@]}"; do
  nm -A --defined-only "$a" 2>/dev/null | awk 'NF == 3 && $2 ~ /^[TtWi]$/ {print $1, $3}' || true
done >"$scratch/c.syms"
b=0
for bin in "$@"; do
  b=$((b + 1))
  nm --defined-only "$bin" | awk -v b=$b 'NF >= 3 {print b, $NF}'
done >"$scratch/bin.syms"
python3 - "$here/src/hook_text.txt" "$scratch/c.syms" "$scratch/bin.syms" "$scratch/kept" "${outs[@]}" <<'EOF'
import collections, fnmatch, os, re, sys
out, c_syms, bin_syms, kept, files = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
defined = re.compile(r"^c?fn=\(\d+\) (.+)$")
legacy_hash = re.compile(r"17h[0-9a-f]{16}E.*$")
v0_crate = re.compile(r"Cs[0-9A-Za-z]+_")
# C functions have no section each: they are named by archive member,
# "libc.a:member" (libm's archive by a glob: its name carries glibc's
# version, libm-2.36.a).
def archive_of(path):
    base = os.path.basename(path)
    return "libm*.a" if re.fullmatch(r"libm-[0-9.]+\.a", base) else base
member, all_members = {}, collections.defaultdict(set)
for line in open(c_syms):
    where, name = line.split()
    path, mem = where.split(":")[0], where.split(":")[-2]
    key = archive_of(path) + ":" + mem
    member.setdefault(name, key)
    all_members[archive_of(path)].add(mem)
# met[name]: the builds (1, 2, ...) whose runs executed it.
met = collections.defaultdict(set)
for path in files:
    build = int(os.path.basename(path).split(".")[1])
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = defined.match(line.rstrip("\n"))
            if not m:
                continue
            name = re.sub(r"'\d+$", "", m.group(1))  # callgrind's recursion mark
            if name.startswith("_ZN"):
                stem = legacy_hash.sub("", name)
                if stem != name:
                    met[stem + "17h*"].add(build)
            elif name.startswith("_R"):
                met[v0_crate.sub("Cs*_", name.split(".")[0])].add(build)
            elif name in member:
                met[member[name]].add(build)
            elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                met[name].add(build)  # C: mimalloc's functions, one section each
builds = len({int(os.path.basename(p).split(".")[1]) for p in files})
# Kept names: met by no run, so they sort after every build's own.
for line in open(kept):
    name = line.strip()
    if name and name not in met:
        met[name] = {builds + 1}
# glibc picks a string function's variant by the CPU at start (an ifunc),
# and valgrind's emulated CPU has no AVX-512: the variants a CPU of the
# last decade picks (AVX2, EVEX, AVX-512, FMA) of every family the runs
# met are gathered too, after the members the runs met.
variant = re.compile(r"^(?P<family>[a-z_0-9]+?)-(?P<rest>[a-z0-9_-]+)\.o$")
wanted = {"avx", "avx2", "evex", "evex512", "avx512", "fma", "movbe"}
siblings = set()
for key in [k for k in met if ":" in k]:
    arch, mem = key.split(":", 1)
    m = variant.match(mem)
    family = m.group("family") if m else mem[:-2]
    for other in all_members.get(arch, ()):
        o = variant.match(other)
        if o and o.group("family") == family:
            tokens = set(o.group("rest").split("-"))
            if tokens & wanted and "rtm" not in tokens and f"{arch}:{other}" not in met:
                siblings.add(f"{arch}:{other}")
plain = lambda n: re.fullmatch(r"[A-Za-z0-9_.$*]+", n)
names = [n for n in met if ":" not in n and plain(n)]
members = [m for m in met if ":" in m and re.fullmatch(r"[A-Za-z0-9_*.-]+:[A-Za-z0-9_.-]+", m)]
# A legacy name leaves out a generic function's type arguments, so its
# glob takes every instance (a `Vec::from_iter` has hundreds): those go
# last, after the functions a name picks out alone. Counted in each build
# apart (the most of any), not summed over the builds.
by_head = collections.defaultdict(list)
for line in open(bin_syms):
    b, sym = line.split()
    by_head[sym[:8]].append((b, sym))
def instances(pattern):
    rx = re.compile(fnmatch.translate(pattern.rstrip("*") + "*"))
    head = pattern.split("*")[0][:8]
    pool = by_head.get(head, []) if len(head) == 8 else [s for v in by_head.values() for s in v]
    per = collections.Counter(b for b, s in pool if rx.match(s))
    return max(per.values(), default=0)
count = {n: instances(n) for n in names}
# Every build's names first, then the first build's own, then the next's.
def order(n):
    got = met[n]
    return (0 if len(got) == builds else 1, min(got), n)
alone = sorted((n for n in names if count[n] <= 2), key=order)
many = sorted((n for n in names if count[n] > 2), key=order)
members = sorted(members, key=order)
with open(out, "w") as f:
    f.write("# Functions a `check --staged` runs, written by benches/hook_text.sh;\n")
    f.write("# build.rs places them together at the front of the binary's text, in\n")
    f.write("# this order: the C archives' by member (they have no section a function).\n")
    for n in members + sorted(siblings) + alone:
        f.write(n + "\n")
    f.write("# Generic functions: each name takes every instance, so they come last.\n")
    for n in many:
        f.write(n + "\n")
print(f"hook_text: {len(members)} + {len(siblings)} members, {len(alone)} + {len(many)} names, {len(files)} runs of {builds} builds -> {out}")
EOF
