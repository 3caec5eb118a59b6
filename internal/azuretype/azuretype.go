// Package azuretype is the one table of the Azure resource types the program creates: each type's
// token, the input that carries its Azure name, whether Azure lets it carry tags, and how long
// Azure takes to create one. The offline Azure, the deploy-time model and the tests all read it,
// so a new type is added here once.
package azuretype

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Type tokens, as the SDK registers them.
const (
	ResourceGroup          = "azure-native:resources:ResourceGroup"
	VNet                   = "azure-native:network:VirtualNetwork"
	RouteTable             = "azure-native:network:RouteTable"
	Route                  = "azure-native:network:Route"
	PublicIP               = "azure-native:network:PublicIPAddress"
	FirewallPolicy         = "azure-native:network:FirewallPolicy"
	RuleCollectionGroup    = "azure-native:network:FirewallPolicyRuleCollectionGroup"
	Firewall               = "azure-native:network:AzureFirewall"
	NIC                    = "azure-native:network:NetworkInterface"
	Peering                = "azure-native:network:VirtualNetworkPeering"
	PrivateZone            = "azure-native:network:PrivateZone"
	VNetLink               = "azure-native:network:VirtualNetworkLink"
	NSG                    = "azure-native:network:NetworkSecurityGroup"
	Bastion                = "azure-native:network:BastionHost"
	DNSResolver            = "azure-native:network:DnsResolver"
	InboundEndpoint        = "azure-native:network:InboundEndpoint"
	OutboundEndpoint       = "azure-native:network:OutboundEndpoint"
	ForwardingRuleset      = "azure-native:network:DnsForwardingRuleset"
	ForwardingRule         = "azure-native:network:ForwardingRule"
	RulesetLink            = "azure-native:network:PrivateResolverVirtualNetworkLink"
	VM                     = "azure-native:compute:VirtualMachine"
	AvailabilitySet        = "azure-native:compute:AvailabilitySet"
	RunCommand             = "azure-native:compute:VirtualMachineRunCommandByVirtualMachine"
	Identity               = "azure-native:managedidentity:UserAssignedIdentity"
	RoleAssignment         = "azure-native:authorization:RoleAssignment"
	ManagedCluster         = "azure-native:containerservice/v20241001:ManagedCluster"
	AgentPool              = "azure-native:containerservice/v20241001:AgentPool"
	Workspace              = "azure-native:operationalinsights:Workspace"
	DiagnosticSetting      = "azure-native:insights:DiagnosticSetting"
	DataCollectionRule     = "azure-native:insights:DataCollectionRule"
	DataCollectionRuleLink = "azure-native:insights:DataCollectionRuleAssociation"
	Registry               = "azure-native:containerregistry:Registry"
	Vault                  = "azure-native:keyvault:Vault"
	PrivateEndpoint        = "azure-native:network:PrivateEndpoint"
	PrivateDNSZoneGroup    = "azure-native:network:PrivateDnsZoneGroup"
	FederatedCredential    = "azure-native:managedidentity:FederatedIdentityCredential"
	// The bootstrap's: the state backend and its secrets key.
	StorageAccount = "azure-native:storage:StorageAccount"
	BlobService    = "azure-native:storage:BlobServiceProperties"
	BlobContainer  = "azure-native:storage:BlobContainer"
	Key            = "azure-native:keyvault:Key"
	Provider       = "pulumi:providers:azure-native"
)

// Info is what the program knows of one type.
type Info struct {
	// NameInput is the input that carries the resource's Azure name (the mock fills the `name`
	// output from it).
	NameInput string
	// Taggable says whether Azure lets the type carry tags.
	Taggable bool
	// Provisioning is how long Azure takes to create one; Basis says where the figure comes from.
	Provisioning time.Duration
	Basis        string
}

// estimate marks a provisioning time as an estimate: Microsoft publishes no per-resource creation
// times for these types; the figures come from what deployments commonly report and set the
// shape of the critical path, not a promise of wall time.
const estimate = "estimate"

// Table has every type the program creates.
var Table = map[string]Info{
	ResourceGroup:  {"resourceGroupName", true, 5 * time.Second, estimate},
	VNet:           {"virtualNetworkName", true, 15 * time.Second, estimate},
	RouteTable:     {"routeTableName", true, 10 * time.Second, estimate},
	Route:          {"routeName", false, 10 * time.Second, estimate},
	PublicIP:       {"publicIpAddressName", true, 10 * time.Second, estimate},
	FirewallPolicy: {"firewallPolicyName", true, 30 * time.Second, estimate},
	// "config changes might take five minutes" once a firewall uses the policy
	// (techresolve.blog, 2026-03-07, "Best way to handle Azure firewall config changes"); before the
	// firewall exists a group lands faster: estimate.
	RuleCollectionGroup: {"ruleCollectionGroupName", false, 60 * time.Second, "estimate; 5 min once attached (techresolve.blog 2026-03-07)"},
	Firewall:            {"azureFirewallName", true, 8 * time.Minute, estimate},
	NIC:                 {"networkInterfaceName", true, 10 * time.Second, estimate},
	Peering:             {"virtualNetworkPeeringName", false, 15 * time.Second, estimate},
	PrivateZone:         {"privateZoneName", true, 30 * time.Second, estimate},
	VNetLink:            {"virtualNetworkLinkName", true, 45 * time.Second, estimate},
	NSG:                 {"networkSecurityGroupName", true, 10 * time.Second, estimate},
	Bastion:             {"bastionHostName", true, 8 * time.Minute, estimate},
	DNSResolver:         {"dnsResolverName", true, 1 * time.Minute, estimate},
	InboundEndpoint:     {"inboundEndpointName", true, 2 * time.Minute, estimate},
	OutboundEndpoint:    {"outboundEndpointName", true, 2 * time.Minute, estimate},
	ForwardingRuleset:   {"dnsForwardingRulesetName", true, 30 * time.Second, estimate},
	ForwardingRule:      {"forwardingRuleName", false, 10 * time.Second, estimate},
	RulesetLink:         {"virtualNetworkLinkName", false, 30 * time.Second, estimate},
	VM:                  {"vmName", true, 2 * time.Minute, estimate},
	AvailabilitySet:     {"availabilitySetName", true, 5 * time.Second, estimate},
	// The run command waits for cloud-init to install BIND once the firewall lets it: estimate.
	RunCommand:             {"runCommandName", true, 3 * time.Minute, estimate},
	Identity:               {"resourceName", true, 10 * time.Second, estimate},
	RoleAssignment:         {"roleAssignmentName", false, 10 * time.Second, estimate},
	ManagedCluster:         {"resourceName", true, 10 * time.Minute, estimate},
	AgentPool:              {"agentPoolName", true, 4 * time.Minute, estimate},
	Workspace:              {"workspaceName", true, 1 * time.Minute, estimate},
	DiagnosticSetting:      {"name", false, 10 * time.Second, estimate},
	DataCollectionRule:     {"dataCollectionRuleName", true, 10 * time.Second, estimate},
	DataCollectionRuleLink: {"associationName", false, 10 * time.Second, estimate},
	Registry:               {"registryName", true, 1 * time.Minute, estimate},
	Vault:                  {"vaultName", true, 1 * time.Minute, estimate},
	PrivateEndpoint:        {"privateEndpointName", true, 1 * time.Minute, estimate},
	PrivateDNSZoneGroup:    {"privateDnsZoneGroupName", false, 20 * time.Second, estimate},
	FederatedCredential:    {"federatedIdentityCredentialResourceName", false, 10 * time.Second, estimate},
	StorageAccount:         {"accountName", true, 30 * time.Second, estimate},
	BlobService:            {"blobServicesName", false, 10 * time.Second, estimate},
	BlobContainer:          {"containerName", false, 10 * time.Second, estimate},
	Key:                    {"keyName", true, 10 * time.Second, estimate},
}

// SubnetJoins are, per type, the inputs through which a resource joins a VNet: a subnet's ID, or
// for the DNS Private Resolver the VNet's own ID. Azure lets joins run side by side, but not beside
// an operation on the VNet itself such as a peering (AnotherOperationInProgress). The offline
// Azure's locks and the policy pack's no-concurrent-operations both read this table.
var SubnetJoins = map[string][]string{
	NIC:              {"ipConfigurations"},
	Firewall:         {"ipConfigurations", "managementIpConfiguration"},
	Bastion:          {"ipConfigurations"},
	DNSResolver:      {"virtualNetwork"},
	InboundEndpoint:  {"ipConfigurations"},
	OutboundEndpoint: {"subnet"},
	PrivateEndpoint:  {"subnet"},
	ManagedCluster:   {"agentPoolProfiles"},
	AgentPool:        {"vnetSubnetID"},
}

// Parent is the resource a type lives under, and the input that names it.
type Parent struct {
	Type, NameInput string
}

// Parents are the types that are children of another resource: Azure refuses to create one
// before its parent exists (ParentResourceNotFound). The offline Azure reads this table.
var Parents = map[string]Parent{
	Route:               {RouteTable, "routeTableName"},
	RuleCollectionGroup: {FirewallPolicy, "firewallPolicyName"},
	Peering:             {VNet, "virtualNetworkName"},
	VNetLink:            {PrivateZone, "privateZoneName"},
	InboundEndpoint:     {DNSResolver, "dnsResolverName"},
	OutboundEndpoint:    {DNSResolver, "dnsResolverName"},
	ForwardingRule:      {ForwardingRuleset, "dnsForwardingRulesetName"},
	RulesetLink:         {ForwardingRuleset, "dnsForwardingRulesetName"},
	RunCommand:          {VM, "vmName"},
	AgentPool:           {ManagedCluster, "resourceName"},
	PrivateDNSZoneGroup: {PrivateEndpoint, "privateEndpointName"},
	FederatedCredential: {Identity, "resourceName"},
	BlobService:         {StorageAccount, "accountName"},
	BlobContainer:       {StorageAccount, "accountName"},
	Key:                 {Vault, "vaultName"},
}

// namespaces are the resource provider namespaces behind the SDK modules the program and the
// bootstrap use (Microsoft Learn, "Azure resource providers and types", checked 2026-12-05): a
// subscription must have each registered before a resource of it can be created
// (MissingSubscriptionRegistration).
var namespaces = map[string]string{
	"resources":           "Microsoft.Resources",
	"network":             "Microsoft.Network",
	"compute":             "Microsoft.Compute",
	"managedidentity":     "Microsoft.ManagedIdentity",
	"authorization":       "Microsoft.Authorization",
	"containerservice":    "Microsoft.ContainerService",
	"operationalinsights": "Microsoft.OperationalInsights",
	"insights":            "Microsoft.Insights",
	"containerregistry":   "Microsoft.ContainerRegistry",
	"keyvault":            "Microsoft.KeyVault",
	"storage":             "Microsoft.Storage",
}

// Namespace is the resource provider namespace of a type token: azure-native:network:VirtualNetwork
// and azure-native:containerservice/v20241001:ManagedCluster give Microsoft.Network and
// Microsoft.ContainerService.
func Namespace(typ string) (string, error) {
	parts := strings.Split(typ, ":")
	if len(parts) != 3 || parts[0] != "azure-native" {
		return "", fmt.Errorf("%s is not an azure-native type token", typ)
	}
	module, _, _ := strings.Cut(parts[1], "/")
	ns, ok := namespaces[module]
	if !ok {
		return "", fmt.Errorf("%s: no resource provider namespace known for the SDK module %q (add it to azuretype's namespaces)", typ, module)
	}
	return ns, nil
}

// Namespaces are the resource provider namespaces of every type in Table, sorted.
func Namespaces() ([]string, error) {
	var out []string
	for typ := range Table {
		ns, err := Namespace(typ)
		if err != nil {
			return nil, err
		}
		out = append(out, ns)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// Feature is a subscription feature (Azure Feature Exposure Control) to register under its
// provider's namespace.
type Feature struct {
	Namespace, Name string
}

// Features are the subscription features the program needs registered. A feature is never
// registered on the fly by a deployment; the bootstrap's register command does it.
var Features = []Feature{
	// Encryption at host on the node pools and the VMs: Azure refuses it until the feature is
	// registered (Microsoft Learn, "Enable end-to-end encryption using encryption at host" and
	// "Host-based encryption on AKS", checked 2026-12-06).
	{Namespace: "Microsoft.Compute", Name: "EncryptionAtHost"},
}
