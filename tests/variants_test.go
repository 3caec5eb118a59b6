package tests

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hubspoke/private-aks/internal/azuretype"
	"github.com/hubspoke/private-aks/internal/mocktest"
)

func TestValidVariantsBuild(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(map[string]any)
		check func(t *testing.T, res *mocktest.Result)
	}{
		{"Basic firewall gets a management IP and no DNS proxy",
			mocktest.All(mocktest.Set("firewall", "sku", "Basic"), mocktest.Set("hub", "firewallManagementSubnet", "10.0.0.128/26")),
			func(t *testing.T, res *mocktest.Result) {
				fw := res.One(t, azuretype.Firewall)
				assert.Equal(t, "Basic", mocktest.Str(fw.Inputs, "sku", "tier"))
				assert.Equal(t, res.VNet(t, devHubVNet).ID+"/subnets/AzureFirewallManagementSubnet",
					mocktest.Str(fw.Inputs, "managementIpConfiguration", "subnet", "id"))
				assert.Len(t, res.OfType(azuretype.PublicIP), 3, "firewall, its management and Bastion")
				assert.True(t, mocktest.At(res.One(t, azuretype.FirewallPolicy).Inputs, "dnsSettings").IsNull())
				ntp := mocktest.RuleByName(t, res, "ntp")
				assert.Equal(t, []any{"*"}, ntp["destinationAddresses"])
				assert.Equal(t, []any{"123"}, ntp["destinationPorts"])
				assert.Nil(t, ntp["destinationFqdns"])
			}},
		{"node subnet CNI has no pod range and uses Calico",
			mocktest.All(mocktest.Set("aks", "cni", "nodeSubnet"), mocktest.Set("aks", "maxPods", 30)),
			func(t *testing.T, res *mocktest.Result) {
				in := res.One(t, azuretype.ManagedCluster).Inputs
				assert.True(t, mocktest.At(in, "networkProfile", "networkPluginMode").IsNull())
				assert.True(t, mocktest.At(in, "networkProfile", "podCidr").IsNull(), "no pod range, not even the SDK's default 10.244.0.0/16")
				assert.Equal(t, "azure", mocktest.Str(in, "networkProfile", "networkDataplane"))
				assert.Equal(t, "calico", mocktest.Str(in, "networkProfile", "networkPolicy"))
			}},
		{"zones reach the node pool, the firewall and its IP",
			mocktest.All(mocktest.Set("aks", "availabilityZones", []any{"1", "2", "3"}), mocktest.Set("firewall", "availabilityZones", []any{"1", "2", "3"})),
			func(t *testing.T, res *mocktest.Result) {
				zones := []string{"1", "2", "3"}
				assert.Equal(t, zones, mocktest.Strs(res.One(t, azuretype.ManagedCluster).Inputs, "agentPoolProfiles", 0, "availabilityZones"))
				assert.Equal(t, zones, mocktest.Strs(res.One(t, azuretype.Firewall).Inputs, "zones"))
				assert.Equal(t, zones, mocktest.Strs(res.Named(t, azuretype.PublicIP, "pip-hubspoke-dev-afw").Inputs, "zones"))
			}},
		{"Bastion off leaves the jump box without SSH and the stack without Bastion",
			mocktest.Set("hub", "bastion", false),
			func(t *testing.T, res *mocktest.Result) {
				assert.Empty(t, res.OfType(azuretype.Bastion))
				assert.Len(t, res.OfType(azuretype.PublicIP), 1, "only the firewall's")
				jumpNSG := res.Named(t, azuretype.NSG, "nsg-hubspoke-dev-jumpbox")
				assert.Len(t, mocktest.Items(jumpNSG.Inputs, "securityRules"), 1, "only the closing deny")
				assert.NotContains(t, res.Outputs, "jumpBoxSsh")
			}},
		{"prod-style security: Deny, IDPS on Premium, Defender",
			mocktest.All(mocktest.Set("firewall", "sku", "Premium"), mocktest.Set("firewall", "threatIntelMode", "Deny"), mocktest.Set("aks", "defender", true)),
			func(t *testing.T, res *mocktest.Result) {
				policy := res.One(t, azuretype.FirewallPolicy)
				assert.Equal(t, "Deny", mocktest.Str(policy.Inputs, "threatIntelMode"))
				assert.Equal(t, "Deny", mocktest.Str(policy.Inputs, "intrusionDetection", "mode"))
				cluster := res.One(t, azuretype.ManagedCluster)
				assert.Equal(t, res.One(t, azuretype.Workspace).ID, mocktest.Str(cluster.Inputs, "securityProfile", "defender", "logAnalyticsWorkspaceResourceId"))
				assert.Contains(t, mocktest.RuleByName(t, res, "defender")["targetFqdns"], "*.cloud.defender.microsoft.com")
			}},
		{"extra rules default their source to the AKS subnet",
			mocktest.All(mocktest.Set("firewall", "extraNetworkRules", []any{map[string]any{
				"name": "onprem-dns", "protocols": []any{"UDP", "TCP"}, "destinationAddresses": []any{"192.0.2.53"}, "destinationPorts": []any{"53"}}}),
				mocktest.Set("firewall", "extraApplicationRules", []any{map[string]any{
					"name": "github", "sourceAddresses": []any{"10.1.0.0/24"}, "targetFqdns": []any{"github.com"}, "protocols": []any{"Https:443"}}})),
			func(t *testing.T, res *mocktest.Result) {
				dns := mocktest.RuleByName(t, res, "onprem-dns")
				assert.Equal(t, []any{devAksSubnet}, dns["sourceAddresses"])
				assert.Equal(t, []any{"UDP", "TCP"}, dns["ipProtocols"])
				gh := mocktest.RuleByName(t, res, "github")
				assert.Equal(t, []any{"10.1.0.0/24"}, gh["sourceAddresses"])
				assert.Equal(t, []any{map[string]any{"protocolType": "Https", "port": float64(443)}}, gh["protocols"])
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := mocktest.Run(t, "dev", mocktest.WithConfig(t, tc.edit))
			require.NoError(t, err)
			tc.check(t, res)
		})
	}
}
