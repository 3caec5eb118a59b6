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
	// The bootstrap's roles (Azure built-in roles, checked 2026-12-05): Reader and Contributor
	// (General), Role Based Access Control Administrator (Privileged), Storage Blob Data
	// Contributor (Storage), Key Vault Crypto User (Security).
	ReaderRole                     = "acdd72a7-3385-48ef-bd42-f606fba81ae7"
	ContributorRole                = "b24988ac-6180-42a0-ab88-20f7382dd24c"
	RBACAdministratorRole          = "f58310d9-a9f6-439a-9e8d-f62e7b41a168"
	StorageBlobDataContributorRole = "ba92f5b4-2d11-453d-a403-e96b0029c9fe"
	KeyVaultCryptoUserRole         = "12338af0-0e69-4776-bea7-57ae8d297424"
)

// RoleDefinition is the subscription-scoped ID of a built-in role.
func RoleDefinition(subscriptionID pulumi.StringOutput, role string) pulumi.StringOutput {
	return pulumi.Sprintf("/subscriptions/%s/providers/Microsoft.Authorization/roleDefinitions/%s", subscriptionID, role)
}
