package settings_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hubspoke/private-aks/internal/mocktest"
	"github.com/hubspoke/private-aks/settings"
)

// The config rules, each a key-named error before any resource is registered: the whole program
// runs under mocks so that "nothing is registered" is checked too.

func TestInvalidConfigIsRejectedByKeyBeforeAnyResource(t *testing.T) {
	tests := []struct {
		name string
		edit func(map[string]any)
		want []string
	}{
		{"spoke overlaps hub", mocktest.Set("spoke", "addressSpace", "10.0.0.0/16"),
			[]string{"spoke.addressSpace: 10.0.0.0/16 overlaps hub.addressSpace 10.0.0.0/16"}},
		{"service range overlaps spoke", mocktest.All(mocktest.Set("aks", "serviceCidr", "10.1.0.0/16"), mocktest.Set("aks", "dnsServiceIP", "10.1.0.10")),
			[]string{"aks.serviceCidr: 10.1.0.0/16 overlaps spoke.addressSpace 10.1.0.0/16"}},
		{"pod range overlaps hub", mocktest.Set("aks", "podCidr", "10.0.0.0/14"),
			[]string{"aks.podCidr: 10.0.0.0/14 overlaps hub.addressSpace 10.0.0.0/16"}},
		{"subnet outside its VNet", mocktest.Set("spoke", "aksSubnet", "10.2.0.0/22"),
			[]string{"spoke.aksSubnet: 10.2.0.0/22 is outside spoke.addressSpace 10.1.0.0/16"}},
		{"overlapping subnets", mocktest.Set("hub", "jumpBoxSubnet", "10.0.0.32/28"),
			[]string{"hub.jumpBoxSubnet: 10.0.0.32/28 overlaps hub.firewallSubnet 10.0.0.0/26"}},
		{"firewall subnet smaller than /26", mocktest.Set("hub", "firewallSubnet", "10.0.0.0/27"),
			[]string{"hub.firewallSubnet: 10.0.0.0/27 is smaller than the /26 Azure requires"}},
		{"node subnet too small for pods without overlay",
			mocktest.All(mocktest.Set("aks", "cni", "nodeSubnet"), mocktest.Set("aks", "maxPods", 30), mocktest.Set("aks", "nodeCount", 3), mocktest.Set("aks", "nodeMaxCount", 3),
				mocktest.Set("aks", "userPool", map[string]any{"nodeSize": "Standard_D4ds_v5", "minCount": 1, "maxCount": 2}), mocktest.Set("spoke", "aksSubnet", "10.1.0.0/26")),
			[]string{"spoke.aksSubnet: 10.1.0.0/26 holds 59 usable addresses, 5 nodes at the pools' maxima (+2 upgrade surge) x (30 max pods + 1 node IP) need 217"}},
		{"node subnet too small for nodes with overlay", mocktest.Set("spoke", "aksSubnet", "10.1.0.0/29"),
			[]string{"spoke.aksSubnet: 10.1.0.0/29 holds 3 usable addresses, 6 nodes at the pools' maxima (+2 upgrade surge) need 8"}},
		{"autoscaler maximum below the minimum", mocktest.All(mocktest.Set("aks", "nodeCount", 4), mocktest.Set("aks", "nodeMaxCount", 3)),
			[]string{"aks.nodeMaxCount: 3 must be between aks.nodeCount (4) and 1000"}},
		{"user pool bounds reversed", mocktest.Set("aks", "userPool", map[string]any{"nodeSize": "Standard_D4ds_v5", "minCount": 3, "maxCount": 2}),
			[]string{"aks.userPool: minCount 3 and maxCount 2 must satisfy"}},
		{"unknown threat intelligence mode", mocktest.Set("firewall", "threatIntelMode", "Block"),
			[]string{`firewall.threatIntelMode: "Block" is not one of Alert, Deny, Off`}},
		{"log retention too short", func(c map[string]any) { c["monitoring"] = map[string]any{"retentionDays": 7} },
			[]string{"monitoring.retentionDays: 7 must be between 30 and 730"}},
		{"Bastion without its subnet", func(c map[string]any) { delete(c["hub"].(map[string]any), "bastionSubnet") },
			[]string{"hub.bastionSubnet: required"}},
		{"DNS service IP outside the service range", mocktest.Set("aks", "dnsServiceIP", "10.2.0.10"),
			[]string{"aks.dnsServiceIP: 10.2.0.10 is outside aks.serviceCidr 172.16.0.0/16"}},
		{"DNS service IP at the network address", mocktest.Set("aks", "dnsServiceIP", "172.16.0.0"),
			[]string{"aks.dnsServiceIP: 172.16.0.0 is the network address of aks.serviceCidr 172.16.0.0/16"}},
		{"SSH key that does not parse", mocktest.Set("jumpBox", "sshPublicKey", "ssh-ed25519 not-a-key"),
			[]string{"jumpBox.sshPublicKey: does not parse as an OpenSSH public key"}},
		{"unknown DNS zone mode", mocktest.Set("dns", "zoneMode", "hybrid"),
			[]string{`dns.zoneMode: "hybrid" is not one of system, custom`}},
		{"unknown firewall SKU", mocktest.Set("firewall", "sku", "Ultra"),
			[]string{`firewall.sku: "Ultra" is not one of Basic, Standard, Premium`}},
		{"malformed Kubernetes version", mocktest.Set("aks", "kubernetesVersion", "v1.33"),
			[]string{`aks.kubernetesVersion: "v1.33" must be MAJOR.MINOR or MAJOR.MINOR.PATCH`}},
		{"missing required key", func(c map[string]any) { delete(c, "jumpBox") },
			[]string{"jumpBox: required key is missing"}},
		{"missing required range", func(c map[string]any) { delete(c["hub"].(map[string]any), "firewallSubnet") },
			[]string{"hub.firewallSubnet: required"}},
		{"misspelled field", mocktest.Set("hub", "adressSpace", "10.0.0.0/16"),
			[]string{`hub: not a valid value: json: unknown field "adressSpace"`}},
		{"range with host bits", mocktest.Set("hub", "addressSpace", "10.0.0.1/16"),
			[]string{"hub.addressSpace: 10.0.0.1/16 has host bits set; did you mean 10.0.0.0/16?"}},
		{"Basic firewall without management subnet", mocktest.Set("firewall", "sku", "Basic"),
			[]string{"hub.firewallManagementSubnet: required"}},
		{"catch-all extra network rule", mocktest.Set("firewall", "extraNetworkRules", []any{map[string]any{
			"name": "everything", "protocols": []any{"Any"}, "destinationAddresses": []any{"*"}, "destinationPorts": []any{"*"}}}),
			[]string{"firewall.extraNetworkRules[0]: allows any destination on any port"}},
		{"catch-all extra application rule", mocktest.Set("firewall", "extraApplicationRules", []any{map[string]any{
			"name": "web", "targetFqdns": []any{"*"}, "protocols": []any{"Https:443"}}}),
			[]string{`firewall.extraApplicationRules[0].targetFqdns: "*" allows every site`}},
		{"reserved admin user name", mocktest.Set("jumpBox", "adminUsername", "root"),
			[]string{`jumpBox.adminUsername: "root" must be a lowercase Linux user name`}},
		{"unknown availability zone", mocktest.Set("aks", "availabilityZones", []any{"1", "4"}),
			[]string{`aks.availabilityZones[1]: "4" must be one of`}},
		// Rules Azure enforces at deployment time (azurerules cites each source).
		{"system pool below 30 pods", mocktest.Set("aks", "maxPods", 20),
			[]string{"aks.maxPods: 20 must be between 30 (a system node pool must run at least 30 pods per node) and 250"}},
		{"B-series system pool", mocktest.Set("aks", "nodeSize", "Standard_B4ms"),
			[]string{"aks.nodeSize: Standard_B4ms is a B-series size, which system node pools refuse"}},
		{"service range AKS reserves", mocktest.All(mocktest.Set("aks", "serviceCidr", "172.30.0.0/16"), mocktest.Set("aks", "dnsServiceIP", "172.30.0.10")),
			[]string{"aks.serviceCidr: 172.30.0.0/16 overlaps 172.30.0.0/16, which AKS reserves"}},
		{"pod range AKS reserves", mocktest.Set("aks", "podCidr", "169.254.0.0/16"),
			[]string{"aks.podCidr: 169.254.0.0/16 overlaps 169.254.0.0/16, which AKS reserves"}},
		{"VNet range Azure refuses", mocktest.All(mocktest.Set("hub", "addressSpace", "168.63.0.0/16"), mocktest.Set("hub", "firewallSubnet", "168.63.0.0/26"),
			mocktest.Set("hub", "bastionSubnet", "168.63.0.64/26"), mocktest.Set("hub", "jumpBoxSubnet", "168.63.1.0/28")),
			[]string{"hub.addressSpace: 168.63.0.0/16 overlaps 168.63.129.16/32, which Azure refuses in a virtual network"}},
		{"subnet smaller than /29", mocktest.Set("hub", "jumpBoxSubnet", "10.0.1.0/30"),
			[]string{"hub.jumpBoxSubnet: 10.0.1.0/30 is smaller than the /29 Azure requires"}},
		{"gateway without its subnet", mocktest.Set("hub", "hasGateway", true),
			[]string{"hub.gatewaySubnet: required with hub.hasGateway"}},
		{"gateway subnet smaller than /27", mocktest.Set("hub", "gatewaySubnet", "10.0.0.192/28"),
			[]string{"hub.gatewaySubnet: 10.0.0.192/28 is smaller than the /27 Azure requires"}},
		{"kubectl two minors from the cluster", mocktest.Set("jumpBox", "kubectlVersion", "1.34.2"),
			[]string{"jumpBox.kubectlVersion: 1.34.2 is more than one minor version from aks.kubernetesVersion 1.36"}},
		{"kubelogin version not pinned", mocktest.Set("jumpBox", "kubeloginVersion", "latest"),
			[]string{`jumpBox.kubeloginVersion: "latest" must be a kubelogin release MAJOR.MINOR.PATCH`}},
		{"production stack without admin group", func(c map[string]any) { c["environment"] = "prod" },
			[]string{"aks.adminGroupObjectIds: a production stack (environment prod or protect true) must name at least one Entra ID group"}},
		{"protected stack without admin group", func(c map[string]any) { c["protect"] = true },
			[]string{"aks.adminGroupObjectIds: a production stack"}},
		{"patch pinned under the patch auto-upgrade", mocktest.Set("aks", "kubernetesVersion", "1.36.1"),
			[]string{"aks.kubernetesVersion: 1.36.1 pins a patch, which the patch auto-upgrade channel moves past; give MAJOR.MINOR such as 1.36"}},
		{"a stack tag left to Azure Policy", func(c map[string]any) { c["policyManagedTags"] = []any{"owner"} },
			[]string{`policyManagedTags[0]: "owner" is a tag the stack sets`}},
		{"endpoint subnet overlaps the node subnet", mocktest.Set("spoke", "privateEndpointSubnet", "10.1.0.0/27"),
			[]string{"spoke.privateEndpointSubnet: 10.1.0.0/27 overlaps spoke.aksSubnet 10.1.0.0/22"}},
		{"endpoint subnet outside the spoke", mocktest.Set("spoke", "privateEndpointSubnet", "10.2.4.0/27"),
			[]string{"spoke.privateEndpointSubnet: 10.2.4.0/27 is outside spoke.addressSpace 10.1.0.0/16"}},
		{"endpoint subnet too small", mocktest.Set("spoke", "privateEndpointSubnet", "10.1.4.0/30"),
			[]string{"spoke.privateEndpointSubnet: 10.1.4.0/30 is smaller than the /29 Azure requires"}},
		{"endpoint subnet missing", func(c map[string]any) { delete(c["spoke"].(map[string]any), "privateEndpointSubnet") },
			[]string{"spoke.privateEndpointSubnet: required"}},
		{"vault name longer than Azure allows", func(c map[string]any) { c["namePrefix"] = "platformteam"; c["environment"] = "staging1" },
			[]string{"namePrefix: the Key Vault name kv-platformteam-staging1-xxxxxx would be 31 characters, more than the 24 Azure allows"}},
		{"production vault without purge protection", func(c map[string]any) { c["protect"] = true; c["keyVault"] = map[string]any{"purgeProtection": false} },
			[]string{"keyVault.purgeProtection: a production stack (environment prod or protect true) keeps purge protection on"}},
		{"workload identity with a bad service account", mocktest.Set("keyVault", "workloadIdentity", map[string]any{"namespace": "payments", "serviceAccount": "API_user"}),
			[]string{`keyVault.workloadIdentity.serviceAccount: "API_user" must be a Kubernetes name`}},
		{"every mistake at once", mocktest.All(mocktest.Set("spoke", "addressSpace", "10.0.0.0/16"), mocktest.Set("firewall", "sku", "Ultra"), mocktest.Set("aks", "nodeCount", 0)),
			[]string{"spoke.addressSpace: 10.0.0.0/16 overlaps hub.addressSpace", `firewall.sku: "Ultra"`, "aks.nodeCount: 0 must be between 1 and 1000"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := mocktest.Run(t, "dev", mocktest.WithConfig(t, tc.edit))
			require.Error(t, err)
			for _, want := range tc.want {
				assert.Contains(t, err.Error(), want)
			}
			assert.Empty(t, res.Resources, "nothing is registered for an invalid config")
		})
	}
}

func TestDNSModeRulesAreEnforced(t *testing.T) {
	tests := []struct {
		name string
		edit func(map[string]any)
		want string
	}{
		{"forwarders need a custom zone", mocktest.All(mocktest.DNSMode("forwarder"), func(c map[string]any) { c["dns"].(map[string]any)["zoneMode"] = "system" }),
			"dns.zoneMode: system cannot be used with dns.resolver forwarder"},
		{"forwarder subnet too small", mocktest.All(mocktest.DNSMode("forwarder"), func(c map[string]any) { c["dns"].(map[string]any)["forwarderSubnet"] = "10.0.2.0/30" }),
			"dns.forwarderSubnet: 10.0.2.0/30 is smaller than the /29 Azure requires"},
		{"forwarder subnet overlaps the jump box", mocktest.All(mocktest.DNSMode("forwarder"), func(c map[string]any) { c["dns"].(map[string]any)["forwarderSubnet"] = "10.0.1.0/29" }),
			"dns.forwarderSubnet: 10.0.1.0/29 overlaps hub.jumpBoxSubnet 10.0.1.0/28"},
		{"on-prem range overlaps the spoke", mocktest.All(mocktest.DNSMode("forwarder"), func(c map[string]any) { c["dns"].(map[string]any)["onPremRanges"] = []any{"10.1.0.0/24"} }),
			"dns.onPremRanges[0]: 10.1.0.0/24 overlaps spoke.addressSpace 10.1.0.0/16"},
		{"resolver subnet in the range the resolver reserves", mocktest.All(mocktest.DNSMode("privateResolver"),
			func(c map[string]any) { c["dns"].(map[string]any)["resolverInboundSubnet"] = "10.0.3.0/28" }),
			"dns.resolverInboundSubnet: 10.0.3.0/28 lies in 10.0.1.0-10.0.16.255, which the DNS Private Resolver reserves"},
		{"resolver subnet larger than /24", mocktest.All(mocktest.DNSMode("privateResolver"),
			func(c map[string]any) { c["dns"].(map[string]any)["resolverOutboundSubnet"] = "10.0.64.0/23" }),
			"dns.resolverOutboundSubnet: 10.0.64.0/23 is larger than the /24 a DNS Private Resolver endpoint accepts"},
		{"resolver subnet smaller than /28", mocktest.All(mocktest.DNSMode("privateResolver"),
			func(c map[string]any) { c["dns"].(map[string]any)["resolverOutboundSubnet"] = "10.0.32.16/29" }),
			"dns.resolverOutboundSubnet: 10.0.32.16/29 is smaller than the /28 Azure requires"},
		{"unknown resolver", func(c map[string]any) { c["dns"] = map[string]any{"resolver": "bind"} },
			`dns.resolver: "bind" is not one of azure, forwarder, privateResolver`},
		{"on-prem domains without a resolver", func(c map[string]any) { c["dns"] = map[string]any{"onPremDomains": mocktest.OnPrem["onPremDomains"]} },
			"dns.onPremDomains: need dns.resolver forwarder or privateResolver"},
		{"malformed on-prem domain", mocktest.All(mocktest.DNSMode("forwarder"), func(c map[string]any) {
			c["dns"].(map[string]any)["onPremDomains"] = []any{map[string]any{"domain": "corp_contoso", "servers": []any{"172.30.0.10"}}}
		}), `dns.onPremDomains[0].domain: "corp_contoso" is not a DNS domain`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := mocktest.Run(t, "dev", mocktest.WithConfig(t, tc.edit))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Empty(t, res.Resources)
		})
	}
}

func TestPulumiYAMLDefaultsMatchTheProgram(t *testing.T) {
	cfg := mocktest.StackConfig(t, "dev")
	declared := mocktest.DeclaredKeys(t)
	assert.Equal(t, settings.DefaultNamePrefix, declared[mocktest.Project+":namePrefix"].Default)
	assert.Equal(t, false, declared[mocktest.Project+":protect"].Default, "protection is off unless a stack asks")
	for _, key := range []string{"tags", "firewall", "dns", "monitoring", "registry", "keyVault"} {
		assert.Equal(t, map[string]any{}, declared[mocktest.Project+":"+key].Default, "optional object %s defaults to {} so the program's defaults apply", key)
	}
	for _, key := range []string{"environment", "location", "hub", "spoke", "aks", "jumpBox"} {
		assert.Nil(t, declared[mocktest.Project+":"+key].Default, "required key %s has no default", key)
		assert.Contains(t, cfg, mocktest.Project+":"+key, "the dev stack sets required key %s", key)
	}
}
