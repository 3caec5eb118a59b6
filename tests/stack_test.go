package tests

import (
	"encoding/base64"
	"encoding/json"
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
)

const (
	devHubVNet          = "vnet-hubspoke-dev-hub"
	devSpokeVNet        = "vnet-hubspoke-dev-spoke"
	devAksSubnet        = "10.1.0.0/22"
	devJumpSubnet       = "10.0.1.0/28"
	devLocation         = "westeurope"
	devClusterName      = "aks-hubspoke-dev"
	componentTypePrefix = "hubspoke:"
)

func TestClusterIsPrivateAndEgressesThroughUserDefinedRouting(t *testing.T) {
	res := mocktest.RunStack(t, "dev")
	cluster := res.One(t, azuretype.ManagedCluster)
	in := cluster.Inputs

	assert.Equal(t, true, mocktest.At(in, "apiServerAccessProfile", "enablePrivateCluster").BoolValue())
	assert.Equal(t, false, mocktest.At(in, "apiServerAccessProfile", "enablePrivateClusterPublicFQDN").BoolValue())
	assert.Equal(t, "userDefinedRouting", mocktest.Str(in, "networkProfile", "outboundType"))
	assert.Equal(t, "azure", mocktest.Str(in, "networkProfile", "networkPlugin"))
	assert.Equal(t, "overlay", mocktest.Str(in, "networkProfile", "networkPluginMode"))
	assert.Equal(t, "cilium", mocktest.Str(in, "networkProfile", "networkPolicy"))
	assert.Equal(t, "172.16.0.0/16", mocktest.Str(in, "networkProfile", "serviceCidr"))
	assert.Equal(t, "172.16.0.10", mocktest.Str(in, "networkProfile", "dnsServiceIP"))
	assert.Equal(t, "192.168.0.0/16", mocktest.Str(in, "networkProfile", "podCidr"))
	assert.Equal(t, true, mocktest.At(in, "disableLocalAccounts").BoolValue())
	assert.Equal(t, true, mocktest.At(in, "aadProfile", "managed").BoolValue())
	assert.Equal(t, true, mocktest.At(in, "aadProfile", "enableAzureRBAC").BoolValue())

	identity := res.One(t, azuretype.Identity)
	assert.Equal(t, "UserAssigned", mocktest.Str(in, "identity", "type"))
	assert.Equal(t, []string{identity.ID}, mocktest.Strs(in, "identity", "userAssignedIdentities"))

	pool := mocktest.At(in, "agentPoolProfiles", 0).ObjectValue()
	assert.Equal(t, "System", mocktest.Str(pool, "mode"))
	assert.Equal(t, float64(2), mocktest.At(pool, "count").NumberValue())
	assert.Equal(t, "Standard_D4ds_v5", mocktest.Str(pool, "vmSize"))
	assert.Equal(t, float64(110), mocktest.At(pool, "maxPods").NumberValue())
	assert.Equal(t, "1.36", mocktest.Str(pool, "orchestratorVersion"))
	assert.Equal(t, "1.36", mocktest.Str(in, "kubernetesVersion"))
	assert.Equal(t, res.VNet(t, devSpokeVNet).ID+"/subnets/snet-aks-nodes", mocktest.Str(pool, "vnetSubnetID"))
}

func TestDefaultRouteTargetsFirewallPrivateIP(t *testing.T) {
	res := mocktest.RunStack(t, "dev")
	route := res.One(t, azuretype.Route)
	fw := res.One(t, azuretype.Firewall)
	routeTable := res.One(t, azuretype.RouteTable)

	// Azure gives the firewall an address of AzureFirewallSubnet (10.0.0.0/26 in Pulumi.dev.yaml);
	// the mock never gives the first usable one, 10.0.0.4, which a program could type in.
	firewallIP := mocktest.Str(fw.State, "ipConfigurations", 0, "privateIPAddress")
	require.True(t, netip.MustParsePrefix("10.0.0.0/26").Contains(netip.MustParseAddr(firewallIP)), "the mock fills the firewall's private IP: %q", firewallIP)
	require.NotEqual(t, "10.0.0.4", firewallIP)
	assert.Equal(t, firewallIP, mocktest.Str(route.Inputs, "nextHopIpAddress"))
	assert.True(t, mocktest.DependsOn(route, fw), "the next hop comes from the firewall's output")
	assert.Equal(t, firewallIP, res.Outputs["firewallPrivateIp"])
	assert.Equal(t, "0.0.0.0/0", mocktest.Str(route.Inputs, "addressPrefix"))
	assert.Equal(t, "VirtualAppliance", mocktest.Str(route.Inputs, "nextHopType"))
	assert.Equal(t, mocktest.Str(routeTable.State, "name"), mocktest.Str(route.Inputs, "routeTableName"))
	assert.Equal(t, mocktest.Str(routeTable.Inputs, "resourceGroupName"), mocktest.Str(route.Inputs, "resourceGroupName"))
	assert.Equal(t, true, mocktest.At(routeTable.Inputs, "disableBgpRoutePropagation").BoolValue())
	assert.True(t, mocktest.At(routeTable.Inputs, "routes").IsNull(), "routes are standalone, never inline")
}

func TestRouteTableIsOnTheSubnetsThatEgressThroughTheFirewallOnly(t *testing.T) {
	// The subnets whose traffic must leave through the firewall: the nodes, the jump box and the
	// DNS forwarders. The firewall's own subnet keeps its internet route; Bastion's refuses a
	// route table (Azure Bastion configuration settings); the rest have no egress of their own.
	want := map[string][]string{
		"dev":                 {"snet-aks-nodes", "snet-jumpbox"},
		"prod":                {"snet-aks-nodes", "snet-jumpbox"},
		"dev-forwarder":       {"snet-aks-nodes", "snet-dns-forwarders", "snet-jumpbox"},
		"dev-privateResolver": {"snet-aks-nodes", "snet-jumpbox"},
	}
	for name, res := range variants(t) {
		routeTable := res.One(t, azuretype.RouteTable)
		var routed []string
		declared := 0
		for _, vnet := range res.OfType(azuretype.VNet) {
			for _, s := range mocktest.Items(vnet.Inputs, "subnets") {
				declared++
				if rt := mocktest.At(s.ObjectValue(), "routeTable"); !rt.IsNull() {
					assert.Equal(t, routeTable.ID, mocktest.Str(s.ObjectValue(), "routeTable", "id"), "%s: the egress route table", name)
					routed = append(routed, mocktest.Str(s.ObjectValue(), "name"))
				}
			}
		}
		slices.Sort(routed)
		assert.Equal(t, want[name], routed, "%s: subnets carrying the egress route table (of %d)", name, declared)
	}
	aks := mocktest.Subnet(t, mocktest.RunStack(t, "dev").VNet(t, devSpokeVNet), "snet-aks-nodes")
	assert.Equal(t, devAksSubnet, aks["addressPrefix"])
}

func TestPeeringsConnectHubAndSpokeBothWays(t *testing.T) {
	tests := []struct {
		name       string
		hasGateway bool
	}{
		{"without gateway", false},
		{"with gateway", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := mocktest.WithConfig(t, mocktest.All(mocktest.Set("hub", "hasGateway", tc.hasGateway), mocktest.Set("hub", "gatewaySubnet", "10.0.0.192/27")))
			res, err := mocktest.Run(t, "dev", cfg)
			require.NoError(t, err)
			hubVNet, spokeVNet := res.VNet(t, devHubVNet), res.VNet(t, devSpokeVNet)
			peerings := res.OfType(azuretype.Peering)
			require.Len(t, peerings, 2)

			byLocal := map[string]*mocktest.Registered{}
			for _, p := range peerings {
				byLocal[mocktest.Str(p.Inputs, "virtualNetworkName")] = p
				assert.Equal(t, true, mocktest.At(p.Inputs, "allowVirtualNetworkAccess").BoolValue())
				assert.Equal(t, true, mocktest.At(p.Inputs, "allowForwardedTraffic").BoolValue())
			}
			hubSide, spokeSide := byLocal[devHubVNet], byLocal[devSpokeVNet]
			require.NotNil(t, hubSide)
			require.NotNil(t, spokeSide)
			assert.Equal(t, spokeVNet.ID, mocktest.Str(hubSide.Inputs, "remoteVirtualNetwork", "id"))
			assert.Equal(t, hubVNet.ID, mocktest.Str(spokeSide.Inputs, "remoteVirtualNetwork", "id"))
			assert.Equal(t, mocktest.Str(hubVNet.Inputs, "resourceGroupName"), mocktest.Str(hubSide.Inputs, "resourceGroupName"))
			assert.Equal(t, mocktest.Str(spokeVNet.Inputs, "resourceGroupName"), mocktest.Str(spokeSide.Inputs, "resourceGroupName"))
			assert.Equal(t, tc.hasGateway, mocktest.At(hubSide.Inputs, "allowGatewayTransit").BoolValue())
			assert.Equal(t, false, mocktest.At(hubSide.Inputs, "useRemoteGateways").BoolValue())
			assert.Equal(t, tc.hasGateway, mocktest.At(spokeSide.Inputs, "useRemoteGateways").BoolValue())
			gateway := mocktest.Subnet(t, hubVNet, "GatewaySubnet")
			assert.Equal(t, "10.0.0.192/27", gateway["addressPrefix"], "declared inline, so no update deletes it")
			assert.Nil(t, gateway["networkSecurityGroup"], "Azure does not support an NSG on GatewaySubnet")
			assert.Nil(t, gateway["routeTable"])
			assert.Equal(t, false, mocktest.At(spokeSide.Inputs, "allowGatewayTransit").BoolValue())
		})
	}
}

func TestHubVNetIsLinkedToTheClusterZone(t *testing.T) {
	tests := []struct {
		mode        string
		zoneName    string
		zoneGroup   func(res *mocktest.Result) string
		linkedVNets []string
	}{
		{
			mode:     "system",
			zoneName: azuremock.ZoneGUID + ".privatelink.westeurope.azmk8s.io",
			// AKS puts the zone in the node resource group it reports, read from the cluster's
			// output: Azure's default name (MC_rg-hubspoke-dev-spoke_aks-hubspoke-dev_westeurope)
			// is not what the mock reports, so a program that derives it fails here.
			zoneGroup: func(res *mocktest.Result) string {
				group := mocktest.Str(res.One(t, azuretype.ManagedCluster).State, "nodeResourceGroup")
				require.NotEqual(t, "MC_rg-hubspoke-dev-spoke_aks-hubspoke-dev_westeurope", group)
				return group
			},
			linkedVNets: []string{devHubVNet},
		},
		{
			mode:        "custom",
			zoneName:    "privatelink.westeurope.azmk8s.io",
			zoneGroup:   func(res *mocktest.Result) string { return "rg-hubspoke-dev-hub" },
			linkedVNets: []string{devHubVNet, devSpokeVNet},
		},
	}
	for _, tc := range tests {
		t.Run(tc.mode, func(t *testing.T) {
			res, err := mocktest.Run(t, "dev", mocktest.WithConfig(t, func(c map[string]any) { c["dns"] = map[string]any{"zoneMode": tc.mode} }))
			require.NoError(t, err)
			cluster := res.One(t, azuretype.ManagedCluster)
			fqdn := mocktest.Str(cluster.State, "privateFQDN")
			require.True(t, strings.HasSuffix(fqdn, "."+tc.zoneName), "mock FQDN %s lies in %s", fqdn, tc.zoneName)

			links := res.ClusterZoneLinks()
			require.Len(t, links, len(tc.linkedVNets))
			var linked []string
			for _, link := range links {
				vnet := res.ByID(mocktest.Str(link.Inputs, "virtualNetwork", "id"))
				require.NotNil(t, vnet, "link points at a registered VNet")
				linked = append(linked, mocktest.Str(vnet.Inputs, "virtualNetworkName"))
				assert.Equal(t, tc.zoneName, mocktest.Str(link.Inputs, "privateZoneName"))
				assert.Equal(t, tc.zoneGroup(res), mocktest.Str(link.Inputs, "resourceGroupName"))
				assert.Equal(t, "global", mocktest.Str(link.Inputs, "location"))
				assert.Equal(t, false, mocktest.At(link.Inputs, "registrationEnabled").BoolValue())
			}
			assert.ElementsMatch(t, tc.linkedVNets, linked)
			assert.Equal(t, tc.zoneName, res.Outputs["privateDnsZoneName"])
			assert.Equal(t, fqdn, res.Outputs["clusterPrivateFqdn"])
		})
	}
}

func TestCustomZoneExistsLinkedAndGrantedBeforeTheCluster(t *testing.T) {
	res, err := mocktest.Run(t, "dev", mocktest.WithConfig(t, func(c map[string]any) { c["dns"] = map[string]any{"zoneMode": "custom"} }))
	require.NoError(t, err)
	zone := res.Named(t, azuretype.PrivateZone, "privatelink.westeurope.azmk8s.io")
	cluster := res.One(t, azuretype.ManagedCluster)

	assert.Equal(t, "privatelink.westeurope.azmk8s.io", mocktest.Str(zone.Inputs, "privateZoneName"))
	assert.Equal(t, "rg-hubspoke-dev-hub", mocktest.Str(zone.Inputs, "resourceGroupName"))
	assert.Equal(t, "global", mocktest.Str(zone.Inputs, "location"))
	assert.Equal(t, zone.ID, mocktest.Str(cluster.Inputs, "apiServerAccessProfile", "privateDNSZone"))
	for _, link := range res.ClusterZoneLinks() {
		assert.True(t, mocktest.DependsOn(cluster, link), "cluster waits for %s", link.Name)
	}
	var zoneGrant *mocktest.Registered
	for _, ra := range res.OfType(azuretype.RoleAssignment) {
		if mocktest.Str(ra.Inputs, "scope") == zone.ID {
			zoneGrant = ra
		}
	}
	require.NotNil(t, zoneGrant, "identity holds a role on the zone")
	assert.Equal(t, "/subscriptions/"+azuremock.SubscriptionID+"/providers/Microsoft.Authorization/roleDefinitions/b12aa53e-6015-4669-85d0-8515ebb3ae7f",
		mocktest.Str(zoneGrant.Inputs, "roleDefinitionId"))
	assert.True(t, mocktest.DependsOn(cluster, zoneGrant))

	system := mocktest.RunStack(t, "dev")
	assert.Equal(t, "system", mocktest.Str(system.One(t, azuretype.ManagedCluster).Inputs, "apiServerAccessProfile", "privateDNSZone"))
	for _, z := range system.OfType(azuretype.PrivateZone) {
		assert.NotContains(t, mocktest.Str(z.Inputs, "privateZoneName"), "azmk8s.io", "system mode: AKS creates the zone")
	}
}

func TestFirewallAllowsContainerRegistryAndOSUpdates(t *testing.T) {
	res := mocktest.RunStack(t, "dev")

	acr := mocktest.RuleByName(t, res, "azurecontainerregistry")
	assert.Equal(t, "NetworkRule", acr["ruleType"])
	assert.Equal(t, []any{"AzureContainerRegistry"}, acr["destinationAddresses"])
	assert.Equal(t, []any{"TCP"}, acr["ipProtocols"])
	assert.Equal(t, []any{"443"}, acr["destinationPorts"])
	assert.Equal(t, []any{devAksSubnet}, acr["sourceAddresses"])

	updates := mocktest.RuleByName(t, res, "os-updates")
	assert.Equal(t, "ApplicationRule", updates["ruleType"])
	assert.Subset(t, updates["targetFqdns"], []any{"security.ubuntu.com", "azure.archive.ubuntu.com"})
	assert.Equal(t, []any{map[string]any{"protocolType": "Http", "port": float64(80)}}, updates["protocols"])
	assert.ElementsMatch(t, []any{devAksSubnet, devJumpSubnet}, updates["sourceAddresses"])

	tag := mocktest.RuleByName(t, res, "aks-fqdn-tag")
	assert.Equal(t, []any{"AzureKubernetesService"}, tag["fqdnTags"])
	core := mocktest.RuleByName(t, res, "aks-core-fqdns")
	assert.Contains(t, core["targetFqdns"], "mcr.microsoft.com")
	assert.Contains(t, core["targetFqdns"], "packages.aks.azure.com")
	ntp := mocktest.RuleByName(t, res, "ntp")
	assert.Equal(t, []any{"ntp.ubuntu.com"}, ntp["destinationFqdns"])
	assert.Equal(t, []any{"123"}, ntp["destinationPorts"])

	for _, g := range res.OfType(azuretype.RuleCollectionGroup) {
		for _, c := range mocktest.At(g.Inputs, "ruleCollections").ArrayValue() {
			coll := c.ObjectValue().Mappable()
			assert.Equal(t, "FirewallPolicyFilterRuleCollection", coll["ruleCollectionType"])
			assert.Equal(t, map[string]any{"type": "Allow"}, coll["action"])
			for _, r := range coll["rules"].([]any) {
				rule := r.(map[string]any)
				assert.NotContains(t, list(rule["destinationAddresses"]), "*", "rule %s is a catch-all", rule["name"])
				assert.NotContains(t, list(rule["targetFqdns"]), "*", "rule %s is a catch-all", rule["name"])
			}
		}
	}

	policy := res.One(t, azuretype.FirewallPolicy)
	assert.Equal(t, true, mocktest.At(policy.Inputs, "dnsSettings", "enableProxy").BoolValue())
	assert.Equal(t, "Standard", mocktest.Str(policy.Inputs, "sku", "tier"))
	fw := res.One(t, azuretype.Firewall)
	assert.Equal(t, policy.ID, mocktest.Str(fw.Inputs, "firewallPolicy", "id"))
	assert.Equal(t, res.VNet(t, devHubVNet).ID+"/subnets/AzureFirewallSubnet", mocktest.Str(fw.Inputs, "ipConfigurations", 0, "subnet", "id"))
	pip := res.Named(t, azuretype.PublicIP, "pip-hubspoke-dev-afw")
	assert.Equal(t, pip.ID, mocktest.Str(fw.Inputs, "ipConfigurations", 0, "publicIPAddress", "id"))
	assert.Equal(t, "Standard", mocktest.Str(pip.Inputs, "sku", "name"))
	assert.Equal(t, "Static", mocktest.Str(pip.Inputs, "publicIPAllocationMethod"))
	assert.Equal(t, mocktest.Str(pip.State, "ipAddress"), res.Outputs["firewallPublicIp"])
}

// list reads an optional list field of a rule.
func list(v any) []any {
	l, _ := v.([]any)
	return l
}

func TestRuleCollectionGroupsApplyOneAtATimeBeforeTheFirewall(t *testing.T) {
	res := mocktest.RunStack(t, "dev")
	groups := res.OfType(azuretype.RuleCollectionGroup)
	require.Len(t, groups, 2)
	byName := map[string]*mocktest.Registered{}
	for _, g := range groups {
		byName[mocktest.Str(g.Inputs, "ruleCollectionGroupName")] = g
	}
	network, application := byName["rcg-network"], byName["rcg-application"]
	require.NotNil(t, network)
	require.NotNil(t, application)
	assert.True(t, mocktest.DependsOn(application, network), "application rules wait for network rules")
	assert.False(t, mocktest.DependsOn(network, application))
	fw := res.One(t, azuretype.Firewall)
	assert.True(t, mocktest.DependsOn(fw, network))
	assert.True(t, mocktest.DependsOn(fw, application))
}

func TestJumpBoxHasNoPublicIPAndNoPassword(t *testing.T) {
	res := mocktest.RunStack(t, "dev")
	vm := res.One(t, azuretype.VM)
	nic := res.One(t, azuretype.NIC)
	cfg := mocktest.WithConfig(t, func(map[string]any) {})
	wantKey := strings.TrimSpace(configValueOf(t, cfg, "jumpBox", "sshPublicKey"))

	assert.True(t, mocktest.At(vm.Inputs, "osProfile", "adminPassword").IsNull(), "no password")
	assert.Equal(t, true, mocktest.At(vm.Inputs, "osProfile", "linuxConfiguration", "disablePasswordAuthentication").BoolValue())
	assert.Equal(t, wantKey, mocktest.Str(vm.Inputs, "osProfile", "linuxConfiguration", "ssh", "publicKeys", 0, "keyData"))
	assert.Equal(t, "/home/azureuser/.ssh/authorized_keys", mocktest.Str(vm.Inputs, "osProfile", "linuxConfiguration", "ssh", "publicKeys", 0, "path"))
	assert.Equal(t, nic.ID, mocktest.Str(vm.Inputs, "networkProfile", "networkInterfaces", 0, "id"))

	assert.True(t, mocktest.At(nic.Inputs, "ipConfigurations", 0, "publicIPAddress").IsNull(), "no public IP on the NIC")
	assert.Equal(t, res.VNet(t, devHubVNet).ID+"/subnets/snet-jumpbox", mocktest.Str(nic.Inputs, "ipConfigurations", 0, "subnet", "id"))
	jumpBoxIP := mocktest.Str(nic.State, "ipConfigurations", 0, "privateIPAddress")
	assert.True(t, netip.MustParsePrefix(devJumpSubnet).Contains(netip.MustParseAddr(jumpBoxIP)), "Azure's address for the NIC: %q", jumpBoxIP)
	assert.Equal(t, jumpBoxIP, res.Outputs["jumpBoxPrivateIp"])

	assert.Len(t, res.OfType(azuretype.PublicIP), 2, "public IPs only where the design needs them: the firewall's and Bastion's")

	customData, err := base64.StdEncoding.DecodeString(mocktest.Str(vm.Inputs, "osProfile", "customData"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(customData), "#cloud-config\n"))
	assert.Contains(t, string(customData), "apt-get install -y azure-cli")
	assert.Contains(t, string(customData), "az aks install-cli")
}

func configValueOf(t testing.TB, cfg map[string]string, key, field string) string {
	t.Helper()
	var obj map[string]any
	require.NoError(t, json.Unmarshal([]byte(cfg[mocktest.Project+":"+key]), &obj))
	return obj[field].(string)
}

func TestClusterWaitsForRouteRuleGroupsPeeringsAndRoleAssignments(t *testing.T) {
	res := mocktest.RunStack(t, "dev")
	cluster := res.One(t, azuretype.ManagedCluster)
	route := res.One(t, azuretype.Route)
	assert.True(t, mocktest.DependsOn(cluster, route), "cluster waits for the default route")
	for _, g := range res.OfType(azuretype.RuleCollectionGroup) {
		assert.True(t, mocktest.DependsOn(cluster, g), "cluster waits for %s", g.Name)
	}
	for _, p := range res.OfType(azuretype.Peering) {
		assert.True(t, mocktest.DependsOn(cluster, p), "cluster waits for %s", p.Name)
	}

	identity := res.One(t, azuretype.Identity)
	routeTable := res.One(t, azuretype.RouteTable)
	spokeVNet := res.VNet(t, devSpokeVNet)
	var grants []*mocktest.Registered
	for _, ra := range res.OfType(azuretype.RoleAssignment) {
		if mocktest.Str(ra.Inputs, "principalId") == mocktest.Str(identity.State, "principalId") {
			grants = append(grants, ra)
		}
	}
	require.Len(t, grants, 2, "the control-plane identity's grants")
	var scopes []string
	for _, ra := range grants {
		assert.True(t, mocktest.DependsOn(cluster, ra), "cluster waits for %s", ra.Name)
		scopes = append(scopes, mocktest.Str(ra.Inputs, "scope"))
		assert.Equal(t, mocktest.Str(identity.State, "principalId"), mocktest.Str(ra.Inputs, "principalId"))
		assert.Equal(t, "ServicePrincipal", mocktest.Str(ra.Inputs, "principalType"))
		assert.Equal(t, "/subscriptions/"+azuremock.SubscriptionID+"/providers/Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7",
			mocktest.Str(ra.Inputs, "roleDefinitionId"), "Network Contributor")
	}
	assert.ElementsMatch(t, []string{spokeVNet.ID, routeTable.ID}, scopes)
}

// componentOf says which components each resource type belongs to.
var componentOf = map[string][]string{
	azuretype.RouteTable:             {"hubspoke:hub:Hub"},
	azuretype.NIC:                    {"hubspoke:hub:Access"},
	azuretype.VM:                     {"hubspoke:hub:Access"},
	azuretype.FirewallPolicy:         {"hubspoke:firewall:Firewall"},
	azuretype.RuleCollectionGroup:    {"hubspoke:firewall:Firewall"},
	azuretype.Firewall:               {"hubspoke:firewall:Firewall"},
	azuretype.Route:                  {"hubspoke:firewall:Firewall"},
	azuretype.Peering:                {"hubspoke:peering:Peering"},
	azuretype.PrivateZone:            {"hubspoke:dns:Zone", "hubspoke:privatelink:Registry", "hubspoke:privatelink:Vault"},
	azuretype.VNetLink:               {"hubspoke:dns:Zone", "hubspoke:privatelink:Registry", "hubspoke:privatelink:Vault"},
	azuretype.Identity:               {"hubspoke:spoke:Cluster", "hubspoke:privatelink:Vault"},
	azuretype.AgentPool:              {"hubspoke:spoke:Cluster"},
	azuretype.Bastion:                {"hubspoke:hub:Access"},
	azuretype.DataCollectionRule:     {"hubspoke:spoke:Cluster"},
	azuretype.DataCollectionRuleLink: {"hubspoke:spoke:Cluster"},
	azuretype.Workspace:              {"hubspoke:monitoring:Monitoring"},
	azuretype.RoleAssignment:         {"hubspoke:spoke:Cluster", "hubspoke:privatelink:Registry", "hubspoke:privatelink:Vault"},
	azuretype.ManagedCluster:         {"hubspoke:spoke:Cluster"},
	azuretype.Registry:               {"hubspoke:privatelink:Registry"},
	azuretype.Vault:                  {"hubspoke:privatelink:Vault"},
	azuretype.PrivateEndpoint:        {"hubspoke:privatelink:Registry", "hubspoke:privatelink:Vault"},
	azuretype.PrivateDNSZoneGroup:    {"hubspoke:privatelink:Registry", "hubspoke:privatelink:Vault"},
}

func TestEveryResourceIsParentedToItsComponentAndUsesTheExplicitProvider(t *testing.T) {
	for _, mode := range []string{"system", "custom"} {
		t.Run(mode, func(t *testing.T) {
			res, err := mocktest.Run(t, "dev", mocktest.WithConfig(t, func(c map[string]any) { c["dns"] = map[string]any{"zoneMode": mode} }))
			require.NoError(t, err)
			provider := res.One(t, azuretype.Provider)
			components := 0
			for _, r := range res.Resources {
				parent := res.ByURN(r.Parent)
				switch {
				case r.Type == azuretype.Provider:
					assert.Nil(t, parent, "the provider is a top-level resource")
				case strings.HasPrefix(r.Type, componentTypePrefix):
					components++
					assert.Nil(t, parent, "component %s sits at the top of the stack", r.URN)
				default:
					require.NotNil(t, parent, "%s has a parent", r.URN)
					assert.True(t, strings.HasPrefix(parent.Type, componentTypePrefix), "%s is parented to a component, not %s", r.URN, parent.Type)
					if want, ok := componentOf[r.Type]; ok {
						assert.Contains(t, want, parent.Type, "%s", r.URN)
					}
					assert.True(t, strings.HasPrefix(r.Provider, provider.URN+"::"), "%s uses the explicit provider, not %q", r.URN, r.Provider)
				}
			}
			assert.Equal(t, 10, components, "monitoring, hub network, hub access, firewall, spoke, peering, dns, cluster, registry, vault")
		})
	}
}

// taggable are the types the program creates that Azure lets carry tags, and untaggable the rest
// (Microsoft Learn, "Tag support for Azure resources", checked 2026-12-05: child resources such as
// routes, peerings, rule collection groups, forwarding rules, ruleset links, zone groups and
// maintenance configurations, and extension resources such as role assignments, diagnostic
// settings and DCR associations, take no tags).
var (
	taggable = []string{
		azuretype.ResourceGroup, azuretype.VNet, azuretype.RouteTable, azuretype.PublicIP, azuretype.FirewallPolicy, azuretype.Firewall,
		azuretype.NIC, azuretype.PrivateZone, azuretype.VNetLink, azuretype.NSG, azuretype.Bastion, azuretype.DNSResolver,
		azuretype.InboundEndpoint, azuretype.OutboundEndpoint, azuretype.ForwardingRuleset, azuretype.VM, azuretype.AvailabilitySet,
		azuretype.RunCommand, azuretype.Identity, azuretype.ManagedCluster, azuretype.AgentPool, azuretype.Workspace,
		azuretype.DataCollectionRule, azuretype.Registry, azuretype.Vault, azuretype.PrivateEndpoint,
	}
	untaggable = []string{
		azuretype.Route, azuretype.RuleCollectionGroup, azuretype.Peering, azuretype.ForwardingRule, azuretype.RulesetLink,
		azuretype.RoleAssignment, azuretype.DiagnosticSetting, azuretype.DataCollectionRuleLink, azuretype.PrivateDNSZoneGroup,
		azuretype.FederatedCredential, azuretype.MaintenanceConfig,
	}
)

func TestEveryTaggableResourceCarriesTheStackTags(t *testing.T) {
	for name, res := range variants(t) {
		seen := map[string]bool{}
		for _, r := range res.Resources {
			switch {
			case slices.Contains(taggable, r.Type):
				seen[r.Type] = true
				want := map[string]any{"environment": "dev", "managedBy": "pulumi", "owner": "platform-team", "costCenter": "1234"}
				if name == "prod" {
					want = map[string]any{"environment": "prod", "managedBy": "pulumi", "owner": "platform-team", "costCenter": "1234", "criticality": "high"}
				}
				assert.Equal(t, want, mocktest.At(r.Inputs, "tags").Mappable(), "%s: %s", name, r.URN)
			case slices.Contains(untaggable, r.Type):
				assert.True(t, mocktest.At(r.Inputs, "tags").IsNull(), "%s: Azure refuses tags on %s", name, r.URN)
			case r.Custom && r.Type != azuretype.Provider:
				assert.Failf(t, "type not classified", "%s: say whether Azure lets %s carry tags", name, r.Type)
			}
		}
		assert.GreaterOrEqual(t, len(seen), 15, "%s: taggable types seen", name)
	}
	// The one table the program, the offline Azure and the policy pack read agrees.
	for _, typ := range taggable {
		assert.True(t, azuretype.Table[typ].Taggable, typ)
	}
	for _, typ := range untaggable {
		assert.False(t, azuretype.Table[typ].Taggable, typ)
	}
}

func TestNamesFollowCloudAdoptionFramework(t *testing.T) {
	res := mocktest.RunStack(t, "dev")
	want := map[string]string{
		azuretype.Firewall:       "afw-hubspoke-dev-hub",
		azuretype.FirewallPolicy: "afwp-hubspoke-dev-hub",
		azuretype.RouteTable:     "rt-hubspoke-dev-egress",
		azuretype.ManagedCluster: devClusterName,
		azuretype.VM:             "vm-hubspoke-dev-jumpbox",
		azuretype.Identity:       "id-hubspoke-dev-aks",
	}
	for typ, name := range want {
		assert.Equal(t, name, mocktest.Str(res.One(t, typ).State, "name"), typ)
	}
	var groups []string
	for _, rg := range res.OfType(azuretype.ResourceGroup) {
		groups = append(groups, mocktest.Str(rg.Inputs, "resourceGroupName"))
		assert.Equal(t, devLocation, mocktest.Str(rg.Inputs, "location"))
	}
	assert.ElementsMatch(t, []string{"rg-hubspoke-dev-hub", "rg-hubspoke-dev-spoke", "rg-hubspoke-dev-ops"}, groups)
}

func TestStackOutputsGiveAccessAndDNSCheckCommands(t *testing.T) {
	res := mocktest.RunStack(t, "dev")
	cluster := res.One(t, azuretype.ManagedCluster)
	fqdn := mocktest.Str(cluster.State, "privateFQDN")
	o := res.Outputs

	assert.Equal(t, "rg-hubspoke-dev-hub", o["hubResourceGroupName"])
	assert.Equal(t, "rg-hubspoke-dev-spoke", o["spokeResourceGroupName"])
	assert.Equal(t, res.VNet(t, devHubVNet).ID, o["hubVnetId"])
	assert.Equal(t, res.VNet(t, devSpokeVNet).ID, o["spokeVnetId"])
	assert.Equal(t, devClusterName, o["clusterName"])
	assert.Equal(t, "vm-hubspoke-dev-jumpbox", o["jumpBoxName"])
	assert.Equal(t, "az aks get-credentials --resource-group rg-hubspoke-dev-spoke --name aks-hubspoke-dev --overwrite-existing"+
		" && kubelogin convert-kubeconfig -l azurecli && kubectl get nodes", o["clusterAccessFromJumpBox"])
	assert.Equal(t, "az network bastion ssh --resource-group rg-hubspoke-dev-hub --name bas-hubspoke-dev-hub --target-resource-id "+
		res.One(t, azuretype.VM).ID+" --auth-type ssh-key --username azureuser --ssh-key ~/.ssh/id_ed25519", o["jumpBoxSsh"])
	assert.Contains(t, o["jumpBoxTunnel"], "az network bastion tunnel --resource-group rg-hubspoke-dev-hub --name bas-hubspoke-dev-hub")
	assert.Equal(t, "az vm run-command invoke --resource-group rg-hubspoke-dev-hub --name vm-hubspoke-dev-jumpbox"+
		" --command-id RunShellScript --scripts 'nslookup "+fqdn+"'", o["verifyDnsFromJumpBox"])
}

func TestProductionHasTheUptimeSLAAndPoolsUpgradeAFewNodesAtATime(t *testing.T) {
	// AKS pricing tiers and upgrade options (Microsoft Learn, checked 2026-12-06).
	for stack, tier := range map[string]string{"dev": "Free", "prod": "Standard"} {
		res := mocktest.RunStack(t, stack)
		cluster := res.One(t, azuretype.ManagedCluster)
		assert.Equal(t, map[string]any{"name": "Base", "tier": tier}, mocktest.At(cluster.Inputs, "sku").Mappable(), stack)
		surge := map[string]any{"maxSurge": "1", "drainTimeoutInMinutes": float64(30)}
		assert.Equal(t, surge, mocktest.At(cluster.Inputs, "agentPoolProfiles", 0, "upgradeSettings").Mappable(), "%s system pool", stack)
		assert.Equal(t, surge, mocktest.At(res.One(t, azuretype.AgentPool).Inputs, "upgradeSettings").Mappable(), "%s user pool", stack)
	}
}

func TestEveryNodeAndVMEncryptsAtHostWithTheFeatureRegistered(t *testing.T) {
	res, err := mocktest.Run(t, "dev", mocktest.WithConfig(t, mocktest.DNSMode("forwarder")))
	require.NoError(t, err)
	cluster := res.One(t, azuretype.ManagedCluster)
	assert.Equal(t, true, mocktest.At(cluster.Inputs, "agentPoolProfiles", 0, "enableEncryptionAtHost").BoolValue(), "system pool")
	assert.Equal(t, true, mocktest.At(res.One(t, azuretype.AgentPool).Inputs, "enableEncryptionAtHost").BoolValue(), "user pool")
	vms := res.OfType(azuretype.VM)
	require.Len(t, vms, 3, "the jump box and two forwarders")
	for _, vm := range vms {
		assert.Equal(t, true, mocktest.At(vm.Inputs, "securityProfile", "encryptionAtHost").BoolValue(), vm.Name)
	}
	// Azure refuses encryption at host until the subscription feature is registered (Microsoft
	// Learn, "Enable end-to-end encryption using encryption at host", checked 2026-12-06); the
	// register command registers what azuretype.Features lists.
	assert.Contains(t, azuretype.Features, azuretype.Feature{Namespace: "Microsoft.Compute", Name: "EncryptionAtHost"})
}

func TestNodePoolsRunEphemeralOSDisksTheirTempDisksHold(t *testing.T) {
	// Ephemeral OS disks (nothing persists, nodes reimage fast) of 128 GiB, AKS's size for nodes
	// under 8 vCPUs, on both pools of both stacks: the shipped Standard_D4ds_v5 (dev) and
	// Standard_D8ds_v5 (prod) have 150 and 300 GiB temp disks (Microsoft Learn, Ddsv5 series,
	// checked 2026-12-06). Catches a pool that drops either setting: AKS would then pick the
	// disk's type and size itself.
	for _, stack := range []string{"dev", "prod"} {
		res := mocktest.RunStack(t, stack)
		system := mocktest.At(res.One(t, azuretype.ManagedCluster).Inputs, "agentPoolProfiles", 0).ObjectValue()
		user := res.One(t, azuretype.AgentPool).Inputs
		for name, pool := range map[string]resource.PropertyMap{"system": system, "user": user} {
			assert.Equal(t, "Ephemeral", mocktest.Str(pool, "osDiskType"), "%s %s pool", stack, name)
			assert.Equal(t, 128.0, mocktest.At(pool, "osDiskSizeGB").NumberValue(), "%s %s pool", stack, name)
		}
	}
}

func TestProductionUpgradesOnlyInItsWeeklyWindows(t *testing.T) {
	// A production stack that names no window gets weekly ones: the cluster's upgrades early on
	// Sunday, the node images after them, four hours each, the least AKS takes (Microsoft Learn,
	// "Use Planned Maintenance", checked 2026-12-06); AKS takes only these two names for them.
	// Catches a default dropped or moved, or a window that does not wait for the pool (AKS runs
	// one operation on a cluster at a time).
	res := mocktest.RunStack(t, "prod")
	configs := res.OfType(azuretype.MaintenanceConfig)
	require.Len(t, configs, 2)
	auto, nodeOS := configs[0], configs[1]
	weekly := func(start string) map[string]any {
		return map[string]any{"schedule": map[string]any{"weekly": map[string]any{"dayOfWeek": "Sunday", "intervalWeeks": 1.0}},
			"startTime": start, "utcOffset": "+00:00", "durationHours": 4.0}
	}
	assert.Equal(t, "aksManagedAutoUpgradeSchedule", mocktest.Str(auto.Inputs, "configName"))
	assert.Equal(t, weekly("00:00"), mocktest.At(auto.Inputs, "maintenanceWindow").Mappable())
	assert.Equal(t, "aksManagedNodeOSUpgradeSchedule", mocktest.Str(nodeOS.Inputs, "configName"))
	assert.Equal(t, weekly("04:00"), mocktest.At(nodeOS.Inputs, "maintenanceWindow").Mappable())
	assert.True(t, mocktest.DependsOn(auto, res.One(t, azuretype.AgentPool)), "the first window waits for the user pool")
	assert.True(t, mocktest.DependsOn(nodeOS, auto), "the second waits for the first")

	// Dev names none: AKS upgrades it at any time. A daily node-image window is sent as one.
	assert.Empty(t, mocktest.RunStack(t, "dev").OfType(azuretype.MaintenanceConfig))
	daily, err := mocktest.Run(t, "dev", mocktest.WithConfig(t, mocktest.Set("aks", "maintenance",
		map[string]any{"nodeOS": map[string]any{"schedule": "Daily", "startTime": "22:30", "utcOffset": "+05:30"}})))
	require.NoError(t, err)
	window := mocktest.At(daily.One(t, azuretype.MaintenanceConfig).Inputs, "maintenanceWindow").Mappable()
	assert.Equal(t, map[string]any{"schedule": map[string]any{"daily": map[string]any{"intervalDays": 1.0}},
		"startTime": "22:30", "utcOffset": "+05:30", "durationHours": 4.0}, window)
}
