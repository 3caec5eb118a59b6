package tests

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hubspoke/private-aks/internal/azuretype"
	"github.com/hubspoke/private-aks/internal/mocktest"
)

// denyAllInbound is the rule that closes every NSG: Azure's default rules allow all traffic from
// the VNet and the load balancer, and 4096 is the last priority Azure accepts (Microsoft Learn,
// "Network security groups", security rules).
var denyAllInbound = map[string]any{
	"name": "deny-all-inbound", "priority": float64(4096), "direction": "Inbound", "access": "Deny", "protocol": "*",
	"sourceAddressPrefix": "*", "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "*",
}

func TestEveryNSGClosesWithADenyOfAllInbound(t *testing.T) {
	for name, res := range variants(t) {
		nsgs := res.OfType(azuretype.NSG)
		require.NotEmpty(t, nsgs, name)
		for _, nsg := range nsgs {
			rules := mocktest.Items(nsg.Inputs, "securityRules")
			require.NotEmpty(t, rules, "%s: %s", name, nsg.Name)
			assert.Equal(t, denyAllInbound, rules[len(rules)-1].ObjectValue().Mappable(), "%s: %s closes with the deny", name, nsg.Name)
			for _, r := range rules[:len(rules)-1] {
				assert.Less(t, mocktest.At(r.ObjectValue(), "priority").NumberValue(), float64(4096), "%s: %s rule %s comes before the deny", name, nsg.Name, mocktest.Str(r.ObjectValue(), "name"))
			}
		}
	}
}

func TestVNetsUseTheHubResolversOfEachDNSMode(t *testing.T) {
	tests := []struct {
		resolver string
		servers  []string
	}{
		{"azure", nil},
		{"forwarder", []string{"10.0.2.4", "10.0.2.5"}},
		{"privateResolver", []string{"10.0.32.4"}},
	}
	for _, tc := range tests {
		t.Run(tc.resolver, func(t *testing.T) {
			res, err := mocktest.Run(t, "dev", mocktest.WithConfig(t, mocktest.DNSMode(tc.resolver)))
			require.NoError(t, err)
			for _, vnet := range []string{devHubVNet, devSpokeVNet} {
				assert.Equal(t, tc.servers, mocktest.Strs(res.VNet(t, vnet).Inputs, "dhcpOptions", "dnsServers"), vnet)
			}
			// The hub runs the resolvers, so the hub must resolve the zone: hub and spoke are linked.
			var linked []string
			for _, link := range res.ClusterZoneLinks() {
				linked = append(linked, mocktest.Str(res.ByID(mocktest.Str(link.Inputs, "virtualNetwork", "id")).Inputs, "virtualNetworkName"))
			}
			assert.ElementsMatch(t, []string{devHubVNet, devSpokeVNet}, linked)
			assert.Len(t, res.OfType(azuretype.PublicIP), 2, "no new public IP: the firewall's and Bastion's only")
			if tc.servers != nil {
				assert.Equal(t, strings.Join(tc.servers, ", "), strings.TrimPrefix(res.Outputs["onPremConditionalForwarder"],
					"On the on-premises DNS servers, add a conditional forwarder for privatelink.westeurope.azmk8s.io, privatelink.azurecr.io, privatelink.vaultcore.azure.net to "))
			} else {
				assert.NotContains(t, res.Outputs, "onPremConditionalForwarder")
			}
		})
	}
}

func TestForwardersHaveStaticIPsNoPublicIPAndGateTheCluster(t *testing.T) {
	res, err := mocktest.Run(t, "dev", mocktest.WithConfig(t, mocktest.DNSMode("forwarder")))
	require.NoError(t, err)
	cluster := res.One(t, azuretype.ManagedCluster)
	avset := res.One(t, azuretype.AvailabilitySet)
	hubVNet := res.VNet(t, devHubVNet)

	var ips []string
	for _, nic := range res.OfType(azuretype.NIC) {
		if mocktest.Str(nic.Inputs, "ipConfigurations", 0, "subnet", "id") != hubVNet.ID+"/subnets/snet-dns-forwarders" {
			continue
		}
		ips = append(ips, mocktest.Str(nic.Inputs, "ipConfigurations", 0, "privateIPAddress"))
		assert.Equal(t, "Static", mocktest.Str(nic.Inputs, "ipConfigurations", 0, "privateIPAllocationMethod"))
		assert.True(t, mocktest.At(nic.Inputs, "ipConfigurations", 0, "publicIPAddress").IsNull())
		assert.Equal(t, []string{"168.63.129.16"}, mocktest.Strs(nic.Inputs, "dnsSettings", "dnsServers"), "forwarders resolve through Azure DNS themselves")
	}
	assert.ElementsMatch(t, []string{"10.0.2.4", "10.0.2.5"}, ips)

	var forwarders []*mocktest.Registered
	for _, vm := range res.OfType(azuretype.VM) {
		if mocktest.Str(vm.Inputs, "availabilitySet", "id") == avset.ID {
			forwarders = append(forwarders, vm)
			assert.Equal(t, true, mocktest.At(vm.Inputs, "osProfile", "linuxConfiguration", "disablePasswordAuthentication").BoolValue())
			assert.True(t, mocktest.At(vm.Inputs, "osProfile", "adminPassword").IsNull())
			cloudInit, err := base64.StdEncoding.DecodeString(mocktest.Str(vm.Inputs, "osProfile", "customData"))
			require.NoError(t, err)
			assert.Contains(t, string(cloudInit), `zone "privatelink.westeurope.azmk8s.io" { type forward; forward only; forwarders { 168.63.129.16 port 53; }; };`)
			assert.Contains(t, string(cloudInit), `zone "corp.contoso.com" { type forward; forward only; forwarders { 172.30.0.10 port 53; 172.30.0.11 port 53; }; };`)
		}
	}
	require.Len(t, forwarders, 2, "two forwarders in one availability set")
	assert.ElementsMatch(t, []string{"vm-hubspoke-dev-dns-1", "vm-hubspoke-dev-dns-2"},
		[]string{mocktest.Str(forwarders[0].Inputs, "vmName"), mocktest.Str(forwarders[1].Inputs, "vmName")})

	gates := res.OfType(azuretype.RunCommand)
	require.Len(t, gates, 2)
	for _, gate := range gates {
		assert.True(t, mocktest.DependsOn(cluster, gate), "the cluster waits for %s", gate.Name)
		assert.Equal(t, true, mocktest.At(gate.Inputs, "treatFailureAsDeploymentFailure").BoolValue())
		assert.Contains(t, mocktest.Str(gate.Inputs, "source", "script"), "dig")
	}

	nsg := res.Named(t, azuretype.NSG, "nsg-hubspoke-dev-dns")
	forwarderSubnet := mocktest.Subnet(t, hubVNet, "snet-dns-forwarders")
	assert.Equal(t, map[string]any{"id": nsg.ID}, forwarderSubnet["networkSecurityGroup"])
	assert.Equal(t, map[string]any{"id": res.One(t, azuretype.RouteTable).ID}, forwarderSubnet["routeTable"], "forwarders egress through the firewall")
	rules := mocktest.At(nsg.Inputs, "securityRules").ArrayValue()
	require.Len(t, rules, 3)
	for _, r := range rules[:2] {
		rule := r.ObjectValue().Mappable()
		assert.Equal(t, "Allow", rule["access"])
		assert.Equal(t, "53", rule["destinationPortRange"])
		assert.Equal(t, []any{"10.0.0.0/16", "10.1.0.0/16", "172.30.0.0/16"}, rule["sourceAddressPrefixes"])
	}
	assert.ElementsMatch(t, []any{"Udp", "Tcp"}, []any{rules[0].ObjectValue()["protocol"].StringValue(), rules[1].ObjectValue()["protocol"].StringValue()})
	assert.Equal(t, denyAllInbound, rules[2].ObjectValue().Mappable(), "the closing deny, whole")

	// The firewall admits only the forwarders' DNS to on-premises, nothing wider.
	onprem := mocktest.RuleByName(t, res, "forwarders-to-onprem-dns")
	assert.Equal(t, []any{"10.0.2.0/28"}, onprem["sourceAddresses"])
	assert.Equal(t, []any{"172.30.0.10", "172.30.0.11"}, onprem["destinationAddresses"])
	assert.Equal(t, []any{"53"}, onprem["destinationPorts"])
	assert.Contains(t, mocktest.RuleByName(t, res, "os-updates")["sourceAddresses"], "10.0.2.0/28")
}

func TestPrivateResolverForwardsOnPremDomainsAndGatesTheCluster(t *testing.T) {
	res, err := mocktest.Run(t, "dev", mocktest.WithConfig(t, mocktest.DNSMode("privateResolver")))
	require.NoError(t, err)
	cluster := res.One(t, azuretype.ManagedCluster)
	hubVNet := res.VNet(t, devHubVNet)

	resolver := res.One(t, azuretype.DNSResolver)
	assert.Equal(t, hubVNet.ID, mocktest.Str(resolver.Inputs, "virtualNetwork", "id"))
	inbound := res.One(t, azuretype.InboundEndpoint)
	assert.Equal(t, "10.0.32.4", mocktest.Str(inbound.Inputs, "ipConfigurations", 0, "privateIpAddress"))
	assert.Equal(t, hubVNet.ID+"/subnets/snet-dns-inbound", mocktest.Str(inbound.Inputs, "ipConfigurations", 0, "subnet", "id"))
	assert.True(t, mocktest.DependsOn(cluster, inbound))
	for _, name := range []string{"snet-dns-inbound", "snet-dns-outbound"} {
		sn := mocktest.Subnet(t, hubVNet, name)
		assert.Equal(t, "Microsoft.Network/dnsResolvers", sn["delegations"].([]any)[0].(map[string]any)["serviceName"], name)
	}
	outbound := res.One(t, azuretype.OutboundEndpoint)
	ruleset := res.One(t, azuretype.ForwardingRuleset)
	assert.Equal(t, []string{outbound.ID}, []string{mocktest.Str(ruleset.Inputs, "dnsResolverOutboundEndpoints", 0, "id")})
	rule := res.One(t, azuretype.ForwardingRule)
	assert.Equal(t, "corp.contoso.com.", mocktest.Str(rule.Inputs, "domainName"))
	assert.Equal(t, "172.30.0.10", mocktest.Str(rule.Inputs, "targetDnsServers", 0, "ipAddress"))
	links := res.OfType(azuretype.RulesetLink)
	require.Len(t, links, 2)
	var targets []string
	for _, l := range links {
		assert.True(t, mocktest.DependsOn(cluster, l), "cluster waits for %s", l.Name)
		assert.Equal(t, mocktest.Str(ruleset.State, "name"), mocktest.Str(l.Inputs, "dnsForwardingRulesetName"))
		targets = append(targets, mocktest.Str(l.Inputs, "virtualNetwork", "id"))
	}
	assert.ElementsMatch(t, []string{hubVNet.ID, res.VNet(t, devSpokeVNet).ID}, targets, "the ruleset serves both VNets")
	assert.Empty(t, res.OfType(azuretype.VM)[1:], "no forwarder VMs, only the jump box")
	inboundNSG := res.Named(t, azuretype.NSG, "nsg-hubspoke-dev-dns-inbound")
	for _, rule := range mocktest.Items(inboundNSG.Inputs, "securityRules")[:2] {
		assert.Equal(t, []string{"10.0.0.0/16", "10.1.0.0/16", "172.30.0.0/16"}, mocktest.Strs(rule.ObjectValue(), "sourceAddressPrefixes"),
			"the inbound endpoint answers the VNets and on-premises only")
	}
}
