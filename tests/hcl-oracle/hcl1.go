// Prints what Nomad's HCL1 job parser (jobspec.Parse before 1.0) says of
// a file: "error parsing: " + hcl.Parse's error, or OK; PANIC and the
// recovered value where hcl v1 panics. Line ends in the text are written
// `\n` and `\` as `\\`, as the hclsyntax oracle writes them.
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/hcl"
)

var esc = strings.NewReplacer("\\", "\\\\", "\n", "\\n")

func main() {
	for _, p := range os.Args[1:] {
		src, err := os.ReadFile(p)
		if err != nil {
			fmt.Println("READ", err)
			continue
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					fmt.Printf("%s\tPANIC %s\n", p, esc.Replace(fmt.Sprint(r)))
				}
			}()
			if _, err := hcl.Parse(string(src)); err != nil {
				fmt.Printf("%s\terror parsing: %s\n", p, esc.Replace(err.Error()))
			} else {
				fmt.Printf("%s\tOK\n", p)
			}
		}()
	}
}
