package tests

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/stretchr/testify/assert"
)

// The policy suite: the AKS-baseline rules a platform team reviews a private cluster against,
// checked on what the program registers for every shipped stack. Each rule also has a
// deliberately broken variant of the dev stack's resources that it must catch.

// policy is one rule: check lists its violations; breach breaks the rule in a dev stack's resources.
type policy struct {
	name   string
	check  func(r *result) []string
	breach func(r *result)
}

var policies = []policy{
	{"cluster is private", clusterIsPrivate, func(r *result) {
		at(r.first(typeManagedCluster).Inputs, "apiServerAccessProfile").ObjectValue()["enablePrivateCluster"] = resource.NewBoolProperty(false)
	}},
	{"cluster uses Entra ID with Azure RBAC", clusterUsesEntraRBAC, func(r *result) {
		at(r.first(typeManagedCluster).Inputs, "aadProfile").ObjectValue()["enableAzureRBAC"] = resource.NewBoolProperty(false)
	}},
	{"cluster has local accounts disabled", clusterHasNoLocalAccounts, func(r *result) {
		r.first(typeManagedCluster).Inputs["disableLocalAccounts"] = resource.NewBoolProperty(false)
	}},
	{"cluster enforces a network policy", clusterHasNetworkPolicy, func(r *result) {
		delete(at(r.first(typeManagedCluster).Inputs, "networkProfile").ObjectValue(), "networkPolicy")
	}},
	{"cluster runs the Azure Policy add-on", clusterRunsPolicyAddon, func(r *result) {
		at(r.first(typeManagedCluster).Inputs, "addonProfiles", "azurepolicy").ObjectValue()["enabled"] = resource.NewBoolProperty(false)
	}},
	{"node pools autoscale within sane bounds", poolsAutoscaleSanely, func(r *result) {
		r.first(typeAgentPool).Inputs["maxCount"] = resource.NewNumberProperty(0)
	}},
	{"public IPs only on the firewall and Bastion", func(r *result) []string { return publicIPsOutsideFirewallAndBastion(r) }, func(r *result) {
		r.resources = append(r.resources, &registered{Type: typePublicIP, Custom: true, ID: "/mock/pip-of-a-vm",
			Inputs: resource.PropertyMap{"publicIpAddressName": resource.NewStringProperty("pip-of-a-vm")}})
	}},
	{"no NSG admits SSH or RDP from anywhere", nsgsKeepSSHAndRDPPrivate, func(r *result) {
		rules := at(r.first(typeNSG).Inputs, "securityRules")
		r.first(typeNSG).Inputs["securityRules"] = resource.NewArrayProperty(append(rules.ArrayValue(), resource.NewObjectProperty(
			resource.NewPropertyMapFromMap(map[string]any{"name": "ssh", "direction": "Inbound", "access": "Allow",
				"sourceAddressPrefix": "Internet", "destinationPortRange": "22"}))))
	}},
	{"no VM accepts a password", vmsUseKeysOnly, func(r *result) {
		at(r.first(typeVM).Inputs, "osProfile").ObjectValue()["adminPassword"] = resource.NewStringProperty("P@ssw0rd!")
	}},
	{"no firewall rule allows any destination on any port", firewallHasNoCatchAll, func(r *result) {
		rules := at(r.first(typeRuleGroup).Inputs, "ruleCollections", 0).ObjectValue()
		rules["rules"] = resource.NewArrayProperty(append(rules["rules"].ArrayValue(), resource.NewObjectProperty(
			resource.NewPropertyMapFromMap(map[string]any{"name": "any", "ruleType": "NetworkRule",
				"destinationAddresses": []any{"*"}, "destinationPorts": []any{"*"}}))))
	}},
	{"every taggable resource is tagged", taggableResourcesAreTagged, func(r *result) {
		delete(r.first(typeVNet).Inputs, "tags")
	}},
	{"firewall, cluster and NSGs send their logs to the workspace", logsReachTheWorkspace, func(r *result) {
		cluster := r.first(typeManagedCluster).ID
		r.resources = slices.DeleteFunc(r.resources, func(x *registered) bool {
			return x.Type == typeDiagnostics && str(x.Inputs, "resourceUri") == cluster
		})
	}},
	{"every node subnet routes 0.0.0.0/0 to the firewall", nodeSubnetsRouteToFirewall, func(r *result) {
		r.first(typeRoute).Inputs["nextHopIpAddress"] = resource.NewStringProperty("10.0.0.99")
	}},
	{"every subnet that allows an NSG has one", subnetsHaveNSGs, func(r *result) {
		for _, s := range at(r.first(typeVNet).Inputs, "subnets").ArrayValue() {
			delete(s.ObjectValue(), "networkSecurityGroup")
		}
	}},
}

func TestPolicySuite(t *testing.T) {
	for _, p := range policies {
		t.Run(p.name, func(t *testing.T) {
			for _, name := range stackNames(t) {
				assert.Empty(t, p.check(runStack(t, name)), "stack %s", name)
			}
			broken := runStack(t, "dev")
			p.breach(broken)
			assert.NotEmpty(t, p.check(broken), "the rule catches a breach")
		})
	}
}

// first is the first registered resource of a type.
func (r *result) first(typ string) *registered {
	return r.ofType(typ)[0]
}

func clusters(r *result) []*registered { return r.ofType(typeManagedCluster) }

func clusterIsPrivate(r *result) (v []string) {
	for _, c := range clusters(r) {
		if !at(c.Inputs, "apiServerAccessProfile", "enablePrivateCluster").IsBool() ||
			!at(c.Inputs, "apiServerAccessProfile", "enablePrivateCluster").BoolValue() ||
			at(c.Inputs, "apiServerAccessProfile", "enablePrivateClusterPublicFQDN").IsBool() &&
				at(c.Inputs, "apiServerAccessProfile", "enablePrivateClusterPublicFQDN").BoolValue() {
			v = append(v, c.URN+" has a public API server endpoint or FQDN")
		}
	}
	return v
}

// isTrue reads an optional boolean.
func isTrue(pm resource.PropertyMap, path ...any) bool {
	b := at(pm, path...)
	return b.IsBool() && b.BoolValue()
}

func clusterUsesEntraRBAC(r *result) (v []string) {
	for _, c := range clusters(r) {
		if !isTrue(c.Inputs, "aadProfile", "managed") || !isTrue(c.Inputs, "aadProfile", "enableAzureRBAC") {
			v = append(v, c.URN+" does not authorize through Entra ID and Azure RBAC")
		}
	}
	return v
}

func clusterHasNoLocalAccounts(r *result) (v []string) {
	for _, c := range clusters(r) {
		if !isTrue(c.Inputs, "disableLocalAccounts") {
			v = append(v, c.URN+" keeps local accounts")
		}
	}
	return v
}

func clusterHasNetworkPolicy(r *result) (v []string) {
	for _, c := range clusters(r) {
		if !slices.Contains([]string{"cilium", "calico", "azure"}, str(c.Inputs, "networkProfile", "networkPolicy")) {
			v = append(v, c.URN+" enforces no network policy")
		}
	}
	return v
}

func clusterRunsPolicyAddon(r *result) (v []string) {
	for _, c := range clusters(r) {
		if !isTrue(c.Inputs, "addonProfiles", "azurepolicy", "enabled") {
			v = append(v, c.URN+" runs without the Azure Policy add-on")
		}
	}
	return v
}

func poolsAutoscaleSanely(r *result) (v []string) {
	pools := map[string]resource.PropertyMap{}
	for _, c := range clusters(r) {
		for i, p := range items(c.Inputs, "agentPoolProfiles") {
			pools[fmt.Sprintf("%s pool %d", c.URN, i)] = p.ObjectValue()
		}
	}
	for _, p := range r.ofType(typeAgentPool) {
		pools[p.URN] = p.Inputs
	}
	for name, p := range pools {
		least := 0.0
		if str(p, "mode") == "System" {
			least = 1 // the system pool must keep a node
		}
		minCount, maxCount := at(p, "minCount"), at(p, "maxCount")
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

func publicIPsOutsideFirewallAndBastion(r *result) (v []string) {
	allowed := map[string]bool{}
	for _, fw := range r.ofType(typeFirewall) {
		allowed[str(fw.Inputs, "ipConfigurations", 0, "publicIPAddress", "id")] = true
		allowed[str(fw.Inputs, "managementIpConfiguration", "publicIPAddress", "id")] = true
	}
	for _, b := range r.ofType(typeBastion) {
		allowed[str(b.Inputs, "ipConfigurations", 0, "publicIPAddress", "id")] = true
	}
	for _, pip := range r.ofType(typePublicIP) {
		if !allowed[pip.ID] {
			v = append(v, pip.ID+" is a public IP of neither the firewall nor Bastion")
		}
	}
	for _, nic := range r.ofType(typeNIC) {
		if !at(nic.Inputs, "ipConfigurations", 0, "publicIPAddress").IsNull() {
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

func nsgsKeepSSHAndRDPPrivate(r *result) (v []string) {
	anywhere := []string{"*", "Internet", "0.0.0.0/0", "Any"}
	for _, group := range r.ofType(typeNSG) {
		for _, rule := range items(group.Inputs, "securityRules") {
			rm := rule.ObjectValue()
			if str(rm, "direction") != "Inbound" || str(rm, "access") != "Allow" {
				continue
			}
			sources := append(strs(rm, "sourceAddressPrefixes"), str(rm, "sourceAddressPrefix"))
			ports := append(strs(rm, "destinationPortRanges"), str(rm, "destinationPortRange"))
			open := slices.ContainsFunc(sources, func(s string) bool { return slices.Contains(anywhere, s) })
			for _, p := range ports {
				if open && (coversPort(p, 22) || coversPort(p, 3389)) {
					v = append(v, fmt.Sprintf("%s rule %s admits SSH/RDP from anywhere", group.URN, str(rm, "name")))
				}
			}
		}
	}
	return v
}

func vmsUseKeysOnly(r *result) (v []string) {
	for _, vm := range r.ofType(typeVM) {
		if !at(vm.Inputs, "osProfile", "adminPassword").IsNull() ||
			!isTrue(vm.Inputs, "osProfile", "linuxConfiguration", "disablePasswordAuthentication") {
			v = append(v, vm.URN+" accepts a password")
		}
	}
	return v
}

func firewallHasNoCatchAll(r *result) (v []string) {
	for _, g := range r.ofType(typeRuleGroup) {
		for _, c := range items(g.Inputs, "ruleCollections") {
			for _, rule := range items(c.ObjectValue(), "rules") {
				rm := rule.ObjectValue()
				anyDestination := slices.Contains(strs(rm, "destinationAddresses"), "*") || slices.Contains(strs(rm, "destinationFqdns"), "*")
				ports := strs(rm, "destinationPorts")
				anyPort := len(ports) == 0 || slices.ContainsFunc(ports, func(p string) bool { return p == "*" || p == "1-65535" || p == "0-65535" })
				if str(rm, "ruleType") == "NetworkRule" && anyDestination && anyPort || slices.Contains(strs(rm, "targetFqdns"), "*") {
					v = append(v, fmt.Sprintf("%s rule %s allows any destination on any port", g.URN, str(rm, "name")))
				}
			}
		}
	}
	return v
}

func taggableResourcesAreTagged(r *result) (v []string) {
	for _, res := range r.resources {
		if slices.Contains(taggable, res.Type) &&
			(str(res.Inputs, "tags", "environment") == "" || str(res.Inputs, "tags", "managedBy") != "pulumi") {
			v = append(v, res.URN+" lacks the environment and managedBy tags")
		}
	}
	return v
}

func logsReachTheWorkspace(r *result) (v []string) {
	workspace := r.first(typeWorkspace).ID
	settings := map[string]resource.PropertyMap{}
	for _, d := range r.ofType(typeDiagnostics) {
		if str(d.Inputs, "workspaceId") == workspace {
			settings[str(d.Inputs, "resourceUri")] = d.Inputs
		}
	}
	for _, fw := range r.ofType(typeFirewall) {
		if s, ok := settings[fw.ID]; !ok || str(s, "logAnalyticsDestinationType") != "Dedicated" {
			v = append(v, fw.URN+" sends no structured logs to the workspace")
		}
	}
	for _, c := range clusters(r) {
		var categories []string
		for _, l := range items(settings[c.ID], "logs") {
			categories = append(categories, str(l.ObjectValue(), "category"))
		}
		if !slices.Contains(categories, "kube-audit-admin") || !slices.Contains(categories, "guard") {
			v = append(v, c.URN+" sends no audit and guard logs to the workspace")
		}
	}
	for _, group := range r.ofType(typeNSG) {
		if _, ok := settings[group.ID]; !ok {
			v = append(v, group.URN+" sends no logs to the workspace")
		}
	}
	return v
}

func nodeSubnetsRouteToFirewall(r *result) (v []string) {
	firewallIP := str(r.first(typeFirewall).State, "ipConfigurations", 0, "privateIPAddress")
	defaultRoutes := map[string]bool{} // route table names with 0.0.0.0/0 to the firewall
	for _, route := range r.ofType(typeRoute) {
		if str(route.Inputs, "addressPrefix") == "0.0.0.0/0" && str(route.Inputs, "nextHopType") == "VirtualAppliance" &&
			str(route.Inputs, "nextHopIpAddress") == firewallIP {
			defaultRoutes[str(route.Inputs, "routeTableName")] = true
		}
	}
	nodeSubnets := map[string]bool{}
	for _, c := range clusters(r) {
		for _, p := range items(c.Inputs, "agentPoolProfiles") {
			nodeSubnets[str(p.ObjectValue(), "vnetSubnetID")] = true
		}
	}
	for _, p := range r.ofType(typeAgentPool) {
		nodeSubnets[str(p.Inputs, "vnetSubnetID")] = true
	}
	for subnetID := range nodeSubnets {
		vnetID, name, _ := strings.Cut(subnetID, "/subnets/")
		vnet := r.byID(vnetID)
		routed := false
		for _, s := range items(vnet.Inputs, "subnets") {
			if str(s.ObjectValue(), "name") == name {
				table := r.byID(str(s.ObjectValue(), "routeTable", "id"))
				routed = table != nil && defaultRoutes[str(table.State, "name")]
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

func subnetsHaveNSGs(r *result) (v []string) {
	for _, vnet := range r.ofType(typeVNet) {
		for _, s := range items(vnet.Inputs, "subnets") {
			name := str(s.ObjectValue(), "name")
			if !slices.Contains(noNSGSubnets, name) && str(s.ObjectValue(), "networkSecurityGroup", "id") == "" {
				v = append(v, fmt.Sprintf("%s subnet %s has no NSG", vnet.URN, name))
			}
		}
	}
	return v
}
