package policy

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/hubspoke/private-aks/internal/azureid"
	"github.com/hubspoke/private-aks/internal/azurerules"
	"github.com/hubspoke/private-aks/internal/azuretype"
)

const mandatory = policyx.EnforcementLevelMandatory

// preflight are the policies for what Azure refuses, or lets deploy broken, although the SDK's
// types allow it.
func preflight() []policyx.Policy {
	return []policyx.Policy{
		resourcePolicy("nsg-rule-fields",
			"Security rules put a service tag or * only in a singular field and exactly one of each singular/plural pair; "+
				"otherwise Azure answers SecurityRuleParameterContainsUnsupportedValue (azure-rest-api-specs SecurityRulePropertiesFormat; azurerm source_address_prefixes: \"Tags may not be used\").",
			mandatory, []string{azuretype.NSG}, nsgRuleFields),
		resourcePolicy("subnet-sizes",
			"Every subnet is /29 or larger; AzureFirewallSubnet, AzureFirewallManagementSubnet and AzureBastionSubnet /26 or larger; GatewaySubnet /27 or larger "+
				"(Azure Virtual Network FAQ; Azure Firewall FAQ; Azure Bastion configuration settings; VPN Gateway settings).",
			mandatory, []string{azuretype.VNet}, subnetSizes),
		resourcePolicy("no-nsg-on-firewall-subnets",
			"AzureFirewallSubnet, AzureFirewallManagementSubnet and GatewaySubnet carry no NSG: Azure refuses or does not support one (Azure Firewall FAQ; VPN Gateway settings).",
			mandatory, []string{azuretype.VNet}, noNSGOnPlatformSubnets),
		resourcePolicy("no-route-table-on-bastion-subnet",
			"AzureBastionSubnet carries no route table: Bastion does not support user-defined routes on its subnet (Azure Bastion configuration settings, \"AzureBastionSubnet\").",
			mandatory, []string{azuretype.VNet}, noRouteTableOnBastion),
		resourcePolicy("vnet-address-space",
			"A VNet's address space avoids 127.0.0.0/8, 169.254.0.0/16, 224.0.0.0/4, 255.255.255.255/32 and 168.63.129.16/32, which Azure refuses (Azure Virtual Network FAQ).",
			mandatory, []string{azuretype.VNet}, vnetAddressSpace),
		resourcePolicy("aks-reserved-ranges",
			"The cluster's service and pod ranges avoid 169.254.0.0/16, 172.30.0.0/16, 172.31.0.0/16 and 192.0.2.0/24, which AKS reserves (AKS docs, Azure CNI Overlay IP planning).",
			mandatory, []string{azuretype.ManagedCluster}, aksReservedRanges),
		resourcePolicy("system-pool",
			"The cluster has a System pool; every System pool is Linux, runs at least 30 pods per node and is not a B-series size (AKS docs, \"Manage system node pools\").",
			mandatory, []string{azuretype.ManagedCluster}, systemPool),
		resourcePolicy("kubernetes-version-window",
			fmt.Sprintf("Advisory: the Kubernetes minor is one AKS supports with standard support, per the table checked %s (AKS release calendar); confirm with az aks get-versions.", aksSupportChecked),
			policyx.EnforcementLevelAdvisory, []string{azuretype.ManagedCluster, azuretype.AgentPool}, kubernetesVersionWindow),
		resourcePolicy("private-resolver-subnets",
			"A subnet delegated to Microsoft.Network/dnsResolvers is /28 to /24 and outside 10.0.1.0-10.0.16.255, which the service reserves (Microsoft Learn, \"What is Azure DNS Private Resolver?\", subnet restrictions).",
			mandatory, []string{azuretype.VNet}, privateResolverSubnets),
		resourcePolicy("firewall-policy-sku-features",
			"The DNS proxy needs a Standard or Premium policy; IDPS and TLS inspection need Premium (Azure Firewall features by SKU).",
			mandatory, []string{azuretype.FirewallPolicy}, firewallPolicySKUFeatures),
		resourcePolicy("firewall-basic-management-ip",
			"A Basic firewall has a management IP configuration in AzureFirewallManagementSubnet (Azure Firewall Basic, \"Deploy and configure\").",
			mandatory, []string{azuretype.Firewall}, firewallBasicManagementIP),
		resourcePolicy("registry-private",
			"The container registry is Premium (private endpoints need it), with public network access off and no admin user: reached only through its private endpoint with Entra ID (Microsoft Learn, container registry Private Link and authentication).",
			mandatory, []string{azuretype.Registry}, registryPrivate),
		resourcePolicy("vault-private",
			"The Key Vault authorizes with Azure RBAC, keeps soft delete, and has public network access off (Microsoft Learn, Key Vault RBAC guide and Private Link).",
			mandatory, []string{azuretype.Vault}, vaultPrivate),
		stackPolicy("private-endpoints-in-endpoint-subnet",
			"Private endpoints sit in the spoke's snet-private-endpoints subnet, whose network policies are on and which has an NSG, so the NSG applies to them (Microsoft Learn, \"Manage network policies for private endpoints\").",
			privateEndpointsInEndpointSubnet),
		stackPolicy("container-insights-data-collection",
			"Container Insights with Entra ID auth (omsagent useAADAuth) sends nothing without a data collection rule streaming ContainerInsights to the workspace and its association with the cluster, which ARM does not create (azure-cli addonconfiguration.py).",
			containerInsightsDataCollection),
		stackPolicy("cluster-data-plane-admin",
			"A cluster with Azure RBAC and local accounts off has a data-plane admin: an admin group, or Azure Kubernetes Service RBAC Cluster Admin assigned on it; Owner and Contributor carry no Kubernetes data actions (AKS docs, Azure RBAC for Kubernetes authorization).",
			clusterDataPlaneAdmin),
		stackPolicy("private-resolver-endpoint-delegation",
			"The Private Resolver's endpoints sit in subnets delegated to Microsoft.Network/dnsResolvers (Microsoft Learn, DNS Private Resolver endpoints).",
			resolverEndpointDelegation),
		stackPolicy("bastion-nsg-rules",
			"The NSG on AzureBastionSubnet holds the rules Azure requires: HTTPS in from the Internet, GatewayManager and AzureLoadBalancer, 8080/5701 within the VNet, out to 22/3389 in the VNet, 443 to AzureCloud and 80 to the Internet (Microsoft Learn, \"Working with NSG access and Azure Bastion\").",
			bastionNSGRules),
	}
}

func nsgRuleFields(r resource) (v []string) {
	for _, rule := range list(r.Props, "securityRules") {
		if m, ok := rule.(map[string]any); ok && !hasUnknown(m) {
			if err := azurerules.SecurityRule(m); err != nil {
				v = append(v, err.Error())
			}
		}
	}
	return v
}

// subnets are a VNet's inline subnets with their ranges (those that parse).
func subnets(r resource) map[string]netip.Prefix {
	out := map[string]netip.Prefix{}
	for _, s := range list(r.Props, "subnets") {
		if p, err := netip.ParsePrefix(str(s, "addressPrefix")); err == nil {
			out[str(s, "name")] = p
		}
	}
	return out
}

func subnet(r resource, name string) any {
	for _, s := range list(r.Props, "subnets") {
		if str(s, "name") == name {
			return s
		}
	}
	return nil
}

// largestBitsOf is the smallest subnet (most prefix bits) Azure accepts for named subnets.
var largestBitsOf = map[string]int{
	"AzureFirewallSubnet": 26, "AzureFirewallManagementSubnet": 26, "AzureBastionSubnet": 26, "GatewaySubnet": 27,
}

func subnetSizes(r resource) (v []string) {
	for name, p := range subnets(r) {
		limit, ok := largestBitsOf[name]
		if !ok {
			limit = azurerules.SmallestSubnetBits
		}
		if p.Bits() > limit {
			v = append(v, fmt.Sprintf("subnet %s %s is smaller than the /%d Azure requires", name, p, limit))
		}
	}
	slices.Sort(v)
	return v
}

// noNSGSubnets are the subnets Azure refuses or does not support an NSG on.
var noNSGSubnets = []string{"AzureFirewallSubnet", "AzureFirewallManagementSubnet", "GatewaySubnet"}

func noNSGOnPlatformSubnets(r resource) (v []string) {
	for _, name := range noNSGSubnets {
		if at(subnet(r, name), "networkSecurityGroup") != nil {
			v = append(v, fmt.Sprintf("subnet %s carries an NSG", name))
		}
	}
	return v
}

func noRouteTableOnBastion(r resource) []string {
	if at(subnet(r, "AzureBastionSubnet"), "routeTable") != nil {
		return []string{"subnet AzureBastionSubnet carries a route table"}
	}
	return nil
}

// overlapping lists the reserved ranges a range overlaps.
func overlapping(cidr string, reserved []netip.Prefix) []netip.Prefix {
	p, err := netip.ParsePrefix(cidr)
	if err != nil {
		return nil
	}
	return slices.DeleteFunc(slices.Clone(reserved), func(r netip.Prefix) bool { return !p.Overlaps(r) })
}

func vnetAddressSpace(r resource) (v []string) {
	for _, cidr := range strs(r.Props, "addressSpace", "addressPrefixes") {
		for _, bad := range overlapping(cidr, azurerules.VNetForbiddenRanges) {
			v = append(v, fmt.Sprintf("address space %s overlaps %s, which Azure refuses", cidr, bad))
		}
	}
	return v
}

func aksReservedRanges(r resource) (v []string) {
	for _, key := range []string{"serviceCidr", "podCidr"} {
		cidr := str(r.Props, "networkProfile", key)
		for _, bad := range overlapping(cidr, azurerules.AKSReservedRanges) {
			v = append(v, fmt.Sprintf("%s %s overlaps %s, which AKS reserves", key, cidr, bad))
		}
	}
	return v
}

func systemPool(r resource) (v []string) {
	systems := 0
	for _, p := range list(r.Props, "agentPoolProfiles") {
		if str(p, "mode") != "System" {
			continue
		}
		systems++
		name := str(p, "name")
		if os := str(p, "osType"); os != "Linux" {
			v = append(v, fmt.Sprintf("system pool %s runs %q, not Linux", name, os))
		}
		if pods, ok := at(p, "maxPods").(float64); ok && pods < azurerules.SystemPoolMinPods {
			v = append(v, fmt.Sprintf("system pool %s runs %v pods per node, fewer than the %d a system pool needs", name, pods, azurerules.SystemPoolMinPods))
		}
		if size := str(p, "vmSize"); azurerules.IsBurstableSize(size) {
			v = append(v, fmt.Sprintf("system pool %s uses the B-series size %s, which system pools refuse", name, size))
		}
	}
	if systems == 0 {
		v = append(v, "the cluster has no System pool")
	}
	return v
}

// aksSupport lists the Kubernetes minors AKS offers generally available with standard support
// (supportPlan KubernetesOfficial, not isPreview), with the end of that support, from the AKS
// release calendar (learn.microsoft.com/azure/aks/supported-kubernetes-versions) and
// az aks get-versions. Checked on aksSupportChecked, when 1.33 was on Long Term Support only and
// 1.37 in preview (internal/aksversions/testdata/westeurope.json has that day's listing, and a
// test holds this table to it): refresh both when AKS releases or retires a minor.
var aksSupport = map[string]string{"1.34": "2026-11-30", "1.35": "2027-03-31", "1.36": "2027-06-30"}

const aksSupportChecked = "2026-11-26"

func kubernetesVersionWindow(r resource) []string {
	version := str(r.Props, "kubernetesVersion")
	if r.Type == azuretype.AgentPool {
		version = str(r.Props, "orchestratorVersion")
	}
	parts := strings.Split(version, ".")
	if version == "" || len(parts) < 2 {
		return nil
	}
	minor := parts[0] + "." + parts[1]
	if _, ok := aksSupport[minor]; ok {
		return nil
	}
	supported := slices.Sorted(maps.Keys(aksSupport))
	return []string{fmt.Sprintf("Kubernetes %s is outside the minors AKS supports (%s, table checked %s)", version, strings.Join(supported, ", "), aksSupportChecked)}
}

func privateResolverSubnets(r resource) (v []string) {
	for _, s := range list(r.Props, "subnets") {
		delegated := slices.ContainsFunc(list(s, "delegations"), func(d any) bool { return str(d, "serviceName") == "Microsoft.Network/dnsResolvers" })
		p, err := netip.ParsePrefix(str(s, "addressPrefix"))
		if !delegated || err != nil {
			continue
		}
		name := str(s, "name")
		if p.Bits() > azurerules.ResolverSubnetSmallestBits || p.Bits() < azurerules.ResolverSubnetLargestBits {
			v = append(v, fmt.Sprintf("resolver subnet %s %s is not between /%d and /%d", name, p, azurerules.ResolverSubnetLargestBits, azurerules.ResolverSubnetSmallestBits))
		}
		if azurerules.InResolverReservedRange(p) {
			v = append(v, fmt.Sprintf("resolver subnet %s %s lies in %s, which the service reserves", name, p, azurerules.ResolverReservedRange))
		}
	}
	return v
}

func firewallPolicySKUFeatures(r resource) (v []string) {
	tier := str(r.Props, "sku", "tier")
	if isTrue(r.Props, "dnsSettings", "enableProxy") && tier == "Basic" {
		v = append(v, "the DNS proxy is on, which the Basic SKU lacks")
	}
	if tier != "Premium" {
		if at(r.Props, "intrusionDetection") != nil {
			v = append(v, fmt.Sprintf("IDPS is configured on a %s policy; it needs Premium", tier))
		}
		if at(r.Props, "transportSecurity") != nil {
			v = append(v, fmt.Sprintf("TLS inspection is configured on a %s policy; it needs Premium", tier))
		}
	}
	return v
}

func firewallBasicManagementIP(r resource) []string {
	if str(r.Props, "sku", "tier") == "Basic" && at(r.Props, "managementIpConfiguration") == nil {
		return []string{"a Basic firewall without a management IP configuration"}
	}
	return nil
}

func containerInsightsDataCollection(s stack) (v []violation) {
	for _, c := range s.ofType(azuretype.ManagedCluster) {
		oms := at(c.Props, "addonProfiles", "omsagent")
		if !isTrue(oms, "enabled") || str(oms, "config", "useAADAuth") != "true" {
			continue
		}
		workspace := str(oms, "config", "logAnalyticsWorkspaceResourceID")
		found := false
		for _, link := range s.referrers(azuretype.DataCollectionRuleLink, "resourceUri", c) {
			for _, rule := range s.ofType(azuretype.DataCollectionRule) {
				found = found || refersTo(link, "dataCollectionRuleId", rule) && streamsContainerInsightsTo(rule, workspace)
			}
		}
		if !found {
			v = append(v, violation{c.URN, "Container Insights uses Entra ID auth but no data collection rule associated with the cluster streams ContainerInsights to " + workspace})
		}
	}
	return v
}

func streamsContainerInsightsTo(rule resource, workspace string) bool {
	extension := slices.ContainsFunc(list(rule.Props, "dataSources", "extensions"), func(e any) bool { return str(e, "extensionName") == "ContainerInsights" })
	destination := slices.ContainsFunc(list(rule.Props, "destinations", "logAnalytics"), func(d any) bool {
		return strings.EqualFold(str(d, "workspaceResourceId"), workspace)
	})
	return extension && destination
}

func clusterDataPlaneAdmin(s stack) (v []violation) {
	for _, c := range s.ofType(azuretype.ManagedCluster) {
		if !isTrue(c.Props, "aadProfile", "enableAzureRBAC") || !isTrue(c.Props, "disableLocalAccounts") || len(strs(c.Props, "aadProfile", "adminGroupObjectIDs")) > 0 {
			continue
		}
		admins := slices.ContainsFunc(s.referrers(azuretype.RoleAssignment, "scope", c), func(ra resource) bool {
			return strings.HasSuffix(str(ra.Props, "roleDefinitionId"), "/"+azureid.AKSRBACClusterAdminRole)
		})
		if !admins {
			v = append(v, violation{c.URN, "nobody can use kubectl: no admin group and no Azure Kubernetes Service RBAC Cluster Admin assignment on the cluster"})
		}
	}
	return v
}

func resolverEndpointDelegation(s stack) (v []violation) {
	check := func(r resource, subnetID string) {
		vnetName, name, ok := azureid.SubnetOf(subnetID)
		vnet, found := s.named(azuretype.VNet, vnetName)
		if !ok || !found {
			return
		}
		if !slices.ContainsFunc(list(subnet(vnet, name), "delegations"), func(d any) bool { return str(d, "serviceName") == "Microsoft.Network/dnsResolvers" }) {
			v = append(v, violation{r.URN, fmt.Sprintf("subnet %s of %s is not delegated to Microsoft.Network/dnsResolvers", name, vnetName)})
		}
	}
	for _, in := range s.ofType(azuretype.InboundEndpoint) {
		for _, c := range list(in.Props, "ipConfigurations") {
			check(in, str(c, "subnet", "id"))
		}
	}
	for _, out := range s.ofType(azuretype.OutboundEndpoint) {
		check(out, str(out.Props, "subnet", "id"))
	}
	return v
}

// bastionRequired are the rules Azure requires on AzureBastionSubnet's NSG: direction, source,
// destination, port.
var bastionRequired = []struct {
	direction, source, destination string
	port                           int
}{
	{"Inbound", "Internet", "*", 443}, {"Inbound", "GatewayManager", "*", 443}, {"Inbound", "AzureLoadBalancer", "*", 443},
	{"Inbound", "VirtualNetwork", "VirtualNetwork", 8080}, {"Inbound", "VirtualNetwork", "VirtualNetwork", 5701},
	{"Outbound", "*", "VirtualNetwork", 22}, {"Outbound", "*", "VirtualNetwork", 3389}, {"Outbound", "*", "AzureCloud", 443},
	{"Outbound", "VirtualNetwork", "VirtualNetwork", 8080}, {"Outbound", "VirtualNetwork", "VirtualNetwork", 5701},
	{"Outbound", "*", "Internet", 80},
}

func bastionNSGRules(s stack) (v []violation) {
	for _, vnet := range s.ofType(azuretype.VNet) {
		id := str(subnet(vnet, "AzureBastionSubnet"), "networkSecurityGroup", "id")
		nsg, ok := s.named(azuretype.NSG, azureid.NameOf(id))
		if id == "" || !ok {
			continue
		}
		for _, req := range bastionRequired {
			if !slices.ContainsFunc(list(nsg.Props, "securityRules"), func(rule any) bool {
				return allows(rule, req.direction, req.source, req.destination, req.port)
			}) {
				v = append(v, violation{nsg.URN, fmt.Sprintf("no %s rule allows %s to %s on port %d", strings.ToLower(req.direction), req.source, req.destination, req.port)})
			}
		}
	}
	return v
}

// allows tells whether a security rule allows traffic in a direction from source to destination
// on port ("*" in a rule matches anything).
func allows(rule any, direction, source, destination string, port int) bool {
	if str(rule, "access") != "Allow" || str(rule, "direction") != direction {
		return false
	}
	sources := append(strs(rule, "sourceAddressPrefixes"), str(rule, "sourceAddressPrefix"))
	destinations := append(strs(rule, "destinationAddressPrefixes"), str(rule, "destinationAddressPrefix"))
	ports := append(strs(rule, "destinationPortRanges"), str(rule, "destinationPortRange"))
	matches := func(values []string, want string) bool {
		return slices.Contains(values, "*") || slices.Contains(values, want)
	}
	return matches(sources, source) && matches(destinations, destination) && slices.ContainsFunc(ports, func(p string) bool { return portCovered(p, port) })
}

// portCovered tells whether a port range ("*", "22", "20-25") includes port.
func portCovered(spec string, port int) bool {
	if spec == "*" {
		return true
	}
	lo, hi, ok := azurerules.PortBounds(spec)
	return ok && lo <= port && port <= hi
}

func registryPrivate(r resource) (v []string) {
	if sku := str(r.Props, "sku", "name"); sku != "Premium" {
		v = append(v, fmt.Sprintf("the registry is %s; private endpoints need Premium", sku))
	}
	if str(r.Props, "publicNetworkAccess") != "Disabled" {
		v = append(v, "the registry is reachable from the internet (publicNetworkAccess is not Disabled)")
	}
	if isTrue(r.Props, "adminUserEnabled") {
		v = append(v, "the registry has an admin user with a shared password")
	}
	return v
}

func vaultPrivate(r resource) (v []string) {
	if !isTrue(r.Props, "properties", "enableRbacAuthorization") {
		v = append(v, "the vault authorizes with access policies, not Azure RBAC")
	}
	if at(r.Props, "properties", "enableSoftDelete") == false {
		v = append(v, "the vault has soft delete off")
	}
	if !strings.EqualFold(str(r.Props, "properties", "publicNetworkAccess"), "disabled") {
		v = append(v, "the vault is reachable from the internet (publicNetworkAccess is not disabled)")
	}
	return v
}

// endpointSubnet is the subnet private endpoints go to.
const endpointSubnet = "snet-private-endpoints"

func privateEndpointsInEndpointSubnet(s stack) (v []violation) {
	for _, pe := range s.ofType(azuretype.PrivateEndpoint) {
		vnetName, name, _ := azureid.SubnetOf(str(pe.Props, "subnet", "id"))
		vnet, found := s.named(azuretype.VNet, vnetName)
		if !found || hasUnknown(at(pe.Props, "subnet")) {
			continue
		}
		sub := subnet(vnet, name)
		switch {
		case name != endpointSubnet:
			v = append(v, violation{pe.URN, fmt.Sprintf("the private endpoint is in %s, not %s", name, endpointSubnet)})
		case str(sub, "privateEndpointNetworkPolicies") != "Enabled" || at(sub, "networkSecurityGroup") == nil:
			v = append(v, violation{pe.URN, fmt.Sprintf("%s has network policies off or no NSG: no NSG applies to the endpoint", name)})
		}
	}
	return v
}
