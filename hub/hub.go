// Package hub builds the hub of the topology: its resource group, its VNet with the firewall and
// jump-box subnets, the egress route table (the article's UDR) and the jump box VM.
package hub

import (
	_ "embed"

	compute "github.com/pulumi/pulumi-azure-native-sdk/compute/v2"
	network "github.com/pulumi/pulumi-azure-native-sdk/network/v2"
	resources "github.com/pulumi/pulumi-azure-native-sdk/resources/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hubspoke/private-aks/internal/azureid"
	"github.com/hubspoke/private-aks/internal/linuxvm"
)

// Subnet names Azure requires for the firewall.
const (
	FirewallSubnetName           = "AzureFirewallSubnet"
	FirewallManagementSubnetName = "AzureFirewallManagementSubnet"
	JumpBoxSubnetName            = "snet-jumpbox"
	ForwarderSubnetName          = "snet-dns-forwarders"
	ResolverInboundSubnetName    = "snet-dns-inbound"
	ResolverOutboundSubnetName   = "snet-dns-outbound"
)

// CloudInit is the jump box's cloud-config: it installs the Azure CLI, kubectl and kubelogin.
//
//go:embed cloud-init.yaml
var CloudInit string

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
	// RouteTableName names the egress route table. It is created empty: the firewall adds the
	// default route once its private IP exists.
	RouteTableName string
	JumpBox        JumpBoxArgs
	DNS            DNSArgs // optional: Azure-provided DNS when zero
	Protect        bool    // optional: protect the VNet from deletion
	Tags           map[string]string
}

// DNSArgs places the hub's DNS resolvers. All fields are optional.
type DNSArgs struct {
	// Servers become the DNS servers of the hub VNet.
	Servers []string
	// ForwarderSubnet holds forwarder VMs: it egresses through the firewall and its NSG admits
	// DNS from Clients only.
	ForwarderSubnet string
	Clients         []string
	// ResolverInboundSubnet and ResolverOutboundSubnet are delegated to the Private Resolver.
	ResolverInboundSubnet  string
	ResolverOutboundSubnet string
	NSGName                string // the forwarder subnet's NSG
}

// JumpBoxArgs configures the jump box VM. All fields are required.
type JumpBoxArgs struct {
	VMName        string
	NICName       string
	Size          string
	AdminUsername string
	SSHPublicKey  string
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
	RouteTableID             pulumi.StringOutput
	RouteTableName           pulumi.StringOutput
	JumpBoxName              pulumi.StringOutput
	JumpBoxPrivateIP         pulumi.StringOutput
	JumpBox                  *compute.VirtualMachine
}

// New registers the hub and its children.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Hub, error) {
	h := &Hub{}
	if err := ctx.RegisterComponentResource("hubspoke:hub:Hub", name, h, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(h)
	tags := pulumi.ToStringMap(args.Tags)

	rg, err := resources.NewResourceGroup(ctx, name+"-rg", &resources.ResourceGroupArgs{
		ResourceGroupName: pulumi.String(args.ResourceGroupName),
		Location:          pulumi.String(args.Location),
		Tags:              tags,
	}, parent)
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

	// Subnets are declared inline: Azure refuses parallel subnet creation in one VNet.
	subnets := network.SubnetTypeArray{
		network.SubnetTypeArgs{Name: pulumi.String(FirewallSubnetName), AddressPrefix: pulumi.String(args.FirewallSubnet)},
		network.SubnetTypeArgs{
			Name:          pulumi.String(JumpBoxSubnetName),
			AddressPrefix: pulumi.String(args.JumpBoxSubnet),
			RouteTable:    network.RouteTableTypeArgs{Id: routeTable.ID().ToStringOutput()},
		},
	}
	if args.FirewallManagementSubnet != "" {
		subnets = append(subnets, network.SubnetTypeArgs{
			Name: pulumi.String(FirewallManagementSubnetName), AddressPrefix: pulumi.String(args.FirewallManagementSubnet),
		})
	}
	dnsSubnets, err := newDNSSubnets(ctx, name, args, rg.Name, routeTable.ID().ToStringOutput(), tags, parent)
	if err != nil {
		return nil, err
	}
	vnetArgs := &network.VirtualNetworkArgs{
		ResourceGroupName:  rg.Name,
		VirtualNetworkName: pulumi.String(args.VNetName),
		Location:           pulumi.String(args.Location),
		AddressSpace:       network.AddressSpaceArgs{AddressPrefixes: pulumi.StringArray{pulumi.String(args.AddressSpace)}},
		Subnets:            append(subnets, dnsSubnets...),
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

	vm, nic, err := linuxvm.New(ctx, name+"-jumpbox", linuxvm.Args{
		ResourceGroupName: rg.Name,
		Location:          args.Location,
		VMName:            args.JumpBox.VMName,
		NICName:           args.JumpBox.NICName,
		Size:              args.JumpBox.Size,
		AdminUsername:     args.JumpBox.AdminUsername,
		SSHPublicKey:      args.JumpBox.SSHPublicKey,
		CloudInit:         CloudInit,
		SubnetID:          azureid.Subnet(vnetID, JumpBoxSubnetName),
		Tags:              tags,
	}, parent)
	if err != nil {
		return nil, err
	}

	h.ResourceGroupName = rg.Name
	h.VNetID = vnetID
	h.VNetName = vnet.Name
	h.FirewallSubnetID = azureid.Subnet(vnetID, FirewallSubnetName)
	h.FirewallManagementSubnetID = optionalSubnet(vnetID, args.FirewallManagementSubnet, FirewallManagementSubnetName)
	h.ForwarderSubnetID = optionalSubnet(vnetID, args.DNS.ForwarderSubnet, ForwarderSubnetName)
	h.ResolverInboundSubnetID = optionalSubnet(vnetID, args.DNS.ResolverInboundSubnet, ResolverInboundSubnetName)
	h.ResolverOutboundSubnetID = optionalSubnet(vnetID, args.DNS.ResolverOutboundSubnet, ResolverOutboundSubnetName)
	h.RouteTableID = routeTable.ID().ToStringOutput()
	h.RouteTableName = routeTable.Name
	h.JumpBox = vm
	h.JumpBoxName = vm.Name
	h.JumpBoxPrivateIP = nic.IpConfigurations.Index(pulumi.Int(0)).PrivateIPAddress().Elem()
	return h, ctx.RegisterResourceOutputs(h, pulumi.Map{
		"resourceGroupName": h.ResourceGroupName,
		"vnetId":            h.VNetID,
		"routeTableId":      h.RouteTableID,
		"jumpBoxPrivateIp":  h.JumpBoxPrivateIP,
	})
}

// optionalSubnet is an inline subnet's ID, or "" when its range is not configured.
func optionalSubnet(vnetID pulumi.StringOutput, prefix, subnet string) pulumi.StringOutput {
	if prefix == "" {
		return pulumi.String("").ToStringOutput()
	}
	return azureid.Subnet(vnetID, subnet)
}

// newDNSSubnets declares the resolvers' subnets, with the forwarders' NSG.
func newDNSSubnets(ctx *pulumi.Context, name string, args Args, rgName pulumi.StringInput, routeTableID pulumi.StringOutput,
	tags pulumi.StringMap, parent pulumi.ResourceOption) (network.SubnetTypeArray, error) {
	d := args.DNS
	var subnets network.SubnetTypeArray
	if d.ForwarderSubnet != "" {
		rule := func(ruleName, protocol string, priority int) network.SecurityRuleTypeArgs {
			return network.SecurityRuleTypeArgs{
				Name: pulumi.String(ruleName), Priority: pulumi.Int(priority), Direction: pulumi.String("Inbound"),
				Access: pulumi.String("Allow"), Protocol: pulumi.String(protocol),
				SourceAddressPrefixes: pulumi.ToStringArray(d.Clients), SourcePortRange: pulumi.String("*"),
				DestinationAddressPrefix: pulumi.String(d.ForwarderSubnet), DestinationPortRange: pulumi.String("53"),
			}
		}
		nsg, err := network.NewNetworkSecurityGroup(ctx, name+"-dns-nsg", &network.NetworkSecurityGroupArgs{
			ResourceGroupName:        rgName,
			NetworkSecurityGroupName: pulumi.String(d.NSGName),
			Location:                 pulumi.String(args.Location),
			SecurityRules: network.SecurityRuleTypeArray{
				rule("allow-dns-udp", "Udp", 100),
				rule("allow-dns-tcp", "Tcp", 110),
				// Overrides Azure's default allow of all VNet traffic: DNS from the clients only.
				network.SecurityRuleTypeArgs{
					Name: pulumi.String("deny-all-inbound"), Priority: pulumi.Int(4096), Direction: pulumi.String("Inbound"),
					Access: pulumi.String("Deny"), Protocol: pulumi.String("*"),
					SourceAddressPrefix: pulumi.String("*"), SourcePortRange: pulumi.String("*"),
					DestinationAddressPrefix: pulumi.String("*"), DestinationPortRange: pulumi.String("*"),
				},
			},
			Tags: tags,
		}, parent)
		if err != nil {
			return nil, err
		}
		subnets = append(subnets, network.SubnetTypeArgs{
			Name:                 pulumi.String(ForwarderSubnetName),
			AddressPrefix:        pulumi.String(d.ForwarderSubnet),
			RouteTable:           network.RouteTableTypeArgs{Id: routeTableID},
			NetworkSecurityGroup: network.NetworkSecurityGroupTypeArgs{Id: nsg.ID().ToStringOutput()},
		})
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
		subnets = append(subnets, delegated(ResolverInboundSubnetName, d.ResolverInboundSubnet))
	}
	if d.ResolverOutboundSubnet != "" {
		subnets = append(subnets, delegated(ResolverOutboundSubnetName, d.ResolverOutboundSubnet))
	}
	return subnets, nil
}
