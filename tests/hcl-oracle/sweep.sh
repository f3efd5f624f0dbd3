#!/usr/bin/env bash
# Mutation sweep: Nomad's syntax-error text (hclsyntax, built from source by
# build.sh) against ours, over one-byte mutations of the corpus jobs.
# Usage: tests/hcl-oracle/sweep.sh [new|old|hcl1-new|hcl1-old] [MUTANTS_PER_FILE] [SEED]
# (new/old: hclsyntax of Nomad 1.8.1 on / 1.0.0 to 1.8.0; hcl1-new/hcl1-old:
# hcl v1 of Nomad 0.11.0 to 0.12.12 / 0.8.0 to 0.10.9)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
era=${1:-new}; per=${2:-3}; seed=${3:-13}
corpus=${CORPUS:-$here/../../../shared/corpus/jobs}
# ORACLES: a directory build.sh already filled (it takes minutes).
oracles=${ORACLES:-$("$here/build.sh")}
dir=$(mktemp -d)
python3 - "$corpus" "$dir" "$per" "$seed" <<'PY'
import os, random, sys
corpus, out, per, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(seed)
inserts = list('{}[]()",=\n#$%\\\'`;:.*<>?!&|~') + ['${', '%{', '<<EOT\n', '"\n', '\t']
for name in sorted(os.listdir(corpus)):
    if not name.endswith(('.hcl', '.nomad')):
        continue
    data = open(os.path.join(corpus, name), 'rb').read()
    if not data:
        continue
    for k in range(per):
        at = rng.randrange(len(data))
        if rng.random() < 0.5:
            m = data[:at] + data[at + 1:]
        else:
            m = data[:at] + rng.choice(inserts).encode() + data[at:]
        base = name.rsplit('.', 1)[0]
        open(os.path.join(out, f'{base}~{k}.hcl'), 'wb').write(m)
PY
case $era in
  hcl1-*) oracle="$oracles/oracle-$era" ;;
  *) oracle="$oracles/oracle-hcl2-$era" ;;
esac
# hcl v1's old parser prints `illegal` on stdout: only tab lines are read.
"$oracle" "$dir"/*.hcl > "$dir/oracle.tsv"
(cd "$here/../.." && HCL_SWEEP_DIR="$dir" HCL_SWEEP_ERA="$era" cargo test -q --test hclsyntax_sweep -- --ignored --nocapture >&2)
python3 - "$dir" <<'PY'
import sys
d = sys.argv[1]
def load(p):
    return dict(l.rstrip('\n').split('\t', 1) for l in open(p) if '\t' in l)
o, u = load(f'{d}/oracle.tsv'), load(f'{d}/ours.tsv')
refused = [k for k in o if o[k] != 'OK']
agree = [k for k in refused if u.get(k) == o[k]]
unsure = [k for k in refused if u.get(k) == 'UNSURE']
missed = [k for k in refused if u.get(k) in ('OK', 'OK-REWRITE')]
wrong = [k for k in refused if k not in agree and k not in unsure and k not in missed]
extra = [k for k in o if o[k] == 'OK' and u.get(k) not in ('OK', 'OK-REWRITE')]
print(f'mutants {len(o)}; the parser refuses {len(refused)}: same text {len(agree)} '
      f'({100*len(agree)/max(1,len(refused)):.1f}%), cannot tell {len(unsure)}, '
      f'we accept {len(missed)}, other text {len(wrong)}; '
      f'it accepts but we refuse {len(extra)}')
accepted = [k for k in o if o[k] == 'OK']
kinds = {}
for k in accepted:
    a = u.get(k, 'MISSING')
    kind = a if a.startswith('OK') or a.startswith('UNSURE') else 'REFUSED'
    kinds[kind] = kinds.get(kind, 0) + 1
print('it accepts', len(accepted), 'and we:', ', '.join(f'{k} {n}' for k, n in sorted(kinds.items())))
for k in wrong[:15]:
    print('ORACLE', o[k]); print('OURS  ', u.get(k))
print('dir', d)
PY
