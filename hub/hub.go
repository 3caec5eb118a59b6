// Package hub builds the hub of the topology in two components: the network (resource group,
// VNet with the firewall, jump-box, Bastion, gateway and DNS-resolver subnets, each with its NSG
// where Azure allows one, and the egress route table, the article's UDR), and the way in (Azure
// Bastion and the jump box VM). They are separate because the peering must sit between them: Azure
// refuses a peering while something joins a subnet of the same VNet.
package hub

import (
	network "github.com/pulumi/pulumi-azure-native-sdk/network/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hubspoke/private-aks/internal/azureid"
	"github.com/hubspoke/private-aks/internal/nsg"
	"github.com/hubspoke/private-aks/internal/platform"
)

// Subnet names Azure requires for the firewall.
const (
	FirewallSubnetName           = "AzureFirewallSubnet"
	FirewallManagementSubnetName = "AzureFirewallManagementSubnet"
	JumpBoxSubnetName            = "snet-jumpbox"
	BastionSubnetName            = "AzureBastionSubnet"
	GatewaySubnetName            = "GatewaySubnet"
	ForwarderSubnetName          = "snet-dns-forwarders"
	ResolverInboundSubnetName    = "snet-dns-inbound"
	ResolverOutboundSubnetName   = "snet-dns-outbound"
)

// Args configures the hub. Every field is required unless its comment says otherwise.
type Args struct {
	Location          string
	ResourceGroupName string
	VNetName          string
	AddressSpace      string
	// FirewallSubnet is the AzureFirewallSubnet range (/26 or larger).
	FirewallSubnet string
	// FirewallManagementSubnet is optional: the Basic firewall SKU needs it, others leave it empty.
	FirewallManagementSubnet string
	JumpBoxSubnet            string
	// BastionSubnet is optional: the AzureBastionSubnet range (/26 or larger) when Bastion is on.
	BastionSubnet string
	// GatewaySubnet is optional: the GatewaySubnet range, for a gateway created outside this stack.
	GatewaySubnet string
	// RouteTableName names the egress route table. It is created empty: the firewall adds the
	// default route once its private IP exists.
	RouteTableName string
	DNS            DNSArgs // optional: Azure-provided DNS when zero
	NSGNames       NSGNames
	WorkspaceID    pulumi.StringInput // Log Analytics workspace for NSG logs
	Protect        bool               // optional: protect the VNet from deletion
	Tags           map[string]string
}

// NSGNames are the Azure names of the subnets' NSGs (those of absent subnets are unused).
type NSGNames struct {
	JumpBox, Bastion, Forwarders, ResolverInbound, ResolverOutbound string
}

// DNSArgs places the hub's DNS resolvers. All fields are optional.
type DNSArgs struct {
	// Servers become the DNS servers of the hub VNet.
	Servers []string
	// ForwarderSubnet holds forwarder VMs: it egresses through the firewall.
	ForwarderSubnet string
	// Clients may query the resolvers: their NSGs admit DNS from these ranges only.
	Clients []string
	// ResolverInboundSubnet and ResolverOutboundSubnet are delegated to the Private Resolver.
	ResolverInboundSubnet  string
	ResolverOutboundSubnet string
}

// Hub is the hub component.
type Hub struct {
	pulumi.ResourceState

	ResourceGroupName          pulumi.StringOutput
	VNetID                     pulumi.StringOutput
	VNetName                   pulumi.StringOutput
	FirewallSubnetID           pulumi.StringOutput
	FirewallManagementSubnetID pulumi.StringOutput // empty unless Args.FirewallManagementSubnet is set
	// The DNS subnets' IDs, empty when not configured.
	ForwarderSubnetID        pulumi.StringOutput
	ResolverInboundSubnetID  pulumi.StringOutput
	ResolverOutboundSubnetID pulumi.StringOutput
	JumpBoxSubnetID          pulumi.StringOutput
	BastionSubnetID          pulumi.StringOutput // empty without Bastion
	RouteTableID             pulumi.StringOutput
	RouteTableName           pulumi.StringOutput
}

// New registers the hub network and its children.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Hub, error) {
	h := &Hub{}
	if err := ctx.RegisterComponentResource("hubspoke:hub:Hub", name, h, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(h)
	tags := pulumi.ToStringMap(args.Tags)

	rg, err := platform.ResourceGroup(ctx, name+"-rg", args.ResourceGroupName, args.Location, tags, parent)
	if err != nil {
		return nil, err
	}

	// The article puts the UDR in the hub: the network team owns egress. It lives here, empty,
	// so that both the jump-box subnet and the spoke's AKS subnet can be associated with it when
	// they are created; the firewall adds its 0.0.0.0/0 route as a standalone Route (never inline
	// routes here, or the two would delete each other).
	routeTable, err := network.NewRouteTable(ctx, name+"-egress-rt", &network.RouteTableArgs{
		ResourceGroupName: rg.Name,
		RouteTableName:    pulumi.String(args.RouteTableName),
		Location:          pulumi.String(args.Location),
		// Routes learned over BGP (a gateway) must not bypass the firewall.
		DisableBgpRoutePropagation: pulumi.Bool(true),
		Tags:                       tags,
	}, parent)
	if err != nil {
		return nil, err
	}

	// Subnets are declared inline: Azure refuses parallel subnet creation in one VNet. The
	// firewall's subnets take no NSG (Azure forbids it); every other one gets its own.
	subnets := network.SubnetTypeArray{
		network.SubnetTypeArgs{Name: pulumi.String(FirewallSubnetName), AddressPrefix: pulumi.String(args.FirewallSubnet)},
	}
	if args.FirewallManagementSubnet != "" {
		subnets = append(subnets, network.SubnetTypeArgs{
			Name: pulumi.String(FirewallManagementSubnetName), AddressPrefix: pulumi.String(args.FirewallManagementSubnet),
		})
	}
	// The gateway's subnet takes neither NSG nor route table: Azure does not support an NSG on
	// GatewaySubnet (Microsoft Learn, "About VPN Gateway configuration settings", checked 2026-11-26).
	if args.GatewaySubnet != "" {
		subnets = append(subnets, network.SubnetTypeArgs{Name: pulumi.String(GatewaySubnetName), AddressPrefix: pulumi.String(args.GatewaySubnet)})
	}
	secured, err := newSecuredSubnets(ctx, name, args, rg.Name, routeTable.ID().ToStringOutput(), tags, parent)
	if err != nil {
		return nil, err
	}
	vnetArgs := &network.VirtualNetworkArgs{
		ResourceGroupName:  rg.Name,
		VirtualNetworkName: pulumi.String(args.VNetName),
		Location:           pulumi.String(args.Location),
		AddressSpace:       network.AddressSpaceArgs{AddressPrefixes: pulumi.StringArray{pulumi.String(args.AddressSpace)}},
		Subnets:            append(subnets, secured...),
		Tags:               tags,
	}
	if len(args.DNS.Servers) > 0 {
		vnetArgs.DhcpOptions = network.DhcpOptionsArgs{DnsServers: pulumi.ToStringArray(args.DNS.Servers)}
	}
	vnet, err := network.NewVirtualNetwork(ctx, name+"-vnet", vnetArgs, parent, pulumi.Protect(args.Protect))
	if err != nil {
		return nil, err
	}
	vnetID := vnet.ID().ToStringOutput()

	h.ResourceGroupName = rg.Name
	h.VNetID = vnetID
	h.VNetName = vnet.Name
	h.FirewallSubnetID = azureid.Subnet(vnetID, FirewallSubnetName)
	h.FirewallManagementSubnetID = optionalSubnet(vnetID, args.FirewallManagementSubnet, FirewallManagementSubnetName)
	h.ForwarderSubnetID = optionalSubnet(vnetID, args.DNS.ForwarderSubnet, ForwarderSubnetName)
	h.ResolverInboundSubnetID = optionalSubnet(vnetID, args.DNS.ResolverInboundSubnet, ResolverInboundSubnetName)
	h.ResolverOutboundSubnetID = optionalSubnet(vnetID, args.DNS.ResolverOutboundSubnet, ResolverOutboundSubnetName)
	h.JumpBoxSubnetID = azureid.Subnet(vnetID, JumpBoxSubnetName)
	h.BastionSubnetID = optionalSubnet(vnetID, args.BastionSubnet, BastionSubnetName)
	h.RouteTableID = routeTable.ID().ToStringOutput()
	h.RouteTableName = routeTable.Name
	return h, ctx.RegisterResourceOutputs(h, pulumi.Map{
		"resourceGroupName": h.ResourceGroupName,
		"vnetId":            h.VNetID,
		"routeTableId":      h.RouteTableID,
	})
}

// optionalSubnet is an inline subnet's ID, or "" when its range is not configured.
func optionalSubnet(vnetID pulumi.StringOutput, prefix, subnet string) pulumi.StringOutput {
	if prefix == "" {
		return pulumi.String("").ToStringOutput()
	}
	return azureid.Subnet(vnetID, subnet)
}

// newSecuredSubnets declares the subnets that carry an NSG: the jump box's, Bastion's and the
// DNS resolvers'.
func newSecuredSubnets(ctx *pulumi.Context, name string, args Args, rgName pulumi.StringInput, routeTableID pulumi.StringOutput,
	tags pulumi.StringMap, parent pulumi.ResourceOption) (network.SubnetTypeArray, error) {
	var subnets network.SubnetTypeArray
	add := func(suffix, nsgName string, rules []nsg.Rule, subnet network.SubnetTypeArgs) error {
		group, err := nsg.New(ctx, name+suffix, nsg.Args{
			ResourceGroupName: rgName, Location: args.Location, Name: nsgName, Rules: rules,
			WorkspaceID: args.WorkspaceID, Tags: tags,
		}, parent)
		if err != nil {
			return err
		}
		subnet.NetworkSecurityGroup = network.NetworkSecurityGroupTypeArgs{Id: group.ID().ToStringOutput()}
		subnets = append(subnets, subnet)
		return nil
	}
	egress := network.RouteTableTypeArgs{Id: routeTableID}
	dns := func(sources []string) []nsg.Rule {
		return []nsg.Rule{
			{Name: "allow-dns-udp", Priority: 100, Inbound: true, Protocol: "Udp", Sources: sources, Ports: []string{"53"}},
			{Name: "allow-dns-tcp", Priority: 110, Inbound: true, Protocol: "Tcp", Sources: sources, Ports: []string{"53"}},
		}
	}

	// SSH to the jump box comes only from Bastion; without Bastion, only run commands reach it.
	var jumpRules []nsg.Rule
	if args.BastionSubnet != "" {
		jumpRules = []nsg.Rule{{Name: "allow-ssh-from-bastion", Priority: 100, Inbound: true, Protocol: "Tcp",
			Sources: []string{args.BastionSubnet}, Ports: []string{"22"}}}
	}
	if err := add("-jumpbox-nsg", args.NSGNames.JumpBox, jumpRules, network.SubnetTypeArgs{
		Name: pulumi.String(JumpBoxSubnetName), AddressPrefix: pulumi.String(args.JumpBoxSubnet), RouteTable: egress,
	}); err != nil {
		return nil, err
	}
	if args.BastionSubnet != "" {
		if err := add("-bastion-nsg", args.NSGNames.Bastion, bastionRules, network.SubnetTypeArgs{
			Name: pulumi.String(BastionSubnetName), AddressPrefix: pulumi.String(args.BastionSubnet),
		}); err != nil {
			return nil, err
		}
	}
	d := args.DNS
	if d.ForwarderSubnet != "" {
		if err := add("-dns-nsg", args.NSGNames.Forwarders, dns(d.Clients), network.SubnetTypeArgs{
			Name: pulumi.String(ForwarderSubnetName), AddressPrefix: pulumi.String(d.ForwarderSubnet), RouteTable: egress,
		}); err != nil {
			return nil, err
		}
	}
	delegated := func(subnet, prefix string) network.SubnetTypeArgs {
		return network.SubnetTypeArgs{
			Name:          pulumi.String(subnet),
			AddressPrefix: pulumi.String(prefix),
			Delegations: network.DelegationArray{network.DelegationArgs{
				Name: pulumi.String("dns-resolvers"), ServiceName: pulumi.String("Microsoft.Network/dnsResolvers"),
			}},
		}
	}
	if d.ResolverInboundSubnet != "" {
		if err := add("-dns-inbound-nsg", args.NSGNames.ResolverInbound, dns(d.Clients), delegated(ResolverInboundSubnetName, d.ResolverInboundSubnet)); err != nil {
			return nil, err
		}
	}
	if d.ResolverOutboundSubnet != "" {
		// Nothing comes in to the outbound endpoint: it only sends queries out.
		if err := add("-dns-outbound-nsg", args.NSGNames.ResolverOutbound, nil, delegated(ResolverOutboundSubnetName, d.ResolverOutboundSubnet)); err != nil {
			return nil, err
		}
	}
	return subnets, nil
}

// bastionRules are the rules Azure requires on AzureBastionSubnet (Microsoft Learn: "Working with
// NSG access and Azure Bastion"): HTTPS in from users, the gateway manager and the load balancer,
// the data plane between Bastion instances, and out to the VMs, Azure and session information.
var bastionRules = []nsg.Rule{
	{Name: "allow-https-inbound", Priority: 120, Inbound: true, Protocol: "Tcp", Sources: []string{"Internet"}, Ports: []string{"443"}},
	{Name: "allow-gateway-manager-inbound", Priority: 130, Inbound: true, Protocol: "Tcp", Sources: []string{"GatewayManager"}, Ports: []string{"443"}},
	{Name: "allow-load-balancer-inbound", Priority: 140, Inbound: true, Protocol: "Tcp", Sources: []string{"AzureLoadBalancer"}, Ports: []string{"443"}},
	{Name: "allow-bastion-host-communication", Priority: 150, Inbound: true, Protocol: "*", Sources: []string{"VirtualNetwork"},
		Destination: "VirtualNetwork", Ports: []string{"8080", "5701"}},
	{Name: "allow-ssh-rdp-outbound", Priority: 100, Protocol: "*", Sources: []string{"*"}, Destination: "VirtualNetwork", Ports: []string{"22", "3389"}},
	{Name: "allow-azure-cloud-outbound", Priority: 110, Protocol: "Tcp", Sources: []string{"*"}, Destination: "AzureCloud", Ports: []string{"443"}},
	{Name: "allow-bastion-communication-outbound", Priority: 120, Protocol: "*", Sources: []string{"VirtualNetwork"},
		Destination: "VirtualNetwork", Ports: []string{"8080", "5701"}},
	{Name: "allow-session-information-outbound", Priority: 130, Protocol: "*", Sources: []string{"*"}, Destination: "Internet", Ports: []string{"80"}},
}
