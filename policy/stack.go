package policy

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/policyx"

	"github.com/hubspoke/private-aks/internal/azureid"
	"github.com/hubspoke/private-aks/internal/azuretype"
)

// stackPolicies check what only the whole stack shows: where egress goes, what the cluster waits
// for, which operations could overlap, and the standard tags.
func stackPolicies() []policyx.Policy {
	return []policyx.Policy{
		stackPolicy("egress-through-firewall",
			"Every 0.0.0.0/0 route sends traffic to the firewall's private IP, and every node subnet carries a route table with such a route (AKS docs, egress with userDefinedRouting; the article's UDR).",
			egressThroughFirewall),
		stackPolicy("cluster-waits-for-egress",
			"The cluster depends on the default route (AKS validates it at creation), every firewall rule collection group (nodes bootstrap through the firewall), every peering (the firewall is across it) and its identity's role assignments (AKS joins the subnet and reads the route table with them).",
			clusterWaitsForEgress),
		stackPolicy("no-concurrent-operations",
			"No two operations that Azure serializes can run at once: on one VNet, a peering and anything else on it (another peering, a NIC, firewall, Bastion, resolver or node pool joining a subnet); on one firewall policy, its rule collection groups and the firewall. Otherwise AnotherOperationInProgress or FirewallPolicyUpdateNotAllowedWhenUpdatingOrDeleting (azurerm, bicep-registry-modules and Azure-Samples reports).",
			noConcurrentOperations),
		stackPolicy("standard-tags",
			"Every resource Azure lets carry tags has the standard ones: environment, and managedBy: pulumi.",
			standardTags),
	}
}

// firewallPrivateIPs are the private IPs of the stack's firewalls (known ones only).
func firewallPrivateIPs(s stack) []string {
	var ips []string
	for _, fw := range s.ofType(azuretype.Firewall) {
		if ip := str(fw.Props, "ipConfigurations", 0, "privateIPAddress"); ip != "" {
			ips = append(ips, ip)
		}
	}
	return ips
}

// defaultRoutes are the 0.0.0.0/0 routes.
func defaultRoutes(s stack) []resource {
	return slices.DeleteFunc(s.ofType(azuretype.Route), func(r resource) bool { return str(r.Props, "addressPrefix") != "0.0.0.0/0" })
}

// nodeSubnetIDs are the subnets the cluster's pools join.
func nodeSubnetIDs(s stack) []string {
	var ids []string
	for _, c := range s.ofType(azuretype.ManagedCluster) {
		for _, p := range list(c.Props, "agentPoolProfiles") {
			ids = append(ids, str(p, "vnetSubnetID"))
		}
	}
	for _, p := range s.ofType(azuretype.AgentPool) {
		ids = append(ids, str(p.Props, "vnetSubnetID"))
	}
	return slices.Compact(slices.Sorted(slices.Values(ids)))
}

func egressThroughFirewall(s stack) (v []violation) {
	firewalls := firewallPrivateIPs(s)
	if len(firewalls) == 0 {
		return nil // not known yet (a preview), or no firewall: nothing to compare
	}
	routedTables := map[string]bool{}
	for _, route := range defaultRoutes(s) {
		hop := str(route.Props, "nextHopIpAddress")
		if str(route.Props, "nextHopType") != "VirtualAppliance" || !slices.Contains(firewalls, hop) {
			v = append(v, violation{route.URN, fmt.Sprintf("0.0.0.0/0 goes to %s %q, not the firewall's private IP %v", str(route.Props, "nextHopType"), hop, firewalls)})
			continue
		}
		for _, table := range s.ofType(azuretype.RouteTable) {
			if refersTo(route, "routeTableName", table) {
				routedTables[table.azureName()] = true
			}
		}
	}
	for _, id := range nodeSubnetIDs(s) {
		vnetName, name, ok := azureid.SubnetOf(id)
		vnet, found := s.named(azuretype.VNet, vnetName)
		if !ok || !found {
			continue
		}
		if table := azureid.NameOf(str(subnet(vnet, name), "routeTable", "id")); !routedTables[table] {
			v = append(v, violation{vnet.URN, fmt.Sprintf("node subnet %s does not route 0.0.0.0/0 to the firewall", name)})
		}
	}
	return v
}

func clusterWaitsForEgress(s stack) (v []violation) {
	for _, c := range s.ofType(azuretype.ManagedCluster) {
		need := slices.Concat(defaultRoutes(s), s.ofType(azuretype.RuleCollectionGroup), s.ofType(azuretype.Peering))
		for _, identity := range s.ofType(azuretype.Identity) {
			if refersTo(c, "identity", identity) {
				need = append(need, s.referrers(azuretype.RoleAssignment, "principalId", identity)...)
			}
		}
		for _, r := range need {
			if !slices.Contains(c.Dependencies, r.URN) {
				v = append(v, violation{c.URN, "the cluster does not wait for " + r.URN})
			}
		}
	}
	return v
}

// lockDomain is a set of operations Azure serializes: exclusive ones run alone, shared ones may
// overlap each other but not an exclusive one.
type lockDomain struct {
	name              string
	exclusive, shared []resource
}

func lockDomains(s stack) []lockDomain {
	var domains []lockDomain
	for _, vnet := range s.ofType(azuretype.VNet) {
		d := lockDomain{name: "VNet " + vnet.azureName()}
		d.exclusive = append(s.referrers(azuretype.Peering, "virtualNetworkName", vnet), s.referrers(azuretype.Peering, "remoteVirtualNetwork", vnet)...)
		for typ, keys := range azuretype.SubnetJoins {
			for _, key := range keys {
				d.shared = append(d.shared, s.referrers(typ, key, vnet)...)
			}
		}
		domains = append(domains, d)
	}
	for _, policy := range s.ofType(azuretype.FirewallPolicy) {
		domains = append(domains, lockDomain{name: "firewall policy " + policy.azureName(),
			exclusive: append(s.referrers(azuretype.RuleCollectionGroup, "firewallPolicyName", policy), s.referrers(azuretype.Firewall, "firewallPolicy", policy)...)})
	}
	return domains
}

func noConcurrentOperations(s stack) (v []violation) {
	reaches := reachability(s)
	for _, d := range lockDomains(s) {
		seen := map[[2]string]bool{}
		for _, a := range d.exclusive {
			for _, b := range slices.Concat(d.exclusive, d.shared) {
				pair := [2]string{min(a.URN, b.URN), max(a.URN, b.URN)}
				if a.URN == b.URN || seen[pair] || reaches(a.URN, b.URN) || reaches(b.URN, a.URN) {
					continue
				}
				seen[pair] = true
				v = append(v, violation{a.URN, fmt.Sprintf("%s and %s operate on %s and neither waits for the other (AnotherOperationInProgress)", a.URN, b.URN, d.name)})
			}
		}
	}
	return v
}

// reachability answers whether a resource depends, directly or not, on another.
func reachability(s stack) func(from, to string) bool {
	memo := map[string]map[string]bool{}
	var closure func(urn string) map[string]bool
	closure = func(urn string) map[string]bool {
		if c, ok := memo[urn]; ok {
			return c
		}
		c := map[string]bool{}
		memo[urn] = c
		for _, dep := range s.byURN[urn].Dependencies {
			c[dep] = true
			for d := range closure(dep) {
				c[d] = true
			}
		}
		return c
	}
	return func(from, to string) bool { return closure(from)[to] }
}

func standardTags(s stack) (v []violation) {
	for _, r := range s.resources {
		if !azuretype.Table[r.Type].Taggable || hasUnknown(at(r.Props, "tags")) {
			continue
		}
		if str(r.Props, "tags", "environment") == "" || str(r.Props, "tags", "managedBy") != "pulumi" {
			v = append(v, violation{r.URN, "lacks the environment and managedBy: pulumi tags"})
		}
	}
	return v
}
