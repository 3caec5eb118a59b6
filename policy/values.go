package policy

import (
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/property"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"
)

// unknown stands for a value the engine does not know yet (a preview of outputs to come). Checks
// that need it are skipped: the stack policies run again on the final outputs after `up`.
type unknown struct{}

// plain turns a property value into Go values (maps, slices, strings, float64, bool), secrets
// unwrapped and unknowns as unknown{}.
func plain(v property.Value) any {
	switch {
	case v.IsComputed():
		return unknown{}
	case v.IsString():
		return v.AsString()
	case v.IsNumber():
		return v.AsNumber()
	case v.IsBool():
		return v.AsBool()
	case v.IsArray():
		var out []any
		for _, x := range v.AsArray().All {
			out = append(out, plain(x))
		}
		return out
	case v.IsMap():
		return plainMap(v.AsMap())
	}
	return nil
}

func plainMap(m property.Map) map[string]any {
	out := map[string]any{}
	for k, v := range m.All {
		out[k] = plain(v)
	}
	return out
}

// at reads a nested value: at(m, "a", 0, "b") is m.a[0].b; a missing step gives nil.
func at(v any, path ...any) any {
	for _, step := range path {
		switch s := step.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[s]
		case int:
			l, ok := v.([]any)
			if !ok || s >= len(l) {
				return nil
			}
			v = l[s]
		}
	}
	return v
}

func str(v any, path ...any) string {
	s, _ := at(v, path...).(string)
	return s
}

func list(v any, path ...any) []any {
	l, _ := at(v, path...).([]any)
	return l
}

func strs(v any, path ...any) []string {
	var out []string
	for _, x := range list(v, path...) {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func isTrue(v any, path ...any) bool {
	b, _ := at(v, path...).(bool)
	return b
}

// hasUnknown tells whether a value holds an unknown anywhere.
func hasUnknown(v any) bool {
	switch x := v.(type) {
	case unknown:
		return true
	case []any:
		return slices.ContainsFunc(x, hasUnknown)
	case map[string]any:
		for _, e := range x {
			if hasUnknown(e) {
				return true
			}
		}
	}
	return false
}

// resource is one resource as a policy sees it: its properties as plain values (inputs for a
// resource policy, outputs for a stack policy) and, in a stack, its dependencies.
type resource struct {
	URN, Type, Name string
	Props           map[string]any
	Dependencies    []string
	// PropertyDependencies are, per input, the URNs of the resources its value came from: how
	// the stack policies follow references, since Azure's outputs do not repeat the inputs that
	// name a parent (resourceGroupName, routeTableName, ...).
	PropertyDependencies map[string][]string
}

func fromAnalyzer(r policyx.AnalyzerResource) resource {
	return resource{URN: r.URN, Type: r.Type, Name: r.Name, Props: plainMap(r.Properties),
		Dependencies: r.Dependencies, PropertyDependencies: r.PropertyDependencies}
}

// azureName is the resource's Azure name: the name output, or the input that carries it.
func (r resource) azureName() string {
	return str(r.Props, "name")
}
