package dns

import (
	"net/netip"
	"slices"
)

// Modes of name resolution for the VNets.
const (
	ModeAzure           = "azure"           // Azure-provided DNS, the article's first case
	ModeForwarder       = "forwarder"       // two DNS forwarder VMs (BIND) in the hub
	ModePrivateResolver = "privateResolver" // Azure DNS Private Resolver in the hub
)

// Plan is how the VNets resolve names: which resolvers the hub runs and where, who may query
// them, and which domains go on-premises. It is the one place the custom-DNS feature is planned;
// the hub, the firewall, the spoke and the resolvers take their parts from it.
type Plan struct {
	Mode     string // ModeAzure, ModeForwarder or ModePrivateResolver
	Location string // the region, which names the cluster's zone
	// ForwarderSubnet holds the two forwarders at its first two usable addresses (forwarder mode).
	ForwarderSubnet netip.Prefix
	// InboundSubnet and OutboundSubnet are the Private Resolver's endpoints' subnets.
	InboundSubnet, OutboundSubnet netip.Prefix
	// VNets and OnPremRanges may query the resolvers.
	VNets, OnPremRanges []netip.Prefix
	// OnPrem are the domains forwarded to on-premises DNS servers.
	OnPrem []ForwardedDomain
}

// firstHost is an address Azure gives out in a subnet: it reserves the first four.
func firstHost(subnet netip.Prefix, offset int) netip.Addr {
	addr := subnet.Addr()
	for range 4 + offset {
		addr = addr.Next()
	}
	return addr
}

// ServerIPs are the addresses the VNets use as DNS servers: the forwarders' static IPs, the
// Private Resolver's inbound endpoint, or none for Azure-provided DNS.
func (p Plan) ServerIPs() []string {
	switch p.Mode {
	case ModeForwarder:
		return []string{firstHost(p.ForwarderSubnet, 0).String(), firstHost(p.ForwarderSubnet, 1).String()}
	case ModePrivateResolver:
		return []string{firstHost(p.InboundSubnet, 0).String()}
	}
	return nil
}

// Clients are the ranges the resolvers answer: both VNets and on-premises (none for Azure DNS).
func (p Plan) Clients() []netip.Prefix {
	if p.Mode == ModeAzure {
		return nil
	}
	return append(slices.Clone(p.VNets), p.OnPremRanges...)
}

// OnPremServerIPs lists every on-premises DNS server the forwarders reach through the firewall,
// once, in a stable order (forwarder mode only: the Private Resolver reaches them on its own).
func (p Plan) OnPremServerIPs() []string {
	if p.Mode != ModeForwarder {
		return nil
	}
	var ips []string
	for _, d := range p.OnPrem {
		for _, s := range d.Servers {
			ips = append(ips, s.Addr().String())
		}
	}
	slices.Sort(ips)
	return slices.Compact(ips)
}

// NamedConf is the forwarders' BIND configuration.
func (p Plan) NamedConf() string {
	return BindConfig(BindArgs{ClusterZone: ClusterZoneName(p.Location), AzureDNS: AzureDNS, OnPrem: p.OnPrem, Clients: p.Clients()})
}
