package tests

import (
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// snapshot is what must not change between runs: every resource's identity, inputs, parent and
// dependencies, in URN order.
func snapshot(res *result) []map[string]any {
	var out []map[string]any
	for _, r := range res.resources {
		deps := append([]string(nil), r.Dependencies...)
		sort.Strings(deps)
		out = append(out, map[string]any{
			"urn": r.URN, "inputs": r.Inputs.Mappable(), "parent": r.Parent, "dependencies": deps, "provider": r.Provider,
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i]["urn"].(string) < out[j]["urn"].(string) })
	return out
}

func TestSameConfigRegistersIdenticalResources(t *testing.T) {
	for _, mode := range []string{"system", "custom"} {
		t.Run(mode, func(t *testing.T) {
			cfg := withConfig(t, func(c map[string]any) { c["dns"] = map[string]any{"zoneMode": mode} })
			first, err := run(t, "dev", cfg)
			require.NoError(t, err)
			second, err := run(t, "dev", cfg)
			require.NoError(t, err)
			require.NotEmpty(t, first.resources)
			assert.Equal(t, snapshot(first), snapshot(second))
			assert.Equal(t, first.outputs, second.outputs)
		})
	}
}
