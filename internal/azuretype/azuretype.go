// Package azuretype is the one table of the Azure resource types the program creates: each type's
// token, the input that carries its Azure name, whether Azure lets it carry tags, and how long
// Azure takes to create one. The offline Azure, the deploy-time model and the tests all read it,
// so a new type is added here once.
package azuretype

import (
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
	MaintenanceConfig      = "azure-native:containerservice/v20241001:MaintenanceConfiguration"
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
	// ARMType is the type Azure gives the resource (the `type` of its REST API): a child's type
	// extends its parent's (Parents), an extension resource's lies under its scope (Scopes).
	// The offline Azure builds resource IDs from it, in the shape Azure returns.
	ARMType string
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
	ResourceGroup:  {"Microsoft.Resources/resourceGroups", "resourceGroupName", true, 5 * time.Second, estimate},
	VNet:           {"Microsoft.Network/virtualNetworks", "virtualNetworkName", true, 15 * time.Second, estimate},
	RouteTable:     {"Microsoft.Network/routeTables", "routeTableName", true, 10 * time.Second, estimate},
	Route:          {"Microsoft.Network/routeTables/routes", "routeName", false, 10 * time.Second, estimate},
	PublicIP:       {"Microsoft.Network/publicIPAddresses", "publicIpAddressName", true, 10 * time.Second, estimate},
	FirewallPolicy: {"Microsoft.Network/firewallPolicies", "firewallPolicyName", true, 30 * time.Second, estimate},
	// "config changes might take five minutes" once a firewall uses the policy
	// (techresolve.blog, 2026-03-07, "Best way to handle Azure firewall config changes"); before the
	// firewall exists a group lands faster: estimate.
	RuleCollectionGroup: {"Microsoft.Network/firewallPolicies/ruleCollectionGroups", "ruleCollectionGroupName", false, 60 * time.Second, "estimate; 5 min once attached (techresolve.blog 2026-03-07)"},
	Firewall:            {"Microsoft.Network/azureFirewalls", "azureFirewallName", true, 8 * time.Minute, estimate},
	NIC:                 {"Microsoft.Network/networkInterfaces", "networkInterfaceName", true, 10 * time.Second, estimate},
	Peering:             {"Microsoft.Network/virtualNetworks/virtualNetworkPeerings", "virtualNetworkPeeringName", false, 15 * time.Second, estimate},
	PrivateZone:         {"Microsoft.Network/privateDnsZones", "privateZoneName", true, 30 * time.Second, estimate},
	VNetLink:            {"Microsoft.Network/privateDnsZones/virtualNetworkLinks", "virtualNetworkLinkName", true, 45 * time.Second, estimate},
	NSG:                 {"Microsoft.Network/networkSecurityGroups", "networkSecurityGroupName", true, 10 * time.Second, estimate},
	Bastion:             {"Microsoft.Network/bastionHosts", "bastionHostName", true, 8 * time.Minute, estimate},
	DNSResolver:         {"Microsoft.Network/dnsResolvers", "dnsResolverName", true, 1 * time.Minute, estimate},
	InboundEndpoint:     {"Microsoft.Network/dnsResolvers/inboundEndpoints", "inboundEndpointName", true, 2 * time.Minute, estimate},
	OutboundEndpoint:    {"Microsoft.Network/dnsResolvers/outboundEndpoints", "outboundEndpointName", true, 2 * time.Minute, estimate},
	ForwardingRuleset:   {"Microsoft.Network/dnsForwardingRulesets", "dnsForwardingRulesetName", true, 30 * time.Second, estimate},
	ForwardingRule:      {"Microsoft.Network/dnsForwardingRulesets/forwardingRules", "forwardingRuleName", false, 10 * time.Second, estimate},
	RulesetLink:         {"Microsoft.Network/dnsForwardingRulesets/virtualNetworkLinks", "virtualNetworkLinkName", false, 30 * time.Second, estimate},
	VM:                  {"Microsoft.Compute/virtualMachines", "vmName", true, 2 * time.Minute, estimate},
	AvailabilitySet:     {"Microsoft.Compute/availabilitySets", "availabilitySetName", true, 5 * time.Second, estimate},
	// The run command waits for cloud-init to install BIND once the firewall lets it: estimate.
	RunCommand:     {"Microsoft.Compute/virtualMachines/runCommands", "runCommandName", true, 3 * time.Minute, estimate},
	Identity:       {"Microsoft.ManagedIdentity/userAssignedIdentities", "resourceName", true, 10 * time.Second, estimate},
	RoleAssignment: {"Microsoft.Authorization/roleAssignments", "roleAssignmentName", false, 10 * time.Second, estimate},
	ManagedCluster: {"Microsoft.ContainerService/managedClusters", "resourceName", true, 10 * time.Minute, estimate},
	AgentPool:      {"Microsoft.ContainerService/managedClusters/agentPools", "agentPoolName", true, 4 * time.Minute, estimate},
	// A synchronous PUT (REST spec 2024-10-01, MaintenanceConfigurations_CreateOrUpdate: 200/201, no
	// polling): estimate.
	MaintenanceConfig:      {"Microsoft.ContainerService/managedClusters/maintenanceConfigurations", "configName", false, 10 * time.Second, estimate},
	Workspace:              {"Microsoft.OperationalInsights/workspaces", "workspaceName", true, 1 * time.Minute, estimate},
	DiagnosticSetting:      {"Microsoft.Insights/diagnosticSettings", "name", false, 10 * time.Second, estimate},
	DataCollectionRule:     {"Microsoft.Insights/dataCollectionRules", "dataCollectionRuleName", true, 10 * time.Second, estimate},
	DataCollectionRuleLink: {"Microsoft.Insights/dataCollectionRuleAssociations", "associationName", false, 10 * time.Second, estimate},
	Registry:               {"Microsoft.ContainerRegistry/registries", "registryName", true, 1 * time.Minute, estimate},
	Vault:                  {"Microsoft.KeyVault/vaults", "vaultName", true, 1 * time.Minute, estimate},
	PrivateEndpoint:        {"Microsoft.Network/privateEndpoints", "privateEndpointName", true, 1 * time.Minute, estimate},
	PrivateDNSZoneGroup:    {"Microsoft.Network/privateEndpoints/privateDnsZoneGroups", "privateDnsZoneGroupName", false, 20 * time.Second, estimate},
	FederatedCredential:    {"Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials", "federatedIdentityCredentialResourceName", false, 10 * time.Second, estimate},
	StorageAccount:         {"Microsoft.Storage/storageAccounts", "accountName", true, 30 * time.Second, estimate},
	BlobService:            {"Microsoft.Storage/storageAccounts/blobServices", "blobServicesName", false, 10 * time.Second, estimate},
	BlobContainer:          {"Microsoft.Storage/storageAccounts/blobServices/containers", "containerName", false, 10 * time.Second, estimate},
	Key:                    {"Microsoft.KeyVault/vaults/keys", "keyName", true, 10 * time.Second, estimate},
}

// SubnetJoins are, per type, the inputs through which a resource joins a VNet: a subnet's ID, or
// for the DNS Private Resolver the VNet's own ID. Azure lets joins run side by side, but not beside
// an operation on the VNet itself such as a peering (AnotherOperationInProgress). The offline
// Azure's locks and the policy pack's no-concurrent-operations both read this table. A private
// DNS zone's virtual network link is not a join: it is a child of the (global) zone and leaves
// the VNet's provisioning state alone, so it runs beside peerings (every "not in Succeeded state"
// report concerns a peering or subnet, none a link; Microsoft's ALZ-Bicep hubPeeredSpoke creates
// links and peerings side by side; docs/azure-rules.md, checked 2026-12-06).
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
	MaintenanceConfig:   {ManagedCluster, "resourceName"},
	PrivateDNSZoneGroup: {PrivateEndpoint, "privateEndpointName"},
	FederatedCredential: {Identity, "resourceName"},
	BlobService:         {StorageAccount, "accountName"},
	BlobContainer:       {StorageAccount, "accountName"},
	Key:                 {Vault, "vaultName"},
}

// Scopes are the extension resources: Azure puts them under the resource they extend, named by
// this input (an ID ".../<scope>/providers/<ARMType>/<name>").
var Scopes = map[string]string{
	RoleAssignment:         "scope",
	DiagnosticSetting:      "resourceUri",
	DataCollectionRuleLink: "resourceUri",
}

// Namespaces are the resource provider namespaces of every type in Table (the first segment of
// its ARM type), sorted: a subscription must have each registered before a resource of it can be
// created (MissingSubscriptionRegistration).
func Namespaces() []string {
	var out []string
	for _, info := range Table {
		ns, _, _ := strings.Cut(info.ARMType, "/")
		out = append(out, ns)
	}
	slices.Sort(out)
	return slices.Compact(out)
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
