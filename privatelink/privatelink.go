// Package privatelink builds what the cluster pulls and reads, in the same spirit as its API
// server: an Azure Container Registry and a Key Vault, each with public network access off, a
// private endpoint in the spoke's endpoint subnet, and its private DNS zone linked to hub and
// spoke and filled by the endpoint's zone group.
package privatelink

import (
	network "github.com/pulumi/pulumi-azure-native-sdk/network/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// EndpointArgs places a service's private endpoint and its DNS zone. All fields are required.
type EndpointArgs struct {
	ResourceGroupName pulumi.StringInput // the endpoint's, beside its service
	SubnetID          pulumi.StringInput // the spoke's private endpoint subnet
	EndpointName      string
	// ZoneResourceGroupName holds the zone (the hub's, beside the cluster's zone); Links are the
	// VNets that resolve it: hub (jump box, DNS resolvers) and spoke (nodes).
	ZoneResourceGroupName pulumi.StringInput
	Links                 []Link
	// After are operations on the spoke VNet the endpoint must not overlap (the peerings).
	After []pulumi.Resource
}

// Link is one VNet linked to a zone: Key names it among the links ("hub", "spoke"), Name in Azure.
type Link struct {
	Key, Name string
	VNetID    pulumi.StringInput
}

// endpoint registers the zone, its links, the private endpoint of service for group, and the
// zone group that writes the endpoint's records into the zone (name+"-zone", "-link-<n>", "-pe",
// "-zone-group").
func endpoint(ctx *pulumi.Context, name, location, zoneName, group string, service pulumi.StringInput, args EndpointArgs,
	tags pulumi.StringMap, parent pulumi.ResourceOption) (*network.PrivateEndpoint, error) {
	zone, err := network.NewPrivateZone(ctx, name+"-zone", &network.PrivateZoneArgs{
		ResourceGroupName: args.ZoneResourceGroupName,
		PrivateZoneName:   pulumi.String(zoneName),
		Location:          pulumi.String("global"), // private DNS zones are global
		Tags:              tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	for _, l := range args.Links {
		if _, err := network.NewVirtualNetworkLink(ctx, name+"-link-"+l.Key, &network.VirtualNetworkLinkArgs{
			ResourceGroupName:      args.ZoneResourceGroupName,
			PrivateZoneName:        zone.Name,
			VirtualNetworkLinkName: pulumi.String(l.Name),
			Location:               pulumi.String("global"),
			VirtualNetwork:         network.SubResourceArgs{Id: l.VNetID},
			RegistrationEnabled:    pulumi.Bool(false),
			Tags:                   tags,
		}, parent); err != nil {
			return nil, err
		}
	}
	pe, err := network.NewPrivateEndpoint(ctx, name+"-pe", &network.PrivateEndpointArgs{
		ResourceGroupName:   args.ResourceGroupName,
		PrivateEndpointName: pulumi.String(args.EndpointName),
		Location:            pulumi.String(location),
		Subnet:              network.SubnetTypeArgs{Id: args.SubnetID},
		PrivateLinkServiceConnections: network.PrivateLinkServiceConnectionArray{network.PrivateLinkServiceConnectionArgs{
			Name:                 pulumi.String(args.EndpointName),
			PrivateLinkServiceId: service,
			GroupIds:             pulumi.StringArray{pulumi.String(group)},
		}},
		Tags: tags,
	}, parent, pulumi.DependsOn(args.After))
	if err != nil {
		return nil, err
	}
	_, err = network.NewPrivateDnsZoneGroup(ctx, name+"-zone-group", &network.PrivateDnsZoneGroupArgs{
		ResourceGroupName:       args.ResourceGroupName,
		PrivateEndpointName:     pe.Name,
		PrivateDnsZoneGroupName: pulumi.String("default"),
		PrivateDnsZoneConfigs: network.PrivateDnsZoneConfigArray{network.PrivateDnsZoneConfigArgs{
			Name: pulumi.String(group), PrivateDnsZoneId: zone.ID().ToStringOutput(),
		}},
	}, parent)
	return pe, err
}
