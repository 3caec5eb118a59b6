package tests

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	devHubVNet     = "vnet-hubspoke-dev-hub"
	devSpokeVNet   = "vnet-hubspoke-dev-spoke"
	devAksSubnet   = "10.1.0.0/22"
	devJumpSubnet  = "10.0.1.0/28"
	devLocation    = "westeurope"
	devClusterName = "aks-hubspoke-dev"
)

// vnet finds a VNet by its Azure name.
func (r *result) vnet(t testing.TB, name string) *registered {
	t.Helper()
	for _, v := range r.ofType(typeVNet) {
		if str(v.Inputs, "virtualNetworkName") == name {
			return v
		}
	}
	require.Failf(t, "VNet not registered", "%s", name)
	return nil
}

// subnet returns the inline subnet of a VNet by name.
func subnet(t testing.TB, vnet *registered, name string) map[string]any {
	t.Helper()
	for _, s := range at(vnet.Inputs, "subnets").ArrayValue() {
		if s.ObjectValue()["name"].StringValue() == name {
			return s.ObjectValue().Mappable()
		}
	}
	require.Failf(t, "subnet not declared", "%s in %s", name, vnet.ID)
	return nil
}

// dependsOn tells whether a resource's registration lists another as a dependency.
func dependsOn(r, on *registered) bool {
	return slices.Contains(r.Dependencies, on.URN)
}

func TestClusterIsPrivateAndEgressesThroughUserDefinedRouting(t *testing.T) {
	res := runStack(t, "dev")
	cluster := res.one(t, typeManagedCluster)
	in := cluster.Inputs

	assert.Equal(t, true, at(in, "apiServerAccessProfile", "enablePrivateCluster").BoolValue())
	assert.Equal(t, false, at(in, "apiServerAccessProfile", "enablePrivateClusterPublicFQDN").BoolValue())
	assert.Equal(t, "userDefinedRouting", str(in, "networkProfile", "outboundType"))
	assert.Equal(t, "azure", str(in, "networkProfile", "networkPlugin"))
	assert.Equal(t, "overlay", str(in, "networkProfile", "networkPluginMode"))
	assert.Equal(t, "cilium", str(in, "networkProfile", "networkPolicy"))
	assert.Equal(t, "172.16.0.0/16", str(in, "networkProfile", "serviceCidr"))
	assert.Equal(t, "172.16.0.10", str(in, "networkProfile", "dnsServiceIP"))
	assert.Equal(t, "192.168.0.0/16", str(in, "networkProfile", "podCidr"))
	assert.Equal(t, true, at(in, "disableLocalAccounts").BoolValue())
	assert.Equal(t, true, at(in, "aadProfile", "managed").BoolValue())
	assert.Equal(t, true, at(in, "aadProfile", "enableAzureRBAC").BoolValue())

	identity := res.one(t, typeIdentity)
	assert.Equal(t, "UserAssigned", str(in, "identity", "type"))
	assert.Equal(t, []string{identity.ID}, strs(in, "identity", "userAssignedIdentities"))

	pool := at(in, "agentPoolProfiles", 0).ObjectValue()
	assert.Equal(t, "System", str(pool, "mode"))
	assert.Equal(t, float64(2), at(pool, "count").NumberValue())
	assert.Equal(t, "Standard_D4ds_v5", str(pool, "vmSize"))
	assert.Equal(t, float64(110), at(pool, "maxPods").NumberValue())
	assert.Equal(t, "1.36", str(pool, "orchestratorVersion"))
	assert.Equal(t, "1.36", str(in, "kubernetesVersion"))
	assert.Equal(t, res.vnet(t, devSpokeVNet).ID+"/subnets/snet-aks-nodes", str(pool, "vnetSubnetID"))
}

func TestDefaultRouteTargetsFirewallPrivateIP(t *testing.T) {
	res := runStack(t, "dev")
	route := res.one(t, typeRoute)
	fw := res.one(t, typeFirewall)
	routeTable := res.one(t, typeRouteTable)

	require.Equal(t, mockFirewallPrivateIP, str(fw.State, "ipConfigurations", 0, "privateIPAddress"), "mock fills the firewall's private IP")
	assert.Equal(t, str(fw.State, "ipConfigurations", 0, "privateIPAddress"), str(route.Inputs, "nextHopIpAddress"))
	assert.True(t, dependsOn(route, fw), "the next hop comes from the firewall's output")
	assert.Equal(t, mockFirewallPrivateIP, res.outputs["firewallPrivateIp"])
	assert.Equal(t, "0.0.0.0/0", str(route.Inputs, "addressPrefix"))
	assert.Equal(t, "VirtualAppliance", str(route.Inputs, "nextHopType"))
	assert.Equal(t, str(routeTable.State, "name"), str(route.Inputs, "routeTableName"))
	assert.Equal(t, str(routeTable.Inputs, "resourceGroupName"), str(route.Inputs, "resourceGroupName"))
	assert.Equal(t, true, at(routeTable.Inputs, "disableBgpRoutePropagation").BoolValue())
	assert.True(t, at(routeTable.Inputs, "routes").IsNull(), "routes are standalone, never inline")
}

func TestRouteTableIsOnAksAndJumpBoxSubnetsOnly(t *testing.T) {
	res := runStack(t, "dev")
	routeTable := res.one(t, typeRouteTable)

	aks := subnet(t, res.vnet(t, devSpokeVNet), "snet-aks-nodes")
	assert.Equal(t, devAksSubnet, aks["addressPrefix"])
	assert.Equal(t, map[string]any{"id": routeTable.ID}, aks["routeTable"])

	jump := subnet(t, res.vnet(t, devHubVNet), "snet-jumpbox")
	assert.Equal(t, map[string]any{"id": routeTable.ID}, jump["routeTable"])

	fwSubnet := subnet(t, res.vnet(t, devHubVNet), "AzureFirewallSubnet")
	assert.Nil(t, fwSubnet["routeTable"], "the firewall's own subnet must keep its direct internet route")
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
			cfg := withConfig(t, all(set("hub", "hasGateway", tc.hasGateway), set("hub", "gatewaySubnet", "10.0.0.192/27")))
			res, err := run(t, "dev", cfg)
			require.NoError(t, err)
			hubVNet, spokeVNet := res.vnet(t, devHubVNet), res.vnet(t, devSpokeVNet)
			peerings := res.ofType(typePeering)
			require.Len(t, peerings, 2)

			byLocal := map[string]*registered{}
			for _, p := range peerings {
				byLocal[str(p.Inputs, "virtualNetworkName")] = p
				assert.Equal(t, true, at(p.Inputs, "allowVirtualNetworkAccess").BoolValue())
				assert.Equal(t, true, at(p.Inputs, "allowForwardedTraffic").BoolValue())
			}
			hubSide, spokeSide := byLocal[devHubVNet], byLocal[devSpokeVNet]
			require.NotNil(t, hubSide)
			require.NotNil(t, spokeSide)
			assert.Equal(t, spokeVNet.ID, str(hubSide.Inputs, "remoteVirtualNetwork", "id"))
			assert.Equal(t, hubVNet.ID, str(spokeSide.Inputs, "remoteVirtualNetwork", "id"))
			assert.Equal(t, str(hubVNet.Inputs, "resourceGroupName"), str(hubSide.Inputs, "resourceGroupName"))
			assert.Equal(t, str(spokeVNet.Inputs, "resourceGroupName"), str(spokeSide.Inputs, "resourceGroupName"))
			assert.Equal(t, tc.hasGateway, at(hubSide.Inputs, "allowGatewayTransit").BoolValue())
			assert.Equal(t, false, at(hubSide.Inputs, "useRemoteGateways").BoolValue())
			assert.Equal(t, tc.hasGateway, at(spokeSide.Inputs, "useRemoteGateways").BoolValue())
			gateway := subnet(t, hubVNet, "GatewaySubnet")
			assert.Equal(t, "10.0.0.192/27", gateway["addressPrefix"], "declared inline, so no update deletes it")
			assert.Nil(t, gateway["networkSecurityGroup"], "Azure does not support an NSG on GatewaySubnet")
			assert.Nil(t, gateway["routeTable"])
			assert.Equal(t, false, at(spokeSide.Inputs, "allowGatewayTransit").BoolValue())
		})
	}
}

func TestHubVNetIsLinkedToTheClusterZone(t *testing.T) {
	tests := []struct {
		mode        string
		zoneName    string
		zoneGroup   func(res *result) string
		linkedVNets []string
	}{
		{
			mode:        "system",
			zoneName:    mockZoneGUID + ".privatelink.westeurope.azmk8s.io",
			zoneGroup:   func(res *result) string { return "MC_rg-hubspoke-dev-spoke_aks-hubspoke-dev_westeurope" },
			linkedVNets: []string{devHubVNet},
		},
		{
			mode:        "custom",
			zoneName:    "privatelink.westeurope.azmk8s.io",
			zoneGroup:   func(res *result) string { return "rg-hubspoke-dev-hub" },
			linkedVNets: []string{devHubVNet, devSpokeVNet},
		},
	}
	for _, tc := range tests {
		t.Run(tc.mode, func(t *testing.T) {
			res, err := run(t, "dev", withConfig(t, func(c map[string]any) { c["dns"] = map[string]any{"zoneMode": tc.mode} }))
			require.NoError(t, err)
			cluster := res.one(t, typeManagedCluster)
			fqdn := str(cluster.State, "privateFQDN")
			require.True(t, strings.HasSuffix(fqdn, "."+tc.zoneName), "mock FQDN %s lies in %s", fqdn, tc.zoneName)

			links := res.ofType(typeVNetLink)
			require.Len(t, links, len(tc.linkedVNets))
			var linked []string
			for _, link := range links {
				vnet := res.byID(str(link.Inputs, "virtualNetwork", "id"))
				require.NotNil(t, vnet, "link points at a registered VNet")
				linked = append(linked, str(vnet.Inputs, "virtualNetworkName"))
				assert.Equal(t, tc.zoneName, str(link.Inputs, "privateZoneName"))
				assert.Equal(t, tc.zoneGroup(res), str(link.Inputs, "resourceGroupName"))
				assert.Equal(t, "global", str(link.Inputs, "location"))
				assert.Equal(t, false, at(link.Inputs, "registrationEnabled").BoolValue())
			}
			assert.ElementsMatch(t, tc.linkedVNets, linked)
			assert.Equal(t, tc.zoneName, res.outputs["privateDnsZoneName"])
			assert.Equal(t, fqdn, res.outputs["clusterPrivateFqdn"])
		})
	}
}

func TestCustomZoneExistsLinkedAndGrantedBeforeTheCluster(t *testing.T) {
	res, err := run(t, "dev", withConfig(t, func(c map[string]any) { c["dns"] = map[string]any{"zoneMode": "custom"} }))
	require.NoError(t, err)
	zone := res.one(t, typePrivateZone)
	cluster := res.one(t, typeManagedCluster)

	assert.Equal(t, "privatelink.westeurope.azmk8s.io", str(zone.Inputs, "privateZoneName"))
	assert.Equal(t, "rg-hubspoke-dev-hub", str(zone.Inputs, "resourceGroupName"))
	assert.Equal(t, "global", str(zone.Inputs, "location"))
	assert.Equal(t, zone.ID, str(cluster.Inputs, "apiServerAccessProfile", "privateDNSZone"))
	for _, link := range res.ofType(typeVNetLink) {
		assert.True(t, dependsOn(cluster, link), "cluster waits for %s", link.Name)
	}
	var zoneGrant *registered
	for _, ra := range res.ofType(typeRoleAssignment) {
		if str(ra.Inputs, "scope") == zone.ID {
			zoneGrant = ra
		}
	}
	require.NotNil(t, zoneGrant, "identity holds a role on the zone")
	assert.Equal(t, "/subscriptions/"+mockSubscriptionID+"/providers/Microsoft.Authorization/roleDefinitions/b12aa53e-6015-4669-85d0-8515ebb3ae7f",
		str(zoneGrant.Inputs, "roleDefinitionId"))
	assert.True(t, dependsOn(cluster, zoneGrant))

	system := runStack(t, "dev")
	assert.Equal(t, "system", str(system.one(t, typeManagedCluster).Inputs, "apiServerAccessProfile", "privateDNSZone"))
	assert.Empty(t, system.ofType(typePrivateZone), "system mode: AKS creates the zone")
}

// ruleByName finds a rule in any collection of the rule collection groups.
func ruleByName(t testing.TB, res *result, name string) map[string]any {
	t.Helper()
	for _, g := range res.ofType(typeRuleGroup) {
		for _, c := range at(g.Inputs, "ruleCollections").ArrayValue() {
			for _, r := range c.ObjectValue()["rules"].ArrayValue() {
				if r.ObjectValue()["name"].StringValue() == name {
					return r.ObjectValue().Mappable()
				}
			}
		}
	}
	require.Failf(t, "firewall rule not found", "%s", name)
	return nil
}

func TestFirewallAllowsContainerRegistryAndOSUpdates(t *testing.T) {
	res := runStack(t, "dev")

	acr := ruleByName(t, res, "azurecontainerregistry")
	assert.Equal(t, "NetworkRule", acr["ruleType"])
	assert.Equal(t, []any{"AzureContainerRegistry"}, acr["destinationAddresses"])
	assert.Equal(t, []any{"TCP"}, acr["ipProtocols"])
	assert.Equal(t, []any{"443"}, acr["destinationPorts"])
	assert.Equal(t, []any{devAksSubnet}, acr["sourceAddresses"])

	updates := ruleByName(t, res, "os-updates")
	assert.Equal(t, "ApplicationRule", updates["ruleType"])
	assert.Subset(t, updates["targetFqdns"], []any{"security.ubuntu.com", "azure.archive.ubuntu.com"})
	assert.Equal(t, []any{map[string]any{"protocolType": "Http", "port": float64(80)}}, updates["protocols"])
	assert.ElementsMatch(t, []any{devAksSubnet, devJumpSubnet}, updates["sourceAddresses"])

	tag := ruleByName(t, res, "aks-fqdn-tag")
	assert.Equal(t, []any{"AzureKubernetesService"}, tag["fqdnTags"])
	core := ruleByName(t, res, "aks-core-fqdns")
	assert.Contains(t, core["targetFqdns"], "mcr.microsoft.com")
	assert.Contains(t, core["targetFqdns"], "packages.aks.azure.com")
	ntp := ruleByName(t, res, "ntp")
	assert.Equal(t, []any{"ntp.ubuntu.com"}, ntp["destinationFqdns"])
	assert.Equal(t, []any{"123"}, ntp["destinationPorts"])

	for _, g := range res.ofType(typeRuleGroup) {
		for _, c := range at(g.Inputs, "ruleCollections").ArrayValue() {
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

	policy := res.one(t, typeFirewallPolicy)
	assert.Equal(t, true, at(policy.Inputs, "dnsSettings", "enableProxy").BoolValue())
	assert.Equal(t, "Standard", str(policy.Inputs, "sku", "tier"))
	fw := res.one(t, typeFirewall)
	assert.Equal(t, policy.ID, str(fw.Inputs, "firewallPolicy", "id"))
	assert.Equal(t, res.vnet(t, devHubVNet).ID+"/subnets/AzureFirewallSubnet", str(fw.Inputs, "ipConfigurations", 0, "subnet", "id"))
	pip := res.named(t, typePublicIP, "pip-hubspoke-dev-afw")
	assert.Equal(t, pip.ID, str(fw.Inputs, "ipConfigurations", 0, "publicIPAddress", "id"))
	assert.Equal(t, "Standard", str(pip.Inputs, "sku", "name"))
	assert.Equal(t, "Static", str(pip.Inputs, "publicIPAllocationMethod"))
	assert.Equal(t, str(pip.State, "ipAddress"), res.outputs["firewallPublicIp"])
}

// list reads an optional list field of a rule.
func list(v any) []any {
	l, _ := v.([]any)
	return l
}

func TestRuleCollectionGroupsApplyOneAtATimeBeforeTheFirewall(t *testing.T) {
	res := runStack(t, "dev")
	groups := res.ofType(typeRuleGroup)
	require.Len(t, groups, 2)
	byName := map[string]*registered{}
	for _, g := range groups {
		byName[str(g.Inputs, "ruleCollectionGroupName")] = g
	}
	network, application := byName["rcg-network"], byName["rcg-application"]
	require.NotNil(t, network)
	require.NotNil(t, application)
	assert.True(t, dependsOn(application, network), "application rules wait for network rules")
	assert.False(t, dependsOn(network, application))
	fw := res.one(t, typeFirewall)
	assert.True(t, dependsOn(fw, network))
	assert.True(t, dependsOn(fw, application))
}

func TestJumpBoxHasNoPublicIPAndNoPassword(t *testing.T) {
	res := runStack(t, "dev")
	vm := res.one(t, typeVM)
	nic := res.one(t, typeNIC)
	cfg := withConfig(t, func(map[string]any) {})
	wantKey := strings.TrimSpace(configValueOf(t, cfg, "jumpBox", "sshPublicKey"))

	assert.True(t, at(vm.Inputs, "osProfile", "adminPassword").IsNull(), "no password")
	assert.Equal(t, true, at(vm.Inputs, "osProfile", "linuxConfiguration", "disablePasswordAuthentication").BoolValue())
	assert.Equal(t, wantKey, str(vm.Inputs, "osProfile", "linuxConfiguration", "ssh", "publicKeys", 0, "keyData"))
	assert.Equal(t, "/home/azureuser/.ssh/authorized_keys", str(vm.Inputs, "osProfile", "linuxConfiguration", "ssh", "publicKeys", 0, "path"))
	assert.Equal(t, nic.ID, str(vm.Inputs, "networkProfile", "networkInterfaces", 0, "id"))

	assert.True(t, at(nic.Inputs, "ipConfigurations", 0, "publicIPAddress").IsNull(), "no public IP on the NIC")
	assert.Equal(t, res.vnet(t, devHubVNet).ID+"/subnets/snet-jumpbox", str(nic.Inputs, "ipConfigurations", 0, "subnet", "id"))
	assert.Equal(t, mockJumpBoxPrivateIP, res.outputs["jumpBoxPrivateIp"])

	assert.Empty(t, publicIPsOutsideFirewallAndBastion(res), "public IPs only where the design needs them")

	customData, err := base64.StdEncoding.DecodeString(str(vm.Inputs, "osProfile", "customData"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(customData), "#cloud-config\n"))
	assert.Contains(t, string(customData), "apt-get install -y azure-cli")
	assert.Contains(t, string(customData), "az aks install-cli")
}

func configValueOf(t testing.TB, cfg map[string]string, key, field string) string {
	t.Helper()
	var obj map[string]any
	require.NoError(t, json.Unmarshal([]byte(cfg[project+":"+key]), &obj))
	return obj[field].(string)
}

func TestClusterWaitsForRouteRuleGroupsPeeringsAndRoleAssignments(t *testing.T) {
	res := runStack(t, "dev")
	cluster := res.one(t, typeManagedCluster)
	route := res.one(t, typeRoute)
	assert.True(t, dependsOn(cluster, route), "cluster waits for the default route")
	for _, g := range res.ofType(typeRuleGroup) {
		assert.True(t, dependsOn(cluster, g), "cluster waits for %s", g.Name)
	}
	for _, p := range res.ofType(typePeering) {
		assert.True(t, dependsOn(cluster, p), "cluster waits for %s", p.Name)
	}

	identity := res.one(t, typeIdentity)
	routeTable := res.one(t, typeRouteTable)
	spokeVNet := res.vnet(t, devSpokeVNet)
	var grants []*registered
	for _, ra := range res.ofType(typeRoleAssignment) {
		if str(ra.Inputs, "principalId") == str(identity.State, "principalId") {
			grants = append(grants, ra)
		}
	}
	require.Len(t, grants, 2, "the control-plane identity's grants")
	var scopes []string
	for _, ra := range grants {
		assert.True(t, dependsOn(cluster, ra), "cluster waits for %s", ra.Name)
		scopes = append(scopes, str(ra.Inputs, "scope"))
		assert.Equal(t, str(identity.State, "principalId"), str(ra.Inputs, "principalId"))
		assert.Equal(t, "ServicePrincipal", str(ra.Inputs, "principalType"))
		assert.Equal(t, "/subscriptions/"+mockSubscriptionID+"/providers/Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7",
			str(ra.Inputs, "roleDefinitionId"), "Network Contributor")
	}
	assert.ElementsMatch(t, []string{spokeVNet.ID, routeTable.ID}, scopes)
}

// componentOf says which component each resource type belongs to.
var componentOf = map[string]string{
	typeRouteTable:     "hubspoke:hub:Hub",
	typeNIC:            "hubspoke:hub:Access",
	typeVM:             "hubspoke:hub:Access",
	typeFirewallPolicy: "hubspoke:firewall:Firewall",
	typeRuleGroup:      "hubspoke:firewall:Firewall",
	typeFirewall:       "hubspoke:firewall:Firewall",
	typeRoute:          "hubspoke:firewall:Firewall",
	typePeering:        "hubspoke:peering:Peering",
	typePrivateZone:    "hubspoke:dns:Zone",
	typeVNetLink:       "hubspoke:dns:Zone",
	typeIdentity:       "hubspoke:spoke:Cluster",
	typeAgentPool:      "hubspoke:spoke:Cluster",
	typeBastion:        "hubspoke:hub:Access",
	typeDCR:            "hubspoke:spoke:Cluster",
	typeDCRA:           "hubspoke:spoke:Cluster",
	typeWorkspace:      "hubspoke:monitoring:Monitoring",
	typeRoleAssignment: "hubspoke:spoke:Cluster",
	typeManagedCluster: "hubspoke:spoke:Cluster",
}

func TestEveryResourceIsParentedToItsComponentAndUsesTheExplicitProvider(t *testing.T) {
	for _, mode := range []string{"system", "custom"} {
		t.Run(mode, func(t *testing.T) {
			res, err := run(t, "dev", withConfig(t, func(c map[string]any) { c["dns"] = map[string]any{"zoneMode": mode} }))
			require.NoError(t, err)
			provider := res.one(t, typeProvider)
			components := 0
			for _, r := range res.resources {
				parent := res.byURN(r.Parent)
				switch {
				case r.Type == typeProvider:
					assert.Nil(t, parent, "the provider is a top-level resource")
				case strings.HasPrefix(r.Type, componentTypePrefix):
					components++
					assert.Nil(t, parent, "component %s sits at the top of the stack", r.URN)
				default:
					require.NotNil(t, parent, "%s has a parent", r.URN)
					assert.True(t, strings.HasPrefix(parent.Type, componentTypePrefix), "%s is parented to a component, not %s", r.URN, parent.Type)
					if want, ok := componentOf[r.Type]; ok {
						assert.Equal(t, want, parent.Type, "%s", r.URN)
					}
					assert.True(t, strings.HasPrefix(r.Provider, provider.URN+"::"), "%s uses the explicit provider, not %q", r.URN, r.Provider)
				}
			}
			assert.Equal(t, 8, components, "monitoring, hub network, hub access, firewall, spoke, peering, dns, cluster")
		})
	}
}

// taggable are the resource types Azure lets carry tags.
var taggable = []string{
	typeResourceGroup, typeVNet, typeRouteTable, typePublicIP, typeFirewallPolicy, typeFirewall, typeNIC,
	typePrivateZone, typeVNetLink, typeVM, typeIdentity, typeManagedCluster, typeAgentPool, typeBastion, typeWorkspace,
	typeNSG, typeDCR,
}

func TestEveryTaggableResourceCarriesTheStackTags(t *testing.T) {
	res, err := run(t, "dev", withConfig(t, func(c map[string]any) { c["dns"] = map[string]any{"zoneMode": "custom"} }))
	require.NoError(t, err)
	seen := 0
	for _, r := range res.resources {
		if !slices.Contains(taggable, r.Type) {
			continue
		}
		seen++
		tags := at(r.Inputs, "tags")
		require.True(t, tags.IsObject(), "%s has tags", r.URN)
		assert.Equal(t, map[string]any{"environment": "dev", "managedBy": "pulumi", "owner": "platform-team", "costCenter": "1234"},
			tags.ObjectValue().Mappable(), "%s", r.URN)
	}
	assert.Greater(t, seen, 10)
}

func TestNamesFollowCloudAdoptionFramework(t *testing.T) {
	res := runStack(t, "dev")
	want := map[string]string{
		typeFirewall:       "afw-hubspoke-dev-hub",
		typeFirewallPolicy: "afwp-hubspoke-dev-hub",
		typeRouteTable:     "rt-hubspoke-dev-egress",
		typeManagedCluster: devClusterName,
		typeVM:             "vm-hubspoke-dev-jumpbox",
		typeIdentity:       "id-hubspoke-dev-aks",
	}
	for typ, name := range want {
		assert.Equal(t, name, str(res.one(t, typ).State, "name"), typ)
	}
	var groups []string
	for _, rg := range res.ofType(typeResourceGroup) {
		groups = append(groups, str(rg.Inputs, "resourceGroupName"))
		assert.Equal(t, devLocation, str(rg.Inputs, "location"))
	}
	assert.ElementsMatch(t, []string{"rg-hubspoke-dev-hub", "rg-hubspoke-dev-spoke", "rg-hubspoke-dev-ops"}, groups)
}

func TestStackOutputsGiveAccessAndDNSCheckCommands(t *testing.T) {
	res := runStack(t, "dev")
	cluster := res.one(t, typeManagedCluster)
	fqdn := str(cluster.State, "privateFQDN")
	o := res.outputs

	assert.Equal(t, "rg-hubspoke-dev-hub", o["hubResourceGroupName"])
	assert.Equal(t, "rg-hubspoke-dev-spoke", o["spokeResourceGroupName"])
	assert.Equal(t, res.vnet(t, devHubVNet).ID, o["hubVnetId"])
	assert.Equal(t, res.vnet(t, devSpokeVNet).ID, o["spokeVnetId"])
	assert.Equal(t, devClusterName, o["clusterName"])
	assert.Equal(t, "vm-hubspoke-dev-jumpbox", o["jumpBoxName"])
	assert.Equal(t, "az aks get-credentials --resource-group rg-hubspoke-dev-spoke --name aks-hubspoke-dev --overwrite-existing"+
		" && kubelogin convert-kubeconfig -l azurecli && kubectl get nodes", o["clusterAccessFromJumpBox"])
	assert.Equal(t, "az network bastion ssh --resource-group rg-hubspoke-dev-hub --name bas-hubspoke-dev-hub --target-resource-id "+
		res.one(t, typeVM).ID+" --auth-type ssh-key --username azureuser --ssh-key ~/.ssh/id_ed25519", o["jumpBoxSsh"])
	assert.Contains(t, o["jumpBoxTunnel"], "az network bastion tunnel --resource-group rg-hubspoke-dev-hub --name bas-hubspoke-dev-hub")
	assert.Equal(t, "az vm run-command invoke --resource-group rg-hubspoke-dev-hub --name vm-hubspoke-dev-jumpbox"+
		" --command-id RunShellScript --scripts 'nslookup "+fqdn+"'", o["verifyDnsFromJumpBox"])
}
