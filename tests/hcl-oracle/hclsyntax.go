// Prints what Nomad's jobspec2 returns for a file hclsyntax refuses:
// hcl.Diagnostics.Error() (first diagnostic, then ", and N other
// diagnostic(s)"), and with -all every diagnostic on its own line.
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

func main() {
	all := false
	args := os.Args[1:]
	if len(args) > 0 && args[0] == "-all" {
		all = true
		args = args[1:]
	}
	for _, p := range args {
		src, err := os.ReadFile(p)
		if err != nil {
			fmt.Println("READ", err)
			continue
		}
		_, diags := hclsyntax.ParseConfig(src, p, hcl.Pos{Line: 1, Column: 1})
		if !diags.HasErrors() {
			fmt.Printf("%s\tOK\n", p)
			continue
		}
		fmt.Printf("%s\t%s\n", p, strings.NewReplacer("\\", "\\\\", "\n", "\\n").Replace(diags.Error()))
		if all {
			for _, d := range diags {
				fmt.Printf("  %s\n", d.Error())
			}
		}
	}
}
