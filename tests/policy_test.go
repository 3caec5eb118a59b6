package tests

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"

	"github.com/hubspoke/private-aks/internal/azuretype"
	"github.com/hubspoke/private-aks/internal/mocktest"
)

// The policy suite: the AKS-baseline rules a platform team reviews a private cluster against,
// checked on what the program registers for every shipped stack. Each rule also has a
// deliberately broken variant of the dev stack's resources that it must catch.

// policy is one rule: check lists its violations; breach breaks the rule in a dev stack's resources.
type policy struct {
	name   string
	check  func(r *mocktest.Result) []string
	breach func(r *mocktest.Result)
}

var policies = []policy{
	{"cluster is private", clusterIsPrivate, func(r *mocktest.Result) {
		mocktest.At(r.First(azuretype.ManagedCluster).Inputs, "apiServerAccessProfile").ObjectValue()["enablePrivateCluster"] = resource.NewBoolProperty(false)
	}},
	{"cluster uses Entra ID with Azure RBAC", clusterUsesEntraRBAC, func(r *mocktest.Result) {
		mocktest.At(r.First(azuretype.ManagedCluster).Inputs, "aadProfile").ObjectValue()["enableAzureRBAC"] = resource.NewBoolProperty(false)
	}},
	{"cluster has local accounts disabled", clusterHasNoLocalAccounts, func(r *mocktest.Result) {
		r.First(azuretype.ManagedCluster).Inputs["disableLocalAccounts"] = resource.NewBoolProperty(false)
	}},
	{"cluster enforces a network policy", clusterHasNetworkPolicy, func(r *mocktest.Result) {
		delete(mocktest.At(r.First(azuretype.ManagedCluster).Inputs, "networkProfile").ObjectValue(), "networkPolicy")
	}},
	{"cluster runs the Azure Policy add-on", clusterRunsPolicyAddon, func(r *mocktest.Result) {
		mocktest.At(r.First(azuretype.ManagedCluster).Inputs, "addonProfiles", "azurepolicy").ObjectValue()["enabled"] = resource.NewBoolProperty(false)
	}},
	{"node pools autoscale within sane bounds", poolsAutoscaleSanely, func(r *mocktest.Result) {
		r.First(azuretype.AgentPool).Inputs["maxCount"] = resource.NewNumberProperty(0)
	}},
	{"public IPs only on the firewall and Bastion", func(r *mocktest.Result) []string { return publicIPsOutsideFirewallAndBastion(r) }, func(r *mocktest.Result) {
		r.Resources = append(r.Resources, &mocktest.Registered{Type: azuretype.PublicIP, Custom: true, ID: "/mock/pip-of-a-vm",
			Inputs: resource.PropertyMap{"publicIpAddressName": resource.NewStringProperty("pip-of-a-vm")}})
	}},
	{"no NSG admits SSH or RDP from anywhere", nsgsKeepSSHAndRDPPrivate, func(r *mocktest.Result) {
		rules := mocktest.At(r.First(azuretype.NSG).Inputs, "securityRules")
		r.First(azuretype.NSG).Inputs["securityRules"] = resource.NewArrayProperty(append(rules.ArrayValue(), resource.NewObjectProperty(
			resource.NewPropertyMapFromMap(map[string]any{"name": "ssh", "direction": "Inbound", "access": "Allow",
				"sourceAddressPrefix": "Internet", "destinationPortRange": "22"}))))
	}},
	{"no VM accepts a password", vmsUseKeysOnly, func(r *mocktest.Result) {
		mocktest.At(r.First(azuretype.VM).Inputs, "osProfile").ObjectValue()["adminPassword"] = resource.NewStringProperty("P@ssw0rd!")
	}},
	{"no firewall rule allows any destination on any port", firewallHasNoCatchAll, func(r *mocktest.Result) {
		rules := mocktest.At(r.First(azuretype.RuleCollectionGroup).Inputs, "ruleCollections", 0).ObjectValue()
		rules["rules"] = resource.NewArrayProperty(append(rules["rules"].ArrayValue(), resource.NewObjectProperty(
			resource.NewPropertyMapFromMap(map[string]any{"name": "any", "ruleType": "NetworkRule",
				"destinationAddresses": []any{"*"}, "destinationPorts": []any{"*"}}))))
	}},
	{"every taggable resource is tagged", taggableResourcesAreTagged, func(r *mocktest.Result) {
		delete(r.First(azuretype.VNet).Inputs, "tags")
	}},
	{"firewall, cluster and NSGs send their logs to the workspace", logsReachTheWorkspace, func(r *mocktest.Result) {
		cluster := r.First(azuretype.ManagedCluster).ID
		r.Resources = slices.DeleteFunc(r.Resources, func(x *mocktest.Registered) bool {
			return x.Type == azuretype.DiagnosticSetting && mocktest.Str(x.Inputs, "resourceUri") == cluster
		})
	}},
	{"every node subnet routes 0.0.0.0/0 to the firewall", nodeSubnetsRouteToFirewall, func(r *mocktest.Result) {
		r.First(azuretype.Route).Inputs["nextHopIpAddress"] = resource.NewStringProperty("10.0.0.99")
	}},
	{"every subnet that allows an NSG has one", subnetsHaveNSGs, func(r *mocktest.Result) {
		for _, s := range mocktest.At(r.First(azuretype.VNet).Inputs, "subnets").ArrayValue() {
			delete(s.ObjectValue(), "networkSecurityGroup")
		}
	}},
}

func TestPolicySuite(t *testing.T) {
	for _, p := range policies {
		t.Run(p.name, func(t *testing.T) {
			for _, name := range mocktest.StackNames(t) {
				assert.Empty(t, p.check(mocktest.RunStack(t, name)), "stack %s", name)
			}
			broken := mocktest.RunStack(t, "dev")
			p.breach(broken)
			assert.NotEmpty(t, p.check(broken), "the rule catches a breach")
		})
	}
}

func clusters(r *mocktest.Result) []*mocktest.Registered { return r.OfType(azuretype.ManagedCluster) }

func clusterIsPrivate(r *mocktest.Result) (v []string) {
	for _, c := range clusters(r) {
		if !mocktest.At(c.Inputs, "apiServerAccessProfile", "enablePrivateCluster").IsBool() ||
			!mocktest.At(c.Inputs, "apiServerAccessProfile", "enablePrivateCluster").BoolValue() ||
			mocktest.At(c.Inputs, "apiServerAccessProfile", "enablePrivateClusterPublicFQDN").IsBool() &&
				mocktest.At(c.Inputs, "apiServerAccessProfile", "enablePrivateClusterPublicFQDN").BoolValue() {
			v = append(v, c.URN+" has a public API server endpoint or FQDN")
		}
	}
	return v
}

// isTrue reads an optional boolean.
func isTrue(pm resource.PropertyMap, path ...any) bool {
	b := mocktest.At(pm, path...)
	return b.IsBool() && b.BoolValue()
}

func clusterUsesEntraRBAC(r *mocktest.Result) (v []string) {
	for _, c := range clusters(r) {
		if !isTrue(c.Inputs, "aadProfile", "managed") || !isTrue(c.Inputs, "aadProfile", "enableAzureRBAC") {
			v = append(v, c.URN+" does not authorize through Entra ID and Azure RBAC")
		}
	}
	return v
}

func clusterHasNoLocalAccounts(r *mocktest.Result) (v []string) {
	for _, c := range clusters(r) {
		if !isTrue(c.Inputs, "disableLocalAccounts") {
			v = append(v, c.URN+" keeps local accounts")
		}
	}
	return v
}

func clusterHasNetworkPolicy(r *mocktest.Result) (v []string) {
	for _, c := range clusters(r) {
		if !slices.Contains([]string{"cilium", "calico", "azure"}, mocktest.Str(c.Inputs, "networkProfile", "networkPolicy")) {
			v = append(v, c.URN+" enforces no network policy")
		}
	}
	return v
}

func clusterRunsPolicyAddon(r *mocktest.Result) (v []string) {
	for _, c := range clusters(r) {
		if !isTrue(c.Inputs, "addonProfiles", "azurepolicy", "enabled") {
			v = append(v, c.URN+" runs without the Azure Policy add-on")
		}
	}
	return v
}

func poolsAutoscaleSanely(r *mocktest.Result) (v []string) {
	pools := map[string]resource.PropertyMap{}
	for _, c := range clusters(r) {
		for i, p := range mocktest.Items(c.Inputs, "agentPoolProfiles") {
			pools[fmt.Sprintf("%s pool %d", c.URN, i)] = p.ObjectValue()
		}
	}
	for _, p := range r.OfType(azuretype.AgentPool) {
		pools[p.URN] = p.Inputs
	}
	for name, p := range pools {
		least := 0.0
		if mocktest.Str(p, "mode") == "System" {
			least = 1 // the system pool must keep a node
		}
		minCount, maxCount := mocktest.At(p, "minCount"), mocktest.At(p, "maxCount")
		if !isTrue(p, "enableAutoScaling") || !minCount.IsNumber() || !maxCount.IsNumber() ||
			minCount.NumberValue() < least || maxCount.NumberValue() < max(minCount.NumberValue(), 1) || maxCount.NumberValue() > 1000 {
			v = append(v, name+" does not autoscale within 0|1 <= min <= max <= 1000")
		}
		if isTrue(p, "enableNodePublicIP") {
			v = append(v, name+" gives nodes public IPs")
		}
	}
	return v
}

func publicIPsOutsideFirewallAndBastion(r *mocktest.Result) (v []string) {
	allowed := map[string]bool{}
	for _, fw := range r.OfType(azuretype.Firewall) {
		allowed[mocktest.Str(fw.Inputs, "ipConfigurations", 0, "publicIPAddress", "id")] = true
		allowed[mocktest.Str(fw.Inputs, "managementIpConfiguration", "publicIPAddress", "id")] = true
	}
	for _, b := range r.OfType(azuretype.Bastion) {
		allowed[mocktest.Str(b.Inputs, "ipConfigurations", 0, "publicIPAddress", "id")] = true
	}
	for _, pip := range r.OfType(azuretype.PublicIP) {
		if !allowed[pip.ID] {
			v = append(v, pip.ID+" is a public IP of neither the firewall nor Bastion")
		}
	}
	for _, nic := range r.OfType(azuretype.NIC) {
		if !mocktest.At(nic.Inputs, "ipConfigurations", 0, "publicIPAddress").IsNull() {
			v = append(v, nic.URN+" has a public IP")
		}
	}
	return v
}

// coversPort tells whether an NSG port range ("*", "22", "20-25") includes port.
func coversPort(spec string, port int) bool {
	if spec == "*" {
		return true
	}
	low, high, isRange := strings.Cut(spec, "-")
	if !isRange {
		high = low
	}
	lo, errLo := strconv.Atoi(low)
	hi, errHi := strconv.Atoi(high)
	return errLo == nil && errHi == nil && lo <= port && port <= hi
}

func nsgsKeepSSHAndRDPPrivate(r *mocktest.Result) (v []string) {
	anywhere := []string{"*", "Internet", "0.0.0.0/0", "Any"}
	for _, group := range r.OfType(azuretype.NSG) {
		for _, rule := range mocktest.Items(group.Inputs, "securityRules") {
			rm := rule.ObjectValue()
			if mocktest.Str(rm, "direction") != "Inbound" || mocktest.Str(rm, "access") != "Allow" {
				continue
			}
			sources := append(mocktest.Strs(rm, "sourceAddressPrefixes"), mocktest.Str(rm, "sourceAddressPrefix"))
			ports := append(mocktest.Strs(rm, "destinationPortRanges"), mocktest.Str(rm, "destinationPortRange"))
			open := slices.ContainsFunc(sources, func(s string) bool { return slices.Contains(anywhere, s) })
			for _, p := range ports {
				if open && (coversPort(p, 22) || coversPort(p, 3389)) {
					v = append(v, fmt.Sprintf("%s rule %s admits SSH/RDP from anywhere", group.URN, mocktest.Str(rm, "name")))
				}
			}
		}
	}
	return v
}

func vmsUseKeysOnly(r *mocktest.Result) (v []string) {
	for _, vm := range r.OfType(azuretype.VM) {
		if !mocktest.At(vm.Inputs, "osProfile", "adminPassword").IsNull() ||
			!isTrue(vm.Inputs, "osProfile", "linuxConfiguration", "disablePasswordAuthentication") {
			v = append(v, vm.URN+" accepts a password")
		}
	}
	return v
}

func firewallHasNoCatchAll(r *mocktest.Result) (v []string) {
	for _, g := range r.OfType(azuretype.RuleCollectionGroup) {
		for _, c := range mocktest.Items(g.Inputs, "ruleCollections") {
			for _, rule := range mocktest.Items(c.ObjectValue(), "rules") {
				rm := rule.ObjectValue()
				anyDestination := slices.Contains(mocktest.Strs(rm, "destinationAddresses"), "*") || slices.Contains(mocktest.Strs(rm, "destinationFqdns"), "*")
				ports := mocktest.Strs(rm, "destinationPorts")
				anyPort := len(ports) == 0 || slices.ContainsFunc(ports, func(p string) bool { return p == "*" || p == "1-65535" || p == "0-65535" })
				if mocktest.Str(rm, "ruleType") == "NetworkRule" && anyDestination && anyPort || slices.Contains(mocktest.Strs(rm, "targetFqdns"), "*") {
					v = append(v, fmt.Sprintf("%s rule %s allows any destination on any port", g.URN, mocktest.Str(rm, "name")))
				}
			}
		}
	}
	return v
}

func taggableResourcesAreTagged(r *mocktest.Result) (v []string) {
	for _, res := range r.Resources {
		if azuretype.Table[res.Type].Taggable &&
			(mocktest.Str(res.Inputs, "tags", "environment") == "" || mocktest.Str(res.Inputs, "tags", "managedBy") != "pulumi") {
			v = append(v, res.URN+" lacks the environment and managedBy tags")
		}
	}
	return v
}

func logsReachTheWorkspace(r *mocktest.Result) (v []string) {
	workspace := r.First(azuretype.Workspace).ID
	settings := map[string]resource.PropertyMap{}
	for _, d := range r.OfType(azuretype.DiagnosticSetting) {
		if mocktest.Str(d.Inputs, "workspaceId") == workspace {
			settings[mocktest.Str(d.Inputs, "resourceUri")] = d.Inputs
		}
	}
	for _, fw := range r.OfType(azuretype.Firewall) {
		if s, ok := settings[fw.ID]; !ok || mocktest.Str(s, "logAnalyticsDestinationType") != "Dedicated" {
			v = append(v, fw.URN+" sends no structured logs to the workspace")
		}
	}
	for _, c := range clusters(r) {
		var categories []string
		for _, l := range mocktest.Items(settings[c.ID], "logs") {
			categories = append(categories, mocktest.Str(l.ObjectValue(), "category"))
		}
		if !slices.Contains(categories, "kube-audit-admin") || !slices.Contains(categories, "guard") {
			v = append(v, c.URN+" sends no audit and guard logs to the workspace")
		}
	}
	for _, group := range r.OfType(azuretype.NSG) {
		if _, ok := settings[group.ID]; !ok {
			v = append(v, group.URN+" sends no logs to the workspace")
		}
	}
	return v
}

func nodeSubnetsRouteToFirewall(r *mocktest.Result) (v []string) {
	firewallIP := mocktest.Str(r.First(azuretype.Firewall).State, "ipConfigurations", 0, "privateIPAddress")
	defaultRoutes := map[string]bool{} // route table names with 0.0.0.0/0 to the firewall
	for _, route := range r.OfType(azuretype.Route) {
		if mocktest.Str(route.Inputs, "addressPrefix") == "0.0.0.0/0" && mocktest.Str(route.Inputs, "nextHopType") == "VirtualAppliance" &&
			mocktest.Str(route.Inputs, "nextHopIpAddress") == firewallIP {
			defaultRoutes[mocktest.Str(route.Inputs, "routeTableName")] = true
		}
	}
	nodeSubnets := map[string]bool{}
	for _, c := range clusters(r) {
		for _, p := range mocktest.Items(c.Inputs, "agentPoolProfiles") {
			nodeSubnets[mocktest.Str(p.ObjectValue(), "vnetSubnetID")] = true
		}
	}
	for _, p := range r.OfType(azuretype.AgentPool) {
		nodeSubnets[mocktest.Str(p.Inputs, "vnetSubnetID")] = true
	}
	for subnetID := range nodeSubnets {
		vnetID, name, _ := strings.Cut(subnetID, "/subnets/")
		vnet := r.ByID(vnetID)
		routed := false
		for _, s := range mocktest.Items(vnet.Inputs, "subnets") {
			if mocktest.Str(s.ObjectValue(), "name") == name {
				table := r.ByID(mocktest.Str(s.ObjectValue(), "routeTable", "id"))
				routed = table != nil && defaultRoutes[mocktest.Str(table.State, "name")]
			}
		}
		if !routed {
			v = append(v, subnetID+" does not route 0.0.0.0/0 to the firewall")
		}
	}
	return v
}

// Subnets Azure forbids an NSG on.
var noNSGSubnets = []string{"AzureFirewallSubnet", "AzureFirewallManagementSubnet", "GatewaySubnet"}

func subnetsHaveNSGs(r *mocktest.Result) (v []string) {
	for _, vnet := range r.OfType(azuretype.VNet) {
		for _, s := range mocktest.Items(vnet.Inputs, "subnets") {
			name := mocktest.Str(s.ObjectValue(), "name")
			if !slices.Contains(noNSGSubnets, name) && mocktest.Str(s.ObjectValue(), "networkSecurityGroup", "id") == "" {
				v = append(v, fmt.Sprintf("%s subnet %s has no NSG", vnet.URN, name))
			}
		}
	}
	return v
}
