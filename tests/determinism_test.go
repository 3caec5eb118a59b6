package tests

import (
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hubspoke/private-aks/internal/mocktest"
)

// snapshot is what must not change between runs: every resource's identity, inputs, parent and
// dependencies, in URN order.
func snapshot(res *mocktest.Result) []map[string]any {
	var out []map[string]any
	for _, r := range res.Resources {
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
			cfg := mocktest.WithConfig(t, func(c map[string]any) { c["dns"] = map[string]any{"zoneMode": mode} })
			first, err := mocktest.Run(t, "dev", cfg)
			require.NoError(t, err)
			second, err := mocktest.Run(t, "dev", cfg)
			require.NoError(t, err)
			require.NotEmpty(t, first.Resources)
			assert.Equal(t, snapshot(first), snapshot(second))
			assert.Equal(t, first.Outputs, second.Outputs)
		})
	}
}
