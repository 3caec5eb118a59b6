// Package nsg builds network security groups from short rule descriptions, each ending in an
// explicit deny of all other inbound traffic, with their logs sent to the workspace.
package nsg

import (
	"fmt"

	network "github.com/pulumi/pulumi-azure-native-sdk/network/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hubspoke/private-aks/internal/azurerules"
	"github.com/hubspoke/private-aks/internal/diagnostics"
)

// Rule allows one kind of traffic.
type Rule struct {
	Name     string
	Priority int
	Inbound  bool // false: outbound
	Protocol string
	// Sources are one service tag, "*", one range, or several ranges (no tags among several).
	Sources     []string // "*" when empty
	Destination string   // a range or service tag; "*" when empty
	Ports       []string // destination ports or ranges; "*" when empty
}

// args fills the singular field for a single value (a tag, "*", a range, a port) and the plural
// one only for several ranges or ports, as Azure demands (azurerules.SecurityRule says why).
func (r Rule) args() (network.SecurityRuleTypeArgs, error) {
	direction, destination := "Outbound", r.Destination
	if r.Inbound {
		direction = "Inbound"
	}
	if destination == "" {
		destination = "*"
	}
	rule := network.SecurityRuleTypeArgs{
		Name: pulumi.String(r.Name), Priority: pulumi.Int(r.Priority), Direction: pulumi.String(direction),
		Access: pulumi.String("Allow"), Protocol: pulumi.String(r.Protocol),
		SourcePortRange: pulumi.String("*"), DestinationAddressPrefix: pulumi.String(destination),
	}
	var err error
	if rule.SourceAddressPrefix, rule.SourceAddressPrefixes, err = oneOrMany(r.Name, "sources", r.Sources, azurerules.IsAddressRange); err != nil {
		return rule, err
	}
	if rule.DestinationPortRange, rule.DestinationPortRanges, err = oneOrMany(r.Name, "ports", r.Ports, azurerules.IsPortRange); err != nil {
		return rule, err
	}
	return rule, nil
}

// oneOrMany gives "*" or the single value for the singular field, or two or more values, each
// accepted by item, for the plural one.
func oneOrMany(rule, what string, values []string, item func(string) bool) (pulumi.StringPtrInput, pulumi.StringArrayInput, error) {
	switch len(values) {
	case 0:
		return pulumi.String("*"), nil, nil
	case 1:
		return pulumi.String(values[0]), nil, nil
	}
	for _, v := range values {
		if !item(v) {
			return nil, nil, fmt.Errorf("NSG rule %s: %q among several %s: Azure takes service tags and * only alone", rule, v, what)
		}
	}
	return nil, pulumi.ToStringArray(values), nil
}

// Args configures one NSG. Every field is required.
type Args struct {
	ResourceGroupName pulumi.StringInput
	Location          string
	Name              string // Azure name
	Rules             []Rule
	WorkspaceID       pulumi.StringInput
	Tags              pulumi.StringMap
}

// DenyInboundPriority is the priority of the closing deny rule, after every allow rule.
const DenyInboundPriority = 4096

// New registers the NSG (as name) and its diagnostic setting (name+"-diagnostics").
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*network.NetworkSecurityGroup, error) {
	rules := network.SecurityRuleTypeArray{}
	for _, r := range args.Rules {
		rule, err := r.args()
		if err != nil {
			return nil, err
		}
		rules = append(rules, rule)
	}
	// Azure's defaults allow all traffic from the VNet and the load balancer: close them.
	rules = append(rules, network.SecurityRuleTypeArgs{
		Name: pulumi.String("deny-all-inbound"), Priority: pulumi.Int(DenyInboundPriority), Direction: pulumi.String("Inbound"),
		Access: pulumi.String("Deny"), Protocol: pulumi.String("*"),
		SourceAddressPrefix: pulumi.String("*"), SourcePortRange: pulumi.String("*"),
		DestinationAddressPrefix: pulumi.String("*"), DestinationPortRange: pulumi.String("*"),
	})
	group, err := network.NewNetworkSecurityGroup(ctx, name, &network.NetworkSecurityGroupArgs{
		ResourceGroupName:        args.ResourceGroupName,
		NetworkSecurityGroupName: pulumi.String(args.Name),
		Location:                 pulumi.String(args.Location),
		SecurityRules:            rules,
		Tags:                     args.Tags,
	}, opts...)
	if err != nil {
		return nil, err
	}
	_, err = diagnostics.New(ctx, name+"-diagnostics", group.ID().ToStringOutput(), args.WorkspaceID, diagnostics.Logs{}, opts...)
	return group, err
}
