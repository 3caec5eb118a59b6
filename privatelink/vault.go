package privatelink

import (
	"fmt"

	authorization "github.com/pulumi/pulumi-azure-native-sdk/authorization/v2"
	keyvault "github.com/pulumi/pulumi-azure-native-sdk/keyvault/v2"
	managedidentity "github.com/pulumi/pulumi-azure-native-sdk/managedidentity/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hubspoke/private-aks/dns"
	"github.com/hubspoke/private-aks/internal/azureid"
	"github.com/hubspoke/private-aks/internal/diagnostics"
	"github.com/hubspoke/private-aks/internal/platform"
	"github.com/hubspoke/private-aks/internal/rbac"
)

// VaultArgs configures the vault. Every field is required unless its comment says otherwise.
type VaultArgs struct {
	Location          string
	ResourceGroupName pulumi.StringInput
	// NamePrefix begins the globally unique name (3-24 letters, digits and hyphens).
	NamePrefix      string
	PurgeProtection bool // cannot be turned off once on
	RetentionDays   int  // soft-delete retention, 7-90
	Endpoint        EndpointArgs
	// SecretsProviderObjectID is the AKS Key Vault Secrets Provider add-on's identity: it reads
	// the secrets pods mount (Key Vault Secrets User).
	SecretsProviderObjectID pulumi.StringInput
	// WorkloadIdentity is optional: a user-assigned identity for one Kubernetes service account.
	WorkloadIdentity *WorkloadIdentityArgs
	// AdminGroupObjectIDs are optional: groups that manage the vault's secrets; without any, the
	// identity that deploys does. With Azure RBAC, Owner and Contributor carry no data actions.
	AdminGroupObjectIDs []string
	// Generation is optional: part of the name's hash, raised to get a new name after a destroy
	// (a soft-deleted vault keeps its name until purged).
	Generation int
	// WorkspaceID receives the vault's audit events.
	WorkspaceID pulumi.StringInput
	Tags        map[string]string
}

// WorkloadIdentityArgs federate a user-assigned identity with the cluster's OIDC issuer for one
// service account. All fields are required.
type WorkloadIdentityArgs struct {
	IdentityName              string
	Issuer                    pulumi.StringInput // the cluster's OIDC issuer URL
	Namespace, ServiceAccount string
}

// Vault is the private Key Vault component.
type Vault struct {
	pulumi.ResourceState

	Name pulumi.StringOutput
	URI  pulumi.StringOutput
	// WorkloadClientID is the workload identity's client ID (empty without one): the service
	// account's azure.workload.identity/client-id annotation.
	WorkloadClientID pulumi.StringOutput
}

// NewVault registers the vault, its private endpoint and zone, and the secret readers' grants.
func NewVault(ctx *pulumi.Context, name string, args VaultArgs, opts ...pulumi.ResourceOption) (*Vault, error) {
	v := &Vault{WorkloadClientID: pulumi.String("").ToStringOutput()}
	if err := ctx.RegisterComponentResource("hubspoke:privatelink:Vault", name, v, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(v)
	tags := pulumi.ToStringMap(args.Tags)
	properties := keyvault.VaultPropertiesArgs{
		TenantId: authorization.GetClientConfigOutput(ctx, parent).TenantId(),
		Sku:      keyvault.SkuArgs{Family: pulumi.String(keyvault.SkuFamilyA), Name: keyvault.SkuNameStandard},
		// Azure RBAC, not access policies: grants are role assignments, reviewed like the rest.
		EnableRbacAuthorization:   pulumi.Bool(true),
		EnableSoftDelete:          pulumi.Bool(true),
		SoftDeleteRetentionInDays: pulumi.Int(args.RetentionDays),
		PublicNetworkAccess:       pulumi.String("Disabled"), // as Azure reports it back

		NetworkAcls: keyvault.NetworkRuleSetArgs{
			DefaultAction: pulumi.String(keyvault.NetworkRuleActionDeny),
			Bypass:        pulumi.String(keyvault.NetworkRuleBypassOptionsNone),
		},
	}
	if args.PurgeProtection {
		// The API takes only true: purge protection is irreversible (keyvault VaultProperties).
		properties.EnablePurgeProtection = pulumi.Bool(true)
	}
	vault, err := keyvault.NewVault(ctx, name, &keyvault.VaultArgs{
		ResourceGroupName: args.ResourceGroupName,
		VaultName:         platform.UniqueName(ctx, args.NamePrefix, generation(args.ResourceGroupName, args.Generation), parent),
		Location:          pulumi.String(args.Location),
		Properties:        properties,
		Tags:              tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	vaultID := vault.ID().ToStringOutput()
	if _, err := endpoint(ctx, name, args.Location, dns.VaultZone, "vault", vaultID, args.Endpoint, tags, parent); err != nil {
		return nil, err
	}
	// Every access to keys and secrets, allowed or refused (Microsoft Learn, "Azure Key Vault
	// logging": AuditEvent, checked 2026-12-06).
	if _, err := diagnostics.New(ctx, name+"-diagnostics", vaultID, args.WorkspaceID, diagnostics.Logs{Categories: []string{"AuditEvent"}}, parent); err != nil {
		return nil, err
	}
	// Whoever manages the secrets: the admin groups, or the deployer (Key Vault Secrets Officer).
	if len(args.AdminGroupObjectIDs) == 0 {
		deployer := authorization.GetClientConfigOutput(ctx, parent).ObjectId()
		if _, err := rbac.Assign(ctx, name+"-secrets-officer-deployer", rbac.Args{Role: azureid.KeyVaultSecretsOfficerRole, Scope: vaultID, Principal: deployer,
			Key: pulumi.String(rbac.DeployerKey)}, parent); err != nil {
			return nil, err
		}
	}
	for i, group := range args.AdminGroupObjectIDs {
		if _, err := rbac.Assign(ctx, fmt.Sprintf("%s-secrets-officer-group-%d", name, i+1), rbac.Args{
			Role: azureid.KeyVaultSecretsOfficerRole, Scope: vaultID, Principal: pulumi.String(group), PrincipalType: "Group",
		}, parent); err != nil {
			return nil, err
		}
	}
	if err := grant(ctx, name+"-secrets-provider-reader", azureid.KeyVaultSecretsUserRole, vaultID, args.SecretsProviderObjectID, parent); err != nil {
		return nil, err
	}
	if w := args.WorkloadIdentity; w != nil {
		identity, err := managedidentity.NewUserAssignedIdentity(ctx, name+"-workload-identity", &managedidentity.UserAssignedIdentityArgs{
			ResourceGroupName: args.ResourceGroupName,
			ResourceName:      pulumi.String(w.IdentityName),
			Location:          pulumi.String(args.Location),
			Tags:              tags,
		}, parent)
		if err != nil {
			return nil, err
		}
		if _, err := managedidentity.NewFederatedIdentityCredential(ctx, name+"-workload-federation", &managedidentity.FederatedIdentityCredentialArgs{
			ResourceGroupName:                       args.ResourceGroupName,
			ResourceName:                            identity.Name,
			FederatedIdentityCredentialResourceName: pulumi.String(w.Namespace + "-" + w.ServiceAccount),
			Issuer:                                  w.Issuer,
			Subject:                                 pulumi.String("system:serviceaccount:" + w.Namespace + ":" + w.ServiceAccount),
			Audiences:                               pulumi.StringArray{pulumi.String("api://AzureADTokenExchange")},
		}, parent); err != nil {
			return nil, err
		}
		if err := grant(ctx, name+"-workload-reader", azureid.KeyVaultSecretsUserRole, vaultID, identity.PrincipalId, parent); err != nil {
			return nil, err
		}
		v.WorkloadClientID = identity.ClientId
	}
	v.Name = vault.Name
	v.URI = vault.Properties.VaultUri()
	return v, ctx.RegisterResourceOutputs(v, pulumi.Map{"name": v.Name, "uri": v.URI})
}

// generation adds a generation to the resource group's name in the name's hash (none for 0).
func generation(resourceGroup pulumi.StringInput, n int) pulumi.StringInput {
	if n == 0 {
		return resourceGroup
	}
	return pulumi.Sprintf("%s/generation-%d", resourceGroup, n)
}
