// Package azureid builds Azure resource IDs that Azure derives from other IDs, so that a resource
// can refer to an inline child (a subnet) or a built-in role without a lookup.
package azureid

import (
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// Subnet is the ID of an inline subnet: its VNet's ID and its name.
func Subnet(vnetID pulumi.StringOutput, subnet string) pulumi.StringOutput {
	return pulumi.Sprintf("%s/subnets/%s", vnetID, subnet)
}

// UniqueSuffixLength is how many characters of a globally unique name derive from the
// subscription and resource group (the registry's and vault's).
const UniqueSuffixLength = 6

// NameOf is the name at the end of a resource ID.
func NameOf(id string) string {
	return id[strings.LastIndex(id, "/")+1:]
}

// SubnetOf splits a subnet ID (".../<vnet>/subnets/<subnet>") into its VNet's name and its own.
func SubnetOf(id string) (vnet, subnet string, ok bool) {
	parent, subnet, ok := strings.Cut(id, "/subnets/")
	return NameOf(parent), subnet, ok
}

// Built-in Azure role definition IDs (the same GUID in every subscription).
const (
	NetworkContributorRole        = "4d97b98b-1d4f-4787-a291-c67834d212e7"
	PrivateDNSZoneContributorRole = "b12aa53e-6015-4669-85d0-8515ebb3ae7f"
	// AKSRBACClusterAdminRole is "Azure Kubernetes Service RBAC Cluster Admin": every Kubernetes
	// data action on the cluster (Azure built-in roles, Containers; checked 2026-11-26).
	AKSRBACClusterAdminRole = "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b"
	// AcrPullRole pulls images from a registry; KeyVaultSecretsUserRole reads a vault's secrets
	// (Azure built-in roles, Containers and Security; checked 2026-11-26).
	AcrPullRole             = "7f951dda-4ed3-4680-a7ca-43fe172d538d"
	KeyVaultSecretsUserRole = "4633458b-17de-408a-b874-0445c86b69e6"
	// KeyVaultSecretsOfficerRole manages a vault's secrets (Azure built-in roles, Security).
	KeyVaultSecretsOfficerRole = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7"
)

// RoleDefinition is the subscription-scoped ID of a built-in role.
func RoleDefinition(subscriptionID pulumi.StringOutput, role string) pulumi.StringOutput {
	return pulumi.Sprintf("/subscriptions/%s/providers/Microsoft.Authorization/roleDefinitions/%s", subscriptionID, role)
}
