// Prints hclsyntax's unknown-key diagnostics for a body decoded as
// jobspec2 decodes a group (hcl_conversions.go decodeTaskGroup): a dynblock
// expandBody, its `vault` block taken by PartialContent, then Content with
// a small schema (argument `count`, block `task`). Checks that a written
// argument is not suggested and that hidden blocks and `dynamic` are
// suggested (dynblock extendSchema). Built like the hclsyntax oracles:
//   in build.sh's hcl2(): hcl2 refs/tags/v2.20.2-nomad-1 unknown-keys v1.13.0 unknown_keys.go
// Usage: oracle-unknown-keys FILE   (one diagnostic a line, `range: Summary; Detail`)
package main

import (
	"fmt"
	"os"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/dynblock"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

func main() {
	src, _ := os.ReadFile(os.Args[1])
	f, diags := hclsyntax.ParseConfig(src, "j.nomad", hcl.Pos{Line: 1, Column: 1})
	if diags.HasErrors() {
		fmt.Println(diags)
		return
	}
	body := dynblock.Expand(f.Body, nil)
	_, rem, _ := body.PartialContent(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "vault"}}})
	_, d := rem.Content(&hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "count"}},
		Blocks:     []hcl.BlockHeaderSchema{{Type: "task", LabelNames: []string{"name"}}},
	})
	for _, x := range d {
		fmt.Printf("%s: %s; %s\n", x.Subject, x.Summary, x.Detail)
	}
}
