package azuretype_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/hubspoke/private-aks/internal/azuretype"
)

func TestEveryTypeHasItsResourceProvider(t *testing.T) {
	// What the program's and the bootstrap's types need (Microsoft Learn, "Azure resource providers
	// and types"). Catches an ARM type whose namespace is misspelt: the bootstrap would register
	// a provider that does not exist and miss the one the type needs.
	assert.Equal(t, []string{"Microsoft.Authorization", "Microsoft.Compute", "Microsoft.ContainerRegistry", "Microsoft.ContainerService",
		"Microsoft.Insights", "Microsoft.KeyVault", "Microsoft.ManagedIdentity", "Microsoft.Network", "Microsoft.OperationalInsights",
		"Microsoft.Resources", "Microsoft.Storage"}, azuretype.Namespaces())
}

func TestARMTypesNestUnderTheirParents(t *testing.T) {
	for typ, info := range azuretype.Table {
		module := strings.Split(typ, ":")[1]
		namespace, _, _ := strings.Cut(info.ARMType, "/")
		// The SDK module is the namespace without "Microsoft." (containerservice/v20241001 is an
		// API version of containerservice).
		module, _, _ = strings.Cut(module, "/")
		assert.Equal(t, "microsoft."+module, strings.ToLower(namespace), "%s: ARM type %s is not of its SDK module's namespace", typ, info.ARMType)
		if parent, ok := azuretype.Parents[typ]; ok {
			assert.True(t, strings.HasPrefix(info.ARMType, azuretype.Table[parent.Type].ARMType+"/"),
				"%s: a child's ARM type %s extends its parent's %s", typ, info.ARMType, azuretype.Table[parent.Type].ARMType)
		} else {
			assert.Equal(t, 2, strings.Count(info.ARMType, "/")+1, "%s: a top-level or extension type is <namespace>/<type>, got %s", typ, info.ARMType)
		}
	}
}
