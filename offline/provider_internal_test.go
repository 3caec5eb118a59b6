package offline

import (
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	rpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hubspoke/private-aks/internal/azuretype"
)

// update is an update request of one resource from olds to news.
func update(t *testing.T, typ string, olds, news map[string]any) *rpc.UpdateRequest {
	t.Helper()
	o, err := plugin.MarshalProperties(resource.NewPropertyMapFromMap(olds), marshalOptions)
	require.NoError(t, err)
	n, err := plugin.MarshalProperties(resource.NewPropertyMapFromMap(news), marshalOptions)
	require.NoError(t, err)
	return &rpc.UpdateRequest{Urn: "urn:pulumi:dev::hubspoke::" + typ + "::vm", OldInputs: o, News: n}
}

func TestTheOfflineAzureRefusesWhatAzureSetsOnlyAtCreation(t *testing.T) {
	t.Parallel()
	profile := func(customData string) map[string]any {
		return map[string]any{"osProfile": map[string]any{"customData": customData, "adminUsername": "azureuser"}, "vmSize": "Standard_B2s"}
	}
	// Azure: "PropertyChangeNotAllowed: Changing property 'customData' is not allowed" (HTTP 409).
	err := refuseChange(update(t, azuretype.VM, profile("a3ViZWN0bCAxLjM1"), profile("a3ViZWN0bCAxLjM2")))
	assert.EqualError(t, err, "PropertyChangeNotAllowed (HTTP 409 Conflict): vm: Changing property 'osProfile' is not allowed")
	resized := profile("a3ViZWN0bCAxLjM1")
	resized["vmSize"] = "Standard_B2ms"
	assert.NoError(t, refuseChange(update(t, azuretype.VM, profile("a3ViZWN0bCAxLjM1"), resized)), "a resize is an update Azure makes")
	assert.NoError(t, refuseChange(update(t, azuretype.NIC, profile("a"), profile("b"))), "only the VM's osProfile is set once")
}
