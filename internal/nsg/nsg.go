// Package nsg builds network security groups from short rule descriptions, each ending in an
// explicit deny of all other inbound traffic, with their logs sent to the workspace.
package nsg

import (
	network "github.com/pulumi/pulumi-azure-native-sdk/network/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hubspoke/private-aks/monitoring"
)

// Rule allows one kind of traffic.
type Rule struct {
	Name        string
	Priority    int
	Inbound     bool // false: outbound
	Protocol    string
	Sources     []string // prefixes or service tags
	Destination string   // a prefix or service tag; "*" when empty
	Ports       []string // destination ports; "*" when empty
}

func (r Rule) args() network.SecurityRuleTypeArgs {
	direction, destination, ports := "Outbound", r.Destination, r.Ports
	if r.Inbound {
		direction = "Inbound"
	}
	if destination == "" {
		destination = "*"
	}
	if len(ports) == 0 {
		ports = []string{"*"}
	}
	return network.SecurityRuleTypeArgs{
		Name: pulumi.String(r.Name), Priority: pulumi.Int(r.Priority), Direction: pulumi.String(direction),
		Access: pulumi.String("Allow"), Protocol: pulumi.String(r.Protocol),
		SourceAddressPrefixes: pulumi.ToStringArray(r.Sources), SourcePortRange: pulumi.String("*"),
		DestinationAddressPrefix: pulumi.String(destination), DestinationPortRanges: pulumi.ToStringArray(ports),
	}
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
		rules = append(rules, r.args())
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
	_, err = monitoring.Diagnostics(ctx, name+"-diagnostics", group.ID().ToStringOutput(), args.WorkspaceID, monitoring.Logs{}, opts...)
	return group, err
}
