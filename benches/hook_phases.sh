#!/usr/bin/env bash
# Where a cold `check --staged`'s WALL time goes, phase by phase, on the
# release binary as built (no instrumented build): uprobes on the functions
# that start and end each phase, timestamps from `perf record`, medians over
# RUNS cold runs (a new staged text before each, as benches/anchored.rs
# stages). Issue 17: callgrind counts instructions, but the hook's gap to
# `true` is not proportional to them (BENCHMARKS.md, "hook round 2").
#
# Usage (root, perf, git, binutils' nm):
#   benches/hook_phases.sh [BIN] [RUNS] [EXTRA_FILES]
# BIN defaults to target/release/nomad-preflight; EXTRA_FILES (default 0)
# unrelated committed files, as the bench's second repository has 20,000.
#
# Caveats, measured: the probes make thread creation slower (perf copies its
# events into the new thread: `start_early` ~0.5 ms here against ~0.06 ms for
# a bare pthread_create), and each probe hit costs a few microseconds; the
# other phases are as the process runs them. Runs under `chrt -f 10` when it
# can, so builds sharing the machine do not preempt the process.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "${1:-$here/target/release/nomad-preflight}")
runs=${2:-30}
extra=${3:-0}
for tool in perf git nm; do
  command -v "$tool" >/dev/null || { echo "hook_phases: needs $tool"; exit 0; }
done
[ -x "$bin" ] || { echo "hook_phases: no binary at $bin"; exit 0; }
[ "$(id -u)" = 0 ] || { echo "hook_phases: uprobes need root"; exit 0; }
scratch=$(mktemp -d "${TMPDIR:-/tmp}/np-hook-phases.XXXXXX")
group=nphook$$
cleanup() {
  perf probe -q -d "$group:*" >/dev/null 2>&1 || true
  rm -rf "$scratch"
}
trap cleanup EXIT

# The bench's repository: the demo's world and jobs committed, one edit staged.
# shellcheck source=benches/hook_repo.sh
. "$here/benches/hook_repo.sh"
repo=$scratch/repo
hook_repo "$repo" "$extra"
job=$repo/jobs/sockshop.nomad
stage() {
  sed -i '/^# bench run /d' "$job"
  echo "# bench run $1" >>"$job"
  git -C "$repo" add jobs/sockshop.nomad
}

# Phase boundaries: demangled name -> probe name (entry, and return if `r`).
nm "$bin" >"$scratch/nm.mangled"
nm -C "$bin" >"$scratch/nm.plain"
probe() { # NAME DEMANGLED [r]
  local addr sym
  addr=$(awk -v n="$2" '{ a = $1; $1 = ""; $2 = ""; sub(/^  /, ""); if ($0 == n) { print a; exit } }' "$scratch/nm.plain")
  sym=$(awk -v a="$addr" '$1 == a { print $3; exit }' "$scratch/nm.mangled")
  [ -n "$sym" ] || { echo "hook_phases: no symbol $2 (inlined?)" >&2; return 0; }
  perf probe -q -x "$bin" --no-demangle -a "$group:$1=$sym"
  [ "${3:-}" != r ] || perf probe -q -x "$bin" --no-demangle -a "$group:${1}_r=$sym%return"
}
probe main 'nomad_preflight::main'
probe spawn 'nomad_preflight::check::ahead::start_early' r
probe world 'nomad_preflight::cli::common::world_at::resolve_world_at' r
probe judged 'nomad_preflight::cli::common::world_at::judged_state' r
probe open 'nomad_preflight::git::repo::open' r
probe load 'nomad_preflight::check::load_files' r
probe rules 'nomad_preflight::check::judge_steps' r
probe cli 'nomad_preflight::cli::main' r
probe select 'nomad_preflight::check::select::select' r
probe parse 'hcl_edit::parser::parse_body' r
probe wait 'nomad_preflight::check::sim_cache::Pending::wait' r
probe sim 'nomad_preflight::check::sim_cache::whole_simulation' r

rt=()
chrt -f 10 true 2>/dev/null && rt=(chrt -f 10)
stage 0
(cd "$repo" && NOMAD_PREFLIGHT_CACHE_DIR=$scratch/cache "$bin" check --staged >/dev/null 2>&1) || true
for ((i = 1; i <= runs; i++)); do
  stage "$i"
  (cd "$repo" && NOMAD_PREFLIGHT_CACHE_DIR=$scratch/cache "${rt[@]}" perf record -q \
    -e "$group:*" -e sched:sched_process_exec -e sched:sched_process_exit \
    -o "$scratch/run$i.data" "$bin" check --staged >/dev/null 2>&1) || true
done

echo "check --staged, cold, $extra more committed files: medians of $runs runs (ms)"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
for ((i = 1; i <= runs; i++)); do
  perf script -i "$scratch/run$i.data" -F tid,time,event 2>/dev/null |
    awk -v g="$group:" '
      { tid = $1; t = $2; sub(/:$/, "", t); e = $3; sub(/:$/, "", e); sub(g, "", e); sub(/__return$/, "", e)
        if (e == "sched:sched_process_exec") { e = "exec"; main = tid }
        if (e == "main") main = tid
        if (e == "sched:sched_process_exit") e = "exit"
        k = (tid == main ? e : e "@helper")
        if (!(k in at)) at[k] = t * 1000 }
      function ph(name, a, b) { if ((a in at) && (b in at)) printf "%s\t%.4f\n", name, at[b] - at[a] }
      END {
        ph("01 exec -> Rust main", "exec", "main")
        ph("02 helper thread spawned (probe-inflated)", "spawn", "spawn_r")
        ph("03 command line (clap)", "spawn_r", "world")
        ph("04 world at HEAD", "world", "world_r")
        ph("05   of it: gix open", "open", "open_r")
        ph("06   of it: the index (judged state)", "judged", "judged_r")
        ph("07 world at HEAD -> staged load", "world_r", "load")
        ph("08 staged file loaded", "load", "load_r")
        ph("09 rules", "rules", "rules_r")
        ph("10 report and exit", "rules_r", "exit")
        ph("11 whole process", "exec", "exit")
        ph("12 helper: select", "select@helper", "select_r@helper")
        ph("13 helper: hcl-edit parse", "parse@helper", "parse_r@helper")
        ph("14 helper parse done, after the load began", "load", "parse_r@helper")
        ph("15 helper simulation done, before the wait", "sim_r@helper", "wait")
        ph("16 main thread waits for it", "wait", "wait_r")
      }'
done | sort -t$'\t' -k1,1 -k2,2g | awk -F'\t' '
  function flush() { if (n) printf "%-46s %7.3f  (min %.3f, max %.3f, n=%d)\n", substr(k, 4), v[int((n + 1) / 2)], v[1], v[n], n }
  $1 != k { flush(); k = $1; n = 0 }
  { v[++n] = $2 }
  END { flush() }'
