package policy

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/hubspoke/private-aks/internal/azureid"
	"github.com/hubspoke/private-aks/internal/azurerules"
	"github.com/hubspoke/private-aks/internal/azuretype"
)

// security are the AKS baseline's rules (mspnp/aks-baseline) a platform team reviews a private
// cluster against.
func security() []policyx.Policy {
	cluster := []string{azuretype.ManagedCluster}
	return []policyx.Policy{
		resourcePolicy("cluster-private", "The API server has no public endpoint and no public FQDN (AKS baseline; AKS docs, private clusters).",
			mandatory, cluster, clusterPrivate),
		resourcePolicy("cluster-entra-azure-rbac", "The cluster authenticates with managed Entra ID and authorizes with Azure RBAC (AKS baseline).",
			mandatory, cluster, clusterEntraRBAC),
		resourcePolicy("cluster-no-local-accounts", "Local accounts are disabled: no static admin kubeconfig (AKS baseline).",
			mandatory, cluster, clusterNoLocalAccounts),
		resourcePolicy("cluster-network-policy", "The cluster enforces a network policy (Cilium, Calico or Azure) (AKS baseline).",
			mandatory, cluster, clusterNetworkPolicy),
		resourcePolicy("cluster-azure-policy-addon", "The Azure Policy add-on runs (AKS baseline).",
			mandatory, cluster, clusterAzurePolicyAddon),
		resourcePolicy("pools-autoscale", "Every node pool autoscales within 0 (1 for System) <= min <= max <= 1000 and gives nodes no public IP (AKS baseline).",
			mandatory, []string{azuretype.ManagedCluster, azuretype.AgentPool}, poolsAutoscale),
		resourcePolicy("cluster-sla-in-production", "A cluster tagged environment prod runs the Standard or Premium tier: Free has no uptime SLA (Microsoft Learn, AKS pricing tiers, checked 2026-12-06).",
			mandatory, cluster, clusterSLAInProduction),
		stackPolicy("maintenance-windows-in-production", "A cluster tagged environment prod upgrades only in its windows: aksManagedAutoUpgradeSchedule when its upgrade channel is not none, aksManagedNodeOSUpgradeSchedule when its node OS channel is NodeImage or SecurityPatch; without them AKS upgrades at any time (Microsoft Learn, Planned Maintenance, checked 2026-12-06).",
			maintenanceWindowsInProduction),
		resourcePolicy("pools-upgrade-settings", "Every node pool sets its upgrade surge and node drain timeout, so an upgrade replaces nodes a few at a time within the subnet the config sized (Microsoft Learn, AKS upgrade options).",
			mandatory, []string{azuretype.ManagedCluster, azuretype.AgentPool}, poolsUpgradeSettings),
		resourcePolicy("pools-os-disk", "Every node pool names its OS disk type and size (unset, AKS falls back to a managed disk where an ephemeral one does not fit, or gives an ephemeral one the whole temp disk), and an ephemeral OS disk fits its size's temp disk (Microsoft Learn, ephemeral OS disks on AKS, checked 2026-12-06).",
			mandatory, []string{azuretype.ManagedCluster, azuretype.AgentPool}, poolsOSDisk),
		resourcePolicy("encryption-at-host", "Every node pool and VM encrypts its temp disk and caches on the host (Microsoft cloud security benchmark DP-5; Microsoft Learn, encryption at host).",
			mandatory, []string{azuretype.ManagedCluster, azuretype.AgentPool, azuretype.VM}, encryptionAtHost),
		resourcePolicy("nsg-no-ssh-rdp-from-anywhere", "No NSG admits SSH or RDP from * or the Internet (AKS baseline; Microsoft cloud security benchmark NS-1).",
			mandatory, []string{azuretype.NSG}, nsgNoSSHRDPFromAnywhere),
		resourcePolicy("vm-ssh-keys-only", "No VM accepts a password: SSH keys only (AKS baseline jump box).",
			mandatory, []string{azuretype.VM}, vmSSHKeysOnly),
		resourcePolicy("firewall-no-catch-all", "No firewall rule allows any destination on any port, or every site (AKS baseline egress lockdown).",
			mandatory, []string{azuretype.RuleCollectionGroup}, firewallNoCatchAll),
		resourcePolicy("subnets-have-nsgs", "Every subnet that allows an NSG has one (all but AzureFirewallSubnet, AzureFirewallManagementSubnet, GatewaySubnet) (AKS baseline).",
			mandatory, []string{azuretype.VNet}, subnetsHaveNSGs),
		stackPolicy("public-ips-only-firewall-bastion", "Public IPs only on the firewall and Bastion, the only public exposure the design needs; no NIC has one (AKS baseline).",
			publicIPsOnlyFirewallBastion),
		stackPolicy("routed-subnets-name-their-sources",
			"No NSG of a subnet that routes 0.0.0.0/0 admits the VirtualNetwork tag: the tag includes the subnet's user-defined route prefixes, so it would admit every source (Microsoft Learn, virtual network service tags, checked 2026-12-06).",
			routedSubnetsNameTheirSources),
		stackPolicy("logs-reach-workspace", "The firewall (resource-specific tables), the cluster (kube-audit-admin and guard at least), the vault (AuditEvent), the registry (login and repository events) and every NSG send their logs to the workspace (AKS baseline).",
			logsReachWorkspace),
	}
}

func clusterPrivate(r resource) []string {
	if !isTrue(r.Props, "apiServerAccessProfile", "enablePrivateCluster") || isTrue(r.Props, "apiServerAccessProfile", "enablePrivateClusterPublicFQDN") {
		return []string{"the API server has a public endpoint or FQDN"}
	}
	return nil
}

func clusterEntraRBAC(r resource) []string {
	if !isTrue(r.Props, "aadProfile", "managed") || !isTrue(r.Props, "aadProfile", "enableAzureRBAC") {
		return []string{"the cluster does not authorize through Entra ID and Azure RBAC"}
	}
	return nil
}

func clusterNoLocalAccounts(r resource) []string {
	if !isTrue(r.Props, "disableLocalAccounts") {
		return []string{"the cluster keeps local accounts"}
	}
	return nil
}

func clusterNetworkPolicy(r resource) []string {
	if !slices.Contains([]string{"cilium", "calico", "azure"}, str(r.Props, "networkProfile", "networkPolicy")) {
		return []string{"the cluster enforces no network policy"}
	}
	return nil
}

func clusterAzurePolicyAddon(r resource) []string {
	if !isTrue(r.Props, "addonProfiles", "azurepolicy", "enabled") {
		return []string{"the cluster runs without the Azure Policy add-on"}
	}
	return nil
}

func poolsAutoscale(r resource) (v []string) {
	all := pools(r)
	for _, name := range slices.Sorted(maps.Keys(all)) {
		p := all[name]
		least := 0.0
		if str(p, "mode") == "System" {
			least = 1 // the system pool keeps a node
		}
		minCount, okMin := at(p, "minCount").(float64)
		maxCount, _ := at(p, "maxCount").(float64) // missing is 0, below the least maximum
		if !isTrue(p, "enableAutoScaling") || !okMin || minCount < least || maxCount < max(minCount, 1) || maxCount > 1000 {
			v = append(v, fmt.Sprintf("pool %s does not autoscale within %v <= min <= max <= 1000", name, least))
		}
		if isTrue(p, "enableNodePublicIP") {
			v = append(v, fmt.Sprintf("pool %s gives nodes public IPs", name))
		}
	}
	return v
}

func clusterSLAInProduction(r resource) []string {
	if str(r.Props, "tags", "environment") == "prod" && !slices.Contains([]string{"Standard", "Premium"}, str(r.Props, "sku", "tier")) {
		return []string{"a production cluster runs without the uptime SLA (sku.tier Standard or Premium)"}
	}
	return nil
}

func maintenanceWindowsInProduction(s stack) (v []violation) {
	for _, c := range s.ofType(azuretype.ManagedCluster) {
		if str(c.Props, "tags", "environment") != "prod" {
			continue
		}
		windows := map[string]bool{}
		for _, m := range s.referrers(azuretype.MaintenanceConfig, "resourceName", c) {
			windows[m.azureName()] = true
		}
		if channel := str(c.Props, "autoUpgradeProfile", "upgradeChannel"); channel != "none" && !windows["aksManagedAutoUpgradeSchedule"] {
			v = append(v, violation{c.URN, fmt.Sprintf("the %s auto-upgrade channel has no window (aksManagedAutoUpgradeSchedule)", channel)})
		}
		if channel := str(c.Props, "autoUpgradeProfile", "nodeOSUpgradeChannel"); slices.Contains([]string{"NodeImage", "SecurityPatch"}, channel) &&
			!windows["aksManagedNodeOSUpgradeSchedule"] {
			v = append(v, violation{c.URN, fmt.Sprintf("the %s node OS channel has no window (aksManagedNodeOSUpgradeSchedule)", channel)})
		}
	}
	return v
}

// pools are a cluster's inline pools, or the pool an AgentPool is, each with its name.
func pools(r resource) map[string]map[string]any {
	out := map[string]map[string]any{}
	if r.Type == azuretype.AgentPool {
		out[str(r.Props, "agentPoolName")] = r.Props
		return out
	}
	for _, p := range list(r.Props, "agentPoolProfiles") {
		if pm, ok := p.(map[string]any); ok {
			out[str(pm, "name")] = pm
		}
	}
	return out
}

func poolsUpgradeSettings(r resource) (v []string) {
	all := pools(r)
	for _, name := range slices.Sorted(maps.Keys(all)) {
		p := all[name]
		if str(p, "upgradeSettings", "maxSurge") == "" {
			v = append(v, fmt.Sprintf("pool %s leaves its upgrade surge to AKS", name))
		}
		if _, ok := at(p, "upgradeSettings", "drainTimeoutInMinutes").(float64); !ok {
			v = append(v, fmt.Sprintf("pool %s leaves its node drain timeout to AKS", name))
		}
	}
	return v
}

func poolsOSDisk(r resource) (v []string) {
	all := pools(r)
	for _, name := range slices.Sorted(maps.Keys(all)) {
		p := all[name]
		size, _ := at(p, "osDiskSizeGB").(float64)
		if !slices.Contains([]string{"Ephemeral", "Managed"}, str(p, "osDiskType")) {
			v = append(v, fmt.Sprintf("pool %s leaves its OS disk type to AKS", name))
		}
		if size == 0 {
			v = append(v, fmt.Sprintf("pool %s leaves its OS disk size to AKS", name))
		} else if _, err := azurerules.EphemeralOSDisk(str(p, "vmSize"), int(size)); err != nil && str(p, "osDiskType") == "Ephemeral" {
			v = append(v, fmt.Sprintf("pool %s: %v", name, err))
		}
	}
	return v
}

func encryptionAtHost(r resource) (v []string) {
	if r.Type == azuretype.VM {
		if !isTrue(r.Props, "securityProfile", "encryptionAtHost") {
			v = append(v, "the VM does not encrypt at host")
		}
		return v
	}
	all := pools(r)
	for _, name := range slices.Sorted(maps.Keys(all)) {
		if !isTrue(all[name], "enableEncryptionAtHost") {
			v = append(v, fmt.Sprintf("pool %s does not encrypt at host", name))
		}
	}
	return v
}

// inboundSources are an inbound allow rule's sources; false for any other rule.
func inboundSources(rule any) ([]string, bool) {
	if str(rule, "direction") != "Inbound" || str(rule, "access") != "Allow" {
		return nil, false
	}
	return append(strs(rule, "sourceAddressPrefixes"), str(rule, "sourceAddressPrefix")), true
}

func routedSubnetsNameTheirSources(s stack) (v []violation) {
	routed := map[string]bool{}
	for _, route := range defaultRoutes(s) {
		for _, table := range s.ofType(azuretype.RouteTable) {
			if refersTo(route, "routeTableName", table) {
				routed[table.azureName()] = true
			}
		}
	}
	for _, vnet := range s.ofType(azuretype.VNet) {
		for _, sn := range list(vnet.Props, "subnets") {
			group, ok := s.named(azuretype.NSG, azureid.NameOf(str(sn, "networkSecurityGroup", "id")))
			if !ok || !routed[azureid.NameOf(str(sn, "routeTable", "id"))] {
				continue
			}
			for _, rule := range list(group.Props, "securityRules") {
				if sources, ok := inboundSources(rule); ok && slices.ContainsFunc(sources, func(x string) bool { return strings.EqualFold(x, "VirtualNetwork") }) {
					v = append(v, violation{group.URN, fmt.Sprintf("rule %s admits the VirtualNetwork tag on subnet %s, which routes 0.0.0.0/0: the tag then covers every address", str(rule, "name"), str(sn, "name"))})
				}
			}
		}
	}
	return v
}

func nsgNoSSHRDPFromAnywhere(r resource) (v []string) {
	for _, rule := range list(r.Props, "securityRules") {
		sources, ok := inboundSources(rule)
		if !ok {
			continue
		}
		anywhere := slices.ContainsFunc(sources, func(s string) bool { return slices.Contains([]string{"*", "Internet", "0.0.0.0/0", "Any"}, s) })
		ports := append(strs(rule, "destinationPortRanges"), str(rule, "destinationPortRange"))
		if anywhere && slices.ContainsFunc(ports, func(p string) bool { return portCovered(p, 22) || portCovered(p, 3389) }) {
			v = append(v, fmt.Sprintf("rule %s admits SSH or RDP from anywhere", str(rule, "name")))
		}
	}
	return v
}

func vmSSHKeysOnly(r resource) []string {
	if at(r.Props, "osProfile", "adminPassword") != nil || !isTrue(r.Props, "osProfile", "linuxConfiguration", "disablePasswordAuthentication") {
		return []string{"the VM accepts a password"}
	}
	return nil
}

func firewallNoCatchAll(r resource) (v []string) {
	for _, c := range list(r.Props, "ruleCollections") {
		for _, rule := range list(c, "rules") {
			anyDestination := slices.Contains(strs(rule, "destinationAddresses"), "*") || slices.Contains(strs(rule, "destinationFqdns"), "*")
			ports := strs(rule, "destinationPorts")
			anyPort := len(ports) == 0 || slices.ContainsFunc(ports, func(p string) bool { return p == "*" || p == "1-65535" || p == "0-65535" })
			if str(rule, "ruleType") == "NetworkRule" && anyDestination && anyPort || slices.Contains(strs(rule, "targetFqdns"), "*") {
				v = append(v, fmt.Sprintf("rule %s allows any destination on any port", str(rule, "name")))
			}
		}
	}
	return v
}

func subnetsHaveNSGs(r resource) (v []string) {
	for _, s := range list(r.Props, "subnets") {
		name := str(s, "name")
		if !slices.Contains(noNSGSubnets, name) && at(s, "networkSecurityGroup") == nil {
			v = append(v, fmt.Sprintf("subnet %s has no NSG", name))
		}
	}
	return v
}

func publicIPsOnlyFirewallBastion(s stack) (v []violation) {
	for _, pip := range s.ofType(azuretype.PublicIP) {
		used := slices.Concat(s.referrers(azuretype.Firewall, "ipConfigurations", pip), s.referrers(azuretype.Firewall, "managementIpConfiguration", pip),
			s.referrers(azuretype.Bastion, "ipConfigurations", pip))
		if len(used) == 0 {
			v = append(v, violation{pip.URN, "a public IP of neither the firewall nor Bastion"})
		}
	}
	for _, nic := range s.ofType(azuretype.NIC) {
		for _, c := range list(nic.Props, "ipConfigurations") {
			if at(c, "publicIPAddress") != nil {
				v = append(v, violation{nic.URN, "the NIC has a public IP"})
			}
		}
	}
	return v
}

func logsReachWorkspace(s stack) (v []violation) {
	workspaces := s.ofType(azuretype.Workspace)
	settingsOf := func(target resource) []resource {
		return slices.DeleteFunc(s.referrers(azuretype.DiagnosticSetting, "resourceUri", target), func(d resource) bool {
			return !slices.ContainsFunc(workspaces, func(w resource) bool { return refersTo(d, "workspaceId", w) })
		})
	}
	for _, fw := range s.ofType(azuretype.Firewall) {
		if !slices.ContainsFunc(settingsOf(fw), func(d resource) bool { return str(d.Props, "logAnalyticsDestinationType") == "Dedicated" }) {
			v = append(v, violation{fw.URN, "the firewall sends no structured logs to the workspace"})
		}
	}
	categoriesOf := func(target resource) (categories []string) {
		for _, d := range settingsOf(target) {
			for _, l := range list(d.Props, "logs") {
				categories = append(categories, str(l, "category"))
			}
		}
		return categories
	}
	// The categories each kind must send, and what the violation says.
	for _, need := range []struct {
		typ        string
		categories []string
		what       string
	}{
		{azuretype.ManagedCluster, []string{"kube-audit-admin", "guard"}, "the cluster sends no audit and guard logs to the workspace"},
		{azuretype.Vault, []string{"AuditEvent"}, "the vault sends no audit events to the workspace"},
		{azuretype.Registry, []string{"ContainerRegistryLoginEvents", "ContainerRegistryRepositoryEvents"}, "the registry sends no login and repository events to the workspace"},
	} {
		for _, r := range s.ofType(need.typ) {
			if categories := categoriesOf(r); slices.ContainsFunc(need.categories, func(c string) bool { return !slices.Contains(categories, c) }) {
				v = append(v, violation{r.URN, need.what})
			}
		}
	}
	for _, nsg := range s.ofType(azuretype.NSG) {
		if len(settingsOf(nsg)) == 0 {
			v = append(v, violation{nsg.URN, "the NSG sends no logs to the workspace"})
		}
	}
	return v
}
