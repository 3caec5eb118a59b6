package privatelink

import (
	containerregistry "github.com/pulumi/pulumi-azure-native-sdk/containerregistry/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hubspoke/private-aks/dns"
	"github.com/hubspoke/private-aks/internal/azureid"
	"github.com/hubspoke/private-aks/internal/diagnostics"
	"github.com/hubspoke/private-aks/internal/platform"
	"github.com/hubspoke/private-aks/internal/rbac"
)

// RegistryArgs configures the registry. Every field is required unless its comment says otherwise.
type RegistryArgs struct {
	Location          string
	ResourceGroupName pulumi.StringInput
	// NamePrefix begins the globally unique name (5-50 letters and digits): platform.UniqueName adds a
	// suffix of azureid.UniqueSuffixLength characters.
	NamePrefix    string
	ZoneRedundant bool // optional: where the stack has availability zones
	Endpoint      EndpointArgs
	// KubeletObjectID is the cluster's kubelet identity: it pulls the images (AcrPull).
	KubeletObjectID pulumi.StringInput
	// WorkspaceID receives the registry's login and repository events.
	WorkspaceID pulumi.StringInput
	Tags        map[string]string
}

// Registry is the private container registry component.
type Registry struct {
	pulumi.ResourceState

	Name        pulumi.StringOutput
	LoginServer pulumi.StringOutput
}

// NewRegistry registers the registry, its private endpoint and zone, and AcrPull for the kubelet.
func NewRegistry(ctx *pulumi.Context, name string, args RegistryArgs, opts ...pulumi.ResourceOption) (*Registry, error) {
	r := &Registry{}
	if err := ctx.RegisterComponentResource("hubspoke:privatelink:Registry", name, r, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(r)
	tags := pulumi.ToStringMap(args.Tags)
	zoneRedundancy := containerregistry.ZoneRedundancyDisabled
	if args.ZoneRedundant {
		zoneRedundancy = containerregistry.ZoneRedundancyEnabled
	}
	registry, err := containerregistry.NewRegistry(ctx, name, &containerregistry.RegistryArgs{
		ResourceGroupName: args.ResourceGroupName,
		RegistryName:      platform.UniqueName(ctx, args.NamePrefix, args.ResourceGroupName, parent),
		Location:          pulumi.String(args.Location),
		// Private endpoints need Premium (Microsoft Learn, container registry Private Link).
		Sku: containerregistry.SkuArgs{Name: pulumi.String(containerregistry.SkuNamePremium)},
		// Entra ID only: no shared admin password. Anonymous pull is off by default; the
		// 2022-12-01 API of this SDK version has no field for it.
		AdminUserEnabled:    pulumi.Bool(false),
		PublicNetworkAccess: pulumi.String(containerregistry.PublicNetworkAccessDisabled),
		// Zone redundancy can only be chosen when the registry is created (Azure/acr#590).
		ZoneRedundancy: pulumi.String(zoneRedundancy),
		Tags:           tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	if _, err := endpoint(ctx, name, args.Location, dns.RegistryZone, "registry", registry.ID().ToStringOutput(), args.Endpoint, tags, parent); err != nil {
		return nil, err
	}
	if err := grant(ctx, name+"-acr-pull", azureid.AcrPullRole, registry.ID().ToStringOutput(), args.KubeletObjectID, parent); err != nil {
		return nil, err
	}
	// Who logged in, and what was pushed, pulled or deleted (Microsoft Learn, "Monitoring Azure
	// Container Registry data reference", checked 2026-12-06).
	if _, err := diagnostics.New(ctx, name+"-diagnostics", registry.ID().ToStringOutput(), args.WorkspaceID,
		diagnostics.Logs{Categories: []string{"ContainerRegistryLoginEvents", "ContainerRegistryRepositoryEvents"}}, parent); err != nil {
		return nil, err
	}
	r.Name = registry.Name
	r.LoginServer = registry.LoginServer
	return r, ctx.RegisterResourceOutputs(r, pulumi.Map{"name": r.Name, "loginServer": r.LoginServer})
}

// grant assigns a built-in role on scope to an identity AKS or this stack created.
func grant(ctx *pulumi.Context, name, role string, scope, principal pulumi.StringInput, parent pulumi.ResourceOrInvokeOption) error {
	_, err := rbac.Assign(ctx, name, rbac.Args{Role: role, Scope: scope, Principal: principal, PrincipalType: "ServicePrincipal"}, parent)
	return err
}
