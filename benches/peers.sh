#!/usr/bin/env bash
# Bare-parse throughput of two peers over the same job files our
# `throughput` bench reads, for BENCHMARKS.md:
#   - @cdktf/hcl2json (npm): HashiCorp's Go HCL parser compiled to WebAssembly;
#   - python-hcl2 (PyPI): a Lark-based HCL2 parser.
# Both are installed into a scratch directory (never into the project).
# Usage: benches/peers.sh [DIR]   (default ../shared/corpus/jobs)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$here/../shared/corpus/jobs}
[ -d "$dir" ] || { echo "peers: no corpus at $dir, nothing to measure"; exit 0; }
scratch=${PEERS_DIR:-${TMPDIR:-/tmp}/nomad-preflight-peers}
mkdir -p "$scratch"

if command -v npm >/dev/null 2>&1; then
  if [ ! -d "$scratch/node_modules/@cdktf/hcl2json" ]; then
    (cd "$scratch" && npm install --silent --no-audit --no-fund @cdktf/hcl2json@0.21.0 >/dev/null 2>&1) || true
  fi
  if [ -d "$scratch/node_modules/@cdktf/hcl2json" ]; then
    cat > "$scratch/hcl2json-bench.mjs" <<'JS'
import { parse } from '@cdktf/hcl2json';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
const dir = process.argv[2];
const files = readdirSync(dir).filter(f => !/\.(tsv|md)$/.test(f)).map(f => join(dir, f))
  .filter(f => statSync(f).isFile()).map(f => [f, readFileSync(f, 'utf8')]);
await parse('warmup.hcl', 'a = 1');
let bytes = 0, ok = 0, failed = 0;
const t0 = process.hrtime.bigint();
for (const [name, text] of files) {
  bytes += Buffer.byteLength(text);
  try { await parse(name, text); ok++; } catch { failed++; }
}
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(`hcl2json (Go HCL, wasm): ${files.length} files, ${(bytes/1e6).toFixed(2)} MB in ${(secs*1000).toFixed(1)} ms: ${(bytes/1e6/secs).toFixed(2)} MB/s, ${(files.length/secs).toFixed(0)} files/s (${ok} parsed, ${failed} rejected)`);
JS
    (cd "$scratch" && node hcl2json-bench.mjs "$dir") || echo "hcl2json: run failed"
  else
    echo "hcl2json: could not be installed from npm; skipped"
  fi
else
  echo "hcl2json: npm not found; skipped"
fi

if command -v python3 >/dev/null 2>&1; then
  if [ ! -x "$scratch/venv/bin/python" ]; then
    python3 -m venv "$scratch/venv" >/dev/null 2>&1 && "$scratch/venv/bin/pip" install -q python-hcl2==8.1.4 >/dev/null 2>&1 || true
  fi
  if "$scratch/venv/bin/python" -c 'import hcl2' >/dev/null 2>&1; then
    "$scratch/venv/bin/python" - "$dir" <<'PY'
import os, sys, time, hcl2
d = sys.argv[1]
files = [os.path.join(d, f) for f in sorted(os.listdir(d)) if not f.endswith(('.tsv', '.md'))]
texts = [open(f, encoding='utf-8', errors='replace').read() for f in files if os.path.isfile(f)]
hcl2.loads('a = 1\n')
ok = failed = 0
size = sum(len(t.encode()) for t in texts)
t0 = time.perf_counter()
for t in texts:
    try:
        hcl2.loads(t); ok += 1
    except Exception:
        failed += 1
secs = time.perf_counter() - t0
print(f"python-hcl2: {len(texts)} files, {size/1e6:.2f} MB in {secs*1000:.1f} ms: {size/1e6/secs:.2f} MB/s, {len(texts)/secs:.0f} files/s ({ok} parsed, {failed} rejected)")
PY
  else
    echo "python-hcl2: could not be installed from PyPI; skipped"
  fi
fi
