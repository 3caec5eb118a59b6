package tests

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// stackNames lists every stack file shipped beside Pulumi.yaml, so a new environment is covered
// by every test that ranges over it without editing the test.
func stackNames(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "Pulumi.*.yaml"))
	require.NoError(t, err)
	var names []string
	for _, f := range files {
		names = append(names, strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "Pulumi."), ".yaml"))
	}
	require.Contains(t, names, "dev")
	require.Contains(t, names, "prod")
	return names
}

func TestEveryShippedStackBuildsAPrivateClusterBehindTheFirewall(t *testing.T) {
	for _, name := range stackNames(t) {
		t.Run(name, func(t *testing.T) {
			res := runStack(t, name)
			cluster := res.one(t, typeManagedCluster)
			assert.Equal(t, true, at(cluster.Inputs, "apiServerAccessProfile", "enablePrivateCluster").BoolValue())
			assert.Equal(t, "userDefinedRouting", str(cluster.Inputs, "networkProfile", "outboundType"))
			assert.Equal(t, str(res.one(t, typeFirewall).State, "ipConfigurations", 0, "privateIPAddress"),
				str(res.one(t, typeRoute).Inputs, "nextHopIpAddress"))
			assert.Equal(t, name, str(res.one(t, typeManagedCluster).Inputs, "tags", "environment"))
		})
	}
}

func TestProdIsZoneRedundantPremiumAndProtected(t *testing.T) {
	prod := runStack(t, "prod")
	zones := []string{"1", "2", "3"}
	assert.Equal(t, zones, strs(prod.one(t, typeManagedCluster).Inputs, "agentPoolProfiles", 0, "availabilityZones"))
	assert.Equal(t, zones, strs(prod.one(t, typeFirewall).Inputs, "zones"))
	assert.Equal(t, "Premium", str(prod.one(t, typeFirewall).Inputs, "sku", "tier"))
	assert.NotEqual(t, "system", str(prod.one(t, typeManagedCluster).Inputs, "apiServerAccessProfile", "privateDNSZone"), "custom zone")

	var protected []string
	for _, r := range prod.resources {
		if r.Protect {
			protected = append(protected, r.Type+" "+str(r.State, "name"))
		}
	}
	assert.ElementsMatch(t, []string{
		typeVNet + " vnet-hubspoke-prod-hub", typeVNet + " vnet-hubspoke-prod-spoke", typeFirewall + " afw-hubspoke-prod-hub",
		typeManagedCluster + " aks-hubspoke-prod", typePrivateZone + " privatelink.westeurope.azmk8s.io",
	}, protected)

	for _, r := range runStack(t, "dev").resources {
		assert.False(t, r.Protect, "dev protects nothing: %s", r.URN)
	}
}

// pipelineStacks are the stacks a CI definition previews: the values of its matrix entries.
func pipelineStacks(t *testing.T, file string, matrix func(doc map[string]any) []string) []string {
	t.Helper()
	var doc map[string]any
	readYAML(t, file, &doc)
	stacks := matrix(doc)
	slices.Sort(stacks)
	return stacks
}

func TestPipelinesPreviewEveryShippedStack(t *testing.T) {
	want := stackNames(t)
	slices.Sort(want)
	github := pipelineStacks(t, filepath.Join(".github", "workflows", "pull-request.yml"), func(doc map[string]any) []string {
		var out []string
		for _, s := range doc["jobs"].(map[string]any)["preview"].(map[string]any)["strategy"].(map[string]any)["matrix"].(map[string]any)["stack"].([]any) {
			out = append(out, s.(string))
		}
		return out
	})
	assert.Equal(t, want, github, "the GitHub preview matrix")
	devops := pipelineStacks(t, "azure-pipelines.yml", func(doc map[string]any) []string {
		var out []string
		for _, job := range doc["jobs"].([]any) {
			if strategy, ok := job.(map[string]any)["strategy"].(map[string]any); ok {
				for _, entry := range strategy["matrix"].(map[string]any) {
					out = append(out, entry.(map[string]any)["stack"].(string))
				}
			}
		}
		return out
	})
	assert.Equal(t, want, devops, "the Azure DevOps preview matrix")
	deploy, err := os.ReadFile(filepath.Join("..", ".github", "workflows", "deploy.yml"))
	require.NoError(t, err)
	for _, stack := range want {
		assert.Contains(t, string(deploy), "stack: "+stack, "deploy.yml deploys %s", stack)
	}
}

// The CLI accepts any key in the project's namespace, and a program cannot list the keys it was
// given: this test is what catches a misspelled top-level key in a shipped stack file. (Fields
// inside the structured keys are checked by the program: unknown ones are rejected.)
func TestStackFilesUseOnlyDeclaredKeys(t *testing.T) {
	declared := declaredKeys(t)
	for _, name := range stackNames(t) {
		var st struct {
			Config map[string]any `yaml:"config"`
		}
		readYAML(t, "Pulumi."+name+".yaml", &st)
		for key := range st.Config {
			assert.Contains(t, declared, key, "Pulumi.%s.yaml sets %s, which Pulumi.yaml does not declare", name, key)
		}
	}
}
