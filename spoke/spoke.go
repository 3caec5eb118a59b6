// Package spoke builds the spoke of the topology in two components: the network (resource group,
// VNet, AKS subnet on the hub's egress route table) and the private cluster with its identity.
// They are separate because the peering and, in custom DNS mode, the private zone must sit
// between them: both need the spoke VNet and both must exist before the cluster.
package spoke

import (
	network "github.com/pulumi/pulumi-azure-native-sdk/network/v2"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/hubspoke/private-aks/internal/azureid"
	"github.com/hubspoke/private-aks/internal/nsg"
	"github.com/hubspoke/private-aks/internal/platform"
)

// Names of the spoke's subnets.
const (
	AksSubnetName             = "snet-aks-nodes"
	PrivateEndpointSubnetName = "snet-private-endpoints"
)

// Args configures the spoke network. All fields are required.
type Args struct {
	Location          string
	ResourceGroupName string
	VNetName          string
	AddressSpace      string
	AksSubnet         string
	PodCIDR           string // optional: the overlay pod range; empty when pods take node-subnet IPs
	// Peers are the ranges that may reach the nodes: both VNets, and on-premises where configured.
	Peers []string
	// RouteTableID is the egress route table the AKS subnet is associated with.
	RouteTableID pulumi.StringInput
	DNSServers   []string // optional: the hub's resolvers; Azure-provided DNS when empty
	Protect      bool     // optional: protect the VNet from deletion
	NSGName      string   // the AKS subnet's NSG
	// PrivateEndpointSubnet is optional: the subnet of the registry's and vault's private
	// endpoints, with its NSG (PrivateEndpointNSGName).
	PrivateEndpointSubnet  string
	PrivateEndpointNSGName string
	WorkspaceID            pulumi.StringInput
	Tags                   map[string]string
}

// Spoke is the spoke network component.
type Spoke struct {
	pulumi.ResourceState

	ResourceGroupName pulumi.StringOutput
	VNetID            pulumi.StringOutput
	VNetName          pulumi.StringOutput
	AksSubnetID       pulumi.StringOutput
	// PrivateEndpointSubnetID is empty without a private endpoint subnet.
	PrivateEndpointSubnetID pulumi.StringOutput
}

// New registers the spoke resource group and VNet.
func New(ctx *pulumi.Context, name string, args Args, opts ...pulumi.ResourceOption) (*Spoke, error) {
	s := &Spoke{}
	if err := ctx.RegisterComponentResource("hubspoke:spoke:Spoke", name, s, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(s)
	tags := pulumi.ToStringMap(args.Tags)

	rg, err := platform.ResourceGroup(ctx, name+"-rg", args.ResourceGroupName, args.Location, tags, parent)
	if err != nil {
		return nil, err
	}
	aksNSG, err := nsg.New(ctx, name+"-aks-nsg", nsg.Args{
		ResourceGroupName: rg.Name, Location: args.Location, Name: args.NSGName, WorkspaceID: args.WorkspaceID, Tags: tags,
		Rules: aksRules(args.AksSubnet, args.PodCIDR, args.Peers),
	}, parent)
	if err != nil {
		return nil, err
	}
	vnetArgs := &network.VirtualNetworkArgs{
		ResourceGroupName:  rg.Name,
		VirtualNetworkName: pulumi.String(args.VNetName),
		Location:           pulumi.String(args.Location),
		AddressSpace:       network.AddressSpaceArgs{AddressPrefixes: pulumi.StringArray{pulumi.String(args.AddressSpace)}},
		// Inline, so that the subnet and its route table association exist with the VNet.
		Subnets: network.SubnetTypeArray{network.SubnetTypeArgs{
			Name:                 pulumi.String(AksSubnetName),
			AddressPrefix:        pulumi.String(args.AksSubnet),
			RouteTable:           network.RouteTableTypeArgs{Id: args.RouteTableID},
			NetworkSecurityGroup: network.NetworkSecurityGroupTypeArgs{Id: aksNSG.ID().ToStringOutput()},
		}},
		Tags: tags,
	}
	if args.PrivateEndpointSubnet != "" {
		peNSG, err := nsg.New(ctx, name+"-pe-nsg", nsg.Args{
			ResourceGroupName: rg.Name, Location: args.Location, Name: args.PrivateEndpointNSGName, WorkspaceID: args.WorkspaceID, Tags: tags,
			// HTTPS from the VNets (the peered hub included: jump box, resolvers) to the registry
			// and vault; pods reach them from their nodes' addresses.
			Rules: []nsg.Rule{{Name: "allow-vnet-https-inbound", Priority: 100, Inbound: true, Protocol: "Tcp",
				Sources: []string{"VirtualNetwork"}, Destination: args.PrivateEndpointSubnet, Ports: []string{"443"}}},
		}, parent)
		if err != nil {
			return nil, err
		}
		vnetArgs.Subnets = append(vnetArgs.Subnets.(network.SubnetTypeArray), network.SubnetTypeArgs{
			Name:                 pulumi.String(PrivateEndpointSubnetName),
			AddressPrefix:        pulumi.String(args.PrivateEndpointSubnet),
			NetworkSecurityGroup: network.NetworkSecurityGroupTypeArgs{Id: peNSG.ID().ToStringOutput()},
			// Network policies on, so the NSG applies to the private endpoints: Azure leaves them
			// off by default (Microsoft Learn, "Manage network policies for private endpoints").
			PrivateEndpointNetworkPolicies: pulumi.String(network.VirtualNetworkPrivateEndpointNetworkPoliciesEnabled),
		})
	}
	if len(args.DNSServers) > 0 {
		vnetArgs.DhcpOptions = network.DhcpOptionsArgs{DnsServers: pulumi.ToStringArray(args.DNSServers)}
	}
	vnet, err := network.NewVirtualNetwork(ctx, name+"-vnet", vnetArgs, parent, pulumi.Protect(args.Protect))
	if err != nil {
		return nil, err
	}

	s.ResourceGroupName = rg.Name
	s.VNetID = vnet.ID().ToStringOutput()
	s.VNetName = vnet.Name
	s.AksSubnetID = azureid.Subnet(s.VNetID, AksSubnetName)
	s.PrivateEndpointSubnetID = pulumi.String("").ToStringOutput()
	if args.PrivateEndpointSubnet != "" {
		s.PrivateEndpointSubnetID = azureid.Subnet(s.VNetID, PrivateEndpointSubnetName)
	}
	return s, ctx.RegisterResourceOutputs(s, pulumi.Map{
		"resourceGroupName": s.ResourceGroupName,
		"vnetId":            s.VNetID,
		"aksSubnetId":       s.AksSubnetID,
	})
}

// aksRules admit, inbound, only the VNets (peered hub included: the jump box reaching the API
// server's private endpoint) and on-premises, named by their ranges, the platform load balancer,
// and the cluster's own traffic. Not the VirtualNetwork tag: it includes the prefixes of the
// subnet's user-defined routes (Microsoft Learn, "Virtual network service tags", checked
// 2026-12-06), and this subnet routes 0.0.0.0/0 to the firewall, so the tag would admit anyone. With Azure
// CNI Overlay, pod traffic between nodes is not encapsulated and this NSG applies to it: Microsoft
// requires node subnet to node subnet, node subnet to pod range and pod range to pod range on all
// ports and protocols, and does not support blocking them (AKS docs, "Azure CNI Overlay", Network
// security groups, checked 2026-11-26). Pods reach nodes directly too (metrics-server scraping the
// kubelets), so the pod range reaches the node subnet as well. The VirtualNetwork tag does not
// cover the pod range, which lies outside every VNet.
func aksRules(nodeSubnet, podCIDR string, peers []string) []nsg.Rule {
	cluster := []string{nodeSubnet}
	if podCIDR != "" {
		cluster = append(cluster, podCIDR)
	}
	rules := []nsg.Rule{
		{Name: "allow-vnets-inbound", Priority: 100, Inbound: true, Protocol: "*", Sources: peers, Destination: nodeSubnet},
		{Name: "allow-load-balancer-inbound", Priority: 110, Inbound: true, Protocol: "*", Sources: []string{"AzureLoadBalancer"}},
		{Name: "allow-cluster-to-nodes", Priority: 120, Inbound: true, Protocol: "*", Sources: cluster, Destination: nodeSubnet},
	}
	if podCIDR != "" {
		rules = append(rules, nsg.Rule{Name: "allow-cluster-to-pods", Priority: 130, Inbound: true, Protocol: "*", Sources: cluster, Destination: podCIDR})
	}
	return rules
}
