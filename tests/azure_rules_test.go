package tests

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hubspoke/private-aks/internal/azuremock"
	"github.com/hubspoke/private-aks/internal/azurerules"
	"github.com/hubspoke/private-aks/internal/azuretype"
	"github.com/hubspoke/private-aks/internal/mocktest"
)

// What Azure refuses, or lets deploy broken, although the SDK's types allow it: each test runs
// the program's real inputs for the shipped stacks and the DNS variants.

// variants are every shipped stack and the dev stack in each custom DNS mode.
func variants(t *testing.T) map[string]*mocktest.Result {
	t.Helper()
	out := map[string]*mocktest.Result{}
	for _, name := range mocktest.StackNames(t) {
		out[name] = mocktest.RunStack(t, name)
	}
	for _, mode := range []string{"forwarder", "privateResolver"} {
		res, err := mocktest.Run(t, "dev", mocktest.WithConfig(t, mocktest.DNSMode(mode)))
		require.NoError(t, err, mode)
		out["dev-"+mode] = res
	}
	return out
}

func TestNSGRulesPutTagsAndWildcardsInTheSingularFieldsOnly(t *testing.T) {
	for name, res := range variants(t) {
		rules := 0
		for _, group := range res.OfType(azuretype.NSG) {
			for _, r := range mocktest.Items(group.Inputs, "securityRules") {
				rules++
				assert.NoError(t, azurerules.SecurityRule(r.ObjectValue().Mappable()), "%s %s", name, group.Name)
			}
		}
		assert.Greater(t, rules, 10, name)
	}
	res := mocktest.RunStack(t, "dev")
	bastion := securityRule(t, res, "nsg-hubspoke-dev-bastion", "allow-https-inbound")
	assert.Equal(t, "Internet", bastion["sourceAddressPrefix"])
	assert.Equal(t, "443", bastion["destinationPortRange"])
	assert.Nil(t, bastion["sourceAddressPrefixes"])
	assert.Nil(t, bastion["destinationPortRanges"])
	hostToHost := securityRule(t, res, "nsg-hubspoke-dev-bastion", "allow-bastion-host-communication")
	assert.Equal(t, "VirtualNetwork", hostToHost["sourceAddressPrefix"])
	assert.Equal(t, []any{"8080", "5701"}, hostToHost["destinationPortRanges"], "two ports: the plural field")
	assert.Nil(t, hostToHost["destinationPortRange"])
}

func TestTheOfflineAzureRefusesATagInAPluralField(t *testing.T) {
	rule := map[string]any{"name": "https", "sourceAddressPrefixes": []any{"Internet"}, "sourcePortRange": "*",
		"destinationAddressPrefix": "*", "destinationPortRange": "443"}
	assert.ErrorContains(t, azurerules.SecurityRule(rule), "SecurityRuleParameterContainsUnsupportedValue")
	rule["sourceAddressPrefixes"] = []any{"10.0.0.0/16", "10.1.0.0/16"}
	assert.NoError(t, azurerules.SecurityRule(rule))
	rule["sourceAddressPrefix"] = "*"
	assert.ErrorContains(t, azurerules.SecurityRule(rule), "exactly one of sourceAddressPrefix and sourceAddressPrefixes")
	delete(rule, "sourceAddressPrefixes")
	rule["destinationPortRanges"] = []any{"*"}
	delete(rule, "destinationPortRange")
	assert.ErrorContains(t, azurerules.SecurityRule(rule), `destinationPortRanges holds "*"`)
}

// securityRule finds a rule of an NSG by their Azure names.
func securityRule(t *testing.T, res *mocktest.Result, nsgName, rule string) map[string]any {
	t.Helper()
	for _, r := range mocktest.Items(res.Named(t, azuretype.NSG, nsgName).Inputs, "securityRules") {
		if mocktest.Str(r.ObjectValue(), "name") == rule {
			return r.ObjectValue().Mappable()
		}
	}
	require.Failf(t, "security rule not found", "%s in %s", rule, nsgName)
	return nil
}

func TestAksNSGAdmitsTheClustersOwnNodeAndPodTraffic(t *testing.T) {
	overlay := mocktest.RunStack(t, "dev")
	toNodes := securityRule(t, overlay, "nsg-hubspoke-dev-aks", "allow-cluster-to-nodes")
	assert.Equal(t, []any{devAksSubnet, "192.168.0.0/16"}, toNodes["sourceAddressPrefixes"], "node subnet and pod range")
	assert.Equal(t, devAksSubnet, toNodes["destinationAddressPrefix"])
	toPods := securityRule(t, overlay, "nsg-hubspoke-dev-aks", "allow-cluster-to-pods")
	assert.Equal(t, []any{devAksSubnet, "192.168.0.0/16"}, toPods["sourceAddressPrefixes"])
	assert.Equal(t, "192.168.0.0/16", toPods["destinationAddressPrefix"])
	for _, r := range []map[string]any{toNodes, toPods} {
		assert.Equal(t, "*", r["protocol"], "all protocols")
		assert.Equal(t, "*", r["destinationPortRange"], "all ports")
		assert.Equal(t, "Inbound", r["direction"])
		assert.Less(t, r["priority"], float64(4096), "before the closing deny")
	}

	nodeSubnet, err := mocktest.Run(t, "dev", mocktest.WithConfig(t, mocktest.All(mocktest.Set("aks", "cni", "nodeSubnet"), mocktest.Set("aks", "maxPods", 30))))
	require.NoError(t, err)
	toNodes = securityRule(t, nodeSubnet, "nsg-hubspoke-dev-aks", "allow-cluster-to-nodes")
	assert.Equal(t, devAksSubnet, toNodes["sourceAddressPrefix"], "pods take node-subnet IPs")
	assert.Equal(t, devAksSubnet, toNodes["destinationAddressPrefix"])
	for _, r := range mocktest.Items(nodeSubnet.Named(t, azuretype.NSG, "nsg-hubspoke-dev-aks").Inputs, "securityRules") {
		assert.NotEqual(t, "allow-cluster-to-pods", mocktest.Str(r.ObjectValue(), "name"), "no pod range without overlay")
	}
}

func TestClusterAdminsHoldTheKubernetesDataPlaneRole(t *testing.T) {
	const role = "/subscriptions/" + azuremock.SubscriptionID + "/providers/Microsoft.Authorization/roleDefinitions/b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b"
	admins := func(res *mocktest.Result) []*mocktest.Registered {
		var out []*mocktest.Registered
		for _, ra := range res.OfType(azuretype.RoleAssignment) {
			if mocktest.Str(ra.Inputs, "roleDefinitionId") == role {
				out = append(out, ra)
			}
		}
		return out
	}

	dev := mocktest.RunStack(t, "dev")
	cluster := dev.One(t, azuretype.ManagedCluster)
	grants := admins(dev)
	require.Len(t, grants, 1, "no group configured: the deploying identity")
	assert.Equal(t, cluster.ID, mocktest.Str(grants[0].Inputs, "scope"))
	assert.Equal(t, azuremock.DeployerObjectID, mocktest.Str(grants[0].Inputs, "principalId"))
	assert.Empty(t, mocktest.Str(grants[0].Inputs, "principalType"), "a user or a service principal: Azure looks it up")
	assert.Equal(t, "the deploying identity "+azuremock.DeployerObjectID+" (aks.adminGroupObjectIds is empty)", dev.Outputs["clusterAdmins"])

	groups := []any{"0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "1b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e"}
	withGroups, err := mocktest.Run(t, "dev", mocktest.WithConfig(t, mocktest.Set("aks", "adminGroupObjectIds", groups)))
	require.NoError(t, err)
	grants = admins(withGroups)
	require.Len(t, grants, 2, "one per group, none for the deployer")
	var principals []any
	for _, ra := range grants {
		principals = append(principals, mocktest.Str(ra.Inputs, "principalId"))
		assert.Equal(t, "Group", mocktest.Str(ra.Inputs, "principalType"))
		assert.Equal(t, withGroups.One(t, azuretype.ManagedCluster).ID, mocktest.Str(ra.Inputs, "scope"))
	}
	assert.ElementsMatch(t, groups, principals)
	assert.Equal(t, fmt.Sprintf("Entra ID groups %s, %s", groups...), withGroups.Outputs["clusterAdmins"])
	assert.NotEqual(t, mocktest.Str(grants[0].Inputs, "roleAssignmentName"), mocktest.Str(grants[1].Inputs, "roleAssignmentName"))

	prod := mocktest.RunStack(t, "prod")
	require.Len(t, admins(prod), 1)
	assert.Equal(t, "Group", mocktest.Str(admins(prod)[0].Inputs, "principalType"), "prod names its admin group")
}

func TestContainerInsightsHasItsDataCollectionRuleAndAssociation(t *testing.T) {
	for _, stack := range []string{"dev", "prod"} {
		res := mocktest.RunStack(t, stack)
		cluster := res.One(t, azuretype.ManagedCluster)
		workspace := res.One(t, azuretype.Workspace)
		assert.Equal(t, "true", mocktest.Str(cluster.Inputs, "addonProfiles", "omsagent", "config", "useAADAuth"))

		dcr := res.One(t, azuretype.DataCollectionRule)
		assert.Equal(t, fmt.Sprintf("MSCI-westeurope-aks-hubspoke-%s", stack), mocktest.Str(dcr.Inputs, "dataCollectionRuleName"))
		assert.Equal(t, mocktest.Str(cluster.Inputs, "resourceGroupName"), mocktest.Str(dcr.Inputs, "resourceGroupName"))
		assert.Equal(t, "Linux", mocktest.Str(dcr.Inputs, "kind"))
		ext := mocktest.At(dcr.Inputs, "dataSources", "extensions", 0).ObjectValue()
		assert.Equal(t, "ContainerInsights", mocktest.Str(ext, "extensionName"))
		assert.Equal(t, []string{"Microsoft-ContainerInsights-Group-Default"}, mocktest.Strs(ext, "streams"))
		assert.Equal(t, workspace.ID, mocktest.Str(dcr.Inputs, "destinations", "logAnalytics", 0, "workspaceResourceId"))
		destination := mocktest.Str(dcr.Inputs, "destinations", "logAnalytics", 0, "name")
		assert.Equal(t, []string{destination}, mocktest.Strs(dcr.Inputs, "dataFlows", 0, "destinations"), "the flow ends in the workspace")
		assert.Equal(t, []string{"Microsoft-ContainerInsights-Group-Default"}, mocktest.Strs(dcr.Inputs, "dataFlows", 0, "streams"))

		dcra := res.One(t, azuretype.DataCollectionRuleLink)
		assert.Equal(t, "ContainerInsightsExtension", mocktest.Str(dcra.Inputs, "associationName"))
		assert.Equal(t, cluster.ID, mocktest.Str(dcra.Inputs, "resourceUri"))
		assert.Equal(t, dcr.ID, mocktest.Str(dcra.Inputs, "dataCollectionRuleId"))
	}
}

func TestPeeringsFinishBeforeAnythingJoinsAHubSubnet(t *testing.T) {
	joiners := []string{azuretype.Firewall, azuretype.Bastion, azuretype.NIC, azuretype.DNSResolver}
	for name, res := range variants(t) {
		hubToSpoke, spokeToHub := res.Named(t, azuretype.Peering, "peer-hub-to-spoke"), res.Named(t, azuretype.Peering, "peer-spoke-to-hub")
		assert.True(t, mocktest.DependsOn(spokeToHub, hubToSpoke), "%s: one peering at a time", name)
		joined := 0
		for _, typ := range joiners {
			for _, r := range res.OfType(typ) {
				joined++
				assert.True(t, mocktest.DependsOn(r, hubToSpoke) && mocktest.DependsOn(r, spokeToHub), "%s: %s waits for both peerings", name, r.URN)
			}
		}
		assert.GreaterOrEqual(t, joined, 3, name)
	}
}

func TestMovedHubResourcesKeepTheirURNsThroughAliases(t *testing.T) {
	res := mocktest.RunStack(t, "dev")
	hubComponent := res.ByURN("urn:pulumi:dev::hubspoke::hubspoke:hub:Hub::hub")
	require.NotNil(t, hubComponent)
	moved := 0
	for _, r := range res.Resources {
		parent := res.ByURN(r.Parent)
		if parent == nil || parent.Type != "hubspoke:hub:Access" {
			continue
		}
		moved++
		var parents []string
		for _, alias := range r.Aliases {
			if p := alias.GetSpec().GetParentUrn(); p != "" {
				parents = append(parents, p)
			}
		}
		assert.Equal(t, []string{hubComponent.URN}, parents, "%s was registered under the hub component: the alias keeps its old URN", r.URN)
	}
	assert.Equal(t, 5, moved, "jump box NIC and VM, Bastion, its public IP and diagnostics")
}

func TestTheMockGivesEveryComputedValueADistinctPlaceholder(t *testing.T) {
	for name, res := range variants(t) {
		seen := map[string]string{}
		for _, pip := range res.OfType(azuretype.PublicIP) {
			ip := mocktest.Str(pip.State, "ipAddress")
			require.NotEmpty(t, ip)
			assert.NotContains(t, seen, ip, "%s: %s and %s share a public IP", name, seen[ip], pip.Name)
			seen[ip] = pip.Name
		}
		for _, nic := range res.OfType(azuretype.NIC) {
			if static := mocktest.Str(nic.Inputs, "ipConfigurations", 0, "privateIPAddress"); static != "" {
				assert.Equal(t, static, mocktest.Str(nic.State, "ipConfigurations", 0, "privateIPAddress"), "%s: a static address is kept", name)
			}
		}
	}
}
