#!/usr/bin/env bash
# Builds the oracles that word a job file's syntax errors as Nomad's
# parsers do, from HashiCorp's own sources (never needed by `cargo test`):
#   oracle-hcl2-old  hclsyntax at 68a97f93bb48 (Nomad 1.0.0 to 1.8.0's era)
#   oracle-hcl2-new  hclsyntax at v2.20.2-nomad-1 (Nomad 1.8.1 on)
#   oracle-json-old, oracle-json-new  hcl's JSON parser at the same commits
#                    (var files and job files beginning with `{`)
#   oracle-hcl1-old  hcl v1 as Nomad 0.8.0 to 0.10.9 vendor it (parser and
#                    scanner at 6e968a3f, the package at 18048073)
#   oracle-hcl1-new  hcl v1 as Nomad 0.11.0 to 0.12.12 vendor it (914dc3f8)
#   oracle-jobspec-v0.9.3, -v0.10.9, -v0.11.8, -v0.12.12  Nomad's own job parser
#                    (jobspec.ParseFile) at that tag, with its api and helper
#                    packages and the vendored packages they import
#   oracle-eval-old  hcleval.go: evaluation errors, hclsyntax at 68a97f93bb48
#   oracle-eval-cty1.4.1  the same with go-cty 1.4.1 (Nomad 1.0.0 to 1.0.5)
#   oracle-eval-hcl2.9  hclsyntax at ab3cae0737bc, Debian's go-cty 1.12.1
#                    (Nomad 1.3.10, 1.4.5 to 1.8.0)
#   oracle-eval-new  the same at v2.20.2-nomad-1 with go-cty 1.13.0
#   oracle-eval-cty1.16.3  the same with go-cty 1.16.3
#   oracle-eval-cty1.17.0  the same with go-cty 1.17.0 (Nomad 1.11.0 and
#                    1.11.1)
#   oracle-eval-cty1.18.1  the same with go-cty 1.18.1, go-cty-funcs v0.1.0
#                    and its newer dependencies (doublestar 1.3.4, go-cidr
#                    1.1.0), go-cty-yaml 1.2.0 (Nomad 2.0.1 to 2.0.4)
#   The last two need Go 1.23 or later (go-cty 1.17 imports `iter`):
#   GO_NEW, by default Debian bookworm-backports' golang-1.23-go; they are
#   skipped, with a line on stderr, when it is missing.
#   oracle-gohcl-*  gohcl.go: jobspec2's decoders' type errors and var-file
#                    refusals (hcl and go-cty as for the eval oracles)
#   oracle-jobvars-*  jobvars.go: jobspec2's variables and the values given
#                    to them (-var, NOMAD_VAR_, var files), per go-cty
# Needs Debian's golang-go and golang-github-hashicorp-hcl-v2-dev (for the
# dependencies), and git mirrors of hashicorp/hcl and zclconf/go-cty
# (HCL_GIT, CTY_GIT), and Nomad's (NOMAD_GIT, for its vendored hcl v1);
# the evaluation oracles also need mirrors of go-cty-funcs and its
# dependencies (MIRRORS, below). Offline: GOPATH mode, no module proxy.
# Usage: tests/hcl-oracle/build.sh [OUT_DIR]   (prints OUT_DIR)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-${TMPDIR:-/tmp}/nomad-preflight-hcl-oracle}
hcl_git=${HCL_GIT:-/work/.mirror/hashicorp+hcl/repo}
cty_git=${CTY_GIT:-/work/.mirror/zclconf+go-cty/repo}
nomad_git=${NOMAD_GIT:-/work/.mirror/hashicorp+nomad/repo}
mkdir -p "$out"
hcl2() { # commit name [cty tag] [main: hclsyntax.go or hcleval.go] [deps era] [go] [x/crypto rev]
  local root="$out/gopath-$2" main=${4:-hclsyntax.go} go=${6:-go}
  rm -rf "$root"
  mkdir -p "$root/src/github.com/hashicorp/hcl/v2" "$root/src/oracle" "$root/src/github.com/apparentlymart/go-textseg"
  git --git-dir="$hcl_git" archive "$1" | tar -x -C "$root/src/github.com/hashicorp/hcl/v2"
  for v in v12 v13 v15; do
    ln -s /usr/share/gocode/src/github.com/apparentlymart/go-textseg "$root/src/github.com/apparentlymart/go-textseg/$v"
  done
  if [ -n "${3:-}" ]; then
    mkdir -p "$root/src/github.com/zclconf/go-cty"
    git --git-dir="$cty_git" archive "$3" | tar -x -C "$root/src/github.com/zclconf/go-cty"
  fi
  if [ "$main" = hcleval.go ]; then eval_deps "$root" "${5:-1.0}" "${7:-}"; fi
  cp "$here/$main" "$root/src/oracle/main.go"
  (cd "$root/src/oracle" && GOPATH="$root:/usr/share/gocode" GO111MODULE=off "$go" build -o "$out/oracle-$2" .) >&2
}
# The evaluation oracles (hcleval.go): hclsyntax evaluating every
# attribute with jobspec2's function table, go-cty-funcs and the function
# libraries' own dependencies at the versions Nomad's go.mod names (git
# mirrors under MIRRORS, owner+name/repo). Era 1.0: what Nomad 1.0.0 to
# 1.9.3 pin (go-cty-funcs 2721b1e3, go-cty-yaml 1.0.2; 1.4.13 on pin
# 1.0.3, which differs only in yamldecode of a null); era 1.10: go-cty-yaml
# 1.1.0 (Nomad 1.9.4 to 1.11.1: YAML 1.2's integer forms only); era 2.0:
# Nomad 1.11.2 on (go-cty-funcs v0.1.0, go-cty-yaml 1.2.0: `<<` takes a
# sequence of mappings).
mirrors=${MIRRORS:-/work/.mirror}
eval_deps() { # gopath era [x/crypto rev]
  dep() { # import-path mirror rev
    mkdir -p "$1/src/$2"
    git --git-dir="$mirrors/$3/repo" archive "$4" | tar -x -C "$1/src/$2"
  }
  local funcs=2721b1e36840 yaml=v1.0.2 star=v1.1.5 cidr=v1.0.1 uuid=v1.3.1
  case $2 in
    1.10) yaml=v1.1.0 ;;
    2.0) funcs=v0.1.0 yaml=v1.2.0 star=v1.3.4 cidr=v1.1.0 uuid=v1.6.0 ;;
  esac
  dep "$1" github.com/hashicorp/go-cty-funcs hashicorp+go-cty-funcs $funcs
  dep "$1" github.com/mitchellh/go-homedir mitchellh+go-homedir v1.1.0
  dep "$1" github.com/bmatcuk/doublestar bmatcuk+doublestar $star
  dep "$1" github.com/apparentlymart/go-cidr apparentlymart+go-cidr $cidr
  dep "$1" github.com/google/uuid google+uuid $uuid
  dep "$1" github.com/zclconf/go-cty-yaml zclconf+go-cty-yaml $yaml
  # bcrypt's texts are golang.org/x/crypto's, at the version that Nomad
  # pins (its 72-byte refusal from v0.5.0, "inclusive range" from v0.39.0);
  # without one, Debian's.
  if [ -n "${3:-}" ]; then dep "$1" golang.org/x/crypto golang+crypto "$3"; fi
}
hcl2 68a97f93bb48 hcl2-old
# hcl 2.20 needs go-cty 1.13's refinements (Debian ships 1.12).
hcl2 refs/tags/v2.20.2-nomad-1 hcl2-new v1.13.0
# hcl's JSON parser (hcljson.go), same commits: json/ differs between them
# only in go-textseg's Unicode tables (12 against 15).
hcl2 68a97f93bb48 json-old "" hcljson.go
hcl2 refs/tags/v2.20.2-nomad-1 json-new v1.13.0 hcljson.go
# The evaluation oracles are built with a Go near the one that built the
# Nomad they stand for, since net.ParseCIDR (cidr* functions) changed with
# Go: 1.22 for eval-old (Nomad 1.6: Go 1.20, and Go 1.21/1.22 read IPv6
# groups as 1.20 does), 1.23 for the others (Nomad 1.9 on: Go 1.23.2 on,
# which refuses a group of five hex digits). GO_MID and GO_NEW, by default
# Debian bookworm-backports' golang-1.22-go and golang-1.23-go; without
# them Debian's own Go builds the first three (the cidr fixtures then
# differ) and the go-cty 1.17/1.18 oracles are skipped.
go_mid=${GO_MID:-/usr/lib/go-1.22/bin/go}
go_new=${GO_NEW:-/usr/lib/go-1.23/bin/go}
[ -x "$go_mid" ] || { echo "no Go 1.22 at $go_mid (GO_MID): eval-old built with $(command -v go)" >&2; go_mid=go; }
go_cur=$go_new
[ -x "$go_new" ] || { echo "no Go 1.23 at $go_new (GO_NEW): eval-new and eval-cty1.16.3 built with $(command -v go)" >&2; go_cur=go; }
hcl2 68a97f93bb48 eval-old "" hcleval.go 1.0 "$go_mid"
# What Nomad 1.0.0 to 1.0.5 pin exactly: hcl 68a97f93bb48 (1.0.4 and 1.0.5:
# 3000d85e32a9, the same hclsyntax) with go-cty 1.4.1.
hcl2 68a97f93bb48 eval-cty1.4.1 v1.4.1 hcleval.go 1.0 "$go_mid" 75b288015ac9
# Nomad 1.0.6 moved to hcl eb14f8319bdc and 1.4.0 to ab3cae0737bc (the same
# hclsyntax): parentheses are a node of their own there, so `(x)`'s range
# takes them in. With Debian's go-cty 1.12.1, this is what Nomad 1.3.10,
# 1.4.5 to 1.8.0 pin.
hcl2 ab3cae0737bc eval-hcl2.9 "" hcleval.go 1.0 "$go_mid" v0.7.0
hcl2 refs/tags/v2.20.2-nomad-1 eval-new v1.13.0 hcleval.go 1.0 "$go_cur" v0.27.0
# go-cty 1.16.3 (Nomad 1.10.2 on) names the type it got ("string required,
# but have tuple").
hcl2 refs/tags/v2.20.2-nomad-1 eval-cty1.16.3 v1.16.3 hcleval.go 1.10 "$go_cur" v0.38.0
if [ -x "$go_new" ]; then
  hcl2 refs/tags/v2.20.2-nomad-1 eval-cty1.17.0 v1.17.0 hcleval.go 1.10 "$go_new" v0.43.0
  hcl2 refs/tags/v2.20.2-nomad-1 eval-cty1.18.1 v1.18.1 hcleval.go 2.0 "$go_new" v0.50.0
fi
# The decoders' oracles (gohcl.go): gohcl's DecodeExpression with
# jobspec2's duration decoder, hcldec's AttrSpec, and a var file's values
# evaluated without a context. go-cty 1.4.1 (Nomad 1.0.0-1.0.5), Debian's
# 1.12.1 (the messages of 1.8.0 to 1.16.2), 1.16.3 (from Nomad 1.10.2).
hcl2 68a97f93bb48 gohcl-cty1.4.1 v1.4.1 gohcl.go
hcl2 68a97f93bb48 gohcl-old "" gohcl.go
hcl2 refs/tags/v2.20.2-nomad-1 gohcl-new v1.13.0 gohcl.go
hcl2 refs/tags/v2.20.2-nomad-1 gohcl-cty1.16.3 v1.16.3 gohcl.go
# The variables' oracles (jobvars.go): jobspec2's declarations and its
# conversion of -var, NOMAD_VAR_ and var-file values (HCL or JSON) to
# each variable's type, at the same pairs.
hcl2 68a97f93bb48 jobvars-cty1.4.1 v1.4.1 jobvars.go
hcl2 68a97f93bb48 jobvars-old "" jobvars.go
hcl2 refs/tags/v2.20.2-nomad-1 jobvars-cty1.16.3 v1.16.3 jobvars.go
hcl1() { # nomad-tag name: hcl v1 exactly as that Nomad tag vendors it
  local root="$out/gopath-$2"
  rm -rf "$root"
  mkdir -p "$root/src/github.com/hashicorp/hcl" "$root/src/oracle"
  git --git-dir="$nomad_git" archive "$1:vendor/github.com/hashicorp/hcl" | tar -x -C "$root/src/github.com/hashicorp/hcl"
  cp "$here/hcl1.go" "$root/src/oracle/main.go"
  (cd "$root/src/oracle" && GOPATH="$root" GO111MODULE=off go build -o "$out/oracle-$2" .) >&2
}
hcl1 v0.10.9 hcl1-old
hcl1 v0.12.12 hcl1-new
jobspec() { # nomad-tag: jobspec.ParseFile as that tag builds it
  local root="$out/gopath-jobspec-$1" n
  rm -rf "$root"
  n="$root/src/github.com/hashicorp/nomad"
  mkdir -p "$n/jsoracle"
  for d in jobspec api helper; do
    git --git-dir="$nomad_git" archive --prefix="$d/" "$1:$d" | tar -x -C "$n"
  done
  # Only what those import: the mirror lacks some large vendored files.
  for d in hashicorp/go-multierror hashicorp/errwrap hashicorp/hcl mitchellh/mapstructure \
    gorilla/websocket hashicorp/go-cleanhttp hashicorp/go-rootcerts mitchellh/go-homedir \
    docker/go-units hashicorp/cronexpr gorhill/cronexpr; do
    git --git-dir="$nomad_git" archive --prefix="vendor/github.com/$d/" "$1:vendor/github.com/$d" 2>/dev/null | tar -x -C "$n" 2>/dev/null || true
  done
  cp "$here/jobspec.go" "$n/jsoracle/main.go"
  (cd "$n/jsoracle" && GOPATH="$root" GO111MODULE=off go build -o "$out/oracle-jobspec-$1" .) >&2
}
jobspec v0.9.3
jobspec v0.10.9
jobspec v0.11.8
jobspec v0.12.12
echo "$out"
