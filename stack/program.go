// Package stack composes the hub-spoke private AKS topology from its components. Program is the
// one entry point: main.go, the tests and the offline engine run all call it.
package stack

import (
	"fmt"

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

// Program loads and validates the configuration, then builds monitoring, hub, spoke, peering,
// firewall, the hub's way in (Bastion, jump box), private DNS and cluster. Nothing is registered when the configuration is invalid.
func Program(ctx *pulumi.Context) error {
	cfg, err := settings.Load(ctx)
	if err != nil {
		return fmt.Errorf("invalid configuration:\n%w", err)
	}
	return build(ctx, cfg)
}

// build reads like the diagram: each component takes the previous ones' outputs. The arguments
// are assembled from the config in args.go.
func build(ctx *pulumi.Context, cfg *settings.Settings) error {
	// One explicit provider for every resource: the SDK modules are of different versions and
	// would otherwise each ask for their own plugin version.
	provider, err := azurenative.NewProvider(ctx, "azure", &azurenative.ProviderArgs{Location: pulumi.String(cfg.Location)})
	if err != nil {
		return err
	}
	opts := pulumi.Providers(provider)

	ops, err := monitoring.New(ctx, "monitoring", monitoringArgs(cfg), opts)
	if err != nil {
		return err
	}
	hubNet, err := hub.New(ctx, "hub", hubArgs(cfg, ops), opts)
	if err != nil {
		return err
	}
	spokeNet, err := spoke.New(ctx, "spoke", spokeArgs(cfg, ops, hubNet), opts)
	if err != nil {
		return err
	}
	peer, err := peering.New(ctx, "peering", peering.Args{
		Hub:           peering.VNet{Name: hubNet.VNetName, ResourceGroupName: hubNet.ResourceGroupName, ID: hubNet.VNetID},
		Spoke:         peering.VNet{Name: spokeNet.VNetName, ResourceGroupName: spokeNet.ResourceGroupName, ID: spokeNet.VNetID},
		HubHasGateway: cfg.Hub.HasGateway,
	}, opts)
	if err != nil {
		return err
	}
	// The peerings come first, while the VNets are new: everything that joins a hub subnet
	// (firewall, jump box, Bastion, DNS resolvers) waits for them, since Azure refuses a peering
	// while another operation runs on the VNet (AnotherOperationInProgress).
	peerings := []pulumi.Resource{peer.HubToSpoke, peer.SpokeToHub}
	fw, err := firewall.New(ctx, "firewall", firewallArgs(cfg, ops, hubNet, peerings), opts)
	if err != nil {
		return err
	}
	// Named like the hub: its resources were the hub component's, and keep their names.
	access, err := hub.NewAccess(ctx, "hub", accessArgs(cfg, ops, hubNet, peerings), opts)
	if err != nil {
		return err
	}
	clusterArgs := clusterArgs(cfg, ops, hubNet, fw, spokeNet, peerings)

	// Custom mode: the zone exists, linked to hub and spoke, before AKS is handed its ID.
	var zone *dns.Zone
	if cfg.DNS.ZoneMode == settings.ZoneCustom {
		if zone, err = dns.New(ctx, "dns", customZoneArgs(cfg, hubNet, spokeNet), opts); err != nil {
			return err
		}
		clusterArgs.PrivateDNSZoneID = zone.ZoneID
	}
	// Custom DNS servers must answer before the cluster's nodes look up the API server.
	if cfg.DNS.Resolver != settings.ResolverAzure {
		resolver, err := dns.NewResolver(ctx, "resolver", resolverArgs(cfg, hubNet, spokeNet, peerings), opts)
		if err != nil {
			return err
		}
		clusterArgs.DNSReady = resolver.Ready
	}

	cluster, err := spoke.NewCluster(ctx, "cluster", clusterArgs, opts)
	if err != nil {
		return err
	}

	// System mode (the article's): AKS created the zone and linked the spoke; link the hub so
	// the jump box resolves the API server.
	if cfg.DNS.ZoneMode == settings.ZoneSystem {
		if zone, err = dns.New(ctx, "dns", systemZoneArgs(cfg, hubNet, cluster), opts); err != nil {
			return err
		}
	}

	exportOutputs(ctx, hubNet, access, fw, spokeNet, cluster, zone)
	exportDNSOutputs(ctx, cfg)
	return nil
}
