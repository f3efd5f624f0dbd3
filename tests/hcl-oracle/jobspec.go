// Prints what Nomad's CLI job parser before 1.0 (jobspec.ParseFile) says
// of each file: its error, or OK; PANIC and the value where it panics
// (the CLI itself does not recover). Line ends and tabs in the text are
// written `\n` and `\t`, `\` as `\\`.
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/nomad/jobspec"
)

var esc = strings.NewReplacer("\\", "\\\\", "\n", "\\n", "\t", "\\t")

func main() {
	for _, p := range os.Args[1:] {
		func() {
			defer func() {
				if r := recover(); r != nil {
					fmt.Printf("%s\tPANIC %s\n", p, esc.Replace(fmt.Sprint(r)))
				}
			}()
			if _, err := jobspec.ParseFile(p); err != nil {
				fmt.Printf("%s\t%s\n", p, esc.Replace(err.Error()))
			} else {
				fmt.Printf("%s\tOK\n", p)
			}
		}()
	}
}
