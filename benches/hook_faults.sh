#!/usr/bin/env bash
# The page faults of a cold `check --staged` (the bench's repository, a new
# staged line before each run, the world cache warm), by where they land:
# each section of the binary (`.text.hook`, `.text`, `.rodata`, ...), the
# stack and other mappings, and by thread (the first is the main thread).
# What a layout change (build.rs `hook_text`, src/hook_text.txt) moves:
# BENCHMARKS.md hook rounds 6 and 7.
#
# Usage (perf, python3, git, readelf; root or perf_event_paranoid <= 1):
#   benches/hook_faults.sh RUNS BIN [BIN...]
# Prints, per binary, each place's median count over RUNS runs (min, max).
# Faults are perf's page-faults event with the faulting address (-d): it
# counts the faults taken, not the pages `MADV_POPULATE_WRITE` or a fault's
# 64 KiB fault-around make (rusage's minor faults, which
# benches/hook_interleaved.sh prints, count those too).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:?runs}
shift
[ $# -ge 1 ] || { echo "hook_faults: name at least one binary"; exit 2; }
for tool in perf python3 git readelf; do
  command -v "$tool" >/dev/null || { echo "hook_faults: needs $tool"; exit 0; }
done
scratch=$(mktemp -d "${TMPDIR:-/tmp}/np-hook-faults.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
# shellcheck source=benches/hook_repo.sh
. "$here/benches/hook_repo.sh"
hook_repo "$scratch/repo" 0
export NOMAD_PREFLIGHT_CACHE_DIR=$scratch/cache NO_COLOR=1
n=0
for bin in "$@"; do
  bin=$(realpath "$bin")
  # NAME ADDRESS SIZE of each section the program loads.
  readelf -SW "$bin" | awk '/^ *\[ *[0-9]+\]/ {
    sub(/^ *\[ *[0-9]+\] */, ""); if ($3 !~ /^0+$/) print $1, $3, $5 }' >"$scratch/sections"
  git -C "$scratch/repo" add -A
  (cd "$scratch/repo" && "$bin" check --staged >/dev/null 2>&1) || true # the world's cache entry
  for i in $(seq 1 "$runs"); do
    n=$((n + 1))
    echo "# hook_faults run $n" >>"$scratch/repo/jobs/sockshop.nomad"
    git -C "$scratch/repo" add jobs/sockshop.nomad
    (cd "$scratch/repo" && perf record -q -e page-faults -c 1 -d -o "$scratch/perf.$i" \
      -- "$bin" check --staged >/dev/null 2>&1) || true
    perf script -i "$scratch/perf.$i" -F tid,addr 2>/dev/null >"$scratch/faults.$i" || true
  done
  python3 - "$scratch" "$runs" "$bin" <<'PY'
import collections, statistics, sys
scratch, runs, bin = sys.argv[1], int(sys.argv[2]), sys.argv[3]
sections = []
for line in open(f"{scratch}/sections"):
    name, addr, size = line.split()
    sections.append((name, int(addr, 16), int(addr, 16) + int(size, 16)))
counts = collections.defaultdict(list)
for i in range(1, runs + 1):
    c, threads = collections.Counter(), []
    for line in open(f"{scratch}/faults.{i}"):
        p = line.split()
        if len(p) < 2:
            continue
        tid, addr = p[0], int(p[1], 16)
        if tid not in threads:
            threads.append(tid)
        where = next((n for n, a, e in sections if a <= addr < e), None)
        if where is None:
            # The stack and mmap'd regions sit high; brk's heap just above the image.
            where = "stack, mmap" if addr >= 0x7F0000000000 else "other"
        c[where] += 1
        c["all"] += 1
        c["thread 1 (main)" if tid == threads[0] else "other threads"] += 1
    for k in set(c) | set(counts):
        counts[k].append(c.get(k, 0))
print(bin)
for k in sorted(counts, key=lambda k: -statistics.median(counts[k])):
    v = counts[k]
    print(f"  {k:20s} {statistics.median(v):6.1f}  ({min(v)}-{max(v)})")
PY
done
