package tests

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hubspoke/private-aks/internal/azuremock"
	"github.com/hubspoke/private-aks/internal/azuretype"
	"github.com/hubspoke/private-aks/internal/mocktest"
	"github.com/hubspoke/private-aks/internal/rbac"
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
	// Every variant registers (the offline Azure refuses the shapes ARM refuses); these are the
	// shapes that matter, as Microsoft Learn's Bastion NSG table gives them.
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

func TestTheOfflineAzureRefusesWhatARMRefuses(t *testing.T) {
	const rg = "rg-test"
	group := resource.NewPropertyMapFromMap(map[string]any{"resourceGroupName": rg, "location": "westeurope"})
	nsg := func(rule map[string]any) resource.PropertyMap {
		return resource.NewPropertyMapFromMap(map[string]any{"resourceGroupName": rg, "networkSecurityGroupName": "nsg-test",
			"securityRules": []any{rule}})
	}
	https := func(edit func(map[string]any)) map[string]any {
		rule := map[string]any{"name": "https", "sourceAddressPrefixes": []any{"10.0.0.0/16", "10.1.0.0/16"}, "sourcePortRange": "*",
			"destinationAddressPrefix": "*", "destinationPortRange": "443"}
		edit(rule)
		return rule
	}
	vnet := resource.NewPropertyMapFromMap(map[string]any{"resourceGroupName": rg, "virtualNetworkName": "vnet-test",
		"subnets": []any{map[string]any{"name": "snet-a", "addressPrefix": "10.0.1.0/28"}}})
	tests := []struct {
		name   string
		typ    string
		inputs resource.PropertyMap
		want   string // "" when Azure accepts it
	}{
		{"a resource before its resource group", azuretype.VNet, vnet, "ResourceGroupNotFound: resource group 'rg-test' could not be found"},
		{"the resource group", azuretype.ResourceGroup, group, ""},
		{"a route before its route table", azuretype.Route, resource.NewPropertyMapFromMap(map[string]any{"resourceGroupName": rg,
			"routeTableName": "rt-test", "routeName": "default"}), "ParentResourceNotFound: parent resource 'rt-test'"},
		{"CIDRs in the plural field", azuretype.NSG, nsg(https(func(map[string]any) {})), ""},
		// SecurityRuleParameterContainsUnsupportedValue (REST spec SecurityRulePropertiesFormat).
		{"a service tag in the plural field", azuretype.NSG, nsg(https(func(r map[string]any) { r["sourceAddressPrefixes"] = []any{"Internet"} })),
			`SecurityRuleParameterContainsUnsupportedValue: security rule https: sourceAddressPrefixes holds "Internet"`},
		{"both the singular and the plural field", azuretype.NSG, nsg(https(func(r map[string]any) { r["sourceAddressPrefix"] = "*" })),
			"exactly one of sourceAddressPrefix and sourceAddressPrefixes"},
		{"a wildcard in the plural port field", azuretype.NSG, nsg(https(func(r map[string]any) {
			delete(r, "destinationPortRange")
			r["destinationPortRanges"] = []any{"*"}
		})), `destinationPortRanges holds "*"`},
		{"the VNet", azuretype.VNet, vnet, ""},
		{"a NIC in a subnet its VNet does not declare", azuretype.NIC, nic("snet-b", "Dynamic", ""),
			"InvalidResourceReference: resource /subscriptions/" + azuremock.SubscriptionID + "/resourceGroups/rg-test/providers/Microsoft.Network/virtualNetworks/vnet-test/subnets/snet-b"},
		{"a static address outside the subnet", azuretype.NIC, nic("snet-a", "Static", "10.0.2.5"), "PrivateIPAddressNotInSubnet: 10.0.2.5 is not in 10.0.1.0/28"},
		{"a static address Azure reserves", azuretype.NIC, nic("snet-a", "Static", "10.0.1.3"), "PrivateIPAddressInReservedRange"},
		{"a static address", azuretype.NIC, nic("snet-a", "Static", "10.0.1.4"), ""},
		// A VNet links to one private DNS zone of a name, once (Microsoft Learn, "What is a virtual
		// network link?"; Azure/ARO-RP#796): a second zone of the same name elsewhere, or a second
		// link to the same zone, is refused.
		// An ephemeral OS disk must fit the size's temp disk: 75 GiB on Standard_D2ds_v5 (Microsoft
		// Learn, Ddsv5 series, checked 2026-12-06; AKS VMCannotFitEphemeralOSDisk).
		{"a cluster whose system pool's ephemeral OS disk outgrows the temp disk", azuretype.ManagedCluster, resource.NewPropertyMapFromMap(map[string]any{
			"resourceGroupName": rg, "resourceName": "aks-test", "agentPoolProfiles": []any{
				map[string]any{"name": "system", "vmSize": "Standard_D2ds_v5", "osDiskType": "Ephemeral", "osDiskSizeGB": 76}}}),
			"VMCannotFitEphemeralOSDisk: the OS disk of 76 GiB does not fit the 75 GiB temp disk of Standard_D2ds_v5"},
		{"the cluster with an OS disk that fits", azuretype.ManagedCluster, resource.NewPropertyMapFromMap(map[string]any{
			"resourceGroupName": rg, "resourceName": "aks-test", "location": "westeurope", "dnsPrefix": "aks-test", "kubernetesVersion": "1.36",
			"apiServerAccessProfile": map[string]any{"privateDNSZone": "system"}, "agentPoolProfiles": []any{
				map[string]any{"name": "system", "vmSize": "Standard_D2ds_v5", "osDiskType": "Ephemeral", "osDiskSizeGB": 75}}}), ""},
		{"a pool on a size without a local disk", azuretype.AgentPool, resource.NewPropertyMapFromMap(map[string]any{
			"resourceGroupName": rg, "resourceName": "aks-test", "agentPoolName": "user", "vmSize": "Standard_D4s_v5", "osDiskType": "Ephemeral", "osDiskSizeGB": 30}),
			"VMCannotFitEphemeralOSDisk: Standard_D4s_v5 has no local disk"},
		{"a zone", azuretype.PrivateZone, zone(rg), ""},
		{"its link to the VNet", azuretype.VNetLink, zoneLink(rg, "link-a"), ""},
		{"the same zone's name in another group", azuretype.ResourceGroup, resource.NewPropertyMapFromMap(map[string]any{"resourceGroupName": "rg-other"}), ""},
		{"that zone", azuretype.PrivateZone, zone("rg-other"), ""},
		{"its link to the same VNet", azuretype.VNetLink, zoneLink("rg-other", "link-b"),
			"BadRequest: A virtual network cannot be linked to multiple zones with overlapping namespaces"},
		{"a second link from the first zone", azuretype.VNetLink, zoneLink(rg, "link-c"), "overlapping namespaces"},
	}
	cloud := azuremock.New()
	for _, tc := range tests {
		_, _, err := cloud.Create(tc.typ, tc.inputs)
		if tc.want == "" {
			assert.NoError(t, err, tc.name)
		} else {
			assert.ErrorContains(t, err, tc.want, tc.name)
		}
	}
	_, _, err := cloud.Create(azuretype.NIC, nic("snet-a", "Static", "10.0.1.4", "nic-other"))
	assert.ErrorContains(t, err, "PrivateIPAddressInUse: 10.0.1.4 is held by", "another NIC on a taken address")
	// Once the first link is gone, the VNet may link to the other zone of that name.
	cloud.Delete("/subscriptions/" + azuremock.SubscriptionID + "/resourceGroups/rg-test/providers/Microsoft.Network/privateDnsZones/privatelink.azurecr.io/virtualNetworkLinks/link-a")
	_, _, err = cloud.Create(azuretype.VNetLink, zoneLink("rg-other", "link-b"))
	assert.NoError(t, err, "a link after the VNet's other link to a zone of that name was deleted")
}

// zone is a private DNS zone privatelink.azurecr.io in a group; zoneLink its link to the test's VNet.
func zone(group string) resource.PropertyMap {
	return resource.NewPropertyMapFromMap(map[string]any{"resourceGroupName": group, "privateZoneName": "privatelink.azurecr.io"})
}

func zoneLink(group, name string) resource.PropertyMap {
	return resource.NewPropertyMapFromMap(map[string]any{"resourceGroupName": group, "privateZoneName": "privatelink.azurecr.io",
		"virtualNetworkLinkName": name, "virtualNetwork": map[string]any{"id": "/subscriptions/" + azuremock.SubscriptionID +
			"/resourceGroups/rg-test/providers/Microsoft.Network/virtualNetworks/vnet-test"}})
}

// nic is a NIC's inputs in subnet of the test's VNet, optionally under another name.
func nic(subnet, method, ip string, name ...string) resource.PropertyMap {
	config := map[string]any{"name": "ipconfig1", "privateIPAllocationMethod": method,
		"subnet": map[string]any{"id": "/subscriptions/" + azuremock.SubscriptionID + "/resourceGroups/rg-test/providers/Microsoft.Network/virtualNetworks/vnet-test/subnets/" + subnet}}
	if ip != "" {
		config["privateIPAddress"] = ip
	}
	return resource.NewPropertyMapFromMap(map[string]any{"resourceGroupName": "rg-test", "networkInterfaceName": append(name, "nic-test")[0],
		"ipConfigurations": []any{config}})
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
		// The declared subnets, read from the VNets' inputs.
		subnets := map[string]netip.Prefix{}
		for _, vnet := range res.OfType(azuretype.VNet) {
			for _, s := range mocktest.Items(vnet.Inputs, "subnets") {
				subnets[vnet.ID+"/subnets/"+mocktest.Str(s.ObjectValue(), "name")] = netip.MustParsePrefix(mocktest.Str(s.ObjectValue(), "addressPrefix"))
			}
		}
		seen := map[string]string{}
		distinct := func(value, holder string) {
			require.NotEmpty(t, value, "%s: %s has its computed value", name, holder)
			assert.NotContains(t, seen, value, "%s: %s and %s share %s", name, seen[value], holder, value)
			seen[value] = holder
		}
		// Computed private addresses lie in their subnet, but not at its first usable address
		// (.4, what Azure usually hands out first and what a program could type in).
		inSubnet := func(ip, subnetID, holder string) {
			distinct(ip, holder)
			subnet, ok := subnets[subnetID]
			require.True(t, ok, "%s: %s is in a declared subnet, not %s", name, holder, subnetID)
			addr := netip.MustParseAddr(ip)
			assert.True(t, subnet.Contains(addr), "%s: %s's %s lies in %s", name, holder, ip, subnet)
			assert.NotEqual(t, subnet.Addr().Next().Next().Next().Next(), addr, "%s: %s has the subnet's first usable address", name, holder)
		}
		for _, pip := range res.OfType(azuretype.PublicIP) {
			distinct(mocktest.Str(pip.State, "ipAddress"), pip.Name)
		}
		for _, fw := range res.OfType(azuretype.Firewall) {
			inSubnet(mocktest.Str(fw.State, "ipConfigurations", 0, "privateIPAddress"), mocktest.Str(fw.Inputs, "ipConfigurations", 0, "subnet", "id"), fw.Name)
		}
		for _, nic := range res.OfType(azuretype.NIC) {
			ip := mocktest.Str(nic.State, "ipConfigurations", 0, "privateIPAddress")
			if static := mocktest.Str(nic.Inputs, "ipConfigurations", 0, "privateIPAddress"); static != "" {
				assert.Equal(t, static, ip, "%s: a static address is kept", name)
				distinct(ip, nic.Name)
				continue
			}
			inSubnet(ip, mocktest.Str(nic.Inputs, "ipConfigurations", 0, "subnet", "id"), nic.Name)
		}
		records := 0
		for _, pe := range res.OfType(azuretype.PrivateEndpoint) {
			for _, record := range mocktest.Items(pe.State, "customDnsConfigs") {
				records++
				inSubnet(mocktest.Strs(record.ObjectValue(), "ipAddresses")[0], mocktest.Str(pe.Inputs, "subnet", "id"), mocktest.Str(record.ObjectValue(), "fqdn"))
			}
		}
		assert.Equal(t, 3, records, "%s: the registry, its data endpoint and the vault", name)
		for _, id := range res.OfType(azuretype.Identity) {
			distinct(mocktest.Str(id.State, "principalId"), id.Name+" principal")
			distinct(mocktest.Str(id.State, "clientId"), id.Name+" client")
		}
	}
}

func TestEveryResourceTakesItsResourceGroupAndParentFromTheirOutputs(t *testing.T) {
	// A name typed in where an output belongs creates no dependency: the engine may then create
	// the resource before its group or parent exists (ResourceGroupNotFound, ParentResourceNotFound).
	parentInputs := []string{"resourceGroupName", "routeTableName", "firewallPolicyName", "virtualNetworkName", "privateZoneName",
		"dnsResolverName", "dnsForwardingRulesetName", "vmName", "privateEndpointName"}
	for name, res := range variants(t) {
		checked := 0
		for _, r := range res.Resources {
			if !r.Custom || r.Type == azuretype.Provider || r.Type == azuretype.ResourceGroup {
				continue
			}
			for _, key := range parentInputs {
				if mocktest.Str(r.Inputs, key) == "" || key == azuretype.Table[r.Type].NameInput {
					continue // absent, or the resource's own name
				}
				checked++
				assert.NotEmpty(t, r.PropertyDependencies[key], "%s: %s's %s is typed in, not taken from an output", name, r.URN, key)
			}
		}
		assert.Greater(t, checked, 40, name)
	}
}

func TestTheOfflineAzureNeverHandsOutASubnetsFirstUsableAddresses(t *testing.T) {
	// A /29 has eight addresses: Azure reserves the first four and the last (Microsoft Learn,
	// "Virtual network FAQ"), leaving .4, .5 and .6. The mock skips .4 and .5, what a program could
	// type in or derive, so the only address it hands out here is .6.
	cloud := azuremock.New()
	_, _, err := cloud.Create(azuretype.ResourceGroup, resource.NewPropertyMapFromMap(map[string]any{"resourceGroupName": "rg-test"}))
	require.NoError(t, err)
	_, _, err = cloud.Create(azuretype.VNet, resource.NewPropertyMapFromMap(map[string]any{"resourceGroupName": "rg-test", "virtualNetworkName": "vnet-test",
		"subnets": []any{map[string]any{"name": "snet-a", "addressPrefix": "10.0.1.0/29"}}}))
	require.NoError(t, err)
	_, state, err := cloud.Create(azuretype.NIC, nic("snet-a", "Dynamic", ""))
	require.NoError(t, err)
	assert.Equal(t, "10.0.1.6", mocktest.Str(state, "ipConfigurations", 0, "privateIPAddress"))
	_, _, err = cloud.Create(azuretype.NIC, nic("snet-a", "Dynamic", "", "nic-second"))
	assert.ErrorContains(t, err, "SubnetIsFull", "no other address is left to hand out")
}

func TestRoleAssignmentNamesDoNotDependOnWhoRunsTheDeployment(t *testing.T) {
	// A stack without admin groups grants the deploying identity; a preview by another identity
	// (CI's read-only one) must not see those assignments renamed, or replaced under a new name.
	names := func(deployer string) map[string]string {
		res, err := mocktest.RunAs(t, deployer, "dev", mocktest.StackConfig(t, "dev"))
		require.NoError(t, err)
		out := map[string]string{}
		for _, ra := range res.OfType(azuretype.RoleAssignment) {
			out[ra.URN] = mocktest.Str(ra.Inputs, "roleAssignmentName")
		}
		return out
	}
	const someoneElse = "0f0f0f0f-1e1e-4d4d-8c8c-7b7b7b7b7b7b"
	asDeployer, asSomeoneElse := names(azuremock.DeployerObjectID), names(someoneElse)
	require.Len(t, asDeployer, 6, "the control plane's two grants, AcrPull, the secrets reader, and the deployer's two")
	assert.Equal(t, asDeployer, asSomeoneElse)
}

func TestTheProgramAssignsExactlyTheRolesTheDeployIdentityMayAssign(t *testing.T) {
	// Azure built-in roles (Microsoft Learn, "Azure built-in roles", checked 2026-12-05).
	want := []string{
		"4d97b98b-1d4f-4787-a291-c67834d212e7", // Network Contributor: the cluster identity, on the spoke VNet and route table
		"b12aa53e-6015-4669-85d0-8515ebb3ae7f", // Private DNS Zone Contributor: the cluster identity, on a custom zone
		"b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b", // Azure Kubernetes Service RBAC Cluster Admin: the admins
		"7f951dda-4ed3-4680-a7ca-43fe172d538d", // AcrPull: the kubelet identity
		"4633458b-17de-408a-b874-0445c86b69e6", // Key Vault Secrets User: the secrets provider, a workload identity
		"b86a8fe4-44ce-4948-aee5-eccb2c155cd7", // Key Vault Secrets Officer: the admins
	}
	assigned := map[string]bool{}
	runs := variants(t)
	// A custom zone (Private DNS Zone Contributor) and a workload identity (Secrets User).
	withWorkload, err := mocktest.Run(t, "dev", mocktest.WithConfig(t, mocktest.All(mocktest.DNSMode("azure"),
		mocktest.Set("keyVault", "workloadIdentity", map[string]any{"namespace": "payments", "serviceAccount": "api"}))))
	require.NoError(t, err)
	runs["dev-custom-zone-workload-identity"] = withWorkload
	for _, res := range runs {
		for _, ra := range res.OfType(azuretype.RoleAssignment) {
			id := mocktest.Str(ra.Inputs, "roleDefinitionId")
			assigned[id[strings.LastIndex(id, "/")+1:]] = true
		}
	}
	assert.ElementsMatch(t, want, slices.Collect(maps.Keys(assigned)), "the roles the program assigns")
	assert.ElementsMatch(t, want, rbac.ProgramRoles, "the list the deploy identity's condition is built from")
}

// inboundSources are an NSG's inbound allow rules, as name -> sources.
func inboundSources(nsgRes *mocktest.Registered) map[string][]string {
	out := map[string][]string{}
	for _, r := range mocktest.Items(nsgRes.Inputs, "securityRules") {
		rule := r.ObjectValue()
		if rule["direction"].StringValue() != "Inbound" || rule["access"].StringValue() != "Allow" {
			continue
		}
		name := rule["name"].StringValue()
		if p := rule["sourceAddressPrefix"]; p.IsString() {
			out[name] = []string{p.StringValue()}
		}
		if ps := rule["sourceAddressPrefixes"]; ps.IsArray() {
			for _, p := range ps.ArrayValue() {
				out[name] = append(out[name], p.StringValue())
			}
		}
	}
	return out
}

func TestNSGsOfRoutedSubnetsNameTheirSourcesInsteadOfTheVirtualNetworkTag(t *testing.T) {
	// The VirtualNetwork tag includes the prefixes of a subnet's user-defined routes (Microsoft
	// Learn, "Virtual network service tags", checked 2026-12-06): on the subnets that route
	// 0.0.0.0/0 to the firewall (the AKS and jump-box subnets, and the forwarders' in that
	// mode) it would admit every source.
	res, err := mocktest.Run(t, "dev", mocktest.WithConfig(t, mocktest.DNSMode("forwarder")))
	require.NoError(t, err)
	aks := inboundSources(res.Named(t, azuretype.NSG, "nsg-hubspoke-dev-aks"))
	assert.Equal(t, []string{"10.0.0.0/16", "10.1.0.0/16", "172.30.0.0/16"}, aks["allow-vnets-inbound"], "hub, spoke, on-premises")
	for _, name := range []string{"nsg-hubspoke-dev-aks", "nsg-hubspoke-dev-jumpbox", "nsg-hubspoke-dev-dns"} {
		for rule, sources := range inboundSources(res.Named(t, azuretype.NSG, name)) {
			assert.NotContains(t, sources, "VirtualNetwork", "%s %s", name, rule)
			assert.NotContains(t, sources, "*", "%s %s", name, rule)
		}
	}
}

func TestResourceIDsHaveAzuresShape(t *testing.T) {
	// Azure's IDs (Microsoft Learn, "Resource ID" of each REST API; checked 2026-12-06): a
	// top-level resource under its group's provider, a child under its parent, an extension
	// resource under the resource it extends, a storage container under blobServices/default.
	// Catches an offline Azure that shapes IDs its own way (a code path or policy that parses an
	// ID is then tested against a shape Azure never returns), or a wrong segment in the type table.
	res := mocktest.RunStack(t, "prod")
	sub := "/subscriptions/" + azuremock.SubscriptionID
	hubVNet := sub + "/resourceGroups/rg-hubspoke-prod-hub/providers/Microsoft.Network/virtualNetworks/vnet-hubspoke-prod-hub"
	assert.Equal(t, hubVNet, res.Named(t, azuretype.VNet, "vnet-hubspoke-prod-hub").ID)
	peering := res.Named(t, azuretype.Peering, "peer-hub-to-spoke")
	assert.Equal(t, hubVNet+"/virtualNetworkPeerings/peer-hub-to-spoke", peering.ID)
	cluster := sub + "/resourceGroups/rg-hubspoke-prod-spoke/providers/Microsoft.ContainerService/managedClusters/aks-hubspoke-prod"
	assert.Equal(t, cluster, res.One(t, azuretype.ManagedCluster).ID)
	assert.Equal(t, cluster+"/agentPools/user", res.One(t, azuretype.AgentPool).ID)
	require.NotEmpty(t, res.OfType(azuretype.RoleAssignment))
	require.NotEmpty(t, res.OfType(azuretype.DiagnosticSetting))
	for _, ra := range res.OfType(azuretype.RoleAssignment) {
		assert.Equal(t, mocktest.Str(ra.Inputs, "scope")+"/providers/Microsoft.Authorization/roleAssignments/"+mocktest.Str(ra.Inputs, "roleAssignmentName"), ra.ID)
	}
	for _, ds := range res.OfType(azuretype.DiagnosticSetting) {
		assert.Equal(t, mocktest.Str(ds.Inputs, "resourceUri")+"/providers/Microsoft.Insights/diagnosticSettings/"+mocktest.Str(ds.Inputs, "name"), ds.ID)
	}

	cloud := azuremock.New()
	account := resource.NewPropertyMapFromMap(map[string]any{"resourceGroupName": "rg-state", "accountName": "ststate", "containerName": "state"})
	_, _, err := cloud.Create(azuretype.ResourceGroup, resource.NewPropertyMapFromMap(map[string]any{"resourceGroupName": "rg-state"}))
	require.NoError(t, err)
	_, _, err = cloud.Create(azuretype.StorageAccount, account)
	require.NoError(t, err)
	id, _, err := cloud.Create(azuretype.BlobContainer, account)
	require.NoError(t, err)
	assert.Equal(t, sub+"/resourceGroups/rg-state/providers/Microsoft.Storage/storageAccounts/ststate/blobServices/default/containers/state", id)
}
