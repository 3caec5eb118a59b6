// Package platform creates the plain Azure resources several components start from, the one way
// this project makes them: resource groups, and Standard static public IPs.
package platform

import (
	network "github.com/pulumi/pulumi-azure-native-sdk/network/v2"
	resources "github.com/pulumi/pulumi-azure-native-sdk/resources/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// ResourceGroup registers a resource group (as name) with its Azure name.
func ResourceGroup(ctx *pulumi.Context, name, azureName, location string, tags pulumi.StringMap,
	opts ...pulumi.ResourceOption) (*resources.ResourceGroup, error) {
	return resources.NewResourceGroup(ctx, name, &resources.ResourceGroupArgs{
		ResourceGroupName: pulumi.String(azureName),
		Location:          pulumi.String(location),
		Tags:              tags,
	}, opts...)
}

// PublicIP registers a Standard, static, regional public IP (as name), zone-redundant over zones.
func PublicIP(ctx *pulumi.Context, name string, rgName pulumi.StringInput, azureName, location string, zones []string,
	tags pulumi.StringMap, opts ...pulumi.ResourceOption) (*network.PublicIPAddress, error) {
	return network.NewPublicIPAddress(ctx, name, &network.PublicIPAddressArgs{
		ResourceGroupName:        rgName,
		PublicIpAddressName:      pulumi.String(azureName),
		Location:                 pulumi.String(location),
		Sku:                      network.PublicIPAddressSkuArgs{Name: pulumi.String("Standard"), Tier: pulumi.String("Regional")},
		PublicIPAllocationMethod: pulumi.String("Static"),
		Zones:                    pulumi.ToStringArray(zones),
		Tags:                     tags,
	}, opts...)
}
