// Prints what Nomad's jobspec2 returns for a file hcl's JSON parser
// refuses (parse.go parseHCLOrJSON, a file whose first byte other than a
// space is `{`):
// hcl.Diagnostics.Error() (first diagnostic, then ", and N other
// diagnostic(s)"), and with -all every diagnostic on its own line; a
// file it reads prints each top-level attribute's value range
// (JustAttributes, as collectInputVariableValues reads a var file).
package main

import (
	"fmt"
	"os"
	"sort"
	"strings"

	hcljson "github.com/hashicorp/hcl/v2/json"
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
		file, diags := hcljson.Parse(src, p)
		if !diags.HasErrors() {
			fmt.Printf("%s\tOK\n", p)
			attrs, adiags := file.Body.JustAttributes()
			names := make([]string, 0, len(attrs))
			for n := range attrs {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				fmt.Printf("  %s = %s\n", n, attrs[n].Expr.Range())
			}
			for _, d := range adiags {
				fmt.Printf("  %s\n", d.Error())
			}
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
