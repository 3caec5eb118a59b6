// Package settings loads the stack configuration once, fills defaults and validates it, so that
// the components receive plain typed values they can trust.
package settings

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

// Settings is the whole, validated configuration of one stack.
type Settings struct {
	Environment string
	Location    string
	NamePrefix  string
	Tags        map[string]string
	Protect     bool // protect the VNets, firewall, cluster and custom zone from deletion
	// PolicyManagedTags are tags an Azure Policy (modify effect) sets on the stack's resources: the
	// program leaves them to Azure instead of removing them on every update.
	PolicyManagedTags []string
	Hub               Hub
	Spoke             Spoke
	Cluster           Cluster
	Firewall          Firewall
	DNS               DNS
	JumpBox           JumpBox
	Monitoring        Monitoring
	Registry          Registry
	KeyVault          KeyVault
}

// Hub is the config key "hub": the hub VNet and its subnets.
type Hub struct {
	AddressSpace             netip.Prefix `json:"addressSpace"`
	FirewallSubnet           netip.Prefix `json:"firewallSubnet"`
	FirewallManagementSubnet netip.Prefix `json:"firewallManagementSubnet"` // Basic SKU only
	JumpBoxSubnet            netip.Prefix `json:"jumpBoxSubnet"`
	BastionSubnet            netip.Prefix `json:"bastionSubnet"`
	Bastion                  bool         `json:"bastion"` // Azure Bastion in BastionSubnet; default true
	// GatewaySubnet is optional: the hub's GatewaySubnet, for a VPN or ExpressRoute gateway the
	// network team creates in it. Declared here because the hub's subnets are inline: a subnet
	// added outside Pulumi would be deleted by the next update.
	GatewaySubnet netip.Prefix `json:"gatewaySubnet"`
	// HasGateway says the gateway exists in GatewaySubnet: the spoke then uses it (gateway transit).
	HasGateway bool `json:"hasGateway"`
}

// Spoke is the config key "spoke": the spoke VNet, the AKS node subnet and the subnet of the
// registry's and vault's private endpoints.
type Spoke struct {
	AddressSpace          netip.Prefix `json:"addressSpace"`
	AksSubnet             netip.Prefix `json:"aksSubnet"`
	PrivateEndpointSubnet netip.Prefix `json:"privateEndpointSubnet"`
}

// Registry is the config key "registry": the private Azure Container Registry the cluster pulls from.
type Registry struct {
	Enabled bool `json:"enabled"` // default true
}

// KeyVault is the config key "keyVault": the private Key Vault the cluster reads secrets from.
type KeyVault struct {
	Enabled bool `json:"enabled"` // default true
	// PurgeProtection keeps a deleted vault and its secrets for the retention period; it cannot
	// be turned off once on. Required in production.
	PurgeProtection bool `json:"purgeProtection"`
	RetentionDays   int  `json:"retentionDays"` // soft-delete retention, 7-90, set at creation
	// Generation goes into the vault's name: raise it to recreate the vault after a destroy, since
	// a soft-deleted vault keeps its name until purged (or, with purge protection, for RetentionDays).
	Generation int `json:"generation"`
	// WorkloadIdentity is optional: a user-assigned identity federated with the cluster's OIDC
	// issuer for one Kubernetes service account, allowed to read the vault's secrets.
	WorkloadIdentity *WorkloadIdentity `json:"workloadIdentity"`
}

// WorkloadIdentity names the Kubernetes service account an identity is federated with.
type WorkloadIdentity struct {
	Namespace      string `json:"namespace"`
	ServiceAccount string `json:"serviceAccount"`
}

// CNI modes of Azure CNI.
const (
	CNIOverlay    = "overlay"    // pods get IPs from PodCIDR, nodes only from the subnet
	CNINodeSubnet = "nodeSubnet" // pods get VNet IPs from the node subnet
)

// OS disk types of the node pools (aks.osDiskType).
const (
	OSDiskEphemeral = "Ephemeral"
	OSDiskManaged   = "Managed"
)

// Cluster is the config key "aks": the private cluster and its system node pool.
type Cluster struct {
	KubernetesVersion   string       `json:"kubernetesVersion"`
	NodeCount           int          `json:"nodeCount"`
	NodeSize            string       `json:"nodeSize"`
	MaxPods             int          `json:"maxPods"`
	CNI                 string       `json:"cni"`
	PodCIDR             netip.Prefix `json:"podCidr"`
	ServiceCIDR         netip.Prefix `json:"serviceCidr"`
	DNSServiceIP        netip.Addr   `json:"dnsServiceIP"`
	AvailabilityZones   []string     `json:"availabilityZones"`
	AdminGroupObjectIDs []string     `json:"adminGroupObjectIds"`
	// NodeCount is the system pool's initial and least size, NodeMaxCount its autoscaler bound.
	NodeMaxCount         int      `json:"nodeMaxCount"`
	UserPool             UserPool `json:"userPool"`
	UpgradeChannel       string   `json:"upgradeChannel"`
	NodeOSUpgradeChannel string   `json:"nodeOSUpgradeChannel"`
	Defender             bool     `json:"defender"`
	// Tier is the control plane's pricing tier: Free (no uptime SLA), Standard, Premium.
	Tier string `json:"tier"`
	// MaxSurge is how many extra nodes each pool adds while it upgrades (the subnet holds them);
	// DrainTimeoutMinutes how long a node's pods may take to leave it.
	MaxSurge            int `json:"maxSurge"`
	DrainTimeoutMinutes int `json:"drainTimeoutMinutes"`
	// OSDiskType is both pools' OS disk: Ephemeral (on the VM's local disk: fast reimage, nothing
	// persists) or Managed; OSDiskSizeGB its size. Both are fixed once a pool exists.
	OSDiskType   string `json:"osDiskType"`
	OSDiskSizeGB int    `json:"osDiskSizeGB"`
	// Maintenance are the windows of the automatic upgrades; a production stack gets weekly ones.
	Maintenance Maintenance `json:"maintenance"`
}

// UserPool is the node pool for workloads, apart from the tainted system pool.
type UserPool struct {
	NodeSize string `json:"nodeSize"`
	MinCount int    `json:"minCount"`
	MaxCount int    `json:"maxCount"`
}

// Monitoring is the config key "monitoring".
type Monitoring struct {
	RetentionDays int `json:"retentionDays"`
}

// Private DNS zone modes of the cluster's API server.
const (
	ZoneSystem = "system" // AKS creates the zone in the node resource group
	ZoneCustom = "custom" // the zone is created in the hub and handed to AKS
)

// How the VNets resolve names (config key dns.resolver).
const (
	ResolverAzure     = "azure"           // Azure-provided DNS, the article's first case
	ResolverForwarder = "forwarder"       // two DNS forwarder VMs (BIND) in the hub
	ResolverPrivate   = "privateResolver" // Azure DNS Private Resolver in the hub
)

// DNS is the config key "dns": the API server's private zone and how names are resolved.
type DNS struct {
	ZoneMode string `json:"zoneMode"`
	Resolver string `json:"resolver"`
	// ForwarderSubnet holds the two forwarder VMs at its first two usable addresses (forwarder mode).
	ForwarderSubnet netip.Prefix `json:"forwarderSubnet"`
	ForwarderSize   string       `json:"forwarderSize"`
	// ResolverInboundSubnet and ResolverOutboundSubnet are the Private Resolver's endpoints' subnets.
	ResolverInboundSubnet  netip.Prefix `json:"resolverInboundSubnet"`
	ResolverOutboundSubnet netip.Prefix `json:"resolverOutboundSubnet"`
	// OnPremDomains are forwarded to on-premises DNS servers; OnPremRanges may query the resolvers.
	OnPremDomains []OnPremDomain `json:"onPremDomains"`
	OnPremRanges  []netip.Prefix `json:"onPremRanges"`
}

// OnPremDomain is a domain resolved by on-premises DNS servers.
type OnPremDomain struct {
	Domain  string       `json:"domain"`
	Servers []netip.Addr `json:"servers"`
}

// Firewall is the config key "firewall".
type Firewall struct {
	SKU                   string            `json:"sku"`
	AvailabilityZones     []string          `json:"availabilityZones"`
	ExtraNetworkRules     []NetworkRule     `json:"extraNetworkRules"`
	ExtraApplicationRules []ApplicationRule `json:"extraApplicationRules"`
	// ThreatIntelMode is Alert, Deny or Off; on Premium it is also the IDPS mode.
	ThreatIntelMode string `json:"threatIntelMode"`
}

// Firewall SKUs, the tier of both the firewall and its policy.
const (
	FirewallBasic    = "Basic"
	FirewallStandard = "Standard"
	FirewallPremium  = "Premium"
)

// NetworkRule is one entry of firewall.extraNetworkRules: a layer-4 allow rule.
type NetworkRule struct {
	Name                 string   `json:"name"`
	Protocols            []string `json:"protocols"`            // TCP, UDP, ICMP or Any
	SourceAddresses      []string `json:"sourceAddresses"`      // optional: the AKS subnet
	DestinationAddresses []string `json:"destinationAddresses"` // IPs, CIDRs or service tags
	DestinationFqdns     []string `json:"destinationFqdns"`     // needs the DNS proxy (not on Basic)
	DestinationPorts     []string `json:"destinationPorts"`
}

// ApplicationRule is one entry of firewall.extraApplicationRules: an FQDN allow rule.
type ApplicationRule struct {
	Name            string   `json:"name"`
	SourceAddresses []string `json:"sourceAddresses"` // optional: the AKS subnet
	TargetFqdns     []string `json:"targetFqdns"`
	FqdnTags        []string `json:"fqdnTags"`
	Protocols       []string `json:"protocols"` // "Https:443", "Http:80", "Mssql:1433"
}

// JumpBox is the config key "jumpBox": the Linux VM in the hub used to reach the API server.
type JumpBox struct {
	Size          string `json:"size"`
	AdminUsername string `json:"adminUsername"`
	SSHPublicKey  string `json:"sshPublicKey"`
	// KubectlVersion and KubeloginVersion pin the tools the jump box installs (MAJOR.MINOR.PATCH):
	// unpinned, `az aks install-cli` asks the internet for the latest, which the firewall denies.
	KubectlVersion   string `json:"kubectlVersion"`
	KubeloginVersion string `json:"kubeloginVersion"`
}

// Defaults of the optional keys. Pulumi.yaml declares the scalar ones with the same values; a
// test keeps the two in step.
const (
	DefaultNamePrefix = "hubspoke"
)

func defaults() Settings {
	return Settings{
		NamePrefix: DefaultNamePrefix,
		Tags:       map[string]string{},
		Cluster: Cluster{
			NodeCount:    3,
			NodeSize:     "Standard_D4ds_v5",
			MaxPods:      110,
			CNI:          CNIOverlay,
			PodCIDR:      netip.MustParsePrefix("192.168.0.0/16"),
			ServiceCIDR:  netip.MustParsePrefix("172.16.0.0/16"),
			DNSServiceIP: netip.MustParseAddr("172.16.0.10"),
			NodeMaxCount: 5,
			Tier:         "Free",
			// One node at a time per pool, AKS's own default, made explicit so that the subnet
			// check counts it; AKS's default drain timeout.
			MaxSurge:            1,
			DrainTimeoutMinutes: 30,
			// AKS's own size for sizes under 8 vCPUs, set explicitly: unset, AKS sizes an ephemeral
			// disk to the whole temp disk, or falls back to a managed one where it does not fit.
			OSDiskType:   OSDiskEphemeral,
			OSDiskSizeGB: 128,
			UserPool:     UserPool{NodeSize: "Standard_D4ds_v5", MinCount: 1, MaxCount: 5},
			// Patch releases and node images arrive by themselves; minor upgrades stay a decision.
			UpgradeChannel:       "patch",
			NodeOSUpgradeChannel: "NodeImage",
		},
		Hub:        Hub{Bastion: true},
		Registry:   Registry{Enabled: true},
		KeyVault:   KeyVault{Enabled: true, PurgeProtection: true, RetentionDays: 90},
		Monitoring: Monitoring{RetentionDays: 30},
		DNS:        DNS{ZoneMode: ZoneSystem, Resolver: ResolverAzure, ForwarderSize: "Standard_B2s"},
		Firewall:   Firewall{SKU: FirewallStandard, ThreatIntelMode: "Alert"},
		// Releases that exist (kubernetes.io/releases; Azure/kubelogin releases), checked 2026-11-26.
		JumpBox: JumpBox{Size: "Standard_B2s", AdminUsername: "azureuser", KubectlVersion: "1.36.1", KubeloginVersion: "0.2.19"},
	}
}

// Load reads every key of the project's namespace, fills defaults and validates the result.
// Every problem is reported at once, each naming its key; nothing is registered on error.
func Load(ctx *pulumi.Context) (*Settings, error) {
	s := defaults()
	found, errs := Read(ctx, keys(&s))
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	s.completeMaintenance()
	errs = append(PlaceholderErrors(ctx.Project(), ctx.Stack(), found), WithoutPlaceholders(s.problems(), found)...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &s, nil
}

// Key is one configuration key of a project's namespace and how its raw value is decoded.
type Key struct {
	Name     string
	Required bool
	Decode   func(raw string) error
}

// Read decodes the keys that are set and returns the placeholders their values still hold, and a
// key-named error for each key that is missing but required or cannot be decoded.
func Read(ctx *pulumi.Context, keys []Key) ([]Placeholder, []error) {
	var errs []error
	var found []Placeholder
	for _, k := range keys {
		raw, err := config.Try(ctx, k.Name)
		if errors.Is(err, config.ErrMissingVar) {
			if k.Required {
				errs = append(errs, fmt.Errorf("%s: required key is missing (pulumi config set %s ...)", k.Name, k.Name))
			}
			continue
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", k.Name, err))
			continue
		}
		found = append(found, Placeholders(k.Name, raw)...)
		if err := k.Decode(raw); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", k.Name, err))
		}
	}
	return found, errs
}

func keys(s *Settings) []Key {
	return []Key{
		{"environment", true, Text(&s.Environment)},
		{"location", true, Text(&s.Location)},
		{"namePrefix", false, Text(&s.NamePrefix)},
		{"tags", false, Object(&s.Tags)},
		{"policyManagedTags", false, Object(&s.PolicyManagedTags)},
		{"protect", false, Object(&s.Protect)},
		{"hub", true, Object(&s.Hub)},
		{"spoke", true, Object(&s.Spoke)},
		{"aks", true, Object(&s.Cluster)},
		{"firewall", false, Object(&s.Firewall)},
		{"dns", false, Object(&s.DNS)},
		{"jumpBox", true, Object(&s.JumpBox)},
		{"monitoring", false, Object(&s.Monitoring)},
		{"registry", false, Object(&s.Registry)},
		{"keyVault", false, Object(&s.KeyVault)},
	}
}

// Text decodes a plain string key.
func Text(dst *string) func(string) error {
	return func(raw string) error { *dst = raw; return nil }
}

// Object decodes a structured key over its defaults and rejects unknown fields, so a typo in a
// stack file is an error instead of a silently ignored setting.
func Object(dst any) func(string) error {
	return func(raw string) error {
		dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(dst); err != nil {
			return fmt.Errorf("not a valid value: %w", err)
		}
		return nil
	}
}

// Name builds a Cloud Adoption Framework style name: <abbreviation>-<prefix>-<environment>[-<purpose>].
func (s *Settings) Name(abbreviation string, purpose ...string) string {
	name := fmt.Sprintf("%s-%s-%s", abbreviation, s.NamePrefix, s.Environment)
	for _, p := range purpose {
		name += "-" + p
	}
	return name
}

// RegistryName is the registry's globally unique name before its suffix: cr<prefix><environment>
// (letters and digits only, 5-50 with the suffix).
func (s *Settings) RegistryName() string {
	return "cr" + s.NamePrefix + s.Environment
}

// VaultName is the vault's globally unique name before its suffix: kv-<prefix>-<environment>-
// (3-24 with the suffix).
func (s *Settings) VaultName() string {
	return fmt.Sprintf("kv-%s-%s-", s.NamePrefix, s.Environment)
}

// ResourceTags are the tags every taggable resource carries: the configured ones plus the
// environment and the tool that manages it.
func (s *Settings) ResourceTags() map[string]string {
	tags := maps.Clone(s.Tags)
	tags["environment"] = s.Environment
	tags["managedBy"] = "pulumi"
	return tags
}

// sortedKeys gives map keys in a stable order, for deterministic messages.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
