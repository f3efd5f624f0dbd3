// Measures the order Go's runtime yields a map[string]T made with a size
// hint and filled in order, as Nomad's ProposedAllocs does
// (`make(map[string]*structs.Allocation, len(proposed))`). src/gomap.rs
// derives these odds from the runtime's rules; its unit tests compare them
// with the output of this program, recorded per Go release in
// benches/gomap/measured-go*.txt:
//
//	go run benches/gomap/main.go > benches/gomap/measured-$(go env GOVERSION).txt
//
// Each line: `hint H len L trials N first K C` (key K yielded first C
// times), `... last K C`, and for maps of at most 3 entries `... order
// K,K,K C`. Keys are inserted as 0..L.
package main

import (
	"fmt"
	"runtime"
	"sort"
	"strings"
)

const trials = 200000

func main() {
	fmt.Printf("# %s\n", runtime.Version())
	cases := [][2]int{
		{0, 2}, {8, 2}, {9, 2}, {10, 2}, {13, 2}, {14, 2}, {15, 2}, {16, 2}, {20, 2}, {30, 2},
		{10, 3}, {16, 3}, {0, 3},
		{0, 9}, {0, 12}, {10, 10}, {13, 14}, {10, 15}, {12, 6},
	}
	for _, c := range cases {
		hint, n := c[0], c[1]
		keys := make([]string, n)
		for i := range keys {
			keys[i] = fmt.Sprintf("%08x-0000-4000-8000-%012d", i*0x11111111, i)
		}
		first := make([]int, n)
		last := make([]int, n)
		orders := map[string]int{}
		for t := 0; t < trials; t++ {
			m := make(map[string]int, hint)
			for i, k := range keys {
				m[k] = i
			}
			seq := make([]string, 0, n)
			l := 0
			for _, v := range m {
				if len(seq) == 0 {
					first[v]++
				}
				seq = append(seq, fmt.Sprint(v))
				l = v
			}
			last[l]++
			if n <= 3 {
				orders[strings.Join(seq, ",")]++
			}
		}
		p := fmt.Sprintf("hint %d len %d trials %d", hint, n, trials)
		for k, c := range first {
			fmt.Printf("%s first %d %d\n", p, k, c)
		}
		for k, c := range last {
			fmt.Printf("%s last %d %d\n", p, k, c)
		}
		var os []string
		for o := range orders {
			os = append(os, o)
		}
		sort.Strings(os)
		for _, o := range os {
			fmt.Printf("%s order %s %d\n", p, o, orders[o])
		}
	}
}
