// Package program is the bootstrap: what a subscription needs before the main stack's first
// deployment, as its own Pulumi project (bootstrap/). It builds the state backend (a storage
// account for `pulumi login azblob://` and a Key Vault key for `--secrets-provider
// azurekeyvault://`) and the CI identities: a read-only one for previews and one for deployments,
// federated with GitHub Actions and Azure DevOps, whose role-assignment permission allows only the
// roles the main program assigns (rbac.ProgramRoles). The resource providers are registered before
// it by cmd/register.
package program

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	authorization "github.com/pulumi/pulumi-azure-native-sdk/authorization/v2"
	keyvault "github.com/pulumi/pulumi-azure-native-sdk/keyvault/v2"
	managedidentity "github.com/pulumi/pulumi-azure-native-sdk/managedidentity/v2"
	storage "github.com/pulumi/pulumi-azure-native-sdk/storage/v2"
	azurenative "github.com/pulumi/pulumi-azure-native-sdk/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hubspoke/private-aks/internal/azureid"
	"github.com/hubspoke/private-aks/internal/platform"
	"github.com/hubspoke/private-aks/internal/rbac"
)

// Where the state goes, and what the CI identities' tokens are for.
const (
	stateContainer = "state"
	secretsKey     = "pulumi-secrets"
	// GitHub Actions' OIDC issuer and Entra ID's token-exchange audience (Microsoft Learn,
	// "Configure a user-assigned managed identity to trust an external identity provider").
	githubIssuer = "https://token.actions.githubusercontent.com"
	audience     = "api://AzureADTokenExchange"
	// softDeleteDays keeps deleted state blobs, versions and containers recoverable.
	softDeleteDays = 30
)

// Program builds the bootstrap from the validated configuration.
func Program(ctx *pulumi.Context) error {
	cfg, err := Load(ctx)
	if err != nil {
		return err
	}
	provider, err := azurenative.NewProvider(ctx, "azure", &azurenative.ProviderArgs{Location: pulumi.String(cfg.Location)})
	if err != nil {
		return err
	}
	state, err := NewState(ctx, "state", cfg, pulumi.Providers(provider))
	if err != nil {
		return err
	}
	ci, err := NewIdentities(ctx, "ci", cfg, state, pulumi.Providers(provider))
	if err != nil {
		return err
	}
	exportOutputs(ctx, cfg.stacks(), state, ci)
	return nil
}

// stacks are the main project's stacks whose state the bootstrap's backend holds: GitHub's
// deployment environments, which deploy.yml names after the stacks, else dev and prod.
func (c *Config) stacks() []string {
	if c.GitHub != nil {
		return c.GitHub.Environments
	}
	return []string{"dev", "prod"}
}

// tags are the bootstrap's tags on every taggable resource.
func (c *Config) tags() pulumi.StringMap {
	tags := pulumi.ToStringMap(c.Tags)
	for k, v := range ownTags {
		tags[k] = pulumi.String(v)
	}
	return tags
}

// ownTags are the tags the bootstrap sets itself, beside the configured ones.
var ownTags = map[string]string{"managedBy": "pulumi", "purpose": "pulumi-state-and-ci"}

// State is the state backend: the container the state lives in and the key its secrets are
// encrypted with.
type State struct {
	pulumi.ResourceState

	ResourceGroupName pulumi.StringOutput
	AccountName       pulumi.StringOutput
	ContainerID       pulumi.StringOutput
	VaultName         pulumi.StringOutput
	KeyID             pulumi.StringOutput
	KeyURI            pulumi.StringOutput
}

// NewState registers the storage account (Entra ID only: shared keys off), its blob versioning
// and soft delete, the state container, and the vault and key for the secrets provider.
func NewState(ctx *pulumi.Context, name string, cfg *Config, opts ...pulumi.ResourceOption) (*State, error) {
	s := &State{}
	if err := ctx.RegisterComponentResource("hubspoke:bootstrap:State", name, s, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(s)
	tags := cfg.tags()
	rg, err := platform.ResourceGroup(ctx, name+"-rg", fmt.Sprintf("rg-%s-bootstrap", cfg.NamePrefix), cfg.Location, tags, parent)
	if err != nil {
		return nil, err
	}
	account, err := storage.NewStorageAccount(ctx, name+"-account", &storage.StorageAccountArgs{
		ResourceGroupName: rg.Name,
		AccountName:       platform.UniqueName(ctx, "st"+cfg.NamePrefix, rg.Name, parent),
		Location:          pulumi.String(cfg.Location),
		Kind:              pulumi.String("StorageV2"),
		Sku:               storage.SkuArgs{Name: pulumi.String("Standard_ZRS")},
		// Entra ID only: the state is reached with az login or OIDC, never an account key
		// (Pulumi's azblob backend uses the Azure credential chain when no key is set).
		AllowSharedKeyAccess:         pulumi.Bool(false),
		DefaultToOAuthAuthentication: pulumi.Bool(true),
		AllowBlobPublicAccess:        pulumi.Bool(false),
		MinimumTlsVersion:            pulumi.String("TLS1_2"),
		EnableHttpsTrafficOnly:       pulumi.Bool(true),
		Tags:                         tags,
	}, parent, pulumi.Protect(true))
	if err != nil {
		return nil, err
	}
	retention := storage.DeleteRetentionPolicyArgs{Enabled: pulumi.Bool(true), Days: pulumi.Int(softDeleteDays)}
	if _, err := storage.NewBlobServiceProperties(ctx, name+"-blob-service", &storage.BlobServicePropertiesArgs{
		ResourceGroupName: rg.Name,
		AccountName:       account.Name,
		BlobServicesName:  pulumi.String("default"),
		// Every checkpoint the backend writes stays recoverable: versions, and soft delete of
		// blobs and containers.
		IsVersioningEnabled:            pulumi.Bool(true),
		DeleteRetentionPolicy:          retention,
		ContainerDeleteRetentionPolicy: retention,
	}, parent); err != nil {
		return nil, err
	}
	container, err := storage.NewBlobContainer(ctx, name+"-container", &storage.BlobContainerArgs{
		ResourceGroupName: rg.Name,
		AccountName:       account.Name,
		ContainerName:     pulumi.String(stateContainer),
		PublicAccess:      storage.PublicAccessNone,
	}, parent)
	if err != nil {
		return nil, err
	}
	vault, err := keyvault.NewVault(ctx, name+"-vault", &keyvault.VaultArgs{
		ResourceGroupName: rg.Name,
		VaultName:         platform.UniqueName(ctx, "kv-"+cfg.NamePrefix+"-", rg.Name, parent),
		Location:          pulumi.String(cfg.Location),
		Properties: keyvault.VaultPropertiesArgs{
			TenantId:                authorization.GetClientConfigOutput(ctx, parent).TenantId(),
			Sku:                     keyvault.SkuArgs{Family: pulumi.String("A"), Name: keyvault.SkuNameStandard},
			EnableRbacAuthorization: pulumi.Bool(true),
			EnableSoftDelete:        pulumi.Bool(true),
			// A lost state key is every stack's secrets lost: it can never be purged early.
			EnablePurgeProtection: pulumi.Bool(true),
		},
		Tags: tags,
	}, parent, pulumi.Protect(true))
	if err != nil {
		return nil, err
	}
	key, err := keyvault.NewKey(ctx, name+"-key", &keyvault.KeyArgs{
		ResourceGroupName: rg.Name,
		VaultName:         vault.Name,
		KeyName:           pulumi.String(secretsKey),
		// What Pulumi's azurekeyvault secrets provider asks of the key: encrypt and decrypt.
		Properties: keyvault.KeyPropertiesArgs{Kty: pulumi.String("RSA"), KeySize: pulumi.Int(3072), KeyOps: pulumi.ToStringArray([]string{"encrypt", "decrypt"})},
		Tags:       tags,
	}, parent, pulumi.Protect(true))
	if err != nil {
		return nil, err
	}
	s.ResourceGroupName, s.AccountName, s.ContainerID = rg.Name, account.Name, container.ID().ToStringOutput()
	s.VaultName, s.KeyID, s.KeyURI = vault.Name, key.ID().ToStringOutput(), key.KeyUri
	return s, ctx.RegisterResourceOutputs(s, pulumi.Map{"accountName": s.AccountName, "keyUri": s.KeyURI})
}

// Identities are the CI identities.
type Identities struct {
	pulumi.ResourceState

	PreviewClientID, DeployClientID pulumi.StringOutput
	// DeployCondition limits the deploy identity's role assignments to the program's roles.
	DeployCondition string
}

// identity is one CI identity: its name, its subscription-wide role, and who may get its tokens.
type identity struct {
	name        string
	role        string
	condition   bool
	federations []federation
}

type federation struct {
	name string
	Federation
}

// NewIdentities registers the preview and deploy identities, their federated credentials (one at a
// time per identity: Azure refuses concurrent writes,
// ConcurrentFederatedIdentityCredentialsWritesForSingleManagedIdentity) and their roles.
func NewIdentities(ctx *pulumi.Context, name string, cfg *Config, state *State, opts ...pulumi.ResourceOption) (*Identities, error) {
	ids := &Identities{DeployCondition: rbac.DelegationCondition(rbac.ProgramRoles)}
	if err := ctx.RegisterComponentResource("hubspoke:bootstrap:Identities", name, ids, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(ids)
	subscription := pulumi.Sprintf("/subscriptions/%s", authorization.GetClientConfigOutput(ctx, parent).SubscriptionId())
	preview := identity{name: "preview", role: azureid.ReaderRole}
	deploy := identity{name: "deploy", role: azureid.ContributorRole, condition: true}
	if g := cfg.GitHub; g != nil {
		preview.federations = append(preview.federations, federation{"github-pull-request", Federation{githubIssuer, "repo:" + g.Repository + ":pull_request"}})
		for _, env := range g.Environments {
			deploy.federations = append(deploy.federations, federation{"github-" + env, Federation{githubIssuer, "repo:" + g.Repository + ":environment:" + env}})
		}
	}
	if d := cfg.AzureDevOps; d != nil {
		preview.federations = append(preview.federations, federation{"azure-devops", d.Preview})
		deploy.federations = append(deploy.federations, federation{"azure-devops", d.Deploy})
	}
	clientIDs := map[string]pulumi.StringOutput{}
	for _, id := range []identity{preview, deploy} {
		mi, err := managedidentity.NewUserAssignedIdentity(ctx, name+"-"+id.name, &managedidentity.UserAssignedIdentityArgs{
			ResourceGroupName: state.ResourceGroupName,
			ResourceName:      pulumi.Sprintf("id-%s-ci-%s", cfg.NamePrefix, id.name),
			Location:          pulumi.String(cfg.Location),
			Tags:              cfg.tags(),
		}, parent)
		if err != nil {
			return nil, err
		}
		var previous []pulumi.Resource
		for _, f := range id.federations {
			cred, err := managedidentity.NewFederatedIdentityCredential(ctx, name+"-"+id.name+"-"+f.name, &managedidentity.FederatedIdentityCredentialArgs{
				ResourceGroupName:                       state.ResourceGroupName,
				ResourceName:                            mi.Name,
				FederatedIdentityCredentialResourceName: pulumi.String(f.name),
				Issuer:                                  pulumi.String(f.Issuer),
				Subject:                                 pulumi.String(f.Subject),
				Audiences:                               pulumi.ToStringArray([]string{audience}),
			}, parent, pulumi.DependsOn(previous)) // one write at a time per identity
			if err != nil {
				return nil, err
			}
			previous = []pulumi.Resource{cred}
		}
		grants := map[string]rbac.Args{
			"subscription": {Role: id.role, Scope: subscription},
			// Both read and write the state (a preview takes the stack's lock) and decrypt its secrets.
			"state":   {Role: azureid.StorageBlobDataContributorRole, Scope: state.ContainerID},
			"secrets": {Role: azureid.KeyVaultCryptoUserRole, Scope: state.KeyID},
		}
		if id.condition {
			grants["role-assignments"] = rbac.Args{Role: azureid.RBACAdministratorRole, Scope: subscription, Condition: ids.DeployCondition}
		}
		for _, key := range slices.Sorted(maps.Keys(grants)) {
			args := grants[key]
			args.Principal, args.PrincipalType = mi.PrincipalId, "ServicePrincipal"
			if _, err := rbac.Grant(ctx, name+"-"+id.name+"-"+key, args, parent); err != nil {
				return nil, err
			}
		}
		clientIDs[id.name] = mi.ClientId
	}
	// People who run Pulumi from a workstation: the same data-plane roles; users or groups, left
	// for Azure to look up.
	for i, operator := range cfg.Operators {
		for _, g := range []struct {
			key, role string
			scope     pulumi.StringOutput
		}{{"state", azureid.StorageBlobDataContributorRole, state.ContainerID}, {"secrets", azureid.KeyVaultCryptoUserRole, state.KeyID}} {
			if _, err := rbac.Grant(ctx, fmt.Sprintf("%s-operator-%d-%s", name, i+1, g.key), rbac.Args{Role: g.role, Scope: g.scope, Principal: pulumi.String(operator)}, parent); err != nil {
				return nil, err
			}
		}
	}
	ids.PreviewClientID, ids.DeployClientID = clientIDs["preview"], clientIDs["deploy"]
	return ids, ctx.RegisterResourceOutputs(ids, pulumi.Map{"previewClientId": ids.PreviewClientID, "deployClientId": ids.DeployClientID})
}

// exportOutputs are what to paste into GitHub and Azure DevOps, and the lines that put the main
// stack's state here.
func exportOutputs(ctx *pulumi.Context, stacks []string, state *State, ci *Identities) {
	client := authorization.GetClientConfigOutput(ctx)
	variables := pulumi.StringMap{
		"AZURE_TENANT_ID":         client.TenantId(),
		"AZURE_SUBSCRIPTION_ID":   client.SubscriptionId(),
		"AZURE_PREVIEW_CLIENT_ID": ci.PreviewClientID,
		"AZURE_DEPLOY_CLIENT_ID":  ci.DeployClientID,
		"PULUMI_BACKEND_URL":      pulumi.String("azblob://" + stateContainer),
		"AZURE_STORAGE_ACCOUNT":   state.AccountName,
	}
	ctx.Export("ciVariables", variables)
	ctx.Export("githubCommands", variables.ToStringMapOutput().ApplyT(func(v map[string]string) string {
		var lines []string
		for _, k := range slices.Sorted(maps.Keys(v)) {
			lines = append(lines, fmt.Sprintf("gh variable set %s --body %s", k, v[k]))
		}
		return strings.Join(lines, "\n")
	}).(pulumi.StringOutput))
	ctx.Export("pulumiLogin", pulumi.Sprintf("AZURE_STORAGE_ACCOUNT=%s pulumi login azblob://%s", state.AccountName, stateContainer))
	ctx.Export("stackInit", state.VaultName.ApplyT(func(vault string) string {
		var lines []string
		for _, stack := range stacks {
			lines = append(lines, fmt.Sprintf("pulumi stack init %s --secrets-provider 'azurekeyvault://%s.vault.azure.net/keys/%s'", stack, vault, secretsKey))
		}
		return strings.Join(lines, "\n")
	}).(pulumi.StringOutput))
	ctx.Export("deployCondition", pulumi.String(ci.DeployCondition))
	// Azure DevOps: two "Workload identity federation (manual)" service connections, one per
	// identity, each showing the issuer and subject to put in azureDevOps.
	ctx.Export("serviceConnections", pulumi.Sprintf("hubspoke-preview-wif: client ID %s; hubspoke-deploy-wif: client ID %s; tenant %s, subscription %s",
		ci.PreviewClientID, ci.DeployClientID, client.TenantId(), client.SubscriptionId()))
}
