// Prints what jobspec2 (Nomad 1.0.6 to 2.0.5) says of a job file's input
// variables and of the values given to them, from HCL's and go-cty's own
// code at the versions Nomad pins (build.sh). It follows jobspec2's
// types.variables.go and parse.go (the same text from 1.2.0 on; 1.0.6 to
// 1.1.x differ only in an undefined -var's severity, an error here as in
// Strict mode): `variable` blocks (type and default; no validation) and
// `variables {}` attributes, then NOMAD_VAR_ values, var files (HCL or
// JSON, told apart by their first non-space byte) and -var values, each
// converted to the variable's type.
//
//	oracle-jobvars-* JOBFILE [-env NAME=TEXT]... [-var-file FILE]... [-var NAME=TEXT]...
//
// Prints every error diagnostic's Error(), one a line (as jobspec2's
// decode joins them), or `unable to parse var file: ...` and stops; then
// `VALUE name: <type's FriendlyName> = <JSON>` for each variable, sorted
// (`unknown` for a value that is not wholly known). Only one -var per
// invocation when several would make Go's map order matter. A var file's
// names are sorted unless JOBVARS_MAP_ORDER=go (Go's map order, for the
// odds); a `variables {}` block's are always in Go's map order.
package main

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

type variable struct {
	ty     cty.Type
	values []cty.Value
}

func isJSON(src []byte) bool {
	for _, c := range src {
		if c == ' ' {
			continue
		}
		return c == '{'
	}
	return false
}

func parse(src []byte, name string) (*hcl.File, hcl.Diagnostics) {
	if isJSON(src) {
		return hcljson.Parse(src, name)
	}
	return hclsyntax.ParseConfig(src, name, hcl.Pos{Line: 1, Column: 1})
}

var schema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "variables"},
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "locals"},
		{Type: "job", LabelNames: []string{"name"}},
	},
}

var blockSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "description"}, {Name: "default"}, {Name: "type"}},
	Blocks:     []hcl.BlockHeaderSchema{{Type: "validation"}},
}

// cliExpr is expressionFromVariableDefinition.
func cliExpr(file, text string, ty cty.Type) (hclsyntax.Expression, hcl.Diagnostics) {
	switch ty {
	case cty.String, cty.Number, cty.NilType:
		return &hclsyntax.LiteralValueExpr{Val: cty.StringVal(text)}, nil
	}
	return hclsyntax.ParseExpression([]byte(text), file, hcl.Pos{Line: 1, Column: 1})
}

func main() {
	args := os.Args[1:]
	src, err := os.ReadFile(args[0])
	if err != nil {
		fmt.Println("READ", err)
		return
	}
	var envs, files, argv []string
	for i := 1; i+1 < len(args); i += 2 {
		switch args[i] {
		case "-env":
			envs = append(envs, args[i+1])
		case "-var-file":
			files = append(files, args[i+1])
		case "-var":
			argv = append(argv, args[i+1])
		}
	}
	file, diags := parse(src, args[0])
	var parsed []*hcl.File
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			fmt.Println("READ", err)
			return
		}
		f, ds := parse(b, p)
		if f == nil || ds.HasErrors() {
			fmt.Printf("unable to parse var file: %v\n", ds.Error())
			return
		}
		parsed = append(parsed, f)
	}
	if diags.HasErrors() {
		fmt.Println(diags.Error())
		return
	}
	content, ds := file.Body.Content(schema)
	if len(ds) != 0 {
		fmt.Println(ds.Error())
		return
	}
	vars := map[string]*variable{}
	// decodeInputVariables
	for _, b := range content.Blocks {
		switch b.Type {
		case "variable":
			name := b.Labels[0]
			if _, ok := vars[name]; ok {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Duplicate variable", Detail: "Duplicate " + name + " variable definition found.", Context: b.DefRange.Ptr()})
				continue
			}
			c, ds := b.Body.Content(blockSchema)
			diags = append(diags, ds...)
			v := &variable{}
			if t, ok := c.Attributes["type"]; ok {
				tp, ds := typeexpr.Type(t.Expr)
				diags = append(diags, ds...)
				if ds.HasErrors() {
					continue
				}
				v.ty = tp
			}
			if d, ok := c.Attributes["default"]; ok {
				dv, ds := d.Expr.Value(nil)
				diags = append(diags, ds...)
				if ds.HasErrors() {
					continue
				}
				if v.ty != cty.NilType {
					var err error
					dv, err = convert.Convert(dv, v.ty)
					if err != nil {
						diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid default value for variable", Detail: fmt.Sprintf("This default value is not compatible with the variable's type constraint: %s.", err), Subject: d.Expr.Range().Ptr()})
						dv = cty.DynamicVal
					}
				}
				v.values = append(v.values, dv)
				if v.ty == cty.NilType {
					v.ty = dv.Type()
				}
			}
			vars[name] = v
		case "variables":
			attrs, ds := b.Body.JustAttributes()
			diags = append(diags, ds...)
			for key, attr := range attrs {
				if _, ok := vars[key]; ok {
					diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Duplicate variable", Detail: "Duplicate " + key + " variable definition found.", Subject: attr.NameRange.Ptr()})
					continue
				}
				val, ds := attr.Expr.Value(nil)
				diags = append(diags, ds...)
				if ds.HasErrors() {
					continue
				}
				vars[key] = &variable{ty: val.Type(), values: []cty.Value{val}}
			}
		}
	}
	// collectInputVariableValues
	assign := func(v *variable, name string, expr hcl.Expression, summary, detail string) {
		val, ds := expr.Value(nil)
		diags = append(diags, ds...)
		if v.ty != cty.NilType {
			var err error
			val, err = convert.Convert(val, v.ty)
			if err != nil {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: fmt.Sprintf(detail, name, err), Subject: expr.Range().Ptr()})
				val = cty.DynamicVal
			}
		}
		v.values = append(v.values, val)
	}
	for _, raw := range envs {
		eq := strings.Index(raw, "=")
		name, text := raw[:eq], raw[eq+1:]
		v, ok := vars[name]
		if !ok {
			continue
		}
		expr, ds := cliExpr(fmt.Sprintf("<value for var.%s from env>", name), text, v.ty)
		diags = append(diags, ds...)
		if ds.HasErrors() {
			continue
		}
		assign(v, name, expr, "Invalid value for variable", "The value for %s is not compatible with the variable's type constraint: %s.")
	}
	returned := false
	for _, f := range parsed {
		c, _, _ := f.Body.PartialContent(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "variable", LabelNames: []string{"name"}}}})
		for _, b := range c.Blocks {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Variable declaration in a .var file", Detail: fmt.Sprintf("A .var file is used to assign values to variables that have already been declared in job files, not to declare new variables. To declare variable %q, place this block in one of your job files\n\nTo set a value for this variable in %s, use the definition syntax instead:\n    %s = <value>", b.Labels[0], b.TypeRange.Filename, b.Labels[0]), Subject: &b.TypeRange})
		}
		if diags.HasErrors() {
			// collectInputVariableValues returns here.
			returned = true
			break
		}
		attrs, ds := f.Body.JustAttributes()
		diags = append(diags, ds...)
		names := make([]string, 0, len(attrs))
		for n := range attrs {
			names = append(names, n)
		}
		// JOBVARS_MAP_ORDER=go: Go's own (random) map order, as Nomad
		// ranges over them, to measure the odds of each order.
		if os.Getenv("JOBVARS_MAP_ORDER") != "go" {
			sort.Strings(names)
		}
		for _, name := range names {
			attr := attrs[name]
			v, ok := vars[name]
			if !ok {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Undefined variable", Detail: fmt.Sprintf("A %q variable was set but was not found in known variables. To declare variable %q, place this block in your job files", name, name), Context: attr.Range.Ptr()})
				continue
			}
			assign(v, name, attr.Expr, "Invalid value for variable", "The value for %s is not compatible with the variable's type constraint: %s.")
		}
	}
	if !returned {
		for _, raw := range argv {
			eq := strings.Index(raw, "=")
			name, text := raw[:eq], raw[eq+1:]
			v, ok := vars[name]
			if !ok {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Undefined -var variable", Detail: fmt.Sprintf("A %q variable was passed in the command line but was not found in known variables. To declare variable %q, place this block in your job file", name, name)})
				continue
			}
			expr, ds := cliExpr(fmt.Sprintf("<value for var.%s from arguments>", name), text, v.ty)
			diags = append(diags, ds...)
			if ds.HasErrors() {
				continue
			}
			assign(v, name, expr, "Invalid argument value for -var variable", "The received arg value for %s is not compatible with the variable's type constraint: %s.")
		}
	}
	names := make([]string, 0, len(vars))
	for n := range vars {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		v := vars[n]
		if len(v.values) == 0 {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: fmt.Sprintf("Unset variable %q", n), Detail: "A used variable must be set or have a default value; see https://www.nomadproject.io/docs/job-specification/hcl2/variables for details."})
		}
	}
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			fmt.Println(d.Error())
		}
	}
	for _, n := range names {
		v := vars[n]
		if len(v.values) == 0 {
			continue
		}
		val := v.values[len(v.values)-1]
		out := "unknown"
		if val.IsWhollyKnown() {
			b, err := ctyjson.Marshal(val, val.Type())
			if err != nil {
				out = "ERR " + err.Error()
			} else {
				out = string(b)
			}
		}
		tyName := "nil"
		if v.ty != cty.NilType {
			tyName = v.ty.FriendlyName()
		}
		fmt.Printf("VALUE %s: %s = %s\n", n, tyName, out)
	}
}
