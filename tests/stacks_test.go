package tests

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hubspoke/private-aks/internal/azuretype"
	"github.com/hubspoke/private-aks/internal/mocktest"
)

func TestEveryShippedStackBuildsAPrivateClusterBehindTheFirewall(t *testing.T) {
	for _, name := range mocktest.StackNames(t) {
		t.Run(name, func(t *testing.T) {
			res := mocktest.RunStack(t, name)
			cluster := res.One(t, azuretype.ManagedCluster)
			assert.Equal(t, true, mocktest.At(cluster.Inputs, "apiServerAccessProfile", "enablePrivateCluster").BoolValue())
			assert.Equal(t, "userDefinedRouting", mocktest.Str(cluster.Inputs, "networkProfile", "outboundType"))
			assert.Equal(t, mocktest.Str(res.One(t, azuretype.Firewall).State, "ipConfigurations", 0, "privateIPAddress"),
				mocktest.Str(res.One(t, azuretype.Route).Inputs, "nextHopIpAddress"))
			assert.Equal(t, name, mocktest.Str(res.One(t, azuretype.ManagedCluster).Inputs, "tags", "environment"))
		})
	}
}

func TestProdIsZoneRedundantPremiumAndProtected(t *testing.T) {
	prod := mocktest.RunStack(t, "prod")
	zones := []string{"1", "2", "3"}
	assert.Equal(t, zones, mocktest.Strs(prod.One(t, azuretype.ManagedCluster).Inputs, "agentPoolProfiles", 0, "availabilityZones"))
	assert.Equal(t, zones, mocktest.Strs(prod.One(t, azuretype.Firewall).Inputs, "zones"))
	assert.Equal(t, "Premium", mocktest.Str(prod.One(t, azuretype.Firewall).Inputs, "sku", "tier"))
	assert.NotEqual(t, "system", mocktest.Str(prod.One(t, azuretype.ManagedCluster).Inputs, "apiServerAccessProfile", "privateDNSZone"), "custom zone")

	var protected []string
	for _, r := range prod.Resources {
		if r.Protect {
			protected = append(protected, r.Type+" "+mocktest.Str(r.State, "name"))
		}
	}
	assert.ElementsMatch(t, []string{
		azuretype.VNet + " vnet-hubspoke-prod-hub", azuretype.VNet + " vnet-hubspoke-prod-spoke", azuretype.Firewall + " afw-hubspoke-prod-hub",
		azuretype.ManagedCluster + " aks-hubspoke-prod", azuretype.PrivateZone + " privatelink.westeurope.azmk8s.io",
	}, protected)

	for _, r := range mocktest.RunStack(t, "dev").Resources {
		assert.False(t, r.Protect, "dev protects nothing: %s", r.URN)
	}
}

// pipelineStacks are the stacks a CI definition previews: the values of its matrix entries.
func pipelineStacks(t *testing.T, file string, matrix func(doc map[string]any) []string) []string {
	t.Helper()
	var doc map[string]any
	mocktest.ReadYAML(t, file, &doc)
	stacks := matrix(doc)
	slices.Sort(stacks)
	return stacks
}

func TestPipelinesPreviewEveryShippedStack(t *testing.T) {
	want := mocktest.StackNames(t)
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
	declared := mocktest.DeclaredKeys(t)
	for _, name := range mocktest.StackNames(t) {
		var st struct {
			Config map[string]any `yaml:"config"`
		}
		mocktest.ReadYAML(t, "Pulumi."+name+".yaml", &st)
		for key := range st.Config {
			assert.Contains(t, declared, key, "Pulumi.%s.yaml sets %s, which Pulumi.yaml does not declare", name, key)
		}
	}
}

func TestShippedPlaceholdersAreRefusedUntilSet(t *testing.T) {
	// The values a user must set: each refused, naming its key and the command that sets it, and
	// nothing else wrong with the shipped stack files.
	const sshKey = `jumpBox.sshPublicKey: is still the placeholder the stack file ships; set it: pulumi config set --stack %s --path 'hubspoke:jumpBox.sshPublicKey' "$(cat ~/.ssh/id_ed25519.pub)"`
	want := map[string][]string{
		"dev": {fmt.Sprintf(sshKey, "dev")},
		"prod": {
			`aks.adminGroupObjectIds[0]: is still the placeholder the stack file ships; set it: pulumi config set --stack prod --path 'hubspoke:aks.adminGroupObjectIds[0]' "$(az ad group show --group <your AKS admins group> --query id -o tsv)"`,
			fmt.Sprintf(sshKey, "prod"),
		},
	}
	for _, name := range mocktest.StackNames(t) {
		t.Run(name, func(t *testing.T) {
			res, err := mocktest.Run(t, name, mocktest.ShippedStackConfig(t, name))
			require.Error(t, err)
			// pulumi.RunErr wraps the program's error in its own list.
			assert.Equal(t, "1 error occurred:\n\t* invalid configuration:\n"+strings.Join(want[name], "\n")+"\n\n", err.Error())
			assert.Empty(t, res.Resources, "nothing is registered")
		})
	}
}
