package tests

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hubspoke/private-aks/settings"
)

// set changes one field of a structured key.
func set(key, field string, value any) func(map[string]any) {
	return func(c map[string]any) { c[key].(map[string]any)[field] = value }
}

// all applies several edits.
func all(edits ...func(map[string]any)) func(map[string]any) {
	return func(c map[string]any) {
		for _, e := range edits {
			e(c)
		}
	}
}

func TestInvalidConfigIsRejectedByKeyBeforeAnyResource(t *testing.T) {
	tests := []struct {
		name string
		edit func(map[string]any)
		want []string
	}{
		{"spoke overlaps hub", set("spoke", "addressSpace", "10.0.0.0/16"),
			[]string{"spoke.addressSpace: 10.0.0.0/16 overlaps hub.addressSpace 10.0.0.0/16"}},
		{"service range overlaps spoke", all(set("aks", "serviceCidr", "10.1.0.0/16"), set("aks", "dnsServiceIP", "10.1.0.10")),
			[]string{"aks.serviceCidr: 10.1.0.0/16 overlaps spoke.addressSpace 10.1.0.0/16"}},
		{"pod range overlaps hub", set("aks", "podCidr", "10.0.0.0/14"),
			[]string{"aks.podCidr: 10.0.0.0/14 overlaps hub.addressSpace 10.0.0.0/16"}},
		{"subnet outside its VNet", set("spoke", "aksSubnet", "10.2.0.0/22"),
			[]string{"spoke.aksSubnet: 10.2.0.0/22 is outside spoke.addressSpace 10.1.0.0/16"}},
		{"overlapping subnets", set("hub", "jumpBoxSubnet", "10.0.0.32/28"),
			[]string{"hub.jumpBoxSubnet: 10.0.0.32/28 overlaps hub.firewallSubnet 10.0.0.0/26"}},
		{"firewall subnet smaller than /26", set("hub", "firewallSubnet", "10.0.0.0/27"),
			[]string{"hub.firewallSubnet: 10.0.0.0/27 is smaller than the /26 Azure requires"}},
		{"node subnet too small for pods without overlay",
			all(set("aks", "cni", "nodeSubnet"), set("aks", "maxPods", 30), set("aks", "nodeCount", 3), set("aks", "nodeMaxCount", 3),
				set("aks", "userPool", map[string]any{"nodeSize": "Standard_D4ds_v5", "minCount": 1, "maxCount": 2}), set("spoke", "aksSubnet", "10.1.0.0/26")),
			[]string{"spoke.aksSubnet: 10.1.0.0/26 holds 59 usable addresses, 5 nodes at the pools' maxima (+2 upgrade surge) x (30 max pods + 1 node IP) need 217"}},
		{"node subnet too small for nodes with overlay", set("spoke", "aksSubnet", "10.1.0.0/29"),
			[]string{"spoke.aksSubnet: 10.1.0.0/29 holds 3 usable addresses, 6 nodes at the pools' maxima (+2 upgrade surge) need 8"}},
		{"autoscaler maximum below the minimum", all(set("aks", "nodeCount", 4), set("aks", "nodeMaxCount", 3)),
			[]string{"aks.nodeMaxCount: 3 must be between aks.nodeCount (4) and 1000"}},
		{"user pool bounds reversed", set("aks", "userPool", map[string]any{"nodeSize": "Standard_D4ds_v5", "minCount": 3, "maxCount": 2}),
			[]string{"aks.userPool: minCount 3 and maxCount 2 must satisfy"}},
		{"unknown threat intelligence mode", set("firewall", "threatIntelMode", "Block"),
			[]string{`firewall.threatIntelMode: "Block" is not one of Alert, Deny, Off`}},
		{"log retention too short", func(c map[string]any) { c["monitoring"] = map[string]any{"retentionDays": 7} },
			[]string{"monitoring.retentionDays: 7 must be between 30 and 730"}},
		{"Bastion without its subnet", func(c map[string]any) { delete(c["hub"].(map[string]any), "bastionSubnet") },
			[]string{"hub.bastionSubnet: required"}},
		{"DNS service IP outside the service range", set("aks", "dnsServiceIP", "10.2.0.10"),
			[]string{"aks.dnsServiceIP: 10.2.0.10 is outside aks.serviceCidr 172.16.0.0/16"}},
		{"DNS service IP at the network address", set("aks", "dnsServiceIP", "172.16.0.0"),
			[]string{"aks.dnsServiceIP: 172.16.0.0 is the network address of aks.serviceCidr 172.16.0.0/16"}},
		{"SSH key that does not parse", set("jumpBox", "sshPublicKey", "ssh-ed25519 not-a-key"),
			[]string{"jumpBox.sshPublicKey: does not parse as an OpenSSH public key"}},
		{"unknown DNS zone mode", set("dns", "zoneMode", "hybrid"),
			[]string{`dns.zoneMode: "hybrid" is not one of system, custom`}},
		{"unknown firewall SKU", set("firewall", "sku", "Ultra"),
			[]string{`firewall.sku: "Ultra" is not one of Basic, Standard, Premium`}},
		{"malformed Kubernetes version", set("aks", "kubernetesVersion", "v1.33"),
			[]string{`aks.kubernetesVersion: "v1.33" must be MAJOR.MINOR or MAJOR.MINOR.PATCH`}},
		{"missing required key", func(c map[string]any) { delete(c, "jumpBox") },
			[]string{"jumpBox: required key is missing"}},
		{"missing required range", func(c map[string]any) { delete(c["hub"].(map[string]any), "firewallSubnet") },
			[]string{"hub.firewallSubnet: required"}},
		{"misspelled field", set("hub", "adressSpace", "10.0.0.0/16"),
			[]string{`hub: not a valid value: json: unknown field "adressSpace"`}},
		{"range with host bits", set("hub", "addressSpace", "10.0.0.1/16"),
			[]string{"hub.addressSpace: 10.0.0.1/16 has host bits set; did you mean 10.0.0.0/16?"}},
		{"Basic firewall without management subnet", set("firewall", "sku", "Basic"),
			[]string{"hub.firewallManagementSubnet: required"}},
		{"catch-all extra network rule", set("firewall", "extraNetworkRules", []any{map[string]any{
			"name": "everything", "protocols": []any{"Any"}, "destinationAddresses": []any{"*"}, "destinationPorts": []any{"*"}}}),
			[]string{"firewall.extraNetworkRules[0]: allows any destination on any port"}},
		{"catch-all extra application rule", set("firewall", "extraApplicationRules", []any{map[string]any{
			"name": "web", "targetFqdns": []any{"*"}, "protocols": []any{"Https:443"}}}),
			[]string{`firewall.extraApplicationRules[0].targetFqdns: "*" allows every site`}},
		{"reserved admin user name", set("jumpBox", "adminUsername", "root"),
			[]string{`jumpBox.adminUsername: "root" must be a lowercase Linux user name`}},
		{"unknown availability zone", set("aks", "availabilityZones", []any{"1", "4"}),
			[]string{`aks.availabilityZones[1]: "4" must be one of`}},
		// Rules Azure enforces at deployment time (azurerules cites each source).
		{"system pool below 30 pods", set("aks", "maxPods", 20),
			[]string{"aks.maxPods: 20 must be between 30 (a system node pool must run at least 30 pods per node) and 250"}},
		{"B-series system pool", set("aks", "nodeSize", "Standard_B4ms"),
			[]string{"aks.nodeSize: Standard_B4ms is a B-series size, which system node pools refuse"}},
		{"service range AKS reserves", all(set("aks", "serviceCidr", "172.30.0.0/16"), set("aks", "dnsServiceIP", "172.30.0.10")),
			[]string{"aks.serviceCidr: 172.30.0.0/16 overlaps 172.30.0.0/16, which AKS reserves"}},
		{"pod range AKS reserves", set("aks", "podCidr", "169.254.0.0/16"),
			[]string{"aks.podCidr: 169.254.0.0/16 overlaps 169.254.0.0/16, which AKS reserves"}},
		{"VNet range Azure refuses", all(set("hub", "addressSpace", "168.63.0.0/16"), set("hub", "firewallSubnet", "168.63.0.0/26"),
			set("hub", "bastionSubnet", "168.63.0.64/26"), set("hub", "jumpBoxSubnet", "168.63.1.0/28")),
			[]string{"hub.addressSpace: 168.63.0.0/16 overlaps 168.63.129.16/32, which Azure refuses in a virtual network"}},
		{"subnet smaller than /29", set("hub", "jumpBoxSubnet", "10.0.1.0/30"),
			[]string{"hub.jumpBoxSubnet: 10.0.1.0/30 is smaller than the /29 Azure requires"}},
		{"gateway without its subnet", set("hub", "hasGateway", true),
			[]string{"hub.gatewaySubnet: required with hub.hasGateway"}},
		{"gateway subnet smaller than /27", set("hub", "gatewaySubnet", "10.0.0.192/28"),
			[]string{"hub.gatewaySubnet: 10.0.0.192/28 is smaller than the /27 Azure requires"}},
		{"kubectl two minors from the cluster", set("jumpBox", "kubectlVersion", "1.34.2"),
			[]string{"jumpBox.kubectlVersion: 1.34.2 is more than one minor version from aks.kubernetesVersion 1.36"}},
		{"kubelogin version not pinned", set("jumpBox", "kubeloginVersion", "latest"),
			[]string{`jumpBox.kubeloginVersion: "latest" must be a kubelogin release MAJOR.MINOR.PATCH`}},
		{"production stack without admin group", func(c map[string]any) { c["environment"] = "prod" },
			[]string{"aks.adminGroupObjectIds: a production stack (environment prod or protect true) must name at least one Entra ID group"}},
		{"protected stack without admin group", func(c map[string]any) { c["protect"] = true },
			[]string{"aks.adminGroupObjectIds: a production stack"}},
		{"every mistake at once", all(set("spoke", "addressSpace", "10.0.0.0/16"), set("firewall", "sku", "Ultra"), set("aks", "nodeCount", 0)),
			[]string{"spoke.addressSpace: 10.0.0.0/16 overlaps hub.addressSpace", `firewall.sku: "Ultra"`, "aks.nodeCount: 0 must be between 1 and 1000"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := run(t, "dev", withConfig(t, tc.edit))
			require.Error(t, err)
			for _, want := range tc.want {
				assert.Contains(t, err.Error(), want)
			}
			assert.Empty(t, res.resources, "nothing is registered for an invalid config")
		})
	}
}

func TestValidVariantsBuild(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(map[string]any)
		check func(t *testing.T, res *result)
	}{
		{"Basic firewall gets a management IP and no DNS proxy",
			all(set("firewall", "sku", "Basic"), set("hub", "firewallManagementSubnet", "10.0.0.128/26")),
			func(t *testing.T, res *result) {
				fw := res.one(t, typeFirewall)
				assert.Equal(t, "Basic", str(fw.Inputs, "sku", "tier"))
				assert.Equal(t, res.vnet(t, devHubVNet).ID+"/subnets/AzureFirewallManagementSubnet",
					str(fw.Inputs, "managementIpConfiguration", "subnet", "id"))
				assert.Len(t, res.ofType(typePublicIP), 3, "firewall, its management and Bastion")
				assert.True(t, at(res.one(t, typeFirewallPolicy).Inputs, "dnsSettings").IsNull())
				ntp := ruleByName(t, res, "ntp")
				assert.Equal(t, []any{"*"}, ntp["destinationAddresses"])
				assert.Equal(t, []any{"123"}, ntp["destinationPorts"])
				assert.Nil(t, ntp["destinationFqdns"])
			}},
		{"node subnet CNI has no pod range and uses Calico",
			all(set("aks", "cni", "nodeSubnet"), set("aks", "maxPods", 30)),
			func(t *testing.T, res *result) {
				in := res.one(t, typeManagedCluster).Inputs
				assert.True(t, at(in, "networkProfile", "networkPluginMode").IsNull())
				assert.True(t, at(in, "networkProfile", "podCidr").IsNull(), "no pod range, not even the SDK's default 10.244.0.0/16")
				assert.Equal(t, "azure", str(in, "networkProfile", "networkDataplane"))
				assert.Equal(t, "calico", str(in, "networkProfile", "networkPolicy"))
			}},
		{"zones reach the node pool, the firewall and its IP",
			all(set("aks", "availabilityZones", []any{"1", "2", "3"}), set("firewall", "availabilityZones", []any{"1", "2", "3"})),
			func(t *testing.T, res *result) {
				zones := []string{"1", "2", "3"}
				assert.Equal(t, zones, strs(res.one(t, typeManagedCluster).Inputs, "agentPoolProfiles", 0, "availabilityZones"))
				assert.Equal(t, zones, strs(res.one(t, typeFirewall).Inputs, "zones"))
				assert.Equal(t, zones, strs(res.named(t, typePublicIP, "pip-hubspoke-dev-afw").Inputs, "zones"))
			}},
		{"Bastion off leaves the jump box without SSH and the stack without Bastion",
			set("hub", "bastion", false),
			func(t *testing.T, res *result) {
				assert.Empty(t, res.ofType(typeBastion))
				assert.Len(t, res.ofType(typePublicIP), 1, "only the firewall's")
				jumpNSG := res.named(t, typeNSG, "nsg-hubspoke-dev-jumpbox")
				assert.Len(t, items(jumpNSG.Inputs, "securityRules"), 1, "only the closing deny")
				assert.NotContains(t, res.outputs, "jumpBoxSsh")
			}},
		{"prod-style security: Deny, IDPS on Premium, Defender",
			all(set("firewall", "sku", "Premium"), set("firewall", "threatIntelMode", "Deny"), set("aks", "defender", true)),
			func(t *testing.T, res *result) {
				policy := res.one(t, typeFirewallPolicy)
				assert.Equal(t, "Deny", str(policy.Inputs, "threatIntelMode"))
				assert.Equal(t, "Deny", str(policy.Inputs, "intrusionDetection", "mode"))
				cluster := res.one(t, typeManagedCluster)
				assert.Equal(t, res.one(t, typeWorkspace).ID, str(cluster.Inputs, "securityProfile", "defender", "logAnalyticsWorkspaceResourceId"))
				assert.Contains(t, ruleByName(t, res, "defender")["targetFqdns"], "*.cloud.defender.microsoft.com")
			}},
		{"extra rules default their source to the AKS subnet",
			all(set("firewall", "extraNetworkRules", []any{map[string]any{
				"name": "onprem-dns", "protocols": []any{"UDP", "TCP"}, "destinationAddresses": []any{"192.0.2.53"}, "destinationPorts": []any{"53"}}}),
				set("firewall", "extraApplicationRules", []any{map[string]any{
					"name": "github", "sourceAddresses": []any{"10.1.0.0/24"}, "targetFqdns": []any{"github.com"}, "protocols": []any{"Https:443"}}})),
			func(t *testing.T, res *result) {
				dns := ruleByName(t, res, "onprem-dns")
				assert.Equal(t, []any{devAksSubnet}, dns["sourceAddresses"])
				assert.Equal(t, []any{"UDP", "TCP"}, dns["ipProtocols"])
				gh := ruleByName(t, res, "github")
				assert.Equal(t, []any{"10.1.0.0/24"}, gh["sourceAddresses"])
				assert.Equal(t, []any{map[string]any{"protocolType": "Https", "port": float64(443)}}, gh["protocols"])
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := run(t, "dev", withConfig(t, tc.edit))
			require.NoError(t, err)
			tc.check(t, res)
		})
	}
}

func TestPulumiYAMLDefaultsMatchTheProgram(t *testing.T) {
	cfg := stackConfig(t, "dev")
	declared := declaredKeys(t)
	assert.Equal(t, settings.DefaultNamePrefix, declared[project+":namePrefix"].Default)
	assert.Equal(t, false, declared[project+":protect"].Default, "protection is off unless a stack asks")
	for _, key := range []string{"tags", "firewall", "dns", "monitoring"} {
		assert.Equal(t, map[string]any{}, declared[project+":"+key].Default, "optional object %s defaults to {} so the program's defaults apply", key)
	}
	for _, key := range []string{"environment", "location", "hub", "spoke", "aks", "jumpBox"} {
		assert.Nil(t, declared[project+":"+key].Default, "required key %s has no default", key)
		assert.Contains(t, cfg, project+":"+key, "the dev stack sets required key %s", key)
	}
}
