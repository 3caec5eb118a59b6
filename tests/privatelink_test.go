package tests

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/hubspoke/private-aks/internal/azuremock"
	"github.com/hubspoke/private-aks/internal/azuretype"
	"github.com/hubspoke/private-aks/internal/mocktest"
)

// The registry and the vault the cluster pulls and reads from: private endpoints in the spoke's
// endpoint subnet, zones linked to hub and spoke, no public access, grants to the right identities.

func TestRegistryAndVaultAreReachedOnlyThroughPrivateEndpoints(t *testing.T) {
	for _, stack := range []string{"dev", "prod"} {
		t.Run(stack, func(t *testing.T) {
			res := mocktest.RunStack(t, stack)
			spokeVNet := res.VNet(t, "vnet-hubspoke-"+stack+"-spoke")
			hubVNet := res.VNet(t, "vnet-hubspoke-"+stack+"-hub")
			peSubnet := mocktest.Subnet(t, spokeVNet, "snet-private-endpoints")
			assert.Equal(t, "Enabled", peSubnet["privateEndpointNetworkPolicies"], "network policies on, so the NSG applies")
			nsg := res.Named(t, azuretype.NSG, "nsg-hubspoke-"+stack+"-pe")
			assert.Equal(t, map[string]any{"id": nsg.ID}, peSubnet["networkSecurityGroup"])

			registry := res.One(t, azuretype.Registry)
			assert.Equal(t, "Premium", mocktest.Str(registry.Inputs, "sku", "name"))
			assert.Equal(t, false, mocktest.At(registry.Inputs, "adminUserEnabled").BoolValue())
			assert.Equal(t, "Disabled", mocktest.Str(registry.Inputs, "publicNetworkAccess"))
			wantRedundancy := map[string]string{"dev": "Disabled", "prod": "Enabled"}[stack]
			assert.Equal(t, wantRedundancy, mocktest.Str(registry.Inputs, "zoneRedundancy"), "zone redundant where the stack has zones")
			vault := res.One(t, azuretype.Vault)
			assert.Equal(t, "Disabled", mocktest.Str(vault.Inputs, "properties", "publicNetworkAccess"))
			assert.Equal(t, true, mocktest.At(vault.Inputs, "properties", "enableRbacAuthorization").BoolValue())
			assert.Equal(t, true, mocktest.At(vault.Inputs, "properties", "enableSoftDelete").BoolValue())
			assert.Equal(t, azuremock.TenantID, mocktest.Str(vault.Inputs, "properties", "tenantId"))
			purge := mocktest.At(vault.Inputs, "properties", "enablePurgeProtection")
			assert.Equal(t, stack == "prod", purge.IsBool() && purge.BoolValue(), "purge protection in prod")

			services := map[string]*mocktest.Registered{"registry": registry, "vault": vault}
			zones := map[string]string{"registry": "privatelink.azurecr.io", "vault": "privatelink.vaultcore.azure.net"}
			for group, service := range services {
				var endpoint *mocktest.Registered
				for _, pe := range res.OfType(azuretype.PrivateEndpoint) {
					if mocktest.Str(pe.Inputs, "privateLinkServiceConnections", 0, "privateLinkServiceId") == service.ID {
						endpoint = pe
					}
				}
				require.NotNil(t, endpoint, "%s has a private endpoint", group)
				assert.Equal(t, spokeVNet.ID+"/subnets/snet-private-endpoints", mocktest.Str(endpoint.Inputs, "subnet", "id"))
				assert.Equal(t, []string{group}, mocktest.Strs(endpoint.Inputs, "privateLinkServiceConnections", 0, "groupIds"))

				zone := res.Named(t, azuretype.PrivateZone, zones[group])
				assert.Equal(t, "global", mocktest.Str(zone.Inputs, "location"))
				assert.Equal(t, "rg-hubspoke-"+stack+"-hub", mocktest.Str(zone.Inputs, "resourceGroupName"))
				var zoneGroup *mocktest.Registered
				for _, g := range res.OfType(azuretype.PrivateDNSZoneGroup) {
					if mocktest.Str(g.Inputs, "privateEndpointName") == mocktest.Str(endpoint.State, "name") {
						zoneGroup = g
					}
				}
				require.NotNil(t, zoneGroup, "%s's endpoint has a zone group", group)
				assert.Equal(t, zone.ID, mocktest.Str(zoneGroup.Inputs, "privateDnsZoneConfigs", 0, "privateDnsZoneId"), "the zone group fills its zone")
				var linked []string
				for _, link := range res.OfType(azuretype.VNetLink) {
					if mocktest.Str(link.Inputs, "privateZoneName") == zones[group] {
						linked = append(linked, mocktest.Str(link.Inputs, "virtualNetwork", "id"))
					}
				}
				assert.ElementsMatch(t, []string{hubVNet.ID, spokeVNet.ID}, linked, "%s's zone is linked to hub and spoke", group)
			}
		})
	}
}

func TestRegistryAndVaultGrantTheIdentitiesAKSUses(t *testing.T) {
	res := mocktest.RunStack(t, "dev")
	cluster := res.One(t, azuretype.ManagedCluster)
	controlPlane := mocktest.Str(res.Named(t, azuretype.Identity, "id-hubspoke-dev-aks").State, "principalId")
	kubelet := mocktest.Str(cluster.State, "identityProfile", "kubeletidentity", "objectId")
	secretsProvider := mocktest.Str(cluster.State, "addonProfiles", "azureKeyvaultSecretsProvider", "identity", "objectId")
	require.NotEmpty(t, kubelet)
	require.NotEqual(t, controlPlane, kubelet, "the mock gives the kubelet its own identity")

	grants := map[string]*mocktest.Registered{}
	for _, ra := range res.OfType(azuretype.RoleAssignment) {
		grants[ra.Name] = ra
	}
	acrPull := grants["registry-acr-pull"]
	require.NotNil(t, acrPull)
	assert.Equal(t, kubelet, mocktest.Str(acrPull.Inputs, "principalId"), "AcrPull goes to the kubelet identity, not the control plane's")
	assert.Equal(t, res.One(t, azuretype.Registry).ID, mocktest.Str(acrPull.Inputs, "scope"))
	assert.True(t, strings.HasSuffix(mocktest.Str(acrPull.Inputs, "roleDefinitionId"), "/7f951dda-4ed3-4680-a7ca-43fe172d538d"))

	reader := grants["vault-secrets-provider-reader"]
	require.NotNil(t, reader)
	assert.Equal(t, secretsProvider, mocktest.Str(reader.Inputs, "principalId"))
	assert.NotEqual(t, kubelet, secretsProvider)
	assert.True(t, strings.HasSuffix(mocktest.Str(reader.Inputs, "roleDefinitionId"), "/4633458b-17de-408a-b874-0445c86b69e6"))
	assert.Equal(t, "2m", mocktest.Str(cluster.Inputs, "addonProfiles", "azureKeyvaultSecretsProvider", "config", "rotationPollInterval"))
	assert.Equal(t, "true", mocktest.Str(cluster.Inputs, "addonProfiles", "azureKeyvaultSecretsProvider", "config", "enableSecretRotation"))

	officer := grants["vault-secrets-officer-deployer"]
	require.NotNil(t, officer, "with Azure RBAC someone must be able to write secrets")
	assert.Equal(t, azuremock.DeployerObjectID, mocktest.Str(officer.Inputs, "principalId"))
	assert.True(t, strings.HasSuffix(mocktest.Str(officer.Inputs, "roleDefinitionId"), "/b86a8fe4-44ce-4948-aee5-eccb2c155cd7"))
	prod := mocktest.RunStack(t, "prod")
	var groupOfficer *mocktest.Registered
	for _, ra := range prod.OfType(azuretype.RoleAssignment) {
		if ra.Name == "vault-secrets-officer-group-1" {
			groupOfficer = ra
		}
	}
	require.NotNil(t, groupOfficer, "prod's admin group manages the secrets")
	assert.Equal(t, "Group", mocktest.Str(groupOfficer.Inputs, "principalType"))

	// The registry, the vault and their endpoints run beside the firewall, off the critical path:
	// only the grants wait for the identities AKS creates.
	for _, typ := range []string{azuretype.Registry, azuretype.Vault, azuretype.PrivateEndpoint, azuretype.PrivateDNSZoneGroup} {
		for _, r := range res.OfType(typ) {
			assert.False(t, dependsOnTransitively(res, r, cluster), "%s waits for the cluster", r.URN)
		}
	}
	assert.True(t, dependsOnTransitively(res, acrPull, cluster), "the AcrPull grant needs the kubelet identity")
}

// dependsOnTransitively tells whether r waits, directly or through others, for on.
func dependsOnTransitively(res *mocktest.Result, r, on *mocktest.Registered) bool {
	seen := map[string]bool{}
	pending := slices.Clone(r.Dependencies)
	for len(pending) > 0 {
		urn := pending[0]
		pending = pending[1:]
		if urn == on.URN {
			return true
		}
		if dep := res.ByURN(urn); dep != nil && !seen[urn] {
			seen[urn] = true
			pending = append(pending, dep.Dependencies...)
		}
	}
	return false
}

func TestWorkloadIdentityIsFederatedWithTheClustersIssuer(t *testing.T) {
	res, err := mocktest.Run(t, "dev", mocktest.WithConfig(t, mocktest.Set("keyVault", "workloadIdentity",
		map[string]any{"namespace": "payments", "serviceAccount": "api"})))
	require.NoError(t, err)
	cluster := res.One(t, azuretype.ManagedCluster)
	identity := res.Named(t, azuretype.Identity, "id-hubspoke-dev-workload")
	credential := res.One(t, azuretype.FederatedCredential)
	assert.Equal(t, mocktest.Str(cluster.State, "oidcIssuerProfile", "issuerURL"), mocktest.Str(credential.Inputs, "issuer"))
	assert.Equal(t, "system:serviceaccount:payments:api", mocktest.Str(credential.Inputs, "subject"))
	assert.Equal(t, "id-hubspoke-dev-workload", mocktest.Str(credential.Inputs, "resourceName"))
	var reader *mocktest.Registered
	for _, ra := range res.OfType(azuretype.RoleAssignment) {
		if ra.Name == "vault-workload-reader" {
			reader = ra
		}
	}
	require.NotNil(t, reader)
	assert.Equal(t, mocktest.Str(identity.State, "principalId"), mocktest.Str(reader.Inputs, "principalId"))
	assert.Equal(t, mocktest.Str(identity.State, "clientId"), res.Outputs["workloadIdentityClientId"])
}

func TestGloballyUniqueNamesAreStableAndWithinAzuresLimits(t *testing.T) {
	first, second := mocktest.RunStack(t, "dev"), mocktest.RunStack(t, "dev")
	registry := mocktest.Str(first.One(t, azuretype.Registry).State, "name")
	vault := mocktest.Str(first.One(t, azuretype.Vault).State, "name")
	assert.Equal(t, registry, mocktest.Str(second.One(t, azuretype.Registry).State, "name"), "the same stack, the same name")
	assert.Equal(t, vault, mocktest.Str(second.One(t, azuretype.Vault).State, "name"))
	assert.Regexp(t, regexp.MustCompile(`^crhubspokedev[0-9a-f]{6}$`), registry)
	assert.Regexp(t, regexp.MustCompile(`^kv-hubspoke-dev-[0-9a-f]{6}$`), vault)
	assert.LessOrEqual(t, len(vault), 24)
	prod := mocktest.Str(mocktest.RunStack(t, "prod").One(t, azuretype.Registry).State, "name")
	assert.NotEqual(t, registry[len(registry)-6:], prod[len(prod)-6:], "another resource group, another suffix")
	assert.Equal(t, "https://"+vault+".vault.azure.net/", first.Outputs["keyVaultUri"])

	// A soft-deleted vault keeps its name: a new generation gets a new one.
	next, err := mocktest.Run(t, "dev", mocktest.WithConfig(t, mocktest.Set("keyVault", "generation", 1)))
	require.NoError(t, err)
	renamed := mocktest.Str(next.One(t, azuretype.Vault).State, "name")
	assert.NotEqual(t, vault, renamed)
	assert.Regexp(t, regexp.MustCompile(`^kv-hubspoke-dev-[0-9a-f]{6}$`), renamed)
}
