// Package firewall builds the hub's Azure Firewall: its public IP, its policy with the egress
// rules AKS needs, and the default route that sends AKS egress to its private IP.
package firewall

import (
	network "github.com/pulumi/pulumi-azure-native-sdk/network/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hubspoke/private-aks/internal/diagnostics"
	"github.com/hubspoke/private-aks/internal/platform"
)

// SKUs, the tier of both the firewall and its policy.
const (
	SKUBasic    = "Basic"
	SKUStandard = "Standard"
	SKUPremium  = "Premium"
)

// Args configures the firewall. Every field is required unless its comment says otherwise.
type Args struct {
	Location          string
	ResourceGroupName pulumi.StringInput
	FirewallName      string
	PolicyName        string
	PublicIPName      string
	// ManagementPublicIPName and ManagementSubnetID are required for the Basic SKU only.
	ManagementPublicIPName string
	ManagementSubnetID     pulumi.StringInput
	SKU                    string // Basic, Standard or Premium
	Zones                  []string
	SubnetID               pulumi.StringInput // AzureFirewallSubnet
	// After are operations on the hub VNet that must finish before the firewall joins its subnet
	// (the peerings: Azure refuses overlapping operations on one VNet).
	After []pulumi.Resource
	// RouteTableName is the egress route table (in ResourceGroupName) the default route goes to.
	RouteTableName pulumi.StringInput
	AksSubnet      string // CIDR, source of the AKS rules and default source of extra rules
	JumpBoxSubnet  string // CIDR, source of the jump box rules
	// DNSForwarderSubnet and OnPremDNSServers are optional: the forwarders update their OS through
	// the firewall and reach the on-premises DNS servers on port 53 through it.
	DNSForwarderSubnet string
	OnPremDNSServers   []string
	// ExtraNetworkRules and ExtraApplicationRules are optional, added after the built-in ones.
	ExtraNetworkRules     []NetworkRule
	ExtraApplicationRules []ApplicationRule
	Protect               bool // optional: protect the firewall from deletion
	// ThreatIntelMode is Alert, Deny or Off; on Premium it also sets intrusion detection (IDPS).
	ThreatIntelMode string
	// Defender adds Microsoft Defender's egress to the add-on rules (Azure Monitor and Azure
	// Policy are always allowed).
	Defender    bool
	WorkspaceID pulumi.StringInput // the firewall's structured logs go here
	Tags        map[string]string
}

// Firewall is the firewall component.
type Firewall struct {
	pulumi.ResourceState

	PrivateIP pulumi.StringOutput
	PublicIP  pulumi.StringOutput
	// RuleGroups are the policy's rule collection groups, in the order they are applied.
	RuleGroups []pulumi.Resource
	// DefaultRoute sends 0.0.0.0/0 to PrivateIP.
	DefaultRoute *network.Route
}

// New registers the firewall, its policy and rules, and the default route.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Firewall, error) {
	f := &Firewall{}
	if err := ctx.RegisterComponentResource("hubspoke:firewall:Firewall", name, f, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(f)
	tags := pulumi.ToStringMap(args.Tags)
	basic := args.SKU == SKUBasic

	publicIP := func(suffix, ipName string) (*network.PublicIPAddress, error) {
		return platform.PublicIP(ctx, name+suffix, args.ResourceGroupName, ipName, args.Location, args.Zones, tags, parent)
	}
	pip, err := publicIP("-pip", args.PublicIPName)
	if err != nil {
		return nil, err
	}

	policyArgs := &network.FirewallPolicyArgs{
		ResourceGroupName:  args.ResourceGroupName,
		FirewallPolicyName: pulumi.String(args.PolicyName),
		Location:           pulumi.String(args.Location),
		Sku:                network.FirewallPolicySkuArgs{Tier: pulumi.String(args.SKU)},
		ThreatIntelMode:    pulumi.String(args.ThreatIntelMode),
		Tags:               tags,
	}
	if args.SKU == SKUPremium {
		// IDPS inspects allowed traffic for known attack signatures, as strictly as threat intel.
		policyArgs.IntrusionDetection = network.FirewallPolicyIntrusionDetectionArgs{Mode: pulumi.String(args.ThreatIntelMode)}
	}
	if !basic {
		// The DNS proxy lets network rules use FQDNs and resolve them as the clients do.
		policyArgs.DnsSettings = network.DnsSettingsArgs{EnableProxy: pulumi.Bool(true)}
	}
	policy, err := network.NewFirewallPolicy(ctx, name+"-policy", policyArgs, parent)
	if err != nil {
		return nil, err
	}

	extraNetwork := withDefaultSources(args.ExtraNetworkRules, func(r *NetworkRule) *[]string { return &r.SourceAddresses }, args.AksSubnet)
	extraApplication := withDefaultSources(args.ExtraApplicationRules, func(r *ApplicationRule) *[]string { return &r.SourceAddresses }, args.AksSubnet)
	groups := []struct {
		suffix, group string
		priority      int
		collections   pulumi.Array
	}{
		{"-network-rules", "rcg-network", 200, collections(
			collection{name: "aks-network", priority: 100, networkRules: networkRules(args.AksSubnet, !basic)},
			collection{name: "dns-forwarders", priority: 150, networkRules: onPremDNSRules(args.DNSForwarderSubnet, args.OnPremDNSServers)},
			collection{name: "extra-network", priority: 200, networkRules: extraNetwork},
		)},
		{"-application-rules", "rcg-application", 300, collections(
			collection{name: "aks-application", priority: 100, applicationRules: aksApplicationRules(args.AksSubnet, args.JumpBoxSubnet, args.DNSForwarderSubnet)},
			collection{name: "aks-addons", priority: 150, applicationRules: addonApplicationRules(args.AksSubnet, args.Location, args.Defender)},
			collection{name: "jumpbox-application", priority: 200, applicationRules: jumpBoxApplicationRules(args.JumpBoxSubnet)},
			collection{name: "extra-application", priority: 300, applicationRules: extraApplication},
		)},
	}
	var previous []pulumi.Resource
	for _, g := range groups {
		// A firewall policy accepts one rule collection group update at a time: chain them.
		rcg, err := network.NewFirewallPolicyRuleCollectionGroup(ctx, name+g.suffix, &network.FirewallPolicyRuleCollectionGroupArgs{
			ResourceGroupName:       args.ResourceGroupName,
			FirewallPolicyName:      policy.Name,
			RuleCollectionGroupName: pulumi.String(g.group),
			Priority:                pulumi.Int(g.priority),
			RuleCollections:         g.collections,
		}, parent, pulumi.DependsOn(previous))
		if err != nil {
			return nil, err
		}
		previous = []pulumi.Resource{rcg}
		f.RuleGroups = append(f.RuleGroups, rcg)
	}

	fwArgs := &network.AzureFirewallArgs{
		ResourceGroupName: args.ResourceGroupName,
		AzureFirewallName: pulumi.String(args.FirewallName),
		Location:          pulumi.String(args.Location),
		Sku:               network.AzureFirewallSkuArgs{Name: pulumi.String("AZFW_VNet"), Tier: pulumi.String(args.SKU)},
		FirewallPolicy:    network.SubResourceArgs{Id: policy.ID().ToStringOutput()},
		IpConfigurations: network.AzureFirewallIPConfigurationArray{network.AzureFirewallIPConfigurationArgs{
			Name:            pulumi.String("ipconfig"),
			Subnet:          network.SubResourceArgs{Id: args.SubnetID},
			PublicIPAddress: network.SubResourceArgs{Id: pip.ID().ToStringOutput()},
		}},
		Zones: pulumi.ToStringArray(args.Zones),
		Tags:  tags,
	}
	if basic {
		// The Basic SKU sends its management traffic through a dedicated subnet and public IP.
		mgmtIP, err := publicIP("-mgmt-pip", args.ManagementPublicIPName)
		if err != nil {
			return nil, err
		}
		fwArgs.ManagementIpConfiguration = network.AzureFirewallIPConfigurationArgs{
			Name:            pulumi.String("management"),
			Subnet:          network.SubResourceArgs{Id: args.ManagementSubnetID},
			PublicIPAddress: network.SubResourceArgs{Id: mgmtIP.ID().ToStringOutput()},
		}
	}
	// A rule group change on a policy whose firewall is still updating fails
	// (FirewallPolicyUpdateNotAllowedWhenUpdatingOrDeleting): let the groups land first.
	fw, err := network.NewAzureFirewall(ctx, name, fwArgs, parent, pulumi.Protect(args.Protect), pulumi.DependsOn(f.RuleGroups),
		pulumi.DependsOn(args.After))
	if err != nil {
		return nil, err
	}
	// Resource-specific tables: the structured firewall logs.
	if _, err := diagnostics.New(ctx, name+"-diagnostics", fw.ID().ToStringOutput(), args.WorkspaceID,
		diagnostics.Logs{Dedicated: true}, parent); err != nil {
		return nil, err
	}
	f.PrivateIP = fw.IpConfigurations.Index(pulumi.Int(0)).PrivateIPAddress()
	f.PublicIP = pip.IpAddress.Elem()

	f.DefaultRoute, err = network.NewRoute(ctx, name+"-default-route", &network.RouteArgs{
		ResourceGroupName: args.ResourceGroupName,
		RouteTableName:    args.RouteTableName,
		RouteName:         pulumi.String("default-via-firewall"),
		AddressPrefix:     pulumi.String("0.0.0.0/0"),
		NextHopType:       pulumi.String("VirtualAppliance"),
		NextHopIpAddress:  f.PrivateIP,
	}, parent)
	if err != nil {
		return nil, err
	}
	return f, ctx.RegisterResourceOutputs(f, pulumi.Map{
		"privateIp": f.PrivateIP,
		"publicIp":  f.PublicIP,
	})
}
