// Prints what Nomad's jobspec2 decoders say of a value of the wrong type,
// and what it says of a var file's values, from HCL's and go-cty's own
// code at the versions Nomad pins (build.sh):
//
//	oracle-gohcl-* FILE...          every top-level attribute decoded as
//	                                 the field its name's prefix chooses
//	oracle-gohcl-* -varfile FILE... every attribute evaluated as
//	                                 collectInputVariableValues does (nil
//	                                 EvalContext: no functions, no variables)
//	oracle-gohcl-* -block FILE...   the file's body decoded whole by gohcl
//	                                 into a `meta {}` block (map[string]string)
//	                                 and `spread {}` blocks (weight *int8), as
//	                                 a group's: Go's own map order decides
//	                                 the lines' order (for the odds)
//
// Prefixes (the api fields' Go types, decoded by the gohcl Decoder Nomad
// forks, with jobspec2's duration decoder registered as hcl_conversions.go
// registers it): int_ (*int), str_ (*string), bool_ (*bool), strs_
// ([]string), dur_ (*time.Duration), map_ (map[string]string), elem_ (a
// map[string]string's element, as a `meta {}` block's attribute is
// decoded: string); hcldec_str_
// and hcldec_bool_ are hcldec.AttrSpec attributes of type string and bool
// (jobspec2's affinity and constraint specs). One line a file:
// `FILE<TAB>OK`, or every diagnostic's Error() joined by `\n` (escaped), as
// jobspec2's decode joins them.
package main

import (
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/gohcl"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/gocty"
)

// The duration decoder as jobspec2 registers it (hcl_conversions.go
// decodeDuration, the same text 1.0.0 to 2.0.5).
func decodeDuration(expr hcl.Expression, ctx *hcl.EvalContext, val interface{}) hcl.Diagnostics {
	srcVal, diags := expr.Value(ctx)
	if srcVal.Type() == cty.String {
		dur, err := time.ParseDuration(srcVal.AsString())
		if err != nil {
			return append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Unsuitable value type",
				Detail:   fmt.Sprintf("Unsuitable duration value: %s", err.Error()),
				Subject:  expr.StartRange().Ptr(),
			})
		}
		srcVal = cty.NumberIntVal(int64(dur))
	}
	if srcVal.Type() != cty.Number {
		return append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Unsuitable value type",
			Detail:   fmt.Sprintf("Unsuitable value: expected a string but found %s", srcVal.Type()),
			Subject:  expr.StartRange().Ptr(),
		})
	}
	if err := gocty.FromCtyValue(srcVal, val); err != nil {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Unsuitable value type",
			Detail:   fmt.Sprintf("Unsuitable value: %s", err.Error()),
			Subject:  expr.StartRange().Ptr(),
		})
	}
	return diags
}

func decode(dec *gohcl.Decoder, body *hclsyntax.Body, name string, a *hclsyntax.Attribute) hcl.Diagnostics {
	switch {
	case strings.HasPrefix(name, "hcldec_str_"), strings.HasPrefix(name, "hcldec_bool_"):
		ty := cty.String
		if strings.HasPrefix(name, "hcldec_bool_") {
			ty = cty.Bool
		}
		spec := hcldec.ObjectSpec{name: &hcldec.AttrSpec{Name: name, Type: ty}}
		one := &hclsyntax.Body{Attributes: hclsyntax.Attributes{name: a}, SrcRange: body.SrcRange, EndRange: body.EndRange}
		_, ds := hcldec.Decode(one, spec, nil)
		return ds
	case strings.HasPrefix(name, "int_"):
		var v *int
		return dec.DecodeExpression(a.Expr, nil, &v)
	case strings.HasPrefix(name, "strs_"):
		var v []string
		return dec.DecodeExpression(a.Expr, nil, &v)
	case strings.HasPrefix(name, "elem_"):
		// A map field's element written in block form: gohcl's
		// decodeBodyToMap decodes each attribute into the element type.
		var v string
		return gohcl.DecodeExpression(a.Expr, nil, &v)
	case strings.HasPrefix(name, "str_"):
		var v *string
		return dec.DecodeExpression(a.Expr, nil, &v)
	case strings.HasPrefix(name, "bool_"):
		var v *bool
		return dec.DecodeExpression(a.Expr, nil, &v)
	case strings.HasPrefix(name, "dur_"):
		var v *time.Duration
		return dec.DecodeExpression(a.Expr, nil, &v)
	case strings.HasPrefix(name, "map_"):
		var v map[string]string
		return dec.DecodeExpression(a.Expr, nil, &v)
	}
	return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "ORACLE", Detail: "unknown prefix " + name}}
}

// A group's body as far as the -block mode reads it (api.TaskGroup's Meta
// and Spreads).
type blockBody struct {
	Meta    map[string]string `hcl:"meta,block"`
	Spreads []*struct {
		Weight *int8 `hcl:"weight,optional"`
	} `hcl:"spread,block"`
}

func main() {
	dec := &gohcl.Decoder{}
	d := time.Duration(0)
	dec.RegisterExpressionDecoder(reflect.TypeOf(d), decodeDuration)
	dec.RegisterExpressionDecoder(reflect.TypeOf(&d), decodeDuration)
	args := os.Args[1:]
	varfile := len(args) > 0 && args[0] == "-varfile"
	if varfile {
		args = args[1:]
	}
	if len(args) > 0 && args[0] == "-block" {
		for _, p := range args[1:] {
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
			var lines []string
			for _, d := range dec.DecodeBody(f.Body, nil, &blockBody{}) {
				lines = append(lines, d.Error())
			}
			fmt.Printf("%s\t%s\n", p, strings.NewReplacer("\\", "\\\\", "\n", "\\n").Replace(strings.Join(lines, "\n")))
		}
		return
	}
	for _, p := range args {
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
		body := f.Body.(*hclsyntax.Body)
		var attrs []*hclsyntax.Attribute
		for _, a := range body.Attributes {
			attrs = append(attrs, a)
		}
		sort.Slice(attrs, func(i, j int) bool { return attrs[i].SrcRange.Start.Byte < attrs[j].SrcRange.Start.Byte })
		var lines []string
		for _, a := range attrs {
			var ds hcl.Diagnostics
			if varfile {
				_, ds = a.Expr.Value(nil)
			} else {
				ds = decode(dec, body, a.Name, a)
			}
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
