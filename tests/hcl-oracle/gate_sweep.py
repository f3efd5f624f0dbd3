#!/usr/bin/env python3
"""Version-gate sweep (before 1.0): every key some release 0.9.3 to 0.12.12
lacks where its HCL1 parser checks keys (src/jobspec/
parser-keys-hcl1.txt), every later key of src/jobspec/version_keys.rs and
a key none has (`bogus`), written alone in a minimal job at that block, judged by Nomad's own
jobspec.ParseFile at each release tag that lacks it (the first and the last
of each release line) and by our `validate --nomad-version`. Prints, per
tag and per block, how many texts are the same.

Usage: tests/hcl-oracle/gate_sweep.py [BIN] [MISMATCHES_FILE]
  ORACLES: a directory holding oracle-jobspec-vX.Y.Z for each tag
  (tests/hcl-oracle/build.sh builds four; others the same way)."""
import collections, os, re, subprocess, sys, tempfile
from concurrent.futures import ThreadPoolExecutor

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.join(here, '..', '..')
bin_ = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.path.join(root, 'target/debug/nomad-preflight')
bad = sys.argv[2] if len(sys.argv) > 2 else os.devnull
oracles = os.environ.get('ORACLES', '/tmp/nomad-preflight-hcl-oracle')

def ver(s):
    return tuple(int(x) for x in s.split('.'))

lines = open(os.path.join(root, 'src/jobspec/parser-keys-hcl1.txt')).read().splitlines()
releases, paths, keys = [], {}, collections.defaultdict(set)
def runs(ws):
    out = set()
    for r in ws:
        a, _, b = r.partition('..')
        b = b or a
        out |= set(releases[releases.index(a):releases.index(b) + 1])
    return out
for l in lines:
    if l.startswith('#'):
        continue
    w = l.split()
    if w[0] == 'RELEASES':
        releases = w[1:]
    elif w[0] == 'PATHS':
        paths[w[1]] = runs(w[2:])
    else:
        keys[(w[0], w[1])] = runs(w[2:])
# The later keys (version_keys.rs), known to no release before 1.0.
src = open(os.path.join(root, 'src/jobspec/version_keys.rs')).read()
later = []
for m in re.finditer(r'\[((?:"[a-z_]+",?\s*)*)\]\s+"([a-z_]+)"\s+(Attr|Block)\s+"[^"]*"\s+since\s+\[v\((\d+), (\d+), (\d+)\)', src):
    parent = re.findall(r'"([a-z_]+)"', m.group(1))
    if int(m.group(4)) >= 1:
        later.append((parent, m.group(2), m.group(3)))
kinds = {}
for l in open(os.path.join(root, 'src/jobspec/keys-2.0.5.txt')).read().splitlines():
    if l.startswith('#') or not l.strip():
        continue
    w = l.split()
    for p in w[3:]:
        kinds[(p, w[1])] = w[2]

LABELLED = {'group', 'task', 'port', 'device', 'volume', 'region', 'target'}
def opener(ident, ind):
    return f'{ind}{ident} "x" {{\n' if ident in LABELLED else f'{ind}{ident} {{\n'

def job(path, key, block):
    segs = path.split('.')
    text, ind = 'job "j" {\n', '  '
    for i, s in enumerate(segs[1:], 1):
        text += opener(s, ind)
        ind += '  '
        # parseGateway reads its proxy before its ingress; parseConnect
        # reads a sidecar_task only beside a sidecar_service.
        if s == 'gateway' and i + 1 < len(segs) and segs[i + 1] != 'proxy':
            text += f'{ind}proxy {{}}\n'
        if s == 'connect' and i + 1 < len(segs) and segs[i + 1] == 'sidecar_task':
            text += f'{ind}sidecar_service {{}}\n'
    text += (opener(key, ind) + ind + '}\n') if block else f'{ind}{key} = "1"\n'
    for _ in segs[1:]:
        ind = ind[:-2]
        text += ind + '}\n'
    return text + '}\n'

cases = []  # (tag, path, key, block)
for path, checked in paths.items():
    cands = {k for (p, k) in keys if p == path}
    cands |= {k for (parent, k, _) in later if path.split('.')[-len(parent):] == parent}
    # A key no release has (a misspelling).
    cands.add('bogus')
    for k in sorted(cands):
        lacking = sorted((t for t in checked if t not in keys.get((path, k), set())), key=ver)
        fams = collections.defaultdict(list)
        for t in lacking:
            fams[t.rsplit('.', 1)[0]].append(t)
        block = kinds.get((path, k)) == 'block' or any(
            kk == k and kind == 'Block' and path.split('.')[-len(par):] == par for (par, kk, kind) in later)
        for ts in fams.values():
            for t in sorted({ts[0], ts[-1]}, key=ver):
                cases.append((t, path, k, block))

d = tempfile.mkdtemp()
files = collections.defaultdict(list)
meta = {}
for i, (t, path, k, block) in enumerate(cases):
    fn = f'g{i}.hcl'
    open(os.path.join(d, fn), 'w').write(job(path, k, block))
    files[t].append(fn)
    meta[fn] = (t, path, k)
oracle = {}
for t, fns in files.items():
    exe = os.path.join(oracles, f'oracle-jobspec-v{t}')
    out = subprocess.run([exe] + fns, cwd=d, capture_output=True, text=True).stdout
    for l in out.splitlines():
        if '\t' in l:
            f, txt = l.split('\t', 1)
            oracle[f] = re.sub(r'\\(.)', lambda m: {'n': '\n', 't': '\t'}.get(m.group(1), m.group(1)), txt)

def ours(fn):
    p = subprocess.run([bin_, 'validate', '--nomad-version', meta[fn][0], fn], cwd=d, capture_output=True, text=True)
    return p.returncode, ''.join(l for l in p.stderr.splitlines(True) if not l.startswith('note: '))
with ThreadPoolExecutor(2) as ex:
    got = dict(zip(meta, ex.map(ours, meta)))
by_tag, by_blk = collections.defaultdict(collections.Counter), collections.defaultdict(collections.Counter)
with open(bad, 'w') as f:
    for fn, (t, path, k) in meta.items():
        o = oracle.get(fn, 'NO ORACLE')
        rc, text = got[fn]
        if o == 'OK':
            res = 'same' if rc == 0 else 'other'
            want = '(accepted)'
        else:
            want = f'Error getting job struct: Error parsing job file from {fn}: {o}\n'
            res = 'same' if text.startswith(want) or ('\n' + want) in text else 'other'
        by_tag[t][res] += 1
        by_blk[path][res] += 1
        if res != 'same':
            f.write(f'== {t} {path} {k} {fn}\nWANT {want!r}\nGOT  {rc} {text[:500]!r}\n')
tot = sum(by_tag.values(), collections.Counter())
print(f"cases {len(meta)}: same {tot['same']}, other {tot['other']}")
for t in sorted(by_tag, key=ver):
    print(f'  {t}: {dict(by_tag[t])}')
for b in sorted(by_blk):
    if by_blk[b]['other']:
        print(f'  {b}: {dict(by_blk[b])}')
print('dir', d)
