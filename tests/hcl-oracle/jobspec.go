// Prints what Nomad's CLI job parser before 1.0 (jobspec.ParseFile) says
// of each file: its error, or OK; PANIC and the value where it panics
// (the CLI itself does not recover). Line ends and tabs in the text are
// written `\n` and `\t`, `\` as `\\`. With ORACLE_JSON=1 in the
// environment, a file it accepts prints the job as JSON after OK (the
// values hcl v1 and the decoder gave it).
package main

import (
	"encoding/json"
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
			job, err := jobspec.ParseFile(p)
			switch {
			case err != nil:
				fmt.Printf("%s\t%s\n", p, esc.Replace(err.Error()))
			case os.Getenv("ORACLE_JSON") == "1":
				j, _ := json.Marshal(job)
				fmt.Printf("%s\tOK %s\n", p, j)
			default:
				fmt.Printf("%s\tOK\n", p)
			}
		}()
	}
}
