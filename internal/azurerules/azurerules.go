// Package azurerules holds what Azure refuses although the SDK's types allow it, as plain
// functions shared by the config validation, the components and the offline Azure (the mock), so
// that each rule is written once. Each rule cites where it comes from and when it was checked.
package azurerules

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// IsAddressRange tells whether s is an IP address or a CIDR range: what the plural address fields
// of a security rule accept.
func IsAddressRange(s string) bool {
	if _, err := netip.ParsePrefix(s); err == nil {
		return true
	}
	_, err := netip.ParseAddr(s)
	return err == nil
}

// IsPortRange tells whether s is a port or a low-high range (0-65535): what the plural port
// fields of a security rule accept.
func IsPortRange(s string) bool {
	_, _, ok := PortBounds(s)
	return ok
}

// PortBounds reads a port or a range "lo-hi" of ports 0-65535 into its bounds; ok is false for
// anything else, a reversed range included.
func PortBounds(s string) (lo, hi int, ok bool) {
	low, high, isRange := strings.Cut(s, "-")
	if !isRange {
		high = low
	}
	l, errLo := strconv.ParseUint(low, 10, 16)
	h, errHi := strconv.ParseUint(high, 10, 16)
	return int(l), int(h), errLo == nil && errHi == nil && l <= h
}

// securityRulePairs are the singular/plural field pairs of a security rule. Azure takes a service
// tag or "*" only in the singular field, lists of ranges or ports only in the plural one, and
// exactly one of each pair per rule (application security groups may stand in for an address).
// Otherwise: SecurityRuleParameterContainsUnsupportedValue (azure-rest-api-specs, network
// SecurityRulePropertiesFormat field descriptions; azurerm docs of source_address_prefixes: "Tags
// may not be used"; mspnp/aks-baseline's Bastion rules; checked 2026-11-26).
var securityRulePairs = []struct {
	singular, plural, groups string
	item                     func(string) bool
}{
	{"sourceAddressPrefix", "sourceAddressPrefixes", "sourceApplicationSecurityGroups", IsAddressRange},
	{"destinationAddressPrefix", "destinationAddressPrefixes", "destinationApplicationSecurityGroups", IsAddressRange},
	{"sourcePortRange", "sourcePortRanges", "", IsPortRange},
	{"destinationPortRange", "destinationPortRanges", "", IsPortRange},
}

// SecurityRule checks one security rule, given as its JSON object, the way ARM does.
func SecurityRule(rule map[string]any) error {
	name, _ := rule["name"].(string)
	for _, p := range securityRulePairs {
		single, _ := rule[p.singular].(string)
		list, _ := rule[p.plural].([]any)
		groups, _ := rule[p.groups].([]any)
		set := 0
		for _, present := range []bool{single != "", len(list) > 0, len(groups) > 0} {
			if present {
				set++
			}
		}
		if set != 1 {
			return fmt.Errorf("SecurityRuleParameterContainsUnsupportedValue: security rule %s must set exactly one of %s and %s", name, p.singular, p.plural)
		}
		for _, v := range list {
			if s, _ := v.(string); !p.item(s) {
				return fmt.Errorf("SecurityRuleParameterContainsUnsupportedValue: security rule %s: %s holds %q; service tags and * go in %s alone",
					name, p.plural, v, p.singular)
			}
		}
	}
	return nil
}

// Ranges a VNet's address space cannot include (Azure Virtual Network FAQ, "What address ranges
// can I use in my virtual networks?", checked 2026-11-26).
var VNetForbiddenRanges = prefixes("127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/4", "255.255.255.255/32", "168.63.129.16/32")

// Ranges AKS reserves, which the service and pod ranges cannot overlap (AKS docs, "Azure CNI
// Overlay", IP address planning, and "Configure kubenet"; checked 2026-11-26).
var AKSReservedRanges = prefixes("169.254.0.0/16", "172.30.0.0/16", "172.31.0.0/16", "192.0.2.0/24")

// SmallestSubnetBits: the smallest IPv4 subnet Azure creates is a /29 (Azure Virtual Network
// FAQ, "How small and how large can virtual networks and subnets be?", checked 2026-11-26).
const SmallestSubnetBits = 29

// System node pools must run at least 30 pods per node and cannot use B-series sizes (AKS docs,
// "Manage system node pools in AKS", Limitations, checked 2026-11-26).
const SystemPoolMinPods = 30

// IsBurstableSize tells whether a VM size is of the B series, which system node pools refuse.
func IsBurstableSize(size string) bool {
	family, ok := strings.CutPrefix(strings.ToLower(size), "standard_b")
	return ok && family != "" && family[0] >= '0' && family[0] <= '9'
}

// DNS Private Resolver endpoint subnets are /28 to /24, and none may lie in 10.0.1.0 -
// 10.0.16.255, which the service reserves (Microsoft Learn, "What is Azure DNS Private
// Resolver?", Subnet restrictions, checked 2026-11-26).
const (
	ResolverSubnetLargestBits  = 24
	ResolverSubnetSmallestBits = 28
)

var resolverReserved = [2]netip.Addr{netip.MustParseAddr("10.0.1.0"), netip.MustParseAddr("10.0.16.255")}

// ResolverReservedRange is the range the DNS Private Resolver reserves, for messages.
const ResolverReservedRange = "10.0.1.0-10.0.16.255"

// InResolverReservedRange tells whether any address of p lies in the resolver's reserved range.
func InResolverReservedRange(p netip.Prefix) bool {
	return p.Addr().Compare(resolverReserved[1]) <= 0 && lastAddr(p).Compare(resolverReserved[0]) >= 0
}

// lastAddr is the highest address of an IPv4 range.
func lastAddr(p netip.Prefix) netip.Addr {
	a := p.Masked().Addr().As4()
	host := uint32(1)<<(32-p.Bits()) - 1
	n := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3]) | host
	return netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
}

func prefixes(cidrs ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(cidrs))
	for i, c := range cidrs {
		out[i] = netip.MustParsePrefix(c)
	}
	return out
}
