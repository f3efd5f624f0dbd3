// Prints what Nomad's HCL1 job parser (jobspec.Parse before 1.0) says of
// a file: "error parsing: " + hcl.Parse's error, or OK.
package main

import (
	"fmt"
	"os"

	"github.com/hashicorp/hcl"
)

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
					fmt.Printf("%s\tPANIC %v\n", p, r)
				}
			}()
			if _, err := hcl.Parse(string(src)); err != nil {
				fmt.Printf("%s\terror parsing: %s\n", p, err)
			} else {
				fmt.Printf("%s\tOK\n", p)
			}
		}()
	}
}
