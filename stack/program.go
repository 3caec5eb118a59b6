// Package stack composes the hub-spoke private AKS topology from its components. Program is the
// one entry point: main.go, the tests and the offline engine run all call it.
package stack

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	azurenative "github.com/pulumi/pulumi-azure-native-sdk/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hubspoke/private-aks/dns"
	"github.com/hubspoke/private-aks/firewall"
	"github.com/hubspoke/private-aks/hub"
	"github.com/hubspoke/private-aks/monitoring"
	"github.com/hubspoke/private-aks/peering"
	"github.com/hubspoke/private-aks/settings"
	"github.com/hubspoke/private-aks/spoke"
)

// Program loads and validates the configuration, then builds hub, firewall, spoke, peering,
// private DNS and cluster. Nothing is registered when the configuration is invalid.
func Program(ctx *pulumi.Context) error {
	cfg, err := settings.Load(ctx)
	if err != nil {
		return fmt.Errorf("invalid configuration:\n%w", err)
	}
	return build(ctx, cfg)
}

func build(ctx *pulumi.Context, cfg *settings.Settings) error {
	tags := cfg.ResourceTags()
	dnsServers := cfg.DNS.ServerIPs()
	hubDNSArgs := hubDNS(cfg, dnsServers)

	// One explicit provider for every resource: the SDK modules are of different versions and
	// would otherwise each ask for their own plugin version.
	provider, err := azurenative.NewProvider(ctx, "azure", &azurenative.ProviderArgs{Location: pulumi.String(cfg.Location)})
	if err != nil {
		return err
	}
	withProvider := pulumi.Providers(provider)

	ops, err := monitoring.New(ctx, "monitoring", monitoring.Args{
		Location:          cfg.Location,
		ResourceGroupName: cfg.Name("rg", "ops"),
		WorkspaceName:     cfg.Name("log"),
		RetentionDays:     cfg.Monitoring.RetentionDays,
		Tags:              tags,
	}, withProvider)
	if err != nil {
		return err
	}

	hubNet, err := hub.New(ctx, "hub", hub.Args{
		Location:                 cfg.Location,
		ResourceGroupName:        cfg.Name("rg", "hub"),
		VNetName:                 cfg.Name("vnet", "hub"),
		AddressSpace:             cfg.Hub.AddressSpace.String(),
		FirewallSubnet:           cfg.Hub.FirewallSubnet.String(),
		FirewallManagementSubnet: optionalPrefix(cfg.Hub.FirewallManagementSubnet),
		JumpBoxSubnet:            cfg.Hub.JumpBoxSubnet.String(),
		RouteTableName:           cfg.Name("rt", "egress"),
		JumpBox: hub.JumpBoxArgs{
			VMName:        cfg.Name("vm", "jumpbox"),
			NICName:       cfg.Name("nic", "jumpbox"),
			Size:          cfg.JumpBox.Size,
			AdminUsername: cfg.JumpBox.AdminUsername,
			SSHPublicKey:  cfg.JumpBox.SSHPublicKey,
		},
		DNS:     hubDNSArgs,
		Bastion: hubBastion(cfg),
		NSGNames: hub.NSGNames{
			JumpBox: cfg.Name("nsg", "jumpbox"), Bastion: cfg.Name("nsg", "bastion"), Forwarders: cfg.Name("nsg", "dns"),
			ResolverInbound: cfg.Name("nsg", "dns-inbound"), ResolverOutbound: cfg.Name("nsg", "dns-outbound"),
		},
		WorkspaceID: ops.WorkspaceID,
		Protect:     cfg.Protect,
		Tags:        tags,
	}, withProvider)
	if err != nil {
		return err
	}

	fw, err := firewall.New(ctx, "firewall", firewall.Args{
		Location:               cfg.Location,
		ResourceGroupName:      hubNet.ResourceGroupName,
		FirewallName:           cfg.Name("afw", "hub"),
		PolicyName:             cfg.Name("afwp", "hub"),
		PublicIPName:           cfg.Name("pip", "afw"),
		ManagementPublicIPName: cfg.Name("pip", "afw", "mgmt"),
		ManagementSubnetID:     hubNet.FirewallManagementSubnetID,
		SKU:                    cfg.Firewall.SKU,
		Zones:                  cfg.Firewall.AvailabilityZones,
		SubnetID:               hubNet.FirewallSubnetID,
		RouteTableName:         hubNet.RouteTableName,
		AksSubnet:              cfg.Spoke.AksSubnet.String(),
		JumpBoxSubnet:          cfg.Hub.JumpBoxSubnet.String(),
		DNSForwarderSubnet:     hubDNSArgs.ForwarderSubnet,
		OnPremDNSServers:       onPremServerIPs(cfg),
		ExtraNetworkRules:      cfg.Firewall.ExtraNetworkRules,
		ExtraApplicationRules:  cfg.Firewall.ExtraApplicationRules,
		ThreatIntelMode:        cfg.Firewall.ThreatIntelMode,
		Defender:               cfg.Cluster.Defender,
		WorkspaceID:            ops.WorkspaceID,
		Protect:                cfg.Protect,
		Tags:                   tags,
	}, withProvider)
	if err != nil {
		return err
	}

	spokeNet, err := spoke.New(ctx, "spoke", spoke.Args{
		Location:          cfg.Location,
		ResourceGroupName: cfg.Name("rg", "spoke"),
		VNetName:          cfg.Name("vnet", "spoke"),
		AddressSpace:      cfg.Spoke.AddressSpace.String(),
		AksSubnet:         cfg.Spoke.AksSubnet.String(),
		RouteTableID:      hubNet.RouteTableID,
		DNSServers:        dnsServers,
		NSGName:           cfg.Name("nsg", "aks"),
		WorkspaceID:       ops.WorkspaceID,
		Protect:           cfg.Protect,
		Tags:              tags,
	}, withProvider)
	if err != nil {
		return err
	}

	peer, err := peering.New(ctx, "peering", peering.Args{
		Hub:           peering.VNet{Name: hubNet.VNetName, ResourceGroupName: hubNet.ResourceGroupName, ID: hubNet.VNetID},
		Spoke:         peering.VNet{Name: spokeNet.VNetName, ResourceGroupName: spokeNet.ResourceGroupName, ID: spokeNet.VNetID},
		HubHasGateway: cfg.Hub.HasGateway,
	}, withProvider)
	if err != nil {
		return err
	}

	hubLink := dns.Link{Name: cfg.Name("vnetlink", "hub"), VNetID: hubNet.VNetID}
	clusterArgs := spoke.ClusterArgs{
		Location:          cfg.Location,
		ResourceGroupName: spokeNet.ResourceGroupName,
		ClusterName:       cfg.Name("aks"),
		IdentityName:      cfg.Name("id", "aks"),
		KubernetesVersion: cfg.Cluster.KubernetesVersion,
		NodeSize:          cfg.Cluster.NodeSize,
		NodeCount:         cfg.Cluster.NodeCount,
		NodeMaxCount:      cfg.Cluster.NodeMaxCount,
		UserPool: spoke.UserPoolArgs{
			NodeSize: cfg.Cluster.UserPool.NodeSize, MinCount: cfg.Cluster.UserPool.MinCount, MaxCount: cfg.Cluster.UserPool.MaxCount,
		},
		UpgradeChannel:       cfg.Cluster.UpgradeChannel,
		NodeOSUpgradeChannel: cfg.Cluster.NodeOSUpgradeChannel,
		Defender:             cfg.Cluster.Defender,
		WorkspaceID:          ops.WorkspaceID,
		MaxPods:              cfg.Cluster.MaxPods,
		Zones:                cfg.Cluster.AvailabilityZones,
		Overlay:              cfg.Cluster.CNI == settings.CNIOverlay,
		PodCIDR:              cfg.Cluster.PodCIDR.String(),
		ServiceCIDR:          cfg.Cluster.ServiceCIDR.String(),
		DNSServiceIP:         cfg.Cluster.DNSServiceIP.String(),
		AdminGroupObjectIDs:  cfg.Cluster.AdminGroupObjectIDs,
		VNetID:               spokeNet.VNetID,
		SubnetID:             spokeNet.AksSubnetID,
		RouteTableID:         hubNet.RouteTableID,
		DefaultRoute:         fw.DefaultRoute,
		FirewallRuleGroups:   fw.RuleGroups,
		Peerings:             []pulumi.Resource{peer.HubToSpoke, peer.SpokeToHub},
		Protect:              cfg.Protect,
		Tags:                 tags,
	}

	// Custom mode: the zone exists, linked to hub and spoke, before AKS is handed its ID.
	var zone *dns.Zone
	if cfg.DNS.ZoneMode == settings.ZoneCustom {
		zone, err = dns.New(ctx, "dns", dns.Args{
			CreateZone:        true,
			ZoneName:          pulumi.String(dns.ClusterZoneName(cfg.Location)),
			ResourceGroupName: hubNet.ResourceGroupName,
			Links:             []dns.Link{hubLink, {Name: cfg.Name("vnetlink", "spoke"), VNetID: spokeNet.VNetID}},
			Protect:           cfg.Protect,
			Tags:              tags,
		}, withProvider)
		if err != nil {
			return err
		}
		clusterArgs.PrivateDNSZoneID = zone.ZoneID
	}

	if cfg.DNS.Resolver != settings.ResolverAzure {
		resolver, err := dns.NewResolver(ctx, "resolver", resolverArgs(cfg, hubNet, spokeNet, dnsServers, tags), withProvider)
		if err != nil {
			return err
		}
		clusterArgs.DNSReady = resolver.Ready
	}

	cluster, err := spoke.NewCluster(ctx, "cluster", clusterArgs, withProvider)
	if err != nil {
		return err
	}

	// System mode (the article's): AKS created the zone and linked the spoke; link the hub so
	// the jump box resolves the API server.
	if cfg.DNS.ZoneMode == settings.ZoneSystem {
		zone, err = dns.New(ctx, "dns", dns.Args{
			ZoneName:          dns.ZoneOfFQDN(cluster.PrivateFQDN),
			ResourceGroupName: cluster.NodeResourceGroup,
			Links:             []dns.Link{hubLink},
			Tags:              tags,
		}, withProvider)
		if err != nil {
			return err
		}
	}

	exportOutputs(ctx, hubNet, fw, spokeNet, cluster, zone)
	exportDNSOutputs(ctx, cfg, dnsServers)
	return nil
}

// hubBastion places Azure Bastion when it is on.
func hubBastion(cfg *settings.Settings) hub.BastionArgs {
	if !cfg.Hub.Bastion {
		return hub.BastionArgs{}
	}
	return hub.BastionArgs{Subnet: cfg.Hub.BastionSubnet.String(), Name: cfg.Name("bas", "hub"), PublicIPName: cfg.Name("pip", "bas")}
}

// hubDNS places the resolvers of the configured DNS mode in the hub.
func hubDNS(cfg *settings.Settings, servers []string) hub.DNSArgs {
	d := hub.DNSArgs{Servers: servers}
	switch cfg.DNS.Resolver {
	case settings.ResolverForwarder:
		d.ForwarderSubnet = cfg.DNS.ForwarderSubnet.String()
		for _, p := range dnsClients(cfg) {
			d.Clients = append(d.Clients, p.String())
		}
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

func resolverArgs(cfg *settings.Settings, h *hub.Hub, s *spoke.Spoke, servers []string, tags map[string]string) dns.ResolverArgs {
	var onPrem []dns.ForwardedDomain
	for _, d := range cfg.DNS.OnPremDomains {
		onPrem = append(onPrem, dns.ForwardedDomain{Domain: d.Domain, Servers: dns.OnPremServers(d.Servers)})
	}
	args := dns.ResolverArgs{
		Location:          cfg.Location,
		ResourceGroupName: h.ResourceGroupName,
		Name:              fmt.Sprintf("%s-%s-dns", cfg.NamePrefix, cfg.Environment),
		ServerIPs:         servers,
		OnPrem:            onPrem,
		Tags:              tags,
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

// exportDNSOutputs tells an on-premises DNS admin what to add, when the hub has resolvers.
func exportDNSOutputs(ctx *pulumi.Context, cfg *settings.Settings, servers []string) {
	if len(servers) == 0 {
		return
	}
	ctx.Export("dnsServerIps", pulumi.ToStringArray(servers))
	ctx.Export("onPremConditionalForwarder", pulumi.String(fmt.Sprintf(
		"On the on-premises DNS servers, add a conditional forwarder for %s to %s",
		dns.ClusterZoneName(cfg.Location), strings.Join(servers, ", "))))
}

// optionalPrefix gives an optional range in CIDR notation, or "" when it is not configured.
func optionalPrefix(prefix netip.Prefix) string {
	if !prefix.IsValid() {
		return ""
	}
	return prefix.String()
}

func exportOutputs(ctx *pulumi.Context, h *hub.Hub, fw *firewall.Firewall, s *spoke.Spoke, c *spoke.Cluster, z *dns.Zone) {
	ctx.Export("hubResourceGroupName", h.ResourceGroupName)
	ctx.Export("spokeResourceGroupName", s.ResourceGroupName)
	ctx.Export("hubVnetId", h.VNetID)
	ctx.Export("spokeVnetId", s.VNetID)
	ctx.Export("firewallPublicIp", fw.PublicIP)
	ctx.Export("firewallPrivateIp", fw.PrivateIP)
	ctx.Export("clusterName", c.Name)
	ctx.Export("clusterPrivateFqdn", c.PrivateFQDN)
	ctx.Export("jumpBoxName", h.JumpBoxName)
	ctx.Export("jumpBoxPrivateIp", h.JumpBoxPrivateIP)
	ctx.Export("privateDnsZoneName", z.ZoneName)
	// Run on the jump box (after `az login`): Entra ID credentials through kubelogin, then kubectl.
	ctx.Export("clusterAccessFromJumpBox", pulumi.Sprintf(
		"az aks get-credentials --resource-group %s --name %s --overwrite-existing && kubelogin convert-kubeconfig -l azurecli && kubectl get nodes",
		s.ResourceGroupName, c.Name))
	if h.Bastion != nil {
		// Run from a workstation: SSH to the jump box through Bastion, or a local tunnel to it.
		ssh := pulumi.Sprintf("az network bastion ssh --resource-group %s --name %s --target-resource-id %s --auth-type ssh-key --username %s --ssh-key ~/.ssh/id_ed25519",
			h.ResourceGroupName, h.Bastion.Name, h.JumpBox.ID(), h.JumpBoxAdmin)
		ctx.Export("jumpBoxSsh", ssh)
		ctx.Export("jumpBoxTunnel", pulumi.Sprintf("az network bastion tunnel --resource-group %s --name %s --target-resource-id %s --resource-port 22 --port 2222",
			h.ResourceGroupName, h.Bastion.Name, h.JumpBox.ID()))
	}
	// Run from a workstation: the jump box resolves the API server's FQDN to a private IP in the spoke.
	ctx.Export("verifyDnsFromJumpBox", pulumi.Sprintf(
		"az vm run-command invoke --resource-group %s --name %s --command-id RunShellScript --scripts 'nslookup %s'",
		h.ResourceGroupName, h.JumpBoxName, c.PrivateFQDN))
}
