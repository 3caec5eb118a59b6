package stack

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hubspoke/private-aks/dns"
	"github.com/hubspoke/private-aks/firewall"
	"github.com/hubspoke/private-aks/hub"
	"github.com/hubspoke/private-aks/monitoring"
	"github.com/hubspoke/private-aks/settings"
	"github.com/hubspoke/private-aks/spoke"
)

// The components' arguments, from the validated config and the outputs of the components
// built before them. Azure names follow the Cloud Adoption Framework (cfg.Name).

func monitoringArgs(cfg *settings.Settings) monitoring.Args {
	return monitoring.Args{
		Location:          cfg.Location,
		ResourceGroupName: cfg.Name("rg", "ops"),
		WorkspaceName:     cfg.Name("log"),
		RetentionDays:     cfg.Monitoring.RetentionDays,
		Tags:              cfg.ResourceTags(),
	}
}

func hubArgs(cfg *settings.Settings, ops *monitoring.Monitoring) hub.Args {
	return hub.Args{
		Location:                 cfg.Location,
		ResourceGroupName:        cfg.Name("rg", "hub"),
		VNetName:                 cfg.Name("vnet", "hub"),
		AddressSpace:             cfg.Hub.AddressSpace.String(),
		FirewallSubnet:           cfg.Hub.FirewallSubnet.String(),
		FirewallManagementSubnet: optionalPrefix(cfg.Hub.FirewallManagementSubnet),
		JumpBoxSubnet:            cfg.Hub.JumpBoxSubnet.String(),
		BastionSubnet:            bastionSubnet(cfg),
		GatewaySubnet:            optionalPrefix(cfg.Hub.GatewaySubnet),
		RouteTableName:           cfg.Name("rt", "egress"),
		DNS:                      hubDNS(cfg),
		NSGNames: hub.NSGNames{
			JumpBox: cfg.Name("nsg", "jumpbox"), Bastion: cfg.Name("nsg", "bastion"), Forwarders: cfg.Name("nsg", "dns"),
			ResolverInbound: cfg.Name("nsg", "dns-inbound"), ResolverOutbound: cfg.Name("nsg", "dns-outbound"),
		},
		WorkspaceID: ops.WorkspaceID,
		Protect:     cfg.Protect,
		Tags:        cfg.ResourceTags(),
	}
}

func accessArgs(cfg *settings.Settings, ops *monitoring.Monitoring, h *hub.Hub, peerings []pulumi.Resource) hub.AccessArgs {
	args := hub.AccessArgs{
		Location:          cfg.Location,
		ResourceGroupName: h.ResourceGroupName,
		JumpBox: hub.JumpBoxArgs{
			VMName:        cfg.Name("vm", "jumpbox"),
			NICName:       cfg.Name("nic", "jumpbox"),
			Size:          cfg.JumpBox.Size,
			AdminUsername: cfg.JumpBox.AdminUsername,
			SSHPublicKey:  cfg.JumpBox.SSHPublicKey,
			Tools:         hub.Tools{KubectlVersion: cfg.JumpBox.KubectlVersion, KubeloginVersion: cfg.JumpBox.KubeloginVersion},
		},
		JumpBoxSubnetID: h.JumpBoxSubnetID,
		WorkspaceID:     ops.WorkspaceID,
		After:           peerings,
		MovedFrom:       h,
		Tags:            cfg.ResourceTags(),
	}
	if cfg.Hub.Bastion {
		args.Bastion = hub.BastionArgs{SubnetID: h.BastionSubnetID, Name: cfg.Name("bas", "hub"), PublicIPName: cfg.Name("pip", "bas")}
	}
	return args
}

func firewallArgs(cfg *settings.Settings, ops *monitoring.Monitoring, h *hub.Hub, peerings []pulumi.Resource) firewall.Args {
	return firewall.Args{
		Location:               cfg.Location,
		ResourceGroupName:      h.ResourceGroupName,
		FirewallName:           cfg.Name("afw", "hub"),
		PolicyName:             cfg.Name("afwp", "hub"),
		PublicIPName:           cfg.Name("pip", "afw"),
		ManagementPublicIPName: cfg.Name("pip", "afw", "mgmt"),
		ManagementSubnetID:     h.FirewallManagementSubnetID,
		SKU:                    cfg.Firewall.SKU,
		Zones:                  cfg.Firewall.AvailabilityZones,
		SubnetID:               h.FirewallSubnetID,
		After:                  peerings,
		RouteTableName:         h.RouteTableName,
		AksSubnet:              cfg.Spoke.AksSubnet.String(),
		JumpBoxSubnet:          cfg.Hub.JumpBoxSubnet.String(),
		DNSForwarderSubnet:     hubDNS(cfg).ForwarderSubnet,
		OnPremDNSServers:       onPremServerIPs(cfg),
		ExtraNetworkRules:      cfg.Firewall.ExtraNetworkRules,
		ExtraApplicationRules:  cfg.Firewall.ExtraApplicationRules,
		ThreatIntelMode:        cfg.Firewall.ThreatIntelMode,
		Defender:               cfg.Cluster.Defender,
		WorkspaceID:            ops.WorkspaceID,
		Protect:                cfg.Protect,
		Tags:                   cfg.ResourceTags(),
	}
}

func spokeArgs(cfg *settings.Settings, ops *monitoring.Monitoring, h *hub.Hub) spoke.Args {
	return spoke.Args{
		Location:          cfg.Location,
		ResourceGroupName: cfg.Name("rg", "spoke"),
		VNetName:          cfg.Name("vnet", "spoke"),
		AddressSpace:      cfg.Spoke.AddressSpace.String(),
		AksSubnet:         cfg.Spoke.AksSubnet.String(),
		PodCIDR:           overlayPodCIDR(cfg),
		RouteTableID:      h.RouteTableID,
		DNSServers:        cfg.DNS.ServerIPs(),
		NSGName:           cfg.Name("nsg", "aks"),
		WorkspaceID:       ops.WorkspaceID,
		Protect:           cfg.Protect,
		Tags:              cfg.ResourceTags(),
	}
}

func clusterArgs(cfg *settings.Settings, ops *monitoring.Monitoring, h *hub.Hub, fw *firewall.Firewall, s *spoke.Spoke,
	peerings []pulumi.Resource) spoke.ClusterArgs {
	c := cfg.Cluster
	return spoke.ClusterArgs{
		Location:             cfg.Location,
		ResourceGroupName:    s.ResourceGroupName,
		ClusterName:          cfg.Name("aks"),
		IdentityName:         cfg.Name("id", "aks"),
		KubernetesVersion:    c.KubernetesVersion,
		NodeSize:             c.NodeSize,
		NodeCount:            c.NodeCount,
		NodeMaxCount:         c.NodeMaxCount,
		MaxPods:              c.MaxPods,
		UserPool:             spoke.UserPoolArgs{NodeSize: c.UserPool.NodeSize, MinCount: c.UserPool.MinCount, MaxCount: c.UserPool.MaxCount},
		UpgradeChannel:       c.UpgradeChannel,
		NodeOSUpgradeChannel: c.NodeOSUpgradeChannel,
		Defender:             c.Defender,
		WorkspaceID:          ops.WorkspaceID,
		Zones:                c.AvailabilityZones,
		PodCIDR:              overlayPodCIDR(cfg),
		ServiceCIDR:          c.ServiceCIDR.String(),
		DNSServiceIP:         c.DNSServiceIP.String(),
		AdminGroupObjectIDs:  c.AdminGroupObjectIDs,
		VNetID:               s.VNetID,
		SubnetID:             s.AksSubnetID,
		RouteTableID:         h.RouteTableID,
		DefaultRoute:         fw.DefaultRoute,
		FirewallRuleGroups:   fw.RuleGroups,
		Peerings:             peerings,
		Protect:              cfg.Protect,
		Tags:                 cfg.ResourceTags(),
	}
}

func hubLink(cfg *settings.Settings, h *hub.Hub) dns.Link {
	return dns.Link{Name: cfg.Name("vnetlink", "hub"), VNetID: h.VNetID}
}

func customZoneArgs(cfg *settings.Settings, h *hub.Hub, s *spoke.Spoke) dns.Args {
	return dns.Args{
		CreateZone:        true,
		ZoneName:          pulumi.String(dns.ClusterZoneName(cfg.Location)),
		ResourceGroupName: h.ResourceGroupName,
		Links:             []dns.Link{hubLink(cfg, h), {Name: cfg.Name("vnetlink", "spoke"), VNetID: s.VNetID}},
		Protect:           cfg.Protect,
		Tags:              cfg.ResourceTags(),
	}
}

func systemZoneArgs(cfg *settings.Settings, h *hub.Hub, c *spoke.Cluster) dns.Args {
	return dns.Args{
		ZoneName:          dns.ZoneOfFQDN(c.PrivateFQDN),
		ResourceGroupName: c.NodeResourceGroup,
		Links:             []dns.Link{hubLink(cfg, h)},
		Tags:              cfg.ResourceTags(),
	}
}

// bastionSubnet is AzureBastionSubnet's range when Bastion is on.
func bastionSubnet(cfg *settings.Settings) string {
	if !cfg.Hub.Bastion {
		return ""
	}
	return cfg.Hub.BastionSubnet.String()
}

// hubDNS places the resolvers of the configured DNS mode in the hub.
func hubDNS(cfg *settings.Settings) hub.DNSArgs {
	d := hub.DNSArgs{Servers: cfg.DNS.ServerIPs()}
	if cfg.DNS.Resolver != settings.ResolverAzure {
		for _, p := range dnsClients(cfg) {
			d.Clients = append(d.Clients, p.String())
		}
	}
	switch cfg.DNS.Resolver {
	case settings.ResolverForwarder:
		d.ForwarderSubnet = cfg.DNS.ForwarderSubnet.String()
	case settings.ResolverPrivate:
		d.ResolverInboundSubnet = cfg.DNS.ResolverInboundSubnet.String()
		d.ResolverOutboundSubnet = cfg.DNS.ResolverOutboundSubnet.String()
	}
	return d
}

// dnsClients are the ranges allowed to query the hub's resolvers: both VNets and on-premises.
func dnsClients(cfg *settings.Settings) []netip.Prefix {
	return append([]netip.Prefix{cfg.Hub.AddressSpace, cfg.Spoke.AddressSpace}, cfg.DNS.OnPremRanges...)
}

// onPremServerIPs lists every on-premises DNS server once, in a stable order (forwarder mode).
func onPremServerIPs(cfg *settings.Settings) []string {
	if cfg.DNS.Resolver != settings.ResolverForwarder {
		return nil
	}
	var ips []string
	for _, d := range cfg.DNS.OnPremDomains {
		for _, ip := range d.Servers {
			ips = append(ips, ip.String())
		}
	}
	slices.Sort(ips)
	return slices.Compact(ips)
}

func resolverArgs(cfg *settings.Settings, h *hub.Hub, s *spoke.Spoke, peerings []pulumi.Resource) dns.ResolverArgs {
	var onPrem []dns.ForwardedDomain
	for _, d := range cfg.DNS.OnPremDomains {
		onPrem = append(onPrem, dns.ForwardedDomain{Domain: d.Domain, Servers: dns.OnPremServers(d.Servers)})
	}
	args := dns.ResolverArgs{
		Location:          cfg.Location,
		ResourceGroupName: h.ResourceGroupName,
		Name:              fmt.Sprintf("%s-%s-dns", cfg.NamePrefix, cfg.Environment),
		ServerIPs:         cfg.DNS.ServerIPs(),
		OnPrem:            onPrem,
		After:             peerings,
		Tags:              cfg.ResourceTags(),
	}
	if cfg.DNS.Resolver == settings.ResolverForwarder {
		args.Kind = dns.KindForwarder
		args.SubnetID = h.ForwarderSubnetID
		args.VMSize = cfg.DNS.ForwarderSize
		args.AdminUsername = cfg.JumpBox.AdminUsername
		args.SSHPublicKey = cfg.JumpBox.SSHPublicKey
		args.NamedConf = dns.BindConfig(dns.BindArgs{
			ClusterZone: dns.ClusterZoneName(cfg.Location),
			AzureDNS:    dns.AzureDNS,
			OnPrem:      onPrem,
			Clients:     dnsClients(cfg),
		})
		return args
	}
	args.Kind = dns.KindPrivateResolver
	args.HubVNetID = h.VNetID
	args.InboundSubnetID = h.ResolverInboundSubnetID
	args.OutboundSubnetID = h.ResolverOutboundSubnetID
	args.RulesetVNets = map[string]pulumi.StringInput{"hub": h.VNetID, "spoke": s.VNetID}
	return args
}

// optionalPrefix gives an optional range in CIDR notation, or "" when it is not configured.
func optionalPrefix(prefix netip.Prefix) string {
	if !prefix.IsValid() {
		return ""
	}
	return prefix.String()
}

// overlayPodCIDR is the pod range with Azure CNI Overlay; with node-subnet CNI pods take subnet
// IPs and there is no pod range to send.
func overlayPodCIDR(cfg *settings.Settings) string {
	if cfg.Cluster.CNI != settings.CNIOverlay {
		return ""
	}
	return cfg.Cluster.PodCIDR.String()
}
