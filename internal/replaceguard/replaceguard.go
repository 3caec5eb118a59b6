// Package replaceguard stops a preview that would replace one of the resources a platform team
// must never lose by accident (the cluster, a VNet, the firewall, its policy, the private DNS
// zone), naming each and the property that forces it, unless the run allows it explicitly.
package replaceguard

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"

	"github.com/hubspoke/private-aks/internal/azuretype"
)

// AllowEnv is the environment variable that allows guarded replacements: true.
const AllowEnv = "HUBSPOKE_ALLOW_REPLACE"

// Guarded are the types whose replacement a preview refuses.
var Guarded = []string{azuretype.ManagedCluster, azuretype.VNet, azuretype.Firewall, azuretype.FirewallPolicy, azuretype.PrivateZone}

// Step is one step of a preview, as `pulumi preview --json` and the engine's events give it.
type Step struct {
	Op             string   `json:"op"`
	URN            string   `json:"urn"`
	ReplaceReasons []string `json:"replaceReasons"`
}

// replacing are the operations of a replacement.
var replacing = []string{"replace", "create-replacement", "delete-replaced", "import-replacement", "discard-replaced"}

// Allowed tells whether this run allows guarded replacements.
func Allowed() bool {
	return os.Getenv(AllowEnv) == "true"
}

// Check fails when the steps replace a guarded resource, naming each with the properties that
// force it.
func Check(steps []Step) error {
	reasons := map[string][]string{}
	var urns []string
	for _, s := range steps {
		typ := resource.URN(s.URN).Type().String()
		if !slices.Contains(replacing, s.Op) || !slices.Contains(Guarded, typ) {
			continue
		}
		if _, seen := reasons[s.URN]; !seen {
			urns = append(urns, s.URN)
		}
		reasons[s.URN] = slices.Compact(slices.Sorted(slices.Values(append(reasons[s.URN], s.ReplaceReasons...))))
	}
	if len(urns) == 0 {
		return nil
	}
	slices.Sort(urns)
	lines := []string{fmt.Sprintf("the preview replaces %d guarded resource(s); set %s=true to allow it:", len(urns), AllowEnv)}
	for _, u := range urns {
		lines = append(lines, fmt.Sprintf("  %s (%s) is replaced because of %s", resource.URN(u).Name(), resource.URN(u).Type(), strings.Join(reasons[u], ", ")))
	}
	return fmt.Errorf("%s", strings.Join(lines, "\n"))
}

// FromPreviewJSON reads the steps of `pulumi preview --json`.
func FromPreviewJSON(data []byte) ([]Step, error) {
	var digest struct {
		Steps []Step `json:"steps"`
	}
	if err := json.Unmarshal(data, &digest); err != nil {
		return nil, fmt.Errorf("reading pulumi preview --json: %w", err)
	}
	return digest.Steps, nil
}
