#!/usr/bin/env bash
# Builds HashiCorp's Go HCL (hclsyntax) into a tiny program that bare-parses
# every job file of a folder, the throughput anchor of `cargo bench --bench
# anchored`. Debian's golang-go and golang-github-hashicorp-hcl-v2-dev are
# installed with apt-get when missing (as root, or through sudo without a
# password); otherwise it says why on stderr and exits 1, and the bench
# skips that row. On success it prints the program's path.
set -euo pipefail
out=${GO_HCL_DIR:-${TMPDIR:-/tmp}/nomad-preflight-go-hcl}
src=/usr/share/gocode/src/github.com/hashicorp/hcl/v2/hclsyntax
if ! command -v go >/dev/null 2>&1 || [ ! -d "$src" ]; then
  if [ "$(id -u)" = 0 ]; then as_root=(); elif sudo -n true 2>/dev/null; then as_root=(sudo -n); else
    echo "go-hcl: golang-go / golang-github-hashicorp-hcl-v2-dev are not installed and apt-get needs root; skipped" >&2
    exit 1
  fi
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -q golang-go golang-github-hashicorp-hcl-v2-dev >&2 || {
    echo "go-hcl: apt-get could not install the Go HCL packages; skipped" >&2
    exit 1
  }
fi
mkdir -p "$out/src/hclparse"
cat > "$out/src/hclparse/main.go" <<'GO'
// Bare parse (hclsyntax.ParseConfig) of every file in a folder, as the
// Nomad CLI's parser front end does before evaluation. Exit 0 whatever
// the files hold: only the time matters.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

func main() {
	dir := os.Args[1]
	entries, err := os.ReadDir(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	parsed, rejected := 0, 0
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || strings.HasSuffix(name, ".tsv") || strings.HasSuffix(name, ".md") {
			continue
		}
		src, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			continue
		}
		_, diags := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
		if diags.HasErrors() {
			rejected++
		} else {
			parsed++
		}
	}
	fmt.Printf("%d parsed, %d rejected\n", parsed, rejected)
}
GO
if [ ! -x "$out/hclparse" ] || [ "$out/src/hclparse/main.go" -nt "$out/hclparse" ]; then
  (cd "$out/src/hclparse" && GOPATH="$out:/usr/share/gocode" GO111MODULE=off \
    go build -o "$out/hclparse" . >&2) || {
    echo "go-hcl: go build failed; skipped" >&2
    exit 1
  }
fi
echo "$out/hclparse"
