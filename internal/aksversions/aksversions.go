// Package aksversions checks a stack's Kubernetes version against the versions AKS offers in the
// stack's region (the output of `az aks get-versions`), so that a pipeline fails before the
// preview instead of halfway through a deployment: AKS drops a minor about a year after its GA,
// and a version offered only with Long Term Support fails a cluster on the default support plan
// with K8sVersionNotSupported.
package aksversions

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/hubspoke/private-aks/internal/command"
)

// standardSupport is the support plan a cluster gets unless it buys Long Term Support.
const standardSupport = "KubernetesOfficial"

// minor is one entry of `az aks get-versions -o json` (API 2024-05-01 and later:
// {"values": [{"version": "1.36", "isPreview": null, "capabilities": {"supportPlan": [...]},
// "patchVersions": {"1.36.1": {...}}}]}; the aks-preview extension names the list
// "valuesProperty"; checked 2026-11-26).
type minor struct {
	Version      string `json:"version"`
	IsPreview    bool   `json:"isPreview"`
	Capabilities struct {
		SupportPlan []string `json:"supportPlan"`
	} `json:"capabilities"`
	PatchVersions map[string]json.RawMessage `json:"patchVersions"`
}

// Stack is what the check reads from a stack file.
type Stack struct {
	File              string
	Location          string
	KubernetesVersion string
}

// ReadStack reads the location and the Kubernetes version of a stack file.
func ReadStack(file string) (Stack, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return Stack{}, err
	}
	var doc struct {
		Config struct {
			Location string `yaml:"hubspoke:location"`
			AKS      struct {
				KubernetesVersion string `yaml:"kubernetesVersion"`
			} `yaml:"hubspoke:aks"`
		} `yaml:"config"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return Stack{}, fmt.Errorf("%s: %w", file, err)
	}
	st := Stack{File: file, Location: doc.Config.Location, KubernetesVersion: doc.Config.AKS.KubernetesVersion}
	if st.Location == "" || st.KubernetesVersion == "" {
		return st, fmt.Errorf("%s: needs hubspoke:location and hubspoke:aks.kubernetesVersion", file)
	}
	return st, nil
}

// Check says whether the stack's version (MAJOR.MINOR, or MAJOR.MINOR.PATCH) is generally
// available with standard support in the listing, which is `az aks get-versions` for the stack's
// region. The error names the stack file and the versions offered.
func Check(st Stack, listing []byte) error {
	var doc struct {
		Values         []minor `json:"values"`
		ValuesProperty []minor `json:"valuesProperty"`
	}
	if err := json.Unmarshal(listing, &doc); err != nil {
		return fmt.Errorf("reading az aks get-versions output: %w", err)
	}
	var offered []string
	for _, m := range append(doc.Values, doc.ValuesProperty...) {
		if m.IsPreview || !slices.Contains(m.Capabilities.SupportPlan, standardSupport) {
			continue
		}
		if m.Version == st.KubernetesVersion {
			return nil
		}
		if _, ok := m.PatchVersions[st.KubernetesVersion]; ok {
			return nil
		}
		offered = append(offered, m.Version)
	}
	slices.Sort(offered)
	stack := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(st.File), "Pulumi."), ".yaml")
	return fmt.Errorf("%s: aks.kubernetesVersion %s is not offered in %s with standard support (%s); offered: %s (az aks get-versions --location %s); set one: pulumi config set --stack %s --path 'hubspoke:aks.kubernetesVersion' <version>",
		st.File, st.KubernetesVersion, st.Location, standardSupport, strings.Join(offered, ", "), st.Location, stack)
}

// Ask checks the stack's version against what AKS offers in its region now (`az aks
// get-versions`, the Azure CLI logged in); az's own words say why it could not answer.
func Ask(ctx context.Context, st Stack) error {
	listing, err := command.Output(ctx, "az", "aks", "get-versions", "--location", st.Location, "--output", "json")
	if err != nil {
		return fmt.Errorf("listing the versions AKS offers in %s: %w", st.Location, err)
	}
	return Check(st, listing)
}
