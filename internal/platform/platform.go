// Package platform creates the plain Azure resources several components start from, the one way
// this project makes them: resource groups, Standard static public IPs, globally unique names.
package platform

import (
	"crypto/sha256"
	"encoding/hex"

	authorization "github.com/pulumi/pulumi-azure-native-sdk/authorization/v2"
	network "github.com/pulumi/pulumi-azure-native-sdk/network/v2"
	resources "github.com/pulumi/pulumi-azure-native-sdk/resources/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hubspoke/private-aks/internal/azureid"
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

// UniqueName is a globally unique Azure name (a registry's, a vault's, a storage account's):
// prefix and azureid.UniqueSuffixLength hex characters derived from the subscription and the
// resource group, so the same stack always asks for the same name and another group for another.
func UniqueName(ctx *pulumi.Context, prefix string, resourceGroup pulumi.StringInput, parent pulumi.ResourceOrInvokeOption) pulumi.StringOutput {
	subscriptionID := authorization.GetClientConfigOutput(ctx, parent).SubscriptionId()
	return pulumi.All(subscriptionID, resourceGroup).ApplyT(func(v []any) string {
		sum := sha256.Sum256([]byte(v[0].(string) + "/" + v[1].(string)))
		return prefix + hex.EncodeToString(sum[:])[:azureid.UniqueSuffixLength]
	}).(pulumi.StringOutput)
}
