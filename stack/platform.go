package stack

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hubspoke/private-aks/dns"
	"github.com/hubspoke/private-aks/firewall"
	"github.com/hubspoke/private-aks/hub"
	"github.com/hubspoke/private-aks/monitoring"
	"github.com/hubspoke/private-aks/peering"
	"github.com/hubspoke/private-aks/settings"
	"github.com/hubspoke/private-aks/spoke"
)

// Platform is what the network team's part of the stack hands the workload: plain IDs, names and
// IPs, and the operations the cluster must wait for. It is what a stack reference would supply
// once hub and spokes are separate stacks (README, "From one stack to a hub and its spokes").
type Platform struct {
	WorkspaceID pulumi.StringOutput
	Hub, Spoke  Network
	AksSubnetID pulumi.StringOutput
	// PrivateEndpointSubnetID holds the registry's and vault's endpoints (empty without them).
	PrivateEndpointSubnetID pulumi.StringOutput
	// RouteTableID is the egress route table on the AKS subnet.
	RouteTableID                        pulumi.StringOutput
	FirewallPrivateIP, FirewallPublicIP pulumi.StringOutput
	JumpBox                             JumpBox
	BastionName                         pulumi.StringOutput // empty without Bastion
	// What node egress and name resolution need before the cluster is created: the default
	// route, the firewall's rule groups, both peerings, and the custom DNS servers answering.
	DefaultRoute       pulumi.Resource
	FirewallRuleGroups []pulumi.Resource
	Peerings           []pulumi.Resource
	DNSReady           []pulumi.Resource
}

// Network is one VNet and its resource group.
type Network struct {
	ResourceGroupName, VNetID pulumi.StringOutput
}

// JumpBox is the VM the cluster is reached from.
type JumpBox struct {
	Name, ID, PrivateIP pulumi.StringOutput
	AdminUsername       string
}

// buildPlatform builds what the network team owns, as in mspnp/aks-baseline's network-team
// templates: monitoring, the hub, the spoke network and the peering, the firewall, the way in
// (Bastion, jump box) and the custom DNS resolvers.
func buildPlatform(ctx *pulumi.Context, cfg *settings.Settings, opts pulumi.ResourceOption) (*Platform, error) {
	ops, err := monitoring.New(ctx, "monitoring", monitoringArgs(cfg), opts)
	if err != nil {
		return nil, err
	}
	hubNet, err := hub.New(ctx, "hub", hubArgs(cfg, ops), opts)
	if err != nil {
		return nil, err
	}
	spokeNet, err := spoke.New(ctx, "spoke", spokeArgs(cfg, ops, hubNet), opts)
	if err != nil {
		return nil, err
	}
	peer, err := peering.New(ctx, "peering", peeringArgs(cfg, hubNet, spokeNet), opts)
	if err != nil {
		return nil, err
	}
	// The peerings come first, while the VNets are new: everything that joins a hub subnet
	// (firewall, jump box, Bastion, DNS resolvers) waits for them, since Azure refuses a peering
	// while another operation runs on the VNet (AnotherOperationInProgress).
	peerings := []pulumi.Resource{peer.HubToSpoke, peer.SpokeToHub}
	fw, err := firewall.New(ctx, "firewall", firewallArgs(cfg, ops, hubNet, peerings), opts)
	if err != nil {
		return nil, err
	}
	// Named like the hub: its resources were the hub component's, and keep their names.
	access, err := hub.NewAccess(ctx, "hub", accessArgs(cfg, ops, hubNet, peerings), opts)
	if err != nil {
		return nil, err
	}
	p := &Platform{
		WorkspaceID:             ops.WorkspaceID,
		Hub:                     Network{ResourceGroupName: hubNet.ResourceGroupName, VNetID: hubNet.VNetID},
		Spoke:                   Network{ResourceGroupName: spokeNet.ResourceGroupName, VNetID: spokeNet.VNetID},
		AksSubnetID:             spokeNet.AksSubnetID,
		PrivateEndpointSubnetID: spokeNet.PrivateEndpointSubnetID,
		RouteTableID:            hubNet.RouteTableID,
		FirewallPrivateIP:       fw.PrivateIP,
		FirewallPublicIP:        fw.PublicIP,
		JumpBox:                 JumpBox{Name: access.JumpBoxName, ID: access.JumpBox.ID().ToStringOutput(), PrivateIP: access.JumpBoxPrivateIP, AdminUsername: access.JumpBoxAdmin},
		BastionName:             pulumi.String("").ToStringOutput(),
		DefaultRoute:            fw.DefaultRoute,
		FirewallRuleGroups:      fw.RuleGroups,
		Peerings:                peerings,
	}
	if access.Bastion != nil {
		p.BastionName = access.Bastion.Name
	}
	// Custom DNS servers must answer before the cluster's nodes look up the API server.
	if cfg.DNS.Resolver != settings.ResolverAzure {
		resolver, err := dns.NewResolver(ctx, "resolver", resolverArgs(cfg, hubNet, spokeNet, peerings), opts)
		if err != nil {
			return nil, err
		}
		p.DNSReady = resolver.Ready
	}
	return p, nil
}
