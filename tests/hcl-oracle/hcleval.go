// Prints what hclsyntax says while evaluating a job file's expressions
// with Nomad's jobspec2 function table (jobspec2/functions.go, AllowFS as
// the CLI sets it): every attribute at any depth, in source order, each
// diagnostic's Error() on its own line (jobspec2's decode joins them one a
// line), or `OK` when no attribute fails. Variables (`var.x`) are not
// defined here: fixtures use literal values only. With -params it prints
// each function's parameters as cty declares them instead (name, type,
// whether null is allowed; the variadic one last with `...`), the table
// in src/jobspec/functions/params.rs.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/go-cty-funcs/cidr"
	"github.com/hashicorp/go-cty-funcs/crypto"
	"github.com/hashicorp/go-cty-funcs/encoding"
	"github.com/hashicorp/go-cty-funcs/filesystem"
	"github.com/hashicorp/go-cty-funcs/uuid"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	ctyyaml "github.com/zclconf/go-cty-yaml"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

func functions(basedir string) map[string]function.Function {
	return map[string]function.Function{
		"abs":             stdlib.AbsoluteFunc,
		"base64decode":    encoding.Base64DecodeFunc,
		"base64encode":    encoding.Base64EncodeFunc,
		"bcrypt":          crypto.BcryptFunc,
		"can":             tryfunc.CanFunc,
		"ceil":            stdlib.CeilFunc,
		"chomp":           stdlib.ChompFunc,
		"chunklist":       stdlib.ChunklistFunc,
		"cidrhost":        cidr.HostFunc,
		"cidrnetmask":     cidr.NetmaskFunc,
		"cidrsubnet":      cidr.SubnetFunc,
		"cidrsubnets":     cidr.SubnetsFunc,
		"coalesce":        stdlib.CoalesceFunc,
		"coalescelist":    stdlib.CoalesceListFunc,
		"compact":         stdlib.CompactFunc,
		"concat":          stdlib.ConcatFunc,
		"contains":        stdlib.ContainsFunc,
		"convert":         typeexpr.ConvertFunc,
		"csvdecode":       stdlib.CSVDecodeFunc,
		"distinct":        stdlib.DistinctFunc,
		"element":         stdlib.ElementFunc,
		"flatten":         stdlib.FlattenFunc,
		"floor":           stdlib.FloorFunc,
		"format":          stdlib.FormatFunc,
		"formatdate":      stdlib.FormatDateFunc,
		"formatlist":      stdlib.FormatListFunc,
		"indent":          stdlib.IndentFunc,
		"index":           stdlib.IndexFunc,
		"join":            stdlib.JoinFunc,
		"jsondecode":      stdlib.JSONDecodeFunc,
		"jsonencode":      stdlib.JSONEncodeFunc,
		"keys":            stdlib.KeysFunc,
		"length":          stdlib.LengthFunc,
		"log":             stdlib.LogFunc,
		"lookup":          stdlib.LookupFunc,
		"lower":           stdlib.LowerFunc,
		"max":             stdlib.MaxFunc,
		"md5":             crypto.Md5Func,
		"merge":           stdlib.MergeFunc,
		"min":             stdlib.MinFunc,
		"parseint":        stdlib.ParseIntFunc,
		"pow":             stdlib.PowFunc,
		"range":           stdlib.RangeFunc,
		"reverse":         stdlib.ReverseFunc,
		"replace":         stdlib.ReplaceFunc,
		"regex_replace":   stdlib.RegexReplaceFunc,
		"rsadecrypt":      crypto.RsaDecryptFunc,
		"setintersection": stdlib.SetIntersectionFunc,
		"setproduct":      stdlib.SetProductFunc,
		"setunion":        stdlib.SetUnionFunc,
		"sha1":            crypto.Sha1Func,
		"sha256":          crypto.Sha256Func,
		"sha512":          crypto.Sha512Func,
		"signum":          stdlib.SignumFunc,
		"slice":           stdlib.SliceFunc,
		"sort":            stdlib.SortFunc,
		"split":           stdlib.SplitFunc,
		"strlen":          stdlib.StrlenFunc,
		"strrev":          stdlib.ReverseFunc,
		"substr":          stdlib.SubstrFunc,
		"timeadd":         stdlib.TimeAddFunc,
		"title":           stdlib.TitleFunc,
		"trim":            stdlib.TrimFunc,
		"trimprefix":      stdlib.TrimPrefixFunc,
		"trimspace":       stdlib.TrimSpaceFunc,
		"trimsuffix":      stdlib.TrimSuffixFunc,
		"try":             tryfunc.TryFunc,
		"upper":           stdlib.UpperFunc,
		"urlencode":       encoding.URLEncodeFunc,
		"uuidv4":          uuid.V4Func,
		"uuidv5":          uuid.V5Func,
		"values":          stdlib.ValuesFunc,
		"yamldecode":      ctyyaml.YAMLDecodeFunc,
		"yamlencode":      ctyyaml.YAMLEncodeFunc,
		"zipmap":          stdlib.ZipmapFunc,
		"abspath":         filesystem.AbsPathFunc,
		"basename":        filesystem.BasenameFunc,
		"dirname":         filesystem.DirnameFunc,
		"file":            filesystem.MakeFileFunc(basedir, false),
		"filebase64":      filesystem.MakeFileFunc(basedir, true),
		"fileexists":      filesystem.MakeFileExistsFunc(basedir),
		"fileset":         filesystem.MakeFileSetFunc(basedir),
		"pathexpand":      filesystem.PathExpandFunc,
	}
}

func attributes(b *hclsyntax.Body, out []*hclsyntax.Attribute) []*hclsyntax.Attribute {
	for _, a := range b.Attributes {
		out = append(out, a)
	}
	for _, blk := range b.Blocks {
		out = attributes(blk.Body, out)
	}
	return out
}

func printParams() {
	fs := functions(".")
	var names []string
	for n := range fs {
		names = append(names, n)
	}
	sort.Strings(names)
	p := func(x function.Parameter) string {
		return fmt.Sprintf("%s:%s:%v", x.Name, x.Type.GoString(), x.AllowNull)
	}
	for _, n := range names {
		var ps []string
		for _, x := range fs[n].Params() {
			ps = append(ps, p(x))
		}
		if v := fs[n].VarParam(); v != nil {
			ps = append(ps, "..."+p(*v))
		}
		fmt.Printf("%s %s\n", n, strings.Join(ps, " "))
	}
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "-params" {
		printParams()
		return
	}
	for _, p := range os.Args[1:] {
		src, err := os.ReadFile(p)
		if err != nil {
			fmt.Println("READ", err)
			continue
		}
		f, diags := hclsyntax.ParseConfig(src, p, hcl.Pos{Line: 1, Column: 1})
		if diags.HasErrors() {
			fmt.Printf("%s\tPARSE %s\n", p, diags.Error())
			continue
		}
		ctx := &hcl.EvalContext{Functions: functions(filepath.Dir(p))}
		attrs := attributes(f.Body.(*hclsyntax.Body), nil)
		sort.Slice(attrs, func(i, j int) bool { return attrs[i].SrcRange.Start.Byte < attrs[j].SrcRange.Start.Byte })
		var lines []string
		for _, a := range attrs {
			_, ds := a.Expr.Value(ctx)
			for _, d := range ds {
				if d.Severity == hcl.DiagError {
					lines = append(lines, d.Error())
				}
			}
		}
		if len(lines) == 0 {
			fmt.Printf("%s\tOK\n", p)
			continue
		}
		fmt.Printf("%s\t%s\n", p, strings.NewReplacer("\\", "\\\\", "\n", "\\n").Replace(strings.Join(lines, "\n")))
	}
}
