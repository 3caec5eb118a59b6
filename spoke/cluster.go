package spoke

import (
	"fmt"
	"strings"

	authorization "github.com/pulumi/pulumi-azure-native-sdk/authorization/v2"
	// 2024-10-01 rather than the module's default 2023-04-01: it has the Cilium dataplane and the
	// node OS upgrade channel, and picking it now avoids replacing the cluster to move later.
	containerservice "github.com/pulumi/pulumi-azure-native-sdk/containerservice/v2/v20241001"
	managedidentity "github.com/pulumi/pulumi-azure-native-sdk/managedidentity/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hubspoke/private-aks/internal/azureid"
	"github.com/hubspoke/private-aks/internal/diagnostics"
	"github.com/hubspoke/private-aks/internal/rbac"
)

// ClusterArgs configures the private cluster. Every field is required unless its comment says otherwise.
type ClusterArgs struct {
	Location          string
	ResourceGroupName pulumi.StringInput
	ClusterName       string
	IdentityName      string
	KubernetesVersion string
	NodeSize          string
	NodeCount         int // the system pool's initial and least size
	NodeMaxCount      int // the system pool's autoscaler bound
	MaxPods           int
	UserPool          UserPoolArgs
	// UpgradeChannel and NodeOSUpgradeChannel are the cluster's and the node images' auto-upgrades.
	UpgradeChannel       string
	NodeOSUpgradeChannel string
	Tier                 string // the control plane's pricing tier
	// MaxSurge and DrainTimeoutMinutes are both pools' upgrade settings.
	MaxSurge            int
	DrainTimeoutMinutes int
	// OSDiskType and OSDiskSizeGB are both pools' OS disk (Ephemeral or Managed).
	OSDiskType   string
	OSDiskSizeGB int
	// MaintenanceWindows are optional: when AKS may run the automatic upgrades (any time without).
	MaintenanceWindows []MaintenanceWindow
	Defender           bool               // optional: Microsoft Defender for Containers
	SecretsProvider    bool               // optional: the Key Vault Secrets Provider add-on, rotating secrets
	WorkspaceID        pulumi.StringInput // Container Insights, Defender and control-plane logs
	Zones              []string           // optional: availability zones of the system pool
	// PodCIDR is optional: Azure CNI Overlay's pod range; empty gives pods VNet IPs from the node
	// subnet (node-subnet CNI) and sends no pod range.
	PodCIDR             string
	ServiceCIDR         string
	DNSServiceIP        string
	AdminGroupObjectIDs []string // optional: Entra ID groups made cluster admins
	VNetID              pulumi.StringInput
	SubnetID            pulumi.StringInput
	RouteTableID        pulumi.StringInput
	// PrivateDNSZoneID is optional: a zone created beforehand ("custom" mode). Without it AKS
	// creates and owns the zone ("system" mode).
	PrivateDNSZoneID pulumi.StringInput
	// DefaultRoute, FirewallRuleGroups and Peerings are what node egress needs while the cluster
	// is created; the cluster waits for each.
	DefaultRoute       pulumi.Resource
	FirewallRuleGroups []pulumi.Resource
	Peerings           []pulumi.Resource
	// DNSReady is optional: with custom DNS servers, what exists once they answer.
	DNSReady []pulumi.Resource
	Protect  bool // optional: protect the cluster from deletion
	Tags     map[string]string
}

// MaintenanceWindow is a weekly or daily window of one automatic upgrade.
type MaintenanceWindow struct {
	// Config is aksManagedAutoUpgradeSchedule or aksManagedNodeOSUpgradeSchedule: AKS takes only
	// these names (and the legacy default).
	Config string
	// DayOfWeek and IntervalWeeks make a weekly window; IntervalDays a daily one.
	DayOfWeek     string
	IntervalWeeks int
	IntervalDays  int
	StartTime     string // HH:mm in UTCOffset
	UTCOffset     string
	DurationHours int
}

// Names AKS gives the maintenance configurations of the two automatic upgrades.
const (
	AutoUpgradeSchedule = "aksManagedAutoUpgradeSchedule"
	NodeOSSchedule      = "aksManagedNodeOSUpgradeSchedule"
)

// UserPoolArgs configures the workload pool, apart from the tainted system pool.
type UserPoolArgs struct {
	NodeSize           string
	MinCount, MaxCount int
}

// Control-plane log categories sent to the workspace: the API server, the admin audit trail
// (every write, without the read noise of kube-audit), Entra ID authentication (guard), and the
// controllers and autoscaler.
var controlPlaneLogs = []string{"kube-apiserver", "kube-audit-admin", "guard", "kube-controller-manager", "kube-scheduler", "cluster-autoscaler"}

// Cluster is the private AKS cluster component.
type Cluster struct {
	pulumi.ResourceState

	Name              pulumi.StringOutput
	PrivateFQDN       pulumi.StringOutput
	NodeResourceGroup pulumi.StringOutput
	// KubernetesVersion is the version the cluster runs, with its patch, as AKS reports it.
	KubernetesVersion pulumi.StringOutput
	// RoleAssignments are the grants the control-plane identity holds before the cluster exists.
	RoleAssignments []pulumi.Resource
	// Admins says who holds Azure Kubernetes Service RBAC Cluster Admin on the cluster.
	Admins pulumi.StringOutput
	// KubeletObjectID is the identity the nodes pull images with (AKS creates it).
	KubeletObjectID pulumi.StringOutput
	// SecretsProviderObjectID is the Key Vault Secrets Provider add-on's identity (empty without it).
	SecretsProviderObjectID pulumi.StringOutput
	// OIDCIssuerURL is the issuer workload identities are federated with.
	OIDCIssuerURL pulumi.StringOutput
}

// NewCluster registers the control-plane identity, its role assignments and the private cluster.
func NewCluster(ctx *pulumi.Context, name string, args ClusterArgs, opts ...pulumi.ResourceOption) (*Cluster, error) {
	c := &Cluster{}
	if err := ctx.RegisterComponentResource("hubspoke:spoke:Cluster", name, c, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(c)
	tags := pulumi.ToStringMap(args.Tags)

	// A user-assigned identity exists before the cluster, so its grants can be in place when AKS
	// first uses them; a system-assigned one would only exist with the cluster.
	identity, err := managedidentity.NewUserAssignedIdentity(ctx, name+"-identity", &managedidentity.UserAssignedIdentityArgs{
		ResourceGroupName: args.ResourceGroupName,
		ResourceName:      pulumi.String(args.IdentityName),
		Location:          pulumi.String(args.Location),
		Tags:              tags,
	}, parent)
	if err != nil {
		return nil, err
	}
	clientConfig := authorization.GetClientConfigOutput(ctx, parent)
	grant := func(suffix, role string, scope, principal, key pulumi.StringInput, principalType string) (*authorization.RoleAssignment, error) {
		return rbac.Assign(ctx, name+suffix, rbac.Args{Role: role, Scope: scope, Principal: principal, Key: key, PrincipalType: principalType}, parent)
	}
	grantIdentity := func(suffix, role string, scope pulumi.StringInput) error {
		// ServicePrincipal skips the directory lookup that fails while a new identity replicates.
		ra, err := grant(suffix, role, scope, identity.PrincipalId, pulumi.String(args.IdentityName), "ServicePrincipal")
		c.RoleAssignments = append(c.RoleAssignments, ra)
		return err
	}
	// AKS joins the node subnet and, with a custom zone, links the zone to the VNet itself.
	if err := grantIdentity("-network-contributor-vnet", azureid.NetworkContributorRole, args.VNetID); err != nil {
		return nil, err
	}
	// With userDefinedRouting AKS reads the subnet's route table.
	if err := grantIdentity("-network-contributor-rt", azureid.NetworkContributorRole, args.RouteTableID); err != nil {
		return nil, err
	}
	privateDNSZone := pulumi.String("system").ToStringOutput()
	if args.PrivateDNSZoneID != nil {
		privateDNSZone = args.PrivateDNSZoneID.ToStringOutput()
		// AKS writes the API server's A record into a zone it does not own.
		if err := grantIdentity("-dns-zone-contributor", azureid.PrivateDNSZoneContributorRole, args.PrivateDNSZoneID); err != nil {
			return nil, err
		}
	}

	profile, profileOpts := networkProfile(args)
	clusterOpts := append([]pulumi.ResourceOption{parent, pulumi.Protect(args.Protect),
		// The cluster autoscaler moves the system pool's node count; the program sets its bounds.
		pulumi.IgnoreChanges([]string{"agentPoolProfiles[0].count"})}, profileOpts...)

	cluster, err := containerservice.NewManagedCluster(ctx, name, &containerservice.ManagedClusterArgs{
		ResourceGroupName: args.ResourceGroupName,
		ResourceName:      pulumi.String(args.ClusterName),
		Location:          pulumi.String(args.Location),
		DnsPrefix:         pulumi.String(args.ClusterName),
		KubernetesVersion: pulumi.String(args.KubernetesVersion),
		Identity: containerservice.ManagedClusterIdentityArgs{
			Type:                   containerservice.ResourceIdentityTypeUserAssigned,
			UserAssignedIdentities: pulumi.StringArray{identity.ID().ToStringOutput()},
		},
		ApiServerAccessProfile: containerservice.ManagedClusterAPIServerAccessProfileArgs{
			EnablePrivateCluster:           pulumi.Bool(true),
			EnablePrivateClusterPublicFQDN: pulumi.Bool(false),
			PrivateDNSZone:                 privateDNSZone,
		},
		EnableRBAC: pulumi.Bool(true),
		AadProfile: containerservice.ManagedClusterAADProfileArgs{
			Managed:             pulumi.Bool(true),
			EnableAzureRBAC:     pulumi.Bool(true),
			AdminGroupObjectIDs: pulumi.ToStringArray(args.AdminGroupObjectIDs),
		},
		// Entra ID is the only way in: no static admin kubeconfig.
		DisableLocalAccounts: pulumi.Bool(true),
		AddonProfiles:        addonProfiles(args),
		// Workload identity federates pods' service accounts with Entra ID: no secrets in pods.
		OidcIssuerProfile: containerservice.ManagedClusterOIDCIssuerProfileArgs{Enabled: pulumi.Bool(true)},
		SecurityProfile:   securityProfile(args),
		AutoUpgradeProfile: containerservice.ManagedClusterAutoUpgradeProfileArgs{
			UpgradeChannel:       pulumi.String(args.UpgradeChannel),
			NodeOSUpgradeChannel: pulumi.String(args.NodeOSUpgradeChannel),
		},
		NetworkProfile:    profile,
		Sku:               containerservice.ManagedClusterSKUArgs{Name: pulumi.String("Base"), Tier: pulumi.String(args.Tier)},
		AgentPoolProfiles: containerservice.ManagedClusterAgentPoolProfileArray{systemPool(args)},
		Tags:              tags,
	}, append(clusterOpts,
		// AKS validates the subnet's 0.0.0.0/0 route to the firewall when the cluster is created.
		pulumi.DependsOn([]pulumi.Resource{args.DefaultRoute}),
		// Nodes bootstrap through the firewall: the allow rules must exist or provisioning times out.
		pulumi.DependsOn(args.FirewallRuleGroups),
		// The firewall's private IP is in the hub: node egress crosses the peering.
		pulumi.DependsOn(args.Peerings),
		// The identity's grants must exist before AKS joins the subnet and reads the route table.
		pulumi.DependsOn(c.RoleAssignments),
		// Nodes resolve the API server through the VNet's DNS servers while they bootstrap.
		pulumi.DependsOn(args.DNSReady),
	)...)
	if err != nil {
		return nil, err
	}

	// A pool of its own resource: the cluster's inline pools cannot be changed in place.
	// The cluster autoscaler moves the user pool's node count; the program sets its bounds.
	pool, err := containerservice.NewAgentPool(ctx, name+"-user-pool", userPool(args, cluster.Name, tags), parent,
		pulumi.IgnoreChanges([]string{"count"}))
	if err != nil {
		return nil, err
	}
	// AKS runs one operation on a cluster at a time: each window follows the pool and the other.
	previous := pulumi.Resource(pool)
	for _, w := range args.MaintenanceWindows {
		if previous, err = containerservice.NewMaintenanceConfiguration(ctx, name+"-"+w.Config, maintenanceConfiguration(args, cluster.Name, w),
			parent, pulumi.DependsOn([]pulumi.Resource{previous})); err != nil {
			return nil, err
		}
	}
	if _, err := diagnostics.New(ctx, name+"-diagnostics", cluster.ID().ToStringOutput(), args.WorkspaceID,
		diagnostics.Logs{Categories: controlPlaneLogs}, parent); err != nil {
		return nil, err
	}

	// Azure RBAC with local accounts off: Owner and Contributor carry no Kubernetes data actions,
	// so without this grant every kubectl call is Forbidden (AKS docs, "Use Azure RBAC for
	// Kubernetes authorization", checked 2026-11-26). The configured groups, or else whoever
	// deploys, so that someone can always reach the cluster.
	clusterID := cluster.ID().ToStringOutput()
	if len(args.AdminGroupObjectIDs) == 0 {
		deployer := clientConfig.ObjectId()
		// Left to Azure: the deployer is a user at a workstation or a service principal. Named
		// by rbac.DeployerKey, not by the caller, so that a preview by another identity does
		// not show the assignment renamed.
		if _, err := grant("-rbac-cluster-admin-deployer", azureid.AKSRBACClusterAdminRole, clusterID, deployer, pulumi.String(rbac.DeployerKey), ""); err != nil {
			return nil, err
		}
		c.Admins = pulumi.Sprintf("the deploying identity %s (aks.adminGroupObjectIds is empty)", deployer)
	} else {
		for i, group := range args.AdminGroupObjectIDs {
			if _, err := grant(fmt.Sprintf("-rbac-cluster-admin-group-%d", i+1), azureid.AKSRBACClusterAdminRole, clusterID,
				pulumi.String(group), pulumi.String(group), "Group"); err != nil {
				return nil, err
			}
		}
		c.Admins = pulumi.Sprintf("Entra ID groups %s", strings.Join(args.AdminGroupObjectIDs, ", "))
	}
	if err := containerInsights(ctx, name, args, clusterID, parent); err != nil {
		return nil, err
	}

	c.KubeletObjectID = cluster.IdentityProfile.MapIndex(pulumi.String("kubeletidentity")).ObjectId().Elem()
	c.SecretsProviderObjectID = cluster.AddonProfiles.MapIndex(pulumi.String(secretsProviderAddon)).Identity().ObjectId().Elem()
	c.OIDCIssuerURL = cluster.OidcIssuerProfile.IssuerURL().Elem()
	c.Name = cluster.Name
	c.PrivateFQDN = cluster.PrivateFQDN
	c.NodeResourceGroup = cluster.NodeResourceGroup.Elem()
	c.KubernetesVersion = cluster.CurrentKubernetesVersion
	return c, ctx.RegisterResourceOutputs(c, pulumi.Map{
		"name":              c.Name,
		"privateFqdn":       c.PrivateFQDN,
		"nodeResourceGroup": c.NodeResourceGroup,
		"kubernetesVersion": c.KubernetesVersion,
		"admins":            c.Admins,
	})
}

// secretsProviderAddon is the AKS add-on that mounts Key Vault secrets into pods.
const secretsProviderAddon = "azureKeyvaultSecretsProvider"

// addonProfiles turns on Azure Policy, Container Insights with Entra ID auth, and the Key Vault
// Secrets Provider when asked, rotating mounted secrets every 2 minutes (AKS docs, "Azure Key
// Vault provider for Secrets Store CSI Driver", configuration options).
func addonProfiles(args ClusterArgs) containerservice.ManagedClusterAddonProfileMap {
	addons := containerservice.ManagedClusterAddonProfileMap{
		"azurepolicy": containerservice.ManagedClusterAddonProfileArgs{Enabled: pulumi.Bool(true)},
		"omsagent": containerservice.ManagedClusterAddonProfileArgs{Enabled: pulumi.Bool(true), Config: pulumi.StringMap{
			"logAnalyticsWorkspaceResourceID": args.WorkspaceID,
			"useAADAuth":                      pulumi.String("true"),
		}},
	}
	if args.SecretsProvider {
		addons[secretsProviderAddon] = containerservice.ManagedClusterAddonProfileArgs{Enabled: pulumi.Bool(true), Config: pulumi.StringMap{
			"enableSecretRotation": pulumi.String("true"),
			"rotationPollInterval": pulumi.String("2m"),
		}}
	}
	return addons
}
