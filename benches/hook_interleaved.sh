#!/usr/bin/env bash
# Two or more builds of the hook side by side, interleaved, with its two
# anchors in the same run: a cold `check --staged` of each binary (new
# staged text before every run, as benches/anchored.rs stages), `true` and
# `git diff --cached --name-only`, one after another in a round whose order
# alternates, so load that comes and goes hits every command alike.
# hyperfine's one-command-after-another runs moved with the load by more
# than the differences sought (BENCHMARKS.md, "hook round 4", whose
# runner this is).
#
# Usage (python3, git; root for `chrt -f 10`, else unprioritised, as with
# NO_RT=1, which shows what the scheduler's preemption adds):
#   benches/hook_interleaved.sh RUNS EXTRA_FILES BIN [BIN...]
# EXTRA_FILES unrelated committed files (the bench's second repository has
# 20,000). Prints, per command, medians over RUNS rounds (10 more rounds
# first, dropped) of wall time, the child's CPU time (user + system) and its
# minor page faults (`wait4`'s rusage: unlike `perf stat`'s page-faults,
# these count the pages `MADV_POPULATE_WRITE` makes), each wall median
# over `true`'s, and the wall time's 90th and 99th percentiles (the tail).
# Each binary keeps its own cache entries (the binary is in the key) in one
# scratch cache folder, warmed by one run first.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:?runs}
extra=${2:?extra files}
shift 2
[ $# -ge 1 ] || { echo "hook_interleaved: name at least one binary"; exit 2; }
for tool in python3 git; do
  command -v "$tool" >/dev/null || { echo "hook_interleaved: needs $tool"; exit 0; }
done
bins=()
for b in "$@"; do bins+=("$(realpath "$b")"); done
scratch=$(mktemp -d "${TMPDIR:-/tmp}/np-hook-inter.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# The bench's repository: the demo's world and jobs committed, one edit staged.
# shellcheck source=benches/hook_repo.sh
. "$here/benches/hook_repo.sh"
repo=$scratch/repo
hook_repo "$repo" "$extra"

rt=()
[ -n "${NO_RT:-}" ] || ! chrt -f 10 true 2>/dev/null || rt=(chrt -f 10)
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)${rt[*]:+, under ${rt[*]}}"
NOMAD_PREFLIGHT_CACHE_DIR=$scratch/cache "${rt[@]}" python3 - "$repo" "$runs" "${bins[@]}" <<'EOF'
import os, shutil, statistics, subprocess, sys, time
repo, runs, bins = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
job = os.path.join(repo, "jobs", "sockshop.nomad")
with open(job) as f:
    base = f.read()
def stage(n):
    # New staged text: the job file as committed-and-edited plus one line.
    with open(job, "w") as f:
        f.write(base + f"# bench run {n}\n")
    subprocess.run(["git", "-C", repo, "add", "jobs/sockshop.nomad"], check=True)
true, git = shutil.which("true"), shutil.which("git")
cmds = [("true", [true])] + [("git diff --cached --name-only", [git, "diff", "--cached", "--name-only"])]
cmds += [(b, [b, "check", "--staged"]) for b in bins]
devnull = os.open(os.devnull, os.O_WRONLY)
env = dict(os.environ, NO_COLOR="1")
def run(argv):
    t = time.perf_counter_ns()
    pid = os.posix_spawn(argv[0], argv, env, file_actions=[
        (os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)])
    _, _, ru = os.wait4(pid, 0)
    # User and system time apart are split by timer ticks, too coarse for a
    # 3 ms process; their sum is the scheduler's exact runtime.
    return ((time.perf_counter_ns() - t) / 1e6, (ru.ru_utime + ru.ru_stime) * 1e3, ru.ru_minflt)
os.chdir(repo)
stage(0)
for _, argv in cmds[2:]:
    run(argv)  # the cache entries of HEAD's world, per binary
got = {name: [] for name, _ in cmds}
n = 0
for i in range(runs + 10):
    order = cmds if i % 2 == 0 else cmds[::-1]
    for name, argv in order:
        n += 1
        stage(n)
        r = run(argv)
        if i >= 10:
            got[name].append(r)
t0 = statistics.median(r[0] for r in got["true"])
print(f"{'command':58s} {'wall':>7s} {'/true':>6s} {'cpu':>6s} {'faults':>6s} {'wall p90':>8s} {'wall p99':>8s}  (medians of {runs}, ms)")
for name, _ in cmds:
    rs = got[name]
    med = [statistics.median(r[k] for r in rs) for k in range(3)]
    walls = sorted(r[0] for r in rs)
    p90, p99 = walls[len(rs) * 9 // 10], walls[len(rs) * 99 // 100]
    print(f"{name[-58:]:58s} {med[0]:7.3f} {med[0] / t0:5.2f}x {med[1]:6.3f} {med[2]:6.0f} {p90:8.3f} {p99:8.3f}")
EOF
