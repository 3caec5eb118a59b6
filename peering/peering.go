// Package peering connects a hub VNet and a spoke VNet in both directions in one call.
package peering

import (
	network "github.com/pulumi/pulumi-azure-native-sdk/network/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// VNet identifies one side of the peering.
type VNet struct {
	Name              pulumi.StringInput
	ResourceGroupName pulumi.StringInput
	ID                pulumi.StringInput
}

// Args configures the peering. Hub and Spoke are required.
type Args struct {
	Hub   VNet
	Spoke VNet
	// HubHasGateway is optional (default false): true lets the spoke use the hub's VPN or
	// ExpressRoute gateway. Azure rejects gateway transit when there is no gateway.
	HubHasGateway bool
}

// Peering is the two-way peering component.
type Peering struct {
	pulumi.ResourceState

	HubToSpoke *network.VirtualNetworkPeering
	SpokeToHub *network.VirtualNetworkPeering
}

// New registers both directions of the peering.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Peering, error) {
	p := &Peering{}
	if err := ctx.RegisterComponentResource("hubspoke:peering:Peering", name, p, opts...); err != nil {
		return nil, err
	}
	peer := func(suffix, peeringName string, local, remote VNet, hubSide bool, opts ...pulumi.ResourceOption) (*network.VirtualNetworkPeering, error) {
		return network.NewVirtualNetworkPeering(ctx, name+suffix, &network.VirtualNetworkPeeringArgs{
			ResourceGroupName:         local.ResourceGroupName,
			VirtualNetworkName:        local.Name,
			VirtualNetworkPeeringName: pulumi.String(peeringName),
			RemoteVirtualNetwork:      network.SubResourceArgs{Id: remote.ID},
			AllowVirtualNetworkAccess: pulumi.Bool(true),
			// Traffic the firewall forwards (spoke egress replies, on-premises, other spokes)
			// does not originate in the peered VNet: both sides must accept it.
			AllowForwardedTraffic: pulumi.Bool(true),
			AllowGatewayTransit:   pulumi.Bool(hubSide && args.HubHasGateway),
			UseRemoteGateways:     pulumi.Bool(!hubSide && args.HubHasGateway),
		}, append(opts, pulumi.Parent(p))...)
	}
	var err error
	if p.HubToSpoke, err = peer("-hub-to-spoke", "peer-hub-to-spoke", args.Hub, args.Spoke, true); err != nil {
		return nil, err
	}
	// Each peering updates both VNets' peering state: one after the other (AnotherOperationInProgress).
	if p.SpokeToHub, err = peer("-spoke-to-hub", "peer-spoke-to-hub", args.Spoke, args.Hub, false, pulumi.DependsOn([]pulumi.Resource{p.HubToSpoke})); err != nil {
		return nil, err
	}
	return p, ctx.RegisterResourceOutputs(p, pulumi.Map{
		"hubToSpokeId": p.HubToSpoke.ID(),
		"spokeToHubId": p.SpokeToHub.ID(),
	})
}
