package azuretype_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hubspoke/private-aks/internal/azuretype"
)

func TestEveryTypeHasItsResourceProvider(t *testing.T) {
	for typ := range azuretype.Table {
		_, err := azuretype.Namespace(typ)
		assert.NoError(t, err, "a type of a new SDK module needs its namespace, or the bootstrap does not register it")
	}
	namespaces, err := azuretype.Namespaces()
	require.NoError(t, err)
	// What the program's and the bootstrap's types need (Microsoft Learn, "Azure resource providers
	// and types").
	assert.Equal(t, []string{"Microsoft.Authorization", "Microsoft.Compute", "Microsoft.ContainerRegistry", "Microsoft.ContainerService",
		"Microsoft.Insights", "Microsoft.KeyVault", "Microsoft.ManagedIdentity", "Microsoft.Network", "Microsoft.OperationalInsights",
		"Microsoft.Resources", "Microsoft.Storage"}, namespaces)
	ns, err := azuretype.Namespace("azure-native:containerservice/v20241001:ManagedCluster")
	require.NoError(t, err)
	assert.Equal(t, "Microsoft.ContainerService", ns, "an API-version module is its service's")
	_, err = azuretype.Namespace("azure-native:cdn:Profile")
	assert.ErrorContains(t, err, `no resource provider namespace known for the SDK module "cdn"`)
}
