package settings

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Sentinel begins every value a shipped stack file leaves for its user to set (an SSH key, an
// admin group): validation refuses it, naming the key and the command that sets it. What follows
// the sentinel is the shell expression of the value, e.g.
//
//	sshPublicKey: REPLACE-ME "$(cat ~/.ssh/id_ed25519.pub)"
const Sentinel = "REPLACE-ME"

// Placeholder is one value still to be set: its key path (jumpBox.sshPublicKey,
// aks.adminGroupObjectIds[0]) and the shell expression of the value the stack file suggests.
type Placeholder struct {
	Path, Value string
}

// Placeholders lists the sentinel values in one key's raw config value (a string, or JSON for a
// structured key), by path.
func Placeholders(key, raw string) []Placeholder {
	var v any
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		v = raw // a plain string value
	}
	var found []Placeholder
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case string:
			if hint, ok := strings.CutPrefix(x, Sentinel); ok {
				found = append(found, Placeholder{path, strings.TrimSpace(hint)})
			}
		case []any:
			for i, e := range x {
				walk(fmt.Sprintf("%s[%d]", path, i), e)
			}
		case map[string]any:
			for _, k := range sortedKeys(x) {
				walk(path+"."+k, x[k])
			}
		}
	}
	walk(key, v)
	return found
}

// PlaceholderErrors are the errors for the placeholders still set, each with the command that
// sets the value.
func PlaceholderErrors(project, stack string, found []Placeholder) []error {
	errs := make([]error, len(found))
	for i, p := range found {
		errs[i] = fmt.Errorf("%s: is still the placeholder the stack file ships; set it: pulumi config set --stack %s --path '%s:%s' %s",
			p.Path, stack, project, p.Path, p.Value)
	}
	return errs
}

// WithoutPlaceholders drops the validation problems of keys that hold a placeholder: their one
// error is that the placeholder is still there.
func WithoutPlaceholders(problems []error, found []Placeholder) []error {
	return slices.DeleteFunc(problems, func(e error) bool {
		return slices.ContainsFunc(found, func(p Placeholder) bool { return strings.HasPrefix(e.Error(), p.Path+":") })
	})
}
