#!/usr/bin/env bash
# Decoder sweep (before 1.0): the corpus jobs Nomad's own jobspec.ParseFile
# accepts, with one value at a time made a string ("zz") or a list ([1]),
# through the oracle and through our `validate --nomad-version`; counts, per
# block, the mutants the oracle refuses with mapstructure's text
# (`N error(s) decoding`) that we word the same. Durations are compared
# unquoted (the oracles' Go 1.19 quotes them; the Go that built these
# releases did not).
# Usage: tests/hcl-oracle/decode_sweep.sh VERSION [BIN] [MISMATCHES_FILE]
#   VERSION one of 0.9.3 0.10.9 0.11.8 0.12.12; BIN our binary
#   (default target/debug/nomad-preflight); ORACLES: a directory build.sh
#   filled; CORPUS: the job files (../shared/corpus/jobs).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ver=$1; bin=${2:-$here/../../target/debug/nomad-preflight}; bad=${3:-/dev/null}
corpus=${CORPUS:-$here/../../../shared/corpus/jobs}
oracle=${ORACLES:-$("$here/build.sh")}/oracle-jobspec-v$ver
dir=$(mktemp -d)
(cd "$corpus" && "$oracle" $(ls | grep -E '\.(nomad|hcl)$') > "$dir/base.tsv" 2>/dev/null || true)
python3 - "$corpus" "$dir" <<'PY'
import os, re, sys, json
corpus, out = sys.argv[1], sys.argv[2]
ok = [l.split('\t')[0] for l in open(f'{out}/base.tsv') if l.rstrip('\n').endswith('\tOK')]
attr = re.compile(r'^(\s*)([A-Za-z_][A-Za-z0-9_]*)(\s*=\s*)(".*"|[0-9][0-9.]*|true|false)\s*$')
opener = re.compile(r'^\s*([A-Za-z_][A-Za-z0-9_-]*)\s*((?:"[^"]*"\s*)*)\{\s*$')
free = {'config', 'meta', 'env', 'options', 'driver_opts', 'upstreams_meta', 'header', 'mount', 'data'}
index, n = {}, 0
for name in ok:
    lines = open(os.path.join(corpus, name), encoding='utf-8', errors='replace').read().split('\n')
    stack, heredoc = [], None
    for i, line in enumerate(lines):
        if heredoc:
            if line.strip() == heredoc: heredoc = None
            continue
        h = re.search(r'<<-?(\w+)\s*$', line)
        if h: heredoc = h.group(1); continue
        m = opener.match(line)
        if m: stack.append(m.group(1)); continue
        if re.match(r'^\s*[A-Za-z_]\w*\s*=\s*[\{\[]\s*$', line): stack.append('='); continue
        if line.strip() in ('}', '},', ']', '],'):
            if stack: stack.pop()
            continue
        a = attr.match(line)
        if not a or not stack or any(s in free or s == '=' for s in stack): continue
        for val in ('"zz"', '[1]'):
            mut = lines[:i] + [a.group(1) + a.group(2) + a.group(3) + val] + lines[i+1:]
            fn = f'm{n}.hcl'; n += 1
            open(os.path.join(out, fn), 'w').write('\n'.join(mut))
            index[fn] = '.'.join(stack)
json.dump(index, open(os.path.join(out, 'index.json'), 'w'))
PY
(cd "$dir" && "$oracle" m*.hcl > oracle.tsv 2>/dev/null || true)
python3 - "$bin" "$ver" "$dir" "$bad" <<'PY'
import json, os, re, subprocess, sys, collections
from concurrent.futures import ThreadPoolExecutor
bin_, ver, d, bad = sys.argv[1:5]
idx = json.load(open(f'{d}/index.json'))
o = dict(l.rstrip('\n').split('\t', 1) for l in open(f'{d}/oracle.tsv') if '\t' in l)
def unesc(t):
    return re.sub(r'\\(.)', lambda m: {'n': '\n', 't': '\t'}.get(m.group(1), m.group(1)), t)
def ours(k):
    p = subprocess.run([bin_, 'validate', '--nomad-version', ver, k], cwd=d, capture_output=True, text=True)
    return ''.join(l for l in p.stderr.splitlines(True) if not l.startswith('note: '))
keys = [k for k in o if 'decoding' in o[k]]
with ThreadPoolExecutor(3) as ex:
    got = dict(zip(keys, ex.map(ours, keys)))
by = collections.defaultdict(collections.Counter)
with open(bad, 'w') as f:
    for k in keys:
        text = re.sub(r'(time: [^\n]*)', lambda m: m.group(1).replace('"', ''), unesc(o[k]))
        want = f'Error getting job struct: Error parsing job file from {k}: {text}\n'
        same = got[k].startswith(want) or ('\n' + want) in got[k]
        blk = idx[k].split('.')[-1]
        by[blk]['same' if same else 'other'] += 1
        if not same:
            f.write(f'== {blk} {k}\nWANT {want!r}\nGOT  {got[k][:400]!r}\n')
tot = sum(by.values(), collections.Counter())
print(f"{ver}: mutants {len(idx)}, refused by the decoder {len(keys)}: same text {tot['same']}, other {tot['other']}")
for b, c in sorted(by.items(), key=lambda x: -sum(x[1].values())):
    print(f'  {b}: {dict(c)}')
print('dir', d)
PY
