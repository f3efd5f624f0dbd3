# Sourced by the hook's bench scripts (hook_phases.sh, hook_interleaved.sh):
# the bench's repository, as benches/anchored.rs makes it.
#   hook_repo REPO EXTRA_FILES
# The demo's world and jobs committed in a new repository at REPO, with
# EXTRA_FILES unrelated files committed beside them, and sockshop.nomad's
# `count = 1` made 2 (staged by the caller, with a new line each run).
hook_repo() {
  local repo=$1 extra=$2 root i
  root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  mkdir -p "$repo"
  cp -r "$root/rules" "$root/jobs" "$repo/"
  for ((i = 0; i < extra; i++)); do
    mkdir -p "$repo/docs/d$((i % 200))"
    echo "file $i" >"$repo/docs/d$((i % 200))/f$i.txt"
  done
  git -C "$repo" init -q
  git -C "$repo" add -A
  git -C "$repo" -c user.name=bench -c user.email=bench@example.invalid commit -qm world
  sed -i '0,/count = 1/s//count = 2/' "$repo/jobs/sockshop.nomad"
}
