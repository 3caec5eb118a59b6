package settings

import (
	"crypto/rsa"
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"golang.org/x/crypto/ssh"

	"github.com/hubspoke/private-aks/dns"
	"github.com/hubspoke/private-aks/internal/azureid"
	"github.com/hubspoke/private-aks/internal/azurerules"
)

// Azure reserves five addresses in every subnet (network, gateway, two DNS, broadcast).
const azureReservedPerSubnet = 5

// Limits Azure puts on the subnets and ranges this stack uses.
const (
	firewallSubnetMaxBits = 26 // AzureFirewallSubnet and AzureFirewallManagementSubnet: /26 or larger
	bastionSubnetMaxBits  = 26 // AzureBastionSubnet: /26 or larger
	// GatewaySubnet: /27 or larger (Microsoft Learn, "About VPN Gateway configuration settings",
	// Gateway subnet; ExpressRoute gateways need it too; checked 2026-11-26).
	gatewaySubnetMaxBits = 27
	serviceCIDRMinBits   = 12 // AKS rejects a service range larger than /12
)

var (
	environmentPattern = regexp.MustCompile(`^[a-z][a-z0-9]{0,7}$`)
	prefixPattern      = regexp.MustCompile(`^[a-z][a-z0-9]{1,11}$`)
	usernamePattern    = regexp.MustCompile(`^[a-z_][a-z0-9_-]{0,31}$`)
	ruleNamePattern    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$`)
	appProtocolPattern = regexp.MustCompile(`^(Http|Https|Mssql):([0-9]{1,5})$`)
	domainPattern      = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
	// tagNamePattern is a tag name every resource takes: Azure DNS, the strictest, takes letters,
	// digits, period, hyphen and underscore, starting with a letter and not ending in a period or
	// hyphen (Microsoft Learn, "Use tags to organize your Azure resources", Limitations, page of 2025-02-06;
	// observed by openshift/enhancements#1329, 2023-01-31). A private zone silently drops a tag
	// whose name has a colon (Azure/azure-rest-api-specs#11748, open 2026-12-06).
	tagNamePattern = regexp.MustCompile(`^[A-Za-z]([A-Za-z0-9_.-]*[A-Za-z0-9_])?$`)
	// kubernetesNamePattern is an RFC 1123 label: namespaces and service accounts.
	kubernetesNamePattern = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)
)

// Usernames Azure refuses for a Linux VM administrator.
var reservedUsernames = []string{
	"administrator", "admin", "user", "user1", "test", "user2", "test1", "user3", "admin1", "1",
	"123", "a", "actuser", "adm", "admin2", "aspnet", "backup", "console", "david", "guest", "john",
	"owner", "root", "server", "sql", "support", "support_388945a0", "sys", "test2", "test3", "user4", "user5",
}

// production tells a production stack: environment prod, or protected resources.
func (s *Settings) production() bool {
	return s.Environment == "prod" || s.Protect
}

// problems collects every validation error with the key path it belongs to.
type problems []error

func (p *problems) add(key, format string, args ...any) {
	*p = append(*p, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
}

// Validate checks every rule and reports all broken ones at once.
func (s *Settings) Validate() error {
	return errors.Join(s.problems()...)
}

// problems are the broken rules, each naming its key.
func (s *Settings) problems() []error {
	var p problems
	if !environmentPattern.MatchString(s.Environment) {
		p.add("environment", "%q must be 1-8 lowercase letters or digits, starting with a letter", s.Environment)
	}
	s.validateLocation(&p)
	if !prefixPattern.MatchString(s.NamePrefix) {
		p.add("namePrefix", "%q must be 2-12 lowercase letters or digits, starting with a letter", s.NamePrefix)
	}
	s.validateTags(&p)
	s.validateNetwork(&p)
	s.validateCluster(&p)
	s.validateFirewall(&p)
	s.validateDNS(&p)
	s.validateJumpBox(&p)
	s.validatePrivateServices(&p)
	if s.Monitoring.RetentionDays < 30 || s.Monitoring.RetentionDays > 730 {
		p.add("monitoring.retentionDays", "%d must be between 30 and 730", s.Monitoring.RetentionDays)
	}
	return p
}

// validateLocation refuses what is not a public Azure region, and zones where a region has none.
func (s *Settings) validateLocation(p *problems) {
	zonal, err := CheckLocation(s.Location)
	if err != nil {
		*p = append(*p, err)
		return
	}
	zonesByKey := map[string][]string{"aks.availabilityZones": s.Cluster.AvailabilityZones, "firewall.availabilityZones": s.Firewall.AvailabilityZones}
	for _, key := range sortedKeys(zonesByKey) {
		if len(zonesByKey[key]) > 0 && !zonal {
			p.add(key, "%s has no availability zones; leave the list empty there", s.Location)
		}
	}
}

// CheckLocation refuses, under the key location, what is not a public Azure region; zonal says
// whether the region has availability zones.
func CheckLocation(location string) (zonal bool, err error) {
	exists, zonal := azurerules.Region(location)
	spelt := strings.ToLower(strings.ReplaceAll(location, " ", ""))
	switch displayName, _ := azurerules.Region(spelt); {
	case !exists && displayName:
		return false, fmt.Errorf("location: %q is a display name; Azure's name for the region is %s", location, spelt)
	case !exists:
		return false, fmt.Errorf("location: %q is not a public Azure region (Microsoft Learn, \"Azure regions list\"): use a name such as westeurope", location)
	}
	return zonal, nil
}

// A private DNS zone and its links carry at most 15 tags, every other type here 50; a storage
// account's tag names are at most 128 characters, others' 512 (Microsoft Learn, "Use tags to
// organize your Azure resources", Limitations, page of 2025-02-06).
const (
	PrivateDNSMaxTags        = 15
	MaxTags                  = 50
	StorageAccountTagNameMax = 128
	TagNameMax               = 512
)

// validateTags refuses tags that some resource of the stack would refuse or silently drop: the
// stack tags its private DNS zones too.
func (s *Settings) validateTags(p *problems) {
	*p = append(*p, CheckTags(s.Tags, []string{"environment", "managedBy"}, s.PolicyManagedTags, PrivateDNSMaxTags, TagNameMax)...)
}

// CheckTags refuses, each under its key, tags a stack's resources would refuse or silently drop:
// a name outside tagNamePattern or longer than maxName, a value over 256 characters, two names
// that differ only in case, a policy-managed tag the stack sets itself (stackSets), and more than
// maxCount tags in all.
func CheckTags(tags map[string]string, stackSets, policyManaged []string, maxCount, maxName int) []error {
	var p problems
	// Azure tag names ignore case: of two names that differ only in case one overwrites the other
	// (MicrosoftDocs/azure-docs#57888). Lower-cased name -> the name as written.
	seen := map[string]string{}
	for _, k := range stackSets {
		seen[strings.ToLower(k)] = k + ", which the stack sets"
	}
	for _, k := range sortedKeys(tags) {
		if !tagNamePattern.MatchString(k) || len(k) > maxName {
			p.add("tags."+k, "tag name must be 1-%d letters, digits, '.', '-' or '_', from a letter to a letter, digit or '_' (what Azure DNS, the strictest, takes)", maxName)
		}
		if len(tags[k]) > 256 {
			p.add("tags."+k, "tag value is longer than 256 characters")
		}
		if first, dup := seen[strings.ToLower(k)]; dup {
			p.add("tags."+k, "is the same tag name as %s (Azure tag names ignore case)", first)
			continue
		}
		seen[strings.ToLower(k)] = k
	}
	for i, name := range policyManaged {
		if _, ownTag := seen[strings.ToLower(name)]; ownTag || name == "" {
			p.add(fmt.Sprintf("policyManagedTags[%d]", i), "%q is a tag the stack sets; a tag is either the stack's or Azure Policy's", name)
		}
	}
	if n := len(seen) + len(policyManaged); n > maxCount {
		p.add("tags", "%d tags, counting those the stack sets (%s) and those left to Azure Policy: a resource of the stack carries at most %d",
			n, strings.Join(stackSets, ", "), maxCount)
	}
	return p
}

// namedPrefix is a range with the config key it came from, for overlap checks.
type namedPrefix struct {
	key    string
	prefix netip.Prefix
}

func (s *Settings) validateNetwork(p *problems) {
	basic := s.Firewall.SKU == FirewallBasic
	hubSubnets := []namedPrefix{
		{"hub.firewallSubnet", s.Hub.FirewallSubnet},
		{"hub.jumpBoxSubnet", s.Hub.JumpBoxSubnet},
	}
	if basic || s.Hub.FirewallManagementSubnet.IsValid() {
		hubSubnets = append(hubSubnets, namedPrefix{"hub.firewallManagementSubnet", s.Hub.FirewallManagementSubnet})
	}
	if s.Hub.Bastion || s.Hub.BastionSubnet.IsValid() {
		hubSubnets = append(hubSubnets, namedPrefix{"hub.bastionSubnet", s.Hub.BastionSubnet})
	}
	if s.Hub.GatewaySubnet.IsValid() {
		hubSubnets = append(hubSubnets, namedPrefix{"hub.gatewaySubnet", s.Hub.GatewaySubnet})
	} else if s.Hub.HasGateway {
		p.add("hub.gatewaySubnet", "required with hub.hasGateway: the gateway lives in the hub's GatewaySubnet, which this stack declares")
	}
	switch s.DNS.Resolver {
	case ResolverForwarder:
		hubSubnets = append(hubSubnets, namedPrefix{"dns.forwarderSubnet", s.DNS.ForwarderSubnet})
	case ResolverPrivate:
		hubSubnets = append(hubSubnets, namedPrefix{"dns.resolverInboundSubnet", s.DNS.ResolverInboundSubnet},
			namedPrefix{"dns.resolverOutboundSubnet", s.DNS.ResolverOutboundSubnet})
	}
	hubOK := checkPrefix(p, "hub.addressSpace", s.Hub.AddressSpace)
	spokeOK := checkPrefix(p, "spoke.addressSpace", s.Spoke.AddressSpace)
	checkOutside(p, "hub.addressSpace", s.Hub.AddressSpace, azurerules.VNetForbiddenRanges, "Azure refuses in a virtual network")
	checkOutside(p, "spoke.addressSpace", s.Spoke.AddressSpace, azurerules.VNetForbiddenRanges, "Azure refuses in a virtual network")
	checkSubnets(p, namedPrefix{"hub.addressSpace", s.Hub.AddressSpace}, hubOK, hubSubnets)
	spokeSubnets := []namedPrefix{{"spoke.aksSubnet", s.Spoke.AksSubnet}}
	if s.Registry.Enabled || s.KeyVault.Enabled || s.Spoke.PrivateEndpointSubnet.IsValid() {
		spokeSubnets = append(spokeSubnets, namedPrefix{"spoke.privateEndpointSubnet", s.Spoke.PrivateEndpointSubnet})
	}
	checkSubnets(p, namedPrefix{"spoke.addressSpace", s.Spoke.AddressSpace}, spokeOK, spokeSubnets)

	checkMinSize(p, "hub.firewallSubnet", s.Hub.FirewallSubnet, firewallSubnetMaxBits)
	checkMinSize(p, "hub.firewallManagementSubnet", s.Hub.FirewallManagementSubnet, firewallSubnetMaxBits)
	checkMinSize(p, "hub.bastionSubnet", s.Hub.BastionSubnet, bastionSubnetMaxBits)
	checkMinSize(p, "hub.gatewaySubnet", s.Hub.GatewaySubnet, gatewaySubnetMaxBits)
	if s.Hub.FirewallManagementSubnet.IsValid() && !basic {
		p.add("hub.firewallManagementSubnet", "is only used by the Basic firewall SKU; remove it for %s", s.Firewall.SKU)
	}

	ranges := []namedPrefix{
		{"hub.addressSpace", s.Hub.AddressSpace},
		{"spoke.addressSpace", s.Spoke.AddressSpace},
		{"aks.serviceCidr", s.Cluster.ServiceCIDR},
	}
	if s.Cluster.CNI == CNIOverlay {
		ranges = append(ranges, namedPrefix{"aks.podCidr", s.Cluster.PodCIDR})
	}
	for i, r := range s.DNS.OnPremRanges {
		ranges = append(ranges, namedPrefix{fmt.Sprintf("dns.onPremRanges[%d]", i), r})
	}
	checkNoOverlap(p, ranges)
}

// checkPrefix reports a missing, non-IPv4 or non-canonical range and says whether it is usable.
func checkPrefix(p *problems, key string, prefix netip.Prefix) bool {
	switch {
	case !prefix.IsValid():
		p.add(key, "required: an IPv4 range in CIDR notation such as 10.0.0.0/16")
	case !prefix.Addr().Is4():
		p.add(key, "%s is not an IPv4 range", prefix)
	case prefix != prefix.Masked():
		p.add(key, "%s has host bits set; did you mean %s?", prefix, prefix.Masked())
	default:
		return true
	}
	return false
}

func checkSubnets(p *problems, vnet namedPrefix, vnetOK bool, subnets []namedPrefix) {
	var valid []namedPrefix
	for _, sn := range subnets {
		if !checkPrefix(p, sn.key, sn.prefix) {
			continue
		}
		if vnetOK && !(vnet.prefix.Contains(sn.prefix.Addr()) && sn.prefix.Bits() >= vnet.prefix.Bits()) {
			p.add(sn.key, "%s is outside %s %s", sn.prefix, vnet.key, vnet.prefix)
		}
		checkMinSize(p, sn.key, sn.prefix, azurerules.SmallestSubnetBits)
		valid = append(valid, sn)
	}
	checkNoOverlap(p, valid)
}

func checkNoOverlap(p *problems, ranges []namedPrefix) {
	for i, a := range ranges {
		for _, b := range ranges[i+1:] {
			if a.prefix.IsValid() && b.prefix.IsValid() && a.prefix.Overlaps(b.prefix) {
				p.add(b.key, "%s overlaps %s %s", b.prefix, a.key, a.prefix)
			}
		}
	}
}

func checkMinSize(p *problems, key string, prefix netip.Prefix, maxBits int) {
	if prefix.IsValid() && prefix.Bits() > maxBits {
		p.add(key, "%s is smaller than the /%d Azure requires", prefix, maxBits)
	}
}

// checkOutside reports a range that overlaps one of the given ranges Azure keeps for itself.
func checkOutside(p *problems, key string, prefix netip.Prefix, reserved []netip.Prefix, why string) {
	for _, r := range reserved {
		if prefix.IsValid() && prefix.Overlaps(r) {
			p.add(key, "%s overlaps %s, which %s", prefix, r, why)
		}
	}
}

func usableAddresses(prefix netip.Prefix) int {
	return 1<<(32-prefix.Bits()) - azureReservedPerSubnet
}

func (s *Settings) validateCluster(p *problems) {
	c := s.Cluster
	if v, ok := parseVersion(c.KubernetesVersion, 2); !ok || v[0] != 1 {
		p.add("aks.kubernetesVersion", "%q must be MAJOR.MINOR or MAJOR.MINOR.PATCH, such as 1.30 or 1.30.6", c.KubernetesVersion)
	} else if len(v) == 3 && slices.Contains([]string{"patch", "stable", "rapid"}, c.UpgradeChannel) {
		// AKS keeps a MAJOR.MINOR alias as given and reports the patch it runs apart
		// (currentKubernetesVersion); a pinned patch is moved past by the auto-upgrade, and the
		// next update would ask AKS to go back (AKS docs, "Automatically upgrade an AKS cluster").
		p.add("aks.kubernetesVersion", "%s pins a patch, which the %s auto-upgrade channel moves past; give MAJOR.MINOR such as %d.%d, or set aks.upgradeChannel to none or node-image",
			c.KubernetesVersion, c.UpgradeChannel, v[0], v[1])
	}
	if c.NodeCount < 1 || c.NodeCount > 1000 {
		p.add("aks.nodeCount", "%d must be between 1 and 1000", c.NodeCount)
	}
	if c.NodeMaxCount < c.NodeCount || c.NodeMaxCount > 1000 {
		p.add("aks.nodeMaxCount", "%d must be between aks.nodeCount (%d) and 1000", c.NodeMaxCount, c.NodeCount)
	}
	if c.UserPool.NodeSize == "" {
		p.add("aks.userPool.nodeSize", "required: a VM size such as Standard_D4ds_v5")
	}
	if c.UserPool.MinCount < 0 || c.UserPool.MaxCount < max(c.UserPool.MinCount, 1) || c.UserPool.MaxCount > 1000 {
		p.add("aks.userPool", "minCount %d and maxCount %d must satisfy 0 <= minCount <= maxCount, 1 <= maxCount <= 1000",
			c.UserPool.MinCount, c.UserPool.MaxCount)
	}
	if !slices.Contains([]string{"none", "patch", "stable", "rapid", "node-image"}, c.UpgradeChannel) {
		p.add("aks.upgradeChannel", "%q is not one of none, patch, stable, rapid, node-image", c.UpgradeChannel)
	}
	// Pricing tiers (Microsoft Learn, "Free, Standard, and Premium pricing tiers for AKS cluster
	// management", checked 2026-12-06): Free has no uptime SLA and is meant for experiments and
	// small non-production clusters; Standard is for production; Premium adds Long Term Support.
	switch {
	case !slices.Contains([]string{"Free", "Standard", "Premium"}, c.Tier):
		p.add("aks.tier", "%q is not one of Free, Standard, Premium", c.Tier)
	case c.Tier == "Free" && s.production():
		p.add("aks.tier", "Free has no uptime SLA: a production stack (environment prod or protect true) runs Standard or Premium")
	}
	// Surge upgrades (Microsoft Learn, "Upgrade options for AKS clusters": max surge and node drain
	// timeout, 1 to 1440 minutes; checked 2026-12-06).
	if c.MaxSurge < 1 || c.MaxSurge > 100 {
		p.add("aks.maxSurge", "%d must be between 1 and 100 nodes: a surge upgrade adds at least one", c.MaxSurge)
	}
	if c.DrainTimeoutMinutes < 1 || c.DrainTimeoutMinutes > 1440 {
		p.add("aks.drainTimeoutMinutes", "%d must be between 1 and 1440", c.DrainTimeoutMinutes)
	}
	if !slices.Contains([]string{"None", "Unmanaged", "NodeImage", "SecurityPatch"}, c.NodeOSUpgradeChannel) {
		p.add("aks.nodeOSUpgradeChannel", "%q is not one of None, Unmanaged, NodeImage, SecurityPatch", c.NodeOSUpgradeChannel)
	}
	if c.NodeSize == "" {
		p.add("aks.nodeSize", "required: a VM size such as Standard_D4ds_v5")
	} else if azurerules.IsBurstableSize(c.NodeSize) {
		p.add("aks.nodeSize", "%s is a B-series size, which system node pools refuse; use a D-series size such as Standard_D4ds_v5", c.NodeSize)
	}
	s.validateOSDisk(p)
	s.validateMaintenance(p)
	if c.MaxPods < azurerules.SystemPoolMinPods || c.MaxPods > 250 {
		p.add("aks.maxPods", "%d must be between %d (a system node pool must run at least %d pods per node) and 250",
			c.MaxPods, azurerules.SystemPoolMinPods, azurerules.SystemPoolMinPods)
	}
	if len(c.AdminGroupObjectIDs) == 0 && s.production() {
		p.add("aks.adminGroupObjectIds", "a production stack (environment prod or protect true) must name at least one Entra ID group of cluster admins; without one only the deploying identity can use kubectl")
	}
	if !slices.Contains([]string{CNIOverlay, CNINodeSubnet}, c.CNI) {
		p.add("aks.cni", "%q is not one of %s, %s", c.CNI, CNIOverlay, CNINodeSubnet)
	}
	if c.CNI == CNIOverlay && checkPrefix(p, "aks.podCidr", c.PodCIDR) {
		checkOutside(p, "aks.podCidr", c.PodCIDR, azurerules.AKSReservedRanges, "AKS reserves")
	}
	if checkPrefix(p, "aks.serviceCidr", c.ServiceCIDR) {
		checkOutside(p, "aks.serviceCidr", c.ServiceCIDR, azurerules.AKSReservedRanges, "AKS reserves")
		if c.ServiceCIDR.Bits() < serviceCIDRMinBits {
			p.add("aks.serviceCidr", "%s is larger than the /%d AKS allows", c.ServiceCIDR, serviceCIDRMinBits)
		}
		switch {
		case !c.DNSServiceIP.IsValid():
			p.add("aks.dnsServiceIP", "required: an address inside aks.serviceCidr")
		case !c.ServiceCIDR.Contains(c.DNSServiceIP):
			p.add("aks.dnsServiceIP", "%s is outside aks.serviceCidr %s", c.DNSServiceIP, c.ServiceCIDR)
		case c.DNSServiceIP == c.ServiceCIDR.Addr():
			p.add("aks.dnsServiceIP", "%s is the network address of aks.serviceCidr %s", c.DNSServiceIP, c.ServiceCIDR)
		case c.DNSServiceIP == c.ServiceCIDR.Addr().Next():
			p.add("aks.dnsServiceIP", "%s is the first address of aks.serviceCidr %s, which the kubernetes service takes", c.DNSServiceIP, c.ServiceCIDR)
		}
	}
	if s.Spoke.AksSubnet.IsValid() && c.NodeMaxCount >= 1 && c.MaxPods >= 1 {
		// Both pools at their autoscaler bounds, each with its upgrade surge nodes.
		maxNodes := c.NodeMaxCount + c.UserPool.MaxCount
		nodes := maxNodes + 2*c.MaxSurge
		need, why := nodes, fmt.Sprintf("%d nodes at the pools' maxima (+%d upgrade surge)", maxNodes, 2*c.MaxSurge)
		if c.CNI == CNINodeSubnet {
			need = nodes * (c.MaxPods + 1)
			why += fmt.Sprintf(" x (%d max pods + 1 node IP)", c.MaxPods)
		}
		if have := usableAddresses(s.Spoke.AksSubnet); have < need {
			p.add("spoke.aksSubnet", "%s holds %d usable addresses, %s need %d", s.Spoke.AksSubnet, have, why, need)
		}
	}
	checkZones(p, "aks.availabilityZones", c.AvailabilityZones)
	for i, id := range c.AdminGroupObjectIDs {
		if _, err := uuid.Parse(id); err != nil {
			p.add(fmt.Sprintf("aks.adminGroupObjectIds[%d]", i), "%q is not an Entra ID object ID (a GUID)", id)
		}
	}
}

// parseVersion reads a dotted version of at least minParts and at most three numbers; a
// Kubernetes version has major version 1.
func parseVersion(v string, minParts int) ([]int, bool) {
	parts := strings.Split(v, ".")
	if len(parts) < minParts || len(parts) > 3 {
		return nil, false
	}
	numbers := make([]int, len(parts))
	for i, part := range parts {
		n, err := strconv.ParseUint(part, 10, 16)
		if err != nil {
			return nil, false
		}
		numbers[i] = int(n)
	}
	return numbers, true
}

func abs(n int) int {
	return max(n, -n)
}

// validateOSDisk checks the pools' OS disk: an ephemeral one must fit the local disk of both
// pools' sizes, and only sizes whose local disk is known are taken for it.
func (s *Settings) validateOSDisk(p *problems) {
	c := s.Cluster
	if c.OSDiskSizeGB < azurerules.MinOSDiskGB || c.OSDiskSizeGB > azurerules.MaxOSDiskGB {
		p.add("aks.osDiskSizeGB", "%d must be between %d (the AKS image) and %d", c.OSDiskSizeGB, azurerules.MinOSDiskGB, azurerules.MaxOSDiskGB)
	}
	switch c.OSDiskType {
	case OSDiskManaged:
		return
	case OSDiskEphemeral:
	default:
		p.add("aks.osDiskType", "%q is not one of %s, %s", c.OSDiskType, OSDiskEphemeral, OSDiskManaged)
		return
	}
	for _, pool := range []struct{ key, size string }{{"aks.nodeSize", c.NodeSize}, {"aks.userPool.nodeSize", c.UserPool.NodeSize}} {
		known, err := azurerules.EphemeralOSDisk(pool.size, c.OSDiskSizeGB)
		switch {
		case pool.size == "":
			// reported as required
		case !known:
			p.add(pool.key, "%s: no local disk size known for an ephemeral OS disk; use one of %s, or set aks.osDiskType to %s",
				pool.size, strings.Join(azurerules.EphemeralOSDiskSizes(), ", "), OSDiskManaged)
		case err != nil:
			p.add(pool.key, "%v: pick a size with a larger temp disk (a \"d\" size), lower aks.osDiskSizeGB, or set aks.osDiskType to %s", err, OSDiskManaged)
		}
	}
}

func checkZones(p *problems, key string, zones []string) {
	for i, z := range zones {
		if !slices.Contains([]string{"1", "2", "3"}, z) || slices.Index(zones, z) != i {
			p.add(fmt.Sprintf("%s[%d]", key, i), "%q must be one of \"1\", \"2\", \"3\", each at most once", z)
		}
	}
}

func (s *Settings) validateFirewall(p *problems) {
	f := s.Firewall
	if !slices.Contains([]string{FirewallBasic, FirewallStandard, FirewallPremium}, f.SKU) {
		p.add("firewall.sku", "%q is not one of %s, %s, %s", f.SKU, FirewallBasic, FirewallStandard, FirewallPremium)
	}
	checkZones(p, "firewall.availabilityZones", f.AvailabilityZones)
	if !slices.Contains([]string{"Alert", "Deny", "Off"}, f.ThreatIntelMode) {
		p.add("firewall.threatIntelMode", "%q is not one of Alert, Deny, Off", f.ThreatIntelMode)
	}
	if f.SKU == FirewallBasic && f.ThreatIntelMode != "Alert" {
		p.add("firewall.threatIntelMode", "the Basic SKU supports Alert only")
	}
	names := map[string]bool{}
	uniqueName := func(key, name string) {
		if !ruleNamePattern.MatchString(name) {
			p.add(key+".name", "%q must be 1-80 letters, digits, '_', '.' or '-'", name)
		} else if names[name] {
			p.add(key+".name", "%q is used by another extra rule", name)
		}
		names[name] = true
	}
	for i, r := range f.ExtraNetworkRules {
		key := fmt.Sprintf("firewall.extraNetworkRules[%d]", i)
		uniqueName(key, r.Name)
		checkSources(p, key, r.SourceAddresses)
		for _, proto := range r.Protocols {
			if !slices.Contains([]string{"TCP", "UDP", "ICMP", "Any"}, proto) {
				p.add(key+".protocols", "%q is not one of TCP, UDP, ICMP, Any", proto)
			}
		}
		if len(r.Protocols) == 0 {
			p.add(key+".protocols", "required: at least one of TCP, UDP, ICMP, Any")
		}
		if len(r.DestinationAddresses)+len(r.DestinationFqdns) == 0 {
			p.add(key, "needs destinationAddresses or destinationFqdns")
		}
		if len(r.DestinationFqdns) > 0 && f.SKU == FirewallBasic {
			p.add(key+".destinationFqdns", "FQDNs in network rules need the DNS proxy, which the Basic SKU lacks")
		}
		for _, port := range r.DestinationPorts {
			if !validPortRange(port) {
				p.add(key+".destinationPorts", "%q is not a port, a range such as 8000-8080, or *", port)
			}
		}
		if coversEveryPort(r.DestinationPorts) && (slices.ContainsFunc(r.DestinationAddresses, isEverywhere) || slices.ContainsFunc(r.DestinationFqdns, isEveryName)) {
			p.add(key, "allows any destination on any port: a catch-all rule defeats the firewall")
		}
	}
	for i, r := range f.ExtraApplicationRules {
		key := fmt.Sprintf("firewall.extraApplicationRules[%d]", i)
		uniqueName(key, r.Name)
		checkSources(p, key, r.SourceAddresses)
		if len(r.TargetFqdns)+len(r.FqdnTags) == 0 {
			p.add(key+".targetFqdns", "required: at least one FQDN (or an FQDN tag in fqdnTags)")
		}
		for _, fqdn := range r.TargetFqdns {
			if isEveryName(fqdn) {
				p.add(key+".targetFqdns", "%q allows every site: a catch-all rule defeats the firewall", fqdn)
			}
		}
		if len(r.Protocols) == 0 {
			p.add(key+".protocols", "required: at least one such as Https:443")
		}
		for _, proto := range r.Protocols {
			m := appProtocolPattern.FindStringSubmatch(proto)
			if m == nil {
				p.add(key+".protocols", "%q must be Http:<port>, Https:<port> or Mssql:<port>", proto)
			} else if port, _ := strconv.Atoi(m[2]); port < 1 || port > maxAppRulePort {
				p.add(key+".protocols", "%q: an application rule's port is 1-%d", proto, maxAppRulePort)
			}
		}
	}
}

// maxAppRulePort is the highest port an Azure Firewall application rule's protocol takes
// (Microsoft Learn, Azure Firewall application rules, checked 2026-12-06).
const maxAppRulePort = 64000

// isEverywhere tells a destination that is every address, in any spelling Azure Firewall takes.
func isEverywhere(dest string) bool {
	if prefix, err := netip.ParsePrefix(dest); err == nil {
		return prefix.Bits() == 0
	}
	return slices.ContainsFunc([]string{"*", "Any", "Internet"}, func(s string) bool { return strings.EqualFold(s, dest) })
}

// isEveryName tells an FQDN pattern made of wildcards only ("*", "*.*"): every site.
func isEveryName(fqdn string) bool {
	return strings.Trim(fqdn, "*.") == "" && fqdn != ""
}

// coversEveryPort tells whether the port list, together, is every port (none given is all).
func coversEveryPort(ports []string) bool {
	covered := make([]bool, 65536)
	for _, port := range ports {
		if port == "*" {
			return true
		}
		lo, hi, ok := azurerules.PortBounds(port)
		for n := max(lo, 1); ok && n <= hi; n++ {
			covered[n] = true
		}
	}
	return len(ports) == 0 || !slices.Contains(covered[1:], false)
}

func checkSources(p *problems, key string, sources []string) {
	for _, src := range sources {
		if prefix, err := netip.ParsePrefix(src); err == nil && prefix.Addr().Is4() {
			continue
		}
		if addr, err := netip.ParseAddr(src); err != nil || !addr.Is4() {
			p.add(key+".sourceAddresses", "%q is not an IPv4 address or range", src)
		}
	}
}

func validPortRange(port string) bool {
	return port == "*" || (azurerules.IsPortRange(port) && !strings.HasPrefix(port, "0"))
}

func (s *Settings) validateDNS(p *problems) {
	d := s.DNS
	if !slices.Contains([]string{ZoneSystem, ZoneCustom}, d.ZoneMode) {
		p.add("dns.zoneMode", "%q is not one of %s, %s", d.ZoneMode, ZoneSystem, ZoneCustom)
	}
	switch d.Resolver {
	case ResolverAzure:
		if len(d.OnPremDomains) > 0 {
			p.add("dns.onPremDomains", "need dns.resolver %s or %s: Azure-provided DNS cannot forward", ResolverForwarder, ResolverPrivate)
		}
	case ResolverForwarder, ResolverPrivate:
		// Nodes resolve the API server through the hub's resolvers while the cluster is created:
		// the zone must already exist and be linked to the hub (azure-facts, ordering 5).
		if d.ZoneMode != ZoneCustom {
			p.add("dns.zoneMode", "%s cannot be used with dns.resolver %s: nodes resolve the API server through the hub while the cluster is created, so the zone must exist and be linked to the hub first; use %s",
				d.ZoneMode, d.Resolver, ZoneCustom)
		}
	default:
		p.add("dns.resolver", "%q is not one of %s, %s, %s", d.Resolver, ResolverAzure, ResolverForwarder, ResolverPrivate)
	}
	if d.Resolver == ResolverForwarder {
		if d.ForwarderSize == "" {
			p.add("dns.forwarderSize", "required: a VM size such as Standard_B2s")
		}
	}
	if d.Resolver == ResolverPrivate {
		for _, sn := range []namedPrefix{{"dns.resolverInboundSubnet", d.ResolverInboundSubnet}, {"dns.resolverOutboundSubnet", d.ResolverOutboundSubnet}} {
			checkResolverSubnet(p, sn)
		}
	}
	for i, r := range d.OnPremRanges {
		checkPrefix(p, fmt.Sprintf("dns.onPremRanges[%d]", i), r)
	}
	for i, dom := range d.OnPremDomains {
		key := fmt.Sprintf("dns.onPremDomains[%d]", i)
		if !domainPattern.MatchString(dom.Domain) {
			p.add(key+".domain", "%q is not a DNS domain such as corp.contoso.com", dom.Domain)
		}
		// Forwarding a zone only Azure DNS answers (or a domain above or inside it) on-premises
		// would send the API server's and the private endpoints' names away from their records.
		for _, zone := range dns.AzureZones(s.Location) {
			if name := strings.ToLower(dom.Domain); name == zone || strings.HasSuffix(zone, "."+name) || strings.HasSuffix(name, "."+zone) {
				p.add(key+".domain", "%q would capture %s, which only Azure DNS answers", dom.Domain, zone)
			}
		}
		if len(dom.Servers) == 0 {
			p.add(key+".servers", "required: at least one on-premises DNS server IP")
		}
		for j, ip := range dom.Servers {
			if !ip.Is4() {
				p.add(fmt.Sprintf("%s.servers[%d]", key, j), "required: an IPv4 address")
			}
		}
	}
}

// checkResolverSubnet applies the DNS Private Resolver's own subnet rules (azurerules).
func checkResolverSubnet(p *problems, sn namedPrefix) {
	if !sn.prefix.IsValid() {
		return
	}
	checkMinSize(p, sn.key, sn.prefix, azurerules.ResolverSubnetSmallestBits)
	if sn.prefix.Bits() < azurerules.ResolverSubnetLargestBits {
		p.add(sn.key, "%s is larger than the /%d a DNS Private Resolver endpoint accepts", sn.prefix, azurerules.ResolverSubnetLargestBits)
	}
	if azurerules.InResolverReservedRange(sn.prefix) {
		p.add(sn.key, "%s lies in %s, which the DNS Private Resolver reserves", sn.prefix, azurerules.ResolverReservedRange)
	}
}

// vaultNameMax: vault names are 3-24 letters, digits and hyphens (Azure resource name rules,
// Microsoft.KeyVault, checked 2026-11-26). A registry's 5-50 letters and digits need no check:
// cr, a prefix of 12 and an environment of 8 with the suffix make 28 at most.
const vaultNameMax = 24

func (s *Settings) validatePrivateServices(p *problems) {
	if n := len(s.VaultName()) + azureid.UniqueSuffixLength; s.KeyVault.Enabled && n > vaultNameMax {
		p.add("namePrefix", "the Key Vault name %sxxxxxx would be %d characters, more than the %d Azure allows: shorten namePrefix or environment", s.VaultName(), n, vaultNameMax)
	}
	k := s.KeyVault
	if !k.Enabled {
		return
	}
	if k.Generation < 0 {
		p.add("keyVault.generation", "%d must be 0 or more", k.Generation)
	}
	if k.RetentionDays < 7 || k.RetentionDays > 90 {
		p.add("keyVault.retentionDays", "%d must be between 7 and 90", k.RetentionDays)
	}
	if !k.PurgeProtection && s.production() {
		p.add("keyVault.purgeProtection", "a production stack (environment prod or protect true) keeps purge protection on")
	}
	if w := k.WorkloadIdentity; w != nil {
		names := map[string]string{"namespace": w.Namespace, "serviceAccount": w.ServiceAccount}
		for _, key := range sortedKeys(names) {
			if v := names[key]; !kubernetesNamePattern.MatchString(v) {
				p.add("keyVault.workloadIdentity."+key, "%q must be a Kubernetes name (lowercase letters, digits, '-', at most 63)", v)
			}
		}
	}
}

func (s *Settings) validateJumpBox(p *problems) {
	j := s.JumpBox
	if j.Size == "" {
		p.add("jumpBox.size", "required: a VM size such as Standard_B2s")
	}
	if !usernamePattern.MatchString(j.AdminUsername) || slices.Contains(reservedUsernames, j.AdminUsername) {
		p.add("jumpBox.adminUsername", "%q must be a lowercase Linux user name that Azure does not reserve (not root, admin, ...)", j.AdminUsername)
	}
	kubectl, kubectlOK := parseVersion(j.KubectlVersion, 3)
	if !kubectlOK {
		p.add("jumpBox.kubectlVersion", "%q must be a kubectl release MAJOR.MINOR.PATCH such as 1.36.1", j.KubectlVersion)
	}
	if _, ok := parseVersion(j.KubeloginVersion, 3); !ok {
		p.add("jumpBox.kubeloginVersion", "%q must be a kubelogin release MAJOR.MINOR.PATCH such as 0.2.19", j.KubeloginVersion)
	}
	// kubectl is supported within one minor version of the API server (Kubernetes version skew policy).
	if server, ok := parseVersion(s.Cluster.KubernetesVersion, 2); ok && kubectlOK && kubectl[0] == server[0] && abs(kubectl[1]-server[1]) > 1 {
		p.add("jumpBox.kubectlVersion", "%s is more than one minor version from aks.kubernetesVersion %s (Kubernetes version skew policy)",
			j.KubectlVersion, s.Cluster.KubernetesVersion)
	}
	if j.SSHPublicKey == "" {
		p.add("jumpBox.sshPublicKey", "required: an OpenSSH public key (ssh-ed25519 or ssh-rsa of 2048 bits or more)")
		return
	}
	key, _, _, rest, err := ssh.ParseAuthorizedKey([]byte(j.SSHPublicKey))
	switch {
	case err != nil:
		p.add("jumpBox.sshPublicKey", "does not parse as an OpenSSH public key: %v", err)
	case len(strings.TrimSpace(string(rest))) > 0:
		p.add("jumpBox.sshPublicKey", "holds more than one key; give exactly one")
	case key.Type() != ssh.KeyAlgoED25519 && key.Type() != ssh.KeyAlgoRSA:
		p.add("jumpBox.sshPublicKey", "%s keys are not accepted by Azure; use ssh-ed25519 or ssh-rsa", key.Type())
	case key.Type() == ssh.KeyAlgoRSA:
		if pub, ok := key.(ssh.CryptoPublicKey).CryptoPublicKey().(*rsa.PublicKey); ok && pub.N.BitLen() < 2048 {
			p.add("jumpBox.sshPublicKey", "RSA key of %d bits is shorter than the 2048 Azure requires", pub.N.BitLen())
		}
	}
}
