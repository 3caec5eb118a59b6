package tests

import (
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	typeNSG             = "azure-native:network:NetworkSecurityGroup"
	typeAvailabilitySet = "azure-native:compute:AvailabilitySet"
	typeRunCommand      = "azure-native:compute:VirtualMachineRunCommandByVirtualMachine"
	typeDNSResolver     = "azure-native:network:DnsResolver"
	typeInboundEndpoint = "azure-native:network:InboundEndpoint"
	typeOutbound        = "azure-native:network:OutboundEndpoint"
	typeRuleset         = "azure-native:network:DnsForwardingRuleset"
	typeForwardingRule  = "azure-native:network:ForwardingRule"
	typeRulesetLink     = "azure-native:network:PrivateResolverVirtualNetworkLink"
)

// onPrem is the on-premises side the DNS tests configure.
var onPrem = map[string]any{
	"onPremDomains": []any{map[string]any{"domain": "corp.contoso.com", "servers": []any{"172.30.0.10", "172.30.0.11"}}},
	"onPremRanges":  []any{"172.30.0.0/16"},
}

// dnsMode configures a DNS resolution mode on the dev stack.
func dnsMode(resolver string) func(map[string]any) {
	return func(c map[string]any) {
		d := map[string]any{"zoneMode": "custom", "resolver": resolver}
		switch resolver {
		case "forwarder":
			d["forwarderSubnet"] = "10.0.2.0/28"
		case "privateResolver":
			// Outside 10.0.1.0-10.0.16.255, which the Private Resolver reserves.
			d["resolverInboundSubnet"] = "10.0.32.0/28"
			d["resolverOutboundSubnet"] = "10.0.32.16/28"
		}
		if resolver != "azure" {
			for k, v := range onPrem {
				d[k] = v
			}
		}
		c["dns"] = d
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
			res, err := run(t, "dev", withConfig(t, dnsMode(tc.resolver)))
			require.NoError(t, err)
			for _, vnet := range []string{devHubVNet, devSpokeVNet} {
				assert.Equal(t, tc.servers, strs(res.vnet(t, vnet).Inputs, "dhcpOptions", "dnsServers"), vnet)
			}
			// The hub runs the resolvers, so the hub must resolve the zone: hub and spoke are linked.
			var linked []string
			for _, link := range res.ofType(typeVNetLink) {
				linked = append(linked, str(res.byID(str(link.Inputs, "virtualNetwork", "id")).Inputs, "virtualNetworkName"))
			}
			assert.ElementsMatch(t, []string{devHubVNet, devSpokeVNet}, linked)
			assert.Empty(t, publicIPsOutsideFirewallAndBastion(res), "no new public IP")
			if tc.servers != nil {
				assert.Equal(t, strings.Join(tc.servers, ", "), strings.TrimPrefix(res.outputs["onPremConditionalForwarder"],
					"On the on-premises DNS servers, add a conditional forwarder for privatelink.westeurope.azmk8s.io to "))
			} else {
				assert.NotContains(t, res.outputs, "onPremConditionalForwarder")
			}
		})
	}
}

func TestForwardersHaveStaticIPsNoPublicIPAndGateTheCluster(t *testing.T) {
	res, err := run(t, "dev", withConfig(t, dnsMode("forwarder")))
	require.NoError(t, err)
	cluster := res.one(t, typeManagedCluster)
	avset := res.one(t, typeAvailabilitySet)
	hubVNet := res.vnet(t, devHubVNet)

	var ips []string
	for _, nic := range res.ofType(typeNIC) {
		if str(nic.Inputs, "ipConfigurations", 0, "subnet", "id") != hubVNet.ID+"/subnets/snet-dns-forwarders" {
			continue
		}
		ips = append(ips, str(nic.Inputs, "ipConfigurations", 0, "privateIPAddress"))
		assert.Equal(t, "Static", str(nic.Inputs, "ipConfigurations", 0, "privateIPAllocationMethod"))
		assert.True(t, at(nic.Inputs, "ipConfigurations", 0, "publicIPAddress").IsNull())
		assert.Equal(t, []string{"168.63.129.16"}, strs(nic.Inputs, "dnsSettings", "dnsServers"), "forwarders resolve through Azure DNS themselves")
	}
	assert.ElementsMatch(t, []string{"10.0.2.4", "10.0.2.5"}, ips)

	var forwarders []*registered
	for _, vm := range res.ofType(typeVM) {
		if str(vm.Inputs, "availabilitySet", "id") == avset.ID {
			forwarders = append(forwarders, vm)
			assert.Equal(t, true, at(vm.Inputs, "osProfile", "linuxConfiguration", "disablePasswordAuthentication").BoolValue())
			assert.True(t, at(vm.Inputs, "osProfile", "adminPassword").IsNull())
			cloudInit, err := base64.StdEncoding.DecodeString(str(vm.Inputs, "osProfile", "customData"))
			require.NoError(t, err)
			assert.Contains(t, string(cloudInit), `zone "privatelink.westeurope.azmk8s.io" { type forward; forward only; forwarders { 168.63.129.16 port 53; }; };`)
			assert.Contains(t, string(cloudInit), `zone "corp.contoso.com" { type forward; forward only; forwarders { 172.30.0.10 port 53; 172.30.0.11 port 53; }; };`)
		}
	}
	require.Len(t, forwarders, 2, "two forwarders in one availability set")
	assert.ElementsMatch(t, []string{"vm-hubspoke-dev-dns-1", "vm-hubspoke-dev-dns-2"},
		[]string{str(forwarders[0].Inputs, "vmName"), str(forwarders[1].Inputs, "vmName")})

	gates := res.ofType(typeRunCommand)
	require.Len(t, gates, 2)
	for _, gate := range gates {
		assert.True(t, dependsOn(cluster, gate), "the cluster waits for %s", gate.Name)
		assert.Equal(t, true, at(gate.Inputs, "treatFailureAsDeploymentFailure").BoolValue())
		assert.Contains(t, str(gate.Inputs, "source", "script"), "dig")
	}

	nsg := res.named(t, typeNSG, "nsg-hubspoke-dev-dns")
	forwarderSubnet := subnet(t, hubVNet, "snet-dns-forwarders")
	assert.Equal(t, map[string]any{"id": nsg.ID}, forwarderSubnet["networkSecurityGroup"])
	assert.Equal(t, map[string]any{"id": res.one(t, typeRouteTable).ID}, forwarderSubnet["routeTable"], "forwarders egress through the firewall")
	rules := at(nsg.Inputs, "securityRules").ArrayValue()
	require.Len(t, rules, 3)
	for _, r := range rules[:2] {
		rule := r.ObjectValue().Mappable()
		assert.Equal(t, "Allow", rule["access"])
		assert.Equal(t, "53", rule["destinationPortRange"])
		assert.Equal(t, []any{"10.0.0.0/16", "10.1.0.0/16", "172.30.0.0/16"}, rule["sourceAddressPrefixes"])
	}
	assert.ElementsMatch(t, []any{"Udp", "Tcp"}, []any{rules[0].ObjectValue()["protocol"].StringValue(), rules[1].ObjectValue()["protocol"].StringValue()})
	assert.Equal(t, "Deny", rules[2].ObjectValue()["access"].StringValue())

	// The firewall admits only the forwarders' DNS to on-premises, nothing wider.
	onprem := ruleByName(t, res, "forwarders-to-onprem-dns")
	assert.Equal(t, []any{"10.0.2.0/28"}, onprem["sourceAddresses"])
	assert.Equal(t, []any{"172.30.0.10", "172.30.0.11"}, onprem["destinationAddresses"])
	assert.Equal(t, []any{"53"}, onprem["destinationPorts"])
	assert.Contains(t, ruleByName(t, res, "os-updates")["sourceAddresses"], "10.0.2.0/28")
}

func TestPrivateResolverForwardsOnPremDomainsAndGatesTheCluster(t *testing.T) {
	res, err := run(t, "dev", withConfig(t, dnsMode("privateResolver")))
	require.NoError(t, err)
	cluster := res.one(t, typeManagedCluster)
	hubVNet := res.vnet(t, devHubVNet)

	resolver := res.one(t, typeDNSResolver)
	assert.Equal(t, hubVNet.ID, str(resolver.Inputs, "virtualNetwork", "id"))
	inbound := res.one(t, typeInboundEndpoint)
	assert.Equal(t, "10.0.32.4", str(inbound.Inputs, "ipConfigurations", 0, "privateIpAddress"))
	assert.Equal(t, hubVNet.ID+"/subnets/snet-dns-inbound", str(inbound.Inputs, "ipConfigurations", 0, "subnet", "id"))
	assert.True(t, dependsOn(cluster, inbound))
	for _, name := range []string{"snet-dns-inbound", "snet-dns-outbound"} {
		sn := subnet(t, hubVNet, name)
		assert.Equal(t, "Microsoft.Network/dnsResolvers", sn["delegations"].([]any)[0].(map[string]any)["serviceName"], name)
	}
	outbound := res.one(t, typeOutbound)
	ruleset := res.one(t, typeRuleset)
	assert.Equal(t, []string{outbound.ID}, []string{str(ruleset.Inputs, "dnsResolverOutboundEndpoints", 0, "id")})
	rule := res.one(t, typeForwardingRule)
	assert.Equal(t, "corp.contoso.com.", str(rule.Inputs, "domainName"))
	assert.Equal(t, "172.30.0.10", str(rule.Inputs, "targetDnsServers", 0, "ipAddress"))
	links := res.ofType(typeRulesetLink)
	require.Len(t, links, 2)
	for _, l := range links {
		assert.True(t, dependsOn(cluster, l), "cluster waits for %s", l.Name)
	}
	assert.Empty(t, res.ofType(typeVM)[1:], "no forwarder VMs, only the jump box")
	inboundNSG := res.named(t, typeNSG, "nsg-hubspoke-dev-dns-inbound")
	for _, rule := range items(inboundNSG.Inputs, "securityRules")[:2] {
		assert.Equal(t, []string{"10.0.0.0/16", "10.1.0.0/16", "172.30.0.0/16"}, strs(rule.ObjectValue(), "sourceAddressPrefixes"),
			"the inbound endpoint answers the VNets and on-premises only")
	}
}

func TestDNSModeRulesAreEnforced(t *testing.T) {
	tests := []struct {
		name string
		edit func(map[string]any)
		want string
	}{
		{"forwarders need a custom zone", all(dnsMode("forwarder"), func(c map[string]any) { c["dns"].(map[string]any)["zoneMode"] = "system" }),
			"dns.zoneMode: system cannot be used with dns.resolver forwarder"},
		{"forwarder subnet too small", all(dnsMode("forwarder"), func(c map[string]any) { c["dns"].(map[string]any)["forwarderSubnet"] = "10.0.2.0/30" }),
			"dns.forwarderSubnet: 10.0.2.0/30 is smaller than the /29 Azure requires"},
		{"forwarder subnet overlaps the jump box", all(dnsMode("forwarder"), func(c map[string]any) { c["dns"].(map[string]any)["forwarderSubnet"] = "10.0.1.0/29" }),
			"dns.forwarderSubnet: 10.0.1.0/29 overlaps hub.jumpBoxSubnet 10.0.1.0/28"},
		{"on-prem range overlaps the spoke", all(dnsMode("forwarder"), func(c map[string]any) { c["dns"].(map[string]any)["onPremRanges"] = []any{"10.1.0.0/24"} }),
			"dns.onPremRanges[0]: 10.1.0.0/24 overlaps spoke.addressSpace 10.1.0.0/16"},
		{"resolver subnet in the range the resolver reserves", all(dnsMode("privateResolver"),
			func(c map[string]any) { c["dns"].(map[string]any)["resolverInboundSubnet"] = "10.0.3.0/28" }),
			"dns.resolverInboundSubnet: 10.0.3.0/28 lies in 10.0.1.0-10.0.16.255, which the DNS Private Resolver reserves"},
		{"resolver subnet larger than /24", all(dnsMode("privateResolver"),
			func(c map[string]any) { c["dns"].(map[string]any)["resolverOutboundSubnet"] = "10.0.64.0/23" }),
			"dns.resolverOutboundSubnet: 10.0.64.0/23 is larger than the /24 a DNS Private Resolver endpoint accepts"},
		{"resolver subnet smaller than /28", all(dnsMode("privateResolver"),
			func(c map[string]any) { c["dns"].(map[string]any)["resolverOutboundSubnet"] = "10.0.32.16/29" }),
			"dns.resolverOutboundSubnet: 10.0.32.16/29 is smaller than the /28 Azure requires"},
		{"unknown resolver", func(c map[string]any) { c["dns"] = map[string]any{"resolver": "bind"} },
			`dns.resolver: "bind" is not one of azure, forwarder, privateResolver`},
		{"on-prem domains without a resolver", func(c map[string]any) { c["dns"] = map[string]any{"onPremDomains": onPrem["onPremDomains"]} },
			"dns.onPremDomains: need dns.resolver forwarder or privateResolver"},
		{"malformed on-prem domain", all(dnsMode("forwarder"), func(c map[string]any) {
			c["dns"].(map[string]any)["onPremDomains"] = []any{map[string]any{"domain": "corp_contoso", "servers": []any{"172.30.0.10"}}}
		}), `dns.onPremDomains[0].domain: "corp_contoso" is not a DNS domain`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := run(t, "dev", withConfig(t, tc.edit))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Empty(t, res.resources)
		})
	}
}
