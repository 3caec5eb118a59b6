package stack

import (
	"fmt"
	"net/netip"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hubspoke/private-aks/dns"
	"github.com/hubspoke/private-aks/firewall"
	"github.com/hubspoke/private-aks/hub"
	"github.com/hubspoke/private-aks/monitoring"
	"github.com/hubspoke/private-aks/peering"
	"github.com/hubspoke/private-aks/privatelink"
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
		DNS:                      hubDNS(dnsPlan(cfg)),
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
		DNSForwarderSubnet:     hubDNS(dnsPlan(cfg)).ForwarderSubnet,
		OnPremDNSServers:       dnsPlan(cfg).OnPremServerIPs(),
		ExtraNetworkRules:      extraNetworkRules(cfg.Firewall.ExtraNetworkRules),
		ExtraApplicationRules:  extraApplicationRules(cfg.Firewall.ExtraApplicationRules),
		ThreatIntelMode:        cfg.Firewall.ThreatIntelMode,
		Defender:               cfg.Cluster.Defender,
		WorkspaceID:            ops.WorkspaceID,
		Protect:                cfg.Protect,
		Tags:                   cfg.ResourceTags(),
	}
}

func spokeArgs(cfg *settings.Settings, ops *monitoring.Monitoring, h *hub.Hub) spoke.Args {
	return spoke.Args{
		Location:               cfg.Location,
		ResourceGroupName:      cfg.Name("rg", "spoke"),
		VNetName:               cfg.Name("vnet", "spoke"),
		AddressSpace:           cfg.Spoke.AddressSpace.String(),
		AksSubnet:              cfg.Spoke.AksSubnet.String(),
		PodCIDR:                overlayPodCIDR(cfg),
		Peers:                  peerRanges(cfg),
		RouteTableID:           h.RouteTableID,
		DNSServers:             dnsPlan(cfg).ServerIPs(),
		NSGName:                cfg.Name("nsg", "aks"),
		PrivateEndpointSubnet:  privateEndpointSubnet(cfg),
		PrivateEndpointNSGName: cfg.Name("nsg", "pe"),
		WorkspaceID:            ops.WorkspaceID,
		Protect:                cfg.Protect,
		Tags:                   cfg.ResourceTags(),
	}
}

// peerRanges are the networks that may reach the cluster's nodes: both VNets and on-premises.
func peerRanges(cfg *settings.Settings) []string {
	ranges := []string{cfg.Hub.AddressSpace.String(), cfg.Spoke.AddressSpace.String()}
	for _, r := range cfg.DNS.OnPremRanges {
		ranges = append(ranges, r.String())
	}
	return ranges
}

func peeringArgs(cfg *settings.Settings, h *hub.Hub, s *spoke.Spoke) peering.Args {
	return peering.Args{
		Hub:           peering.VNet{Name: h.VNetName, ResourceGroupName: h.ResourceGroupName, ID: h.VNetID},
		Spoke:         peering.VNet{Name: s.VNetName, ResourceGroupName: s.ResourceGroupName, ID: s.VNetID},
		HubHasGateway: cfg.Hub.HasGateway,
	}
}

func clusterArgs(cfg *settings.Settings, p *Platform) spoke.ClusterArgs {
	c := cfg.Cluster
	return spoke.ClusterArgs{
		Location:             cfg.Location,
		ResourceGroupName:    p.Spoke.ResourceGroupName,
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
		Tier:                 c.Tier,
		MaxSurge:             c.MaxSurge,
		DrainTimeoutMinutes:  c.DrainTimeoutMinutes,
		OSDiskType:           c.OSDiskType,
		OSDiskSizeGB:         c.OSDiskSizeGB,
		MaintenanceWindows:   maintenanceWindows(c.Maintenance),
		Defender:             c.Defender,
		SecretsProvider:      cfg.KeyVault.Enabled,
		WorkspaceID:          p.WorkspaceID,
		Zones:                c.AvailabilityZones,
		PodCIDR:              overlayPodCIDR(cfg),
		ServiceCIDR:          c.ServiceCIDR.String(),
		DNSServiceIP:         c.DNSServiceIP.String(),
		AdminGroupObjectIDs:  c.AdminGroupObjectIDs,
		VNetID:               p.Spoke.VNetID,
		SubnetID:             p.AksSubnetID,
		RouteTableID:         p.RouteTableID,
		DefaultRoute:         p.DefaultRoute,
		FirewallRuleGroups:   p.FirewallRuleGroups,
		Peerings:             p.Peerings,
		DNSReady:             p.DNSReady,
		Protect:              cfg.Protect,
		Tags:                 cfg.ResourceTags(),
	}
}

func hubLink(cfg *settings.Settings, p *Platform) dns.Link {
	return dns.Link{Name: cfg.Name("vnetlink", "hub"), VNetID: p.Hub.VNetID}
}

func customZoneArgs(cfg *settings.Settings, p *Platform) dns.Args {
	return dns.Args{
		CreateZone:        true,
		ZoneName:          pulumi.String(dns.ClusterZoneName(cfg.Location)),
		ResourceGroupName: p.Hub.ResourceGroupName,
		Links:             []dns.Link{hubLink(cfg, p), {Name: cfg.Name("vnetlink", "spoke"), VNetID: p.Spoke.VNetID}},
		Protect:           cfg.Protect,
		Tags:              cfg.ResourceTags(),
	}
}

func systemZoneArgs(cfg *settings.Settings, p *Platform, c *spoke.Cluster) dns.Args {
	return dns.Args{
		ZoneName:          dns.ZoneOfFQDN(c.PrivateFQDN),
		ResourceGroupName: c.NodeResourceGroup,
		Links:             []dns.Link{hubLink(cfg, p)},
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

// dnsPlan is the config's DNS mode, planned by the dns package.
func dnsPlan(cfg *settings.Settings) dns.Plan {
	plan := dns.Plan{
		Mode:            cfg.DNS.Resolver,
		Location:        cfg.Location,
		ForwarderSubnet: cfg.DNS.ForwarderSubnet,
		InboundSubnet:   cfg.DNS.ResolverInboundSubnet,
		OutboundSubnet:  cfg.DNS.ResolverOutboundSubnet,
		VNets:           []netip.Prefix{cfg.Hub.AddressSpace, cfg.Spoke.AddressSpace},
		OnPremRanges:    cfg.DNS.OnPremRanges,
	}
	for _, d := range cfg.DNS.OnPremDomains {
		plan.OnPrem = append(plan.OnPrem, dns.ForwardedDomain{Domain: d.Domain, Servers: dns.OnPremServers(d.Servers)})
	}
	return plan
}

// hubDNS places the resolvers of the DNS plan in the hub.
func hubDNS(plan dns.Plan) hub.DNSArgs {
	d := hub.DNSArgs{Servers: plan.ServerIPs()}
	for _, p := range plan.Clients() {
		d.Clients = append(d.Clients, p.String())
	}
	switch plan.Mode {
	case dns.ModeForwarder:
		d.ForwarderSubnet = plan.ForwarderSubnet.String()
	case dns.ModePrivateResolver:
		d.ResolverInboundSubnet = plan.InboundSubnet.String()
		d.ResolverOutboundSubnet = plan.OutboundSubnet.String()
	}
	return d
}

func resolverArgs(cfg *settings.Settings, h *hub.Hub, s *spoke.Spoke, peerings []pulumi.Resource) dns.ResolverArgs {
	plan := dnsPlan(cfg)
	args := dns.ResolverArgs{
		Location:          cfg.Location,
		ResourceGroupName: h.ResourceGroupName,
		OnPrem:            plan.OnPrem,
		After:             peerings,
		Tags:              cfg.ResourceTags(),
	}
	servers := plan.ServerIPs()
	switch plan.Mode {
	case dns.ModeForwarder:
		f := &dns.ForwarderArgs{
			SubnetID:            h.ForwarderSubnetID,
			AvailabilitySetName: cfg.Name("avail", "dns"),
			VMSize:              cfg.DNS.ForwarderSize,
			AdminUsername:       cfg.JumpBox.AdminUsername,
			SSHPublicKey:        cfg.JumpBox.SSHPublicKey,
			NamedConf:           plan.NamedConf(),
		}
		for i, ip := range servers {
			n := fmt.Sprint(i + 1)
			f.VMs = append(f.VMs, dns.ForwarderVM{VMName: cfg.Name("vm", "dns", n), NICName: cfg.Name("nic", "dns", n), IP: ip})
		}
		args.Forwarders = f
	case dns.ModePrivateResolver:
		args.PrivateResolver = &dns.PrivateResolverArgs{
			HubVNetID:        h.VNetID,
			InboundSubnetID:  h.ResolverInboundSubnetID,
			OutboundSubnetID: h.ResolverOutboundSubnetID,
			InboundIP:        servers[0],
			ResolverName:     cfg.Name("dnspr", "dns"),
			InboundName:      cfg.Name("in", "dns"),
			OutboundName:     cfg.Name("out", "dns"),
			RulesetName:      cfg.Name("dnsfrs", "dns"),
			RulesetVNets:     map[string]pulumi.StringInput{"hub": h.VNetID, "spoke": s.VNetID},
		}
	}
	return args
}

// privateEndpointSubnet is the endpoint subnet's range when a registry or vault needs it.
func privateEndpointSubnet(cfg *settings.Settings) string {
	if !cfg.Registry.Enabled && !cfg.KeyVault.Enabled {
		return ""
	}
	return cfg.Spoke.PrivateEndpointSubnet.String()
}

// endpointArgs places a service's private endpoint in the spoke and its zone in the hub, linked
// to both.
func endpointArgs(cfg *settings.Settings, p *Platform, service string) privatelink.EndpointArgs {
	return privatelink.EndpointArgs{
		ResourceGroupName:     p.Spoke.ResourceGroupName,
		SubnetID:              p.PrivateEndpointSubnetID,
		EndpointName:          cfg.Name("pep", service),
		ZoneResourceGroupName: p.Hub.ResourceGroupName,
		Links: []privatelink.Link{
			{Key: "hub", Name: cfg.Name("vnetlink", service, "hub"), VNetID: p.Hub.VNetID},
			{Key: "spoke", Name: cfg.Name("vnetlink", service, "spoke"), VNetID: p.Spoke.VNetID},
		},
		After: p.Peerings,
	}
}

func registryArgs(cfg *settings.Settings, p *Platform, c *spoke.Cluster) privatelink.RegistryArgs {
	return privatelink.RegistryArgs{
		Location:          cfg.Location,
		ResourceGroupName: p.Spoke.ResourceGroupName,
		NamePrefix:        cfg.RegistryName(),
		ZoneRedundant:     len(cfg.Cluster.AvailabilityZones) > 0,
		Endpoint:          endpointArgs(cfg, p, "acr"),
		KubeletObjectID:   c.KubeletObjectID,
		WorkspaceID:       p.WorkspaceID,
		Tags:              cfg.ResourceTags(),
	}
}

func vaultArgs(cfg *settings.Settings, p *Platform, c *spoke.Cluster) privatelink.VaultArgs {
	k := cfg.KeyVault
	args := privatelink.VaultArgs{
		Location:                cfg.Location,
		ResourceGroupName:       p.Spoke.ResourceGroupName,
		NamePrefix:              cfg.VaultName(),
		PurgeProtection:         k.PurgeProtection,
		RetentionDays:           k.RetentionDays,
		Endpoint:                endpointArgs(cfg, p, "kv"),
		WorkspaceID:             p.WorkspaceID,
		SecretsProviderObjectID: c.SecretsProviderObjectID,
		AdminGroupObjectIDs:     cfg.Cluster.AdminGroupObjectIDs,
		Generation:              k.Generation,
		Tags:                    cfg.ResourceTags(),
	}
	if w := k.WorkloadIdentity; w != nil {
		args.WorkloadIdentity = &privatelink.WorkloadIdentityArgs{
			IdentityName: cfg.Name("id", "workload"), Issuer: c.OIDCIssuerURL, Namespace: w.Namespace, ServiceAccount: w.ServiceAccount,
		}
	}
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

// extraNetworkRules and extraApplicationRules turn the config's rules into the firewall's: the
// same fields, without the config's JSON schema.
func extraNetworkRules(rules []settings.NetworkRule) []firewall.NetworkRule {
	out := make([]firewall.NetworkRule, len(rules))
	for i, r := range rules {
		out[i] = firewall.NetworkRule(r)
	}
	return out
}

func extraApplicationRules(rules []settings.ApplicationRule) []firewall.ApplicationRule {
	out := make([]firewall.ApplicationRule, len(rules))
	for i, r := range rules {
		out[i] = firewall.ApplicationRule(r)
	}
	return out
}

// maintenanceWindows are the cluster's windows: the auto-upgrade's, then the node OS's.
func maintenanceWindows(m settings.Maintenance) []spoke.MaintenanceWindow {
	var out []spoke.MaintenanceWindow
	for _, w := range []struct {
		config string
		window *settings.MaintenanceWindow
	}{{spoke.AutoUpgradeSchedule, m.AutoUpgrade}, {spoke.NodeOSSchedule, m.NodeOS}} {
		if w.window != nil {
			out = append(out, spoke.MaintenanceWindow{Config: w.config, DayOfWeek: w.window.DayOfWeek, IntervalWeeks: w.window.IntervalWeeks,
				IntervalDays: w.window.IntervalDays, StartTime: w.window.StartTime, UTCOffset: w.window.UTCOffset, DurationHours: w.window.DurationHours})
		}
	}
	return out
}
