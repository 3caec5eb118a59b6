// Package dns makes the cluster's private DNS zone resolvable where it must be: it creates the
// zone in custom mode, and links the VNets that resolve the API server to it.
package dns

import (
	"fmt"
	"strings"

	network "github.com/pulumi/pulumi-azure-native-sdk/network/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Args configures the zone. Every field is required unless its comment says otherwise.
type Args struct {
	// CreateZone creates ZoneName in ResourceGroupName; otherwise the zone exists already
	// (AKS created it) and only the links are added.
	CreateZone        bool
	ZoneName          pulumi.StringInput
	ResourceGroupName pulumi.StringInput
	// Links are the VNets to link, in order; their names must be unique.
	Links   []Link
	Protect bool // optional: protect a created zone from deletion
	Tags    map[string]string
}

// Link is one VNet to link to the zone.
type Link struct {
	Name   string // name of the link resource in Azure
	VNetID pulumi.StringInput
}

// Zone is the private DNS component.
type Zone struct {
	pulumi.ResourceState

	// ZoneID is the created zone's ID; empty when the zone is not created here.
	ZoneID   pulumi.StringOutput
	ZoneName pulumi.StringOutput
}

// ClusterZoneName is the zone a private cluster's API server lives in, for a region.
func ClusterZoneName(location string) string {
	return fmt.Sprintf("privatelink.%s.azmk8s.io", location)
}

// ZoneOfFQDN is the private zone holding a private cluster's API server record: AKS names the
// zone after the FQDN with its first label removed.
func ZoneOfFQDN(fqdn pulumi.StringOutput) pulumi.StringOutput {
	return fqdn.ApplyT(func(f string) string {
		_, zone, _ := strings.Cut(f, ".")
		return zone
	}).(pulumi.StringOutput)
}

// New registers the zone (if asked) and its VNet links.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Zone, error) {
	z := &Zone{}
	if err := ctx.RegisterComponentResource("hubspoke:dns:Zone", name, z, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(z)
	tags := pulumi.ToStringMap(args.Tags)

	z.ZoneName = args.ZoneName.ToStringOutput()
	z.ZoneID = pulumi.String("").ToStringOutput()
	if args.CreateZone {
		zone, err := network.NewPrivateZone(ctx, name+"-zone", &network.PrivateZoneArgs{
			ResourceGroupName: args.ResourceGroupName,
			PrivateZoneName:   args.ZoneName,
			Location:          pulumi.String("global"),
			Tags:              tags,
		}, parent, pulumi.Protect(args.Protect))
		if err != nil {
			return nil, err
		}
		z.ZoneID = zone.ID().ToStringOutput()
		z.ZoneName = zone.Name
	}
	var links []any
	for _, link := range args.Links {
		l, err := network.NewVirtualNetworkLink(ctx, name+"-link-"+link.Name, &network.VirtualNetworkLinkArgs{
			ResourceGroupName:      args.ResourceGroupName,
			PrivateZoneName:        z.ZoneName,
			VirtualNetworkLinkName: pulumi.String(link.Name),
			VirtualNetwork:         network.SubResourceArgs{Id: link.VNetID},
			// Nothing registers its own records here: AKS writes the API server's A record.
			RegistrationEnabled: pulumi.Bool(false),
			Location:            pulumi.String("global"),
			Tags:                tags,
		}, parent)
		if err != nil {
			return nil, err
		}
		links = append(links, l.ID())
	}
	// ZoneID resolves only once the links exist: a cluster handed the zone before its VNet link
	// would race AKS, which links the cluster VNet itself when no link is there.
	z.ZoneID = pulumi.All(append([]any{z.ZoneID}, links...)...).ApplyT(func(ids []any) string {
		return ids[0].(string)
	}).(pulumi.StringOutput)
	return z, ctx.RegisterResourceOutputs(z, pulumi.Map{
		"zoneId":   z.ZoneID,
		"zoneName": z.ZoneName,
	})
}
